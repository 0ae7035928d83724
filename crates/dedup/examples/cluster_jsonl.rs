//! Clusters a JSONL file of articles the way the dedup stage would, for scoring against
//! the clustering benchmark.
//!
//! ```text
//! cargo run --release -p chorus-dedup --example cluster_jsonl -- ARTICLES.jsonl PRED.jsonl \
//!     [--config '{"cluster_threshold": 0.3}'] [--repeat N] [--fetched-at 2030-01-01T00:00:00Z]
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
#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::{Duration, Instant};

use chorus_dedup::{DedupConfig, Deduper, Verdict};
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
                    [--fetched-at TIME]"
            .into());
    };
    let mut cfg = DedupConfig::default();
    let mut repeat = 0;
    let mut fetched = None;
    for pair in rest.chunks(2) {
        match pair {
            [flag, json] if flag == "--config" => cfg = serde_json::from_str(json)?,
            [flag, n] if flag == "--repeat" => repeat = n.parse()?,
            [flag, time] if flag == "--fetched-at" => fetched = Some(time.parse()?),
            _ => return Err("expected --config JSON, --repeat N or --fetched-at TIME".into()),
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
        for a in batch {
            std::hint::black_box(deduper.observe(a));
        }
        warm = warm.min(start.elapsed());
        let mut deduper = Deduper::new(&cfg, EventId(1));
        let mut preparer = deduper.preparer();
        let batch: Vec<_> = articles.iter().map(|a| preparer.prepare(a.clone())).collect();
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
    for a in articles {
        let id = a.input_id.clone().unwrap_or_default();
        let start = Instant::now();
        let verdict = deduper.observe(a);
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
        "{n} articles, {} events, {copies} copies; observe: {:.0} articles/s ({:.1} µs each)",
        events.len(),
        n as f64 / spent.as_secs_f64(),
        spent.as_secs_f64() * 1e6 / n as f64,
    );
    Ok(())
}
