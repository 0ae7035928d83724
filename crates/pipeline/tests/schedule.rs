//! The daemon's schedule is the fetcher's word: a feed is polled again when its last poll
//! said, and the store says why.

use chorus_pipeline::{Source, run};
use tokio_util::sync::CancellationToken;

use crate::util::{GUARD, Route, TestServer, feed, reader, rss, settings, wait_until};

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_that_asks_for_a_pause_gets_it_while_a_fixed_feed_keeps_its_pace() {
    // Two servers, so two hosts: a Retry-After pauses every request to its host.
    let server = TestServer::start().await;
    server.route("/busy.xml", Route::Busy { retry_after: "3600" });
    let other = TestServer::start().await;
    other.route("/fast.xml", Route::Ok { content_type: "application/rss+xml", body: rss(&[]) });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chorus.db");
    let fast = format!("{}poll_interval_secs = 1\n", feed(&other.url("/fast.xml"), "Fast"));
    // The busy feed's own schedule would poll it every second.
    let text = format!(
        "[pipeline]\npoll_interval_secs = 1\nreorder_ms = 0\n\
         [fetch]\nmin_poll_interval_secs = 1\n{}{fast}",
        feed(&server.url("/busy.xml"), "Busy")
    );
    let config = settings(&db, &text);
    let shutdown = CancellationToken::new();
    let daemon = tokio::spawn({
        let (config, shutdown) = (config.clone(), shutdown.clone());
        async move { run(&config, Source::Feeds { once: false }, shutdown).await }
    });
    wait_until("four polls of the fixed feed", || other.count("/fast.xml") >= 4).await;
    shutdown.cancel();
    tokio::time::timeout(GUARD, daemon).await.unwrap().unwrap().expect("the daemon drains");

    assert_eq!(server.count("/busy.xml"), 1, "polled again before its Retry-After");
    let (reason, soft, error): (String, i64, String) = reader(&db)
        .query_row(
            "SELECT next_poll_reason, soft_failures, last_error FROM feeds WHERE url LIKE '%busy.xml'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(reason, "server asked: Retry-After 3600 s (HTTP 429)");
    assert_eq!(soft, 1);
    assert!(error.contains("429"), "{error}");
    let reason: String = reader(&db)
        .query_row("SELECT next_poll_reason FROM feeds WHERE url LIKE '%fast.xml'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(reason, "fixed interval of 1 s from the config");
}
