//! Comparing one event's coverage: which statements several outlets make, and which only
//! one makes.
//!
//! Each article is cut into sentences; each sentence becomes a set of content-word stems,
//! weighted by how rare the stem is among all the event's sentences (so that the names
//! every article repeats do not make two sentences alike). A sentence of one outlet that is
//! similar enough to a sentence of another outlet states the same thing in other words;
//! linked sentences form one claim. A sentence linked to no other outlet is a claim only its
//! outlet makes.

use serde::{Deserialize, Serialize};

use crate::terms::{Term, TermVector, dot, normalise, term_id};
use crate::text::{Analyser, HashMapU64, Word};

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
}

/// Two sentences state the same thing from this cosine similarity of their weighted
/// content words. Close paraphrases of one fact score 0.25 to 0.7; sentences that only
/// share the event's names and setting score below 0.2. Loose paraphrases (other verbs,
/// other nouns for the same thing) fall below too: a lexical measure cannot see them.
const SAME_CLAIM: f32 = 0.25;
/// A sentence with fewer content words than this is a header, a dateline or a fragment,
/// not a claim.
const MIN_CLAIM_WORDS: usize = 4;

struct Sentence {
    outlet: usize,
    text: String,
    vector: TermVector,
}

/// Compares one event's articles: which statements several outlets make and which only
/// one makes. Articles from the same outlet are pooled. The result depends only on the
/// input (and its order).
///
/// ```
/// use chorus_dedup::{CoverageInput, compare};
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
/// ]);
/// assert_eq!(c.shared.len(), 1);
/// assert_eq!(c.shared[0].outlets, ["Daily", "Herald"]);
/// assert_eq!(c.unique.len(), 2);
/// assert!(c.unique[0].claims[0].starts_with("The mayor blamed"));
/// ```
pub fn compare(articles: &[CoverageInput<'_>]) -> Coverage {
    let mut outlets: Vec<&str> = Vec::new();
    let mut sentences: Vec<Sentence> = Vec::new();
    let mut analyser = Analyser::default();
    let mut words: Vec<Word> = Vec::new();
    for a in articles {
        let outlet = match outlets.iter().position(|o| *o == a.outlet) {
            Some(i) => i,
            None => {
                outlets.push(a.outlet);
                outlets.len() - 1
            }
        };
        for text in sentences_of(a.text) {
            analyser.analyse(&text, &mut words);
            let mut terms: Vec<Term> =
                words.iter().filter(|w| !w.stop).map(|w| term_id(w.term)).collect();
            terms.sort_unstable();
            terms.dedup();
            if terms.len() >= MIN_CLAIM_WORDS {
                sentences.push(Sentence {
                    outlet,
                    text,
                    vector: terms.iter().map(|&t| (t, 1.0)).collect(),
                });
            }
        }
    }
    weigh(&mut sentences);

    // Link each sentence to its best match in every other outlet.
    let mut group: Vec<usize> = (0..sentences.len()).collect();
    for i in 0..sentences.len() {
        for o in 0..outlets.len() {
            if o == sentences[i].outlet {
                continue;
            }
            let best = (0..sentences.len())
                .filter(|&j| sentences[j].outlet == o)
                .map(|j| (j, dot(&sentences[i].vector, &sentences[j].vector)))
                .fold(None, |best: Option<(usize, f32)>, (j, s)| match best {
                    Some((_, b)) if b >= s => best,
                    _ => Some((j, s)),
                });
            if let Some((j, _)) = best.filter(|&(_, s)| s >= SAME_CLAIM) {
                union(&mut group, i, j);
            }
        }
    }

    // The outlets of each group, listed under its root (the group's earliest sentence).
    let roots: Vec<usize> = (0..sentences.len()).map(|i| find(&mut group, i)).collect();
    let mut group_outlets: Vec<Vec<usize>> = vec![Vec::new(); sentences.len()];
    for (i, s) in sentences.iter().enumerate() {
        let list = &mut group_outlets[roots[i]];
        if !list.contains(&s.outlet) {
            list.push(s.outlet);
        }
    }
    let mut coverage = Coverage::default();
    for (i, s) in sentences.iter().enumerate() {
        let list = &group_outlets[roots[i]];
        if roots[i] == i && list.len() >= 2 {
            let mut in_group = list.clone();
            in_group.sort_unstable();
            coverage.shared.push(Claim {
                text: s.text.clone(),
                outlets: in_group.iter().map(|&o| outlets[o].to_owned()).collect(),
            });
        }
    }
    for (o, name) in outlets.iter().enumerate() {
        let claims: Vec<String> = (0..sentences.len())
            .filter(|&i| sentences[i].outlet == o && group_outlets[roots[i]].len() == 1)
            .map(|i| sentences[i].text.clone())
            .collect();
        if !claims.is_empty() {
            coverage.unique.push(UniqueClaims { outlet: (*name).to_owned(), claims });
        }
    }
    coverage
}

/// Weights each sentence's terms by `ln(1 + n / count)` over the event's `n` sentences,
/// then scales each vector to unit length.
fn weigh(sentences: &mut [Sentence]) {
    let mut counts: HashMapU64<u32> = HashMapU64::default();
    for s in sentences.iter() {
        for &(t, _) in &s.vector {
            *counts.entry(u64::from(t)).or_default() += 1;
        }
    }
    let n = sentences.len() as f32;
    for s in sentences.iter_mut() {
        for (t, w) in s.vector.iter_mut() {
            let count = counts.get(&u64::from(*t)).copied().unwrap_or(1).max(1) as f32;
            *w = (1.0 + n / count).ln();
        }
        normalise(&mut s.vector);
    }
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

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Capt", "Co", "Col", "Corp", "Dr", "Gen", "Gov", "Inc", "Jr", "Lt", "Ltd", "Mr", "Mrs", "Ms",
    "No", "Prof", "Rep", "Rev", "Sen", "Sgt", "Sr", "St", "vs",
];

/// Splits a text into sentences: at line breaks, and after `.`, `!` or `?` (with any
/// closing quote or bracket) followed by a space, except after an abbreviation ("Mr.",
/// "U.S.", an initial), where a sentence cut by a line break is also joined again.
fn sentences_of(text: &str) -> Vec<String> {
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
    fn sentences_split_at_stops_and_lines_but_not_abbreviations() {
        let s = sentences_of(
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
