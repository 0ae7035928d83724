//! Sources: the first stage, and the only one that watches the shutdown signal.
//!
//! The daemon and the backfill run the same pipeline; they differ only here. A finite
//! source drops its sender when done, and every later stage ends when its input closes.

use std::collections::{HashMap, HashSet};
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
    states: HashMap<String, FeedState>,
    once: bool,
    jobs: mpsc::Sender<FeedJob>,
    reschedule: mpsc::Receiver<Reschedule>,
    shutdown: CancellationToken,
) -> StageReport {
    let lists = FeedLists { feeds, updates: None };
    feed_schedule_with_updates(lists, states, once, jobs, reschedule, shutdown).await
}

/// The feeds a schedule starts with, and where a daemon's new feed lists come from (a
/// reloaded config).
pub(crate) struct FeedLists {
    pub(crate) feeds: Vec<Feed>,
    pub(crate) updates: Option<mpsc::Receiver<Vec<Feed>>>,
}

/// [`feed_schedule`], taking each new feed list from `lists.updates` as it comes: a feed
/// added is due at once, a feed removed is never sent again (a poll of it in flight
/// finishes), and a feed retuned keeps its place but is due no later than its new
/// interval from now; its next job carries its new settings.
pub(crate) async fn feed_schedule_with_updates(
    lists: FeedLists,
    mut states: HashMap<String, FeedState>,
    once: bool,
    jobs: mpsc::Sender<FeedJob>,
    mut reschedule: mpsc::Receiver<Reschedule>,
    shutdown: CancellationToken,
) -> StageReport {
    let FeedLists { feeds, mut updates } = lists;
    let mut report = StageReport::new(Stage::Source);
    let start = Instant::now();
    let wall = chrono::Utc::now();
    let count = feeds.len().max(1) as u32;
    let mut due: Vec<(Instant, String)> = feeds
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let url = f.spec().url.to_string();
            if once {
                return (start, url);
            }
            let spread = f.interval().min(FIRST_ROUND_SPREAD) / count * i as u32;
            let stored = states
                .get(&url)
                .and_then(|s| s.history.next_poll_at)
                .and_then(|at| (at - wall).to_std().ok())
                .unwrap_or_default();
            (start + spread.max(stored), url)
        })
        .collect();
    let mut listed: HashMap<String, Feed> =
        feeds.into_iter().map(|f| (f.spec().url.to_string(), f)).collect();

    // Feeds whose job was sent and which have not been rescheduled yet.
    let mut in_flight: HashSet<String> = HashSet::new();
    loop {
        due.sort();
        let next = due.first().map(|(when, _)| *when);
        if next.is_none() && (once || (in_flight.is_empty() && updates.is_none())) {
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
                let url = word.feed.to_string();
                // A feed removed while it was polled is not due again.
                if in_flight.remove(&url) && listed.contains_key(&url) {
                    due.push((Instant::now() + word.after, url));
                }
                continue;
            }
            update = next_update(&mut updates) => {
                match update {
                    Some(feeds) if feeds.len() > reschedule.max_capacity() => {
                        // Each feed needs a place for its reschedule (see the fetch
                        // stage's wiring): a list this long needs a restart.
                        tracing::error!(
                            feeds = feeds.len(),
                            most = reschedule.max_capacity(),
                            "reloaded feed list refused: too many feeds for a reload, restart \
                             to take it; polling the old list"
                        );
                    }
                    Some(feeds) => {
                        let change = apply_update(feeds, &mut listed, &mut due);
                        report.add_noted("feeds_added", change.added.len() as u64);
                        report.add_noted("feeds_removed", change.removed.len() as u64);
                        report.add_noted("feeds_retuned", change.retuned.len() as u64);
                        tracing::info!(
                            feeds = listed.len(),
                            added = ?change.added,
                            removed = ?change.removed,
                            retuned = ?change.retuned,
                            "feed list reloaded"
                        );
                    }
                    None => updates = None,
                }
                continue;
            }
            () = sleep_until(next.unwrap_or_else(far_future)), if next.is_some() => {}
        }
        let (_, url) = due.remove(0);
        let Some(feed) = listed.get(&url) else { continue };
        let state = states.remove(&url).unwrap_or_default();
        let job = FeedJob { feed: feed.spec().clone(), state, policy: feed.policy() };
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            sent = jobs.send(job) => if sent.is_err() { break },
        }
        report.add_received(1);
        report.add_sent(1);
        in_flight.insert(url);
    }
    report
}

/// The next feed list, or `None` once no more can come; never, when there is no source of
/// them.
async fn next_update(updates: &mut Option<mpsc::Receiver<Vec<Feed>>>) -> Option<Vec<Feed>> {
    match updates {
        Some(updates) => updates.recv().await,
        None => std::future::pending().await,
    }
}

/// What a new feed list changed, by feed address.
#[derive(Debug, Default, PartialEq, Eq)]
struct FeedChange {
    added: Vec<String>,
    removed: Vec<String>,
    retuned: Vec<String>,
}

/// Replaces `listed` with `feeds`, bringing `due` (waiting feeds) into line: see
/// [`feed_schedule_with_updates`]. A feed in flight is in neither `due` nor touched here:
/// its reschedule decides, and a removed one is then dropped.
fn apply_update(
    feeds: Vec<Feed>,
    listed: &mut HashMap<String, Feed>,
    due: &mut Vec<(Instant, String)>,
) -> FeedChange {
    let now = Instant::now();
    let mut change = FeedChange::default();
    let new: HashMap<String, Feed> =
        feeds.into_iter().map(|f| (f.spec().url.to_string(), f)).collect();
    for url in listed.keys() {
        if !new.contains_key(url) {
            change.removed.push(url.clone());
        }
    }
    due.retain(|(_, url)| new.contains_key(url));
    for (url, feed) in &new {
        match listed.get(url) {
            None => {
                change.added.push(url.clone());
                due.push((now, url.clone()));
            }
            Some(old) if old.spec() != feed.spec() || old.policy() != feed.policy() => {
                change.retuned.push(url.clone());
                let latest = now + feed.interval();
                for (when, _) in due.iter_mut().filter(|(_, u)| u == url) {
                    *when = (*when).min(latest);
                }
            }
            Some(_) => {}
        }
    }
    for list in [&mut change.added, &mut change.removed, &mut change.retuned] {
        list.sort();
    }
    *listed = new;
    change
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

    use chorus_model::{FeedJob, PollPolicy};

    use super::*;

    /// Feeds `0.xml`, `1.xml`, … polled every `intervals[i]` seconds.
    fn feeds(intervals: &[u64]) -> Vec<Feed> {
        let numbered: Vec<(usize, u64)> = intervals.iter().copied().enumerate().collect();
        feeds_at(&numbered)
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

    /// Feeds `i.xml` for each `(i, interval in seconds)`.
    fn feeds_at(list: &[(usize, u64)]) -> Vec<Feed> {
        let text: String = list
            .iter()
            .map(|(i, secs)| {
                format!(
                    "[[feeds]]\nurl = \"http://127.0.0.1:9/{i}.xml\"\noutlet = \"Outlet {i}\"\n\
                     poll_interval_secs = {secs}\n"
                )
            })
            .collect();
        crate::Config::parse(&text, Path::new("test.toml")).unwrap().feeds
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_feed_list_adds_removes_and_retunes_feeds_without_a_restart() {
        let (tx, mut rx) = mpsc::channel(16);
        let (word_tx, word_rx) = mpsc::channel(64);
        let (update_tx, update_rx) = mpsc::channel(1);
        let shutdown = CancellationToken::new();
        let start = Instant::now();
        let lists = FeedLists { feeds: feeds_at(&[(0, 60), (1, 60)]), updates: Some(update_rx) };
        let schedule = tokio::spawn(feed_schedule_with_updates(
            lists,
            HashMap::new(),
            false,
            tx,
            word_rx,
            shutdown.clone(),
        ));
        let mut jobs: Vec<(usize, Duration, PollPolicy)> = Vec::new();
        let answer = |job: &FeedJob| {
            let after = match job.policy {
                PollPolicy::Fixed(interval) => interval,
                PollPolicy::Adaptive { start } => start,
            };
            word_tx.try_send(Reschedule { feed: job.feed.url.clone(), after }).unwrap();
        };
        // The first round: feed 0 at once, feed 1 five seconds later.
        for _ in 0..2 {
            let job = rx.recv().await.unwrap();
            answer(&job);
            jobs.push((index(&job), start.elapsed(), job.policy));
        }
        tokio::time::sleep_until(start + secs(10.0)).await;
        // Feed 0 removed, feed 1 retuned to 2 s, feed 2 added.
        update_tx.send(feeds_at(&[(1, 2), (2, 60)])).await.unwrap();
        while start.elapsed() < secs(15.0) {
            let Ok(Some(job)) = tokio::time::timeout(secs(1.0), rx.recv()).await else {
                continue;
            };
            answer(&job);
            jobs.push((index(&job), start.elapsed(), job.policy));
        }
        shutdown.cancel();
        let report = schedule.await.unwrap();
        let fixed = |s: f64| PollPolicy::Fixed(secs(s));
        assert_eq!(
            jobs,
            [
                (0, secs(0.0), fixed(60.0)),
                (1, secs(5.0), fixed(60.0)),
                (2, secs(10.0), fixed(60.0)),
                // Due by its new interval from the reload, then every 2 s.
                (1, secs(12.0), fixed(2.0)),
                (1, secs(14.0), fixed(2.0)),
            ]
        );
        for what in ["feeds_added", "feeds_removed", "feeds_retuned"] {
            assert_eq!(report.noted.get(what), Some(&1), "{what}: {:?}", report.noted);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_feed_removed_while_it_is_polled_is_not_polled_again() {
        let (tx, mut rx) = mpsc::channel(16);
        let (word_tx, word_rx) = mpsc::channel(64);
        let (update_tx, update_rx) = mpsc::channel(1);
        let shutdown = CancellationToken::new();
        let lists = FeedLists { feeds: feeds_at(&[(0, 1)]), updates: Some(update_rx) };
        let schedule = tokio::spawn(feed_schedule_with_updates(
            lists,
            HashMap::new(),
            false,
            tx,
            word_rx,
            shutdown.clone(),
        ));
        let job = rx.recv().await.unwrap();
        // Removed (replaced by feed 1) before the fetcher answers for it.
        update_tx.send(feeds_at(&[(1, 1)])).await.unwrap();
        assert_eq!(rx.recv().await.map(|j| index(&j)), Some(1));
        word_tx.try_send(Reschedule { feed: job.feed.url, after: secs(1.0) }).unwrap();
        tokio::time::sleep(secs(30.0)).await;
        assert!(rx.try_recv().is_err(), "the removed feed, or feed 1 unanswered, was sent again");
        shutdown.cancel();
        schedule.await.unwrap();
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
