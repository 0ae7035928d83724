//! `chorus run`, `chorus backfill` and `chorus check-config`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chorus_fetch::DateWindow;
use chorus_pipeline::{Backfill, Config, Progress, RunReport, Settings, Source};
use tokio_util::sync::CancellationToken;

use crate::args::{BackfillArgs, CheckConfigArgs, Global, RunArgs};

/// The daemon: polls until SIGINT or SIGTERM, then drains and exits 0.
pub(crate) fn run(global: &Global, args: RunArgs) -> anyhow::Result<ExitCode> {
    let config = load(&args.config, global.db.as_deref())?;
    if config.feeds.is_empty() {
        anyhow::bail!("{} lists no [[feeds]]: nothing to poll", args.config.display());
    }
    tracing::info!(
        feeds = config.feeds.len(),
        db = %config.store.path.display(),
        "chorus {} starting", env!("CARGO_PKG_VERSION")
    );
    let reload = Reload { path: args.config.clone(), db: global.db.clone() };
    let (report, _) = run_pipeline(&config, Source::Feeds { once: false }, Some(reload))?;
    tracing::info!("drained and stopped");
    print_summary(&report, &config, false, false)?;
    Ok(ExitCode::SUCCESS)
}

/// One pass over any mix of inputs (the config's feeds once, sitemaps, URL lists, WARC
/// archives, JSONL files); exits when done, or with --dry-run says what it would do.
pub(crate) fn backfill(global: &Global, args: BackfillArgs) -> anyhow::Result<ExitCode> {
    let config = match &args.config {
        Some(path) => load(path, global.db.as_deref())?,
        None => {
            let mut settings = Settings::default();
            if let Some(db) = &global.db {
                settings.store.path.clone_from(db);
            }
            settings
        }
    };
    for path in args.warc.iter().chain(&args.jsonl) {
        if !path.is_file() {
            anyhow::bail!("no such input file: {}", path.display());
        }
    }
    let mut pages = Vec::new();
    for path in &args.urls {
        pages.extend(read_url_list(path)?);
    }
    let window = DateWindow {
        since: args.since.as_deref().map(|d| parse_date(d, false)).transpose()?,
        until: args.until.as_deref().map(|d| parse_date(d, true)).transpose()?,
    };
    if let DateWindow { since: Some(since), until: Some(until) } = window
        && since > until
    {
        anyhow::bail!("--since ({since}) is after --until ({until})");
    }
    // A config's feeds come along, except in a JSONL replay (where the config tunes the
    // stages) unless --feeds asks for them.
    let poll_feeds = args.config.is_some() && (args.jsonl.is_empty() || args.feeds);
    let others = !(args.sitemap.is_empty() && pages.is_empty() && args.warc.is_empty());
    if poll_feeds && config.feeds.is_empty() && !others && args.jsonl.is_empty() {
        anyhow::bail!("the config lists no [[feeds]]");
    }
    let backfill = Backfill {
        poll_feeds,
        sitemaps: args.sitemap,
        pages,
        window,
        warcs: args.warc,
        jsonl: args.jsonl,
        progress: Progress::default(),
    };
    if args.dry_run {
        return dry_run(&config, &backfill, args.json);
    }
    let display = crate::progress::Display::start(backfill.progress.clone());
    let result = run_pipeline(&config, Source::Backfill(backfill), None);
    display.finish();
    let (report, interrupted) = result?;
    print_summary(&report, &config, args.json, interrupted)?;
    // A backfill cut short by a signal did not do what it was asked: scripts must know.
    Ok(if interrupted { ExitCode::from(130) } else { ExitCode::SUCCESS })
}

/// Prints what `backfill` would read and download, and how much is stored already.
fn dry_run(config: &Settings, backfill: &Backfill, json: bool) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let plan = runtime.block_on(chorus_pipeline::dry_run(config, backfill))?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(&plan)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "dry run: nothing is written")?;
    writeln!(out, "database {}: {} articles stored", plan.database, plan.stored_articles)?;
    for feed in &plan.feeds {
        writeln!(out, "feed     {feed}: polled once")?;
    }
    for p in &plan.pages {
        let new = p.listed - p.already_stored;
        writeln!(
            out,
            "pages    {}: {} listed, {} already stored, {new} to download",
            p.from, p.listed, p.already_stored
        )?;
    }
    let counts = |map: &std::collections::BTreeMap<String, u64>| {
        map.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
    };
    for w in &plan.warc {
        writeln!(
            out,
            "warc     {}: {} bytes, resume at byte {}; records: {}; responses to read: {}",
            w.path.display(),
            w.size,
            w.resume_offset,
            counts(&w.records),
            counts(&w.responses_to_read)
        )?;
    }
    for j in &plan.jsonl {
        writeln!(
            out,
            "jsonl    {}: {} articles ({} already stored), {} bad lines",
            j.path.display(),
            j.articles,
            j.already_stored,
            j.bad_lines
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a URL list: one http(s) address a line; blank lines and `#` comments skipped. A
/// line that is not an address fails the whole list, naming the line, before anything runs.
fn read_url_list(path: &Path) -> anyhow::Result<Vec<url::Url>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the URL list {}", path.display()))?;
    let mut urls = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        match url::Url::parse(line) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => urls.push(url),
            _ => anyhow::bail!("{}:{}: not an http(s) URL: {line:?}", path.display(), n + 1),
        }
    }
    if urls.is_empty() {
        anyhow::bail!("{} lists no URL", path.display());
    }
    Ok(urls)
}

/// Reads `--since`/`--until`: a date (`2025-09-04`: its first microsecond, or with
/// `end_of_day` its last) or a full timestamp in any form dates are read in.
pub(crate) fn parse_date(
    text: &str,
    end_of_day: bool,
) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let time = if end_of_day {
            chrono::NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999)
        } else {
            chrono::NaiveTime::from_hms_opt(0, 0, 0)
        };
        return Ok(day.and_time(time.unwrap_or_default()).and_utc());
    }
    chorus_text::parse_timestamp(text).with_context(|| {
        format!("cannot read {text:?} as a date: use 2025-09-04 or 2025-09-04T10:00:00Z")
    })
}

/// Validates each file and reports every problem in each; exit 1 if any is invalid.
pub(crate) fn check_config(args: CheckConfigArgs) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    let mut out = std::io::stdout().lock();
    for file in &args.files {
        match Config::load(file) {
            Ok(config) => {
                writeln!(out, "{}: ok ({} feeds)", file.display(), config.feeds.len())?;
            }
            Err(e) => {
                ok = false;
                writeln!(std::io::stderr(), "{e}")?;
            }
        }
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn load(path: &Path, db: Option<&Path>) -> anyhow::Result<Settings> {
    let mut config = Config::load(path)?;
    if let Some(db) = db {
        config.store.path = db.to_owned();
    }
    Ok(config)
}

/// Where a daemon's config comes from, to read again on SIGHUP.
struct Reload {
    path: PathBuf,
    /// `--db`, which wins over the file's `[store] path`.
    db: Option<PathBuf>,
}

/// Runs the pipeline until it ends, with signals watched; says whether a signal cut it
/// short. With `reload` (the daemon), the web view is served beside it when `[http]
/// listen` is set, and stops after the pipeline has drained, and SIGHUP reloads the
/// config's feeds.
fn run_pipeline(
    config: &Settings,
    source: Source,
    reload: Option<Reload>,
) -> anyhow::Result<(RunReport, bool)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let shutdown = CancellationToken::new();
    let result = runtime.block_on(async {
        // Signals first: one that comes once the view is up must drain, not kill.
        let watcher = tokio::spawn(watch_signals(shutdown.clone()));
        let view = match reload {
            Some(_) => crate::web::DaemonView::bind(config).await?,
            None => None,
        };
        let view_stop = CancellationToken::new();
        let view = view.map(|v| tokio::spawn(v.serve(view_stop.clone())));
        let (reloads, reloader) = match reload {
            Some(reload) => {
                // The handler is in place before the first poll: a SIGHUP from then on
                // reloads, and never ends the process as by default.
                let (tx, rx) = tokio::sync::mpsc::channel(1);
                let hangups = hangups()?;
                (Some(rx), Some(tokio::spawn(reload_on_hangup(reload, hangups, tx))))
            }
            None => (None, None),
        };
        let result =
            chorus_pipeline::run_with_reloads(config, source, shutdown.clone(), reloads).await;
        watcher.abort();
        if let Some(reloader) = reloader {
            reloader.abort();
        }
        view_stop.cancel();
        if let Some(view) = view
            && let Ok(Err(e)) = view.await
        {
            tracing::warn!("the web view failed: {e:#}");
        }
        anyhow::Ok(result)
    })?;
    // Blocking work still running after a failed drain must not hold the exit forever.
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    Ok((result?, shutdown.is_cancelled()))
}

/// The first SIGINT or SIGTERM starts a graceful drain; a second one exits at once. The
/// handlers are in place when this returns (not when the future is first polled), so a
/// signal that comes right after never ends the process as by default. Call it inside the
/// runtime.
pub(crate) fn watch_signals(shutdown: CancellationToken) -> impl Future<Output = ()> + Send {
    use tokio::signal::unix::{SignalKind, signal};
    let handlers = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
    async move { drain_on_signals(handlers, shutdown).await }
}

async fn drain_on_signals(
    handlers: (
        std::io::Result<tokio::signal::unix::Signal>,
        std::io::Result<tokio::signal::unix::Signal>,
    ),
    shutdown: CancellationToken,
) {
    let (Ok(mut int), Ok(mut term)) = handlers else {
        tracing::error!("cannot install signal handlers; stop with SIGKILL");
        return;
    };
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutdown requested: draining in-flight work (signal again to stop now)");
    shutdown.cancel();
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
    tracing::warn!("second signal: stopping without draining");
    std::process::exit(130);
}

/// SIGHUP's stream, installed now.
fn hangups() -> anyhow::Result<tokio::signal::unix::Signal> {
    use tokio::signal::unix::{SignalKind, signal};
    signal(SignalKind::hangup()).context("installing the SIGHUP handler")
}

/// On each SIGHUP, reads the config file again and, when it is valid and lists feeds,
/// sends its feed list to the running daemon: feeds added, removed and retuned take effect
/// without a restart. An invalid file is refused with every problem logged, and the old
/// config stays in force. Sections other than `[[feeds]]` are read at start-up only: a
/// change to them is named in a warning.
async fn reload_on_hangup(
    reload: Reload,
    mut hangups: tokio::signal::unix::Signal,
    updates: tokio::sync::mpsc::Sender<Vec<chorus_pipeline::Feed>>,
) {
    let mut in_force = std::fs::read_to_string(&reload.path).unwrap_or_default();
    while hangups.recv().await.is_some() {
        let path = reload.path.display();
        tracing::info!(config = %path, "SIGHUP: reloading the config");
        let text = match std::fs::read_to_string(&reload.path) {
            Ok(text) => text,
            Err(e) => {
                tracing::error!("config not reloaded ({path}: {e}); the old one stays in force");
                continue;
            }
        };
        let settings = match Config::parse(&text, &reload.path) {
            Ok(settings) => settings,
            Err(e) => {
                tracing::error!("config not reloaded; the old one stays in force:\n{e}");
                continue;
            }
        };
        if settings.feeds.is_empty() {
            tracing::error!(
                "config not reloaded: {path} lists no [[feeds]]; the old one stays in force"
            );
            continue;
        }
        let restart = sections_changed(&in_force, &text, reload.db.is_some());
        if !restart.is_empty() {
            tracing::warn!(
                sections = %restart.join(", "),
                "these settings changed and take effect at the next start; feeds reload now"
            );
        }
        if updates.send(settings.feeds).await.is_err() {
            // The daemon is stopping.
            return;
        }
        in_force = text;
    }
}

/// The top-level keys and sections, other than `[[feeds]]`, that differ between two
/// config texts (`[store] path` not counted when `--db` overrides it).
fn sections_changed(old: &str, new: &str, db_overridden: bool) -> Vec<String> {
    let table = |text: &str| -> toml::Table {
        let mut table: toml::Table = text.parse().unwrap_or_default();
        table.remove("feeds");
        if db_overridden && let Some(toml::Value::Table(store)) = table.get_mut("store") {
            store.remove("path");
        }
        table
    };
    let (old, new) = (table(old), table(new));
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| old.get(*key) != new.get(*key))
        .map(|key| format!("[{key}]"))
        .collect()
}

fn print_summary(
    report: &RunReport,
    config: &Settings,
    json: bool,
    interrupted: bool,
) -> anyhow::Result<()> {
    let store = chorus_store::Store::open_existing(&config.store.path)?;
    let stats = store.stats()?;
    // The CPU each stage's work took in this run (stages that did none are left out).
    let cpu: Vec<(&'static str, f64)> = chorus_model::Stage::ALL
        .iter()
        .map(|&s| (s.as_str(), chorus_model::live().stage(s).cpu_seconds()))
        .filter(|&(_, secs)| secs > 0.0)
        .collect();
    let mut out = std::io::stdout().lock();
    if json {
        let cpu: serde_json::Map<String, serde_json::Value> =
            cpu.iter().map(|&(stage, secs)| (stage.to_owned(), secs.into())).collect();
        let value = serde_json::json!({
            "stages": report.stages,
            "cpu_secs": cpu,
            "elapsed_secs": report.elapsed.as_secs_f64(),
            "interrupted": interrupted,
            "database": db_display(&config.store.path),
            "totals": stats,
        });
        writeln!(out, "{value}")?;
        return Ok(());
    }
    writeln!(out, "{}", if interrupted { "summary (interrupted):" } else { "summary:" })?;
    writeln!(out, "{report}")?;
    if !cpu.is_empty() {
        let each: Vec<String> = cpu.iter().map(|(stage, s)| format!("{stage} {s:.1} s")).collect();
        writeln!(out, "  cpu      {}", each.join(", "))?;
    }
    writeln!(
        out,
        "database {}: {} articles ({} duplicates) in {} events",
        db_display(&config.store.path),
        stats.articles,
        stats.duplicates,
        stats.events
    )?;
    Ok(())
}

fn db_display(path: &Path) -> String {
    std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path)).display().to_string()
}
