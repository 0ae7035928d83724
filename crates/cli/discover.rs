//! `chorus discover URL`: a site's feeds and sitemaps, and a `[[feeds]]` block to paste.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use chorus_fetch::{Discovery, FetchSettings, Fetcher, Found};
use chorus_pipeline::Config;

use crate::args::DiscoverArgs;

/// Prints what was found; exit 1 when nothing was, and an error when the page cannot be
/// read.
pub(crate) fn discover(args: DiscoverArgs) -> anyhow::Result<ExitCode> {
    let fetch = match &args.config {
        Some(path) => Config::load(path)?.fetch,
        None => FetchSettings::default(),
    };
    let fetcher = Fetcher::new(&fetch)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let found = runtime
        .block_on(fetcher.discover(&args.url))
        .with_context(|| format!("cannot read {}", args.url))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&found)?)?;
    } else {
        print_text(&mut out, &found, &args.url)?;
    }
    if found.feeds.is_empty() && found.sitemaps.is_empty() {
        writeln!(std::io::stderr(), "chorus: no feed or sitemap found at {}", args.url)?;
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(out: &mut impl Write, found: &Discovery, page: &url::Url) -> anyhow::Result<()> {
    let line = |out: &mut dyn Write, f: &Found| -> std::io::Result<()> {
        let title = f.title.as_deref().map(|t| format!("  {t:?}")).unwrap_or_default();
        writeln!(
            out,
            "  {:<13} {}{title}  {} entries  (found by {})",
            f.kind.as_str(),
            f.url,
            f.entries,
            f.found_by
        )
    };
    writeln!(out, "feeds: {}", found.feeds.len())?;
    for f in &found.feeds {
        line(out, f)?;
    }
    writeln!(out, "sitemaps: {}", found.sitemaps.len())?;
    for f in &found.sitemaps {
        line(out, f)?;
    }
    if found.feeds.is_empty() {
        return Ok(());
    }
    // The page's title usually names the outlet; its host does when there is none.
    let host = page.host_str().unwrap_or_default();
    let site = found.site_title.as_deref().unwrap_or(host.strip_prefix("www.").unwrap_or(host));
    writeln!(out, "\n# Paste into your config:")?;
    for f in &found.feeds {
        // A feed's title often names a section ("World news"): the site names the outlet.
        writeln!(out, "[[feeds]]\nurl = {:?}\noutlet = {:?}\n", f.url.as_str(), site)?;
    }
    Ok(())
}
