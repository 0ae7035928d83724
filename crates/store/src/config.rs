//! `[store]`: where the database lives and how writes are batched.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The `[store]` section of the config file.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// The SQLite file; created, with its schema, if missing. Default `chorus.db`.
    pub path: PathBuf,
    /// Rows (articles plus feed checks) per write transaction, at most. Default 256.
    /// Larger batches write faster; smaller ones make new articles visible sooner.
    pub batch_size: usize,
    /// A partial batch is written once its first row has waited this long. Default 500.
    pub flush_interval_ms: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { path: PathBuf::from("chorus.db"), batch_size: 256, flush_interval_ms: 500 }
    }
}

impl StoreConfig {
    /// Every problem with these values, each naming its key (`store.batch_size`).
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.path.as_os_str().is_empty() {
            problems.push("store.path must not be empty".to_owned());
        }
        if self.batch_size == 0 {
            problems.push("store.batch_size must be at least 1".to_owned());
        }
        if self.flush_interval_ms == 0 {
            problems.push("store.flush_interval_ms must be at least 1".to_owned());
        }
        problems
    }

    /// [`StoreConfig::flush_interval_ms`] as a duration (at least 1 ms).
    pub fn flush_interval(&self) -> Duration {
        Duration::from_millis(self.flush_interval_ms.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(StoreConfig::default().validate().is_empty());
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let cfg = StoreConfig { path: PathBuf::new(), batch_size: 0, flush_interval_ms: 0 };
        let problems = cfg.validate();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.starts_with("store.path ")));
        assert!(problems.iter().any(|p| p.starts_with("store.batch_size ")));
        assert!(problems.iter().any(|p| p.starts_with("store.flush_interval_ms ")));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = serde_json::from_str::<StoreConfig>(r#"{"batchsize": 3}"#);
        assert!(err.is_err());
        let cfg: StoreConfig = serde_json::from_str(r#"{"batch_size": 3}"#).unwrap();
        assert_eq!(cfg.batch_size, 3);
        assert_eq!(cfg.flush_interval_ms, 500);
    }
}
