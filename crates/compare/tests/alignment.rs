//! The gold file of hand-judged claims, and the scoring of a comparison against it.

use std::collections::HashSet;

use chorus_compare::{CoverageInput, sentence_claims, sentences};
use chorus_newsroom::catalog;

use crate::gold::{Gold, GoldClaim, GoldEvent, GoldSentence, Predicted, Tally, predict, score};

/// Every event's claim-sentences, as the comparison (words alone) cuts them.
fn claim_sentences(event: &GoldEvent) -> Vec<(String, String)> {
    let texts = event.texts();
    let input: Vec<CoverageInput<'_>> =
        texts.iter().map(|(o, t)| CoverageInput { outlet: o, text: t }).collect();
    sentence_claims(&input, None).into_iter().map(|s| (s.outlet, s.text)).collect()
}

#[test]
fn the_gold_file_parses_and_covers_the_seeds_and_every_topic() {
    let gold = Gold::load();
    assert!(gold.events.len() >= 9, "{} events judged", gold.events.len());
    let keys: HashSet<&str> = gold.events.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys.len(), gold.events.len(), "an event judged twice");
    assert!(keys.contains(gold.seeds.event.as_str()));
    // One event of each topic at least (the newsroom's story tables).
    for topic in [
        &["election", "rail-strike", "court-ruling"][..],
        &["rate-decision", "product-recall", "airline-merger"],
        &["italy-troops"],
        &["space-launch", "health-study"],
        &["cup-final"],
        &["storm-a", "storm-b", "wildfire"],
    ] {
        assert!(topic.iter().any(|k| keys.contains(k)), "no event of {topic:?} judged");
    }
    for e in &gold.events {
        let c = catalog();
        assert!(c.event(&e.key).is_some(), "unknown event {}", e.key);
        // Every outlet that told the event in its own words is compared.
        let mut told: Vec<&str> =
            c.stories_about(&e.key).filter(|s| s.reprint_of.is_none()).map(|s| s.outlet).collect();
        told.sort_unstable();
        told.dedup();
        let mut listed: Vec<&str> = e.outlets.iter().map(String::as_str).collect();
        listed.sort_unstable();
        assert_eq!(told, listed, "{}: outlets", e.key);
    }
}

#[test]
fn every_gold_sentence_is_a_claim_sentence_of_its_event_and_in_one_claim_only() {
    let gold = Gold::load();
    for e in &gold.events {
        let found = claim_sentences(e);
        let mut seen = HashSet::new();
        for claim in &e.claims {
            let outlets: HashSet<&str> =
                claim.sentences.iter().map(|s| s.outlet.as_str()).collect();
            assert!(outlets.len() >= 2, "{}: a claim of one outlet: {claim:?}", e.key);
            for s in &claim.sentences {
                assert!(
                    found.iter().any(|(o, t)| *o == s.outlet && *t == s.text),
                    "{}: not a claim-sentence of {}: {:?}",
                    e.key,
                    s.outlet,
                    s.text
                );
                assert!(seen.insert(s), "{}: in two claims: {s:?}", e.key);
            }
        }
    }
    // The allegations are the retelling's sentences, and none is in a claim.
    let seeds = gold.seed_event();
    let retold: Vec<String> = catalog()
        .stories_about(&gold.seeds.event)
        .filter(|s| s.outlet == gold.seeds.retelling)
        .flat_map(|s| sentences(&s.text()))
        .collect();
    for a in &gold.seeds.allegations {
        assert!(retold.contains(a), "not a sentence of {}: {a:?}", gold.seeds.retelling);
        let in_claim =
            gold.event(&gold.seeds.event).unwrap().claims.iter().any(|c| {
                c.sentences.iter().any(|s| s.outlet == gold.seeds.retelling && s.text == *a)
            });
        assert!(!in_claim, "an allegation in a shared claim: {a:?}");
    }
    assert!(!seeds.claims.is_empty());
}

/// The scores read which claim each sentence is in from `sentence_claims`, and whether it
/// is shared from `compare`: on every judged event the two must agree, and every gold
/// sentence must be among the sentences scored.
#[test]
fn sentence_claims_groups_as_compare_does_on_every_judged_event() {
    let gold = Gold::load();
    for event in gold.events.iter().chain([&gold.seed_event()]) {
        let predicted = predict(event, None).unwrap_or_else(|e| panic!("{e}"));
        assert!(predicted.iter().any(|p| p.shared), "{}: nothing shared", event.key);
        score(event, &predicted).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn a_bad_gold_file_is_refused_with_the_reason() {
    let err = Gold::parse("[seeds]\nevent = 3\n").unwrap_err();
    assert!(err.contains("event"), "{err}");
    let err = Gold::parse(&format!("{}\nsurprise = 1\n", crate::gold::GOLD_TOML)).unwrap_err();
    assert!(err.contains("surprise"), "{err}");
}

fn sentence(outlet: &str, text: &str) -> GoldSentence {
    GoldSentence { outlet: outlet.into(), text: text.into() }
}

fn predicted(outlet: &str, text: &str, shared: bool, claim: usize) -> Predicted {
    Predicted { outlet: outlet.into(), text: text.into(), shared, claim }
}

/// Three outlets, one claim all state (a1, b1, c1); a2 and b2 state another.
fn three_outlets() -> GoldEvent {
    GoldEvent {
        key: "e".into(),
        outlets: vec!["a".into(), "b".into(), "c".into()],
        claims: vec![
            GoldClaim {
                sentences: vec![sentence("a", "a1"), sentence("b", "b1"), sentence("c", "c1")],
            },
            GoldClaim { sentences: vec![sentence("a", "a2"), sentence("b", "b2")] },
        ],
    }
}

#[test]
fn a_perfect_comparison_scores_one_everywhere_and_misses_nothing() {
    let p = [
        predicted("a", "a1", true, 0),
        predicted("a", "a2", true, 1),
        predicted("a", "a3", false, 2),
        predicted("b", "b1", true, 0),
        predicted("b", "b2", true, 1),
        predicted("c", "c1", true, 0),
    ];
    let (s, misses) = score(&three_outlets(), &p).unwrap();
    assert!(misses.is_empty(), "{misses:?}");
    assert_eq!(s.shared, Tally { right: 5, predicted: 5, gold: 5 });
    assert_eq!(s.single, Tally { right: 1, predicted: 1, gold: 1 });
    // a1-b1, a1-c1, b1-c1, a2-b2.
    assert_eq!(s.pairs, Tally { right: 4, predicted: 4, gold: 4 });
}

#[test]
fn wrong_links_and_missed_links_are_counted_and_listed() {
    // c1 missed; a3 wrongly joined to a2/b2's claim.
    let p = [
        predicted("a", "a1", true, 0),
        predicted("a", "a2", true, 1),
        predicted("a", "a3", true, 1),
        predicted("b", "b1", true, 0),
        predicted("b", "b2", true, 1),
        predicted("c", "c1", false, 5),
    ];
    let (s, misses) = score(&three_outlets(), &p).unwrap();
    assert_eq!(s.shared, Tally { right: 4, predicted: 5, gold: 5 });
    assert_eq!(s.single, Tally { right: 0, predicted: 1, gold: 1 });
    assert_eq!((s.shared.precision(), s.shared.recall()), (0.8, 0.8));
    assert_eq!((s.single.precision(), s.single.recall()), (0.0, 0.0));
    // Predicted: a1-b1, a2-b2, a3-b2. Gold: a1-b1, a1-c1, b1-c1, a2-b2.
    assert_eq!(s.pairs, Tally { right: 2, predicted: 3, gold: 4 });
    let wrong: Vec<&str> = misses.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(wrong, ["a1", "a3", "b1", "b2", "c1"]);
    let c1 = misses.iter().find(|m| m.text == "c1").unwrap();
    assert!(c1.predicted.is_empty());
    assert_eq!(c1.gold, [("a".into(), "a1".into()), ("b".into(), "b1".into())]);
    assert!(c1.describe().contains("(only this outlet)"), "{}", c1.describe());
}

#[test]
fn a_gold_sentence_the_comparison_never_saw_is_an_error() {
    let p = [predicted("a", "a1", false, 0)];
    let err = score(&three_outlets(), &p).unwrap_err();
    assert!(err.contains("not a claim-sentence"), "{err}");
}

#[test]
fn restricting_to_two_outlets_drops_claims_left_with_one() {
    let two = three_outlets().restricted(&["a".into(), "c".into()]);
    assert_eq!(two.claims.len(), 1);
    assert_eq!(two.claims[0].sentences, [sentence("a", "a1"), sentence("c", "c1")]);
}

#[test]
fn nothing_predicted_or_expected_is_perfect_not_undefined() {
    let t = Tally::default();
    assert_eq!((t.precision(), t.recall()), (1.0, 1.0));
}
