//! Export rows.

use chorus_model::EventId;
use chorus_store::{ExportFilter, ExportRow, ExportTime, Store, StoreError};

use crate::util::{duplicate_of, fetched, input, new_store, ts};

#[test]
fn export_streams_every_article_in_arrival_order() {
    let (_dir, _path, mut store) = new_store();
    let original = input("a-1", "Rome said no troops would go.", 1);
    let reprint = duplicate_of(input("a-2", "Rome said no troops would go!", 1), &original, 0.96);
    let web_copy =
        duplicate_of(fetched("Miami News", "copy", 1, "2025-09-04T11:00:00Z"), &original, 0.9);
    let web = fetched("Harbor Gazette", "troops", 2, "2025-09-04T10:00:00Z");
    let web_reprint =
        duplicate_of(fetched("Valley Times", "reprint", 9, "2025-09-04T12:00:00Z"), &web, 1.0);
    store.write_batch(&[original, reprint, web_copy, web.clone(), web_reprint], &[]).unwrap();

    let mut rows: Vec<ExportRow> = Vec::new();
    store
        .export(|row| -> Result<(), StoreError> {
            rows.push(row.clone());
            Ok(())
        })
        .unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "a-1",
            "a-2",
            "https://miami-news.test/world/copy",
            "https://harbor-gazette.test/world/troops",
            "https://valley-times.test/world/reprint"
        ]
    );
    let dups: Vec<Option<&str>> = rows.iter().map(|r| r.duplicate_of.as_deref()).collect();
    assert_eq!(dups, [None, Some("a-1"), Some("a-1"), None, Some(web.key.to_string().as_str())]);
    assert_eq!(rows[1].duplicate_similarity, Some(0.96));
    assert_eq!(rows[4].event.map(|e| e.0), Some(2));

    let json = serde_json::to_value(&rows[3]).unwrap();
    let fields: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    let mut want = vec![
        "id",
        "url",
        "canonical_url",
        "outlet",
        "title",
        "published",
        "published_source",
        "authors",
        "language",
        "text",
        "event",
        "duplicate_of",
        "duplicate_similarity",
        "fetched_at",
        "stored_at",
        "extractor",
        "flags",
    ];
    want.sort();
    let mut fields = fields;
    fields.sort();
    assert_eq!(fields, want);
    assert_eq!(json["published"], "2025-09-04T10:00:00Z");
    assert_eq!(json["published_source"], "json_ld");
    assert_eq!(json["event"], 2);
    assert_eq!(json["duplicate_of"], serde_json::Value::Null);
    assert_eq!(json["flags"], serde_json::json!(["paywalled", "uncertain"]));
    assert_eq!(json["url"], "https://www.harbor-gazette.test/world/troops?utm_source=rss");
}

#[test]
fn export_stops_at_the_callers_first_error() {
    #[derive(Debug)]
    enum Sink {
        Full,
        Store,
    }
    impl From<StoreError> for Sink {
        fn from(_: StoreError) -> Self {
            Sink::Store
        }
    }
    let (_dir, _path, mut store) = new_store();
    let batch: Vec<_> = (0..5).map(|i| input(&i.to_string(), "text", 1)).collect();
    store.write_batch(&batch, &[]).unwrap();
    let mut seen = 0;
    let result = store.export(|_| {
        seen += 1;
        if seen == 2 { Err(Sink::Full) } else { Ok(()) }
    });
    assert!(matches!(result, Err(Sink::Full)));
    assert_eq!(seen, 2);
}

/// The ids `filter` exports, in order.
fn ids(store: &Store, filter: &ExportFilter) -> Result<Vec<String>, StoreError> {
    let mut ids = Vec::new();
    store.export_filtered(filter, |row| -> Result<(), StoreError> {
        ids.push(row.id.clone());
        Ok(())
    })?;
    Ok(ids)
}

/// Four articles over three outlets, three events and three days, plus an undated input
/// record; event 4 was merged into event 1 after one of its members was stored.
fn filterable() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let (dir, path, mut store) = new_store();
    let mut troops = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    troops.article.text = "Rome said no Italian soldiers would be deployed.".into();
    let paris = fetched("Miami News", "paris", 1, "2025-09-04T23:59:59.500Z");
    let storm = fetched("Valley Times", "storm", 2, "2025-09-06T08:00:00Z");
    let mut late = fetched("Harbor Gazette", "late", 4, "2025-09-07T08:00:00Z");
    late.article.text = "More soldiers were sent home.".into();
    let undated = input("u-1", "A text about soldiers with no date.", 3);
    store.write_batch(&[troops, paris, storm, late, undated], &[]).unwrap();
    // A hand-edited merge that left its member behind: the filter still finds it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE events SET merged_into = 1 WHERE id = 4", []).unwrap();
    (dir, path, store)
}

const TROOPS: &str = "https://harbor-gazette.test/world/troops";
const PARIS: &str = "https://miami-news.test/world/paris";
const STORM: &str = "https://valley-times.test/world/storm";
const LATE: &str = "https://harbor-gazette.test/world/late";

#[test]
fn each_filter_narrows_the_export_and_they_combine() {
    let (_dir, _path, store) = filterable();
    let all = ids(&store, &ExportFilter::default()).unwrap();
    assert_eq!(all, [TROOPS, PARIS, STORM, LATE, "u-1"]);

    // Publication time: both bounds inclusive, to the microsecond; undated rows are out.
    let since = ExportFilter { since: Some(ts("2025-09-06T08:00:00Z")), ..Default::default() };
    assert_eq!(ids(&store, &since).unwrap(), [STORM, LATE]);
    let until =
        ExportFilter { until: Some(ts("2025-09-04T23:59:59.999999Z")), ..Default::default() };
    assert_eq!(ids(&store, &until).unwrap(), [TROOPS, PARIS]);
    let day = ExportFilter {
        since: Some(ts("2025-09-04T10:00:00.000001Z")),
        until: Some(ts("2025-09-06T08:00:00Z")),
        ..Default::default()
    };
    assert_eq!(ids(&store, &day).unwrap(), [PARIS, STORM]);

    let outlets = ExportFilter {
        outlets: vec!["Valley Times".into(), "Harbor Gazette".into()],
        ..Default::default()
    };
    assert_eq!(ids(&store, &outlets).unwrap(), [TROOPS, STORM, LATE]);

    // Event 4 stands for its survivor, event 1, and both ids give all of event 1.
    for id in [1, 4] {
        let event = ExportFilter { events: vec![EventId(id)], ..Default::default() };
        assert_eq!(ids(&store, &event).unwrap(), [TROOPS, PARIS, LATE], "event {id}");
    }
    let two = ExportFilter { events: vec![EventId(2), EventId(3)], ..Default::default() };
    assert_eq!(ids(&store, &two).unwrap(), [STORM, "u-1"]);

    let query = ExportFilter { query: Some("soldiers".into()), ..Default::default() };
    assert_eq!(ids(&store, &query).unwrap(), [TROOPS, LATE, "u-1"]);
    let phrase = ExportFilter { query: Some("\"soldiers were\"".into()), ..Default::default() };
    assert_eq!(ids(&store, &phrase).unwrap(), [LATE]);

    let combined = ExportFilter {
        query: Some("soldiers".into()),
        outlets: vec!["Harbor Gazette".into()],
        events: vec![EventId(1)],
        since: Some(ts("2025-09-05T00:00:00Z")),
        ..Default::default()
    };
    assert_eq!(ids(&store, &combined).unwrap(), [LATE]);
}

#[test]
fn the_stored_time_bounds_when_each_article_was_written() {
    let (_dir, path, store) = filterable();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE articles SET stored_at = '2026-01-01T00:00:00.000000Z'", []).unwrap();
    conn.execute(
        "UPDATE articles SET stored_at = '2026-01-02T12:00:00.000000Z' WHERE input_id = 'u-1' \
         OR key = ?1",
        [STORM],
    )
    .unwrap();
    let since = ExportFilter {
        since: Some(ts("2026-01-02T00:00:00Z")),
        time: ExportTime::Stored,
        ..Default::default()
    };
    assert_eq!(ids(&store, &since).unwrap(), [STORM, "u-1"]);
    let mut rows = Vec::new();
    store
        .export_filtered(&since, |row| -> Result<(), StoreError> {
            rows.push(row.clone());
            Ok(())
        })
        .unwrap();
    assert_eq!(rows[1].stored_at, ts("2026-01-02T12:00:00Z"));
    let until = ExportFilter { until: since.since, ..since.clone() };
    assert_eq!(ids(&store, &until.clone()).unwrap().len(), 0, "since beyond until");
    let until = ExportFilter { since: None, ..until };
    assert_eq!(ids(&store, &until).unwrap(), [TROOPS, PARIS, LATE]);
}

#[test]
fn a_filter_naming_nothing_stored_is_an_error_before_any_row() {
    let (_dir, _path, store) = filterable();
    let cases: Vec<(ExportFilter, &str)> = vec![
        (
            ExportFilter {
                outlets: vec!["Harbor Gazette".into(), "harbor gazette".into()],
                ..Default::default()
            },
            "no article from outlet \"harbor gazette\"",
        ),
        (
            ExportFilter { events: vec![EventId(1), EventId(99)], ..Default::default() },
            "no event 99",
        ),
        (ExportFilter { query: Some("NEAR(".into()), ..Default::default() }, "bad search query"),
        (ExportFilter { query: Some("  ".into()), ..Default::default() }, "no words"),
        (
            ExportFilter {
                since: Some(ts("2025-09-05T00:00:00Z")),
                until: Some(ts("2025-09-04T00:00:00Z")),
                ..Default::default()
            },
            "after it ends",
        ),
    ];
    for (filter, want) in cases {
        let mut seen = 0;
        let err = store
            .export_filtered(&filter, |_| -> Result<(), StoreError> {
                seen += 1;
                Ok(())
            })
            .unwrap_err();
        assert!(err.to_string().contains(want), "{filter:?}: {err}");
        assert_eq!(seen, 0, "{filter:?} gave rows before failing");
    }
}
