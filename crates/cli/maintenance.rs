//! `chorus reextract` and `chorus prune`: work on a database's kept pages.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use chorus_pipeline::{Config, Settings};
use chorus_store::{PageFilter, PruneWhat, Store, WriterLock, file_bytes};

use crate::args::{Global, PruneArgs, ReextractArgs};
use crate::ingest::parse_date;

/// Runs the current extractor over the kept pages and prints what changed.
pub(crate) fn reextract(global: &Global, args: ReextractArgs) -> anyhow::Result<ExitCode> {
    let config = settings(global, args.config.as_deref())?;
    if !config.store.path.exists() {
        anyhow::bail!("no database at {}", config.store.path.display());
    }
    let filter = PageFilter {
        since: args.since.as_deref().map(|d| parse_date(d, false)).transpose()?,
        outlet: args.outlet,
    };
    let started = std::time::Instant::now();
    let counts = chorus_pipeline::reextract(&config, &filter)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = serde_json::json!({
            "extractor": chorus_extract::VERSION,
            "pages": counts.pages,
            "unchanged": counts.unchanged,
            "changed": counts.changed,
            "failed": counts.failed,
            "events_changed": counts.events_changed,
            "elapsed_secs": started.elapsed().as_secs_f64(),
        });
        writeln!(out, "{value}")?;
    } else {
        writeln!(
            out,
            "{}: {} pages read: {} unchanged, {} changed, {} failed; {} events changed ({:.1} s)",
            chorus_extract::VERSION,
            counts.pages,
            counts.unchanged,
            counts.changed,
            counts.failed,
            counts.events_changed,
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Removes old kept pages (or whole articles), reclaims the space, and says how much.
pub(crate) fn prune(global: &Global, args: PruneArgs) -> anyhow::Result<ExitCode> {
    let path = settings(global, args.config.as_deref())?.store.path;
    if !path.exists() {
        anyhow::bail!("no database at {}", path.display());
    }
    let _lock = WriterLock::acquire(&path)?;
    let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(args.older_than));
    let what = if args.articles { PruneWhat::Articles } else { PruneWhat::Pages };
    let mut store = Store::open_existing(&path)?;
    let before = file_bytes(&path);
    let counts = store.prune(what, cutoff, args.dry_run)?;
    if !args.dry_run {
        store.reclaim().context("reclaiming the freed space (VACUUM)")?;
    }
    drop(store);
    let after = file_bytes(&path);
    let freed = before.saturating_sub(after);
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = serde_json::json!({
            "dry_run": args.dry_run,
            "cutoff": cutoff.to_rfc3339(),
            "articles": counts.articles,
            "pages": counts.pages,
            "page_bytes": counts.page_bytes,
            "copies_repointed": counts.copies_repointed,
            "events_changed": counts.events_changed,
            "bytes_before": before,
            "bytes_after": after,
            "bytes_freed": freed,
        });
        writeln!(out, "{value}")?;
        return Ok(ExitCode::SUCCESS);
    }
    let verb = if args.dry_run { "would remove" } else { "removed" };
    match what {
        PruneWhat::Pages => writeln!(
            out,
            "{verb} {} kept pages fetched before {} ({} compressed)",
            counts.pages,
            cutoff.format("%Y-%m-%d %H:%M UTC"),
            mib(counts.page_bytes)
        )?,
        PruneWhat::Articles => writeln!(
            out,
            "{verb} {} articles collected before {} with {} kept pages ({} compressed); \
             {} copies repointed, {} events changed",
            counts.articles,
            cutoff.format("%Y-%m-%d %H:%M UTC"),
            counts.pages,
            mib(counts.page_bytes),
            counts.copies_repointed,
            counts.events_changed
        )?,
    }
    if !args.dry_run {
        writeln!(
            out,
            "database {}: {} -> {}, {} freed",
            path.display(),
            mib(before),
            mib(after),
            mib(freed)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The config when given (else the defaults), with `--db` over its `[store] path`.
fn settings(global: &Global, config: Option<&std::path::Path>) -> anyhow::Result<Settings> {
    let mut settings = match config {
        Some(file) => Config::load(file)?,
        None => Settings::default(),
    };
    if let Some(db) = &global.db {
        settings.store.path.clone_from(db);
    }
    Ok(settings)
}

fn mib(bytes: u64) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}
