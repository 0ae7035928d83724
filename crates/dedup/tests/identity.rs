//! Identity: the same article under another address is known; what an article is known by.

use chorus_dedup::{Verdict, identity_key};
use chorus_model::{Article, ArticleKey};

use crate::fixtures::MARA;
use crate::util::{article, deduper, new};

#[test]
fn the_same_url_again_is_known_whatever_its_tracking_and_host_variant() {
    let mut d = deduper();
    let first = new(d.observe(article(
        "https://www.gulf-times.test/world/mara?utm_source=rss",
        "Gulf Times",
        MARA[0].0,
        MARA[0].1,
        Some((9, 8)),
    )));
    assert_eq!(first.key.to_string(), "https://gulf-times.test/world/mara");
    let again = d.observe(article(
        "https://m.gulf-times.test/world/mara/#comments",
        "Gulf Times",
        "Edited headline",
        "Edited text",
        Some((9, 9)),
    ));
    assert_eq!(again, Verdict::Known { key: first.key.clone() });
    // The page's own canonical address wins over where it was found.
    let mut via_canonical = article("https://aggregator.test/r/123", "Agg", "t", "x", None);
    via_canonical.canonical_url = Some("https://gulf-times.test/world/mara".parse().unwrap());
    assert_eq!(identity_key(&via_canonical), first.key);
    assert!(matches!(d.observe(via_canonical), Verdict::Known { .. }));
}

#[test]
fn identity_is_the_input_id_else_the_url_else_the_text() {
    let by_id = Article { input_id: Some("a-17".into()), text: "x".into(), ..Article::default() };
    assert_eq!(identity_key(&by_id), ArticleKey::Input("a-17".into()));
    let by_text = Article { text: "Some words here".into(), ..Article::default() };
    let same_words = Article { text: "some WORDS, here!".into(), ..Article::default() };
    assert!(matches!(identity_key(&by_text), ArticleKey::Text(_)));
    assert_eq!(identity_key(&by_text), identity_key(&same_words));
    let headline_only = Article { title: "A headline".into(), ..Article::default() };
    let other_headline = Article { title: "Another headline".into(), ..Article::default() };
    assert_ne!(identity_key(&headline_only), identity_key(&other_headline));
}
