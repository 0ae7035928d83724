//! One event: the sum of its articles' vectors, its time span, its local scale, and the
//! headline that stands for it.

use chorus_model::{EventId, EventRef};

use crate::dates::DateMark;
use crate::terms::{Term, TermVector, add, add_into, keep_heaviest, norm};

/// Where an article stands in the stream: its arrival number, its own time (publication,
/// else download: what it is compared on), its arrival time (download, else publication:
/// what decides when it leaves memory), and the oldest arrival number and arrival time
/// still inside the window.
///
/// Two clocks, because a backfill downloads a week of old news in a minute and in no
/// particular order: publication times say which articles can report one event, while
/// download times say how long state must be kept. Expiring by publication time would let
/// the first article of day 7 evict days 1 to 4 before their own articles had arrived.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Moment {
    pub(crate) seq: u64,
    pub(crate) time: Option<i64>,
    pub(crate) arrived: Option<i64>,
    pub(crate) min_seq: u64,
    pub(crate) min_time: Option<i64>,
}

impl Moment {
    /// True when something that arrived as number `seq` at `arrived` is still in the
    /// window.
    pub(crate) fn holds(&self, seq: u64, arrived: Option<i64>) -> bool {
        seq >= self.min_seq && !matches!((arrived, self.min_time), (Some(t), Some(m)) if t < m)
    }
}

/// Headlines kept per event to choose its representative title from.
pub(crate) const TITLE_CANDIDATES: usize = 4;

/// A member's headline, kept to choose the event's title from.
#[derive(Debug)]
pub(crate) struct TitleCandidate {
    pub(crate) title: String,
    /// The headline's terms, sorted.
    pub(crate) terms: Vec<Term>,
}

/// An event in the window.
#[derive(Debug)]
pub(crate) struct Event {
    pub(crate) id: EventId,
    /// Sum of the members' unit vectors, pruned to the heaviest terms; sorted by term.
    pub(crate) sum: TermVector,
    pub(crate) norm: f32,
    /// Members that brought a vector (copies do not).
    pub(crate) size: u32,
    /// Sum of those members' local scales.
    pub(crate) scale_sum: f32,
    pub(crate) first: Option<i64>,
    pub(crate) last: Option<i64>,
    pub(crate) last_seq: u64,
    /// Arrival time of its newest member (see [`Moment`]).
    pub(crate) last_arrived: Option<i64>,
    pub(crate) titles: Vec<TitleCandidate>,
    /// Index of the representative title in `titles`.
    pub(crate) title: usize,
    /// Events merged into this one; their ids resolve here while it lives.
    pub(crate) absorbed: Vec<EventId>,
    /// The dates its members name, together.
    pub(crate) dates: DateMark,
    /// Sum of the embeddings of the members that brought one (empty when none did), and
    /// how many did: their mean cosine with a vector is one dot product.
    pub(crate) meaning_sum: Vec<f32>,
    pub(crate) meaning_count: u32,
}

impl Event {
    pub(crate) fn new(id: EventId) -> Self {
        Event {
            id,
            sum: Vec::new(),
            norm: 0.0,
            size: 0,
            scale_sum: 0.0,
            first: None,
            last: None,
            last_seq: 0,
            last_arrived: None,
            titles: Vec::new(),
            title: 0,
            absorbed: Vec::new(),
            dates: DateMark::default(),
            meaning_sum: Vec::new(),
            meaning_count: 0,
        }
    }

    /// Adds a member's embedding to the sum.
    pub(crate) fn add_meaning(&mut self, v: &[f32]) {
        if self.meaning_sum.is_empty() {
            self.meaning_sum = v.to_vec();
        } else {
            for (s, x) in self.meaning_sum.iter_mut().zip(v) {
                *s += x;
            }
        }
        self.meaning_count += 1;
    }

    /// The mean embedding cosine of `v` with the members that have a vector, if any do.
    pub(crate) fn meaning_with(&self, v: Option<&[f32]>) -> Option<f32> {
        let v = v?;
        (self.meaning_count > 0)
            .then(|| chorus_embed::cosine(&self.meaning_sum, v) / self.meaning_count as f32)
    }

    /// The mean embedding cosine of this event's members with `other`'s, if both have
    /// members with a vector.
    pub(crate) fn meaning_between(&self, other: &Event) -> Option<f32> {
        (self.meaning_count > 0 && other.meaning_count > 0).then(|| {
            chorus_embed::cosine(&self.meaning_sum, &other.meaning_sum)
                / (self.meaning_count as f32 * other.meaning_count as f32)
        })
    }

    /// Time from the event's span to `time` (0 inside it, or when either is unknown).
    pub(crate) fn gap(&self, time: Option<i64>) -> i64 {
        match (time, self.first, self.last) {
            (Some(t), Some(first), _) if t < first => first - t,
            (Some(t), _, Some(last)) if t > last => t - last,
            _ => 0,
        }
    }

    pub(crate) fn touch(&mut self, now: &Moment) {
        self.last_seq = self.last_seq.max(now.seq);
        self.last_arrived = self.last_arrived.max(now.arrived);
        if let Some(t) = now.time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
    }

    pub(crate) fn add_vector(
        &mut self,
        v: &[(Term, f32)],
        max_terms: usize,
        scratch: &mut TermVector,
    ) {
        add_into(&self.sum, v, 1.0, scratch);
        std::mem::swap(&mut self.sum, scratch);
        keep_heaviest(&mut self.sum, max_terms);
        self.norm = norm(&self.sum);
    }

    pub(crate) fn as_ref(&self) -> EventRef {
        let title = self.titles.get(self.title).map(|c| c.title.clone()).unwrap_or_default();
        EventRef { id: self.id, title, merged: Vec::new() }
    }

    /// Folds the event `gone` into this one.
    pub(crate) fn absorb(&mut self, gone: Event, max_terms: usize) {
        self.sum = add(&self.sum, &gone.sum, 1.0);
        keep_heaviest(&mut self.sum, max_terms);
        self.norm = norm(&self.sum);
        self.size += gone.size;
        self.scale_sum += gone.scale_sum;
        self.first = match (self.first, gone.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = self.last.max(gone.last);
        self.last_seq = self.last_seq.max(gone.last_seq);
        self.last_arrived = self.last_arrived.max(gone.last_arrived);
        for c in gone.titles {
            if self.titles.len() < TITLE_CANDIDATES {
                self.titles.push(c);
            }
        }
        self.dates = self.dates.union(&gone.dates);
        if gone.meaning_count > 0 {
            if self.meaning_count == 0 {
                self.meaning_sum = gone.meaning_sum;
            } else {
                for (s, x) in self.meaning_sum.iter_mut().zip(&gone.meaning_sum) {
                    *s += x;
                }
            }
            self.meaning_count += gone.meaning_count;
        }
        self.absorbed.push(gone.id);
        self.absorbed.extend(gone.absorbed);
    }

    /// How well a headline stands for the event: cosine of its terms with the centroid.
    pub(crate) fn title_score(&self, terms: &[Term]) -> f32 {
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
    pub(crate) fn offer_title(&mut self, title: &str, terms: Vec<Term>) {
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
            if let Some((i, _)) = worst.filter(|&(i, s)| s < score && i != self.title) {
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
