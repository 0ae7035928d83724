//! The daemon among misbehaving feeds: every fault is reported against its feed, the daemon
//! keeps running, and nothing the good feeds carry is lost.

use std::collections::{BTreeSet, HashMap};
use std::process::Stdio;
use std::time::Duration;

use chorus_newsroom::catalog;
use serde_json::Value;

use crate::util::{Workspace, chorus, export, newsroom, signal, wait_until};

const LIMIT: Duration = Duration::from_secs(120);

/// The gap between request starts to one host: short, to keep the test quick, and long
/// enough to tell from no gap at all.
const GAP_MS: u64 = 400;

/// How much shorter than the gap two arrivals may be: the gap is kept between the starts
/// the client reserves, and a request can spend a while on a busy machine between its
/// start and its arrival (a new connection, a descheduled thread). Without a gap, the
/// requests for one feed's pages arrive within a millisecond of each other.
const JITTER_MS: u64 = 300;

/// The hostile feeds, by the name the test gives them, and what their failure must say.
/// An empty message: the feed must be read, not fail (the flaky one after two failures).
const HOSTILE: &[(&str, &str, &str)] = &[
    ("flaky", "flaky-feed.xml?fail=2&id=faults", ""),
    ("cut off", "malformed-feed.xml", ""),
    ("latin-1", "latin1-feed.xml", ""),
    ("huge", "huge-feed.xml?items=5000", ""),
    ("endless redirects", "redirect-loop", "redirects"),
    ("not a feed", "not-a-feed", "not a feed"),
    ("gzip bomb", "gzip-bomb", "larger than"),
    ("endless", "endless", "larger than"),
    ("slow", "slow", "timed out"),
    ("private redirect", "redirect?to=http://127.0.1.1:9/feed.xml", "127.0.1.1"),
    ("rate limited", "status/429", "429"),
    ("unavailable", "status/503", "503"),
    ("gone", "status/410", "410"),
    ("missing", "status/404", "404"),
];

/// The canonical URLs of the stored articles (none before the database exists).
fn canonical_urls(db: &std::path::Path) -> BTreeSet<String> {
    let Some(conn) = read_only(db) else { return BTreeSet::new() };
    let Ok(mut stmt) = conn.prepare("SELECT canonical_url FROM articles") else {
        return BTreeSet::new();
    };
    stmt.query_map([], |r| r.get::<_, Option<String>>(0))
        .map(|rows| rows.filter_map(|r| r.ok().flatten()).collect())
        .unwrap_or_default()
}

/// For each feed by outlet: whether it has succeeded, and whether it has an error.
fn feed_columns(db: &std::path::Path) -> HashMap<String, (bool, bool)> {
    let Some(conn) = read_only(db) else { return HashMap::new() };
    let Ok(mut stmt) =
        conn.prepare("SELECT outlet, last_success IS NOT NULL, last_error IS NOT NULL FROM feeds")
    else {
        return HashMap::new();
    };
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

fn read_only(db: &std::path::Path) -> Option<rusqlite::Connection> {
    if !db.exists() {
        return None;
    }
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()
}

/// The status of one feed as `chorus feeds --json` prints it, by outlet name.
async fn feeds(db: &std::path::Path) -> HashMap<String, Value> {
    let out = chorus()
        .args(["feeds", "--json", "--db", db.to_str().unwrap()])
        .output()
        .await
        .expect("chorus feeds runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
        .map(|v| (v["outlet"].as_str().unwrap_or_default().to_owned(), v))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daemon_reports_each_fault_keeps_running_and_loses_nothing() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let db = ws.path("chorus.db");
    let mut hostile_feeds = String::new();
    for (name, path, _) in HOSTILE {
        hostile_feeds.push_str(&format!(
            "[[feeds]]\nurl = {:?}\noutlet = {name:?}\n\n",
            news.hostile_url(path).as_str()
        ));
    }
    // Only the newsroom's own loopback block is allowed: the redirect to 127.0.1.1 must be
    // refused by the address guard, not merely fail to connect.
    let config = ws.path("chorus.toml");
    std::fs::write(
        &config,
        format!(
            "[fetch]\nallowed_networks = [\"127.0.0.0/24\"]\nper_host_gap_ms = {GAP_MS}\ntimeout_secs = 3\n\
             min_poll_interval_secs = 1\nmax_poll_interval_secs = 5\n\
             connect_timeout_secs = 2\nmax_body_bytes = 2000000\n\
             max_entries_per_feed = 10\n\n\
             [pipeline]\npoll_interval_secs = 1\nshutdown_grace_secs = 20\nreorder_ms = 100\n\n\
             [store]\npath = {:?}\nbatch_size = 4\nflush_interval_ms = 100\n\n{}\n{hostile_feeds}",
            db.display().to_string(),
            news.demo_config_feeds(),
        ),
    )
    .unwrap();

    let daemon = chorus()
        .args(["run", "--config", config.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let want: BTreeSet<String> =
        catalog().stories.iter().map(|s| news.article_url(s).to_string()).collect();
    // Waiting reads the database directly: the newsroom answers on this process's runtime,
    // and its request log is only as exact as its workers are free.
    let stored = |db: &std::path::Path| -> BTreeSet<String> { canonical_urls(db) };
    wait_until("every story of the good feeds", LIMIT, || want.is_subset(&stored(&db))).await;
    // Every hostile feed has been tried and has failed (the flaky one has failed twice and
    // then been read).
    let started = std::time::Instant::now();
    loop {
        let tried = feed_columns(&db);
        let waiting: Vec<&str> = HOSTILE
            .iter()
            .filter(|(name, _, says)| {
                let (success, error) = tried.get(*name).copied().unwrap_or_default();
                if says.is_empty() { !success } else { !error }
            })
            .map(|(name, _, _)| *name)
            .collect();
        if waiting.is_empty() {
            break;
        }
        assert!(started.elapsed() < LIMIT, "still waiting for {waiting:?}: {tried:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    signal(&daemon, "TERM");
    let out = tokio::time::timeout(LIMIT, daemon.wait_with_output()).await.expect("exits").unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the daemon exited with {}:\n{log}", out.status);

    let feeds = feeds(&db).await;
    for (name, _, says) in HOSTILE {
        let feed = &feeds[*name];
        if says.is_empty() {
            assert!(feed["last_success"].is_string(), "{name}: {feed}");
            if *name == "flaky" {
                assert!(feed["failures"].as_i64().unwrap_or(0) >= 2, "{name}: {feed}");
            }
            continue;
        }
        let error = feed["last_error"].as_str().unwrap_or_default();
        assert!(error.contains(says), "{name}: `{error}` should say `{says}`");
    }
    // Nothing stored was lost on the way, and every stored article is whole.
    let rows = export(&db).await;
    let urls: BTreeSet<String> =
        rows.iter().filter_map(|r| r["canonical_url"].as_str().map(str::to_owned)).collect();
    assert!(want.is_subset(&urls));
    for row in &rows {
        assert!(!row["text"].as_str().unwrap().is_empty() && row["event"].is_number(), "{row}");
    }

    // No host was asked faster than its gap, even the one serving every hostile feed, which
    // also answered 429 and 503.
    let mut by_host: HashMap<std::net::SocketAddr, Vec<(std::time::Instant, String)>> =
        HashMap::new();
    for r in news.requests() {
        by_host.entry(r.local).or_default().push((r.at, r.path));
    }
    assert!(by_host.len() > 1, "several hosts were asked");
    for (host, mut starts) in by_host {
        starts.sort();
        for w in starts.windows(2) {
            let apart = w[1].0 - w[0].0;
            assert!(
                apart >= Duration::from_millis(GAP_MS - JITTER_MS),
                "{host}: {} and {} {apart:?} apart",
                w[0].1,
                w[1].1
            );
        }
        assert!(news.max_in_flight(host) <= 2, "{host}: more than 2 requests at once");
    }
}
