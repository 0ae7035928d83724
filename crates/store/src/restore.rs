//! What the pipeline reads at start-up to carry on where the last run stopped.

use std::collections::HashMap;

use chorus_model::{ArticleKey, Classified, EventId, FeedState, PollHistory, canonical_url};
use rusqlite::OptionalExtension;
use url::Url;

use crate::rows::{ARTICLE_COLUMNS, ARTICLE_FROM, parse_time, read_classified};
use crate::{Store, StoreError, schema};

impl Store {
    /// The schema version of the open file (the newest migration applied).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(schema::current_version(&self.conn)?)
    }

    /// Every polled feed's conditional-request state and schedule history (with its next
    /// poll time, so a restart keeps each feed's place), keyed by the feed URL as a string
    /// (`Url::as_str`).
    pub fn feed_states(&self) -> Result<HashMap<String, FeedState>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT url, etag, last_modified, body_hash, validators_unreliable,
                    unchanged_streak, poll_interval_secs, soft_failures, hard_failures,
                    recent_polls, recent_not_modified, recent_entries, recent_known,
                    last_success, last_new_article_at, next_poll_at
             FROM feeds",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = HashMap::new();
        while let Some(row) = rows.next()? {
            let url: String = row.get("url")?;
            let time = |column: &'static str| -> Result<_, StoreError> {
                parse_time(row.get(column)?, column, &url)
            };
            // Counts written by this crate are never negative; a hand-edited one reads as 0.
            let count = |column: &str| -> Result<u32, StoreError> {
                Ok(u32::try_from(row.get::<_, i64>(column)?).unwrap_or(0))
            };
            let history = PollHistory {
                interval_secs: u64::try_from(row.get::<_, i64>("poll_interval_secs")?).unwrap_or(0),
                soft_failures: count("soft_failures")?,
                hard_failures: count("hard_failures")?,
                recent_polls: count("recent_polls")?,
                recent_not_modified: count("recent_not_modified")?,
                recent_entries: count("recent_entries")?,
                recent_known: count("recent_known")?,
                last_success: time("last_success")?,
                last_new_article: time("last_new_article_at")?,
                next_poll_at: time("next_poll_at")?,
            };
            let state = FeedState {
                etag: row.get("etag")?,
                last_modified: row.get("last_modified")?,
                body_hash: row.get("body_hash")?,
                validators_unreliable: row.get("validators_unreliable")?,
                unchanged_streak: count("unchanged_streak")?,
                history,
            };
            out.insert(url, state);
        }
        Ok(out)
    }

    /// The addresses of the `limit` most recently stored articles, oldest first, for the
    /// fetcher to skip: each article's key when it is an address, and the canonical form ([`canonical_url`]) of
    /// the URL it was fetched from and of the URL the page named as its own. Older
    /// articles are left out so start-up stays cheap on a large file; one that a feed lists
    /// again is downloaded and then found already stored.
    pub fn known_urls(&self, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT key, url, canonical_url FROM
               (SELECT seq, key, url, canonical_url FROM articles ORDER BY seq DESC LIMIT ?1)
             ORDER BY seq",
        )?;
        let mut rows = stmt.query([sql_limit(limit)])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            for column in ["url", "canonical_url"] {
                // An address that no longer parses cannot match a feed entry either.
                if let Some(url) = row.get::<_, Option<String>>(column)?
                    && let Ok(url) = Url::parse(&url)
                {
                    out.push(canonical_url(&url).into());
                }
            }
            // A key is an address when the article had one: the canonical form of the
            // page's own URL, already listed above unless it was edited by hand.
            let key: String = row.get("key")?;
            if let Ok(ArticleKey::Url(url)) = key.parse() {
                out.push(url.into());
            }
        }
        Ok(out)
    }

    /// The `limit` most recently stored articles, oldest first, as the [`Classified`] values
    /// that were written, so the clusterer can rebuild its state after a restart.
    ///
    /// Each article's event is the event as it stands now: merged ids are resolved to the
    /// survivor, the title is the survivor's current title and `merged` is empty (those
    /// merges are already recorded). Times come back at microsecond precision.
    pub fn window(&self, limit: usize) -> Result<Vec<Classified>, StoreError> {
        let mut out = Vec::new();
        self.for_each_in_window(limit, |c| out.push(c))?;
        Ok(out)
    }

    /// [`Store::window`] one article at a time, oldest first, without holding the window in
    /// memory: `each` gets every article as it is read. Returns how many there were.
    pub fn for_each_in_window(
        &self,
        limit: usize,
        mut each: impl FnMut(Classified),
    ) -> Result<usize, StoreError> {
        if limit == 0 {
            return Ok(0);
        }
        // The oldest article of the window, found on the primary key; then one forward scan.
        let first: Option<i64> = self
            .conn
            .query_row(
                "SELECT seq FROM articles ORDER BY seq DESC LIMIT 1 OFFSET ?1",
                [sql_limit(limit - 1)],
                |r| r.get(0),
            )
            .optional()?;
        let sql =
            format!("SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE a.seq >= ?1 ORDER BY a.seq ASC");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([first.unwrap_or(i64::MIN)])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            each(read_classified(row)?);
            count += 1;
        }
        Ok(count)
    }

    /// The id for the next new event: one more than the highest ever assigned, merged-away
    /// events included, so that no id is reused (1 on an empty database).
    pub fn next_event_id(&self) -> Result<EventId, StoreError> {
        let max: i64 =
            self.conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))?;
        Ok(EventId(max.saturating_add(1)))
    }
}

/// A `usize` limit as SQLite takes it (`usize::MAX` means no limit).
pub(crate) fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}
