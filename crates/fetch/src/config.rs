//! The `[fetch]` section of the config file.

use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;

use chorus_model::{Problem, Problems};
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
/// max_sitemap_depth = 3
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
    /// How deep a backfill follows sitemap indexes (`chorus backfill --sitemap`): 1 reads
    /// only the sitemap given, 3 an index of indexes of sitemaps. An index that lists
    /// itself or one of its ancestors is never read twice.
    pub max_sitemap_depth: usize,
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
            max_sitemap_depth: 3,
            max_known_urls: 500_000,
            page_attempts: 3,
        }
    }
}

impl FetchConfig {
    /// Checks every value and returns them typed, or every problem found, each under its
    /// key (`fetch.<key>`).
    pub fn validate(&self) -> Result<FetchSettings, Vec<Problem>> {
        let mut p = Problems::new("fetch");
        let ua = self.user_agent.trim();
        if ua.is_empty() {
            p.add("user_agent", "must not be empty");
        } else if !ua.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
            // Anything else cannot be sent in an HTTP header.
            p.add("user_agent", "must be printable ASCII");
        }
        p.at_least("connect_timeout_secs", self.connect_timeout_secs, 1);
        p.at_least("timeout_secs", self.timeout_secs, 1);
        p.at_least("max_body_bytes", self.max_body_bytes, 1024);
        p.at_least("per_host_concurrency", self.per_host_concurrency as u64, 1);
        p.at_least("concurrency", self.concurrency as u64, 1);
        p.at_least("max_entries_per_feed", self.max_entries_per_feed as u64, 1);
        p.between("max_sitemap_depth", self.max_sitemap_depth as u64, 1, 10);
        p.at_least("max_known_urls", self.max_known_urls as u64, 1);
        p.at_least("page_attempts", u64::from(self.page_attempts), 1);
        if self.max_redirects > 50 {
            p.add("max_redirects", format!("must be at most 50 (got {})", self.max_redirects));
        }
        if self.connect_timeout_secs > self.timeout_secs && self.timeout_secs >= 1 {
            p.add(
                "connect_timeout_secs",
                format!(
                    "({}) must not exceed fetch.timeout_secs ({})",
                    self.connect_timeout_secs, self.timeout_secs
                ),
            );
        }
        let nonzero = |n: usize| NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        p.finish(|| FetchSettings {
            user_agent: ua.to_owned(),
            connect_timeout: Duration::from_secs(self.connect_timeout_secs),
            timeout: Duration::from_secs(self.timeout_secs),
            max_body_bytes: self.max_body_bytes,
            max_redirects: self.max_redirects,
            per_host_concurrency: nonzero(self.per_host_concurrency),
            concurrency: nonzero(self.concurrency),
            max_entries_per_feed: nonzero(self.max_entries_per_feed),
            max_child_sitemaps: self.max_child_sitemaps,
            max_sitemap_depth: nonzero(self.max_sitemap_depth),
            max_known_urls: nonzero(self.max_known_urls),
            page_attempts: NonZeroU32::new(self.page_attempts).unwrap_or(NonZeroU32::MIN),
        })
    }
}

/// The `[fetch]` section once checked ([`FetchConfig::validate`]): what a [`crate::Fetcher`]
/// is built from. Each field is the key of the same name in its working type; see
/// [`FetchConfig`] for what each means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchSettings {
    /// `user_agent`, trimmed: printable ASCII, not empty.
    pub user_agent: String,
    /// `connect_timeout_secs`: at least a second, at most `timeout`.
    pub connect_timeout: Duration,
    /// `timeout_secs`: at least a second.
    pub timeout: Duration,
    /// `max_body_bytes`: at least 1024.
    pub max_body_bytes: u64,
    /// `max_redirects`: at most 50.
    pub max_redirects: usize,
    /// `per_host_concurrency`.
    pub per_host_concurrency: NonZeroUsize,
    /// `concurrency`.
    pub concurrency: NonZeroUsize,
    /// `max_entries_per_feed`.
    pub max_entries_per_feed: NonZeroUsize,
    /// `max_child_sitemaps` (0 follows none).
    pub max_child_sitemaps: usize,
    /// `max_sitemap_depth`.
    pub max_sitemap_depth: NonZeroUsize,
    /// `max_known_urls`.
    pub max_known_urls: NonZeroUsize,
    /// `page_attempts`.
    pub page_attempts: NonZeroU32,
}

impl Default for FetchSettings {
    /// The defaults of [`FetchConfig`], checked.
    fn default() -> Self {
        FetchConfig::default().validate().expect("the default [fetch] config is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_name_the_version() {
        let settings = FetchConfig::default().validate().unwrap();
        assert!(settings.user_agent.starts_with(&format!("chorus/{} ", env!("CARGO_PKG_VERSION"))));
        assert_eq!(settings.timeout, Duration::from_secs(30));
        assert_eq!(settings, FetchSettings::default());
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
            max_sitemap_depth: 0,
            ..FetchConfig::default()
        };
        let problems = cfg.validate().unwrap_err();
        for key in [
            "fetch.user_agent",
            "fetch.timeout_secs",
            "fetch.max_body_bytes",
            "fetch.per_host_concurrency",
            "fetch.concurrency",
            "fetch.max_entries_per_feed",
            "fetch.max_redirects",
            "fetch.max_sitemap_depth",
        ] {
            assert!(problems.iter().any(|p| p.key == key), "{key} missing in {problems:?}");
        }
    }

    #[test]
    fn connect_timeout_cannot_exceed_total() {
        let cfg = FetchConfig { connect_timeout_secs: 60, timeout_secs: 5, ..Default::default() };
        let problems = cfg.validate().unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "fetch.connect_timeout_secs (60) must not exceed fetch.timeout_secs (5)"
        );
    }
}
