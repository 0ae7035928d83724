//! The stage's contract: ends when its input closes, one check per job, known pages
//! skipped, failures counted, backpressure holds, a vanished consumer stops it.

use std::collections::HashSet;
use std::time::Duration;

use chorus_fetch::FetchConfig;
use chorus_model::{FeedOutcome, FeedState, StageReport};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::util::{self, Route, Running, TestServer, start_stage as start};

async fn ended(stage: JoinHandle<StageReport>) -> StageReport {
    tokio::time::timeout(Duration::from_secs(20), stage)
        .await
        .expect("the stage ended")
        .expect("the stage did not panic")
}

async fn drain<T>(mut rx: mpsc::Receiver<T>) -> Vec<T> {
    let mut out = Vec::new();
    while let Some(item) = rx.recv().await {
        out.push(item);
    }
    out
}

#[tokio::test]
async fn ends_when_jobs_close_with_a_check_per_job() {
    let server = TestServer::start().await;
    let links: Vec<String> = (1..=3).map(|i| format!("/page/a{i}")).collect();
    server.route("/a.xml", Route::ok("application/rss+xml", util::rss(&links)));
    server.route("/b.xml", Route::Status(503));
    let run = start(&util::config(), 8, HashSet::new());
    run.jobs.send(util::job(server.url("/a.xml"), FeedState::default())).await.unwrap();
    run.jobs.send(util::job(server.url("/b.xml"), FeedState::default())).await.unwrap();
    drop(run.jobs);

    let pages = tokio::spawn(drain(run.pages));
    let checks = tokio::spawn(drain(run.checks));
    let report = ended(run.stage).await;
    let (pages, checks) = (pages.await.unwrap(), checks.await.unwrap());

    assert_eq!((report.stage.as_str(), report.received, report.sent), ("fetch", 2, 3));
    let mut got: Vec<String> = pages.iter().map(|p| p.final_url.path().to_owned()).collect();
    got.sort();
    assert_eq!(got, links);
    assert!(pages.iter().all(|p| p.outlet == "Harbor Gazette" && p.entry.is_some()));
    assert_eq!(checks.len(), 2);
    let outcome =
        |path: &str| checks.iter().find(|c| c.feed.url.path() == path).unwrap().outcome.clone();
    assert_eq!(outcome("/a.xml"), FeedOutcome::Fetched { entries: 3, new_entries: 3 });
    assert!(matches!(outcome("/b.xml"), FeedOutcome::Failed { .. }));
}

#[tokio::test]
async fn known_urls_are_skipped_by_canonical_form() {
    let server = TestServer::start().await;
    let links =
        ["/page/k1?utm_source=rss".to_owned(), "/page/k2".to_owned(), "/page/k2#again".to_owned()];
    server.route("/feed.xml", Route::ok("application/rss+xml", util::rss(&links)));
    let known = HashSet::from([server.url("/page/k1").to_string()]);
    let run = start(&util::config(), 8, known);
    run.jobs.send(util::job(server.url("/feed.xml"), FeedState::default())).await.unwrap();
    drop(run.jobs);

    let pages = tokio::spawn(drain(run.pages));
    let checks = tokio::spawn(drain(run.checks));
    let report = ended(run.stage).await;
    assert_eq!(report.sent, 1);
    assert_eq!(pages.await.unwrap().len(), 1);
    let checks = checks.await.unwrap();
    assert_eq!(checks[0].outcome, FeedOutcome::Fetched { entries: 3, new_entries: 1 });
    assert_eq!(server.stats.hits("/page/k1"), 0);
    assert_eq!(server.stats.hits("/page/k2"), 1);
}

#[tokio::test]
async fn failed_downloads_are_counted_and_do_not_stop_the_stage() {
    let server = TestServer::start().await;
    server.route("/photo", Route::ok("image/png", vec![0x89, b'P', b'N', b'G']));
    let links = ["/page/fine".to_owned(), "/missing".to_owned(), "/photo".to_owned()];
    server.route("/feed.xml", Route::ok("application/rss+xml", util::rss(&links)));
    let run = start(&util::config(), 8, HashSet::new());
    run.jobs.send(util::job(server.url("/feed.xml"), FeedState::default())).await.unwrap();
    drop(run.jobs);

    let pages = tokio::spawn(drain(run.pages));
    let _checks = tokio::spawn(drain(run.checks));
    let report = ended(run.stage).await;
    assert_eq!(report.sent, 1);
    assert_eq!(pages.await.unwrap()[0].final_url.path(), "/page/fine");
    let dropped: Vec<(&str, u64)> = report.dropped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(dropped, [("http_404", 1), ("not_html", 1)]);
}

#[tokio::test]
async fn repeated_jobs_use_the_newest_state() {
    let server = TestServer::start().await;
    let body = util::rss(&["/page/s1".to_owned()]).into_bytes();
    server
        .route("/cond.xml", Route::Conditional { etag: Some("\"e1\""), last_modified: None, body });
    let mut run = start(&util::config(), 8, HashSet::new());
    let pages = tokio::spawn(drain(run.pages));

    // Both jobs carry the start-up state (none); the second must still be conditional.
    run.jobs.send(util::job(server.url("/cond.xml"), FeedState::default())).await.unwrap();
    let first = run.checks.recv().await.unwrap();
    run.jobs.send(util::job(server.url("/cond.xml"), FeedState::default())).await.unwrap();
    let second = run.checks.recv().await.unwrap();

    assert_eq!(first.outcome, FeedOutcome::Fetched { entries: 1, new_entries: 1 });
    // The first check goes to the store before its page is downloaded: without the
    // validators, so that a run ending there reads the feed in full next time.
    assert_eq!(first.state.etag, None);
    assert_eq!(second.outcome, FeedOutcome::NotModified);
    // Once the page is in, the next check keeps them.
    let mut kept = None;
    for _ in 0..100 {
        run.jobs.send(util::job(server.url("/cond.xml"), FeedState::default())).await.unwrap();
        let check = run.checks.recv().await.unwrap();
        if check.state.etag.is_some() {
            kept = check.state.etag;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(kept.as_deref(), Some("\"e1\""));
    drop(run.jobs);
    ended(run.stage).await;
    assert_eq!(pages.await.unwrap().len(), 1);
}

#[tokio::test]
async fn backpressure_bounds_downloads_ahead_of_a_stalled_consumer() {
    let server = TestServer::start().await;
    let links: Vec<String> = (0..40).map(|i| format!("/page/bp{i}")).collect();
    server.route("/many.xml", Route::ok("application/rss+xml", util::rss(&links)));
    let cfg = FetchConfig { concurrency: 4, per_host_concurrency: 4, ..util::config() };
    let capacity = 1;
    let mut run = start(&cfg, capacity, HashSet::new());
    run.jobs.send(util::job(server.url("/many.xml"), FeedState::default())).await.unwrap();
    assert!(matches!(run.checks.recv().await.unwrap().outcome, FeedOutcome::Fetched { .. }));

    // Nobody reads `pages`. Wait until the downloads stop, then check how many ran.
    let bound = capacity + cfg.concurrency;
    let mut seen = 0;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = server.stats.hits_under("/page/");
        if now == seen && now >= bound {
            break;
        }
        seen = now;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.stats.hits_under("/page/"), bound, "capacity + concurrency, then it waits");

    // The consumer goes away: the stage stops quietly although `jobs` is still open.
    drop(run.pages);
    let report = ended(run.stage).await;
    assert_eq!(report.sent, capacity as u64);
    assert_eq!(server.stats.hits_under("/page/"), bound);
    assert!(run.jobs.is_closed());
}

#[tokio::test]
async fn closed_checks_channel_stops_the_stage() {
    let server = TestServer::start().await;
    server
        .route("/feed.xml", Route::ok("application/rss+xml", util::rss(&["/page/c1".to_owned()])));
    let run = start(&util::config(), 8, HashSet::new());
    drop(run.checks);
    run.jobs.send(util::job(server.url("/feed.xml"), FeedState::default())).await.unwrap();
    let report = ended(run.stage).await;
    assert_eq!(report.received, 1);
    assert_eq!(server.stats.hits("/page/c1"), 0, "nothing is downloaded for a gone store");
}

/// Waits until `path` has been requested `n` times, and a little more for the stage to
/// take in the outcome.
async fn requested(server: &TestServer, path: &str, n: usize) {
    for _ in 0..200 {
        if server.stats.hits(path) >= n {
            tokio::time::sleep(Duration::from_millis(200)).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{path} was requested {} times, not {n}", server.stats.hits(path));
}

#[tokio::test]
async fn pages_that_fail_for_a_passing_reason_are_tried_again_at_the_next_poll() {
    let server = TestServer::start().await;
    let links = ["/page/flaky".to_owned(), "/page/down".to_owned(), "/missing".to_owned()];
    let body = util::rss(&links).into_bytes();
    // A conditional feed: a plain second poll would get 304 and list nothing.
    server
        .route("/cond.xml", Route::Conditional { etag: Some("\"e1\""), last_modified: None, body });
    server.route("/page/flaky", Route::Status(503));
    server.route("/page/down", Route::Status(503));
    let cfg = FetchConfig { page_attempts: 2, ..util::config() };
    let Running { jobs, pages, mut checks, stage } = start(&cfg, 8, HashSet::new());
    let pages = tokio::spawn(drain(pages));
    let poll = || {
        let job = util::job(server.url("/cond.xml"), FeedState::default());
        let jobs = jobs.clone();
        async move { jobs.send(job).await.unwrap() }
    };

    poll().await;
    let first = checks.recv().await.unwrap();
    requested(&server, "/page/flaky", 1).await;
    requested(&server, "/page/down", 1).await;
    requested(&server, "/missing", 1).await;
    // The outage at /page/flaky ends; /page/down stays down; /missing is gone for good.
    server.route("/page/flaky", Route::ok("text/html", b"<html><p>Back.</p></html>".to_vec()));

    poll().await;
    let second = checks.recv().await.unwrap();
    requested(&server, "/page/down", 2).await;
    poll().await;
    let third = checks.recv().await.unwrap();
    drop(jobs);
    let report = ended(stage).await;

    assert_eq!(first.outcome, FeedOutcome::Fetched { entries: 3, new_entries: 3 });
    // Read whole despite the validators, so the two pages to retry are listed again.
    assert_eq!(second.outcome, FeedOutcome::Fetched { entries: 3, new_entries: 2 });
    // /page/down had its two attempts: nothing to retry, so the poll is conditional again.
    assert_eq!(third.outcome, FeedOutcome::NotModified);
    let got: Vec<String> =
        pages.await.unwrap().iter().map(|p| p.final_url.path().to_owned()).collect();
    assert_eq!(got, ["/page/flaky"]);
    assert_eq!(server.stats.hits("/page/flaky"), 2);
    assert_eq!(server.stats.hits("/page/down"), 2);
    assert_eq!(server.stats.hits("/missing"), 1, "a 404 is not tried again");
    assert_eq!(report.dropped.get("http_503"), Some(&3));
}

#[tokio::test]
async fn over_long_links_are_skipped_and_counted() {
    let server = TestServer::start().await;
    let long = format!("/page/{}", "x".repeat(3000));
    let links = ["/page/short".to_owned(), long.clone()];
    server.route("/feed.xml", Route::ok("application/rss+xml", util::rss(&links)));
    let run = start(&util::config(), 8, HashSet::new());
    run.jobs.send(util::job(server.url("/feed.xml"), FeedState::default())).await.unwrap();
    drop(run.jobs);
    let pages = tokio::spawn(drain(run.pages));
    let checks = tokio::spawn(drain(run.checks));
    let report = ended(run.stage).await;

    let got: Vec<String> =
        pages.await.unwrap().iter().map(|p| p.final_url.path().to_owned()).collect();
    assert_eq!(got, ["/page/short"]);
    assert_eq!(report.dropped.get("url_too_long"), Some(&1), "{report:?}");
    assert_eq!(server.stats.hits(&long), 0);
    let checks = checks.await.unwrap();
    // The feed listed two entries; one of them was new and fetchable.
    assert_eq!(checks[0].outcome, FeedOutcome::Fetched { entries: 2, new_entries: 1 });
}
