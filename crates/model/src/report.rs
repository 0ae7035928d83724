//! Per-stage counts, reported when a stage ends.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// A stage of the pipeline, in pipeline order (`Ord` follows it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Where work comes from: the feed schedule, or an input file.
    #[default]
    Source,
    /// Feed polls and page downloads.
    Fetch,
    /// HTML to text and metadata.
    Extract,
    /// Holds a burst of articles and releases them oldest-published first.
    Reorder,
    /// Duplicates and events.
    Dedup,
    /// The SQLite writer.
    Store,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 6] =
        [Stage::Source, Stage::Fetch, Stage::Extract, Stage::Reorder, Stage::Dedup, Stage::Store];

    /// The stage's name as logs and reports show it: `source`, `fetch`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Source => "source",
            Stage::Fetch => "fetch",
            Stage::Extract => "extract",
            Stage::Reorder => "reorder",
            Stage::Dedup => "dedup",
            Stage::Store => "store",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What started a run, as the store records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunKind {
    /// `chorus run`: polls feeds until stopped.
    Daemon,
    /// `chorus backfill` over the config's feeds: each once.
    Backfill,
    /// `chorus backfill --jsonl`: a replay of pre-extracted articles.
    Jsonl,
}

impl RunKind {
    /// The name stored in the `runs` table: `daemon`, `backfill` or `jsonl`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Daemon => "daemon",
            RunKind::Backfill => "backfill",
            RunKind::Jsonl => "jsonl",
        }
    }
}

impl fmt::Display for RunKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What one stage did over its life: items in, items out, items dropped and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StageReport {
    /// The stage.
    pub stage: Stage,
    /// Items taken from the input channel.
    pub received: u64,
    /// Items sent on (or, for the store, written).
    pub sent: u64,
    /// Items dropped, by reason. One bad item never stops a stage; it is counted here.
    pub dropped: BTreeMap<String, u64>,
    /// Items that went on but are worth knowing about, by what happened to them (a page
    /// to be tried again, a page cut to its start, an input line with a field ignored).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub noted: BTreeMap<String, u64>,
}

impl StageReport {
    /// An empty report for `stage`.
    pub fn new(stage: Stage) -> Self {
        StageReport { stage, ..Default::default() }
    }

    /// Count `n` items taken from the input (here and in the [live](crate::live()) figures).
    pub fn add_received(&mut self, n: u64) {
        self.received += n;
        crate::live().stage(self.stage).add_received(n);
    }

    /// Count `n` items sent on, or for the store written (here and in the
    /// [live](crate::live()) figures).
    pub fn add_sent(&mut self, n: u64) {
        self.sent += n;
        crate::live().stage(self.stage).add_sent(n);
    }

    /// Count one item dropped for `reason` (here and in the [live](crate::live()) figures).
    pub fn drop_for(&mut self, reason: &str) {
        self.add_dropped(reason, 1);
    }

    /// Count `n` items dropped for `reason` (here and in the [live](crate::live()) figures).
    pub fn add_dropped(&mut self, reason: &str, n: u64) {
        if n == 0 {
            return;
        }
        *self.dropped.entry(reason.to_owned()).or_default() += n;
        crate::live().stage(self.stage).add_dropped(reason, n);
    }

    /// Count one item noted for `what` (see [`StageReport::noted`]).
    pub fn note(&mut self, what: &str) {
        *self.noted.entry(what.to_owned()).or_default() += 1;
    }

    /// Count `n` items noted for `what`.
    pub fn add_noted(&mut self, what: &str, n: u64) {
        if n > 0 {
            *self.noted.entry(what.to_owned()).or_default() += n;
        }
    }

    /// All dropped items, whatever the reason.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.values().sum()
    }
}

impl fmt::Display for StageReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<8} received {:>6}  sent {:>6}", self.stage, self.received, self.sent)?;
        if !self.dropped.is_empty() {
            let reasons: Vec<String> =
                self.dropped.iter().map(|(r, n)| format!("{r}: {n}")).collect();
            write!(f, "  dropped {} ({})", self.dropped_total(), reasons.join(", "))?;
        }
        if !self.noted.is_empty() {
            let notes: Vec<String> = self.noted.iter().map(|(r, n)| format!("{r}: {n}")).collect();
            write!(f, "  noted ({})", notes.join(", "))?;
        }
        Ok(())
    }
}
