//! `chorus run`: the daemon drains on SIGTERM, and a SIGKILL loses nothing a restart
//! cannot finish.

use std::process::Stdio;
use std::time::Duration;

use chorus_newsroom::catalog;

use crate::util::{
    Workspace, article_count, chorus, export, integrity, newsroom, partition, run_ok, signal,
    wait_until,
};

/// Fast polls (the adaptive schedule kept between one and five seconds), and a short
/// reorder hold so articles reach the database as they come.
const DAEMON: &str = "[pipeline]\npoll_interval_secs = 1\nshutdown_grace_secs = 20\nreorder_ms = 100\n\
     [fetch]\nmin_poll_interval_secs = 1\nmax_poll_interval_secs = 5\n";
const LIMIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_drains_and_exits_zero() {
    // Slow pages, so that downloads are in flight when the signal comes.
    let news = newsroom(Duration::from_millis(200)).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", DAEMON);
    let db = ws.path("chorus.db");
    let daemon = chorus()
        .args(["run", "--config", config.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the first articles", LIMIT, || article_count(&db) > 0).await;
    signal(&daemon, "TERM");
    let out = tokio::time::timeout(LIMIT, daemon.wait_with_output()).await.expect("exits").unwrap();
    assert!(out.status.success(), "the daemon exited with {}", out.status);
    // Draining loses nothing in between: each stage received what the one before sent.
    let summary = String::from_utf8_lossy(&out.stdout);
    let counts: Vec<(String, u64, u64)> = summary
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            match w.as_slice() {
                [stage, "received", r, "sent", s, ..] => {
                    Some(((*stage).to_owned(), r.parse().ok()?, s.parse().ok()?))
                }
                _ => None,
            }
        })
        .collect();
    let names: Vec<&str> = counts.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["source", "fetch", "extract", "reorder", "dedup", "store"], "{summary}");
    for pair in ["fetch", "extract", "reorder", "dedup"].windows(2) {
        let sent = counts.iter().find(|c| c.0 == pair[0]).unwrap().2;
        let received = counts.iter().find(|c| c.0 == pair[1]).unwrap().1;
        assert_eq!(
            sent, received,
            "{} sent {sent} but {} received {received}:\n{summary}",
            pair[0], pair[1]
        );
    }
    // Whatever was stored is whole: every stored article has text and an event.
    let rows = export(&db).await;
    assert_eq!(rows.len() as u64, counts.iter().find(|c| c.0 == "dedup").unwrap().2, "{summary}");
    for row in rows {
        assert!(!row["text"].as_str().unwrap().is_empty() && row["event"].is_number(), "{row}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_daemon_killed_again_and_again_ends_with_every_article_once_and_the_same_events() {
    let total = catalog().stories.len() as i64;
    // Slow pages (the whole newsroom takes several seconds), so kills land mid-run: while
    // pages download, while articles are classified, while a batch is written.
    let news = newsroom(Duration::from_millis(700)).await;
    let ws = Workspace::new();

    // The reference: one uninterrupted backfill.
    let reference = ws.config(&news, "reference.db", "");
    run_ok(&["backfill", "--config", reference.to_str().unwrap()]).await;
    let want = export(&ws.path("reference.db")).await;
    assert_eq!(want.len() as i64, total);

    // The daemon, killed with SIGKILL at random moments, restarted each time.
    let config = ws.config(&news, "killed.db", DAEMON);
    let db = ws.path("killed.db");
    let start = || {
        chorus()
            .args(["run", "--config", config.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut random = Lcg(seed);
    let mut kills = 0;
    let mut mid_run = 0;
    while kills < KILLS {
        let mut daemon = start();
        // Between 0.2 s (still starting up) and 1.5 s (well into the run).
        tokio::time::sleep(Duration::from_millis(200 + random.below(1300))).await;
        let before = article_count(&db);
        signal(&daemon, "KILL");
        let _ = daemon.wait().await;
        kills += 1;
        if before < total {
            mid_run += 1;
        }
    }
    assert!(
        mid_run >= KILLS / 2,
        "only {mid_run} of {KILLS} kills came before the end (seed {seed})"
    );

    let mut last = start();
    wait_until("every article", LIMIT, || article_count(&db) == total).await;
    signal(&last, "TERM");
    let status = last.wait().await.unwrap();
    assert!(status.success(), "{status} (seed {seed})");

    assert_eq!(integrity(&db), "ok", "seed {seed}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (rows, urls): (i64, i64) = conn
        .query_row("SELECT count(*), count(DISTINCT url) FROM articles", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((rows, urls), (total, total), "an article stored twice, or one lost (seed {seed})");

    let got = export(&db).await;
    assert_eq!(got.len(), want.len());
    assert_eq!(
        partition(&got),
        partition(&want),
        "the restarted runs grouped articles differently (seed {seed})"
    );
    // The same copies are found. Which of two copies counts as the original follows
    // arrival order, which a kill can change, so only the pairing is compared.
    let pairs = |rows: &[serde_json::Value]| {
        rows.iter()
            .filter_map(|r| {
                let of = r["duplicate_of"].as_str()?.to_owned();
                let id = r["id"].as_str()?.to_owned();
                Some(if id < of { (id, of) } else { (of, id) })
            })
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(pairs(&got), pairs(&want), "duplicates differ (seed {seed})");
    assert!(!pairs(&want).is_empty(), "the wire reprint was not found");
}

/// How many times the crash test kills the daemon.
const KILLS: usize = 20;

/// A small seeded generator for kill moments (the seed is printed with any failure).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_database_stops_the_daemon_clearly_and_a_restart_with_room_goes_on() {
    let total = catalog().stories.len() as i64;
    let news = newsroom(Duration::from_millis(20)).await;
    let ws = Workspace::new();
    // Room for the schema (about 0.13 MiB) and a few articles with their kept pages, not
    // for the newsroom (about 0.6 MiB).
    let config = ws.config(&news, "full.db", DAEMON);
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[store]\n", "[store]\nmax_size_mb = 0.25\n");
    std::fs::write(&config, text).unwrap();
    let db = ws.path("full.db");
    let out = tokio::time::timeout(
        LIMIT,
        chorus().args(["run", "--config", config.to_str().unwrap()]).output(),
    )
    .await
    .expect("the daemon stops by itself when the database is full")
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is full (store.max_size_mb = 0.25 reached"), "{stderr}");
    assert!(stderr.contains("nothing stored before it is lost"), "{stderr}");
    let stored = article_count(&db);
    assert!(stored > 0 && stored < total, "{stored} of {total} stored before it was full");
    assert_eq!(integrity(&db), "ok");

    // Room again: the next start goes on from there to every article, each once.
    let text = std::fs::read_to_string(&config).unwrap().replace("max_size_mb = 0.25", "");
    std::fs::write(&config, text).unwrap();
    let mut daemon = chorus()
        .args(["run", "--config", config.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("every article", LIMIT, || article_count(&db) == total).await;
    signal(&daemon, "TERM");
    assert!(daemon.wait().await.unwrap().success());
    assert_eq!(integrity(&db), "ok");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let urls: i64 =
        conn.query_row("SELECT count(DISTINCT url) FROM articles", [], |r| r.get(0)).unwrap();
    assert_eq!(urls, total);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_writer_on_one_database_is_refused() {
    let news = newsroom(Duration::from_millis(200)).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", DAEMON);
    let db = ws.path("chorus.db");
    let mut daemon = chorus()
        .args(["run", "--config", config.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the daemon to start writing", LIMIT, || article_count(&db) > 0).await;
    let second = crate::util::run(&["backfill", "--config", config.to_str().unwrap()]).await;
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains("another chorus process is writing") && err.contains("chorus.db"),
        "{err}"
    );
    signal(&daemon, "TERM");
    assert!(daemon.wait().await.unwrap().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_backfill_says_so_and_exits_130() {
    let news = newsroom(Duration::from_millis(1000)).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", DAEMON);
    let db = ws.path("chorus.db");
    let backfill = chorus()
        .args(["backfill", "--config", config.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the first articles", LIMIT, || article_count(&db) > 0).await;
    signal(&backfill, "INT");
    let out =
        tokio::time::timeout(LIMIT, backfill.wait_with_output()).await.expect("exits").unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&out.stdout).contains("interrupted"));
    // What was in flight was drained and stored, not dropped.
    assert!(article_count(&db) > 0);
}

/// The daemon compares and clusters with the sentence-embedding model the config names and
/// `chorus feeds` says which; a backfill runs on words alone and says that instead. A
/// `model_dir` that holds no model is refused before anything runs.
#[tokio::test(flavor = "multi_thread")]
async fn each_run_says_whether_it_used_a_sentence_embedding_model() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/all-MiniLM-L6-v2");
    assert!(
        std::path::Path::new(model).join("config.json").is_file(),
        "no sentence-embedding model at {model}: run `make model` (make test does)"
    );
    let config =
        ws.config(&news, "chorus.db", &format!("{DAEMON}\n[embed]\nmodel_dir = {model:?}\n"));
    let db = ws.path("chorus.db");
    let daemon = chorus()
        .args(["run", "--config", config.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the first articles", LIMIT, || article_count(&db) > 0).await;
    signal(&daemon, "TERM");
    assert!(daemon.wait_with_output().await.unwrap().status.success());
    let feeds = run_ok(&["feeds", "--db", db.to_str().unwrap()]).await;
    assert!(feeds.contains("sentence meaning: model all-MiniLM-L6-v2-"), "{feeds}");

    let backfill = ws.config(&news, "backfill.db", "");
    run_ok(&["backfill", "--config", backfill.to_str().unwrap()]).await;
    let feeds = run_ok(&["feeds", "--db", ws.path("backfill.db").to_str().unwrap()]).await;
    assert!(feeds.contains("sentence meaning: words only"), "{feeds}");

    let empty = ws.path("no-model");
    std::fs::create_dir_all(&empty).unwrap();
    let wrong = ws.config(&news, "wrong.db", &format!("[embed]\nmodel_dir = {empty:?}\n"));
    let out = crate::util::run(&["run", "--config", wrong.to_str().unwrap()]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("embed.model_dir") && err.contains("config.json"), "{err}");
    assert!(!ws.path("wrong.db").exists(), "nothing is written for a config that is refused");
}

/// `(events of two outlets or more, of them with a comparison kept by meaning)`, read
/// directly while the daemon writes.
fn kept_comparisons(db: &std::path::Path) -> (i64, i64) {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return (0, 0);
    };
    conn.query_row(
        "SELECT count(*), count(c.event_id) FROM events e
         LEFT JOIN event_comparisons c ON c.event_id = e.id AND c.by_meaning
         WHERE e.merged_into IS NULL AND e.outlet_count >= 2",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap_or((0, 0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_keeps_each_events_comparison_and_views_read_it() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/all-MiniLM-L6-v2");
    let config =
        ws.config(&news, "chorus.db", &format!("{DAEMON}\n[embed]\nmodel_dir = {model:?}\n"));
    let db = ws.path("chorus.db");
    let daemon = chorus()
        .args(["run", "--config", config.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("every multi-outlet event compared by meaning", LIMIT, || {
        let (events, kept) = kept_comparisons(&db);
        events >= 2 && kept == events
    })
    .await;
    signal(&daemon, "TERM");
    assert!(daemon.wait_with_output().await.unwrap().status.success());

    // `chorus event` shows the kept comparison: marked in the file, the mark shows.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let id: i64 = conn
        .query_row("SELECT event_id FROM event_comparisons ORDER BY event_id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let kept: String = conn
        .query_row("SELECT coverage FROM event_comparisons WHERE event_id = ?1", [id], |r| r.get(0))
        .unwrap();
    let mut coverage: serde_json::Value = serde_json::from_str(&kept).unwrap();
    assert_eq!(coverage["by_meaning"], true);
    coverage["unique"] =
        serde_json::json!([{ "outlet": "Marker", "claims": ["kept, not recomputed"] }]);
    conn.execute(
        "UPDATE event_comparisons SET coverage = ?2 WHERE event_id = ?1",
        rusqlite::params![id, coverage.to_string()],
    )
    .unwrap();
    let shown = run_ok(&["event", &id.to_string(), "--json", "--db", db.to_str().unwrap()]).await;
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["coverage"]["unique"][0]["outlet"], "Marker", "{shown}");

    // Once the event gains an original, the kept comparison is stale and never shown.
    conn.execute(
        "UPDATE articles SET event_id = ?1 WHERE seq = (
             SELECT max(seq) FROM articles WHERE event_id != ?1 AND duplicate_of IS NULL)",
        [id],
    )
    .unwrap();
    let shown = run_ok(&["event", &id.to_string(), "--json", "--db", db.to_str().unwrap()]).await;
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert!(
        shown["coverage"]["unique"].as_array().unwrap().iter().all(|u| u["outlet"] != "Marker"),
        "{shown}"
    );
}
