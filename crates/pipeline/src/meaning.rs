//! Sentence embeddings for comparisons, computed once and kept in the store.

use std::cell::RefCell;

use chorus_compare::{EncodeError, Encoder};
use chorus_embed::{Embedder, dequantize, quantize};
use chorus_store::{Store, sentence_key};

/// An [`Encoder`] that looks each sentence up in the store first and embeds only the ones
/// never embedded with this model, keeping them (as 8-bit codes) for next time. Every
/// vector it returns has been through the 8-bit codes, so a comparison reads the same
/// whether its vectors were just computed or stored long ago.
pub struct StoredEncoder<'a> {
    model: &'a Embedder,
    store: RefCell<&'a mut Store>,
    embedded: RefCell<usize>,
}

impl<'a> StoredEncoder<'a> {
    /// Embeds with `model`, keeping vectors in `store`.
    pub fn new(model: &'a Embedder, store: &'a mut Store) -> StoredEncoder<'a> {
        StoredEncoder { model, store: RefCell::new(store), embedded: RefCell::new(0) }
    }

    /// How many sentences this encoder had to embed (the rest came from the store).
    pub fn embedded(&self) -> usize {
        *self.embedded.borrow()
    }
}

impl Encoder for StoredEncoder<'_> {
    fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        let id = self.model.model_id();
        let hashes: Vec<i64> = texts.iter().map(|t| sentence_key(t)).collect();
        let failed = |e: chorus_store::StoreError| EncodeError::new(e.to_string());
        let mut known = self.store.borrow().sentence_vectors(id, &hashes).map_err(failed)?;
        // Each text not stored yet, once even if it comes twice.
        let mut seen = std::collections::HashSet::new();
        let missing: Vec<usize> = (0..texts.len())
            .filter(|&i| !known.contains_key(&hashes[i]) && seen.insert(hashes[i]))
            .collect();
        if !missing.is_empty() {
            let batch: Vec<&str> = missing.iter().map(|&i| texts[i]).collect();
            let vectors = self.model.embed(&batch).map_err(|e| EncodeError::new(e.to_string()))?;
            let codes: Vec<(i64, Vec<i8>)> =
                missing.iter().zip(vectors).map(|(&i, v)| (hashes[i], quantize(&v))).collect();
            // A store that cannot keep them (a read-only file, a full disk) costs only
            // the work of embedding them again next time.
            if let Err(e) = self.store.borrow_mut().put_sentence_vectors(id, &codes) {
                tracing::warn!("sentence vectors not kept: {e}");
            }
            *self.embedded.borrow_mut() += codes.len();
            known.extend(codes);
        }
        Ok(hashes.iter().map(|h| known.get(h).map(|c| dequantize(c)).unwrap_or_default()).collect())
    }
}
