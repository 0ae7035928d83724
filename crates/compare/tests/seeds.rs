//! The two seed stories: KMIA retells the first seed's report of the Paris meeting in its
//! own words, then adds four paragraphs of allegations the first seed never makes. The
//! matcher must pair the retold sentences with their sources and leave the allegations
//! unpaired: at [`Matcher::RESTATES`](chorus_compare::Matcher::RESTATES), which these
//! sentences set (so these tests guard the weights and features against regressions more
//! than they measure them).
//!
//! The embeddings come from the installed model (`make model`; `make test` installs it
//! first), found as the pipeline finds it.

use chorus_compare::{BestMatch, Encoder, align, sentences};
use chorus_embed::{Embedder, default_model_dir};
use chorus_newsroom::catalog;

use crate::gold::{Gold, mostly};

/// The installed sentence-embedding model.
fn model() -> Embedder {
    let dir = default_model_dir()
        .expect("no sentence-embedding model found: run `make model` (make test does)");
    Embedder::load(&dir).unwrap_or_else(|e| panic!("{e}"))
}

/// The sentences of one outlet's story of the seeds' event, as the comparison cuts them.
fn story(gold: &Gold, outlet: &str) -> Vec<String> {
    let s = catalog().stories.iter().find(|s| s.outlet == outlet && s.event == gold.seeds.event);
    sentences(&s.expect("seed story").text())
}

struct Outcome {
    restated: usize,
    restatements: usize,
    allegations_paired: usize,
    report: String,
}

/// KMIA's restatements of the first seed and its allegations come from the gold file:
/// a retold sentence must find one of the sentences it is judged to restate (where KMIA
/// merges two, either will do), an allegation must find none.
fn check(encoder: Option<&dyn Encoder>) -> Outcome {
    let gold = Gold::load();
    let rome = story(&gold, &gold.seeds.original);
    let kmia = story(&gold, &gold.seeds.retelling);
    let left: Vec<&str> = kmia.iter().map(String::as_str).collect();
    let right: Vec<&str> = rome.iter().map(String::as_str).collect();
    let best = align(&left, &right, encoder).expect("every seed sentence has a vector");
    let find = |list: &[String], text: &str| {
        list.iter().position(|s| s == text).unwrap_or_else(|| panic!("{text:?}"))
    };
    let describe = |m: &BestMatch| format!("{:.3} {} -> {:.50}", m.score, m.same, rome[m.index]);
    let mut report = String::new();
    let restatements = gold.seed_restatements();
    let mut restated = 0;
    for (retold, sources) in &restatements {
        let m = best[find(&kmia, retold)].expect("a best match");
        let right = sources.iter().any(|s| find(&rome, s) == m.index);
        restated += usize::from(right && m.same);
        report += &format!("restatement {retold:.40}: {}\n", describe(&m));
    }
    let mut allegations_paired = 0;
    for allegation in &gold.seeds.allegations {
        let m = best[find(&kmia, allegation)].expect("a best match");
        allegations_paired += usize::from(m.same);
        report += &format!("allegation {allegation:.40}: {}\n", describe(&m));
    }
    Outcome { restated, restatements: restatements.len(), allegations_paired, report }
}

#[test]
fn the_combined_matcher_pairs_retold_sentences_and_leaves_the_allegations_alone() {
    let model = model();
    let o = check(Some(&model));
    eprintln!("combined: {} of {} restatements paired\n{}", o.restated, o.restatements, o.report);
    assert!(
        mostly(o.restated, o.restatements),
        "{} of {} paired:\n{}",
        o.restated,
        o.restatements,
        o.report
    );
    assert_eq!(o.allegations_paired, 0, "allegations paired:\n{}", o.report);
}

#[test]
fn without_a_model_the_lexical_matcher_does_as_well_on_the_seeds() {
    let o = check(None);
    eprintln!("lexical: {} of {} restatements paired\n{}", o.restated, o.restatements, o.report);
    assert!(
        mostly(o.restated, o.restatements),
        "{} of {} paired:\n{}",
        o.restated,
        o.restatements,
        o.report
    );
    assert_eq!(o.allegations_paired, 0, "allegations paired:\n{}", o.report);
}
