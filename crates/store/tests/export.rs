//! Export rows.

use chorus_store::{ExportRow, StoreError};

use crate::util::{duplicate_of, fetched, input, new_store};

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
