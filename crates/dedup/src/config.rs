//! `[dedup]`: how copies are told and how events are formed.

use std::num::NonZeroUsize;

use chorus_model::{Problem, Problems};
use serde::{Deserialize, Serialize};

use crate::cluster::{MAX_NEIGHBOURS, Params, Semantic};
use crate::terms::Weights;

/// Settings of the deduplicator and event clusterer, the `[dedup]` section of the config.
///
/// The defaults were chosen for news in general, not for one corpus. The figures quoted
/// are from the development sets of the clustering benchmark (AllSides roundups: headline
/// and lead of each article, one event told by two or three outlets), where the defaults
/// give, online and in file order:
///
/// | set | pairwise F1 | B-cubed F1 | streaming TF-IDF baseline |
/// |---|---|---|---|
/// | dated (799 articles, dates to the day) | 0.914 | 0.953 | 0.708 / 0.897 |
/// | undated (7,833 articles, no time, random order) | 0.569 | 0.754 | 0.334 / 0.724 |
///
/// With `semantic` on (all-MiniLM-L6-v2 vectors of headline and lead mixed in): dated
/// 0.930 / 0.960, undated 0.618 / 0.780 (another random order of undated: 0.577 / 0.759
/// without, 0.611 / 0.778 with).
///
/// Decisions are online, so they depend on the arrival order. Averaged over other orders:
/// dated, 20 orders shuffled within each day, 0.917 / 0.956; dated, 10 random orders all
/// downloaded at one moment (a backfill), 0.891 / 0.948; undated, 3 other random orders,
/// 0.577 / 0.759. The figures quoted for the other keys were taken with `idf_power` 1
/// (before it was lowered to 0.8).
///
/// How an article is scored against an event is explained in [`crate::Deduper`].
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// How far apart in time an article and an event can be for the article to join it,
    /// and how long an event stays in memory after its newest article. Three days covers
    /// the follow-up coverage of most stories; the decay below makes a day-old event hard
    /// to join already.
    pub window_hours: u32,
    /// At most this many recent articles are kept in the window (events, copy index,
    /// document frequencies), whatever their times: the memory bound (about 2.5 KiB per
    /// article, so some 50 MB), and the only window for articles without any time.
    pub max_window_articles: usize,
    /// How many identity keys (canonical URLs) are remembered to recognise an article seen
    /// before, oldest forgotten first; about 24 bytes each.
    pub max_known_keys: usize,
    /// Estimated Jaccard similarity of two bodies' word 3-shingles from which the later one
    /// is a copy of the earlier. Reprints with another headline, a sentence changed or
    /// added, or other page furniture score 0.6 to 1; the same story written up
    /// independently scores below 0.15.
    pub near_duplicate_threshold: f32,
    /// Score from which an article joins its best event rather than starting a new one.
    /// The score is the article's average similarity to the event's articles minus the
    /// mean of their local scales (see [`crate::Deduper`]), so 0 means "as close to the
    /// event as to its usual neighbours"; a little above 0 asks for clearly closer. This
    /// is what a lone article must reach; an event of `n` articles asks `1/n` of it, so
    /// that the article's margins over all its members add up to it (each member it is
    /// closer to is one more piece of evidence, and the members' local scales already
    /// grow with their similarity to each other). Dev: 0.03 gives 0.909 / 0.536 pairwise
    /// F1 (dated / undated), 0.05 gives 0.909 / 0.535, 0.08 gives 0.917 / 0.523 but leaves
    /// a tabloid's write-up apart from the other reports of its event in a quarter of the
    /// arrival orders of the simulated newsroom.
    pub cluster_threshold: f32,
    /// Average similarity (before time decay) an article needs with an event to join it,
    /// whatever the local scales say. Local scales are learned from the stream; this floor
    /// keeps the first articles of a stream, whose neighbourhoods are still empty, from
    /// joining events they merely share a few words with. Dev dated: 0.1 gives 0.909
    /// pairwise F1, 0.2 gives 0.867 (outlets frame one event very differently).
    pub min_similarity: f32,
    /// `min_similarity` for an article or event without any time. With times, the window
    /// and the decay keep an article away from the many older stories that share its
    /// words (last week's jobless claims, last month's vote); without them every story in
    /// the window is a candidate, so more shared content is asked for. Dev undated: 0.1
    /// gives 0.499 pairwise F1, 0.3 gives 0.535, 0.35 gives 0.514.
    pub untimed_min_similarity: f32,
    /// Score (as for `cluster_threshold`) between two events from which they are merged.
    /// When an article joins an event, each other event it also reaches this for (asked
    /// `1/n` of it by an event of `n` articles, as for joining) is merged in if the two
    /// events score this much against each other: the article bridged two halves of one
    /// story. Dev: without merges 0.908 / 0.531 pairwise F1 (dated / undated), with 0.05
    /// 0.909 / 0.535.
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
    /// nearest neighbours), at most 16. Dev: 4 gives 0.906 / 0.532 pairwise F1 (dated /
    /// undated), 5 gives 0.909 / 0.535, 6 gives 0.899 / 0.531.
    pub neighbours: usize,
    /// Extra weight for names (words capitalised mid-sentence) and numbers: they tell one
    /// storm, trial or vote from another that uses the same common words.
    pub entity_weight: f32,
    /// The similarity to an article or event halves for every this many hours between
    /// them (the time to the event's span). News about one event comes out within hours;
    /// a report a day later needs four times the similarity. Dev dated (dates to the day):
    /// 8 and 12 hours give 0.909 pairwise F1, 16 hours 0.905, 48 hours 0.879.
    pub decay_half_life_hours: f32,
    /// Power the inverse document frequency `ln(1 + N/df)` is raised to in a term's
    /// weight. Below 1 it flattens the IDF: in texts as short as a headline and a lead, a
    /// word no other article of the window has yet (a hapax, IDF about 9 over 8,000
    /// articles) would otherwise take most of the vector's length and push down the
    /// similarity of two reports of one event told in different words, while the words
    /// they do share (IDF 3 to 6) are what tells the event. Dev: 1 gives 0.909 / 0.535
    /// pairwise F1 and 0.950 / 0.737 B-cubed F1 (dated / undated), 0.8 gives 0.914 /
    /// 0.544 and 0.953 / 0.742, 0.5 gives 0.915 / 0.547 and 0.955 / 0.743, 0.3 gives
    /// 0.903 / 0.550 and 0.949 / 0.746; 1.5 gives 0.903 / 0.506. Not lower than 0.8: at
    /// 0.5, early in a stream (document frequencies from a few dozen articles) common
    /// words weigh enough to join two unrelated stories of the simulated newsroom in 2
    /// of 200 arrival orders. Between 0 (exclusive) and 4.
    pub idf_power: f32,
    /// Terms kept per article (its heaviest).
    pub max_article_terms: usize,
    /// Terms kept per event centroid (its heaviest).
    pub max_event_terms: usize,
    /// An article's heaviest terms used to look up candidate articles in the index. Terms
    /// no other article in the window is listed under (a headline word only this outlet
    /// used) and terms listed for very many do not count: they find no particular
    /// article. Dev: 8 gives 0.908 / 0.533 pairwise F1 (dated / undated), 12 gives
    /// 0.909 / 0.535, 16 gives 0.909 / 0.533, each more costing time.
    pub query_terms: usize,
    /// Candidate articles scored exactly per article; their events are the candidate
    /// events.
    pub max_candidates: usize,
    /// Factor on the similarity of two texts (or of an article and an event), when either
    /// has no time of its own, whose headlines and leads both name a weekday and name one
    /// in common; likewise for months and for years, the factors multiplying. Reports of
    /// one event say the same day. Dev undated, with `date_disagree` 0.6: 1 gives 0.568
    /// pairwise F1 and 0.752 B-cubed F1, 1.1 gives 0.569 and 0.754, 1.2 gives 0.564 and
    /// 0.754; over three other arrival orders 1.1 against 1 gains 0 to 0.006 pairwise and
    /// 0.001 to 0.005 B-cubed.
    pub date_agree: f32,
    /// Factor on the similarity, as for `date_agree`, when both name a weekday (or a
    /// month, or a year) and none of them agree: last Tuesday's vote and this Thursday's
    /// share most of their words. Weekdays named in the lead agree for 87% of the pairs of
    /// reports of one event on the undated dev set and for 30% of the pairs of an
    /// article and its nearest other stories. Dev undated, with `date_agree` 1: 1 (named
    /// dates ignored) gives
    /// 0.544 pairwise F1 and 0.742 B-cubed F1, 0.6 gives 0.568 and 0.752, 0.5 gives 0.564
    /// and 0.750, 0.3 gives 0.562 and 0.749; over three other arrival orders 0.6 gains
    /// 0.026 to 0.037 pairwise. Dated articles are compared by their times instead (with
    /// the factor on them too, 0.5 lowered dated pairwise F1 from 0.914 to 0.907). Between
    /// 0 (exclusive) and 1.
    pub date_disagree: f32,
    /// Whether articles are also compared by meaning: a sentence embedding of the headline
    /// and lead (see [`crate::Prepared::meaning_text`]) from the `[embed]` model, mixed
    /// into the similarity of two articles and of an article and an event. Reports of one
    /// event told in different words ("blaze" and "fire", "the senator" and her name)
    /// share few terms but say the same thing. `true` or `false` decides; unset leaves it
    /// to the command: on for the daemon (`chorus run`), off for a backfill, whose many
    /// thousands of old articles would each cost an embedding (about 80 a second per core).
    /// Articles without a vector (no model, an embedding that failed, articles restored
    /// from the store) are compared by their words alone. The figures are under
    /// `semantic_weight`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantic: Option<bool>,
    /// Share of the meaning in the mixed similarity of two texts that both have a vector:
    /// `(1 - w) * words + w * meaning`, where `words` is the cosine of the term vectors and
    /// `meaning` the embedding cosine mapped by `semantic_floor`. Every threshold and floor
    /// above then applies to the mix. 0 turns the mixing off.
    /// Dev undated (pairwise / B-cubed F1; 0.569 / 0.754 without vectors), with
    /// `semantic_floor` 0.5: 0.2 gives 0.603 / 0.773, 0.3 gives 0.611 / 0.778, 0.4 gives
    /// 0.605 / 0.775, 0.5 gives 0.597 / 0.772, 0.7 gives 0.584 / 0.767 (these before the
    /// extra candidates scored for an article with a vector, which bring 0.3 to 0.618 /
    /// 0.780). Dev dated: 0.914 / 0.953 without, 0.930 / 0.960 with 0.3. Between 0 and 1.
    pub semantic_weight: f32,
    /// Embedding cosine that counts as no likeness at all: `meaning = max(0, (cos - floor)
    /// / (1 - floor))`. Unrelated news still has a cosine of 0.1 to 0.3 with all-MiniLM-L6-v2
    /// (shared register, shared topics), while the cosine of term vectors of unrelated
    /// texts is near 0; the floor puts the two on one scale. Between 0 and 1 (exclusive).
    /// Dev undated, `semantic_weight` 0.3 (as above): 0.2 gives 0.576 / 0.762, 0.3 gives
    /// 0.590 / 0.770, 0.4 gives 0.599 / 0.773, 0.5 gives 0.611 / 0.778, 0.6 gives 0.597 /
    /// 0.768, 0.7 gives 0.554 / 0.743. A low floor lets the common register of news
    /// glue unrelated stories; a high one keeps only near paraphrases.
    pub semantic_floor: f32,
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
            min_similarity: 0.1,
            untimed_min_similarity: 0.3,
            title_weight: 3.0,
            lead_weight: 2.0,
            lead_words: 50,
            body_words: 300,
            neighbours: 5,
            entity_weight: 1.5,
            decay_half_life_hours: 12.0,
            idf_power: 0.8,
            max_article_terms: 48,
            max_event_terms: 96,
            query_terms: 12,
            max_candidates: 10,
            date_agree: 1.1,
            date_disagree: 0.6,
            semantic: None,
            semantic_weight: 0.3,
            semantic_floor: 0.5,
        }
    }
}

impl DedupConfig {
    /// Checks every value and returns the parameters the deduplicator and clusterer run
    /// with, or every problem found, each under its key (`dedup.<key>`).
    pub fn validate(&self) -> Result<DedupSettings, Vec<Problem>> {
        let mut p = Problems::new("dedup");
        p.at_least("window_hours", u64::from(self.window_hours), 1);
        for (key, value) in [
            ("max_window_articles", self.max_window_articles),
            ("max_known_keys", self.max_known_keys),
            ("body_words", self.body_words),
            ("max_article_terms", self.max_article_terms),
            ("max_event_terms", self.max_event_terms),
            ("query_terms", self.query_terms),
            ("max_candidates", self.max_candidates),
        ] {
            p.at_least(key, value as u64, 1);
        }
        p.between("neighbours", self.neighbours as u64, 1, MAX_NEIGHBOURS as u64);
        for (key, value) in [
            ("near_duplicate_threshold", self.near_duplicate_threshold),
            ("min_similarity", self.min_similarity),
            ("untimed_min_similarity", self.untimed_min_similarity),
            ("date_disagree", self.date_disagree),
        ] {
            if !(value > 0.0 && value <= 1.0) {
                p.add(key, format!("must be above 0 and at most 1 (got {value})"));
            }
        }
        for (key, value) in [
            ("cluster_threshold", self.cluster_threshold),
            ("merge_threshold", self.merge_threshold),
        ] {
            if !(-1.0..=1.0).contains(&value) {
                p.add(key, format!("must be between -1 and 1 (got {value})"));
            }
        }
        for (key, value) in [
            ("title_weight", self.title_weight),
            ("lead_weight", self.lead_weight),
            ("entity_weight", self.entity_weight),
            ("decay_half_life_hours", self.decay_half_life_hours),
            ("date_agree", self.date_agree),
        ] {
            if !(value.is_finite() && value > 0.0) {
                p.add(key, format!("must be a number above 0 (got {value})"));
            }
        }
        if !(0.0..=1.0).contains(&self.semantic_weight) {
            p.add(
                "semantic_weight",
                format!("must be between 0 and 1 (got {})", self.semantic_weight),
            );
        }
        if !(self.semantic_floor >= 0.0 && self.semantic_floor < 1.0) {
            p.add(
                "semantic_floor",
                format!("must be at least 0 and below 1 (got {})", self.semantic_floor),
            );
        }
        if !(self.idf_power > 0.0 && self.idf_power <= 4.0) {
            p.add("idf_power", format!("must be above 0 and at most 4 (got {})", self.idf_power));
        }
        let nonzero = |n: usize| NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        p.finish(|| DedupSettings {
            weights: Weights {
                title: self.title_weight,
                lead: self.lead_weight,
                lead_words: self.lead_words,
                body_words: self.body_words,
                entity: self.entity_weight,
                max_terms: self.max_article_terms,
            },
            params: Params {
                threshold: self.cluster_threshold,
                merge_threshold: self.merge_threshold,
                min_similarity: self.min_similarity,
                untimed_min_similarity: self.untimed_min_similarity,
                window_secs: i64::from(self.window_hours) * 3600,
                half_life_secs: f64::from(self.decay_half_life_hours) * 3600.0,
                neighbours: self.neighbours,
                max_event_terms: self.max_event_terms,
                query_terms: self.query_terms,
                candidates: self.max_candidates,
                date_agree: self.date_agree,
                date_disagree: self.date_disagree,
                semantic: Semantic { weight: self.semantic_weight, floor: self.semantic_floor },
            },
            semantic: self.semantic,
            near_duplicate_threshold: self.near_duplicate_threshold,
            idf_power: self.idf_power,
            max_window_articles: nonzero(self.max_window_articles),
            max_known_keys: nonzero(self.max_known_keys),
        })
    }
}

/// The `[dedup]` section once checked ([`DedupConfig::validate`]): the parameters of term
/// weighting, copy detection and event placement, in the form the deduplicator uses them.
/// The only way to make a [`crate::Deduper`].
#[derive(Clone, Debug)]
pub struct DedupSettings {
    pub(crate) weights: Weights,
    pub(crate) params: Params,
    pub(crate) near_duplicate_threshold: f32,
    pub(crate) idf_power: f32,
    pub(crate) max_window_articles: NonZeroUsize,
    pub(crate) max_known_keys: NonZeroUsize,
    pub(crate) semantic: Option<bool>,
}

impl DedupSettings {
    /// How many of the most recent stored articles to give [`crate::Deduper::restore`] at
    /// start-up: the window, since older ones could not be matched anyway.
    pub fn restore_limit(&self) -> usize {
        self.max_window_articles.get()
    }

    /// `semantic` as configured: `Some(true)` or `Some(false)` when the file says, `None`
    /// when it leaves it to the command (on for the daemon, off for a backfill). The
    /// caller gives the stage a model ([`crate::run`]) or not accordingly; the settings
    /// themselves only say how vectors are mixed in when they are there.
    pub fn semantic(&self) -> Option<bool> {
        self.semantic
    }

    /// How many words of the body go into the text embedded with the headline
    /// (`lead_words`).
    pub fn lead_words(&self) -> usize {
        self.weights.lead_words
    }
}

impl Default for DedupSettings {
    /// The defaults of [`DedupConfig`], checked.
    fn default() -> Self {
        DedupConfig::default().validate().expect("the default [dedup] config is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let settings = DedupSettings::default();
        assert_eq!(settings.restore_limit(), 20_000);
        assert_eq!(settings.params.window_secs, 72 * 3600);
    }

    #[test]
    fn semantic_is_left_to_the_command_unless_set() {
        assert_eq!(DedupSettings::default().semantic(), None);
        for (json, want) in [(r#"{"semantic": true}"#, Some(true)), (r#"{}"#, None)] {
            let cfg: DedupConfig = serde_json::from_str(json).unwrap();
            assert_eq!(cfg.validate().unwrap().semantic(), want, "{json}");
        }
        let cfg: DedupConfig = serde_json::from_str(r#"{"semantic": false}"#).unwrap();
        assert_eq!(cfg.validate().unwrap().semantic(), Some(false));
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let cfg = DedupConfig {
            window_hours: 0,
            cluster_threshold: 1.5,
            near_duplicate_threshold: 0.0,
            title_weight: f32::NAN,
            max_candidates: 0,
            semantic_weight: 1.5,
            semantic_floor: 1.0,
            ..DedupConfig::default()
        };
        let problems = cfg.validate().unwrap_err();
        assert_eq!(problems.len(), 7, "{problems:?}");
        for key in [
            "dedup.window_hours",
            "dedup.cluster_threshold",
            "dedup.near_duplicate_threshold",
            "dedup.title_weight",
            "dedup.max_candidates",
            "dedup.semantic_weight",
            "dedup.semantic_floor",
        ] {
            assert!(problems.iter().any(|p| p.key == key), "{key} missing: {problems:?}");
        }
    }
}
