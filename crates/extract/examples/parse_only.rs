//! Baseline: scraper parsing alone over the same pages.
use std::io::Read;
use std::time::Instant;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let rounds: usize = std::env::args().nth(2).map(|r| r.parse().unwrap()).unwrap_or(5);
    let mut pages = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let raw = std::fs::read(e.unwrap().path()).unwrap();
        let mut buf = Vec::new();
        flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut buf).unwrap();
        pages.push(String::from_utf8_lossy(&buf).into_owned());
    }
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for p in &pages {
            let h = scraper::Html::parse_document(p);
            n += h.tree.nodes().count();
        }
    }
    let s = t.elapsed().as_secs_f64();
    eprintln!("{} pages/s ({n})", (pages.len() * rounds) as f64 / s);
}
