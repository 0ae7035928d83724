//! The pipeline's errors: infrastructure failures only. A bad item is counted by its
//! stage, never an error here.

use std::path::PathBuf;
use std::time::Duration;

use chorus_model::Stage;

/// Why a run could not start or did not finish cleanly.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The store failed: the database could not be opened or written.
    #[error(transparent)]
    Store(#[from] chorus_store::StoreError),
    /// The HTTP client could not be built. (Boxed: the fetch error is large, and this
    /// enum travels through every stage's result.)
    #[error(transparent)]
    Fetch(Box<chorus_fetch::FetchError>),
    /// The sentence-embedding model the config names, or the installed one, does not load.
    #[error(transparent)]
    Embed(#[from] chorus_embed::EmbedError),
    /// An input file could not be read.
    #[error("cannot read {}", path.display())]
    Input {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A WARC file stopped being readable part-way (truncated, corrupt, not a WARC
    /// file). What was read before it is stored as usual.
    #[error("{}: {source}", path.display())]
    Warc {
        /// The file.
        path: PathBuf,
        /// What is wrong, and at which byte.
        source: crate::warc::WarcError,
    },
    /// Stages were still running when the shutdown grace period ran out.
    #[error("shutdown grace period of {grace:?} ran out; still running: {}", join(stages))]
    ShutdownTimeout {
        /// The grace period.
        grace: Duration,
        /// The stages that had not finished, in pipeline order: the first is the one the
        /// others were waiting on.
        stages: Vec<Stage>,
    },
    /// A stage panicked: a bug, reported as such.
    #[error("the {stage} stage panicked; this is a bug")]
    Panicked {
        /// The stage.
        stage: Stage,
    },
    /// The work before or after the stages (opening the store, restoring the window,
    /// recording the end of the run) panicked: a bug, reported as such.
    #[error("the {step} panicked; this is a bug")]
    StepPanicked {
        /// What was being done.
        step: &'static str,
    },
}

impl From<chorus_fetch::FetchError> for PipelineError {
    fn from(e: chorus_fetch::FetchError) -> Self {
        PipelineError::Fetch(Box::new(e))
    }
}

/// Stage names, comma-separated.
fn join(stages: &[Stage]) -> String {
    stages.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}
