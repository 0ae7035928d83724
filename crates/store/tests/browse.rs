//! Reading for the web view: the read-only connection, events page by page and by words,
//! one article by its key and its copies.

use chorus_model::EventId;
use chorus_store::{EventOrder, Store, StoreError};

use crate::util::{duplicate_of, fetched, new_store, raw};

#[test]
fn a_read_only_store_reads_what_the_writer_commits_and_writes_nothing() {
    let (_dir, path, mut writer) = new_store();
    writer
        .write_batch(&[fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z")], &[])
        .unwrap();
    let mut reader = Store::open_read_only(&path).unwrap();
    assert_eq!(reader.article_count().unwrap(), 1);
    // The writer goes on; the same reader sees its next commit.
    writer
        .write_batch(&[fetched("Valley Courier", "troops", 1, "2025-09-04T11:00:00Z")], &[])
        .unwrap();
    assert_eq!(reader.article_count().unwrap(), 2);
    let err = reader
        .write_batch(&[fetched("Daily Blaze", "troops", 1, "2025-09-04T12:00:00Z")], &[])
        .unwrap_err();
    assert!(err.to_string().contains("database"), "{err}");
    drop(writer);
    assert_eq!(Store::open_existing(&path).unwrap().article_count().unwrap(), 2);
}

#[test]
fn a_read_only_store_creates_and_migrates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    assert!(matches!(Store::open_read_only(&missing), Err(StoreError::Missing { .. })));
    assert!(!missing.exists());

    let (_dir, path, store) = new_store();
    drop(store);
    let latest: i64 = raw(&path)
        .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    raw(&path).execute("DELETE FROM schema_migrations WHERE version = ?1", [latest]).unwrap();
    let err = Store::open_read_only(&path).unwrap_err();
    assert!(matches!(err, StoreError::SchemaTooOld { .. }), "{err:?}");
    assert!(err.to_string().contains("run a chorus command that writes"), "{err}");
}

#[test]
fn events_come_page_by_page_and_by_the_words_of_their_articles() {
    let (_dir, path, mut store) = new_store();
    let mut batch = Vec::new();
    for event in 1..=5 {
        let time = format!("2025-09-0{event}T10:00:00Z");
        batch.push(fetched("Harbor Gazette", &format!("story-{event}"), event, &time));
    }
    // Event 2 gains a second outlet: most covered first puts it on top.
    batch.push(fetched("Valley Courier", "story-2-again", 2, "2025-09-02T12:00:00Z"));
    store.write_batch(&batch, &[]).unwrap();
    let reader = Store::open_read_only(&path).unwrap();
    let ids = |events: Vec<chorus_store::EventSummary>| -> Vec<i64> {
        events.iter().map(|e| e.id.0).collect()
    };
    assert_eq!(ids(reader.events_page(EventOrder::Newest, 0, 2).unwrap()), [5, 4]);
    assert_eq!(ids(reader.events_page(EventOrder::Newest, 2, 2).unwrap()), [3, 2]);
    assert_eq!(ids(reader.events_page(EventOrder::Newest, 4, 2).unwrap()), [1]);
    assert_eq!(ids(reader.events_page(EventOrder::MostCovered, 0, 1).unwrap()), [2]);
    assert_eq!(ids(reader.search_events("story-3", EventOrder::Newest, 0, 10).unwrap()), [3]);
    assert_eq!(
        ids(reader.search_events("second paragraph", EventOrder::Newest, 1, 2).unwrap()),
        [4, 3]
    );
    assert!(reader.search_events("zzyzx", EventOrder::Newest, 0, 10).unwrap().is_empty());
    let bad = reader.search_events("\"unbalanced", EventOrder::Newest, 0, 10).unwrap_err();
    assert!(matches!(bad, StoreError::BadQuery { .. }), "{bad:?}");
}

#[test]
fn an_article_is_read_by_its_key_with_its_copies() {
    let (_dir, path, mut store) = new_store();
    let original = fetched("Continental Wire", "quake", 1, "2025-09-04T10:00:00Z");
    let copy = duplicate_of(
        fetched("Harbor Gazette", "quake", 1, "2025-09-04T11:00:00Z"),
        &original,
        0.97,
    );
    store.write_batch(&[original.clone(), copy.clone()], &[]).unwrap();
    let reader = Store::open_read_only(&path).unwrap();
    let found = reader.article(&original.key).unwrap().expect("the original");
    assert_eq!(found.article.outlet.as_deref(), Some("Continental Wire"));
    assert_eq!(found.event, Some(EventId(1)));
    let copies = reader.copies_of(&original.key, 10).unwrap();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].key, copy.key);
    assert_eq!(copies[0].duplicate_of.as_ref(), Some(&original.key));
    assert!(reader.copies_of(&copy.key, 10).unwrap().is_empty());
    let nowhere = "https://nowhere.test/x".parse().unwrap();
    assert!(reader.article(&nowhere).unwrap().is_none());
}
