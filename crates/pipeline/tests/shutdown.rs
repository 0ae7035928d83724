//! Shutdown: a stage stuck past the grace period is named, and a cancelled JSONL replay
//! stops reading at once and stores everything it had read.

use std::time::Duration;

use chorus_model::Stage;
use chorus_pipeline::{PipelineError, Source, run};
use tokio_util::sync::CancellationToken;

use crate::util::{
    DEDUP_HOLDS, GUARD, Route, TestServer, article_count, feed, jsonl_line, reader, rss, settings,
    wait_until,
};

#[tokio::test(flavor = "multi_thread")]
async fn the_grace_deadline_names_the_stage_stuck_on_a_stalled_download() {
    let server = TestServer::start().await;
    let stalled = server.url("/stalled");
    server.route(
        "/feed.xml",
        Route::Ok { content_type: "application/rss+xml", body: rss(&[stalled]) },
    );
    server.route("/stalled", Route::Stall);
    let dir = tempfile::tempdir().unwrap();
    // The download would only give up after five minutes; the grace period is one second.
    let text = format!(
        "[pipeline]\nshutdown_grace_secs = 1\nreorder_ms = 0\n[fetch]\ntimeout_secs = 300\n{}",
        feed(&server.url("/feed.xml"), "Test Gazette")
    );
    let config = settings(&dir.path().join("chorus.db"), &text);
    let shutdown = CancellationToken::new();
    let daemon = tokio::spawn({
        let shutdown = shutdown.clone();
        async move { run(&config, Source::Feeds { once: false }, shutdown).await }
    });

    wait_until("the article request to reach the server", || server.count("/stalled") == 1).await;
    shutdown.cancel();
    let ended = tokio::time::timeout(GUARD, daemon).await.expect("the grace deadline ends the run");

    match ended.expect("the run does not panic") {
        Err(PipelineError::ShutdownTimeout { grace, stages }) => {
            assert_eq!(grace, Duration::from_secs(1));
            // Every stage after the stuck one waits on it; the source ended at the signal.
            assert_eq!(
                stages,
                [Stage::Fetch, Stage::Extract, Stage::Reorder, Stage::Dedup, Stage::Store]
            );
        }
        other => panic!("expected the grace deadline naming the fetch stage, got {other:?}"),
    }
}

// `pipeline.channel_capacity` and `store.batch_size` for the replay below.
const CAPACITY: usize = 8;
const BATCH: usize = 16;

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_jsonl_replay_stops_reading_and_stores_all_it_read() {
    const LINES: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("articles.jsonl");
    std::fs::write(&input, (0..LINES).map(jsonl_line).collect::<String>()).unwrap();
    let db = dir.path().join("chorus.db");
    let text = format!(
        "[pipeline]\nchannel_capacity = {CAPACITY}\n\
         [store]\nbatch_size = {BATCH}\nflush_interval_ms = 20\n"
    );
    let config = settings(&db, &text);
    let shutdown = CancellationToken::new();
    let replay = tokio::spawn({
        let shutdown = shutdown.clone();
        async move { run(&config, Source::Jsonl(input), shutdown).await }
    });

    wait_until("the first stored articles", || article_count(&db) > 0).await;
    let seen = article_count(&db);
    shutdown.cancel();
    // Counted just after the cancel: at least what was stored at it.
    let stored_at_cancel = article_count(&db);
    let ended = tokio::time::timeout(GUARD, replay).await.expect("a cancelled replay ends");

    // Cancelling a replay is how it is stopped early, not a failure.
    let report = ended.expect("the run does not panic").expect("a cancelled replay is Ok");
    let source = report.stage(Stage::Source).expect("the source reports");
    let store = report.stage(Stage::Store).expect("the store reports");
    // When the token was cancelled, the source had read at most what was stored, what
    // the stages between held (the articles channel, the dedup stage, the classified
    // channel, a store batch), and the line it was blocked handing on; it may then read
    // one more line, whose check for the signal came just before it.
    let bound = stored_at_cancel + CAPACITY + DEDUP_HOLDS + CAPACITY + BATCH + 1 + 1;
    assert!(
        (source.received as usize) <= bound,
        "the replay read {} lines, but {stored_at_cancel} were stored at the cancel and at \
         most {} more were in flight",
        source.received,
        bound - stored_at_cancel
    );
    assert!((source.received as usize) < LINES, "the whole file was read despite the cancel");
    // What was read was drained into the store, not dropped on the way.
    let stored = article_count(&db);
    assert!(stored >= seen);
    assert_eq!(stored as u64, source.sent, "{report}");
    assert_eq!(store.sent, source.sent, "{report}");
    // And every stored row is whole.
    let conn = reader(&db);
    let partial: i64 = conn
        .query_row(
            "SELECT count(*) FROM articles a LEFT JOIN events e ON e.id = a.event_id \
             WHERE a.title = '' OR a.text = '' OR a.input_id IS NULL OR e.id IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(partial, 0, "stored articles without title, text, input id or event");
    // A replay that drained is a run that ended cleanly.
    let outcome: Option<String> =
        conn.query_row("SELECT outcome FROM runs", [], |r| r.get(0)).unwrap();
    assert_eq!(outcome.as_deref(), Some("finished"));
}
