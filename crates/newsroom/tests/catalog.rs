//! The ground truth's invariants, which other crates' tests rely on.

use std::collections::HashSet;

use chorus_newsroom::{FeedFormat, Story, catalog};

fn stories_about(event: &str) -> Vec<&'static Story> {
    catalog().stories_about(event).collect()
}

#[test]
fn catalog_has_no_problems() {
    assert_eq!(catalog().problems(), Vec::<String>::new());
}

#[test]
fn enough_outlets_events_and_all_feed_formats() {
    let c = catalog();
    assert!(c.outlets.len() >= 6, "{} outlets", c.outlets.len());
    assert!(c.events.len() >= 12, "{} events", c.events.len());
    let formats: HashSet<FeedFormat> = c.outlets.iter().map(|o| o.feed_format).collect();
    assert_eq!(formats.len(), 3, "formats: {formats:?}");
    let cms: HashSet<_> = c.outlets.iter().map(|o| o.cms).collect();
    assert_eq!(cms.len(), c.outlets.len(), "every outlet has its own template");
}

#[test]
fn each_event_is_told_by_two_to_five_outlets_on_one_or_two_days() {
    for event in &catalog().events {
        let stories = stories_about(event.key);
        let outlets: HashSet<&str> = stories.iter().map(|s| s.outlet).collect();
        assert!((2..=5).contains(&outlets.len()), "{}: {outlets:?}", event.key);
        assert_eq!(outlets.len(), stories.len(), "{}: one story per outlet", event.key);
        let days: HashSet<u32> = stories.iter().map(|s| s.day()).collect();
        assert!(days.len() <= 2, "{}: spread over {days:?}", event.key);
    }
    let days: HashSet<u32> = catalog().stories.iter().map(|s| s.day()).collect();
    assert_eq!(days.len(), chorus_newsroom::DAYS as usize, "every simulated day has stories");
}

#[test]
fn stories_of_one_event_are_worded_differently() {
    // Apart from the declared reprint, no two stories share a paragraph.
    let mut seen: HashSet<&str> = HashSet::new();
    for story in catalog().stories.iter().filter(|s| s.reprint_of.is_none()) {
        for p in story.paragraphs {
            assert!(seen.insert(p), "{} repeats a paragraph: {p}", story.slug);
        }
        let n = story.paragraphs.len();
        let is_seed = story.event == "italy-troops" && story.outlet != "continental-wire";
        assert!(is_seed || (4..=12).contains(&n), "{} has {n} paragraphs", story.slug);
    }
}

#[test]
fn the_wire_reprint_is_identical_later_and_tracked_in_the_feed() {
    let c = catalog();
    let reprints: Vec<&Story> = c.stories.iter().filter(|s| s.reprint_of.is_some()).collect();
    assert_eq!(reprints.len(), 1);
    let reprint = reprints[0];
    let original = c.story(reprint.reprint_of.unwrap_or_default()).expect("the original exists");
    assert_eq!(original.paragraphs, reprint.paragraphs);
    assert_ne!(original.outlet, reprint.outlet);
    assert_ne!(original.title, reprint.title);
    assert_eq!(original.event, reprint.event);
    assert!(original.published < reprint.published, "the original is the earlier copy");
    let query = reprint.feed_link_query.expect("the reprint's feed link is tracked");
    assert!(query.contains("utm_source="), "{query}");
    // Only the reprint, not the original, has a tracked link.
    assert_eq!(original.feed_link_query, None);
}

#[test]
fn the_two_storms_share_words_but_not_names_places_or_days() {
    let a = stories_about("storm-a");
    let b = stories_about("storm-b");
    assert!((2..=3).contains(&a.len()) && (2..=3).contains(&b.len()));
    let text = |stories: &[&Story]| stories.iter().map(|s| s.text()).collect::<Vec<_>>().join(" ");
    let (ta, tb) = (text(&a), text(&b));
    for word in ["storm", "winds", "rain", "landfall", "evacuat", "power"] {
        assert!(ta.contains(word) || ta.contains(&word.to_uppercase()), "storm-a lacks {word}");
        assert!(tb.contains(word) || tb.contains(&word.to_uppercase()), "storm-b lacks {word}");
    }
    for name in ["Delphine", "Florida", "Big Bend", "Cedar Key", "120 mph"] {
        assert!(ta.contains(name) && !tb.contains(name), "{name} should be storm-a's only");
    }
    for name in ["Orlena", "Veracruz", "Poza Rica", "Puebla", "65 mph"] {
        assert!(tb.contains(name) && !ta.contains(name), "{name} should be storm-b's only");
    }
    let day = |stories: &[&Story]| stories.iter().map(|s| s.day()).min().unwrap_or_default();
    assert_eq!(day(&b) - day(&a), 2, "storm-b comes two days after storm-a");
}

/// FNV-1a 64 of the seed files as shipped in `seeds/`, and their lengths.
const SEED_ROME: (usize, u64) = (3929, 0x9267_6528_5d39_7358);
const SEED_KMIA: (usize, u64) = (3493, 0xd597_708c_77f8_589b);

fn fnv64(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[test]
fn the_seeds_are_embedded_verbatim() {
    let italy = stories_about("italy-troops");
    let rome = italy.iter().find(|s| s.outlet == "harbor-gazette").expect("first seed");
    let kmia = italy.iter().find(|s| s.outlet == "kmia").expect("second seed");

    // The first seed is its lines, one paragraph each.
    let file = rome.paragraphs.join("\n");
    assert_eq!((file.len(), fnv64(file.as_bytes())), SEED_ROME);

    // The second seed is header, headline and paragraphs; header and headline are not
    // body text.
    assert_eq!(
        kmia.title,
        "Italy Refuses Troop Deployment to Ukraine, Prioritizes Diplomatic Solutions in Paris Meeting"
    );
    let file = format!(
        "Miami News, KMIA\nWorld News\n\n{}\n\n{}",
        kmia.title,
        kmia.paragraphs.join("\n\n")
    );
    assert_eq!((file.len(), fnv64(file.as_bytes())), SEED_KMIA);
    for p in kmia.paragraphs {
        assert!(!p.contains("Miami News, KMIA") && !p.contains("World News"), "{p}");
    }
    let outlet = catalog().outlet("kmia").expect("the station");
    assert!(outlet.furniture.contains(&"Miami News, KMIA"));
    assert!(outlet.furniture.contains(&"World News"));
}

#[test]
fn furniture_never_occurs_in_the_outlets_own_stories() {
    let c = catalog();
    for outlet in &c.outlets {
        assert!(outlet.furniture.len() >= 8, "{} has little furniture", outlet.slug);
        for story in c.stories_of(outlet.slug) {
            for piece in outlet.furniture {
                assert!(!story.text().contains(piece), "{}: {piece}", story.slug);
            }
        }
    }
}
