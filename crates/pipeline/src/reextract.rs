//! `chorus reextract`: the current extractor over the pages the store kept, and the
//! articles, duplicates and events brought up to date where it reads a page differently.
//!
//! Three steps, one write transaction ([`chorus_store::Rewrite`]):
//!
//! 1. **Extract.** A reader thread streams the kept pages that pass the filter, in chunks
//!    of [`CHUNK`], through a bounded channel to one extraction thread per core (each
//!    inflates the page and runs [`chorus_extract::explain`] on it); the writer (the
//!    calling thread) compares each result with the stored article and updates the ones
//!    that changed. At most a few chunks of pages are in memory at once.
//! 2. **Decide again.** The changed articles, and the copies of changed originals, are
//!    decided again by replaying the deduplicator over the stored articles in arrival
//!    order, from the dedup window before the first of them to the last: every other
//!    article is restored as it was decided ([`Deduper::restore`]), each article to decide
//!    is observed afresh at its own place, so that it meets the articles that were there
//!    when it first arrived. An article that founded its event and founds one again
//!    keeps its event's id.
//! 3. **Record.** The events touched are recounted, their kept comparisons dropped, and
//!    the re-extraction recorded (`reextractions` table); then it commits.
//!
//! It holds the [`WriterLock`] throughout: it never runs beside a daemon or a backfill
//! writing the same file, and is refused while one does.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use chorus_dedup::{Deduper, Verdict};
use chorus_extract::ExtractSettings;
use chorus_model::{Article, EventId};
use chorus_store::{PageFilter, ReextractCounts, Store, StoredPage, WriterLock};

use crate::{PipelineError, Settings};

/// Pages read from the store at a time.
const CHUNK: usize = 64;

/// One page extracted again, or why not.
enum Redone {
    /// The article as stored, and as extracted now with its text hash.
    Fresh { seq: i64, stored: Box<Article>, fresh: Box<Article>, text_hash: String },
    /// The page could not be restored or extracted, or has no text now.
    Failed { seq: i64, reason: String },
}

/// Runs the current extractor over the kept pages that pass `filter` (pages fetched at or
/// after `filter.since`, of `filter.outlet`) in the database `config.store.path`, with
/// `config.extract` and `config.dedup`, and updates what changed (see the module docs).
/// Clustering replays by words alone, as a backfill does.
pub fn reextract(config: &Settings, filter: &PageFilter) -> Result<ReextractCounts, PipelineError> {
    let path = &config.store.path;
    let _lock = WriterLock::acquire(path)?;
    let mut store = Store::open_existing(path)?;
    let reader = Store::open_existing(path)?;
    let next_event = store.next_event_id()?;
    let workers = config.extract.workers.get();
    let mut counts = ReextractCounts::default();
    let mut rewrite = store.rewrite(chorus_extract::VERSION)?;

    std::thread::scope(|scope| -> Result<(), PipelineError> {
        let (pages_tx, pages_rx) = sync_channel::<StoredPage>(CHUNK * 2);
        let (done_tx, done_rx) = sync_channel::<Redone>(CHUNK * 2);
        let reading = scope.spawn(move || read_pages(&reader, filter, &pages_tx));
        let pages_rx = Arc::new(Mutex::new(pages_rx));
        for _ in 0..workers {
            let (pages, done, cfg) = (Arc::clone(&pages_rx), done_tx.clone(), &config.extract);
            scope.spawn(move || extract_pages(&pages, &done, cfg));
        }
        // The workers hold the only senders left: the loop ends when they are done.
        drop(done_tx);
        for redone in done_rx {
            counts.pages += 1;
            match redone {
                Redone::Fresh { seq, stored, fresh, text_hash } => {
                    if rewrite.update(seq, &stored, &fresh, &text_hash)? {
                        counts.changed += 1;
                    } else {
                        counts.unchanged += 1;
                    }
                }
                Redone::Failed { seq, reason } => {
                    counts.failed += 1;
                    tracing::warn!(seq, reason, "page not extracted again; its article is kept");
                }
            }
        }
        reading.join().unwrap_or(Err(PipelineError::StepPanicked { step: "page reader" }))
    })?;

    let decide = rewrite.to_decide()?;
    if let Some((from, to)) = rewrite.replay_range(&decide, config.dedup.restore_limit())? {
        let mut replay = Replay::new(Deduper::new(&config.dedup, next_event), next_event, decide);
        rewrite.replay(from, to, |seq, stored| replay.next(seq, stored))?;
    }
    Ok(rewrite.finish(filter, counts)?)
}

/// Streams the kept pages that pass `filter` into `pages`, a chunk at a time.
fn read_pages(
    reader: &Store,
    filter: &PageFilter,
    pages: &SyncSender<StoredPage>,
) -> Result<(), PipelineError> {
    let mut after = 0;
    loop {
        let chunk = reader.raw_pages_after(filter, after, CHUNK)?;
        let Some(last) = chunk.last() else { return Ok(()) };
        after = last.seq;
        for page in chunk {
            if pages.send(page).is_err() {
                // The writer stopped (an error): nothing more to read.
                return Ok(());
            }
        }
    }
}

/// One extraction thread: takes pages until the reader is done.
fn extract_pages(
    pages: &Mutex<Receiver<StoredPage>>,
    done: &SyncSender<Redone>,
    cfg: &ExtractSettings,
) {
    loop {
        // The lock is held only to take one page, never while extracting.
        let next = pages.lock().map(|rx| rx.recv());
        let Ok(Ok(page)) = next else { return };
        if done.send(extract_one(page, cfg)).is_err() {
            return;
        }
    }
}

fn extract_one(stored: StoredPage, cfg: &ExtractSettings) -> Redone {
    let StoredPage { seq, article, page, .. } = stored;
    let outlet = article.outlet.clone().unwrap_or_default();
    let extracted =
        chorus_extract::restore(&page, &outlet).and_then(|raw| chorus_extract::explain(&raw, cfg));
    match extracted {
        Ok(e) if e.article.text.trim().is_empty() => {
            Redone::Failed { seq, reason: "no text".to_owned() }
        }
        Ok(e) => {
            let text_hash = chorus_dedup::text_hash(&e.article.text);
            Redone::Fresh { seq, stored: Box::new(article), fresh: Box::new(e.article), text_hash }
        }
        Err(err) => Redone::Failed { seq, reason: err.to_string() },
    }
}

/// The deduplicator replayed over stored articles: most are restored as decided, the
/// ones in `decide` are observed again.
struct Replay {
    deduper: Deduper,
    /// Event ids from here on were handed out by this replay.
    next_event: EventId,
    decide: HashSet<i64>,
    /// Events met so far in the replay, by stored id.
    seen: HashSet<EventId>,
    /// New event ids this replay gave to articles that keep their stored event.
    kept: HashMap<EventId, EventId>,
}

impl Replay {
    fn new(deduper: Deduper, next_event: EventId, decide: HashSet<i64>) -> Self {
        Replay { deduper, next_event, decide, seen: HashSet::new(), kept: HashMap::new() }
    }

    fn next(
        &mut self,
        seq: i64,
        stored: chorus_model::Classified,
    ) -> Option<chorus_model::Classified> {
        let stored_event = stored.event.id;
        if !self.decide.contains(&seq) {
            self.seen.insert(stored_event);
            self.deduper.restore(&stored);
            return None;
        }
        let Verdict::New(mut decided) = self.deduper.observe(stored.article) else {
            // Its key was met earlier in the replay (a hand-edited file): leave it.
            return None;
        };
        let id = decided.event.id;
        // A founder that founds an event again keeps its event's id: the articles after
        // it still name that id.
        if id >= self.next_event && !self.seen.contains(&stored_event) {
            self.kept.insert(id, stored_event);
        }
        if let Some(&kept) = self.kept.get(&id) {
            decided.event.id = kept;
        }
        for merged in &mut decided.event.merged {
            if let Some(&kept) = self.kept.get(merged) {
                *merged = kept;
            }
        }
        self.seen.insert(decided.event.id);
        Some(decided)
    }
}
