//! The read commands: `events`, `event`, `search`, `feeds` (`export` has its own module).

use std::io::Write;
use std::process::ExitCode;

use chorus_model::EventId;
use chorus_store::{EventOrder, Meaning, RunMeaning};

use crate::args::{EventArgs, EventSort, EventsArgs, FeedsArgs, Global, SearchArgs};
use crate::output::{clip, db_path, open, time, wrap};

pub(crate) fn events(global: &Global, args: EventsArgs) -> anyhow::Result<ExitCode> {
    let path = db_path(global, &args.db)?;
    let store = open(&path)?;
    let order = match args.sort {
        EventSort::Newest => EventOrder::Newest,
        EventSort::Coverage => EventOrder::MostCovered,
    };
    let events = store.events_with_outlets(order, args.min_outlets, args.limit)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for e in &events {
            writeln!(out, "{}", serde_json::to_string(e)?)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if events.is_empty() {
        writeln!(out, "no events in {}", path.display())?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:>6}  {:>8}  {:>7}  {:<16}  TITLE / OUTLETS",
        "EVENT", "ARTICLES", "OUTLETS", "LAST SEEN"
    )?;
    for e in &events {
        writeln!(
            out,
            "{:>6}  {:>8}  {:>7}  {:<16}  {}",
            e.id,
            e.article_count,
            e.outlet_count,
            time(e.last_seen),
            clip(&e.title, 90)
        )?;
        writeln!(out, "{:>43}  {}", "", clip(&e.outlets.join(", "), 90))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn event(global: &Global, args: EventArgs) -> anyhow::Result<ExitCode> {
    let path = db_path(global, &args.db)?;
    let mut store = open(&path)?;
    // The model is loaded only when there is something to compare across outlets.
    let outlets = store.event(EventId(args.id))?.map_or(0, |detail| {
        let names: std::collections::HashSet<_> = detail
            .articles
            .iter()
            .filter(|a| a.duplicate_of.is_none())
            .map(|a| a.article.outlet.clone())
            .collect();
        names.len()
    });
    let model = if outlets >= 2 { query_model(&args.db) } else { None };
    // The comparison the daemon keeps, when current; else computed now and kept.
    let Some((detail, coverage)) =
        chorus_pipeline::event_comparison(&mut store, EventId(args.id), model.as_ref())?
    else {
        anyhow::bail!("no event {} in {}", args.id, path.display());
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = serde_json::json!({ "event": detail, "coverage": coverage });
        writeln!(out, "{value}")?;
        return Ok(ExitCode::SUCCESS);
    }
    let s = &detail.summary;
    if s.id.0 != args.id {
        writeln!(out, "(event {} was merged into event {})", args.id, s.id)?;
    }
    writeln!(out, "event {}: {}", s.id, s.title)?;
    writeln!(
        out,
        "{} articles from {} outlets, {} .. {}\n",
        s.article_count,
        s.outlet_count,
        time(s.first_seen),
        time(s.last_seen)
    )?;
    for stored in &detail.articles {
        let a = &stored.article;
        let outlet = a.outlet.as_deref().unwrap_or("unknown outlet");
        writeln!(
            out,
            "  {}  {}  {}",
            time(a.published.or(a.fetched_at)),
            outlet,
            clip(&a.title, 80)
        )?;
        if let Some(url) = &a.url {
            writeln!(out, "      {url}")?;
        }
        if let Some(of) = &stored.duplicate_of {
            let similarity = stored.similarity.unwrap_or(1.0);
            writeln!(out, "      copy of {of} (similarity {similarity:.2})")?;
        }
    }
    if detail.articles.iter().filter(|a| a.duplicate_of.is_none()).count() > 1 {
        crate::compare::show(&mut out, &coverage)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn search(global: &Global, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let path = db_path(global, &args.db)?;
    let store = open(&path)?;
    let query = args.query.join(" ");
    let hits = store.search(&query, args.limit)?;
    let mut out = std::io::stdout().lock();
    for hit in &hits {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(hit)?)?;
            continue;
        }
        let event = hit.event.map(|e| format!("event {e}")).unwrap_or_default();
        writeln!(
            out,
            "{}  {}  {}  {}",
            time(hit.published),
            hit.outlet.as_deref().unwrap_or("-"),
            clip(&hit.title, 80),
            event
        )?;
        write!(out, "{}", wrap(&hit.snippet, 88, "    "))?;
    }
    if hits.is_empty() && !args.json {
        writeln!(out, "no matches for {query:?}")?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn feeds(global: &Global, args: FeedsArgs) -> anyhow::Result<ExitCode> {
    let path = db_path(global, &args.db)?;
    let store = open(&path)?;
    let feeds = store.feeds()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for f in &feeds {
            writeln!(out, "{}", serde_json::to_string(f)?)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Whether the last run could recognise the same statement in other words.
    match store.meaning()? {
        Some(RunMeaning { meaning: Meaning::Model(id), started_at }) => {
            writeln!(out, "sentence meaning: model {id} (run of {started_at})")?;
        }
        Some(RunMeaning { meaning: Meaning::WordsOnly(why), started_at }) => {
            writeln!(out, "sentence meaning: words only, no model (run of {started_at}): {why}")?;
        }
        None => {}
    }
    if feeds.is_empty() {
        writeln!(out, "no feed polled yet")?;
        return Ok(ExitCode::SUCCESS);
    }
    // One line a feed answers "is it collecting, and when is it polled next, and why";
    // the lines under it say where it is and what went wrong.
    writeln!(
        out,
        "{:<24}  {:<16}  {:<16}  {:>9}  {:>4}  {:>5}  {:<16}  WHY",
        "OUTLET", "LAST SUCCESS", "LAST NEW ARTICLE", "FAIL S/H", "304", "KNOWN", "NEXT POLL"
    )?;
    for f in &feeds {
        writeln!(
            out,
            "{:<24}  {:<16}  {:<16}  {:>9}  {:>4}  {:>5}  {:<16}  {}",
            clip(&f.outlet, 24),
            time(f.last_success),
            time(f.last_new_article_at),
            format!("{}/{}", f.soft_failures, f.hard_failures),
            share(f.not_modified_share),
            share(f.known_share),
            time(f.next_poll_at),
            f.next_poll_reason.as_deref().unwrap_or("-"),
        )?;
        writeln!(out, "    {}", f.url)?;
        if let Some(err) = &f.last_error {
            writeln!(out, "    last error: {err}")?;
        }
        if f.validators_unreliable {
            writeln!(
                out,
                "    the server kept its ETag/Last-Modified while the feed changed: polled without them"
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// "92%", or "-" before there is anything to share.
fn share(s: Option<f64>) -> String {
    s.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| "-".to_owned())
}

/// The sentence-embedding model for a comparison: the one the config names (with
/// `--config`), else the installed one; `None`, with a warning, when there is none or it
/// does not load, and the comparison goes by words alone.
fn query_model(from: &crate::args::DbFromConfig) -> Option<chorus_embed::Embedder> {
    let settings = match &from.config {
        Some(file) => match chorus_pipeline::Config::load(file) {
            Ok(settings) => settings.embed,
            Err(e) => {
                tracing::warn!("{e}: comparing on words alone");
                return None;
            }
        },
        None => chorus_embed::EmbedSettings::default(),
    };
    match settings.load() {
        Ok(chorus_embed::Loaded::Model(model)) => Some(*model),
        Ok(chorus_embed::Loaded::Absent(why)) => {
            tracing::warn!("comparing on words alone: {why}");
            None
        }
        Err(e) => {
            tracing::warn!("comparing on words alone: {e}");
            None
        }
    }
}
