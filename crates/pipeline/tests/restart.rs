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

    // A clean run stores the feed's ETag and Last-Modified with its articles.
    backfill(&config).await;
    assert_eq!(article_count(&db), 2);
    let stored: (String, String) = reader(&db)
        .query_row("SELECT etag, last_modified FROM feeds", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(stored, (ETAG.to_owned(), LAST_MODIFIED.to_owned()));
    // Then a run begins and never finishes, as a killed daemon leaves it.
    Store::open(&db).unwrap().begin_run(chorus_model::RunKind::Daemon).unwrap();

    backfill(&config).await;
    let sent = feed_requests();
    assert_eq!(sent.len(), 2);
    for header in ["if-none-match", "if-modified-since"] {
        assert_eq!(sent[1].headers.get(header), None, "{header} sent after an abandoned run");
    }
    // The full read lists the stored articles again, and they are not downloaded again.
    assert_eq!(server.count("/a/"), 2);

    // The control: after a clean run, the validators are sent.
    backfill(&config).await;
    let sent = feed_requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].headers.get("if-none-match").map(String::as_str), Some(ETAG));
    assert_eq!(sent[2].headers.get("if-modified-since").map(String::as_str), Some(LAST_MODIFIED));
    assert_eq!(article_count(&db), 2);
}
