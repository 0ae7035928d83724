//! Restoring from the store after a restart: keys, copies, events and merges come back
//! with their ids.

use chorus_dedup::{DedupSettings, Deduper, EventId, Verdict};

use crate::fixtures::{MARA, TRAM, background};
use crate::util::{article, day, deduper, new};

#[test]
fn restore_rebuilds_keys_copies_and_events_with_their_ids() {
    let mut first_run = Deduper::new(&DedupSettings::default(), EventId(1));
    let mut stored = Vec::new();
    for (i, (title, text)) in MARA.iter().take(2).enumerate() {
        stored.push(new(first_run.observe(article(
            &format!("https://s{i}.test/mara"),
            "o",
            title,
            text,
            Some((9, 8 + i as u32)),
        ))));
    }
    stored.push(new(first_run.observe(article(
        "https://s.test/tram",
        "o",
        TRAM[0].0,
        TRAM[0].1,
        Some((9, 9)),
    ))));
    let mara_event = stored[0].event.id;

    // A restart: the store hands back what it has, oldest first, and the next free id.
    let mut d = Deduper::new(&DedupSettings::default(), EventId(3));
    for c in &stored {
        d.restore(c);
    }
    assert!(matches!(
        d.observe(article("https://s0.test/mara", "o", "x", "y", Some((9, 12)))),
        Verdict::Known { .. }
    ));
    let reprint =
        new(d.observe(article("https://elsewhere.test/m", "o", "Mara", MARA[0].1, Some((9, 12)))));
    assert_eq!(reprint.duplicate_of.map(|c| c.of), Some(stored[0].key.clone()));
    assert_eq!(reprint.event.id, mara_event);
    let follow_up =
        new(d.observe(article("https://s2.test/mara", "o", MARA[2].0, MARA[2].1, Some((9, 13)))));
    assert_eq!(follow_up.event.id, mara_event, "a later report joins the restored event");
    let mut unrelated = background(1).remove(0);
    unrelated.published = Some(day(9, 14));
    let fresh = new(d.observe(unrelated));
    assert!(fresh.event.id.0 >= 3, "new events never reuse stored ids: {}", fresh.event.id);
}

#[test]
fn restore_follows_recorded_merges() {
    let mut stored = Vec::new();
    let mut d = deduper();
    stored.push(new(d.observe(article(
        "https://m0.test/a",
        "o",
        MARA[0].0,
        MARA[0].1,
        Some((9, 8)),
    ))));
    // Say the store recorded the second report in event 7, which later absorbed event 1.
    let mut second =
        new(d.observe(article("https://m1.test/a", "o", MARA[1].0, MARA[1].1, Some((9, 9)))));
    second.event.id = EventId(7);
    second.event.merged = vec![stored[0].event.id];
    stored.push(second);

    let mut d = Deduper::new(&DedupSettings::default(), EventId(8));
    for c in &stored {
        d.restore(c);
    }
    // A reprint of the first article (recorded in event 1) lands in the survivor.
    let reprint = new(d.observe(article("https://r.test/a", "o", "r", MARA[0].1, Some((9, 10)))));
    assert_eq!(reprint.event.id, EventId(7));
}
