//! Wiring: open the store, restore the deduplicator, connect the stages with bounded
//! channels, and wait for them to end.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chorus_dedup::Deduper;
use chorus_embed::{Embedder, Loaded};
use chorus_fetch::Fetcher;
use chorus_model::live::StageState;
use chorus_model::{FeedState, RunKind, Stage, StageReport};
use chorus_store::{LastRun, Meaning, RunId, Store, WriterLock};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::config::Settings;
use crate::sitemaps::{Outlets, sitemap_source};
use crate::source::{FeedLists, Source, feed_schedule, feed_schedule_with_updates};
use crate::{PipelineError, RunReport, backfill, jsonl, reorder};

/// Runs the pipeline from `source` until it ends (a backfill) or `shutdown` is cancelled
/// and in-flight work has drained (the daemon).
///
/// Only the source watches `shutdown`. Each later stage ends when its input closes, after
/// flushing, and then drops its own sender, so the end cascades down to the store. If the
/// cascade takes longer than `pipeline.shutdown_grace_secs` after `shutdown`, the stages
/// still running are named in [`PipelineError::ShutdownTimeout`]; nothing already written
/// is lost, since every write is a committed transaction and a re-run is idempotent.
pub async fn run(
    config: &Settings,
    source: Source,
    shutdown: CancellationToken,
) -> Result<RunReport, PipelineError> {
    run_with_reloads(config, source, shutdown, None).await
}

/// [`run`], and while the daemon runs (`Source::Feeds { once: false }`), each feed list
/// sent on `reloads` replaces the one it polls, without a restart: feeds added are polled
/// at once, feeds removed no more, feeds retuned by their new settings (see
/// `chorus run`'s SIGHUP). Other sources ignore `reloads`.
pub async fn run_with_reloads(
    config: &Settings,
    source: Source,
    shutdown: CancellationToken,
    reloads: Option<mpsc::Receiver<Vec<crate::Feed>>>,
) -> Result<RunReport, PipelineError> {
    let started = Instant::now();
    // Opening the file, migrating it and reading the window back are blocking work that
    // can take seconds on a large file: off the async workers.
    let Startup { writer_lock, store, run_id, deduper, feeds, meaning } = blocking("start-up", {
        let (config, source) = (config.clone(), source.clone());
        move || Startup::load(&config, &source)
    })
    .await?;
    let capacity = config.pipeline.channel_capacity().get();
    for stage in Stage::ALL {
        chorus_model::live().stage(stage).set_state(StageState::Idle);
    }
    // The daemon's articles were downloaded just now: how long each took to pass each
    // stage is its pipeline latency.
    chorus_model::live().track_ages(matches!(source, Source::Feeds { once: false }));
    let (articles_tx, articles_rx) = mpsc::channel(capacity);
    watch_queue("articles", &articles_tx);
    // The source stops on a signal, or when a stage fails: then nothing downstream would
    // store what it produced.
    let stop = shutdown.child_token();
    // The store takes a batch, then writes it: its queue holds a whole batch, so that
    // deciding goes on while a batch is written instead of stalling every stage before it.
    let store_queue = capacity.max(config.store.batch_size.get());
    let (classified_tx, classified_rx) = mpsc::channel(store_queue);
    watch_queue("classified", &classified_tx);
    let (checks_tx, checks_rx) = mpsc::channel(capacity);
    watch_queue("checks", &checks_tx);
    let mut stages = Stages::default();
    // The daemon keeps each event's comparison current as articles join; a backfill leaves
    // that to the first view, so that it spends its time on ingest.
    let comparisons = matches!(source, Source::Feeds { once: false }).then(|| {
        let task = keep_comparisons(config.store.path.clone(), meaning.clone(), stop.clone());
        (task, meaning.clone())
    });

    // A backfill's WARC watermarks, written once every stage has drained.
    let mut checkpoints = None;
    match source {
        Source::Feeds { once } => {
            let updates = if once { None } else { reloads };
            let feeds = FeedStages { once, inputs: feeds, capacity, stop: stop.clone(), updates };
            feeds.spawn(&mut stages, config, articles_tx, checks_tx)?;
        }
        Source::Jsonl(path) => {
            // Pre-extracted articles skip fetch and extract, and no feed is checked.
            drop(checks_tx);
            let token = stop.clone();
            stages.spawn(Stage::Source, async move {
                let span = tracing::Span::current();
                let read =
                    move || span.in_scope(|| jsonl::read_file(&path, articles_tx, token, None));
                let read = tokio::task::spawn_blocking(read).await;
                read.unwrap_or(Err(PipelineError::Panicked { stage: Stage::Source }))
            });
        }
        Source::Sitemaps(sitemaps) => {
            let fetcher = Arc::new(Fetcher::new(&config.fetch)?);
            let (pages_tx, pages_rx) = mpsc::channel(capacity);
            watch_queue("pages", &pages_tx);
            let FeedInputs { states, known } = feeds;
            let token = stop.clone();
            let outlets = Arc::new(Outlets::of(&config.feeds));
            if sitemaps.poll_feeds && !config.feeds.is_empty() {
                // The config's feeds once, beside the sitemaps: one fetcher, so one set of
                // per-host limits, and one page channel into extraction.
                let (jobs_tx, jobs_rx) = mpsc::channel(capacity);
                // Each feed is polled once: the next-poll notices are read and dropped.
                let (reschedule_tx, reschedule_rx) = mpsc::channel(config.feeds.len().max(1));
                let (fetch, pages) = (Arc::clone(&fetcher), pages_tx.clone());
                let fetch_known = known.clone();
                let fetch_stop = token.clone();
                stages.spawn(Stage::Fetch, async move {
                    let jobs = FetchJobs { jobs: jobs_rx, known: fetch_known, stop: fetch_stop };
                    Ok(fetch_stage(fetch, jobs, pages, checks_tx, reschedule_tx).await)
                });
                let list = config.feeds.clone();
                stages.spawn(Stage::Source, async move {
                    let (polled, mut report) = tokio::join!(
                        feed_schedule(list, states, true, jobs_tx, reschedule_rx, token.clone()),
                        sitemap_source(
                            fetcher,
                            sitemaps,
                            outlets,
                            known,
                            pages_tx,
                            token.clone(),
                            None
                        )
                    );
                    report.noted.insert("feeds".to_owned(), polled.sent);
                    Ok(report)
                });
            } else {
                // Pages come from sitemaps and lists only: no feed is checked.
                drop(checks_tx);
                stages.spawn(Stage::Source, async move {
                    Ok(sitemap_source(fetcher, sitemaps, outlets, known, pages_tx, token, None)
                        .await)
                });
            }
            spawn_extract(&mut stages, config, capacity, pages_rx, articles_tx);
        }
        Source::Backfill(inputs) => {
            let token = stop.clone();
            let spawned = backfill::spawn(
                &mut stages,
                config,
                inputs,
                feeds,
                capacity,
                token,
                articles_tx,
                checks_tx,
            )?;
            checkpoints = Some(spawned);
        }
    }

    stages.spawn(Stage::Dedup, async move {
        Ok(chorus_dedup::run(deduper, articles_rx, classified_tx, meaning).await)
    });
    let writer = stage_span(Stage::Store)
        .in_scope(|| chorus_store::spawn_writer(store, &config.store, classified_rx, checks_rx));
    stages.spawn(Stage::Store, async move {
        let joined = tokio::task::spawn_blocking(move || writer.join()).await;
        match joined {
            Ok(Ok(Ok(report))) => Ok(report),
            Ok(Ok(Err(e))) => Err(PipelineError::Store(e)),
            Ok(Err(_)) | Err(_) => Err(PipelineError::Panicked { stage: Stage::Store }),
        }
    });

    let stages = stages.wait(&stop, config.pipeline.grace()).await?;
    if let Some(checkpoints) = checkpoints {
        blocking("saving of the backfill's progress", move || checkpoints.save()).await?;
    }
    if let Some((task, model)) = comparisons {
        // A comparison under way is only abandoned: nothing is kept half-made. The events
        // the last articles changed are compared once more, within a bound, so a stopped
        // daemon leaves them current.
        task.abort();
        let path = config.store.path.clone();
        let last = blocking("last comparison refresh", move || {
            let mut store = Store::open_existing(&path)?;
            Ok(crate::refresh(&mut store, model.as_deref(), FINAL_REFRESH_BUDGET)?)
        });
        if let Err(e) = last.await {
            tracing::warn!("comparisons not refreshed at the end: {e}");
        }
    }
    let path = config.store.path.clone();
    blocking("recording of the run's end", move || {
        Store::open(&path)?.finish_run(run_id)?;
        drop(writer_lock);
        Ok(())
    })
    .await?;
    Ok(RunReport { stages, elapsed: started.elapsed() })
}

/// The most feeds a reloaded list may hold, whatever the daemon started with.
const MIN_RELOADABLE_FEEDS: usize = 4096;

/// How long a stopping daemon may spend comparing the events its last articles changed.
const FINAL_REFRESH_BUDGET: Duration = Duration::from_secs(3);

/// Compares again, every [`crate::REFRESH_INTERVAL`] until `stop`, the events whose
/// articles changed, on a connection of its own (the writer's is busy with ingest). A
/// failure is logged and tried again next time: the comparisons are a convenience for
/// views, which compute one themselves when none is kept.
fn keep_comparisons(
    path: std::path::PathBuf,
    model: Option<Arc<Embedder>>,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let span = tracing::info_span!("comparisons");
    tokio::spawn(
        async move {
            let mut store: Option<Store> = None;
            let mut ticks = tokio::time::interval(crate::REFRESH_INTERVAL);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    () = stop.cancelled() => break,
                    _ = ticks.tick() => {}
                }
                let (path, model, span) = (path.clone(), model.clone(), tracing::Span::current());
                let kept = store.take();
                let work = tokio::task::spawn_blocking(move || {
                    let _entered = span.entered();
                    let mut store = match kept {
                        Some(store) => store,
                        None => Store::open_existing(&path)?,
                    };
                    let result =
                        crate::refresh(&mut store, model.as_deref(), crate::REFRESH_INTERVAL);
                    result.map(|_| store)
                });
                match work.await {
                    Ok(Ok(kept)) => store = Some(kept),
                    Ok(Err(e)) => tracing::warn!("comparisons not refreshed: {e}"),
                    Err(e) => tracing::error!("the comparison refresh panicked: {e}"),
                }
            }
        }
        .instrument(span),
    )
}

/// Runs blocking work `f` on tokio's blocking pool; a panic in it is a [`PipelineError`]
/// naming `what`.
async fn blocking<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> Result<T, PipelineError> + Send + 'static,
) -> Result<T, PipelineError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        tracing::error!("the {what} panicked: {e}");
        Err(PipelineError::StepPanicked { step: what })
    })
}

/// What a run reads from the store before its stages start.
struct Startup {
    /// Held for the whole run: one writer per file.
    writer_lock: WriterLock,
    store: Store,
    run_id: RunId,
    deduper: Deduper,
    /// For a feed or sitemap source only: what the fetch stage starts from.
    feeds: FeedInputs,
    /// The sentence-embedding model, when the run uses one and it is installed.
    meaning: Option<Arc<Embedder>>,
}

/// The stored state the feed stages start from.
#[derive(Default)]
pub(crate) struct FeedInputs {
    /// Each feed's conditional-request state, by feed URL.
    pub(crate) states: HashMap<String, FeedState>,
    /// The addresses already stored, for the fetcher to skip.
    pub(crate) known: Vec<String>,
}

impl Startup {
    /// Takes the writer lock, opens (or creates) the file, records the run's start, and
    /// reads back the dedup window and, for feeds, their states and the known addresses.
    fn load(config: &Settings, source: &Source) -> Result<Startup, PipelineError> {
        let writer_lock = WriterLock::acquire(&config.store.path)?;
        let mut store = Store::open(&config.store.path)?;
        let (run_id, last_run) = store.begin_run(source.kind())?;
        let (meaning, said) = load_meaning(config, source.kind())?;
        store.record_meaning(run_id, &said)?;
        let deduper = restore_deduper(&store, config)?;
        let feeds = match source {
            Source::Feeds { .. } => {
                let mut states = store.feed_states()?;
                if last_run == LastRun::Abandoned {
                    // The last run may have saved a feed's validators and died before
                    // storing that feed's articles: a 304 now would hide them for good.
                    tracing::warn!(
                        "the last run did not finish cleanly: reading every feed in full once"
                    );
                    states.values_mut().for_each(FeedState::forget_validators);
                }
                let known = store.known_urls(config.fetch.max_known_urls.get())?;
                FeedInputs { states, known }
            }
            Source::Sitemaps(_) => FeedInputs {
                states: store.feed_states()?,
                known: store.known_urls(config.fetch.max_known_urls.get())?,
            },
            Source::Backfill(b) if b.fetches() || !b.warcs.is_empty() => {
                let mut states = store.feed_states()?;
                if b.poll_feeds && last_run == LastRun::Abandoned {
                    // As for the daemon's feeds: no 304 may hide articles never stored.
                    states.values_mut().for_each(FeedState::forget_validators);
                }
                FeedInputs { states, known: store.known_urls(config.fetch.max_known_urls.get())? }
            }
            Source::Jsonl(_) | Source::Backfill(_) => FeedInputs::default(),
        };
        Ok(Startup { writer_lock, store, run_id, deduper, feeds, meaning })
    }
}

/// Loads the sentence-embedding model when the run clusters by meaning (`dedup.semantic`;
/// unset, the daemon does, whose news arrives slowly enough to embed every article, and a
/// backfill does not, for speed), and says what the run uses: the model, or words alone
/// and why. Said once, at start-up.
fn load_meaning(
    config: &Settings,
    kind: RunKind,
) -> Result<(Option<Arc<Embedder>>, Meaning), PipelineError> {
    match config.dedup.semantic() {
        Some(false) => {
            let why = "dedup.semantic = false in the config";
            return Ok((None, Meaning::WordsOnly(why.to_owned())));
        }
        None if kind != RunKind::Daemon => {
            let why = "a backfill clusters by words alone unless dedup.semantic = true";
            return Ok((None, Meaning::WordsOnly(why.to_owned())));
        }
        _ => {}
    }
    match config.embed.load()? {
        Loaded::Model(model) => {
            tracing::info!(
                model = model.model_id(),
                threads = model.threads(),
                "sentence meaning: comparing and clustering with a sentence-embedding model"
            );
            let id = model.model_id().to_owned();
            Ok((Some(Arc::from(model)), Meaning::Model(id)))
        }
        Loaded::Absent(why) => {
            tracing::warn!("sentence meaning: words only, no sentence-embedding model: {why}");
            Ok((None, Meaning::WordsOnly(why)))
        }
    }
}

/// What the feed source needs to start its stages: source, fetch, extract and reorder.
struct FeedStages {
    once: bool,
    inputs: FeedInputs,
    capacity: usize,
    stop: CancellationToken,
    /// New feed lists for the daemon's schedule.
    updates: Option<mpsc::Receiver<Vec<crate::Feed>>>,
}

impl FeedStages {
    /// Spawns the stages that turn feeds into articles on `articles`, and feed checks on
    /// `checks`.
    fn spawn(
        self,
        stages: &mut Stages,
        config: &Settings,
        articles_tx: mpsc::Sender<chorus_model::Article>,
        checks_tx: mpsc::Sender<chorus_model::FeedCheck>,
    ) -> Result<(), PipelineError> {
        let FeedStages { once, inputs: FeedInputs { states, known }, capacity, stop, updates } =
            self;
        let fetcher = Arc::new(Fetcher::new(&config.fetch)?);
        let (jobs_tx, jobs_rx) = mpsc::channel(capacity);
        watch_queue("jobs", &jobs_tx);
        let (pages_tx, pages_rx) = mpsc::channel(capacity);
        watch_queue("pages", &pages_tx);
        // One place per feed: the source keeps at most one job per feed in flight, so at
        // most one reschedule per feed is ever waiting, and the fetcher never waits on the
        // source (which may itself be waiting on the fetcher's job channel). A daemon's
        // list may grow by reloads, up to this many feeds (the schedule refuses a longer
        // one); a place costs nothing until used.
        let places = if once {
            config.feeds.len().max(1)
        } else {
            (config.feeds.len() * 4).max(MIN_RELOADABLE_FEEDS)
        };
        let (reschedule_tx, reschedule_rx) = mpsc::channel(places);
        let lists = FeedLists { feeds: config.feeds.clone(), updates };
        let fetch_stop = stop.clone();
        stages.spawn(Stage::Source, async move {
            let schedule =
                feed_schedule_with_updates(lists, states, once, jobs_tx, reschedule_rx, stop);
            Ok(schedule.await)
        });
        stages.spawn(Stage::Fetch, async move {
            let jobs = FetchJobs { jobs: jobs_rx, known, stop: fetch_stop };
            Ok(fetch_stage(fetcher, jobs, pages_tx, checks_tx, reschedule_tx).await)
        });
        spawn_extract(stages, config, capacity, pages_rx, articles_tx);
        Ok(())
    }
}

/// Spawns the extract and reorder stages: downloaded pages in, articles out.
pub(crate) fn spawn_extract(
    stages: &mut Stages,
    config: &Settings,
    capacity: usize,
    pages_rx: mpsc::Receiver<chorus_model::RawPage>,
    articles_tx: mpsc::Sender<chorus_model::Article>,
) {
    let (extracted_tx, extracted_rx) = mpsc::channel(capacity);
    watch_queue("extracted", &extracted_tx);
    let extract = config.extract.clone();
    // Pages are compressed where they are extracted, for the store to keep.
    let keep = config.store.keep_raw.then_some(chorus_extract::KEEP_LEVEL);
    stages.spawn(Stage::Extract, async move {
        Ok(chorus_extract::run(extract, keep, pages_rx, extracted_tx).await)
    });
    let (hold, held) = (config.pipeline.reorder_window(), config.pipeline.reorder_articles());
    stages.spawn(Stage::Reorder, async move {
        Ok(reorder::run(extracted_rx, articles_tx, held, hold).await)
    });
}

/// What the fetch stage works from: the jobs, the addresses already stored, and the run's
/// stop signal.
pub(crate) struct FetchJobs {
    pub(crate) jobs: mpsc::Receiver<chorus_model::FeedJob>,
    pub(crate) known: Vec<String>,
    pub(crate) stop: CancellationToken,
}

/// The fetch stage ([`chorus_fetch::run`]), except that once the run stops it no longer
/// waits out politeness: requests not yet sent fail as passing failures
/// ([`Fetcher::stop_waiting`]), and what was sent finishes.
pub(crate) async fn fetch_stage(
    fetcher: Arc<Fetcher>,
    input: FetchJobs,
    pages: mpsc::Sender<chorus_model::RawPage>,
    checks: mpsc::Sender<chorus_model::FeedCheck>,
    reschedule: mpsc::Sender<chorus_model::Reschedule>,
) -> StageReport {
    let FetchJobs { jobs, known, stop } = input;
    let run = chorus_fetch::run(Arc::clone(&fetcher), jobs, pages, checks, known, reschedule);
    tokio::pin!(run);
    tokio::select! {
        report = &mut run => return report,
        () = stop.cancelled() => fetcher.stop_waiting(),
    }
    run.await
}

/// Rebuilds the deduplicator's window from the store, so an article arriving after a
/// restart is compared with the articles before it. The window is streamed from the file
/// into the deduplicator, never held whole.
fn restore_deduper(store: &Store, config: &Settings) -> Result<Deduper, PipelineError> {
    let mut deduper = Deduper::new(&config.dedup, store.next_event_id()?);
    let restored =
        store.for_each_in_window(config.dedup.restore_limit(), |c| deduper.restore(&c))?;
    if restored > 0 {
        tracing::info!(restored, "restored the dedup window from the store");
    }
    Ok(deduper)
}

/// Lets `/metrics` show how full the channel `tx` sends on is, for as long as it is open.
fn watch_queue<T: Send + 'static>(name: &'static str, tx: &mpsc::Sender<T>) {
    let weak = tx.downgrade();
    chorus_model::live().watch_queue(name, move || {
        let tx = weak.upgrade()?;
        Some((tx.max_capacity() - tx.capacity(), tx.max_capacity()))
    });
}

/// The span every log line of `stage` is in: its `stage` field names the stage.
pub(crate) fn stage_span(stage: Stage) -> tracing::Span {
    tracing::info_span!("stage", stage = stage.as_str())
}

/// The running stages, each a task known by its [`Stage`], so that a panic or a stage stuck
/// past the grace deadline is named.
#[derive(Default)]
pub(crate) struct Stages {
    tasks: JoinSet<Result<StageReport, PipelineError>>,
    names: HashMap<tokio::task::Id, Stage>,
}

impl Stages {
    pub(crate) fn spawn(
        &mut self,
        stage: Stage,
        task: impl Future<Output = Result<StageReport, PipelineError>> + Send + 'static,
    ) {
        chorus_model::live().stage(stage).set_state(StageState::Running);
        let handle = self.tasks.spawn(task.instrument(stage_span(stage)));
        self.names.insert(handle.id(), stage);
    }

    /// Collects every stage's report, in pipeline order. The first error wins: it stops the
    /// source (`stop`), and the stages after it end as their inputs close. The grace
    /// deadline runs from the signal or the failure, whichever comes first.
    async fn wait(
        mut self,
        stop: &CancellationToken,
        grace: Duration,
    ) -> Result<Vec<StageReport>, PipelineError> {
        let mut running: BTreeSet<Stage> = self.names.values().copied().collect();
        let mut reports = Vec::new();
        let mut first_error = None;
        let deadline = async {
            stop.cancelled().await;
            tokio::time::sleep(grace).await;
        };
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                next = self.tasks.join_next_with_id() => {
                    let (id, result) = match next {
                        None => break,
                        Some(Ok((id, result))) => (id, result),
                        Some(Err(e)) => {
                            let stage = self.names[&e.id()];
                            tracing::error!(stage = stage.as_str(), "stage panicked: {e}");
                            (e.id(), Err(PipelineError::Panicked { stage }))
                        }
                    };
                    let stage = self.names[&id];
                    running.remove(&stage);
                    let state = if result.is_ok() { StageState::Ended } else { StageState::Failed };
                    chorus_model::live().stage(stage).set_state(state);
                    match result {
                        Ok(report) => reports.push(report),
                        Err(e) => {
                            tracing::error!(stage = stage.as_str(), "stage failed: {e}");
                            first_error.get_or_insert(e);
                            stop.cancel();
                        }
                    }
                }
                () = &mut deadline => {
                    // Every stage after a stuck one waits on it, so the first is the culprit;
                    // the set is in pipeline order.
                    let stages = running.into_iter().collect();
                    return Err(PipelineError::ShutdownTimeout { grace, stages });
                }
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        reports.sort_by_key(|r| r.stage);
        Ok(reports)
    }
}
