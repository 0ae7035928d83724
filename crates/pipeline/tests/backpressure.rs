//! Backpressure end to end: a store that cannot write stops the fetcher once every
//! channel and stage between them is full, and nothing is lost when it resumes.

use std::time::{Duration, Instant};

use chorus_pipeline::{Source, run};
use tokio_util::sync::CancellationToken;

use crate::util::{
    DEDUP_HOLDS, GUARD, Gate, Route, TestServer, article_count, article_page, feed, rss, settings,
    wait_until,
};

const ARTICLES: usize = 150;
// `pipeline.channel_capacity`, `pipeline.reorder_articles`, `fetch.concurrency`,
// `extract.workers` and `store.batch_size` below.
const CAPACITY: usize = 2;
const REORDER: usize = 2;
const CONCURRENCY: usize = 1;
const WORKERS: usize = 1;
const BATCH: usize = 1;
/// The most pages that can be downloaded while the store writes nothing: each channel
/// full, and each stage holding what it works on. (Stored articles would add to it, but
/// none are while the store is held.) A download keeps its fetch slot until its page is
/// handed on, so the fetcher holds at most `CONCURRENCY` pages.
const IN_FLIGHT: usize = BATCH // the store's batch, stuck in its write
    + CAPACITY // classified articles waiting for the store
    + DEDUP_HOLDS
    + CAPACITY // articles waiting for dedup
    + REORDER // held back for publication order
    + CAPACITY // extracted articles waiting for reorder
    + WORKERS // pages being extracted
    + CAPACITY // pages waiting for extraction
    + CONCURRENCY; // downloaded pages waiting to be handed on

/// The store's busy timeout is 10 s: past it, a write waiting for the lock fails. The
/// lock is released well before, whether or not the fetcher has stopped by then.
const HOLD_AT_MOST: Duration = Duration::from_secs(6);
/// How long the download count must stay the same to count as stopped.
const SETTLED: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_store_stops_the_fetcher_at_the_pipelines_capacity() {
    let server = TestServer::start().await;
    let pages: Vec<url::Url> = (0..ARTICLES).map(|i| server.url(&format!("/a/{i}"))).collect();
    for (i, page) in pages.iter().enumerate() {
        server.route(page.path(), Route::Ok { content_type: "text/html", body: article_page(i) });
    }
    // The feed is answered once the store is held, so nothing is stored before.
    let gate = Gate::new();
    let listing = Route::Ok { content_type: "application/rss+xml", body: rss(&pages) };
    server.route("/feed.xml", Route::AfterGate { gate: gate.clone(), then: Box::new(listing) });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chorus.db");
    let text = format!(
        "[pipeline]\nchannel_capacity = {CAPACITY}\nreorder_articles = {REORDER}\nreorder_ms = 50\n\
         [fetch]\nconcurrency = {CONCURRENCY}\n[extract]\nworkers = {WORKERS}\n\
         [store]\nbatch_size = {BATCH}\n{}",
        feed(&server.url("/feed.xml"), "Test Gazette")
    );
    let config = settings(&db, &text);
    let backfill = tokio::spawn(async move {
        run(&config, Source::Feeds { once: true }, CancellationToken::new()).await
    });

    // The run has started (its stages are polling) when the feed is asked for. Another
    // connection then takes the database's write lock, which makes the store's every
    // write wait.
    wait_until("the feed request", || server.count("/feed.xml") == 1).await;
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.busy_timeout(Duration::from_secs(10)).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let held = Instant::now();
    gate.open();

    // Wait for the downloads to stop.
    let mut last = (0, Instant::now());
    while held.elapsed() < HOLD_AT_MOST {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = server.count("/a/");
        if now != last.0 {
            last = (now, Instant::now());
        } else if now > 0 && last.1.elapsed() >= SETTLED {
            break;
        }
    }
    let downloaded = server.count("/a/");
    assert_eq!(article_count(&db), 0, "the store wrote while its database was locked");
    assert!(downloaded > 0, "nothing was downloaded while the store was held");
    assert!(
        downloaded <= IN_FLIGHT,
        "{downloaded} pages downloaded while the store wrote nothing; at most {IN_FLIGHT} fit \
         in the pipeline"
    );
    assert!(downloaded < ARTICLES);

    // Released, the store catches up and the fetcher resumes: nothing was lost.
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);
    let report = tokio::time::timeout(GUARD, backfill)
        .await
        .expect("the backfill ends")
        .expect("the run does not panic")
        .expect("the backfill succeeds once the store can write");
    assert_eq!(article_count(&db), ARTICLES, "{report}");
    assert_eq!(server.count("/a/"), ARTICLES, "each page downloaded once: {report}");
}
