//! Words of a sentence: tokens with their case and surroundings, a light English stemmer
//! and a stopword list.
//!
//! The stemmer and the stopwords are those of the clusterer (`chorus-dedup`), written
//! over strings here: the comparison keeps the words themselves, to explain a decision.

use unicode_normalization::UnicodeNormalization;

/// One word of a sentence.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    /// The word in lower case.
    pub(crate) lower: String,
    /// Starts with a capital letter.
    pub(crate) capitalised: bool,
    /// The first word of the sentence (where every word is capitalised).
    pub(crate) first: bool,
    /// A currency sign stands right before it (`$5`).
    pub(crate) currency: bool,
    /// A per cent sign follows it (`4.5%`).
    pub(crate) percent: bool,
    /// Joined to the word before by a hyphen (`thirty-nine`).
    pub(crate) hyphenated: bool,
    /// Where it starts in the sentence brought to NFKC (see [`tokens_and_chars`]), in
    /// characters.
    pub(crate) start: usize,
    /// Where it ends there, in characters (exclusive).
    pub(crate) end: usize,
}

/// Splits a sentence into words: runs of letters and digits, with an apostrophe or a
/// full stop inside a word ("Italy's", "U.S") and a full stop or comma inside a number
/// ("4.5", "40,000") kept. The text is brought to NFKC first, so that full-width and
/// compatibility forms meet their plain forms.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    tokens_and_chars(text).1
}

/// [`tokens`], with the characters of the text brought to NFKC that their offsets count.
pub(crate) fn tokens_and_chars(text: &str) -> (Vec<char>, Vec<Token>) {
    let chars: Vec<char> = text.nfkc().collect();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() {
            let c = chars[i];
            if c.is_alphanumeric() {
                i += 1;
                continue;
            }
            let (Some(&before), Some(&after)) = (chars.get(i.wrapping_sub(1)), chars.get(i + 1))
            else {
                break;
            };
            let letters = before.is_alphabetic() && after.is_alphabetic();
            let digits = before.is_ascii_digit() && after.is_ascii_digit();
            let joins = match c {
                '\'' | '’' | '.' => letters || (c == '.' && digits),
                ',' => digits,
                _ => false,
            };
            if !joins {
                break;
            }
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        let before = start.checked_sub(1).map(|k| chars[k]);
        out.push(Token {
            lower: word.to_lowercase(),
            capitalised: word.chars().next().is_some_and(char::is_uppercase),
            first: out.is_empty(),
            currency: matches!(before, Some('$' | '£' | '€' | '¥')),
            percent: chars.get(i) == Some(&'%'),
            hyphenated: matches!(before, Some('-' | '‐' | '‑'))
                && start >= 2
                && chars[start - 2].is_alphanumeric(),
            start,
            end: i,
        });
    }
    (chars, out)
}

/// The comparison's stem of a lower-case word: the shared light stemmer, folding a
/// doubled consonant ("committed" meets "commit").
pub(crate) fn stem(word: &str) -> String {
    let mut out = String::new();
    chorus_text::stem(word, chorus_text::Doubled::Fold, &mut out);
    out
}

/// True for function words and for the verbs of attribution and filler words news copy
/// is full of, which say nothing about what happened.
pub(crate) fn is_stopword(lower: &str) -> bool {
    chorus_text::is_stopword(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_function_words_and_attribution() {
        assert!(is_stopword("the") && is_stopword("said"));
        assert!(!is_stopword("storm"));
    }

    #[test]
    fn tokens_keep_inner_apostrophes_stops_and_number_separators() {
        let t = tokens("Italy’s U.S. allies paid $1,500.50 (4.5%) to thirty-nine firms.");
        let words: Vec<&str> = t.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(
            words,
            [
                "italy’s",
                "u.s",
                "allies",
                "paid",
                "1,500.50",
                "4.5",
                "to",
                "thirty",
                "nine",
                "firms"
            ]
        );
        assert!(t[0].first && t[0].capitalised && !t[1].first);
        assert!(t[4].currency && !t[4].percent);
        assert!(t[5].percent && !t[5].currency);
        assert!(t[8].hyphenated && !t[7].hyphenated);
    }

    #[test]
    fn full_width_forms_meet_plain_ones() {
        assert_eq!(tokens("ＮＡＴＯ")[0].lower, "nato");
    }
}
