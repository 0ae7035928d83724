//! The `[extract]` section of the config file.

use std::num::NonZeroUsize;

use chorus_model::{Problem, Problems};
use serde::{Deserialize, Serialize};

/// Settings of the extraction stage.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractConfig {
    /// Below this many characters of body text the article container is not trusted on its
    /// own: the extractor also tries the page's JSON-LD `articleBody` and keeps the longer
    /// text, and a page this short with many links is flagged `not_article`. Such articles
    /// are still returned; the stage drops only pages with no text at all. The default, 200,
    /// is about two sentences: shorter than the briefest news item, longer than a cookie
    /// notice or a "subscribe to read" teaser.
    pub min_text_chars: usize,
    /// Pages extracted at once, each on its own blocking thread. 0 means one per available
    /// core: extraction is pure CPU work, so more threads than cores only add contention.
    pub workers: usize,
    /// Bytes of a page that are read; the rest is ignored (the cut goes back to the start
    /// of a tag if one begins in the last 4 KB) and a warning logged. Parsing costs time
    /// and memory in proportion to the bytes, and the article is near the top of its page:
    /// news pages weigh 50 KB to 2 MB, and a page past the default, 20 MB, is a dump or an
    /// attack. Pages from the fetch stage are already capped by `fetch.max_body_bytes`;
    /// this cap holds for every caller. At least 1024; at most 2000000000.
    pub max_html_bytes: usize,
    /// Start tags of a page that are read; the page is cut before the first one past the
    /// limit and a warning logged. Elements, not bytes, are what the parser spends most on
    /// (a megabyte of bare tags costs it several times a megabyte of text). Real news pages
    /// have a few thousand; the default, 200000, leaves a wide margin. At least 1000; at
    /// most 10000000.
    pub max_elements: usize,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            min_text_chars: 200,
            workers: 0,
            max_html_bytes: 20_000_000,
            max_elements: 200_000,
        }
    }
}

impl ExtractConfig {
    /// Checks every value and returns them typed, or every problem found, each under its
    /// key (`extract.<key>`).
    pub fn validate(&self) -> Result<ExtractSettings, Vec<Problem>> {
        let mut p = Problems::new("extract");
        if self.min_text_chars > 100_000 {
            p.add(
                "min_text_chars",
                format!(
                    "must be at most 100000 (got {}): longer thresholds would discard whole \
                     articles",
                    self.min_text_chars
                ),
            );
        }
        if self.workers > 1024 {
            p.add(
                "workers",
                format!("must be at most 1024 (got {}); 0 means one per core", self.workers),
            );
        }
        p.between("max_html_bytes", self.max_html_bytes as u64, 1024, 2_000_000_000);
        p.between("max_elements", self.max_elements as u64, 1000, 10_000_000);
        let nonzero = |n: usize| NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        p.finish(|| ExtractSettings {
            min_text_chars: self.min_text_chars,
            // Extraction is pure CPU work: more threads than cores only add contention.
            workers: NonZeroUsize::new(self.workers).unwrap_or_else(|| {
                std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
            }),
            max_html_bytes: nonzero(self.max_html_bytes),
            max_elements: nonzero(self.max_elements),
        })
    }
}

/// The `[extract]` section once checked ([`ExtractConfig::validate`]): what extraction
/// runs with. See [`ExtractConfig`] for what each key means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtractSettings {
    /// `min_text_chars`: at most 100000.
    pub min_text_chars: usize,
    /// Pages extracted at once: `workers`, or the number of cores for 0.
    pub workers: NonZeroUsize,
    /// `max_html_bytes`: between 1024 and 2000000000.
    pub max_html_bytes: NonZeroUsize,
    /// `max_elements`: between 1000 and 10000000.
    pub max_elements: NonZeroUsize,
}

impl Default for ExtractSettings {
    /// The defaults of [`ExtractConfig`], checked.
    fn default() -> Self {
        ExtractConfig::default().validate().expect("the default [extract] config is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_unknown_keys_are_refused() {
        assert_eq!(ExtractSettings::default().max_elements.get(), 200_000);
        let cfg: ExtractConfig = serde_json::from_str(r#"{"workers": 3}"#).unwrap();
        assert_eq!(cfg, ExtractConfig { workers: 3, ..ExtractConfig::default() });
        assert_eq!(cfg.validate().unwrap().workers.get(), 3);
        assert!(serde_json::from_str::<ExtractConfig>(r#"{"worker": 3}"#).is_err());
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let cfg = ExtractConfig {
            min_text_chars: 1_000_000,
            workers: 5000,
            max_html_bytes: 100,
            max_elements: 20_000_000,
        };
        let problems = cfg.validate().unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "extract.min_text_chars",
                "extract.workers",
                "extract.max_html_bytes",
                "extract.max_elements"
            ]
        );
    }

    #[test]
    fn zero_workers_means_one_per_core() {
        let cfg = ExtractConfig { workers: 0, ..ExtractConfig::default() };
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(cfg.validate().unwrap().workers.get(), cores);
    }
}
