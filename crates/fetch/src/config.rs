//! The `[fetch]` section of the config file.

use serde::{Deserialize, Serialize};

/// How the fetcher talks to outlets: identity, time limits, size limits and politeness.
///
/// Read from the `[fetch]` section; every key is optional and defaults to the value shown.
///
/// ```toml
/// [fetch]
/// user_agent = "chorus/0.1.0 (+https://github.com/chorus-news/chorus)"
/// connect_timeout_secs = 10
/// timeout_secs = 30
/// max_body_bytes = 10000000
/// max_redirects = 10
/// per_host_concurrency = 2
/// concurrency = 16
/// max_entries_per_feed = 2000
/// max_child_sitemaps = 10
/// max_known_urls = 500000
/// page_attempts = 3
/// ```
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// The `User-Agent` header sent with every request. Outlets use it to tell who is
    /// crawling them, so it names the project and where to read about it.
    pub user_agent: String,
    /// Time allowed to open a connection (TCP and TLS), in seconds.
    pub connect_timeout_secs: u64,
    /// Time allowed for a whole request, from connecting until the last body byte, in
    /// seconds. Waiting for a per-host slot does not count.
    pub timeout_secs: u64,
    /// The largest body accepted, in bytes, after decompression. It is enforced while the
    /// body streams in, so no more than this is ever held; a `Content-Length` above it fails
    /// before any body byte is read.
    pub max_body_bytes: u64,
    /// Redirects followed per request before giving up (0 follows none).
    pub max_redirects: usize,
    /// Requests in flight to one host (`host:port`) at once, feeds and pages together.
    pub per_host_concurrency: usize,
    /// Requests (feed polls and page downloads) the fetch stage keeps in flight at once,
    /// over all hosts.
    pub concurrency: usize,
    /// Entries taken from one feed; the rest are ignored. Feeds keep document order (newest
    /// first, by convention); sitemaps keep the newest by date.
    pub max_entries_per_feed: usize,
    /// Child sitemaps fetched when a feed turns out to be a sitemap index, newest `lastmod`
    /// first (0 follows none, and an index then yields no entries).
    pub max_child_sitemaps: usize,
    /// Addresses remembered as already fetched or stored, newest kept (16 bytes each, so
    /// the default takes about 8 MB). Feeds list recent entries; an older article that
    /// comes back is downloaded again and then found already stored.
    pub max_known_urls: usize,
    /// Times an article page is tried when it fails for a passing reason (a timeout, a
    /// refused or broken connection, HTTP 408, 425, 429 or 5xx), the first included. A
    /// retry happens at the feed's next poll, which then reads the feed whole (not
    /// conditionally) so that the entry is listed again: the poll interval is the backoff.
    /// A page that fails for good (404, not HTML, too large) is not tried again. 1 never
    /// retries.
    pub page_attempts: u32,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: format!(
                "chorus/{} (+https://github.com/chorus-news/chorus)",
                env!("CARGO_PKG_VERSION")
            ),
            connect_timeout_secs: 10,
            timeout_secs: 30,
            max_body_bytes: 10_000_000,
            max_redirects: 10,
            per_host_concurrency: 2,
            concurrency: 16,
            max_entries_per_feed: 2000,
            max_child_sitemaps: 10,
            max_known_urls: 500_000,
            page_attempts: 3,
        }
    }
}

impl FetchConfig {
    /// Every problem with these values, each naming its key as `fetch.<key>`; empty when the
    /// config is usable.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let ua = self.user_agent.trim();
        if ua.is_empty() {
            problems.push("fetch.user_agent must not be empty".to_owned());
        } else if !ua.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
            // Anything else cannot be sent in an HTTP header.
            problems.push("fetch.user_agent must be printable ASCII".to_owned());
        }
        let at_least = |key: &str, value: u64, min: u64, problems: &mut Vec<String>| {
            if value < min {
                problems.push(format!("fetch.{key} must be at least {min} (got {value})"));
            }
        };
        at_least("connect_timeout_secs", self.connect_timeout_secs, 1, &mut problems);
        at_least("timeout_secs", self.timeout_secs, 1, &mut problems);
        at_least("max_body_bytes", self.max_body_bytes, 1024, &mut problems);
        at_least("per_host_concurrency", self.per_host_concurrency as u64, 1, &mut problems);
        at_least("concurrency", self.concurrency as u64, 1, &mut problems);
        at_least("max_entries_per_feed", self.max_entries_per_feed as u64, 1, &mut problems);
        at_least("max_known_urls", self.max_known_urls as u64, 1, &mut problems);
        at_least("page_attempts", u64::from(self.page_attempts), 1, &mut problems);
        if self.max_redirects > 50 {
            problems.push(format!(
                "fetch.max_redirects must be at most 50 (got {})",
                self.max_redirects
            ));
        }
        if self.connect_timeout_secs > self.timeout_secs && self.timeout_secs >= 1 {
            problems.push(format!(
                "fetch.connect_timeout_secs ({}) must not exceed fetch.timeout_secs ({})",
                self.connect_timeout_secs, self.timeout_secs
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_name_the_version() {
        let cfg = FetchConfig::default();
        assert!(cfg.validate().is_empty(), "{:?}", cfg.validate());
        assert!(cfg.user_agent.starts_with(&format!("chorus/{} ", env!("CARGO_PKG_VERSION"))));
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let cfg = FetchConfig {
            user_agent: " ".into(),
            timeout_secs: 0,
            max_body_bytes: 10,
            per_host_concurrency: 0,
            concurrency: 0,
            max_entries_per_feed: 0,
            max_redirects: 99,
            ..FetchConfig::default()
        };
        let problems = cfg.validate();
        for key in [
            "fetch.user_agent",
            "fetch.timeout_secs",
            "fetch.max_body_bytes",
            "fetch.per_host_concurrency",
            "fetch.concurrency",
            "fetch.max_entries_per_feed",
            "fetch.max_redirects",
        ] {
            assert!(problems.iter().any(|p| p.starts_with(key)), "{key} missing in {problems:?}");
        }
    }

    #[test]
    fn connect_timeout_cannot_exceed_total() {
        let cfg = FetchConfig { connect_timeout_secs: 60, timeout_secs: 5, ..Default::default() };
        assert_eq!(cfg.validate().len(), 1);
    }
}
