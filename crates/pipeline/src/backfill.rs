//! The backfill source: any mix of inputs in one run. The config's feeds once, sitemaps and
//! URL lists (downloaded), WARC archives (read from disk), and JSONL files of articles.
//!
//! Pages, however they were got, enter the extract stage; JSONL articles enter the dedup
//! stage directly. All of it goes through the one pipeline, so it is deduplicated against
//! what is stored and against itself.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chorus_fetch::{DateWindow, Fetcher};
use chorus_model::{
    Article, FeedCheck, Ledger, RawPage, Stage, StageReport, Throttle, canonical_url,
};
use chorus_store::Store;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use url::Url;

use crate::config::Settings;
use crate::progress::{Meter, Progress, Unit};
use crate::run::{FeedInputs, FetchJobs, Stages, fetch_stage, spawn_extract, stage_span};
use crate::sitemaps::{Outlets, SitemapSource, sitemap_source};
use crate::source::feed_schedule;
use crate::warc::{Content, HttpResponse, WarcError, WarcReader};
use crate::{PipelineError, jsonl};

/// What one backfill reads: any mix, each input kind possibly several times.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Backfill {
    /// Poll the config's feeds once.
    pub poll_feeds: bool,
    /// Sitemaps (and sitemap indexes) whose pages to download, within `window`.
    pub sitemaps: Vec<Url>,
    /// Article pages to download as they are (URL lists).
    pub pages: Vec<Url>,
    /// The sitemap entries kept, by date.
    pub window: DateWindow,
    /// WARC archives (`.warc` or `.warc.gz`) whose HTML responses to extract.
    pub warcs: Vec<PathBuf>,
    /// Files of pre-extracted articles, one JSON object a line.
    pub jsonl: Vec<PathBuf>,
    /// Where the inputs' progress is counted, for whoever shows it.
    pub progress: Progress,
}

impl Backfill {
    /// Whether anything is downloaded: feeds, sitemaps or pages.
    pub(crate) fn fetches(&self) -> bool {
        self.poll_feeds || !self.sitemaps.is_empty() || !self.pages.is_empty()
    }

    /// Whether any page enters the extract stage.
    pub(crate) fn has_pages(&self) -> bool {
        self.fetches() || !self.warcs.is_empty()
    }
}

/// The checkpoints to write once the run has drained: each WARC file's last watermark.
#[derive(Default)]
pub(crate) struct Checkpoints {
    store: PathBuf,
    files: Arc<std::sync::Mutex<Vec<WarcCheckpoint>>>,
}

impl Checkpoints {
    /// Writes every file's watermark. Called only after every stage ended without error,
    /// when each ticket issued is settled or abandoned, so the watermark is final.
    pub(crate) fn save(self) -> Result<(), PipelineError> {
        let files = std::mem::take(&mut *self.files.lock().unwrap_or_else(|e| e.into_inner()));
        if files.is_empty() {
            return Ok(());
        }
        let store = Store::open_existing(&self.store)?;
        for file in files {
            file.save(&store)?;
        }
        Ok(())
    }
}

/// One WARC file's identity and progress.
struct WarcCheckpoint {
    identity: Identity,
    ledger: Arc<Ledger>,
}

impl WarcCheckpoint {
    fn save(&self, store: &Store) -> Result<(), PipelineError> {
        let Identity { key, path, size } = &self.identity;
        store.save_input_progress(key, path, *size, self.ledger.watermark())?;
        Ok(())
    }
}

/// A file's identity for `backfill_progress`: its size and a digest of its first bytes.
pub(crate) struct Identity {
    pub(crate) key: String,
    pub(crate) path: String,
    pub(crate) size: u64,
}

impl Identity {
    /// Reads the identity of the WARC file at `path`.
    pub(crate) fn of(path: &Path) -> std::io::Result<Identity> {
        use std::io::Read;
        let file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        let mut head = Vec::with_capacity(IDENTITY_BYTES as usize);
        file.take(IDENTITY_BYTES).read_to_end(&mut head)?;
        let digest = xxhash_rust::xxh3::xxh3_64(&head);
        let shown = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        Ok(Identity {
            key: format!("warc:{size}:{digest:016x}"),
            path: shown.display().to_string(),
            size,
        })
    }
}

/// How much of a file's start names it.
const IDENTITY_BYTES: u64 = 64 * 1024;

/// How often a WARC reader writes its watermark while reading.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Room for a response's HTTP header beside the page body cap.
const HTTP_HEADER_ROOM: u64 = 64 * 1024;

/// Spawns the backfill's source and the stages its inputs need: fetch (when anything is
/// downloaded), extract and reorder (when any page comes in). Returns the checkpoints to
/// write once the run has drained.
#[allow(clippy::too_many_arguments)]
pub(crate) fn spawn(
    stages: &mut Stages,
    config: &Settings,
    backfill: Backfill,
    inputs: FeedInputs,
    capacity: usize,
    stop: CancellationToken,
    articles_tx: mpsc::Sender<Article>,
    checks_tx: mpsc::Sender<FeedCheck>,
) -> Result<Checkpoints, PipelineError> {
    let checkpoints = Checkpoints { store: config.store.path.clone(), files: Arc::default() };
    let FeedInputs { states, known } = inputs;
    let outlets = Arc::new(Outlets::of(&config.feeds));
    let mut sources: tokio::task::JoinSet<Result<StageReport, PipelineError>> =
        tokio::task::JoinSet::new();
    // Every input logs as the source stage, on whatever task or thread it runs.
    let span = stage_span(Stage::Source);

    let pages_tx = if backfill.has_pages() {
        let (pages_tx, pages_rx) = mpsc::channel(capacity);
        spawn_extract(stages, config, capacity, pages_rx, articles_tx.clone());
        Some(pages_tx)
    } else {
        None
    };

    // Downloads: the feeds once, sitemaps and URL lists, through one fetcher.
    let poll_feeds = backfill.poll_feeds && !config.feeds.is_empty();
    match &pages_tx {
        Some(pages_tx) if backfill.fetches() => {
            let fetcher = Arc::new(Fetcher::new(&config.fetch)?);
            if poll_feeds {
                let (jobs_tx, jobs_rx) = mpsc::channel(capacity);
                // Each feed is polled once: the next-poll notices are read and dropped.
                let (reschedule_tx, reschedule_rx) = mpsc::channel(config.feeds.len().max(1));
                let jobs = FetchJobs { jobs: jobs_rx, known: known.clone(), stop: stop.clone() };
                let (fetch, pages) = (Arc::clone(&fetcher), pages_tx.clone());
                stages.spawn(Stage::Fetch, async move {
                    Ok(fetch_stage(fetch, jobs, pages, checks_tx, reschedule_tx).await)
                });
                let (list, token) = (config.feeds.clone(), stop.clone());
                let only_feeds = backfill.sitemaps.is_empty()
                    && backfill.pages.is_empty()
                    && backfill.warcs.is_empty()
                    && backfill.jsonl.is_empty();
                sources.spawn(
                    async move {
                        let polled =
                            feed_schedule(list, states, true, jobs_tx, reschedule_rx, token).await;
                        // Alone, the feeds are what the source sent; beside other inputs, a note.
                        let mut report = if only_feeds {
                            polled.clone()
                        } else {
                            StageReport::new(Stage::Source)
                        };
                        report.noted.insert("feeds".to_owned(), polled.sent);
                        Ok(report)
                    }
                    .instrument(span.clone()),
                );
            } else {
                drop(checks_tx);
            }
            if !backfill.sitemaps.is_empty() || !backfill.pages.is_empty() {
                let meter = backfill.progress.meter("pages", Unit::Items, 0);
                let source = SitemapSource {
                    sitemaps: backfill.sitemaps.clone(),
                    pages: backfill.pages.clone(),
                    poll_feeds: false,
                    window: backfill.window,
                };
                let (pages, token, known) = (pages_tx.clone(), stop.clone(), known.clone());
                let outlets = Arc::clone(&outlets);
                sources.spawn(
                    async move {
                        Ok(sitemap_source(
                            fetcher,
                            source,
                            outlets,
                            known,
                            pages,
                            token,
                            Some(meter),
                        )
                        .await)
                    }
                    .instrument(span.clone()),
                );
            }
        }
        _ => drop(checks_tx),
    }

    // WARC archives, one after the other on a thread of their own: disk speed, and the
    // extract stage's workers take the pages in parallel.
    if let Some(pages_tx) = pages_tx
        && !backfill.warcs.is_empty()
    {
        let reader = WarcSource {
            files: backfill.warcs.clone(),
            store: config.store.path.clone(),
            cap: config.fetch.max_body_bytes,
            outlets: Arc::clone(&outlets),
            known: known.iter().cloned().collect(),
            pages: pages_tx,
            stop: stop.clone(),
            progress: backfill.progress.clone(),
            checkpoints: Arc::clone(&checkpoints.files),
        };
        let inner = span.clone();
        sources.spawn(
            async move {
                let (done_tx, done_rx) = tokio::sync::oneshot::channel();
                std::thread::Builder::new()
                    .name("chorus-warc".to_owned())
                    .spawn(move || {
                        let report = inner.in_scope(|| reader.run());
                        let _ = done_tx.send(report);
                    })
                    .map_err(|source| PipelineError::Input {
                        path: PathBuf::from("<thread>"),
                        source,
                    })?;
                done_rx.await.unwrap_or(Err(PipelineError::Panicked { stage: Stage::Source }))
            }
            .instrument(span.clone()),
        );
    }

    // JSONL files, in order, straight to the dedup stage.
    if !backfill.jsonl.is_empty() {
        let (files, token, progress) =
            (backfill.jsonl.clone(), stop.clone(), backfill.progress.clone());
        let articles = articles_tx.clone();
        let inner = span.clone();
        sources.spawn(
            async move {
                let read = tokio::task::spawn_blocking(move || {
                    inner.in_scope(|| {
                        let mut total = StageReport::new(Stage::Source);
                        for path in &files {
                            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                            let meter = progress.meter(
                                &format!("jsonl {}", short(path)),
                                Unit::Bytes,
                                size,
                            );
                            let report = jsonl::read_file(
                                path,
                                articles.clone(),
                                token.clone(),
                                Some(&meter),
                            )?;
                            merge(&mut total, report);
                            if token.is_cancelled() {
                                break;
                            }
                        }
                        Ok(total)
                    })
                });
                read.await.unwrap_or(Err(PipelineError::Panicked { stage: Stage::Source }))
            }
            .instrument(span.clone()),
        );
    }
    drop(articles_tx);

    stages.spawn(Stage::Source, async move {
        let mut report = StageReport::new(Stage::Source);
        let mut first_error = None;
        while let Some(done) = sources.join_next().await {
            match done {
                Ok(Ok(part)) => merge(&mut report, part),
                Ok(Err(e)) => {
                    // One input failing (a corrupt file) stops the others: the run reports
                    // the error, and what was stored stays stored.
                    stop.cancel();
                    first_error.get_or_insert(e);
                }
                Err(_) => {
                    stop.cancel();
                    first_error.get_or_insert(PipelineError::Panicked { stage: Stage::Source });
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(report),
        }
    });
    Ok(checkpoints)
}

/// Adds `part`'s counts to `total` (the live figures already have them).
fn merge(total: &mut StageReport, part: StageReport) {
    total.received += part.received;
    total.sent += part.sent;
    for (reason, n) in part.dropped {
        *total.dropped.entry(reason).or_default() += n;
    }
    for (what, n) in part.noted {
        *total.noted.entry(what).or_default() += n;
    }
}

/// A path's file name, for meters and logs.
fn short(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The WARC reader: its files, where to send pages, and what it needs to skip and resume.
struct WarcSource {
    files: Vec<PathBuf>,
    store: PathBuf,
    cap: u64,
    outlets: Arc<Outlets>,
    /// Canonical addresses already stored: their records are skipped unextracted.
    known: HashSet<String>,
    pages: mpsc::Sender<RawPage>,
    stop: CancellationToken,
    progress: Progress,
    checkpoints: Arc<std::sync::Mutex<Vec<WarcCheckpoint>>>,
}

impl WarcSource {
    /// Reads every file in turn. A file that cannot be read, or stops being a WARC file
    /// part-way, ends the run with an error naming it and the byte where it went wrong;
    /// what was read before is stored as usual.
    fn run(mut self) -> Result<StageReport, PipelineError> {
        let mut report = StageReport::new(Stage::Source);
        // The store's own connection, for checkpoints: the writer's is on its thread.
        let store = Store::open_existing(&self.store)?;
        let files = std::mem::take(&mut self.files);
        for path in &files {
            if self.stop.is_cancelled() {
                break;
            }
            self.read_file(path, &store, &mut report)?;
        }
        Ok(report)
    }

    fn read_file(
        &mut self,
        path: &Path,
        store: &Store,
        report: &mut StageReport,
    ) -> Result<(), PipelineError> {
        let io = |source| PipelineError::Input { path: path.to_owned(), source };
        let identity = Identity::of(path).map_err(io)?;
        let start =
            store.input_progress(&identity.key)?.filter(|&o| o <= identity.size).unwrap_or(0);
        let meter =
            self.progress.meter(&format!("warc {}", short(path)), Unit::Bytes, identity.size);
        meter.set_done(start);
        if start > 0 {
            *report.noted.entry("resumed_at_byte".to_owned()).or_default() += start;
            tracing::info!(file = %path.display(), offset = start, size = identity.size, "resuming the WARC file where the last run got to");
        }
        let ledger = Ledger::new(start);
        let checkpoint = WarcCheckpoint { identity, ledger: Arc::clone(&ledger) };
        let warc_err = |source: WarcError| PipelineError::Warc { path: path.to_owned(), source };
        let mut reader =
            WarcReader::open(path, start, self.cap + HTTP_HEADER_ROOM).map_err(warc_err)?;
        let mut saved = (Instant::now(), start);
        let mut log = Throttle::default();
        loop {
            if self.stop.is_cancelled() {
                break;
            }
            let cpu = chorus_model::live().stage(Stage::Source);
            let Some(record) = cpu.timed(|| reader.next_record()).map_err(warc_err)? else {
                break;
            };
            meter.add_item();
            report.note("records_read");
            if let Some(page) = cpu.timed(|| self.page(&record, report, &mut log)) {
                let ticket = ledger.issue(record.offset);
                let page = RawPage { ticket: Some(ticket), ..page };
                if self.pages.blocking_send(page).is_err() {
                    // Downstream is gone (a stage failed): nothing would store it.
                    break;
                }
                report.add_sent(1);
            }
            let next = reader.resume_point().map_err(warc_err)?;
            ledger.advance(next);
            meter.set_done(next);
            if saved.0.elapsed() >= CHECKPOINT_EVERY {
                let mark = ledger.watermark();
                if mark != saved.1 {
                    checkpoint.save(store)?;
                }
                saved = (Instant::now(), mark);
            }
        }
        self.checkpoints.lock().unwrap_or_else(|e| e.into_inner()).push(checkpoint);
        Ok(())
    }

    /// The page a record holds, or `None` after counting why it is skipped.
    fn page(
        &self,
        record: &crate::warc::Record,
        report: &mut StageReport,
        log: &mut Throttle,
    ) -> Option<RawPage> {
        report.add_received(1);
        if record.kind != "response" {
            let kind = if record.kind.is_empty() { "untyped" } else { record.kind.as_str() };
            report.drop_for(kind);
            return None;
        }
        let block = match &record.content {
            Content::Bytes(block) => block,
            Content::TooLarge(length) => {
                report.drop_for("too_large");
                if let Some(held_back) = log.allow("too_large") {
                    tracing::warn!(
                        offset = record.offset,
                        length,
                        held_back,
                        "WARC record over the page size cap: skipped"
                    );
                }
                return None;
            }
        };
        let Some(http) = HttpResponse::parse(block, self.cap as usize) else {
            report.drop_for("bad_http");
            return None;
        };
        if http.status != 200 {
            report.drop_for("non_200");
            return None;
        }
        if http.content_type.as_deref().is_some_and(|t| !is_html(t)) {
            report.drop_for("non_html");
            return None;
        }
        let Some(url) = record.target.as_deref().and_then(|t| Url::parse(t).ok()) else {
            report.drop_for("no_target_uri");
            return None;
        };
        if self.known.contains(canonical_url(&url).as_str()) {
            report.drop_for("already_stored");
            return None;
        }
        let fetched_at = record
            .date
            .as_deref()
            .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
            .map_or_else(chrono::Utc::now, |d| d.with_timezone(&chrono::Utc));
        Some(RawPage {
            outlet: self.outlets.name(&url),
            final_url: url.clone(),
            url,
            fetched_at,
            content_type: http.content_type,
            headers: chorus_model::PageHeaders {
                status: Some(http.status),
                ..chorus_model::PageHeaders::default()
            },
            body: http.body,
            entry: None,
            ticket: None,
        })
    }
}

/// Whether a response's `Content-Type` is an HTML page: `text/html`, XHTML.
pub(crate) fn is_html(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence.contains("html")
}

/// Meter a list of sitemap or list pages: total grows as entries are found.
pub(crate) fn count_page(meter: Option<&Meter>, found: u64) {
    if let Some(meter) = meter {
        meter.add_total(found);
    }
}

/// One page handled from a list.
pub(crate) fn page_done(meter: Option<&Meter>) {
    if let Some(meter) = meter {
        meter.add_done(1);
        meter.add_item();
    }
}
