//! Shared helpers: a newsroom on loopback, config files in temp dirs, the `chorus` binary
//! run as a user runs it, and its database read back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use chorus_newsroom::{Newsroom, NewsroomOptions};
use serde_json::Value;

/// The binary under test.
pub(crate) fn chorus() -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_chorus"));
    cmd.env_remove("CHORUS_DB").env("CHORUS_LOG", "warn,chorus_pipeline=info").kill_on_drop(true);
    cmd
}

/// Runs `chorus ARGS` to completion and returns its output.
pub(crate) async fn run(args: &[&str]) -> Output {
    chorus().args(args).output().await.expect("the chorus binary runs")
}

/// Runs `chorus ARGS`, failing the test with its stderr unless it exits 0.
pub(crate) async fn run_ok(args: &[&str]) -> String {
    let out = run(args).await;
    assert!(
        out.status.success(),
        "chorus {args:?} failed with {}:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// The `[fetch]` section every test config needs: the newsroom is on loopback, which the
/// fetcher refuses by default.
pub(crate) const LOOPBACK_FETCH: &str =
    "[fetch]\nallow_private_networks = true\nper_host_gap_ms = 0\n";

/// A temp dir holding a database and a config pointing at a newsroom.
pub(crate) struct Workspace {
    pub(crate) dir: tempfile::TempDir,
}

impl Workspace {
    pub(crate) fn new() -> Self {
        Workspace { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `fetch.toml` in this dir, `LOOPBACK_FETCH` alone (the fetcher may reach the
    /// loopback test servers, and nothing else), and returns its path for `--config`.
    pub(crate) fn loopback_config(&self) -> String {
        let path = self.path("fetch.toml");
        std::fs::write(&path, LOOPBACK_FETCH).expect("write the loopback config");
        path.to_str().expect("temp path is UTF-8").to_owned()
    }

    /// Writes a config for `newsroom`'s feeds with a database `db` in this dir, plus
    /// `extra` TOML appended; returns its path. The newsroom is on loopback, so the config
    /// starts `[fetch]` with `LOOPBACK_FETCH` (loopback allowed, no gap between requests to
    /// one host); a `[fetch]` table in `extra` adds its keys to that one. robots.txt is
    /// still asked for, and the newsroom has none.
    pub(crate) fn config(&self, newsroom: &Newsroom, db: &str, extra: &str) -> PathBuf {
        let path = self.path(&format!("{db}.toml"));
        // TOML allows one `[fetch]` table: move the keys `extra` gives it under ours.
        let (fetch_keys, extra) = match extra.split_once("[fetch]\n") {
            None => (String::new(), extra.to_owned()),
            Some((before, rest)) => {
                let end = rest.find("\n[").map_or(rest.len(), |i| i + 1);
                (rest[..end].to_owned(), format!("{before}{}", &rest[end..]))
            }
        };
        let text = format!(
            "{LOOPBACK_FETCH}{fetch_keys}\n[store]\npath = {:?}\nbatch_size = 4\nflush_interval_ms = 100\n\n{extra}\n\n{}",
            self.path(db).display().to_string(),
            newsroom.demo_config_feeds()
        );
        std::fs::write(&path, text).expect("write config");
        path
    }
}

/// Starts a newsroom on several loopback hosts.
pub(crate) async fn newsroom(page_delay: Duration) -> Newsroom {
    let options = NewsroomOptions {
        listen: "127.0.0.1:0".parse().expect("addr"),
        multi_host: true,
        page_delay,
        pace: None,
    };
    Newsroom::start(options).await.expect("the newsroom starts")
}

/// Every exported article, one JSON object each.
pub(crate) async fn export(db: &Path) -> Vec<Value> {
    let out =
        run_ok(&["export", "--format", "jsonl", "--db", db.to_str().expect("utf-8 path")]).await;
    out.lines().map(|l| serde_json::from_str(l).expect("export lines are JSON")).collect()
}

/// Export rows keyed by their `id`.
pub(crate) fn by_id(rows: &[Value]) -> BTreeMap<String, Value> {
    rows.iter().map(|r| (r["id"].as_str().expect("id").to_owned(), r.clone())).collect()
}

/// The partition of article ids into events, as a set of sets: equal for two databases
/// that grouped the same articles the same way, whatever ids the events got.
pub(crate) fn partition(rows: &[Value]) -> BTreeSet<BTreeSet<String>> {
    let mut events: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows {
        let event = r["event"].to_string();
        events.entry(event).or_default().insert(r["id"].as_str().expect("id").to_owned());
    }
    events.into_values().collect()
}

/// Articles in the database, read directly (works while a daemon writes it: WAL).
pub(crate) fn article_count(db: &Path) -> i64 {
    if !db.exists() {
        return 0;
    }
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0)).unwrap_or(0)
}

/// What `PRAGMA integrity_check` says of the file: `ok` when it is whole.
pub(crate) fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check runs")
}

/// Waits until `cond` holds, polling; fails the test after `limit`.
pub(crate) async fn wait_until(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends a signal to a child process.
pub(crate) fn signal(child: &tokio::process::Child, sig: &str) {
    let pid = child.id().expect("the child is running");
    let status =
        std::process::Command::new("kill").args([&format!("-{sig}"), &pid.to_string()]).status();
    assert!(status.is_ok_and(|s| s.success()), "kill -{sig} {pid}");
}
