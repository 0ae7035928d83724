//! Builds a large synthetic Chorus database for `make bench-export`: N articles over 300
//! outlets, about five a event, two years of publication times, some input records
//! without outlet, URL or time, 5% copies of earlier articles, and about 2 KB of text each
//! drawn from a 6,000-word vocabulary (so the full-text index is realistic).
//!
//! The schema comes from [`Store::open`]; the rows are then inserted directly, in large
//! transactions, and the full-text index is built over all of them at the end.
//!
//! ```sh
//! cargo run --release -p chorus-store --example export_db -- target/bench-export/1m.db 1000000
//! ```

use std::path::PathBuf;
use std::time::Instant;

use chorus_store::Store;
use rusqlite::params;

/// A small, fast, deterministic generator (PCG-style LCG step, high bits out).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Skewed toward small values, as word frequencies are.
    fn skewed(&mut self, n: u64) -> u64 {
        let a = self.below(n);
        self.below(a + 1)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: export_db PATH [ARTICLES]")?);
    let n: u64 = args.next().map_or(Ok(1_000_000), |s| s.parse())?;
    if path.exists() {
        return Err(format!("{} exists; remove it to build it again", path.display()).into());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Written under a temporary name and renamed when complete, so an interrupted build is
    // never taken for a finished one.
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    drop(Store::open(&partial)?);
    let mut conn = rusqlite::Connection::open(&partial)?;
    conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;")?;

    let mut rng = Rng(7);
    let syllables = [
        "ka", "lo", "mi", "ren", "sa", "tor", "vel", "an", "dri", "po", "que", "zu", "ber", "nal",
        "os", "ti", "gra", "mun", "el", "sha",
    ];
    let vocabulary: Vec<String> = (0..6000)
        .map(|_| {
            let len = 1 + rng.below(3);
            (0..len).map(|_| syllables[rng.below(20) as usize]).collect()
        })
        .collect();
    let outlets: Vec<String> = (0..300).map(|i| format!("Outlet {i:03}")).collect();
    let authors = ["Ana Ruiz", "Tom Lee", "Piet Osei", "Ines Calder", "Jo Park", "Li Wei"];
    let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")?.to_utc();
    let span_secs = 2 * 365 * 86_400;
    let stored = "2026-12-01T00:00:00.000000Z";
    let fmt =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);

    let url_of = |i: u64| {
        let host = outlets[(i * 7919 % 300) as usize].to_lowercase().replace(' ', "-");
        format!("https://{host}.test/news/{i}")
    };
    // The full-text index is built once at the end ('rebuild'), much faster than row by
    // row through the triggers, which are put back as they were.
    let triggers: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER {name}"))?;
    }
    let began = Instant::now();
    let chunk = 50_000;
    let mut i = 0u64;
    while i < n {
        let tx = conn.transaction()?;
        {
            let mut article = tx.prepare(
                "INSERT INTO articles (key, input_id, url, canonical_url, outlet, title, text,
                    authors, published, published_source, language, fetched_at, flags,
                    extractor, text_hash, duplicate_of, duplicate_similarity, event_id,
                    stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19)",
            )?;
            let mut event = tx.prepare(
                "INSERT INTO events (id, title, first_seen, last_seen, article_count,
                    outlet_count, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3, 5, 3, ?4, ?4)",
            )?;
            for i in i..(i + chunk).min(n) {
                let mut words = |k: u64| -> String {
                    let mut s = String::new();
                    for w in 0..k {
                        if w > 0 {
                            s.push(' ');
                        }
                        s.push_str(&vocabulary[rng.skewed(vocabulary.len() as u64) as usize]);
                    }
                    s
                };
                let title = words(6 + i % 8);
                let mut text = String::with_capacity(2400);
                for p in 0..5 {
                    if p > 0 {
                        text.push_str("\n\n");
                    }
                    text.push_str(&words(55 + i % 20));
                    text.push('.');
                }
                let published = start + chrono::Duration::seconds((i * span_secs / n) as i64);
                let event_id = (i / 5 + 1) as i64;
                if i.is_multiple_of(5) {
                    event.execute(params![event_id, title, fmt(published), stored])?;
                }
                // One article in twenty is an input record: no outlet, URL or time.
                let input = i % 20 == 7;
                let outlet = &outlets[(i * 7919 % 300) as usize];
                let url = url_of(i);
                let key = if input { format!("input:rec-{i}") } else { url.clone() };
                // A copy of the article stored just before it (never an input record).
                let copy_of = (i % 20 == 13).then(|| url_of(i - 1));
                let author_list: Vec<&str> =
                    (0..(i % 3)).map(|k| authors[((i + k) % 6) as usize]).collect();
                article.execute(params![
                    key,
                    input.then(|| format!("rec-{i}")),
                    (!input).then_some(&url),
                    (!input).then_some(&url),
                    (!input).then_some(outlet),
                    title,
                    text,
                    serde_json::to_string(&author_list)?,
                    (!input).then(|| fmt(published)),
                    (if input { None } else { Some("feed") }),
                    "en",
                    (!input).then(|| fmt(published + chrono::Duration::minutes(20))),
                    if i % 50 == 3 { "[\"paywalled\"]" } else { "[]" },
                    if input { "input" } else { "chorus-extract 0.1.0" },
                    format!("{:016x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
                    copy_of,
                    (i % 20 == 13).then_some(0.97_f64),
                    event_id,
                    stored,
                ])?;
            }
        }
        tx.commit()?;
        i = (i + chunk).min(n);
        eprintln!("{i} articles, {:.0} s", began.elapsed().as_secs_f64());
    }
    eprintln!("indexing the text, {:.0} s", began.elapsed().as_secs_f64());
    conn.execute_batch("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');")?;
    for (_, sql) in &triggers {
        conn.execute_batch(sql)?;
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    drop(conn);
    std::fs::rename(&partial, &path)?;
    let _ = std::fs::remove_file(partial.with_extension("partial-wal"));
    let _ = std::fs::remove_file(partial.with_extension("partial-shm"));
    let bytes = std::fs::metadata(&path)?.len();
    eprintln!(
        "built {} ({n} articles, {:.1} GB) in {:.0} s",
        path.display(),
        bytes as f64 / 1e9,
        began.elapsed().as_secs_f64()
    );
    Ok(())
}
