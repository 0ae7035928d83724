//! The deduplicator end to end through its public API: identity, copies, events, restore,
//! the memory bound, coverage, the stage, and the simulated newsroom's catalog.

mod fixtures;
mod newsroom;

use chorus_dedup::{
    CoverageInput, DedupConfig, DedupSettings, Deduper, EventId, Verdict, compare, identity_key,
    run,
};
use chorus_model::{Article, Classified, DateSource};
use chrono::{TimeZone, Utc};
use fixtures::*;

fn deduper() -> Deduper {
    Deduper::new(&DedupSettings::default(), EventId(1))
}

fn new(verdict: Verdict) -> Classified {
    match verdict {
        Verdict::New(c) => c,
        Verdict::Known { key } => panic!("expected a new article, got Known({key})"),
    }
}

fn day(d: u32, hour: u32) -> chorus_model::Timestamp {
    Utc.with_ymd_and_hms(2025, 9, d, hour, 0, 0).unwrap()
}

fn article(
    url: &str,
    outlet: &str,
    title: &str,
    text: &str,
    day_hour: Option<(u32, u32)>,
) -> Article {
    let published = day_hour.map(|(d, h)| day(d, h));
    Article {
        url: Some(url.parse().unwrap()),
        outlet: Some(outlet.to_owned()),
        title: title.to_owned(),
        text: text.to_owned(),
        published,
        published_source: published.map(|_| DateSource::Feed),
        extractor: "test".to_owned(),
        ..Article::default()
    }
}

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
    assert_eq!(first.key, "https://gulf-times.test/world/mara");
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
    assert_eq!(identity_key(&by_id), "input:a-17");
    let by_text = Article { text: "Some words here".into(), ..Article::default() };
    let same_words = Article { text: "some WORDS, here!".into(), ..Article::default() };
    assert!(identity_key(&by_text).starts_with("text:"));
    assert_eq!(identity_key(&by_text), identity_key(&same_words));
    let headline_only = Article { title: "A headline".into(), ..Article::default() };
    let other_headline = Article { title: "Another headline".into(), ..Article::default() };
    assert_ne!(identity_key(&headline_only), identity_key(&other_headline));
}

#[test]
fn an_exact_reprint_is_a_copy_of_the_first_and_joins_its_event() {
    let mut d = deduper();
    let original = new(d.observe(article(
        "https://gulf-times.test/mara",
        "Gulf Times",
        MARA[0].0,
        MARA[0].1,
        Some((9, 8)),
    )));
    assert_eq!(original.duplicate_of, None);
    // Same words, other punctuation and spacing, other headline, other site.
    let reprint_text = MARA[0].1.replace(", ", " , ").to_uppercase();
    let reprint = new(d.observe(article(
        "https://wire-reprints.test/a/991",
        "Reprints",
        "Mara hits Mexico",
        &reprint_text,
        Some((9, 10)),
    )));
    let dup = reprint.duplicate_of.expect("a reprint is a copy");
    assert_eq!(dup.of, original.key);
    assert_eq!(dup.similarity, 1.0);
    assert_eq!(reprint.text_hash, original.text_hash);
    assert_eq!(reprint.event.id, original.event.id);
}

#[test]
fn a_reprint_with_another_headline_and_edited_sentences_is_a_near_copy_of_the_earliest() {
    let mut d = deduper();
    let original = new(d.observe(article(
        "https://gulf-times.test/mara",
        "Gulf Times",
        MARA[0].0,
        MARA[0].1,
        Some((9, 8)),
    )));
    let edited = MARA[0]
        .1
        .replace("forcing the evacuation of", "prompting authorities to evacuate")
        .replace("Forecasters warned", "Meteorologists said")
        + " Schools across the state will remain closed until Friday.";
    let copy = new(d.observe(article(
        "https://regional-daily.test/news/mara-landfall",
        "Regional Daily",
        "Deadly hurricane slams into Mexican port city",
        &format!("Advertisement\n\n{edited}\n\nRead more: our hurricane season coverage"),
        Some((9, 11)),
    )));
    let dup = copy.duplicate_of.expect("an edited reprint is a copy");
    assert_eq!(dup.of, original.key);
    assert!(dup.similarity >= 0.5 && dup.similarity < 1.0, "{}", dup.similarity);
    assert_eq!(copy.event.id, original.event.id);

    // A copy of the copy still points at the earliest one.
    let third =
        new(d.observe(article("https://third.test/mara", "Third", "Mara", &edited, Some((9, 12)))));
    assert_eq!(third.duplicate_of.map(|d| d.of), Some(original.key));
}

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
fn an_article_without_text_is_handled() {
    let mut d = deduper();
    let a = new(d.observe(article("https://e.test/1", "o", "Paywalled story", "", Some((1, 8)))));
    let b = new(d.observe(article(
        "https://e.test/2",
        "o",
        "Another paywalled story",
        "",
        Some((1, 8)),
    )));
    // Two empty bodies are not copies of each other.
    assert_eq!(b.duplicate_of, None);
    assert_eq!(a.text_hash, b.text_hash);
}

#[test]
fn coverage_tells_shared_statements_from_those_one_outlet_makes() {
    let c = compare(&[
        CoverageInput { outlet: "Evening Post", text: TRAM[0].1 },
        CoverageInput { outlet: "City Herald", text: TRAM[1].1 },
    ]);
    assert!(!c.shared.is_empty(), "{c:#?}");
    assert!(c.shared.iter().all(|claim| claim.outlets == ["Evening Post", "City Herald"]));
    let herald = c.unique.iter().find(|u| u.outlet == "City Herald").expect("{c:#?}");
    assert!(
        herald.claims.iter().any(|s| s.contains("opposition councillors")),
        "the Herald alone reports the opposition's objection: {c:#?}"
    );
    let post = c.unique.iter().find(|u| u.outlet == "Evening Post").expect("{c:#?}");
    assert!(post.claims.iter().any(|s| s.contains("Siemens")), "{c:#?}");
    assert!(!post.claims.iter().any(|s| s.contains("approved")), "{c:#?}");
}

#[test]
fn the_seed_texts_are_one_event_no_copy_and_the_allegations_are_one_outlet_s() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let Ok(mut files) =
        std::fs::read_dir(&dir).map(|r| r.flatten().map(|e| e.path()).collect::<Vec<_>>())
    else {
        return; // the seeds live beside the repository, not in it
    };
    files.sort();
    if files.len() < 2 {
        return;
    }
    let first = std::fs::read_to_string(&files[0]).unwrap();
    let second = std::fs::read_to_string(&files[1]).unwrap();
    // The second starts with a station header (station and section, one block) and a
    // headline, as a page would before extraction; the body is what follows.
    let mut blocks = second.split("\n\n");
    let (_header, headline) = (blocks.next(), blocks.next().unwrap_or(""));
    let body: Vec<&str> = blocks.collect();
    let body = body.join("\n\n");

    let mut d = deduper();
    for a in background(40) {
        d.observe(a);
    }
    let a =
        new(d.observe(article("https://outlet-one.test/italy", "Outlet One", "", &first, None)));
    let b = new(d.observe(article("https://kmia.test/world/italy", "KMIA", headline, &body, None)));
    assert_eq!(b.duplicate_of, None, "a paraphrase is no copy");
    assert_eq!(a.event.id, b.event.id, "one event");

    let c = compare(&[
        CoverageInput { outlet: "Outlet One", text: &first },
        CoverageInput { outlet: "KMIA", text: &body },
    ]);
    let kmia = c.unique.iter().find(|u| u.outlet == "KMIA").expect("KMIA has claims of its own");
    for allegation in ["siphoned billions", "most damning evidence", "Investigative reports"] {
        assert!(
            kmia.claims.iter().any(|s| s.contains(allegation)),
            "{allegation:?} is KMIA's alone: {c:#?}"
        );
        assert!(!c.shared.iter().any(|s| s.text.contains(allegation)), "{allegation:?} shared");
    }
    assert!(c.shared.iter().any(|s| s.text.contains("Meloni")), "{c:#?}");
    assert!(c.shared.iter().any(|s| s.text.starts_with("Italy has firmly rejected")), "{c:#?}");
}

#[tokio::test]
async fn the_stage_drops_known_articles_counts_them_and_ends_when_input_closes() {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let (out_tx, mut out_rx) = tokio::sync::mpsc::channel(4);
    let stage = tokio::spawn(run(deduper(), rx, out_tx));
    let feed = tokio::spawn(async move {
        for url in ["https://a.test/1", "https://a.test/2", "https://a.test/1?utm_medium=x"] {
            tx.send(article(url, "o", MARA[0].0, MARA[0].1, Some((1, 8)))).await.unwrap();
        }
        // Dropping the sender closes the stage's input.
    });
    let mut received = Vec::new();
    while let Some(c) = out_rx.recv().await {
        received.push(c);
    }
    feed.await.unwrap();
    let report = stage.await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].duplicate_of.as_ref().map(|d| d.of.as_str()), Some("https://a.test/1"));
    assert_eq!(report.stage, chorus_model::Stage::Dedup);
    assert_eq!((report.received, report.sent), (3, 2));
    assert_eq!(report.dropped.get("same_url"), Some(&1));
}

#[test]
fn config_rejects_unknown_keys_and_fills_in_defaults() {
    let partial: DedupConfig = serde_json::from_str(r#"{"window_hours": 24}"#).unwrap();
    assert_eq!(partial.window_hours, 24);
    assert_eq!(partial.cluster_threshold, DedupConfig::default().cluster_threshold);
    assert!(serde_json::from_str::<DedupConfig>(r#"{"window_hour": 24}"#).is_err());
    let bad = DedupConfig {
        max_candidates: 0,
        title_weight: f32::NAN,
        cluster_threshold: 7.0,
        ..DedupConfig::default()
    };
    // Settings that fail the check cannot make a deduplicator: there is none to repair.
    let problems = bad.validate().unwrap_err();
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["dedup.max_candidates", "dedup.cluster_threshold", "dedup.title_weight"]);
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
    assert_eq!(copy.duplicate_of.map(|c| c.of), Some("https://m0.test/x".to_owned()));
    assert_eq!(copy.event.id, mara[0]);
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

#[test]
fn an_original_published_first_but_read_after_its_reprint_takes_over_as_the_original() {
    let mut d = deduper();
    // The reprint's feed is read first; the wire story it reprints was published an hour
    // before it but comes in after; a second reprint comes last.
    let reprint = new(d.observe(article(
        "https://reprints.test/mara",
        "Reprints",
        "Mara hits Mexico",
        MARA[0].1,
        Some((9, 9)),
    )));
    let wire = new(d.observe(article(
        "https://wire.test/mara",
        "Coast Wire",
        MARA[0].0,
        &format!("{} Officials gave no figure for the damage.", MARA[0].1),
        Some((9, 8)),
    )));
    assert_eq!(wire.duplicate_of, None, "the earliest-published copy is the original");
    let superseded = wire.supersedes.expect("the reprint was taken for the original until now");
    assert_eq!(superseded.key, reprint.key);
    assert!(superseded.similarity > 0.6, "{}", superseded.similarity);
    assert_eq!(wire.event.id, reprint.event.id);
    // Later copies point at the wire story, whichever text they match.
    let again = new(d.observe(article(
        "https://other.test/mara",
        "Other",
        "Mara",
        MARA[0].1,
        Some((9, 11)),
    )));
    assert_eq!(again.duplicate_of.map(|c| c.of), Some(wire.key.clone()));
    assert_eq!(again.supersedes, None);
    // Without publication times the first to arrive stays the original.
    let mut d = deduper();
    let first = new(d.observe(article("https://a.test/m", "A", "Mara", MARA[0].1, None)));
    let second = new(d.observe(article("https://b.test/m", "B", "Mara", MARA[0].1, None)));
    assert_eq!(second.duplicate_of.map(|c| c.of), Some(first.key));
    assert_eq!(second.supersedes, None);
}

#[test]
fn an_original_that_takes_over_twice_leaves_one_original_for_the_whole_family() {
    // Three editions of one wire story arrive latest-published first: each earlier one
    // takes over from the one before, and every later copy, whichever text it matches,
    // points at the earliest.
    let short = MARA[0].1;
    let long = format!("{short} Officials gave no figure for the damage.");
    let mut d = deduper();
    let mut observe = |host: &str, text: &str, hour: u32| {
        let url = format!("https://{host}.test/mara");
        new(d.observe(article(&url, host, "Mara", text, Some((9, hour)))))
    };
    let r = observe("r", short, 10);
    let w = observe("w", &long, 9);
    assert_eq!(w.supersedes.as_ref().map(|s| s.key.as_str()), Some(r.key.as_str()));
    let x = observe("x", &long, 7);
    let superseded = x.supersedes.expect("the earliest edition takes over again");
    assert_eq!(superseded.key, w.key);
    assert_eq!(superseded.similarity, 1.0, "measured against w's own text, the same as x's");
    // y was published after x but before w: x stays the original.
    for (host, text, hour) in [("d", short, 12), ("y", short, 8)] {
        let later = observe(host, text, hour);
        assert_eq!(later.duplicate_of.map(|c| c.of), Some(x.key.clone()), "{host}");
        assert_eq!(later.supersedes, None, "{host}");
    }
}
