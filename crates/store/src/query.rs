//! Reading: events, one event with its articles, feed health, totals.

use chorus_model::{Article, ArticleKey, EventId, PollHistory, Timestamp};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::restore::sql_limit;
use crate::rows::{ARTICLE_COLUMNS, ARTICLE_FROM, ARTICLE_TIME, parse_time, read_stored};
use crate::{Store, StoreError};

/// How [`Store::events`] orders events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum EventOrder {
    /// Most recently reported first (latest member article).
    Newest,
    /// Reported by the most outlets first, then by the most articles, then newest.
    MostCovered,
}

impl EventOrder {
    /// The `ORDER BY` terms over `events e`.
    pub(crate) fn sql(self) -> &'static str {
        match self {
            EventOrder::Newest => "e.last_seen DESC, e.id DESC",
            EventOrder::MostCovered => {
                "e.outlet_count DESC, e.article_count DESC, e.last_seen DESC, e.id DESC"
            }
        }
    }
}

/// One event, as listed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventSummary {
    /// The event's id (a survivor's, never a merged-away one).
    pub id: EventId,
    /// Its representative title.
    pub title: String,
    /// The distinct outlets among its articles, sorted.
    pub outlets: Vec<String>,
    /// How many distinct outlets reported it.
    pub outlet_count: i64,
    /// How many articles it has, duplicates included.
    pub article_count: i64,
    /// Time of its earliest article (published, else fetched, else stored).
    pub first_seen: Option<Timestamp>,
    /// Time of its latest article.
    pub last_seen: Option<Timestamp>,
}

/// One event with all its articles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventDetail {
    /// The event.
    pub summary: EventSummary,
    /// Its articles, in time order (published, else fetched, else stored).
    pub articles: Vec<StoredArticle>,
}

impl EventDetail {
    /// Its original articles, in time order: what a comparison reads (a copy would only
    /// repeat its original).
    pub fn originals(&self) -> impl Iterator<Item = &StoredArticle> {
        self.articles.iter().filter(|a| a.duplicate_of.is_none())
    }
}

/// One stored article, as read back: the article as it was stored, with its identity and
/// the deduplicator's verdict as it stands now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredArticle {
    /// Its identity.
    pub key: ArticleKey,
    /// The article.
    #[serde(flatten)]
    pub article: Article,
    /// The key of the original, when this article is a copy.
    pub duplicate_of: Option<ArticleKey>,
    /// How alike it is to the original (0..=1), when it is a copy.
    pub similarity: Option<f32>,
    /// Its event, resolved through merges.
    pub event: Option<EventId>,
}

/// Totals over the whole database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Stored articles, duplicates included.
    pub articles: i64,
    /// Of those, copies of an earlier article.
    pub duplicates: i64,
    /// Live events (not merged away, with at least one article).
    pub events: i64,
    /// Feeds polled at least once.
    pub feeds: i64,
}

/// One feed's health: what answers "why is this feed not collecting?".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeedHealth {
    /// The feed's address.
    pub url: String,
    /// The outlet that publishes it.
    pub outlet: String,
    /// When it was last polled.
    pub last_checked: Option<Timestamp>,
    /// When it last answered (with a feed or "not modified").
    pub last_success: Option<Timestamp>,
    /// Why the last poll failed; `None` when it succeeded.
    pub last_error: Option<String>,
    /// When it last listed an article not seen before.
    pub last_new_article_at: Option<Timestamp>,
    /// Polls.
    pub checks: i64,
    /// Failed polls.
    pub failures: i64,
    /// Polls answered "not modified".
    pub not_modified: i64,
    /// Entries whose article was new and queued for download.
    pub articles: i64,
    /// Failed polls since the last success.
    pub consecutive_failures: i64,
    /// Of those, soft failures (timeouts, connection errors, 429, 5xx: may pass).
    pub soft_failures: i64,
    /// Of those, hard failures (404, 410, not a feed: will likely repeat).
    pub hard_failures: i64,
    /// Share of recent successful polls answered "not modified" (0..1); `None` before any.
    pub not_modified_share: Option<f64>,
    /// Share of recently listed items already known (0..1), a "not modified" poll counting
    /// as all known; `None` before any successful poll.
    pub known_share: Option<f64>,
    /// The feed's current base interval in seconds (0 before its first poll).
    pub poll_interval_secs: i64,
    /// When it is due next, and why.
    pub next_poll_at: Option<Timestamp>,
    /// Why it is due then ("feed publishes ~4/h", "server asked: Retry-After 120 s", ...).
    pub next_poll_reason: Option<String>,
    /// The server once kept its validators while the body changed: polled without them.
    pub validators_unreliable: bool,
}

/// Columns of [`EventSummary`], from `events e`; `outlets` is a JSON array.
pub(crate) const EVENT_COLUMNS: &str = "e.id, e.title, e.outlet_count, e.article_count, e.first_seen, \
     e.last_seen, (SELECT json_group_array(outlet) FROM (SELECT DISTINCT outlet FROM articles \
     WHERE event_id = e.id AND outlet IS NOT NULL ORDER BY outlet)) AS outlets";

impl Store {
    /// Live events (not merged away, with at least one article), at most `limit`.
    pub fn events(&self, order: EventOrder, limit: usize) -> Result<Vec<EventSummary>, StoreError> {
        self.events_with_outlets(order, 0, limit)
    }

    /// Like [`Store::events`], but only events covered by at least `min_outlets` distinct
    /// outlets (filtered in SQL, so a large database is not read whole for a short list).
    pub fn events_with_outlets(
        &self,
        order: EventOrder,
        min_outlets: usize,
        limit: usize,
    ) -> Result<Vec<EventSummary>, StoreError> {
        let order_by = order.sql();
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e
             WHERE e.merged_into IS NULL AND e.article_count > 0 AND e.outlet_count >= ?2
             ORDER BY {order_by} LIMIT ?1"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([sql_limit(limit), sql_limit(min_outlets)])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(read_summary(row)?);
        }
        Ok(out)
    }

    /// One event and its articles. An id merged into another event gives the survivor;
    /// an id never assigned gives `None`.
    pub fn event(&self, id: EventId) -> Result<Option<EventDetail>, StoreError> {
        let survivor: Option<i64> = self
            .conn
            .query_row("SELECT COALESCE(merged_into, id) FROM events WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(survivor) = survivor else { return Ok(None) };
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.id = ?1");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([survivor])?;
        let Some(row) = rows.next()? else { return Ok(None) };
        let summary = read_summary(row)?;
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} {ARTICLE_FROM} WHERE a.event_id = ?1
             ORDER BY {ARTICLE_TIME}, a.seq"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![survivor])?;
        let mut articles = Vec::new();
        while let Some(row) = rows.next()? {
            articles.push(read_stored(row)?);
        }
        Ok(Some(EventDetail { summary, articles }))
    }

    /// How many articles are stored, duplicates included.
    pub fn article_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?)
    }

    /// Totals: articles, duplicates, live events, feeds.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM articles),
                    (SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL),
                    (SELECT COUNT(*) FROM events WHERE merged_into IS NULL AND article_count > 0),
                    (SELECT COUNT(*) FROM feeds)",
            [],
            |r| {
                Ok(Stats {
                    articles: r.get(0)?,
                    duplicates: r.get(1)?,
                    events: r.get(2)?,
                    feeds: r.get(3)?,
                })
            },
        )?)
    }

    /// Every polled feed's health, by outlet then URL.
    pub fn feeds(&self) -> Result<Vec<FeedHealth>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT url, outlet, last_checked, last_success, last_error, last_new_article_at,
                    checks, failures, not_modified, articles, consecutive_failures,
                    soft_failures, hard_failures, recent_polls, recent_not_modified,
                    recent_entries, recent_known, poll_interval_secs, next_poll_at,
                    next_poll_reason, validators_unreliable
             FROM feeds ORDER BY outlet, url",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let url: String = row.get("url")?;
            // Counts written by the store are never negative; a hand-edited one reads as 0.
            let count = |column: &str| -> Result<u32, StoreError> {
                Ok(u32::try_from(row.get::<_, i64>(column)?).unwrap_or(0))
            };
            let recent = PollHistory {
                recent_polls: count("recent_polls")?,
                recent_not_modified: count("recent_not_modified")?,
                recent_entries: count("recent_entries")?,
                recent_known: count("recent_known")?,
                ..PollHistory::default()
            };
            out.push(FeedHealth {
                outlet: row.get("outlet")?,
                last_checked: parse_time(row.get("last_checked")?, "feeds.last_checked", &url)?,
                last_success: parse_time(row.get("last_success")?, "feeds.last_success", &url)?,
                last_error: row.get("last_error")?,
                last_new_article_at: parse_time(
                    row.get("last_new_article_at")?,
                    "feeds.last_new_article_at",
                    &url,
                )?,
                checks: row.get("checks")?,
                failures: row.get("failures")?,
                not_modified: row.get("not_modified")?,
                articles: row.get("articles")?,
                consecutive_failures: row.get("consecutive_failures")?,
                soft_failures: row.get("soft_failures")?,
                hard_failures: row.get("hard_failures")?,
                not_modified_share: recent.not_modified_share(),
                known_share: recent.known_share(),
                poll_interval_secs: row.get("poll_interval_secs")?,
                next_poll_at: parse_time(row.get("next_poll_at")?, "feeds.next_poll_at", &url)?,
                next_poll_reason: row.get("next_poll_reason")?,
                validators_unreliable: row.get("validators_unreliable")?,
                url,
            });
        }
        Ok(out)
    }
}

pub(crate) fn read_summary(row: &Row<'_>) -> Result<EventSummary, StoreError> {
    let id: i64 = row.get("id")?;
    let outlets: String = row.get("outlets")?;
    let mut outlets: Vec<String> =
        serde_json::from_str(&outlets).map_err(|e| StoreError::BadValue {
            column: "articles.outlet",
            row: format!("event {id}"),
            value: outlets.clone(),
            reason: e.to_string(),
        })?;
    outlets.sort();
    let row_name = format!("event {id}");
    Ok(EventSummary {
        id: EventId(id),
        title: row.get("title")?,
        outlets,
        outlet_count: row.get("outlet_count")?,
        article_count: row.get("article_count")?,
        first_seen: parse_time(row.get("first_seen")?, "events.first_seen", &row_name)?,
        last_seen: parse_time(row.get("last_seen")?, "events.last_seen", &row_name)?,
    })
}
