//! Live progress of a backfill's inputs, for a progress bar or a periodic log line.
//!
//! The pipeline counts; whoever shows it (the CLI: a bar per input on a terminal, a log
//! line every few seconds otherwise) reads the counts when it likes. Counting is a relaxed
//! atomic add per record, so it costs nothing measurable.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What a [`Meter`] counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Bytes of an input file read.
    Bytes,
    /// Items (pages, feeds) handled.
    Items,
}

/// The progress of one input: how much of it is done, out of how much (0 while unknown),
/// and how many records or items were read.
#[derive(Debug)]
pub struct Meter {
    /// What is counted, as shown: `warc a.warc.gz`, `jsonl corpus.jsonl`, `pages`.
    pub name: String,
    /// What `done` and `total` count in.
    pub unit: Unit,
    done: AtomicU64,
    total: AtomicU64,
    items: AtomicU64,
}

impl Meter {
    /// How much is done.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Out of how much; 0 while unknown.
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// Records or items read so far.
    pub fn items(&self) -> u64 {
        self.items.load(Ordering::Relaxed)
    }

    pub(crate) fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    pub(crate) fn add_done(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn add_total(&self, n: u64) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn add_item(&self) {
        self.items.fetch_add(1, Ordering::Relaxed);
    }
}

/// The meters of one run, one per input, in the order the inputs were added. Clones
/// share the meters.
#[derive(Clone, Debug, Default)]
pub struct Progress(Arc<Mutex<Vec<Arc<Meter>>>>);

impl Progress {
    /// Adds a meter named `name` counting in `unit`, out of `total` (0: unknown).
    pub fn meter(&self, name: &str, unit: Unit, total: u64) -> Arc<Meter> {
        let meter = Arc::new(Meter {
            name: name.to_owned(),
            unit,
            done: AtomicU64::new(0),
            total: AtomicU64::new(total),
            items: AtomicU64::new(0),
        });
        self.lock().push(Arc::clone(&meter));
        meter
    }

    /// Every meter so far.
    pub fn meters(&self) -> Vec<Arc<Meter>> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Meter>>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Two handles are equal when they share their meters.
impl PartialEq for Progress {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Progress {}
