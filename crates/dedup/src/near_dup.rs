//! Copies of one text: the same normalised words (exact) or the same text with light edits,
//! other page furniture or another headline (near).
//!
//! Near copies are found with MinHash over word 3-shingles of the body. The signature is a
//! one-permutation MinHash (each shingle hashed once, the hash space cut into 64 bins, the
//! minimum kept per bin, empty bins filled from their neighbours), so building it costs one
//! pass over the words. Candidates come from an LSH index (21 bands of 3 values), never from
//! a scan, and are confirmed by the share of equal signature values, which estimates the
//! Jaccard similarity of the two shingle sets.
//!
//! Only originals are indexed: a copy of a copy is reported against the earliest copy.

use std::collections::VecDeque;

use chorus_model::{ArticleKey, EventId};

use crate::text::{HashMapU64, Word};

/// Signature length: 64 one-permutation MinHash bins.
const BINS: usize = 64;
/// Values per LSH band. With 21 bands of 3, two texts with Jaccard 0.5 share a band with
/// probability 0.94, at 0.6 with 0.99, while texts at 0.1 (one story told twice in
/// different words) share one with probability 0.02.
const ROWS: usize = 3;
const BANDS: usize = BINS / ROWS;
/// A body shorter than this many words is not checked for copies: too few shingles to tell
/// a copy from a standard phrase ("Read more", a bare dateline).
pub(crate) const MIN_WORDS: usize = 8;
/// A band bucket keeps at most this many entries: a bucket this full holds boilerplate that
/// many texts share, and checking them all would cost time without finding copies.
const MAX_BUCKET: usize = 64;

/// A MinHash signature.
pub(crate) type Signature = [u32; BINS];

/// The signature of a body's word 3-shingles, or `None` if the body is too short to judge.
pub(crate) fn signature(words: &[Word]) -> Option<Signature> {
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut sig = [u32::MAX; BINS];
    let mut filled = [false; BINS];
    for w in words.windows(3) {
        let h = mix(w[0].term ^ w[1].term.rotate_left(21) ^ w[2].term.rotate_left(42));
        let bin = (h >> 58) as usize;
        // The low bits choose the minimum; the top six chose the bin.
        let value = h as u32;
        if value <= sig[bin] {
            sig[bin] = value;
        }
        filled[bin] = true;
    }
    // Densify: an empty bin takes the value of the next filled bin to its right, offset by
    // the distance, so two similar texts still agree on it.
    let mut out = sig;
    for (i, slot) in out.iter_mut().enumerate() {
        if filled[i] {
            continue;
        }
        let j = (1..BINS).map(|d| (i + d) % BINS).find(|&j| filled[j]);
        if let Some(j) = j {
            let distance = ((j + BINS - i) % BINS) as u32;
            *slot = sig[j].wrapping_add(distance.wrapping_mul(0x9e37_79b9));
        }
    }
    Some(out)
}

/// The share of equal values in two signatures: an estimate of the Jaccard similarity of
/// the two shingle sets.
pub(crate) fn similarity(a: &Signature, b: &Signature) -> f32 {
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f32 / BINS as f32
}

/// A 64-bit finaliser (from SplitMix64): spreads a combined hash over all bits.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// An original text that later copies can be matched to.
#[derive(Debug)]
struct Original {
    seq: u64,
    arrived: Option<i64>,
    /// Publication time, when known.
    published: Option<i64>,
    key: ArticleKey,
    event: EventId,
    text_hash: u64,
    signature: Option<Signature>,
}

impl Original {
    fn copy(&self, similarity: f32) -> Copy {
        Copy { of: self.key.clone(), similarity, event: self.event, published: self.published }
    }
}

/// The copy an article was found to be.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Copy {
    /// Identity key of the earliest copy.
    pub(crate) of: ArticleKey,
    /// Estimated Jaccard similarity of the shingles; 1 for the same normalised text.
    pub(crate) similarity: f32,
    /// The event the earliest copy was placed in.
    pub(crate) event: EventId,
    /// The earliest copy's publication time.
    pub(crate) published: Option<i64>,
}

/// The window of originals, indexed by text hash and by LSH band.
#[derive(Debug, Default)]
pub(crate) struct CopyIndex {
    /// Oldest first; `seq` rises by one per indexed article, with gaps.
    originals: VecDeque<Original>,
    by_hash: HashMapU64<u64>,
    /// Band key -> the newest node of its bucket (index + 1; 0 for none).
    bands: HashMapU64<u32>,
    /// Bucket entries, each linked to the previous (older) entry of its bucket: one flat
    /// list rather than one small vector per bucket. Entries of expired originals stay
    /// until the list is rebuilt.
    nodes: Vec<Node>,
    /// Originals in the window that have a signature.
    signed: usize,
}

#[derive(Clone, Copy, Debug)]
struct Node {
    seq: u64,
    /// The older entry of the same bucket (index + 1; 0 for none).
    older: u32,
}

impl CopyIndex {
    /// The earliest original the text copies, if any: the same normalised text first,
    /// else the earliest near copy with a similarity of at least `threshold`.
    pub(crate) fn find(
        &self,
        text_hash: u64,
        words: usize,
        signature: Option<&Signature>,
        threshold: f32,
    ) -> Option<Copy> {
        if words < MIN_WORDS {
            return None;
        }
        if let Some(o) = self.by_hash.get(&text_hash).and_then(|&seq| self.get(seq)) {
            return Some(o.copy(1.0));
        }
        let signature = signature?;
        let first = self.originals.front().map_or(u64::MAX, |o| o.seq);
        let mut best: Option<(&Original, f32)> = None;
        for band in 0..BANDS {
            let mut next = self.bands.get(&band_key(signature, band)).copied().unwrap_or(0);
            let mut steps = 0;
            // Newest first; past the window, or past a bucket's worth, stop.
            while let Some(node) = next.checked_sub(1).and_then(|i| self.nodes.get(i as usize)) {
                if node.seq < first || steps == MAX_BUCKET {
                    break;
                }
                steps += 1;
                next = node.older;
                if best.is_some_and(|(b, _)| b.seq <= node.seq) {
                    continue;
                }
                let Some(o) = self.get(node.seq) else { continue };
                let Some(theirs) = o.signature.as_ref() else { continue };
                let sim = similarity(signature, theirs);
                if sim >= threshold {
                    best = Some((o, sim));
                }
            }
        }
        best.map(|(o, sim)| o.copy(sim))
    }

    /// Indexes an original (an article that copies nothing before it).
    #[allow(clippy::too_many_arguments)] // One original's fields, named at the call.
    pub(crate) fn insert(
        &mut self,
        seq: u64,
        arrived: Option<i64>,
        published: Option<i64>,
        key: ArticleKey,
        event: EventId,
        text_hash: u64,
        signature: Option<Signature>,
    ) {
        // The newest entry of a text: two share one only when an earlier-published copy
        // took over, and the newer stays in the window longer.
        self.by_hash.insert(text_hash, seq);
        if let Some(sig) = &signature {
            self.link(seq, sig);
            self.signed += 1;
        }
        self.originals.push_back(Original {
            seq,
            arrived,
            published,
            key,
            event,
            text_hash,
            signature,
        });
    }

    /// Makes the article `key`, published at `published`, the original of every text that
    /// copies now lead to `former` (its own, and those it had taken over in turn): it was
    /// published before `former`, though it arrived after. Returns how alike the article's
    /// text is to `former`'s own text, if that is still in the window.
    pub(crate) fn take_over(
        &mut self,
        former: &ArticleKey,
        key: &ArticleKey,
        published: Option<i64>,
        text_hash: u64,
        signature: Option<&Signature>,
    ) -> Option<f32> {
        // `former`'s own text is the newest of the entries under its key: the ones it took
        // over were indexed before it came.
        let mut own = None;
        for o in self.originals.iter_mut().filter(|o| o.key == *former) {
            o.key.clone_from(key);
            o.published = published;
            own = Some(&*o);
        }
        let own = own?;
        if own.text_hash == text_hash {
            return Some(1.0);
        }
        Some(match (signature, own.signature.as_ref()) {
            (Some(a), Some(b)) => similarity(a, b),
            _ => 0.0,
        })
    }

    /// Forgets originals that left the window: indexed before `min_seq`, or arrived before
    /// `min_time`.
    pub(crate) fn expire(&mut self, min_seq: u64, min_time: Option<i64>) {
        while let Some(front) = self.originals.front() {
            let old_time = matches!((front.arrived, min_time), (Some(t), Some(m)) if t < m);
            if front.seq >= min_seq && !old_time {
                break;
            }
            if let Some(o) = self.originals.pop_front() {
                if self.by_hash.get(&o.text_hash) == Some(&o.seq) {
                    self.by_hash.remove(&o.text_hash);
                }
                self.signed -= usize::from(o.signature.is_some());
            }
        }
        // The bucket lists are rebuilt from the live originals once most of their entries
        // are for expired ones.
        if self.nodes.len() > 2 * self.signed * BANDS + 4096 {
            self.bands.clear();
            self.nodes.clear();
            let originals = std::mem::take(&mut self.originals);
            for o in &originals {
                if let Some(sig) = o.signature.as_ref() {
                    self.link(o.seq, sig);
                }
            }
            self.originals = originals;
        }
    }

    /// Adds `seq` to the bucket of each band of `sig`.
    fn link(&mut self, seq: u64, sig: &Signature) {
        for band in 0..BANDS {
            let head = self.bands.entry(band_key(sig, band)).or_insert(0);
            self.nodes.push(Node { seq, older: *head });
            *head = self.nodes.len() as u32;
        }
    }

    /// The original indexed as `seq`, if it is still in the window.
    fn get(&self, seq: u64) -> Option<&Original> {
        self.index_of(seq).and_then(|i| self.originals.get(i))
    }

    /// Where the original numbered `seq` is in `originals`.
    fn index_of(&self, seq: u64) -> Option<usize> {
        let first = self.originals.front()?.seq;
        // Numbers rise by one per article, copies included, and copies are not indexed:
        // the original numbered `seq` is at `seq - first` at most, and as many places
        // before it as copies came in between.
        let guess = usize::try_from(seq.checked_sub(first)?).ok()?.min(self.originals.len() - 1);
        // A few copies in the window: a few steps back.
        for i in (guess.saturating_sub(8)..=guess).rev() {
            match self.originals[i].seq {
                s if s == seq => return Some(i),
                s if s < seq => return None,
                _ => {}
            }
        }
        self.originals.binary_search_by_key(&seq, |o| o.seq).ok()
    }

    /// Originals in the window.
    pub(crate) fn len(&self) -> usize {
        self.originals.len()
    }
}

/// The hash of one band of a signature, salted with the band's number.
fn band_key(sig: &Signature, band: usize) -> u64 {
    let mut h = band as u64;
    for &v in &sig[band * ROWS..(band + 1) * ROWS] {
        h = mix(h ^ u64::from(v)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Analyser;

    fn sig(text: &str) -> Signature {
        let mut words = Vec::new();
        Analyser::default().analyse(text, &mut words);
        signature(&words).unwrap()
    }

    const BODY: &str = "The city council voted on Tuesday to close the old harbour bridge \
        to heavy lorries after engineers found cracks in two of its steel supports. The \
        bridge, built in 1931, carries about 18,000 vehicles a day. Repairs are expected to \
        take at least eight months and cost around 4 million pounds, the council said. Buses \
        will be diverted through the ring road while the work goes on.";

    #[test]
    fn same_text_scores_one_and_unrelated_text_near_zero() {
        assert_eq!(similarity(&sig(BODY), &sig(BODY)), 1.0);
        let other = "Shares in the carmaker fell sharply on Monday after it cut its sales \
            forecast for the year, blaming weak demand in Europe and a shortage of chips \
            that has slowed its factories since the spring.";
        assert!(similarity(&sig(BODY), &sig(other)) < 0.1);
    }

    #[test]
    fn light_edits_keep_a_high_similarity() {
        let edited = BODY
            .replace("about 18,000", "some 18,000")
            .replace("Buses will be diverted", "Local buses are being diverted")
            + " Residents have been told to expect delays.";
        let s = similarity(&sig(BODY), &sig(&edited));
        assert!(s > 0.6, "{s}");
    }

    #[test]
    fn short_texts_get_no_signature() {
        let mut words = Vec::new();
        Analyser::default().analyse("Read more here", &mut words);
        assert!(signature(&words).is_none());
    }
}
