//! The two seed stories: KMIA retells the first seed's report of the Paris meeting in its
//! own words, then adds four paragraphs of allegations the first seed never makes. The
//! matcher must pair the retold sentences with their sources and leave the allegations
//! unpaired: at [`Matcher::RESTATES`](chorus_compare::Matcher::RESTATES), which these
//! sentences set (so these tests guard the weights and features against regressions more
//! than they measure them).
//!
//! The embeddings come from the installed model (`make model`; `make test` installs it
//! first), found as the pipeline finds it.

use chorus_compare::{BestMatch, Encoder, align};
use chorus_embed::{Embedder, default_model_dir};
use chorus_newsroom::catalog;

/// The installed sentence-embedding model.
fn model() -> Embedder {
    let dir = default_model_dir()
        .expect("no sentence-embedding model found: run `make model` (make test does)");
    Embedder::load(&dir).unwrap_or_else(|e| panic!("{e}"))
}

/// The paragraphs (one sentence each) of the first seed and of KMIA's retelling.
fn seeds() -> (Vec<&'static str>, Vec<&'static str>) {
    let story = |outlet: &str| {
        let s = catalog().stories.iter().find(|s| s.outlet == outlet && s.event == "italy-troops");
        s.expect("seed story").paragraphs.to_vec()
    };
    (story("harbor-gazette"), story("kmia"))
}

/// KMIA's restatements of the first seed, each with the first seed's sentences it
/// restates (by their opening words): where KMIA merges two of them, either will do.
const RESTATEMENTS: &[(&str, &[&str])] = &[
    ("The Italian government has firmly declared", &["Italy has firmly rejected"]),
    ("The statement, released by TASS", &["In a statement released by TASS"]),
    (
        "Meloni highlighted her nation's willingness",
        &["In a statement released by TASS", "These include initiatives"],
    ),
    (
        "The meeting, which took place on September 4",
        &["The meeting, held at the Elysee", "The event, which saw participation from 39"],
    ),
    (
        "President Donald Trump, Ukrainian President",
        &["President Donald Trump, Ukrainian President"],
    ),
    (
        "The gathering, held just weeks after Trump's re-election",
        &["They reflect broader geopolitical shifts"],
    ),
    ("Trump, who has long criticized", &["While Trump has consistently criticized"]),
    (
        "His remarks, however, were met with mixed reactions",
        &["However, his emphasis on domestic policy"],
    ),
    (
        "Zelensky's recent comments about European weapon production",
        &["He reportedly criticized the ‘weak’"],
    ),
    ("In a public address, he dismissed", &["He reportedly criticized the ‘weak’"]),
];

/// KMIA's closing allegations, which the first seed does not make.
const ALLEGATIONS: &[&str] = &[
    "Behind the scenes, however",
    "Investigative reports, including those",
    "These reports allege",
    "The most damning evidence",
    "This revelation has cast",
];

struct Outcome {
    restated: usize,
    allegations_paired: usize,
    report: String,
}

fn check(encoder: Option<&dyn Encoder>) -> Outcome {
    let (rome, kmia) = seeds();
    let best = align(&kmia, &rome, encoder).expect("every seed sentence has a vector");
    let find = |list: &[&str], prefix: &str| {
        list.iter().position(|s| s.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix:?}"))
    };
    let describe = |m: &BestMatch| format!("{:.3} {} -> {:.50}", m.score, m.same, rome[m.index]);
    let mut report = String::new();
    let mut restated = 0;
    for (kmia_start, sources) in RESTATEMENTS {
        let m = best[find(&kmia, kmia_start)].expect("a best match");
        let right = sources.iter().any(|s| find(&rome, s) == m.index);
        restated += usize::from(right && m.same);
        report += &format!("restatement {kmia_start:.40}: {}\n", describe(&m));
    }
    let mut allegations_paired = 0;
    for start in ALLEGATIONS {
        let m = best[find(&kmia, start)].expect("a best match");
        allegations_paired += usize::from(m.same);
        report += &format!("allegation {start:.40}: {}\n", describe(&m));
    }
    Outcome { restated, allegations_paired, report }
}

#[test]
fn the_combined_matcher_pairs_retold_sentences_and_leaves_the_allegations_alone() {
    let model = model();
    let o = check(Some(&model));
    eprintln!("combined: {} of 10 restatements paired\n{}", o.restated, o.report);
    assert!(o.restated >= 8, "{} of 10 restatements paired:\n{}", o.restated, o.report);
    assert_eq!(o.allegations_paired, 0, "allegations paired:\n{}", o.report);
}

#[test]
fn without_a_model_the_lexical_matcher_does_as_well_on_the_seeds() {
    let o = check(None);
    eprintln!("lexical: {} of 10 restatements paired\n{}", o.restated, o.report);
    assert!(o.restated >= 8, "{} of 10 restatements paired:\n{}", o.restated, o.report);
    assert_eq!(o.allegations_paired, 0, "allegations paired:\n{}", o.report);
}
