//! `[store]`: where the database lives and how writes are batched.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use chorus_model::{Problem, Problems};
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
    /// The most the database file may grow to, in MiB (fractions allowed); 0 (the
    /// default) is no limit but the disk's. A daemon that reaches it stops with a clear
    /// error, losing nothing stored; raise it (or free space) and start again to go on.
    pub max_size_mb: f64,
    /// Keep each stored article's downloaded page, compressed (zstd), with its fetch time
    /// and response headers, so that `chorus reextract` can extract it again. Default true.
    pub keep_raw: bool,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            path: PathBuf::from("chorus.db"),
            batch_size: 256,
            flush_interval_ms: 500,
            max_size_mb: 0.0,
            keep_raw: true,
        }
    }
}

impl StoreConfig {
    /// Checks every value and returns them typed, or every problem found, each under its
    /// key (`store.<key>`).
    pub fn validate(&self) -> Result<StoreSettings, Vec<Problem>> {
        let mut p = Problems::new("store");
        if self.path.as_os_str().is_empty() {
            p.add("path", "must not be empty");
        }
        p.at_least("batch_size", self.batch_size as u64, 1);
        p.at_least("flush_interval_ms", self.flush_interval_ms, 1);
        if !(self.max_size_mb.is_finite() && self.max_size_mb >= 0.0) {
            p.add("max_size_mb", "must be a size in MiB, 0 or more (0: no limit)");
        }
        p.finish(|| StoreSettings {
            path: self.path.clone(),
            batch_size: NonZeroUsize::new(self.batch_size).unwrap_or(NonZeroUsize::MIN),
            flush_interval: Duration::from_millis(self.flush_interval_ms),
            max_bytes: (self.max_size_mb > 0.0).then_some((self.max_size_mb * 1_048_576.0) as u64),
            keep_raw: self.keep_raw,
        })
    }
}

/// The `[store]` section once checked ([`StoreConfig::validate`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreSettings {
    /// The SQLite file (`path`, not empty).
    pub path: PathBuf,
    /// Rows per write transaction, at most (`batch_size`).
    pub batch_size: NonZeroUsize,
    /// How long the first row of a partial batch waits (`flush_interval_ms`, at least 1 ms).
    pub flush_interval: Duration,
    /// The most the file may grow to (`max_size_mb`), if limited.
    pub max_bytes: Option<u64>,
    /// Whether downloaded pages are kept beside their articles (`keep_raw`).
    pub keep_raw: bool,
}

impl Default for StoreSettings {
    /// The defaults of [`StoreConfig`], checked.
    fn default() -> Self {
        StoreConfig::default().validate().expect("the default [store] config is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let settings = StoreSettings::default();
        assert_eq!(settings.flush_interval, Duration::from_millis(500));
        assert_eq!(settings.batch_size.get(), 256);
        assert!(settings.keep_raw, "pages are kept unless the config says otherwise");
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let cfg = StoreConfig {
            path: PathBuf::new(),
            batch_size: 0,
            flush_interval_ms: 0,
            max_size_mb: -1.0,
            keep_raw: true,
        };
        let problems = cfg.validate().unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            ["store.path", "store.batch_size", "store.flush_interval_ms", "store.max_size_mb"]
        );
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
