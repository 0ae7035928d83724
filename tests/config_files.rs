//! Config files: every bundled file is valid, and mistakes are reported clearly.

use std::path::Path;

use crate::util::{Workspace, run, run_ok};

#[tokio::test]
async fn every_bundled_config_file_is_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.iter().any(|f| f.ends_with("chorus.toml")), "the reference config is missing");
    assert!(files.iter().any(|f| f.ends_with("demo.toml")), "the demo config is missing");
    for file in &files {
        let out = run_ok(&["check-config", file.to_str().unwrap()]).await;
        assert!(out.contains(": ok"), "{}: {out}", file.display());
    }
}

#[tokio::test]
async fn the_reference_config_states_every_default() {
    // The reference file, with every commented `# key = value` line uncommented, must
    // parse to exactly the built-in defaults: so no key is missing, misspelt or stale.
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config/chorus.toml"))
            .unwrap();
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if is_setting(rest) => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let parsed =
        chorus_pipeline::Config::from_toml(&uncommented, Path::new("chorus.toml")).unwrap();
    assert!(parsed.validate().is_ok(), "the reference config is not valid");
    let defaults = chorus_pipeline::Config { feeds: parsed.feeds.clone(), ..Default::default() };
    assert_eq!(parsed, defaults);

    // And every key the program knows is in it, under its section.
    let known = serde_json::to_value(chorus_pipeline::Config::default()).unwrap();
    for (section, keys) in known.as_object().unwrap() {
        let Some(keys) = keys.as_object() else { continue };
        let start = text.find(&format!("[{section}]")).unwrap_or_else(|| panic!("no [{section}]"));
        let body = &text[start..];
        let body = &body[..body[1..].find("\n[").map_or(body.len(), |i| i + 1)];
        for key in keys.keys() {
            assert!(
                body.contains(&format!("# {key} = ")),
                "[{section}] {key} is not in the reference"
            );
        }
    }
}

/// `key = value` or `[section]` / `[[feeds]]`, not prose.
fn is_setting(line: &str) -> bool {
    let line = line.trim();
    line.starts_with('[')
        || line.split_once(" = ").is_some_and(|(k, _)| {
            !k.is_empty()
                && k.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        })
}

#[tokio::test]
async fn an_unknown_key_is_rejected_naming_the_key_and_the_file() {
    let ws = Workspace::new();
    let path = ws.path("typo.toml");
    std::fs::write(&path, "[fetch]\ntimeout_secs = 5\nmax_redirect = 3\n").unwrap();
    let out = run(&["check-config", path.to_str().unwrap()]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("max_redirect") && err.contains("typo.toml"), "{err}");
}

#[tokio::test]
async fn every_invalid_value_is_reported_at_once() {
    let ws = Workspace::new();
    let path = ws.path("bad.toml");
    std::fs::write(
        &path,
        "[pipeline]\nchannel_capacity = 0\n[fetch]\ntimeout_secs = 0\n[[feeds]]\nurl = \"not a url\"\noutlet = \"X\"\n",
    )
    .unwrap();
    let out = run(&["check-config", path.to_str().unwrap()]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for key in ["pipeline.channel_capacity", "fetch.timeout_secs", "feeds[0].url"] {
        assert!(err.contains(key), "{key} not reported in:\n{err}");
    }
}
