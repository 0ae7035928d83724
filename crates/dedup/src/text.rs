//! Text normalisation and words.
//!
//! One pass over a text serves everything downstream: the normalised form that
//! [`text_hash`] hashes, the word hashes the near-duplicate shingles are built from, and the
//! flags (stopword, name, number) the clusterer weighs terms with.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64;

/// One word of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Word {
    /// xxh3 of the word's light stem: the term id. Hashes stand in for strings so the
    /// indexes hold no text.
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
#[derive(Debug, Default)]
pub(crate) struct Analyser {
    nfkc: String,
    normalised: String,
    lower: String,
    stem: String,
    spans: Vec<(usize, usize)>,
}

impl Analyser {
    /// Splits `text` into `words` (cleared first) and returns the xxh3-64 of its normalised
    /// form: NFKC, lowercase, words only, joined by single spaces.
    pub(crate) fn analyse(&mut self, text: &str, words: &mut Vec<Word>) -> u64 {
        words.clear();
        self.normalised.clear();
        // Most text is already in NFKC (all ASCII is): skip the copy when a quick check can
        // tell.
        let text = if text.is_ascii() || is_nfkc_quick(text.chars()) == IsNormalized::Yes {
            text
        } else {
            self.nfkc.clear();
            self.nfkc.extend(text.nfkc());
            self.nfkc.as_str()
        };
        self.spans.clear();
        if !simple_words(text, &mut self.spans) {
            self.spans.clear();
            self.spans.extend(text.unicode_word_indices().map(|(i, w)| (i, i + w.len())));
        }
        let mut prev_end = 0;
        for &(start, end) in &self.spans {
            let word = &text[start..end];
            let gap = &text[prev_end..start];
            let sentence_start =
                prev_end == 0 || gap.contains(['.', '!', '?', '\n', ':', '•', '|']);
            prev_end = start + word.len();

            self.lower.clear();
            if word.is_ascii() {
                self.lower.push_str(word);
                self.lower.make_ascii_lowercase();
            } else {
                self.lower.extend(word.chars().flat_map(char::to_lowercase));
            }
            if !self.normalised.is_empty() {
                self.normalised.push(' ');
            }
            self.normalised.push_str(&self.lower);

            let capitalised = word.chars().next().is_some_and(char::is_uppercase);
            let number = word.bytes().any(|b| b.is_ascii_digit());
            // Single letters ("U.S." gives "u" and "s") say nothing on their own.
            let hash = xxh3_64(self.lower.as_bytes());
            let stop = !number && (is_stop_hash(hash) || self.lower.chars().nth(1).is_none());
            stem(&self.lower, &mut self.stem);
            let term =
                if self.stem == self.lower { hash } else { xxh3_64(self.stem.as_bytes()) };
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

/// How a character takes part in word boundaries (Unicode Standard Annex #29), for the
/// characters [`simple_words`] handles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    /// `_`: joins letters and digits on both sides.
    Connector,
    /// `:`: inside a word between letters.
    MidLetter,
    /// `.`, `‘`, `’`, `'`: inside a word between letters or between digits.
    MidNumLet,
    /// `,`, `;`: inside a number between digits.
    MidNum,
    Other,
}

fn class(c: char) -> Option<Class> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Class::Letter,
        '0'..='9' => Class::Digit,
        '_' => Class::Connector,
        ':' => Class::MidLetter,
        '.' | '\'' | '‘' | '’' => Class::MidNumLet,
        ',' | ';' => Class::MidNum,
        c if c.is_ascii() => Class::Other,
        '“' | '”' | '–' | '—' => Class::Other,
        _ => return None,
    })
}

/// The word spans of `text` (byte ranges), the same as `unicode_word_indices` gives, but
/// found several times faster: only for text whose characters are ASCII, curly quotes and
/// dashes, which covers most English news. Returns false, leaving `out` in an unspecified
/// state, for any other text.
fn simple_words(text: &str, out: &mut Vec<(usize, usize)>) -> bool {
    let mut start: Option<usize> = None;
    // The class of the last character taken into the current word.
    let mut last = Class::Other;
    let mut has_alnum = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let Some(k) = class(c) else { return false };
        match k {
            Class::Letter | Class::Digit | Class::Connector => {
                if start.is_none() {
                    start = Some(i);
                    has_alnum = false;
                }
                has_alnum |= k != Class::Connector;
                last = k;
                continue;
            }
            Class::MidLetter | Class::MidNumLet | Class::MidNum if start.is_some() => {
                let next = chars.peek().and_then(|&(_, n)| class(n));
                let joins_letters = last == Class::Letter
                    && next == Some(Class::Letter)
                    && matches!(k, Class::MidLetter | Class::MidNumLet);
                let joins_digits = last == Class::Digit
                    && next == Some(Class::Digit)
                    && matches!(k, Class::MidNum | Class::MidNumLet);
                if joins_letters || joins_digits {
                    last = k;
                    continue;
                }
            }
            _ => {}
        }
        if let Some(s) = start.take().filter(|_| has_alnum) {
            out.push((s, i));
        }
    }
    if let Some(s) = start.filter(|_| has_alnum) {
        out.push((s, text.len()));
    }
    true
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
    let mut words = Vec::new();
    hex(Analyser::default().analyse(text, &mut words))
}

/// The 16-digit lowercase hex form of a hash.
pub(crate) fn hex(hash: u64) -> String {
    format!("{hash:016x}")
}

/// A light English stemmer: folds possessives, plurals and the commonest verb and noun
/// endings so that "evacuated", "evacuates" and "evacuation" meet. It only strips, with a
/// minimum stem of four letters, so short words and names stay as they are; words with
/// non-ASCII letters keep all but the possessive.
fn stem(word: &str, out: &mut String) {
    const MIN: usize = 4;
    out.clear();
    let w = ["'s", "’s", "'", "’"].iter().find_map(|p| word.strip_suffix(p)).unwrap_or(word);
    out.push_str(w);
    if w.len() <= MIN || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    // Plurals.
    if out.ends_with("ies") {
        out.truncate(out.len() - 3);
        out.push('y');
    } else if out.ends_with("sses")
        || out.ends_with("xes")
        || out.ends_with("ches")
        || out.ends_with("shes")
    {
        out.truncate(out.len() - 2);
    } else if out.ends_with('s') && !out.ends_with("ss") && !out.ends_with("us") && !out.ends_with("is")
    {
        out.pop();
    }
    // Verb and noun endings; "-ation" keeps "at" so that it meets "-ate" and "-ated".
    for suffix in ["ation", "ing", "ed", "ion", "ment", "ly"] {
        if out.len() >= suffix.len() + MIN && out.ends_with(suffix) {
            out.truncate(out.len() - suffix.len());
            if suffix == "ation" {
                out.push_str("at");
            }
            break;
        }
    }
    // A final "e" goes and a final "y" becomes "i": "evacuate" meets "evacuat", "country"
    // meets "countri".
    if out.len() > MIN {
        if out.ends_with('e') {
            out.pop();
        } else if out.ends_with('y') {
            out.pop();
            out.push('i');
        }
    }
}

/// Function words, and the verbs of attribution and filler words news copy is full of,
/// which say nothing about what happened. Kept sorted, to read and to check for repeats.
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "according", "across", "after", "again", "against", "ago", "all",
    "almost", "along", "already", "also", "although", "always", "am", "among", "an", "and",
    "another", "any", "are", "around", "as", "at", "be", "became", "because", "become", "been",
    "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "down", "during", "each", "either", "even", "ever", "every", "few", "for",
    "from", "further", "get", "gets", "got", "had", "has", "have", "having", "he", "her", "here",
    "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "including",
    "into", "is", "it", "it's", "its", "itself", "just", "last", "later", "least", "less", "like",
    "made", "make", "many", "may", "me", "might", "more", "most", "much", "must", "my", "near",
    "never", "new", "next", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only",
    "or", "other", "others", "our", "ours", "out", "over", "own", "per", "rather", "really",
    "said", "same", "say", "saying", "says", "see", "she", "should", "since", "so", "some",
    "still", "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves",
    "then", "there", "these", "they", "this", "those", "though", "through", "thus", "to", "told",
    "too", "under", "until", "up", "upon", "us", "very", "via", "was", "we", "well", "were",
    "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will",
    "with", "within", "without", "would", "yet", "you", "your", "yours",
];

/// True when `hash` is the xxh3 of a word in [`STOPWORDS`]: the word is hashed anyway, and
/// comparing numbers is cheaper than comparing strings.
fn is_stop_hash(hash: u64) -> bool {
    static HASHES: OnceLock<Vec<u64>> = OnceLock::new();
    let hashes = HASHES.get_or_init(|| {
        let mut h: Vec<u64> = STOPWORDS.iter().map(|w| xxh3_64(w.as_bytes())).collect();
        h.sort_unstable();
        h
    });
    hashes.binary_search(&hash).is_ok()
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

    fn stem_of(w: &str) -> String {
        let mut out = String::new();
        stem(w, &mut out);
        out
    }

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|p| p[0] < p[1]));
        let stop = |w: &str| is_stop_hash(xxh3_64(w.as_bytes()));
        assert!(STOPWORDS.iter().all(|w| stop(w)));
        assert!(!stop("storm") && !stop("senate"));
    }

    #[test]
    fn stems_fold_inflections_and_leave_names_short_words_alone() {
        let same = |a: &str, b: &str| assert_eq!(stem_of(a), stem_of(b), "{a} / {b}");
        same("evacuated", "evacuation");
        same("evacuates", "evacuate");
        same("evacuating", "evacuations");
        same("countries", "country");
        same("storms", "storm");
        same("biden's", "biden");
        same("elections", "election");
        assert_eq!(stem_of("news"), "news");
        assert_eq!(stem_of("bus"), "bus");
        assert_eq!(stem_of("crisis"), "crisis");
        assert_eq!(stem_of("red"), "red");
        assert_ne!(stem_of("storm"), stem_of("story"));
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
    fn simple_word_boundaries_match_unicode_segmentation() {
        const ALPHABET: &[char] = &[
            'a', 'Z', 'q', '0', '9', '_', '.', ',', ';', ':', '\'', '"', ' ', '\n', '-', '!',
            '’', '‘', '“', '”', '—', '–', '(', '$', '%',
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let text: String =
                (0..len).map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize]).collect();
            let mut fast = Vec::new();
            assert!(simple_words(&text, &mut fast));
            let slow: Vec<(usize, usize)> =
                text.unicode_word_indices().map(|(i, w)| (i, i + w.len())).collect();
            assert_eq!(fast, slow, "{text:?}");
        }
        let mut out = Vec::new();
        assert!(!simple_words("café", &mut out));
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
