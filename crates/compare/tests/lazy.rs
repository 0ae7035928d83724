//! Embedding lazily gives exactly the comparison that embedding every sentence gives, on
//! the seed stories and on every event of the newsroom, with the installed model.

use std::cell::Cell;

use chorus_compare::{
    CompareOptions, Coverage, CoverageInput, Embedding, EncodeError, Encoder, compare_with,
};
use chorus_embed::{Embedder, default_model_dir};
use chorus_newsroom::catalog;

/// The installed model, counting the sentences it is asked to embed.
struct Counting {
    model: Embedder,
    asked: Cell<usize>,
}

impl Encoder for Counting {
    fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        self.asked.set(self.asked.get() + texts.len());
        self.model.encode(texts)
    }
}

fn model() -> Counting {
    let dir = default_model_dir()
        .expect("no sentence-embedding model found: run `make model` (make test does)");
    Counting { model: Embedder::load(&dir).unwrap_or_else(|e| panic!("{e}")), asked: Cell::new(0) }
}

/// Each event of the newsroom: its stories' outlets and texts, reprints left out (the
/// comparison is shown for originals only).
fn events() -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let c = catalog();
    c.events
        .iter()
        .map(|e| {
            let stories = c
                .stories
                .iter()
                .filter(|s| s.event == e.key && s.reprint_of.is_none())
                .map(|s| (s.outlet, s.text()))
                .collect();
            (e.key, stories)
        })
        .collect()
}

fn run(stories: &[(&str, String)], encoder: &Counting, embedding: Embedding) -> Coverage {
    let inputs: Vec<CoverageInput<'_>> =
        stories.iter().map(|(outlet, text)| CoverageInput { outlet, text }).collect();
    compare_with(&inputs, Some(encoder), &CompareOptions { embedding, ..CompareOptions::default() })
}

#[test]
fn lazy_embedding_equals_eager_embedding_on_every_newsroom_event() {
    let model = model();
    let (mut compared, mut embedded) = (0, 0);
    let mut seeds_seen = false;
    for (key, stories) in events() {
        if stories.len() < 2 {
            continue;
        }
        seeds_seen |= key == "italy-troops";
        let eager = run(&stories, &model, Embedding::Eager);
        model.asked.set(0);
        let lazy = run(&stories, &model, Embedding::Lazy);
        assert_eq!(model.asked.get(), lazy.sentences_embedded, "{key}");
        assert!(eager.by_meaning && lazy.by_meaning, "{key}");
        assert_eq!(eager.sentences_embedded, eager.sentences_compared, "{key}");
        assert!(lazy.sentences_embedded <= eager.sentences_embedded, "{key}");
        compared += lazy.sentences_compared;
        embedded += lazy.sentences_embedded;
        // Everything but the count of sentences embedded is the same.
        let same = Coverage { sentences_embedded: eager.sentences_embedded, ..lazy.clone() };
        assert_eq!(same, eager, "{key}: lazy\n{lazy:#?}\neager\n{eager:#?}");
    }
    assert!(seeds_seen, "the seed event is among the newsroom's");
    let share = embedded as f64 / compared as f64;
    eprintln!("embedded lazily: {embedded} of {compared} sentences ({:.0}%)", share * 100.0);
    assert!(embedded < compared, "lazy embedding embedded every sentence");
}
