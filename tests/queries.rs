//! The read commands on a backfilled newsroom: events, event, search, feeds.

use std::time::Duration;

use chorus_newsroom::catalog;
use serde_json::Value;

use crate::util::{Workspace, chorus, newsroom, run, run_ok};

async fn backfilled() -> (Workspace, String) {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", "");
    run_ok(&["backfill", "--config", config.to_str().unwrap()]).await;
    let db = ws.path("chorus.db").to_str().unwrap().to_owned();
    (ws, db)
}

#[tokio::test(flavor = "multi_thread")]
async fn events_list_titles_outlets_and_counts() {
    let (_ws, db) = backfilled().await;
    let lines =
        run_ok(&["events", "--db", &db, "--json", "--sort", "coverage", "-n", "1000"]).await;
    let events: Vec<Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(events.len(), catalog().events.len());
    let counts: Vec<i64> = events.iter().map(|e| e["outlet_count"].as_i64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "not sorted by coverage: {counts:?}");
    for e in &events {
        assert!(!e["title"].as_str().unwrap().is_empty());
        assert_eq!(
            e["outlets"].as_array().unwrap().len() as i64,
            e["outlet_count"].as_i64().unwrap()
        );
        assert!(e["outlet_count"].as_i64().unwrap() >= 2, "{e}");
    }
    let table = run_ok(&["events", "--db", &db]).await;
    assert!(table.contains("OUTLETS") && table.lines().count() > events.len(), "{table}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_shows_what_only_one_outlet_claims() {
    let (_ws, db) = backfilled().await;
    let hits = run_ok(&["search", "--db", &db, "--json", "Meloni troops"]).await;
    let hit: Value = serde_json::from_str(hits.lines().next().expect("a hit")).unwrap();
    let id = hit["event"].to_string();
    let shown = run_ok(&["event", "--db", &db, &id]).await;
    let kmia =
        shown.split("only ").find(|part| part.contains("siphoned billions")).unwrap_or_else(|| {
            panic!("the KMIA allegations are not shown as one outlet's claims:\n{shown}")
        });
    assert!(kmia.contains("shell companies") || kmia.contains("derailed"), "{shown}");
    let json: Value =
        serde_json::from_str(&run_ok(&["event", "--db", &db, &id, "--json"]).await).unwrap();
    assert!(!json["coverage"]["shared"].as_array().unwrap().is_empty(), "{json}");
}

// The seeds' annotations (which of KMIA's sentences restate the first seed, which are
// allegations of its own) are read from the comparison's gold file.
#[allow(dead_code)]
#[path = "../crates/compare/tests/gold/mod.rs"]
pub(crate) mod gold;

/// The seed event compared by meaning: KMIA's retold sentences are shared claims (all but
/// two at most), its allegations its own; the sentence vectors are kept, so a second look
/// embeds nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_seed_event_tells_retold_sentences_from_new_allegations() {
    let (_ws, db) = backfilled().await;
    let hits = run_ok(&["search", "--db", &db, "--json", "Meloni troops"]).await;
    let hit: Value = serde_json::from_str(hits.lines().next().expect("a hit")).unwrap();
    let id = hit["event"].to_string();
    let debug = |args: &[&str]| {
        let mut cmd = chorus();
        cmd.args(args).env("CHORUS_LOG", "debug");
        async move { cmd.output().await.unwrap() }
    };
    let first = debug(&["event", "--db", &db, &id, "--json"]).await;
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let json: Value = serde_json::from_slice(&first.stdout).unwrap();
    let coverage = &json["coverage"];
    assert_eq!(coverage["by_meaning"], true, "the installed model was not used: {coverage}");
    let unique = coverage["unique"].as_array().unwrap();
    let kmia = unique
        .iter()
        .find(|u| u["outlet"] == "Miami News, KMIA")
        .expect("KMIA has claims of its own");
    let claims: Vec<&str> =
        kmia["claims"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    let gold = gold::Gold::load();
    for allegation in &gold.seeds.allegations {
        assert!(
            claims.contains(&allegation.as_str()),
            "{allegation:?} not KMIA's alone: {claims:#?}"
        );
    }
    let restates: Vec<String> = gold.seed_restatements().into_iter().map(|(s, _)| s).collect();
    let unshared: Vec<&String> = restates.iter().filter(|s| claims.contains(&s.as_str())).collect();
    assert!(
        gold::mostly(restates.len() - unshared.len(), restates.len()),
        "retold sentences listed as KMIA's alone: {unshared:#?}"
    );
    let log = String::from_utf8_lossy(&first.stderr);
    assert!(!log.contains("embedded=0"), "the first comparison embeds: {log}");
    // The comparison is kept: the second view reads it and compares nothing.
    let again = debug(&["event", "--db", &db, &id, "--json"]).await;
    let log = String::from_utf8_lossy(&again.stderr);
    assert!(!log.contains("sentences embedded"), "the second view compared again: {log}");
    assert_eq!(serde_json::from_slice::<Value>(&again.stdout).unwrap()["coverage"], *coverage);
    // Without it, the sentences' vectors are kept too: comparing again embeds nothing.
    rusqlite::Connection::open(&db).unwrap().execute("DELETE FROM event_comparisons", []).unwrap();
    let third = debug(&["event", "--db", &db, &id, "--json"]).await;
    let log = String::from_utf8_lossy(&third.stderr);
    assert!(log.contains("embedded=0"), "the comparison embedded again: {log}");
    assert_eq!(serde_json::from_slice::<Value>(&third.stdout).unwrap()["coverage"], *coverage);
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_words_in_titles_and_text() {
    let (_ws, db) = backfilled().await;
    let story = &catalog().stories[0];
    let word = story.title.split_whitespace().max_by_key(|w| w.len()).unwrap();
    let out = run_ok(&["search", "--db", &db, "--json", word]).await;
    assert!(out.lines().any(|l| l.contains(story.title)), "{word}: {out}");
    let nothing = run_ok(&["search", "--db", &db, "zzzyzzyva"]).await;
    assert!(nothing.contains("no matches"));
    let odd = run(&["search", "--db", &db, "\"unbalanced AND"]).await;
    assert!(odd.status.code().is_some_and(|c| c <= 1), "a bad query must not crash");
}

#[tokio::test(flavor = "multi_thread")]
async fn feeds_report_health() {
    let (_ws, db) = backfilled().await;
    let out = run_ok(&["feeds", "--db", &db, "--json"]).await;
    let feeds: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(feeds.len(), catalog().outlets.len());
    for f in &feeds {
        assert!(f["last_success"].is_string() && f["articles"].as_i64().unwrap() >= 1, "{f}");
        // Every poll leaves its next poll and why, and the counts behind them.
        assert!(f["next_poll_at"].is_string(), "{f}");
        assert!(!f["next_poll_reason"].as_str().unwrap().is_empty(), "{f}");
        assert_eq!((f["soft_failures"].as_i64(), f["hard_failures"].as_i64()), (Some(0), Some(0)));
        assert_eq!(f["not_modified_share"].as_f64(), Some(0.0), "{f}");
        assert!(f["known_share"].as_f64().is_some_and(|s| (0.0..=1.0).contains(&s)), "{f}");
        assert_eq!(f["validators_unreliable"], false);
    }
    let table = run_ok(&["feeds", "--db", &db]).await;
    // Above the table, what the last run compared and clustered with: a backfill uses
    // words alone, and says so.
    let (meaning, table) = table.split_once('\n').unwrap();
    assert!(meaning.starts_with("sentence meaning: words only"), "{meaning}");
    assert!(table.starts_with("OUTLET"), "{table}");
    for f in &feeds {
        let reason = f["next_poll_reason"].as_str().unwrap();
        assert!(table.contains(reason), "{reason} missing from\n{table}");
        assert!(table.contains(f["url"].as_str().unwrap()), "{table}");
    }
}

#[tokio::test]
async fn read_commands_on_a_missing_database_say_so() {
    let ws = Workspace::new();
    let db = ws.path("missing.db");
    let out = run(&["events", "--db", db.to_str().unwrap()]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.db"));
    assert!(!db.exists(), "a read command created a database");
}
