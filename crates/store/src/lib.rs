//! Chorus's storage: one SQLite file that holds every article, event and feed, and that
//! users open directly (sqlite3, Python, R, Datasette).
//!
//! What goes in: the deduplicator's [`Classified`](chorus_model::Classified) articles and
//! the fetcher's [`FeedCheck`](chorus_model::FeedCheck)s, written by [`spawn_writer`] (the
//! pipeline's last stage, a thread of its own) in batched, idempotent transactions.
//! What comes out: events ([`Store::events`], [`Store::event`]), full-text search
//! ([`Store::search`]), a streamed export ([`Store::export`],
//! [`Store::export_filtered`]), feed health
//! ([`Store::feeds`]), and at start-up what the pipeline needs to carry on
//! ([`Store::feed_states`], [`Store::known_urls`], [`Store::window`],
//! [`Store::next_event_id`]).
//!
//! The principal type is [`Store`], one connection to the file. The schema is created and
//! upgraded by numbered migrations (`src/migrations/NNNN_name.sql`, whose comments document
//! every table and column and stay visible in the file's `sqlite_master`):
//!
//! - `articles`: one row per article in arrival order (`seq`), identified by `key`;
//! - `events`: groups of articles across outlets; `merged_into` names the survivor of a merge;
//! - `feeds`: polling state and health of each feed;
//! - `articles_fts`: the FTS5 index over titles and texts, kept in step by triggers;
//! - `live_events`: a view of the events users see;
//! - `runs`: each pipeline run, and whether it finished cleanly;
//! - `raw_pages`: each article's downloaded page, zstd-compressed, with its fetch time and
//!   headers ([`Store::raw_pages_after`] for re-extraction, [`Store::prune`] to bound the
//!   file); `reextractions`: each re-extraction ([`Store::rewrite`]);
//! - `backfill_progress`: how far a backfill read each WARC file, to resume from;
//! - `schema_migrations`: which migrations were applied.
//!
//! Times are RFC 3339 text in UTC with microseconds; lists are JSON arrays. SQL stays behind
//! this crate's API, so another backend can take its place without touching the stages.
//!
//! ```
//! use chorus_model::{Article, ArticleKey, Classified, EventId, EventRef};
//! use chorus_store::{EventOrder, Store};
//!
//! let dir = tempfile::tempdir()?;
//! let mut store = Store::open(&dir.path().join("chorus.db"))?;
//! let article = Classified {
//!     article: Article {
//!         outlet: Some("Harbor Gazette".into()),
//!         title: "Italy will not send troops to Ukraine".into(),
//!         text: "Rome said on Thursday it would not send soldiers.".into(),
//!         extractor: "input".into(),
//!         ..Article::default()
//!     },
//!     key: ArticleKey::Input("1".into()),
//!     text_hash: "5f1d".into(),
//!     duplicate_of: None,
//!     supersedes: None,
//!     event: EventRef { id: EventId(1), title: "Italy will not send troops".into(), merged: vec![] },
//! };
//! let counts = store.write_batch(&[article.clone(), article], &[])?;
//! assert_eq!((counts.inserted, counts.already_stored), (1, 1));
//!
//! let events = store.events(EventOrder::Newest, 10)?;
//! assert_eq!(events[0].outlets, ["Harbor Gazette"]);
//! let hits = store.search("soldiers", 10)?;
//! assert_eq!(hits[0].key.to_string(), "input:1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod browse;
mod comparisons;
mod config;
mod error;
mod export;
mod progress;
mod prune;
mod query;
mod raw;
mod restore;
mod rewrite;
mod rows;
mod runs;
mod schema;
mod search;
mod vectors;
mod write;
mod writer;

use std::path::Path;

pub use comparisons::StoredComparison;
pub use config::{StoreConfig, StoreSettings};
pub use error::StoreError;
pub use export::{ExportFilter, ExportRow, ExportTime};
pub use prune::{PruneCounts, PruneWhat, file_bytes};
pub use query::{EventDetail, EventOrder, EventSummary, FeedHealth, Stats, StoredArticle};
pub use raw::{PageFilter, RawStats, StoredPage};
pub use rewrite::{ReextractCounts, Rewrite, same_extraction};
pub use runs::{LastRun, Meaning, RunId, RunMeaning, WriterLock};
pub use search::{MATCH_END, MATCH_START, SearchHit};
pub use vectors::sentence_key;
pub use write::WriteCounts;
pub use writer::spawn_writer;

/// One connection to a Chorus database file.
///
/// Opening sets WAL mode (readers never block the writer, so read commands and the web
/// view work while the daemon writes), `synchronous = NORMAL`, enforced foreign keys and a
/// busy timeout, and applies pending migrations. The connection is `Send` but not `Sync`:
/// the writer owns one on its own thread, and each reader opens its own.
#[derive(Debug)]
pub struct Store {
    conn: rusqlite::Connection,
}

impl Store {
    /// Opens the database at `path`, creating the file and its schema if missing and
    /// migrating an older schema. A directory that does not exist or cannot be written,
    /// a file that is not a database, or one written by a newer Chorus is an error.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::connect(path, true)
    }

    /// Opens an existing database for the read commands: like [`Store::open`] (an older
    /// schema is still migrated), but a missing file is [`StoreError::Missing`] and is
    /// never created.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing { path: path.to_owned() });
        }
        Store::connect(path, false)
    }

    /// Lets this connection grow the file to at most `bytes` (whole pages, and never less
    /// than it holds now); a write past it fails with SQLite's "database or disk is full"
    /// and is rolled back.
    pub fn limit_size(&self, bytes: u64) -> Result<(), StoreError> {
        let page: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let pages = (bytes / page.max(1) as u64).clamp(1, i64::MAX as u64);
        let sql = format!("PRAGMA max_page_count = {pages}");
        let _: i64 = self.conn.query_row(&sql, [], |r| r.get(0))?;
        Ok(())
    }

    fn connect(path: &Path, create: bool) -> Result<Store, StoreError> {
        let mut conn = schema::connect(path, create)?;
        schema::migrate(&mut conn, path)?;
        Ok(Store { conn })
    }
}
