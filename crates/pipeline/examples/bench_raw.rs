//! What keeping pages (`store.keep_raw`) costs in the database: bytes per stored article
//! with and without kept pages, on a backfill of the bundled newsroom and on real news
//! pages (every `*.html` / `*.html.gz` of a folder, read in place), each file compacted
//! (`VACUUM`) before it is measured. Also times `chorus reextract` over the real pages.
//!
//! `make bench-raw` runs it on the shared extraction dev set:
//! `cargo run --release -p chorus-pipeline --example bench_raw -- DIR`.
#![allow(clippy::print_stdout)] // A bench reports on the terminal.

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use chorus_model::{ArticleKey, Classified, EventId, EventRef, PageHeaders, RawPage};
use chorus_newsroom::{Newsroom, NewsroomOptions};
use chorus_pipeline::{Config, Source};
use chorus_store::{PageFilter, Store, file_bytes};
use tokio_util::sync::CancellationToken;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "../shared/bench/extract/dev/html".into());
    let tmp = tempfile::tempdir().expect("a temp dir");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    println!("newsroom backfill (all outlets, every story):");
    for keep in [true, false] {
        let db = tmp.path().join(format!("newsroom-{keep}.db"));
        runtime.block_on(newsroom_backfill(&db, keep));
        report(&db, keep);
    }
    let pages = read_pages(&dir);
    if pages.is_empty() {
        println!("no pages in {dir}: skipping the real pages (give the folder as the argument)");
        return;
    }
    let raw: usize = pages.iter().map(|(_, p)| p.len()).sum();
    println!(
        "real pages ({} pages, {:.1} MB of HTML, read from {dir}):",
        pages.len(),
        raw as f64 / 1e6
    );
    for keep in [true, false] {
        let db = tmp.path().join(format!("real-{keep}.db"));
        store_pages(&db, &pages, keep);
        report(&db, keep);
        if keep {
            let mut settings = Config::parse("", Path::new("bench.toml")).expect("defaults");
            settings.store.path = db.clone();
            let started = Instant::now();
            let counts = chorus_pipeline::reextract(&settings, &PageFilter::default())
                .expect("reextract runs");
            let secs = started.elapsed().as_secs_f64();
            println!(
                "  reextract: {} pages in {secs:.2} s ({:.0} pages/s, {} threads), {} changed",
                counts.pages,
                counts.pages as f64 / secs,
                settings.extract.workers,
                counts.changed
            );
        }
    }
}

async fn newsroom_backfill(db: &Path, keep: bool) {
    let options = NewsroomOptions {
        listen: "127.0.0.1:0".parse().expect("an address"),
        multi_host: false,
        page_delay: std::time::Duration::ZERO,
        pace: None,
    };
    let news = Newsroom::start(options).await.expect("the newsroom starts");
    let text = format!(
        "[fetch]\nallow_private_networks = true\nper_host_gap_ms = 0\nper_host_concurrency = 8\n\
         respect_robots = false\n[store]\nkeep_raw = {keep}\n{}",
        news.demo_config_feeds()
    );
    let mut settings = Config::parse(&text, Path::new("bench.toml")).expect("a valid config");
    settings.store.path = db.to_owned();
    chorus_pipeline::run(&settings, Source::Feeds { once: true }, CancellationToken::new())
        .await
        .expect("the backfill runs");
    news.shutdown().await;
}

/// Each page's name (up to the first dot) and bytes.
fn read_pages(dir: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut pages = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let id = name.split('.').next().unwrap_or_default().to_owned();
        let Ok(bytes) = std::fs::read(&path) else { continue };
        if name.ends_with(".html.gz") {
            let mut html = Vec::new();
            if flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut html).is_ok() {
                pages.push((id, html));
            }
        } else if name.ends_with(".html") {
            pages.push((id, bytes));
        }
    }
    pages.sort();
    pages
}

/// Extracts each page as the pipeline would and stores it, with its page kept or not,
/// each article an event of its own (the figures here are about bytes, not clustering).
fn store_pages(db: &Path, pages: &[(String, Vec<u8>)], keep: bool) {
    let mut store = Store::open(db).expect("the database opens");
    let cfg = chorus_extract::ExtractSettings::default();
    let mut batch = Vec::new();
    for (i, (id, html)) in pages.iter().enumerate() {
        let url: url::Url = format!("https://pages.example/{id}").parse().expect("a URL");
        let page = RawPage {
            url: url.clone(),
            final_url: url.clone(),
            outlet: "Bench".to_owned(),
            fetched_at: chrono::Utc::now(),
            content_type: Some("text/html".to_owned()),
            headers: PageHeaders { status: Some(200), etag: None, last_modified: None },
            body: html.clone(),
            entry: None,
            ticket: None,
        };
        let Ok(mut article) = chorus_extract::extract(&page, &cfg) else { continue };
        if article.text.trim().is_empty() {
            continue;
        }
        if keep {
            article.page = Some(Box::new(chorus_extract::keep(&page, chorus_extract::KEEP_LEVEL)));
        }
        let id = EventId(i as i64 + 1);
        batch.push(Classified {
            text_hash: chorus_dedup::text_hash(&article.text),
            key: ArticleKey::url(url).expect("an http URL is a key"),
            event: EventRef { id, title: article.title.clone(), merged: Vec::new() },
            duplicate_of: None,
            supersedes: None,
            article,
        });
    }
    store.write_batch(&batch, &[]).expect("the batch is written");
}

fn report(db: &Path, keep: bool) {
    let mut store = Store::open_existing(db).expect("the database opens");
    store.reclaim().expect("VACUUM");
    let stats = store.raw_stats().expect("stats");
    let bytes = file_bytes(db);
    let per = bytes as f64 / stats.articles.max(1) as f64;
    print!(
        "  keep_raw = {keep:<5}: {} articles, file {:.2} MB, {:.1} KB per article",
        stats.articles,
        bytes as f64 / 1e6,
        per / 1e3
    );
    if stats.pages > 0 {
        print!(
            "; {} pages kept: {:.1} KB a page as served, {:.1} KB kept ({:.2}x)",
            stats.pages,
            stats.body_bytes as f64 / stats.pages as f64 / 1e3,
            stats.stored_bytes as f64 / stats.pages as f64 / 1e3,
            stats.body_bytes as f64 / stats.stored_bytes.max(1) as f64
        );
    }
    println!();
}
