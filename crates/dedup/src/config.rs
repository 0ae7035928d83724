//! `[dedup]`: how copies are told and how events are formed.

use serde::{Deserialize, Serialize};

/// Settings of the deduplicator and event clusterer, the `[dedup]` section of the config.
///
/// The defaults were chosen for news in general, not for one corpus; the figures quoted
/// are from the development sets of the clustering benchmark (AllSides roundups: headline
/// and lead of each article, one event told by several outlets).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// How far apart in time an article and an event can be for the article to join it,
    /// and how long an event stays in memory after its newest article. Three days covers
    /// the follow-up coverage of most stories; stories that run longer start a new event.
    pub window_hours: u32,
    /// At most this many recent articles are kept in the window (events, copy index,
    /// document frequencies), whatever their times: the memory bound, and the only window
    /// for articles without any time. Articles take about 1 KiB each in the indexes.
    pub max_window_articles: usize,
    /// How many identity keys (canonical URLs) are remembered to recognise an article seen
    /// before, oldest forgotten first: 16 bytes each.
    pub max_known_keys: usize,
    /// Estimated Jaccard similarity of two bodies' word 3-shingles from which the later one
    /// is a copy of the earlier. Reprints with another headline, a sentence changed or
    /// added, or other page furniture score 0.6 to 1; the same story written up
    /// independently scores below 0.15.
    pub near_duplicate_threshold: f32,
    /// Cosine similarity (after time decay) between an article and an event's centroid
    /// from which the article joins the event rather than starting a new one.
    pub cluster_threshold: f32,
    /// Score (as for `cluster_threshold`) between two events from which they are merged,
    /// checked for the events around each new article.
    pub merge_threshold: f32,
    /// Weight of a headline word against a word further down the body.
    pub title_weight: f32,
    /// Weight of a word of the lead (the first `lead_words` words of the body), which in
    /// news states the who, what, where and when.
    pub lead_weight: f32,
    /// Length of the lead, in words.
    pub lead_words: usize,
    /// Only the first this many words of the body count for clustering: news puts what
    /// matters first, and the tail (background, boilerplate) blurs events together.
    pub body_words: usize,
    /// Articles averaged into an article's local scale (its usual similarity to its
    /// nearest neighbours), at most 16. See [`crate::Deduper`] on how events are scored.
    pub neighbours: usize,
    /// Extra weight for names (words capitalised mid-sentence) and numbers: they tell one
    /// storm, trial or vote from another that uses the same common words.
    pub entity_weight: f32,
    /// The similarity to an event halves for every this many hours between the article and
    /// the event's span.
    pub decay_half_life_hours: f32,
    /// Terms kept per article (its heaviest).
    pub max_article_terms: usize,
    /// Terms kept per event centroid (its heaviest).
    pub max_event_terms: usize,
    /// An article's heaviest terms used to look up candidate events in the index.
    pub query_terms: usize,
    /// Candidate events scored exactly per article.
    pub max_candidates: usize,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            window_hours: 72,
            max_window_articles: 20_000,
            max_known_keys: 1_000_000,
            near_duplicate_threshold: 0.5,
            cluster_threshold: 0.05,
            merge_threshold: 0.05,
            title_weight: 3.0,
            lead_weight: 2.0,
            lead_words: 50,
            body_words: 300,
            neighbours: 5,
            entity_weight: 1.5,
            decay_half_life_hours: 12.0,
            max_article_terms: 48,
            max_event_terms: 96,
            query_terms: 12,
            max_candidates: 24,
        }
    }
}

impl DedupConfig {
    /// Every problem with the settings, each naming its key as `dedup.<key>`; empty when
    /// they are usable.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut at_least = |key: &str, value: usize, min: usize| {
            if value < min {
                problems.push(format!("dedup.{key} must be at least {min}"));
            }
        };
        at_least("window_hours", self.window_hours as usize, 1);
        at_least("max_window_articles", self.max_window_articles, 1);
        at_least("max_known_keys", self.max_known_keys, 1);
        at_least("body_words", self.body_words, 1);
        at_least("max_article_terms", self.max_article_terms, 1);
        at_least("max_event_terms", self.max_event_terms, 1);
        at_least("query_terms", self.query_terms, 1);
        at_least("max_candidates", self.max_candidates, 1);
        at_least("neighbours", self.neighbours, 1);
        if self.neighbours > 16 {
            problems.push("dedup.neighbours must be at most 16".to_owned());
        }
        let mut unit = |key: &str, value: f32| {
            if !(0.0..=1.0).contains(&value) || value == 0.0 {
                problems.push(format!("dedup.{key} must be above 0 and at most 1"));
            }
        };
        unit("near_duplicate_threshold", self.near_duplicate_threshold);
        for (key, value) in
            [("cluster_threshold", self.cluster_threshold), ("merge_threshold", self.merge_threshold)]
        {
            if !(-1.0..=1.0).contains(&value) {
                problems.push(format!("dedup.{key} must be between -1 and 1"));
            }
        }
        for (key, value) in [
            ("title_weight", self.title_weight),
            ("lead_weight", self.lead_weight),
            ("entity_weight", self.entity_weight),
            ("decay_half_life_hours", self.decay_half_life_hours),
        ] {
            if !(value.is_finite() && value > 0.0) {
                problems.push(format!("dedup.{key} must be a number above 0"));
            }
        }
        problems
    }

    /// How many of the most recent stored articles to give [`crate::Deduper::restore`] at
    /// start-up: the window, since older ones could not be matched anyway.
    pub fn restore_limit(&self) -> usize {
        self.max_window_articles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(DedupConfig::default().validate().is_empty());
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let cfg = DedupConfig {
            window_hours: 0,
            cluster_threshold: 1.5,
            near_duplicate_threshold: 0.0,
            title_weight: f32::NAN,
            max_candidates: 0,
            ..DedupConfig::default()
        };
        let problems = cfg.validate();
        assert_eq!(problems.len(), 5, "{problems:?}");
        for key in [
            "dedup.window_hours",
            "dedup.cluster_threshold",
            "dedup.near_duplicate_threshold",
            "dedup.title_weight",
            "dedup.max_candidates",
        ] {
            assert!(problems.iter().any(|p| p.starts_with(key)), "{key} missing: {problems:?}");
        }
    }
}
