//! Small helpers for printing: where the database is, and text that fits a terminal.

use std::path::{Path, PathBuf};

use chorus_model::Timestamp;
use chorus_pipeline::Config;

use crate::args::{DbFromConfig, Global};

/// The database for a read command: `--db`, else the config's `[store] path`, else the
/// default `chorus.db`.
pub(crate) fn db_path(global: &Global, from: &DbFromConfig) -> anyhow::Result<PathBuf> {
    if let Some(db) = &global.db {
        return Ok(db.clone());
    }
    match &from.config {
        Some(file) => Ok(Config::load(file)?.store.path),
        None => Ok(chorus_store::StoreConfig::default().path),
    }
}

/// Opens an existing database for reading, with an error that says how to make one.
pub(crate) fn open(path: &Path) -> anyhow::Result<chorus_store::Store> {
    chorus_store::Store::open_existing(path).map_err(|e| match e {
        chorus_store::StoreError::Missing { .. } => anyhow::anyhow!(
            "{e}\n(fill one with `chorus backfill` or `chorus run`, or pass --db PATH)"
        ),
        other => other.into(),
    })
}

/// Opens an existing database read-only, as the web view reads it.
pub(crate) fn open_read_only(path: &Path) -> anyhow::Result<chorus_store::Store> {
    chorus_store::Store::open_read_only(path).map_err(|e| match e {
        chorus_store::StoreError::Missing { .. } => anyhow::anyhow!(
            "{e}\n(fill one with `chorus backfill` or `chorus run`, or pass --db PATH)"
        ),
        other => other.into(),
    })
}

/// `2025-09-04 12:30` in UTC, or `-`.
pub(crate) fn time(t: Option<Timestamp>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "-".to_owned())
}

/// At most `max` characters, with an ellipsis when cut.
pub(crate) fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Wraps `text` at `width` columns, each line starting with `indent`.
pub(crate) fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// True when the error is a closed stdout (`chorus export | head`), which is not a failure.
/// A failed download as the user should read it: `doing` ("downloading", "reading")
/// `url`, the fetcher's reason, and for an address refused as private, where the key that
/// allows it goes (the reason names the key).
pub(crate) fn fetch_error(
    doing: &str,
    url: &url::Url,
    err: chorus_fetch::FetchError,
) -> anyhow::Error {
    match err {
        err @ chorus_fetch::FetchError::Forbidden { .. } => anyhow::anyhow!(
            "{doing} {url}: {err}\n(to reach your own network, pass --config FILE with \
             `allow_private_networks = true` or `allowed_networks = [...]` under [fetch])"
        ),
        err => anyhow::Error::new(err).context(format!("{doing} {url}")),
    }
}

pub(crate) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_and_wrap_respect_widths() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
        assert_eq!(wrap("aa bb cc", 5, "> "), "> aa bb\n> cc\n");
    }
}
