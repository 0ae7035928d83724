//! What the pipeline reads back at start-up.

use chorus_model::{EventId, canonical_url};
use chorus_store::{Store, StoreError};
use url::Url;

use crate::util::{duplicate_of, fetched, input, new_store, raw};

#[test]
fn window_gives_back_what_was_written() {
    let (_dir, path, mut store) = new_store();
    let original = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00.250Z");
    let written = vec![
        original.clone(),
        fetched("Valley Times", "storm", 2, "2025-09-05T08:00:00Z"),
        duplicate_of(
            fetched("Miami News", "troops-copy", 1, "2025-09-04T11:00:00Z"),
            &original,
            0.875,
        ),
        input("77", "An input record with no outlet and no time.", 3),
    ];
    store.write_batch(&written[..2], &[]).unwrap();
    store.write_batch(&written[2..], &[]).unwrap();
    drop(store);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.window(100).unwrap(), written);
    // The most recent ones, still oldest first.
    assert_eq!(store.window(2).unwrap(), written[2..]);
    assert!(store.window(0).unwrap().is_empty());
    // Streamed, one at a time, the same articles in the same order.
    let mut streamed = Vec::new();
    assert_eq!(store.for_each_in_window(3, |c| streamed.push(c)).unwrap(), 3);
    assert_eq!(streamed, written[1..]);
}

#[test]
fn window_shows_events_as_they_stand_after_merges() {
    let (_dir, _path, mut store) = new_store();
    let a = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    let mut b = fetched("Miami News", "italy-refuses", 2, "2025-09-04T11:00:00Z");
    b.event.merged = vec![EventId(1)];
    b.event.title = "Italy refuses".into();
    store.write_batch(&[a, b], &[]).unwrap();

    let window = store.window(10).unwrap();
    for c in &window {
        assert_eq!(c.event.id, EventId(2));
        assert_eq!(c.event.title, "Italy refuses");
        assert!(c.event.merged.is_empty());
    }
}

#[test]
fn known_urls_hold_address_keys_and_canonical_fetched_addresses() {
    let (_dir, _path, mut store) = new_store();
    let mut a = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    let fetched_from =
        Url::parse("https://m.harbor-gazette.test/story?id=3&utm_source=x#top").unwrap();
    a.article.url = Some(fetched_from.clone());
    a.key = "https://harbor-gazette.test/world/troops".parse().unwrap();
    store.write_batch(&[a.clone(), input("77", "text", 2)], &[]).unwrap();

    let known = store.known_urls(10).unwrap();
    assert!(known.contains(&a.key.to_string()));
    assert!(known.iter().any(|k| k == "https://harbor-gazette.test/story?id=3"));
    assert!(known.iter().any(|k| k == canonical_url(&fetched_from).as_str()));
    assert!(!known.iter().any(|k| k == "input:77"), "only addresses are listed");
    assert!(!known.iter().any(|k| k == fetched_from.as_str()), "only canonical forms are listed");
    // Only the most recent articles are listed past the limit: here an input record, with
    // no address at all.
    assert!(store.known_urls(1).unwrap().is_empty());
    assert_eq!(store.known_urls(2).unwrap().len(), known.len());
}

#[test]
fn a_key_edited_into_no_key_is_named_when_read_back() {
    let (_dir, path, mut store) = new_store();
    let original = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    let copy =
        duplicate_of(fetched("Miami News", "copy", 1, "2025-09-04T11:00:00Z"), &original, 0.97);
    store.write_batch(&[original, copy], &[]).unwrap();
    raw(&path)
        .execute("UPDATE articles SET duplicate_of = 'story-7' WHERE duplicate_of IS NOT NULL", [])
        .unwrap();

    let err = store.window(10).unwrap_err();
    match &err {
        StoreError::BadValue { column, value, .. } => {
            assert_eq!((*column, value.as_str()), ("articles.duplicate_of", "story-7"));
        }
        other => panic!("expected a bad value, got {other}"),
    }
    assert!(err.to_string().contains("not an article key"), "{err}");
    // The rows themselves are untouched: the article count still reads.
    assert_eq!(store.stats().unwrap().articles, 2);
}
