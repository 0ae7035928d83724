//! The `[fetch]` section of the config file.

use std::net::IpAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;

use chorus_model::{Problem, Problems};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::schedule::Bounds;

/// The longest `per_host_gap_ms` accepted: an hour. More is surely a mistake, a host
/// asked once an hour at most would make its articles useless.
const MAX_GAP_MS: u64 = 3_600_000;

/// The longest poll interval accepted: 30 days.
const MAX_INTERVAL_SECS: u64 = 30 * 24 * 3600;

/// How the fetcher talks to outlets: identity, time limits, size limits, politeness, when
/// feeds are polled, and which addresses it may reach.
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
/// per_host_gap_ms = 5000
/// respect_robots = true
/// concurrency = 16
/// max_entries_per_feed = 2000
/// max_child_sitemaps = 10
/// max_sitemap_depth = 3
/// max_known_urls = 500000
/// page_attempts = 3
/// max_url_bytes = 2048
/// allow_private_networks = false
/// allowed_networks = []
/// min_poll_interval_secs = 300
/// max_poll_interval_secs = 86400
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
    /// Redirects followed per request before giving up (0 follows none). A redirect back
    /// to an address already visited fails at once, as a loop.
    pub max_redirects: usize,
    /// Requests in flight to one host (`host:port`) at once, feeds and pages together.
    pub per_host_concurrency: usize,
    /// The least time between the starts of two requests to one host (`host:port`), in
    /// milliseconds, however many are in flight. 5 s is what Media Cloud's story fetcher
    /// and trafilatura wait between pages of one site (Common Crawl's news crawler waits
    /// 9 s): slow enough that no outlet notices Chorus, fast enough for a feed's new
    /// articles (at most 720 an hour per host). A robots.txt `Crawl-delay` raises it for
    /// its host (up to 60 s, longer delays are capped), as does a host that keeps failing
    /// (a backoff from 1 s doubling up to 5 min, with jitter, gone after a success).
    /// 0 waits only for the concurrency limit.
    pub per_host_gap_ms: u64,
    /// Whether robots.txt is honoured: fetched once per host (kept 24 hours, 512 KiB
    /// read), its rules for the user-agent token `chorus` (else `*`) checked before every
    /// feed poll and page download, and its `Crawl-delay` applied. An address it
    /// disallows fails as `robots_disallowed` and is not tried again. A missing
    /// robots.txt (404, 410, any other 4xx) allows everything; one answering 429 or 5xx
    /// allows nothing until it answers again. A feed's own `respect_robots` overrides this
    /// for the feed and its pages.
    pub respect_robots: bool,
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
    /// The longest address fetched, in bytes. A longer link in a feed is skipped (counted
    /// as `url_too_long`), a longer redirect target fails the request, and a longer feed
    /// address is a config error.
    pub max_url_bytes: usize,
    /// Fetch from any address, including loopback, private networks (RFC 1918), link-local,
    /// unique-local, carrier-grade NAT, cloud metadata services and other non-public
    /// ranges. Off by default: feeds and their links come from outside, and without this
    /// a hostile one could make Chorus read the machine or network it runs on. Turn it on
    /// only for feeds on your own network (the demo newsroom runs on loopback).
    pub allow_private_networks: bool,
    /// Non-public networks allowed while `allow_private_networks` is off, as CIDRs
    /// (`"127.0.0.1/32"`, `"10.20.0.0/16"`, `"fd00:1::/64"`) or single addresses. Every
    /// other non-public address stays refused, also after a redirect.
    pub allowed_networks: Vec<String>,
    /// The shortest interval the adaptive schedule gives a feed, in seconds. A feed that
    /// keeps listing new items is polled faster, down to this. (A feed's own
    /// `poll_interval_secs` in `[[feeds]]` is fixed and may be shorter.)
    pub min_poll_interval_secs: u64,
    /// The longest interval any feed gets, in seconds: a quiet feed slows down to this, a
    /// failing feed backs off to this (and is still tried, never dropped), and a server
    /// asking for a longer pause (`Retry-After`, `max-age`, `<ttl>`) gets this at most.
    pub max_poll_interval_secs: u64,
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
            per_host_gap_ms: 5000,
            respect_robots: true,
            concurrency: 16,
            max_entries_per_feed: 2000,
            max_child_sitemaps: 10,
            max_sitemap_depth: 3,
            max_known_urls: 500_000,
            page_attempts: 3,
            max_url_bytes: 2048,
            allow_private_networks: false,
            allowed_networks: Vec::new(),
            min_poll_interval_secs: 300,
            max_poll_interval_secs: 86_400,
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
        if self.per_host_gap_ms > MAX_GAP_MS {
            p.add(
                "per_host_gap_ms",
                format!("must be at most {MAX_GAP_MS} (an hour; got {})", self.per_host_gap_ms),
            );
        }
        p.between("min_poll_interval_secs", self.min_poll_interval_secs, 1, MAX_INTERVAL_SECS);
        p.between("max_poll_interval_secs", self.max_poll_interval_secs, 1, MAX_INTERVAL_SECS);
        if self.min_poll_interval_secs > self.max_poll_interval_secs {
            p.add(
                "min_poll_interval_secs",
                format!(
                    "({}) must not exceed fetch.max_poll_interval_secs ({})",
                    self.min_poll_interval_secs, self.max_poll_interval_secs
                ),
            );
        }
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
        p.at_least("max_url_bytes", self.max_url_bytes as u64, 256);
        let mut allowed_networks = Vec::new();
        for (i, text) in self.allowed_networks.iter().enumerate() {
            match parse_network(text) {
                Some(net) => allowed_networks.push(net),
                None => p.add(
                    &format!("allowed_networks[{i}]"),
                    format!(
                        "`{text}` is not a network: write a CIDR (\"127.0.0.1/32\", \"fd00::/8\") or an address"
                    ),
                ),
            }
        }
        let nonzero = |n: usize| NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        p.finish(|| FetchSettings {
            user_agent: ua.to_owned(),
            connect_timeout: Duration::from_secs(self.connect_timeout_secs),
            timeout: Duration::from_secs(self.timeout_secs),
            max_body_bytes: self.max_body_bytes,
            max_redirects: self.max_redirects,
            per_host_concurrency: nonzero(self.per_host_concurrency),
            per_host_gap: Duration::from_millis(self.per_host_gap_ms),
            respect_robots: self.respect_robots,
            concurrency: nonzero(self.concurrency),
            max_entries_per_feed: nonzero(self.max_entries_per_feed),
            max_child_sitemaps: self.max_child_sitemaps,
            max_sitemap_depth: nonzero(self.max_sitemap_depth),
            max_known_urls: nonzero(self.max_known_urls),
            page_attempts: NonZeroU32::new(self.page_attempts).unwrap_or(NonZeroU32::MIN),
            max_url_bytes: self.max_url_bytes,
            allow_private_networks: self.allow_private_networks,
            allowed_networks,
            poll_bounds: Bounds {
                min: Duration::from_secs(self.min_poll_interval_secs),
                max: Duration::from_secs(self.max_poll_interval_secs),
            },
        })
    }
}

/// A CIDR, its host bits cleared, or a single address as a network of one.
fn parse_network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    match text.parse::<IpNet>() {
        Ok(net) => Some(net.trunc()),
        Err(_) => text.parse::<IpAddr>().ok().map(IpNet::from),
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
    /// `per_host_gap_ms`: at most an hour.
    pub per_host_gap: Duration,
    /// `respect_robots`.
    pub respect_robots: bool,
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
    /// `max_url_bytes`: at least 256.
    pub max_url_bytes: usize,
    /// `allow_private_networks`.
    pub allow_private_networks: bool,
    /// `allowed_networks`, parsed, host bits cleared.
    pub allowed_networks: Vec<IpNet>,
    /// `min_poll_interval_secs` and `max_poll_interval_secs`: each from a second to 30
    /// days, the minimum not above the maximum.
    pub poll_bounds: Bounds,
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
        assert_eq!(settings.per_host_gap, Duration::from_secs(5));
        assert!(settings.respect_robots);
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
            per_host_gap_ms: 3_600_001,
            min_poll_interval_secs: 7200,
            max_poll_interval_secs: 3600,
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
            "fetch.per_host_gap_ms",
            "fetch.min_poll_interval_secs",
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

    #[test]
    fn address_policy_is_safe_by_default_and_networks_are_parsed() {
        let settings = FetchSettings::default();
        assert!(!settings.allow_private_networks);
        assert!(settings.allowed_networks.is_empty());
        assert_eq!(settings.max_url_bytes, 2048);

        let cfg = FetchConfig {
            allowed_networks: vec![
                "127.0.0.1/32".into(),
                " 10.1.2.3/16 ".into(),
                "fd00:1::/64".into(),
                "::1".into(),
            ],
            ..FetchConfig::default()
        };
        let nets: Vec<String> =
            cfg.validate().unwrap().allowed_networks.iter().map(ToString::to_string).collect();
        assert_eq!(nets, ["127.0.0.1/32", "10.1.0.0/16", "fd00:1::/64", "::1/128"]);
    }

    #[test]
    fn bad_networks_and_short_url_limits_are_named() {
        let cfg = FetchConfig {
            allowed_networks: vec!["127.0.0.1/32".into(), "localhost".into(), "10.0.0.0/33".into()],
            max_url_bytes: 10,
            ..FetchConfig::default()
        };
        let problems: Vec<String> =
            cfg.validate().unwrap_err().iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].starts_with("fetch.max_url_bytes must be at least 256"),
            "{problems:?}"
        );
        assert!(problems[1].starts_with("fetch.allowed_networks[1] `localhost` is not a network"));
        assert!(
            problems[2].starts_with("fetch.allowed_networks[2] `10.0.0.0/33` is not a network")
        );
    }
}
