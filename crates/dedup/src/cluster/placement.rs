//! The placement rule: which event a new article joins (or that it starts one), and which
//! events it bridges into one.
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

use chorus_model::{EventId, EventRef};

use super::{Clusterer, MAX_NEIGHBOURS};
use crate::dates::DateMark;
use crate::event::{Event, Moment};
use crate::terms::{Term, dot};

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

impl Clusterer {
    /// Places an article with its vector: into the best-scoring event in the window if the
    /// score reaches the threshold for the event's size, else into a new event; or, when
    /// `recorded` is given (restoring from the store), into that event.
    #[allow(clippy::too_many_arguments)] // One call per use; a struct would only rename them.
    pub(crate) fn place(
        &mut self,
        vector: &[(Term, f32)],
        meaning: Option<&[f32]>,
        dates: DateMark,
        title: &str,
        title_terms: Vec<Term>,
        now: &Moment,
        recorded: Option<&EventRef>,
    ) -> EventRef {
        self.lookup.load(vector);
        self.meaning = meaning.map(chorus_embed::quantize);
        let neighbours = self.window.neighbours(
            &self.params,
            &self.lookup,
            self.meaning.as_deref(),
            vector,
            dates,
            now,
        );
        let (top, scale) = local_scale(&neighbours, self.params.neighbours);
        // The newcomer is now one of its neighbours' neighbours too.
        for &(member, sim) in &neighbours {
            self.offer_neighbour(member, sim);
        }
        let scored = match recorded {
            Some(_) => Vec::new(),
            None => self.score_events(scale, &neighbours, meaning, dates, now),
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
        if let Some(v) = meaning {
            event.add_meaning(v);
        }
        self.window.push(vector, self.meaning.take(), dates, id, top, now);
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
            let words = dot(&a.sum, &b.sum) / (na * nb);
            let content = self.params.semantic.mix(words, a.meaning_between(b));
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
        meaning: Option<&[f32]>,
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
            let words = self.lookup.dot(&e.sum) / size;
            let content = self.params.semantic.mix(words, e.meaning_with(meaning))
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
}

/// The similarities to the `k` nearest of `neighbours` (most similar first), padded with
/// zeros, and their mean: the article's local scale `r(x)`.
fn local_scale(neighbours: &[(u64, f32)], k: usize) -> ([f32; MAX_NEIGHBOURS], f32) {
    let mut top = [0.0f32; MAX_NEIGHBOURS];
    for (slot, &(_, sim)) in top.iter_mut().zip(neighbours.iter().take(k)) {
        *slot = sim;
    }
    let scale = top[..k].iter().sum::<f32>() / k as f32;
    (top, scale)
}
