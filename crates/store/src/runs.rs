//! A record of pipeline runs, and the lock that keeps one writer per database.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use chorus_model::RunKind;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::rows::{format_time, now};
use crate::{Store, StoreError};

/// One pipeline run, as recorded by [`Store::begin_run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunId(i64);

/// How the run before this one ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastRun {
    /// There was none, or every earlier run ended cleanly.
    Clean,
    /// An earlier run never ended (it was killed or crashed) and is now marked abandoned.
    Abandoned,
}

/// Held by the one process that writes a database; released when dropped or when the
/// process dies, however it dies.
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

impl WriterLock {
    /// Takes the writer lock of the database at `db` (a `.lock` file beside it), creating
    /// the database's directory if needed. Two writers would each number events from
    /// their own start-up view of the file and merge unrelated stories under one id, so a
    /// second writer is refused with [`StoreError::Busy`] rather than allowed to run.
    pub fn acquire(db: &Path) -> Result<WriterLock, StoreError> {
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::Lock { path: dir.to_owned(), source })?;
        }
        let path = lock_path(db);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| StoreError::Lock { path: path.clone(), source })?;
        match file.try_lock() {
            Ok(()) => Ok(WriterLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(StoreError::Busy { path: db.to_owned() }),
            Err(TryLockError::Error(source)) => Err(StoreError::Lock { path, source }),
        }
    }
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_owned();
    name.push(".lock");
    db.with_file_name(name)
}

impl Store {
    /// Records that a run of `kind` starts now, marks any
    /// earlier run that never ended as abandoned, and says whether there was one.
    pub fn begin_run(&mut self, kind: RunKind) -> Result<(RunId, LastRun), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let abandoned =
            tx.execute("UPDATE runs SET outcome = 'abandoned' WHERE outcome IS NULL", [])?;
        tx.execute(
            "INSERT INTO runs (kind, pid, started_at) VALUES (?1, ?2, ?3)",
            params![kind.as_str(), i64::from(std::process::id()), format_time(&now())],
        )?;
        let id = RunId(tx.last_insert_rowid());
        tx.commit()?;
        Ok((id, if abandoned > 0 { LastRun::Abandoned } else { LastRun::Clean }))
    }

    /// Records that `run` ended cleanly: every stage drained and everything was written.
    pub fn finish_run(&self, run: RunId) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE runs SET outcome = 'finished', ended_at = ?1 WHERE id = ?2",
            params![format_time(&now()), run.0],
        )?;
        Ok(())
    }
}

/// What a run compared and clustered sentences with: a sentence-embedding model, or the
/// words alone and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// The model's id.
    Model(String),
    /// No model; the reason, fit to show users.
    WordsOnly(String),
}

/// The [`Meaning`] of the latest run that recorded one, and when that run started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunMeaning {
    /// The model, or why there was none.
    pub meaning: Meaning,
    /// RFC 3339 UTC.
    pub started_at: String,
}

impl Store {
    /// Records what `run` compares and clusters sentences with.
    pub fn record_meaning(&self, run: RunId, meaning: &Meaning) -> Result<(), StoreError> {
        let (model, note) = match meaning {
            Meaning::Model(id) => (Some(id.as_str()), None),
            Meaning::WordsOnly(why) => (None, Some(why.as_str())),
        };
        self.conn.execute(
            "UPDATE runs SET meaning_model = ?1, meaning_note = ?2 WHERE id = ?3",
            params![model, note, run.0],
        )?;
        Ok(())
    }

    /// What the latest run that said so compared and clustered with; `None` before any did.
    pub fn meaning(&self) -> Result<Option<RunMeaning>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT meaning_model, meaning_note, started_at FROM runs
                 WHERE meaning_model IS NOT NULL OR meaning_note IS NOT NULL
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.map(|(model, note, started_at)| RunMeaning {
            meaning: match model {
                Some(id) => Meaning::Model(id),
                None => Meaning::WordsOnly(note.unwrap_or_default()),
            },
            started_at,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_that_never_ended_is_reported_once_whatever_ran_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.db");
        let mut store = Store::open(&path).unwrap();
        let (run, last) = store.begin_run(RunKind::Daemon).unwrap();
        assert_eq!(last, LastRun::Clean, "a new file has no unfinished run");
        store.finish_run(run).unwrap();
        // Killed: begun, never finished.
        store.begin_run(RunKind::Daemon).unwrap();
        drop(store);
        let mut store = Store::open(&path).unwrap();
        let (jsonl, last) = store.begin_run(RunKind::Jsonl).unwrap();
        assert_eq!(last, LastRun::Abandoned, "a killed run must be noticed");
        store.finish_run(jsonl).unwrap();
        let (_, last) = store.begin_run(RunKind::Daemon).unwrap();
        assert_eq!(last, LastRun::Clean, "it is reported once, not forever");
    }

    #[test]
    fn the_latest_run_says_what_it_compared_with() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.db");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.meaning().unwrap(), None, "no run yet");
        let (first, _) = store.begin_run(RunKind::Daemon).unwrap();
        store.record_meaning(first, &Meaning::Model("all-MiniLM-L6-v2-1a2b".into())).unwrap();
        store.finish_run(first).unwrap();
        let (second, _) = store.begin_run(RunKind::Backfill).unwrap();
        let words = Meaning::WordsOnly("no model: run `make model`".into());
        store.record_meaning(second, &words).unwrap();
        assert_eq!(store.meaning().unwrap().unwrap().meaning, words);
        // A run that has not said yet does not hide the last one that did.
        store.begin_run(RunKind::Jsonl).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.meaning().unwrap().unwrap().meaning, words);
    }

    #[test]
    fn a_second_writer_is_refused_and_the_lock_frees_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("new-dir").join("chorus.db");
        let first = WriterLock::acquire(&db).unwrap();
        assert!(db.parent().unwrap().is_dir(), "the database's directory is created");
        let err = WriterLock::acquire(&db).unwrap_err();
        assert!(matches!(err, StoreError::Busy { .. }), "{err:?}");
        assert!(err.to_string().contains("chorus.db"), "{err}");
        drop(first);
        WriterLock::acquire(&db).unwrap();
    }
}
