//! Reading for browsing: a read-only connection, events page by page, events found by
//! words, one article by its key and the copies of it.

use std::path::Path;

use chorus_model::ArticleKey;
use rusqlite::{OpenFlags, params};

use crate::query::{EVENT_COLUMNS, EventOrder, EventSummary, StoredArticle, read_summary};
use crate::restore::sql_limit;
use crate::rows::{ARTICLE_COLUMNS, ARTICLE_FROM, ARTICLE_TIME, read_stored};
use crate::schema::{current_version, latest_version};
use crate::search::{fts_query, run_fts};
use crate::{Store, StoreError};

impl Store {
    /// Opens an existing database for reading only, as a viewer beside the daemon does:
    /// SQLite refuses every write on this connection, nothing is created or migrated, and
    /// a file whose schema is older or newer than this build's is an error that says so.
    /// The daemon's WAL file is read as it grows, so new articles show up without
    /// reopening.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing { path: path.to_owned() });
        }
        let open_err = |source| StoreError::Open { path: path.to_owned(), source };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(open_err)?;
        conn.busy_timeout(crate::schema::BUSY_TIMEOUT).map_err(open_err)?;
        conn.pragma_update(None, "query_only", true).map_err(open_err)?;
        let found = current_version(&conn).map_err(open_err)?;
        let latest = latest_version();
        if found > latest {
            return Err(StoreError::SchemaTooNew {
                path: path.to_owned(),
                found,
                supported: latest,
            });
        }
        if found < latest {
            return Err(StoreError::SchemaTooOld {
                path: path.to_owned(),
                found,
                supported: latest,
            });
        }
        Ok(Store { conn })
    }

    /// Live events in `order`, skipping the first `offset`: one page of a long list.
    pub fn events_page(
        &self,
        order: EventOrder,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<EventSummary>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e
             WHERE e.merged_into IS NULL AND e.article_count > 0
             ORDER BY {} LIMIT ?1 OFFSET ?2",
            order.sql()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([sql_limit(limit), sql_limit(offset)])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(read_summary(row)?);
        }
        Ok(out)
    }

    /// Live events with an article whose title or text matches `query` (words as
    /// [`Store::search`] reads them), in `order`, skipping the first `offset`.
    pub fn search_events(
        &self,
        query: &str,
        order: EventOrder,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<EventSummary>, StoreError> {
        let Some(fts) = fts_query(query) else {
            return Err(StoreError::BadQuery {
                query: query.to_owned(),
                message: "there are no words to search for".to_owned(),
            });
        };
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e
             WHERE e.merged_into IS NULL AND e.article_count > 0 AND e.id IN (
                 SELECT COALESCE(m.merged_into, m.id) FROM articles_fts
                 JOIN articles a ON a.seq = articles_fts.rowid
                 JOIN events m ON m.id = a.event_id
                 WHERE articles_fts MATCH ?1)
             ORDER BY {} LIMIT ?2 OFFSET ?3",
            order.sql()
        );
        run_fts(&self.conn, &sql, query, params![fts, sql_limit(limit), sql_limit(offset)], |row| {
            read_summary(row)
        })
    }

    /// The article stored under `key`, with its event and copy status; `None` when there
    /// is none.
    pub fn article(&self, key: &ArticleKey) -> Result<Option<StoredArticle>, StoreError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE a.key = ?1");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([key.to_string()])?;
        match rows.next()? {
            Some(row) => Ok(Some(read_stored(row)?)),
            None => Ok(None),
        }
    }

    /// The articles stored as copies of the one under `key`, in time order, at most
    /// `limit`.
    pub fn copies_of(
        &self,
        key: &ArticleKey,
        limit: usize,
    ) -> Result<Vec<StoredArticle>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE a.duplicate_of = ?1
             ORDER BY {ARTICLE_TIME}, a.seq LIMIT ?2"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![key.to_string(), sql_limit(limit)])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(read_stored(row)?);
        }
        Ok(out)
    }
}
