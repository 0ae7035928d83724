//! Awkward input: long texts, empty texts, unusual characters, order, threads.

use std::num::NonZeroUsize;

use chorus_embed::{Embedder, cosine};

use crate::util::{embedder, model_dir};

fn assert_unit(v: &[f32], what: &str) {
    assert_eq!(v.len(), 384, "{what}");
    assert!(v.iter().all(|x| x.is_finite()), "{what}: not finite");
    let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-5, "{what}: norm {norm}");
}

#[test]
fn long_text_is_truncated_to_max_tokens_not_refused() {
    let embedder = embedder();
    let body = "The river rose another metre overnight and the army was called in. ".repeat(60);
    let long_a = format!("{body} Officials later said the dam held.");
    let long_b = format!("{body} Shares in the utility collapsed by noon.");
    assert!(long_a.split_whitespace().count() > 700);
    assert_eq!(embedder.count_tokens(&long_a), embedder.max_tokens());
    assert_eq!(embedder.max_tokens(), 256);

    let v = embedder.embed(&[&long_a, &long_b, "A short one."]).unwrap();
    assert_unit(&v[0], "long");
    // Only the first 256 tokens count, and the two texts differ after that: same vector.
    assert!(cosine(&v[0], &v[1]) > 1.0 - 1e-6, "{}", cosine(&v[0], &v[1]));
    // Batched with a short text, the long one is unchanged.
    let alone = embedder.embed(&[&long_a]).unwrap().remove(0);
    assert!(cosine(&v[0], &alone) > 1.0 - 1e-6);
}

#[test]
fn empty_text_embeds_as_cls_sep_like_whitespace() {
    let embedder = embedder();
    assert_eq!(embedder.count_tokens(""), 2);
    let v = embedder.embed(&["", "   \n\t ", "Storm Ada made landfall."]).unwrap();
    assert_unit(&v[0], "empty");
    assert!(cosine(&v[0], &v[1]) > 1.0 - 1e-6, "empty and blank differ");
    assert!(cosine(&v[0], &v[2]) < 0.9);
    assert!(embedder.embed(&[]).unwrap().is_empty());
}

#[test]
fn unusual_characters_embed_without_error() {
    let embedder = embedder();
    let texts = [
        "東京で地震、震度５弱を観測",
        "أعلنت الحكومة عن خطة جديدة للطاقة",
        "Флот вернулся в порт после шторма",
        "👍🏽🔥 breaking: 🚒 on Main St 🏚️",
        "e\u{301}le\u{300}ve, cafe\u{301}, zero\u{200d}width\u{200b}space",
        "null \0 byte, bell \u{7}, private \u{e000}, replacement \u{fffd}",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 𝟙𝟚𝟛",
        "x",
    ];
    let v = embedder.embed(&texts).unwrap();
    assert_eq!(v.len(), texts.len());
    for (text, vector) in texts.iter().zip(&v) {
        assert_unit(vector, text);
        let tokens = embedder.count_tokens(text);
        assert!((2..=embedder.max_tokens()).contains(&tokens), "{text:?}: {tokens}");
    }
    // Different scripts, different vectors.
    assert!(cosine(&v[0], &v[2]) < 0.99);
}

#[test]
fn results_follow_input_order_whatever_the_lengths() {
    let embedder = embedder();
    let texts = [
        "A much longer sentence about the harbour, the pier and the steel that came late.",
        "Short.",
        "A sentence of middling length about the pier.",
    ];
    let forward = embedder.embed(&texts).unwrap();
    let mut reversed_texts = texts;
    reversed_texts.reverse();
    let backward = embedder.embed(&reversed_texts).unwrap();
    for (i, v) in forward.iter().enumerate() {
        let same = &backward[texts.len() - 1 - i];
        assert!(cosine(v, same) > 1.0 - 1e-6, "text {i}");
    }
    assert!(cosine(&forward[0], &forward[1]) < 0.9);
}

#[test]
fn batches_larger_than_one_pass_come_back_complete_and_in_order() {
    let embedder = embedder();
    let texts: Vec<String> =
        (0..70).map(|i| format!("Report number {i}: the council met {} times.", i % 7)).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let all = embedder.embed(&refs).unwrap();
    assert_eq!(all.len(), 70);
    for i in [0, 31, 32, 69] {
        let alone = embedder.embed(&[refs[i]]).unwrap().remove(0);
        let diff = alone.iter().zip(&all[i]).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(diff <= 1e-5, "text {i}: {diff}");
    }
}

#[test]
fn one_thread_gives_the_same_vectors() {
    let single = Embedder::load(&model_dir()).unwrap().with_threads(NonZeroUsize::MIN).unwrap();
    assert_eq!(single.threads(), 1);
    let texts = ["The mayor blamed the state government.", "Hi."];
    let a = single.embed(&texts).unwrap();
    let b = embedder().embed(&texts).unwrap();
    for (x, y) in a.iter().zip(&b) {
        let diff = x.iter().zip(y).map(|(p, q)| (p - q).abs()).fold(0.0, f32::max);
        assert!(diff <= 1e-5, "{diff}");
    }
    assert_eq!(single.model_id(), embedder().model_id());
}

#[test]
fn hostile_lengths_are_cut_not_refused() {
    let embedder = embedder();
    // One "word" far past WordPiece's 100-character limit becomes a single [UNK].
    let one_word = "x".repeat(100_000);
    assert_eq!(embedder.count_tokens(&one_word), 3);
    // 100 kB of punctuation: every mark is a token, cut at the maximum.
    let marks = "!?".repeat(50_000);
    assert_eq!(embedder.count_tokens(&marks), embedder.max_tokens());
    let v = embedder.embed(&[&one_word, &marks]).unwrap();
    assert_unit(&v[0], "one word");
    assert_unit(&v[1], "marks");
}

#[test]
fn one_embedder_serves_several_threads_at_once() {
    let shared = std::sync::Arc::new(Embedder::load(&model_dir()).unwrap());
    let texts = ["Storm Ada made landfall near Tampico.", "The pier opens in October."];
    let expected = shared.embed(&texts).unwrap();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let embedder = std::sync::Arc::clone(&shared);
            std::thread::spawn(move || embedder.embed(&texts).unwrap())
        })
        .collect();
    for handle in handles {
        let got = handle.join().unwrap();
        for (a, b) in got.iter().zip(&expected) {
            assert!(cosine(a, b) > 1.0 - 1e-6);
        }
    }
}
