//! The sentence matcher on people's judgements of news sentence pairs, and the event
//! comparison on the hand-judged claims of `crates/compare/gold`.
//!
//! ```text
//! cargo run --release -p chorus-compare --example bench_compare -- \
//!     [PAIRS.jsonl] [--model DIR] [--pred OUT.jsonl] [--lambda L] [--alignment ERRORS.txt]
//! ```
//!
//! PAIRS has one `{"id", "a", "b", "same"}` a line. Every sentence is embedded with the
//! model in DIR (default: where `chorus_embed::default_model_dir` finds it), timed.
//! With 10-fold cross-validation (folds by pair, fixed seed) it prints the accuracy and F1
//! of "same" for the TF-IDF cosine alone and the embedding cosine alone (each with the
//! threshold that is best on the training folds), and for the combined and the
//! lexical-only matchers (logistic regression fitted on the training folds). Then it fits
//! both matchers on all pairs and prints their weights beside the committed ones. `--pred`
//! writes the combined matcher's cross-validated decisions as `{"id", "same"}` lines.
//!
//! With `--alignment` (after the pairs, when both are given; see `alignment.rs`) it
//! compares each judged event twice, with the model and on words alone, prints how well
//! the shared and the single-outlet claims, and the pairs of sentences put in one claim,
//! agree with the judgement, and writes every sentence it got wrong to ERRORS.txt.
#![allow(clippy::print_stdout)]

mod alignment;
mod fit;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chorus_compare::{COMBINED, Encoder, Features, Idf, LEXICAL, SentenceInfo, Weights, cosine};
use serde::Deserialize;

const FOLDS: usize = 10;
const SEED: u64 = 0x5eed_c0de_2026;
/// The L2 penalty on standardised weights: a few thousand pairs pin eight weights down
/// well, so this only keeps correlated features (the three word-overlap measures) from
/// trading large weights of opposite sign.
const DEFAULT_LAMBDA: f64 = 10.0;

#[derive(Deserialize)]
struct Pair {
    id: String,
    a: String,
    b: String,
    same: bool,
}

struct Args {
    pairs: Option<PathBuf>,
    model: Option<PathBuf>,
    pred: Option<PathBuf>,
    /// Run the alignment part, listing the sentences it gets wrong here.
    alignment: Option<PathBuf>,
    lambda: f64,
    /// Features left out of both matchers (their column is zeroed), for ablations.
    drop: Vec<usize>,
}

fn args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut pred = None;
    let mut alignment = None;
    let mut model = None;
    let mut lambda = DEFAULT_LAMBDA;
    let mut drop = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--model" => model = Some(PathBuf::from(it.next().ok_or("--model needs a path")?)),
            "--pred" => pred = Some(PathBuf::from(it.next().ok_or("--pred needs a path")?)),
            "--alignment" => {
                alignment = Some(PathBuf::from(it.next().ok_or("--alignment needs a path")?))
            }
            "--lambda" => {
                lambda = it.next().and_then(|l| l.parse().ok()).ok_or("--lambda needs a number")?
            }
            "--drop" => {
                for name in it.next().ok_or("--drop needs feature names")?.split(',') {
                    let j = Features::NAMES.iter().position(|n| *n == name);
                    drop.push(j.ok_or_else(|| format!("no feature {name:?}"))?);
                }
            }
            _ => positional.push(PathBuf::from(a)),
        }
    }
    if positional.len() > 1 || (positional.is_empty() && alignment.is_none()) {
        return Err("usage: bench_compare [PAIRS.jsonl] [--model DIR] [--pred OUT] \
                    [--lambda L] [--drop F,..] [--alignment ERRORS.txt]"
            .into());
    }
    Ok(Args { pairs: positional.pop(), model, pred, alignment, lambda, drop })
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_compare: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Accuracy and F1 of "same".
fn scores(pred: &[bool], gold: &[bool]) -> (f64, f64) {
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    for (&p, &g) in pred.iter().zip(gold) {
        match (p, g) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => tn += 1,
        }
    }
    let acc = f64::from(tp + tn) / pred.len().max(1) as f64;
    let f1 = if tp > 0 { 2.0 * f64::from(tp) / f64::from(2 * tp + fp + fn_) } else { 0.0 };
    (acc, f1)
}

/// Fold of each pair: a fixed shuffle (xorshift64*), then round robin.
fn folds(n: usize) -> Vec<usize> {
    let mut state = SEED;
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        order.swap(i, (r % (i as u64 + 1)) as usize);
    }
    let mut fold = vec![0; n];
    for (k, &i) in order.iter().enumerate() {
        fold[i] = k % FOLDS;
    }
    fold
}

/// The lexical feature vector: all but the embedding cosine.
fn lexical(x: &[f32]) -> Vec<f32> {
    x[1..].to_vec()
}

fn run() -> Result<(), String> {
    let args = args()?;
    let dir = args
        .model
        .clone()
        .or_else(chorus_embed::default_model_dir)
        .ok_or("no model found: run `make model` or pass --model DIR")?;
    let model = chorus_embed::Embedder::load(&dir).map_err(|e| e.to_string())?;
    if let Some(path) = &args.pairs {
        paraphrase(&args, path, &model)?;
    }
    if let Some(errors) = &args.alignment {
        alignment::run(&model, errors)?;
    }
    Ok(())
}

/// The matcher on the paraphrase pairs.
fn paraphrase(args: &Args, path: &Path, model: &chorus_embed::Embedder) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let pairs: Vec<Pair> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| format!("{} line {}: {e}", path.display(), i + 1))
        })
        .collect::<Result<_, _>>()?;
    let mut unique: Vec<&str> = pairs.iter().flat_map(|p| [p.a.as_str(), p.b.as_str()]).collect();
    unique.sort_unstable();
    unique.dedup();
    let started = std::time::Instant::now();
    let embedded = model.encode(&unique).map_err(|e| e.to_string())?;
    let took = started.elapsed().as_secs_f64();
    println!(
        "embedded {} sentences with {} on {} threads in {took:.1} s ({:.0} sentences/s)",
        unique.len(),
        model.model_id(),
        model.threads(),
        unique.len() as f64 / took
    );
    let vectors: HashMap<&str, Vec<f32>> = unique.into_iter().zip(embedded).collect();

    let a: Vec<SentenceInfo> = pairs.iter().map(|p| SentenceInfo::new(&p.a)).collect();
    let b: Vec<SentenceInfo> = pairs.iter().map(|p| SentenceInfo::new(&p.b)).collect();
    // Word rarities over every sentence of the set, as the reference TF-IDF baseline does.
    let idf = Idf::from_sentences(a.iter().chain(&b));
    let mut features = Vec::with_capacity(pairs.len());
    for (i, p) in pairs.iter().enumerate() {
        let cos = cosine(&vectors[p.a.as_str()], &vectors[p.b.as_str()]);
        features.push(Features::of(&a[i], &b[i], &idf, Some(cos)));
    }
    let x: Vec<Vec<f32>> = features
        .iter()
        .map(|f| {
            let mut v = f.values().to_vec();
            for &j in &args.drop {
                v[j] = 0.0;
            }
            v
        })
        .collect();
    let y: Vec<bool> = pairs.iter().map(|p| p.same).collect();
    let fold = folds(pairs.len());

    let n = pairs.len();
    let mut tfidf_pred = vec![false; n];
    let mut cosine_pred = vec![false; n];
    let mut combined_pred = vec![false; n];
    let mut lexical_pred = vec![false; n];
    for k in 0..FOLDS {
        let train: Vec<usize> = (0..n).filter(|&i| fold[i] != k).collect();
        let test: Vec<usize> = (0..n).filter(|&i| fold[i] == k).collect();
        let ty: Vec<bool> = train.iter().map(|&i| y[i]).collect();
        let column = |c: usize| -> Vec<f32> { train.iter().map(|&i| x[i][c]).collect() };
        let t_tfidf = fit::best_threshold(&column(1), &ty);
        let t_cosine = fit::best_threshold(&column(0), &ty);
        let combined =
            fit::fit(&train.iter().map(|&i| x[i].clone()).collect::<Vec<_>>(), &ty, args.lambda);
        let lexical_model =
            fit::fit(&train.iter().map(|&i| lexical(&x[i])).collect::<Vec<_>>(), &ty, args.lambda);
        for &i in &test {
            tfidf_pred[i] = x[i][1] >= t_tfidf;
            cosine_pred[i] = x[i][0] >= t_cosine;
            combined_pred[i] = combined.probability(&x[i]) >= 0.5;
            lexical_pred[i] = lexical_model.probability(&lexical(&x[i])) >= 0.5;
        }
    }
    let always: Vec<bool> = vec![true; n];
    println!(
        "{n} pairs, {}-fold cross-validation (folds by pair, fixed seed), L2 lambda {}",
        FOLDS, args.lambda
    );
    println!("{:<44} {:>8} {:>8}", "method", "accuracy", "F1");
    for (name, pred) in [
        ("always \"same\"", &always),
        ("TF-IDF cosine, threshold from training", &tfidf_pred),
        ("embedding cosine, threshold from training", &cosine_pred),
        ("combined matcher (logistic, with embedding)", &combined_pred),
        ("lexical-only matcher (logistic)", &lexical_pred),
    ] {
        let (acc, f1) = scores(pred, &y);
        println!("{name:<44} {acc:>8.3} {f1:>8.3}");
    }

    // Fitted on all pairs, beside the committed constants.
    let all = fit::fit(&x, &y, args.lambda);
    let all_lexical = fit::fit(&x.iter().map(|r| lexical(r)).collect::<Vec<_>>(), &y, args.lambda);
    let mut lexical_weights = vec![0.0];
    lexical_weights.extend(&all_lexical.weights);
    println!("\nweights fitted on all pairs (committed in parentheses)");
    println!("{:<16} {:>18} {:>18}", "feature", "combined", "lexical");
    let row = |name: &str, c: f64, cc: f32, l: f64, lc: f32| {
        println!("{name:<16} {c:>9.4} ({cc:>7.4}) {l:>9.4} ({lc:>7.4})");
    };
    row("bias", all.bias, COMBINED.bias, all_lexical.bias, LEXICAL.bias);
    for (j, name) in Features::NAMES.iter().enumerate() {
        row(name, all.weights[j], COMBINED.features[j], lexical_weights[j], LEXICAL.features[j]);
    }
    let committed = |w: &Weights, cos: bool| -> Vec<bool> {
        features
            .iter()
            .map(|f| {
                let f = Features { cosine: if cos { f.cosine } else { None }, ..*f };
                w.score(&f) >= 0.5
            })
            .collect()
    };
    let (acc_c, f1_c) = scores(&committed(&COMBINED, true), &y);
    let (acc_l, f1_l) = scores(&committed(&LEXICAL, false), &y);
    println!(
        "committed weights on all pairs (in sample): combined accuracy {acc_c:.3} F1 {f1_c:.3}, lexical accuracy {acc_l:.3} F1 {f1_l:.3}"
    );
    let constant = |name: &str, m: &fit::Logistic, w: &[f64]| {
        let list: Vec<String> = w.iter().map(|v| format!("{v:.4}")).collect();
        println!(
            "pub const {name}: Weights = Weights {{ bias: {:.4}, features: [{}] }};",
            m.bias,
            list.join(", ")
        );
    };
    println!("\nas constants:");
    constant("COMBINED", &all, &all.weights);
    constant("LEXICAL", &all_lexical, &lexical_weights);

    if let Some(path) = &args.pred {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
        );
        for (p, &same) in pairs.iter().zip(&combined_pred) {
            let line = serde_json::json!({"id": p.id, "same": same});
            writeln!(out, "{line}").map_err(|e| e.to_string())?;
        }
        out.flush().map_err(|e| e.to_string())?;
    }
    Ok(())
}
