//! `chorus backfill --jsonl`: pre-extracted articles enter at the dedup stage, in order.

use crate::util::{Workspace, by_id, export, run_ok};

const ARTICLES: &str = r#"{"id": "a1", "source": "Coast Herald", "time": "2025-09-02", "url": "https://herald.example.test/storm-hits?utm_source=x", "title": "Hurricane Lena makes landfall near Port Arden", "text": "Hurricane Lena made landfall near Port Arden on Tuesday with winds of 190 km/h, forcing 40,000 residents to evacuate. Governor Ines Calder said shelters in Port Arden and Westbay were full by noon."}
{"id": "a2", "source": null, "time": null, "url": null, "title": "Lena slams Port Arden as 40,000 flee", "text": "Forty thousand people fled Port Arden as Hurricane Lena came ashore on Tuesday. Governor Ines Calder said the Westbay and Port Arden shelters had filled by midday, with winds reaching 190 km/h."}
{"id": "a3", "source": "Wire Desk", "time": "2025-09-02", "url": "https://wire.example.test/lena", "title": "Hurricane Lena makes landfall near Port Arden", "text": "Hurricane Lena made landfall near Port Arden on Tuesday with winds of 190 km/h, forcing 40,000 residents to evacuate. Governor Ines Calder said shelters in Port Arden and Westbay were full by noon."}
not json at all
{"id": "b1", "source": "Daily Ledger", "time": "2025-09-05T09:00:00Z", "url": "https://ledger.example.test/rates", "title": "Central bank holds rates at 4.25%", "text": "The Northland Reserve Bank kept its benchmark rate at 4.25% on Friday, citing easing inflation, and governor Piet Osei signalled a cut could come in December."}
{"id": "a1", "source": "Coast Herald", "time": "2025-09-02", "url": "https://herald.example.test/storm-hits", "title": "Hurricane Lena makes landfall near Port Arden", "text": "again"}
{"id": "a4", "source": "Coast Herald", "time": "2025-09-02T18:00:00Z", "url": "https://herald.example.test/storm-hits", "title": "Lena: shelters full in Port Arden", "text": "Updated: shelters in Port Arden and Westbay were full by noon as Hurricane Lena came ashore with 190 km/h winds; 40,000 residents had evacuated, Governor Ines Calder said."}
"#;

#[tokio::test]
async fn a_jsonl_replay_is_deduplicated_clustered_and_exported_with_input_ids() {
    let ws = Workspace::new();
    let input = ws.path("articles.jsonl");
    std::fs::write(&input, ARTICLES).unwrap();
    let db = ws.path("replay.db");
    let summary = run_ok(&[
        "backfill",
        "--jsonl",
        input.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--json",
    ])
    .await;
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let source =
        summary["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "source").unwrap();
    assert_eq!(source["dropped"]["bad_line"], 1, "{summary}");

    let rows = by_id(&export(&db).await);
    // The last line repeats a1's id: the same record, not stored again.
    assert_eq!(rows.len(), 5, "{rows:?}");
    // Another record of a1's URL under its own id is its own row.
    assert_eq!(rows["a4"]["url"], rows["a1"]["url"].as_str().unwrap().replace("?utm_source=x", ""));
    assert_eq!(rows["a1"]["title"], "Hurricane Lena makes landfall near Port Arden");
    assert_eq!(rows["a3"]["duplicate_of"], "a1", "the word-for-word copy names its original");
    assert!(rows["a2"]["duplicate_of"].is_null(), "a paraphrase is not a duplicate");
    assert_eq!(rows["a1"]["event"], rows["a2"]["event"]);
    assert_eq!(rows["a1"]["event"], rows["a3"]["event"]);
    assert_ne!(rows["a1"]["event"], rows["b1"]["event"]);
    assert!(rows["a2"]["outlet"].is_null() && rows["a2"]["published"].is_null());
    assert_eq!(rows["b1"]["published"], "2025-09-05T09:00:00Z");
    // Every event is listed, whatever its outlets.
    let distinct: std::collections::BTreeSet<String> =
        rows.values().map(|r| r["event"].to_string()).collect();
    let events = run_ok(&["events", "--db", db.to_str().unwrap(), "--json"]).await;
    assert_eq!(events.lines().count(), distinct.len(), "{events}");
}

#[tokio::test]
async fn a_missing_input_file_is_a_clear_error() {
    let ws = Workspace::new();
    let out = crate::util::run(&[
        "backfill",
        "--jsonl",
        ws.path("nope.jsonl").to_str().unwrap(),
        "--db",
        ws.path("x.db").to_str().unwrap(),
    ])
    .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.jsonl"));
    assert!(!ws.path("x.db").exists(), "a failed start must not leave a database behind");
}

#[tokio::test]
async fn events_of_articles_without_outlets_are_listed() {
    let ws = Workspace::new();
    let input = ws.path("undated.jsonl");
    std::fs::write(
        &input,
        r#"{"id": "u1", "source": null, "time": null, "url": null, "title": "Senate passes the Harbor Dredging Act 61-39", "text": "The Senate passed the Harbor Dredging Act by 61 votes to 39 on Tuesday, sending the bill to the House."}
"#,
    )
    .unwrap();
    let db = ws.path("undated.db");
    run_ok(&["backfill", "--jsonl", input.to_str().unwrap(), "--db", db.to_str().unwrap()]).await;
    let events = run_ok(&["events", "--db", db.to_str().unwrap(), "--json"]).await;
    assert_eq!(events.lines().count(), 1, "an event with no outlet is still an event: {events}");
}
