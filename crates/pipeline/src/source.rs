//! Sources: the first stage, and the only one that watches the shutdown signal.
//!
//! The daemon and the backfill run the same pipeline; they differ only here. A finite
//! source drops its sender when done, and every later stage ends when its input closes.

use std::collections::HashMap;
use std::path::PathBuf;

use chorus_model::{FeedJob, FeedState, Reschedule, RunKind, Stage, StageReport};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use crate::backfill::Backfill;
use crate::config::Feed;
use crate::sitemaps::SitemapSource;

/// Where a run's work comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Poll the config's feeds: once each (`once = true`, a backfill) or on their schedule
    /// until shutdown (the daemon).
    Feeds {
        /// Poll each feed once and finish.
        once: bool,
    },
    /// Pre-extracted articles from a JSONL file, entering at the dedup stage in file order.
    Jsonl(PathBuf),
    /// Pages listed by sitemaps (and the sitemap indexes under them) within a date window,
    /// downloaded once each; the run ends when they are stored.
    Sitemaps(SitemapSource),
    /// Any mix of inputs in one run: the config's feeds once, sitemaps, URL lists, WARC
    /// archives and JSONL files. The run ends when every input is read and stored.
    Backfill(Backfill),
}

impl Source {
    /// The kind recorded for runs from this source.
    pub fn kind(&self) -> RunKind {
        match self {
            Source::Feeds { once: false } => RunKind::Daemon,
            Source::Feeds { once: true } => RunKind::Backfill,
            Source::Jsonl(_) => RunKind::Jsonl,
            Source::Sitemaps(_) => RunKind::Backfill,
            Source::Backfill(b) if !b.has_pages() => RunKind::Jsonl,
            Source::Backfill(_) => RunKind::Backfill,
        }
    }
}

/// Sends a [`FeedJob`] for each feed when it is due, until `shutdown` (or, with `once`,
/// after one round).
///
/// The daemon's first round is spread over the first interval (at most 10 s) so that a
/// thousand feeds do not all start in the same second; a feed whose stored next poll
/// (from an earlier run) is later than its place in the spread waits until then. After
/// that, each feed is due when the fetch stage says: once a job is sent, its feed waits
/// for a [`Reschedule`] on `reschedule` and is due that long after it arrives. So at most
/// one job per feed is ever in flight.
pub(crate) async fn feed_schedule(
    feeds: Vec<Feed>,
    mut states: HashMap<String, FeedState>,
    once: bool,
    jobs: mpsc::Sender<FeedJob>,
    mut reschedule: mpsc::Receiver<Reschedule>,
    shutdown: CancellationToken,
) -> StageReport {
    let mut report = StageReport::new(Stage::Source);
    let start = Instant::now();
    let wall = chrono::Utc::now();
    let count = feeds.len().max(1) as u32;
    let index: HashMap<String, usize> =
        feeds.iter().enumerate().map(|(i, f)| (f.spec().url.to_string(), i)).collect();
    let mut due: Vec<(Instant, usize)> = feeds
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if once {
                return (start, i);
            }
            let spread = f.interval().min(FIRST_ROUND_SPREAD) / count * i as u32;
            let stored = states
                .get(f.spec().url.as_str())
                .and_then(|s| s.history.next_poll_at)
                .and_then(|at| (at - wall).to_std().ok())
                .unwrap_or_default();
            (start + spread.max(stored), i)
        })
        .collect();

    // Jobs sent whose feed has not been rescheduled yet.
    let mut in_flight = 0usize;
    loop {
        due.sort();
        let next = due.first().map(|&(when, _)| when);
        if next.is_none() && (once || in_flight == 0) {
            // A backfill's round is done, or a daemon has no feed at all.
            break;
        }
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            // The fetcher is gone (it failed): nothing would poll this feed.
            () = jobs.closed() => break,
            word = reschedule.recv(), if !once => {
                // None: the fetcher is gone, and nothing would poll any feed.
                let Some(word) = word else { break };
                if let Some(&i) = index.get(word.feed.as_str()) {
                    due.push((Instant::now() + word.after, i));
                    in_flight = in_flight.saturating_sub(1);
                }
                continue;
            }
            () = sleep_until(next.unwrap_or_else(far_future)), if next.is_some() => {}
        }
        let (_, i) = due.remove(0);
        let feed = &feeds[i];
        let state = states.remove(feed.spec().url.as_str()).unwrap_or_default();
        let job = FeedJob { feed: feed.spec().clone(), state, policy: feed.policy() };
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            sent = jobs.send(job) => if sent.is_err() { break },
        }
        report.received += 1;
        report.sent += 1;
        in_flight += 1;
    }
    report
}

/// A time that never comes, for a `sleep_until` that is disabled anyway.
fn far_future() -> Instant {
    Instant::now() + std::time::Duration::from_secs(86_400 * 365)
}

/// The longest the daemon takes to make its first round of polls.
const FIRST_ROUND_SPREAD: std::time::Duration = std::time::Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use chorus_model::FeedJob;

    use super::*;

    /// Feeds `0.xml`, `1.xml`, … polled every `intervals[i]` seconds.
    fn feeds(intervals: &[u64]) -> Vec<Feed> {
        let text: String = intervals
            .iter()
            .enumerate()
            .map(|(i, secs)| {
                format!(
                    "[[feeds]]\nurl = \"http://127.0.0.1:9/{i}.xml\"\noutlet = \"Outlet {i}\"\n\
                     poll_interval_secs = {secs}\n"
                )
            })
            .collect();
        crate::Config::parse(&text, Path::new("test.toml")).unwrap().feeds
    }

    /// Which feed a job is for.
    fn index(job: &FeedJob) -> usize {
        let path = job.feed.url.path();
        path.trim_start_matches('/').trim_end_matches(".xml").parse().unwrap()
    }

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    /// Runs a daemon's schedule over `feeds` on paused time, answering each job as the
    /// fetch stage would with a reschedule after `after(feed, nth poll of it)`, and returns
    /// each job sent in the first `horizon`, as (feed, when after the start).
    async fn daemon_jobs_with(
        feeds: Vec<Feed>,
        states: HashMap<String, FeedState>,
        horizon: Duration,
        after: impl Fn(usize, usize) -> Duration,
    ) -> Vec<(usize, Duration)> {
        let (tx, mut rx) = mpsc::channel(16);
        // One place per feed, as the pipeline gives it.
        let (word_tx, word_rx) = mpsc::channel(feeds.len().max(1));
        let shutdown = CancellationToken::new();
        let start = Instant::now();
        let schedule =
            tokio::spawn(feed_schedule(feeds, states, false, tx, word_rx, shutdown.clone()));
        let mut jobs: Vec<(usize, Duration)> = Vec::new();
        loop {
            let job = rx.recv().await.expect("the daemon's schedule runs until shutdown");
            let at = start.elapsed();
            if at > horizon {
                break;
            }
            let feed = index(&job);
            let nth = jobs.iter().filter(|(f, _)| *f == feed).count();
            jobs.push((feed, at));
            word_tx.try_send(Reschedule { feed: job.feed.url, after: after(feed, nth) }).unwrap();
        }
        shutdown.cancel();
        schedule.await.unwrap();
        jobs
    }

    /// [`daemon_jobs_with`] a fetcher that keeps each feed at its configured interval.
    async fn daemon_jobs(feeds: Vec<Feed>, horizon: Duration) -> Vec<(usize, Duration)> {
        let intervals: Vec<Duration> = feeds.iter().map(Feed::interval).collect();
        daemon_jobs_with(feeds, HashMap::new(), horizon, move |f, _| intervals[f]).await
    }

    /// Reschedules nobody will send.
    fn silent() -> mpsc::Receiver<Reschedule> {
        let (tx, rx) = mpsc::channel(1);
        std::mem::forget(tx);
        rx
    }

    #[tokio::test(start_paused = true)]
    async fn each_feed_is_due_when_the_fetcher_says() {
        // Feed 0 is told 5 s, then 20 s, then 1 s; feed 1 always 30 s.
        let jobs = daemon_jobs_with(feeds(&[60, 60]), HashMap::new(), secs(40.0), |f, nth| {
            if f == 1 {
                return secs(30.0);
            }
            [secs(5.0), secs(20.0), secs(1.0), secs(100.0)][nth]
        })
        .await;
        assert_eq!(
            jobs,
            [
                (0, secs(0.0)),
                (0, secs(5.0)),
                (1, secs(5.0)),
                (0, secs(25.0)),
                (0, secs(26.0)),
                (1, secs(35.0))
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_feed_is_not_sent_again_until_the_fetcher_has_answered() {
        let (tx, mut rx) = mpsc::channel(16);
        let (_word_tx, word_rx) = mpsc::channel::<Reschedule>(1);
        let shutdown = CancellationToken::new();
        let schedule = tokio::spawn(feed_schedule(
            feeds(&[1]),
            HashMap::new(),
            false,
            tx,
            word_rx,
            shutdown.clone(),
        ));
        assert!(rx.recv().await.is_some());
        tokio::time::sleep(secs(3600.0)).await;
        assert!(rx.try_recv().is_err(), "a second job while the first had no answer");
        shutdown.cancel();
        assert_eq!(schedule.await.unwrap().sent, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stored_next_poll_delays_the_first_round_past_the_spread() {
        let feeds = feeds(&[60, 60]);
        let later = FeedState {
            history: chorus_model::PollHistory {
                next_poll_at: Some(chrono::Utc::now() + chrono::Duration::seconds(30)),
                ..Default::default()
            },
            ..FeedState::default()
        };
        let states = HashMap::from([(feeds[0].spec().url.to_string(), later)]);
        let jobs = daemon_jobs_with(feeds, states, secs(40.0), |_, _| secs(100.0)).await;
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0], (1, secs(5.0)));
        assert_eq!(jobs[1].0, 0);
        // Wall-clock time passes while the test runs: allow a little.
        assert!((secs(29.0)..=secs(30.0)).contains(&jobs[1].1), "{jobs:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_round_is_spread_over_ten_seconds_then_each_feed_comes_at_its_interval() {
        let jobs = daemon_jobs(feeds(&[60; 5]), secs(130.0)).await;
        let round = |base: f64| (0..5).map(move |i| (i, secs(base + 2.0 * i as f64)));
        let want: Vec<(usize, Duration)> =
            round(0.0).chain(round(60.0)).chain(round(120.0)).collect();
        assert_eq!(jobs, want);
    }

    #[tokio::test(start_paused = true)]
    async fn a_first_round_is_spread_over_the_interval_when_that_is_shorter() {
        let jobs = daemon_jobs(feeds(&[2; 4]), secs(3.9)).await;
        let want: Vec<(usize, Duration)> = (0..8).map(|n| (n % 4, secs(0.5 * n as f64))).collect();
        assert_eq!(jobs, want);
    }

    #[tokio::test(start_paused = true)]
    async fn each_feed_is_polled_at_its_own_interval() {
        // Offsets in the first round: 0, then min(3 s, 10 s) / 2 = 1.5 s.
        let jobs = daemon_jobs(feeds(&[1, 3]), secs(10.0)).await;
        let of = |feed: usize| -> Vec<Duration> {
            jobs.iter().filter(|(f, _)| *f == feed).map(|(_, at)| *at).collect()
        };
        assert_eq!(of(0), (0..=10).map(|s| secs(s as f64)).collect::<Vec<_>>());
        assert_eq!(of(1), [secs(1.5), secs(4.5), secs(7.5)]);
    }

    #[tokio::test(start_paused = true)]
    async fn once_sends_every_feed_at_once_with_its_stored_state_and_ends() {
        let feeds = feeds(&[60, 60, 5]);
        let stored = FeedState { etag: Some("\"v7\"".to_owned()), ..FeedState::default() };
        let states = HashMap::from([(feeds[1].spec().url.to_string(), stored.clone())]);
        let (tx, mut rx) = mpsc::channel(16);
        let start = Instant::now();
        let schedule = tokio::spawn(feed_schedule(
            feeds,
            states,
            true,
            tx,
            silent(),
            CancellationToken::new(),
        ));
        let mut jobs = Vec::new();
        while let Some(job) = rx.recv().await {
            jobs.push((index(&job), job.state, start.elapsed()));
        }
        let report = schedule.await.unwrap();
        let none = FeedState::default();
        assert_eq!(
            jobs,
            [
                (0, none.clone(), Duration::ZERO),
                (1, stored, Duration::ZERO),
                (2, none, Duration::ZERO)
            ]
        );
        assert_eq!((report.received, report.sent), (3, 3));
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_ends_the_schedule_without_waiting_for_the_next_feed() {
        let (tx, mut rx) = mpsc::channel(16);
        let shutdown = CancellationToken::new();
        let start = Instant::now();
        let schedule = tokio::spawn(feed_schedule(
            feeds(&[60; 5]),
            HashMap::new(),
            false,
            tx,
            silent(),
            shutdown.clone(),
        ));
        assert_eq!(rx.recv().await.map(|job| index(&job)), Some(0));
        shutdown.cancel();
        // The next feed was due 2 s after the start.
        assert!(rx.recv().await.is_none(), "a job was sent after shutdown");
        let report = schedule.await.unwrap();
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(report.sent, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_schedule_ends_when_the_fetcher_is_gone() {
        let (tx, mut rx) = mpsc::channel(16);
        let start = Instant::now();
        let schedule = tokio::spawn(feed_schedule(
            feeds(&[60; 5]),
            HashMap::new(),
            false,
            tx,
            silent(),
            CancellationToken::new(),
        ));
        assert!(rx.recv().await.is_some());
        drop(rx);
        let report = schedule.await.unwrap();
        assert_eq!(start.elapsed(), Duration::ZERO, "it waited for the next feed first");
        assert_eq!(report.sent, 1);
    }
}
