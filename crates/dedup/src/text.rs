//! Text normalisation and words.
//!
//! One pass over a text serves everything downstream: the normalised form that
//! [`text_hash`] hashes, the word hashes the near-duplicate shingles are built from, and the
//! flags (stopword, name, number) the clusterer weighs terms with.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64;

use chorus_text::{Doubled, stem};

use crate::english::is_stop_hash;
use crate::segment::simple_words;

/// One word of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Word {
    /// [`word_hash`] of the word's light stem (of the word itself for a stopword): the
    /// term. Hashes stand in for strings so the indexes hold no text.
    pub(crate) term: u64,
    /// A function word: part of shingles, never a clustering term.
    pub(crate) stop: bool,
    /// Capitalised where a sentence does not begin: most likely part of a name.
    pub(crate) name: bool,
    /// Starts with a capital letter, wherever it stands.
    pub(crate) capitalised: bool,
    /// Contains a digit (a count, a date, a score).
    pub(crate) number: bool,
}

/// Reusable buffers, so analysing an article allocates nothing once they have grown.
#[derive(Clone, Debug, Default)]
pub(crate) struct Analyser {
    nfkc: String,
    normalised: String,
    stem: String,
    spans: Vec<(usize, usize)>,
}

impl Analyser {
    /// Splits `text` into `words` (cleared first) and returns the xxh3-64 of its normalised
    /// form: NFKC, lowercase, words only, joined by single spaces.
    pub(crate) fn analyse(&mut self, text: &str, words: &mut Vec<Word>) -> u64 {
        words.clear();
        self.normalised.clear();
        self.normalised.reserve(text.len());
        self.spans.clear();
        // Text that `simple_words` can split (ASCII, curly quotes, dashes: most English
        // news) is already in NFKC; other text is normalised first, when a quick check
        // cannot tell it is already, and split by the general rules.
        let text = if simple_words(text, &mut self.spans) {
            text
        } else {
            self.spans.clear();
            let text = if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
                text
            } else {
                self.nfkc.clear();
                self.nfkc.extend(text.nfkc());
                self.nfkc.as_str()
            };
            self.spans.extend(text.unicode_word_indices().map(|(i, w)| (i, i + w.len())));
            text
        };
        let mut prev_end = 0;
        for &(start, end) in &self.spans {
            let word = &text[start..end];
            let gap = &text[prev_end..start];
            let sentence_start = prev_end == 0
                || gap.bytes().any(|b| matches!(b, b'.' | b'!' | b'?' | b'\n' | b':' | b'|'))
                || (!gap.is_ascii() && gap.contains('•'));
            prev_end = start + word.len();

            // The lowercase word is written straight into the normalised text and read
            // back from there.
            if !self.normalised.is_empty() {
                self.normalised.push(' ');
            }
            let from = self.normalised.len();
            if word.is_ascii() {
                // Byte by byte: cheaper than a copy call for words this short.
                for b in word.bytes() {
                    self.normalised.push(char::from(b.to_ascii_lowercase()));
                }
            } else {
                self.normalised.extend(word.chars().flat_map(char::to_lowercase));
            }
            let lower = &self.normalised[from..];

            let first = word.as_bytes()[0];
            let capitalised = if first.is_ascii() {
                first.is_ascii_uppercase()
            } else {
                word.chars().next().is_some_and(char::is_uppercase)
            };
            let number = word.bytes().any(|b| b.is_ascii_digit());
            let hash = word_hash(lower.as_bytes());
            // Single letters ("U.S." gives "u" and "s") say nothing on their own.
            let single = lower.len() == 1 || lower.chars().nth(1).is_none();
            let stop = !number && (single || is_stop_hash(hash));
            // Stopwords need a hash (for shingles) but no stem, and neither does a word the
            // stemmer would leave as it is (short, or with no ending it strips).
            let strippable = match lower.as_bytes().last() {
                Some(b's' | b'\'' | 0x99) => true,
                Some(b'n' | b'g' | b'd' | b't' | b'y' | b'e') => lower.len() > 4,
                _ => false,
            };
            let term = if stop || !strippable {
                hash
            } else {
                stem(lower, Doubled::Keep, &mut self.stem);
                if self.stem == lower { hash } else { word_hash(self.stem.as_bytes()) }
            };
            words.push(Word {
                term,
                stop,
                name: capitalised && !sentence_start && !stop,
                capitalised,
                number,
            });
        }
        xxh3_64(self.normalised.as_bytes())
    }
}

/// Hex xxh3-64 of the normalised text: NFKC, lowercase, words only (Unicode word
/// boundaries), whitespace collapsed. Equal hashes mean the same words in the same order.
///
/// ```
/// use chorus_dedup::text_hash;
/// assert_eq!(text_hash("Storm hits\n the  COAST."), text_hash("storm hits the coast"));
/// assert_ne!(text_hash("storm hits the coast"), text_hash("storm hits the city"));
/// assert_eq!(text_hash("x").len(), 16);
/// ```
pub fn text_hash(text: &str) -> String {
    hex(text_digest(text))
}

/// The xxh3-64 that [`text_hash`] writes in hex.
pub(crate) fn text_digest(text: &str) -> u64 {
    let mut words = Vec::new();
    Analyser::default().analyse(text, &mut words)
}

/// The 16-digit lowercase hex form of a hash.
pub(crate) fn hex(hash: u64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..16).rev().map(|i| char::from(DIGITS[((hash >> (i * 4)) & 0xf) as usize])).collect()
}

/// A fast 64-bit hash of a word, for term ids and shingles (which never leave the
/// process): FxHash-style mixing of 8-byte chunks, then the SplitMix64 finaliser.
pub(crate) fn word_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(a)).wrapping_mul(K);
    }
    let mut a = [0u8; 8];
    let rest = chunks.remainder();
    a[..rest.len()].copy_from_slice(rest);
    h = (h.rotate_left(5) ^ u64::from_le_bytes(a)).wrapping_mul(K);
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A hasher for keys that are already xxh3 hashes: one multiply spreads them over the
/// table, and there is no per-process random seed, so iteration order (and hence every
/// result) is the same from run to run.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HashedKey(u64);

impl Hasher for HashedKey {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A map keyed by a hash (a term, a band, a text hash).
pub(crate) type HashMapU64<V> = HashMap<u64, V, BuildHasherDefault<HashedKey>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_sixteen_lowercase_digits() {
        assert_eq!(hex(0xdead_beef), "00000000deadbeef");
        assert_eq!(hex(u64::MAX), "ffffffffffffffff");
    }

    #[test]
    fn words_carry_name_number_and_stop_flags() {
        let mut words = Vec::new();
        let mut a = Analyser::default();
        a.analyse("The storm hit Miami on 4 September. Officials said", &mut words);
        let flags: Vec<(bool, bool, bool)> =
            words.iter().map(|w| (w.stop, w.name, w.number)).collect();
        assert_eq!(
            flags,
            vec![
                (true, false, false),  // The: first word, a stopword
                (false, false, false), // storm
                (false, false, false), // hit
                (false, true, false),  // Miami: capitalised mid-sentence
                (true, false, false),  // on
                (false, false, true),  // 4
                (false, true, false),  // September
                (false, false, false), // Officials: starts a sentence
                (true, false, false),  // said
            ]
        );
    }

    #[test]
    fn normalisation_ignores_case_punctuation_spacing_and_compatibility_forms() {
        let mut a = Analyser::default();
        let mut w = Vec::new();
        let h1 = a.analyse("Ｃafé  says: \"Hello,\n world!\"", &mut w);
        let h2 = a.analyse("café says hello world", &mut w);
        assert_eq!(h1, h2);
        assert_eq!(w.len(), 4);
    }
}
