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

/// `n` unrelated undated articles, so that the clusterer has neighbourhoods to judge
/// closeness against.
fn background(n: usize) -> String {
    const WORDS: &[&str] = &[
        "budget",
        "tariff",
        "court",
        "vaccine",
        "wildfire",
        "strike",
        "merger",
        "satellite",
        "drought",
        "pension",
        "railway",
        "museum",
        "festival",
        "inflation",
        "refinery",
        "harvest",
        "glacier",
        "volcano",
        "treaty",
        "summit",
        "hospital",
        "airline",
        "tunnel",
        "stadium",
        "orchestra",
        "vineyard",
        "telescope",
        "asteroid",
        "turbine",
        "copper",
        "wheat",
        "cocoa",
    ];
    const PLACES: &[&str] =
        &["Lisbon", "Nairobi", "Osaka", "Quito", "Tbilisi", "Perth", "Oslo", "Dakar", "Hanoi"];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = String::new();
    for i in 0..n {
        let mut pick = |list: &[&'static str]| list[(next() % list.len() as u64) as usize];
        let (a, b, c, place) = (pick(WORDS), pick(WORDS), pick(WORDS), pick(PLACES));
        let line = serde_json::json!({
            "id": format!("bg{i}"), "source": format!("outlet {}", i % 7), "time": null,
            "url": null, "title": format!("{a} and {b} news from {place}"),
            "text": format!("Officials in {place} discussed the {a} on day {i}, while the {b} \
                drew attention elsewhere. The {c} report {i} mentions {} other items.", i % 13),
        });
        out.push_str(&format!("{line}\n"));
    }
    out
}

#[tokio::test]
async fn events_merged_after_a_restart_keep_their_old_ids_valid() {
    let ws = Workspace::new();
    let db = ws.path("merge.db");
    let db = db.to_str().unwrap();
    let backfill = |name: &str, lines: String| {
        let input = ws.path(name);
        std::fs::write(&input, lines).unwrap();
        async move { run_ok(&["backfill", "--jsonl", input.to_str().unwrap(), "--db", db]).await }
    };
    let exported = || async {
        let out = run_ok(&["export", "--format", "jsonl", "--db", db]).await;
        out.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|v| (v["id"].as_str().unwrap().to_owned(), v["event"].as_i64().unwrap()))
            .collect::<std::collections::HashMap<String, i64>>()
    };
    // Two halves of one story, with nothing in common yet.
    let halves = r#"{"id": "harbour", "source": "Gulf Post", "time": "2025-09-02T08:00:00Z", "url": null, "title": "Storm Ada floods Tampico harbour", "text": "Storm Ada flooded the harbour of Tampico on Monday, sinking fishing boats and closing the container terminal. Harbour master Elena Ortiz said cranes were damaged."}
{"id": "schools", "source": "Gulf Post", "time": "2025-09-02T09:00:00Z", "url": null, "title": "Governor Ruiz orders schools shut as rivers rise", "text": "Governor Américo Ruiz ordered classes suspended across the state until Thursday and opened shelters for families, as rivers kept rising."}
"#;
    backfill("first.jsonl", background(60) + halves).await;
    let before = exported().await;
    let (harbour, schools) = (before["harbour"], before["schools"]);
    assert_ne!(harbour, schools, "nothing in common yet");

    // A later run, restored from the store, gets the report that tells both halves.
    let bridge = r#"{"id": "both", "source": "Coast Wire", "time": "2025-09-02T10:00:00Z", "url": null, "title": "Ada: Tampico harbour flooded, schools shut by Ruiz", "text": "Storm Ada flooded Tampico harbour on Monday, sinking fishing boats and damaging cranes, harbour master Elena Ortiz said. Governor Américo Ruiz ordered classes suspended until Thursday and opened shelters for families as rivers kept rising."}
"#;
    backfill("second.jsonl", bridge.to_owned()).await;
    let after = exported().await;
    assert_eq!(after["both"], harbour, "the report joins the older event");
    assert_eq!(after["schools"], harbour, "the events merged, the older id surviving");

    // The id users saw for the schools story still works, and shows the merged event.
    let shown: serde_json::Value =
        serde_json::from_str(&run_ok(&["event", "--db", db, &schools.to_string(), "--json"]).await)
            .unwrap();
    assert_eq!(shown["event"]["summary"]["id"].as_i64(), Some(harbour), "{shown}");
    let text = shown.to_string();
    for id in ["harbour", "schools", "both"] {
        assert!(text.contains(&format!("\"{id}\"")), "{id} missing from {shown}");
    }
}

#[tokio::test]
async fn copies_point_at_the_earliest_published_copy_whatever_order_they_arrive_in() {
    let ws = Workspace::new();
    let input = ws.path("wire.jsonl");
    let text = "Hurricane Lena made landfall near Port Arden on Tuesday with winds of 190 km/h, \
        forcing 40,000 residents to evacuate. Governor Ines Calder said shelters in Port Arden \
        and Westbay were full by noon.";
    let line = |id: &str, source: &str, time: &str| {
        serde_json::json!({"id": id, "source": source, "time": time, "url": null,
            "title": "Hurricane Lena makes landfall", "text": text})
        .to_string()
    };
    // The reprint first, then the wire story it copies (published earlier), then another
    // reprint.
    let lines = [
        line("reprint", "Coast Herald", "2025-09-02T09:00:00Z"),
        line("wire", "Wire Desk", "2025-09-02T08:00:00Z"),
        line("late", "Bay News", "2025-09-02T11:00:00Z"),
    ];
    std::fs::write(&input, lines.join("\n")).unwrap();
    let db = ws.path("wire.db");
    run_ok(&["backfill", "--jsonl", input.to_str().unwrap(), "--db", db.to_str().unwrap()]).await;
    let rows = by_id(&export(&db).await);
    assert!(rows["wire"]["duplicate_of"].is_null(), "{rows:?}");
    assert_eq!(rows["reprint"]["duplicate_of"], "wire", "{rows:?}");
    assert_eq!(rows["late"]["duplicate_of"], "wire", "{rows:?}");
}

#[tokio::test]
async fn bad_lines_are_counted_each_and_logged_once_in_the_source_stage() {
    let ws = Workspace::new();
    let input = ws.path("noisy.jsonl");
    let mut text: String = (0..200).map(|i| format!("not json {i}\n")).collect();
    text.push_str(ARTICLES.lines().next().unwrap());
    text.push('\n');
    std::fs::write(&input, text).unwrap();
    let db = ws.path("noisy.db");
    let args = ["--log-json", "backfill", "--jsonl", input.to_str().unwrap(), "--db"];
    let out = crate::util::chorus()
        .env("CHORUS_LOG", "info")
        .args(args)
        .args([db.to_str().unwrap(), "--json"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stage = |name: &str| {
        summary["stages"].as_array().unwrap().iter().find(|s| s["stage"] == name).unwrap().clone()
    };
    assert_eq!(stage("source")["dropped"]["bad_line"], 200, "{summary}");
    assert_eq!(stage("source")["sent"], 1, "{summary}");

    let logs: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let bad: Vec<&serde_json::Value> = logs
        .iter()
        .filter(|l| l["fields"]["message"].as_str().unwrap_or("").contains("bad input line"))
        .collect();
    assert_eq!(bad.len(), 1, "one line per reason per interval: {bad:?}");
    assert_eq!(bad[0]["span"]["stage"], "source", "{}", bad[0]);
    // Every stage's own lines say which stage they come from.
    for (message, stage) in [("dedup stage finished", "dedup"), ("store writer finished", "store")]
    {
        let line = logs
            .iter()
            .find(|l| l["fields"]["message"].as_str().is_some_and(|m| m.contains(message)))
            .unwrap_or_else(|| panic!("no {message:?} line in {logs:?}"));
        assert_eq!(line["span"]["stage"], stage, "{line}");
    }
}
