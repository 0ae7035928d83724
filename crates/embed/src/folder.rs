//! Reading a sentence-transformers model folder: which files, what they say, and where
//! the default folder is.

use std::path::{Path, PathBuf};

use candle_transformers::models::bert;
use serde::Deserialize;

use crate::EmbedError;

/// The folder name of the model `make model` installs, under `models/`.
pub const DEFAULT_MODEL_NAME: &str = "all-MiniLM-L6-v2";

/// The environment variable that overrides where the default model is looked for.
pub const MODEL_DIR_ENV: &str = "CHORUS_MODEL_DIR";

/// Where the default model is, or `None` if it is nowhere to be found.
///
/// Search order, first match wins:
///
/// 1. `$CHORUS_MODEL_DIR`, when set and not empty, whether or not it exists (so a wrong
///    value fails loudly in [`Embedder::load`](crate::Embedder::load) rather than being
///    passed over);
/// 2. `models/all-MiniLM-L6-v2` under the current directory, if it holds `config.json`;
/// 3. `models/all-MiniLM-L6-v2` under each ancestor of the running executable's folder,
///    nearest first, if it holds `config.json`; so `target/release/chorus`, or a test
///    binary in `target/debug/deps`, finds the model of the checkout it was built in
///    whatever the current directory.
pub fn default_model_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(MODEL_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let relative = Path::new("models").join(DEFAULT_MODEL_NAME);
    if relative.join("config.json").is_file() {
        return Some(relative);
    }
    let exe = std::env::current_exe().ok()?;
    exe.parent()?
        .ancestors()
        .map(|dir| dir.join(&relative))
        .find(|candidate| candidate.join("config.json").is_file())
}

/// How token vectors become one sentence vector, from `1_Pooling/config.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pooling {
    /// The mean of the token vectors the attention mask keeps (padding excluded).
    Mean,
    /// The vector of the first token, `[CLS]`.
    Cls,
}

#[derive(Deserialize)]
struct PoolingFile {
    word_embedding_dimension: Option<usize>,
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

#[derive(Deserialize)]
struct SentenceBertFile {
    max_seq_length: Option<usize>,
}

/// Everything a folder says except the weights and the tokenizer, checked.
pub(crate) struct FolderConfig {
    pub(crate) bert: bert::Config,
    pub(crate) pooling: Pooling,
    pub(crate) max_tokens: usize,
    /// The raw bytes of every small file that shapes the vectors, for the model id.
    pub(crate) identity: Vec<u8>,
}

/// Reads a file of the folder, telling a missing file from an unreadable one.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, EmbedError> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            EmbedError::MissingFile { path: path.to_owned() }
        } else {
            EmbedError::Read { path: path.to_owned(), source }
        }
    })
}

/// Reads a file that may be absent: `None` then.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, EmbedError> {
    match read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(EmbedError::MissingFile { .. }) => Ok(None),
        Err(err) => Err(err),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(path: &Path, bytes: &[u8]) -> Result<T, EmbedError> {
    serde_json::from_slice(bytes)
        .map_err(|err| EmbedError::BadJson { path: path.to_owned(), message: err.to_string() })
}

/// Reads and checks `config.json`, `sentence_bert_config.json` and
/// `1_Pooling/config.json`.
pub(crate) fn read_config(dir: &Path) -> Result<FolderConfig, EmbedError> {
    if !dir.is_dir() {
        return Err(EmbedError::MissingFolder { dir: dir.to_owned() });
    }
    let config_path = dir.join("config.json");
    let config_bytes = read(&config_path)?;
    let bert = bert_config(&config_path, &config_bytes)?;

    let sbert_path = dir.join("sentence_bert_config.json");
    let sbert_bytes = read_optional(&sbert_path)?;
    let declared_max = match &sbert_bytes {
        Some(bytes) => parse::<SentenceBertFile>(&sbert_path, bytes)?.max_seq_length,
        None => None,
    };
    // The position table bounds what the model can read, whatever the folder declares.
    let max_tokens =
        declared_max.unwrap_or(bert.max_position_embeddings).min(bert.max_position_embeddings);
    if max_tokens < 2 {
        return Err(EmbedError::BadJson {
            path: sbert_path,
            message: format!("max_seq_length {max_tokens} leaves no room for [CLS] and [SEP]"),
        });
    }

    let pooling_path = dir.join("1_Pooling").join("config.json");
    let pooling_bytes = read_optional(&pooling_path)?;
    let pooling = match &pooling_bytes {
        Some(bytes) => pooling(&pooling_path, bytes, bert.hidden_size)?,
        // Sentence-transformers wraps a bare BERT folder with mean pooling.
        None => Pooling::Mean,
    };

    let mut identity = config_bytes;
    for part in [sbert_bytes, pooling_bytes].into_iter().flatten() {
        identity.push(0);
        identity.extend_from_slice(&part);
    }
    Ok(FolderConfig { bert, pooling, max_tokens, identity })
}

fn bert_config(path: &Path, bytes: &[u8]) -> Result<bert::Config, EmbedError> {
    let value: serde_json::Value = parse(path, bytes)?;
    let Some(object) = value.as_object() else {
        return Err(EmbedError::BadJson {
            path: path.to_owned(),
            message: "expected a JSON object".to_owned(),
        });
    };
    // Check the family before the fields, so a RoBERTa or T5 folder is reported as the
    // wrong kind of model rather than as a file with odd fields.
    let model_type = object.get("model_type").and_then(|v| v.as_str());
    let architectures: Vec<&str> = object
        .get("architectures")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let is_bert = match model_type {
        Some(kind) => kind == "bert",
        None => architectures.iter().any(|a| a.starts_with("Bert")),
    };
    if !is_bert {
        let what = match model_type {
            Some(kind) => format!("model_type \"{kind}\""),
            None if architectures.is_empty() => "a config without model_type".to_owned(),
            None => format!("architectures {architectures:?}"),
        };
        return Err(EmbedError::Unsupported { path: path.to_owned(), what });
    }
    let config: bert::Config = parse(path, bytes)?;
    let mut problems = Vec::new();
    if config.hidden_size == 0 || config.num_attention_heads == 0 {
        problems.push("hidden_size and num_attention_heads must be positive".to_owned());
    } else if !config.hidden_size.is_multiple_of(config.num_attention_heads) {
        problems.push(format!(
            "hidden_size {} is not a multiple of num_attention_heads {}",
            config.hidden_size, config.num_attention_heads
        ));
    }
    if config.vocab_size == 0 || config.max_position_embeddings == 0 || config.type_vocab_size == 0
    {
        problems.push(
            "vocab_size, max_position_embeddings and type_vocab_size must be positive".to_owned(),
        );
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(EmbedError::BadJson { path: path.to_owned(), message: problems.join("; ") })
    }
}

fn pooling(path: &Path, bytes: &[u8], hidden: usize) -> Result<Pooling, EmbedError> {
    let file: PoolingFile = parse(path, bytes)?;
    if let Some(dim) = file.word_embedding_dimension
        && dim != hidden
    {
        return Err(EmbedError::BadJson {
            path: path.to_owned(),
            message: format!(
                "word_embedding_dimension {dim} but the model's hidden_size is {hidden}"
            ),
        });
    }
    let modes = [
        ("mean", file.pooling_mode_mean_tokens),
        ("cls", file.pooling_mode_cls_token),
        ("max", file.pooling_mode_max_tokens),
        ("mean_sqrt_len", file.pooling_mode_mean_sqrt_len_tokens),
    ];
    let chosen: Vec<&str> = modes.iter().filter(|(_, on)| *on).map(|(n, _)| *n).collect();
    match chosen.as_slice() {
        ["mean"] => Ok(Pooling::Mean),
        ["cls"] => Ok(Pooling::Cls),
        other => Err(EmbedError::Unsupported {
            path: path.to_owned(),
            what: format!("pooling {other:?}"),
        }),
    }
}
