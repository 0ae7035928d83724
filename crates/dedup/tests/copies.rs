//! Copies: exact and near reprints point at the earliest-published copy and join its event.

use crate::fixtures::MARA;
use crate::util::{article, deduper, new};

#[test]
fn an_exact_reprint_is_a_copy_of_the_first_and_joins_its_event() {
    let mut d = deduper();
    let original = new(d.observe(article(
        "https://gulf-times.test/mara",
        "Gulf Times",
        MARA[0].0,
        MARA[0].1,
        Some((9, 8)),
    )));
    assert_eq!(original.duplicate_of, None);
    // Same words, other punctuation and spacing, other headline, other site.
    let reprint_text = MARA[0].1.replace(", ", " , ").to_uppercase();
    let reprint = new(d.observe(article(
        "https://wire-reprints.test/a/991",
        "Reprints",
        "Mara hits Mexico",
        &reprint_text,
        Some((9, 10)),
    )));
    let dup = reprint.duplicate_of.expect("a reprint is a copy");
    assert_eq!(dup.of, original.key);
    assert_eq!(dup.similarity, 1.0);
    assert_eq!(reprint.text_hash, original.text_hash);
    assert_eq!(reprint.event.id, original.event.id);
}

#[test]
fn a_reprint_with_another_headline_and_edited_sentences_is_a_near_copy_of_the_earliest() {
    let mut d = deduper();
    let original = new(d.observe(article(
        "https://gulf-times.test/mara",
        "Gulf Times",
        MARA[0].0,
        MARA[0].1,
        Some((9, 8)),
    )));
    let edited = MARA[0]
        .1
        .replace("forcing the evacuation of", "prompting authorities to evacuate")
        .replace("Forecasters warned", "Meteorologists said")
        + " Schools across the state will remain closed until Friday.";
    let copy = new(d.observe(article(
        "https://regional-daily.test/news/mara-landfall",
        "Regional Daily",
        "Deadly hurricane slams into Mexican port city",
        &format!("Advertisement\n\n{edited}\n\nRead more: our hurricane season coverage"),
        Some((9, 11)),
    )));
    let dup = copy.duplicate_of.expect("an edited reprint is a copy");
    assert_eq!(dup.of, original.key);
    assert!(dup.similarity >= 0.5 && dup.similarity < 1.0, "{}", dup.similarity);
    assert_eq!(copy.event.id, original.event.id);

    // A copy of the copy still points at the earliest one.
    let third =
        new(d.observe(article("https://third.test/mara", "Third", "Mara", &edited, Some((9, 12)))));
    assert_eq!(third.duplicate_of.map(|d| d.of), Some(original.key));
}

#[test]
fn an_article_without_text_is_handled() {
    let mut d = deduper();
    let a = new(d.observe(article("https://e.test/1", "o", "Paywalled story", "", Some((1, 8)))));
    let b = new(d.observe(article(
        "https://e.test/2",
        "o",
        "Another paywalled story",
        "",
        Some((1, 8)),
    )));
    // Two empty bodies are not copies of each other.
    assert_eq!(b.duplicate_of, None);
    assert_eq!(a.text_hash, b.text_hash);
}

#[test]
fn an_original_published_first_but_read_after_its_reprint_takes_over_as_the_original() {
    let mut d = deduper();
    // The reprint's feed is read first; the wire story it reprints was published an hour
    // before it but comes in after; a second reprint comes last.
    let reprint = new(d.observe(article(
        "https://reprints.test/mara",
        "Reprints",
        "Mara hits Mexico",
        MARA[0].1,
        Some((9, 9)),
    )));
    let wire = new(d.observe(article(
        "https://wire.test/mara",
        "Coast Wire",
        MARA[0].0,
        &format!("{} Officials gave no figure for the damage.", MARA[0].1),
        Some((9, 8)),
    )));
    assert_eq!(wire.duplicate_of, None, "the earliest-published copy is the original");
    let superseded = wire.supersedes.expect("the reprint was taken for the original until now");
    assert_eq!(superseded.key, reprint.key);
    assert!(superseded.similarity > 0.6, "{}", superseded.similarity);
    assert_eq!(wire.event.id, reprint.event.id);
    // Later copies point at the wire story, whichever text they match.
    let again = new(d.observe(article(
        "https://other.test/mara",
        "Other",
        "Mara",
        MARA[0].1,
        Some((9, 11)),
    )));
    assert_eq!(again.duplicate_of.map(|c| c.of), Some(wire.key.clone()));
    assert_eq!(again.supersedes, None);
    // Without publication times the first to arrive stays the original.
    let mut d = deduper();
    let first = new(d.observe(article("https://a.test/m", "A", "Mara", MARA[0].1, None)));
    let second = new(d.observe(article("https://b.test/m", "B", "Mara", MARA[0].1, None)));
    assert_eq!(second.duplicate_of.map(|c| c.of), Some(first.key));
    assert_eq!(second.supersedes, None);
}

#[test]
fn an_original_that_takes_over_twice_leaves_one_original_for_the_whole_family() {
    // Three editions of one wire story arrive latest-published first: each earlier one
    // takes over from the one before, and every later copy, whichever text it matches,
    // points at the earliest.
    let short = MARA[0].1;
    let long = format!("{short} Officials gave no figure for the damage.");
    let mut d = deduper();
    let mut observe = |host: &str, text: &str, hour: u32| {
        let url = format!("https://{host}.test/mara");
        new(d.observe(article(&url, host, "Mara", text, Some((9, hour)))))
    };
    let r = observe("r", short, 10);
    let w = observe("w", &long, 9);
    assert_eq!(w.supersedes.as_ref().map(|s| &s.key), Some(&r.key));
    let x = observe("x", &long, 7);
    let superseded = x.supersedes.expect("the earliest edition takes over again");
    assert_eq!(superseded.key, w.key);
    assert_eq!(superseded.similarity, 1.0, "measured against w's own text, the same as x's");
    // y was published after x but before w: x stays the original.
    for (host, text, hour) in [("d", short, 12), ("y", short, 8)] {
        let later = observe(host, text, hour);
        assert_eq!(later.duplicate_of.map(|c| c.of), Some(x.key.clone()), "{host}");
        assert_eq!(later.supersedes, None, "{host}");
    }
}
