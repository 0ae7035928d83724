//! Input no outlet means to send: the matcher gives a score, never a panic.

use chorus_compare::{Matcher, SentenceInfo, align};

/// Random strings over an alphabet of the characters the tokenizer and the number reader
/// treat specially.
fn strings() -> Vec<String> {
    const ALPHABET: &[&str] = &[
        "a",
        "Z",
        "1",
        "9",
        ".",
        ",",
        "'",
        "’",
        "-",
        "$",
        "%",
        " ",
        "\n",
        "é",
        "Ⅻ",
        "ﬁ",
        "١",
        "million",
        "thirty",
        "one",
        "per",
        "cent",
        "percent",
        "1,000",
        "2025",
        "9999999999",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..2_000)
        .map(|_| {
            let len = (next() % 30) as usize;
            (0..len).map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize]).collect()
        })
        .collect()
}

#[test]
fn random_text_and_broken_cosines_score_between_zero_and_one() {
    let texts = strings();
    let infos: Vec<SentenceInfo> = texts.iter().map(|t| SentenceInfo::new(t)).collect();
    let matcher = Matcher::for_sentences(&infos);
    for pair in infos.windows(2) {
        for cosine in [None, Some(0.3), Some(f32::NAN)] {
            let s = matcher.score(&pair[0], &pair[1], cosine);
            assert!(
                (0.0..=1.0).contains(&s),
                "{s} for {:?} / {:?}",
                pair[0].text(),
                pair[1].text()
            );
        }
    }
}

#[test]
fn a_page_without_full_stops_is_compared_in_bounded_time() {
    // 60,000 distinct words in one "sentence": the in-order measure reads a bounded prefix.
    let page: String = (0..60_000).map(|i| format!("word{i} ")).collect();
    let best = align(&[page.as_str()], &[page.as_str()], None).unwrap();
    assert!(best[0].unwrap().same);
}

#[test]
fn empty_and_wordless_sentences_share_nothing() {
    let best = align(&["", "...", "—"], &["", "Storm Ada hit Tampico."], None).unwrap();
    assert!(best.iter().all(|m| !m.unwrap().same));
}
