//! Term vectors made for news: TF-IDF with the headline and the lead weighted above the
//! rest, names and numbers above common words, and document frequencies learned as
//! articles arrive, over a window of recent articles.

use std::collections::VecDeque;
use std::num::NonZeroUsize;

use crate::text::{HashMapU64, Word};

/// A term id: 32 bits of the word's hash. Two terms of one window share an id about once
/// in 80,000 pairs of distinct terms, harmless for similarity, and half-size vectors keep
/// the articles of the window in cache.
pub(crate) type Term = u32;

/// The term id of a word hash.
pub(crate) fn term_id(hash: u64) -> Term {
    (hash ^ (hash >> 32)) as u32
}

/// A sparse weighted term vector: `(term, weight)` sorted by term, unit length.
pub(crate) type TermVector = Vec<(Term, f32)>;

/// How terms are weighed (from [`crate::DedupConfig`]).
#[derive(Clone, Debug)]
pub(crate) struct Weights {
    pub(crate) title: f32,
    pub(crate) lead: f32,
    pub(crate) lead_words: usize,
    pub(crate) body_words: usize,
    pub(crate) entity: f32,
    pub(crate) max_terms: usize,
}

/// A headline is taken as Title Case, where capitals say nothing about names, when at
/// least this share of its content words is capitalised.
const TITLE_CASE_SHARE: f32 = 0.6;

/// True when a headline is in Title Case, where capitals say nothing about names.
pub(crate) fn is_title_case(title: &[Word]) -> bool {
    let content = title.iter().filter(|w| !w.stop && !w.number);
    let (caps, all) = content.fold((0, 0), |(c, a), w| (c + usize::from(w.capitalised), a + 1));
    all > 0 && caps as f32 >= TITLE_CASE_SHARE * all as f32
}

/// Document frequencies below this have their IDF weight cached.
const IDF_CACHE: usize = 1024;

/// The cached IDF weights are worked out anew once the number of articles has moved this
/// share away from the one they were worked out for: `ln(1 + N/df)` then moves by less
/// than 0.4%, far below what tells two reports apart.
const IDF_CACHE_DRIFT: f32 = 1.0 / 256.0;

/// Document frequencies over the last `window` articles that were not copies.
#[derive(Debug, Default)]
pub(crate) struct DocFreq {
    df: HashMapU64<u32>,
    /// The distinct terms of each article in the window, one after the other, and how
    /// many each article has: flat, so that counting an article allocates nothing.
    terms: VecDeque<Term>,
    lengths: VecDeque<u32>,
    window: usize,
    /// The power of the IDF (see [`crate::DedupConfig::idf_power`]).
    power: f32,
    /// IDF weights by document frequency (NaN: not worked out yet), for `cached_n`
    /// articles.
    cached: Vec<f32>,
    cached_n: f32,
}

impl DocFreq {
    pub(crate) fn new(window: NonZeroUsize, power: f32) -> Self {
        DocFreq { window: window.get(), power, ..Default::default() }
    }

    /// Counts one article's distinct terms (forgetting the oldest article past the window)
    /// and multiplies each term's weight by its inverse document frequency raised to
    /// `power`, `ln(1 + N/df)^power`: about ln 2 for a term every article has, large for a
    /// term few have (see [`crate::DedupConfig::idf_power`]).
    fn learn_and_weigh(&mut self, terms: &mut [(Term, f32)]) {
        while self.lengths.len() >= self.window {
            let Some(len) = self.lengths.pop_front() else { break };
            for t in self.terms.drain(..len as usize) {
                let t = u64::from(t);
                if let Some(n) = self.df.get_mut(&t) {
                    *n -= 1;
                    if *n == 0 {
                        self.df.remove(&t);
                    }
                }
            }
        }
        let n = (self.lengths.len() + 1) as f32;
        // Most terms of an article are rare, so their few document frequencies recur: the
        // weight for each is worked out once, for a number of articles close to `n`.
        if self.cached.is_empty() || (n - self.cached_n).abs() > self.cached_n * IDF_CACHE_DRIFT {
            self.cached.clear();
            self.cached.resize(IDF_CACHE, f32::NAN);
            self.cached_n = n;
        }
        let (cached_n, power) = (self.cached_n, self.power);
        for (t, w) in terms.iter_mut() {
            let df = self.df.entry(u64::from(*t)).or_default();
            *df += 1;
            *w *= match self.cached.get_mut(*df as usize) {
                Some(c) if c.is_nan() => {
                    *c = (1.0 + cached_n / *df as f32).ln().powf(power);
                    *c
                }
                Some(c) => *c,
                None => (1.0 + n / *df as f32).ln().powf(power),
            };
        }
        self.terms.extend(terms.iter().map(|&(t, _)| t));
        self.lengths.push_back(terms.len() as u32);
    }

    /// Terms whose frequency is known (for tests and memory checks).
    pub(crate) fn terms(&self) -> usize {
        self.df.len()
    }
}

/// An article's terms with their field- and entity-weighted counts, sublinear, sorted by
/// term into `merged`: everything about its vector that the articles before it do not
/// change.
pub(crate) fn count_terms(
    weights: &Weights,
    title: &[Word],
    body: &[Word],
    raw: &mut Vec<(Term, f32)>,
    merged: &mut TermVector,
) {
    raw.clear();
    // Terms the body capitalises mid-sentence are names wherever they appear, headline
    // included, where Title Case hides them.
    let mut names: Vec<Term> = body.iter().filter(|w| w.name).map(|w| term_id(w.term)).collect();
    names.sort_unstable();
    let title_case = is_title_case(title);
    let entity = |w: &Word, trust_caps: bool| {
        w.number || (trust_caps && w.name) || names.binary_search(&term_id(w.term)).is_ok()
    };
    for w in title.iter().filter(|w| !w.stop) {
        let e = if entity(w, !title_case) { weights.entity } else { 1.0 };
        raw.push((term_id(w.term), weights.title * e));
    }
    for (i, w) in body.iter().take(weights.body_words).enumerate() {
        if w.stop {
            continue;
        }
        let field = if i < weights.lead_words { weights.lead } else { 1.0 };
        let e = if entity(w, true) { weights.entity } else { 1.0 };
        raw.push((term_id(w.term), field * e));
    }
    raw.sort_unstable_by_key(|&(t, _)| t);
    merged.clear();
    for &(t, w) in raw.iter() {
        match merged.last_mut() {
            Some((last, sum)) if *last == t => *sum += w,
            _ => merged.push((t, w)),
        }
    }
    for (_, w) in merged.iter_mut() {
        // Sublinear in the (field-weighted) count: a word said five times is not five
        // times as telling.
        if *w > 1.0 {
            *w = 1.0 + w.ln();
        }
    }
}

/// Turns counts from [`count_terms`] into the article's unit term vector: learns their
/// document frequencies, weighs by IDF, keeps the heaviest.
pub(crate) fn weigh(weights: &Weights, df: &mut DocFreq, vector: &mut TermVector) {
    df.learn_and_weigh(vector);
    keep_heaviest(vector, weights.max_terms);
    normalise(vector);
}

/// Keeps the `n` heaviest terms (ties to the lower term id, for determinism), in term
/// order. The cut-off weight is selected from a copy of the weights, and the vector
/// filtered in place: no re-sorting by term.
pub(crate) fn keep_heaviest(v: &mut TermVector, n: usize) {
    if v.len() <= n || n == 0 {
        return;
    }
    let mut weights: Vec<f32> = v.iter().map(|&(_, w)| w).collect();
    let (heavier, &mut cut, _) = weights.select_nth_unstable_by(n - 1, |a, b| b.total_cmp(a));
    // Terms as heavy as the cut-off are kept in term order, as many as there is room for.
    let mut ties = n - heavier.iter().filter(|w| w.total_cmp(&cut).is_gt()).count();
    v.retain(|&(_, w)| match w.total_cmp(&cut) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal if ties > 0 => {
            ties -= 1;
            true
        }
        _ => false,
    });
}

/// Orders terms by weight, heaviest first, ties to the lower term id.
pub(crate) fn heavier_first(a: &(Term, f32), b: &(Term, f32)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Scales `v` to unit length (an empty or zero vector stays as it is).
pub(crate) fn normalise(v: &mut TermVector) {
    let norm = norm(v);
    if norm > 0.0 {
        for (_, w) in v.iter_mut() {
            *w /= norm;
        }
    }
}

/// Euclidean length.
pub(crate) fn norm(v: &[(Term, f32)]) -> f32 {
    v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt()
}

/// Dot product of two term vectors (both sorted by term).
pub(crate) fn dot(a: &[(Term, f32)], b: &[(Term, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// A term vector loaded into a small open-addressing table, for many dot products against
/// it: one probe per term of the other vector instead of a branchy merge of two lists.
#[derive(Debug, Default)]
pub(crate) struct Lookup {
    keys: Vec<Term>,
    weights: Vec<f32>,
    mask: usize,
}

impl Lookup {
    /// Loads `v`, replacing what was there.
    pub(crate) fn load(&mut self, v: &[(Term, f32)]) {
        let size = (v.len() * 4).next_power_of_two().max(64);
        self.keys.clear();
        self.keys.resize(size, 0);
        self.weights.clear();
        self.weights.resize(size, 0.0);
        self.mask = size - 1;
        for &(t, w) in v {
            // 0 marks an empty cell; a term hashing to 0 is taken as 1 on both sides.
            let t = t.max(1);
            let mut i = t as usize & self.mask;
            while self.keys[i] != 0 && self.keys[i] != t {
                i = (i + 1) & self.mask;
            }
            self.keys[i] = t;
            self.weights[i] += w;
        }
    }

    /// The dot product of the loaded vector with `other`.
    pub(crate) fn dot(&self, other: &[(Term, f32)]) -> f32 {
        let mut sum = 0.0;
        for &(t, w) in other {
            let t = t.max(1);
            let i = t as usize & self.mask;
            let k = self.keys[i];
            // The table is at most a quarter full, so the first cell decides almost
            // always; add without a branch, and probe on only when the cell holds another
            // term.
            sum += w * self.weights[i] * f32::from(u8::from(k == t));
            if k != t && k != 0 {
                sum += w * self.probe(t, i);
            }
        }
        sum
    }

    /// The weight of `t`, looked for past cell `i`.
    fn probe(&self, t: Term, mut i: usize) -> f32 {
        loop {
            i = (i + 1) & self.mask;
            match self.keys[i] {
                0 => return 0.0,
                k if k == t => return self.weights[i],
                _ => {}
            }
        }
    }
}

/// `a + scale * b` (both sorted by term), sorted by term.
pub(crate) fn add(a: &[(Term, f32)], b: &[(Term, f32)], scale: f32) -> TermVector {
    let mut out = Vec::with_capacity(a.len() + b.len());
    add_into(a, b, scale, &mut out);
    out
}

/// [`add`] into `out` (cleared first), reusing its allocation.
pub(crate) fn add_into(a: &[(Term, f32)], b: &[(Term, f32)], scale: f32, out: &mut TermVector) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if x.0 == y.0 {
            out.push((x.0, x.1 + scale * y.1));
            i += 1;
            j += 1;
        } else if x.0 < y.0 {
            out.push(x);
            i += 1;
        } else {
            out.push((y.0, scale * y.1));
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend(b[j..].iter().map(|&(t, w)| (t, scale * w)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Analyser;

    /// An article's term vector, as the deduper makes it: counts, then weights.
    fn vectorize(
        weights: &Weights,
        df: &mut DocFreq,
        title: &[Word],
        body: &[Word],
        raw: &mut Vec<(Term, f32)>,
        merged: &mut TermVector,
    ) {
        count_terms(weights, title, body, raw, merged);
        weigh(weights, df, merged);
    }

    fn weights() -> Weights {
        Weights {
            title: 3.0,
            lead: 2.0,
            lead_words: 5,
            body_words: 100,
            entity: 2.0,
            max_terms: 50,
        }
    }

    fn words(text: &str) -> Vec<Word> {
        let mut w = Vec::new();
        Analyser::default().analyse(text, &mut w);
        w
    }

    fn weight_of(v: &TermVector, word: &str) -> f32 {
        let term = term_id(words(word)[0].term);
        v.iter().find(|(t, _)| *t == term).map_or(0.0, |(_, w)| *w)
    }

    #[test]
    fn headline_lead_and_names_outweigh_the_rest() {
        let mut df = DocFreq::new(NonZeroUsize::new(100).unwrap(), 1.0);
        let mut raw = Vec::new();
        let title = words("Harbour Bridge Closed To Lorries");
        let body = words(
            "Engineers found cracks in the harbour bridge. The council in Dunmore said \
             repairs would take months, and that traffic would use the ring road meanwhile.",
        );
        let mut v = Vec::new();
        vectorize(&weights(), &mut df, &title, &body, &mut raw, &mut v);
        assert!((norm(&v) - 1.0).abs() < 1e-5);
        // In the headline and the lead: heaviest.
        assert!(weight_of(&v, "bridge") > weight_of(&v, "cracks"));
        // A name in the body outweighs a common word in the same field.
        assert!(weight_of(&v, "Dunmore") > weight_of(&v, "repairs"));
        // Stopwords are no terms at all.
        assert_eq!(weight_of(&v, "the"), 0.0);
        // Title Case does not make every headline word a name.
        assert!(weight_of(&v, "lorries") < weight_of(&v, "bridge"));
    }

    #[test]
    fn frequent_terms_weigh_less_and_the_window_forgets() {
        let mut df = DocFreq::new(NonZeroUsize::new(3).unwrap(), 1.0);
        let mut raw = Vec::new();
        let w = weights();
        let mut v = Vec::new();
        for _ in 0..3 {
            vectorize(&w, &mut df, &[], &words("officials storm warning"), &mut raw, &mut v);
        }
        vectorize(&w, &mut df, &[], &words("officials storm rarity"), &mut raw, &mut v);
        assert!(weight_of(&v, "rarity") > weight_of(&v, "storm"));
        // Only three articles are remembered: the first one's count was dropped.
        assert_eq!(df.df.get(&u64::from(term_id(words("storm")[0].term))), Some(&3));
        assert_eq!(df.terms(), 4);
    }

    #[test]
    fn vector_arithmetic_merges_by_term() {
        let a = vec![(1, 1.0), (3, 2.0)];
        let b = vec![(2, 1.0), (3, 1.0)];
        assert_eq!(add(&a, &b, 2.0), vec![(1, 1.0), (2, 2.0), (3, 4.0)]);
        assert_eq!(dot(&a, &b), 2.0);
        let mut lookup = Lookup::default();
        lookup.load(&a);
        assert_eq!(lookup.dot(&b), 2.0);
        assert_eq!(lookup.dot(&[(9, 1.0), (7, 1.0)]), 0.0);
        let mut c = vec![(1, 3.0), (2, 1.0), (3, 2.0)];
        keep_heaviest(&mut c, 2);
        assert_eq!(c, vec![(1, 3.0), (3, 2.0)]);
    }
}
