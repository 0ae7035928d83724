//! Shutdown: a stage stuck past the grace period is named.

use std::time::Duration;

use chorus_pipeline::{PipelineError, Source, run};
use tokio_util::sync::CancellationToken;

use crate::util::{GUARD, Route, TestServer, feed, rss, settings, wait_until};

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
            assert_eq!(stages, "fetch, extract, reorder, dedup, store");
        }
        other => panic!("expected the grace deadline naming the fetch stage, got {other:?}"),
    }
}
