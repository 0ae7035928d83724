//! Export: every article, one flat record each, streamed in arrival order.

use chorus_model::{EventId, Timestamp};
use serde::Serialize;

use crate::rows::{ARTICLE_COLUMNS, ARTICLE_FROM, read_export};
use crate::{Store, StoreError};

/// One exported article. Serialized with serde it is one flat JSON object whose field
/// names are the export format (`chorus export --format jsonl` writes one per line).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExportRow {
    /// A stable id: the input id when the article came from an input file, else its key
    /// (the canonical URL).
    pub id: String,
    /// Where it was found.
    pub url: Option<String>,
    /// The address the page named as its own.
    pub canonical_url: Option<String>,
    /// The outlet that published it.
    pub outlet: Option<String>,
    /// The headline.
    pub title: String,
    /// Publication time, RFC 3339 in UTC.
    pub published: Option<Timestamp>,
    /// Where the publication time came from (`json_ld`, `feed`, `input`, …).
    pub published_source: Option<String>,
    /// Author names.
    pub authors: Vec<String>,
    /// ISO 639-1 language code.
    pub language: Option<String>,
    /// The body text.
    pub text: String,
    /// Its event, resolved through merges to the surviving id.
    pub event: Option<EventId>,
    /// For a copy: the exported `id` of the original; `null` for an original.
    pub duplicate_of: Option<String>,
    /// For a copy: how alike it is to the original (0..=1).
    pub duplicate_similarity: Option<f32>,
    /// When it was downloaded (RFC 3339, UTC).
    pub fetched_at: Option<Timestamp>,
    /// What produced the text.
    pub extractor: String,
    /// Page flags that are set (`paywalled`, `consent_wall`, `not_article`, `uncertain`).
    pub flags: Vec<String>,
}

impl Store {
    /// Calls `f` with every stored article, in arrival order, one row at a time (the rows
    /// are never all in memory). Stops at the first error, `f`'s or the store's.
    ///
    /// The rows are one consistent snapshot, even while the daemon writes.
    pub fn export<E, F>(&self, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(&ExportRow) -> Result<(), E>,
    {
        // An original that is not stored (it cannot happen through `write_batch`, whose
        // clusterer only names stored originals) is named by its key.
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS},
                    CASE WHEN a.duplicate_of IS NULL THEN NULL
                         ELSE COALESCE(o.input_id, o.key, a.duplicate_of) END AS duplicate_export_id
             {ARTICLE_FROM}
             LEFT JOIN articles o ON o.key = a.duplicate_of
             ORDER BY a.seq"
        );
        let sqlite = |e: rusqlite::Error| E::from(StoreError::from(e));
        let mut stmt = self.conn.prepare(&sql).map_err(sqlite)?;
        let mut rows = stmt.query([]).map_err(sqlite)?;
        while let Some(row) = rows.next().map_err(sqlite)? {
            f(&read_export(row).map_err(E::from)?)?;
        }
        Ok(())
    }
}
