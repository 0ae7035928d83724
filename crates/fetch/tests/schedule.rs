//! Validators checked against the body, and the stage's word on when each feed is due.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chorus_fetch::FetchConfig;
use chorus_model::{FeedCheck, FeedOutcome, FeedState, PollPolicy, Reschedule};
use tokio::sync::mpsc;

use crate::util::{self, Route, TestServer};

/// A feed whose body differs by one headline.
fn feed(headline: &str) -> Vec<u8> {
    util::rss(&[format!("/news/{headline}")]).into_bytes()
}

/// Polls `path` `n` times, carrying the state from each poll to the next as the stage
/// does, and returns the checks.
async fn poll_n(server: &TestServer, path: &str, n: usize) -> Vec<FeedCheck> {
    let fetcher = util::fetcher(&util::config());
    let mut state = FeedState::default();
    let mut checks = Vec::new();
    for _ in 0..n {
        let (check, _) = fetcher.poll_feed(&util::job(server.url(path), state.clone())).await;
        state = check.state.clone();
        checks.push(check);
    }
    checks
}

#[tokio::test]
async fn a_server_that_keeps_its_etag_while_the_body_changes_is_caught_and_polled_without_it() {
    let server = TestServer::start().await;
    let bodies = vec![feed("first"), feed("second")];
    server.route("/liar.xml", Route::StaleEtag { etag: "\"forever\"", bodies });
    let checks = poll_n(&server, "/liar.xml", 12).await;

    // One full read, then eight 304s that hide the change, then the check.
    assert!(matches!(checks[0].outcome, FeedOutcome::Fetched { .. }));
    assert!(checks[1..9].iter().all(|c| c.outcome == FeedOutcome::NotModified));
    assert!(!checks[8].state.validators_unreliable);
    assert_eq!(checks[8].state.unchanged_streak, 8);
    assert!(matches!(checks[9].outcome, FeedOutcome::Fetched { entries: 1, .. }), "{checks:?}");
    assert!(checks[9].state.validators_unreliable, "the liar was not noticed");

    let sent = server.stats.requests_to("/liar.xml");
    let validated: Vec<bool> =
        sent.iter().map(|r| r.headers.contains_key("if-none-match")).collect();
    let mut want = vec![false];
    want.extend([true; 8]);
    want.extend([false; 3]);
    assert_eq!(validated, want, "validators sent, poll by poll");
    // Without validators the unchanged body is still not parsed again.
    assert_eq!(checks[10].outcome, FeedOutcome::NotModified);
    assert_eq!(checks[11].outcome, FeedOutcome::NotModified);
}

#[tokio::test]
async fn an_honest_server_passes_the_check_and_keeps_its_validators() {
    let server = TestServer::start().await;
    let body = feed("only");
    server.route(
        "/honest.xml",
        Route::Conditional { etag: Some("\"v1\""), last_modified: None, body },
    );
    let checks = poll_n(&server, "/honest.xml", 11).await;
    assert!(checks[1..].iter().all(|c| c.outcome == FeedOutcome::NotModified), "{checks:?}");
    assert!(checks.iter().all(|c| !c.state.validators_unreliable));
    assert_eq!(checks[9].state.unchanged_streak, 0, "the check restarts the run");
    let sent = server.stats.requests_to("/honest.xml");
    assert!(!sent[9].headers.contains_key("if-none-match"), "the tenth poll checks");
    assert!(sent[10].headers.contains_key("if-none-match"), "then validators are used again");
}

/// The stage over `jobs` of one feed each, one after the other; returns the checks and
/// the reschedules.
async fn stage_polls(
    server: &TestServer,
    path: &str,
    polls: usize,
    policy: PollPolicy,
) -> (Vec<FeedCheck>, Vec<Reschedule>) {
    let cfg = FetchConfig { min_poll_interval_secs: 60, ..util::config() };
    let fetcher = Arc::new(util::fetcher(&cfg));
    let (jobs_tx, jobs_rx) = mpsc::channel(4);
    let (pages_tx, mut pages_rx) = mpsc::channel(64);
    let (checks_tx, mut checks_rx) = mpsc::channel(16);
    let (word_tx, mut word_rx) = mpsc::channel(1);
    let stage = tokio::spawn(chorus_fetch::run(
        fetcher,
        jobs_rx,
        pages_tx,
        checks_tx,
        HashSet::new(),
        word_tx,
    ));
    tokio::spawn(async move { while pages_rx.recv().await.is_some() {} });
    let (mut checks, mut words) = (Vec::new(), Vec::new());
    for _ in 0..polls {
        let job =
            chorus_model::FeedJob { policy, ..util::job(server.url(path), FeedState::default()) };
        jobs_tx.send(job).await.unwrap();
        words.push(word_rx.recv().await.expect("a reschedule per poll"));
        checks.push(checks_rx.recv().await.expect("a check per poll"));
    }
    drop(jobs_tx);
    stage.await.unwrap();
    (checks, words)
}

#[tokio::test]
async fn retry_after_on_429_sets_the_next_poll_and_counts_a_soft_failure() {
    let server = TestServer::start().await;
    let headers = vec![("Retry-After", "7200".to_owned())];
    server.route("/busy.xml", Route::StatusWith(429, headers));
    let (checks, words) = stage_polls(&server, "/busy.xml", 1, PollPolicy::default()).await;
    let next = checks[0].next_poll.as_ref().expect("the stage schedules every poll");
    assert_eq!(next.after, Duration::from_secs(7200));
    assert_eq!(next.reason, "server asked: Retry-After 7200 s (HTTP 429)");
    assert_eq!(words[0], Reschedule { feed: server.url("/busy.xml"), after: next.after });
    assert_eq!(
        (checks[0].state.history.soft_failures, checks[0].state.history.hard_failures),
        (1, 0)
    );
}

#[tokio::test]
async fn a_missing_feed_counts_hard_failures_and_backs_off_faster_each_time() {
    let server = TestServer::start().await;
    server.route("/gone.xml", Route::Status(404));
    let policy = PollPolicy::Adaptive { start: Duration::from_secs(600) };
    let (checks, words) = stage_polls(&server, "/gone.xml", 3, policy).await;
    let hard: Vec<u32> = checks.iter().map(|c| c.state.history.hard_failures).collect();
    assert_eq!(hard, [1, 2, 3]);
    // Each hard failure counts double: 2x, 8x, 32x the interval, less up to a fifth.
    for (word, full) in words.iter().zip([1200u64, 4800, 19_200]) {
        let secs = word.after.as_secs();
        assert!((full * 4 / 5..=full).contains(&secs), "{secs} s for a full {full} s");
    }
    let reason = &checks[2].next_poll.as_ref().unwrap().reason;
    assert_eq!(reason, "failing (3 hard failures): backing off");
}

#[tokio::test]
async fn cache_control_max_age_and_the_feeds_ttl_are_lower_bounds() {
    let server = TestServer::start().await;
    let body = b"<rss version=\"2.0\"><channel><title>T</title><ttl>90</ttl>\
        <item><link>/a</link></item></channel></rss>"
        .to_vec();
    let headers = vec![("Cache-Control", "public, max-age=3600".to_owned())];
    server.route(
        "/hinted.xml",
        Route::Ok { content_type: Some("application/rss+xml"), body, headers },
    );
    let (checks, _) = stage_polls(&server, "/hinted.xml", 1, PollPolicy::default()).await;
    let next = checks[0].next_poll.as_ref().unwrap();
    assert_eq!(next.after, Duration::from_secs(90 * 60));
    assert_eq!(next.reason, "feed asked: ttl 90 min");
    assert_eq!(checks[0].state.history.interval_secs, 900, "the hint does not become the interval");
}

#[tokio::test]
async fn a_fixed_interval_from_the_config_is_kept_and_said() {
    let server = TestServer::start().await;
    server.route("/fixed.xml", Route::ok("application/rss+xml", feed("x")));
    let policy = PollPolicy::Fixed(Duration::from_secs(5));
    let (checks, words) = stage_polls(&server, "/fixed.xml", 2, policy).await;
    assert_eq!(words[1].after, Duration::from_secs(5));
    let next = checks[1].next_poll.as_ref().unwrap();
    assert_eq!(next.reason, "fixed interval of 5 s from the config");
    assert_eq!(checks[1].outcome, FeedOutcome::NotModified, "the same body, by its hash");
    assert_eq!(checks[1].state.history.recent_not_modified, 1);
}
