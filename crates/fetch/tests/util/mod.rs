//! Shared helpers: the loopback server and ready-made configs and jobs.

pub(crate) mod server;

use std::collections::HashSet;
use std::sync::Arc;

use chorus_fetch::{FetchConfig, Fetcher};
use chorus_model::{FeedCheck, RawPage, Reschedule, StageReport};
use chorus_model::{FeedJob, FeedSpec, FeedState, PollPolicy};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub(crate) use server::{Route, Stats, TestServer};

/// Defaults, with limits small enough to hit quickly in tests, loopback allowed (every
/// test server is on 127.x), no gap between requests to one host (tests make many to one
/// loopback host) and robots.txt not asked for (the test server counts every request).
/// The politeness tests turn both back on.
pub(crate) fn config() -> FetchConfig {
    FetchConfig { allow_private_networks: true, ..strict() }
}

/// [`config`] with the default address policy: loopback and other private addresses
/// refused.
pub(crate) fn strict() -> FetchConfig {
    FetchConfig {
        per_host_gap_ms: 0,
        respect_robots: false,
        connect_timeout_secs: 5,
        timeout_secs: 10,
        max_body_bytes: 200_000,
        max_redirects: 3,
        ..FetchConfig::default()
    }
}

pub(crate) fn fetcher(cfg: &FetchConfig) -> Fetcher {
    Fetcher::new(&cfg.validate().expect("test config is valid")).expect("the client builds")
}

pub(crate) fn job(url: url::Url, state: FeedState) -> FeedJob {
    let feed = FeedSpec { url, outlet: "Harbor Gazette".to_owned(), respect_robots: None };
    FeedJob { feed, state, policy: PollPolicy::default() }
}

/// A file from `tests/data`.
pub(crate) fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An RSS feed linking `links` (absolute or relative).
pub(crate) fn rss(links: &[String]) -> String {
    let items: String =
        links.iter().map(|l| format!("<item><title>{l}</title><link>{l}</link></item>")).collect();
    format!("<rss version=\"2.0\"><channel><title>Generated</title>{items}</channel></rss>")
}

/// [`config`] with a one-second timeout, for the routes that stall or trickle.
pub(crate) fn short_timeout() -> FetchConfig {
    FetchConfig { connect_timeout_secs: 1, timeout_secs: 1, ..config() }
}

/// A fetch stage running in a task, and the ends of its channels.
pub(crate) struct Running {
    pub(crate) jobs: mpsc::Sender<FeedJob>,
    pub(crate) pages: mpsc::Receiver<RawPage>,
    pub(crate) checks: mpsc::Receiver<FeedCheck>,
    pub(crate) stage: JoinHandle<StageReport>,
}

/// Starts the fetch stage with `cfg`, its pages buffered up to `page_capacity`, the
/// addresses in `known` taken as stored. Nobody listens for reschedules, as in a
/// backfill: the stage must not mind.
pub(crate) fn start_stage(
    cfg: &FetchConfig,
    page_capacity: usize,
    known: HashSet<String>,
) -> Running {
    let (jobs_tx, jobs_rx) = mpsc::channel(4);
    let (pages_tx, pages_rx) = mpsc::channel(page_capacity);
    let (checks_tx, checks_rx) = mpsc::channel(16);
    let (reschedule_tx, _) = mpsc::channel::<Reschedule>(1);
    let fetcher = Arc::new(fetcher(cfg));
    let stage = tokio::spawn(chorus_fetch::run(
        fetcher,
        jobs_rx,
        pages_tx,
        checks_tx,
        known,
        reschedule_tx,
    ));
    Running { jobs: jobs_tx, pages: pages_rx, checks: checks_rx, stage }
}
