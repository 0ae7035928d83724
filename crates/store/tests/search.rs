//! Full-text search.

use chorus_store::{Store, StoreError};

use crate::util::{fetched, new_store};

fn searchable() -> (tempfile::TempDir, Store) {
    let (dir, _path, mut store) = new_store();
    let mut a = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    a.article.title = "Italy will not send troops to Ukraine".into();
    a.article.text = "Rome said on Thursday that no Italian soldiers would be deployed. \
                      The defence minister spoke in Paris."
        .into();
    let mut b = fetched("Miami News", "paris-talks", 2, "2025-09-04T11:00:00Z");
    b.article.title = "Leaders meet in Paris".into();
    b.article.text = "European leaders met in Paris to discuss security guarantees. \
                      Italy's prime minister, Meloni, said troops were not an option."
        .into();
    let mut c = fetched("Valley Times", "cafe", 3, "2025-09-04T12:00:00Z");
    c.article.title = "A café reopens".into();
    c.article.text = "The old café on Main Street reopened after the flood.".into();
    store.write_batch(&[a, b, c], &[]).unwrap();
    (dir, store)
}

#[test]
fn finds_words_in_the_text_and_in_the_title() {
    let (_dir, store) = searchable();
    let hits = store.search("soldiers", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].key.to_string(), "https://harbor-gazette.test/world/troops");
    assert!(hits[0].snippet.contains("[soldiers]"), "{}", hits[0].snippet);
    assert_eq!(hits[0].outlet.as_deref(), Some("Harbor Gazette"));
    assert_eq!(hits[0].event.map(|e| e.0), Some(1));

    let hits = store.search("leaders", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].title, "Leaders meet in Paris");
}

#[test]
fn hits_are_ranked_best_first() {
    let (_dir, store) = searchable();
    // Both mention troops; only one has it in its title as well.
    let hits = store.search("troops", 10).unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].title, "Italy will not send troops to Ukraine");
    assert!(hits[0].score > hits[1].score);
    assert_eq!(store.search("troops", 1).unwrap().len(), 1);
}

#[test]
fn plain_words_all_must_match_whatever_their_case_punctuation_or_accents() {
    let (_dir, store) = searchable();
    assert_eq!(store.search("PARIS meloni", 10).unwrap().len(), 1);
    assert_eq!(store.search("Italy's", 10).unwrap().len(), 1);
    assert_eq!(store.search("cafe", 10).unwrap().len(), 1, "diacritics are ignored");
    assert_eq!(store.search("and or", 10).unwrap().len(), 0, "lower-case operators are words");
    assert!(store.search("paris zanzibar", 10).unwrap().is_empty());
}

#[test]
fn fts_syntax_works_when_used_on_purpose() {
    let (_dir, store) = searchable();
    assert_eq!(store.search("\"defence minister\"", 10).unwrap().len(), 1);
    assert_eq!(store.search("soldier*", 10).unwrap().len(), 1);
    assert_eq!(store.search("title:paris", 10).unwrap().len(), 1);
    assert_eq!(store.search("meloni OR soldiers", 10).unwrap().len(), 2);
}

#[test]
fn broken_queries_are_bad_queries_not_panics() {
    let (_dir, store) = searchable();
    for query in ["\"unbalanced", "AND OR", "(paris", "   "] {
        match store.search(query, 10) {
            Err(StoreError::BadQuery { query: q, message }) => {
                assert_eq!(q, query);
                assert!(!message.is_empty());
            }
            other => panic!("{query:?} gave {other:?}"),
        }
    }
}
