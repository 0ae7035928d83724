//! The stopword test of the deduplicator's word analysis, on word hashes.

use std::sync::OnceLock;

use chorus_text::STOPWORDS;

use crate::text::word_hash;

/// True when `hash` is the [`word_hash`] of a word in [`STOPWORDS`]: the word is hashed anyway, and
/// one probe in a small table is cheaper than comparing strings.
pub(crate) fn is_stop_hash(hash: u64) -> bool {
    const SIZE: usize = 1024;
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = vec![0u64; SIZE];
        for w in STOPWORDS {
            let h = word_hash(w.as_bytes());
            let mut i = h as usize % SIZE;
            while t[i] != 0 {
                i = (i + 1) % SIZE;
            }
            t[i] = h;
        }
        t
    });
    let mut i = hash as usize % SIZE;
    loop {
        match table[i] {
            0 => return false,
            h if h == hash => return true,
            _ => i = (i + 1) % SIZE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stopword_hashes_to_a_stopword() {
        let stop = |w: &str| is_stop_hash(word_hash(w.as_bytes()));
        assert!(STOPWORDS.iter().all(|w| stop(w)));
        assert!(!stop("storm") && !stop("senate"));
    }
}
