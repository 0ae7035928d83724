//! The writer stage on its thread.

use std::path::Path;
use std::time::{Duration, Instant};

use chorus_model::{Classified, FeedCheck, FeedOutcome};
use chorus_store::{StoreConfig, StoreError, StoreSettings, spawn_writer};
use tokio::sync::mpsc;

use crate::util::{check, count, input, new_store, raw};

fn config(path: &Path, batch_size: usize, flush_interval_ms: u64) -> StoreSettings {
    let cfg = StoreConfig {
        path: path.to_owned(),
        batch_size,
        flush_interval_ms,
        max_size_mb: 0.0,
        keep_raw: true,
    };
    cfg.validate().expect("test config is valid")
}

/// Waits until `sql` counts `want`, failing after a generous deadline rather than hanging.
fn wait_for_count(path: &Path, sql: &str, want: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while count(path, sql) != want {
        assert!(Instant::now() < deadline, "never reached {want} for {sql}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn ends_when_both_channels_close_after_writing_what_is_left() {
    let (_dir, path, store) = new_store();
    let (articles_tx, articles_rx) = mpsc::channel::<Classified>(16);
    let (checks_tx, checks_rx) = mpsc::channel::<FeedCheck>(16);
    // An hour-long interval: only the end of input can make this partial batch be written.
    let writer = spawn_writer(store, &config(&path, 100, 3_600_000), articles_rx, checks_rx);
    for i in 0..3 {
        articles_tx.blocking_send(input(&i.to_string(), "text", 1)).unwrap();
    }
    let url = "https://harbor-gazette.test/feed.xml";
    for outcome in [FeedOutcome::NotModified, FeedOutcome::Failed { reason: "HTTP 500".into() }] {
        checks_tx.blocking_send(check(url, outcome, "2025-09-04T10:00:00Z", None)).unwrap();
    }
    drop(articles_tx);
    // Still running: the checks channel is open.
    std::thread::sleep(Duration::from_millis(20));
    assert!(!writer.is_finished());
    drop(checks_tx);

    let report = writer.join().unwrap().unwrap();
    assert_eq!(report.stage, chorus_model::Stage::Store);
    assert_eq!((report.received, report.sent), (5, 3));
    assert!(report.dropped.is_empty());
    assert_eq!(count(&path, "SELECT COUNT(*) FROM articles"), 3);
    assert_eq!(count(&path, "SELECT checks FROM feeds"), 2);
}

#[test]
fn writes_in_batches_of_at_most_batch_size() {
    let (_dir, path, store) = new_store();
    let (articles_tx, articles_rx) = mpsc::channel(16);
    let (checks_tx, checks_rx) = mpsc::channel::<FeedCheck>(1);
    drop(checks_tx);
    let writer = spawn_writer(store, &config(&path, 3, 3_600_000), articles_rx, checks_rx);
    for i in 0..4 {
        articles_tx.blocking_send(input(&i.to_string(), "text", 1)).unwrap();
    }
    // The first full batch is written while the channel is still open...
    wait_for_count(&path, "SELECT COUNT(*) FROM articles", 3);
    for i in 4..7 {
        articles_tx.blocking_send(input(&i.to_string(), "text", 1)).unwrap();
    }
    drop(articles_tx);
    let report = writer.join().unwrap().unwrap();
    assert_eq!(report.sent, 7);
    // ...and every row of one transaction carries the same `stored_at`.
    let conn = raw(&path);
    let sizes: Vec<i64> = conn
        .prepare("SELECT COUNT(*) FROM articles GROUP BY stored_at ORDER BY MIN(seq)")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(sizes, [3, 3, 1]);
}

#[test]
fn a_partial_batch_is_written_after_the_flush_interval() {
    let (_dir, path, store) = new_store();
    let (articles_tx, articles_rx) = mpsc::channel(16);
    let (checks_tx, checks_rx) = mpsc::channel::<FeedCheck>(1);
    let writer = spawn_writer(store, &config(&path, 100, 10), articles_rx, checks_rx);
    articles_tx.blocking_send(input("1", "text", 1)).unwrap();
    // Both channels stay open: only the timer can write this row.
    wait_for_count(&path, "SELECT COUNT(*) FROM articles", 1);
    articles_tx.blocking_send(input("2", "text", 1)).unwrap();
    wait_for_count(&path, "SELECT COUNT(*) FROM articles", 2);
    drop((articles_tx, checks_tx));
    assert_eq!(writer.join().unwrap().unwrap().sent, 2);
}

#[test]
fn already_stored_articles_are_counted_as_dropped() {
    let (_dir, path, store) = new_store();
    let (articles_tx, articles_rx) = mpsc::channel(16);
    let (checks_tx, checks_rx) = mpsc::channel::<FeedCheck>(1);
    drop(checks_tx);
    let writer = spawn_writer(store, &config(&path, 2, 500), articles_rx, checks_rx);
    for _ in 0..3 {
        articles_tx.blocking_send(input("same", "text", 1)).unwrap();
    }
    drop(articles_tx);
    let report = writer.join().unwrap().unwrap();
    assert_eq!((report.received, report.sent), (3, 1));
    assert_eq!(report.dropped.get("already_stored"), Some(&2));
    assert_eq!(count(&path, "SELECT COUNT(*) FROM articles"), 1);
}

#[test]
fn a_failed_write_stops_the_writer_with_the_error() {
    let (_dir, path, store) = new_store();
    // The table disappears under the writer: its next write cannot succeed.
    raw(&path).execute_batch("DROP TABLE articles").unwrap();
    let (articles_tx, articles_rx) = mpsc::channel(16);
    let (checks_tx, checks_rx) = mpsc::channel::<FeedCheck>(1);
    let writer = spawn_writer(store, &config(&path, 1, 500), articles_rx, checks_rx);
    articles_tx.blocking_send(input("1", "text", 1)).unwrap();
    let err = writer.join().unwrap().unwrap_err();
    assert!(matches!(err, StoreError::Sqlite { .. }), "{err:?}");
    // The stage upstream sees its channel closed.
    assert!(articles_tx.blocking_send(input("2", "text", 1)).is_err());
    drop(checks_tx);
}
