//! The event comparison on the hand-judged claims of `crates/compare/gold`: each judged
//! event compared with the model and on words alone, scored sentence by sentence and pair
//! by pair against the judgement.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use chorus_compare::{CoverageInput, Encoder, compare, sentence_claims};

// The test suite's reading of the gold file, so the bench and the tests score alike; the
// bench uses only part of it.
#[allow(dead_code)]
#[path = "../../tests/gold/mod.rs"]
mod gold;

use gold::{Gold, GoldEvent, Predicted, Scores, Tally, score};

/// Compares one judged event and returns each claim-sentence with the claim it was put
/// in. Whether a sentence is shared is read from the comparison's output (not listed among
/// its outlet's own claims); which sentences share a claim, from [`sentence_claims`],
/// which must agree with it.
fn predict(event: &GoldEvent, encoder: Option<&dyn Encoder>) -> Result<Vec<Predicted>, String> {
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

fn cell(t: &Tally) -> String {
    format!("{:>6.3} {:>6.3}", t.precision(), t.recall())
}

/// Prints the scores of both matchers on the seeds, the newsroom's events and both, and
/// writes every wrong sentence to `errors`.
pub(crate) fn run(model: &dyn Encoder, errors: &Path) -> Result<(), String> {
    let gold = Gold::load();
    let sets = [("seeds", vec![gold.seed_event()]), ("newsroom", gold.events.clone())];
    let sentences: usize = {
        let newsroom = &sets[1].1;
        newsroom.iter().map(|e| predict(e, None).map(|p| p.len())).sum::<Result<usize, _>>()?
    };
    println!(
        "== alignment on the hand-judged claims: the seed texts, and {} newsroom events ({} claim-sentences)",
        gold.events.len(),
        sentences
    );
    println!(
        "   shared/single: sentences in a claim of several outlets, or of one; pairs: sentences of two outlets in one claim"
    );
    println!(
        "{:<9} {:<9} {:>13} {:>13} {:>13}  (precision recall)",
        "matcher", "set", "shared", "single", "pairs"
    );
    let mut listing = String::new();
    for (matcher, encoder) in [("combined", Some(model)), ("lexical", None)] {
        let started = std::time::Instant::now();
        let mut overall = Scores::default();
        for (set, events) in &sets {
            let mut total = Scores::default();
            for event in events {
                let predicted = predict(event, encoder)?;
                let (s, misses) = score(event, &predicted)?;
                total += s;
                for m in misses {
                    let _ = write!(listing, "[{matcher} {set} {}] {}\n", event.key, m.describe());
                }
            }
            let row = [cell(&total.shared), cell(&total.single), cell(&total.pairs)];
            println!("{matcher:<9} {set:<9} {}", row.join(" "));
            overall += total;
        }
        let row = [cell(&overall.shared), cell(&overall.single), cell(&overall.pairs)];
        println!(
            "{matcher:<9} {:<9} {}  ({} sentences in gold claims, {} gold pairs; {:.1} s)",
            "overall",
            row.join(" "),
            overall.shared.gold,
            overall.pairs.gold,
            started.elapsed().as_secs_f64()
        );
    }
    std::fs::write(errors, &listing).map_err(|e| format!("{}: {e}", errors.display()))?;
    println!("sentences the comparison got wrong, with both matchers: {}", errors.display());
    Ok(())
}
