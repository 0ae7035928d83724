//! Embedding speed on synthetic news sentences of 30 tokens: one thread and all of
//! rayon's threads, batched and one at a time, beside a plain `f32` matrix product of
//! the model's feed-forward shape on one thread (its throughput is in floating-point
//! operations, so criterion's "elem/s" reads as FLOP/s).
//!
//! `cargo bench -p chorus-embed`; `make bench-embed` prints the same measurements as a
//! ratio to the matrix floor.

use std::num::NonZeroUsize;

use candle_core::{Device, Tensor};
use chorus_embed::{Embedder, default_model_dir};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "../examples/bench_embed/corpus.rs"]
mod corpus;

fn embed(c: &mut Criterion) {
    let dir = default_model_dir().expect("no sentence-embedding model: run `make model`");
    let all = Embedder::load(&dir).expect("the model loads");
    let one = Embedder::load(&dir)
        .and_then(|e| e.with_threads(NonZeroUsize::MIN))
        .expect("the model loads");
    let sentences = corpus::sentences(&all, 64, 30);
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();

    let mut group = c.benchmark_group("embed");
    group.sample_size(10);
    group.throughput(Throughput::Elements(texts.len() as u64));
    for embedder in [&one, &all] {
        let threads = embedder.threads();
        group.bench_function(format!("batched/{threads}-thread"), |b| {
            b.iter(|| embedder.embed(&texts).expect("embeds"))
        });
        group.bench_function(format!("one-at-a-time/{threads}-thread"), |b| {
            b.iter(|| {
                texts.iter().map(|t| embedder.embed(&[t]).expect("embeds")).collect::<Vec<_>>()
            })
        });
    }
    group.finish();

    // 32 sentences of 30 tokens through the first feed-forward product.
    let (rows, hidden, inner) = (32 * 30, 384, 1536);
    let a = Tensor::randn(0f32, 1.0, (rows, hidden), &Device::Cpu).expect("tensor");
    let w = Tensor::randn(0f32, 1.0, (hidden, inner), &Device::Cpu).expect("tensor");
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a thread");
    let mut group = c.benchmark_group("matmul");
    group.throughput(Throughput::Elements(2 * (rows * hidden * inner) as u64));
    group.bench_function("960x384x1536/1-thread", |b| {
        b.iter(|| pool.install(|| a.matmul(&w).expect("matmul")))
    });
    group.finish();
}

criterion_group!(benches, embed);
criterion_main!(benches);
