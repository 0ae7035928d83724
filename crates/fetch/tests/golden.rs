//! The feed corpus, `tests/feeds/` at the repository root: feeds in every format and
//! version, in the encodings and with the mistakes they are served with, each beside
//! `NAME.expected.json`: the entries a reader must find (address, title, publication
//! time), the child sitemaps of an index, and how many entries were lost to broken XML.
//! A `NAME.content-type` file, when there is one, is the `Content-Type` it is served
//! with. `CHORUS_BLESS=1` (or `BLESS=1`; `make bless`) rewrites the expected files from
//! the current output, to be reviewed as a diff.

use std::path::{Path, PathBuf};

use chorus_fetch::{FeedDocument, parse_response};
use serde_json::{Value, json};
use url::Url;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/feeds")
}

/// The feed files of the corpus, sorted: everything but expectations and content types.
fn feeds() -> Vec<PathBuf> {
    let mut feeds: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("tests/feeds")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.ends_with(".expected.json") && !name.ends_with(".content-type")
        })
        .collect();
    feeds.sort();
    feeds
}

fn stem(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).expect("file name");
    name.split('.').next().expect("stem").to_owned()
}

/// Parses one fixture as the fetcher would: its bytes, its content type, its address.
fn parse(path: &Path) -> FeedDocument {
    let name = stem(path);
    let body = std::fs::read(path).expect("read feed");
    let content_type = std::fs::read_to_string(corpus().join(format!("{name}.content-type")))
        .ok()
        .map(|s| s.trim().to_owned());
    let base = Url::parse(&format!("https://feeds.example.test/{name}/feed")).expect("base");
    parse_response(&body, content_type.as_deref(), &base, 1000)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn as_json(doc: &FeedDocument) -> Value {
    let entries: Vec<Value> = doc
        .entries
        .iter()
        .map(|e| {
            json!({
                "url": e.url.as_str(),
                "title": e.title,
                "published": e.published.map(|t| t.to_rfc3339()),
            })
        })
        .collect();
    let sitemaps: Vec<&str> = doc.sitemaps.iter().map(Url::as_str).collect();
    json!({ "entries": entries, "sitemaps": sitemaps, "skipped": doc.skipped })
}

fn bless() -> bool {
    ["CHORUS_BLESS", "BLESS"].iter().any(|v| std::env::var_os(v).is_some_and(|v| v == "1"))
}

#[test]
fn golden_feeds_give_their_expected_entries() {
    let feeds = feeds();
    assert!(feeds.len() >= 25, "feed corpus missing: {feeds:?}");
    let mut failures = Vec::new();
    for path in &feeds {
        let name = stem(path);
        let got = as_json(&parse(path));
        let expected_path = corpus().join(format!("{name}.expected.json"));
        if bless() {
            let text = serde_json::to_string_pretty(&got).expect("json") + "\n";
            std::fs::write(&expected_path, text).expect("write expected entries");
            continue;
        }
        let want: Value = std::fs::read_to_string(&expected_path)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_else(|| panic!("{} missing; run `make bless`", expected_path.display()));
        if got != want {
            failures.push(format!("== {name}\n-- expected:\n{want:#}\n-- got:\n{got:#}",));
        }
    }
    assert!(failures.is_empty(), "feed corpus differs:\n{}", failures.join("\n"));
}
