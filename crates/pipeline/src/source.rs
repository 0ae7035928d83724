//! Sources: the first stage, and the only one that watches the shutdown signal.
//!
//! The daemon and the backfill run the same pipeline; they differ only here. A finite
//! source drops its sender when done, and every later stage ends when its input closes.

use std::collections::HashMap;
use std::path::PathBuf;

use chorus_model::{FeedJob, FeedState, RunKind, Stage, StageReport};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use crate::config::Feed;

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
}

impl Source {
    /// The kind recorded for runs from this source.
    pub fn kind(&self) -> RunKind {
        match self {
            Source::Feeds { once: false } => RunKind::Daemon,
            Source::Feeds { once: true } => RunKind::Backfill,
            Source::Jsonl(_) => RunKind::Jsonl,
        }
    }
}

/// Sends a [`FeedJob`] for each feed when it is due, until `shutdown` (or, with `once`,
/// after one round). Feeds are spread over the first interval so that a thousand feeds do
/// not all start in the same second.
pub(crate) async fn feed_schedule(
    feeds: Vec<Feed>,
    mut states: HashMap<String, FeedState>,
    once: bool,
    jobs: mpsc::Sender<FeedJob>,
    shutdown: CancellationToken,
) -> StageReport {
    let mut report = StageReport::new(Stage::Source);
    let start = Instant::now();
    let count = feeds.len().max(1) as u32;
    let mut due: Vec<(Instant, usize)> = feeds
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let offset = if once {
                Default::default()
            } else {
                f.interval().min(FIRST_ROUND_SPREAD) / count * i as u32
            };
            (start + offset, i)
        })
        .collect();

    loop {
        due.sort();
        let Some(&(when, i)) = due.first() else { break };
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            // The fetcher is gone (it failed): nothing would poll this feed.
            () = jobs.closed() => break,
            () = sleep_until(when) => {}
        }
        let feed = &feeds[i];
        let state = states.remove(feed.spec().url.as_str()).unwrap_or_default();
        let job = FeedJob { feed: feed.spec().clone(), state };
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            sent = jobs.send(job) => if sent.is_err() { break },
        }
        report.received += 1;
        report.sent += 1;
        if once {
            due.remove(0);
        } else {
            due[0].0 = Instant::now() + feed.interval();
        }
    }
    report
}

/// The longest the daemon takes to make its first round of polls.
const FIRST_ROUND_SPREAD: std::time::Duration = std::time::Duration::from_secs(10);
