//! The comparison shown on an event's page.

use std::collections::HashMap;

use chorus_compare::{Coverage, CoverageInput, EncodeError, Encoder};
use chorus_embed::{Embedder, dequantize, quantize};
use chorus_store::{EventDetail, Store, sentence_key};

/// The comparison of one event's original articles: what several outlets say and what one
/// alone says. This is the one place the view gets it from.
///
/// The comparison the daemon keeps in the store is read when it is current (and was made by
/// meaning whenever the view has a `model`). Otherwise it is computed as `chorus event`
/// computes it: copies are left out, and with a `model` sentences are compared by meaning,
/// without one by words alone. Sentence vectors the store already keeps are used, and new
/// ones are computed but never written: the view does not write.
pub fn event_coverage(store: &Store, event: &EventDetail, model: Option<&Embedder>) -> Coverage {
    match store.comparison(event.summary.id) {
        Ok(Some(kept)) if kept.by_meaning || model.is_none() => {
            if let Ok(coverage) = serde_json::from_str::<Coverage>(&kept.coverage) {
                return coverage;
            }
        }
        Ok(_) => {}
        Err(e) => {
            tracing::warn!("the kept comparison of event {} is unreadable: {e}", event.summary.id.0)
        }
    }
    let inputs: Vec<CoverageInput<'_>> = event
        .originals()
        .map(|a| CoverageInput {
            outlet: a.article.outlet.as_deref().unwrap_or("unknown outlet"),
            text: &a.article.text,
        })
        .collect();
    match model {
        Some(model) => chorus_compare::compare(&inputs, Some(&KeptVectors { model, store })),
        None => chorus_compare::compare(&inputs, None),
    }
}

/// An [`Encoder`] that reads the vectors the store keeps and embeds the rest, passing every
/// vector through the same 8-bit codes as the store's, so a page reads the same as
/// `chorus event` whichever vectors were kept.
struct KeptVectors<'a> {
    model: &'a Embedder,
    store: &'a Store,
}

impl Encoder for KeptVectors<'_> {
    fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        let hashes: Vec<i64> = texts.iter().map(|t| sentence_key(t)).collect();
        let mut known: HashMap<i64, Vec<i8>> = self
            .store
            .sentence_vectors(self.model.model_id(), &hashes)
            .map_err(|e| EncodeError::new(e.to_string()))?;
        let missing: Vec<usize> =
            (0..texts.len()).filter(|&i| !known.contains_key(&hashes[i])).collect();
        if !missing.is_empty() {
            let batch: Vec<&str> = missing.iter().map(|&i| texts[i]).collect();
            let vectors = self.model.embed(&batch).map_err(|e| EncodeError::new(e.to_string()))?;
            for (&i, v) in missing.iter().zip(vectors) {
                known.insert(hashes[i], quantize(&v));
            }
        }
        Ok(hashes.iter().map(|h| known.get(h).map(|c| dequantize(c)).unwrap_or_default()).collect())
    }
}
