//! The simulated newsroom's whole catalog, in the orders a concurrent backfill delivers
//! it: every order must give the catalog's events exactly, and link its wire reprint to
//! the original.

use std::collections::HashMap;

use chorus_dedup::{Classified, DedupSettings, Deduper, EventId, Verdict};
use chorus_model::{Article, DateSource};
use chorus_newsroom::{Story, catalog};
use chrono::{TimeZone, Utc};

/// Orders tried, each shuffled from its own seed.
const ORDERS: u64 = 200;

/// xorshift64*: enough randomness to shuffle with, and the same orders on every run.
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Fisher-Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// A story as the extractor would hand it over after a backfill: downloaded all at once,
/// long after it was published.
fn article(story: &Story) -> Article {
    let now = Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap();
    Article {
        url: Some(format!("https://{}.test/news/{}", story.outlet, story.slug).parse().unwrap()),
        outlet: Some(story.outlet.to_owned()),
        title: story.title.to_owned(),
        text: story.paragraphs.join("\n\n"),
        published: Some(story.published),
        published_source: Some(DateSource::JsonLd),
        fetched_at: Some(now),
        extractor: "test".to_owned(),
        ..Article::default()
    }
}

/// Feeds the stories in the given order and checks the outcome against the catalog, merges
/// followed. Every problem found is returned, not panicked on, so that one run can count
/// the failing orders.
fn check(order: &[&Story]) -> Result<(), String> {
    let mut deduper = Deduper::new(&DedupSettings::default(), EventId(1));
    let mut placed: HashMap<&str, Classified> = HashMap::new();
    let mut merged_into: HashMap<EventId, EventId> = HashMap::new();
    for story in order {
        let Verdict::New(c) = deduper.observe(article(story)) else {
            return Err(format!("{} taken for an article seen before", story.slug));
        };
        for &gone in &c.event.merged {
            merged_into.insert(gone, c.event.id);
        }
        placed.insert(story.slug, c);
    }
    let resolve = |mut e: EventId| {
        while let Some(&next) = merged_into.get(&e) {
            e = next;
        }
        e
    };
    let event_of = |slug: &str| resolve(placed[slug].event.id);

    let mut problems = Vec::new();
    let mut found: HashMap<EventId, &str> = HashMap::new();
    for event in &catalog().events {
        let members: Vec<&Story> = order.iter().copied().filter(|s| s.event == event.key).collect();
        let Some(first) = members.first() else { continue };
        let id = event_of(first.slug);
        for s in &members {
            if event_of(s.slug) != id {
                problems.push(format!("{}: {:?} split from {:?}", event.key, s.title, first.title));
            }
        }
        if let Some(other) = found.insert(id, event.key) {
            problems.push(format!("{other} and {} in one event", event.key));
        }
    }

    for reprint in order.iter().filter(|s| s.reprint_of.is_some()) {
        let Some(original) = order.iter().find(|s| Some(s.slug) == reprint.reprint_of) else {
            continue;
        };
        let (a, b) = (&placed[original.slug], &placed[reprint.slug]);
        let at = |s: &Story| order.iter().position(|o| o.slug == s.slug);
        // The reprint is published after its original. Arriving second, it points at the
        // original; arriving first, it is taken for the original until the original comes
        // and takes over (the store then points it at the original).
        if a.duplicate_of.is_some() {
            problems.push(format!("{} marked a copy though it was published first", a.key));
        }
        if at(original) < at(reprint) {
            if b.duplicate_of.as_ref().map(|d| &d.of) != Some(&a.key) {
                problems.push(format!("{} is no copy of {}", b.key, a.key));
            }
        } else if a.supersedes.as_ref().map(|s| &s.key) != Some(&b.key) {
            problems.push(format!("{} does not take over from {}", a.key, b.key));
        }
        if event_of(reprint.slug) != event_of(original.slug) {
            problems.push(format!("{} and its original in two events", reprint.slug));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

#[test]
fn the_catalog_in_publication_order_and_newest_first_gives_its_events_and_links_the_reprint() {
    let mut stories: Vec<&Story> = catalog().stories.iter().collect();
    assert!(stories.iter().any(|s| s.reprint_of.is_some()), "the catalog has a reprint");
    assert_eq!(check(&stories), Ok(()), "in publication order");
    // A feed lists its newest stories first, and so does a backfill that follows it.
    stories.reverse();
    assert_eq!(check(&stories), Ok(()), "newest first");
}

#[test]
fn a_backfill_downloaded_in_any_order_gives_the_same_events() {
    // A backfill downloads pages concurrently, so articles arrive in no particular order,
    // all with the same download time. Regressions, each splitting a tabloid's report from
    // the other two in some orders: its headline words, heavy because no other outlet
    // used them, filled the index query, so it found no neighbour at all; and, arriving
    // last, it had to beat the first two's local scales, raised by their similarity to
    // each other, which it would not have had to had it arrived second.
    let mut failures = Vec::new();
    for seed in 1..=ORDERS {
        let mut order: Vec<&Story> = catalog().stories.iter().collect();
        Shuffler(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)).shuffle(&mut order);
        if let Err(problem) = check(&order) {
            failures.push(format!("seed {seed}: {problem}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ORDERS} orders wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
