//! Events, formed online: each article joins the event it is closest to, or starts one.
//!
//! The score of an article `x` for an event `E` is its average similarity to the event's
//! articles (cosine of term vectors, decayed by the time between them), minus the mean of
//! two local scales: how similar `x` is to its own nearest neighbours, and the same for
//! `E`'s articles on average:
//!
//! ```text
//! score(x, E) = avg_y∈E sim(x, y) − (r(x) + avg_y∈E r(y)) / 2
//! r(a) = mean similarity of a to its k most similar articles in the window
//! ```
//!
//! This is the cross-domain similarity local scaling (CSLS) of Conneau et al. (2018), a
//! remedy for hubness: some stories (a president's week, a weekly statistic) are fairly
//! similar to many others, and an absolute threshold either glues them together or splits
//! distinctive events apart. The local scale turns the threshold into "closer to each other
//! than to their usual neighbours". The average similarity to an event is one dot product
//! with the sum of its members' unit vectors.
//!
//! The article joins the best event if its margins over the event's members add up to the
//! threshold, that is if `score(x, E) ≥ threshold / |E|`: each member it is clearly closer
//! to than to their usual neighbours is one more piece of evidence. Asking every member for
//! the whole margin would make an event harder to join the more reports it has, since its
//! members' local scales grow with their own similarities to each other; the last of three
//! reports would then be refused what the second was granted, and which report ends up
//! alone would depend on the order they arrive in.
//!
//! Candidates come from an inverted index over the articles' terms, queried with the new
//! article's heaviest terms that other articles are listed under, and ranked by the weight
//! they share decayed by the time between them, so the cost does not grow with the window.
//! Articles leave the window (and the index) by arrival count or age; events leave with
//! their newest article.

mod events;
mod window;

use chorus_model::{EventId, EventRef};

use crate::dates::DateMark;
use crate::event::{Event, Moment};
use crate::terms::{Lookup, Term, TermVector, dot};

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
/// Events considered for an article: those of its this many nearest neighbours. An event
/// none of whose articles is that close cannot have the best average similarity.
const EVENT_NEIGHBOURS: usize = 5;

/// An event that can take the article being placed, with the article's score for it.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    id: EventId,
    score: f32,
    /// Members with vectors.
    size: f32,
}

impl Candidate {
    /// How far the score is above what an event this size asks for a `threshold`: the
    /// article's margins over its members must add up to the threshold.
    fn excess(&self, threshold: f32) -> f32 {
        self.score - threshold / self.size
    }
}

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
}

impl Clusterer {
    pub(crate) fn new(params: Params, next_id: EventId) -> Self {
        Clusterer {
            params,
            window: Window::default(),
            events: Events::new(next_id),
            lookup: Lookup::default(),
            sum_scratch: Vec::new(),
        }
    }

    /// Places an article with its vector: into the best-scoring event in the window if the
    /// score reaches the threshold for the event's size, else into a new event; or, when
    /// `recorded` is given (restoring from the store), into that event.
    pub(crate) fn place(
        &mut self,
        vector: &[(Term, f32)],
        dates: DateMark,
        title: &str,
        title_terms: Vec<Term>,
        now: &Moment,
        recorded: Option<&EventRef>,
    ) -> EventRef {
        self.lookup.load(vector);
        let neighbours = self.window.neighbours(&self.params, &self.lookup, vector, dates, now);
        let k = self.params.neighbours;
        let mut top = [0.0f32; MAX_NEIGHBOURS];
        for (slot, &(_, sim)) in top.iter_mut().zip(neighbours.iter().take(k)) {
            *slot = sim;
        }
        let scale = top[..k].iter().sum::<f32>() / k as f32;
        // The newcomer is now one of its neighbours' neighbours too.
        for &(member, sim) in &neighbours {
            self.offer_neighbour(member, sim);
        }
        let scored = match recorded {
            Some(_) => Vec::new(),
            None => self.score_events(scale, &neighbours, dates, now),
        };
        let (id, joined) = match recorded {
            Some(event) => (self.events.restore(event, self.params.max_event_terms), false),
            None => match scored.first() {
                Some(c) if c.excess(self.params.threshold) >= 0.0 => (c.id, true),
                _ => (self.events.open(), false),
            },
        };
        let max_terms = self.params.max_event_terms;
        let event = self.events.get_or_insert(id);
        event.touch(now);
        event.add_vector(vector, max_terms, &mut self.sum_scratch);
        event.size += 1;
        event.scale_sum += scale;
        event.offer_title(title, title_terms);
        event.dates = event.dates.union(&dates);
        self.window.push(vector, dates, id, top, now);
        // Only an article that joined an event can bridge it to another; one that starts
        // an event was below the threshold for all of them.
        let (id, merged) =
            if joined { self.merge_around(id, &scored, now) } else { (id, Vec::new()) };
        let mut out = self.events.get(id).map_or_else(
            || EventRef { id, title: title.to_owned(), merged: Vec::new() },
            Event::as_ref,
        );
        out.merged = merged;
        out
    }

    /// Merges into the event `id` each other event that the article also reaches the
    /// merge threshold for (by the same size rule as for joining), if the two events score
    /// above it against each other: the newcomer may bridge two halves of one story. The
    /// older id survives. Returns the surviving id and the ids merged away.
    fn merge_around(
        &mut self,
        id: EventId,
        scored: &[Candidate],
        now: &Moment,
    ) -> (EventId, Vec<EventId>) {
        let mut merged = Vec::new();
        let mut id = id;
        for c in scored {
            if c.excess(self.params.merge_threshold) < 0.0 {
                continue;
            }
            let other = self.events.resolve(c.id);
            let (Some(a), Some(b)) = (self.events.get(id), self.events.get(other)) else {
                continue;
            };
            if other == id || b.size == 0 || a.size == 0 || !now.holds(b.last_seq, b.last_arrived) {
                continue;
            }
            let gap = match (a.first, a.last) {
                (Some(first), Some(last)) => b.gap(Some(first)).min(b.gap(Some(last))),
                _ => 0,
            };
            let (na, nb) = (a.size as f32, b.size as f32);
            let content = dot(&a.sum, &b.sum) / (na * nb);
            let floor = match (a.last, b.last) {
                (Some(_), Some(_)) => self.params.min_similarity,
                _ => self.params.untimed_min_similarity,
            };
            let content = content * self.params.date_factor(&a.dates, a.last, &b.dates, b.last);
            let average = content * self.params.decay(gap);
            let score = average - (a.scale_sum / na + b.scale_sum / nb) / 2.0;
            if content >= floor && score >= self.params.merge_threshold {
                let (keep, gone) = if other < id { (other, id) } else { (id, other) };
                self.events.merge(keep, gone, self.params.max_event_terms);
                merged.push(gone);
                id = keep;
            }
        }
        (id, merged)
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

    /// Tells member `number` that a newcomer is `sim` similar to it, updating its local
    /// scale and its event's sum of scales.
    fn offer_neighbour(&mut self, number: u64, sim: f32) {
        if let Some((event, delta)) =
            self.window.offer_neighbour(number, sim, self.params.neighbours)
        {
            self.events.shift_scale(event, delta);
        }
    }

    /// The neighbours' events that can take the article, with the article's score for
    /// each, best first (by how far they are above the threshold for their size; ties to
    /// the older event).
    fn score_events(
        &self,
        scale: f32,
        neighbours: &[(u64, f32)],
        dates: DateMark,
        now: &Moment,
    ) -> Vec<Candidate> {
        let mut scored: Vec<Candidate> = Vec::with_capacity(EVENT_NEIGHBOURS);
        for &(number, _) in neighbours.iter().take(EVENT_NEIGHBOURS) {
            let Some(event) = self.window.event_of(number) else { continue };
            let id = self.events.resolve(event);
            if scored.iter().any(|c| c.id == id) {
                continue;
            }
            let Some(e) = self.events.get(id) else { continue };
            if e.size == 0 || !now.holds(e.last_seq, e.last_arrived) {
                continue;
            }
            let gap = e.gap(now.time);
            if gap > self.params.window_secs {
                continue;
            }
            let size = e.size as f32;
            let content = self.lookup.dot(&e.sum) / size
                * self.params.date_factor(&dates, now.time, &e.dates, e.last);
            let floor = match (now.time, e.last) {
                (Some(_), Some(_)) => self.params.min_similarity,
                _ => self.params.untimed_min_similarity,
            };
            if content < floor {
                continue;
            }
            let average = content * self.params.decay(gap);
            scored.push(Candidate {
                id,
                score: average - (scale + e.scale_sum / size) / 2.0,
                size,
            });
        }
        let threshold = self.params.threshold;
        scored.sort_unstable_by(|a, b| {
            b.excess(threshold).total_cmp(&a.excess(threshold)).then(a.id.cmp(&b.id))
        });
        scored
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
