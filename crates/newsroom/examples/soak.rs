//! The soak bench (`make bench-soak`): `chorus run` against a feed farm of 500 feeds whose
//! entries keep appearing, for several minutes. It reports the daemon's memory (RSS) over
//! time, whether every entry that appeared was stored exactly once, and how long an entry
//! took from its publication to being fetched and to being stored.
//!
//! ```text
//! cargo run --release -p chorus-newsroom --example soak -- --chorus target/release/chorus \
//!     [--feeds 500] [--items 2] [--every-ms 1000] [--minutes 4] [--window N]
//! ```

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use chorus_newsroom::farm::{FarmOptions, FeedFarm};
use chrono::{DateTime, Utc};
use tokio::io::{AsyncBufReadExt, BufReader};

/// A line on stdout (the report), flushed at once so progress shows as it comes.
macro_rules! say {
    ($($arg:tt)*) => {{
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, $($arg)*);
        let _ = out.flush();
    }};
}

struct Args {
    chorus: PathBuf,
    feeds: usize,
    items: usize,
    every: Duration,
    run_for: Duration,
    out: PathBuf,
    /// `dedup.max_window_articles`, when set: a small window fills within the run, which
    /// tells the memory the window holds from any other growth.
    window: Option<usize>,
}

fn args() -> Args {
    let mut args = Args {
        chorus: PathBuf::from("target/release/chorus"),
        feeds: 500,
        items: 2,
        every: Duration::from_millis(1000),
        run_for: Duration::from_secs(240),
        out: PathBuf::from("target/bench-soak"),
        window: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| usage(&flag));
        let number = || value.parse::<f64>().unwrap_or_else(|_| usage(&flag));
        match flag.as_str() {
            "--chorus" => args.chorus = PathBuf::from(&value),
            "--feeds" => args.feeds = number() as usize,
            "--items" => args.items = number() as usize,
            "--every-ms" => args.every = Duration::from_secs_f64(number() / 1000.0),
            "--minutes" => args.run_for = Duration::from_secs_f64(number() * 60.0),
            "--out" => args.out = PathBuf::from(&value),
            "--window" => args.window = Some(number() as usize),
            _ => usage(&flag),
        }
    }
    args
}

fn usage(flag: &str) -> ! {
    eprintln!(
        "soak: bad flag {flag:?}\nusage: soak [--chorus PATH] [--feeds N] [--items N] \
         [--every-ms MS] [--minutes M] [--out DIR] [--window N]"
    );
    std::process::exit(2)
}

/// Feeds per farm host: ten, as a small outlet has a handful of section feeds.
const FEEDS_PER_HOST: usize = 10;

#[tokio::main]
async fn main() {
    let args = args();
    if !args.chorus.is_file() {
        eprintln!("soak: no chorus binary at {} (cargo build --release)", args.chorus.display());
        std::process::exit(2);
    }
    std::fs::create_dir_all(&args.out).expect("create the output folder");
    let db = args.out.join("soak.db");
    for suffix in ["", "-wal", "-shm", ".lock"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let hosts = args.feeds.div_ceil(FEEDS_PER_HOST);
    let opts = FarmOptions { hosts, feeds_per_host: FEEDS_PER_HOST, items_per_feed: args.items };
    let farm = FeedFarm::start_growing(opts, args.every).await.expect("the farm starts");
    let config = write_config(&args.out, &db, &farm, args.window);
    let feeds = hosts * FEEDS_PER_HOST;
    say!(
        "soak: {feeds} feeds on {hosts} loopback hosts, {} entries at start, one new entry \
         every {:?}, for {:?}",
        feeds * args.items,
        args.every,
        args.run_for
    );

    let log = std::fs::File::create(args.out.join("daemon.log")).expect("the log file");
    let mut daemon = tokio::process::Command::new(&args.chorus)
        .args(["run", "--config", config.to_str().expect("UTF-8 path")])
        .env("CHORUS_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .expect("chorus starts");
    let pid = daemon.id().expect("running");
    let mut lines = BufReader::new(daemon.stdout.take().expect("piped")).lines();
    let first = lines.next_line().await.ok().flatten().unwrap_or_default();
    let metrics_url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .map(|base| format!("{base}metrics"));
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    // Memory and progress every five seconds; the daemon's figures once warmed up (see
    // `warm` below), so that its latency histograms can be read for the steady state alone.
    let start = Instant::now();
    let backlog = (hosts * FEEDS_PER_HOST * args.items) as i64;
    let mut samples: Vec<(f64, u64, i64)> = Vec::new();
    let mut metrics_at_warm: Option<String> = None;
    while start.elapsed() < args.run_for {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let Some(rss) = rss_kib(pid) else {
            eprintln!("soak: the daemon stopped; see {}", args.out.join("daemon.log").display());
            std::process::exit(1);
        };
        let stored = count(&db);
        samples.push((start.elapsed().as_secs_f64(), rss, stored));
        if metrics_at_warm.is_none()
            && stored >= backlog
            && start.elapsed() >= Duration::from_secs(60)
            && let Some(url) = &metrics_url
        {
            metrics_at_warm = Some(fetch_text(url).await);
        }
        say!("  t={:>5.0}s  rss={:>7} KiB  stored={stored}", start.elapsed().as_secs_f64(), rss);
    }

    // Everything that appeared until now must be stored; give the last ones time to be
    // polled (the adaptive schedule's slowest interval) and written.
    let published = farm.published_since_start();
    let mut expected: HashSet<String> = farm.article_urls().iter().map(|u| u.to_string()).collect();
    expected.extend(published.iter().map(|(u, _)| u.to_string()));
    let drain_until = Instant::now() + Duration::from_secs(90);
    while Instant::now() < drain_until && !stored_urls(&db).is_superset(&expected) {
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let metrics = match &metrics_url {
        Some(url) => fetch_text(url).await,
        None => String::new(),
    };
    let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
    let status = tokio::time::timeout(Duration::from_secs(60), daemon.wait()).await;
    let clean = matches!(status, Ok(Ok(s)) if s.success());

    let rows = rows(&db);
    let stored: HashSet<&str> = rows.iter().map(|r| r.url.as_str()).collect();
    let missed = expected.iter().filter(|u| !stored.contains(u.as_str())).count();
    let doubled = rows.len() - stored.len();
    let by_url: HashMap<&str, &Row> = rows.iter().map(|r| (r.url.as_str(), r)).collect();
    let (mut to_fetch, mut to_store, mut total) = (Vec::new(), Vec::new(), Vec::new());
    for (url, at) in &published {
        let Some(row) = by_url.get(url.as_str()) else { continue };
        let secs = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_milliseconds() as f64 / 1e3;
        if let Some(fetched) = row.fetched_at {
            to_fetch.push(secs(*at, fetched));
            to_store.push(secs(fetched, row.stored_at));
        }
        total.push(secs(*at, row.stored_at));
    }

    // Warm-up: until the entries listed at start are stored, and at least a minute.
    let warm = samples
        .iter()
        .position(|&(t, _, stored)| stored >= backlog && t >= 60.0)
        .unwrap_or(samples.len().saturating_sub(1));
    let after: Vec<u64> = samples[warm..].iter().map(|s| s.1).collect();
    let at_warm = after.first().copied().unwrap_or(0);
    let peak = after.iter().copied().max().unwrap_or(0);
    let last = after.last().copied().unwrap_or(0);
    let slope = slope_kib_per_min(&samples[warm..]);
    // The second half of the run after warm-up: whether the growth levels off.
    let half = warm + (samples.len() - warm) / 2;
    let late_slope = slope_kib_per_min(&samples[half..]);
    let late_articles = match (samples.get(half), samples.last()) {
        (Some(a), Some(b)) => (b.2 - a.2).max(0),
        _ => 0,
    };
    let late_growth = match (samples.get(half), samples.last()) {
        (Some(a), Some(b)) => b.1 as f64 - a.1 as f64,
        _ => 0.0,
    };

    let mut report = String::new();
    let mut line = |s: String| {
        say!("{s}");
        report.push_str(&s);
        report.push('\n');
    };
    line(format!(
        "soak: {} entries published during the run, {} expected in all; stored {} rows: {missed} missed, {doubled} doubled; daemon stopped cleanly: {clean}",
        published.len(),
        expected.len(),
        rows.len()
    ));
    line(format!(
        "memory (RSS): {at_warm} KiB after warm-up (t={:.0}s), peak {peak} KiB after it, {last} KiB at the end; trend after warm-up {slope:+.0} KiB/min",
        samples.get(warm).map_or(0.0, |s| s.0)
    ));
    line(format!(
        "memory, second half after warm-up (t={:.0}s on): trend {late_slope:+.0} KiB/min, {late_growth:+.0} KiB over {late_articles} articles stored ({:+.1} KiB per article; the dedup window keeps at most dedup.max_window_articles)",
        samples.get(half).map_or(0.0, |s| s.0),
        late_growth / late_articles.max(1) as f64
    ));
    line(format!(
        "latency, publication -> fetched (poll wait + download): {}",
        quantiles(&mut to_fetch)
    ));
    line(format!(
        "latency, fetched -> stored (extract, reorder, dedup, store):  {}",
        quantiles(&mut to_store)
    ));
    line(format!(
        "latency, publication -> stored:                             {}",
        quantiles(&mut total)
    ));
    // The daemon's own view of the same path, stage by stage (its /metrics histograms,
    // less what they held at warm-up: the steady state only).
    let warm_metrics = metrics_at_warm.unwrap_or_default();
    for stage in ["extract", "reorder", "dedup", "store"] {
        line(format!(
            "  after warm-up, age of an article leaving {stage:<8} (since its download): {}",
            age_quantiles(&metrics, &warm_metrics, stage)
        ));
    }
    for name in
        ["chorus_queue_depth", "chorus_stage_dropped_total", "chorus_stage_cpu_seconds_total"]
    {
        for sample in metrics.lines().filter(|l| l.starts_with(name)) {
            line(format!("  {sample}"));
        }
    }
    std::fs::write(args.out.join("report.txt"), &report).expect("write the report");
    let mut csv = std::fs::File::create(args.out.join("rss.csv")).expect("rss.csv");
    let _ = writeln!(csv, "seconds,rss_kib,stored");
    for (t, rss, stored) in &samples {
        let _ = writeln!(csv, "{t:.0},{rss},{stored}");
    }
    farm.shutdown().await;
    if missed > 0 || doubled > 0 {
        std::process::exit(1);
    }
}

fn write_config(out: &Path, db: &Path, farm: &FeedFarm, window: Option<usize>) -> PathBuf {
    let mut text = format!(
        "[fetch]\nallow_private_networks = true\nper_host_gap_ms = 100\nrespect_robots = false\n\
         min_poll_interval_secs = 5\nmax_poll_interval_secs = 20\n\n\
         [pipeline]\npoll_interval_secs = 10\nreorder_ms = 500\n\n\
         [store]\npath = {:?}\n\n[http]\nlisten = \"127.0.0.1:0\"\n\n",
        db.display().to_string()
    );
    if let Some(n) = window {
        text.push_str(&format!("[dedup]\nmax_window_articles = {n}\n\n"));
    }
    for (i, url) in farm.feed_urls().iter().enumerate() {
        text.push_str(&format!(
            "[[feeds]]\nurl = \"{url}\"\noutlet = \"Farm outlet {}\"\n\n",
            i / FEEDS_PER_HOST
        ));
    }
    let path = out.join("soak.toml");
    std::fs::write(&path, text).expect("write the config");
    path
}

/// The process's resident memory, KiB; `None` once it is gone.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn open(db: &Path) -> Option<rusqlite::Connection> {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()
}

fn count(db: &Path) -> i64 {
    open(db)
        .and_then(|c| c.query_row("SELECT count(*) FROM articles", [], |r| r.get(0)).ok())
        .unwrap_or(0)
}

fn stored_urls(db: &Path) -> HashSet<String> {
    rows(db).into_iter().map(|r| r.url).collect()
}

struct Row {
    url: String,
    fetched_at: Option<DateTime<Utc>>,
    stored_at: DateTime<Utc>,
}

fn rows(db: &Path) -> Vec<Row> {
    let Some(conn) = open(db) else { return Vec::new() };
    let Ok(mut stmt) = conn.prepare("SELECT url, fetched_at, stored_at FROM articles") else {
        return Vec::new();
    };
    let time = |s: Option<String>| {
        s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok()).map(|t| t.with_timezone(&Utc))
    };
    let read = stmt.query_map([], |r| {
        Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?))
    });
    let Ok(read) = read else { return Vec::new() };
    read.filter_map(Result::ok)
        .filter_map(|(url, fetched, stored)| {
            Some(Row { url: url?, fetched_at: time(fetched), stored_at: time(Some(stored))? })
        })
        .collect()
}

fn quantiles(values: &mut [f64]) -> String {
    if values.is_empty() {
        return "no entries".to_owned();
    }
    values.sort_by(f64::total_cmp);
    let q = |p: f64| values[((values.len() - 1) as f64 * p).round() as usize];
    format!(
        "n={} p50={:.1}s p90={:.1}s p99={:.1}s max={:.1}s",
        values.len(),
        q(0.5),
        q(0.9),
        q(0.99),
        values[values.len() - 1]
    )
}

/// Least-squares slope of RSS over time, KiB a minute.
/// The cumulative buckets `(le, count)` of `chorus_article_age_seconds{stage}` in a
/// /metrics text.
fn age_buckets(metrics: &str, stage: &str) -> Vec<(f64, f64)> {
    let prefix = format!("chorus_article_age_seconds_bucket{{stage=\"{stage}\",le=\"");
    let mut buckets = Vec::new();
    for line in metrics.lines() {
        let Some(rest) = line.strip_prefix(&prefix) else { continue };
        let Some((le, value)) = rest.split_once("\"} ") else { continue };
        let bound = if le == "+Inf" { f64::INFINITY } else { le.parse().unwrap_or(f64::NAN) };
        if let Ok(n) = value.trim().parse::<f64>() {
            buckets.push((bound, n));
        }
    }
    buckets
}

/// p50 and p90 of `chorus_article_age_seconds{stage}` between two /metrics texts, taken
/// at warm-up and at the end, interpolated within buckets as Prometheus's
/// `histogram_quantile` does.
fn age_quantiles(metrics: &str, at_warm: &str, stage: &str) -> String {
    let before = age_buckets(at_warm, stage);
    let mut buckets = age_buckets(metrics, stage);
    for (i, (_, n)) in buckets.iter_mut().enumerate() {
        *n -= before.get(i).map_or(0.0, |b| b.1);
    }
    let Some(&(_, total)) = buckets.last() else { return "not reported".to_owned() };
    if total == 0.0 {
        return "no articles".to_owned();
    }
    let quantile = |q: f64| {
        let rank = q * total;
        let mut lower = (0.0, 0.0);
        for &(bound, n) in &buckets {
            if n >= rank {
                if bound.is_infinite() {
                    return format!("> {}s", lower.0);
                }
                let share = if n > lower.1 { (rank - lower.1) / (n - lower.1) } else { 1.0 };
                return format!("{:.2}s", lower.0 + (bound - lower.0) * share);
            }
            lower = (bound, n);
        }
        "?".to_owned()
    };
    format!("n={total} p50={} p90={}", quantile(0.5), quantile(0.9))
}

fn slope_kib_per_min(samples: &[(f64, u64, i64)]) -> f64 {
    if samples.len() < 2 {
        return 0.0;
    }
    let n = samples.len() as f64;
    let mean_t = samples.iter().map(|s| s.0).sum::<f64>() / n;
    let mean_r = samples.iter().map(|s| s.1 as f64).sum::<f64>() / n;
    let cov: f64 = samples.iter().map(|s| (s.0 - mean_t) * (s.1 as f64 - mean_r)).sum();
    let var: f64 = samples.iter().map(|s| (s.0 - mean_t).powi(2)).sum();
    if var == 0.0 { 0.0 } else { cov / var * 60.0 }
}

async fn fetch_text(url: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let Ok(client) = reqwest::Client::builder().no_proxy().build() else { return String::new() };
    match client.get(url).send().await {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}
