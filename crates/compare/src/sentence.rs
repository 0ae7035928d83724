//! What the matcher needs of one sentence, worked out once: its content words, its names,
//! its numbers; and the rarity of words among a set of sentences.

use std::collections::HashMap;

use crate::numbers::{Number, numbers};
use crate::words::{is_stopword, stem, tokens};

/// One sentence, analysed once for every comparison it takes part in.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceInfo {
    text: String,
    /// Stems of the content words (no stopwords, no single letters), in sentence order.
    sequence: Vec<String>,
    /// The same, sorted and without repeats.
    terms: Vec<String>,
    /// Stems of the words written with a capital where the sentence does not begin: most
    /// likely names ("Meloni", "TASS", "Paris"). Sorted, without repeats.
    names: Vec<String>,
    /// Stems of every word, capitalised or not: whether a sentence mentions a name at
    /// all, even where it begins. Sorted, without repeats.
    all_stems: Vec<String>,
    numbers: Vec<Number>,
    words: usize,
}

impl SentenceInfo {
    /// Analyses a sentence.
    ///
    /// ```
    /// use chorus_compare::{NumberKind, SentenceInfo};
    /// let s = SentenceInfo::new("Leaders of thirty-nine countries met Macron in Paris.");
    /// assert_eq!(s.terms(), ["countri", "leader", "macron", "met", "nine", "paris", "thirti"]);
    /// assert_eq!(s.names(), ["macron", "paris"]);
    /// assert_eq!(s.numbers()[0].value, 39.0);
    /// assert_eq!(s.numbers()[0].kind, NumberKind::Count);
    /// ```
    pub fn new(text: &str) -> SentenceInfo {
        let tokens = tokens(text);
        let mut sequence = Vec::new();
        let mut names = Vec::new();
        let mut all_stems = Vec::new();
        for t in &tokens {
            let s = stem(&t.lower);
            let content = t.lower.chars().nth(1).is_some() && !is_stopword(&t.lower);
            if content {
                if t.capitalised && !t.first {
                    names.push(s.clone());
                }
                sequence.push(s.clone());
            }
            all_stems.push(s);
        }
        let sorted = |mut v: Vec<String>| {
            v.sort_unstable();
            v.dedup();
            v
        };
        SentenceInfo {
            text: text.to_owned(),
            terms: sorted(sequence.clone()),
            sequence,
            names: sorted(names),
            all_stems: sorted(all_stems),
            numbers: numbers(&tokens),
            words: tokens.len(),
        }
    }

    /// The sentence as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Stems of its content words, sorted, without repeats.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Stems of its content words in sentence order, repeats kept.
    pub fn sequence(&self) -> &[String] {
        &self.sequence
    }

    /// Stems of its likely names, sorted, without repeats.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The numbers it states, in order.
    pub fn numbers(&self) -> &[Number] {
        &self.numbers
    }

    /// How many words it has, stopwords included.
    pub fn words(&self) -> usize {
        self.words
    }

    /// Whether any word of the sentence has this stem, whatever its case.
    pub fn mentions(&self, stem: &str) -> bool {
        self.all_stems.binary_search_by(|s| s.as_str().cmp(stem)).is_ok()
    }

    /// Whether the sentence has this content-word stem.
    pub fn has_term(&self, stem: &str) -> bool {
        self.terms.binary_search_by(|s| s.as_str().cmp(stem)).is_ok()
    }
}

/// How rare each content word is among a set of sentences (for an event: all its
/// sentences), as a smoothed inverse document frequency: `ln((n + 1) / (df + 1)) + 1` over
/// `n` sentences, `df` of which have the word. A word none of them has weighs as much as
/// the rarest word can: the set cannot say it is common.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Idf {
    sentences: u32,
    counts: HashMap<String, u32>,
}

impl Idf {
    /// Counts the words of `sentences`.
    pub fn from_sentences<'a>(sentences: impl IntoIterator<Item = &'a SentenceInfo>) -> Idf {
        let mut idf = Idf::default();
        for s in sentences {
            idf.add(s);
        }
        idf
    }

    /// Counts one more sentence's words.
    pub fn add(&mut self, sentence: &SentenceInfo) {
        self.sentences += 1;
        for t in &sentence.terms {
            *self.counts.entry(t.clone()).or_default() += 1;
        }
    }

    /// How many sentences were counted.
    pub fn sentences(&self) -> u32 {
        self.sentences
    }

    /// The weight of a content-word stem.
    pub fn weight(&self, stem: &str) -> f32 {
        let df = self.counts.get(stem).copied().unwrap_or(0);
        let n = f64::from(self.sentences);
        (((n + 1.0) / (f64::from(df) + 1.0)).ln() + 1.0) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_skip_the_first_word_and_mentions_see_any_case() {
        let s = SentenceInfo::new("Meloni met TASS reporters in Paris on Thursday.");
        assert_eq!(s.names(), ["paris", "tass", "thursday"].map(stem));
        assert!(s.mentions("meloni"));
        assert!(!s.mentions("rome"));
        assert_eq!(s.words(), 8);
    }

    #[test]
    fn rare_words_weigh_more_and_unseen_words_most() {
        let a = SentenceInfo::new("storm hits coast");
        let b = SentenceInfo::new("storm floods town");
        let idf = Idf::from_sentences([&a, &b]);
        assert_eq!(idf.sentences(), 2);
        assert!(idf.weight("storm") < idf.weight("coast"));
        assert_eq!(idf.weight("coast"), idf.weight("town"));
        assert!(idf.weight("unseen") > idf.weight("coast"));
    }
}
