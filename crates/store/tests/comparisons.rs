//! Each event's comparison kept once computed, and never shown once the event changed.

use chorus_model::EventId;

use crate::util::{duplicate_of, fetched, new_store};

#[test]
fn a_kept_comparison_is_read_back_until_an_article_joins_its_event() {
    let (_dir, _path, mut store) = new_store();
    store
        .write_batch(
            &[
                fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z"),
                fetched("Valley Courier", "troops", 1, "2025-09-04T11:00:00Z"),
            ],
            &[],
        )
        .unwrap();
    let event = EventId(1);
    assert_eq!(store.stale_comparisons(10, false).unwrap(), [event]);
    assert_eq!(store.comparison(event).unwrap(), None);

    let basis = store.comparison_basis(event).unwrap();
    store.put_comparison(event, &basis, r#"{"shared":[]}"#, false).unwrap();
    let kept = store.comparison(event).unwrap().expect("kept");
    assert_eq!(kept.coverage, r#"{"shared":[]}"#);
    assert!(!kept.by_meaning);
    assert!(store.stale_comparisons(10, false).unwrap().is_empty());
    // Compared on words alone: stale for a run that has the model.
    assert_eq!(store.stale_comparisons(10, true).unwrap(), [event]);

    // A copy joining changes nothing compared; a new original makes it stale.
    let copy = duplicate_of(
        fetched("Daily Blaze", "troops-copy", 1, "2025-09-04T12:00:00Z"),
        &fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z"),
        0.97,
    );
    store.write_batch(&[copy], &[]).unwrap();
    assert_eq!(store.comparison_basis(event).unwrap(), basis);
    assert!(store.comparison(event).unwrap().is_some());

    store
        .write_batch(&[fetched("Metro Ledger", "troops", 1, "2025-09-04T13:00:00Z")], &[])
        .unwrap();
    assert_ne!(store.comparison_basis(event).unwrap(), basis);
    assert_eq!(store.comparison(event).unwrap(), None, "a stale comparison is never shown");
    assert_eq!(store.stale_comparisons(10, false).unwrap(), [event]);

    let basis = store.comparison_basis(event).unwrap();
    store.put_comparison(event, &basis, r#"{"shared":[1]}"#, true).unwrap();
    assert_eq!(store.comparison(event).unwrap().expect("kept").coverage, r#"{"shared":[1]}"#);
    assert!(store.stale_comparisons(10, true).unwrap().is_empty());
}

#[test]
fn an_event_of_one_outlet_has_nothing_to_compare() {
    let (_dir, _path, mut store) = new_store();
    store
        .write_batch(
            &[
                fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z"),
                fetched("Harbor Gazette", "troops-later", 1, "2025-09-04T11:00:00Z"),
            ],
            &[],
        )
        .unwrap();
    assert!(store.stale_comparisons(10, true).unwrap().is_empty());
}
