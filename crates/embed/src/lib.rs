//! Sentence embeddings from a local sentence-transformers BERT model.
//!
//! In: a model folder and texts. Out: one unit-length `f32` vector per text, such that
//! texts that say the same thing have vectors with a high [`cosine`]. The work is a
//! plain synchronous library call with no I/O beyond reading the folder once, in
//! [`Embedder::load`]; callers on an async runtime run [`Embedder::embed`] on a blocking
//! or CPU thread.
//!
//! # The model folder
//!
//! The layout `sentence-transformers` saves, and `make model` installs into
//! `models/all-MiniLM-L6-v2/` (see [`default_model_dir`] for how it is found):
//!
//! | file | used for | required |
//! |---|---|---|
//! | `config.json` | the BERT shape (`model_type` must be `bert`) | yes |
//! | `model.safetensors` | the weights, with or without a `bert.` prefix on names | yes |
//! | `tokenizer.json` | the WordPiece tokenizer (its own padding is switched off) | yes |
//! | `sentence_bert_config.json` | `max_seq_length`, the truncation length | no: `max_position_embeddings` |
//! | `1_Pooling/config.json` | mean or CLS pooling | no: mean |
//!
//! # How a vector is made
//!
//! Each text is tokenized with `[CLS]` and `[SEP]` and truncated to
//! [`Embedder::max_tokens`] tokens (256 for all-MiniLM-L6-v2; the rest of a long text is
//! ignored, not an error). The token vectors of the model's last layer are averaged over
//! the real tokens (mean pooling; or the `[CLS]` vector when the folder asks for CLS
//! pooling), and the average is scaled to unit length. This is what
//! `SentenceTransformer.encode(..., normalize_embeddings=True)` computes; the tests check
//! it against reference vectors from an independent NumPy forward pass to 1e-4 in cosine.
//!
//! The empty string is not an error: it embeds as the two-token sequence `[CLS] [SEP]`,
//! a fixed vector, the same as for whitespace-only text. Callers that want to skip empty
//! texts check for them first.
//!
//! # Batching and threads
//!
//! [`Embedder::embed`] sorts its texts by token count, cuts them into batches of similar
//! length (at most [`MAX_BATCH_TEXTS`] texts, [`MAX_BATCH_TOKENS`] padded tokens and
//! [`MAX_BATCH_ATTENTION`] pairs of tokens), pads each batch to its longest text, and
//! masks the padding out of both attention and pooling, so a text's vector does not
//! depend on what it was batched with (to well within 1e-5).
//!
//! All the work runs on a rayon thread pool: rayon's global pool by default (sized by
//! `RAYON_NUM_THREADS`, else the number of cores), or a pool of its own with
//! [`Embedder::with_threads`]; `with_threads(1)` makes embedding single-threaded.
//! Batches run side by side on the pool, and each batch's matrix products are split
//! across it as well (into as many pieces as `RAYON_NUM_THREADS` or the number of cores
//! says; the tensor library reads that itself). Splitting alone gains little: with one
//! batch of one text, two threads embed about a tenth faster than one; with many texts,
//! batches side by side scale with the threads. So callers embed many texts per call.
//!
//! ```no_run
//! use chorus_embed::{Embedder, cosine, default_model_dir};
//!
//! let dir = default_model_dir().expect("run `make model`");
//! let embedder = Embedder::load(&dir)?;
//! let v = embedder.embed(&["The pier opens in October.", "A new pier will open in the autumn."])?;
//! assert_eq!(v[0].len(), embedder.dim());
//! assert!(cosine(&v[0], &v[1]) > 0.5);
//! # Ok::<(), chorus_embed::EmbedError>(())
//! ```
#![deny(missing_docs)]

mod config;
mod error;
mod folder;
mod vector;

use std::num::NonZeroUsize;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::BertModel;
use rayon::prelude::*;
use tokenizers::{Tokenizer, TruncationParams};

pub use config::{EmbedConfig, EmbedSettings, Loaded};
pub use error::EmbedError;
pub use folder::{DEFAULT_MODEL_NAME, MODEL_DIR_ENV, default_model_dir};
pub use vector::{cosine, cosine_i8, dequantize, quantize};

use folder::Pooling;

/// The most texts one forward pass takes.
pub const MAX_BATCH_TEXTS: usize = 32;

/// The most tokens, padding included, one forward pass takes: it bounds the memory of
/// a batch's activations (tens of megabytes for all-MiniLM-L6-v2) while leaving its matrix
/// products large enough to run near the machine's speed.
pub const MAX_BATCH_TOKENS: usize = 4096;

/// The most token pairs one forward pass's attention covers: texts × width². Attention
/// scores take `heads × width²` floats per text (3 MB for a text of 256 tokens in
/// all-MiniLM-L6-v2), and batches run side by side, one per thread; this keeps batches
/// of long texts to a few texts, so memory stays in the tens of megabytes per thread.
pub const MAX_BATCH_ATTENTION: usize = 1 << 18;

/// A loaded model: turns texts into unit vectors.
///
/// `Send + Sync` and immutable after loading, so one `Arc<Embedder>` serves every thread.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    pooling: Pooling,
    dim: usize,
    max_tokens: usize,
    pad_id: u32,
    model_id: String,
    pool: Option<rayon::ThreadPool>,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("model_id", &self.model_id)
            .field("dim", &self.dim)
            .field("max_tokens", &self.max_tokens)
            .field("pooling", &self.pooling)
            .field("threads", &self.threads())
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads the model folder `dir` (layout in the [crate docs](crate)).
    ///
    /// Reads about 90 MB for all-MiniLM-L6-v2 and holds its weights in memory (twice
    /// that while loading). Every failure names the file at fault.
    pub fn load(dir: &Path) -> Result<Embedder, EmbedError> {
        let config = folder::read_config(dir)?;

        let tokenizer_path = dir.join("tokenizer.json");
        let tokenizer_bytes = folder::read(&tokenizer_path)?;
        let tokenizer_error =
            |message: String| EmbedError::Tokenizer { path: tokenizer_path.clone(), message };
        let mut tokenizer =
            Tokenizer::from_bytes(&tokenizer_bytes).map_err(|e| tokenizer_error(e.to_string()))?;
        // The saved tokenizer pads everything to 128 tokens; batches pad themselves to
        // their own longest text instead.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: config.max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| tokenizer_error(e.to_string()))?;
        let vocab = tokenizer.get_vocab_size(true);
        if vocab > config.bert.vocab_size {
            return Err(tokenizer_error(format!(
                "{vocab} tokens but the model's vocab_size is {}",
                config.bert.vocab_size
            )));
        }

        let weights_path = dir.join("model.safetensors");
        let weights = folder::read(&weights_path)?;
        let model_id = model_id(dir, &config.identity, &tokenizer_bytes, &weights);
        let weights_error = |err: candle_core::Error| EmbedError::Weights {
            path: weights_path.clone(),
            message: err.to_string(),
        };
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
            .map_err(weights_error)?;
        // sentence-transformers saves the bare encoder; a BERT checkpoint saved whole
        // prefixes every name with `bert.`. Choose here, so that a real error in either
        // layout is reported rather than the other layout's missing names.
        let vb = if vb.contains_tensor("embeddings.word_embeddings.weight") {
            vb
        } else if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            return Err(EmbedError::Weights {
                path: weights_path,
                message: "no tensor embeddings.word_embeddings.weight, with or without the \
                          bert. prefix"
                    .to_owned(),
            });
        };
        let model = BertModel::load(vb, &config.bert).map_err(weights_error)?;

        Ok(Embedder {
            model,
            tokenizer,
            pooling: config.pooling,
            dim: config.bert.hidden_size,
            max_tokens: config.max_tokens,
            // Any id works under the mask; the model's own pad id keeps padded rows tame.
            pad_id: u32::try_from(config.bert.pad_token_id).unwrap_or(0),
            model_id,
            pool: None,
        })
    }

    /// Runs the matrix work on a pool of `threads` threads of its own rather than on
    /// rayon's global pool; `1` makes embedding single-threaded.
    pub fn with_threads(mut self, threads: NonZeroUsize) -> Result<Embedder, EmbedError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.get())
            .thread_name(|i| format!("embed-{i}"))
            .build()
            .map_err(|e| EmbedError::Threads { threads: threads.get(), message: e.to_string() })?;
        self.pool = Some(pool);
        Ok(self)
    }

    /// How many threads embedding runs on.
    pub fn threads(&self) -> usize {
        match &self.pool {
            Some(pool) => pool.current_num_threads(),
            None => rayon::current_num_threads(),
        }
    }

    /// One unit vector of [`dim`](Self::dim) components per text, in input order.
    ///
    /// Texts longer than [`max_tokens`](Self::max_tokens) are truncated; `""` gives the
    /// vector of `[CLS] [SEP]` (see the [crate docs](crate)). An empty slice gives an
    /// empty result.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        match &self.pool {
            Some(pool) => pool.install(|| self.embed_here(texts)),
            None => self.embed_here(texts),
        }
    }

    /// The number of components of every vector: 384 for all-MiniLM-L6-v2.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// A stable id of the weights, tokenizer and pooling: the folder's name and a hash
    /// of its files' contents, such as `all-MiniLM-L6-v2-3f2a9c1d0b7e`. Vectors stored
    /// under one id are comparable with each other and with new ones from a model of the
    /// same id, and with nothing else.
    pub fn model_id(&self) -> &str {
        &self.model_id
    }

    /// The most tokens of a text the model reads, `[CLS]` and `[SEP]` included.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// The number of tokens `text` becomes, after truncation, with `[CLS]` and `[SEP]`:
    /// between 2 and [`max_tokens`](Self::max_tokens). (0 only if the tokenizer rejects
    /// the text, which [`embed`](Self::embed) reports as an error.)
    pub fn count_tokens(&self, text: &str) -> usize {
        self.tokenizer.encode(text, true).map(|e| e.len()).unwrap_or(0)
    }

    fn embed_here(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut ids = Vec::with_capacity(texts.len());
        for (index, text) in texts.iter().enumerate() {
            let encoding = self
                .tokenizer
                .encode(*text, true)
                .map_err(|e| EmbedError::Tokenize { index, message: e.to_string() })?;
            ids.push(encoding.get_ids().to_vec());
        }
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| ids[i].len());

        // Batches run side by side as well as each splitting its matrix products: the
        // products alone keep only part of the threads busy, since layer norms, softmax
        // and small per-head products run on one.
        let cut = batches(&order, |i| ids[i].len());
        let results: Vec<candle_core::Result<Vec<Vec<f32>>>> = cut
            .par_iter()
            .map(|batch| {
                let rows: Vec<&[u32]> = batch.iter().map(|&i| ids[i].as_slice()).collect();
                self.forward(&rows)
            })
            .collect();
        let mut out = vec![Vec::new(); texts.len()];
        for (batch, vectors) in cut.iter().zip(results) {
            let vectors = vectors.map_err(EmbedError::inference)?;
            for (&i, vector) in batch.iter().zip(vectors) {
                out[i] = vector;
            }
        }
        Ok(out)
    }

    /// One forward pass over token rows, padded to the longest; unit vectors out.
    fn forward(&self, rows: &[&[u32]]) -> candle_core::Result<Vec<Vec<f32>>> {
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
        let mut ids = vec![self.pad_id; rows.len() * width];
        let mut mask = vec![0u32; rows.len() * width];
        for (row, tokens) in rows.iter().enumerate() {
            let start = row * width;
            ids[start..start + tokens.len()].copy_from_slice(tokens);
            mask[start..start + tokens.len()].fill(1);
        }
        let shape = (rows.len(), width);
        let ids = Tensor::from_vec(ids, shape, &Device::Cpu)?;
        let types = ids.zeros_like()?;
        let mask = Tensor::from_vec(mask, shape, &Device::Cpu)?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?;
        let pooled = match self.pooling {
            Pooling::Mean => {
                let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
                let sum = hidden.broadcast_mul(&mask)?.sum(1)?;
                let count = mask.sum(1)?;
                sum.broadcast_div(&count)?
            }
            Pooling::Cls => hidden.narrow(1, 0, 1)?.squeeze(1)?,
        };
        let mut vectors: Vec<Vec<f32>> = pooled.to_vec2()?;
        for v in &mut vectors {
            normalize(v);
        }
        Ok(vectors)
    }
}

/// Scales `v` to unit length; a zero vector stays zero.
fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| f64::from(*x) * f64::from(*x)).sum::<f64>().sqrt();
    if norm > 0.0 {
        for x in v {
            *x = (f64::from(*x) / norm) as f32;
        }
    }
}

/// Cuts `order` (indices sorted by length) into runs that fit one forward pass.
fn batches(order: &[usize], len: impl Fn(usize) -> usize) -> Vec<&[usize]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        // Sorted ascending, so the last text of a run sets its padded width.
        while end < order.len()
            && end - start < MAX_BATCH_TEXTS
            && (end - start + 1) * len(order[end]) <= MAX_BATCH_TOKENS
            && (end - start + 1) * len(order[end]).pow(2) <= MAX_BATCH_ATTENTION
        {
            end += 1;
        }
        out.push(&order[start..end]);
        start = end;
    }
    out
}

/// `<folder name>-<12 hex digits>`: the hash covers every byte that shapes a vector.
fn model_id(dir: &Path, config: &[u8], tokenizer: &[u8], weights: &[u8]) -> String {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "model".to_owned());
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in [config, tokenizer, weights] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    format!("{name}-{:012x}", hasher.digest() >> 16)
}

// Embedders are shared across threads in an `Arc`; keep that true.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Embedder>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_both_limits_and_keep_every_index() {
        let lens = [3usize; 70];
        let order: Vec<usize> = (0..70).collect();
        let cut = batches(&order, |i| lens[i]);
        assert_eq!(cut.iter().map(|b| b.len()).collect::<Vec<_>>(), [32, 32, 6]);

        let lens =
            [200usize, 200, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300];
        let order: Vec<usize> = (0..lens.len()).collect();
        let cut = batches(&order, |i| lens[i]);
        for b in &cut {
            let width = lens[*b.last().unwrap()];
            assert!(b.len() * width <= MAX_BATCH_TOKENS);
            assert!(b.len() * width * width <= MAX_BATCH_ATTENTION);
        }
        assert_eq!(cut.iter().map(|b| b.len()).collect::<Vec<_>>(), [2, 2, 2, 2, 2, 2, 2, 2]);
        assert_eq!(cut.concat(), order);

        // One text longer than the token budget still gets a batch of its own.
        let cut = batches(&[0], |_| MAX_BATCH_TOKENS * 2);
        assert_eq!(cut, [&[0][..]]);
        assert!(batches(&[], |_| 1).is_empty());
    }

    #[test]
    fn normalize_leaves_zero_alone() {
        let mut v = [3.0, 4.0];
        normalize(&mut v);
        assert_eq!(v, [0.6, 0.8]);
        let mut z = [0.0, 0.0];
        normalize(&mut z);
        assert_eq!(z, [0.0, 0.0]);
    }
}
