//! `chorus probe`: one feed read as a poll would read it, from the web or from a file,
//! with nothing stored.

use std::time::Duration;

use chorus_model::canonical_url;
use chorus_newsroom::catalog;
use serde_json::Value;
use url::Url;

use crate::util::{Workspace, newsroom, run, run_ok};

fn canonical(entries: &Value) -> Vec<String> {
    let mut urls: Vec<String> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| canonical_url(&Url::parse(e["url"].as_str().unwrap()).unwrap()).to_string())
        .collect();
    urls.sort();
    urls
}

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_reads_the_same_from_its_url_and_from_a_saved_file() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.loopback_config();
    let outlet = &catalog().outlets[0];
    let feed = news.feeds().into_iter().find(|f| f.outlet == outlet.name).unwrap();

    let out = run_ok(&["probe", feed.url.as_str(), "--json", "--config", &config]).await;
    let web: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(web["status"], 200);
    assert!(web["etag"].is_string(), "the newsroom sends validators: {web}");
    let mut want: Vec<String> = catalog()
        .stories_of(outlet.slug)
        .map(|s| canonical_url(&news.article_url(s)).to_string())
        .collect();
    want.sort();
    assert_eq!(canonical(&web["entries"]), want);
    let reason = web["schedule"]["reason"].as_str().unwrap_or_default();
    assert!(!reason.is_empty() && web["schedule"]["next_poll_secs"].as_u64() > Some(0), "{web}");
    for entry in web["entries"].as_array().unwrap() {
        assert!(entry["title"].is_string() && entry["published"].is_string(), "{entry}");
    }
    assert!(!ws.path("chorus.db").exists(), "probe stores nothing");

    // The same bytes saved to a file read the same, links resolved against --base.
    chorus_fetch::init_tls();
    let body = reqwest::get(feed.url.clone()).await.unwrap().bytes().await.unwrap();
    let file = ws.path("feed.xml");
    std::fs::write(&file, &body).unwrap();
    let out =
        run_ok(&["probe", file.to_str().unwrap(), "--json", "--base", feed.url.as_str()]).await;
    let saved: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(saved["entries"], web["entries"]);
    assert_eq!(saved["status"], Value::Null);

    // The human form lists each entry.
    let text = run_ok(&["probe", file.to_str().unwrap()]).await;
    assert!(text.contains(&format!("{} entries", want.len())), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_and_mislabelled_feeds_give_what_can_be_read() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.loopback_config();
    let config = config.as_str();

    // Cut off in the middle of its second item: the first is read, the second counted.
    let out = run_ok(&[
        "probe",
        news.hostile_url("malformed-feed.xml").as_str(),
        "--json",
        "--config",
        config,
    ])
    .await;
    let cut: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(cut["entries"].as_array().unwrap().len(), 1, "{cut}");
    assert_eq!(cut["skipped"], 1, "{cut}");

    // Latin-1 bytes that say nothing of their encoding: every title reads whole.
    let out = run_ok(&[
        "probe",
        news.hostile_url("latin1-feed.xml").as_str(),
        "--json",
        "--config",
        config,
    ])
    .await;
    let latin1: Value = serde_json::from_str(&out).unwrap();
    let titles: Vec<&str> = latin1["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    let first_day = catalog().stories.iter().filter(|s| s.day() == 1).count();
    assert_eq!(titles.len(), first_day);
    for (n, title) in titles.iter().enumerate() {
        assert_eq!(*title, chorus_newsroom::hostile::latin1_feed_title(n));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_read_is_a_failure_that_says_why() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    // The default config refuses loopback, and says which key allows it.
    let feed = news.feeds()[0].url.clone();
    let out = run(&["probe", feed.as_str()]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("allow_private_networks"), "{err}");

    let config = ws.loopback_config();
    let config = config.as_str();
    for path in ["not-a-feed", "status/404"] {
        let out = run(&["probe", news.hostile_url(path).as_str(), "--config", config]).await;
        assert!(!out.status.success(), "{path}");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty(), "{path}: no reason given");
    }
    let missing = run(&["probe", ws.path("missing.xml").to_str().unwrap()]).await;
    assert!(!missing.status.success());
}
