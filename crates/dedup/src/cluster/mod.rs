//! Events, formed online: each article joins the event it is closest to, or starts one.
//!
//! [`Clusterer`] holds the state and answers for it, in three parts:
//!
//! - [`window`]: the articles that can still be a newcomer's neighbours, their term
//!   vectors, and the inverted index that finds the nearest of them;
//! - [`events`]: the event table, with ids, the ids of events merged into others, and
//!   the next free id;
//! - [`placement`]: the rule that decides, from a newcomer's neighbours, which event it
//!   joins or that it starts one, and which events it bridges into one.
//!
//! Similarity is the cosine of term vectors, mixed with the cosine of the two texts'
//! embeddings where both have one ([`Semantic`]), decayed by the time between the articles
//! and changed by the dates they name ([`Params`]). Articles leave the window by arrival count
//! or age; events leave with their newest article.

mod events;
mod placement;
mod window;

use chorus_model::{EventId, EventRef};

use crate::dates::DateMark;
use crate::event::Moment;
use crate::terms::{Lookup, TermVector};

use events::Events;
use window::Window;

/// How events are formed (from [`crate::DedupConfig`]).
#[derive(Clone, Debug)]
pub(crate) struct Params {
    pub(crate) threshold: f32,
    pub(crate) merge_threshold: f32,
    pub(crate) min_similarity: f32,
    pub(crate) untimed_min_similarity: f32,
    pub(crate) window_secs: i64,
    pub(crate) half_life_secs: f64,
    pub(crate) neighbours: usize,
    pub(crate) max_event_terms: usize,
    pub(crate) query_terms: usize,
    pub(crate) candidates: usize,
    /// Similarity factors for texts whose named dates agree or disagree (see
    /// [`DateMark::factor`]).
    pub(crate) date_agree: f32,
    pub(crate) date_disagree: f32,
    pub(crate) semantic: Semantic,
}

/// How the embedding cosine of two texts is mixed into the similarity of their words
/// (from [`crate::DedupConfig::semantic_weight`] and
/// [`crate::DedupConfig::semantic_floor`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Semantic {
    pub(crate) weight: f32,
    pub(crate) floor: f32,
}

impl Semantic {
    /// The similarity of two texts (or an article and an event) from the cosine of their
    /// words and, when both have a vector, their mean embedding cosine. The floor is
    /// subtracted before clamping at 0, so that the mapped mean over an event's members
    /// is the mean of the members' mapped cosines (up to the clamp).
    pub(crate) fn mix(&self, words: f32, meaning: Option<f32>) -> f32 {
        match meaning {
            Some(cos) if self.weight > 0.0 => {
                let meaning = ((cos - self.floor) / (1.0 - self.floor)).max(0.0);
                (1.0 - self.weight) * words + self.weight * meaning
            }
            _ => words,
        }
    }
}

impl Params {
    /// How much similarity is left after `gap_secs` between two articles.
    fn decay(&self, gap_secs: i64) -> f32 {
        (-(gap_secs as f64) / self.half_life_secs).exp2() as f32
    }

    /// How the dates two texts name change their similarity, when either has no time of
    /// its own (with both times, the window and the decay tell one day from another, and
    /// a lead that names the day before its own date is common).
    fn date_factor(
        &self,
        a: &DateMark,
        a_time: Option<i64>,
        b: &DateMark,
        b_time: Option<i64>,
    ) -> f32 {
        if a_time.is_some() && b_time.is_some() {
            return 1.0;
        }
        a.factor(b, self.date_agree, self.date_disagree)
    }
}

/// The largest number of neighbours a local scale can average.
pub(crate) const MAX_NEIGHBOURS: usize = 16;

/// The events and articles in the window, and their index.
#[derive(Debug)]
pub(crate) struct Clusterer {
    params: Params,
    window: Window,
    events: Events,
    /// The article being placed, for dot products.
    lookup: Lookup,
    /// Spare buffer for event sums, swapped with the one being updated.
    sum_scratch: TermVector,
    /// The article being placed's embedding, quantized, if it has one.
    meaning: Option<Vec<i8>>,
}

impl Clusterer {
    /// An empty window that numbers new events from `next_id` on.
    pub(crate) fn new(params: Params, next_id: EventId) -> Self {
        Clusterer {
            params,
            window: Window::default(),
            events: Events::new(next_id),
            lookup: Lookup::default(),
            sum_scratch: Vec::new(),
            meaning: None,
        }
    }

    /// Adds a copy of an earlier article to the event `id` (or the event it was merged
    /// into); `None` if that event has left the window.
    pub(crate) fn join_copy(&mut self, id: EventId, now: &Moment) -> Option<EventRef> {
        self.events.join_copy(id, now)
    }

    /// Records a copy restored from the store in its recorded event.
    pub(crate) fn restore_copy(&mut self, event: &EventRef, now: &Moment) {
        self.events.restore_copy(event, now, self.params.max_event_terms);
    }

    /// Lets articles and events that left the window go. Articles leave oldest first;
    /// events are swept only every so often, by the caller's choice of `sweep`.
    pub(crate) fn expire(&mut self, now: &Moment, sweep: bool) {
        self.window.expire(now, sweep);
        if sweep {
            self.events.expire(now);
        }
    }

    /// Events in the window.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// Articles in the window, and entries in the term index (some may be for articles
    /// that left, until the next sweep).
    pub(crate) fn sizes(&self) -> (usize, usize) {
        (self.window.len(), self.window.index_entries())
    }
}
