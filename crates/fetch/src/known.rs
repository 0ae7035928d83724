//! The addresses the fetcher already has, bounded so a daemon running for months does not
//! grow without limit.

use chorus_model::BoundedMap;
use xxhash_rust::xxh3::xxh3_64;

/// A value per URL that forgets the oldest URL past `limit` ([`BoundedMap`]). It keeps
/// 64-bit hashes of the URLs, not the strings.
#[derive(Debug)]
pub(crate) struct RecentUrls<V>(BoundedMap<u64, V>);

impl<V> RecentUrls<V> {
    pub(crate) fn new(limit: usize) -> Self {
        RecentUrls(BoundedMap::new(limit))
    }

    /// The value for `url`, made by `make` if the URL is new (forgetting the oldest past the
    /// limit first), and whether it was new.
    pub(crate) fn entry(&mut self, url: &str, make: impl FnOnce() -> V) -> (&mut V, bool) {
        self.0.entry(xxh3_64(url.as_bytes()), make)
    }

    /// Forgets `url`. Its place in the order of forgetting stays: if it comes back it may
    /// be forgotten early.
    pub(crate) fn remove(&mut self, url: &str) {
        self.0.remove(&xxh3_64(url.as_bytes()));
    }

    /// How many URLs are remembered.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

/// The addresses the fetcher already has: canonical URLs, 16 bytes each. Forgetting is
/// safe: feeds list recent entries, and an old article that does come back is downloaded
/// once more and then found already stored, since writes are keyed by canonical URL. A page
/// forgotten early (one removed to be tried again, then recorded again) costs the same.
#[derive(Debug)]
pub(crate) struct KnownUrls(RecentUrls<()>);

impl KnownUrls {
    /// A set holding `initial` (at most `limit` of them), forgetting past `limit`.
    pub(crate) fn new(initial: impl IntoIterator<Item = String>, limit: usize) -> Self {
        let mut known = KnownUrls(RecentUrls::new(limit));
        for url in initial {
            known.insert(&url);
        }
        known
    }

    /// Records `url`; false if it was known already.
    pub(crate) fn insert(&mut self, url: &str) -> bool {
        self.0.entry(url, || ()).1
    }

    /// Forgets `url`, so that it is new again (a page to try once more).
    pub(crate) fn remove(&mut self, url: &str) {
        self.0.remove(url);
    }

    /// How many addresses are remembered.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
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
