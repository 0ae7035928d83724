//! A feed farm: many small synthetic feeds spread over many loopback hosts, for measuring
//! how fast and how politely a poller gets through them.
//!
//! Host `h` (0-based) listens on `127.77.(h / 250).(h % 250 + 1)` on a free port and serves
//! `/feed/{n}.xml` for `n` in `0..feeds_per_host`: an RSS 2.0 feed of `items_per_feed`
//! entries, whose links point at `/article/{n}-{i}` on the same host (answered with a short
//! page). Every response is logged with its host, start and end, so a caller can check
//! after the fact that no host was asked faster than it should have been
//! ([`FarmLog::politeness`]).
//!
//! ```
//! use chorus_newsroom::farm::{FeedFarm, FarmOptions};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let farm = FeedFarm::start(FarmOptions { hosts: 2, feeds_per_host: 3, items_per_feed: 4 }).await?;
//! assert_eq!(farm.feed_urls().len(), 6);
//! assert!(farm.feed_urls()[0].as_str().starts_with("http://127.77.0.1:"));
//! farm.shutdown().await;
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use crate::NewsroomError;

/// The most hosts a farm can have: 250 addresses in each of 256 `127.77.x.0/24` blocks.
pub const MAX_HOSTS: usize = 250 * 256;

/// The farm's size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FarmOptions {
    /// Distinct hosts, each its own loopback address (at most [`MAX_HOSTS`]).
    pub hosts: usize,
    /// Feeds served by each host.
    pub feeds_per_host: usize,
    /// Entries in each feed.
    pub items_per_feed: usize,
}

/// A farm whose feeds grow: every `every`, one new entry appears, in each feed in turn
/// (host by host), dated the moment it appears. A feed lists its newest
/// `items_per_feed` entries.
#[derive(Clone, Copy, Debug)]
struct Growth {
    every: Duration,
    started: Instant,
    started_wall: chrono::DateTime<chrono::Utc>,
    feeds: usize,
}

impl Growth {
    /// New entries that have appeared so far, over the whole farm.
    fn appeared(&self) -> usize {
        let nanos = self.started.elapsed().as_nanos() / self.every.as_nanos().max(1);
        usize::try_from(nanos).unwrap_or(usize::MAX)
    }

    /// New entries that have appeared so far in feed `f` (farm-wide index).
    fn appeared_in(&self, f: usize) -> usize {
        let ticks = self.appeared();
        ticks / self.feeds + usize::from(f < ticks % self.feeds)
    }

    /// When the `k`-th new entry of feed `f` appeared.
    fn published(&self, f: usize, k: usize) -> chrono::DateTime<chrono::Utc> {
        let tick = (k * self.feeds + f) as u32;
        self.started_wall + self.every * tick
    }
}

/// A running feed farm. It stops when dropped or on [`FeedFarm::shutdown`].
#[derive(Debug)]
pub struct FeedFarm {
    opts: FarmOptions,
    growth: Option<Growth>,
    bases: Vec<Url>,
    log: Arc<Mutex<Vec<Visit>>>,
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

/// One request as the farm saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visit {
    /// Which host (its index).
    pub host: usize,
    /// When the handler started.
    pub start: Instant,
    /// When the handler returned its response.
    pub end: Instant,
}

/// What the request log says about politeness, over all hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Politeness {
    /// Requests logged.
    pub requests: usize,
    /// The shortest time between the starts of two requests to one host (`None` when no
    /// host had two).
    pub min_gap: Option<Duration>,
    /// The most requests one host was answering at once.
    pub max_in_flight: usize,
}

/// A copy of the farm's request log.
#[derive(Clone, Debug, Default)]
pub struct FarmLog(pub Vec<Visit>);

impl FarmLog {
    /// The shortest gap between request starts on one host, and the largest number of
    /// requests one host was answering at once.
    pub fn politeness(&self) -> Politeness {
        let mut by_host: HashMap<usize, Vec<Visit>> = HashMap::new();
        for v in &self.0 {
            by_host.entry(v.host).or_default().push(*v);
        }
        let mut min_gap: Option<Duration> = None;
        let mut max_in_flight = 0;
        for visits in by_host.values_mut() {
            visits.sort_by_key(|v| v.start);
            for pair in visits.windows(2) {
                let gap = pair[1].start - pair[0].start;
                min_gap = Some(min_gap.map_or(gap, |m| m.min(gap)));
            }
            // Sweep the starts and ends in time order; an end at the same instant as a
            // start is counted first, so back-to-back requests are not overlapping.
            let mut marks: Vec<(Instant, i32)> =
                visits.iter().flat_map(|v| [(v.start, 1), (v.end, -1)]).collect();
            marks.sort_by_key(|&(t, delta)| (t, delta));
            let mut open = 0i32;
            for (_, delta) in marks {
                open += delta;
                max_in_flight = max_in_flight.max(open.max(0) as usize);
            }
        }
        Politeness { requests: self.0.len(), min_gap, max_in_flight }
    }
}

#[derive(Clone)]
struct HostState {
    host: usize,
    items_per_feed: usize,
    feeds_per_host: usize,
    base: Url,
    log: Arc<Mutex<Vec<Visit>>>,
    growth: Option<Growth>,
}

impl FeedFarm {
    /// Binds one listener per host and starts serving. Fails when an address cannot be
    /// bound (127.77.0.0/16 must route to loopback, as it does on Linux); the error names it.
    pub async fn start(opts: FarmOptions) -> io::Result<FeedFarm> {
        FeedFarm::serve(opts, None).await
    }

    /// [`FeedFarm::start`], and from then on, every `every`, one new entry appears in one
    /// feed, each feed in turn, dated when it appears; each feed lists its newest
    /// `items_per_feed` entries. For measuring a daemon over time:
    /// [`FeedFarm::published_since_start`] says what it should have found.
    pub async fn start_growing(opts: FarmOptions, every: Duration) -> io::Result<FeedFarm> {
        let growth = Growth {
            every,
            started: Instant::now(),
            started_wall: chrono::Utc::now(),
            feeds: (opts.hosts * opts.feeds_per_host).max(1),
        };
        FeedFarm::serve(opts, Some(growth)).await
    }

    /// Every new entry that has appeared since a growing farm started, with when it
    /// appeared, in order of appearance; none for a farm that does not grow.
    pub fn published_since_start(&self) -> Vec<(Url, chrono::DateTime<chrono::Utc>)> {
        let Some(growth) = self.growth else { return Vec::new() };
        let per_host = self.opts.feeds_per_host;
        (0..growth.appeared())
            .map(|tick| {
                let f = tick % growth.feeds;
                let k = tick / growth.feeds;
                let (host, n) = (f / per_host, f % per_host);
                let url = article_url(&self.bases[host], n, self.opts.items_per_feed + k);
                (url, growth.published(f, k))
            })
            .collect()
    }

    async fn serve(opts: FarmOptions, growth: Option<Growth>) -> io::Result<FeedFarm> {
        if opts.hosts > MAX_HOSTS {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a farm has at most {MAX_HOSTS} hosts (asked for {})", opts.hosts),
            ));
        }
        let log = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let mut bases = Vec::with_capacity(opts.hosts);
        for host in 0..opts.hosts {
            let ip = Ipv4Addr::new(127, 77, (host / 250) as u8, (host % 250 + 1) as u8);
            let addr = SocketAddr::new(IpAddr::V4(ip), 0);
            let listener = TcpListener::bind(addr)
                .await
                .map_err(|source| NewsroomError::Bind { addr, source })?;
            let base = Url::parse(&format!("http://{}/", listener.local_addr()?))
                .map_err(io::Error::other)?;
            let state = HostState {
                host,
                items_per_feed: opts.items_per_feed,
                feeds_per_host: opts.feeds_per_host,
                base: base.clone(),
                log: Arc::clone(&log),
                growth,
            };
            let router = Router::new()
                .route("/feed/{file}", get(feed))
                .route("/article/{id}", get(article))
                .with_state(state);
            let mut stopped = stopped.clone();
            tasks.spawn(async move {
                let shutdown = async move {
                    let _ = stopped.wait_for(|&s| s).await;
                };
                if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(shutdown).await
                {
                    tracing::warn!(error = %e, "feed farm listener failed");
                }
            });
            bases.push(base);
        }
        Ok(FeedFarm { opts, growth, bases, log, stop, tasks })
    }

    /// Every feed's address, host by host.
    pub fn feed_urls(&self) -> Vec<Url> {
        let per_host = self.opts.feeds_per_host;
        self.bases.iter().flat_map(|base| (0..per_host).map(move |n| feed_url(base, n))).collect()
    }

    /// Every article address the feeds list.
    pub fn article_urls(&self) -> Vec<Url> {
        let FarmOptions { feeds_per_host, items_per_feed, .. } = self.opts;
        self.bases
            .iter()
            .flat_map(|base| {
                (0..feeds_per_host)
                    .flat_map(move |n| (0..items_per_feed).map(move |i| article_url(base, n, i)))
            })
            .collect()
    }

    /// A copy of the request log so far.
    pub fn log(&self) -> FarmLog {
        FarmLog(self.log.lock().unwrap_or_else(PoisonError::into_inner).clone())
    }

    /// Stops the listeners, letting requests in flight finish for up to two seconds.
    pub async fn shutdown(mut self) {
        crate::server::stop_listeners(&self.stop, std::mem::take(&mut self.tasks)).await;
    }
}

impl Drop for FeedFarm {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn feed_url(base: &Url, n: usize) -> Url {
    base.join(&format!("feed/{n}.xml")).expect("a relative path joins any http base")
}

fn article_url(base: &Url, n: usize, i: usize) -> Url {
    base.join(&format!("article/{n}-{i}")).expect("a relative path joins any http base")
}

/// Logs one request from its start to now.
fn visit(state: &HostState, start: Instant) {
    let v = Visit { host: state.host, start, end: Instant::now() };
    state.log.lock().unwrap_or_else(PoisonError::into_inner).push(v);
}

async fn feed(State(state): State<HostState>, Path(file): Path<String>) -> Response {
    let start = Instant::now();
    let n = file.strip_suffix(".xml").and_then(|n| n.parse::<usize>().ok());
    let response = match n.filter(|&n| n < state.feeds_per_host) {
        None => StatusCode::NOT_FOUND.into_response(),
        Some(n) => {
            let mut body = String::with_capacity(300 * state.items_per_feed + 300);
            let _ = write!(
                body,
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>\
                 <title>Farm host {h} feed {n}</title><link>{base}</link>\
                 <description>Synthetic feed</description>",
                h = state.host,
                base = state.base,
            );
            let f = state.host * state.feeds_per_host + n;
            let new = state.growth.map_or(0, |g| g.appeared_in(f));
            // The newest entries first, as feeds list them.
            for i in (new..state.items_per_feed + new).rev() {
                let date = match state.growth {
                    Some(g) if i >= state.items_per_feed => {
                        g.published(f, i - state.items_per_feed).to_rfc2822()
                    }
                    _ => format!("Thu, 04 Sep 2025 {:02}:{:02}:00 GMT", i / 60 % 24, i % 60),
                };
                let _ = write!(
                    body,
                    "<item><title>Story {n}-{i} on host {h}</title><link>{url}</link>\
                     <guid>{url}</guid><pubDate>{date}</pubDate></item>",
                    h = state.host,
                    url = article_url(&state.base, n, i),
                );
            }
            body.push_str("</channel></rss>\n");
            ([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], body).into_response()
        }
    };
    visit(&state, start);
    response
}

async fn article(State(state): State<HostState>, Path(id): Path<String>) -> Response {
    let start = Instant::now();
    let body = format!(
        "<!doctype html><html><head><title>Story {id}</title></head><body><article>\
         <h1>Story {id}</h1><p>Synthetic article {id} served by host {h} of the feed farm, \
         long enough to be read as an article body by an extractor that wants a paragraph.</p>\
         <p>{words}</p></article></body></html>",
        h = state.host,
        words = words_of(&format!("{}/{id}", state.host)),
    );
    let response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    visit(&state, start);
    response
}

/// Forty words drawn from a fixed vocabulary by a hash of `seed`: each page its own text,
/// so that pages are not copies of one another.
fn words_of(seed: &str) -> String {
    const WORDS: [&str; 48] = [
        "harbour",
        "council",
        "budget",
        "river",
        "strike",
        "court",
        "election",
        "storm",
        "minister",
        "factory",
        "school",
        "bridge",
        "festival",
        "museum",
        "railway",
        "vaccine",
        "drought",
        "market",
        "tariff",
        "airport",
        "hospital",
        "police",
        "senate",
        "union",
        "satellite",
        "wildfire",
        "treaty",
        "mayor",
        "port",
        "tunnel",
        "orchestra",
        "stadium",
        "refinery",
        "glacier",
        "court",
        "library",
        "parliament",
        "vineyard",
        "ferry",
        "mine",
        "reservoir",
        "university",
        "embassy",
        "harvest",
        "pipeline",
        "summit",
        "border",
        "reef",
    ];
    let mut state = seed
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let mut out = Vec::with_capacity(40);
    for _ in 0..40 {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        out.push(WORDS[(state >> 33) as usize % WORDS.len()]);
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    #[test]
    fn politeness_reads_gaps_and_overlaps_per_host() {
        let t = Instant::now();
        let v = |host, start, end| Visit { host, start: at(t, start), end: at(t, end) };
        let log = FarmLog(vec![
            v(0, 0, 50),
            v(0, 100, 150),
            v(0, 120, 130), // overlaps the one before: two at once, 20 ms after its start
            v(1, 0, 10),
            v(1, 10, 20), // back to back: not overlapping
        ]);
        let p = log.politeness();
        assert_eq!(p.requests, 5);
        assert_eq!(p.min_gap, Some(Duration::from_millis(10)));
        assert_eq!(p.max_in_flight, 2);
        assert_eq!(FarmLog::default().politeness().min_gap, None);
    }
}
