//! How long an event's comparison takes at scale: an event of 300 articles built from the
//! newsroom's stories (150 outlets with two articles each, each article three stories
//! long, as long as a long news article), against two articles, in the
//! same run, on words alone and with every sentence vector already at hand (as when the
//! store has kept them). `make bench-compare-scale` runs it in release mode.
//!
//! `--outlets N --sentences M` sets the caps; `--sweep` times a grid of caps, uncapped
//! included, to choose them.
#![allow(clippy::print_stdout)] // A bench reports on the terminal.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use chorus_compare::{CompareOptions, Coverage, CoverageInput, EncodeError, Encoder, compare_with};
use chorus_embed::{Embedder, default_model_dir};
use chorus_newsroom::catalog;

/// Vectors computed once and then looked up, as the store's kept vectors are.
struct Kept {
    model: Embedder,
    vectors: RefCell<HashMap<String, Vec<f32>>>,
}

impl Encoder for Kept {
    fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        let missing: Vec<&str> =
            texts.iter().copied().filter(|t| !self.vectors.borrow().contains_key(*t)).collect();
        if !missing.is_empty() {
            let v = self.model.encode(&missing)?;
            self.vectors.borrow_mut().extend(missing.iter().map(|t| (*t).to_owned()).zip(v));
        }
        let kept = self.vectors.borrow();
        Ok(texts.iter().map(|t| kept[*t].clone()).collect())
    }
}

/// The median time of a few runs, and the last result.
fn time(runs: usize, f: impl Fn() -> Coverage) -> (Duration, Coverage) {
    let mut times = Vec::new();
    let mut last = Coverage::default();
    for _ in 0..runs {
        let start = Instant::now();
        last = f();
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], last)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(|v| {
            v.parse::<usize>().unwrap_or_else(|_| panic!("{name} takes a number, not {v:?}"))
        })
    };
    let defaults = CompareOptions::default();
    let options = CompareOptions {
        max_outlets: flag("--outlets").unwrap_or(defaults.max_outlets),
        max_sentences: flag("--sentences").unwrap_or(defaults.max_sentences),
        ..defaults
    };

    let stories: Vec<_> = catalog().stories.iter().filter(|s| s.reprint_of.is_none()).collect();
    let texts: Vec<String> = stories.iter().map(|s| s.text()).collect();
    let labels: Vec<String> = (0..150).map(|o| format!("outlet {o:03}")).collect();
    let long: Vec<String> = (0..texts.len())
        .map(|k| {
            (0..3).map(|d| texts[(k + d) % texts.len()].as_str()).collect::<Vec<_>>().join("\n\n")
        })
        .collect();
    let large: Vec<CoverageInput<'_>> = (0..300)
        .map(|k| CoverageInput { outlet: &labels[k % 150], text: &long[k % long.len()] })
        .collect();
    let italy: Vec<CoverageInput<'_>> = stories
        .iter()
        .zip(&texts)
        .filter(|(s, _)| s.event == "italy-troops")
        .take(2)
        .map(|(s, t)| CoverageInput { outlet: s.outlet, text: t })
        .collect();
    let model = default_model_dir().and_then(|d| Embedder::load(&d).ok());
    let kept = model.map(|model| Kept { model, vectors: RefCell::new(HashMap::new()) });

    let grid: Vec<(usize, usize)> = if args.iter().any(|a| a == "--sweep") {
        let mut g = vec![(usize::MAX, usize::MAX)];
        for n in [8, 12, 16, 24] {
            for m in [20, 40, 80] {
                g.push((n, m));
            }
        }
        g
    } else {
        vec![(options.max_outlets, options.max_sentences)]
    };
    println!(
        "{} stories; a large event of {} articles from 150 outlets; a small one of {} articles",
        texts.len(),
        large.len(),
        italy.len()
    );
    for (n, m) in grid {
        let o = CompareOptions { max_outlets: n, max_sentences: m, ..options };
        let runs = if n == usize::MAX { 1 } else { 5 };
        let (small, _) = time(5, || compare_with(&italy, None, &o));
        let (big, c) = time(runs, || compare_with(&large, None, &o));
        let cap = |x: usize| if x == usize::MAX { "all".to_owned() } else { x.to_string() };
        println!(
            "outlets {:>3}, sentences {:>3}: words alone  {:>8.1} ms for 300 articles ({} sentences), {:>6.2} ms for 2: ratio {:.0}",
            cap(n),
            cap(m),
            big.as_secs_f64() * 1e3,
            c.sentences_compared,
            small.as_secs_f64() * 1e3,
            big.as_secs_f64() / small.as_secs_f64()
        );
        // Uncapped, embedding takes minutes: words alone say enough.
        let Some(kept) = kept.as_ref().filter(|_| n != usize::MAX) else { continue };
        let e: &dyn Encoder = kept;
        // The first runs fill the kept vectors, the timed ones read them.
        compare_with(&italy, Some(e), &o);
        compare_with(&large, Some(e), &o);
        let (small, _) = time(5, || compare_with(&italy, Some(e), &o));
        let (big, c) = time(runs, || compare_with(&large, Some(e), &o));
        println!(
            "{:>28}  vectors kept {:>8.1} ms for 300 articles ({} of {} sentences embedded), {:>6.2} ms for 2: ratio {:.0}",
            "",
            big.as_secs_f64() * 1e3,
            c.sentences_embedded,
            c.sentences_compared,
            small.as_secs_f64() * 1e3,
            big.as_secs_f64() / small.as_secs_f64()
        );
    }
    if kept.is_none() {
        println!("(no sentence-embedding model installed: `make model` to time with vectors)");
    }
}
