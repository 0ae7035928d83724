//! The bounded memory of identities seen, shared by the fetcher and the deduplicator.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash};

/// A map that holds at most `limit` keys and forgets the oldest to make room for a new
/// one, so a daemon running for months remembers a fixed amount.
///
/// "Oldest" is by first insertion: a key that is looked up or inserted again keeps its
/// place. A removed key's place stays in the order until it comes round, so the map holds
/// fewer than `limit` keys for a while after removals, and a key removed and then inserted
/// again may be forgotten before its time. The fetcher keeps one of its known URLs and
/// one of its tries per URL, the deduplicator one of the identity keys it has seen; both
/// key them by 64-bit hashes of the strings.
///
/// ```
/// use chorus_model::BoundedMap;
/// let mut seen = BoundedMap::new(2);
/// assert!(seen.insert("a"));
/// assert!(!seen.insert("a"), "already there");
/// assert!(seen.insert("b"));
/// assert!(seen.insert("c"), "forgets a");
/// assert!(!seen.contains_key(&"a"));
/// assert_eq!(seen.len(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct BoundedMap<K, V, S = RandomState> {
    map: HashMap<K, V, S>,
    /// Keys in order of insertion, oldest first; removed keys stay until they come round.
    order: VecDeque<K>,
    limit: usize,
}

impl<K: Hash + Eq + Clone, V> BoundedMap<K, V> {
    /// An empty map that holds at most `limit` keys (at least one).
    pub fn new(limit: usize) -> Self {
        BoundedMap::with_hasher(limit, RandomState::new())
    }
}

impl<K: Hash + Eq + Clone, V, S: BuildHasher> BoundedMap<K, V, S> {
    /// An empty map that holds at most `limit` keys (at least one), hashing them with
    /// `hasher` (keys that are hashes already need no second hash).
    pub fn with_hasher(limit: usize, hasher: S) -> Self {
        BoundedMap {
            map: HashMap::with_hasher(hasher),
            order: VecDeque::new(),
            limit: limit.max(1),
        }
    }

    /// The value for `key`, made by `make` if the key is new, and whether it was new. A new
    /// key first makes room, forgetting the oldest keys past the limit.
    pub fn entry(&mut self, key: K, make: impl FnOnce() -> V) -> (&mut V, bool) {
        let new = !self.map.contains_key(&key);
        if new {
            // Room is made before the key goes in: the front of the order may be this very
            // key's old place, left by a removal, and must not take the new entry with it.
            while self.order.len() >= self.limit {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
            self.order.push_back(key.clone());
        }
        (self.map.entry(key).or_insert_with(make), new)
    }

    /// Forgets `key` and returns its value. Its place in the order stays (see the type's
    /// documentation).
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.map.remove(key)
    }

    /// Whether `key` is remembered.
    pub fn contains_key(&self, key: &K) -> bool {
        self.map.contains_key(key)
    }

    /// The value for `key`, if it is remembered.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

impl<K: Hash + Eq + Clone, S: BuildHasher> BoundedMap<K, (), S> {
    /// Records `key` in a map used as a set; false if it was there already.
    pub fn insert(&mut self, key: K) -> bool {
        self.entry(key, || ()).1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_up_to_its_limit_and_forgets_the_oldest() {
        let mut known = BoundedMap::new(3);
        assert!(known.insert("a"));
        assert!(known.insert("b"));
        assert!(!known.insert("a"));
        assert!(known.insert("c"));
        assert!(known.insert("d"), "a new key past the limit is still new");
        assert_eq!(known.len(), 3);
        assert!(known.insert("a"), "the oldest was forgotten");
        assert!(!known.insert("d"));
    }

    #[test]
    fn values_are_made_once_and_kept() {
        let mut tries = BoundedMap::new(2);
        *tries.entry(7u64, || 0).0 += 1;
        let (n, new) = tries.entry(7, || unreachable!("the value exists"));
        *n += 1;
        assert!(!new);
        assert_eq!(tries.get(&7), Some(&2));
        assert_eq!(tries.remove(&7), Some(2));
        assert_eq!(tries.entry(7, || 0), (&mut 0, true));
    }

    #[test]
    fn a_zero_limit_holds_one() {
        let mut known = BoundedMap::new(0);
        assert!(known.insert(1));
        assert!(known.insert(2));
        assert_eq!(known.len(), 1);
        assert!(known.contains_key(&2));
    }

    #[test]
    fn lookups_do_not_refresh_a_key() {
        let mut known = BoundedMap::new(2);
        known.insert("a");
        known.insert("b");
        assert!(!known.insert("a"));
        known.insert("c");
        assert!(!known.contains_key(&"a"), "first in, first forgotten, however often seen");
        assert!(known.contains_key(&"b"));
    }

    /// The fetcher's copy made room before inserting and the deduplicator's after; they
    /// differ only once a key has been removed, and only making room first keeps a key
    /// that is inserted again.
    #[test]
    fn a_key_removed_and_inserted_again_is_kept() {
        let mut known = BoundedMap::new(2);
        known.insert("a");
        known.remove(&"a");
        assert!(known.is_empty());
        known.insert("b");
        assert!(known.insert("a"));
        assert!(known.contains_key(&"a"), "the old place of a did not take the new one");
        assert!(known.contains_key(&"b"));
    }

    #[test]
    fn a_key_removed_and_inserted_again_may_go_early() {
        let mut known = BoundedMap::new(3);
        known.insert("a");
        known.remove(&"a");
        known.insert("a");
        known.insert("b");
        known.insert("c");
        assert!(!known.contains_key(&"a"), "forgotten when its old place came round");
        assert_eq!(known.len(), 2);
        known.insert("d");
        assert_eq!(known.len(), 3, "full again once the old places have passed");
    }
}
