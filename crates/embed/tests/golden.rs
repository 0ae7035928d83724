//! Agreement with `tests/golden/reference.json`: token ids from the Hugging Face
//! tokenizer and vectors from an independent NumPy forward pass of the same folder.
//!
//! `make bless` does not rewrite that file: blessing our own output would make the check
//! circular. It is regenerated with `scripts/embed_reference.py` when the model changes.

use chorus_embed::cosine;

use crate::util::{embedder, reference, true_cosine};

/// Float32 forward passes in a different order agree to far better than this; a wrong
/// layer, pooling or normalisation misses it by orders of magnitude.
const MIN_COSINE: f64 = 1.0 - 1e-4;

#[test]
fn token_ids_match_the_reference_tokenizer() {
    let reference = reference();
    let embedder = embedder();
    assert_eq!(embedder.max_tokens(), reference.max_tokens);
    for sentence in &reference.sentences {
        assert_eq!(
            embedder.count_tokens(&sentence.text),
            sentence.ids.len(),
            "{:?}",
            sentence.text
        );
    }
}

#[test]
fn vectors_match_the_reference_one_at_a_time_and_batched() {
    let reference = reference();
    let embedder = embedder();
    assert_eq!(embedder.dim(), 384);
    let texts: Vec<&str> = reference.sentences.iter().map(|s| s.text.as_str()).collect();

    let batched = embedder.embed(&texts).unwrap();
    assert_eq!(batched.len(), texts.len());
    for (sentence, (text, got)) in reference.sentences.iter().zip(texts.iter().zip(&batched)) {
        let alone = embedder.embed(&[text]).unwrap().remove(0);
        for (how, v) in [("alone", &alone), ("batched", got)] {
            assert_eq!(v.len(), 384);
            let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-5, "{how} {text:?}: norm {norm}");
            let c = true_cosine(v, &sentence.vector);
            assert!(c >= MIN_COSINE, "{how} {text:?}: cosine with reference {c}");
        }
        // Batching pads and masks; the vector must not depend on the neighbours.
        let max_diff = alone.iter().zip(got).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(max_diff <= 1e-5, "{text:?}: batched differs from alone by {max_diff}");
    }
}

#[test]
fn similar_sentences_score_higher_than_unrelated_ones() {
    let reference = reference();
    let v = embedder()
        .embed(&[
            "The harbor master said on Thursday that the new pier would open in October.",
            "The new pier will open in October, the harbor master announced on Thursday.",
            "Shares of the carmaker fell 4.5% after it cut its forecast for 2027.",
        ])
        .unwrap();
    assert!(cosine(&v[0], &v[1]) > 0.8, "paraphrase: {}", cosine(&v[0], &v[1]));
    assert!(cosine(&v[0], &v[2]) < 0.3, "unrelated: {}", cosine(&v[0], &v[2]));
    // The first text is the reference's first sentence: same vector.
    assert!(true_cosine(&v[0], &reference.sentences[0].vector) >= MIN_COSINE);
}
