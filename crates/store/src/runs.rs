//! A record of pipeline runs, so that the next run knows whether the last one ended
//! cleanly.

use rusqlite::{OptionalExtension, params};

use crate::rows::{format_time, now};
use crate::{Store, StoreError};

/// One pipeline run, as recorded by [`Store::begin_run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunId(i64);

impl Store {
    /// True unless the most recent run on this file started and never finished (it was
    /// killed or crashed). Call before [`Store::begin_run`].
    pub fn last_run_finished(&self) -> Result<bool, StoreError> {
        let last: Option<Option<String>> = self
            .conn
            .query_row("SELECT finished_at FROM runs ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .optional()?;
        Ok(!matches!(last, Some(None)))
    }

    /// Records that a run of `kind` ('daemon', 'backfill', 'jsonl') starts now.
    pub fn begin_run(&self, kind: &str) -> Result<RunId, StoreError> {
        self.conn.execute(
            "INSERT INTO runs (kind, started_at) VALUES (?1, ?2)",
            params![kind, format_time(&now())],
        )?;
        Ok(RunId(self.conn.last_insert_rowid()))
    }

    /// Records that `run` ended cleanly: every stage drained and everything was written.
    pub fn finish_run(&self, run: RunId) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE runs SET finished_at = ?1 WHERE id = ?2",
            params![format_time(&now()), run.0],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfinished_run_is_noticed_by_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.db");
        let store = Store::open(&path).unwrap();
        assert!(store.last_run_finished().unwrap(), "a new file has no unfinished run");
        let run = store.begin_run("daemon").unwrap();
        store.finish_run(run).unwrap();
        assert!(store.last_run_finished().unwrap());
        store.begin_run("backfill").unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert!(!store.last_run_finished().unwrap(), "a killed run must be noticed");
    }
}
