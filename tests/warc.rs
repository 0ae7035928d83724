//! `chorus backfill --warc`: the newsroom's pages, fetched over loopback and written into
//! WARC files here, read back from disk; mixed with the other inputs; resumed after a kill.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chorus_model::canonical_url;
use chorus_newsroom::{Newsroom, catalog};
use chorus_pipeline::warc::WarcWriter;
use serde_json::Value;

use crate::util::{Workspace, chorus, export, newsroom, partition, run, run_ok};

/// Every newsroom story's page, as (canonical URL, publication date, HTML bytes).
async fn story_pages(news: &Newsroom) -> Vec<(String, String, Vec<u8>)> {
    chorus_fetch::init_tls();
    let client = reqwest::Client::builder().no_proxy().build().expect("a client");
    let mut pages = Vec::new();
    for story in &catalog().stories {
        let url = news.article_url(story);
        let response = client.get(url.clone()).send().await.expect("the newsroom answers");
        assert!(response.status().is_success(), "{url}: {}", response.status());
        let body = response.bytes().await.expect("a page body").to_vec();
        pages.push((canonical_url(&url).to_string(), story.published.to_rfc3339(), body));
    }
    pages
}

/// What the fixture holds besides the pages: one record of each kind to skip.
const SKIPPED: [(&str, u64); 6] = [
    ("warcinfo", 1),
    ("metadata", 1),
    ("revisit", 1),
    ("non_html", 1),
    ("non_200", 1),
    ("request", 0), // one per page: counted in the test
];

/// Writes `pages` into a WARC file at `path`, each response after its request, with one
/// warcinfo, metadata and revisit record, an image, and a 404 among them.
fn write_warc(path: &Path, pages: &[(String, String, Vec<u8>)], gzip: bool) {
    let file = std::fs::File::create(path).expect("create the WARC file");
    let mut w = WarcWriter::new(std::io::BufWriter::new(file), gzip);
    let date = "2025-09-08T12:00:00Z";
    w.record("warcinfo", None, date, b"software: chorus tests\r\nformat: WARC File Format 1.1\r\n")
        .unwrap();
    for (i, (url, _, body)) in pages.iter().enumerate() {
        let request = format!("GET {url} HTTP/1.1\r\nHost: x\r\n\r\n");
        w.record("request", Some(url), date, request.as_bytes()).unwrap();
        w.response(url, date, 200, "text/html; charset=utf-8", body).unwrap();
        if i == 1 {
            w.record("metadata", Some(url), date, b"fetchTimeMs: 12\r\n").unwrap();
            w.record("revisit", Some(url), date, b"HTTP/1.1 200 OK\r\n\r\n").unwrap();
            w.response("https://img.example.test/logo.png", date, 200, "image/png", b"\x89PNG..")
                .unwrap();
            w.response("https://gone.example.test/story", date, 404, "text/html", b"<p>gone</p>")
                .unwrap();
        }
    }
    w.finish().unwrap();
}

fn source_of(summary: &Value) -> &Value {
    summary["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "source").unwrap()
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn warc_pages_are_extracted_once_and_other_records_counted_by_kind() {
    let news = newsroom(Duration::ZERO).await;
    let pages = story_pages(&news).await;
    for gzip in [false, true] {
        let ws = Workspace::new();
        let warc = ws.path(if gzip { "news.warc.gz" } else { "news.warc" });
        write_warc(&warc, &pages, gzip);
        let db = ws.path("chorus.db");
        let args = ["backfill", "--warc", warc.to_str().unwrap(), "--db", db.to_str().unwrap()];
        let summary: Value =
            serde_json::from_str(&run_ok(&[&args[..], &["--json"]].concat()).await).unwrap();
        let source = source_of(&summary);
        for (kind, n) in SKIPPED {
            let n = if kind == "request" { pages.len() as u64 } else { n };
            assert_eq!(source["dropped"][kind], n, "{kind} (gzip {gzip}): {summary}");
        }
        assert_eq!(source["sent"], pages.len(), "{summary}");
        assert_eq!(source["noted"]["records_read"], 2 * pages.len() + 5, "{summary}");

        let rows = export(&db).await;
        let stored = ids(&rows);
        let unique: BTreeSet<&String> = stored.iter().collect();
        assert_eq!(unique.len(), stored.len(), "an article was stored twice");
        let expected: BTreeSet<String> = pages.iter().map(|(u, _, _)| u.clone()).collect();
        assert_eq!(stored.into_iter().collect::<BTreeSet<_>>(), expected);
        for row in &rows {
            assert!(row["text"].as_str().unwrap().len() > 200, "short text: {row}");
            assert_eq!(row["fetched_at"], "2025-09-08T12:00:00Z", "WARC-Date is the fetch time");
        }

        // Read to its end, the file is not read again: its checkpoint is its size.
        let again: Value =
            serde_json::from_str(&run_ok(&[&args[..], &["--json"]].concat()).await).unwrap();
        let source = source_of(&again);
        assert!(source["noted"]["records_read"].is_null(), "read again: {again}");
        let size = std::fs::metadata(&warc).unwrap().len();
        assert_eq!(source["noted"]["resumed_at_byte"], size, "{again}");
        assert_eq!(export(&db).await.len(), pages.len());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mixed_backfill_stores_each_article_once() {
    let news = newsroom(Duration::ZERO).await;
    let pages = story_pages(&news).await;
    let ws = Workspace::new();
    let half = pages.len() / 2;
    // The WARC file holds the first half and two more; the URL list the rest, and one
    // page the WARC file holds too; the JSONL file two articles of its own and one line
    // repeating a WARC page's text under its own id.
    let warc = ws.path("part.warc.gz");
    write_warc(&warc, &pages[..half + 2], true);
    let list = ws.path("urls.txt");
    let listed: Vec<&str> = pages[half..].iter().map(|(u, _, _)| u.as_str()).collect();
    std::fs::write(&list, format!("{}\n{}\n", listed.join("\n"), pages[0].0)).unwrap();
    let jsonl = ws.path("extra.jsonl");
    let line = |id: &str, title: &str, text: &str| {
        serde_json::json!({"id": id, "source": "Desk", "time": "2025-09-03T10:00:00Z",
            "url": null, "title": title, "text": text})
        .to_string()
    };
    let text = "The Northland Reserve Bank kept its benchmark rate at 4.25% on Friday, citing \
                easing inflation, and governor Piet Osei signalled a cut could come in December.";
    std::fs::write(
        &jsonl,
        [line("j1", "Central bank holds rates", text), line("j2", "Rates on hold", text)]
            .join("\n"),
    )
    .unwrap();
    let config = ws.loopback_config();
    let db = ws.path("mixed.db");
    let summary = run_ok(&[
        "backfill",
        "--config",
        &config,
        "--warc",
        warc.to_str().unwrap(),
        "--urls",
        list.to_str().unwrap(),
        "--jsonl",
        jsonl.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--json",
    ])
    .await;
    let summary: Value = serde_json::from_str(&summary).unwrap();
    let rows = export(&db).await;
    let stored = ids(&rows);
    let unique: BTreeSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "an article was stored twice: {stored:?}");
    let mut expected: BTreeSet<String> = pages.iter().map(|(u, _, _)| u.clone()).collect();
    expected.extend(["j1".to_owned(), "j2".to_owned()]);
    assert_eq!(stored.into_iter().collect::<BTreeSet<_>>(), expected, "{summary}");
    let rows = crate::util::by_id(&rows);
    assert_eq!(rows["j2"]["duplicate_of"], "j1", "the JSONL copy is deduplicated");
    let store =
        summary["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "store").unwrap();
    assert_eq!(store["sent"], pages.len() + 2, "{summary}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_warc_fails_clearly_and_keeps_what_was_stored() {
    let news = newsroom(Duration::ZERO).await;
    let pages = story_pages(&news).await;
    let ws = Workspace::new();
    let warc = ws.path("cut.warc.gz");
    write_warc(&warc, &pages[..6], true);
    let bytes = std::fs::read(&warc).unwrap();
    std::fs::write(&warc, &bytes[..bytes.len() - 300]).unwrap();
    let db = ws.path("chorus.db");
    let out =
        run(&["backfill", "--warc", warc.to_str().unwrap(), "--db", db.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cut.warc.gz: byte "), "{stderr}");
    assert!(stderr.contains("the file ends inside a record"), "{stderr}");
    // The pages before the cut are stored; the last one was cut.
    let stored: BTreeSet<String> = ids(&export(&db).await).into_iter().collect();
    let before: BTreeSet<String> = pages[..5].iter().map(|(u, _, _)| u.clone()).collect();
    assert_eq!(stored, before);

    // Not a WARC file at all: the same clear error, nothing stored, nothing lost.
    let junk = ws.path("junk.warc");
    std::fs::write(&junk, "<html>not an archive</html>\n").unwrap();
    let out =
        run(&["backfill", "--warc", junk.to_str().unwrap(), "--db", db.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("junk.warc: byte 0: not a WARC record"), "{stderr}");
    assert_eq!(export(&db).await.len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_lists_each_input_and_writes_nothing() {
    let news = newsroom(Duration::ZERO).await;
    let pages = story_pages(&news).await;
    let ws = Workspace::new();
    let warc = ws.path("news.warc");
    write_warc(&warc, &pages[..4], false);
    let list = ws.path("urls.txt");
    std::fs::write(&list, format!("{}\n{}\n", pages[0].0, pages[5].0)).unwrap();
    let db = ws.path("chorus.db");
    let (warc_s, list_s, db_s) =
        (warc.to_str().unwrap(), list.to_str().unwrap(), db.to_str().unwrap());
    let config = ws.loopback_config();
    let dry = ["backfill", "--config", &config, "--warc", warc_s, "--urls", list_s, "--db", db_s];

    let plan: Value =
        serde_json::from_str(&run_ok(&[&dry[..], &["--dry-run", "--json"]].concat()).await)
            .unwrap();
    assert!(!db.exists(), "a dry run created the database");
    assert_eq!(plan["warc"][0]["records"]["response"], 4 + 2, "{plan}");
    assert_eq!(plan["warc"][0]["records"]["request"], 4, "{plan}");
    assert_eq!(plan["warc"][0]["responses_to_read"]["html"], 4, "{plan}");
    assert_eq!(plan["warc"][0]["resume_offset"], 0, "{plan}");
    assert_eq!(plan["pages"][0]["listed"], 2, "{plan}");
    assert_eq!(plan["pages"][0]["already_stored"], 0, "{plan}");

    run_ok(&["backfill", "--warc", warc_s, "--db", db_s]).await;
    let runs = || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT count(*) FROM runs", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let before = (runs(), export(&db).await);
    let text = run_ok(&[&dry[..], &["--dry-run"]].concat()).await;
    assert!(text.contains("1 already stored, 1 to download"), "{text}");
    assert!(
        text.contains(&format!("resume at byte {}", std::fs::metadata(&warc).unwrap().len())),
        "{text}"
    );
    let plan: Value =
        serde_json::from_str(&run_ok(&[&dry[..], &["--dry-run", "--json"]].concat()).await)
            .unwrap();
    assert_eq!(plan["stored_articles"], 4, "{plan}");
    assert!(plan["warc"][0]["responses_to_read"].as_object().unwrap().is_empty(), "{plan}");
    assert_eq!((runs(), export(&db).await), before, "a dry run wrote to the database");
}

/// `copies` copies of every newsroom page, each under its own URL, in one WARC file.
async fn big_warc(ws: &Workspace, copies: usize) -> (PathBuf, usize) {
    let news = newsroom(Duration::ZERO).await;
    let pages = story_pages(&news).await;
    let mut many = Vec::new();
    for k in 0..copies {
        for (url, date, body) in &pages {
            // The same text under another address: a copy the deduplicator must find,
            // with a rel=canonical that does not name the copy's own URL.
            // Another path on the same host: `/copy-3/kmia/news/...`.
            let path_at = url.match_indices('/').nth(2).map_or(url.len(), |(i, _)| i);
            let copy = format!("{}/copy-{k}{}", &url[..path_at], &url[path_at..]);
            let body = String::from_utf8_lossy(body).replace(url.as_str(), &copy).into_bytes();
            many.push((copy, date.clone(), body));
        }
    }
    let path = ws.path("big.warc.gz");
    write_warc(&path, &many, true);
    (path, many.len())
}

fn backfill_args<'a>(warc: &'a Path, db: &'a Path) -> Vec<&'a str> {
    vec!["backfill", "--warc", warc.to_str().unwrap(), "--db", db.to_str().unwrap()]
}

/// The WARC checkpoint stored in `db`, if any.
fn checkpoint(db: &Path) -> Option<i64> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    conn.query_row("SELECT done_offset FROM backfill_progress", [], |r| r.get(0)).ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_warc_backfill_resumes_from_its_checkpoint_without_reading_again() {
    let ws = Workspace::new();
    let (warc, pages) = big_warc(&ws, COPIES).await;
    let size = std::fs::metadata(&warc).unwrap().len() as i64;
    let db = ws.path("chorus.db");
    let mut child = chorus()
        .args(backfill_args(&warc, &db))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::util::wait_until("a checkpoint part-way", Duration::from_secs(120), || {
        checkpoint(&db).is_some_and(|o| o > 0)
    })
    .await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let at_kill = checkpoint(&db).unwrap();
    assert!(at_kill < size, "the run finished before it was killed: make the file larger");
    let stored_at_kill = crate::util::article_count(&db);

    let summary: Value = serde_json::from_str(
        &run_ok(&[&backfill_args(&warc, &db)[..], &["--json"]].concat()).await,
    )
    .unwrap();
    let source = source_of(&summary);
    // Resumed at the checkpoint or later (the killed run may have written one more).
    let resumed = source["noted"]["resumed_at_byte"].as_i64().unwrap();
    assert!(resumed >= at_kill, "{summary}");
    let read = source["noted"]["records_read"].as_u64().unwrap();
    let all = (2 * pages + 5) as u64;
    assert!(read < all, "the whole file was read again ({read} of {all} records): {summary}");
    // Every record before the checkpoint was stored or skipped: nothing is missing.
    let stored = ids(&export(&db).await);
    let unique: BTreeSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len());
    assert_eq!(stored.len(), pages, "stored {stored_at_kill} before the kill; {summary}");
    assert_eq!(checkpoint(&db), Some(size));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warc_backfill_killed_at_random_moments_ends_with_each_article_once_and_the_same_events()
{
    let ws = Workspace::new();
    let (warc, pages) = big_warc(&ws, COPIES).await;
    let reference_db = ws.path("reference.db");
    let started = std::time::Instant::now();
    run_ok(&backfill_args(&warc, &reference_db)).await;
    let reference_secs = started.elapsed().as_secs_f64();
    let reference = export(&reference_db).await;
    assert_eq!(reference.len(), pages);

    let db = ws.path("killed.db");
    // A small generator seeded from the clock: each run of the test kills at other
    // moments; the seed is printed to replay a failure.
    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
            as u64
            | 1;
    eprintln!("seed {seed}, uninterrupted run {reference_secs:.1} s");
    let mut kills = 0;
    for _ in 0..KILLS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(50 + seed % 700);
        let mut child = chorus()
            .args(backfill_args(&warc, &db))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        tokio::select! {
            status = child.wait() => {
                assert!(status.unwrap().success(), "a run failed on its own");
                break;
            }
            () = tokio::time::sleep(delay) => {
                child.start_kill().unwrap();
                child.wait().await.unwrap();
                kills += 1;
            }
        }
    }
    assert_eq!(kills, KILLS, "the backfill finished before it was killed {KILLS} times");
    run_ok(&backfill_args(&warc, &db)).await;

    let rows = export(&db).await;
    let stored = ids(&rows);
    let unique: BTreeSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "an article was stored twice");
    let expected: BTreeSet<String> = ids(&reference).into_iter().collect();
    assert_eq!(stored.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(
        partition(&rows),
        partition(&reference),
        "the events differ from an uninterrupted run"
    );
    assert_eq!(crate::util::integrity(&db), "ok");
}

/// Copies of the newsroom's pages in the kill tests' WARC file: enough that a run takes
/// longer than the kills leave it.
const COPIES: usize = 16;
/// How many times the crash test kills a run.
const KILLS: usize = 20;
