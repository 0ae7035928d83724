//! Speed of the dedup stage on one thread: a synthetic stream always, and the shared
//! clustering dev sets when they are present (`CHORUS_SHARED`, or `../shared` beside the
//! workspace).
//!
//! Two groups: `observe`, the whole decision about each article (identity, text analysis,
//! copies, events), and `observe_prepared`, the sequential half alone: the clustering step
//! the stage runs one article at a time, after the text analysis a [`Preparer`] does on
//! another thread.
//!
//! `cargo bench -p chorus-dedup`

use std::path::PathBuf;

use chorus_dedup::{DedupSettings, Deduper, EventId, Preparer};
use chorus_model::Article;
use chrono::{TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

/// `n` articles about `n / 4` events: each event has its own names and numbers, and all
/// share a common news vocabulary; about a hundred words each, a few minutes apart.
fn synthetic(n: usize) -> Vec<Article> {
    const COMMON: &[&str] = &[
        "government",
        "officials",
        "report",
        "week",
        "statement",
        "plan",
        "country",
        "people",
        "city",
        "police",
        "court",
        "vote",
        "deal",
        "company",
        "prices",
        "market",
        "storm",
        "talks",
        "leaders",
        "minister",
        "election",
        "health",
        "school",
        "workers",
        "budget",
        "protest",
        "attack",
        "border",
        "energy",
        "water",
        "fire",
        "bank",
        "trade",
        "party",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            let event = (i / 4) as u64 ^ (next() % 3);
            let name = |k: u64| format!("Name{}x{k}", event * 7 + k);
            let mut words: Vec<String> = Vec::with_capacity(110);
            for w in 0..100 {
                words.push(match next() % 10 {
                    0 | 1 => name(next() % 4),
                    2 => format!("{}", event * 13 + next() % 3),
                    _ => COMMON[(next() % COMMON.len() as u64) as usize].to_owned(),
                });
                if w % 15 == 14 {
                    words.push("said.".to_owned());
                }
            }
            Article {
                url: Some(format!("https://outlet{}.test/story/{i}", i % 9).parse().unwrap()),
                title: format!("{} {} {}", name(0), COMMON[i % COMMON.len()], name(1)),
                text: words.join(" "),
                published: Some(start + chrono::Duration::minutes(5 * i as i64)),
                extractor: "bench".to_owned(),
                ..Article::default()
            }
        })
        .collect()
}

/// The dev sets' articles, in file order, if the shared data is there.
fn dev_sets() -> Vec<(String, Vec<Article>)> {
    let shared = std::env::var_os("CHORUS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let mut out = Vec::new();
    for set in ["allsides_dated", "allsides_undated"] {
        let path = shared.join("bench/cluster/dev").join(set).join("articles.jsonl");
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let articles = text
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .map(|v| {
                let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
                let published = s("time").as_deref().and_then(chorus_text::parse_timestamp);
                Article {
                    input_id: s("id"),
                    url: s("url").and_then(|u| u.parse().ok()),
                    outlet: s("source"),
                    title: s("title").unwrap_or_default(),
                    text: s("text").unwrap_or_default(),
                    published,
                    extractor: "input".to_owned(),
                    ..Article::default()
                }
            })
            .collect();
        out.push((set.to_owned(), articles));
    }
    out
}

fn observe(c: &mut Criterion) {
    let cfg = DedupSettings::default();
    let mut sets = vec![("synthetic".to_owned(), synthetic(5_000))];
    sets.extend(dev_sets());
    let mut group = c.benchmark_group("observe");
    group.sample_size(10);
    for (name, articles) in &sets {
        group.throughput(Throughput::Elements(articles.len() as u64));
        group.bench_function(name, |b| {
            b.iter_batched(
                || (Deduper::new(&cfg, EventId(1)), articles.clone()),
                |(mut deduper, articles)| {
                    for a in articles {
                        std::hint::black_box(deduper.observe(a));
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();

    let mut group = c.benchmark_group("observe_prepared");
    group.sample_size(10);
    for (name, articles) in &sets {
        group.throughput(Throughput::Elements(articles.len() as u64));
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let deduper = Deduper::new(&cfg, EventId(1));
                    let mut preparer: Preparer = deduper.preparer();
                    let prepared: Vec<_> =
                        articles.iter().map(|a| preparer.prepare(a.clone())).collect();
                    (deduper, prepared)
                },
                |(mut deduper, prepared)| {
                    for p in prepared {
                        std::hint::black_box(deduper.observe_prepared(p));
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, observe);
criterion_main!(benches);
