//! Sentence embeddings, from whatever model the caller has.

/// Turns sentences into embedding vectors. The library does not load a model itself: the
/// caller passes one in (the pipeline's sentence-embedding model, or vectors computed
/// ahead of time).
pub trait Encoder {
    /// One vector per text, in order. The vectors of one encoder all have the same length;
    /// they need not have unit length ([`cosine`] scales them).
    fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError>;
}

/// The sentence-embedding model of `chorus-embed`.
impl Encoder for chorus_embed::Embedder {
    fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        self.embed(texts).map_err(|e| EncodeError::new(e.to_string()))
    }
}

/// An [`Encoder`] could not embed some text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("sentence encoder failed: {reason}")]
pub struct EncodeError {
    /// What went wrong, in the encoder's words.
    pub reason: String,
}

impl EncodeError {
    /// An error with this reason.
    pub fn new(reason: impl Into<String>) -> EncodeError {
        EncodeError { reason: reason.into() }
    }
}

/// The cosine of two vectors: 0 when either is all zeros, holds a value that is not a
/// finite number, or their lengths differ.
///
/// ```
/// use chorus_compare::cosine;
/// assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-6);
/// assert_eq!(cosine(&[1.0, 0.0], &[0.0, 3.0]), 0.0);
/// assert_eq!(cosine(&[1.0], &[1.0, 0.0]), 0.0);
/// assert_eq!(cosine(&[f32::NAN, 1.0], &[1.0, 1.0]), 0.0);
/// ```
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    let c = dot / (na.sqrt() * nb.sqrt());
    // A vector with a NaN or an infinity in it says nothing.
    if na > 0.0 && nb > 0.0 && c.is_finite() { c.clamp(-1.0, 1.0) } else { 0.0 }
}
