//! Writing: one batch of classified articles and feed checks, in one transaction.

use std::collections::BTreeSet;

use chorus_model::{Classified, FeedCheck, FeedOutcome};
use rusqlite::{Transaction, TransactionBehavior, named_params, params};
use serde::Serialize;

use crate::raw::insert_page;
use crate::rows::{ARTICLE_TIME, ArticleParams, clamp_similarity, format_time, now};
use crate::{Store, StoreError};

/// What one [`Store::write_batch`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WriteCounts {
    /// Articles written for the first time.
    pub inserted: u64,
    /// Articles whose key was already stored, left as they were.
    pub already_stored: u64,
    /// Feed checks recorded.
    pub checks: u64,
    /// Downloaded pages kept beside the articles inserted (`store.keep_raw`).
    pub pages: u64,
}

/// The event an article is placed in, as the clusterer sees it now. A merged-away event
/// placed here again is live again: the clusterer decides.
pub(crate) const UPSERT_EVENT: &str = "
INSERT INTO events (id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
ON CONFLICT (id) DO UPDATE SET
    title = excluded.title, merged_into = NULL, updated_at = excluded.updated_at";

/// An event merged into a survivor. An id never stored before still gets a row, so that it
/// resolves and is never handed out again.
pub(crate) const MERGE_EVENT: &str = "
INSERT INTO events (id, title, merged_into, created_at, updated_at) VALUES (?1, '', ?2, ?3, ?3)
ON CONFLICT (id) DO UPDATE SET
    merged_into = excluded.merged_into, updated_at = excluded.updated_at";

/// Keeps merges one hop deep: events merged into the one now merged follow it.
pub(crate) const REPOINT_MERGED: &str =
    "UPDATE events SET merged_into = ?2, updated_at = ?3 WHERE merged_into = ?1";

pub(crate) const MOVE_MEMBERS: &str = "UPDATE articles SET event_id = ?2 WHERE event_id = ?1";

/// An article published before the one stored as its original, stored after it: that
/// article, and the copies that pointed at it, become copies of the new one. The
/// similarity of the former original is to the new one; the other copies keep theirs (to
/// the text they were matched with).
pub(crate) const SUPERSEDE: &str = "
UPDATE articles SET
    duplicate_of = :original,
    duplicate_similarity = CASE WHEN key = :former THEN :similarity ELSE duplicate_similarity END
WHERE (key = :former OR duplicate_of = :former) AND key <> :original";

const INSERT_ARTICLE: &str = "
INSERT INTO articles (
    key, input_id, url, canonical_url, outlet, title, text, authors, published,
    published_source, modified, language, fetched_at, flags, extractor, text_hash,
    duplicate_of, duplicate_similarity, event_id, stored_at, extracted_at
) VALUES (
    :key, :input_id, :url, :canonical_url, :outlet, :title, :text, :authors, :published,
    :published_source, :modified, :language, :fetched_at, :flags, :extractor, :text_hash,
    :duplicate_of, :duplicate_similarity, :event_id, :stored_at, :extracted_at
)
ON CONFLICT (key) DO NOTHING";

/// An event's figures, recomputed from its members rather than incremented, so they stay
/// right whatever merges and replays happened.
pub(crate) fn recount_sql() -> String {
    format!(
        "UPDATE events SET article_count = m.n, outlet_count = m.outlets,
             first_seen = m.first, last_seen = m.last, updated_at = ?2
         FROM (SELECT COUNT(*) AS n, COUNT(DISTINCT a.outlet) AS outlets,
                      MIN({ARTICLE_TIME}) AS first, MAX({ARTICLE_TIME}) AS last
               FROM articles a WHERE a.event_id = ?1) AS m
         WHERE events.id = ?1"
    )
}

/// Counters add up; state and times are the latest poll's; an error stays until a poll
/// succeeds.
const UPSERT_FEED: &str = "
INSERT INTO feeds (
    url, outlet, etag, last_modified, body_hash, last_checked, last_success, last_error,
    last_new_article_at, checks, failures, not_modified, articles, consecutive_failures,
    next_poll_at, next_poll_reason, poll_interval_secs, soft_failures, hard_failures,
    recent_polls, recent_not_modified, recent_entries, recent_known, unchanged_streak,
    validators_unreliable
) VALUES (
    :url, :outlet, :etag, :last_modified, :body_hash, :checked, :success, :error,
    :new_at, 1, :failed, :not_modified, :new_entries, :failed,
    :next_at, :next_reason, :interval, :soft, :hard,
    :recent_polls, :recent_not_modified, :recent_entries, :recent_known, :streak,
    :unreliable
)
ON CONFLICT (url) DO UPDATE SET
    outlet = excluded.outlet,
    etag = excluded.etag,
    last_modified = excluded.last_modified,
    body_hash = excluded.body_hash,
    last_checked = excluded.last_checked,
    last_success = COALESCE(excluded.last_success, feeds.last_success),
    last_error = excluded.last_error,
    last_new_article_at = COALESCE(excluded.last_new_article_at, feeds.last_new_article_at),
    checks = feeds.checks + 1,
    failures = feeds.failures + excluded.failures,
    not_modified = feeds.not_modified + excluded.not_modified,
    articles = feeds.articles + excluded.articles,
    consecutive_failures =
        CASE WHEN excluded.failures > 0 THEN feeds.consecutive_failures + 1 ELSE 0 END,
    next_poll_at = excluded.next_poll_at,
    next_poll_reason = excluded.next_poll_reason,
    poll_interval_secs = excluded.poll_interval_secs,
    soft_failures = excluded.soft_failures,
    hard_failures = excluded.hard_failures,
    recent_polls = excluded.recent_polls,
    recent_not_modified = excluded.recent_not_modified,
    recent_entries = excluded.recent_entries,
    recent_known = excluded.recent_known,
    unchanged_streak = excluded.unchanged_streak,
    validators_unreliable = excluded.validators_unreliable";

impl Store {
    /// Writes `articles` and `checks` in one transaction: all of them or, on error, none.
    ///
    /// Idempotent for articles: one whose key is already stored is left as it was and
    /// counted in [`WriteCounts::already_stored`], so a re-run stores nothing twice. Each
    /// article's event is created or renamed, the events it merged now resolve to it (their
    /// members move there), and the figures of every event touched are recomputed. Each
    /// check updates its feed's conditional-request state and health counters. The
    /// full-text index follows through triggers.
    pub fn write_batch(
        &mut self,
        articles: &[Classified],
        checks: &[FeedCheck],
    ) -> Result<WriteCounts, StoreError> {
        let stamp = format_time(&now());
        // IMMEDIATE takes the write lock up front, so a concurrent writer makes this wait
        // (busy timeout) instead of failing at its first write.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut counts = write_articles(&tx, articles, &stamp)?;
        for check in checks {
            write_check(&tx, check)?;
            counts.checks += 1;
        }
        tx.commit()?;
        tracing::debug!(
            inserted = counts.inserted,
            already_stored = counts.already_stored,
            checks = counts.checks,
            "wrote a batch"
        );
        Ok(counts)
    }
}

fn write_articles(
    tx: &Transaction<'_>,
    articles: &[Classified],
    stamp: &str,
) -> Result<WriteCounts, StoreError> {
    let mut counts = WriteCounts::default();
    let mut touched = BTreeSet::new();
    let mut upsert_event = tx.prepare_cached(UPSERT_EVENT)?;
    let mut merge_event = tx.prepare_cached(MERGE_EVENT)?;
    let mut repoint = tx.prepare_cached(REPOINT_MERGED)?;
    let mut move_members = tx.prepare_cached(MOVE_MEMBERS)?;
    let mut insert = tx.prepare_cached(INSERT_ARTICLE)?;
    let mut supersede = tx.prepare_cached(SUPERSEDE)?;
    for c in articles {
        let survivor = c.event.id.0;
        // The survivor first: merged events and the article point at it.
        upsert_event.execute(params![survivor, c.event.title, stamp])?;
        touched.insert(survivor);
        for merged in c.event.merged.iter().map(|m| m.0).filter(|&m| m != survivor) {
            merge_event.execute(params![merged, survivor, stamp])?;
            repoint.execute(params![merged, survivor, stamp])?;
            move_members.execute(params![merged, survivor])?;
            touched.insert(merged);
        }
        let a = &c.article;
        let p = ArticleParams::new(c);
        let inserted = insert.execute(named_params! {
            ":key": p.key,
            ":input_id": a.input_id,
            ":url": p.url,
            ":canonical_url": p.canonical_url,
            ":outlet": a.outlet,
            ":title": a.title,
            ":text": a.text,
            ":authors": p.authors,
            ":published": p.published,
            ":published_source": p.published_source,
            ":modified": p.modified,
            ":language": a.language,
            ":fetched_at": p.fetched_at,
            ":flags": p.flags,
            ":extractor": a.extractor,
            ":text_hash": c.text_hash,
            ":duplicate_of": p.duplicate_of,
            ":duplicate_similarity": p.similarity,
            ":event_id": survivor,
            ":stored_at": stamp,
            // A downloaded page was extracted just now; an input record was not.
            ":extracted_at": a.fetched_at.is_some().then_some(stamp),
        })?;
        if inserted == 1 {
            counts.inserted += 1;
            if let Some(page) = &a.page {
                // Same transaction: never an article without its page, or a page alone.
                insert_page(tx, tx.last_insert_rowid(), page)?;
                counts.pages += 1;
            }
            if let Some(s) = &c.supersedes {
                supersede.execute(named_params! {
                    ":original": p.key,
                    ":former": s.key.to_string(),
                    ":similarity": clamp_similarity(s.similarity),
                })?;
            }
        } else {
            counts.already_stored += 1;
            tracing::debug!(key = %c.key, "article already stored");
        }
    }
    let mut recount = tx.prepare_cached(&recount_sql())?;
    for id in touched {
        recount.execute(params![id, stamp])?;
    }
    Ok(counts)
}

fn write_check(tx: &Transaction<'_>, check: &FeedCheck) -> Result<(), StoreError> {
    let checked = format_time(&check.checked_at);
    let (failed, not_modified, new_entries, error) = match &check.outcome {
        FeedOutcome::Fetched { new_entries, .. } => (0, 0, i64::from(*new_entries), None),
        FeedOutcome::NotModified => (0, 1, 0, None),
        FeedOutcome::Failed { reason } => (1, 0, 0, Some(reason.as_str())),
    };
    let success = (failed == 0).then_some(checked.as_str());
    let new_at = (new_entries > 0).then_some(checked.as_str());
    let h = &check.state.history;
    let next_at = check.next_poll.as_ref().map(|n| format_time(&n.at));
    let next_reason = check.next_poll.as_ref().map(|n| n.reason.as_str());
    // SQLite has no unsigned integers; an interval past i64 seconds cannot be configured.
    let interval = i64::try_from(h.interval_secs).unwrap_or(i64::MAX);
    let mut upsert = tx.prepare_cached(UPSERT_FEED)?;
    upsert.execute(named_params! {
        ":next_at": next_at,
        ":next_reason": next_reason,
        ":interval": interval,
        ":soft": h.soft_failures,
        ":hard": h.hard_failures,
        ":recent_polls": h.recent_polls,
        ":recent_not_modified": h.recent_not_modified,
        ":recent_entries": h.recent_entries,
        ":recent_known": h.recent_known,
        ":streak": check.state.unchanged_streak,
        ":unreliable": check.state.validators_unreliable,
        ":url": check.feed.url.as_str(),
        ":outlet": check.feed.outlet,
        ":etag": check.state.etag,
        ":last_modified": check.state.last_modified,
        ":body_hash": check.state.body_hash,
        ":checked": checked,
        ":success": success,
        ":error": error,
        ":new_at": new_at,
        ":failed": failed,
        ":not_modified": not_modified,
        ":new_entries": new_entries,
    })?;
    Ok(())
}
