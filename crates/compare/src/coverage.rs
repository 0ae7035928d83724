//! Comparing one event's coverage: which statements several outlets make, and which only
//! one makes.
//!
//! Each article is cut into sentences. A sentence of one outlet whose best match in another
//! outlet's article restates it ([`Matcher::RESTATES`], with the embedding cosine when a
//! model is given, on words alone when not) states the same claim; linked sentences form
//! one claim. A sentence linked to no other outlet is a claim only its outlet makes.

use serde::{Deserialize, Serialize};

use crate::align::best;
use crate::conflicts::{Conflict, conflicts};
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
        for text in sentences_of(a.text) {
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

    // The outlets of each group, listed under its root (the group's earliest sentence).
    let roots: Vec<usize> = (0..sentences.len()).map(|i| find(&mut group, i)).collect();
    let mut group_outlets: Vec<Vec<usize>> = vec![Vec::new(); sentences.len()];
    for (i, s) in sentences.iter().enumerate() {
        let list = &mut group_outlets[roots[i]];
        if !list.contains(&s.outlet) {
            list.push(s.outlet);
        }
    }
    let mut coverage = Coverage { by_meaning: vectors.is_some(), ..Coverage::default() };
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
    fn abbreviated_months_do_not_end_a_sentence() {
        assert_eq!(
            sentences_of("The vote is on Sept. 15 in Rome."),
            ["The vote is on Sept. 15 in Rome."]
        );
    }

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
