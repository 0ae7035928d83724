//! `chorus export` in each format, with each filter: every value read back as researchers
//! read it (Python's json and csv modules and the parquet crate always; pyarrow, pandas and
//! DuckDB when they are installed, as CI installs them), and each filter checked against
//! the rows it must keep.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::{Value, json};

use crate::util::{Workspace, by_id, export, newsroom, run, run_ok};

/// Input records with what breaks naive writers: commas, quotes and line breaks in titles
/// and outlets, text beyond ASCII, and records with no outlet, URL or time.
const RECORDS: &str = r#"{"id": "quote-1", "source": "Miami News, KMIA", "time": "2025-09-04T19:05:00Z", "url": "https://kmia.example.test/world/italy", "title": "Italy says \"no\", for now", "text": "Rome, Thursday: Italy will not send troops to Ukraine, its prime minister said.\n\nThe \"coalition of the willing\" met in Paris; 39 countries took part."}
{"id": "uni-2", "source": "Rome Desk", "time": "2025-09-04T16:20:00Z", "url": "https://rome.example.test/italia", "title": "Meloni: «non invieremo truppe» — 東京 🚀", "text": "Meloni ha detto che l'Italia non invierà soldati in Ucraina. Più di 39 paesi, «una coalizione», si sono riuniti a Parigi.\n\nÜber die Garantien wurde gesprochen."}
{"id": "null-3", "source": null, "time": null, "url": null, "title": "Lena slams Port Arden, 40,000 flee", "text": "Forty thousand people fled Port Arden as Hurricane Lena came ashore on Tuesday, with winds reaching 190 km/h."}
{"id": "rate-4", "source": "Daily Ledger", "time": "2025-09-06T09:00:00Z", "url": "https://ledger.example.test/rates", "title": "Central bank holds rates at 4.25%", "text": "The Northland Reserve Bank kept its benchmark rate at 4.25% on Friday, citing easing inflation."}
{"id": "copy-5", "source": "Wire Desk", "time": "2025-09-06T10:00:00Z", "url": "https://wire.example.test/rates", "title": "Central bank holds rates at 4.25%", "text": "The Northland Reserve Bank kept its benchmark rate at 4.25% on Friday, citing easing inflation."}
"#;

/// A database of the input records above, in `ws`.
async fn replayed(ws: &Workspace) -> String {
    let input = ws.path("records.jsonl");
    std::fs::write(&input, RECORDS).unwrap();
    let db = ws.path("chorus.db").to_str().unwrap().to_owned();
    run_ok(&["backfill", "--jsonl", input.to_str().unwrap(), "--db", &db]).await;
    db
}

/// `chorus export --db DB --format FORMAT --out WS/NAME ARGS...`; returns the file's path.
async fn export_to(ws: &Workspace, db: &str, format: &str, name: &str, args: &[&str]) -> String {
    let out = ws.path(name).to_str().unwrap().to_owned();
    let mut all = vec!["export", "--db", db, "--format", format, "--out", &out];
    all.extend_from_slice(args);
    run_ok(&all).await;
    out
}

/// Reads the CSV file (and the Parquet file, with pyarrow when installed) with Python and
/// prints each as a list of JSON objects shaped like the JSON lines.
const READ_BACK: &str = r#"
import csv, json, sys
csv_path, parquet_path = sys.argv[1], sys.argv[2]
NULLABLE = {"url", "canonical_url", "outlet", "published", "published_source", "language",
            "event", "duplicate_of", "duplicate_similarity", "fetched_at"}
rows = []
with open(csv_path, newline="", encoding="utf-8") as f:
    raw = f.read()
    assert not raw.startswith("\ufeff"), "a byte-order mark"
    f.seek(0)
    for r in csv.DictReader(f):
        for k in ("authors", "flags"):
            r[k] = json.loads(r[k])
        for k in NULLABLE:
            if r[k] == "":
                r[k] = None
        if r["event"] is not None:
            r["event"] = int(r["event"])
        if r["duplicate_similarity"] is not None:
            r["duplicate_similarity"] = float(r["duplicate_similarity"])
        rows.append(r)
out = {"csv": rows, "parquet": None}
try:
    import pyarrow.parquet as pq
except ImportError:
    pass
else:
    table = pq.read_table(parquet_path)
    assert str(table.schema.field("published").type) == "timestamp[us, tz=UTC]", table.schema
    assert str(table.schema.field("event").type) == "int64", table.schema
    assert str(table.schema.field("authors").type).startswith("list<"), table.schema
    prows = table.to_pylist()
    for r in prows:
        for k in ("published", "fetched_at", "stored_at"):
            if r[k] is not None:
                r[k] = r[k].isoformat()
    out["parquet"] = prows
json.dump(out, sys.stdout)
"#;

/// True when `python3 -c "import MODULE"` works.
fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Asserts that `got` (read back from another format) holds the same rows and values as
/// the JSON lines `want`, times compared as instants and the similarity as an f32.
fn assert_same_rows(format: &str, want: &[Value], got: &[Value]) {
    assert_eq!(got.len(), want.len(), "{format}: row count");
    for (w, g) in want.iter().zip(got) {
        let w = w.as_object().unwrap();
        let g = g.as_object().unwrap();
        let mut keys: Vec<&String> = g.keys().collect();
        keys.sort();
        let mut want_keys: Vec<&String> = w.keys().collect();
        want_keys.sort();
        assert_eq!(keys, want_keys, "{format}: columns");
        for (k, wv) in w {
            let gv = &g[k];
            let same = match k.as_str() {
                "published" | "fetched_at" | "stored_at" => instant(wv) == instant(gv),
                "duplicate_similarity" => match (wv.as_f64(), gv.as_f64()) {
                    (Some(a), Some(b)) => (a as f32) == (b as f32),
                    _ => wv.is_null() && gv.is_null(),
                },
                _ => wv == gv,
            };
            assert!(same, "{format}: {k} of {}: {gv} where JSON lines have {wv}", w["id"]);
        }
    }
}

fn instant(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    v.as_str().map(|s| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc())
}

/// The Parquet file read by the parquet crate, each row shaped like a JSON line.
fn parquet_rows(path: &str) -> Vec<Value> {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let schema = reader.schema().clone();
    let published = schema.field_with_name("published").unwrap();
    assert_eq!(published.data_type().to_string(), "Timestamp(µs, \"UTC\")");
    assert!(published.is_nullable() && !schema.field_with_name("id").unwrap().is_nullable());
    let mut rows = Vec::new();
    for batch in reader.build().unwrap() {
        let batch: RecordBatch = batch.unwrap();
        for i in 0..batch.num_rows() {
            let mut row = serde_json::Map::new();
            for (field, column) in schema.fields().iter().zip(batch.columns()) {
                row.insert(field.name().clone(), cell(column, i));
            }
            rows.push(Value::Object(row));
        }
    }
    rows
}

fn cell(column: &ArrayRef, i: usize) -> Value {
    use arrow_schema::DataType;
    if column.is_null(i) {
        return Value::Null;
    }
    match column.data_type() {
        DataType::Utf8 => json!(column.as_string::<i32>().value(i)),
        DataType::Int64 => json!(column.as_primitive::<Int64Type>().value(i)),
        DataType::Float32 => json!(column.as_primitive::<Float32Type>().value(i)),
        DataType::Timestamp(..) => {
            let micros = column.as_primitive::<TimestampMicrosecondType>().value(i);
            json!(chrono::DateTime::from_timestamp_micros(micros).unwrap().to_rfc3339())
        }
        DataType::List(_) => {
            let items = column.as_list::<i32>().value(i);
            json!(items.as_string::<i32>().iter().map(Option::unwrap).collect::<Vec<_>>())
        }
        other => panic!("unexpected column type {other}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_format_reads_back_with_the_same_rows_and_values() {
    // Fetched pages (authors, fetch times, page metadata) and input records (nulls,
    // quotes, line breaks, text beyond ASCII) in one database.
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", "");
    run_ok(&["backfill", "--config", config.to_str().unwrap()]).await;
    let db = replayed(&ws).await;

    let rows = export(Path::new(&db)).await;
    let ids = by_id(&rows);
    assert_eq!(ids["quote-1"]["title"], "Italy says \"no\", for now");
    assert_eq!(ids["quote-1"]["outlet"], "Miami News, KMIA");
    assert!(ids["quote-1"]["text"].as_str().unwrap().contains("said.\n\nThe \"coalition"));
    assert_eq!(ids["uni-2"]["title"], "Meloni: «non invieremo truppe» — 東京 🚀");
    assert!(ids["null-3"]["url"].is_null() && ids["null-3"]["outlet"].is_null());
    assert!(ids["null-3"]["published"].is_null());
    assert_eq!(ids["copy-5"]["duplicate_of"], "rate-4");
    assert!(ids["copy-5"]["event"].is_i64() && ids["copy-5"]["duplicate_similarity"].is_f64());
    let fetched: Vec<&Value> = rows.iter().filter(|r| r["fetched_at"].is_string()).collect();
    assert!(fetched.len() > 5, "the newsroom's pages are in the export");
    assert!(
        fetched.iter().any(|r| !r["authors"].as_array().unwrap().is_empty()),
        "some page names its author"
    );
    for r in &rows {
        assert!(r["stored_at"].is_string(), "{r}");
    }

    let csv = export_to(&ws, &db, "csv", "all.csv", &[]).await;
    let parquet = export_to(&ws, &db, "parquet", "all.parquet", &[]).await;
    // The parquet crate reads every value back.
    assert_same_rows("parquet (parquet crate)", &rows, &parquet_rows(&parquet));

    let script = ws.path("read_back.py");
    std::fs::write(&script, READ_BACK).unwrap();
    let out = Command::new("python3")
        .arg(&script)
        .args([&csv, &parquet])
        .output()
        .expect("python3 runs (it reads the CSV back)");
    assert!(out.status.success(), "python3: {}", String::from_utf8_lossy(&out.stderr));
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_same_rows("csv (Python's csv module)", &rows, read["csv"].as_array().unwrap());
    match read["parquet"].as_array() {
        Some(back) => assert_same_rows("parquet (pyarrow)", &rows, back),
        None => {
            assert!(!python_has("pyarrow"));
            eprintln!(
                "pyarrow is not installed: the Parquet file was read back by the parquet \
                 crate only, not by Python"
            );
        }
    }
}

#[tokio::test]
async fn the_json_lines_read_back_with_pythons_json_module() {
    let ws = Workspace::new();
    let db = replayed(&ws).await;
    let jsonl = export_to(&ws, &db, "jsonl", "all.jsonl", &[]).await;
    let out = Command::new("python3")
        .args([
            "-c",
            "import json,sys; rows=[json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]; \
             print(json.dumps([[r['id'], r['title'], r['outlet'], r['authors']] for r in rows]))",
            &jsonl,
        ])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "python3: {}", String::from_utf8_lossy(&out.stderr));
    let back: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(back[0], json!(["quote-1", "Italy says \"no\", for now", "Miami News, KMIA", []]));
    assert_eq!(back[1][1], "Meloni: «non invieremo truppe» — 東京 🚀");
    assert_eq!(back[2][2], Value::Null);
    assert_eq!(back.as_array().unwrap().len(), 5);
}
/// Reads each exported file with DuckDB and with pandas, as they are (no schema, no
/// options beyond "these are JSON lines"), and prints what each saw as JSON: per reader and
/// format, the rows `[id, title, outlet, published's type]` sorted by id, or `null` for a
/// reader that is not installed.
const DATAFRAMES: &str = r#"
import json, sys
jsonl, csv_path, parquet = sys.argv[1:4]
out = {}
try:
    import duckdb
except ImportError:
    out["duckdb"] = None
else:
    out["duckdb"] = {}
    for fmt, source in [("jsonl", f"read_json_auto('{jsonl}', format='newline_delimited')"),
                        ("csv", f"read_csv_auto('{csv_path}')"),
                        ("parquet", f"read_parquet('{parquet}')")]:
        rows = duckdb.connect().sql(
            f"SELECT id, title, outlet, typeof(published), typeof(event) FROM {source} ORDER BY id"
        ).fetchall()
        out["duckdb"][fmt] = [[r[0], r[1], r[2], r[3] + " / " + r[4]] for r in rows]
try:
    import pandas as pd
except ImportError:
    out["pandas"] = None
else:
    out["pandas"] = {}
    frames = {"jsonl": pd.read_json(jsonl, lines=True, dtype={"id": str}),
              "csv": pd.read_csv(csv_path, dtype={"id": str}),
              "parquet": pd.read_parquet(parquet)}
    for fmt, df in frames.items():
        kind = str(df.dtypes["published"]) + " / " + str(df.dtypes["event"])
        out["pandas"][fmt] = [[r.id, r.title, None if pd.isna(r.outlet) else r.outlet, kind]
                              for r in df.sort_values("id").itertuples()]
json.dump(out, sys.stdout)
"#;

#[tokio::test]
async fn duckdb_and_pandas_read_every_format_as_it_is() {
    let ws = Workspace::new();
    let db = replayed(&ws).await;
    let files = [
        export_to(&ws, &db, "jsonl", "all.jsonl", &[]).await,
        export_to(&ws, &db, "csv", "all.csv", &[]).await,
        export_to(&ws, &db, "parquet", "all.parquet", &[]).await,
    ];
    let mut want: Vec<Value> = export(Path::new(&db))
        .await
        .iter()
        .map(|r| json!([r["id"], r["title"], r["outlet"]]))
        .collect();
    want.sort_by(|a, b| a[0].as_str().cmp(&b[0].as_str()));
    assert_eq!(want.len(), 5);

    let script = ws.path("dataframes.py");
    std::fs::write(&script, DATAFRAMES).unwrap();
    let out = Command::new("python3").arg(&script).args(&files).output().expect("python3 runs");
    assert!(out.status.success(), "python3: {}", String::from_utf8_lossy(&out.stderr));
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    // What each reader infers for `published` and `event`, by format: DuckDB finds the
    // times in every format; pandas parses them only from Parquet, which says they are.
    let types = [
        ("duckdb", ["TIMESTAMP WITH TIME ZONE / BIGINT"; 3]),
        ("pandas", ["str / int64", "str / int64", "datetime64[us, UTC] / int64"]),
    ];
    for (reader, kinds) in types {
        let Some(formats) = read[reader].as_object() else {
            assert!(!python_has(reader), "{reader} is installed but read nothing");
            eprintln!("{reader} is not installed: the export was not read back with it");
            continue;
        };
        for (format, kind) in ["jsonl", "csv", "parquet"].into_iter().zip(kinds) {
            let rows = formats[format].as_array().unwrap();
            let got: Vec<Value> = rows.iter().map(|r| json!([r[0], r[1], r[2]])).collect();
            assert_eq!(got, want, "{reader} reading {format}");
            for row in rows {
                let seen = row[3].as_str().unwrap();
                // pandas names its string type by the version: object or str.
                let seen = seen.replace("object /", "str /");
                assert_eq!(seen, kind, "{reader} reading {format}: the types of published / event");
            }
        }
    }
}

/// The ids `chorus export ARGS` writes as JSON lines.
async fn ids(db: &str, args: &[&str]) -> Vec<String> {
    let mut all = vec!["export", "--db", db];
    all.extend_from_slice(args);
    let out = run_ok(&all).await;
    out.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_filter_narrows_the_rows_and_they_combine() {
    let ws = Workspace::new();
    let db = replayed(&ws).await;
    let rows = by_id(&export(Path::new(&db)).await);
    let all = ids(&db, &[]).await;
    assert_eq!(all, ["quote-1", "uni-2", "null-3", "rate-4", "copy-5"]);

    assert_eq!(ids(&db, &["--since", "2025-09-05"]).await, ["rate-4", "copy-5"]);
    assert_eq!(ids(&db, &["--until", "2025-09-04"]).await, ["quote-1", "uni-2"]);
    assert_eq!(
        ids(&db, &["--since", "2025-09-04T17:00:00Z", "--until", "2025-09-06T09:00:00Z"]).await,
        ["quote-1", "rate-4"]
    );
    assert_eq!(
        ids(&db, &["--outlet", "Miami News, KMIA", "--outlet", "Wire Desk"]).await,
        ["quote-1", "copy-5"]
    );
    let rates = rows["rate-4"]["event"].to_string();
    assert_eq!(ids(&db, &["--event", &rates]).await, ["rate-4", "copy-5"]);
    assert_eq!(ids(&db, &["--query", "39"]).await, ["quote-1", "uni-2"]);
    assert_eq!(
        ids(&db, &["--query", "\"benchmark rate\" OR Lena"]).await,
        ["null-3", "rate-4", "copy-5"]
    );
    assert_eq!(
        ids(&db, &["--query", "rate", "--outlet", "Daily Ledger", "--since", "2025-09-01"]).await,
        ["rate-4"]
    );
    // Every article was stored today; none before the records' own dates.
    assert_eq!(ids(&db, &["--time", "stored", "--since", "2025-09-05"]).await, all);
    assert!(ids(&db, &["--time", "stored", "--until", "2025-09-05"]).await.is_empty());
    // The filters apply to every format alike.
    let csv = export_to(&ws, &db, "csv", "ledger.csv", &["--outlet", "Daily Ledger"]).await;
    let text = std::fs::read_to_string(csv).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().nth(1).unwrap().starts_with("rate-4,"), "{text}");
}

#[tokio::test]
async fn bad_filters_are_clear_errors_and_leave_the_earlier_file_alone() {
    let ws = Workspace::new();
    let db = replayed(&ws).await;
    let out = ws.path("news.csv");
    std::fs::write(&out, "the earlier export\n").unwrap();
    let out = out.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--since", "last tuesday"], "--since"),
        (&["--until", "2025-13-45"], "cannot read \"2025-13-45\" as a date"),
        (&["--outlet", "miami news, kmia"], "no article from outlet \"miami news, kmia\""),
        (&["--event", "9999"], "no event 9999"),
        (&["--query", "NEAR("], "bad search query"),
        (&["--since", "2025-09-06", "--until", "2025-09-05"], "after it ends"),
    ];
    for (args, want) in cases {
        let mut all = vec!["export", "--db", &db, "--format", "csv", "--out", out];
        all.extend_from_slice(args);
        let result = run(&all).await;
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(!result.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert_eq!(std::fs::read_to_string(out).unwrap(), "the earlier export\n", "{args:?}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(ws.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".chorus-export"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // A good export replaces the file whole.
    run_ok(&["export", "--db", &db, "--format", "csv", "--out", out]).await;
    assert!(std::fs::read_to_string(out).unwrap().starts_with("id,url,"));
}

#[tokio::test]
async fn a_reader_that_stops_early_ends_the_export_quietly_in_every_format() {
    use tokio::io::AsyncReadExt;
    // Enough rows (about 1 MB) that the export is still writing when the reader leaves.
    let ws = Workspace::new();
    let input = ws.path("many.jsonl");
    let lines: String = (0..2000)
        .map(|i| {
            format!(
                "{{\"id\": \"n{i}\", \"source\": \"Outlet {o}\", \"time\": null, \"url\": null, \
                 \"title\": \"Story {i} of outlet {o}\", \"text\": \"Report number {i}: \
                 {filler}\"}}\n",
                o = i % 7,
                filler = format!("word{i} ").repeat(60)
            )
        })
        .collect();
    std::fs::write(&input, lines).unwrap();
    let db = ws.path("many.db").to_str().unwrap().to_owned();
    run_ok(&["backfill", "--jsonl", input.to_str().unwrap(), "--db", &db]).await;
    for format in ["jsonl", "csv", "parquet"] {
        let mut child = crate::util::chorus()
            .args(["export", "--db", &db, "--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 4];
        stdout.read_exact(&mut first).await.unwrap();
        drop(stdout);
        let out = child.wait_with_output().await.unwrap();
        assert!(
            out.status.success(),
            "{format}: a closed pipe failed the export: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let magic: &[u8] = if format == "parquet" { b"PAR1" } else { b"" };
        assert!(first.starts_with(magic), "{format}: {first:?}");
    }
}
