//! The `[extract]` section of the config file.

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
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig { min_text_chars: 200, workers: 0 }
    }
}

impl ExtractConfig {
    /// Every problem with the settings, each naming its key (`extract.<key>`).
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.min_text_chars > 100_000 {
            problems.push(format!(
                "extract.min_text_chars must be at most 100000 (got {}): longer thresholds \
                 would discard whole articles",
                self.min_text_chars
            ));
        }
        if self.workers > 1024 {
            problems.push(format!(
                "extract.workers must be at most 1024 (got {}); 0 means one per core",
                self.workers
            ));
        }
        problems
    }

    /// The number of pages to extract at once: `workers`, or the number of cores for 0.
    pub fn effective_workers(&self) -> usize {
        if self.workers > 0 {
            return self.workers;
        }
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_unknown_keys_are_refused() {
        assert!(ExtractConfig::default().validate().is_empty());
        let cfg: ExtractConfig = serde_json::from_str(r#"{"workers": 3}"#).unwrap();
        assert_eq!(cfg, ExtractConfig { workers: 3, ..ExtractConfig::default() });
        assert!(serde_json::from_str::<ExtractConfig>(r#"{"worker": 3}"#).is_err());
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let cfg = ExtractConfig { min_text_chars: 1_000_000, workers: 5000 };
        let problems = cfg.validate();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].starts_with("extract.min_text_chars"));
        assert!(problems[1].starts_with("extract.workers"));
        assert!(ExtractConfig { workers: 0, ..cfg }.effective_workers() >= 1);
    }
}
