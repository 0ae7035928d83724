//! Per-stage counts, reported when a stage ends.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// What one stage did over its life: items in, items out, items dropped and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StageReport {
    /// The stage's name ("fetch", "extract", …).
    pub stage: String,
    /// Items taken from the input channel.
    pub received: u64,
    /// Items sent on (or, for the store, written).
    pub sent: u64,
    /// Items dropped, by reason. One bad item never stops a stage; it is counted here.
    pub dropped: BTreeMap<String, u64>,
}

impl StageReport {
    /// An empty report for `stage`.
    pub fn new(stage: &str) -> Self {
        StageReport { stage: stage.to_owned(), ..Default::default() }
    }

    /// Count one item dropped for `reason`.
    pub fn drop_for(&mut self, reason: &str) {
        *self.dropped.entry(reason.to_owned()).or_default() += 1;
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
        Ok(())
    }
}
