//! `chorus backfill --dry-run`: what a backfill would read or download, and how much of it
//! is stored already, without writing anything.

use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use chorus_fetch::Fetcher;
use chorus_model::canonical_url;
use chorus_store::Store;
use serde::Serialize;
use url::Url;

use crate::backfill::{Backfill, Identity, is_html};
use crate::config::Settings;
use crate::warc::{Content, HttpResponse, WarcReader};
use crate::{PipelineError, jsonl};

/// What a backfill would do, input by input.
#[derive(Debug, Default, Serialize)]
pub struct DryRun {
    /// The database, and whether it exists yet.
    pub database: String,
    /// Articles stored in it now.
    pub stored_articles: u64,
    /// Feeds that would be polled once.
    pub feeds: Vec<String>,
    /// Sitemaps and URL lists: pages that would be downloaded.
    pub pages: Vec<PagesPlan>,
    /// WARC files that would be read.
    pub warc: Vec<WarcPlan>,
    /// JSONL files that would be replayed.
    pub jsonl: Vec<JsonlPlan>,
}

/// The pages one sitemap (or the URL lists, together) would have downloaded.
#[derive(Debug, Serialize)]
pub struct PagesPlan {
    /// The sitemap's address, or `urls` for the URL lists.
    pub from: String,
    /// Pages listed (in the date window).
    pub listed: u64,
    /// Of those, already stored: not downloaded again.
    pub already_stored: u64,
}

/// What reading one WARC file would do.
#[derive(Debug, Serialize)]
pub struct WarcPlan {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Where reading would start: a checkpoint of an earlier run, else 0.
    pub resume_offset: u64,
    /// Records in the whole file, by `WARC-Type`.
    pub records: BTreeMap<String, u64>,
    /// Response records from the resume offset on, by what would happen to them: `html`
    /// (extracted), `already_stored`, `non_200`, `non_html`, `too_large`, `bad_http`.
    pub responses_to_read: BTreeMap<String, u64>,
}

/// What replaying one JSONL file would do.
#[derive(Debug, Serialize)]
pub struct JsonlPlan {
    /// The file.
    pub path: PathBuf,
    /// Articles in it (lines that parse).
    pub articles: u64,
    /// Lines that do not parse.
    pub bad_lines: u64,
    /// Articles whose id is stored already.
    pub already_stored: u64,
}

/// Reads every input of `backfill` (sitemaps are fetched, pages are not) and says what a
/// run would do. Writes nothing: the database is opened read-only, if it exists at all.
pub async fn dry_run(config: &Settings, backfill: &Backfill) -> Result<DryRun, PipelineError> {
    let path = config.store.path.clone();
    let (store_known, progress) = tokio::task::spawn_blocking(move || stored(&path))
        .await
        .map_err(|_| PipelineError::StepPanicked { step: "dry run" })??;
    let Stored { articles, urls, ids } = store_known;
    let mut plan = DryRun {
        database: config.store.path.display().to_string(),
        stored_articles: articles,
        ..DryRun::default()
    };
    if backfill.poll_feeds {
        plan.feeds = config.feeds.iter().map(|f| f.spec().url.to_string()).collect();
    }
    if !backfill.sitemaps.is_empty() {
        let fetcher = Fetcher::new(&config.fetch)?;
        for root in &backfill.sitemaps {
            let walk = fetcher.read_sitemaps(root, backfill.window).await;
            plan.pages.push(pages_plan(root.as_str(), walk.entries.iter().map(|e| &e.url), &urls));
        }
    }
    if !backfill.pages.is_empty() {
        plan.pages.push(pages_plan("urls", backfill.pages.iter(), &urls));
    }
    let (warcs, files, cap) =
        (backfill.warcs.clone(), backfill.jsonl.clone(), config.fetch.max_body_bytes);
    let (warc, jsonl) = tokio::task::spawn_blocking(move || -> Result<_, PipelineError> {
        let warc =
            warcs.iter().map(|p| warc_plan(p, &progress, &urls, cap)).collect::<Result<_, _>>()?;
        let jsonl = files.iter().map(|p| jsonl_plan(p, &ids)).collect::<Result<_, _>>()?;
        Ok((warc, jsonl))
    })
    .await
    .map_err(|_| PipelineError::StepPanicked { step: "dry run" })??;
    plan.warc = warc;
    plan.jsonl = jsonl;
    Ok(plan)
}

/// What the database holds that a dry run compares with.
#[derive(Default)]
struct Stored {
    articles: u64,
    urls: HashSet<String>,
    ids: HashSet<String>,
}

/// Each WARC file's stored progress, by identity key.
type ProgressByKey = BTreeMap<String, u64>;

fn stored(path: &Path) -> Result<(Stored, ProgressByKey), PipelineError> {
    if !path.exists() {
        return Ok((Stored::default(), ProgressByKey::new()));
    }
    let store = Store::open_read_only(path)?;
    let mut progress = ProgressByKey::new();
    for (key, offset) in store.all_input_progress()? {
        progress.insert(key, offset);
    }
    let stored = Stored {
        articles: store.stats()?.articles.max(0) as u64,
        urls: store.known_urls(usize::MAX)?.into_iter().collect(),
        ids: store.known_input_ids()?.into_iter().collect(),
    };
    Ok((stored, progress))
}

fn pages_plan<'a>(
    from: &str,
    urls: impl Iterator<Item = &'a Url>,
    stored: &HashSet<String>,
) -> PagesPlan {
    let mut plan = PagesPlan { from: from.to_owned(), listed: 0, already_stored: 0 };
    for url in urls {
        plan.listed += 1;
        if stored.contains(canonical_url(url).as_str()) {
            plan.already_stored += 1;
        }
    }
    plan
}

fn warc_plan(
    path: &Path,
    progress: &ProgressByKey,
    stored: &HashSet<String>,
    cap: u64,
) -> Result<WarcPlan, PipelineError> {
    let io = |source| PipelineError::Input { path: path.to_owned(), source };
    let identity = Identity::of(path).map_err(io)?;
    let resume_offset =
        progress.get(&identity.key).copied().filter(|&o| o <= identity.size).unwrap_or(0);
    let mut plan = WarcPlan {
        path: path.to_owned(),
        size: identity.size,
        resume_offset,
        records: BTreeMap::new(),
        responses_to_read: BTreeMap::new(),
    };
    let warc_err = |source| PipelineError::Warc { path: path.to_owned(), source };
    let mut reader = WarcReader::open(path, 0, cap + 64 * 1024).map_err(warc_err)?;
    while let Some(record) = reader.next_record().map_err(warc_err)? {
        *plan.records.entry(record.kind.clone()).or_default() += 1;
        if record.kind != "response" || record.offset < resume_offset {
            continue;
        }
        let outcome = match &record.content {
            Content::TooLarge(_) => "too_large",
            Content::Bytes(block) => match HttpResponse::parse(block, cap as usize) {
                None => "bad_http",
                Some(http) if http.status != 200 => "non_200",
                Some(http) if http.content_type.as_deref().is_some_and(|t| !is_html(t)) => {
                    "non_html"
                }
                Some(_) => {
                    let url = record.target.as_deref().and_then(|t| Url::parse(t).ok());
                    match url {
                        None => "no_target_uri",
                        Some(url) if stored.contains(canonical_url(&url).as_str()) => {
                            "already_stored"
                        }
                        Some(_) => "html",
                    }
                }
            },
        };
        *plan.responses_to_read.entry(outcome.to_owned()).or_default() += 1;
    }
    Ok(plan)
}

fn jsonl_plan(path: &Path, ids: &HashSet<String>) -> Result<JsonlPlan, PipelineError> {
    let io = |source| PipelineError::Input { path: path.to_owned(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut plan =
        JsonlPlan { path: path.to_owned(), articles: 0, bad_lines: 0, already_stored: 0 };
    for line in std::io::BufReader::new(file).split(b'\n') {
        let line = line.map_err(io)?;
        let Ok(text) = std::str::from_utf8(&line) else {
            plan.bad_lines += 1;
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match jsonl::parse_line(text) {
            Ok((article, _)) => {
                plan.articles += 1;
                if article.input_id.is_some_and(|id| ids.contains(&id)) {
                    plan.already_stored += 1;
                }
            }
            Err(_) => plan.bad_lines += 1,
        }
    }
    Ok(plan)
}
