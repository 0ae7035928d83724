//! Errors of this crate.

/// What can go wrong when setting up the deduplicator.
#[derive(Debug, thiserror::Error)]
pub enum DedupError {
    /// The `[dedup]` settings are not usable.
    #[error("invalid [dedup] settings: {}", problems.join("; "))]
    InvalidConfig {
        /// Every problem found, each naming its key.
        problems: Vec<String>,
    },
}
