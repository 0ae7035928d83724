//! How far a backfill got through each input file it can resume in (`backfill_progress`).

use rusqlite::{OptionalExtension, params};

use crate::rows::{format_time, now};
use crate::{Store, StoreError};

impl Store {
    /// The offset before which every record of the input `input` (its identity, see the
    /// `backfill_progress` table) is finished, if a run recorded one.
    pub fn input_progress(&self, input: &str) -> Result<Option<u64>, StoreError> {
        let offset: Option<i64> = self
            .conn
            .query_row(
                "SELECT done_offset FROM backfill_progress WHERE input = ?1",
                [input],
                |row| row.get(0),
            )
            .optional()?;
        Ok(offset.map(|o| o.max(0) as u64))
    }

    /// Every input's recorded offset, by identity.
    pub fn all_input_progress(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT input, done_offset FROM backfill_progress")?;
        let rows = stmt
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?.max(0) as u64))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Records that every record of `input` before `offset` is finished. The caller must
    /// only pass an offset whose records' articles are committed (or skipped on purpose):
    /// a resumed run starts there and never looks back.
    pub fn save_input_progress(
        &self,
        input: &str,
        path: &str,
        size: u64,
        offset: u64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO backfill_progress (input, path, size, done_offset, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (input) DO UPDATE SET
                 path = excluded.path, done_offset = excluded.done_offset,
                 updated_at = excluded.updated_at",
            params![input, path, size as i64, offset as i64, format_time(&now())],
        )?;
        Ok(())
    }

    /// The input ids of articles read from JSONL files (`input:<id>` keys), for a dry run to
    /// say which lines are stored already.
    pub fn known_input_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT input_id FROM articles WHERE input_id IS NOT NULL")?;
        let ids = stmt.query_map([], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_kept_per_input_and_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        assert_eq!(store.input_progress("warc:1:ab").unwrap(), None);
        store.save_input_progress("warc:1:ab", "/a.warc", 1000, 400).unwrap();
        store.save_input_progress("warc:2:cd", "/b.warc", 50, 50).unwrap();
        store.save_input_progress("warc:1:ab", "/moved.warc", 1000, 900).unwrap();
        assert_eq!(store.input_progress("warc:1:ab").unwrap(), Some(900));
        assert_eq!(store.input_progress("warc:2:cd").unwrap(), Some(50));
    }
}
