//! What a run did, stage by stage.

use std::fmt;
use std::time::Duration;

use chorus_model::{Stage, StageReport};
use serde::Serialize;

/// The per-stage summary of one run, printed when a backfill or the daemon ends.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    /// One report per stage, in pipeline order.
    pub stages: Vec<StageReport>,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl RunReport {
    /// The report of one stage.
    pub fn stage(&self, stage: Stage) -> Option<&StageReport> {
        self.stages.iter().find(|s| s.stage == stage)
    }
}

impl fmt::Display for RunReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for stage in &self.stages {
            writeln!(f, "  {stage}")?;
        }
        write!(f, "  took {:.1} s", self.elapsed.as_secs_f64())
    }
}
