//! The event comparison on the hand-judged claims of `crates/compare/gold`: each judged
//! event compared with the model and on words alone, scored sentence by sentence and pair
//! by pair against the judgement.

use std::fmt::Write as _;
use std::path::Path;

use chorus_compare::Encoder;

// The test suite's reading of the gold file, so the bench and the tests score alike; the
// bench uses only part of it.
#[allow(dead_code)]
#[path = "../../tests/gold/mod.rs"]
mod gold;

use gold::{Gold, Scores, Tally, predict, score};

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
                    let _ = writeln!(listing, "[{matcher} {set} {}] {}", event.key, m.describe());
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
