//! What the matcher does with an encoder that misbehaves.

use chorus_compare::{EncodeError, Encoder, align};

struct Failing;

impl Encoder for Failing {
    fn encode(&self, _: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        Err(EncodeError::new("model not loaded"))
    }
}

struct TooFew;

impl Encoder for TooFew {
    fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        Ok(vec![vec![1.0, 0.0]; texts.len().saturating_sub(1)])
    }
}

#[test]
fn an_encoder_error_is_returned_not_hidden() {
    let err = align(&["a storm hit"], &["a storm hit"], Some(&Failing)).unwrap_err();
    assert_eq!(err, EncodeError::new("model not loaded"));
    assert!(err.to_string().contains("model not loaded"));
}

#[test]
fn too_few_vectors_is_an_error_not_a_panic() {
    let err = align(&["a storm hit", "b"], &["a storm hit"], Some(&TooFew)).unwrap_err();
    assert!(err.reason.contains("2 vectors for 3 sentences"), "{err}");
}

#[test]
fn nothing_to_align_against_gives_no_match() {
    assert_eq!(align(&["a storm hit"], &[], None).unwrap(), [None]);
    assert!(align(&[], &["a storm hit"], None).unwrap().is_empty());
}
