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
//! Candidates come from an inverted index over the articles' terms, queried with the new
//! article's heaviest terms, so the cost does not grow with the window. Articles leave the
//! window (and the index) by arrival count or age; events leave with their newest article.

use std::collections::VecDeque;

use chorus_model::{EventId, EventRef};

use crate::terms::{Lookup, TermVector, add, dot, heavier_first, keep_heaviest, norm};
use crate::text::HashMapU64;

/// How events are formed (from [`crate::DedupConfig`]).
#[derive(Clone, Debug)]
pub(crate) struct Params {
    pub(crate) threshold: f32,
    pub(crate) merge_threshold: f32,
    pub(crate) window_secs: i64,
    pub(crate) half_life_secs: f64,
    pub(crate) neighbours: usize,
    pub(crate) max_event_terms: usize,
    pub(crate) query_terms: usize,
    pub(crate) candidates: usize,
}

/// The largest number of neighbours a local scale can average.
pub(crate) const MAX_NEIGHBOURS: usize = 16;
/// Headlines kept per event to choose its representative title from.
const TITLE_CANDIDATES: usize = 4;

/// Where an article stands in the stream: its arrival number and time, and the oldest
/// arrival number and time still inside the window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Moment {
    pub(crate) seq: u64,
    pub(crate) time: Option<i64>,
    pub(crate) min_seq: u64,
    pub(crate) min_time: Option<i64>,
}

impl Moment {
    fn holds(&self, seq: u64, time: Option<i64>) -> bool {
        seq >= self.min_seq && !matches!((time, self.min_time), (Some(t), Some(m)) if t < m)
    }
}

/// An article in the window with its term vector.
#[derive(Debug)]
struct Member {
    seq: u64,
    time: Option<i64>,
    event: EventId,
    vector: TermVector,
    /// Similarities to its most similar articles so far, highest first (0 = none yet).
    top: [f32; MAX_NEIGHBOURS],
}

#[derive(Debug)]
struct TitleCandidate {
    title: String,
    /// The headline's terms, sorted.
    terms: Vec<u64>,
}

#[derive(Debug)]
struct Event {
    id: EventId,
    /// Sum of the members' unit vectors, pruned to the heaviest terms; sorted by term.
    sum: TermVector,
    norm: f32,
    /// Members that brought a vector (copies do not).
    size: u32,
    /// Sum of those members' local scales.
    scale_sum: f32,
    first: Option<i64>,
    last: Option<i64>,
    last_seq: u64,
    titles: Vec<TitleCandidate>,
    /// Index of the representative title in `titles`.
    title: usize,
    /// Events merged into this one; their ids resolve here while it lives.
    absorbed: Vec<EventId>,
}

impl Event {
    fn new(id: EventId) -> Self {
        Event {
            id,
            sum: Vec::new(),
            norm: 0.0,
            size: 0,
            scale_sum: 0.0,
            first: None,
            last: None,
            last_seq: 0,
            titles: Vec::new(),
            title: 0,
            absorbed: Vec::new(),
        }
    }

    /// Time from the event's span to `time` (0 inside it, or when either is unknown).
    fn gap(&self, time: Option<i64>) -> i64 {
        match (time, self.first, self.last) {
            (Some(t), Some(first), _) if t < first => first - t,
            (Some(t), _, Some(last)) if t > last => t - last,
            _ => 0,
        }
    }

    fn touch(&mut self, now: &Moment) {
        self.last_seq = self.last_seq.max(now.seq);
        if let Some(t) = now.time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
    }

    fn add_vector(&mut self, v: &TermVector, max_terms: usize) {
        self.sum = add(&self.sum, v, 1.0);
        keep_heaviest(&mut self.sum, max_terms);
        self.norm = norm(&self.sum);
    }

    fn as_ref(&self) -> EventRef {
        let title = self.titles.get(self.title).map(|c| c.title.clone()).unwrap_or_default();
        EventRef { id: self.id, title, merged: Vec::new() }
    }

    /// How well a headline stands for the event: cosine of its terms with the centroid.
    fn title_score(&self, terms: &[u64]) -> f32 {
        if terms.is_empty() || self.norm == 0.0 {
            return 0.0;
        }
        let sum: f32 = terms
            .iter()
            .filter_map(|t| self.sum.binary_search_by_key(t, |&(k, _)| k).ok())
            .map(|i| self.sum[i].1)
            .sum();
        sum / (terms.len() as f32).sqrt() / self.norm
    }

    /// Offers a member's headline as the event's title and picks the best one kept.
    fn offer_title(&mut self, title: &str, terms: Vec<u64>) {
        if title.trim().is_empty() {
            return;
        }
        let candidate = TitleCandidate { title: title.to_owned(), terms };
        if self.titles.len() < TITLE_CANDIDATES {
            self.titles.push(candidate);
        } else {
            let score = self.title_score(&candidate.terms);
            let worst = (0..self.titles.len())
                .map(|i| (i, self.title_score(&self.titles[i].terms)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((i, s)) = worst.filter(|&(i, s)| s < score && i != self.title) {
                let _ = s;
                self.titles[i] = candidate;
            }
        }
        // The earliest of equally good headlines wins, so titles do not flicker.
        let mut best = (0, f32::MIN);
        for (i, c) in self.titles.iter().enumerate() {
            let s = self.title_score(&c.terms);
            if s > best.1 + 1e-6 {
                best = (i, s);
            }
        }
        self.title = best.0;
    }
}

/// The events and articles in the window, and their index.
#[derive(Debug)]
pub(crate) struct Clusterer {
    params: Params,
    /// Articles with vectors, oldest first; `first + i` is the number of `members[i]`.
    members: VecDeque<Member>,
    first: u64,
    /// Term -> numbers of the members that have it, ascending.
    postings: HashMapU64<Vec<u64>>,
    /// Posting entries for members that have left, until the next sweep.
    dead_postings: usize,
    events: HashMapU64<Event>,
    /// Ids of merged events -> the id of the event they were merged into.
    aliases: HashMapU64<EventId>,
    next_id: i64,
    /// Scratch space for the candidate search, one entry per member.
    scores: Vec<f32>,
    touched: Vec<u32>,
    /// The article being placed, for dot products.
    lookup: Lookup,
}

impl Clusterer {
    pub(crate) fn new(params: Params, next_id: EventId) -> Self {
        Clusterer {
            params,
            members: VecDeque::new(),
            first: 0,
            postings: HashMapU64::default(),
            dead_postings: 0,
            events: HashMapU64::default(),
            aliases: HashMapU64::default(),
            next_id: next_id.0,
            scores: Vec::new(),
            touched: Vec::new(),
            lookup: Lookup::default(),
        }
    }

    /// Places an article with its vector: into the best-scoring event in the window if the
    /// score reaches the threshold, else into a new event; or, when `recorded` is given
    /// (restoring from the store), into that event.
    pub(crate) fn place(
        &mut self,
        vector: TermVector,
        title: &str,
        title_terms: Vec<u64>,
        now: &Moment,
        recorded: Option<&EventRef>,
    ) -> EventRef {
        self.lookup.load(&vector);
        let neighbours = self.neighbours(&vector, now);
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
            None => self.score_events(scale, &neighbours, now),
        };
        let id = match recorded {
            Some(event) => self.restore_event(event),
            None => match scored.first() {
                Some(&(id, score)) if score >= self.params.threshold => id,
                _ => {
                    let id = EventId(self.next_id);
                    self.next_id += 1;
                    self.events.insert(key(id), Event::new(id));
                    id
                }
            },
        };
        let number = self.first + self.members.len() as u64;
        for &(t, _) in &vector {
            self.postings.entry(t).or_default().push(number);
        }
        let max_terms = self.params.max_event_terms;
        let Some(event) = self.events.get_mut(&key(id)) else {
            return EventRef { id, title: title.to_owned(), merged: Vec::new() };
        };
        event.touch(now);
        event.add_vector(&vector, max_terms);
        event.size += 1;
        event.scale_sum += scale;
        event.offer_title(title, title_terms);
        self.members.push_back(Member { seq: now.seq, time: now.time, event: id, vector, top });
        self.scores.push(0.0);
        let (id, merged) = match recorded {
            Some(_) => (id, Vec::new()),
            None => self.merge_around(id, &scored, now),
        };
        let mut out = self.events.get(&key(id)).map_or_else(
            || EventRef { id, title: title.to_owned(), merged: Vec::new() },
            Event::as_ref,
        );
        out.merged = merged;
        out
    }

    /// Merges into the event `id` each other event that the article also scores above the
    /// merge threshold for, if the two events score above it against each other: the
    /// newcomer may bridge two halves of one story. The older id survives. Returns the
    /// surviving id and the ids merged away.
    fn merge_around(
        &mut self,
        id: EventId,
        scored: &[(EventId, f32)],
        now: &Moment,
    ) -> (EventId, Vec<EventId>) {
        let mut merged = Vec::new();
        let mut id = id;
        for &(other, score) in scored {
            if score < self.params.merge_threshold {
                break;
            }
            let other = self.resolve(other);
            let (Some(a), Some(b)) = (self.events.get(&key(id)), self.events.get(&key(other)))
            else {
                continue;
            };
            if other == id || b.size == 0 || a.size == 0 || !now.holds(b.last_seq, b.last) {
                continue;
            }
            let gap = match (a.first, a.last) {
                (Some(first), Some(last)) => b.gap(Some(first)).min(b.gap(Some(last))),
                _ => 0,
            };
            let (na, nb) = (a.size as f32, b.size as f32);
            let average = dot(&a.sum, &b.sum) / (na * nb) * self.decay(gap);
            let score = average - (a.scale_sum / na + b.scale_sum / nb) / 2.0;
            if score >= self.params.merge_threshold {
                let (keep, gone) = if other < id { (other, id) } else { (id, other) };
                self.merge(keep, gone);
                merged.push(gone);
                id = keep;
            }
        }
        (id, merged)
    }

    /// Adds a copy of an earlier article to the event `id` (or the event it was merged
    /// into); `None` if that event has left the window. Copies bring no vector: a story
    /// reprinted fifty times is still one text.
    pub(crate) fn join_copy(&mut self, id: EventId, now: &Moment) -> Option<EventRef> {
        let id = self.resolve(id);
        let event = self.events.get_mut(&key(id))?;
        if !now.holds(event.last_seq, event.last) {
            return None;
        }
        event.touch(now);
        Some(event.as_ref())
    }

    /// Records a copy restored from the store in its recorded event.
    pub(crate) fn restore_copy(&mut self, event: &EventRef, now: &Moment) {
        let id = self.restore_event(event);
        if let Some(e) = self.events.get_mut(&key(id)) {
            e.touch(now);
        }
    }

    /// Makes sure the recorded event exists, with the events it merged folded in.
    fn restore_event(&mut self, event: &EventRef) -> EventId {
        for id in std::iter::once(event.id).chain(event.merged.iter().copied()) {
            self.next_id = self.next_id.max(id.0 + 1);
        }
        let id = self.resolve(event.id);
        if !self.events.contains_key(&key(id)) {
            self.events.insert(key(id), Event::new(id));
        }
        for &m in &event.merged {
            let m = self.resolve(m);
            if m != id {
                self.merge(id, m);
            }
        }
        id
    }

    /// Folds event `gone` into event `into`.
    fn merge(&mut self, into: EventId, gone: EventId) {
        let Some(gone) = self.events.remove(&key(gone)) else { return };
        let max_terms = self.params.max_event_terms;
        let Some(event) = self.events.get_mut(&key(into)) else { return };
        event.sum = add(&event.sum, &gone.sum, 1.0);
        keep_heaviest(&mut event.sum, max_terms);
        event.norm = norm(&event.sum);
        event.size += gone.size;
        event.scale_sum += gone.scale_sum;
        event.first = match (event.first, gone.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        event.last = event.last.max(gone.last);
        event.last_seq = event.last_seq.max(gone.last_seq);
        for c in gone.titles {
            if event.titles.len() < TITLE_CANDIDATES {
                event.titles.push(c);
            }
        }
        for id in std::iter::once(gone.id).chain(gone.absorbed) {
            event.absorbed.push(id);
            self.aliases.insert(key(id), into);
        }
    }

    /// The event `id` now is (itself, or the event it was merged into).
    fn resolve(&self, id: EventId) -> EventId {
        self.aliases.get(&key(id)).copied().unwrap_or(id)
    }

    /// The most similar articles in the window, most similar first, with similarities
    /// decayed by the time between them.
    fn neighbours(&mut self, vector: &TermVector, now: &Moment) -> Vec<(u64, f32)> {
        let mut query: Vec<(u64, f32)> = vector.clone();
        if query.len() > self.params.query_terms {
            query.select_nth_unstable_by(self.params.query_terms - 1, heavier_first);
            query.truncate(self.params.query_terms);
        }
        // Heaviest first, so that the order of the scores below is the same on every run.
        query.sort_unstable_by(heavier_first);
        self.touched.clear();
        for &(term, weight) in &query {
            let Some(list) = self.postings.get(&term) else { continue };
            let live = list.partition_point(|&n| n < self.first);
            for &n in &list[live..] {
                let i = (n - self.first) as usize;
                if self.scores[i] == 0.0 {
                    self.touched.push(i as u32);
                }
                self.scores[i] += weight;
            }
        }
        let mut ranked: Vec<(u32, f32)> =
            self.touched.iter().map(|&i| (i, self.scores[i as usize])).collect();
        for &i in &self.touched {
            self.scores[i as usize] = 0.0;
        }
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut out = Vec::with_capacity(self.params.candidates);
        for &(i, _) in ranked.iter() {
            if out.len() == self.params.candidates {
                break;
            }
            let m = &self.members[i as usize];
            if !now.holds(m.seq, m.time) {
                continue;
            }
            let gap = match (now.time, m.time) {
                (Some(a), Some(b)) => (a - b).abs(),
                _ => 0,
            };
            if gap > self.params.window_secs {
                continue;
            }
            let sim = self.lookup.dot(&m.vector) * self.decay(gap);
            out.push((self.first + u64::from(i), sim));
        }
        out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
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
        let id = self.aliases.get(&key(m.event)).copied().unwrap_or(m.event);
        if let Some(e) = self.events.get_mut(&key(id)) {
            e.scale_sum += delta;
        }
    }

    /// The neighbours' events that can take the article, with the article's score for
    /// each, best first (ties to the older event).
    fn score_events(
        &self,
        scale: f32,
        neighbours: &[(u64, f32)],
        now: &Moment,
    ) -> Vec<(EventId, f32)> {
        let mut scored: Vec<(EventId, f32)> = Vec::with_capacity(neighbours.len());
        for &(number, _) in neighbours {
            let Some(m) = self.members.get((number - self.first) as usize) else { continue };
            let id = self.resolve(m.event);
            if scored.iter().any(|&(seen, _)| seen == id) {
                continue;
            }
            let Some(e) = self.events.get(&key(id)) else { continue };
            if e.size == 0 || !now.holds(e.last_seq, e.last) {
                continue;
            }
            let gap = e.gap(now.time);
            if gap > self.params.window_secs {
                continue;
            }
            let size = e.size as f32;
            let average = self.lookup.dot(&e.sum) / size * self.decay(gap);
            scored.push((id, average - (scale + e.scale_sum / size) / 2.0));
        }
        scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }

    fn decay(&self, gap_secs: i64) -> f32 {
        (-(gap_secs as f64) / self.params.half_life_secs).exp2() as f32
    }

    /// Lets articles and events that left the window go. Articles leave oldest first;
    /// events are swept only every so often, by the caller's choice of `sweep`.
    pub(crate) fn expire(&mut self, now: &Moment, sweep: bool) {
        while let Some(m) = self.members.front() {
            if now.holds(m.seq, m.time) {
                break;
            }
            if let Some(m) = self.members.pop_front() {
                self.dead_postings += m.vector.len();
            }
            self.scores.pop();
            self.first += 1;
        }
        if !sweep {
            return;
        }
        let gone: Vec<u64> = self
            .events
            .iter()
            .filter(|(_, e)| !now.holds(e.last_seq, e.last))
            .map(|(&k, _)| k)
            .collect();
        for k in gone {
            if let Some(e) = self.events.remove(&k) {
                for id in e.absorbed {
                    self.aliases.remove(&key(id));
                }
            }
        }
        let live: usize = self.members.iter().map(|m| m.vector.len()).sum();
        if self.dead_postings > live.max(4096) {
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

fn key(id: EventId) -> u64 {
    id.0 as u64
}
