//! `make bench-backfill`: pages per second from a WARC archive through extract, dedup and
//! store, the CPU each stage takes, and how busy the cores were.
//!
//! Builds `target/bench-backfill/pages.warc.gz`: N generated news pages (20,000 by default;
//! a page template with navigation, share buttons, related links and a footer around
//! 6-12 paragraphs; articles come in groups of three that report one event in their own
//! words), each behind its request record, one gzip member per record as CC-NEWS ships
//! them. Then, each into a fresh database under the same directory:
//!
//! - `read`: the WARC reader alone (records parsed, HTTP responses decoded), one thread;
//! - `extract`: the extractor alone over the same pages, one thread per core;
//! - `warc backfill`: `chorus_pipeline::run` over the file, end to end;
//! - `jsonl replay`: the articles the backfill stored, replayed as JSONL into a fresh
//!   database: the dedup and store stages alone, the baseline the WARC path is held to.
//!
//! CPU is the process's user + system time from `/proc/self/stat` around each step (the
//! steps run one after another, so each is alone in the process). Within the end-to-end
//! run, each stage's CPU is what the pipeline counts around each item's work
//! (`chorus_stage_cpu_seconds_total` in `/metrics`); what the process spent beyond their
//! sum is the channels, the reorder buffer and the runtime. Cores busy = CPU seconds /
//! wall seconds / cores.
//!
//! Usage: `bench_backfill [--pages N]`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // A bench reports on the terminal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chorus_model::{RawPage, Stage};
use chorus_pipeline::warc::{Content, HttpResponse, WarcReader, WarcWriter};
use chorus_pipeline::{Backfill, Settings, Source};
use tokio_util::sync::CancellationToken;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut pages = 20_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pages" => pages = args.next().ok_or("--pages N")?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-backfill");
    std::fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let warc = dir.join("pages.warc.gz");

    let started = Instant::now();
    write_warc(&warc, pages)?;
    let size = std::fs::metadata(&warc)?.len();
    println!(
        "built {} ({pages} pages, {} records, {:.1} MB) in {:.1} s; {cores} cores",
        warc.display(),
        2 * pages,
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let settings = Settings::default();
    let (read, raw) = measure(|| read_pages(&warc, settings.fetch.max_body_bytes));
    let raw = raw?;
    let (extract, articles) = measure(|| extract_all(&raw, &settings, cores));
    drop(raw);

    let db = fresh(&dir.join("warc.db"))?;
    let backfill = Backfill { warcs: vec![warc.clone()], ..Backfill::default() };
    let before = stage_cpu();
    let (end_to_end, report) = measure(|| run(&db, Source::Backfill(backfill)));
    let in_run: Vec<(Stage, f64)> =
        stage_cpu().into_iter().zip(before).map(|((s, after), (_, b))| (s, after - b)).collect();
    let report = report?;
    let stored =
        report.stages.iter().find(|s| s.stage == chorus_model::Stage::Store).map_or(0, |s| s.sent);

    let jsonl = dir.join("articles.jsonl");
    let lines = write_jsonl(&db, &jsonl)?;
    let replay_db = fresh(&dir.join("replay.db"))?;
    let (replay, replayed) = measure(|| run(&replay_db, Source::Jsonl(jsonl.clone())));
    replayed?;

    let row = |name: &str, m: &Measured, items: usize| {
        println!(
            "{name:<16} {:>8.2} {:>9.2} {:>10.0} {:>12.0} {:>9.0} %",
            m.wall,
            m.cpu,
            items as f64 / m.wall,
            items as f64 / m.cpu.max(1e-9),
            100.0 * m.cpu / m.wall / cores as f64
        );
    };
    println!();
    println!(
        "{:<16} {:>8} {:>9} {:>10} {:>12} {:>11}",
        "step", "wall s", "cpu s", "pages/s", "pages/cpu-s", "cores busy"
    );
    row("read (1 thread)", &read, pages);
    row(&format!("extract ({cores} thr)"), &extract, pages);
    row("jsonl replay", &replay, lines);
    row("warc backfill", &end_to_end, pages);
    let share = |cpu: f64| 100.0 * cpu / end_to_end.cpu;
    println!();
    println!(
        "warc backfill: {pages} pages, {articles} with article text, {stored} stored, {:.0} pages/s end to end, cores {:.0} % busy",
        pages as f64 / end_to_end.wall,
        100.0 * end_to_end.cpu / end_to_end.wall / cores as f64
    );
    // Counted inside the run around each item's work (the stages share threads).
    let mut line = String::from("CPU by stage in that run:");
    let mut counted = 0.0;
    for (stage, cpu) in &in_run {
        if *cpu > 0.0 {
            line.push_str(&format!(" {stage} {cpu:.2} s ({:.0} %),", share(*cpu)));
            counted += cpu;
        }
    }
    let rest = end_to_end.cpu - counted;
    line.push_str(&format!(" channels, runtime and the rest {rest:.2} s ({:.0} %)", share(rest)));
    println!("{line}");
    let store = in_run.iter().find(|(s, _)| *s == Stage::Store).map_or(0.0, |(_, c)| *c);
    println!(
        "the store, the one stage that must run on one thread, was busy {:.0} % of the run",
        100.0 * store / end_to_end.wall
    );
    println!(
        "against the JSONL replay of the same articles: {:.1}x its wall time",
        end_to_end.wall / replay.wall
    );
    // Other processes share the cores: the busy shares above are of the whole machine.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average while measuring (1, 5, 15 min): {}",
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    Ok(())
}

/// Each stage's CPU seconds counted so far in this process (`chorus_model::live`).
fn stage_cpu() -> Vec<(Stage, f64)> {
    Stage::ALL.iter().map(|&s| (s, chorus_model::live().stage(s).cpu_seconds())).collect()
}

/// Wall and CPU seconds of one step.
struct Measured {
    wall: f64,
    cpu: f64,
}

fn measure<T>(f: impl FnOnce() -> T) -> (Measured, T) {
    let (cpu0, wall0) = (cpu_seconds(), Instant::now());
    let out = f();
    (Measured { wall: wall0.elapsed().as_secs_f64(), cpu: cpu_seconds() - cpu0 }, out)
}

/// The process's user + system CPU time, threads that ended included (`/proc/self/stat`,
/// fields 14 and 15, in clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // Fields 14 and 15 of the whole line are 12 and 13 after the name and state.
    (ticks(11) + ticks(12)) as f64 / 100.0
}

fn fresh(path: &Path) -> std::io::Result<PathBuf> {
    for suffix in ["", "-wal", "-shm", ".lock"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(file)?;
        }
    }
    Ok(path.to_owned())
}

fn run(
    db: &Path,
    source: Source,
) -> Result<chorus_pipeline::RunReport, Box<dyn std::error::Error>> {
    let mut settings = Settings::default();
    settings.store.path = db.to_owned();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    Ok(runtime.block_on(chorus_pipeline::run(&settings, source, CancellationToken::new()))?)
}

/// Every page the WARC file holds, read and decoded as the backfill reads them.
fn read_pages(path: &Path, cap: u64) -> Result<Vec<RawPage>, Box<dyn std::error::Error>> {
    let mut reader = WarcReader::open(path, 0, cap + 64 * 1024)?;
    let mut pages = Vec::new();
    while let Some(record) = reader.next_record()? {
        let (Content::Bytes(block), Some(target)) = (record.content, record.target) else {
            continue;
        };
        if record.kind != "response" {
            continue;
        }
        let Some(http) = HttpResponse::parse(&block, cap as usize) else { continue };
        let url: url::Url = target.parse()?;
        pages.push(RawPage {
            url: url.clone(),
            final_url: url,
            outlet: "bench".to_owned(),
            fetched_at: chrono::Utc::now(),
            content_type: http.content_type,
            headers: chorus_model::PageHeaders::default(),
            body: http.body,
            entry: None,
            ticket: None,
        });
    }
    Ok(pages)
}

/// Extracts every page on `threads` threads; returns how many had article text.
fn extract_all(pages: &[RawPage], settings: &Settings, threads: usize) -> usize {
    let chunk = pages.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = pages
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|p| chorus_extract::extract(p, &settings.extract).ok())
                        .filter(|a| !a.text.trim().is_empty())
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

/// Writes the articles stored in `db` as JSONL lines; returns how many.
fn write_jsonl(db: &Path, path: &Path) -> Result<usize, Box<dyn std::error::Error>> {
    let store = chorus_store::Store::open_existing(db)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut n = 0;
    store.export(|row: &chorus_store::ExportRow| -> Result<(), Box<dyn std::error::Error>> {
        let value = serde_json::to_value(row)?;
        let line = serde_json::json!({
            "id": value["id"], "source": value["outlet"], "time": value["published"],
            "url": value["url"], "title": value["title"], "text": value["text"],
        });
        writeln!(out, "{line}")?;
        n += 1;
        Ok(())
    })?;
    out.flush()?;
    Ok(n)
}

/// The words generated text is made of.
const WORDS: &[&str] = &[
    "government",
    "minister",
    "council",
    "officials",
    "residents",
    "company",
    "market",
    "prices",
    "storm",
    "flood",
    "election",
    "court",
    "police",
    "school",
    "hospital",
    "workers",
    "union",
    "strike",
    "bridge",
    "river",
    "harbour",
    "airport",
    "budget",
    "tax",
    "energy",
    "power",
    "grid",
    "festival",
    "museum",
    "team",
    "coach",
    "season",
    "final",
    "report",
    "survey",
    "data",
    "study",
    "university",
    "researchers",
    "bank",
    "rates",
    "inflation",
    "exports",
    "farmers",
    "harvest",
    "drought",
    "wildfire",
    "evacuation",
    "shelter",
    "vote",
    "mayor",
    "governor",
    "parliament",
    "treaty",
    "talks",
    "summit",
    "border",
    "ship",
    "port",
    "rail",
    "line",
    "station",
    "contract",
    "plan",
    "project",
    "funding",
    "protest",
    "march",
    "square",
    "city",
    "village",
    "region",
];
const GLUE: &[&str] = &[
    "the", "a", "on", "in", "after", "said", "that", "would", "by", "for", "with", "of", "and",
    "new", "last", "week", "Tuesday", "Friday", "more", "than", "its", "their", "was", "were",
];
const NAMES: &[&str] = &[
    "Arden",
    "Westbay",
    "Calder",
    "Osei",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Okafor",
    "Brennan",
    "Castillo",
    "Novak",
    "Haddad",
    "Ferreira",
    "Kowalski",
    "Nakamura",
    "Dubois",
    "Ivanova",
];

/// A small xorshift generator: the same pages every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// One generated article page: event `event`'s facts told in outlet `outlet`'s words.
fn page(n: usize, rng: &mut Rng) -> (String, String) {
    let event = n / 3;
    let mut facts = Rng(event as u64 * 7919 + 17);
    let topic: Vec<&str> = (0..6).map(|_| facts.pick(WORDS)).collect();
    let who = format!("{} {}", facts.pick(NAMES), facts.pick(NAMES));
    let figure = facts.next() % 900 + 100;
    let day = event % 28 + 1;
    let outlet = n % 3;
    let url = format!("https://outlet{outlet}.bench.test/{:04}/09/{day:02}/story-{n}", 2025);
    let sentence = |rng: &mut Rng| {
        let mut words = vec![topic[(rng.next() % 6) as usize].to_owned()];
        for i in 0..(12 + rng.next() % 14) {
            let word = match i % 4 {
                0 => topic[(rng.next() % 6) as usize],
                1 | 3 => rng.pick(GLUE),
                _ => rng.pick(WORDS),
            };
            words.push(word.to_owned());
        }
        if rng.next().is_multiple_of(3) {
            words.push(format!("{who} said {figure} people were affected"));
        }
        let mut text = words.join(" ");
        text[..1].make_ascii_uppercase();
        text + "."
    };
    let paragraphs: String = (0..(6 + rng.next() % 7))
        .map(|_| {
            let text: Vec<String> = (0..(2 + rng.next() % 3)).map(|_| sentence(rng)).collect();
            format!("<p>{}</p>\n", text.join(" "))
        })
        .collect();
    let title = format!("{} {} {} in {}", topic[0], topic[1], topic[2], facts.pick(NAMES));
    let related: String = (0..5)
        .map(|i| {
            format!("<li><a href=\"/related/{i}\">{} {}</a></li>", rng.pick(WORDS), rng.pick(WORDS))
        })
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | Outlet {outlet}</title>\
<link rel=\"canonical\" href=\"{url}\"><meta property=\"article:published_time\" content=\"2025-09-{day:02}T{:02}:00:00Z\">\
</head><body><header><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/business\">Business</a> \
<a href=\"/sport\">Sport</a></nav><div class=\"cookie\">We use cookies to improve your experience. Accept all</div></header>\
<main><article><h1>{title}</h1><p class=\"byline\">By {who}</p><time datetime=\"2025-09-{day:02}\">September {day}, 2025</time>\n\
{paragraphs}<div class=\"share\">Share on social media: Facebook Twitter Email</div></article>\
<aside><h2>Related stories</h2><ul>{related}</ul></aside></main>\
<footer><p>Copyright 2025 Outlet {outlet}. All rights reserved.</p><a href=\"/privacy\">Privacy</a></footer></body></html>",
        n % 24
    );
    (url, html)
}

fn write_warc(path: &Path, pages: usize) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut w = WarcWriter::new(file, true);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for n in 0..pages {
        let (url, html) = page(n, &mut rng);
        let date = "2025-09-30T12:00:00Z";
        w.record("request", Some(&url), date, format!("GET {url} HTTP/1.1\r\n\r\n").as_bytes())?;
        w.response(&url, date, 200, "text/html; charset=utf-8", html.as_bytes())?;
    }
    w.finish()?;
    Ok(())
}
