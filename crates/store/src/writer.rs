//! The writer stage: the pipeline's last stage, on a thread of its own.

use std::thread::JoinHandle;
use std::time::Duration;

use chorus_model::{Classified, FeedCheck, Stage, StageReport};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::{Store, StoreError, StoreSettings};

/// Items received but not yet written.
#[derive(Default)]
struct Batch {
    articles: Vec<Classified>,
    checks: Vec<FeedCheck>,
}

impl Batch {
    fn len(&self) -> usize {
        self.articles.len() + self.checks.len()
    }

    /// Writes what is pending in one transaction and counts it in `report`.
    fn flush(&mut self, store: &mut Store, report: &mut StageReport) -> Result<(), StoreError> {
        if self.len() == 0 {
            return Ok(());
        }
        let cpu = chorus_model::live().stage(chorus_model::Stage::Store);
        let counts = match cpu.timed(|| store.write_batch(&self.articles, &self.checks)) {
            Ok(counts) => counts,
            Err(e) => {
                let why = match std::error::Error::source(&e) {
                    Some(source) => format!("{e}: {source}"),
                    None => e.to_string(),
                };
                chorus_model::live().set_store_failure(Some(why));
                return Err(e);
            }
        };
        chorus_model::live().set_store_failure(None);
        // Committed: the input records these articles came from are done with. On an
        // error the tickets are dropped unsettled, and no checkpoint passes them.
        for article in &self.articles {
            if let Some(ticket) = &article.article.ticket {
                ticket.settle();
            }
            chorus_model::live()
                .observe_age(chorus_model::Stage::Store, article.article.fetched_at);
        }
        report.add_sent(counts.inserted);
        report.add_dropped("already_stored", counts.already_stored);
        self.articles.clear();
        self.checks.clear();
        Ok(())
    }
}

/// Where the database is and how far it may grow: to say so when it is full.
struct Room {
    path: std::path::PathBuf,
    max_bytes: Option<u64>,
}

impl Room {
    /// A write that failed for want of room is [`StoreError::Full`]; others pass as they are.
    fn explain(&self, e: StoreError) -> StoreError {
        let full = matches!(
            &e,
            StoreError::Sqlite { source: rusqlite::Error::SqliteFailure(f, _) }
                if f.code == rusqlite::ErrorCode::DiskFull
        );
        if !full {
            return e;
        }
        let limit = match self.max_bytes {
            Some(bytes) => {
                // As configured: bytes back to MiB, to a thousandth.
                let mb = (bytes as f64 / 1_048_576.0 * 1000.0).round() / 1000.0;
                format!("store.max_size_mb = {mb} reached, or the disk is full")
            }
            None => "the disk is full".to_owned(),
        };
        StoreError::Full { path: self.path.clone(), limit }
    }
}

/// Starts the writer stage on a dedicated thread that owns `store` (SQLite calls block, so
/// they must never run on a tokio worker).
///
/// The thread takes classified articles and feed checks from both channels and writes them
/// in batches of at most `cfg.batch_size` rows, one transaction each; a partial batch is
/// written once its first row has waited `cfg.flush_interval`. It ends when both
/// channels are closed (every sender dropped), after writing what is left.
///
/// The report counts `received` = articles + checks, `sent` = articles newly stored, and
/// `dropped["already_stored"]` for articles whose key was stored before. A failed write is
/// an infrastructure failure: the thread stops and returns the error, which drops both
/// receivers so the stages upstream see their channel close.
pub fn spawn_writer(
    store: Store,
    cfg: &StoreSettings,
    articles: mpsc::Receiver<Classified>,
    checks: mpsc::Receiver<FeedCheck>,
) -> JoinHandle<Result<StageReport, StoreError>> {
    let batch_size = cfg.batch_size.get();
    let interval = cfg.flush_interval;
    let room = Room { path: cfg.path.clone(), max_bytes: cfg.max_bytes };
    // The thread logs in the caller's span (the pipeline's `stage` span).
    let span = tracing::Span::current();
    std::thread::Builder::new()
        .name("chorus-store".to_owned())
        .spawn(move || {
            let _entered = span.entered();
            // Only timers and the two receivers live on this runtime; the writes block it
            // on purpose, which is what makes a slow disk push back on the channels.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .map_err(|source| StoreError::Writer { source })?;
            if let Some(bytes) = room.max_bytes {
                store.limit_size(bytes)?;
            }
            runtime
                .block_on(run(store, batch_size, interval, articles, checks))
                .map_err(|e| room.explain(e))
        })
        // Only fails when the OS cannot create a thread at all, as `std::thread::spawn` would.
        .expect("the OS refused to start the store writer thread")
}

async fn run(
    mut store: Store,
    batch_size: usize,
    interval: Duration,
    mut articles: mpsc::Receiver<Classified>,
    mut checks: mpsc::Receiver<FeedCheck>,
) -> Result<StageReport, StoreError> {
    let mut report = StageReport::new(Stage::Store);
    let mut batch = Batch::default();
    let (mut articles_open, mut checks_open) = (true, true);
    // When the oldest pending row must be written; the branch is off while nothing waits.
    let mut deadline = Instant::now();
    tracing::info!(
        batch_size,
        flush_interval_ms = interval.as_millis() as u64,
        "store writer started"
    );
    while articles_open || checks_open {
        let was_empty = batch.len() == 0;
        tokio::select! {
            item = articles.recv(), if articles_open => match item {
                Some(a) => { report.add_received(1); batch.articles.push(a) }
                None => articles_open = false,
            },
            item = checks.recv(), if checks_open => match item {
                Some(c) => { report.add_received(1); batch.checks.push(c) }
                None => checks_open = false,
            },
            () = tokio::time::sleep_until(deadline), if !was_empty => {}
        }
        if was_empty && batch.len() > 0 {
            deadline = Instant::now() + interval;
        }
        if batch.len() >= batch_size || (batch.len() > 0 && Instant::now() >= deadline) {
            batch.flush(&mut store, &mut report)?;
        }
    }
    batch.flush(&mut store, &mut report)?;
    tracing::info!(%report, "store writer finished");
    Ok(report)
}
