//! The event table: the events in the window by id, the ids of events merged into others
//! (so that a copy or a restored article recorded under an old id still finds its event),
//! and the next free id. An event leaves with its newest article, and the ids it absorbed
//! leave with it.

use chorus_model::{EventId, EventRef};

use crate::event::{Event, Moment};
use crate::text::HashMapU64;

/// The events in the window, and where the ids of merged events lead.
#[derive(Debug)]
pub(super) struct Events {
    events: HashMapU64<Event>,
    /// Ids of merged events -> the id of the event they were merged into.
    aliases: HashMapU64<EventId>,
    next_id: i64,
}

impl Events {
    /// An empty table that hands out ids from `next_id` on.
    pub(super) fn new(next_id: EventId) -> Self {
        Events { events: HashMapU64::default(), aliases: HashMapU64::default(), next_id: next_id.0 }
    }

    /// Starts an empty event under the next free id.
    pub(super) fn open(&mut self) -> EventId {
        let id = EventId(self.next_id);
        self.next_id += 1;
        self.events.insert(key(id), Event::new(id));
        id
    }

    /// The event `id` (its own id, not one it absorbed), if it is in the window.
    pub(super) fn get(&self, id: EventId) -> Option<&Event> {
        self.events.get(&key(id))
    }

    /// The event `id`, started empty if it is not in the window.
    pub(super) fn get_or_insert(&mut self, id: EventId) -> &mut Event {
        self.events.entry(key(id)).or_insert_with(|| Event::new(id))
    }

    /// The event `id` now is (itself, or the event it was merged into).
    pub(super) fn resolve(&self, id: EventId) -> EventId {
        self.aliases.get(&key(id)).copied().unwrap_or(id)
    }

    /// Changes the sum of local scales of the event `id` (or the event it was merged into)
    /// by `delta`, after one of its members' scales changed.
    pub(super) fn shift_scale(&mut self, id: EventId, delta: f32) {
        let id = self.resolve(id);
        if let Some(e) = self.events.get_mut(&key(id)) {
            e.scale_sum += delta;
        }
    }

    /// Adds a copy of an earlier article to the event `id` (or the event it was merged
    /// into); `None` if that event has left the window. Copies bring no vector: a story
    /// reprinted fifty times is still one text.
    pub(super) fn join_copy(&mut self, id: EventId, now: &Moment) -> Option<EventRef> {
        let id = self.resolve(id);
        let event = self.events.get_mut(&key(id))?;
        if !now.holds(event.last_seq, event.last_arrived) {
            return None;
        }
        event.touch(now);
        Some(event.as_ref())
    }

    /// Records a copy restored from the store in its recorded event.
    pub(super) fn restore_copy(&mut self, event: &EventRef, now: &Moment, max_terms: usize) {
        let id = self.restore(event, max_terms);
        if let Some(e) = self.events.get_mut(&key(id)) {
            e.touch(now);
        }
    }

    /// Makes sure the recorded event exists, with the events it merged folded in, and
    /// that no later event takes any of their ids.
    pub(super) fn restore(&mut self, event: &EventRef, max_terms: usize) -> EventId {
        for id in std::iter::once(event.id).chain(event.merged.iter().copied()) {
            self.next_id = self.next_id.max(id.0 + 1);
        }
        let id = self.resolve(event.id);
        self.events.entry(key(id)).or_insert_with(|| Event::new(id));
        for &m in &event.merged {
            let m = self.resolve(m);
            if m != id {
                self.merge(id, m, max_terms);
            }
        }
        id
    }

    /// Folds event `gone` into event `into`; from now on `gone`'s id, and those of the
    /// events it had absorbed, resolve to `into`.
    pub(super) fn merge(&mut self, into: EventId, gone: EventId, max_terms: usize) {
        if into == gone || !self.events.contains_key(&key(into)) {
            return;
        }
        let Some(gone) = self.events.remove(&key(gone)) else { return };
        let Some(event) = self.events.get_mut(&key(into)) else { return };
        for id in std::iter::once(gone.id).chain(gone.absorbed.iter().copied()) {
            self.aliases.insert(key(id), into);
        }
        event.absorb(gone, max_terms);
    }

    /// Lets the events whose newest article left the window go, with their aliases.
    pub(super) fn expire(&mut self, now: &Moment) {
        let gone: Vec<u64> = self
            .events
            .iter()
            .filter(|(_, e)| !now.holds(e.last_seq, e.last_arrived))
            .map(|(&k, _)| k)
            .collect();
        for k in gone {
            if let Some(e) = self.events.remove(&k) {
                for id in e.absorbed {
                    self.aliases.remove(&key(id));
                }
            }
        }
    }

    /// Events in the window.
    pub(super) fn len(&self) -> usize {
        self.events.len()
    }
}

fn key(id: EventId) -> u64 {
    id.0 as u64
}
