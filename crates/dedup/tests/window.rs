//! The window: memory stays bounded, events close with time, and a backfill's old news
//! is kept by its download time, not its publication time.

use chorus_dedup::{DedupConfig, Deduper, EventId};
use chrono::Utc;

use crate::fixtures::{MARA, NESTOR, background};
use crate::util::{article, deduper, new};

#[test]
fn memory_stays_within_the_window() {
    let cfg = DedupConfig { max_window_articles: 200, ..DedupConfig::default() };
    let mut d = Deduper::new(&cfg.validate().unwrap(), EventId(1));
    for a in background(3_000) {
        d.observe(a);
    }
    let f = d.footprint();
    assert!(f.articles <= 200, "{f:?}");
    assert!(f.originals <= 200, "{f:?}");
    // Events and index entries may outlive their window by one sweep at most.
    assert!(f.events <= 200 + 256, "{f:?}");
    assert!(f.postings <= 2 * 24 * (200 + 256) + 4096, "{f:?}");
    assert!(f.terms <= 200 * 48, "{f:?}");
    assert_eq!(f.known_keys, 3_000);
}

#[test]
fn an_event_stops_taking_articles_once_it_leaves_the_time_window() {
    let mut d = deduper();
    let first =
        new(d.observe(article("https://a.test/1", "o", MARA[0].0, MARA[0].1, Some((1, 8)))));
    // Ten days on, a report in the same words about a new landfall is a new event.
    let later =
        new(d.observe(article("https://b.test/2", "o", MARA[1].0, MARA[1].1, Some((11, 8)))));
    assert_ne!(later.event.id, first.event.id);
}

#[test]
fn a_backfill_of_old_news_downloaded_out_of_order_still_forms_its_events() {
    // A backfill downloads a week of old articles within seconds, newest first: their
    // download times are all "now", their publication times days apart and long ago.
    // Regression: expiring by publication time against a download-time clock threw every
    // such article out of the window at once, so nothing clustered and no copy was found.
    let mut d = deduper();
    let now = Utc::now();
    let mut observe = |url: &str, title: &str, text: &str, day_hour: (u32, u32)| {
        let mut a = article(url, "o", title, text, Some(day_hour));
        a.fetched_at = Some(now);
        new(d.observe(a))
    };
    let mut nestor = Vec::new();
    for (i, (title, text)) in NESTOR.iter().enumerate().rev() {
        nestor.push(
            observe(&format!("https://n{i}.test/x"), title, text, (11, 8 + i as u32)).event.id,
        );
    }
    let mut mara = Vec::new();
    for (i, (title, text)) in MARA.iter().enumerate().rev() {
        mara.push(
            observe(&format!("https://m{i}.test/x"), title, text, (2, 8 + i as u32)).event.id,
        );
    }
    let (title, text) = MARA[0];
    let copy = observe("https://reprint.test/x", title, text, (2, 20));
    assert!(mara.iter().all(|&e| e == mara[0]), "Mara's reports split: {mara:?}");
    assert!(nestor.iter().all(|&e| e == nestor[0]), "Nestor's reports split: {nestor:?}");
    assert_ne!(mara[0], nestor[0]);
    assert_eq!(copy.duplicate_of.map(|c| c.of.to_string()).as_deref(), Some("https://m0.test/x"));
    assert_eq!(copy.event.id, mara[0]);
}
