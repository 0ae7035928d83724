//! `make bench-fetch`: how fast the fetch stage gets through many feeds on many hosts, how
//! much memory it takes, and whether per-host politeness held.
//!
//! The feeds come from the newsroom's feed farm ([`chorus_newsroom::farm`]), run in a child
//! process so that its memory is not counted. Each measurement runs in a child process of
//! its own, so the peak memory (`VmHWM`) is that run's alone:
//!
//! - `baseline`: plain reqwest GETs of every feed, the same overall concurrency, no parsing,
//!   no politeness: what the machine and the loopback network allow;
//! - `chorus, no gap`: the real fetch stage with `per_host_gap_ms = 0`: the cost of polling
//!   (parsing, bookkeeping) over the baseline;
//! - `chorus, polite`: the real fetch stage with a per-host gap: it must hold on every host.
//!
//! Every article the feeds list is given to the stage as already known, so the runs measure
//! feed polls, not page downloads.
//!
//! Usage: `bench_fetch [--hosts N] [--feeds-per-host N] [--items N] [--gap-ms N]`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // A bench reports on the terminal.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chorus_fetch::{FetchConfig, Fetcher};
use chorus_model::{FeedJob, FeedOutcome, FeedSpec, FeedState, PollPolicy};
use chorus_newsroom::farm::{FarmOptions, FeedFarm};
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, mpsc};
use url::Url;

#[derive(Clone, Copy, Debug)]
struct Args {
    hosts: usize,
    feeds_per_host: usize,
    items: usize,
    gap_ms: u64,
    concurrency: usize,
}

/// What a measuring child reports.
#[derive(Debug, Serialize, Deserialize)]
struct Measured {
    feeds: usize,
    failed: usize,
    secs: f64,
    peak_rss_kb: u64,
}

/// What the farm reports about the requests since its last report.
#[derive(Debug, Serialize, Deserialize)]
struct FarmReport {
    requests: usize,
    min_gap_ms: Option<f64>,
    max_in_flight: usize,
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    match argv.get(1).map(String::as_str) {
        Some("farm") => serve_farm(parse_args(&argv[2..])),
        Some("measure") => measure(&argv[2], parse_args(&argv[3..])),
        _ => orchestrate(parse_args(&argv[1..])),
    }
}

fn parse_args(argv: &[String]) -> Args {
    let mut args = Args { hosts: 100, feeds_per_host: 20, items: 10, gap_ms: 200, concurrency: 64 };
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let value = |it: &mut std::slice::Iter<'_, String>| -> u64 {
            let v = it.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
            v.parse().unwrap_or_else(|_| usage(&format!("{flag}: `{v}` is not a number")))
        };
        match flag.as_str() {
            "--hosts" => args.hosts = value(&mut it) as usize,
            "--feeds-per-host" => args.feeds_per_host = value(&mut it) as usize,
            "--items" => args.items = value(&mut it) as usize,
            "--gap-ms" => args.gap_ms = value(&mut it),
            "--concurrency" => args.concurrency = value(&mut it) as usize,
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    args
}

fn usage(problem: &str) -> ! {
    eprintln!("bench_fetch: {problem}");
    eprintln!(
        "usage: bench_fetch [--hosts N] [--feeds-per-host N] [--items N] [--gap-ms N] \
         [--concurrency N]"
    );
    std::process::exit(2)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime")
}

/// The farm child: prints every feed URL, a blank line, then every article URL and a blank
/// line; afterwards, for each `report` line on stdin, prints what the log says since the
/// last report. Ends when stdin closes.
fn serve_farm(args: Args) {
    let rt = runtime();
    let opts = FarmOptions {
        hosts: args.hosts,
        feeds_per_host: args.feeds_per_host,
        items_per_feed: args.items,
    };
    let farm = rt.block_on(FeedFarm::start(opts)).unwrap_or_else(|e| {
        eprintln!("bench_fetch: cannot start the feed farm: {e}");
        std::process::exit(1)
    });
    let mut out = std::io::stdout().lock();
    for url in farm.feed_urls() {
        writeln!(out, "{url}").expect("write to the parent");
    }
    writeln!(out).expect("write to the parent");
    for url in farm.article_urls() {
        writeln!(out, "{url}").expect("write to the parent");
    }
    writeln!(out).expect("write to the parent");
    out.flush().expect("write to the parent");
    let mut seen = 0;
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if line.trim() != "report" {
            continue;
        }
        let log = farm.log();
        let since = chorus_newsroom::farm::FarmLog(log.0[seen..].to_vec());
        seen = log.0.len();
        let p = since.politeness();
        let report = FarmReport {
            requests: p.requests,
            min_gap_ms: p.min_gap.map(|g| g.as_secs_f64() * 1000.0),
            max_in_flight: p.max_in_flight,
        };
        writeln!(out, "{}", serde_json::to_string(&report).expect("plain data serializes"))
            .expect("write to the parent");
        out.flush().expect("write to the parent");
    }
    rt.block_on(farm.shutdown());
}

/// A measuring child: reads feed URLs, a blank line, article URLs and a blank line on
/// stdin, polls every feed by `mode`, and prints one [`Measured`] line.
fn measure(mode: &str, args: Args) {
    let (feeds, articles) = read_urls(&mut std::io::stdin().lock());
    let rt = runtime();
    let started = Instant::now();
    let failed = match mode {
        "baseline" => rt.block_on(baseline(&feeds, args.concurrency)),
        "chorus" => rt.block_on(chorus(&feeds, articles, args)),
        other => usage(&format!("unknown mode `{other}`")),
    };
    let measured = Measured {
        feeds: feeds.len(),
        failed,
        secs: started.elapsed().as_secs_f64(),
        peak_rss_kb: peak_rss_kb(),
    };
    println!("{}", serde_json::to_string(&measured).expect("plain data serializes"));
}

fn read_urls(input: &mut impl BufRead) -> (Vec<Url>, Vec<String>) {
    let mut block = || {
        let mut urls = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if input.read_line(&mut line).expect("read the URL list") == 0 || line.trim().is_empty()
            {
                return urls;
            }
            urls.push(line.trim().to_owned());
        }
    };
    let feeds = block().iter().map(|u| Url::parse(u).expect("the farm's URLs parse")).collect();
    (feeds, block())
}

/// Plain GETs, `concurrency` at once, bodies read whole. Returns how many failed.
async fn baseline(feeds: &[Url], concurrency: usize) -> usize {
    chorus_fetch::init_tls();
    let client = reqwest::Client::builder().build().expect("a reqwest client");
    let slots = Arc::new(Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for url in feeds {
        let (client, url) = (client.clone(), url.clone());
        let slot = Arc::clone(&slots).acquire_owned().await.expect("never closed");
        tasks.spawn(async move {
            let _slot = slot;
            match client.get(url).send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_err(),
                _ => true,
            }
        });
    }
    let mut failed = 0;
    while let Some(done) = tasks.join_next().await {
        failed += usize::from(done.unwrap_or(true));
    }
    failed
}

/// The real fetch stage over every feed once. Returns how many polls failed.
async fn chorus(feeds: &[Url], known: Vec<String>, args: Args) -> usize {
    let toml = format!(
        "concurrency = {}\nper_host_gap_ms = {}\nallow_private_networks = true\n\
         respect_robots = false\nmax_known_urls = {}\n",
        args.concurrency,
        args.gap_ms,
        known.len().max(1),
    );
    let cfg: FetchConfig = toml::from_str(&toml).unwrap_or_else(|e| {
        eprintln!("bench_fetch: the fetch settings are refused: {e}");
        std::process::exit(1)
    });
    let settings = cfg.validate().unwrap_or_else(|problems| {
        for p in problems {
            eprintln!("bench_fetch: {p}");
        }
        std::process::exit(1)
    });
    let fetcher = Arc::new(Fetcher::new(&settings).expect("a fetcher"));
    let (job_tx, job_rx) = mpsc::channel(64);
    let (page_tx, mut page_rx) = mpsc::channel(64);
    let (check_tx, mut check_rx) = mpsc::channel(64);
    // Each feed is polled once: the next-poll notices have no one to read them.
    let (reschedule, _) = mpsc::channel(1);
    let stage =
        tokio::spawn(chorus_fetch::run(fetcher, job_rx, page_tx, check_tx, known, reschedule));
    let jobs: Vec<FeedJob> = feeds
        .iter()
        .map(|url| FeedJob {
            feed: FeedSpec { url: url.clone(), outlet: "farm".to_owned(), respect_robots: None },
            state: FeedState::default(),
            policy: PollPolicy::default(),
        })
        .collect();
    let sender = tokio::spawn(async move {
        for job in jobs {
            if job_tx.send(job).await.is_err() {
                break;
            }
        }
    });
    let pages = tokio::spawn(async move { while page_rx.recv().await.is_some() {} });
    let mut failed = 0;
    while let Some(check) = check_rx.recv().await {
        if let FeedOutcome::Failed { reason } = &check.outcome {
            if failed == 0 {
                eprintln!("bench_fetch: a poll failed: {reason}");
            }
            failed += 1;
        }
    }
    let _ = sender.await;
    let _ = pages.await;
    let _ = stage.await;
    failed
}

/// The process's peak resident memory in KiB, from `/proc/self/status` (0 where there is
/// none).
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct Farm {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    urls: String,
}

impl Farm {
    fn start(me: &str, args: Args) -> Farm {
        let mut child = Command::new(me)
            .arg("farm")
            .args(args_of(args))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the farm process");
        let stdin = child.stdin.take().expect("piped");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut urls = String::new();
        let mut blanks = 0;
        while blanks < 2 {
            let mut line = String::new();
            if stdout.read_line(&mut line).expect("read the farm's URLs") == 0 {
                eprintln!("bench_fetch: the farm process ended early");
                std::process::exit(1);
            }
            blanks += usize::from(line.trim().is_empty());
            urls.push_str(&line);
        }
        Farm { child, stdin, stdout, urls }
    }

    fn report(&mut self) -> FarmReport {
        writeln!(self.stdin, "report").expect("ask the farm");
        self.stdin.flush().expect("ask the farm");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read the farm's report");
        serde_json::from_str(&line).expect("the farm's report parses")
    }
}

fn args_of(args: Args) -> Vec<String> {
    [
        ("--hosts", args.hosts as u64),
        ("--feeds-per-host", args.feeds_per_host as u64),
        ("--items", args.items as u64),
        ("--gap-ms", args.gap_ms),
        ("--concurrency", args.concurrency as u64),
    ]
    .iter()
    .flat_map(|(flag, value)| [flag.to_string(), value.to_string()])
    .collect()
}

fn run_child(me: &str, mode: &str, args: Args, urls: &str) -> Measured {
    let mut child = Command::new(me)
        .arg("measure")
        .arg(mode)
        .args(args_of(args))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start a measuring process");
    child.stdin.take().expect("piped").write_all(urls.as_bytes()).expect("send the URLs");
    let out = child.wait_with_output().expect("wait for the measuring process");
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        eprintln!("bench_fetch: `{mode}` gave no result ({e}): {text}");
        std::process::exit(1)
    })
}

fn orchestrate(args: Args) {
    let me = std::env::current_exe().expect("the bench's own path");
    let me = me.to_str().expect("a UTF-8 path");
    let mut farm = Farm::start(me, args);
    println!(
        "fetch bench: {} feeds over {} hosts ({} entries each), concurrency {}",
        args.hosts * args.feeds_per_host,
        args.hosts,
        args.items,
        args.concurrency
    );
    println!(
        "{:<16} {:>8} {:>12} {:>8} {:>10} {:>14} {:>10}  politeness",
        "run", "failed", "feeds/s", "ratio", "peak MB", "min gap (ms)", "in flight"
    );
    let mut base_rate = None;
    let runs = [
        ("baseline", "baseline", Args { gap_ms: 0, ..args }),
        ("chorus, no gap", "chorus", Args { gap_ms: 0, ..args }),
        ("chorus, polite", "chorus", args),
    ];
    let mut held_all = true;
    for (name, mode, run_args) in runs {
        farm.report(); // forget earlier requests
        let m = run_child(me, mode, run_args, &farm.urls);
        let seen = farm.report();
        let rate = m.feeds as f64 / m.secs;
        // Ratios to the baseline, to three places: a polite run is far below it.
        let ratio = rate / *base_rate.get_or_insert(rate);
        let verdict = if mode == "baseline" {
            "not applicable".to_owned()
        } else {
            // The gap is kept between the starts the poller reserves; the farm logs when its
            // handler starts, after the connection, the request and a thread switch on a
            // busy machine. A tenth of the gap is allowed for that delivery jitter; with no
            // gap, requests to one host arrive within a millisecond of each other.
            let slack = run_args.gap_ms as f64 / 10.0;
            let gap_held = seen.min_gap_ms.is_none_or(|g| g + slack >= run_args.gap_ms as f64);
            let cap_held = seen.max_in_flight <= 2;
            held_all &= gap_held && cap_held;
            format!(
                "gap {} (>= {} ms less {slack:.0} ms of jitter), concurrency {} (<= 2)",
                if gap_held { "held" } else { "BROKEN" },
                run_args.gap_ms,
                if cap_held { "held" } else { "BROKEN" },
            )
        };
        println!(
            "{name:<16} {:>8} {rate:>12.1} {ratio:>8.3} {:>10.1} {:>14} {:>10}  {verdict}",
            m.failed,
            m.peak_rss_kb as f64 / 1024.0,
            seen.min_gap_ms.map_or("-".to_owned(), |g| format!("{g:.1}")),
            seen.max_in_flight,
        );
    }
    drop(farm.stdin);
    let _ = farm.child.wait();
    println!("politeness {}", if held_all { "held on every host" } else { "BROKEN" });
    // A polite run cannot beat its gaps: each host's feeds are polled one gap apart.
    let floor = Duration::from_millis(args.gap_ms) * (args.feeds_per_host.max(1) as u32 - 1);
    println!(
        "(a polite run takes at least {:.1} s: {} feeds a host, {} ms apart)",
        floor.as_secs_f64(),
        args.feeds_per_host,
        args.gap_ms
    );
    if !held_all {
        std::process::exit(1);
    }
}
