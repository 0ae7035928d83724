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

use std::collections::VecDeque;

use chorus_model::{EventId, EventRef};

use crate::dates::DateMark;
use crate::event::{Event, Moment};
use crate::terms::{Lookup, Term, TermVector, dot, heavier_first};
use crate::text::HashMapU64;

use events::Events;

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

/// The largest number of neighbours a local scale can average.
pub(crate) const MAX_NEIGHBOURS: usize = 16;
/// An article is listed in the index under its heaviest this many terms. Two reports of
/// one event share their distinctive terms, which are among the heaviest of both; indexing
/// the tail too would only lengthen the lists.
const INDEXED_TERMS: usize = 24;
/// A window of at most this many articles is searched whole when the index finds no
/// candidate at all.
const SMALL_WINDOW: usize = 64;
/// Terms listed for more than one article in this many (and more than 64) are not used to
/// look up candidates.
const COMMON_SHARE: usize = 20;
/// Events considered for an article: those of its this many nearest neighbours. An event
/// none of whose articles is that close cannot have the best average similarity.
const EVENT_NEIGHBOURS: usize = 5;

/// An article in the window with its term vector.
#[derive(Debug)]
struct Member {
    seq: u64,
    time: Option<i64>,
    arrived: Option<i64>,
    event: EventId,
    /// The days, months and years its headline and lead name.
    dates: DateMark,
    /// Where its term vector lies in the arena (absolute offset) and its length.
    start: u64,
    len: u32,
    /// Similarities to its most similar articles so far, highest first (0 = none yet).
    top: [f32; MAX_NEIGHBOURS],
}

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
    /// Articles with vectors, oldest first; `first + i` is the number of `members[i]`.
    members: VecDeque<Member>,
    /// The members' term vectors, one after the other, so that scoring a candidate reads
    /// one stretch of memory; `arena[0]` is at absolute offset `arena_base`.
    arena: Vec<(Term, f32)>,
    arena_base: u64,
    first: u64,
    /// Term -> numbers of the members that have it, ascending.
    postings: HashMapU64<Vec<u64>>,
    /// Posting entries for members that have left, until the next sweep, and for members
    /// in the window.
    dead_postings: usize,
    live_postings: usize,
    events: Events,
    /// Scratch space for the candidate search, one entry per member.
    scores: Vec<f32>,
    touched: Vec<u32>,
    /// The best candidates of the search, in order.
    ranked: Vec<(u32, f32)>,
    /// The article being placed, for dot products.
    lookup: Lookup,
    query: Vec<(Term, f32)>,
    /// Spare buffer for event sums, swapped with the one being updated.
    sum_scratch: TermVector,
}

impl Clusterer {
    pub(crate) fn new(params: Params, next_id: EventId) -> Self {
        Clusterer {
            params,
            members: VecDeque::new(),
            arena: Vec::new(),
            arena_base: 0,
            first: 0,
            postings: HashMapU64::default(),
            dead_postings: 0,
            live_postings: 0,
            events: Events::new(next_id),
            scores: Vec::new(),
            touched: Vec::new(),
            ranked: Vec::new(),
            lookup: Lookup::default(),
            query: Vec::new(),
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
        let neighbours = self.neighbours(vector, dates, now);
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
        let number = self.first + self.members.len() as u64;
        let indexed = INDEXED_TERMS;
        let mut heaviest = std::mem::take(&mut self.query);
        heaviest.clear();
        heaviest.extend_from_slice(vector);
        if heaviest.len() > indexed {
            heaviest.select_nth_unstable_by(indexed - 1, heavier_first);
            heaviest.truncate(indexed);
        }
        for &(t, _) in &heaviest {
            self.postings.entry(u64::from(t)).or_default().push(number);
        }
        self.live_postings += heaviest.len();
        self.query = heaviest;
        let max_terms = self.params.max_event_terms;
        let event = self.events.get_or_insert(id);
        event.touch(now);
        event.add_vector(vector, max_terms, &mut self.sum_scratch);
        event.size += 1;
        event.scale_sum += scale;
        event.offer_title(title, title_terms);
        event.dates = event.dates.union(&dates);
        let start = self.arena_base + self.arena.len() as u64;
        self.arena.extend_from_slice(vector);
        let len = vector.len() as u32;
        self.members.push_back(Member {
            seq: now.seq,
            time: now.time,
            arrived: now.arrived,
            event: id,
            dates,
            start,
            len,
            top,
        });
        self.scores.push(0.0);
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
            let content = content * self.date_factor(&a.dates, a.last, &b.dates, b.last);
            let average = content * self.decay(gap);
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

    /// The most similar articles in the window, most similar first, with similarities
    /// decayed by the time between them.
    fn neighbours(
        &mut self,
        vector: &[(Term, f32)],
        dates: DateMark,
        now: &Moment,
    ) -> Vec<(u64, f32)> {
        let mut query = std::mem::take(&mut self.query);
        query.clear();
        query.extend_from_slice(vector);
        // Heaviest first, so that the order of the scores below is the same on every run.
        // Sorting all of an article's terms would cost more than the look-ups: the heaviest
        // few are sorted first, and the rest only if those run out (see below).
        let mut sorted = (self.params.query_terms * 2).min(query.len());
        if sorted < query.len() {
            query.select_nth_unstable_by(sorted, heavier_first);
        }
        query[..sorted].sort_unstable_by(heavier_first);
        self.touched.clear();
        // The query is the heaviest terms that can find a particular article. A term no
        // article in the window is listed under finds nothing: often a word of the headline
        // that only this outlet used ("INFERNO", "MISERY"), which is heavy precisely because
        // it is rare. A term listed for many articles finds no particular one. Neither uses
        // up the query (both still count in the similarities), so that the names and
        // numbers further down, which the other reports share, are looked up.
        let common = (self.members.len() / COMMON_SHARE).max(64);
        let mut used = 0;
        for at in 0..query.len() {
            if used == self.params.query_terms {
                break;
            }
            if at == sorted {
                query[sorted..].sort_unstable_by(heavier_first);
                sorted = query.len();
            }
            let (term, weight) = query[at];
            let Some(list) = self.postings.get(&u64::from(term)) else { continue };
            // Lists are swept of members that left only now and then; until the first
            // article leaves, or right after a sweep, every entry is live.
            let live = if list.first().is_some_and(|&n| n >= self.first) {
                0
            } else {
                list.partition_point(|&n| n < self.first)
            };
            let listed = list.len() - live;
            if listed == 0 || listed > common {
                continue;
            }
            used += 1;
            for &n in &list[live..] {
                let i = (n - self.first) as usize;
                if self.scores[i] == 0.0 {
                    self.touched.push(i as u32);
                }
                self.scores[i] += weight;
            }
        }
        let small = self.members.len() <= SMALL_WINDOW && self.touched.is_empty();
        if small {
            // Early in a stream the heaviest terms are chosen with document frequencies
            // learned from a handful of articles, and the index can miss the one article
            // that matters: a window this small is searched whole instead.
            self.touched.extend(0..self.members.len() as u32);
        }
        self.query = query;
        // Candidates are ranked by the weight they share with the article, decayed like
        // their similarity would be; those outside the window cannot be neighbours at all.
        // In a backfill the window holds weeks of articles at once, and last month's
        // stories on the same subject would otherwise crowd out today's reports.
        // Only the best few are scored exactly (all of them in a small window), ties to
        // the older article. They are kept in order as they come: most members touched
        // fall below the worst kept one and cost one comparison, where selecting among
        // all of them would move every one.
        let exact = if small { usize::MAX } else { self.params.candidates };
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let keep = if small { usize::MAX } else { self.params.candidates * 2 };
        let mut ranked = std::mem::take(&mut self.ranked);
        ranked.clear();
        for &i in &self.touched {
            let shared = std::mem::take(&mut self.scores[i as usize]);
            // Without a time to go by every member is as close as any other, and whether it
            // is still in the window is checked below for the few scored exactly.
            let item = if now.time.is_none() {
                (i, shared)
            } else if let Some(gap) = self.gap_within_window(&self.members[i as usize], now) {
                let decay = if gap == 0 { 1.0 } else { self.decay(gap) };
                (i, shared * decay)
            } else {
                continue;
            };
            if ranked.len() == keep
                && ranked.last().is_some_and(|worst| order(&item, worst).is_ge())
            {
                continue;
            }
            let at = ranked.partition_point(|r| order(r, &item).is_lt());
            if ranked.len() == keep {
                ranked.pop();
            }
            ranked.insert(at, item);
        }
        let mut out = Vec::with_capacity(self.params.candidates);
        for &(i, _) in ranked.iter() {
            if out.len() == exact {
                break;
            }
            let m = &self.members[i as usize];
            let Some(gap) = self.gap_within_window(m, now) else { continue };
            let sim = self.lookup.dot(self.vector_of(m))
                * self.decay(gap)
                * self.date_factor(&dates, now.time, &m.dates, m.time);
            out.push((self.first + u64::from(i), sim));
        }
        self.ranked = ranked;
        out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.truncate(self.params.candidates);
        out
    }

    /// Time between a member and the article being placed, if the member is still in the
    /// window and close enough in time to be compared with it.
    fn gap_within_window(&self, m: &Member, now: &Moment) -> Option<i64> {
        let gap = match (now.time, m.time) {
            (Some(a), Some(b)) => (a - b).abs(),
            _ => 0,
        };
        (now.holds(m.seq, m.arrived) && gap <= self.params.window_secs).then_some(gap)
    }

    /// Tells member `number` that a newcomer is `sim` similar to it, updating its local
    /// scale and its event's sum of scales.
    fn offer_neighbour(&mut self, number: u64, sim: f32) {
        let k = self.params.neighbours;
        let Some(m) = self.members.get_mut((number - self.first) as usize) else { return };
        if sim <= m.top[k - 1] {
            return;
        }
        let before: f32 = m.top[..k].iter().sum();
        let at = m.top[..k].partition_point(|&s| s >= sim);
        m.top.copy_within(at..k - 1, at + 1);
        m.top[at] = sim;
        let delta = (m.top[..k].iter().sum::<f32>() - before) / k as f32;
        self.events.shift_scale(m.event, delta);
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
            let Some(m) = self.members.get((number - self.first) as usize) else { continue };
            let id = self.events.resolve(m.event);
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
                * self.date_factor(&dates, now.time, &e.dates, e.last);
            let floor = match (now.time, e.last) {
                (Some(_), Some(_)) => self.params.min_similarity,
                _ => self.params.untimed_min_similarity,
            };
            if content < floor {
                continue;
            }
            let average = content * self.decay(gap);
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

    /// The term vector of a member.
    fn vector_of(&self, m: &Member) -> &[(Term, f32)] {
        let from = (m.start - self.arena_base) as usize;
        self.arena.get(from..from + m.len as usize).unwrap_or(&[])
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
        a.factor(b, self.params.date_agree, self.params.date_disagree)
    }

    fn decay(&self, gap_secs: i64) -> f32 {
        (-(gap_secs as f64) / self.params.half_life_secs).exp2() as f32
    }

    /// Lets articles and events that left the window go. Articles leave oldest first;
    /// events are swept only every so often, by the caller's choice of `sweep`.
    pub(crate) fn expire(&mut self, now: &Moment, sweep: bool) {
        while let Some(m) = self.members.front() {
            if now.holds(m.seq, m.arrived) {
                break;
            }
            if let Some(m) = self.members.pop_front() {
                self.dead_postings += (m.len as usize).min(INDEXED_TERMS);
                self.live_postings -= (m.len as usize).min(INDEXED_TERMS);
            }
            self.scores.pop();
            self.first += 1;
        }
        // The arena drops its dead front once it is half the arena.
        let live_start =
            self.members.front().map_or(self.arena_base + self.arena.len() as u64, |m| m.start);
        let dead = (live_start - self.arena_base) as usize;
        if dead > self.arena.len() / 2 && dead > 4096 {
            self.arena.drain(..dead);
            self.arena_base = live_start;
        }
        if !sweep {
            return;
        }
        self.events.expire(now);
        if self.dead_postings > self.live_postings.max(4096) {
            let first = self.first;
            self.postings.retain(|_, list| {
                let dead = list.partition_point(|&n| n < first);
                list.drain(..dead);
                !list.is_empty()
            });
            self.dead_postings = 0;
        }
    }

    /// Events in the window.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// Articles in the window, and entries in the term index (some may be for articles
    /// that left, until the next sweep).
    pub(crate) fn sizes(&self) -> (usize, usize) {
        (self.members.len(), self.postings.values().map(Vec::len).sum())
    }
}
