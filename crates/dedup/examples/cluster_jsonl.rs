//! Clusters a JSONL file of articles the way the dedup stage would, for scoring against
//! the clustering benchmark.
//!
//! ```text
//! cargo run --release -p chorus-dedup --example cluster_jsonl -- ARTICLES.jsonl PRED.jsonl \
//!     [--config '{"cluster_threshold": 0.3}'] [--repeat N] [--fetched-at 2030-01-01T00:00:00Z] \
//!     [--semantic] [--shuffle SEED]
//! ```
//!
//! Input: one article a line, `{"id", "source", "time", "url", "title", "text"}` (`source`,
//! `time` and `url` may be null), in arrival order. Output: `{"id", "cluster"}` a line, the
//! final event of every input article (an article seen before gets the event of its first
//! copy). The time spent in `Deduper::observe` is printed on stderr.
//!
//! `--fetched-at TIME` gives every article that download time, as a backfill does when it
//! downloads old news all at once: the file can then be shuffled to replay a backfill's
//! arbitrary order (without it, an article's own time is also its arrival time, and a
//! shuffled file sends the clock back and forth).
//!
//! `--semantic` loads the installed model (`make model`; see
//! `chorus_embed::default_model_dir`), embeds every article's meaning text (headline and
//! lead, `Prepared::meaning_text`) once, and gives the deduper the vectors, as the stage
//! does with a model. The vectors are cached in `target/cluster-vectors/`, under the hash
//! of the input file, the model id and `lead_words`, so that re-runs (tuning) skip the
//! embedding; the embedding time printed is the one measured when the cache was made.
//!
//! `--shuffle SEED` replays the file in another arrival order, the same for the same seed
//! (a Fisher–Yates shuffle driven by SplitMix64), after the vectors are looked up, so the
//! cache serves every order. Use it with `--fetched-at` for a backfill's order.
#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::{Duration, Instant};

use std::path::{Path, PathBuf};

use chorus_dedup::{DedupConfig, DedupSettings, Deduper, Prepared, Verdict};
use chorus_model::{Article, DateSource, EventId};
use serde::Deserialize;

#[derive(Deserialize)]
struct Line {
    id: String,
    source: Option<String>,
    time: Option<String>,
    url: Option<String>,
    title: Option<String>,
    text: Option<String>,
}

fn article(line: Line) -> Article {
    // Read as `chorus backfill --jsonl` reads it.
    let published = line.time.as_deref().and_then(chorus_text::parse_timestamp);
    Article {
        input_id: Some(line.id),
        outlet: line.source,
        published,
        published_source: published.map(|_| DateSource::Input),
        url: line.url.and_then(|u| u.parse().ok()),
        title: line.title.unwrap_or_default(),
        text: line.text.unwrap_or_default(),
        extractor: "input".to_owned(),
        ..Article::default()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, rest @ ..] = args.as_slice() else {
        return Err("usage: cluster_jsonl ARTICLES.jsonl PRED.jsonl [--config JSON] [--repeat N] \
                    [--fetched-at TIME] [--semantic] [--shuffle SEED]"
            .into());
    };
    let mut cfg = DedupConfig::default();
    let mut repeat = 0;
    let mut fetched = None;
    let mut semantic = false;
    let mut shuffle: Option<u64> = None;
    let mut rest = rest.iter();
    while let Some(flag) = rest.next() {
        let mut value = || rest.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--config" => cfg = serde_json::from_str(value()?)?,
            "--repeat" => repeat = value()?.parse()?,
            "--fetched-at" => fetched = Some(value()?.parse()?),
            "--semantic" => semantic = true,
            "--shuffle" => shuffle = Some(value()?.parse()?),
            _ => {
                return Err("expected --config JSON, --repeat N, --fetched-at TIME, --semantic \
                            or --shuffle SEED"
                    .into());
            }
        }
    }
    let cfg = cfg.validate().map_err(|problems| {
        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    })?;

    let mut articles = Vec::new();
    for line in BufReader::new(std::fs::File::open(input)?).lines() {
        let line = line?;
        if !line.trim().is_empty() {
            let mut parsed = article(serde_json::from_str(&line)?);
            parsed.fetched_at = fetched;
            articles.push(parsed);
        }
    }
    let mut vectors = if semantic { Some(vectors(input, &cfg, &articles)?) } else { None };
    if let Some(seed) = shuffle {
        let order = permutation(articles.len(), seed);
        articles = order.iter().map(|&i| articles[i].clone()).collect();
        if let Some(v) = vectors.as_mut() {
            *v = order.iter().map(|&i| v[i].clone()).collect();
        }
    }
    // The articles as the stage hands them to the deciding half: analysed, with vectors.
    let prepare_all = || -> Vec<Prepared> {
        let mut preparer = Deduper::new(&cfg, EventId(1)).preparer();
        articles
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut p = preparer.prepare(a.clone());
                if let Some(v) = &vectors {
                    p.set_meaning(v[i].clone());
                }
                p
            })
            .collect()
    };

    // Extra timed passes over the same articles, each with a fresh deduper, so that the
    // speed is measured warm; the fastest pass is reported, as the one least disturbed by
    // other work on the machine. Each pass times the whole of `observe`, then the
    // sequential half alone (`observe_prepared`, the text analysis done beforehand).
    let mut warm = Duration::MAX;
    let mut warm_decide = Duration::MAX;
    for _ in 0..repeat {
        let mut deduper = Deduper::new(&cfg, EventId(1));
        let batch = articles.clone();
        let start = Instant::now();
        if let Some(vectors) = &vectors {
            let mut preparer = deduper.preparer();
            for (a, v) in batch.into_iter().zip(vectors) {
                let mut p = preparer.prepare(a);
                p.set_meaning(v.clone());
                std::hint::black_box(deduper.observe_prepared(p));
            }
        } else {
            for a in batch {
                std::hint::black_box(deduper.observe(a));
            }
        }
        warm = warm.min(start.elapsed());
        let mut deduper = Deduper::new(&cfg, EventId(1));
        let batch = prepare_all();
        let start = Instant::now();
        for p in batch {
            std::hint::black_box(deduper.observe_prepared(p));
        }
        warm_decide = warm_decide.min(start.elapsed());
    }
    if repeat > 0 {
        let rate = |d: Duration| {
            let per = d.as_secs_f64() / articles.len() as f64;
            format!("{:.0} articles/s ({:.1} µs each)", 1.0 / per, per * 1e6)
        };
        eprintln!(
            "fastest of {repeat} passes: observe {}; observe_prepared {}",
            rate(warm),
            rate(warm_decide)
        );
    }

    let mut deduper = Deduper::new(&cfg, EventId(1));
    let mut event_of_key: HashMap<chorus_model::ArticleKey, EventId> = HashMap::new();
    let mut placed: Vec<(String, EventId)> = Vec::new();
    let mut merged_into: HashMap<EventId, EventId> = HashMap::new();
    let mut copies = 0;
    let mut spent = Duration::ZERO;
    let n = articles.len();
    for p in prepare_all() {
        let id = p.article().input_id.clone().unwrap_or_default();
        let start = Instant::now();
        let verdict = deduper.observe_prepared(p);
        spent += start.elapsed();
        match verdict {
            Verdict::Known { key } => {
                let event = event_of_key.get(&key).copied().unwrap_or(EventId(0));
                placed.push((id, event));
            }
            Verdict::New(c) => {
                copies += usize::from(c.duplicate_of.is_some());
                for m in &c.event.merged {
                    merged_into.insert(*m, c.event.id);
                }
                event_of_key.insert(c.key, c.event.id);
                placed.push((id, c.event.id));
            }
        }
    }

    let resolve = |mut e: EventId| {
        while let Some(&next) = merged_into.get(&e) {
            e = next;
        }
        e
    };
    let mut out = BufWriter::new(std::fs::File::create(output)?);
    for (id, event) in &placed {
        let line = serde_json::json!({ "id": id, "cluster": resolve(*event).0 });
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    let events: std::collections::HashSet<EventId> =
        placed.iter().map(|(_, e)| resolve(*e)).collect();
    eprintln!(
        "{n} articles, {} events, {copies} copies; observe_prepared: {:.0} articles/s ({:.1} µs \
         each)",
        events.len(),
        n as f64 / spent.as_secs_f64(),
        spent.as_secs_f64() * 1e6 / n as f64,
    );
    Ok(())
}

/// The embedding of every article's meaning text, from the cache or from the model.
fn vectors(
    input: &str,
    cfg: &DedupSettings,
    articles: &[Article],
) -> Result<Vec<Vec<f32>>, Box<dyn std::error::Error>> {
    let dir = chorus_embed::default_model_dir().ok_or("no model installed: run `make model`")?;
    let model = chorus_embed::Embedder::load(&dir)?;
    let hash = xxhash_rust::xxh3::xxh3_64(&std::fs::read(input)?);
    let cache_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/cluster-vectors");
    let cache: PathBuf =
        cache_dir.join(format!("{hash:016x}-{}-lead{}.bin", model.model_id(), cfg.lead_words()));
    if let Some((vectors, secs)) = read_cache(&cache, articles.len(), model.dim()) {
        eprintln!(
            "embedding: {:.1} ms per article (cached; measured when {} was made)",
            secs * 1e3 / articles.len() as f64,
            cache.display()
        );
        return Ok(vectors);
    }
    let mut preparer = Deduper::new(cfg, EventId(1)).preparer();
    let texts: Vec<String> =
        articles.iter().map(|a| preparer.prepare(a.clone()).meaning_text()).collect();
    let start = Instant::now();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = model.embed(&texts)?;
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "embedding: {:.1} ms per article ({} articles in {secs:.1} s, {} threads)",
        secs * 1e3 / articles.len() as f64,
        articles.len(),
        model.threads()
    );
    std::fs::create_dir_all(&cache_dir)?;
    let mut bytes = Vec::with_capacity(8 + vectors.len() * model.dim() * 4);
    bytes.extend_from_slice(&secs.to_le_bytes());
    for v in &vectors {
        for x in v {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
    }
    std::fs::write(&cache, bytes)?;
    Ok(vectors)
}

/// The vectors cached at `path` and the seconds they took, if the file holds `n` of `dim`.
fn read_cache(path: &Path, n: usize, dim: usize) -> Option<(Vec<Vec<f32>>, f64)> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() != 8 + n * dim * 4 {
        return None;
    }
    let secs = f64::from_le_bytes(bytes[..8].try_into().ok()?);
    let floats: Vec<f32> =
        bytes[8..].chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    Some((floats.chunks(dim).map(<[f32]>::to_vec).collect(), secs))
}

/// A permutation of `0..n` drawn by a Fisher–Yates shuffle from SplitMix64 seeded with
/// `seed`: the same for the same seed on every machine.
fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}
