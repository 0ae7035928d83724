//! English-specific word handling: a light stemmer and a stopword list.

use std::sync::OnceLock;

use chorus_text::STOPWORDS;

use crate::text::word_hash;

/// A light English stemmer: folds possessives, plurals and the commonest verb and noun
/// endings so that "evacuated", "evacuates" and "evacuation" meet. It only strips, with a
/// minimum stem of four letters, so short words and names stay as they are; words with
/// non-ASCII letters keep all but the possessive.
pub(crate) fn stem(word: &str, out: &mut String) {
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

    fn stem_of(w: &str) -> String {
        let mut out = String::new();
        stem(w, &mut out);
        out
    }

    #[test]
    fn every_stopword_hashes_to_a_stopword() {
        let stop = |w: &str| is_stop_hash(word_hash(w.as_bytes()));
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
}
