//! Extraction speed on one thread, charset decoding included: the golden pages always,
//! and the shared dev benchmark's real pages when they are present (`CHORUS_SHARED`, or
//! `../shared` beside the workspace).
//!
//! `cargo bench -p chorus-extract`

use std::io::Read;
use std::path::{Path, PathBuf};

use chorus_extract::{ExtractSettings, extract_html};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// `*.html` and `*.html.gz` files of a directory, decompressed; empty if it is missing.
fn pages(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let Ok(raw) = std::fs::read(&path) else { continue };
        if name.ends_with(".html.gz") {
            let mut buf = Vec::new();
            if flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut buf).is_ok() {
                out.push(buf);
            }
        } else if name.ends_with(".html") {
            out.push(raw);
        }
    }
    out
}

fn bench_set(c: &mut Criterion, name: &str, pages: &[Vec<u8>]) {
    if pages.is_empty() {
        return;
    }
    let cfg = ExtractSettings::default();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(pages.iter().map(|p| p.len() as u64).sum()));
    group.bench_function("extract_html (all pages)", |b| {
        b.iter(|| pages.iter().map(|p| extract_html(p, None, None, &cfg).text.len()).sum::<usize>())
    });
    group.finish();
}

fn extraction(c: &mut Criterion) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    bench_set(c, "golden", &pages(&manifest.join("testdata")));
    let shared = std::env::var_os("CHORUS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../../shared"));
    bench_set(c, "dev", &pages(&shared.join("bench/extract/dev/html")));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = extraction
}
criterion_main!(benches);
