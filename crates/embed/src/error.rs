//! What can go wrong loading a model folder or embedding text.

use std::path::PathBuf;

/// Why a model folder could not be loaded, or a batch of texts not embedded.
///
/// Every loading error names the file at fault and ends with what to do about it, since
/// the usual cause is a model that was never installed or a `model_dir` that points
/// somewhere else.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbedError {
    /// The model folder does not exist (or is not a folder).
    #[error(
        "no model folder at {dir}: run `make model` or set [embed] model_dir to a \
         sentence-transformers BERT folder"
    )]
    MissingFolder {
        /// The folder that was looked for.
        dir: PathBuf,
    },
    /// A file the model needs is not in the folder.
    #[error(
        "{path} is missing: the model folder is incomplete; run `make model` again or set \
         [embed] model_dir to a complete sentence-transformers BERT folder"
    )]
    MissingFile {
        /// The file that was looked for.
        path: PathBuf,
    },
    /// A file exists but could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A JSON file of the folder is not valid JSON, or lacks a field the model needs.
    #[error(
        "{path} is not a valid model file: {message}; run `make model` again or set \
         [embed] model_dir to a sentence-transformers BERT folder"
    )]
    BadJson {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// The folder holds a model of another family than BERT, or pooling this crate
    /// does not implement.
    #[error(
        "{path}: {what} is not supported (only BERT models with mean or CLS pooling are); \
         set [embed] model_dir to a sentence-transformers BERT folder such as \
         all-MiniLM-L6-v2 (`make model`)"
    )]
    Unsupported {
        /// The file that says so.
        path: PathBuf,
        /// What was found instead.
        what: String,
    },
    /// The weights file is damaged, truncated, or does not fit the configuration
    /// (a missing tensor, a shape mismatch).
    #[error(
        "{path}: the weights do not load ({message}); the file may be truncated or belong \
         to another model: run `make model` again"
    )]
    Weights {
        /// The weights file.
        path: PathBuf,
        /// What the loader said.
        message: String,
    },
    /// `tokenizer.json` could not be loaded or configured.
    #[error("{path}: the tokenizer does not load ({message}); run `make model` again")]
    Tokenizer {
        /// The tokenizer file.
        path: PathBuf,
        /// What the tokenizer library said.
        message: String,
    },
    /// The tokenizer rejected a text.
    #[error("text {index} could not be tokenized: {message}")]
    Tokenize {
        /// The text's position in the input.
        index: usize,
        /// What the tokenizer library said.
        message: String,
    },
    /// The forward pass failed. The model loaded, so this is a bug or an exhausted
    /// machine, not bad input.
    #[error("the model failed on a batch: {message}")]
    Inference {
        /// What the tensor library said.
        message: String,
    },
    /// A thread pool of the requested size could not be started.
    #[error("cannot start {threads} embedding threads: {message}")]
    Threads {
        /// The number asked for.
        threads: usize,
        /// What the operating system said.
        message: String,
    },
}

impl EmbedError {
    pub(crate) fn inference(err: candle_core::Error) -> Self {
        EmbedError::Inference { message: err.to_string() }
    }
}
