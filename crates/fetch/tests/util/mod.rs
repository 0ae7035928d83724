//! Shared helpers: the loopback server and ready-made configs and jobs.

pub(crate) mod server;

use chorus_fetch::{FetchConfig, Fetcher};
use chorus_model::{FeedJob, FeedSpec, FeedState, PollPolicy};

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
