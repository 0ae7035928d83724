//! Articles without times: arrival order is the clock, and the days the leads name
//! stand in for publication dates.

use chorus_dedup::{DedupConfig, Deduper, EventId};

use crate::fixtures::{MARA, TRAM, background};
use crate::util::{article, deduper, new};

#[test]
fn without_times_arrival_order_is_the_clock_and_events_still_form() {
    let mut d = deduper();
    for a in background(40) {
        d.observe(a);
    }
    let stream = [MARA[0], TRAM[0], MARA[1], TRAM[1], MARA[2]];
    let ids: Vec<EventId> = stream
        .iter()
        .enumerate()
        .map(|(i, (title, text))| {
            new(d.observe(article(&format!("https://x.test/{i}"), "o", title, text, None))).event.id
        })
        .collect();
    assert_eq!(ids[1], ids[3], "the two tram reports: {ids:?}");
    assert!(ids[4] == ids[0] || ids[4] == ids[2], "a storm report joined no storm event: {ids:?}");
    for storm in [ids[0], ids[2], ids[4]] {
        assert_ne!(storm, ids[1], "a storm report joined the tram event: {ids:?}");
    }
}

#[test]
fn without_times_the_day_a_report_names_keeps_a_recurring_story_apart() {
    // Two weeks of one recurring story told in the same words, with no dates to go by:
    // the leads name different weekdays, and that is all that tells the weeks apart.
    let reports = [
        (
            "Senate passes stopgap bill to avert shutdown",
            "The Senate on Tuesday passed a stopgap spending bill to keep the government \
             open, sending the measure to the House as leaders traded blame over the budget.",
        ),
        (
            "Stopgap spending bill clears Senate, shutdown averted for now",
            "Senators voted on Tuesday to approve a stopgap spending bill that keeps the \
             government funded, with House leaders expected to take up the measure next.",
        ),
        (
            "Senate backs short-term funding bill as shutdown deadline nears",
            "The Senate on Thursday approved a short-term spending bill to keep the \
             government funded through December, sending it to the House.",
        ),
    ];
    let events = |cfg: &DedupConfig| {
        let mut d = Deduper::new(&cfg.validate().unwrap(), EventId(1));
        for a in background(40) {
            d.observe(a);
        }
        reports
            .iter()
            .enumerate()
            .map(|(i, (title, text))| {
                let a = article(&format!("https://s{i}.test/senate"), "o", title, text, None);
                new(d.observe(a)).event.id
            })
            .collect::<Vec<EventId>>()
    };
    let named = events(&DedupConfig::default());
    assert_eq!(named[0], named[1], "Tuesday's two reports are one event: {named:?}");
    assert_ne!(named[2], named[0], "Thursday's vote is another event: {named:?}");
    // Without the named days the words alone put all three together: the test above
    // would not notice the days being ignored otherwise.
    let ignored =
        events(&DedupConfig { date_agree: 1.0, date_disagree: 1.0, ..DedupConfig::default() });
    assert_eq!(ignored[2], ignored[0], "{ignored:?}");
}
