//! `chorus probe`: what Chorus reads from one feed or sitemap, without storing anything.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chorus_fetch::{FeedDocument, FetchError, FetchSettings, Fetcher, Probe, parse_document};
use chorus_model::{FeedEntry, Timestamp};
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
    entries: Vec<EntryOut<'a>>,
    sitemaps: Vec<&'a str>,
}

pub(crate) fn probe(args: ProbeArgs) -> anyhow::Result<ExitCode> {
    let fetch = match &args.config {
        Some(path) => chorus_pipeline::Config::load(path)?.fetch,
        None => FetchSettings::default(),
    };
    let target = args.target.as_str();
    let (probe, document, bytes) =
        if target.starts_with("http://") || target.starts_with("https://") {
            let url = Url::parse(target).with_context(|| format!("{target} is not a URL"))?;
            let probe = download(&url, &fetch)?;
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
        entries: document.entries.iter().map(entry_out).collect(),
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
fn download(url: &Url, fetch: &FetchSettings) -> anyhow::Result<Probe> {
    let fetcher = Fetcher::new(fetch)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match runtime.block_on(fetcher.probe(url)) {
        Ok(probe) => Ok(probe),
        Err(err @ FetchError::Forbidden { .. }) => anyhow::bail!(
            "reading {url}: {err}\n(to read from your own network, pass --config FILE with \
             `allow_private_networks = true` or `allowed_networks = [...]` under [fetch])"
        ),
        Err(err) => Err(err).with_context(|| format!("reading {url}")),
    }
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
    if !p.sitemaps.is_empty() {
        writeln!(out, "  a sitemap index of {} sitemaps:", p.sitemaps.len())?;
        for s in &p.sitemaps {
            writeln!(out, "    {s}")?;
        }
    }
    writeln!(out, "  {} entries", entries.len())?;
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
