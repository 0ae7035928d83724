//! How large pages are when kept (`store.keep_raw`): every `*.html` / `*.html.gz` in a
//! folder, read in place, compressed at several zstd levels; prints bytes before and
//! after, the ratio, and the time to compress and to inflate a page, per level.
//!
//! `make bench-raw` runs it on the shared extraction dev set:
//! `cargo run --release -p chorus-extract --example raw_size -- DIR`.
#![allow(clippy::print_stdout)] // A bench reports on the terminal.

use std::io::Read;
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "../shared/bench/extract/dev/html".into());
    let mut pages = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("no pages at {dir}: skipping (give the folder as the first argument)");
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let Ok(bytes) = std::fs::read(&path) else { continue };
        if name.ends_with(".html.gz") {
            let mut html = Vec::new();
            if flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut html).is_ok() {
                pages.push(html);
            }
        } else if name.ends_with(".html") {
            pages.push(bytes);
        }
    }
    if pages.is_empty() {
        println!("no *.html or *.html.gz pages in {dir}");
        return;
    }
    let raw: usize = pages.iter().map(Vec::len).sum();
    println!(
        "{} pages, {:.1} MB, mean {:.1} KB a page",
        pages.len(),
        raw as f64 / 1e6,
        raw as f64 / pages.len() as f64 / 1e3
    );
    println!("level  kept KB/page  ratio  compress ms/page  inflate ms/page");
    for level in [1, 3, 6, 9, 19] {
        let started = Instant::now();
        let kept: Vec<Vec<u8>> = pages
            .iter()
            .map(|p| zstd::bulk::compress(p, level).expect("compressing in memory"))
            .collect();
        let compress = started.elapsed().as_secs_f64() * 1e3 / pages.len() as f64;
        let started = Instant::now();
        for (k, p) in kept.iter().zip(&pages) {
            let back = zstd::bulk::decompress(k, p.len()).expect("inflating what was kept");
            assert_eq!(back.len(), p.len());
        }
        let inflate = started.elapsed().as_secs_f64() * 1e3 / pages.len() as f64;
        let stored: usize = kept.iter().map(Vec::len).sum();
        let marker = if level == chorus_extract::KEEP_LEVEL { " (kept)" } else { "" };
        println!(
            "{level:>5}  {:>12.1}  {:>5.2}  {compress:>16.2}  {inflate:>15.2}{marker}",
            stored as f64 / pages.len() as f64 / 1e3,
            raw as f64 / stored as f64,
        );
    }
}
