//! Politeness per host, read from the newsroom's request log: several loopback hosts (one
//! per outlet), gaps between request starts, the concurrency cap, robots.txt and its
//! per-feed override, `Crawl-delay`, `Retry-After` and the backoff of a failing host.
//!
//! Only lower bounds on time are asserted: the log's arrival times are compared with the
//! gap the fetcher had to keep. A request reaches the server a little after the fetcher
//! starts it, and that delay varies, so two arrivals may be a little closer than their
//! starts were: [`SLACK`] allows for it. Every gap tested is many times larger, and a
//! fetcher keeping no gap at all sends its requests within a few milliseconds.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;

use chorus_fetch::{Failure, FetchConfig, Fetcher};
use chorus_model::{FeedCheck, FeedOutcome, FeedState, RawPage};
use chorus_newsroom::{HostFaults, LoggedRequest, Newsroom, NewsroomOptions, Refusal, catalog};
use futures_util::future::join_all;
use url::Url;

use crate::util::{self, Route, TestServer};

/// How much earlier than the fetcher's gap a request may be logged (see the module docs).
const SLACK: Duration = Duration::from_millis(60);

/// A newsroom with one host per outlet, each article page answered after `page_delay`.
async fn newsroom(page_delay: Duration) -> Newsroom {
    let opts = NewsroomOptions { multi_host: true, page_delay, ..NewsroomOptions::default() };
    Newsroom::start(opts).await.expect("the newsroom starts on 127.0.0.10 and up")
}

/// The test config with a gap and robots.txt as given.
fn config(gap_ms: u64, respect_robots: bool) -> FetchConfig {
    FetchConfig { per_host_gap_ms: gap_ms, respect_robots, ..util::config() }
}

fn addr(url: &Url) -> SocketAddr {
    url.socket_addrs(|| None).expect("a loopback address")[0]
}

/// Outlet `i`'s feed address and its article pages' addresses.
fn outlet(newsroom: &Newsroom, i: usize) -> (Url, Vec<Url>) {
    let slug = catalog().outlets[i].slug;
    let pages = catalog().stories_of(slug).map(|s| newsroom.article_url(s)).collect();
    (newsroom.feeds()[i].url.clone(), pages)
}

/// The requests that reached `host`, in order of arrival.
fn log_of(newsroom: &Newsroom, host: SocketAddr) -> Vec<LoggedRequest> {
    let mut log: Vec<LoggedRequest> =
        newsroom.requests().into_iter().filter(|r| r.local == host).collect();
    log.sort_by_key(|r| r.at);
    log
}

/// Asserts that consecutive arrivals are at least `gap` apart (less [`SLACK`]).
fn assert_spaced(log: &[LoggedRequest], gap: Duration) {
    assert!(log.len() >= 2, "too few requests to tell: {log:?}");
    for pair in log.windows(2) {
        let apart = pair[1].at - pair[0].at;
        assert!(
            apart + SLACK >= gap,
            "{} and {} arrived {apart:?} apart, less than {gap:?}",
            pair[0].path,
            pair[1].path
        );
    }
}

fn robots(newsroom: &Newsroom, host: SocketAddr, text: &str) {
    let faults = HostFaults { robots_txt: Some(text.to_owned()), ..HostFaults::default() };
    newsroom.set_faults(host, faults);
}

fn refuse(newsroom: &Newsroom, host: SocketAddr, status: u16, count: u32, after: Option<&str>) {
    let refusal = Refusal { status, count, retry_after: after.map(str::to_owned) };
    newsroom.set_faults(host, HostFaults { refuse: Some(refusal), ..HostFaults::default() });
}

async fn fetch_all(
    fetcher: &Fetcher,
    urls: &[Url],
) -> Vec<Result<RawPage, chorus_fetch::FetchError>> {
    join_all(urls.iter().map(|url| fetcher.fetch_page(url, "Outlet", None))).await
}

#[tokio::test]
async fn starts_keep_the_gap_and_the_cap_on_every_host() {
    let newsroom = newsroom(Duration::from_millis(900)).await;
    let gap = Duration::from_millis(300);
    let cfg = FetchConfig { per_host_concurrency: 2, ..config(300, true) };
    let fetcher = util::fetcher(&cfg);
    let (feed_a, pages_a) = outlet(&newsroom, 0);
    let (feed_b, pages_b) = outlet(&newsroom, 1);
    let urls: Vec<Url> = pages_a.iter().take(4).chain(pages_b.iter().take(4)).cloned().collect();

    // All eight at once: four to each host.
    for result in fetch_all(&fetcher, &urls).await {
        result.expect("every page is served");
    }

    for host in [addr(&feed_a), addr(&feed_b)] {
        let log = log_of(&newsroom, host);
        let robots = log.iter().filter(|r| r.path == "/robots.txt").count();
        assert_eq!(robots, 1, "robots.txt is asked for once per host: {log:?}");
        assert_eq!(log.len(), 5, "robots.txt and four pages: {log:?}");
        assert_spaced(&log, gap);
        let most = newsroom.max_in_flight(host);
        assert!(most <= 2, "{most} requests in flight on {host}, the cap is 2");
    }
    assert_ne!(addr(&feed_a), addr(&feed_b), "two hosts");
}

/// Runs the fetch stage over `jobs` to the end; returns its checks, pages and report.
async fn run_stage(
    cfg: &FetchConfig,
    jobs: Vec<chorus_model::FeedJob>,
) -> (Vec<FeedCheck>, Vec<RawPage>, chorus_model::StageReport) {
    let util::Running { jobs: jobs_tx, pages: mut pages_rx, checks: mut checks_rx, stage } =
        util::start_stage(cfg, 64, HashSet::new());
    for job in jobs {
        jobs_tx.send(job).await.expect("the stage takes jobs");
    }
    drop(jobs_tx);
    let collect_pages = tokio::spawn(async move {
        let mut out = Vec::new();
        while let Some(page) = pages_rx.recv().await {
            out.push(page);
        }
        out
    });
    let mut checks = Vec::new();
    while let Some(check) = checks_rx.recv().await {
        checks.push(check);
    }
    let report = stage.await.expect("the stage did not panic");
    (checks, collect_pages.await.expect("pages collected"), report)
}

#[tokio::test]
async fn robots_disallow_is_respected_unless_the_feed_turns_it_off() {
    let newsroom = newsroom(Duration::ZERO).await;
    // Host A allows its feed (the longer, `$`-anchored rule) and nothing else.
    let (feed_a, pages_a) = outlet(&newsroom, 2);
    let rules_a = format!("User-agent: *\nDisallow: /\nAllow: {}$\n", feed_a.path());
    robots(&newsroom, addr(&feed_a), &rules_a);
    // Hosts B and C disallow everything to Chorus; B's feed turns robots.txt off.
    let (feed_b, pages_b) = outlet(&newsroom, 3);
    let (feed_c, _) = outlet(&newsroom, 4);
    let everything = "User-agent: other\nAllow: /\n\nUser-agent: chorus\nDisallow: /\n";
    robots(&newsroom, addr(&feed_b), everything);
    robots(&newsroom, addr(&feed_c), everything);

    let mut job_b = util::job(feed_b.clone(), FeedState::default());
    job_b.feed.respect_robots = Some(false);
    let jobs = vec![
        util::job(feed_a.clone(), FeedState::default()),
        job_b,
        util::job(feed_c.clone(), FeedState::default()),
    ];
    let (checks, pages, report) = run_stage(&config(0, true), jobs).await;

    // A: the feed is read, its pages are refused without a request.
    let check_a = checks.iter().find(|c| c.feed.url == feed_a).expect("A polled");
    assert!(matches!(check_a.outcome, FeedOutcome::Fetched { .. }), "{check_a:?}");
    assert_eq!(report.dropped.get("robots_disallowed"), Some(&(pages_a.len() as u64)));
    let paths_a: Vec<String> =
        log_of(&newsroom, addr(&feed_a)).into_iter().map(|r| r.path).collect();
    assert_eq!(paths_a, ["/robots.txt".to_owned(), feed_a.path().to_owned()]);
    assert!(!report.noted.contains_key("retry_later"), "disallowed pages are not retried");

    // B: robots.txt is not even asked for, and every page is fetched.
    let log_b = log_of(&newsroom, addr(&feed_b));
    assert!(log_b.iter().all(|r| r.path != "/robots.txt"), "{log_b:?}");
    let fetched_b = pages.iter().filter(|p| addr(&p.url) == addr(&feed_b)).count();
    assert_eq!(fetched_b, pages_b.len());

    // C: the feed itself is disallowed.
    let check_c = checks.iter().find(|c| c.feed.url == feed_c).expect("C polled");
    assert_eq!(
        check_c.outcome,
        FeedOutcome::Failed { reason: "disallowed by robots.txt".to_owned() }
    );
    let paths_c: Vec<String> =
        log_of(&newsroom, addr(&feed_c)).into_iter().map(|r| r.path).collect();
    assert_eq!(paths_c, ["/robots.txt"]);
}

#[tokio::test]
async fn crawl_delay_raises_the_gap() {
    let newsroom = newsroom(Duration::ZERO).await;
    let (feed, pages) = outlet(&newsroom, 5);
    robots(&newsroom, addr(&feed), "User-agent: *\nCrawl-delay: 1\n");
    let fetcher = util::fetcher(&FetchConfig { per_host_concurrency: 4, ..config(0, true) });

    for result in fetch_all(&fetcher, &pages[..3]).await {
        result.expect("every page is served");
    }

    let log = log_of(&newsroom, addr(&feed));
    assert_eq!(log[0].path, "/robots.txt");
    // The delay is known once robots.txt is read: the pages after it keep it.
    assert_eq!(log.len(), 4);
    assert_spaced(&log[1..], Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_pauses_every_request_to_the_host() {
    let newsroom = newsroom(Duration::ZERO).await;
    let (feed, pages) = outlet(&newsroom, 0);
    let host = addr(&feed);
    let fetcher = util::fetcher(&FetchConfig { per_host_concurrency: 4, ..config(0, false) });

    refuse(&newsroom, host, 429, 1, Some("2"));
    let refused = fetcher.fetch_page(&pages[0], "Outlet", None).await.expect_err("429");
    assert_eq!(refused.reason(), "http_429");
    assert_eq!(refused.failure(), Failure::Soft);
    // Other pages, not the one refused, wait out the pause.
    for result in fetch_all(&fetcher, &pages[1..3]).await {
        result.expect("served after the pause");
    }
    let log = log_of(&newsroom, host);
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].fault, Some(429));
    for later in &log[1..] {
        assert!(later.at - log[0].at + SLACK >= Duration::from_secs(2), "{log:?}");
    }

    // A pause longer than a request waits fails the next request without sending it.
    refuse(&newsroom, host, 503, 1, Some("3600"));
    let refused = fetcher.fetch_page(&pages[0], "Outlet", None).await.expect_err("503");
    assert_eq!(refused.reason(), "http_503");
    let paused = fetcher.fetch_page(&pages[1], "Outlet", None).await.expect_err("paused");
    assert_eq!(paused.reason(), "host_paused");
    assert_eq!(paused.failure(), Failure::Soft);
    assert_eq!(log_of(&newsroom, host).len(), 4, "the paused request was not sent");

    // Another host is not paused.
    let (_, other) = outlet(&newsroom, 1);
    fetcher.fetch_page(&other[0], "Outlet", None).await.expect("another host is served");
}

#[tokio::test]
async fn a_failing_host_is_backed_off_more_each_time() {
    let newsroom = newsroom(Duration::ZERO).await;
    let (feed, pages) = outlet(&newsroom, 1);
    let host = addr(&feed);
    let fetcher = util::fetcher(&config(0, false));

    refuse(&newsroom, host, 503, 2, None);
    for (i, page) in pages[..3].iter().enumerate() {
        let result = fetcher.fetch_page(page, "Outlet", None).await;
        assert_eq!(result.is_ok(), i == 2, "{result:?}");
    }
    let log = log_of(&newsroom, host);
    assert_eq!(log.len(), 3);
    // The backoff starts at a second and doubles.
    assert!(log[1].at - log[0].at + SLACK >= Duration::from_secs(1), "{log:?}");
    assert!(log[2].at - log[1].at + SLACK >= Duration::from_secs(2), "{log:?}");
}

#[tokio::test]
async fn a_robots_txt_answering_503_holds_everything_back() {
    let newsroom = newsroom(Duration::ZERO).await;
    let (feed, pages) = outlet(&newsroom, 2);
    let host = addr(&feed);
    let faults = HostFaults { robots_status: Some(503), ..HostFaults::default() };
    newsroom.set_faults(host, faults);
    let fetcher = util::fetcher(&config(0, true));

    let err = fetcher.fetch_page(&pages[0], "Outlet", None).await.expect_err("held back");
    assert_eq!(err.reason(), "robots_unavailable");
    assert_eq!(err.failure(), Failure::Soft);
    let paths: Vec<String> = log_of(&newsroom, host).into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/robots.txt"]);

    // Once it answers 404, everything is allowed (after the backoff the 503 earned).
    newsroom.set_faults(host, HostFaults::default());
    fetcher.fetch_page(&pages[0], "Outlet", None).await.expect("allowed now");
    let paths: Vec<String> = log_of(&newsroom, host).into_iter().map(|r| r.path).collect();
    assert_eq!(paths.len(), 3, "robots.txt again, then the page: {paths:?}");
}

#[tokio::test]
async fn a_spaced_out_host_does_not_hold_the_stage_from_other_hosts() {
    let newsroom = newsroom(Duration::ZERO).await;
    let (feed_a, pages_a) = outlet(&newsroom, 0);
    let (feed_b, _) = outlet(&newsroom, 1);
    assert!(pages_a.len() >= 3, "host A needs a queue of pages");
    // Two slots in the stage, one request at a time per host, 600 ms between starts.
    let cfg = FetchConfig { concurrency: 2, per_host_concurrency: 1, ..config(600, false) };
    let util::Running { jobs: jobs_tx, pages: mut pages_rx, checks: mut checks_rx, stage } =
        util::start_stage(&cfg, 64, HashSet::new());
    let drain = tokio::spawn(async move { while pages_rx.recv().await.is_some() {} });

    // B's feed is sent only once A's pages are queued.
    jobs_tx.send(util::job(feed_a.clone(), FeedState::default())).await.expect("job A");
    checks_rx.recv().await.expect("A's check");
    jobs_tx.send(util::job(feed_b.clone(), FeedState::default())).await.expect("job B");
    drop(jobs_tx);
    while checks_rx.recv().await.is_some() {}
    let report = stage.await.expect("the stage did not panic");
    drain.await.expect("pages drained");
    assert_eq!(report.dropped_total(), 0, "{report:?}");

    // A's pages, one per 600 ms, held one slot; the other served B in the meantime.
    let pages = |host| -> Vec<LoggedRequest> {
        let feed_paths = [feed_a.path(), feed_b.path()];
        log_of(&newsroom, host)
            .into_iter()
            .filter(|r| !feed_paths.contains(&r.path.as_str()))
            .collect()
    };
    let (log_a, log_b) = (pages(addr(&feed_a)), pages(addr(&feed_b)));
    assert_eq!(log_a.len(), pages_a.len());
    assert_spaced(&log_a, Duration::from_millis(600));
    assert!(
        log_b[0].at < log_a[1].at,
        "B's first page waited behind A's queue: {log_b:?} {log_a:?}"
    );
}

/// A robots.txt that redirects (to the site's other host, say) is followed, as RFC 9309
/// asks, and its rules hold for the host that was asked.
#[tokio::test]
async fn a_redirected_robots_txt_is_followed() {
    let rules = TestServer::start().await;
    rules.route(
        "/robots.txt",
        Route::ok("text/plain", "User-agent: *\nDisallow: /private\n".to_owned()),
    );
    let site = TestServer::start().await;
    site.route("/robots.txt", Route::Redirect(rules.url("/robots.txt").to_string()));
    site.route("/private/a", Route::ok("text/html", "<p>secret</p>".to_owned()));
    site.route("/public/a", Route::ok("text/html", "<p>open</p>".to_owned()));
    let fetcher = util::fetcher(&config(0, true));

    let refused = fetcher.fetch_page(&site.url("/private/a"), "Site", None).await;
    assert_eq!(refused.unwrap_err().reason(), "robots_disallowed");
    assert!(fetcher.fetch_page(&site.url("/public/a"), "Site", None).await.is_ok());
    assert_eq!(rules.stats.hits("/robots.txt"), 1);
    assert_eq!(site.stats.hits("/private/a"), 0, "a disallowed page is never asked for");
}
