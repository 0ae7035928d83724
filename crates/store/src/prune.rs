//! Bounding the file: dropping old kept pages, or old articles whole, then giving the
//! space back to the file system.

use std::path::Path;

use chorus_model::Timestamp;
use rusqlite::{TransactionBehavior, params};
use serde::Serialize;

use crate::rows::{format_time, now};
use crate::write::recount_sql;
use crate::{Store, StoreError};

/// What [`Store::prune`] removed (or, for a dry run, would remove).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PruneCounts {
    /// Kept pages removed (with their articles, or alone).
    pub pages: u64,
    /// Their compressed size, in bytes.
    pub page_bytes: u64,
    /// Articles removed (`articles` only).
    pub articles: u64,
    /// Copies whose original was removed and that now point at the earliest remaining
    /// copy, or became the original themselves.
    pub copies_repointed: u64,
    /// Events whose members changed.
    pub events_changed: u64,
}

/// What to prune.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PruneWhat {
    /// Kept pages fetched before the cutoff; their articles stay.
    Pages,
    /// Articles collected before the cutoff (fetched, else stored), with their pages.
    Articles,
}

/// The database file and its write-ahead log together, in bytes: what the file system
/// holds for it.
pub fn file_bytes(db: &Path) -> u64 {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    size(db) + size(Path::new(&wal))
}

impl Store {
    /// Removes what `what` names from before `cutoff`, in one transaction (`dry_run`:
    /// counts it and removes nothing). Removing articles also removes their pages, their
    /// rows of the full-text index (triggers), recounts their events (an event left
    /// without articles stays as an empty row, so that its id is never handed out again
    /// and old links still resolve) and drops those events' kept comparisons. A copy
    /// whose original goes is kept: the earliest remaining copy becomes the original, and
    /// the others point at it.
    ///
    /// Sentence vectors are kept: they are keyed by sentence text, shared by articles,
    /// and small beside the text (384 bytes a sentence).
    pub fn prune(
        &mut self,
        what: PruneWhat,
        cutoff: Timestamp,
        dry_run: bool,
    ) -> Result<PruneCounts, StoreError> {
        let cutoff = format_time(&cutoff);
        let stamp = format_time(&now());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut counts = PruneCounts::default();
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        match what {
            PruneWhat::Pages => {
                let (pages, bytes): (i64, i64) = tx.query_row(
                    "SELECT COUNT(*), COALESCE(SUM(length(body_zstd)), 0) FROM raw_pages
                     WHERE fetched_at < ?1",
                    [&cutoff],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                counts.pages = n(pages);
                counts.page_bytes = n(bytes);
                if !dry_run {
                    tx.execute("DELETE FROM raw_pages WHERE fetched_at < ?1", [&cutoff])?;
                }
            }
            PruneWhat::Articles => {
                tx.execute_batch(
                    "CREATE TEMP TABLE IF NOT EXISTS pruned (seq INTEGER PRIMARY KEY, key TEXT);
                     DELETE FROM temp.pruned;",
                )?;
                tx.execute(
                    "INSERT INTO temp.pruned (seq, key) SELECT seq, key FROM articles
                     WHERE COALESCE(fetched_at, stored_at) < ?1",
                    [&cutoff],
                )?;
                let (articles, pages, bytes): (i64, i64, i64) = tx.query_row(
                    "SELECT (SELECT COUNT(*) FROM temp.pruned), COUNT(p.article_seq),
                            COALESCE(SUM(length(p.body_zstd)), 0)
                     FROM raw_pages p WHERE p.article_seq IN (SELECT seq FROM temp.pruned)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
                counts.articles = n(articles);
                counts.pages = n(pages);
                counts.page_bytes = n(bytes);
                let events: Vec<i64> = tx
                    .prepare(
                        "SELECT DISTINCT event_id FROM articles
                         WHERE seq IN (SELECT seq FROM temp.pruned) AND event_id IS NOT NULL",
                    )?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                counts.events_changed = events.len() as u64;
                counts.copies_repointed = n(tx.query_row(
                    "SELECT COUNT(*) FROM articles WHERE duplicate_of IN
                       (SELECT key FROM temp.pruned) AND seq NOT IN (SELECT seq FROM temp.pruned)",
                    [],
                    |r| r.get(0),
                )?);
                if !dry_run {
                    repoint_orphaned_copies(&tx)?;
                    // raw_pages follow by ON DELETE CASCADE, the index by trigger.
                    tx.execute(
                        "DELETE FROM articles WHERE seq IN (SELECT seq FROM temp.pruned)",
                        [],
                    )?;
                    let mut recount = tx.prepare_cached(&recount_sql())?;
                    let mut forget =
                        tx.prepare_cached("DELETE FROM event_comparisons WHERE event_id = ?1")?;
                    for id in events {
                        recount.execute(params![id, stamp])?;
                        forget.execute([id])?;
                    }
                }
                tx.execute_batch("DROP TABLE temp.pruned")?;
            }
        }
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(counts)
    }

    /// Gives the space of deleted rows back to the file system: `VACUUM` rewrites the file
    /// without them, then the write-ahead log is checkpointed and truncated. It needs
    /// free disk space about the size of the file while it runs, and blocks other writers
    /// (the caller holds the writer lock anyway).
    pub fn reclaim(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("VACUUM")?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// For each original about to be pruned whose copies stay: the earliest remaining copy
/// becomes the original, and the other remaining copies point at it.
fn repoint_orphaned_copies(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let heirs: Vec<(String, i64, String)> = tx
        .prepare(
            "SELECT h.gone, h.heir, (SELECT key FROM articles WHERE seq = h.heir)
             FROM (SELECT p.key AS gone, MIN(c.seq) AS heir
                   FROM temp.pruned p JOIN articles c ON c.duplicate_of = p.key
                   WHERE c.seq NOT IN (SELECT seq FROM temp.pruned)
                   GROUP BY p.key) AS h",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (gone, heir_seq, heir_key) in heirs {
        tx.execute(
            "UPDATE articles SET duplicate_of = NULL, duplicate_similarity = NULL WHERE seq = ?1",
            [heir_seq],
        )?;
        tx.execute(
            "UPDATE articles SET duplicate_of = ?2 WHERE duplicate_of = ?1
               AND seq NOT IN (SELECT seq FROM temp.pruned)",
            params![gone, heir_key],
        )?;
    }
    Ok(())
}
