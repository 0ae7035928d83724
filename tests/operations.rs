//! Running the daemon unattended: its live figures on `/metrics`, `/healthz`, and a
//! config reloaded on SIGHUP.

use std::process::Stdio;
use std::time::Duration;

use chorus_newsroom::catalog;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::util::{Workspace, article_count, chorus, newsroom, signal, wait_until};
use crate::web::{client, parse_prometheus};

const LIMIT: Duration = Duration::from_secs(120);

/// Fast polls, the view on a free loopback port.
const DAEMON: &str = "[pipeline]\npoll_interval_secs = 1\nshutdown_grace_secs = 20\nreorder_ms = 100\n\
     [fetch]\nmin_poll_interval_secs = 1\nmax_poll_interval_secs = 2\n\
     [http]\nlisten = \"127.0.0.1:0\"\n";

/// A running daemon: its view's address and its log file.
struct Daemon {
    child: tokio::process::Child,
    base: String,
    log: std::path::PathBuf,
}

impl Daemon {
    async fn start(ws: &Workspace, config: &std::path::Path) -> Daemon {
        let log = ws.path("daemon.log");
        let file = std::fs::File::create(&log).unwrap();
        let mut child = chorus()
            .args(["run", "--config", config.to_str().unwrap()])
            .env("CHORUS_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(file))
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(LIMIT, lines.next_line()).await.unwrap().unwrap().unwrap();
        let base = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_owned();
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Daemon { child, base, log }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn metrics(&self) -> Vec<(String, f64)> {
        let text = client().get(self.url("/metrics")).send().await.unwrap().text().await.unwrap();
        parse_prometheus(&text)
    }
}

/// The value of the sample named exactly `series` (`name{labels}`), if any.
fn sample(samples: &[(String, f64)], series: &str) -> Option<f64> {
    samples.iter().find(|(s, _)| s == series).map(|(_, v)| *v)
}

/// The config's text up to its first `[[feeds]]`, and each feed's block.
fn split_feeds(text: &str) -> (String, Vec<String>) {
    let mut parts = text.split("[[feeds]]");
    let head = parts.next().unwrap().to_owned();
    (head, parts.map(|p| format!("[[feeds]]{p}")).collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_show_each_stage_its_queues_and_fetch_latencies_and_healthz_says_ok() {
    let news = newsroom(Duration::from_millis(50)).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", DAEMON);
    let db = ws.path("chorus.db");
    let mut daemon = Daemon::start(&ws, &config).await;
    let total = catalog().stories.len() as i64;
    wait_until("every article", LIMIT, || article_count(&db) == total).await;

    let samples = daemon.metrics().await;
    let get = |series: &str| sample(&samples, series);
    for stage in ["source", "fetch", "extract", "reorder", "dedup", "store"] {
        assert_eq!(get(&format!("chorus_stage_up{{stage=\"{stage}\"}}")), Some(1.0), "{stage}");
        let received = get(&format!("chorus_stage_received_total{{stage=\"{stage}\"}}"));
        assert!(received.is_some_and(|n| n > 0.0), "{stage} received {received:?}");
    }
    // The stages that work on every article count the CPU it took them.
    for stage in ["extract", "dedup", "store"] {
        let cpu = get(&format!("chorus_stage_cpu_seconds_total{{stage=\"{stage}\"}}"));
        assert!(cpu.is_some_and(|s| s > 0.0), "{stage} took {cpu:?} s of CPU");
    }
    // Each article's age at each stage it left: all of them, older at each stage than at
    // the one before (ages only grow along the pipeline).
    let mut sums = Vec::new();
    for stage in ["extract", "reorder", "dedup", "store"] {
        let count = get(&format!("chorus_article_age_seconds_count{{stage=\"{stage}\"}}"));
        assert_eq!(count, Some(total as f64), "{stage}: articles aged");
        sums.push(get(&format!("chorus_article_age_seconds_sum{{stage=\"{stage}\"}}")).unwrap());
    }
    assert!(sums.windows(2).all(|w| w[0] <= w[1]) && sums[0] > 0.0, "ages by stage: {sums:?}");
    // The store counts articles newly written: all of them, each once.
    assert_eq!(get("chorus_stage_sent_total{stage=\"store\"}"), Some(total as f64));
    for queue in ["jobs", "pages", "extracted", "articles", "classified", "checks"] {
        let capacity = get(&format!("chorus_queue_capacity{{queue=\"{queue}\"}}"));
        let depth = get(&format!("chorus_queue_depth{{queue=\"{queue}\"}}"));
        assert!(capacity.is_some_and(|c| c > 0.0), "{queue}: capacity {capacity:?}");
        assert!(depth.is_some_and(|d| d <= capacity.unwrap()), "{queue}: depth {depth:?}");
    }
    // Every page was downloaded once, after its 50 ms delay, and counted by outcome.
    let pages = "chorus_fetch_duration_seconds_count{kind=\"page\",outcome=\"ok\"}";
    assert!(get(pages).is_some_and(|n| n >= total as f64), "{:?}", get(pages));
    let under_25ms =
        "chorus_fetch_duration_seconds_bucket{kind=\"page\",outcome=\"ok\",le=\"0.025\"}";
    assert_eq!(get(under_25ms), Some(0.0), "a delayed page came faster than its delay");
    let inf = "chorus_fetch_duration_seconds_bucket{kind=\"page\",outcome=\"ok\",le=\"+Inf\"}";
    assert_eq!(get(inf), get(pages));
    let feeds = "chorus_fetch_duration_seconds_count{kind=\"feed\",outcome=\"ok\"}";
    assert!(get(feeds).is_some_and(|n| n > 0.0), "{:?}", get(feeds));
    assert_eq!(get("chorus_articles"), Some(total as f64));

    let health = client().get(daemon.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    signal(&daemon.child, "TERM");
    let status = tokio::time::timeout(LIMIT, daemon.child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sighup_reloads_the_feeds_and_keeps_the_old_config_when_the_new_one_is_invalid() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", DAEMON);
    let db = ws.path("chorus.db");
    let (head, feeds) = split_feeds(&std::fs::read_to_string(&config).unwrap());
    assert!(feeds.len() >= 3);
    let outlets = |db: &std::path::Path| -> Vec<String> {
        let conn =
            rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .unwrap();
        let mut stmt = conn.prepare("SELECT DISTINCT outlet FROM articles ORDER BY 1").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    // One feed first.
    std::fs::write(&config, format!("{head}{}", feeds[0])).unwrap();
    let mut daemon = Daemon::start(&ws, &config).await;
    wait_until("the first feed's articles", LIMIT, || article_count(&db) > 0).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(outlets(&db).len(), 1, "only one feed was configured");

    // A broken config: refused with every problem named, and the daemon goes on.
    assert!(head.contains("batch_size = 4"), "{head}");
    let broken = format!(
        "{}{}poll_interval_secs = 0\n",
        head.replace("batch_size = 4", "batch_size = 0"),
        feeds.concat()
    );
    std::fs::write(&config, broken).unwrap();
    signal(&daemon.child, "HUP");
    wait_until("the refusal", LIMIT, || daemon.log().contains("config not reloaded")).await;
    let log = daemon.log();
    assert!(log.contains("store.batch_size"), "the batch size is not named:\n{log}");
    assert!(log.contains("poll_interval_secs"), "the feed's interval is not named:\n{log}");
    assert!(daemon.child.try_wait().unwrap().is_none(), "the daemon stopped:\n{log}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(outlets(&db).len(), 1, "the refused config's feeds were polled");
    let health = client().get(daemon.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    // Every feed: the others are polled without a restart, and each article stored once.
    std::fs::write(&config, format!("{head}{}", feeds.concat())).unwrap();
    signal(&daemon.child, "HUP");
    let total = catalog().stories.len() as i64;
    wait_until("every article", LIMIT, || article_count(&db) == total).await;
    assert!(daemon.log().contains("feed list reloaded"), "{}", daemon.log());
    assert_eq!(outlets(&db).len(), feeds.len());

    // The first feed removed: named as removed, and not polled any more.
    std::fs::write(&config, format!("{head}{}", feeds[1..].concat())).unwrap();
    signal(&daemon.child, "HUP");
    wait_until("the second reload", LIMIT, || {
        daemon.log().matches("feed list reloaded").count() == 2
    })
    .await;
    let log = daemon.log();
    let line = log.lines().filter(|l| l.contains("feed list reloaded")).nth(1).unwrap();
    let first_url = feeds[0].split('"').nth(1).unwrap();
    assert!(line.contains(&format!("removed=[\"{first_url}\"]")), "{line}");

    signal(&daemon.child, "TERM");
    let status = tokio::time::timeout(LIMIT, daemon.child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "{status}");
}

/// The daemon runs with few glibc malloc arenas (it starts itself again under
/// `MALLOC_ARENA_MAX=2`, which keeps its memory from creeping), unless a value is given.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[tokio::test(flavor = "multi_thread")]
async fn the_daemon_runs_with_few_malloc_arenas_unless_told_otherwise() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", DAEMON);
    for (given, want) in [(None, "2"), (Some("4"), "4")] {
        let mut cmd = chorus();
        cmd.args(["run", "--config", config.to_str().unwrap()]).stdout(Stdio::piped());
        match given {
            Some(value) => cmd.env("MALLOC_ARENA_MAX", value),
            None => cmd.env_remove("MALLOC_ARENA_MAX"),
        };
        let mut child = cmd.spawn().unwrap();
        // The first line comes once the view serves: the restart is behind it.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = tokio::time::timeout(LIMIT, lines.next_line()).await.unwrap().unwrap();
        assert!(first.is_some_and(|l| l.contains("http://")), "the daemon serves");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let pid = child.id().unwrap();
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
        let expected = format!("MALLOC_ARENA_MAX={want}");
        let found = environ.split(|&b| b == 0).any(|var| var == expected.as_bytes());
        assert!(found, "given {given:?}: no {expected} in the daemon's environment");
        signal(&child, "TERM");
        let status = tokio::time::timeout(LIMIT, child.wait()).await.unwrap().unwrap();
        assert!(status.success(), "{status}");
    }
}
