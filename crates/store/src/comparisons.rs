//! Each event's comparison, kept once computed and recomputed when the event changes.
//!
//! The store keeps the comparison as JSON text and knows nothing of its shape (that is
//! `chorus-compare`'s); it knows only what it was computed from, the event's *basis*, so
//! that a stale comparison is never shown.

use chorus_model::EventId;
use rusqlite::{OptionalExtension, params};

use crate::rows::{format_time, now};
use crate::{Store, StoreError};

/// A comparison as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredComparison {
    /// The comparison as JSON.
    pub coverage: String,
    /// Whether sentence embeddings took part.
    pub by_meaning: bool,
}

impl Store {
    /// What a comparison of event `id` would be computed from now: the number of its
    /// original articles (copies are not compared) and the arrival number of the latest.
    /// Hand it to [`Store::put_comparison`] with the comparison made from the same read.
    pub fn comparison_basis(&self, id: EventId) -> Result<String, StoreError> {
        let (count, last): (i64, Option<i64>) = self.conn.query_row(
            "SELECT count(*), max(seq) FROM articles
             WHERE event_id = ?1 AND duplicate_of IS NULL",
            params![id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(format!("{count}:{}", last.unwrap_or(0)))
    }

    /// The kept comparison of event `id`, if there is one and the event's articles have not
    /// changed since it was computed.
    pub fn comparison(&self, id: EventId) -> Result<Option<StoredComparison>, StoreError> {
        let kept: Option<(String, String, bool)> = self
            .conn
            .query_row(
                "SELECT basis, coverage, by_meaning FROM event_comparisons WHERE event_id = ?1",
                params![id.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((basis, coverage, by_meaning)) = kept else {
            return Ok(None);
        };
        if basis != self.comparison_basis(id)? {
            return Ok(None);
        }
        Ok(Some(StoredComparison { coverage, by_meaning }))
    }

    /// Keeps the comparison of event `id`, computed from `basis` (see
    /// [`Store::comparison_basis`]), replacing any earlier one.
    pub fn put_comparison(
        &self,
        id: EventId,
        basis: &str,
        coverage: &str,
        by_meaning: bool,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO event_comparisons (event_id, basis, coverage, by_meaning, computed_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (event_id) DO UPDATE SET basis = excluded.basis,
                 coverage = excluded.coverage, by_meaning = excluded.by_meaning,
                 computed_at = excluded.computed_at",
            params![id.0, basis, coverage, by_meaning, format_time(&now())],
        )?;
        Ok(())
    }

    /// Live events of two outlets or more whose comparison is missing or older than their
    /// last change, most recently changed first, at most `limit`; with `meaning`, also
    /// those compared on words alone, so that they are compared again with the model.
    pub fn stale_comparisons(
        &self,
        limit: usize,
        meaning: bool,
    ) -> Result<Vec<EventId>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id FROM events e
             LEFT JOIN event_comparisons c ON c.event_id = e.id
             WHERE e.merged_into IS NULL AND e.outlet_count >= 2
               AND (c.event_id IS NULL OR c.computed_at < e.updated_at
                    OR (?2 AND NOT c.by_meaning))
             ORDER BY e.updated_at DESC, e.id DESC
             LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![limit, meaning], |r| r.get::<_, i64>(0))?;
        rows.map(|r| r.map(EventId).map_err(StoreError::from)).collect()
    }
}
