//! The semantic channel: embeddings mixed into the similarity of words. Vectors are made
//! by hand here; the stage's use of a real model is tested in the crate.

use chorus_dedup::{Deduper, Prepared};
use chorus_model::Article;

use crate::util::{article, deduper, new};

/// Components of the vectors made by hand, as many as all-MiniLM-L6-v2 gives.
const DIM: usize = 384;

/// A unit vector along axis `axis`, tilted a little towards axis `axis + 1`.
fn vector(axis: usize, tilt: f32) -> Vec<f32> {
    let mut v = vec![0.0; DIM];
    v[axis] = 1.0;
    v[axis + 1] = tilt;
    let norm = (1.0 + tilt * tilt).sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

fn prepare(deduper: &Deduper, a: Article, meaning: Option<Vec<f32>>) -> Prepared {
    let mut p = deduper.preparer().prepare(a);
    if let Some(v) = meaning {
        p.set_meaning(v);
    }
    p
}

/// Two reports of one fire that share no word at all.
fn fire_reports() -> [Article; 2] {
    [
        article(
            "https://a.test/fire",
            "a",
            "Wildfire forces thousands to flee",
            "Flames raced through dry hills overnight, officials said.",
            Some((3, 8)),
        ),
        article(
            "https://b.test/blaze",
            "b",
            "Blaze drives residents out",
            "Crews battled an inferno spreading across parched canyons Tuesday.",
            Some((3, 9)),
        ),
    ]
}

#[test]
fn texts_without_a_common_word_join_one_event_by_meaning_alone() {
    // Words only: two events.
    let mut d = deduper();
    let [a, b] = fire_reports();
    let first = new(d.observe_prepared(prepare(&d, a, None)));
    let second = new(d.observe_prepared(prepare(&d, b, None)));
    assert_ne!(first.event.id, second.event.id, "no shared word: apart by words alone");

    // Near-identical vectors: one event.
    let mut d = deduper();
    let [a, b] = fire_reports();
    let p = prepare(&d, a, Some(vector(0, 0.0)));
    assert!(p.has_meaning());
    let first = new(d.observe_prepared(p));
    let second = new(d.observe_prepared(prepare(&d, b, Some(vector(0, 0.05)))));
    assert_eq!(first.event.id, second.event.id, "same meaning: one event");
}

#[test]
fn unrelated_vectors_do_not_join_texts_without_a_common_word() {
    let mut d = deduper();
    let [a, b] = fire_reports();
    let first = new(d.observe_prepared(prepare(&d, a, Some(vector(0, 0.0)))));
    let second = new(d.observe_prepared(prepare(&d, b, Some(vector(10, 0.0)))));
    assert_ne!(first.event.id, second.event.id);
}

#[test]
fn a_member_or_newcomer_without_a_vector_is_compared_by_words_alone() {
    // The member has no vector: the newcomer's vector, however close to what the member
    // would have had, plays no part.
    let mut d = deduper();
    let [a, b] = fire_reports();
    let first = new(d.observe_prepared(prepare(&d, a, None)));
    let second = new(d.observe_prepared(prepare(&d, b, Some(vector(0, 0.0)))));
    assert_ne!(first.event.id, second.event.id, "member without a vector");

    // The newcomer has none.
    let mut d = deduper();
    let [a, b] = fire_reports();
    let first = new(d.observe_prepared(prepare(&d, a, Some(vector(0, 0.0)))));
    let second = new(d.observe_prepared(prepare(&d, b, None)));
    assert_ne!(first.event.id, second.event.id, "newcomer without a vector");

    // Shared words still join a newcomer with a vector to a member without one.
    let mut d = deduper();
    let text = "The city council approved the harbour budget of 40 million on Monday.";
    let a = article("https://a.test/1", "a", "Council approves harbour budget", text, Some((3, 8)));
    let b = article("https://b.test/2", "b", "Harbour budget approved by council", text, None);
    let b = Article { text: format!("{text} Mayor Ines Duarte welcomed it."), ..b };
    let first = new(d.observe_prepared(prepare(&d, a, None)));
    let second = new(d.observe_prepared(prepare(&d, b, Some(vector(20, 0.0)))));
    assert_eq!(first.event.id, second.event.id, "shared words join without both vectors");
}

#[test]
fn the_meaning_text_is_the_headline_and_the_lead() {
    let d = deduper();
    let body: Vec<String> = (0..80).map(|i| format!("w{i}")).collect();
    let a = article("https://a.test/1", "a", "  A headline ", &body.join("\n "), None);
    let text = d.preparer().prepare(a).meaning_text();
    let lead: Vec<&str> = body.iter().take(50).map(String::as_str).collect();
    assert_eq!(text, format!("A headline\n{}", lead.join(" ")));
}
