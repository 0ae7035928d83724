//! The fetch stage: feed jobs in, feed checks and raw pages out.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use chorus_model::{
    FeedCheck, FeedEntry, FeedJob, FeedOutcome, FeedState, PollPolicy, RawPage, Reschedule,
    StageReport, Throttle, canonical_url,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::{Id, JoinError, JoinSet};
use tracing::Instrument;
use url::Url;

use crate::client::Fetcher;
use crate::error::FetchError;
use crate::host::{host_key, with_robots_policy};
use crate::known::{KnownUrls, RecentUrls};
use crate::poll::PollReport;
use crate::schedule::{Observation, PollResult, next_poll};

/// Runs the fetch stage until `jobs` closes and every download in flight has finished.
///
/// For each [`FeedJob`]: polls the feed ([`Fetcher::poll_feed`]), sends its [`FeedCheck`]
/// on `checks` (with `new_entries` filled in), then downloads every entry whose canonical
/// URL ([`canonical_url`]) is not in `known`, sending each [`RawPage`] on `pages`. `known`
/// grows as entries are queued, so an article listed by two feeds is fetched once. A page
/// whose download failed for a passing reason (timeout, broken connection, 408, 425, 429,
/// 5xx) is forgotten again and tried at its feed's next poll, up to `fetch.page_attempts`
/// tries; one that failed for good (404, not HTML, too large) is not. It remembers at most
/// `fetch.max_known_urls` addresses, forgetting the oldest first. An entry whose address
/// is longer than `fetch.max_url_bytes` is skipped and counted in `dropped` as
/// `url_too_long`.
///
/// - Concurrency: polls and downloads run as tracked tasks, at most
///   `fetch.concurrency` at once and `fetch.per_host_concurrency` per host. A download
///   keeps its slot until its page is handed on, so a full `pages` channel stops new
///   downloads: at most capacity + `concurrency` pages are fetched ahead of a stalled
///   consumer. (The per-host slot is freed as soon as the body is read.) A host gets at
///   most `per_host_concurrency` of the stage's slots for its pages, the rest of its pages
///   wait in a queue of their own: a host whose requests are spaced out (its gap, a
///   `Crawl-delay`, a pause) holds no more slots than it can use, and other hosts' pages
///   go ahead meanwhile. The queues hold at most the new entries of the feeds polled
///   (`max_entries_per_feed` each), and a stalled consumer still stops the stage: slots
///   are then all held by pages waiting to be handed on, and no poll starts.
/// - State: the stage keeps the newest [`FeedState`] of each feed, so a feed polled again
///   in a long run uses it; the job's own state only counts the first time.
/// - Schedule: after each poll the stage decides when the feed is due next
///   ([`crate::schedule::next_poll`]: the server's hints, the entries' dates, the share of
///   known items, failures), puts it in the check (`next_poll`, and the history in
///   `state`) and sends a [`Reschedule`] on `reschedule` for the source, without waiting:
///   the source may itself be waiting to hand the stage a job. Give `reschedule` one place
///   per feed: the source keeps at most one job per feed in flight, so at most one
///   reschedule per feed is ever queued and the channel is never full. A closed
///   `reschedule` (a backfill's source is done) is fine.
/// - Failures: a failed poll is a `Failed` check; a failed download is logged at WARN
///   and counted in the report's `dropped` by [`crate::FetchError::reason`]. Neither stops
///   the stage.
/// - Shutdown: when `checks` or `pages` is closed (downstream gone), the stage stops at
///   once, cancelling what is in flight, and returns quietly.
///
/// The report counts jobs as `received` and pages as `sent`.
#[tracing::instrument(name = "stage", skip_all, fields(stage = "fetch"))]
pub async fn run(
    fetcher: Arc<Fetcher>,
    mut jobs: mpsc::Receiver<FeedJob>,
    pages: mpsc::Sender<RawPage>,
    checks: mpsc::Sender<FeedCheck>,
    known: impl IntoIterator<Item = String>,
    reschedule: mpsc::Sender<Reschedule>,
) -> StageReport {
    let known = KnownUrls::new(known, fetcher.config().max_known_urls.get());
    let mut stage = Stage::new(fetcher, pages, checks, known, reschedule);
    tracing::info!(known = stage.known.len(), "fetch stage started");
    let mut jobs_open = true;
    while (jobs_open || !stage.tasks.is_empty()) && !stage.downstream_gone {
        tokio::select! {
            job = jobs.recv(), if jobs_open => match job {
                Some(job) => stage.start_poll(job).await,
                None => jobs_open = false,
            },
            Some(done) = stage.tasks.join_next_with_id() => stage.finish(done).await,
        }
    }
    if stage.downstream_gone {
        tracing::info!("downstream closed; fetch stage stopping");
    }
    // Only when downstream is gone is anything left: stop it, count what had finished.
    stage.tasks.abort_all();
    while let Some(done) = stage.tasks.join_next().await {
        stage.tally(done);
    }
    tracing::info!(report = %stage.report, "fetch stage finished");
    stage.report
}

/// What a finished task reports to the stage loop.
enum Done {
    Polled(Box<PollReport>, PollPolicy),
    PageSent,
    PageFailed(Box<PageFailure>),
    DownstreamGone,
}

/// A page download that failed; `retry` is set when the failure may pass.
struct PageFailure {
    url: Url,
    error: FetchError,
    retry: Option<Retry>,
}

/// A page to try again at its feed's next poll.
struct Retry {
    /// The page's canonical address, as the known set holds it.
    url: String,
    /// The feed that listed it.
    feed: String,
}

/// A request queued behind the others of its host: a feed poll or a page download.
enum Pending {
    Poll(FeedJob),
    Page(PendingPage),
}

/// A page to download.
struct PendingPage {
    entry: FeedEntry,
    outlet: String,
    /// The feed that listed it.
    feed: String,
    /// The feed's own robots.txt choice.
    robots: Option<bool>,
}

/// Failed pages remembered with their attempt counts at most; past this the oldest is
/// forgotten (and may be tried a few more times).
const MAX_ATTEMPTS_KEPT: usize = 10_000;

/// The stage's state, owned by the loop alone (tasks only get clones of the handles).
struct Stage {
    fetcher: Arc<Fetcher>,
    pages: mpsc::Sender<RawPage>,
    checks: mpsc::Sender<FeedCheck>,
    reschedule: mpsc::Sender<Reschedule>,
    known: KnownUrls,
    states: HashMap<String, FeedState>,
    slots: Arc<Semaphore>,
    tasks: JoinSet<Done>,
    report: StageReport,
    /// Per-page and per-poll failures are counted in `report`; only some are logged.
    log: Throttle,
    downstream_gone: bool,
    /// Pages whose downloads failed for a passing reason, with how many times each was
    /// tried.
    attempts: RecentUrls<u32>,
    /// Feeds to read whole (not conditionally) at their next poll, for a page to retry.
    reread: HashSet<String>,
    /// Polls and pages waiting for their host (`host:port`) to have a place, by host.
    waiting: HashMap<String, VecDeque<Pending>>,
    /// Polls and page downloads running, by host.
    running: HashMap<String, usize>,
    /// The host of each running poll or page download, by task.
    task_hosts: HashMap<Id, String>,
    /// The feed of each running page download, by task.
    task_feeds: HashMap<Id, String>,
    /// Pages queued or running, by the feed that listed them.
    outstanding: HashMap<String, usize>,
}

impl Stage {
    fn new(
        fetcher: Arc<Fetcher>,
        pages: mpsc::Sender<RawPage>,
        checks: mpsc::Sender<FeedCheck>,
        known: KnownUrls,
        reschedule: mpsc::Sender<Reschedule>,
    ) -> Stage {
        let slots = Arc::new(Semaphore::new(fetcher.config().concurrency.get()));
        Stage {
            fetcher,
            pages,
            checks,
            reschedule,
            known,
            states: HashMap::new(),
            slots,
            tasks: JoinSet::new(),
            report: StageReport::new(chorus_model::Stage::Fetch),
            log: Throttle::default(),
            downstream_gone: false,
            attempts: RecentUrls::new(MAX_ATTEMPTS_KEPT),
            reread: HashSet::new(),
            waiting: HashMap::new(),
            running: HashMap::new(),
            task_hosts: HashMap::new(),
            task_feeds: HashMap::new(),
            outstanding: HashMap::new(),
        }
    }

    /// Waits for a free slot; while none is free, the loop takes no new work.
    async fn slot(&self) -> OwnedSemaphorePermit {
        Arc::clone(&self.slots).acquire_owned().await.expect("the stage never closes its semaphore")
    }

    async fn start_poll(&mut self, mut job: FeedJob) {
        self.report.add_received(1);
        if let Some(state) = self.states.get(job.feed.url.as_str()) {
            job.state = state.clone();
        }
        if self.reread.remove(job.feed.url.as_str()) {
            job.state.forget_validators();
        }
        // Behind the host's other requests, like a page: polls of one host waiting out its
        // gap must not hold every slot of the stage while other hosts wait (a backfill
        // sends a config's feeds at once, often grouped by outlet).
        let host = host_key(&job.feed.url);
        self.waiting.entry(host.clone()).or_default().push_back(Pending::Poll(job));
        self.dispatch(&host).await;
    }

    async fn finish(&mut self, done: Result<(Id, Done), JoinError>) {
        let id = match &done {
            Ok((id, _)) => *id,
            Err(err) => err.id(),
        };
        match done.map(|(_, done)| done) {
            Ok(Done::Polled(report, policy)) => self.queue_downloads(*report, policy).await,
            other => self.tally(other),
        }
        if let Some(feed) = self.task_feeds.remove(&id)
            && let Some(left) = self.outstanding.get_mut(&feed)
        {
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.outstanding.remove(&feed);
            }
        }
        // A poll or download ended (even by a panic): its host may start the next.
        if let Some(host) = self.task_hosts.remove(&id) {
            if let Some(running) = self.running.get_mut(&host) {
                *running = running.saturating_sub(1);
                if *running == 0 {
                    self.running.remove(&host);
                }
            }
            self.dispatch(&host).await;
        }
    }

    /// Counts a finished task. A poll reaching here is one finished while stopping: its
    /// check has nowhere to go.
    fn tally(&mut self, done: Result<Done, JoinError>) {
        match done {
            Ok(Done::Polled(..)) => {}
            Ok(Done::PageSent) => self.report.add_sent(1),
            Ok(Done::PageFailed(failure)) => {
                let PageFailure { url, error, retry } = *failure;
                let reason = error.reason();
                self.report.drop_for(reason);
                if let Some(held_back) = self.log.allow(reason) {
                    tracing::warn!(%url, %error, reason, held_back, "page download failed");
                }
                if let Some(retry) = retry {
                    self.try_again(retry);
                }
            }
            Ok(Done::DownstreamGone) => self.downstream_gone = true,
            Err(err) if err.is_cancelled() => {}
            Err(err) => {
                tracing::error!(error = %err, "fetch task panicked");
                self.report.drop_for("panic");
            }
        }
    }

    /// Lets a page that failed for a passing reason be downloaded again at its feed's next
    /// poll, unless it has had `fetch.page_attempts` tries: its address is forgotten, and
    /// the feed's validators too, so that the poll reads the feed whole and lists the entry
    /// again (a `304 Not Modified` would list nothing).
    fn try_again(&mut self, retry: Retry) {
        let (tried, _) = self.attempts.entry(&retry.url, || 0);
        *tried += 1;
        let tried = *tried;
        if tried >= self.fetcher.config().page_attempts.get() {
            tracing::debug!(url = %retry.url, tried, "page given up after its last attempt");
            self.report.note("given_up");
            return;
        }
        tracing::debug!(url = %retry.url, tried, "page will be tried again at the feed's next poll");
        self.report.note("retry_later");
        self.known.remove(&retry.url);
        self.reread.insert(retry.feed);
    }

    /// Schedules the feed's next poll, sends the check, then queues a download for each
    /// entry not known yet, behind the other pages of its host.
    async fn queue_downloads(&mut self, report: PollReport, policy: PollPolicy) {
        let PollReport { mut check, entries, hints, hard_failure, stopped, skipped } = report;
        if stopped {
            return;
        }
        if skipped > 0 {
            // The feed was read, in part: what could be read is used, and what was lost is
            // counted and said.
            self.report.note("entries_skipped");
            if let Some(held_back) = self.log.allow("entries_skipped") {
                tracing::warn!(feed = %check.feed.url, skipped, held_back, "feed partly unreadable; entries skipped");
            }
        }
        if let FeedOutcome::Failed { reason } = &check.outcome {
            self.report.note("feed_failed");
            if let Some(held_back) = self.log.allow("feed_failed") {
                tracing::warn!(feed = %check.feed.url, reason, held_back, "feed poll failed");
            }
        }
        let max_url_bytes = self.fetcher.config().max_url_bytes;
        let (entries, too_long): (Vec<FeedEntry>, Vec<FeedEntry>) =
            entries.into_iter().partition(|e| e.url.as_str().len() <= max_url_bytes);
        for entry in too_long {
            // Counted and skipped: no outlet needs an address this long, and a hostile feed
            // could otherwise fill memory and the log with them.
            self.report.drop_for("url_too_long");
            if let Some(held_back) = self.log.allow("url_too_long") {
                let bytes = entry.url.as_str().len();
                tracing::warn!(feed = %check.feed.url, bytes, max_url_bytes, held_back, "link too long; skipped");
            }
        }
        let entries_seen: Vec<_> = entries.iter().filter_map(|e| e.published).collect();
        let known = &mut self.known;
        let new: Vec<FeedEntry> =
            entries.into_iter().filter(|e| known.insert(canonical_url(&e.url).as_str())).collect();
        if let FeedOutcome::Fetched { new_entries, .. } = &mut check.outcome {
            *new_entries = u32::try_from(new.len()).unwrap_or(u32::MAX);
        }
        let result = match (&check.outcome, hard_failure) {
            (FeedOutcome::Fetched { entries, new_entries }, _) => {
                PollResult::Fetched { entries: *entries, new: *new_entries }
            }
            (FeedOutcome::NotModified, _) => PollResult::NotModified,
            (FeedOutcome::Failed { .. }, hard) => {
                PollResult::Failed { hard: hard.unwrap_or(false) }
            }
        };
        let dates = entries_seen;
        let seen = Observation {
            result,
            hints: &hints,
            entry_dates: &dates,
            now: check.checked_at,
            jitter: jitter(check.feed.url.as_str(), check.checked_at),
        };
        let bounds = self.fetcher.config().poll_bounds;
        let (history, next) = next_poll(&check.state.history, &seen, policy, bounds);
        tracing::debug!(feed = %check.feed.url, after = ?next.after, reason = next.reason, "next poll");
        check.state.history = history;
        // The source may be gone (a backfill polls each feed once): nothing to reschedule.
        // It is never full: it holds one place per feed, and a feed has at most one poll
        // in flight, so at most one word waiting.
        let word = Reschedule { feed: check.feed.url.clone(), after: next.after };
        if let Err(mpsc::error::TrySendError::Full(word)) = self.reschedule.try_send(word) {
            tracing::error!(feed = %word.feed, "reschedule channel full; the feed will not be polled again this run");
        }
        check.next_poll = Some(next);
        self.states.insert(check.feed.url.to_string(), check.state.clone());
        // The store keeps the validators only of a feed with no page still to download:
        // a run that ends (a signal, a backfill's last poll) before those pages are stored
        // must not meet a 304 next time, or the entries are never listed again. The next
        // run reads such a feed in full once; the pages it already has are skipped.
        let feed_key = check.feed.url.to_string();
        if !new.is_empty() || self.outstanding.contains_key(&feed_key) {
            check.state.forget_validators();
        }
        let outlet = check.feed.outlet.clone();
        let feed = check.feed.url.to_string();
        let robots = check.feed.respect_robots;
        if self.checks.send(check).await.is_err() {
            self.downstream_gone = true;
            return;
        }
        for entry in new {
            let host = host_key(&entry.url);
            *self.outstanding.entry(feed.clone()).or_default() += 1;
            let page = PendingPage { entry, outlet: outlet.clone(), feed: feed.clone(), robots };
            let pending = Pending::Page(page);
            self.waiting.entry(host.clone()).or_default().push_back(pending);
            self.dispatch(&host).await;
            if self.downstream_gone {
                return;
            }
        }
    }

    /// Starts the waiting polls and pages of `host`, in order, while it has fewer than
    /// `per_host_concurrency` running, each taking a slot of the stage (waiting for one if
    /// none is free).
    async fn dispatch(&mut self, host: &str) {
        let limit = self.fetcher.config().per_host_concurrency.get();
        while self.running.get(host).copied().unwrap_or(0) < limit {
            let Some(queue) = self.waiting.get_mut(host) else { return };
            let Some(next) = queue.pop_front() else { return };
            if queue.is_empty() {
                self.waiting.remove(host);
            }
            let slot = self.slot().await;
            if self.pages.is_closed() {
                self.downstream_gone = true;
                return;
            }
            let fetcher = Arc::clone(&self.fetcher);
            let id = match next {
                Pending::Poll(job) => {
                    let poll = async move {
                        let report = fetcher.poll_report(&job).await;
                        drop(slot);
                        Done::Polled(Box::new(report), job.policy)
                    };
                    self.tasks.spawn(poll.in_current_span()).id()
                }
                Pending::Page(PendingPage { entry, outlet, feed, robots }) => {
                    let span = tracing::debug_span!("page", url = %entry.url);
                    let pages = self.pages.clone();
                    let listed_by = feed.clone();
                    let download = download(fetcher, pages, outlet, feed, entry, slot);
                    let id = self
                        .tasks
                        .spawn(with_robots_policy(robots, download).instrument(span))
                        .id();
                    self.task_feeds.insert(id, listed_by);
                    id
                }
            };
            self.task_hosts.insert(id, host.to_owned());
            *self.running.entry(host.to_owned()).or_default() += 1;
        }
    }
}

/// A number in `[0, 1)` for the backoff's jitter: a hash of the feed and the time, which
/// spreads feeds that failed together without a random-number generator.
fn jitter(feed: &str, now: chrono::DateTime<chrono::Utc>) -> f64 {
    let seed = format!("{feed} {}", now.timestamp_nanos_opt().unwrap_or_default());
    (xxhash_rust::xxh3::xxh3_64(seed.as_bytes()) >> 11) as f64 / (1u64 << 53) as f64
}

/// One page: download it, hand it on, and only then free the slot (that is the
/// backpressure).
async fn download(
    fetcher: Arc<Fetcher>,
    pages: mpsc::Sender<RawPage>,
    outlet: String,
    feed: String,
    entry: FeedEntry,
    _slot: OwnedSemaphorePermit,
) -> Done {
    let url = entry.url.clone();
    match fetcher.fetch_page(&url, &outlet, Some(entry)).await {
        Ok(page) => match pages.send(page).await {
            Ok(()) => Done::PageSent,
            Err(_) => Done::DownstreamGone,
        },
        Err(error) => {
            let retry =
                error.is_passing().then(|| Retry { url: canonical_url(&url).to_string(), feed });
            Done::PageFailed(Box::new(PageFailure { url, error, retry }))
        }
    }
}
