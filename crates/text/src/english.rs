//! English word handling shared by the deduplicator's and the comparison's word analysis,
//! so that both read a text alike: a light stemmer and the words that say nothing about
//! what happened.

/// What [`stem`] does with a consonant doubled before "-ed" or "-ing".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doubled {
    /// Keep it: "planned" stems to "plann".
    Keep,
    /// Fold it: "committed" meets "commit", "planning" meets "plan" (not after l, s, z,
    /// e or o: "called", "passed").
    Fold,
}

/// A light English stemmer: folds possessives, plurals and the commonest verb and noun
/// endings so that "evacuated", "evacuates" and "evacuation" meet. It only strips, with a
/// minimum stem of four letters, so short words and names stay as they are; words with
/// non-ASCII letters keep all but the possessive. Writes the stem into `out`.
///
/// ```
/// use chorus_text::{Doubled, stem};
/// let mut out = String::new();
/// stem("evacuations", Doubled::Keep, &mut out);
/// assert_eq!(out, "evacuat");
/// stem("planning", Doubled::Fold, &mut out);
/// assert_eq!(out, "plan");
/// ```
pub fn stem(word: &str, doubled: Doubled, out: &mut String) {
    const MIN: usize = 4;
    out.clear();
    let bytes = word.as_bytes();
    // Cuts fall on character boundaries: before an ASCII byte or a whole "’".
    let cut = match bytes {
        [.., b'\'', b's'] => 2,
        [.., 0xE2, 0x80, 0x99, b's'] => 4,
        [.., b'\''] => 1,
        [.., 0xE2, 0x80, 0x99] => 3,
        _ => 0,
    };
    let w = word.get(..word.len() - cut).unwrap_or(word);
    out.push_str(w);
    if w.len() <= MIN || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    let ends = |out: &String, suffix: &str| out.ends_with(suffix);
    // Plurals.
    if out.ends_with('s') {
        if ends(out, "ies") {
            out.truncate(out.len() - 3);
            out.push('y');
        } else if ends(out, "sses") || ends(out, "xes") || ends(out, "ches") || ends(out, "shes") {
            out.truncate(out.len() - 2);
        } else if !(ends(out, "ss") || ends(out, "us") || ends(out, "is")) {
            out.pop();
        }
    }
    // Verb and noun endings; "-ation" keeps "at" so that it meets "-ate" and "-ated".
    let n = out.len();
    let suffix = match out.as_bytes().last() {
        Some(b'n') if ends(out, "ation") => "ation",
        Some(b'n') if ends(out, "ion") => "ion",
        Some(b'g') if ends(out, "ing") => "ing",
        Some(b'd') if ends(out, "ed") => "ed",
        Some(b't') if ends(out, "ment") => "ment",
        Some(b'y') if ends(out, "ly") => "ly",
        _ => "",
    };
    if !suffix.is_empty() && n >= suffix.len() + MIN {
        out.truncate(n - suffix.len());
        if suffix == "ation" {
            out.push_str("at");
        }
        let b = out.as_bytes();
        if doubled == Doubled::Fold
            && matches!(suffix, "ed" | "ing")
            && b.len() >= 2
            && b[b.len() - 1] == b[b.len() - 2]
            && !matches!(b[b.len() - 1], b'l' | b's' | b'z' | b'e' | b'o')
        {
            out.pop();
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
#[rustfmt::skip]
pub const STOPWORDS: &[&str] = &[
    "a", "about", "above", "according", "across", "after", "again", "against", "ago", "all",
    "almost", "along", "already", "also", "although", "always", "am", "among", "an", "and",
    "another", "any", "are", "around", "as", "at", "be", "became", "because", "become", "been",
    "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "down", "during", "each", "either", "even", "ever", "every", "few", "for",
    "from", "further", "get", "gets", "got", "had", "has", "have", "having", "he", "her",
    "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in",
    "including", "into", "is", "it", "it's", "its", "itself", "just", "last", "later", "least",
    "less", "like", "made", "make", "many", "may", "me", "might", "more", "most", "much",
    "must", "my", "near", "never", "new", "next", "no", "nor", "not", "now", "of", "off", "on",
    "once", "one", "only", "or", "other", "others", "our", "ours", "out", "over", "own", "per",
    "rather", "really", "said", "same", "say", "saying", "says", "see", "she", "should",
    "since", "so", "some", "still", "such", "than", "that", "that's", "the", "their", "theirs",
    "them", "themselves", "then", "there", "these", "they", "this", "those", "though",
    "through", "thus", "to", "told", "too", "under", "until", "up", "upon", "us", "very", "via",
    "was", "we", "well", "were", "what", "when", "where", "whether", "which", "while", "who",
    "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your",
    "yours",
];

/// True for a lower-case word in [`STOPWORDS`].
///
/// ```
/// assert!(chorus_text::is_stopword("said") && !chorus_text::is_stopword("storm"));
/// ```
pub fn is_stopword(lower: &str) -> bool {
    STOPWORDS.binary_search(&lower).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem_of(w: &str, doubled: Doubled) -> String {
        let mut out = String::new();
        stem(w, doubled, &mut out);
        out
    }

    #[test]
    fn stems_fold_inflections_and_leave_names_short_words_alone() {
        for doubled in [Doubled::Keep, Doubled::Fold] {
            let s = |w: &str| stem_of(w, doubled);
            let same = |a: &str, b: &str| assert_eq!(s(a), s(b), "{a} / {b}");
            same("evacuated", "evacuation");
            same("evacuates", "evacuate");
            same("evacuating", "evacuations");
            same("countries", "country");
            same("storms", "storm");
            same("biden's", "biden");
            same("italy’s", "italy");
            same("elections", "election");
            same("tariffs", "tariff");
            assert_eq!(s("news"), "news");
            assert_eq!(s("bus"), "bus");
            assert_eq!(s("crisis"), "crisis");
            assert_eq!(s("red"), "red");
            assert_eq!(s("called"), "call");
            assert_ne!(s("storm"), s("story"));
        }
        let fold = |w: &str| stem_of(w, Doubled::Fold);
        assert_eq!(fold("committed"), fold("commitment"));
        assert_eq!(fold("planning"), fold("planned"));
        assert_eq!(stem_of("planned", Doubled::Keep), "plann");
    }

    #[test]
    fn stopwords_are_sorted_and_unique_for_the_binary_search() {
        assert!(STOPWORDS.windows(2).all(|p| p[0] < p[1]));
        assert!(STOPWORDS.iter().all(|w| is_stopword(w)));
    }
}
