//! Whether two sentences state the same thing: a logistic model over a few explainable
//! features of the pair, with the sentence-embedding cosine among them when a model is
//! loaded.
//!
//! Neither signal alone is enough. Words miss paraphrase ("refused to deploy troops" and
//! "will not send soldiers" share one word); embeddings score two sentences about the same
//! people and setting alike even when one makes a claim the other does not, and they
//! barely see that "26 countries" is not "39 countries". The features below are what a
//! reader checks: do the sentences mean alike (embedding), use the same rare words in the
//! same order, give the same figures, and say about as much?
//!
//! Two more were tried and left out. Names one sentence has and the other does not
//! mention added nothing the shared rare words do not already carry. A denial on one side
//! only ("not", "never", "didn't") added half a point of accuracy on the judged pairs but
//! parted retellings from their sources: "refused to deploy troops" restates "will not
//! send troops" with no negation word.

use crate::numbers::Number;
use crate::sentence::{Idf, SentenceInfo};

/// The features of a pair of sentences the [`Matcher`] weighs. Each is symmetric: the
/// order of the two sentences does not matter.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Features {
    /// Cosine of the two sentences' embeddings; `None` without a model.
    pub cosine: Option<f32>,
    /// Cosine of the two sets of content-word stems, each weighted by its [`Idf`].
    pub tfidf: f32,
    /// The lower of the two sentences' shares (by [`Idf`] weight) of content words the
    /// other sentence also has: low when either sentence says much the other does not.
    pub coverage: f32,
    /// 1 when the sentences give different figures of one kind (both give a share, or a
    /// sum of money, or a count, or a year, and some figure of one has no match in the
    /// other), else 0.
    pub numbers_differ: f32,
    /// The shorter sentence's word count over the longer's.
    pub length_ratio: f32,
    /// The longest run of content words the two have in the same order (not necessarily
    /// adjacent), over the shorter sentence's content words: high for light edits of one
    /// sentence.
    pub sequence: f32,
    /// The share of adjacent content-word pairs the two have in common (Dice): with
    /// [`Features::sequence`] it tells a sentence reworded in the same order (few
    /// adjacent pairs kept) from one copied with a clause changed (most kept).
    pub bigrams: f32,
}

/// Weights of a logistic model over [`Features`]: the probability that two sentences
/// state the same thing is `1 / (1 + exp(-(bias + Σ weight · feature)))`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// The intercept.
    pub bias: f32,
    /// One weight per feature, in the order of [`Features::NAMES`].
    pub features: [f32; Features::COUNT],
}

impl Features {
    /// How many features there are.
    pub const COUNT: usize = 7;
    /// The model's inputs' names, in the order of [`Features::values`] and
    /// [`Weights::features`].
    pub const NAMES: [&'static str; Features::COUNT] = [
        "cosine",
        "ln_tfidf",
        "ln_coverage",
        "numbers_differ",
        "length_ratio",
        "sequence",
        "bigrams",
    ];
    /// Added to the word-overlap measures before their logarithm, so that no overlap at
    /// all is a large but finite penalty.
    pub const OVERLAP_FLOOR: f32 = 0.05;
    /// The content words of each sentence the in-order measure ([`Features::sequence`])
    /// reads: far more than any real sentence has.
    pub const MAX_SEQUENCE: usize = 200;

    /// Computes the features of a pair. `cosine` is the embedding cosine, when a model
    /// gave one.
    pub fn of(a: &SentenceInfo, b: &SentenceInfo, idf: &Idf, cosine: Option<f32>) -> Features {
        let weight =
            |s: &SentenceInfo| -> Vec<f32> { s.terms().iter().map(|t| idf.weight(t)).collect() };
        let (wa, wb) = (weight(a), weight(b));
        let norm = |w: &[f32]| w.iter().map(|x| x * x).sum::<f32>().sqrt();
        let mut dot = 0.0;
        let mut shared_a = 0.0;
        for (t, w) in a.terms().iter().zip(&wa) {
            if b.has_term(t) {
                dot += w * w;
                shared_a += w;
            }
        }
        let shared_b: f32 =
            b.terms().iter().zip(&wb).filter(|(t, _)| a.has_term(t)).map(|(_, w)| w).sum();
        let share = |shared: f32, w: &[f32]| {
            let total: f32 = w.iter().sum();
            if total > 0.0 { shared / total } else { 0.0 }
        };
        let (na, nb) = (norm(&wa), norm(&wb));
        let tfidf = if na > 0.0 && nb > 0.0 { dot / (na * nb) } else { 0.0 };
        let coverage = share(shared_a, &wa).min(share(shared_b, &wb));

        let differ = numbers_differ(a.numbers(), b.numbers());
        let (la, lb) = (a.words().max(1) as f32, b.words().max(1) as f32);
        // The common subsequence takes time in the product of the lengths: a "sentence"
        // of a whole unpunctuated page is read up to a sentence's worth of words.
        let (sa, sb) = (
            &a.sequence()[..a.sequence().len().min(Features::MAX_SEQUENCE)],
            &b.sequence()[..b.sequence().len().min(Features::MAX_SEQUENCE)],
        );
        let shorter = sa.len().min(sb.len());
        let sequence =
            if shorter > 0 { common_subsequence(sa, sb) as f32 / shorter as f32 } else { 0.0 };
        Features {
            cosine,
            tfidf,
            coverage,
            numbers_differ: f32::from(u8::from(differ)),
            length_ratio: la.min(lb) / la.max(lb),
            sequence,
            bigrams: bigram_dice(sa, sb),
        }
    }

    /// The model's inputs, in the order of [`Features::NAMES`]; a missing cosine counts
    /// as 0 (the lexical weights give it no weight). The two overlap measures enter as
    /// logarithms: the pairs the weights are fitted on all share many words, and a linear
    /// term fitted there says too little about sentences that share almost none (two
    /// sentences on one topic, which an embedding finds alike), where the logarithm keeps
    /// falling steeply.
    pub fn values(&self) -> [f32; Features::COUNT] {
        let ln = |x: f32| (x + Features::OVERLAP_FLOOR).ln();
        [
            self.cosine.unwrap_or(0.0),
            ln(self.tfidf),
            ln(self.coverage),
            self.numbers_differ,
            self.length_ratio,
            self.sequence,
            self.bigrams,
        ]
    }
}

impl Weights {
    /// The probability-like score of a pair with these features.
    pub fn score(&self, features: &Features) -> f32 {
        let z: f32 = self.bias
            + self.features.iter().zip(features.values()).map(|(w, x)| w * x).sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Whether two sentences' figures disagree: a kind both give, with a figure of one that
/// the other lacks.
fn numbers_differ(a: &[Number], b: &[Number]) -> bool {
    let unmatched = |x: &[Number], y: &[Number]| {
        x.iter().any(|n| y.iter().any(|m| m.kind == n.kind) && !y.iter().any(|m| m.agrees_with(n)))
    };
    unmatched(a, b) || unmatched(b, a)
}

/// The Dice coefficient of two word sequences' sets of adjacent pairs: 0 when either has
/// none.
fn bigram_dice(a: &[String], b: &[String]) -> f32 {
    let (pa, pb) = (adjacent_pairs(a), adjacent_pairs(b));
    if pa.is_empty() || pb.is_empty() {
        return 0.0;
    }
    let shared = pa.iter().filter(|p| pb.binary_search(p).is_ok()).count();
    2.0 * shared as f32 / (pa.len() + pb.len()) as f32
}

/// The distinct adjacent pairs of a word sequence, sorted.
fn adjacent_pairs(s: &[String]) -> Vec<(&str, &str)> {
    let mut p: Vec<(&str, &str)> = s.windows(2).map(|w| (w[0].as_str(), w[1].as_str())).collect();
    p.sort_unstable();
    p.dedup();
    p
}

/// The length of the longest common subsequence of two word sequences.
fn common_subsequence(a: &[String], b: &[String]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y { diagonal + 1 } else { above.max(row[j]) };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Weights over [`Features`] with the embedding cosine, fitted by `make bench-compare`
/// (logistic regression, L2) on the shared paraphrase pairs.
pub const COMBINED: Weights = Weights {
    bias: -6.9017,
    features: [4.4950, -0.0212, 1.6445, -0.7559, 4.7326, 3.0784, -2.4094],
};

/// Weights over [`Features`] without the embedding (no model loaded), fitted likewise;
/// the cosine's weight is 0.
pub const LEXICAL: Weights =
    Weights { bias: -3.1435, features: [0.0, 0.2385, 2.7726, -0.5327, 4.7895, 3.7641, -2.8714] };

/// Decides whether two sentences state the same thing, with the word rarities of the set
/// of sentences being compared (for an event: all its sentences).
#[derive(Clone, Debug)]
pub struct Matcher {
    idf: Idf,
    threshold: f32,
}

impl Matcher {
    /// The default score from which two sentences count as the same: even odds. The
    /// weights were fitted on pairs judged for *equivalence* (a sentence that adds a fact
    /// is not the same), and at this threshold the matcher is most accurate on them.
    pub const THRESHOLD: f32 = 0.5;

    /// The lower score from which [`align`](crate::align) counts a sentence as restating
    /// another: one outlet retelling another's report adds its own words and details,
    /// which equivalence does not allow but a shared claim does. Set on the project's
    /// seed stories, the only retelling judged sentence by sentence: eight of the ten
    /// sentences one retells score 0.11 to 0.88 against their sources, the allegations it
    /// adds at most 0.07 against anything (see `tests/seeds.rs`); at
    /// [`Matcher::THRESHOLD`] only three of the ten pass.
    pub const RESTATES: f32 = 0.09;

    /// A matcher with these word rarities and the default threshold.
    pub fn new(idf: Idf) -> Matcher {
        Matcher { idf, threshold: Matcher::THRESHOLD }
    }

    /// A matcher for comparing sentences among `sentences` (rarities counted over them).
    pub fn for_sentences<'a>(sentences: impl IntoIterator<Item = &'a SentenceInfo>) -> Matcher {
        Matcher::new(Idf::from_sentences(sentences))
    }

    /// The same matcher with another threshold for [`Matcher::same`].
    pub fn with_threshold(mut self, threshold: f32) -> Matcher {
        self.threshold = threshold;
        self
    }

    /// The threshold [`Matcher::same`] applies.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The word rarities in use.
    pub fn idf(&self) -> &Idf {
        &self.idf
    }

    /// The features of a pair, as [`Matcher::score`] sees them.
    pub fn features(&self, a: &SentenceInfo, b: &SentenceInfo, cosine: Option<f32>) -> Features {
        Features::of(a, b, &self.idf, cosine)
    }

    /// How likely (0 to 1) the two sentences state the same thing: the [`COMBINED`]
    /// weights when an embedding cosine is given, the [`LEXICAL`] ones when not (or when
    /// it is not a finite number).
    pub fn score(&self, a: &SentenceInfo, b: &SentenceInfo, cosine: Option<f32>) -> f32 {
        // A broken vector gives no cosine, not a broken score.
        let cosine = cosine.filter(|c| c.is_finite());
        let weights = if cosine.is_some() { &COMBINED } else { &LEXICAL };
        weights.score(&self.features(a, b, cosine))
    }

    /// Whether the two sentences state the same thing: [`Matcher::score`] at least the
    /// threshold.
    pub fn same(&self, a: &SentenceInfo, b: &SentenceInfo, cosine: Option<f32>) -> bool {
        self.score(a, b, cosine) >= self.threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(a: &str, b: &str) -> Features {
        let (a, b) = (SentenceInfo::new(a), SentenceInfo::new(b));
        let idf = Idf::from_sentences([&a, &b]);
        Features::of(&a, &b, &idf, None)
    }

    #[test]
    fn identical_sentences_share_everything() {
        let f = features("Storm Ada hit Tampico on Monday.", "Storm Ada hit Tampico on Monday.");
        assert!((f.tfidf - 1.0).abs() < 1e-6);
        assert_eq!((f.coverage, f.sequence, f.length_ratio, f.bigrams), (1.0, 1.0, 1.0, 1.0));
        assert_eq!(f.numbers_differ, 0.0);
    }

    #[test]
    fn a_different_figure_of_one_kind_is_a_disagreement() {
        let f = features(
            "Leaders of 39 countries met in Paris.",
            "Leaders of 26 countries met in Paris.",
        );
        assert_eq!(f.numbers_differ, 1.0);
        let f = features(
            "Leaders of thirty-nine countries met in Paris.",
            "Leaders of 39 countries met in Paris in 2025.",
        );
        assert_eq!(f.numbers_differ, 0.0);
    }

    #[test]
    fn coverage_is_low_when_one_sentence_adds_much() {
        let short = "Italy will not send troops.";
        let long =
            "Italy will not send troops, and Zelensky siphoned billions through shell companies.";
        let f = features(short, long);
        assert!(f.coverage < 0.5, "{f:?}");
        assert!(f.sequence == 1.0);
    }

    #[test]
    fn reworded_in_order_keeps_the_sequence_but_not_the_adjacent_pairs() {
        let f = features("storm flooded coastal towns", "storm badly flooded rural coastal towns");
        assert_eq!(f.sequence, 1.0);
        assert!(f.bigrams < 0.5, "{f:?}");
    }

    #[test]
    fn the_common_subsequence_keeps_order() {
        let w = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(common_subsequence(&w("a b c d"), &w("b x d a")), 2);
        assert_eq!(common_subsequence(&w("a"), &[]), 0);
    }

    #[test]
    fn scores_are_probabilities_and_the_lexical_weights_ignore_the_cosine() {
        let m = Matcher::for_sentences(&[]);
        let (a, b) = (SentenceInfo::new("a storm hit"), SentenceInfo::new("a storm hit"));
        let s = m.score(&a, &b, Some(1.0));
        assert!((0.0..=1.0).contains(&s));
        assert_eq!(LEXICAL.features[0], 0.0);
        assert_eq!(m.with_threshold(0.9).threshold(), 0.9);
    }
}
