//! The hand-judged gold file, `crates/compare/gold/claims.toml`: which sentences of an
//! event's outlets state the same claim. Loading it, the stories it judges, and scoring a
//! comparison against it.
//!
//! Shared by the comparison's tests, `make bench-compare` and the end-to-end seed test, so
//! there is one reading of the file.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::AddAssign;

use chorus_compare::{CoverageInput, Encoder, compare, sentence_claims};
use chorus_newsroom::catalog;
use serde::Deserialize;

/// The gold file, built into whatever reads it.
pub(crate) const GOLD_TOML: &str = include_str!("../../gold/claims.toml");

/// The whole file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Gold {
    /// Which event holds the seed texts, and what is known about them.
    pub(crate) seeds: Seeds,
    /// Every judged event of the newsroom.
    #[serde(rename = "event")]
    pub(crate) events: Vec<GoldEvent>,
}

/// The two seed texts: an event of the newsroom, restricted to the seed outlets.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Seeds {
    /// The newsroom event that holds them.
    pub(crate) event: String,
    /// The outlet of the original report.
    pub(crate) original: String,
    /// The outlet that retells it.
    pub(crate) retelling: String,
    /// The retelling's sentences of allegations the original never makes.
    pub(crate) allegations: Vec<String>,
}

/// One event: the outlets compared and the claims several of them state.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GoldEvent {
    /// The newsroom's event key.
    pub(crate) key: String,
    /// The outlets (newsroom slugs) whose stories are compared, in the order given to the
    /// comparison; reprints are left out.
    pub(crate) outlets: Vec<String>,
    /// The claims stated by two outlets or more. Every other claim-sentence of the event
    /// is a claim only its outlet makes.
    #[serde(default, rename = "claim")]
    pub(crate) claims: Vec<GoldClaim>,
}

/// One claim several outlets state: their sentences.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GoldClaim {
    /// The sentences stating it.
    pub(crate) sentences: Vec<GoldSentence>,
}

/// One outlet's sentence, exactly as the comparison cuts it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GoldSentence {
    /// The outlet's newsroom slug.
    pub(crate) outlet: String,
    /// The sentence.
    pub(crate) text: String,
}

/// Whether `right` is all of `of` but two at most: how many of the retelling's
/// restatements the seed tests ask the comparison to find. (Cut by paragraph, the
/// retelling had ten, one of them a paragraph copied word for word, and the tests asked
/// for eight; cut into sentences, that paragraph is part of its neighbour's sentence.)
pub(crate) fn mostly(right: usize, of: usize) -> bool {
    of > 0 && right + 2 >= of
}

impl Gold {
    /// Parses the gold file's text.
    pub(crate) fn parse(text: &str) -> Result<Gold, String> {
        toml::from_str(text).map_err(|e| format!("gold file: {e}"))
    }

    /// The gold file built into this binary.
    pub(crate) fn load() -> Gold {
        Gold::parse(GOLD_TOML).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The judged event with this key.
    pub(crate) fn event(&self, key: &str) -> Option<&GoldEvent> {
        self.events.iter().find(|e| e.key == key)
    }

    /// The seed texts as an event of their own: the seeds' event with only the original
    /// and the retelling, its claims cut down to their sentences.
    pub(crate) fn seed_event(&self) -> GoldEvent {
        let event = self.event(&self.seeds.event).expect("the seeds' event is judged");
        event.restricted(&[self.seeds.original.clone(), self.seeds.retelling.clone()])
    }

    /// The retelling's sentences that restate the original, each with the original's
    /// sentences stating the same claim.
    pub(crate) fn seed_restatements(&self) -> Vec<(String, Vec<String>)> {
        let of = |claim: &GoldClaim, outlet: &str| -> Vec<String> {
            claim.sentences.iter().filter(|s| s.outlet == outlet).map(|s| s.text.clone()).collect()
        };
        let mut out = Vec::new();
        for claim in &self.seed_event().claims {
            let sources = of(claim, &self.seeds.original);
            for retold in of(claim, &self.seeds.retelling) {
                out.push((retold, sources.clone()));
            }
        }
        out
    }
}

impl GoldEvent {
    /// The event with only these outlets: claims keep their sentences of these outlets, and
    /// a claim left with one outlet is no longer shared.
    pub(crate) fn restricted(&self, outlets: &[String]) -> GoldEvent {
        let claims = self
            .claims
            .iter()
            .map(|c| GoldClaim {
                sentences: c
                    .sentences
                    .iter()
                    .filter(|s| outlets.contains(&s.outlet))
                    .cloned()
                    .collect(),
            })
            .filter(|c| c.sentences.iter().map(|s| &s.outlet).collect::<HashSet<_>>().len() >= 2)
            .collect();
        GoldEvent { key: self.key.clone(), outlets: outlets.to_vec(), claims }
    }

    /// The body text of each outlet's story, in the order of [`GoldEvent::outlets`]: the
    /// newsroom's stories of the event, reprints left out.
    pub(crate) fn texts(&self) -> Vec<(String, String)> {
        self.outlets
            .iter()
            .map(|outlet| {
                let text: Vec<String> = catalog()
                    .stories_about(&self.key)
                    .filter(|s| s.outlet == outlet && s.reprint_of.is_none())
                    .map(|s| s.text())
                    .collect();
                assert!(!text.is_empty(), "no story of {outlet} about {}", self.key);
                (outlet.clone(), text.join("\n\n"))
            })
            .collect()
    }
}

/// One claim-sentence as a comparison saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Predicted {
    /// The outlet.
    pub(crate) outlet: String,
    /// The sentence.
    pub(crate) text: String,
    /// Whether it is in a shared claim (not listed among its outlet's own claims).
    pub(crate) shared: bool,
    /// Its claim: sentences with the same number are in one claim.
    pub(crate) claim: usize,
}

/// Compares one judged event and returns each claim-sentence with the claim it was put
/// in. Whether a sentence is shared is read from the comparison's output (not listed among
/// its outlet's own claims); which sentences share a claim, from [`sentence_claims`],
/// which must agree with it.
pub(crate) fn predict(
    event: &GoldEvent,
    encoder: Option<&dyn Encoder>,
) -> Result<Vec<Predicted>, String> {
    let texts = event.texts();
    let input: Vec<CoverageInput<'_>> =
        texts.iter().map(|(o, t)| CoverageInput { outlet: o, text: t }).collect();
    let coverage = compare(&input, encoder);
    if encoder.is_some() && !coverage.by_meaning {
        return Err(format!("{}: the model failed, the comparison used words alone", event.key));
    }
    let claims = sentence_claims(&input, encoder);
    let unique: HashSet<(&str, &str)> = coverage
        .unique
        .iter()
        .flat_map(|u| u.claims.iter().map(|c| (u.outlet.as_str(), c.as_str())))
        .collect();
    let predicted: Vec<Predicted> = claims
        .iter()
        .map(|s| Predicted {
            outlet: s.outlet.clone(),
            text: s.text.clone(),
            shared: !unique.contains(&(s.outlet.as_str(), s.text.as_str())),
            claim: s.claim,
        })
        .collect();
    // The two views of one comparison must agree: a claim is shared when it holds
    // sentences of two outlets, and the shared claims are named after their first sentence.
    for p in &predicted {
        let others = predicted.iter().any(|q| q.claim == p.claim && q.outlet != p.outlet);
        if others != p.shared {
            return Err(format!(
                "{}: sentence_claims and compare disagree on {:?}",
                event.key, p.text
            ));
        }
    }
    for claim in &coverage.shared {
        let root = claims.iter().position(|s| s.text == claim.text && s.outlet == claim.outlets[0]);
        let Some(root) = root else {
            return Err(format!(
                "{}: shared claim {:?} has no first sentence",
                event.key, claim.text
            ));
        };
        let mut outlets: Vec<&str> = Vec::new();
        for s in claims.iter().filter(|s| s.claim == root) {
            if !outlets.contains(&s.outlet.as_str()) {
                outlets.push(&s.outlet);
            }
        }
        let order = |o: &str| event.outlets.iter().position(|x| x == o);
        outlets.sort_by_key(|o| order(o));
        if outlets != claim.outlets {
            return Err(format!("{}: outlets of {:?} disagree", event.key, claim.text));
        }
    }
    Ok(predicted)
}

/// Right answers among those given and those expected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Given and expected.
    pub(crate) right: usize,
    /// Given.
    pub(crate) predicted: usize,
    /// Expected.
    pub(crate) gold: usize,
}

impl Tally {
    /// Right among given (1 when nothing was given).
    pub(crate) fn precision(&self) -> f64 {
        if self.predicted == 0 { 1.0 } else { self.right as f64 / self.predicted as f64 }
    }

    /// Right among expected (1 when nothing was expected).
    pub(crate) fn recall(&self) -> f64 {
        if self.gold == 0 { 1.0 } else { self.right as f64 / self.gold as f64 }
    }

    fn count(&mut self, predicted: bool, gold: bool) {
        self.predicted += usize::from(predicted);
        self.gold += usize::from(gold);
        self.right += usize::from(predicted && gold);
    }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.right += o.right;
        self.predicted += o.predicted;
        self.gold += o.gold;
    }
}

/// A comparison's scores on one event or more.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Scores {
    /// Sentences in a shared claim.
    pub(crate) shared: Tally,
    /// Sentences that are a claim of their outlet alone.
    pub(crate) single: Tally,
    /// Pairs of sentences of different outlets in one claim.
    pub(crate) pairs: Tally,
}

impl AddAssign for Scores {
    fn add_assign(&mut self, o: Scores) {
        self.shared += o.shared;
        self.single += o.single;
        self.pairs += o.pairs;
    }
}

/// One sentence the comparison got wrong: its partners in other outlets as predicted and
/// as judged (no partners: a claim of its outlet alone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Miss {
    /// The outlet.
    pub(crate) outlet: String,
    /// The sentence.
    pub(crate) text: String,
    /// Its predicted partners (outlet, sentence), in input order.
    pub(crate) predicted: Vec<(String, String)>,
    /// Its judged partners, in input order.
    pub(crate) gold: Vec<(String, String)>,
}

impl Miss {
    /// The miss for reading: the sentence, then both lists of partners.
    pub(crate) fn describe(&self) -> String {
        let list = |l: &[(String, String)]| {
            if l.is_empty() {
                "  (only this outlet)\n".to_owned()
            } else {
                l.iter().map(|(o, t)| format!("  {o}: {t}\n")).collect()
            }
        };
        let mut s = format!("{}: {}\n", self.outlet, self.text);
        let _ = write!(s, " predicted:\n{} gold:\n{}", list(&self.predicted), list(&self.gold));
        s
    }
}

/// Scores one event's comparison against its judgement. Every claim-sentence the
/// comparison saw counts; a gold sentence it did not see is an error.
pub(crate) fn score(
    gold: &GoldEvent,
    predicted: &[Predicted],
) -> Result<(Scores, Vec<Miss>), String> {
    let mut gold_claim: HashMap<(&str, &str), usize> = HashMap::new();
    for (c, claim) in gold.claims.iter().enumerate() {
        for s in &claim.sentences {
            if gold_claim.insert((&s.outlet, &s.text), c).is_some() {
                return Err(format!("{}: in two claims: {}: {}", gold.key, s.outlet, s.text));
            }
        }
    }
    let seen: HashSet<(&str, &str)> =
        predicted.iter().map(|p| (p.outlet.as_str(), p.text.as_str())).collect();
    if let Some((o, t)) = gold_claim.keys().find(|k| !seen.contains(*k)) {
        return Err(format!("{}: not a claim-sentence of the comparison: {o}: {t}", gold.key));
    }
    let gold_of = |p: &Predicted| gold_claim.get(&(p.outlet.as_str(), p.text.as_str())).copied();
    let mut scores = Scores::default();
    for p in predicted {
        let in_gold = gold_of(p).is_some();
        scores.shared.count(p.shared, in_gold);
        scores.single.count(!p.shared, !in_gold);
    }
    let mut misses = Vec::new();
    for (i, p) in predicted.iter().enumerate() {
        let mut mine = Vec::new();
        let mut theirs = Vec::new();
        for (j, q) in predicted.iter().enumerate() {
            if p.outlet == q.outlet {
                continue;
            }
            let same_predicted = p.claim == q.claim;
            let same_gold = gold_of(p).is_some() && gold_of(p) == gold_of(q);
            if j > i {
                scores.pairs.count(same_predicted, same_gold);
            }
            if same_predicted {
                mine.push((q.outlet.clone(), q.text.clone()));
            }
            if same_gold {
                theirs.push((q.outlet.clone(), q.text.clone()));
            }
        }
        if mine != theirs {
            misses.push(Miss {
                outlet: p.outlet.clone(),
                text: p.text.clone(),
                predicted: mine,
                gold: theirs,
            });
        }
    }
    Ok((scores, misses))
}
