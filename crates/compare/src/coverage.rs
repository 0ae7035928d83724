//! Comparing one event's coverage: which statements several outlets make, and which only
//! one makes.
//!
//! Each article is cut into sentences. A sentence of one outlet whose best match in another
//! outlet's article restates it ([`Matcher::RESTATES`], with the embedding cosine when a
//! model is given, on words alone when not) states the same claim; linked sentences form
//! one claim. A sentence linked to no other outlet is a claim only its outlet makes.

use serde::{Deserialize, Serialize};

use std::collections::HashMap;

use crate::align::best;
use crate::conflicts::{Conflict, conflicts};
use crate::encoder::{Encoder, cosine};
use crate::matcher::{COMBINED, Features, LEXICAL, Matcher, Weights};
use crate::sentence::SentenceInfo;

/// One article of an event, as [`compare`] needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoverageInput<'a> {
    /// The outlet that published it.
    pub outlet: &'a str,
    /// Its body text.
    pub text: &'a str,
}

/// A statement several outlets make.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The statement, as the first outlet (in input order) words it.
    pub text: String,
    /// The outlets that make it, in input order.
    pub outlets: Vec<String>,
    /// Every sentence that states it, each with its outlet, in input order (an outlet may
    /// state it more than once).
    #[serde(default)]
    pub sentences: Vec<ClaimSentence>,
    /// Figures its sentences give differently ("39 countries" against "26 countries"),
    /// each with every outlet's figure; empty when they agree (see [`Conflict`]).
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

/// One outlet's sentence stating a [`Claim`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimSentence {
    /// The outlet.
    pub outlet: String,
    /// Its sentence.
    pub text: String,
}

/// The statements one outlet alone makes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UniqueClaims {
    /// The outlet.
    pub outlet: String,
    /// Its statements no other outlet makes, in the order it makes them.
    pub claims: Vec<String>,
}

/// The comparison of one event's articles.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Statements made by two outlets or more, in the order the first outlet makes them.
    pub shared: Vec<Claim>,
    /// For each outlet with statements of its own (input order), those statements.
    pub unique: Vec<UniqueClaims>,
    /// Whether sentence embeddings took part (`false`: words alone, because no model was
    /// given or it failed; see [`compare`]).
    #[serde(default)]
    pub by_meaning: bool,
    /// How many sentences were compared (those long enough to be claims).
    #[serde(default)]
    pub sentences_compared: usize,
    /// How many of them were embedded: only those whose vector could decide a match (see
    /// [`Embedding::Lazy`]); 0 on words alone.
    #[serde(default)]
    pub sentences_embedded: usize,
    /// Whether part of the event was left out (see [`Coverage::limits`]).
    #[serde(default)]
    pub truncated: bool,
    /// How much of the event was compared, against what was given.
    #[serde(default)]
    pub limits: Limits,
}

/// When [`compare_with`] embeds sentences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Embedding {
    /// Only the sentences whose vector could change a decision: those in a pair of two
    /// outlets' sentences whose score with a perfect cosine would reach the threshold, and
    /// where the cosine could change which sentence is the best match or whether it
    /// restates. The matcher's score rises with the cosine, so the score with a cosine of
    /// 1 bounds it above and with -1 below; every other decision is the same without the
    /// vector, and the result equals [`Embedding::Eager`]'s exactly.
    ///
    /// What it saves depends on the event. On the newsroom's events
    /// (`crates/compare/tests/lazy.rs`), where every outlet retells one report, it embeds
    /// 347 of 377 sentences (92%): nearly every sentence shares enough words with some
    /// other outlet's that a perfect cosine would make it a restatement, and the bound
    /// cannot rule it out. It saves most where outlets tell different things, as in a
    /// large event compared under [`Limits`] (see `make bench-compare-scale`).
    #[default]
    Lazy,
    /// Every sentence, in one call, and every pair scored with its cosine: the plain
    /// method, kept to check [`Embedding::Lazy`] against.
    Eager,
}

/// How [`compare_with`] compares: when it embeds, and how much of a large event it reads.
///
/// The work grows with the square of the sentences compared, and an event can have
/// hundreds of articles, so a comparison reads at most one article per outlet (its
/// longest: an outlet's other articles on an event are mostly updates and follow-ups that
/// repeat it), the first [`CompareOptions::max_outlets`] outlets in input order (`chorus
/// event` gives them oldest first: the outlets that broke the story, before those that
/// retold it), and the first [`CompareOptions::max_sentences`] claims of each article (a
/// news story puts its claims first). What was left out is reported in
/// [`Coverage::limits`].
///
/// The caps were chosen by timing an event of 300 long articles from 150 outlets (`make
/// bench-compare-scale -- --sweep`, release build, one core of a shared 2-core machine):
/// uncapped, its 5,065 sentences take 19 s; at the default 12 outlets of at most 40
/// claims (408 sentences there, 480 at most) 0.13 s on words alone and 0.14 s with its
/// sentence vectors already kept, 80 times two articles' comparison; 16 outlets take 0.22
/// s and 24 outlets 0.49 s. The defaults leave room for a slower machine within a second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompareOptions {
    /// When sentences are embedded.
    pub embedding: Embedding,
    /// The outlets compared, at most (the first ones in input order).
    pub max_outlets: usize,
    /// The sentences (long enough to be claims) compared of each article, at most (its
    /// first ones).
    pub max_sentences: usize,
}

impl CompareOptions {
    /// The default [`CompareOptions::max_outlets`].
    pub const MAX_OUTLETS: usize = 12;
    /// The default [`CompareOptions::max_sentences`].
    pub const MAX_SENTENCES: usize = 40;
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            embedding: Embedding::default(),
            max_outlets: CompareOptions::MAX_OUTLETS,
            max_sentences: CompareOptions::MAX_SENTENCES,
        }
    }
}

/// How much of an event a comparison read, against what it was given (see
/// [`CompareOptions`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// The articles given.
    pub articles_given: usize,
    /// The articles compared: at most one per outlet.
    pub articles_compared: usize,
    /// The outlets given.
    pub outlets_given: usize,
    /// The outlets compared.
    pub outlets_compared: usize,
    /// The cap on sentences compared per article.
    pub max_sentences: usize,
    /// The articles compared whose later sentences were left out under that cap.
    pub articles_cut: usize,
}

/// A sentence with fewer content words than this is a header, a dateline or a fragment,
/// not a claim.
const MIN_CLAIM_WORDS: usize = 4;

struct Sentence {
    outlet: usize,
    info: SentenceInfo,
}

/// Compares one event's articles: which statements several outlets make and which only
/// one makes, within the default [`CompareOptions`] (one article per outlet, 12 outlets,
/// 40 claims an article). With an `encoder`, the sentences
/// whose embedding could decide a match are embedded (in one call) and the embedding takes
/// part in each match ([`Embedding::Lazy`]); if it fails, the comparison falls back to
/// words alone and says so in [`Coverage::by_meaning`]. The result depends only on the
/// input (and its order).
///
/// ```
/// use chorus_compare::{CoverageInput, compare};
/// let c = compare(&[
///     CoverageInput {
///         outlet: "Daily",
///         text: "Storm Ada made landfall near Tampico on Monday with winds of 180 km/h. \
///                The mayor blamed the state government for the slow evacuation.",
///     },
///     CoverageInput {
///         outlet: "Herald",
///         text: "Winds of 180 km/h lashed Tampico as storm Ada made landfall on Monday. \
///                Schools in the region will stay closed until Thursday.",
///     },
/// ], None);
/// assert_eq!(c.shared.len(), 1);
/// assert_eq!(c.shared[0].outlets, ["Daily", "Herald"]);
/// assert_eq!(c.unique.len(), 2);
/// assert!(c.unique[0].claims[0].starts_with("The mayor blamed"));
/// ```
pub fn compare(articles: &[CoverageInput<'_>], encoder: Option<&dyn Encoder>) -> Coverage {
    compare_with(articles, encoder, &CompareOptions::default())
}

/// [`compare`], with its options.
pub fn compare_with(
    articles: &[CoverageInput<'_>],
    encoder: Option<&dyn Encoder>,
    options: &CompareOptions,
) -> Coverage {
    let Linked { outlets, sentences, roots, by_meaning, embedded, limits } =
        link(articles, encoder, options);
    // The outlets of each group, listed under its root (the group's earliest sentence).
    let mut group_outlets: Vec<Vec<usize>> = vec![Vec::new(); sentences.len()];
    for (i, s) in sentences.iter().enumerate() {
        let list = &mut group_outlets[roots[i]];
        if !list.contains(&s.outlet) {
            list.push(s.outlet);
        }
    }
    let mut coverage = Coverage {
        by_meaning,
        sentences_compared: sentences.len(),
        sentences_embedded: embedded,
        truncated: limits.articles_compared < limits.articles_given
            || limits.outlets_compared < limits.outlets_given
            || limits.articles_cut > 0,
        limits,
        ..Coverage::default()
    };
    for (i, s) in sentences.iter().enumerate() {
        let list = &group_outlets[roots[i]];
        if roots[i] == i && list.len() >= 2 {
            let mut in_group = list.clone();
            in_group.sort_unstable();
            let members: Vec<(&str, &str)> = (i..sentences.len())
                .filter(|&k| roots[k] == i)
                .map(|k| (outlets[sentences[k].outlet], sentences[k].info.text()))
                .collect();
            coverage.shared.push(Claim {
                text: s.info.text().to_owned(),
                outlets: in_group.iter().map(|&o| outlets[o].to_owned()).collect(),
                sentences: members
                    .iter()
                    .map(|&(outlet, text)| ClaimSentence {
                        outlet: outlet.to_owned(),
                        text: text.to_owned(),
                    })
                    .collect(),
                conflicts: conflicts(&members),
            });
        }
    }
    for (o, name) in outlets.iter().enumerate() {
        let claims: Vec<String> = (0..sentences.len())
            .filter(|&i| sentences[i].outlet == o && group_outlets[roots[i]].len() == 1)
            .map(|i| sentences[i].info.text().to_owned())
            .collect();
        if !claims.is_empty() {
            coverage.unique.push(UniqueClaims { outlet: (*name).to_owned(), claims });
        }
    }
    coverage
}

/// One claim-sentence of an event and the claim [`compare`] puts it in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceClaim {
    /// The outlet whose article it is from.
    pub outlet: String,
    /// The sentence, as [`sentences`] cuts it.
    pub text: String,
    /// Its claim: the index, in the list [`sentence_claims`] returns, of the claim's
    /// earliest sentence (its own index when it is that sentence).
    pub claim: usize,
}

/// Every claim-sentence [`compare`] compares (sentences with fewer than four content words
/// are not claims; each outlet's longest article, within the default caps), in input
/// order, each with the claim [`compare`] puts it in: the same linking, so a claim with
/// sentences of two outlets or more is one of [`Coverage::shared`] and every other sentence
/// is listed in [`Coverage::unique`]. For measuring the comparison sentence by sentence.
///
/// ```
/// use chorus_compare::{CoverageInput, sentence_claims};
/// let s = sentence_claims(&[
///     CoverageInput { outlet: "Daily", text: "Storm Ada made landfall near Tampico on Monday." },
///     CoverageInput { outlet: "Herald", text: "Storm Ada made landfall near Tampico on Monday. \
///                                             Schools in the region will stay closed." },
/// ], None);
/// assert_eq!(s.len(), 3);
/// assert_eq!((s[0].claim, s[1].claim, s[2].claim), (0, 0, 2));
/// ```
pub fn sentence_claims(
    articles: &[CoverageInput<'_>],
    encoder: Option<&dyn Encoder>,
) -> Vec<SentenceClaim> {
    let Linked { outlets, sentences, roots, .. } =
        link(articles, encoder, &CompareOptions::default());
    sentences
        .into_iter()
        .zip(roots)
        .map(|(s, claim)| SentenceClaim {
            outlet: outlets[s.outlet].to_owned(),
            text: s.info.text().to_owned(),
            claim,
        })
        .collect()
}

/// An event's claim-sentences and the claim each one belongs to.
struct Linked<'a> {
    outlets: Vec<&'a str>,
    sentences: Vec<Sentence>,
    /// For each sentence, the earliest sentence of its claim.
    roots: Vec<usize>,
    by_meaning: bool,
    /// How many sentences were embedded.
    embedded: usize,
    limits: Limits,
}

/// Cuts the articles into claim-sentences (within the caps of `options`) and links each to
/// its best match in every other outlet when that match restates it; linked sentences form
/// one claim.
fn link<'a>(
    articles: &[CoverageInput<'a>],
    encoder: Option<&dyn Encoder>,
    options: &CompareOptions,
) -> Linked<'a> {
    // Each outlet's longest article (the first of equals), outlets in input order.
    let mut outlets: Vec<&str> = Vec::new();
    let mut chosen: Vec<&CoverageInput<'a>> = Vec::new();
    for a in articles {
        match outlets.iter().position(|o| *o == a.outlet) {
            Some(i) if a.text.len() > chosen[i].text.len() => chosen[i] = a,
            Some(_) => {}
            None => {
                outlets.push(a.outlet);
                chosen.push(a);
            }
        }
    }
    let mut limits = Limits {
        articles_given: articles.len(),
        outlets_given: outlets.len(),
        max_sentences: options.max_sentences,
        ..Limits::default()
    };
    outlets.truncate(options.max_outlets);
    chosen.truncate(options.max_outlets);
    limits.outlets_compared = outlets.len();
    limits.articles_compared = chosen.len();
    let mut sentences: Vec<Sentence> = Vec::new();
    for (outlet, a) in chosen.iter().enumerate() {
        let mut kept = 0;
        for text in self::sentences(a.text) {
            let info = SentenceInfo::new(&text);
            if info.terms().len() < MIN_CLAIM_WORDS {
                continue;
            }
            if kept == options.max_sentences {
                limits.articles_cut += 1;
                break;
            }
            sentences.push(Sentence { outlet, info });
            kept += 1;
        }
    }
    let matcher =
        Matcher::for_sentences(sentences.iter().map(|s| &s.info)).with_threshold(Matcher::RESTATES);
    // Embeddings only help where two outlets' sentences meet.
    let encoder = encoder.filter(|_| outlets.len() >= 2);
    let links = match (encoder, options.embedding) {
        (None, _) => None,
        (Some(e), Embedding::Eager) => eager_links(&sentences, &matcher, e),
        (Some(e), Embedding::Lazy) => lazy_links(&sentences, &matcher, e),
    };
    let by_meaning = links.is_some();
    let (links, embedded) = links.unwrap_or_else(|| (lexical_links(&sentences, &matcher), 0));
    let mut group: Vec<usize> = (0..sentences.len()).collect();
    for (i, j) in links {
        union(&mut group, i, j);
    }

    let roots: Vec<usize> = (0..sentences.len()).map(|i| find(&mut group, i)).collect();
    Linked { outlets, sentences, roots, by_meaning, embedded, limits }
}

/// The other outlets of a sentence, each with its sentences (indices, ascending).
fn by_outlet(sentences: &[Sentence]) -> Vec<Vec<usize>> {
    let outlets = sentences.iter().map(|s| s.outlet + 1).max().unwrap_or(0);
    let mut of: Vec<Vec<usize>> = vec![Vec::new(); outlets];
    for (i, s) in sentences.iter().enumerate() {
        of[s.outlet].push(i);
    }
    of
}

/// The features of two sentences with no content word in common: the best score such a
/// pair can reach under `weights`, with a perfect cosine when they weigh it. When it is
/// below the threshold, such pairs need not be scored.
fn disjoint_bound(weights: &Weights) -> f32 {
    let best = |w: f32| if w > 0.0 { 1.0 } else { 0.0 };
    let f = Features {
        cosine: Some(1.0),
        tfidf: 0.0,
        coverage: 0.0,
        numbers_differ: best(weights.features[3]),
        length_ratio: best(weights.features[4]),
        sequence: 0.0,
        bigrams: 0.0,
    };
    weights.score(&f)
}

/// For each sentence, the other outlets' sentences that could restate it under `weights`:
/// those sharing a content word, or all of them when a pair sharing none could reach the
/// threshold. Ascending, grouped by outlet.
fn candidates(sentences: &[Sentence], matcher: &Matcher, weights: &Weights) -> Vec<Vec<usize>> {
    let by_outlet = by_outlet(sentences);
    if disjoint_bound(weights) >= matcher.threshold() {
        return sentences
            .iter()
            .map(|s| {
                by_outlet
                    .iter()
                    .enumerate()
                    .filter(|&(o, _)| o != s.outlet)
                    .flat_map(|(_, v)| v.iter().copied())
                    .collect()
            })
            .collect();
    }
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in sentences.iter().enumerate() {
        for t in s.info.terms() {
            index.entry(t.as_str()).or_default().push(i);
        }
    }
    let mut seen = vec![usize::MAX; sentences.len()];
    sentences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut out = Vec::new();
            for t in s.info.terms() {
                for &j in &index[t.as_str()] {
                    if seen[j] != i && sentences[j].outlet != s.outlet {
                        seen[j] = i;
                        out.push(j);
                    }
                }
            }
            // By outlet, then in input order, as the best match is chosen.
            out.sort_unstable_by_key(|&j| (sentences[j].outlet, j));
            out
        })
        .collect()
}

/// Each sentence's best match in every other outlet, with `score` for a pair, where the
/// match restates it: `(sentence, match)`. Pairs outside `candidates` cannot restate.
fn links_by(
    sentences: &[Sentence],
    candidates: &[Vec<usize>],
    matcher: &Matcher,
    score: impl Fn(usize, usize) -> f32,
) -> Vec<(usize, usize)> {
    let mut links = Vec::new();
    for (i, list) in candidates.iter().enumerate() {
        for run in list.chunk_by(|&a, &b| sentences[a].outlet == sentences[b].outlet) {
            let best = best(run.iter().map(|&j| (j, score(i, j))));
            if let Some((j, _)) = best.filter(|&(_, s)| s >= matcher.threshold()) {
                links.push((i, j));
            }
        }
    }
    links
}

/// The links on words alone.
fn lexical_links(sentences: &[Sentence], matcher: &Matcher) -> Vec<(usize, usize)> {
    let candidates = candidates(sentences, matcher, &LEXICAL);
    links_by(sentences, &candidates, matcher, |i, j| {
        matcher.score(&sentences[i].info, &sentences[j].info, None)
    })
}

/// Every sentence's vector, in one call, or `None` when the encoder fails.
fn vectors(sentences: &[Sentence], which: &[usize], e: &dyn Encoder) -> Option<Vec<Vec<f32>>> {
    let texts: Vec<&str> = which.iter().map(|&i| sentences[i].info.text()).collect();
    e.encode(&texts).ok().filter(|v| v.len() == texts.len())
}

/// The links with every sentence embedded and every pair scored with its cosine, and how
/// many sentences were embedded; `None` when the encoder fails.
fn eager_links(
    sentences: &[Sentence],
    matcher: &Matcher,
    e: &dyn Encoder,
) -> Option<(Vec<(usize, usize)>, usize)> {
    let all: Vec<usize> = (0..sentences.len()).collect();
    let v = vectors(sentences, &all, e)?;
    let everyone: Vec<Vec<usize>> = sentences
        .iter()
        .map(|s| {
            let mut others: Vec<usize> =
                (0..sentences.len()).filter(|&j| sentences[j].outlet != s.outlet).collect();
            others.sort_by_key(|&j| (sentences[j].outlet, j));
            others
        })
        .collect();
    let links = links_by(sentences, &everyone, matcher, |i, j| {
        matcher.score(&sentences[i].info, &sentences[j].info, Some(cosine(&v[i], &v[j])))
    });
    Some((links, sentences.len()))
}

/// The links as [`eager_links`] makes them, embedding only the sentences whose vector
/// could change one (see [`Embedding::Lazy`]).
fn lazy_links(
    sentences: &[Sentence],
    matcher: &Matcher,
    e: &dyn Encoder,
) -> Option<(Vec<(usize, usize)>, usize)> {
    let candidates = candidates(sentences, matcher, &COMBINED);
    let threshold = matcher.threshold();
    let with = |f: &Features, c: f32| COMBINED.score(&Features { cosine: Some(c), ..*f });
    let mut links = Vec::new();
    // Decisions the vectors must settle: the sentence, and the other outlet's sentences
    // that could be its best match, with their features.
    let mut open: Vec<(usize, Vec<(usize, Features)>)> = Vec::new();
    for (i, list) in candidates.iter().enumerate() {
        for run in list.chunk_by(|&a, &b| sentences[a].outlet == sentences[b].outlet) {
            // Those that could restate it, with their lowest and highest scores.
            let mut could: Vec<(usize, Features, f32, f32)> = Vec::new();
            for &j in run {
                let f = matcher.features(&sentences[i].info, &sentences[j].info, None);
                let high = with(&f, 1.0);
                if high >= threshold {
                    could.push((j, f, with(&f, -1.0), high));
                }
            }
            let Some(floor) = could.iter().map(|c| c.2).reduce(f32::max) else { continue };
            // One that scores below another's lowest score is not the best match.
            could.retain(|c| c.3 >= floor);
            if let [(j, _, low, _)] = could[..]
                && low >= threshold
            {
                links.push((i, j));
                continue;
            }
            open.push((i, could.into_iter().map(|(j, f, _, _)| (j, f)).collect()));
        }
    }
    // A decision between sentences the sure links already join cannot change the groups,
    // whatever the vectors say: only the groups are reported.
    let mut group: Vec<usize> = (0..sentences.len()).collect();
    for &(i, j) in &links {
        union(&mut group, i, j);
    }
    open.retain(|(i, could)| {
        let root = find(&mut group, *i);
        !could.iter().all(|(j, _)| find(&mut group, *j) == root)
    });
    let mut needed = vec![false; sentences.len()];
    for (i, could) in &open {
        needed[*i] = true;
        for (j, _) in could {
            needed[*j] = true;
        }
    }
    let which: Vec<usize> = (0..sentences.len()).filter(|&i| needed[i]).collect();
    let mut slot = vec![usize::MAX; sentences.len()];
    for (k, &i) in which.iter().enumerate() {
        slot[i] = k;
    }
    let v = if which.is_empty() { Vec::new() } else { vectors(sentences, &which, e)? };
    for (i, could) in open {
        let scores = could.iter().map(|(j, f)| (*j, with(f, cosine(&v[slot[i]], &v[slot[*j]]))));
        if let Some((j, _)) = best(scores).filter(|&(_, s)| s >= threshold) {
            links.push((i, j));
        }
    }
    Some((links, which.len()))
}

fn find(group: &mut [usize], mut i: usize) -> usize {
    while group[i] != i {
        group[i] = group[group[i]];
        i = group[i];
    }
    i
}

/// Joins two groups under the lower index, so a claim is named after its earliest sentence.
fn union(group: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(group, a), find(group, b));
    if ra != rb {
        group[ra.max(rb)] = ra.min(rb);
    }
}

/// Words after which a full stop does not end a sentence: titles, and the months news
/// copy abbreviates ("Sept. 15").
const ABBREVIATIONS: &[&str] = &[
    "Capt", "Co", "Col", "Corp", "Dr", "Gen", "Gov", "Inc", "Jr", "Lt", "Ltd", "Mr", "Mrs", "Ms",
    "No", "Prof", "Rep", "Rev", "Sen", "Sgt", "Sr", "St", "vs", "Jan", "Feb", "Mar", "Apr", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec",
];

/// Splits a text into sentences: at line breaks, and after `.`, `!` or `?` (with any
/// closing quote or bracket) followed by a space, except after an abbreviation ("Mr.",
/// "U.S.", an initial), where a sentence cut by a line break is also joined again.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let tokens = text.lines().flat_map(|line| {
        let n = line.split_whitespace().count();
        line.split_whitespace().enumerate().map(move |(i, t)| (t, i + 1 == n))
    });
    for (token, line_end) in tokens {
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(token);
        let bare = token.trim_end_matches(['"', '\'', '”', '’', ')', ']']);
        let stop = bare.ends_with(['.', '!', '?']);
        let abbreviation = bare.ends_with('.') && is_abbreviation(&bare[..bare.len() - 1]);
        if (stop || line_end) && !abbreviation {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn is_abbreviation(word: &str) -> bool {
    let word = word.trim_start_matches(['"', '\'', '“', '‘', '(']);
    // An initial ("J."), or letters with inner dots ("U.S.", "a.m.").
    (word.chars().count() == 1 && word.chars().all(char::is_alphabetic))
        || (word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2))
        || ABBREVIATIONS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_claim_keeps_every_outlets_sentence_and_their_conflicting_figures() {
        let c = compare(
            &[
                CoverageInput {
                    outlet: "Daily",
                    text: "Leaders of 39 countries met at the Elysee Palace in Paris on Thursday.",
                },
                CoverageInput {
                    outlet: "Herald",
                    text: "Leaders of 26 countries met at the Elysee Palace in Paris on Thursday.",
                },
            ],
            None,
        );
        assert_eq!(c.shared.len(), 1, "{c:#?}");
        let claim = &c.shared[0];
        let outlets: Vec<&str> = claim.sentences.iter().map(|s| s.outlet.as_str()).collect();
        assert_eq!(outlets, ["Daily", "Herald"]);
        assert!(claim.sentences[1].text.starts_with("Leaders of 26"));
        assert_eq!(claim.conflicts.len(), 1);
        let values: Vec<&str> =
            claim.conflicts[0].values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["39", "26"]);
        // Old JSON, without the sentences and conflicts, still reads.
        let old: Claim = serde_json::from_str(r#"{"text": "t", "outlets": ["a", "b"]}"#).unwrap();
        assert!(old.sentences.is_empty() && old.conflicts.is_empty());
    }

    #[test]
    fn the_caps_apply_and_are_reported() {
        let long = "The storm flooded coastal towns overnight. Rescuers reached stranded families \
                    by boat. The mayor blamed the state government for delays.";
        let short = "The storm flooded coastal towns overnight.";
        let other = "Coastal towns were flooded by the storm overnight.";
        let third = "Rescuers reached stranded families by boat on Monday.";
        let inputs = [
            CoverageInput { outlet: "Daily", text: short },
            CoverageInput { outlet: "Daily", text: long },
            CoverageInput { outlet: "Herald", text: other },
            CoverageInput { outlet: "Post", text: third },
        ];
        let c = compare(&inputs, None);
        // Daily's shorter article is left out, and that is said.
        assert!(c.truncated, "{c:#?}");
        assert_eq!((c.limits.outlets_given, c.limits.outlets_compared), (3, 3));
        assert_eq!((c.limits.articles_given, c.limits.articles_compared), (4, 3));
        // One article per outlet, the longest: Daily's three sentences, not four.
        assert_eq!(c.sentences_compared, 5);
        let options =
            CompareOptions { max_outlets: 2, max_sentences: 1, ..CompareOptions::default() };
        let c = compare_with(&inputs, None, &options);
        assert!(c.truncated);
        let l = &c.limits;
        assert_eq!((l.outlets_given, l.outlets_compared), (3, 2));
        assert_eq!((l.articles_compared, l.max_sentences, l.articles_cut), (2, 1, 1));
        assert_eq!(c.sentences_compared, 2);
        assert!(c.unique.iter().all(|u| u.outlet != "Post"), "{c:#?}");
        assert_eq!(c.shared.len(), 1, "{c:#?}");
        // Old JSON, without the counts and limits, still reads.
        let old: Coverage = serde_json::from_str(r#"{"shared": [], "unique": []}"#).unwrap();
        assert!(!old.truncated && old.limits == Limits::default());
    }

    #[test]
    fn abbreviated_months_do_not_end_a_sentence() {
        assert_eq!(
            sentences("The vote is on Sept. 15 in Rome."),
            ["The vote is on Sept. 15 in Rome."]
        );
    }

    #[test]
    fn sentences_split_at_stops_and_lines_but_not_abbreviations() {
        let s = sentences(
            "Mr. Smith met U.S.\nPresident Jones on Monday. \"It went well,\" he said! Next\n\nline here",
        );
        assert_eq!(
            s,
            vec![
                "Mr. Smith met U.S. President Jones on Monday.",
                "\"It went well,\" he said!",
                "Next",
                "line here",
            ]
        );
    }
}
