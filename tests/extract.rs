//! `chorus extract`: one page, or a directory of pages into one JSON file.

use std::io::Write;

use serde_json::Value;

use crate::util::{Workspace, run, run_ok};

const PAGE: &str = r#"<!doctype html><html lang="en"><head><title>Harbour reopens after repairs | The Test Times</title>
<meta property="article:published_time" content="2025-09-03T10:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Harbour reopens after repairs</h1>
<p>The harbour at Port Calder reopened to shipping on Wednesday after eleven weeks of repairs to its storm-damaged breakwater, the port authority said.</p>
<p>Harbour master Inge Larsen said the first container ship, the Nordic Tern, would berth on Thursday morning, and that the cost of the work had come in under budget at 14.2 million.</p>
<p>Fishing crews, who had been landing their catch at Westbay for most of the summer, welcomed the news.</p></article>
<footer>Copyright 2025 The Test Times. All rights reserved.</footer></body></html>"#;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn a_directory_of_pages_becomes_one_entry_per_page() {
    let ws = Workspace::new();
    let dir = ws.path("pages");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("plain.html"), PAGE).unwrap();
    std::fs::write(dir.join("zipped.html.gz"), gzip(PAGE.as_bytes())).unwrap();
    std::fs::write(dir.join("empty.v2.html"), "<html><body><nav>Home</nav></body></html>").unwrap();
    std::fs::write(dir.join("broken.html.gz"), b"not gzip at all").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a page").unwrap();
    let out = ws.path("pred.json");
    run_ok(&[
        "extract",
        "--html-dir",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ])
    .await;
    let pred: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let pred = pred.as_object().unwrap();
    let ids: Vec<&str> = pred.keys().map(String::as_str).collect();
    assert_eq!(ids, ["broken", "empty", "plain", "zipped"]);
    for id in ["plain", "zipped"] {
        let body = pred[id]["articleBody"].as_str().unwrap();
        assert!(
            body.contains("Nordic Tern") && !body.contains("All rights reserved"),
            "{id}: {body}"
        );
        assert_eq!(pred[id]["title"], "Harbour reopens after repairs");
        assert_eq!(pred[id]["published_source"], "open_graph");
    }
    assert_eq!(pred["empty"]["articleBody"], "");
    assert_eq!(pred["broken"]["articleBody"], "", "an unreadable page gets an empty entry");
}

#[tokio::test]
async fn a_missing_directory_or_unwritable_output_is_an_error() {
    let ws = Workspace::new();
    let out = run(&[
        "extract",
        "--html-dir",
        ws.path("nope").to_str().unwrap(),
        "--out",
        ws.path("o.json").to_str().unwrap(),
    ])
    .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

#[tokio::test]
async fn one_page_prints_text_and_metadata() {
    let ws = Workspace::new();
    let page = ws.path("page.html");
    std::fs::write(&page, PAGE).unwrap();
    let text = run_ok(&["extract", page.to_str().unwrap()]).await;
    assert!(text.contains("title:     Harbour reopens after repairs"), "{text}");
    assert!(text.contains("Inge Larsen") && !text.contains("World"), "{text}");
    let json: Value =
        serde_json::from_str(&run_ok(&["extract", page.to_str().unwrap(), "--json"]).await)
            .unwrap();
    assert!(json["articleBody"].as_str().unwrap().starts_with("The harbour at Port Calder"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_url_is_downloaded_and_extracted_like_a_feed_page() {
    let news = crate::util::newsroom(std::time::Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.loopback_config();
    let story = &chorus_newsroom::catalog().stories[0];
    let url = news.article_url(story);
    let json: Value = serde_json::from_str(
        &run_ok(&["extract", url.as_str(), "--json", "--config", &config]).await,
    )
    .unwrap();
    assert_eq!(json["title"], story.title, "{json}");
    assert_eq!(json["authors"], serde_json::json!([story.author]), "{json}");
    let body = json["articleBody"].as_str().unwrap();
    for paragraph in story.paragraphs {
        assert!(body.contains(paragraph), "missing {paragraph:?} from {body:?}");
    }
    assert_eq!(json["canonical_url"], url.as_str());

    // A page that cannot be had is a clear error naming the address and the status.
    let missing = news.hostile_url("status/404");
    let out = run(&["extract", missing.as_str(), "--config", &config]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(missing.as_str()) && err.contains("404"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_url_on_loopback_is_refused_without_a_config_allowing_it() {
    let news = crate::util::newsroom(std::time::Duration::ZERO).await;
    let url = news.article_url(&chorus_newsroom::catalog().stories[0]);
    let out = run(&["extract", url.as_str()]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    let host = url.host_str().unwrap();
    assert!(err.contains(&format!("refused to connect to {host}")), "{err}");
    assert!(err.contains("allow_private_networks = true") && err.contains("--config"), "{err}");
}
