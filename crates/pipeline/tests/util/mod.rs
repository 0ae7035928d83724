//! Shared helpers: settings from TOML text, a database read back from the side, waiting
//! with a deadline, and generated articles (as pages, feeds and JSONL lines).

pub(crate) mod server;

use std::path::Path;
use std::time::{Duration, Instant};

use chorus_pipeline::{Config, Settings};

pub(crate) use server::{Gate, Route, TestServer};

/// How long any one test may take before it is failed as hung. Far beyond what a run
/// needs: a guard, not a measure of speed.
pub(crate) const GUARD: Duration = Duration::from_secs(60);

/// What the dedup stage holds at most, whatever the config: the article its preparing
/// half works on, the queue between its halves (`PREPARED_QUEUE` in chorus-dedup), and the
/// article its deciding half works on.
pub(crate) const DEDUP_HOLDS: usize = 1 + 64 + 1;

/// Settings from config `text`, with the database at `db`, loopback allowed
/// (`fetch.allow_private_networks`: every test server is on 127.x, which the fetcher
/// refuses by default), no gap between requests to one host (the tests make many to one
/// loopback server) and robots.txt not asked for (the test server counts every request).
pub(crate) fn settings(db: &Path, text: &str) -> Settings {
    let mut settings = Config::parse(text, Path::new("test.toml"))
        .unwrap_or_else(|e| panic!("the test config is valid: {e}"));
    settings.store.path = db.to_owned();
    settings.fetch.allow_private_networks = true;
    settings.fetch.per_host_gap = Duration::ZERO;
    settings.fetch.respect_robots = false;
    settings
}

/// A `[[feeds]]` entry.
pub(crate) fn feed(url: &url::Url, outlet: &str) -> String {
    format!("[[feeds]]\nurl = \"{url}\"\noutlet = {outlet:?}\n")
}

/// A read-only connection to the database, which WAL lets work while a run writes.
pub(crate) fn reader(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the database opens for reading")
}

/// Articles stored so far; 0 while the database or its schema is still being created.
pub(crate) fn article_count(db: &Path) -> usize {
    if !db.exists() {
        return 0;
    }
    reader(db)
        .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))
        .map_or(0, |n| usize::try_from(n).expect("a count is not negative"))
}

/// Waits until `cond` holds, polling; fails the test after [`GUARD`].
pub(crate) async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < GUARD, "timed out after {GUARD:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An error and every error under it, one per line: the cause is often only at the end.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut next = err.source();
    while let Some(e) = next {
        out.push('\n');
        out.push_str(&e.to_string());
        next = e.source();
    }
    out
}

/// The headline and text of generated story `i`: distinct stories, in plain English,
/// built from a fixed pseudo-random sequence so every run sees the same ones.
pub(crate) fn story(i: usize) -> (String, String) {
    const TOPICS: &[&str] = &[
        "budget",
        "tariff",
        "court",
        "vaccine",
        "wildfire",
        "strike",
        "merger",
        "satellite",
        "drought",
        "pension",
        "railway",
        "museum",
        "festival",
        "refinery",
        "harvest",
        "glacier",
        "treaty",
        "hospital",
        "airline",
        "tunnel",
        "stadium",
        "orchestra",
        "telescope",
        "copper",
    ];
    const PLACES: &[&str] =
        &["Lisbon", "Nairobi", "Osaka", "Quito", "Tbilisi", "Perth", "Oslo", "Dakar", "Hanoi"];
    let mut state = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut pick = |list: &[&'static str]| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        list[(state % list.len() as u64) as usize]
    };
    let (a, b, c, place) = (pick(TOPICS), pick(TOPICS), pick(TOPICS), pick(PLACES));
    let title = format!("{place} officials weigh the {a} plan, story {i}");
    let text = format!(
        "Officials in {place} met on day {i} to discuss the {a}, while the {b} drew attention \
         elsewhere in the region.\n\nThe {c} report number {i} lists {} further items that \
         the council will take up before the end of the month.",
        i % 13 + 2
    );
    (title, text)
}

/// Story `i` as an article page.
pub(crate) fn article_page(i: usize) -> String {
    let (title, text) = story(i);
    let paragraphs: String = text.split("\n\n").map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title} | Test Gazette</title></head>\
         <body><nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1>\n{paragraphs}\
         </article><footer>Test Gazette</footer></body></html>"
    )
}

/// An RSS feed listing `links`.
pub(crate) fn rss(links: &[url::Url]) -> String {
    let items: String =
        links.iter().map(|l| format!("<item><title>{l}</title><link>{l}</link></item>")).collect();
    format!("<rss version=\"2.0\"><channel><title>Test Gazette</title>{items}</channel></rss>")
}

/// Story `i` as a JSONL input line (with its newline).
pub(crate) fn jsonl_line(i: usize) -> String {
    let (title, text) = story(i);
    let line = serde_json::json!({
        "id": format!("s{i}"), "source": format!("Outlet {}", i % 7), "time": null,
        "url": null, "title": title, "text": text,
    });
    format!("{line}\n")
}
