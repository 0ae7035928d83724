//! Shared helpers: settings from TOML text, and a database read back from the side.

use std::path::Path;
use std::time::Duration;

use chorus_pipeline::{Config, Settings};

/// How long any one test may take before it is failed as hung. Far beyond what a run
/// needs: a guard, not a measure of speed.
pub(crate) const GUARD: Duration = Duration::from_secs(60);

/// Settings from config `text`, with the database at `db`.
pub(crate) fn settings(db: &Path, text: &str) -> Settings {
    let mut settings = Config::parse(text, Path::new("test.toml"))
        .unwrap_or_else(|e| panic!("the test config is valid: {e}"));
    settings.store.path = db.to_owned();
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
