//! Politeness per host (`host:port`): how many requests are in flight, how far apart
//! they start, when the host has asked to be left alone, and its robots.txt.
//!
//! Every request, feed or page, goes through [`Fetcher::host_slot`]:
//!
//! 1. robots.txt: fetched once per host and kept for [`ROBOTS_TTL`]; a path it disallows
//!    fails with [`FetchError::RobotsDisallowed`] before any request is made. Whether it
//!    is consulted follows `fetch.respect_robots`, or the feed's own `respect_robots`
//!    while that feed is polled and its pages downloaded ([`with_robots_policy`]).
//! 2. A slot: at most `fetch.per_host_concurrency` requests in flight to the host.
//! 3. A start time: each request reserves the next free start, at least the host's gap
//!    after the previous reservation, and sleeps until then. Reserving (rather than
//!    sleeping after each request) keeps the gap between starts even when several
//!    requests are in flight at once. The gap is the largest of `fetch.per_host_gap_ms`,
//!    the robots.txt `Crawl-delay` (at most [`MAX_CRAWL_DELAY`]) and, while the host keeps
//!    failing, an exponential backoff.
//! 4. A pause: a 429 or 503 with `Retry-After` (seconds or an HTTP date) pauses the host
//!    until then, at most [`MAX_PAUSE`]; a 429 without one pauses it for
//!    [`DEFAULT_429_PAUSE`] plus up to a quarter more at random. Every request to the
//!    host waits for the pause; one that would wait more than [`MAX_PAUSE_WAIT`] fails at
//!    once with [`FetchError::HostPaused`] (a soft failure) instead of holding a slot of
//!    the fetch stage.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

use crate::client::Fetcher;
use crate::error::FetchError;
use crate::robots::{AGENT, MAX_ROBOTS_BYTES, Robots};

/// Above this many hosts, idle hosts are forgotten (their pauses and robots.txt too), so
/// a long run over many hosts does not keep state for every host ever seen.
const MAX_IDLE_HOSTS: usize = 4096;

/// How long a fetched robots.txt is trusted before it is fetched again (RFC 9309 asks
/// for no more than a day).
pub(crate) const ROBOTS_TTL: Duration = Duration::from_secs(24 * 3600);

/// The longest `Crawl-delay` honoured. A site asking for more still gets a request a
/// minute at most; news pages go stale faster than a longer delay allows.
pub(crate) const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

/// Redirects followed to reach a robots.txt (RFC 9309 asks for at least five).
const MAX_ROBOTS_REDIRECTS: usize = 5;

/// The longest pause a `Retry-After` can impose.
pub(crate) const MAX_PAUSE: Duration = Duration::from_secs(3600);

/// The pause after a 429 without `Retry-After` (as Media Cloud's fetcher does), before
/// jitter.
pub(crate) const DEFAULT_429_PAUSE: Duration = Duration::from_secs(30);

/// A request waits for a paused host at most this long; beyond it, it fails at once as
/// [`FetchError::HostPaused`] and is tried again later (at the feed's next poll).
pub(crate) const MAX_PAUSE_WAIT: Duration = Duration::from_secs(60);

/// The first backoff step after a connection-level failure, doubled with each further
/// failure in a row up to [`MAX_BACKOFF`], plus up to a quarter more at random.
const BACKOFF_BASE: Duration = Duration::from_secs(1);

/// The longest backoff between requests to a host that keeps failing.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

tokio::task_local! {
    /// The robots.txt choice of the feed being worked on, when it has one.
    static RESPECT_ROBOTS: bool;
}

/// Runs `work` (a feed's poll, or the download of a page it listed) with the feed's own
/// `respect_robots` choice; `None` leaves `fetch.respect_robots` in force.
pub(crate) async fn with_robots_policy<F: Future>(respect: Option<bool>, work: F) -> F::Output {
    match respect {
        Some(respect) => RESPECT_ROBOTS.scope(respect, work).await,
        None => work.await,
    }
}

/// The per-host state of one [`Fetcher`].
#[derive(Debug)]
pub(crate) struct Hosts {
    map: Mutex<HashMap<String, Arc<Host>>>,
}

/// One host's state.
#[derive(Debug)]
struct Host {
    slots: Arc<Semaphore>,
    pace: Mutex<Pace>,
    /// Held while robots.txt is fetched, so that it is fetched once however many
    /// requests arrive together.
    robots: tokio::sync::Mutex<Option<(Robots, Instant)>>,
}

#[derive(Debug)]
struct Pace {
    /// The earliest start of the next request.
    next_start: Instant,
    /// No request starts before this.
    paused_until: Instant,
    /// The robots.txt `Crawl-delay`, capped.
    crawl_delay: Duration,
    /// Connection-level failures (and 5xx) in a row.
    failures: u32,
}

impl Hosts {
    pub(crate) fn new() -> Hosts {
        Hosts { map: Mutex::new(HashMap::new()) }
    }

    fn get(&self, url: &Url, concurrency: usize) -> Arc<Host> {
        let mut hosts = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if hosts.len() >= MAX_IDLE_HOSTS {
            // A host only this map refers to has no request in flight or waiting; it is
            // forgotten unless its pace still holds something back (a gap, a pause, a
            // backoff), which forgetting would undo.
            let now = Instant::now();
            hosts.retain(|_, h| {
                let pace = h.pace();
                Arc::strong_count(h) > 1
                    || pace.next_start > now
                    || pace.paused_until > now
                    || pace.failures > 0
            });
        }
        let now = Instant::now();
        Arc::clone(hosts.entry(host_key(url)).or_insert_with(|| {
            Arc::new(Host {
                slots: Arc::new(Semaphore::new(concurrency)),
                pace: Mutex::new(Pace {
                    next_start: now,
                    paused_until: now,
                    crawl_delay: Duration::ZERO,
                    failures: 0,
                }),
                robots: tokio::sync::Mutex::new(None),
            })
        }))
    }
}

/// A request's place on its host: held until the body is read. Tell it how the request
/// went ([`HostSlot::succeeded`], [`HostSlot::failed`], [`HostSlot::refused`]), so that
/// the host's pace follows.
pub(crate) struct HostSlot {
    host: Arc<Host>,
    _permit: OwnedSemaphorePermit,
}

impl Fetcher {
    /// Checks robots.txt (unless turned off), then waits for a slot on `url`'s host and
    /// for its start time. See the module docs.
    pub(crate) async fn host_slot(&self, url: &Url) -> Result<HostSlot, FetchError> {
        let host = self.hosts.get(url, self.cfg.per_host_concurrency.get());
        let respect = RESPECT_ROBOTS.try_with(|r| *r).unwrap_or(self.cfg.respect_robots);
        if respect && url.path() != "/robots.txt" {
            self.check_robots(&host, url).await?;
        }
        self.take_slot(host, url).await
    }

    async fn take_slot(&self, host: Arc<Host>, url: &Url) -> Result<HostSlot, FetchError> {
        // Waiting for the host's turn is the one wait that can outlast a shutdown's grace
        // period (a host that asked for a pause, a queue of pages a gap apart): it ends at
        // once when the run stops, and the request is not sent.
        let stopped = || FetchError::Stopped { url: url.clone() };
        let permit = tokio::select! {
            permit = Arc::clone(&host.slots).acquire_owned() => {
                permit.expect("per-host semaphores are never closed")
            }
            () = self.stopping.cancelled() => return Err(stopped()),
        };
        loop {
            let start = {
                let mut pace = host.pace();
                let now = Instant::now();
                if pace.paused_until > now + MAX_PAUSE_WAIT {
                    let secs = (pace.paused_until - now).as_secs();
                    return Err(FetchError::HostPaused { url: url.clone(), secs });
                }
                let start = now.max(pace.next_start).max(pace.paused_until);
                pace.next_start = start + pace.gap(self.cfg.per_host_gap);
                start
            };
            tokio::select! {
                () = tokio::time::sleep_until(start) => {}
                () = self.stopping.cancelled() => return Err(stopped()),
            }
            // A pause that began while this request waited holds it back too.
            if host.pace().paused_until <= Instant::now() {
                return Ok(HostSlot { host, _permit: permit });
            }
        }
    }

    /// Fails unless the host's robots.txt allows `url`, fetching it first when it is not
    /// known or older than [`ROBOTS_TTL`].
    async fn check_robots(&self, host: &Arc<Host>, url: &Url) -> Result<(), FetchError> {
        let mut cached = host.robots.lock().await;
        let fresh = cached.as_ref().is_some_and(|(_, at)| at.elapsed() < ROBOTS_TTL);
        if !fresh {
            let robots = self.fetch_robots(host, url).await?;
            let delay = robots.crawl_delay.unwrap_or_default().min(MAX_CRAWL_DELAY);
            host.pace().crawl_delay = delay;
            *cached = Some((robots, Instant::now()));
        }
        match cached.as_ref() {
            Some((robots, _)) if !robots.allows(url) => {
                Err(FetchError::RobotsDisallowed { url: url.clone() })
            }
            _ => Ok(()),
        }
    }

    /// Downloads and reads `/robots.txt`, politely like any request.
    ///
    /// - 2xx: its rules (at most [`MAX_ROBOTS_BYTES`] read; the rest is ignored).
    /// - Any other 4xx (404, 410, also 401 and 403 as RFC 9309 says), or a redirect loop:
    ///   no rules, everything allowed.
    /// - 429 and 5xx: the site cannot say what is allowed, so nothing is fetched from it
    ///   ([`FetchError::RobotsUnavailable`], a soft failure), as Google does. It is asked
    ///   again at the next request, paced by the host's backoff.
    /// - No connection, or a timeout: that error, as the request itself would have got.
    ///
    /// Failures are not cached.
    async fn fetch_robots(&self, host: &Arc<Host>, page: &Url) -> Result<Robots, FetchError> {
        let mut url = page.clone();
        url.set_path("/robots.txt");
        url.set_query(None);
        url.set_fragment(None);
        let mut visited = vec![url.clone()];
        let mut slot = self.take_slot(Arc::clone(host), &url).await?;
        // Redirects are followed as RFC 9309 asks (five hops at least), each hop paced on
        // its own host and checked against the address rules; one that cannot be followed
        // leaves the host without rules.
        let response = loop {
            let response = match self.client.get(url.clone()).send().await {
                Ok(response) => response,
                Err(err) => {
                    let err = self.error(&url, err);
                    slot.failed(&err);
                    return Err(err);
                }
            };
            let Some(next) = crate::client::redirect_target(&response, &url) else {
                break response;
            };
            slot.succeeded();
            let first = &visited[0];
            if let Err(err) = self.next_hop(first, &visited, &next, MAX_ROBOTS_REDIRECTS) {
                tracing::debug!(%url, to = %next, %err, "robots.txt redirect not followed; all allowed");
                return Ok(Robots::allow_all());
            }
            visited.push(next.clone());
            url = next;
            let next_host = self.hosts.get(&url, self.cfg.per_host_concurrency.get());
            slot = self.take_slot(next_host, &url).await?;
        };
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let _ = slot.refused(&url, status.as_u16(), response.headers());
            return Err(FetchError::RobotsUnavailable { url, status: status.as_u16() });
        }
        if !status.is_success() {
            slot.succeeded();
            tracing::debug!(%url, status = status.as_u16(), "no robots.txt; all allowed");
            return Ok(Robots::allow_all());
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(err) => {
                    let err = self.error(&url, err);
                    slot.failed(&err);
                    return Err(err);
                }
            };
            let room = MAX_ROBOTS_BYTES - body.len();
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if body.len() >= MAX_ROBOTS_BYTES {
                break;
            }
        }
        slot.succeeded();
        let robots = Robots::parse(&body, AGENT);
        tracing::debug!(%url, crawl_delay = ?robots.crawl_delay, "robots.txt read");
        Ok(robots)
    }
}

impl Host {
    fn pace(&self) -> std::sync::MutexGuard<'_, Pace> {
        self.pace.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Pace {
    /// The time between two starts now: the configured gap, raised by `Crawl-delay` and
    /// by the backoff of a failing host.
    fn gap(&self, configured: Duration) -> Duration {
        configured.max(self.crawl_delay).max(backoff(self.failures))
    }
}

impl HostSlot {
    /// The request got an answer: a failing host has recovered.
    pub(crate) fn succeeded(&self) {
        self.host.pace().failures = 0;
    }

    /// The request failed without an answer. A timeout or a failed connection counts as
    /// the host failing: the next request waits for the backoff.
    pub(crate) fn failed(&self, err: &FetchError) {
        if matches!(
            err,
            FetchError::Timeout { .. } | FetchError::Connect { .. } | FetchError::Transfer { .. }
        ) {
            self.host.fail();
        }
    }

    /// The server answered with `status`, not a success: the error to return. A 429 or
    /// 503 pauses the host (see the module docs); other 5xx count as the host failing.
    pub(crate) fn refused(&self, url: &Url, status: u16, headers: &HeaderMap) -> FetchError {
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, SystemTime::now()));
        match (status, retry_after) {
            (429 | 503, Some(wait)) => self.host.pause(wait.min(MAX_PAUSE)),
            (429, None) => self.host.pause(DEFAULT_429_PAUSE + jitter(DEFAULT_429_PAUSE / 4)),
            _ => {}
        }
        if status >= 500 {
            // The host answered, but is failing: the backoff grows with each in a row.
            self.host.fail();
        } else if status != 429 {
            self.succeeded();
        }
        FetchError::Status { url: url.clone(), status }
    }
}

impl Host {
    fn fail(&self) {
        let mut pace = self.pace();
        pace.failures = pace.failures.saturating_add(1);
        let wait = backoff(pace.failures);
        let next = Instant::now() + wait;
        pace.next_start = pace.next_start.max(next);
        tracing::debug!(failures = pace.failures, backoff = ?wait, "host failing; backing off");
    }

    fn pause(&self, wait: Duration) {
        let mut pace = self.pace();
        let until = Instant::now() + wait;
        pace.paused_until = pace.paused_until.max(until);
        tracing::debug!(pause = ?wait, "host asked for a pause");
    }
}

/// The backoff after `failures` in a row: none for 0, then 1 s, 2 s, 4 s … up to
/// [`MAX_BACKOFF`], plus up to a quarter more at random so that hosts failing together
/// are not retried together.
fn backoff(failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let base = BACKOFF_BASE.saturating_mul(1 << (failures - 1).min(16)).min(MAX_BACKOFF);
    base + jitter(base / 4)
}

/// A duration from zero to `max`, different on each call.
fn jitter(max: Duration) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let random = xxhash_rust::xxh3::xxh3_64(&nanos.to_le_bytes());
    let max_ms = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(random.checked_rem(max_ms + 1).unwrap_or(0))
}

/// Reads a `Retry-After` value: whole seconds, or an HTTP date (a date in the past is
/// no wait). Anything else is `None`.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(MAX_PAUSE.as_secs())));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let when = SystemTime::from(date);
    Some(when.duration_since(now).unwrap_or_default())
}

/// The politeness key: host and port, so two servers on one machine are two hosts.
pub(crate) fn host_key(url: &Url) -> String {
    format!("{}:{}", url.host_str().unwrap_or_default(), url.port_or_known_default().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_key_includes_the_port() {
        let key = |s: &str| host_key(&Url::parse(s).unwrap());
        assert_eq!(key("https://a.test/x"), "a.test:443");
        assert_eq!(key("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_ne!(key("http://127.0.0.1:1/"), key("http://127.0.0.2:1/"));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // 1994-11-06 08:49:37
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
        assert_eq!(retry_after("99999999999999", now), Some(MAX_PAUSE));
    }

    #[test]
    fn backoff_doubles_up_to_its_cap_and_jitter_stays_in_bounds() {
        assert_eq!(backoff(0), Duration::ZERO);
        for (failures, base) in [(1, 1), (2, 2), (3, 4), (10, 300), (u32::MAX, 300)] {
            let got = backoff(failures);
            let base = Duration::from_secs(base);
            assert!(got >= base && got <= base + base / 4, "{failures}: {got:?}");
        }
        for _ in 0..100 {
            assert!(jitter(Duration::from_millis(10)) <= Duration::from_millis(10));
        }
        assert_eq!(jitter(Duration::ZERO), Duration::ZERO);
    }

    fn slot_on(hosts: &Hosts) -> HostSlot {
        let host = hosts.get(&Url::parse("http://a.test/").unwrap(), 1);
        let permit = Arc::clone(&host.slots).try_acquire_owned().unwrap();
        HostSlot { host, _permit: permit }
    }

    #[test]
    fn failures_back_off_and_a_success_recovers() {
        let hosts = Hosts::new();
        let slot = slot_on(&hosts);
        let url = Url::parse("http://a.test/x").unwrap();
        let before = Instant::now();
        slot.failed(&FetchError::Timeout { url: url.clone(), secs: 1 });
        slot.failed(&FetchError::Timeout { url: url.clone(), secs: 1 });
        {
            let pace = slot.host.pace();
            assert_eq!(pace.failures, 2);
            assert!(pace.next_start >= before + Duration::from_secs(2));
            assert!(pace.gap(Duration::ZERO) >= Duration::from_secs(2));
        }
        // A page that is not HTML says nothing about the host.
        slot.failed(&FetchError::NotHtml { url: url.clone(), content_type: "x/y".into() });
        assert_eq!(slot.host.pace().failures, 2);
        slot.succeeded();
        assert_eq!(slot.host.pace().gap(Duration::from_millis(5)), Duration::from_millis(5));
        // A 5xx counts as failing; a 404 is an answer, and recovers.
        let err = slot.refused(&url, 500, &HeaderMap::new());
        assert_eq!(err.reason(), "http_500");
        assert_eq!(slot.host.pace().failures, 1);
        slot.refused(&url, 404, &HeaderMap::new());
        assert_eq!(slot.host.pace().failures, 0);
    }

    #[test]
    fn refusals_pause_the_host() {
        let hosts = Hosts::new();
        let slot = slot_on(&hosts);
        let url = Url::parse("http://a.test/x").unwrap();
        let before = Instant::now();
        slot.refused(&url, 429, &HeaderMap::new());
        let until = slot.host.pace().paused_until;
        assert!(until >= before + DEFAULT_429_PAUSE);
        assert!(until <= Instant::now() + DEFAULT_429_PAUSE + DEFAULT_429_PAUSE / 4);

        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "999999".parse().unwrap());
        slot.refused(&url, 503, &headers);
        let until = slot.host.pace().paused_until;
        assert!(until >= before + MAX_PAUSE && until <= Instant::now() + MAX_PAUSE);
        // A 404 with Retry-After is no pause.
        let other = Hosts::new();
        let fresh = slot_on(&other);
        fresh.refused(&url, 404, &headers);
        assert!(fresh.host.pace().paused_until <= Instant::now());
    }

    #[test]
    fn the_gap_is_the_largest_of_config_crawl_delay_and_backoff() {
        let now = Instant::now();
        let mut pace = Pace {
            next_start: now,
            paused_until: now,
            crawl_delay: Duration::from_secs(3),
            failures: 0,
        };
        assert_eq!(pace.gap(Duration::from_secs(5)), Duration::from_secs(5));
        assert_eq!(pace.gap(Duration::from_secs(1)), Duration::from_secs(3));
        pace.failures = 4;
        assert!(pace.gap(Duration::from_secs(1)) >= Duration::from_secs(8));
    }
}
