//! Comparing one event's coverage: which statements several outlets make, and which only
//! one makes.
//!
//! Each article is cut into sentences. A sentence of one outlet whose best match in another
//! outlet's article restates it ([`Matcher::RESTATES`], with the embedding cosine when a
//! model is given, on words alone when not) states the same claim; linked sentences form
//! one claim. A sentence linked to no other outlet is a claim only its outlet makes.

use serde::{Deserialize, Serialize};

use crate::align::best;
use crate::encoder::{Encoder, cosine};
use crate::matcher::Matcher;
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
}

/// A sentence with fewer content words than this is a header, a dateline or a fragment,
/// not a claim.
const MIN_CLAIM_WORDS: usize = 4;

struct Sentence {
    outlet: usize,
    info: SentenceInfo,
}

/// Compares one event's articles: which statements several outlets make and which only
/// one makes. Articles from the same outlet are pooled. With an `encoder`, every sentence
/// is embedded (in one call) and the embedding takes part in each match; if it fails, the
/// comparison falls back to words alone and says so in [`Coverage::by_meaning`]. The
/// result depends only on the input (and its order).
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
    let Linked { outlets, sentences, roots, by_meaning } = link(articles, encoder);

    // The outlets of each group, listed under its root (the group's earliest sentence).
    let mut group_outlets: Vec<Vec<usize>> = vec![Vec::new(); sentences.len()];
    for (i, s) in sentences.iter().enumerate() {
        let list = &mut group_outlets[roots[i]];
        if !list.contains(&s.outlet) {
            list.push(s.outlet);
        }
    }
    let mut coverage = Coverage { by_meaning, ..Coverage::default() };
    for (i, s) in sentences.iter().enumerate() {
        let list = &group_outlets[roots[i]];
        if roots[i] == i && list.len() >= 2 {
            let mut in_group = list.clone();
            in_group.sort_unstable();
            coverage.shared.push(Claim {
                text: s.info.text().to_owned(),
                outlets: in_group.iter().map(|&o| outlets[o].to_owned()).collect(),
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

/// Every claim-sentence of an event's articles (sentences with fewer than four content
/// words are not claims), in input order, each with the claim [`compare`] puts it in: the
/// same linking, so a claim with sentences of two outlets or more is one of
/// [`Coverage::shared`] and every other sentence is listed in [`Coverage::unique`]. For
/// measuring the comparison sentence by sentence.
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
    let Linked { outlets, sentences, roots, .. } = link(articles, encoder);
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
}

/// Cuts the articles into claim-sentences and links each to its best match in every other
/// outlet when that match restates it; linked sentences form one claim.
fn link<'a>(articles: &[CoverageInput<'a>], encoder: Option<&dyn Encoder>) -> Linked<'a> {
    let mut outlets: Vec<&str> = Vec::new();
    let mut sentences: Vec<Sentence> = Vec::new();
    for a in articles {
        let outlet = match outlets.iter().position(|o| *o == a.outlet) {
            Some(i) => i,
            None => {
                outlets.push(a.outlet);
                outlets.len() - 1
            }
        };
        for text in self::sentences(a.text) {
            let info = SentenceInfo::new(&text);
            if info.terms().len() >= MIN_CLAIM_WORDS {
                sentences.push(Sentence { outlet, info });
            }
        }
    }
    let matcher =
        Matcher::for_sentences(sentences.iter().map(|s| &s.info)).with_threshold(Matcher::RESTATES);
    // Embeddings only help where two outlets' sentences meet.
    let vectors = match encoder {
        Some(e) if outlets.len() >= 2 => {
            let texts: Vec<&str> = sentences.iter().map(|s| s.info.text()).collect();
            e.encode(&texts).ok().filter(|v| v.len() == texts.len())
        }
        _ => None,
    };
    let cos = |i: usize, j: usize| vectors.as_ref().map(|v| cosine(&v[i], &v[j]));

    // Link each sentence to its best match in every other outlet.
    let mut group: Vec<usize> = (0..sentences.len()).collect();
    for i in 0..sentences.len() {
        for o in 0..outlets.len() {
            if o == sentences[i].outlet {
                continue;
            }
            let best =
                best((0..sentences.len()).filter(|&j| sentences[j].outlet == o).map(|j| {
                    (j, matcher.score(&sentences[i].info, &sentences[j].info, cos(i, j)))
                }));
            if let Some((j, _)) = best.filter(|&(_, s)| s >= matcher.threshold()) {
                union(&mut group, i, j);
            }
        }
    }

    let roots: Vec<usize> = (0..sentences.len()).map(|i| find(&mut group, i)).collect();
    Linked { outlets, sentences, roots, by_meaning: vectors.is_some() }
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
