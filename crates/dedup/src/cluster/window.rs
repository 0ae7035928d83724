//! The member window: the articles that can still be a newcomer's neighbours, their term
//! vectors and local scales, and the inverted index over their terms that finds the
//! nearest of them.
//!
//! Candidates come from the index, queried with the new article's heaviest terms that
//! other articles are listed under, and ranked by the weight they share decayed by the
//! time between them, so the cost does not grow with the window. Articles leave the
//! window (and the index) by arrival count or age.

use std::cmp::Ordering;
use std::collections::VecDeque;

use chorus_model::EventId;

use super::{MAX_NEIGHBOURS, Params};
use crate::dates::DateMark;
use crate::event::Moment;
use crate::terms::{Lookup, Term, heavier_first};
use crate::text::HashMapU64;

/// An article is listed in the index under its heaviest this many terms. Two reports of
/// one event share their distinctive terms, which are among the heaviest of both; indexing
/// the tail too would only lengthen the lists.
const INDEXED_TERMS: usize = 24;
/// A window of at most this many articles is searched whole when the index finds no
/// candidate at all.
const SMALL_WINDOW: usize = 64;
/// With an embedding, this many times `max_candidates` candidates are scored exactly. Dev
/// undated, semantic on: 1 gives 0.611 pairwise F1 and 0.778 B-cubed F1, 2 gives 0.616
/// and 0.780, 3 gives 0.618 and 0.780; dated does not move.
const SEMANTIC_CANDIDATES: usize = 3;
/// Terms listed for more than one article in this many (and more than 64) are not used to
/// look up candidates.
const COMMON_SHARE: usize = 20;

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
    /// Its embedding, quantized ([`chorus_embed::quantize`]), if it has one.
    meaning: Option<Box<[i8]>>,
}

impl Member {
    /// Time between the member and the article being placed, if the member is still in
    /// the window and close enough in time to be compared with it.
    fn gap_within(&self, now: &Moment, window_secs: i64) -> Option<i64> {
        let gap = match (now.time, self.time) {
            (Some(a), Some(b)) => (a - b).abs(),
            _ => 0,
        };
        (now.holds(self.seq, self.arrived) && gap <= window_secs).then_some(gap)
    }
}

/// Term -> numbers of the members listed under it.
#[derive(Debug, Default)]
struct TermIndex {
    /// Term -> numbers of the members that have it, ascending.
    postings: HashMapU64<Vec<u64>>,
    /// Posting entries for members that have left, until the next sweep, and for members
    /// in the window.
    dead: usize,
    live: usize,
}

impl TermIndex {
    /// Lists member `number` under `terms`.
    fn add(&mut self, number: u64, terms: &[(Term, f32)]) {
        for &(t, _) in terms {
            self.postings.entry(u64::from(t)).or_default().push(number);
        }
        self.live += terms.len();
    }

    /// The members listed under `term` that are still in the window, which starts at
    /// member number `first`.
    fn listed(&self, term: Term, first: u64) -> &[u64] {
        let Some(list) = self.postings.get(&u64::from(term)) else { return &[] };
        // Lists are swept of members that left only now and then; until the first
        // article leaves, or right after a sweep, every entry is live.
        if list.first().is_some_and(|&n| n >= first) {
            list
        } else {
            &list[list.partition_point(|&n| n < first)..]
        }
    }

    /// Counts the entries of a member that left as dead, until the next sweep.
    fn forget(&mut self, entries: usize) {
        self.dead += entries;
        self.live -= entries;
    }

    /// Drops the entries of members before number `first`, once there are enough of them.
    fn sweep(&mut self, first: u64) {
        if self.dead > self.live.max(4096) {
            self.postings.retain(|_, list| {
                let dead = list.partition_point(|&n| n < first);
                list.drain(..dead);
                !list.is_empty()
            });
            self.dead = 0;
        }
    }

    /// Entries in the index, some of them perhaps for members that left.
    fn entries(&self) -> usize {
        self.postings.values().map(Vec::len).sum()
    }
}

/// The articles in the window, their vectors, their index, and scratch space for
/// searching them.
#[derive(Debug, Default)]
pub(super) struct Window {
    /// Articles with vectors, oldest first; `first + i` is the number of `members[i]`.
    members: VecDeque<Member>,
    /// The members' term vectors, one after the other, so that scoring a candidate reads
    /// one stretch of memory; `arena[0]` is at absolute offset `arena_base`.
    arena: Vec<(Term, f32)>,
    arena_base: u64,
    first: u64,
    index: TermIndex,
    /// Scratch space for the candidate search, one entry per member.
    scores: Vec<f32>,
    touched: Vec<u32>,
    /// The best candidates of the search, in order.
    ranked: Vec<(u32, f32)>,
    /// The article's terms, heaviest first as far as they were looked at; also its
    /// heaviest terms, to list a new member under.
    terms: Vec<(Term, f32)>,
    /// The terms candidates are looked up by, heaviest first.
    query: Vec<(Term, f32)>,
}

impl Window {
    /// Adds an article, placed in `event`, with the similarities to its nearest neighbours
    /// in `top`.
    pub(super) fn push(
        &mut self,
        vector: &[(Term, f32)],
        meaning: Option<Vec<i8>>,
        dates: DateMark,
        event: EventId,
        top: [f32; MAX_NEIGHBOURS],
        now: &Moment,
    ) {
        let number = self.first + self.members.len() as u64;
        let indexed = INDEXED_TERMS;
        let heaviest = &mut self.terms;
        heaviest.clear();
        heaviest.extend_from_slice(vector);
        if heaviest.len() > indexed {
            heaviest.select_nth_unstable_by(indexed - 1, heavier_first);
            heaviest.truncate(indexed);
        }
        self.index.add(number, heaviest);
        let start = self.arena_base + self.arena.len() as u64;
        self.arena.extend_from_slice(vector);
        let len = vector.len() as u32;
        self.members.push_back(Member {
            seq: now.seq,
            time: now.time,
            arrived: now.arrived,
            event,
            dates,
            start,
            len,
            top,
            meaning: meaning.map(Vec::into_boxed_slice),
        });
        self.scores.push(0.0);
    }

    /// The event member `number` was placed in, if the member is in the window.
    pub(super) fn event_of(&self, number: u64) -> Option<EventId> {
        self.members.get((number - self.first) as usize).map(|m| m.event)
    }

    /// Tells member `number` that a newcomer is `sim` similar to it; when that changes the
    /// mean of its `k` highest similarities (its local scale), returns its event and by
    /// how much the scale changed.
    pub(super) fn offer_neighbour(
        &mut self,
        number: u64,
        sim: f32,
        k: usize,
    ) -> Option<(EventId, f32)> {
        let m = self.members.get_mut((number - self.first) as usize)?;
        if sim <= m.top[k - 1] {
            return None;
        }
        let before: f32 = m.top[..k].iter().sum();
        let at = m.top[..k].partition_point(|&s| s >= sim);
        m.top.copy_within(at..k - 1, at + 1);
        m.top[at] = sim;
        let delta = (m.top[..k].iter().sum::<f32>() - before) / k as f32;
        Some((m.event, delta))
    }

    /// The most similar articles in the window, most similar first, with similarities
    /// decayed by the time between them; `lookup` holds the article's vector and `meaning`
    /// its quantized embedding, if it has one.
    pub(super) fn neighbours(
        &mut self,
        params: &Params,
        lookup: &Lookup,
        meaning: Option<&[i8]>,
        vector: &[(Term, f32)],
        dates: DateMark,
        now: &Moment,
    ) -> Vec<(u64, f32)> {
        self.choose_query_terms(params, vector);
        let whole = self.collect_candidates();
        // Only the best few are scored exactly, all of them when the window is searched
        // whole. Twice as many are ranked: without times, whether a candidate is still in
        // the window is only checked when it is scored.
        // With an embedding, more are: the meaning can lift a candidate that the words
        // it shares ranked low (the same event told in other words).
        let exact = match meaning {
            Some(_) => params.candidates * SEMANTIC_CANDIDATES,
            None => params.candidates,
        };
        let (keep, exact) = if whole { (usize::MAX, usize::MAX) } else { (exact * 2, exact) };
        self.rank_candidates(params, now, keep);
        self.score_exactly(params, lookup, meaning, dates, now, exact)
    }

    /// Chooses the terms to look candidates up by, into `query`, heaviest first.
    ///
    /// The query is the heaviest terms that can find a particular article. A term no
    /// article in the window is listed under finds nothing: often a word of the headline
    /// that only this outlet used ("INFERNO", "MISERY"), which is heavy precisely because
    /// it is rare. A term listed for many articles finds no particular one. Neither uses
    /// up the query (both still count in the similarities), so that the names and numbers
    /// further down, which the other reports share, are looked up.
    fn choose_query_terms(&mut self, params: &Params, vector: &[(Term, f32)]) {
        let terms = &mut self.terms;
        terms.clear();
        terms.extend_from_slice(vector);
        // Heaviest first, so that the order of the scores summed from the query is the
        // same on every run. Sorting all of an article's terms would cost more than the
        // look-ups: the heaviest few are sorted first, and the rest only if those run out.
        let mut sorted = (params.query_terms * 2).min(terms.len());
        if sorted < terms.len() {
            terms.select_nth_unstable_by(sorted, heavier_first);
        }
        terms[..sorted].sort_unstable_by(heavier_first);
        let common = (self.members.len() / COMMON_SHARE).max(64);
        self.query.clear();
        for at in 0..terms.len() {
            if self.query.len() == params.query_terms {
                break;
            }
            if at == sorted {
                terms[sorted..].sort_unstable_by(heavier_first);
                sorted = terms.len();
            }
            let (term, weight) = terms[at];
            let listed = self.index.listed(term, self.first).len();
            if listed == 0 || listed > common {
                continue;
            }
            self.query.push((term, weight));
        }
    }

    /// Sums, for each member listed under a query term, the weight of the query terms it
    /// shares with the article (into `scores`, listing the members in `touched`). Returns
    /// true when the index found nobody in a small window, which is then searched whole.
    fn collect_candidates(&mut self) -> bool {
        self.touched.clear();
        for &(term, weight) in &self.query {
            for &n in self.index.listed(term, self.first) {
                let i = (n - self.first) as usize;
                if self.scores[i] == 0.0 {
                    self.touched.push(i as u32);
                }
                self.scores[i] += weight;
            }
        }
        let whole = self.members.len() <= SMALL_WINDOW && self.touched.is_empty();
        if whole {
            // Early in a stream the heaviest terms are chosen with document frequencies
            // learned from a handful of articles, and the index can miss the one article
            // that matters: a window this small is searched whole instead.
            self.touched.extend(0..self.members.len() as u32);
        }
        whole
    }

    /// Ranks the candidates in `touched` by the weight they share with the article, decayed
    /// like their similarity would be, and keeps the best `keep` in `ranked`, ties to the
    /// older member; resets their `scores` for the next search.
    ///
    /// Those outside the window cannot be neighbours at all. In a backfill the window holds
    /// weeks of articles at once, and last month's stories on the same subject would
    /// otherwise crowd out today's reports. The best are kept in order as they come: most
    /// members touched fall below the worst kept one and cost one comparison, where
    /// selecting among all of them would move every one.
    fn rank_candidates(&mut self, params: &Params, now: &Moment, keep: usize) {
        let ranked = &mut self.ranked;
        ranked.clear();
        for &i in &self.touched {
            let shared = std::mem::take(&mut self.scores[i as usize]);
            // Without a time to go by every member is as close as any other, and whether it
            // is still in the window is checked for the few scored exactly.
            let item = if now.time.is_none() {
                (i, shared)
            } else if let Some(gap) = self.members[i as usize].gap_within(now, params.window_secs) {
                let decay = if gap == 0 { 1.0 } else { params.decay(gap) };
                (i, shared * decay)
            } else {
                continue;
            };
            if ranked.len() == keep
                && ranked.last().is_some_and(|worst| closer_first(&item, worst).is_ge())
            {
                continue;
            }
            let at = ranked.partition_point(|r| closer_first(r, &item).is_lt());
            if ranked.len() == keep {
                ranked.pop();
            }
            ranked.insert(at, item);
        }
    }

    /// Scores the first `exact` candidates in `ranked` that are still in the window exactly
    /// (cosine of the words, mixed with the embedding cosine where both have a vector,
    /// decayed by time, changed by the dates the texts name), and returns the best
    /// `candidates` of them with their member numbers, most similar first.
    fn score_exactly(
        &self,
        params: &Params,
        lookup: &Lookup,
        meaning: Option<&[i8]>,
        dates: DateMark,
        now: &Moment,
        exact: usize,
    ) -> Vec<(u64, f32)> {
        let mut out = Vec::with_capacity(params.candidates);
        for &(i, _) in &self.ranked {
            if out.len() == exact {
                break;
            }
            let m = &self.members[i as usize];
            let Some(gap) = m.gap_within(now, params.window_secs) else { continue };
            let words = lookup.dot(self.vector_of(m));
            let cos = match (meaning, m.meaning.as_deref()) {
                (Some(a), Some(b)) => Some(chorus_embed::cosine_i8(a, b)),
                _ => None,
            };
            let sim = params.semantic.mix(words, cos)
                * params.decay(gap)
                * params.date_factor(&dates, now.time, &m.dates, m.time);
            out.push((self.first + u64::from(i), sim));
        }
        out.sort_unstable_by(closer_first);
        out.truncate(params.candidates);
        out
    }

    /// The term vector of a member.
    fn vector_of(&self, m: &Member) -> &[(Term, f32)] {
        let from = (m.start - self.arena_base) as usize;
        self.arena.get(from..from + m.len as usize).unwrap_or(&[])
    }

    /// Lets the articles that left the window go, oldest first; with `sweep`, also the
    /// index entries of those that left earlier.
    pub(super) fn expire(&mut self, now: &Moment, sweep: bool) {
        while let Some(m) = self.members.front() {
            if now.holds(m.seq, m.arrived) {
                break;
            }
            if let Some(m) = self.members.pop_front() {
                self.index.forget((m.len as usize).min(INDEXED_TERMS));
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
        if sweep {
            self.index.sweep(self.first);
        }
    }

    /// Articles in the window.
    pub(super) fn len(&self) -> usize {
        self.members.len()
    }

    /// Entries in the term index (some may be for articles that left, until the next
    /// sweep).
    pub(super) fn index_entries(&self) -> usize {
        self.index.entries()
    }
}

/// Highest similarity first, ties to the lower number (the older member).
fn closer_first<N: Ord>(a: &(N, f32), b: &(N, f32)) -> Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}
