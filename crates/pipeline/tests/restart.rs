//! A run that never finished leaves feed validators that cannot be trusted: the next run
//! reads every feed in full.

use chorus_pipeline::{Settings, Source, run};
use chorus_store::Store;
use tokio_util::sync::CancellationToken;

use crate::util::{
    GUARD, Route, TestServer, article_count, article_page, feed, reader, rss, settings,
};

const ETAG: &str = "\"v1\"";
const LAST_MODIFIED: &str = "Mon, 01 Sep 2025 08:00:00 GMT";

async fn backfill(config: &Settings) {
    let backfill = run(config, Source::Feeds { once: true }, CancellationToken::new());
    let report = tokio::time::timeout(GUARD, backfill).await.expect("a backfill ends");
    report.expect("the backfill succeeds");
}

#[tokio::test(flavor = "multi_thread")]
async fn after_an_abandoned_run_feeds_are_read_without_their_validators_once() {
    let server = TestServer::start().await;
    let pages = [server.url("/a/1"), server.url("/a/2")];
    for (i, page) in pages.iter().enumerate() {
        server.route(page.path(), Route::Ok { content_type: "text/html", body: article_page(i) });
    }
    let body = rss(&pages);
    server
        .route("/feed.xml", Route::Conditional { etag: ETAG, last_modified: LAST_MODIFIED, body });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chorus.db");
    let config = settings(
        &db,
        &format!("[pipeline]\nreorder_ms = 0\n{}", feed(&server.url("/feed.xml"), "Test Gazette")),
    );
    let feed_requests =
        || server.requests().into_iter().filter(|r| r.path == "/feed.xml").collect::<Vec<_>>();

    // The first run stores the articles, but not yet the feed's validators: they are kept
    // only once none of the feed's pages is left to download, so that a run ending early
    // cannot leave a 304 hiding entries it never stored.
    backfill(&config).await;
    assert_eq!(article_count(&db), 2);
    let etag: Option<String> =
        reader(&db).query_row("SELECT etag FROM feeds", [], |r| r.get(0)).unwrap();
    assert_eq!(etag, None);
    // A second clean run finds nothing new, and stores them.
    backfill(&config).await;
    let stored: (String, String) = reader(&db)
        .query_row("SELECT etag, last_modified FROM feeds", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(stored, (ETAG.to_owned(), LAST_MODIFIED.to_owned()));
    // Then a run begins and never finishes, as a killed daemon leaves it.
    Store::open(&db).unwrap().begin_run(chorus_model::RunKind::Daemon).unwrap();

    backfill(&config).await;
    let sent = feed_requests();
    assert_eq!(sent.len(), 3);
    for header in ["if-none-match", "if-modified-since"] {
        assert_eq!(sent[2].headers.get(header), None, "{header} sent after an abandoned run");
    }
    // The full read lists the stored articles again, and they are not downloaded again.
    assert_eq!(server.count("/a/"), 2);

    // The control: after a clean run, the validators are sent.
    backfill(&config).await;
    let sent = feed_requests();
    assert_eq!(sent.len(), 4);
    assert_eq!(sent[3].headers.get("if-none-match").map(String::as_str), Some(ETAG));
    assert_eq!(sent[3].headers.get("if-modified-since").map(String::as_str), Some(LAST_MODIFIED));
    assert_eq!(article_count(&db), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_feeds_schedule_is_stored_and_its_next_poll_survives_a_restart() {
    let server = TestServer::start().await;
    let body = rss(&[]);
    server
        .route("/early.xml", Route::Ok { content_type: "application/rss+xml", body: body.clone() });
    server.route("/late.xml", Route::Ok { content_type: "application/rss+xml", body });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chorus.db");
    // The late feed is first, so the first round's spread alone would poll it at once.
    let feeds = format!(
        "{}{}",
        feed(&server.url("/late.xml"), "Late"),
        feed(&server.url("/early.xml"), "Early")
    );
    let config = settings(&db, &format!("[pipeline]\nreorder_ms = 0\n{feeds}"));

    // Two clean runs: the history carries from one to the next.
    backfill(&config).await;
    backfill(&config).await;
    let states = Store::open(&db).unwrap().feed_states().unwrap();
    let late = &states[server.url("/late.xml").as_str()];
    assert_eq!(late.history.recent_polls, 2);
    assert_eq!(late.history.recent_not_modified, 1, "the same body, by its hash");
    assert!(late.history.next_poll_at.is_some());
    let reason: String = reader(&db)
        .query_row("SELECT next_poll_reason FROM feeds WHERE url LIKE '%late.xml'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(!reason.is_empty());

    // One feed is due now, the other in an hour: a daemon polls only the first.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "UPDATE feeds SET next_poll_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
               WHERE url LIKE '%early.xml';
             UPDATE feeds SET next_poll_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 hour')
               WHERE url LIKE '%late.xml';",
        )
        .unwrap();
    let count = |path: &str| server.requests().iter().filter(|r| r.path == path).count();
    let before = (count("/early.xml"), count("/late.xml"));
    let shutdown = CancellationToken::new();
    let daemon = tokio::spawn({
        let (config, shutdown) = (config.clone(), shutdown.clone());
        async move { run(&config, Source::Feeds { once: false }, shutdown).await }
    });
    // The spread puts the early feed 5 s after the late one; the stored times win.
    crate::util::wait_until("the due feed's poll", || count("/early.xml") > before.0).await;
    crate::util::wait_until("its check stored", || {
        let polls: i64 = reader(&db)
            .query_row("SELECT checks FROM feeds WHERE url LIKE '%early.xml'", [], |r| r.get(0))
            .unwrap();
        polls == 3
    })
    .await;
    shutdown.cancel();
    tokio::time::timeout(GUARD, daemon).await.unwrap().unwrap().expect("the daemon drains");
    assert_eq!(count("/late.xml"), before.1, "a feed was polled before its stored time");
}
