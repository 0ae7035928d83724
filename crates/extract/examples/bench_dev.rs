//! Runs the extractor over a directory of saved pages (`*.html` or `*.html.gz`) and writes
//! `{ID: {"articleBody": TEXT}}` for the benchmark scorer, then prints pages per second
//! (decoding and extraction on one thread, reading and decompression excluded).
//!
//! `cargo run --release -p chorus-extract --example bench_dev -- HTML_DIR OUT.json [ROUNDS]`

use std::io::Read;
use std::time::Instant;

use chorus_extract::{ExtractConfig, extract_html};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: bench_dev HTML_DIR OUT.json [ROUNDS]")?;
    let out = args.next().ok_or("usage: bench_dev HTML_DIR OUT.json [ROUNDS]")?;
    let rounds: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(1);

    let mut pages = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)?.collect::<Result<Vec<_>, _>>()?;
    paths.sort_by_key(|e| e.file_name());
    for entry in paths {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((id, _)) = name.split_once('.') else { continue };
        let raw = std::fs::read(entry.path())?;
        let bytes = if name.ends_with(".gz") {
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

    let cfg = ExtractConfig::default();
    let mut result = serde_json::Map::new();
    let started = Instant::now();
    for round in 0..rounds {
        for (id, bytes) in &pages {
            let article = extract_html(bytes, None, None, &cfg);
            if round == 0 {
                let entry = serde_json::json!({
                    "articleBody": article.text,
                    "title": article.title,
                    "authors": article.authors,
                    "published": article.published,
                    "published_source": article.published_source,
                    "language": article.language,
                    "canonical_url": article.canonical_url,
                    "flags": article.flags.names(),
                });
                result.insert(id.clone(), entry);
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let n = pages.len() * rounds;
    let mb: usize = pages.iter().map(|(_, b)| b.len()).sum::<usize>() * rounds;
    std::fs::write(&out, serde_json::to_string_pretty(&result)?)?;
    eprintln!(
        "{n} pages in {secs:.2} s: {:.0} pages/s, {:.1} MB/s",
        n as f64 / secs,
        mb as f64 / 1e6 / secs
    );
    Ok(())
}
