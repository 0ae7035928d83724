//! Progress tickets: how a finite source learns which of its records are done with.
//!
//! A source that can resume part-way through a file (a WARC archive) must know the point
//! before which every record is finished: its article committed by the store, or skipped
//! on purpose (not an article, seen before). Records overtake each other on the way
//! (extraction runs in parallel, the reorder stage reorders), so the source hands each
//! record's page a [`Ticket`] from its [`Ledger`]; the ticket travels inside the page and
//! then the article, and the stage that finishes with the record settles it: the store
//! after the transaction holding the article committed, the extractor and deduplicator
//! when they drop a page or article on purpose.
//!
//! A ticket dropped without being settled (a failed batch, a stage stopped by a failure)
//! marks its record abandoned: the ledger's [`watermark`](Ledger::watermark) never passes
//! it, so a checkpoint taken from it is always at or behind what was really done.
//!
//! ```
//! use chorus_model::Ledger;
//! let ledger = Ledger::new(0);
//! let first = ledger.issue(0);
//! let second = ledger.issue(100);
//! ledger.advance(200);
//! second.settle();
//! drop(second);
//! assert_eq!(ledger.watermark(), 0, "the first record is not done yet");
//! first.settle();
//! drop(first);
//! assert_eq!(ledger.watermark(), 200);
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Which records of one input are still in the pipeline, and how far the input was read.
#[derive(Debug)]
pub struct Ledger {
    state: Mutex<LedgerState>,
}

#[derive(Debug, Default)]
struct LedgerState {
    /// Records with a ticket still alive, by their offset (with how many share it).
    pending: BTreeMap<u64, usize>,
    /// Records whose ticket was dropped unsettled.
    abandoned: BTreeSet<u64>,
    /// Everything before this offset has been read: given a ticket or finished at once.
    frontier: u64,
    /// Tickets settled.
    settled: u64,
}

impl Ledger {
    /// A ledger for an input read from offset `start` on.
    pub fn new(start: u64) -> Arc<Ledger> {
        let state = LedgerState { frontier: start, ..LedgerState::default() };
        Arc::new(Ledger { state: Mutex::new(state) })
    }

    /// A ticket for the record at `offset`, which is now in flight.
    pub fn issue(self: &Arc<Self>, offset: u64) -> Ticket {
        *self.lock().pending.entry(offset).or_default() += 1;
        Ticket(Arc::new(TicketInner {
            ledger: Arc::clone(self),
            offset,
            settled: AtomicBool::new(false),
        }))
    }

    /// Records that everything before `offset` has been read (each record given a ticket,
    /// or finished without one). Never moves back.
    pub fn advance(&self, offset: u64) {
        let mut state = self.lock();
        state.frontier = state.frontier.max(offset);
    }

    /// The offset before which every record is finished: the first record still in
    /// flight or abandoned, else the read frontier.
    pub fn watermark(&self) -> u64 {
        let state = self.lock();
        let pending = state.pending.keys().next().copied();
        let abandoned = state.abandoned.first().copied();
        [pending, abandoned].into_iter().flatten().min().unwrap_or(state.frontier)
    }

    /// Records whose ticket was dropped unsettled.
    pub fn abandoned(&self) -> usize {
        self.lock().abandoned.len()
    }

    /// Tickets settled so far.
    pub fn settled(&self) -> u64 {
        self.lock().settled
    }

    fn finish(&self, offset: u64, settled: bool) {
        let mut state = self.lock();
        if let Some(n) = state.pending.get_mut(&offset) {
            *n -= 1;
            if *n == 0 {
                state.pending.remove(&offset);
            }
        }
        if settled {
            state.settled += 1;
        } else {
            state.abandoned.insert(offset);
        }
    }

    fn lock(&self) -> MutexGuard<'_, LedgerState> {
        // The state is a few counters, consistent after every statement: a panic
        // elsewhere while it was held leaves nothing half-done.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One record's claim on its [`Ledger`]: travels with the record's page and article, and
/// tells the ledger the record is finished when its last clone is dropped.
#[derive(Clone)]
pub struct Ticket(Arc<TicketInner>);

struct TicketInner {
    ledger: Arc<Ledger>,
    offset: u64,
    settled: AtomicBool,
}

impl Ticket {
    /// Marks the record done with: its article is durably stored, or it was skipped on
    /// purpose. Takes effect when the last clone of the ticket is dropped.
    pub fn settle(&self) {
        self.0.settled.store(true, Ordering::Release);
    }

    /// The offset of the record in its input.
    pub fn offset(&self) -> u64 {
        self.0.offset
    }
}

impl Drop for TicketInner {
    fn drop(&mut self) {
        self.ledger.finish(self.offset, self.settled.load(Ordering::Acquire));
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("offset", &self.0.offset)
            .field("settled", &self.0.settled.load(Ordering::Relaxed))
            .finish()
    }
}

/// Two tickets are equal when they are clones of one.
impl PartialEq for Ticket {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Ticket {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsettled_ticket_holds_the_watermark_for_good() {
        let ledger = Ledger::new(10);
        assert_eq!(ledger.watermark(), 10);
        let a = ledger.issue(10);
        let b = ledger.issue(20);
        ledger.advance(30);
        drop(a);
        b.settle();
        drop(b);
        assert_eq!(ledger.watermark(), 10);
        assert_eq!((ledger.abandoned(), ledger.settled()), (1, 1));
    }

    #[test]
    fn a_record_is_finished_when_its_last_clone_goes() {
        let ledger = Ledger::new(0);
        let t = ledger.issue(0);
        let copy = t.clone();
        ledger.advance(5);
        t.settle();
        drop(t);
        assert_eq!(ledger.watermark(), 0, "a clone is still alive");
        drop(copy);
        assert_eq!(ledger.watermark(), 5);
    }
}
