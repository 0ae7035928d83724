//! Batched writes: idempotence, events, merges, feed health.

use chorus_model::{
    ArticleKey, EventId, FeedOutcome, FeedState, NextPoll, PollHistory, Superseded,
};
use chorus_store::{EventOrder, Stats};

use crate::util::{check, count, duplicate_of, fetched, input, new_store, ts};

#[test]
fn writing_the_same_article_twice_stores_it_once() {
    let (_dir, path, mut store) = new_store();
    let a = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    let first = store.write_batch(std::slice::from_ref(&a), &[]).unwrap();
    assert_eq!((first.inserted, first.already_stored), (1, 0));
    let again = store.write_batch(&[a.clone(), a], &[]).unwrap();
    assert_eq!((again.inserted, again.already_stored), (0, 2));
    assert_eq!(count(&path, "SELECT COUNT(*) FROM articles"), 1);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM articles_fts"), 1);
    let events = store.events(EventOrder::Newest, 10).unwrap();
    assert_eq!(events[0].article_count, 1);
}

#[test]
fn feed_checks_keep_state_and_health() {
    let (_dir, _path, mut store) = new_store();
    let url = "https://harbor-gazette.test/feed.xml";
    let checks = [
        check(
            url,
            FeedOutcome::Fetched { entries: 20, new_entries: 2 },
            "2025-09-04T10:00:00Z",
            Some("\"v1\""),
        ),
        check(url, FeedOutcome::NotModified, "2025-09-04T10:10:00Z", Some("\"v1\"")),
        check(
            url,
            FeedOutcome::Failed { reason: "HTTP 503".into() },
            "2025-09-04T10:20:00Z",
            Some("\"v1\""),
        ),
    ];
    store.write_batch(&[], &checks).unwrap();
    let states = store.feed_states().unwrap();
    assert_eq!(states.len(), 1);
    // The history's times come from the feed's health columns, written from the outcomes.
    let restored = FeedState { history: PollHistory::default(), ..states[url].clone() };
    assert_eq!(restored, checks[2].state);
    assert_eq!(states[url].history.last_success, Some(ts("2025-09-04T10:10:00Z")));

    let health = &store.feeds().unwrap()[0];
    assert_eq!(health.url, url);
    assert_eq!(health.outlet, "Harbor Gazette");
    assert_eq!((health.checks, health.failures, health.not_modified), (3, 1, 1));
    assert_eq!(health.articles, 2);
    assert_eq!(health.last_checked, Some(ts("2025-09-04T10:20:00Z")));
    assert_eq!(health.last_success, Some(ts("2025-09-04T10:10:00Z")));
    assert_eq!(health.last_new_article_at, Some(ts("2025-09-04T10:00:00Z")));
    assert_eq!(health.last_error.as_deref(), Some("HTTP 503"));
    assert_eq!(health.consecutive_failures, 1);

    // A later success clears the error and moves the state on.
    let ok = check(
        url,
        FeedOutcome::Fetched { entries: 20, new_entries: 0 },
        "2025-09-04T10:30:00Z",
        Some("\"v2\""),
    );
    store.write_batch(&[], &[ok]).unwrap();
    let health = &store.feeds().unwrap()[0];
    assert_eq!(health.last_error, None);
    assert_eq!(health.consecutive_failures, 0);
    assert_eq!(health.checks, 4);
    assert_eq!(health.last_new_article_at, Some(ts("2025-09-04T10:00:00Z")));
    assert_eq!(store.feed_states().unwrap()[url].etag.as_deref(), Some("\"v2\""));
}

#[test]
fn the_schedule_and_validator_flag_survive_a_reopen_and_show_in_feed_health() {
    let (_dir, path, mut store) = new_store();
    let url = "https://harbor-gazette.test/feed.xml";
    let mut polled = check(
        url,
        FeedOutcome::Fetched { entries: 10, new_entries: 1 },
        "2025-09-04T10:00:00Z",
        Some("\"v1\""),
    );
    polled.state.validators_unreliable = true;
    polled.state.unchanged_streak = 3;
    polled.state.history = PollHistory {
        interval_secs: 5400,
        soft_failures: 0,
        hard_failures: 0,
        recent_polls: 4,
        recent_not_modified: 2,
        recent_entries: 20,
        recent_known: 19,
        last_success: Some(ts("2025-09-04T10:00:00Z")),
        last_new_article: Some(ts("2025-09-04T10:00:00Z")),
        next_poll_at: Some(ts("2025-09-04T11:30:00Z")),
    };
    polled.next_poll = Some(NextPoll {
        at: ts("2025-09-04T11:30:00Z"),
        after: std::time::Duration::from_secs(5400),
        reason: "95 % of items already known: slowing down".to_owned(),
    });
    store.write_batch(&[], std::slice::from_ref(&polled)).unwrap();
    drop(store);

    let store = chorus_store::Store::open(&path).unwrap();
    assert_eq!(store.feed_states().unwrap()[url], polled.state);
    let health = &store.feeds().unwrap()[0];
    assert_eq!(health.next_poll_at, Some(ts("2025-09-04T11:30:00Z")));
    assert_eq!(
        health.next_poll_reason.as_deref(),
        Some("95 % of items already known: slowing down")
    );
    assert_eq!(health.poll_interval_secs, 5400);
    assert_eq!(health.not_modified_share, Some(0.5));
    // 19 of 20 listed known, plus two "not modified" polls of ten entries each, all known.
    assert_eq!(health.known_share, Some(39.0 / 40.0));
    assert!(health.validators_unreliable);

    // Failures are counted apart, and the share stays from the polls that answered.
    let mut failed = check(
        url,
        FeedOutcome::Failed { reason: "HTTP 404 Not Found".into() },
        "2025-09-04T11:30:00Z",
        Some("\"v1\""),
    );
    failed.state.history =
        PollHistory { soft_failures: 1, hard_failures: 2, ..polled.state.history.clone() };
    let mut store = store;
    store.write_batch(&[], &[failed]).unwrap();
    let health = &store.feeds().unwrap()[0];
    assert_eq!((health.soft_failures, health.hard_failures), (1, 2));
    assert_eq!(health.next_poll_at, None, "a check without a next poll says so");
}

#[test]
fn events_are_listed_with_their_counts_in_either_order() {
    let (_dir, _path, mut store) = new_store();
    let original = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    let reprint = duplicate_of(
        fetched("Miami News", "troops-copy", 9, "2025-09-04T11:00:00Z"),
        &original,
        0.97,
    );
    let batch = [
        original.clone(),
        reprint,
        fetched("Harbor Gazette", "troops-follow-up", 1, "2025-09-04T12:00:00Z"),
        fetched("Valley Times", "storm", 2, "2025-09-05T08:00:00Z"),
        input("77", "An input record with no outlet and no time.", 3),
    ];
    store.write_batch(&batch, &[]).unwrap();

    let newest = store.events(EventOrder::Newest, 10).unwrap();
    let ids: Vec<i64> = newest.iter().map(|e| e.id.0).collect();
    // Event 3's only article has no time, so it sits at the time it was stored: now.
    assert_eq!(ids, [3, 2, 1]);
    let troops = &newest[2];
    assert_eq!(troops.title, "event 1");
    assert_eq!(troops.article_count, 3, "the reprint is a member of its original's event");
    assert_eq!(troops.outlet_count, 2, "two articles from one outlet count once");
    assert_eq!(troops.outlets, ["Harbor Gazette", "Miami News"]);
    assert_eq!(troops.first_seen, Some(ts("2025-09-04T10:00:00Z")));
    assert_eq!(troops.last_seen, Some(ts("2025-09-04T12:00:00Z")));
    assert_eq!(newest[0].outlet_count, 0);
    assert!(newest[0].outlets.is_empty());

    let covered = store.events(EventOrder::MostCovered, 10).unwrap();
    let ids: Vec<i64> = covered.iter().map(|e| e.id.0).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(store.events(EventOrder::MostCovered, 1).unwrap().len(), 1);
    let shared: Vec<i64> = store
        .events_with_outlets(EventOrder::MostCovered, 2, 10)
        .unwrap()
        .iter()
        .map(|e| e.id.0)
        .collect();
    assert_eq!(shared, [1], "only the troops event has two outlets");

    let detail = store.event(EventId(1)).unwrap().unwrap();
    let keys: Vec<String> = detail.articles.iter().map(|a| a.key.to_string()).collect();
    assert_eq!(
        keys,
        [
            "https://harbor-gazette.test/world/troops",
            "https://miami-news.test/world/troops-copy",
            "https://harbor-gazette.test/world/troops-follow-up"
        ]
    );
    assert_eq!(detail.articles[1].duplicate_of.as_ref(), Some(&original.key));
    assert_eq!(detail.articles[1].similarity, Some(0.97));
    assert_eq!(detail.articles[0].article.authors, ["Ana Ruiz", "Tom Lee"]);
    assert!(store.event(EventId(42)).unwrap().is_none());

    assert_eq!(store.stats().unwrap(), Stats { articles: 5, duplicates: 1, events: 3, feeds: 0 });
}

#[test]
fn merged_events_resolve_to_the_survivor() {
    let (_dir, path, mut store) = new_store();
    let a = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    let b = fetched("Miami News", "italy-refuses", 2, "2025-09-04T11:00:00Z");
    store.write_batch(&[a, b], &[]).unwrap();

    // A third article bridges the two: event 1 is merged into event 2.
    let mut c = fetched("Valley Times", "rome-says-no", 2, "2025-09-04T12:00:00Z");
    c.event.merged = vec![EventId(1)];
    c.event.title = "Italy refuses to send troops".into();
    store.write_batch(&[c], &[]).unwrap();

    let detail = store.event(EventId(1)).unwrap().unwrap();
    assert_eq!(detail.summary.id, EventId(2));
    assert_eq!(detail.summary.title, "Italy refuses to send troops");
    assert_eq!(detail.summary.article_count, 3);
    assert_eq!(detail.summary.outlet_count, 3);
    assert_eq!(detail.summary.first_seen, Some(ts("2025-09-04T10:00:00Z")));
    assert!(detail.articles.iter().all(|a| a.event == Some(EventId(2))));
    assert_eq!(count(&path, "SELECT COUNT(*) FROM articles WHERE event_id = 1"), 0);

    let listed: Vec<i64> =
        store.events(EventOrder::Newest, 10).unwrap().iter().map(|e| e.id.0).collect();
    assert_eq!(listed, [2]);
    assert_eq!(store.stats().unwrap().events, 1);

    // A later merge of the survivor carries the earlier merge along.
    let mut d = fetched("Harbor Gazette", "defence-minister", 3, "2025-09-04T13:00:00Z");
    d.event.merged = vec![EventId(2)];
    store.write_batch(&[d], &[]).unwrap();
    assert_eq!(store.event(EventId(1)).unwrap().unwrap().summary.id, EventId(3));
    assert_eq!(store.event(EventId(1)).unwrap().unwrap().articles.len(), 4);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM events WHERE merged_into = 3"), 2);
    assert_eq!(store.next_event_id().unwrap(), EventId(4));
}

#[test]
fn next_event_id_counts_every_id_ever_assigned() {
    let (_dir, _path, mut store) = new_store();
    assert_eq!(store.next_event_id().unwrap(), EventId(1));
    let mut a = fetched("Harbor Gazette", "troops", 5, "2025-09-04T10:00:00Z");
    // An id merged before any of its articles was stored still counts as used.
    a.event.merged = vec![EventId(7)];
    store.write_batch(&[a], &[]).unwrap();
    assert_eq!(store.next_event_id().unwrap(), EventId(8));
    assert_eq!(store.event(EventId(7)).unwrap().unwrap().summary.id, EventId(5));
}

#[test]
fn a_nan_similarity_does_not_break_the_batch() {
    let (_dir, _path, mut store) = new_store();
    let original = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    let copy =
        duplicate_of(fetched("Miami News", "copy", 1, "2025-09-04T10:00:00Z"), &original, f32::NAN);
    let counts = store.write_batch(&[original, copy], &[]).unwrap();
    assert_eq!(counts.inserted, 2);
    assert_eq!(store.stats().unwrap().duplicates, 1);
}

#[test]
fn an_earlier_published_original_stored_after_its_copies_takes_them_over() {
    let (_dir, _path, mut store) = new_store();
    // A reprint and a copy of it arrive first, and are stored as original and copy.
    let reprint = fetched("Miami News", "reprint", 1, "2025-09-04T10:30:00Z");
    let copy =
        duplicate_of(fetched("Gulf Times", "copy", 1, "2025-09-04T11:00:00Z"), &reprint, 0.9);
    store.write_batch(&[reprint.clone(), copy.clone()], &[]).unwrap();
    // Then the wire story they reprint, published before both.
    let mut wire = fetched("Coast Wire", "wire", 1, "2025-09-04T10:00:00Z");
    wire.supersedes = Some(Superseded { key: reprint.key.clone(), similarity: 0.95 });
    store.write_batch(&[wire.clone()], &[]).unwrap();

    let detail = store.event(EventId(1)).unwrap().unwrap();
    let find = |key: &ArticleKey| detail.articles.iter().find(|a| a.key == *key).unwrap();
    assert_eq!(find(&wire.key).duplicate_of, None);
    assert_eq!(find(&reprint.key).duplicate_of.as_ref(), Some(&wire.key));
    assert_eq!(find(&reprint.key).similarity, Some(0.95));
    assert_eq!(find(&copy.key).duplicate_of.as_ref(), Some(&wire.key));
    assert_eq!(
        find(&copy.key).similarity,
        Some(0.9),
        "a copy keeps the similarity it was found with"
    );
    assert_eq!(store.stats().unwrap().duplicates, 2);
}
