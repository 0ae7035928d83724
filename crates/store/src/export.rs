//! Export: one flat record per article, streamed in arrival order, optionally narrowed by
//! time, outlet, event and a full-text query.

use chorus_model::{EventId, Timestamp};
use rusqlite::types::Value;
use serde::Serialize;

use crate::rows::{ARTICLE_COLUMNS, ARTICLE_FROM, format_time, read_export};
use crate::search::{classify_fts_error, fts_query};
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
    /// When it was downloaded (RFC 3339, UTC); `null` for input records.
    pub fetched_at: Option<Timestamp>,
    /// When it was written into the database (RFC 3339, UTC); every article has one.
    pub stored_at: Timestamp,
    /// What produced the text.
    pub extractor: String,
    /// Page flags that are set (`paywalled`, `consent_wall`, `not_article`, `uncertain`).
    pub flags: Vec<String>,
}

/// Which time `--since`/`--until` bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExportTime {
    /// The publication time; an article without one is outside every bound.
    #[default]
    Published,
    /// When the article was written into the database (every article has one): an export
    /// `since` the time of the previous one misses nothing stored in between.
    Stored,
}

/// Which articles [`Store::export_filtered`] takes; the default takes every one. The
/// conditions combine with AND; the values of one list (outlets, events) with OR.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportFilter {
    /// Only articles whose [`ExportFilter::time`] is at or after this.
    pub since: Option<Timestamp>,
    /// Only articles whose [`ExportFilter::time`] is at or before this.
    pub until: Option<Timestamp>,
    /// The time `since` and `until` bound.
    pub time: ExportTime,
    /// Only articles from these outlets (names as stored, matched exactly).
    pub outlets: Vec<String>,
    /// Only articles of these events; an event merged into another stands for the
    /// survivor, whose articles all belong to it.
    pub events: Vec<EventId>,
    /// Only articles matching this full-text query, in [`Store::search`]'s syntax.
    pub query: Option<String>,
}

impl Store {
    /// Calls `f` with every stored article, in arrival order, one row at a time (the rows
    /// are never all in memory). Stops at the first error, `f`'s or the store's.
    ///
    /// The rows are one consistent snapshot, even while the daemon writes.
    pub fn export<E, F>(&self, f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(&ExportRow) -> Result<(), E>,
    {
        self.export_filtered(&ExportFilter::default(), f)
    }

    /// Like [`Store::export`], for the articles `filter` takes, still in arrival order and
    /// one row at a time: the conditions are one SQL statement, and no list of matching
    /// articles is built first.
    ///
    /// Before the first row, an outlet no stored article names is
    /// [`StoreError::UnknownOutlet`], an event id never assigned is
    /// [`StoreError::UnknownEvent`], a query FTS5 cannot read is [`StoreError::BadQuery`],
    /// and `since` after `until` is [`StoreError::EmptyRange`]: a typo is an error, not an
    /// empty export.
    pub fn export_filtered<E, F>(&self, filter: &ExportFilter, mut f: F) -> Result<(), E>
    where
        E: From<StoreError>,
        F: FnMut(&ExportRow) -> Result<(), E>,
    {
        let plan = self.plan(filter).map_err(E::from)?;
        let query = filter.query.as_deref().unwrap_or_default();
        let fail = |e: rusqlite::Error| E::from(classify_fts_error(query, e));
        let mut stmt = self.conn.prepare(&plan.sql).map_err(fail)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(&plan.params)).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            f(&read_export(row).map_err(E::from)?)?;
        }
        Ok(())
    }

    /// Checks `filter` against the database and composes its statement.
    fn plan(&self, filter: &ExportFilter) -> Result<Plan, StoreError> {
        if let (Some(since), Some(until)) = (filter.since, filter.until)
            && since > until
        {
            return Err(StoreError::EmptyRange { since, until });
        }
        let mut params: Vec<Value> = Vec::new();
        let mut bind = |v: Value| {
            params.push(v);
            format!("?{}", params.len())
        };
        let mut conditions: Vec<String> = Vec::new();
        let mut from = ARTICLE_FROM.to_owned();
        let mut order = "a.seq";

        if let Some(query) = &filter.query {
            let Some(fts) = fts_query(query) else {
                return Err(StoreError::BadQuery {
                    query: query.clone(),
                    message: "there are no words to search for".to_owned(),
                });
            };
            // The index drives: FTS5 yields its matches in rowid (= seq) order, so the
            // statement streams without sorting.
            from = from.replacen(
                "FROM articles a",
                "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid",
                1,
            );
            order = "articles_fts.rowid";
            conditions.push(format!("articles_fts MATCH {}", bind(Value::Text(fts))));
        }
        let column = match filter.time {
            ExportTime::Published => "a.published",
            ExportTime::Stored => "a.stored_at",
        };
        if let Some(since) = &filter.since {
            conditions.push(format!("{column} >= {}", bind(Value::Text(format_time(since)))));
        }
        if let Some(until) = &filter.until {
            conditions.push(format!("{column} <= {}", bind(Value::Text(format_time(until)))));
        }
        if !filter.outlets.is_empty() {
            for outlet in &filter.outlets {
                if !self.outlet_exists(outlet)? {
                    return Err(StoreError::UnknownOutlet { outlet: outlet.clone() });
                }
            }
            let list: Vec<String> =
                filter.outlets.iter().map(|o| bind(Value::Text(o.clone()))).collect();
            conditions.push(format!("a.outlet IN ({})", list.join(", ")));
        }
        if !filter.events.is_empty() {
            let mut survivors = Vec::new();
            for &id in &filter.events {
                survivors.push(self.surviving_event(id)?);
            }
            let list: Vec<String> = survivors.iter().map(|&id| bind(Value::Integer(id))).collect();
            // The members of a survivor, and of any event merged into it that a hand-edited
            // file left members in: one short list, read through the event index.
            conditions.push(format!(
                "a.event_id IN (SELECT id FROM events WHERE COALESCE(merged_into, id) IN ({}))",
                list.join(", ")
            ));
        }
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        // An original that is not stored (it cannot happen through `write_batch`, whose
        // clusterer only names stored originals) is named by its key.
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS}, a.stored_at,
                    CASE WHEN a.duplicate_of IS NULL THEN NULL
                         ELSE COALESCE(o.input_id, o.key, a.duplicate_of) END AS duplicate_export_id
             {from}
             LEFT JOIN articles o ON o.key = a.duplicate_of
             {filter_sql}
             ORDER BY {order}"
        );
        Ok(Plan { sql, params })
    }

    /// True when some stored article names `outlet`; stops at the first.
    fn outlet_exists(&self, outlet: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE outlet = ?1)",
            [outlet],
            |r| r.get(0),
        )?)
    }

    /// The live event `id` stands for: itself, or the event it was merged into.
    fn surviving_event(&self, id: EventId) -> Result<i64, StoreError> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT COALESCE(merged_into, id) FROM events WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::UnknownEvent { id })
    }
}

/// One export statement and its parameters.
struct Plan {
    sql: String,
    params: Vec<Value>,
}
