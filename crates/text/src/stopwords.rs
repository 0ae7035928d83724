//! English words that say nothing about what happened, shared by the deduplicator's and
//! the comparison's word analysis so that both read a text alike.

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

    #[test]
    fn stopwords_are_sorted_and_unique_for_the_binary_search() {
        assert!(STOPWORDS.windows(2).all(|p| p[0] < p[1]));
        assert!(STOPWORDS.iter().all(|w| is_stopword(w)));
    }
}
