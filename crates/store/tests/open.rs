//! Opening, creating and migrating the file.

use chorus_store::{Store, StoreError};

use crate::util::{count, fetched, new_store, raw};

#[test]
fn open_creates_a_wal_database_with_the_schema() {
    let (_dir, path, store) = new_store();
    assert!(path.exists());
    let mode: String = raw(&path).query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(store.schema_version().unwrap(), 8);
    for table in ["articles", "events", "feeds", "articles_fts", "schema_migrations", "live_events"]
    {
        let n = count(&path, &format!("SELECT COUNT(*) FROM sqlite_master WHERE name = '{table}'"));
        assert_eq!(n, 1, "{table} missing");
    }
    // The column comments are part of the stored schema, for anyone opening the file.
    let sql: String = raw(&path)
        .query_row("SELECT sql FROM sqlite_master WHERE name = 'articles'", [], |r| r.get(0))
        .unwrap();
    assert!(sql.contains("-- Identity: the canonical URL"), "{sql}");
}

#[test]
fn reopening_keeps_the_data() {
    let (_dir, path, mut store) = new_store();
    store
        .write_batch(&[fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z")], &[])
        .unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.article_count().unwrap(), 1);
    assert_eq!(store.schema_version().unwrap(), 8);
    let store = Store::open_existing(&path).unwrap();
    assert_eq!(store.article_count().unwrap(), 1);
}

#[test]
fn a_path_in_a_missing_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(&dir.path().join("no/such/dir/chorus.db")).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("no/such/dir/chorus.db"), "{err}");
}

#[test]
fn a_path_under_a_regular_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.txt");
    std::fs::write(&file, "not a directory").unwrap();
    let err = Store::open(&file.join("chorus.db")).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
}

#[test]
fn a_file_that_is_not_a_database_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.db");
    std::fs::write(&file, "these are notes, not SQLite pages ".repeat(200)).unwrap();
    let err = Store::open_existing(&file).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    let cause = std::error::Error::source(&err).map(ToString::to_string).unwrap_or_default();
    assert!(cause.contains("not a database"), "{err}: {cause}");
}

#[test]
fn open_existing_never_creates_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chorus.db");
    let err = Store::open_existing(&path).unwrap_err();
    assert!(matches!(&err, StoreError::Missing { path: p } if *p == path), "{err:?}");
    assert!(!path.exists());
}

#[test]
fn open_existing_migrates_an_older_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    // A SQLite file from before the first migration.
    raw(&path).execute_batch("CREATE TABLE notes (body TEXT)").unwrap();
    let store = Store::open_existing(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 8);
    assert_eq!(store.article_count().unwrap(), 0);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM notes"), 0);
}

#[test]
fn a_newer_schema_is_refused() {
    let (_dir, path, store) = new_store();
    drop(store);
    raw(&path)
        .execute(
            "INSERT INTO schema_migrations (version, name, applied_at)
             VALUES (99, 'from_the_future', '2030-01-01T00:00:00.000000Z')",
            [],
        )
        .unwrap();
    for result in [Store::open(&path), Store::open_existing(&path)] {
        let err = result.unwrap_err();
        assert!(matches!(err, StoreError::SchemaTooNew { found: 99, supported: 8, .. }), "{err:?}");
        assert!(err.to_string().contains("newer"), "{err}");
    }
}
