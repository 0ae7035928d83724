//! Events: reports of one story gather, other stories stay apart, and an article that
//! bridges two events merges them.

use chorus_dedup::{DedupSettings, Deduper, EventId};
use chrono::{TimeZone, Utc};

use crate::fixtures::{MARA, NESTOR, TRAM, background};
use crate::util::{article, day, deduper, new};

#[test]
fn a_paraphrase_of_the_same_facts_is_no_copy_but_joins_the_event() {
    let mut d = deduper();
    let first = new(d.observe(article(
        "https://a.test/tram",
        "Evening Post",
        TRAM[0].0,
        TRAM[0].1,
        Some((3, 18)),
    )));
    let second = new(d.observe(article(
        "https://b.test/city/tram-vote",
        "City Herald",
        TRAM[1].0,
        TRAM[1].1,
        Some((3, 20)),
    )));
    assert_eq!(second.duplicate_of, None, "a rewrite in other words is not a copy");
    assert_eq!(second.event.id, first.event.id, "but it reports the same event");
}

#[test]
fn two_storms_with_the_same_vocabulary_stay_apart_and_each_gathers_its_reports() {
    let mut d = deduper();
    let mut mara = Vec::new();
    let mut nestor = Vec::new();
    for (i, (title, text)) in MARA.iter().enumerate() {
        let a =
            article(&format!("https://o{i}.test/mara"), "o", title, text, Some((9, 8 + i as u32)));
        mara.push(new(d.observe(a)).event.id);
    }
    // Two days later, another storm on another coast, told with the same words.
    for (i, (title, text)) in NESTOR.iter().enumerate() {
        let a = article(
            &format!("https://o{i}.test/nestor"),
            "o",
            title,
            text,
            Some((11, 8 + i as u32)),
        );
        nestor.push(new(d.observe(a)).event.id);
    }
    assert!(mara.iter().all(|&e| e == mara[0]), "Mara's reports split: {mara:?}");
    assert!(nestor.iter().all(|&e| e == nestor[0]), "Nestor's reports split: {nestor:?}");
    assert_ne!(mara[0], nestor[0], "two storms merged into one event");
}

#[test]
fn the_event_title_is_a_member_headline_and_new_ids_count_up() {
    let mut d = Deduper::new(&DedupSettings::default(), EventId(40));
    let mut last = None;
    for (i, (title, text)) in MARA.iter().enumerate() {
        last = Some(new(d.observe(article(
            &format!("https://t{i}.test/m"),
            "o",
            title,
            text,
            Some((9, 8)),
        ))));
    }
    let last = last.unwrap();
    assert_eq!(last.event.id, EventId(40));
    assert!(MARA.iter().any(|(title, _)| *title == last.event.title), "{}", last.event.title);
    let other =
        new(d.observe(article("https://t.test/tram", "o", TRAM[0].0, TRAM[0].1, Some((9, 9)))));
    assert_eq!(other.event.id, EventId(41));
    assert_eq!(other.event.title, TRAM[0].0);
}

#[test]
fn the_same_input_in_the_same_order_gives_the_same_output() {
    let run_once = || {
        let mut d = deduper();
        let mut out = Vec::new();
        for (i, a) in background(300).into_iter().enumerate() {
            let mut a = a;
            a.published = Some(day(1 + (i / 100) as u32, (i % 24) as u32));
            out.push(d.observe(a));
        }
        out
    };
    assert_eq!(run_once(), run_once());
}

#[test]
fn an_article_that_bridges_two_events_merges_them_and_says_so() {
    let mut d = deduper();
    for a in background(60) {
        d.observe(a);
    }
    let harbour = new(d.observe(article(
        "https://m.test/harbour",
        "o",
        "Storm Ada floods Tampico harbour",
        "Storm Ada flooded the harbour of Tampico on Monday, sinking fishing boats and \
         closing the container terminal. Harbour master Elena Ortiz said cranes were damaged.",
        Some((2, 8)),
    )));
    let schools = new(d.observe(article(
        "https://m.test/schools",
        "o",
        "Governor Ruiz orders schools shut as rivers rise",
        "Governor Américo Ruiz ordered classes suspended across the state until Thursday and \
         opened shelters for families, as rivers kept rising.",
        Some((2, 9)),
    )));
    assert_ne!(harbour.event.id, schools.event.id, "nothing in common yet");
    let both = new(d.observe(article(
        "https://m.test/both",
        "o",
        "Ada: Tampico harbour flooded, schools shut by Ruiz",
        "Storm Ada flooded Tampico harbour on Monday, sinking fishing boats and damaging \
         cranes, harbour master Elena Ortiz said. Governor Américo Ruiz ordered classes \
         suspended until Thursday and opened shelters for families as rivers kept rising.",
        Some((2, 10)),
    )));
    assert_eq!(both.event.id, harbour.event.id, "the older id survives");
    assert_eq!(both.event.merged, vec![schools.event.id]);
    // The merged id resolves to the survivor: a reprint of the schools story lands there.
    let reprint = new(d.observe(article(
        "https://r.test/schools",
        "r",
        "Schools shut",
        "Governor Américo Ruiz ordered classes suspended across the state until Thursday and \
         opened shelters for families, as rivers kept rising.",
        Some((2, 11)),
    )));
    assert!(reprint.duplicate_of.is_some());
    assert_eq!(reprint.event.id, harbour.event.id);
}

#[test]
fn in_a_backfill_earlier_editions_of_a_recurring_story_do_not_hide_today_s_report() {
    // A backfill holds weeks of articles in the window at once. Regression: candidates
    // were ranked by the weight of the terms they shared with the newcomer, whatever their
    // time, so the earlier editions of a weekly story filled every candidate slot, were
    // then all dropped as too far in time, and today's second report never met the first.
    const WORDS: [&str; 12] = [
        "jobless",
        "claims",
        "labour",
        "department",
        "seasonally",
        "adjusted",
        "applications",
        "benefits",
        "unemployment",
        "insurance",
        "filings",
        "economists",
    ];
    // The same words in another order for each edition, so that no edition copies another.
    let edition = |seed: u64| {
        let mut words = WORDS;
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        for i in (1..words.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            words.swap(i, (state % (i as u64 + 1)) as usize);
        }
        (words[..4].join(" "), format!("{}. {}.", words.join(" "), words.join(" ")))
    };
    let mut d = deduper();
    let now = Utc::now();
    let mut observe = |i: u64, day: u32, hour: u32| {
        let (title, text) = edition(i);
        let mut a = article(&format!("https://w{i}.test/claims"), "o", &title, &text, None);
        a.published = Some(Utc.with_ymd_and_hms(2025, 8, day, hour, 0, 0).unwrap());
        a.fetched_at = Some(now);
        new(d.observe(a))
    };
    for i in 0..30u64 {
        // Earlier editions, each at least a week before today's.
        observe(i, 1 + (i % 20) as u32, (i / 20) as u32);
    }
    let first = observe(100, 28, 8);
    let second = observe(101, 28, 9);
    assert!(first.duplicate_of.is_none() && second.duplicate_of.is_none());
    assert_eq!(second.event.id, first.event.id, "today's two reports are one event");
}
