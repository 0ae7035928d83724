//! Builders for test data and a fresh database.

use std::path::PathBuf;

use chorus_model::{
    Article, ArticleKey, Classified, DateSource, Duplicate, EventId, EventRef, FeedCheck,
    FeedOutcome, FeedSpec, FeedState, PageFlags, Timestamp,
};
use chorus_store::Store;
use tempfile::TempDir;
use url::Url;

/// A time from RFC 3339 text.
pub(crate) fn ts(s: &str) -> Timestamp {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// A new database in a new temporary directory (kept alive by the returned `TempDir`).
pub(crate) fn new_store() -> (TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chorus.db");
    let store = Store::open(&path).unwrap();
    (dir, path, store)
}

/// A fetched article with every field set: `slug` names it, `outlet` is also its host.
pub(crate) fn fetched(outlet: &str, slug: &str, event: i64, published: &str) -> Classified {
    let url = Url::parse(&format!("https://www.{}.test/world/{slug}?utm_source=rss", host(outlet)))
        .unwrap();
    let key = format!("https://{}.test/world/{slug}", host(outlet));
    Classified {
        article: Article {
            input_id: None,
            url: Some(url),
            canonical_url: Some(Url::parse(&key).unwrap()),
            outlet: Some(outlet.to_owned()),
            title: format!("{slug} headline"),
            text: format!("Body of {slug}.\n\nSecond paragraph about {slug}."),
            authors: vec!["Ana Ruiz".to_owned(), "Tom Lee".to_owned()],
            published: Some(ts(published)),
            published_source: Some(DateSource::JsonLd),
            modified: Some(ts(published) + chrono::Duration::minutes(5)),
            language: Some("en".to_owned()),
            fetched_at: Some(ts(published) + chrono::Duration::minutes(30)),
            flags: PageFlags { paywalled: true, uncertain: true, ..PageFlags::default() },
            extractor: "chorus-extract 0.1.0".to_owned(),
            page: None,
            ticket: None,
        },
        key: key.parse().unwrap(),
        text_hash: format!("{:016x}", slug.len() * 7919),
        duplicate_of: None,
        supersedes: None,
        event: EventRef { id: EventId(event), title: format!("event {event}"), merged: Vec::new() },
    }
}

/// A pre-extracted input record with no outlet, URL or time.
pub(crate) fn input(id: &str, text: &str, event: i64) -> Classified {
    Classified {
        article: Article {
            input_id: Some(id.to_owned()),
            title: format!("input {id}"),
            text: text.to_owned(),
            extractor: "input".to_owned(),
            ..Article::default()
        },
        key: ArticleKey::Input(id.to_owned()),
        text_hash: format!("hash-{id}"),
        duplicate_of: None,
        supersedes: None,
        event: EventRef { id: EventId(event), title: format!("event {event}"), merged: Vec::new() },
    }
}

/// `copy` marked as a duplicate of `original`.
pub(crate) fn duplicate_of(
    mut copy: Classified,
    original: &Classified,
    similarity: f32,
) -> Classified {
    copy.duplicate_of = Some(Duplicate { of: original.key.clone(), similarity });
    copy.event = original.event.clone();
    copy
}

/// One poll of a feed.
pub(crate) fn check(url: &str, outcome: FeedOutcome, at: &str, etag: Option<&str>) -> FeedCheck {
    FeedCheck {
        feed: FeedSpec {
            url: Url::parse(url).unwrap(),
            outlet: "Harbor Gazette".to_owned(),
            respect_robots: None,
        },
        checked_at: ts(at),
        outcome,
        state: FeedState {
            etag: etag.map(str::to_owned),
            last_modified: Some("Thu, 04 Sep 2025 10:00:00 GMT".to_owned()),
            body_hash: Some("00ff00ff00ff00ff".to_owned()),
            ..FeedState::default()
        },
        next_poll: None,
    }
}

/// A second connection, for looking at the file as another reader would.
pub(crate) fn raw(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

pub(crate) fn count(path: &std::path::Path, sql: &str) -> i64 {
    raw(path).query_row(sql, [], |r| r.get(0)).unwrap()
}

fn host(outlet: &str) -> String {
    outlet.to_lowercase().replace(' ', "-")
}
