//! Re-extraction's writes: new text and metadata for stored articles, and the copy
//! status and event of each article decided again, all in one transaction.
//!
//! The store does not decide anything here: the caller (`chorus_pipeline::reextract`)
//! extracts the pages again and replays the deduplicator; this type applies what it
//! found, keeps the full-text index (triggers), the events' figures and their kept
//! comparisons in step, and records the re-extraction. Nothing is visible to readers
//! until [`Rewrite::finish`] commits, and a failure anywhere leaves the file as it was.

use std::collections::{BTreeSet, HashSet};

use chorus_model::{Article, Classified, DateSource, Timestamp};
use rusqlite::{Transaction, TransactionBehavior, named_params, params};
use serde::Serialize;

use crate::raw::PageFilter;
use crate::rows::{
    ARTICLE_COLUMNS, ARTICLE_FROM, clamp_similarity, format_time, now, read_classified,
};
use crate::write::{
    MERGE_EVENT, MOVE_MEMBERS, REPOINT_MERGED, SUPERSEDE, UPSERT_EVENT, recount_sql,
};
use crate::{Store, StoreError};

/// What one re-extraction did, as recorded in the `reextractions` table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReextractCounts {
    /// Kept pages read.
    pub pages: u64,
    /// Articles whose text and metadata came out as stored.
    pub unchanged: u64,
    /// Articles whose text or metadata changed, and were updated.
    pub changed: u64,
    /// Pages that could not be restored or extracted again (their articles are left as
    /// they were).
    pub failed: u64,
    /// Events whose members changed: in text, or by moving in or out, or by merging.
    pub events_changed: u64,
}

/// An open re-extraction: one write transaction (see the module docs).
#[derive(Debug)]
pub struct Rewrite<'a> {
    tx: Transaction<'a>,
    stamp: String,
    extractor: String,
    /// Events whose members changed, to recount and whose comparison to drop.
    touched: BTreeSet<i64>,
}

impl Store {
    /// Starts a re-extraction by `extractor`: takes SQLite's write lock for the whole of
    /// it (the caller also holds the [`WriterLock`](crate::WriterLock)).
    pub fn rewrite(&mut self, extractor: &str) -> Result<Rewrite<'_>, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS rewritten (seq INTEGER PRIMARY KEY);
             DELETE FROM temp.rewritten;",
        )?;
        Ok(Rewrite {
            tx,
            stamp: format_time(&now()),
            extractor: extractor.to_owned(),
            touched: BTreeSet::new(),
        })
    }
}

/// Whether two extractions of a page say the same: text, title and every metadata field
/// extraction sets (times as the store keeps them, to the microsecond). The page's
/// addresses are identity, not compared: an article keeps its key.
pub fn same_extraction(stored: &Article, fresh: &Article) -> bool {
    let micros = |t: &Option<Timestamp>| t.as_ref().map(format_time);
    stored.title == fresh.title
        && stored.text == fresh.text
        && stored.authors == fresh.authors
        && micros(&stored.published) == micros(&fresh.published)
        && stored.published_source == fresh.published_source
        && micros(&stored.modified) == micros(&fresh.modified)
        && stored.language == fresh.language
        && stored.flags == fresh.flags
}

impl Rewrite<'_> {
    /// Records the extraction of article `seq` as it came out now (`fresh`, whose text
    /// hashes to `text_hash`), against `stored`: a changed article gets the new text and
    /// metadata, and is marked for deciding again; an unchanged one only the extractor's
    /// name, if that differs. Returns whether it changed.
    pub fn update(
        &mut self,
        seq: i64,
        stored: &Article,
        fresh: &Article,
        text_hash: &str,
    ) -> Result<bool, StoreError> {
        if same_extraction(stored, fresh) {
            if stored.extractor != self.extractor {
                self.tx.execute(
                    "UPDATE articles SET extractor = ?2, extracted_at = ?3 WHERE seq = ?1",
                    params![seq, self.extractor, self.stamp],
                )?;
            }
            return Ok(false);
        }
        let authors = serde_json::to_string(&fresh.authors).unwrap_or_else(|_| "[]".to_owned());
        let flags = serde_json::to_string(&fresh.flags.names()).unwrap_or_else(|_| "[]".to_owned());
        let mut stmt = self.tx.prepare_cached(
            "UPDATE articles SET title = :title, text = :text, authors = :authors,
                 published = :published, published_source = :published_source,
                 modified = :modified, language = :language, flags = :flags,
                 extractor = :extractor, text_hash = :text_hash, extracted_at = :stamp
             WHERE seq = :seq",
        )?;
        stmt.execute(named_params! {
            ":seq": seq,
            ":title": fresh.title,
            ":text": fresh.text,
            ":authors": authors,
            ":published": fresh.published.as_ref().map(format_time),
            ":published_source": fresh.published_source.map(DateSource::as_str),
            ":modified": fresh.modified.as_ref().map(format_time),
            ":language": fresh.language,
            ":flags": flags,
            ":extractor": self.extractor,
            ":text_hash": text_hash,
            ":stamp": self.stamp,
        })?;
        self.tx.execute("INSERT OR IGNORE INTO temp.rewritten (seq) VALUES (?1)", [seq])?;
        Ok(true)
    }

    /// The articles to decide again: every changed one, and every copy of a changed
    /// original (it was matched against the old text). Empty when nothing changed.
    pub fn to_decide(&self) -> Result<HashSet<i64>, StoreError> {
        let mut stmt = self.tx.prepare(
            "SELECT seq FROM temp.rewritten
             UNION
             SELECT c.seq FROM articles c JOIN articles o ON o.key = c.duplicate_of
             WHERE o.seq IN (SELECT seq FROM temp.rewritten)",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replays the stored articles in arrival order from `from` to `to` (both
    /// `articles.seq`, inclusive), each as the [`Classified`] stored for it; `each` returns
    /// the new decision for an article it decided again, or `None` to leave it. The new
    /// decisions are written once the scan ends.
    pub fn replay(
        &mut self,
        from: i64,
        to: i64,
        mut each: impl FnMut(i64, Classified) -> Option<Classified>,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE a.seq BETWEEN ?1 AND ?2 ORDER BY a.seq"
        );
        let mut decided = Vec::new();
        {
            let mut stmt = self.tx.prepare(&sql)?;
            let mut rows = stmt.query(params![from, to])?;
            while let Some(row) = rows.next()? {
                let seq: i64 = row.get("seq")?;
                let stored = read_classified(row)?;
                let old_event = stored.event.id.0;
                let old_copy = stored.duplicate_of.as_ref().map(|d| d.of.to_string());
                if let Some(mut new) = each(seq, stored) {
                    // Written after the scan: SQLite may not see rows changed under a
                    // running statement consistently. Merges only move later members,
                    // which the deduplicator already holds in the merged event. Only the
                    // decision is held until then, not the article's text.
                    new.article = Article::default();
                    decided.push((seq, old_event, old_copy, new));
                }
            }
        }
        for (seq, old_event, old_copy, new) in decided {
            self.apply(seq, old_event, old_copy, &new)?;
        }
        Ok(())
    }

    /// The first article a replay must read for the deduplicator to know the `window`
    /// articles before the earliest of `seqs`, and the last of `seqs`; `None` when
    /// `seqs` is empty.
    pub fn replay_range(
        &self,
        seqs: &HashSet<i64>,
        window: usize,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let (Some(&first), Some(&last)) = (seqs.iter().min(), seqs.iter().max()) else {
            return Ok(None);
        };
        let from: Option<i64> = self.tx.query_row(
            "SELECT MIN(seq) FROM (SELECT seq FROM articles WHERE seq <= ?1
                                   ORDER BY seq DESC LIMIT ?2)",
            params![first, i64::try_from(window.saturating_add(1)).unwrap_or(i64::MAX)],
            |r| r.get(0),
        )?;
        Ok(Some((from.unwrap_or(first), last)))
    }

    fn apply(
        &mut self,
        seq: i64,
        old_event: i64,
        old_copy: Option<String>,
        new: &Classified,
    ) -> Result<(), StoreError> {
        let survivor = new.event.id.0;
        self.tx.prepare_cached(UPSERT_EVENT)?.execute(params![
            survivor,
            new.event.title,
            self.stamp
        ])?;
        self.touched.extend([old_event, survivor]);
        for merged in new.event.merged.iter().map(|m| m.0).filter(|&m| m != survivor) {
            self.tx.prepare_cached(MERGE_EVENT)?.execute(params![merged, survivor, self.stamp])?;
            self.tx
                .prepare_cached(REPOINT_MERGED)?
                .execute(params![merged, survivor, self.stamp])?;
            self.tx.prepare_cached(MOVE_MEMBERS)?.execute(params![merged, survivor])?;
            self.touched.insert(merged);
        }
        let copy = new.duplicate_of.as_ref();
        let new_copy = copy.map(|d| d.of.to_string());
        if new_copy != old_copy || survivor != old_event {
            tracing::debug!(seq, old_event, survivor, "decided again");
        }
        self.tx.execute(
            "UPDATE articles SET duplicate_of = ?2, duplicate_similarity = ?3, event_id = ?4
             WHERE seq = ?1",
            params![seq, new_copy, copy.map(|d| clamp_similarity(d.similarity)), survivor],
        )?;
        if let Some(s) = &new.supersedes {
            self.tx.prepare_cached(SUPERSEDE)?.execute(named_params! {
                ":original": new.key.to_string(),
                ":former": s.key.to_string(),
                ":similarity": clamp_similarity(s.similarity),
            })?;
        }
        Ok(())
    }

    /// Recounts the events touched, drops their kept comparisons (their texts changed),
    /// records the re-extraction with `filter` and `counts`, and commits. Returns the
    /// counts with `events_changed` filled in.
    pub fn finish(
        mut self,
        filter: &PageFilter,
        mut counts: ReextractCounts,
    ) -> Result<ReextractCounts, StoreError> {
        // The events of changed articles that were not decided again (none are: every
        // changed article is) still count through `touched`.
        let mut stmt = self.tx.prepare(
            "SELECT DISTINCT a.event_id FROM articles a
             WHERE a.seq IN (SELECT seq FROM temp.rewritten) AND a.event_id IS NOT NULL",
        )?;
        let events: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        drop(stmt);
        self.touched.extend(events);
        {
            let mut recount = self.tx.prepare_cached(&recount_sql())?;
            let mut forget =
                self.tx.prepare_cached("DELETE FROM event_comparisons WHERE event_id = ?1")?;
            for &id in &self.touched {
                recount.execute(params![id, self.stamp])?;
                forget.execute([id])?;
            }
        }
        counts.events_changed = self.touched.len() as u64;
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.tx.execute(
            "INSERT INTO reextractions (extractor, since, outlet, started_at, ended_at, pages,
                                        unchanged, changed, failed, events_changed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                self.extractor,
                filter.since.as_ref().map(format_time),
                filter.outlet,
                self.stamp,
                format_time(&now()),
                n(counts.pages),
                n(counts.unchanged),
                n(counts.changed),
                n(counts.failed),
                n(counts.events_changed),
            ],
        )?;
        self.tx.execute_batch("DROP TABLE temp.rewritten")?;
        self.tx.commit()?;
        Ok(counts)
    }
}
