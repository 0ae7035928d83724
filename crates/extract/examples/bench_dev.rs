//! Runs the extractor over a directory of saved pages (`*.html` or `*.html.gz`), writes
//! `{ID: {"articleBody": TEXT, ...metadata}}` for the benchmark scorer (ID = file name up
//! to the first dot), and prints the speed on one thread: full extraction (charset
//! decoding included) against parsing alone, measured alternately in the same process so
//! that a busy machine slows both alike. Reading and decompressing files is not timed.
//!
//! ```text
//! cargo run --release -p chorus-extract --example bench_dev -- HTML_DIR OUT.json [ROUNDS]
//! python3 ../shared/bench/extract/score.py --gt ../shared/bench/extract/dev/ground-truth.json OUT.json
//! ```

use std::io::Read;
use std::time::{Duration, Instant};

use chorus_extract::{ExtractSettings, explain_html, extract_html};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: bench_dev HTML_DIR OUT.json [ROUNDS]";
    let dir = args.next().ok_or(usage)?;
    let out = args.next().ok_or(usage)?;
    let rounds: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(3);

    let mut paths: Vec<_> = std::fs::read_dir(&dir)?.collect::<Result<Vec<_>, _>>()?;
    paths.sort_by_key(|e| e.file_name());
    let mut pages = Vec::new();
    for entry in paths {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((id, _)) = name.split_once('.') else { continue };
        let raw = std::fs::read(entry.path())?;
        let bytes = if name.ends_with(".html.gz") {
            let mut buf = Vec::new();
            flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut buf)?;
            buf
        } else if name.ends_with(".html") {
            raw
        } else {
            continue;
        };
        pages.push((id.to_owned(), bytes));
    }
    if pages.is_empty() {
        return Err(format!("no *.html or *.html.gz in {dir}").into());
    }

    let cfg = ExtractSettings::default();
    let mut result = serde_json::Map::new();
    for (id, bytes) in &pages {
        let e = explain_html(bytes, None, None, &cfg);
        let a = e.article;
        let doubts: Vec<&str> = e.doubts.iter().map(|d| d.name()).collect();
        let entry = serde_json::json!({
            "doubts": doubts,
            "second_reading": e.second_reading,
            "articleBody": a.text,
            "title": a.title,
            "authors": a.authors,
            "published": a.published,
            "published_source": a.published_source,
            "modified": a.modified,
            "language": a.language,
            "canonical_url": a.canonical_url,
            "flags": a.flags.names(),
        });
        result.insert(id.clone(), entry);
    }
    std::fs::write(&out, serde_json::to_string_pretty(&result)?)?;

    // The baseline parses text that is already decoded, as the notes' figure does.
    let decoded: Vec<String> =
        pages.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    let (mut full, mut parse) = (Duration::ZERO, Duration::ZERO);
    let mut nodes = 0usize;
    for _ in 0..rounds {
        let started = Instant::now();
        for (_, bytes) in &pages {
            nodes += extract_html(bytes, None, None, &cfg).text.len();
        }
        full += started.elapsed();
        let started = Instant::now();
        for text in &decoded {
            nodes += scraper::Html::parse_document(text).tree.values().count();
        }
        parse += started.elapsed();
    }
    let n = (pages.len() * rounds) as f64;
    let mb = pages.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 * rounds as f64 / 1e6;
    eprintln!(
        "{} pages x {rounds}: extract {:.0} pages/s ({:.1} MB/s); parse alone {:.0} pages/s; \
         extraction beyond parsing {:.2} ms/page ({nodes} units touched)",
        pages.len(),
        n / full.as_secs_f64(),
        mb / full.as_secs_f64(),
        n / parse.as_secs_f64(),
        (full.as_secs_f64() - parse.as_secs_f64()) * 1000.0 / n,
    );
    Ok(())
}
