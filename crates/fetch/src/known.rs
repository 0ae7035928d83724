//! The addresses the fetcher already has, bounded so a daemon running for months does not
//! grow without limit.

use std::collections::{HashSet, VecDeque};

use xxhash_rust::xxh3::xxh3_64;

/// A set of canonical URLs that forgets the oldest past `limit`. It keeps 64-bit hashes
/// (16 bytes an address), not the strings. Forgetting is safe: feeds list recent entries,
/// and an old article that does come back is downloaded once more and then found already
/// stored, since writes are keyed by canonical URL.
#[derive(Debug)]
pub(crate) struct KnownUrls {
    set: HashSet<u64>,
    order: VecDeque<u64>,
    limit: usize,
}

impl KnownUrls {
    /// A set holding `initial` (at most `limit` of them), forgetting past `limit`.
    pub(crate) fn new(initial: impl IntoIterator<Item = String>, limit: usize) -> Self {
        let mut known =
            KnownUrls { set: HashSet::new(), order: VecDeque::new(), limit: limit.max(1) };
        for url in initial {
            known.insert(&url);
        }
        known
    }

    /// Records `url`; false if it was known already.
    pub(crate) fn insert(&mut self, url: &str) -> bool {
        let h = xxh3_64(url.as_bytes());
        if !self.set.insert(h) {
            return false;
        }
        self.order.push_back(h);
        while self.order.len() > self.limit {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }

    /// Forgets `url`, so that it is new again (a page to try once more). Its place in the
    /// order of forgetting stays: if it is recorded again it may be forgotten early, which
    /// costs at most one more download of a page that is then found already stored.
    pub(crate) fn remove(&mut self, url: &str) {
        self.set.remove(&xxh3_64(url.as_bytes()));
    }

    /// How many addresses are remembered.
    pub(crate) fn len(&self) -> usize {
        self.set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_up_to_its_limit_and_forgets_the_oldest() {
        let mut known = KnownUrls::new(["a".to_owned(), "b".to_owned()], 3);
        assert!(!known.insert("a"));
        assert!(known.insert("c"));
        assert!(known.insert("d"), "a new address past the limit is still new");
        assert_eq!(known.len(), 3);
        assert!(known.insert("a"), "the oldest was forgotten");
        assert!(!known.insert("d"));
    }
}
