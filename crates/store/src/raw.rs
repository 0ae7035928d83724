//! Downloaded pages kept beside their articles (`raw_pages`, migration 7): written with
//! the article, read back for re-extraction, counted, and pruned.

use chorus_model::{Article, ArticleKey, FeedEntry, KeptPage, PageHeaders, Timestamp};
use rusqlite::{Row, Transaction, named_params};
use serde::Serialize;
use url::Url;

use crate::rows::{ARTICLE_COLUMNS, article_key, format_time, parse_time, read_article};
use crate::{Store, StoreError};

const INSERT_PAGE: &str = "
INSERT INTO raw_pages (
    article_seq, fetched_at, url, final_url, status, content_type, etag, last_modified,
    entry, body_bytes, body_zstd
) VALUES (
    :seq, :fetched_at, :url, :final_url, :status, :content_type, :etag, :last_modified,
    :entry, :body_bytes, :body_zstd
)";

/// The columns of a `raw_pages` row `p`, as [`read_page`] reads them.
const PAGE_COLUMNS: &str = "p.article_seq, p.fetched_at AS page_fetched_at, \
     p.url AS page_url, p.final_url, p.status, p.content_type, p.etag, p.last_modified, \
     p.entry, p.body_bytes, p.body_zstd";

/// Keeps `page` as the page of the article stored under `seq`, inside the article's
/// transaction.
pub(crate) fn insert_page(
    tx: &Transaction<'_>,
    seq: i64,
    page: &KeptPage,
) -> Result<(), StoreError> {
    // Serializing a feed entry (strings, a URL, a time) cannot fail.
    let entry = page.entry.as_ref().map(|e| serde_json::to_string(e).unwrap_or_default());
    let mut insert = tx.prepare_cached(INSERT_PAGE)?;
    insert.execute(named_params! {
        ":seq": seq,
        ":fetched_at": format_time(&page.fetched_at),
        ":url": page.url.as_str(),
        ":final_url": page.final_url.as_str(),
        ":status": page.headers.status,
        ":content_type": page.content_type,
        ":etag": page.headers.etag,
        ":last_modified": page.headers.last_modified,
        ":entry": entry,
        ":body_bytes": i64::try_from(page.body_len).unwrap_or(i64::MAX),
        ":body_zstd": page.body_zstd,
    })?;
    Ok(())
}

/// Reads the `raw_pages` columns of a row selected with [`PAGE_COLUMNS`]; `key` names the
/// article in errors.
fn read_page(row: &Row<'_>, key: &str) -> Result<KeptPage, StoreError> {
    let url = |name: &str, column: &'static str| -> Result<Url, StoreError> {
        let s: String = row.get(name)?;
        Url::parse(&s).map_err(|e| StoreError::BadValue {
            column,
            row: key.to_owned(),
            value: s.clone(),
            reason: e.to_string(),
        })
    };
    let entry = match row.get::<_, Option<String>>("entry")? {
        None => None,
        Some(s) => {
            Some(serde_json::from_str::<FeedEntry>(&s).map_err(|e| StoreError::BadValue {
                column: "raw_pages.entry",
                row: key.to_owned(),
                value: s.clone(),
                reason: e.to_string(),
            })?)
        }
    };
    let fetched_at = parse_time(row.get("page_fetched_at")?, "raw_pages.fetched_at", key)?
        .ok_or_else(|| StoreError::BadValue {
            column: "raw_pages.fetched_at",
            row: key.to_owned(),
            value: "NULL".to_owned(),
            reason: "a kept page has a fetch time".to_owned(),
        })?;
    Ok(KeptPage {
        url: url("page_url", "raw_pages.url")?,
        final_url: url("final_url", "raw_pages.final_url")?,
        fetched_at,
        content_type: row.get("content_type")?,
        headers: PageHeaders {
            status: row.get("status")?,
            etag: row.get("etag")?,
            last_modified: row.get("last_modified")?,
        },
        entry,
        body_len: u64::try_from(row.get::<_, i64>("body_bytes")?).unwrap_or(0),
        body_zstd: row.get("body_zstd")?,
    })
}

/// A kept page with the article stored from it, as re-extraction reads them.
#[derive(Clone, Debug)]
pub struct StoredPage {
    /// The article's arrival number (`articles.seq`).
    pub seq: i64,
    /// The article's identity.
    pub key: ArticleKey,
    /// The article as stored now.
    pub article: Article,
    /// The page it was extracted from.
    pub page: KeptPage,
}

/// Which kept pages to read: those fetched at or after `since`, of `outlet`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageFilter {
    /// Pages fetched at or after this time (`raw_pages.fetched_at`).
    pub since: Option<Timestamp>,
    /// Pages of this outlet only (`articles.outlet`, exactly).
    pub outlet: Option<String>,
}

/// How many pages are kept and how large they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RawStats {
    /// Articles stored.
    pub articles: u64,
    /// Pages kept.
    pub pages: u64,
    /// The kept pages' bodies before compression, in bytes.
    pub body_bytes: u64,
    /// The kept pages' bodies as stored (zstd), in bytes.
    pub stored_bytes: u64,
}

impl Store {
    /// The page kept for the article stored under `key`, if any.
    pub fn raw_page(&self, key: &ArticleKey) -> Result<Option<KeptPage>, StoreError> {
        let key = key.to_string();
        let sql = format!(
            "SELECT {PAGE_COLUMNS} FROM raw_pages p JOIN articles a ON a.seq = p.article_seq
             WHERE a.key = ?1"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([&key])?;
        match rows.next()? {
            Some(row) => Ok(Some(read_page(row, &key)?)),
            None => Ok(None),
        }
    }

    /// Up to `limit` kept pages that pass `filter`, with their articles, in arrival order
    /// after the article `after` (`articles.seq`; 0 for the first): re-extraction reads
    /// the pages in such chunks, so that they are never all in memory.
    pub fn raw_pages_after(
        &self,
        filter: &PageFilter,
        after: i64,
        limit: usize,
    ) -> Result<Vec<StoredPage>, StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS}, {PAGE_COLUMNS}
             FROM raw_pages p JOIN articles a ON a.seq = p.article_seq
             LEFT JOIN events e ON e.id = a.event_id
             LEFT JOIN events s ON s.id = COALESCE(e.merged_into, e.id)
             WHERE p.article_seq > :after
               AND (:since IS NULL OR p.fetched_at >= :since)
               AND (:outlet IS NULL OR a.outlet = :outlet)
             ORDER BY p.article_seq LIMIT :limit"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(named_params! {
            ":after": after,
            ":since": filter.since.as_ref().map(format_time),
            ":outlet": filter.outlet,
            ":limit": i64::try_from(limit).unwrap_or(i64::MAX),
        })?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let key: String = row.get("key")?;
            out.push(StoredPage {
                seq: row.get("seq")?,
                key: article_key(&key, "articles.key", &key)?,
                article: read_article(row)?,
                page: read_page(row, &key)?,
            });
        }
        Ok(out)
    }

    /// How many pages are kept, and their sizes before and after compression.
    pub fn raw_stats(&self) -> Result<RawStats, StoreError> {
        let (pages, body, stored): (i64, i64, i64) = self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(body_bytes), 0), COALESCE(SUM(length(body_zstd)), 0)
             FROM raw_pages",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let articles: i64 =
            self.conn.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(RawStats {
            articles: n(articles),
            pages: n(pages),
            body_bytes: n(body),
            stored_bytes: n(stored),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_row_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("raw.db")).unwrap();
        assert_eq!(store.raw_stats().unwrap(), RawStats::default());
    }
}
