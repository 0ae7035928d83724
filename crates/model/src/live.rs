//! Live figures: what the running pipeline has done so far, for a monitoring system.
//!
//! A [`StageReport`](crate::StageReport) tells what a stage did once it ends; a daemon
//! runs for months, so the same counts are also kept here as they happen, with what only
//! a running process knows: how full each channel is, how long fetches take by outcome,
//! and whether every stage is still alive. The figures are process-wide, like a metrics
//! registry: one process runs one pipeline, and counters restart at zero with it.
//!
//! ```
//! use chorus_model::{Stage, StageReport, live};
//! let before = live().stage(Stage::Dedup).received();
//! let mut report = StageReport::new(Stage::Dedup);
//! report.add_received(2);
//! assert_eq!(live().stage(Stage::Dedup).received(), before + 2);
//! ```

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};

use crate::Stage;

/// The process's live figures.
pub fn live() -> &'static Live {
    static LIVE: LazyLock<Live> = LazyLock::new(Live::default);
    &LIVE
}

/// Upper bounds (seconds) of the latency histograms' buckets (fetch times, article ages);
/// the last bucket, `+Inf`, is implied.
pub const LATENCY_BUCKETS: [f64; 11] =
    [0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// Everything the running pipeline shares live. Get it with [`live`].
#[derive(Default)]
pub struct Live {
    stages: [StageFigures; Stage::ALL.len()],
    queues: Mutex<Vec<Queue>>,
    fetches: Mutex<BTreeMap<(&'static str, String), Histogram>>,
    store_failure: Mutex<Option<String>>,
    /// Whether stages record articles' ages ([`Live::track_ages`]).
    track_ages: AtomicBool,
}

/// A channel whose depth is read when figures are asked for.
struct Queue {
    name: &'static str,
    /// Items waiting and the channel's capacity; `None` once the channel is gone.
    depth: Box<dyn Fn() -> Option<(usize, usize)> + Send + Sync>,
}

/// One stage's live counts and state.
#[derive(Default)]
pub struct StageFigures {
    received: AtomicU64,
    sent: AtomicU64,
    dropped: Mutex<BTreeMap<String, u64>>,
    state: AtomicU8,
    /// CPU time spent on the stage's work, nanoseconds (see [`StageFigures::timed`]).
    cpu_nanos: AtomicU64,
    /// How long after its download each article left the stage (see
    /// [`Live::track_ages`]).
    ages: Mutex<Histogram>,
}

/// Where a stage is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageState {
    /// Not started in this process (a JSONL replay has no fetch stage).
    Idle,
    /// Started and not ended.
    Running,
    /// Ended after its input closed.
    Ended,
    /// Ended with an error or a panic.
    Failed,
}

impl StageState {
    fn from_u8(n: u8) -> StageState {
        match n {
            1 => StageState::Running,
            2 => StageState::Ended,
            3 => StageState::Failed,
            _ => StageState::Idle,
        }
    }

    /// `idle`, `running`, `ended` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            StageState::Idle => "idle",
            StageState::Running => "running",
            StageState::Ended => "ended",
            StageState::Failed => "failed",
        }
    }
}

impl StageFigures {
    /// Items taken from the stage's input so far.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    /// Items sent on (for the store: written) so far.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Items dropped so far, by reason.
    pub fn dropped(&self) -> BTreeMap<String, u64> {
        lock(&self.dropped).clone()
    }

    /// Where the stage is in its life.
    pub fn state(&self) -> StageState {
        StageState::from_u8(self.state.load(Ordering::Relaxed))
    }

    /// Records the stage's start, or its end.
    pub fn set_state(&self, state: StageState) {
        let n = match state {
            StageState::Idle => 0,
            StageState::Running => 1,
            StageState::Ended => 2,
            StageState::Failed => 3,
        };
        self.state.store(n, Ordering::Relaxed);
    }

    /// Runs `work` and counts the CPU time the calling thread spent in it as this
    /// stage's. Stages share threads (the async runtime's, the blocking pool's), so CPU is
    /// counted around each item's work rather than per thread: what is left of the
    /// process's CPU time is the channels, the runtime and the rest.
    pub fn timed<T>(&self, work: impl FnOnce() -> T) -> T {
        let started = thread_cpu();
        let done = work();
        let spent = thread_cpu().saturating_sub(started);
        self.cpu_nanos
            .fetch_add(u64::try_from(spent.as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
        done
    }

    /// CPU time counted for the stage so far, in seconds.
    pub fn cpu_seconds(&self) -> f64 {
        self.cpu_nanos.load(Ordering::Relaxed) as f64 / 1e9
    }

    /// The ages of the articles that left the stage so far ([`Live::observe_age`]).
    pub fn ages(&self) -> Histogram {
        lock(&self.ages).clone()
    }

    pub(crate) fn add_received(&self, n: u64) {
        self.received.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn add_sent(&self, n: u64) {
        self.sent.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn add_dropped(&self, reason: &str, n: u64) {
        let mut dropped = lock(&self.dropped);
        match dropped.get_mut(reason) {
            Some(count) => *count += n,
            None => {
                dropped.insert(reason.to_owned(), n);
            }
        }
    }
}

/// A channel's fill at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueDepth {
    /// The channel, by what it carries (`pages`, `articles`, …).
    pub name: &'static str,
    /// Items waiting in it.
    pub depth: usize,
    /// The most it holds.
    pub capacity: usize,
}

/// How long fetches of one kind and outcome took, or how old articles were as they left a
/// stage.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// Observations at or under each bound of [`LATENCY_BUCKETS`] (not cumulative).
    pub buckets: [u64; LATENCY_BUCKETS.len()],
    /// Every observation, `+Inf` bucket included.
    pub count: u64,
    /// Their total, seconds.
    pub sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = LATENCY_BUCKETS.iter().position(|&bound| seconds <= bound) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// One fetch histogram: what was fetched, how it ended, how long it took.
#[derive(Clone, Debug, PartialEq)]
pub struct FetchLatency {
    /// `feed`, `page` or `sitemap`.
    pub kind: &'static str,
    /// `ok`, `not_modified`, or the failure's reason (`timeout`, `http_404`, …).
    pub outcome: String,
    /// The times.
    pub histogram: Histogram,
}

impl Live {
    /// The figures of `stage`.
    pub fn stage(&self, stage: Stage) -> &StageFigures {
        &self.stages[stage as usize]
    }

    /// Watches a channel: `depth` says how many items wait in it and its capacity, or
    /// `None` once it is gone (then it is forgotten).
    pub fn watch_queue(
        &self,
        name: &'static str,
        depth: impl Fn() -> Option<(usize, usize)> + Send + Sync + 'static,
    ) {
        let mut queues = lock(&self.queues);
        queues.retain(|q| q.name != name);
        queues.push(Queue { name, depth: Box::new(depth) });
    }

    /// Each watched channel's fill now, in the order they were watched.
    pub fn queues(&self) -> Vec<QueueDepth> {
        let mut queues = lock(&self.queues);
        let mut out = Vec::new();
        queues.retain(|q| match (q.depth)() {
            Some((depth, capacity)) => {
                out.push(QueueDepth { name: q.name, depth, capacity });
                true
            }
            None => false,
        });
        out
    }

    /// Records one fetch of `kind` that ended with `outcome` after `seconds` (the request
    /// itself: waits for the host's turn are not counted).
    pub fn observe_fetch(&self, kind: &'static str, outcome: &str, seconds: f64) {
        let mut fetches = lock(&self.fetches);
        fetches.entry((kind, outcome.to_owned())).or_default().observe(seconds);
    }

    /// Every fetch histogram, by kind then outcome.
    pub fn fetch_latencies(&self) -> Vec<FetchLatency> {
        lock(&self.fetches)
            .iter()
            .map(|((kind, outcome), histogram)| FetchLatency {
                kind,
                outcome: outcome.clone(),
                histogram: histogram.clone(),
            })
            .collect()
    }

    /// Makes every stage record how long after its download each article leaves it
    /// ([`Live::observe_age`]): the daemon's pipeline latency by stage. Off by
    /// default: a backfill's pages were downloaded long ago (a WARC record's date), so
    /// their ages say nothing about the pipeline.
    pub fn track_ages(&self, on: bool) {
        self.track_ages.store(on, Ordering::Relaxed);
    }

    /// Records that an article downloaded at `fetched_at` leaves `stage` now, when ages
    /// are tracked ([`Live::track_ages`]) and the article was downloaded.
    pub fn observe_age(&self, stage: Stage, fetched_at: Option<crate::Timestamp>) {
        if !self.track_ages.load(Ordering::Relaxed) {
            return;
        }
        if let Some(at) = fetched_at {
            let age = (chrono::Utc::now() - at).num_microseconds().unwrap_or(i64::MAX);
            lock(&self.stage(stage).ages).observe(age.max(0) as f64 / 1e6);
        }
    }

    /// Records that the store could not write (`Some(why)`), or wrote again (`None`).
    pub fn set_store_failure(&self, why: Option<String>) {
        *lock(&self.store_failure) = why;
    }

    /// Whether every stage started in this process is still running and the store's last
    /// write succeeded; else what is wrong.
    pub fn health(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        for stage in Stage::ALL {
            match self.stage(stage).state() {
                StageState::Idle | StageState::Running => {}
                state => problems.push(format!("stage {stage} {}", state.as_str())),
            }
        }
        if let Some(why) = lock(&self.store_failure).as_ref() {
            problems.push(format!("store cannot write: {why}"));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
    }
}

/// The CPU time the calling thread has used so far.
fn thread_cpu() -> std::time::Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    std::time::Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// A lock whose holder panicked still guards plain counts: use them.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fetch_falls_in_the_first_bucket_that_holds_it() {
        let mut h = Histogram::default();
        for s in [0.01, 0.025, 0.3, 120.0] {
            h.observe(s);
        }
        assert_eq!(h.buckets[0], 2);
        assert_eq!(h.buckets[4], 1);
        assert_eq!(h.buckets.iter().sum::<u64>(), 3, "120 s is only in +Inf");
        assert_eq!(h.count, 4);
    }

    #[test]
    fn a_stage_that_ended_or_failed_or_a_store_that_cannot_write_is_unhealthy() {
        let live = Live::default();
        assert_eq!(live.health(), Ok(()));
        live.stage(Stage::Fetch).set_state(StageState::Running);
        assert_eq!(live.health(), Ok(()));
        live.stage(Stage::Dedup).set_state(StageState::Failed);
        live.set_store_failure(Some("disk full".into()));
        assert_eq!(live.health(), Err("stage dedup failed; store cannot write: disk full".into()));
    }

    #[test]
    fn work_is_counted_by_the_cpu_it_takes_not_the_time_it_waits() {
        let live = Live::default();
        let figures = live.stage(Stage::Extract);
        let sum = figures.timed(|| {
            let started = std::time::Instant::now();
            let mut sum = 0u64;
            while started.elapsed() < std::time::Duration::from_millis(30) {
                sum = sum.wrapping_add(std::hint::black_box(sum) ^ 7);
            }
            sum
        });
        std::hint::black_box(sum);
        let busy = figures.cpu_seconds();
        // Spinning for 30 ms takes CPU; a shared machine may take some of it away.
        assert!(busy > 0.005, "counted {busy} s");
        figures.timed(|| std::thread::sleep(std::time::Duration::from_millis(50)));
        let slept = figures.cpu_seconds() - busy;
        assert!(slept < 0.02, "a sleep counted as {slept} s of CPU");
        assert_eq!(live.stage(Stage::Dedup).cpu_seconds(), 0.0, "other stages untouched");
    }

    #[test]
    fn ages_are_recorded_only_while_tracked() {
        let live = Live::default();
        let two_seconds_ago = chrono::Utc::now() - chrono::Duration::seconds(2);
        live.observe_age(Stage::Reorder, Some(two_seconds_ago));
        assert_eq!(live.stage(Stage::Reorder).ages().count, 0, "not tracked");
        live.track_ages(true);
        live.observe_age(Stage::Reorder, Some(two_seconds_ago));
        live.observe_age(Stage::Reorder, None);
        let ages = live.stage(Stage::Reorder).ages();
        assert_eq!(ages.count, 1, "an article never downloaded has no age");
        // 2 s falls in the 2.5 s bucket.
        assert_eq!(ages.buckets[6], 1, "{ages:?}");
        assert!((2.0..3.0).contains(&ages.sum), "{ages:?}");
    }

    #[test]
    fn a_queue_that_is_gone_is_forgotten() {
        let live = Live::default();
        let gone = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&gone);
        live.watch_queue("pages", move || (!flag.load(Ordering::Relaxed)).then_some((3, 8)));
        assert_eq!(live.queues(), [QueueDepth { name: "pages", depth: 3, capacity: 8 }]);
        gone.store(true, Ordering::Relaxed);
        assert!(live.queues().is_empty());
    }
}
