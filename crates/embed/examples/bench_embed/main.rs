//! Embedding speed next to the machine's matrix speed, measured in the same run.
//!
//! Embeds synthetic news sentences of about 30 tokens on one thread and on all of rayon's
//! threads, batched and one at a time, and prints sentences per second beside the
//! arithmetic floor: the floating-point work of the model's matrix products per sentence
//! (counted from `config.json`), divided by what a plain `f32` matrix product of the
//! model's largest shape achieves through the same library on the same threads. The
//! ratio, not the absolute speed, says how close embedding runs to the machine's limit.
//!
//! `make bench-embed`, or
//! `cargo run --release -p chorus-embed --example bench_embed -- [--sentences 200] [--tokens 30] [--reps 5]`

#![allow(clippy::print_stdout)]

mod corpus;

use std::error::Error;
use std::num::NonZeroUsize;
use std::path::Path;
use std::time::{Duration, Instant};

use candle_core::{Device, Tensor};
use chorus_embed::{Embedder, default_model_dir};

/// The sizes the floating-point count needs, from `config.json`.
struct Shape {
    layers: f64,
    hidden: f64,
    intermediate: f64,
}

impl Shape {
    fn read(dir: &Path) -> Result<Shape, Box<dyn Error>> {
        let config: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("config.json"))?)?;
        let get = |key: &str| {
            config[key].as_u64().map(|v| v as f64).ok_or_else(|| format!("config.json: no {key}"))
        };
        Ok(Shape {
            layers: get("num_hidden_layers")?,
            hidden: get("hidden_size")?,
            intermediate: get("intermediate_size")?,
        })
    }

    /// Multiply-adds count two operations. Per layer: the query, key, value and output
    /// projections (4·t·h·h), the two feed-forward products (2·t·h·i), and attention's
    /// scores and weighted sum over all heads (2·t·t·h). Layer norms, softmax and GELU
    /// are a few percent more and left out, so the floor is a little optimistic.
    fn flops(&self, tokens: usize) -> f64 {
        let t = tokens as f64;
        let (h, i) = (self.hidden, self.intermediate);
        2.0 * self.layers * (4.0 * t * h * h + 2.0 * t * h * i + 2.0 * t * t * h)
    }
}

struct Args {
    sentences: usize,
    tokens: usize,
    reps: usize,
}

fn args() -> Result<Args, Box<dyn Error>> {
    let mut args = Args { sentences: 200, tokens: 30, reps: 5 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value: usize = it.next().ok_or_else(|| format!("{flag} needs a value"))?.parse()?;
        match flag.as_str() {
            "--sentences" => args.sentences = value.max(1),
            "--tokens" => args.tokens = value.max(3),
            "--reps" => args.reps = value.max(1),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(args)
}

/// The median time of `reps` runs of `f`, after one run to warm caches and pools.
fn median<T>(reps: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    let mut times: Vec<Duration> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = args()?;
    let dir = default_model_dir().ok_or("no sentence-embedding model: run `make model`")?;
    let shape = Shape::read(&dir)?;
    let start = Instant::now();
    let all = Embedder::load(&dir)?;
    let load = start.elapsed();
    let one = Embedder::load(&dir)?.with_threads(NonZeroUsize::MIN)?;

    let sentences = corpus::sentences(&all, args.sentences, args.tokens);
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let counts: Vec<usize> = texts.iter().map(|t| all.count_tokens(t)).collect();
    let mean_tokens = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    let work: f64 = counts.iter().map(|&t| shape.flops(t)).sum();

    println!(
        "model      {} ({}), loaded in {} ms",
        all.model_id(),
        dir.display(),
        load.as_millis()
    );
    println!(
        "input      {} sentences, {:.1} tokens on average, e.g. {:?}",
        texts.len(),
        mean_tokens,
        texts[0]
    );
    println!(
        "work       {:.3} GFLOP per sentence of {} tokens in the matrix products",
        shape.flops(args.tokens) / 1e9,
        args.tokens
    );
    println!(
        "threads    1, and {} (rayon's global pool); products split {} ways \
         (RAYON_NUM_THREADS, else cores)",
        all.threads(),
        candle_core::utils::get_num_threads()
    );

    // The feed-forward product of a full batch: the model's largest and most efficient
    // shape, so the floor is what the machine can do, not what small shapes get.
    let rows = 32 * args.tokens;
    let (h, i) = (shape.hidden as usize, shape.intermediate as usize);
    let a = Tensor::randn(0f32, 1.0, (rows, h), &Device::Cpu)?;
    let b = Tensor::randn(0f32, 1.0, (h, i), &Device::Cpu)?;
    let product_flops = 2.0 * (rows * h * i) as f64;
    let single_pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let reps = (args.reps * 20).max(20);
    let single = single_pool.install(|| median(reps, || a.matmul(&b)));
    let multi = median(reps, || a.matmul(&b));
    let floor = [
        (1, product_flops / single.as_secs_f64() / 1e9),
        (all.threads(), product_flops / multi.as_secs_f64() / 1e9),
    ];
    for (threads, gflops) in floor {
        println!(
            "matmul     {rows}x{h} by {h}x{i} f32 on {threads} thread(s): {gflops:.1} GFLOP/s \
             (floor {:.0} sentences/s)",
            gflops * 1e9 / (work / texts.len() as f64)
        );
    }

    println!();
    println!(
        "{:<14} {:>7} {:>12} {:>9} {:>10}",
        "mode", "threads", "sentences/s", "GFLOP/s", "of matmul"
    );
    for (embedder, gflops_floor) in [(&one, floor[0].1), (&all, floor[1].1)] {
        let batched = median(args.reps, || embedder.embed(&texts));
        let alone =
            median(args.reps, || texts.iter().map(|t| embedder.embed(&[t])).collect::<Vec<_>>());
        for (mode, took) in [("batched", batched), ("one at a time", alone)] {
            let secs = took.as_secs_f64();
            let gflops = work / secs / 1e9;
            println!(
                "{:<14} {:>7} {:>12.0} {:>9.1} {:>9.0}%",
                mode,
                embedder.threads(),
                texts.len() as f64 / secs,
                gflops,
                100.0 * gflops / gflops_floor
            );
        }
    }
    Ok(())
}
