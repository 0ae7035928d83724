//! `chorus backfill --config`: every feed once, every article stored once, grouped right.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chorus_model::canonical_url;
use chorus_newsroom::{Newsroom, catalog};
use serde_json::Value;

use crate::util::{Workspace, by_id, export, newsroom, run_ok};

/// Backfills the whole newsroom into a fresh database and returns its export.
async fn backfill_all() -> (Workspace, Newsroom, Vec<Value>) {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", "");
    run_ok(&["backfill", "--config", config.to_str().unwrap()]).await;
    let rows = export(&ws.path("chorus.db")).await;
    (ws, news, rows)
}

/// The export id of a story: its canonical page URL.
fn story_id(news: &Newsroom, slug: &str) -> String {
    let story = catalog().stories.iter().find(|s| s.slug == slug).expect("story in catalog");
    canonical_url(&news.article_url(story)).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_article_is_stored_exactly_once() {
    let (_ws, news, rows) = backfill_all().await;
    let stored: Vec<String> = rows.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    let unique: BTreeSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "an article was stored twice");
    let expected: BTreeSet<String> =
        catalog().stories.iter().map(|s| story_id(&news, s.slug)).collect();
    let got: BTreeSet<String> = stored.into_iter().collect();
    assert_eq!(got, expected);
    for row in &rows {
        assert!(!row["title"].as_str().unwrap().is_empty(), "no title: {row}");
        assert!(row["text"].as_str().unwrap().len() > 200, "short text: {row}");
        assert!(row["outlet"].is_string() && row["published"].is_string(), "{row}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_backfill_stores_nothing_new() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", "");
    let config = config.to_str().unwrap();
    run_ok(&["backfill", "--config", config]).await;
    let before = export(&ws.path("chorus.db")).await;
    let summary: Value =
        serde_json::from_str(&run_ok(&["backfill", "--config", config, "--json"]).await).unwrap();
    let after = export(&ws.path("chorus.db")).await;
    assert_eq!(before, after, "the second backfill changed the database");
    let store =
        summary["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "store").unwrap();
    assert_eq!(store["sent"], 0, "{summary}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_summary_says_what_cpu_each_stage_took() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", "");
    let config = config.to_str().unwrap();
    let summary: Value =
        serde_json::from_str(&run_ok(&["backfill", "--config", config, "--json"]).await).unwrap();
    let cpu = summary["cpu_secs"].as_object().expect("cpu_secs in the summary");
    for stage in ["extract", "dedup", "store"] {
        let secs = cpu.get(stage).and_then(Value::as_f64);
        assert!(secs.is_some_and(|s| s > 0.0), "{stage}: {secs:?} in {summary}");
    }
    // The fetch stage's CPU is the feeds it parsed.
    let fetch = cpu.get("fetch").and_then(Value::as_f64);
    assert!(fetch.is_some_and(|s| s > 0.0), "feeds were parsed: {summary}");
    // The text summary has the line too (a second run still writes its feed checks).
    let text = run_ok(&["backfill", "--config", config]).await;
    assert!(text.lines().any(|l| l.trim_start().starts_with("cpu ")), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn stories_group_into_their_events_and_only_those() {
    let (_ws, news, rows) = backfill_all().await;
    let rows = by_id(&rows);
    let mut stored_event_of_truth: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for story in &catalog().stories {
        let row = &rows[&story_id(&news, story.slug)];
        stored_event_of_truth.entry(story.event).or_default().insert(row["event"].to_string());
    }
    // Each true event is one stored event ...
    for (event, stored) in &stored_event_of_truth {
        assert_eq!(stored.len(), 1, "event {event} was split into {stored:?}");
    }
    // ... and no two true events share one (this keeps the two storms apart).
    let mut owner: BTreeMap<&String, &str> = BTreeMap::new();
    for (event, stored) in &stored_event_of_truth {
        for id in stored {
            if let Some(other) = owner.insert(id, event) {
                panic!("events {other} and {event} were merged into stored event {id}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seeds_share_an_event_and_neither_is_a_duplicate() {
    let (_ws, news, rows) = backfill_all().await;
    let rows = by_id(&rows);
    let kmia = catalog()
        .stories
        .iter()
        .find(|s| s.title.starts_with("Italy Refuses Troop Deployment"))
        .expect("the second seed is in the newsroom");
    let other = catalog()
        .stories
        .iter()
        .find(|s| {
            s.event == kmia.event
                && s.slug != kmia.slug
                && s.paragraphs.iter().any(|p| p.contains("Italy has firmly rejected"))
        })
        .expect("the first seed is in the newsroom");
    let a = &rows[&story_id(&news, kmia.slug)];
    let b = &rows[&story_id(&news, other.slug)];
    assert_eq!(a["event"], b["event"]);
    assert!(a["duplicate_of"].is_null() && b["duplicate_of"].is_null(), "{a}\n{b}");
    let text = a["text"].as_str().unwrap();
    assert!(!text.contains("Miami News, KMIA"), "the station header leaked into the text");
    assert!(!text.starts_with("World News"), "the section label leaked into the text");
    assert!(text.contains("siphoned billions"), "the closing allegations are missing");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wire_reprint_is_a_duplicate_of_its_original() {
    let (_ws, news, rows) = backfill_all().await;
    let rows = by_id(&rows);
    let reprint = catalog().stories.iter().find(|s| s.reprint_of.is_some()).expect("a reprint");
    let original = reprint.reprint_of.unwrap();
    let row = &rows[&story_id(&news, reprint.slug)];
    let original_id = story_id(&news, original);
    assert_eq!(row["duplicate_of"], Value::String(original_id.clone()), "{row}");
    assert!(row["duplicate_similarity"].as_f64().unwrap() > 0.9, "{row}");
    assert_eq!(row["event"], rows[&original_id]["event"]);
    assert!(rows[&original_id]["duplicate_of"].is_null());
    // The feed linked it with tracking parameters; its identity has none.
    assert!(!row["id"].as_str().unwrap().contains("utm_"), "{row}");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_page_furniture_reaches_the_text() {
    let (_ws, _news, rows) = backfill_all().await;
    for row in &rows {
        let text = row["text"].as_str().unwrap();
        let outlet = row["outlet"].as_str().unwrap();
        let template = catalog().outlets.iter().find(|o| o.name == outlet).expect("a known outlet");
        assert!(!template.furniture.is_empty());
        for marker in template.furniture {
            assert!(!text.contains(marker), "{outlet}'s article {} contains {marker:?}", row["id"]);
        }
    }
}

/// The default config fetches nothing from loopback: every poll fails naming the address
/// and the key, nothing is stored, and `chorus feeds` shows why.
#[tokio::test(flavor = "multi_thread")]
async fn without_allow_private_networks_a_loopback_newsroom_is_refused() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.path("default.toml");
    let db = ws.path("chorus.db");
    let text =
        format!("[store]\npath = {:?}\n\n{}", db.to_str().unwrap(), news.demo_config_feeds());
    std::fs::write(&config, text).unwrap();

    run_ok(&["backfill", "--config", config.to_str().unwrap()]).await;
    assert!(export(&db).await.is_empty(), "nothing fetched, nothing stored");
    let feeds = run_ok(&["feeds", "--db", db.to_str().unwrap()]).await;
    let refusals = feeds.matches("last error: refused to connect to 127.").count();
    assert_eq!(refusals, news.feeds().len(), "{feeds}");
    assert!(feeds.contains("fetch.allow_private_networks = true"), "{feeds}");
}
