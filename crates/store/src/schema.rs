//! Opening the file and bringing its schema up to date.
//!
//! Migrations are numbered SQL files in `src/migrations/NNNN_name.sql`, compiled into the
//! binary and applied in order, all pending ones inside one transaction. The table
//! `schema_migrations` records which were applied; a file whose newest migration is beyond
//! what this build knows is refused rather than written with an older idea of the schema.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};

use crate::StoreError;
use crate::rows::{format_time, now};

/// One schema step.
pub(crate) struct Migration {
    /// The `NNNN` of its file name; versions start at 1 and rise.
    pub(crate) version: i64,
    /// The `name` of its file name.
    pub(crate) name: &'static str,
    /// The SQL script.
    pub(crate) sql: &'static str,
}

/// Every migration, in order. A new one is a new file here and a new line below.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "initial", sql: include_str!("migrations/0001_initial.sql") },
    Migration { version: 2, name: "runs", sql: include_str!("migrations/0002_runs.sql") },
    Migration {
        version: 3,
        name: "feed_schedule",
        sql: include_str!("migrations/0003_feed_schedule.sql"),
    },
    Migration { version: 4, name: "meaning", sql: include_str!("migrations/0004_meaning.sql") },
    Migration {
        version: 5,
        name: "sentence_vectors",
        sql: include_str!("migrations/0005_sentence_vectors.sql"),
    },
    Migration {
        version: 6,
        name: "event_comparisons",
        sql: include_str!("migrations/0006_event_comparisons.sql"),
    },
    Migration { version: 7, name: "raw_pages", sql: include_str!("migrations/0007_raw_pages.sql") },
    Migration {
        version: 8,
        name: "backfill_progress",
        sql: include_str!("migrations/0008_backfill_progress.sql"),
    },
];

/// The schema version this build writes.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// How long a statement waits for another connection's write lock (a read command while
/// the daemon writes, or two processes on one file) before giving up with "database is
/// locked". Batches are short, so this is generous.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Bookkeeping for migrations; created by the runner, not by a migration, because it must
/// exist before the first migration is looked up.
const MIGRATIONS_TABLE: &str = "
CREATE TABLE IF NOT EXISTS schema_migrations (
    -- Schema migrations applied to this file, one row each.
    -- The migration's number (NNNN in src/migrations/NNNN_name.sql) and name.
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    -- When it was applied, RFC 3339 UTC.
    applied_at TEXT NOT NULL
);";

/// Opens (`create`: or creates) the file and sets the connection up: WAL so readers never
/// block the writer, NORMAL sync (safe in WAL: a crash loses at most the last commits, never
/// the file), foreign keys enforced, and a busy timeout.
pub(crate) fn connect(path: &Path, create: bool) -> Result<Connection, StoreError> {
    let open_err = |source| StoreError::Open { path: path.to_owned(), source };
    let mut flags = OpenFlags::default();
    if !create {
        flags.remove(OpenFlags::SQLITE_OPEN_CREATE);
    }
    let conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
    // The first statement that reads the file: a file that is not a database fails here.
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(open_err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), mode, "the database could not be put in WAL mode");
    }
    conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_err)?;
    conn.pragma_update(None, "foreign_keys", true).map_err(open_err)?;
    Ok(conn)
}

/// The newest migration applied to the file (0 for a new, empty file).
pub(crate) fn current_version(conn: &Connection) -> rusqlite::Result<i64> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master \
         WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |row| row.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |row| row.get(0))
}

/// Applies the pending migrations, or refuses a file from a newer build.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let latest = latest_version();
    let too_new =
        |found| StoreError::SchemaTooNew { path: path.to_owned(), found, supported: latest };
    // Checked first without a write lock, so that read commands on an up-to-date file never
    // wait for the daemon's writer.
    let found = current_version(conn)
        .map_err(|source| StoreError::Open { path: path.to_owned(), source })?;
    if found > latest {
        return Err(too_new(found));
    }
    if found == latest {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have migrated between the check and the lock.
    let found = current_version(&tx)?;
    if found > latest {
        return Err(too_new(found));
    }
    tx.execute_batch(MIGRATIONS_TABLE)?;
    for m in MIGRATIONS.iter().filter(|m| m.version > found) {
        let failed = |source| StoreError::Migration {
            path: path.to_owned(),
            version: m.version,
            name: m.name,
            source,
        };
        tx.execute_batch(m.sql).map_err(failed)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, format_time(&now())],
        )
        .map_err(failed)?;
        tracing::info!(path = %path.display(), version = m.version, name = m.name, "migrated the database");
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_match_their_files() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> =
            MIGRATIONS.iter().map(|m| format!("{:04}_{}.sql", m.version, m.name)).collect();
        assert_eq!(files, listed, "every file in src/migrations must be listed in MIGRATIONS");
        assert_eq!(MIGRATIONS[0].version, 1);
        for pair in MIGRATIONS.windows(2) {
            assert!(pair[0].version < pair[1].version, "{} then {}", pair[0].name, pair[1].name);
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        let path = Path::new(":memory:");
        migrate(&mut conn, path).unwrap();
        migrate(&mut conn, path).unwrap();
        assert_eq!(current_version(&conn).unwrap(), latest_version());
        let rows: i64 =
            conn.query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, MIGRATIONS.len() as i64);
    }
}
