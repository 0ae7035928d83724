//! `chorus probe`: what Chorus reads from one feed or sitemap, without storing anything.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chorus_fetch::{FeedDocument, FetchSettings, Fetcher, Probe, parse_document};
use chorus_model::{FeedEntry, PollPolicy, Timestamp};
use serde::Serialize;
use url::Url;

use crate::args::ProbeArgs;

/// One entry as `--json` prints it.
#[derive(Serialize)]
struct EntryOut<'a> {
    url: &'a str,
    title: Option<&'a str>,
    published: Option<Timestamp>,
}

/// When the daemon would poll the feed next, and why.
#[derive(Serialize)]
struct ScheduleOut<'a> {
    next_poll_secs: u64,
    reason: &'a str,
}

/// What the server and the feed say about polling, in seconds.
#[derive(Serialize)]
struct HintsOut {
    max_age_secs: Option<u64>,
    expires_in_secs: Option<u64>,
    retry_after_secs: Option<u64>,
    ttl_secs: Option<u64>,
    update_period_secs: Option<u64>,
}

/// The whole `--json` answer. HTTP fields are null for a file.
#[derive(Serialize)]
struct ProbeOut<'a> {
    source: String,
    final_url: Option<&'a str>,
    status: Option<u16>,
    content_type: Option<&'a str>,
    etag: Option<&'a str>,
    last_modified: Option<&'a str>,
    bytes: usize,
    hints: Option<HintsOut>,
    schedule: Option<ScheduleOut<'a>>,
    entries: Vec<EntryOut<'a>>,
    /// Entries the body held that could not be read (broken XML).
    skipped: usize,
    sitemaps: Vec<&'a str>,
}

pub(crate) fn probe(args: ProbeArgs) -> anyhow::Result<ExitCode> {
    let target = args.target.as_str();
    let (fetch, policy) = match &args.config {
        Some(path) => {
            let settings = chorus_pipeline::Config::load(path)?;
            // A feed the config lists is scheduled as the config says.
            let listed = settings.feeds.iter().find(|f| f.spec().url.as_str() == target);
            (settings.fetch, listed.map_or_else(PollPolicy::default, |f| f.policy()))
        }
        None => (FetchSettings::default(), PollPolicy::default()),
    };
    let (probe, document, bytes) =
        if target.starts_with("http://") || target.starts_with("https://") {
            let url = Url::parse(target).with_context(|| format!("{target} is not a URL"))?;
            let probe = download(&url, &fetch, policy)?;
            let bytes = probe.bytes;
            (Some(probe), None, bytes)
        } else {
            let (document, bytes) = read_file(Path::new(target), args.base.as_deref(), &fetch)?;
            (None, Some(document), bytes)
        };
    let document = probe.as_ref().map_or_else(|| document.as_ref(), |p| Some(&p.document));
    let document = document.expect("a probe or a file was read");
    let out = ProbeOut {
        source: target.to_owned(),
        final_url: probe.as_ref().map(|p| p.final_url.as_str()),
        status: probe.as_ref().map(|p| p.status),
        content_type: probe.as_ref().and_then(|p| p.content_type.as_deref()),
        etag: probe.as_ref().and_then(|p| p.etag.as_deref()),
        last_modified: probe.as_ref().and_then(|p| p.last_modified.as_deref()),
        bytes,
        hints: probe.as_ref().map(|p| {
            let secs = |d: Option<std::time::Duration>| d.map(|d| d.as_secs());
            HintsOut {
                max_age_secs: secs(p.hints.max_age),
                expires_in_secs: secs(p.hints.expires),
                retry_after_secs: secs(p.hints.retry_after.map(|(_, d)| d)),
                ttl_secs: secs(p.hints.ttl),
                update_period_secs: secs(p.hints.update_period),
            }
        }),
        schedule: probe.as_ref().map(|p| ScheduleOut {
            next_poll_secs: p.next.after.as_secs(),
            reason: &p.next.reason,
        }),
        entries: document.entries.iter().map(entry_out).collect(),
        skipped: document.skipped,
        sitemaps: document.sitemaps.iter().map(Url::as_str).collect(),
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(stdout, "{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        print_text(&mut stdout, &out, &document.entries)?;
    }
    // Nothing read is the one failure: an empty feed tells the user as much as a broken one.
    let read_something = !document.entries.is_empty() || !document.sitemaps.is_empty();
    if !read_something {
        eprintln!("chorus probe: {target}: no entries and no child sitemaps could be read");
    }
    Ok(if read_something { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn entry_out(e: &FeedEntry) -> EntryOut<'_> {
    EntryOut { url: e.url.as_str(), title: e.title.as_deref(), published: e.published }
}

/// One request as a poll would make it, without validators.
fn download(url: &Url, fetch: &FetchSettings, policy: PollPolicy) -> anyhow::Result<Probe> {
    let fetcher = Fetcher::new(fetch)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime
        .block_on(fetcher.probe(url, policy))
        .map_err(|err| crate::output::fetch_error("reading", url, err))
}

/// A feed or sitemap saved to a file; relative links resolve against `base` when given.
fn read_file(
    path: &Path,
    base: Option<&str>,
    fetch: &FetchSettings,
) -> anyhow::Result<(FeedDocument, usize)> {
    let body = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let base = match base {
        Some(base) => Url::parse(base).with_context(|| format!("--base {base} is not a URL"))?,
        None => {
            let absolute = std::path::absolute(path)
                .with_context(|| format!("resolving {}", path.display()))?;
            Url::from_file_path(&absolute)
                .map_err(|()| anyhow::anyhow!("{} cannot be a URL", absolute.display()))?
        }
    };
    let document = parse_document(&body, &base, fetch.max_entries_per_feed.get())
        .with_context(|| format!("reading {}", path.display()))?;
    Ok((document, body.len()))
}

fn print_text(out: &mut impl Write, p: &ProbeOut<'_>, entries: &[FeedEntry]) -> anyhow::Result<()> {
    writeln!(out, "{}", p.source)?;
    if let Some(status) = p.status {
        writeln!(
            out,
            "  HTTP {status}, {}, {} bytes",
            p.content_type.unwrap_or("no content type"),
            p.bytes
        )?;
    } else {
        writeln!(out, "  file, {} bytes", p.bytes)?;
    }
    if let Some(final_url) = p.final_url.filter(|f| *f != p.source) {
        writeln!(out, "  answered by {final_url}")?;
    }
    if p.status.is_some() {
        let validators = match (p.etag, p.last_modified) {
            (None, None) => "none (every poll downloads the whole feed)".to_owned(),
            (etag, modified) => {
                [etag.map(|e| format!("ETag {e}")), modified.map(|m| format!("Last-Modified {m}"))]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        writeln!(out, "  validators: {validators}")?;
    }
    if let Some(h) = &p.hints {
        let said: Vec<String> = [
            ("Cache-Control max-age", h.max_age_secs),
            ("Expires in", h.expires_in_secs),
            ("Retry-After", h.retry_after_secs),
            ("<ttl>", h.ttl_secs),
            ("sy:updatePeriod/Frequency", h.update_period_secs),
        ]
        .iter()
        .filter_map(|(name, secs)| secs.map(|s| format!("{name} {s} s")))
        .collect();
        let said = if said.is_empty() { "none".to_owned() } else { said.join(", ") };
        writeln!(out, "  server hints: {said}")?;
    }
    if let Some(s) = &p.schedule {
        writeln!(out, "  next poll in {} s: {}", s.next_poll_secs, s.reason)?;
    }
    if !p.sitemaps.is_empty() {
        writeln!(out, "  a sitemap index of {} sitemaps:", p.sitemaps.len())?;
        for s in &p.sitemaps {
            writeln!(out, "    {s}")?;
        }
    }
    if p.skipped > 0 {
        writeln!(out, "  {} entries ({} unreadable, skipped)", entries.len(), p.skipped)?;
    } else {
        writeln!(out, "  {} entries", entries.len())?;
    }
    for e in entries {
        writeln!(
            out,
            "    {}  {}  {}",
            crate::output::time(e.published),
            e.url,
            e.title.as_deref().unwrap_or("(no title)")
        )?;
    }
    Ok(())
}
