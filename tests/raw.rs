//! Kept pages (`store.keep_raw`), `chorus reextract` and `chorus prune`, on a real
//! newsroom backfill.

use std::path::Path;
use std::time::Duration;

use chorus_model::ArticleKey;
use chorus_newsroom::Newsroom;
use serde_json::Value;

use crate::util::{Workspace, export, newsroom, run, run_ok};

/// Backfills the whole newsroom into `chorus.db`, with `extra` config in `[store]`.
async fn backfill(extra: &str) -> (Workspace, Newsroom) {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", extra);
    run_ok(&["backfill", "--config", config.to_str().unwrap()]).await;
    (ws, news)
}

fn db(ws: &Workspace) -> String {
    ws.path("chorus.db").to_str().unwrap().to_owned()
}

fn sql_count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

async fn json(args: &[&str]) -> Value {
    let out = run_ok(args).await;
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{args:?} printed {out:?}: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn kept_pages_inflate_to_the_bytes_served_with_their_headers_and_fetch_time() {
    let (ws, _news) = backfill("").await;
    let path = ws.path("chorus.db");
    let articles = sql_count(&path, "SELECT COUNT(*) FROM articles");
    assert!(articles > 10, "the newsroom has more stories");
    assert_eq!(sql_count(&path, "SELECT COUNT(*) FROM raw_pages"), articles, "one page each");
    // Every page was fetched when its article says.
    let mismatched = sql_count(
        &path,
        "SELECT COUNT(*) FROM raw_pages p JOIN articles a ON a.seq = p.article_seq
         WHERE p.fetched_at <> a.fetched_at",
    );
    assert_eq!(mismatched, 0);

    let store = chorus_store::Store::open_existing(&path).unwrap();
    chorus_fetch::init_tls();
    let client = reqwest::Client::new();
    for row in export(&path).await {
        let key: ArticleKey = row["id"].as_str().unwrap().parse().unwrap();
        let kept = store.raw_page(&key).unwrap().expect("a kept page");
        let page = chorus_extract::restore(&kept, row["outlet"].as_str().unwrap()).unwrap();
        let served = client.get(page.final_url.clone()).send().await.unwrap();
        let last_modified = served.headers().get("last-modified").cloned();
        let served = served.bytes().await.unwrap();
        assert_eq!(page.body, served.to_vec(), "{key}: the kept bytes are the page's");
        assert!(kept.body_zstd.len() * 2 < page.body.len(), "{key}: kept compressed");
        assert_eq!(kept.headers.status, Some(200));
        assert!(kept.content_type.as_deref().unwrap().starts_with("text/html"), "{kept:?}");
        assert_eq!(
            kept.headers.last_modified.as_deref(),
            last_modified.as_ref().map(|v| v.to_str().unwrap()),
        );
        assert_eq!(
            Some(kept.fetched_at.to_rfc3339()),
            row["fetched_at"].as_str().map(|t| {
                chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc().to_rfc3339()
            })
        );
        assert!(kept.entry.is_some(), "the feed entry is kept for its title and date");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_raw_false_keeps_no_page() {
    let (ws, _news) = backfill("keep_raw = false").await;
    let path = ws.path("chorus.db");
    assert!(sql_count(&path, "SELECT COUNT(*) FROM articles") > 10);
    assert_eq!(sql_count(&path, "SELECT COUNT(*) FROM raw_pages"), 0);
    let summary = json(&["reextract", "--db", &db(&ws), "--json"]).await;
    assert_eq!(summary["pages"], 0, "{summary}");
}

#[tokio::test(flavor = "multi_thread")]
async fn reextract_changes_nothing_when_the_extractor_reads_pages_alike() {
    let (ws, _news) = backfill("").await;
    let path = ws.path("chorus.db");
    let before = export(&path).await;
    let summary = json(&["reextract", "--db", &db(&ws), "--json"]).await;
    assert_eq!(summary["pages"], before.len(), "{summary}");
    assert_eq!(summary["unchanged"], before.len(), "{summary}");
    assert_eq!(summary["changed"], 0, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["events_changed"], 0, "{summary}");
    assert_eq!(export(&path).await, before, "nothing changed");
    assert_eq!(
        sql_count(&path, "SELECT COUNT(*) FROM reextractions WHERE ended_at IS NOT NULL"),
        1
    );

    // --outlet and --since filter the pages read.
    let outlet = before[0]["outlet"].as_str().unwrap();
    let of_outlet = before.iter().filter(|r| r["outlet"] == outlet).count();
    let one = json(&["reextract", "--db", &db(&ws), "--outlet", outlet, "--json"]).await;
    assert_eq!(one["pages"], of_outlet, "{one}");
    let none = json(&["reextract", "--db", &db(&ws), "--since", "2999-01-01", "--json"]).await;
    assert_eq!(none["pages"], 0, "{none}");
}

#[tokio::test(flavor = "multi_thread")]
async fn reextract_restores_a_stale_article_its_search_rows_and_its_event() {
    let (ws, _news) = backfill("").await;
    let path = ws.path("chorus.db");
    let before = export(&path).await;
    // The latest article of an event of several: it joined articles stored before it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (key, event): (String, i64) = conn
        .query_row(
            "SELECT key, event_id FROM articles WHERE event_id IN
               (SELECT event_id FROM articles GROUP BY event_id HAVING COUNT(*) >= 3)
             ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Make it stale: other text, and filed alone under an event of its own.
    conn.execute_batch(&format!(
        "INSERT INTO events (id, title, article_count, outlet_count, created_at, updated_at)
           VALUES (9999, 'Stale', 1, 1, '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z');
         UPDATE articles SET title = 'Zebras escape', text = 'Zebras escaped the zoo overnight.',
           text_hash = '0000000000000000', event_id = 9999 WHERE key = '{key}';
         UPDATE events SET article_count = article_count - 1 WHERE id = {event};"
    ))
    .unwrap();
    drop(conn);
    let stale = json(&["search", "--db", &db(&ws), "--json", "zebras"]).await;
    assert_eq!(stale["key"], key.as_str(), "the stale text is what search finds: {stale}");

    let summary = json(&["reextract", "--db", &db(&ws), "--json"]).await;
    assert_eq!(summary["changed"], 1, "{summary}");
    assert_eq!(summary["unchanged"], before.len() - 1, "{summary}");
    assert!(
        summary["events_changed"].as_u64().unwrap() >= 2,
        "left 9999, joined {event}: {summary}"
    );

    let after = export(&path).await;
    assert_eq!(after, before, "the article, its copy status and its event are as first stored");
    let search = run_ok(&["search", "--db", &db(&ws), "--json", "zebras"]).await;
    assert!(search.trim().is_empty(), "the stale words left the index: {search}");
    let row = before.iter().find(|r| r["id"] == key.as_str()).unwrap();
    let word = row["title"].as_str().unwrap().split_whitespace().max_by_key(|w| w.len()).unwrap();
    let found = run_ok(&["search", "--db", &db(&ws), "--json", word]).await;
    assert!(found.contains(&key), "{word}: {found}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (count, members): (i64, i64) = conn
        .query_row(
            "SELECT article_count, (SELECT COUNT(*) FROM articles WHERE event_id = ?1)
             FROM events WHERE id = ?1",
            [event],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(count, members, "the event's figures are recounted");
    let emptied: i64 = conn
        .query_row("SELECT article_count FROM events WHERE id = 9999", [], |r| r.get(0))
        .unwrap();
    assert_eq!(emptied, 0);
    let extractor: String = conn
        .query_row("SELECT extractor FROM articles WHERE key = ?1", [&key], |r| r.get(0))
        .unwrap();
    assert_eq!(extractor, chorus_extract::VERSION);
}

#[tokio::test(flavor = "multi_thread")]
async fn reextract_and_prune_are_refused_beside_another_writer() {
    let (ws, _news) = backfill("").await;
    let lock = chorus_store::WriterLock::acquire(&ws.path("chorus.db")).unwrap();
    for args in [vec!["reextract"], vec!["prune", "--older-than", "1"]] {
        let mut args = args;
        let db = db(&ws);
        args.extend(["--db", db.as_str()]);
        let out = run(&args).await;
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("another chorus process is writing"), "{err}");
    }
    drop(lock);
}

#[tokio::test(flavor = "multi_thread")]
async fn prune_drops_old_pages_only_and_says_how_much_it_freed() {
    let (ws, _news) = backfill("").await;
    let path = ws.path("chorus.db");
    let articles = sql_count(&path, "SELECT COUNT(*) FROM articles");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let old = conn
        .execute(
            "UPDATE raw_pages SET fetched_at = '2020-01-01T00:00:00.000000Z'
             WHERE article_seq % 2 = 0",
            [],
        )
        .unwrap() as i64;
    drop(conn);
    assert!(old > 0);

    let dry = json(&["prune", "--db", &db(&ws), "--older-than", "30", "--dry-run", "--json"]).await;
    assert_eq!(dry["pages"], old, "{dry}");
    assert_eq!(
        sql_count(&path, "SELECT COUNT(*) FROM raw_pages"),
        articles,
        "a dry run removes nothing"
    );

    let done = json(&["prune", "--db", &db(&ws), "--older-than", "30", "--json"]).await;
    assert_eq!(done["pages"], old, "{done}");
    assert!(done["bytes_freed"].as_u64().unwrap() > 0, "{done}");
    assert_eq!(
        done["bytes_after"].as_u64().unwrap(),
        std::fs::metadata(&path).unwrap().len(),
        "the size after is the file's (the log is checkpointed away)"
    );
    assert_eq!(sql_count(&path, "SELECT COUNT(*) FROM raw_pages"), articles - old);
    assert_eq!(sql_count(&path, "SELECT COUNT(*) FROM articles"), articles, "articles stay");
    // The pages left are still whole.
    let summary = json(&["reextract", "--db", &db(&ws), "--json"]).await;
    assert_eq!(summary["pages"], articles - old, "{summary}");
    assert_eq!(summary["changed"], 0, "{summary}");
}

#[tokio::test(flavor = "multi_thread")]
async fn prune_articles_removes_old_articles_with_their_pages_and_search_rows() {
    let (ws, _news) = backfill("").await;
    let path = ws.path("chorus.db");
    let before = export(&path).await;
    let conn = rusqlite::Connection::open(&path).unwrap();
    // One event's articles were collected long ago.
    let event: i64 = conn
        .query_row("SELECT event_id FROM articles ORDER BY seq LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let old = conn
        .execute(
            "UPDATE articles SET fetched_at = '2020-01-01T00:00:00.000000Z' WHERE event_id = ?1",
            [event],
        )
        .unwrap();
    drop(conn);
    let gone: Vec<&Value> = before.iter().filter(|r| r["event"] == event).collect();
    assert_eq!(gone.len(), old);

    let done =
        json(&["prune", "--db", &db(&ws), "--older-than", "30", "--articles", "--json"]).await;
    assert_eq!(done["articles"], old, "{done}");
    assert_eq!(done["pages"], old, "{done}");
    assert!(done["bytes_freed"].as_u64().unwrap() > 0, "{done}");
    let after = export(&path).await;
    assert_eq!(after.len(), before.len() - old);
    assert!(after.iter().all(|r| r["event"] != event), "the old event's articles are gone");
    assert_eq!(
        sql_count(&path, "SELECT COUNT(*) FROM raw_pages"),
        (before.len() - old) as i64,
        "their pages went with them"
    );
    let title = gone[0]["title"].as_str().unwrap();
    let word = title.split_whitespace().max_by_key(|w| w.len()).unwrap();
    let found = run_ok(&["search", "--db", &db(&ws), "--json", word]).await;
    assert!(!found.contains(gone[0]["id"].as_str().unwrap()), "{word}: {found}");
    let events = run_ok(&["events", "--db", &db(&ws), "--json"]).await;
    assert!(
        events.lines().all(|l| serde_json::from_str::<Value>(l).unwrap()["id"] != event),
        "an event left without articles is not listed: {events}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_page_is_counted_as_failed_and_its_article_kept() {
    let (ws, _news) = backfill("").await;
    let path = ws.path("chorus.db");
    let before = export(&path).await;
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE raw_pages SET body_zstd = x'28b52ffd00' WHERE article_seq = (SELECT MIN(seq) FROM articles)",
        [],
    )
    .unwrap();
    drop(conn);
    let out = run(&["reextract", "--db", &db(&ws), "--json"]).await;
    assert!(out.status.success(), "one bad page does not stop the run");
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["failed"], 1, "{summary}");
    assert_eq!(summary["changed"], 0, "{summary}");
    assert_eq!(summary["unchanged"], before.len() - 1, "{summary}");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("cannot be restored"), "the reason is logged: {log}");
    assert_eq!(export(&path).await, before, "nothing stored was lost");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_copies_of_a_changed_original_are_decided_again_and_stay_its_copies() {
    let (ws, _news) = backfill("").await;
    let path = ws.path("chorus.db");
    let before = export(&path).await;
    let copy =
        before.iter().find(|r| !r["duplicate_of"].is_null()).expect("the newsroom has a copy");
    let original = copy["duplicate_of"].as_str().unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE articles SET text = 'Nothing to see here.', text_hash = '0000000000000000'
         WHERE key = ?1",
        [original],
    )
    .unwrap();
    // As if the copy had been matched against that text: a similarity it does not have.
    conn.execute(
        "UPDATE articles SET duplicate_similarity = 0.01 WHERE duplicate_of = ?1",
        [original],
    )
    .unwrap();
    drop(conn);
    let summary = json(&["reextract", "--db", &db(&ws), "--json"]).await;
    assert_eq!(summary["changed"], 1, "{summary}");
    assert_eq!(
        export(&path).await,
        before,
        "the copy was matched again with the original's text: same original, true similarity"
    );
}
