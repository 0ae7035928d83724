//! The installed model and the reference vectors, shared by the test modules.

use std::path::PathBuf;
use std::sync::OnceLock;

use chorus_embed::{Embedder, default_model_dir};
use serde::Deserialize;

/// The model `make model` installs. Fails, never skips, when it is missing: these tests
/// are the only check that the vectors are right.
pub(crate) fn model_dir() -> PathBuf {
    let dir = default_model_dir().unwrap_or_else(|| {
        panic!(
            "no sentence-embedding model found: run `make model` (or set CHORUS_MODEL_DIR \
             to a sentence-transformers BERT folder)"
        )
    });
    assert!(
        dir.join("config.json").is_file(),
        "{} holds no config.json: run `make model`",
        dir.display()
    );
    dir
}

/// One embedder per test process, loaded on first use.
pub(crate) fn embedder() -> &'static Embedder {
    static EMBEDDER: OnceLock<Embedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| {
        let dir = model_dir();
        Embedder::load(&dir).unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()))
    })
}

/// `tests/golden/reference.json`, written by `scripts/embed_reference.py`.
#[derive(Deserialize)]
pub(crate) struct Reference {
    pub(crate) max_tokens: usize,
    pub(crate) sentences: Vec<ReferenceSentence>,
}

/// One sentence, its token ids, and its vector from the NumPy forward pass.
#[derive(Deserialize)]
pub(crate) struct ReferenceSentence {
    pub(crate) text: String,
    pub(crate) ids: Vec<u32>,
    pub(crate) vector: Vec<f32>,
}

pub(crate) fn reference() -> Reference {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/reference.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Cosine of two vectors that need not be unit length.
pub(crate) fn true_cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}
