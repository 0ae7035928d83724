//! Folders that are missing, incomplete, of another model, or damaged: each a clear
//! error naming the file, never a panic.

use std::path::{Path, PathBuf};

use chorus_embed::{EmbedError, Embedder};
use tempfile::TempDir;

use crate::util::model_dir;

const FILES: &[&str] = &[
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
];

/// A copy of the installed model folder to damage: small files copied, the weights
/// linked where the system allows it (they are 90 MB).
fn copy_of_model() -> TempDir {
    let src = model_dir();
    let tmp = TempDir::new().unwrap();
    std::fs::create_dir(tmp.path().join("1_Pooling")).unwrap();
    for file in FILES {
        let (from, to) = (src.join(file), tmp.path().join(file));
        if *file == "model.safetensors" && std::fs::hard_link(&from, &to).is_ok() {
            continue;
        }
        std::fs::copy(&from, &to).unwrap();
    }
    tmp
}

/// Replaces `file` in `dir` (breaking a hard link rather than writing through it).
fn replace(dir: &Path, file: &str, bytes: &[u8]) {
    let path = dir.join(file);
    std::fs::remove_file(&path).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn load_err(dir: &Path) -> EmbedError {
    match Embedder::load(dir) {
        Ok(_) => panic!("{} loaded", dir.display()),
        Err(err) => err,
    }
}

#[test]
fn missing_folder_says_to_run_make_model() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("no-such-model");
    let err = load_err(&dir);
    assert!(matches!(&err, EmbedError::MissingFolder { dir: d } if *d == dir), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("make model") && text.contains("model_dir"), "{text}");
}

#[test]
fn empty_folder_names_the_missing_config() {
    let tmp = TempDir::new().unwrap();
    let err = load_err(tmp.path());
    assert!(
        matches!(&err, EmbedError::MissingFile { path } if path.ends_with("config.json")),
        "{err:?}"
    );
    assert!(err.to_string().contains("make model"));
}

#[test]
fn each_required_file_missing_is_named() {
    for file in ["model.safetensors", "tokenizer.json"] {
        let tmp = copy_of_model();
        std::fs::remove_file(tmp.path().join(file)).unwrap();
        let err = load_err(tmp.path());
        assert!(
            matches!(&err, EmbedError::MissingFile { path } if path.ends_with(file)),
            "{file}: {err:?}"
        );
    }
}

#[test]
fn invalid_json_config_is_reported_with_its_path() {
    let tmp = copy_of_model();
    replace(tmp.path(), "config.json", b"{\"model_type\": \"bert\", \"hidden_size\": ");
    let err = load_err(tmp.path());
    assert!(
        matches!(&err, EmbedError::BadJson { path, .. } if path.ends_with("config.json")),
        "{err:?}"
    );

    // Valid JSON that lacks what BERT needs.
    replace(tmp.path(), "config.json", br#"{"model_type": "bert"}"#);
    let err = load_err(tmp.path());
    assert!(
        matches!(&err, EmbedError::BadJson { message, .. } if message.contains("vocab_size")),
        "{err:?}"
    );

    replace(tmp.path(), "config.json", b"[1, 2, 3]");
    assert!(matches!(load_err(tmp.path()), EmbedError::BadJson { .. }));
}

#[test]
fn another_model_family_is_unsupported() {
    let tmp = copy_of_model();
    let config = std::fs::read_to_string(tmp.path().join("config.json")).unwrap();
    let roberta = config.replace("\"bert\"", "\"roberta\"").replace("BertModel", "RobertaModel");
    replace(tmp.path(), "config.json", roberta.as_bytes());
    let err = load_err(tmp.path());
    assert!(matches!(&err, EmbedError::Unsupported { .. }), "{err:?}");
    assert!(err.to_string().contains("roberta"), "{err}");

    // No model_type, and architectures of another family.
    replace(tmp.path(), "config.json", br#"{"architectures": ["T5EncoderModel"]}"#);
    let err = load_err(tmp.path());
    assert!(err.to_string().contains("T5EncoderModel"), "{err}");
}

#[test]
fn unsupported_pooling_is_refused() {
    let tmp = copy_of_model();
    let pooling = br#"{"word_embedding_dimension": 384, "pooling_mode_max_tokens": true}"#;
    replace(tmp.path(), "1_Pooling/config.json", pooling);
    let err = load_err(tmp.path());
    assert!(
        matches!(&err, EmbedError::Unsupported { what, .. } if what.contains("max")),
        "{err:?}"
    );

    let pooling = br#"{"word_embedding_dimension": 768, "pooling_mode_mean_tokens": true}"#;
    replace(tmp.path(), "1_Pooling/config.json", pooling);
    let err = load_err(tmp.path());
    assert!(
        matches!(&err, EmbedError::BadJson { message, .. } if message.contains("768")),
        "{err:?}"
    );
}

#[test]
fn truncated_weights_are_a_weights_error() {
    let tmp = copy_of_model();
    let weights = std::fs::read(tmp.path().join("model.safetensors")).unwrap();
    for keep in [0, 5, 1000, weights.len() / 2, weights.len() - 1] {
        replace(tmp.path(), "model.safetensors", &weights[..keep]);
        let err = load_err(tmp.path());
        assert!(
            matches!(&err, EmbedError::Weights { path, .. } if path.ends_with("model.safetensors")),
            "{keep} bytes: {err:?}"
        );
        assert!(err.to_string().contains("make model"), "{err}");
    }
}

#[test]
fn weights_of_another_shape_are_a_weights_error() {
    let tmp = copy_of_model();
    let config = std::fs::read_to_string(tmp.path().join("config.json")).unwrap();
    let bigger = config.replace("\"intermediate_size\": 1536", "\"intermediate_size\": 3072");
    assert_ne!(bigger, config);
    replace(tmp.path(), "config.json", bigger.as_bytes());
    let err = load_err(tmp.path());
    assert!(
        matches!(&err, EmbedError::Weights { message, .. } if message.contains("shape")),
        "{err:?}"
    );
}

#[test]
fn a_damaged_tokenizer_is_a_tokenizer_error() {
    let tmp = copy_of_model();
    replace(tmp.path(), "tokenizer.json", b"{\"version\": \"1.0\", \"model\": 17}");
    let err = load_err(tmp.path());
    assert!(
        matches!(&err, EmbedError::Tokenizer { path, .. } if path.ends_with("tokenizer.json")),
        "{err:?}"
    );
}

#[test]
fn weights_saved_with_a_bert_prefix_load_the_same() {
    let tmp = copy_of_model();
    let bytes = std::fs::read(tmp.path().join("model.safetensors")).unwrap();
    replace(tmp.path(), "model.safetensors", &prefixed(&bytes, "bert."));
    let prefixed = Embedder::load(tmp.path()).unwrap();
    let plain = crate::util::embedder();
    let text = ["The harbor master said the pier would open in October."];
    let (a, b) = (prefixed.embed(&text).unwrap(), plain.embed(&text).unwrap());
    assert!(chorus_embed::cosine(&a[0], &b[0]) > 1.0 - 1e-6);
    // Different bytes, different id, same folder name.
    assert_ne!(prefixed.model_id(), plain.model_id());
}

/// The same safetensors file with every tensor name prefixed: the header is JSON after
/// an eight-byte little-endian length, and the data offsets are relative to its end.
fn prefixed(bytes: &[u8], prefix: &str) -> Vec<u8> {
    let len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&bytes[8..8 + len]).unwrap();
    let renamed: serde_json::Map<String, serde_json::Value> = header
        .into_iter()
        .map(|(k, v)| if k == "__metadata__" { (k, v) } else { (format!("{prefix}{k}"), v) })
        .collect();
    let mut json = serde_json::to_vec(&renamed).unwrap();
    // The data must start on an eight-byte boundary.
    while !json.len().is_multiple_of(8) {
        json.push(b' ');
    }
    let mut out = (json.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&json);
    out.extend_from_slice(&bytes[8 + len..]);
    out
}

#[test]
fn model_id_is_stable_and_names_the_folder() {
    let dir: PathBuf = model_dir();
    let a = crate::util::embedder();
    let b = Embedder::load(&dir).unwrap();
    assert_eq!(a.model_id(), b.model_id());
    assert!(a.model_id().starts_with("all-MiniLM-L6-v2-"), "{}", a.model_id());
    assert_eq!(a.model_id().len(), "all-MiniLM-L6-v2-".len() + 12);

    // A change to any file that shapes the vectors changes the id.
    let tmp = copy_of_model();
    let config = std::fs::read_to_string(tmp.path().join("config.json")).unwrap();
    replace(tmp.path(), "config.json", format!("{config}\n").as_bytes());
    let changed = Embedder::load(tmp.path()).unwrap();
    assert_ne!(
        changed.model_id()[changed.model_id().len() - 12..],
        a.model_id()[a.model_id().len() - 12..]
    );
}
