//! When to poll a feed next: one pure rule, fed by what the last poll saw, that returns
//! the delay and a short reason fit to show users.
//!
//! In order:
//!
//! 1. A failing feed backs off exponentially from its interval, with jitter so that feeds
//!    that failed together do not come back together. Hard failures (404, 410, not a feed)
//!    count double against soft ones (timeouts, connection errors, 429, 5xx). The backoff
//!    stops at the maximum interval: a dead feed is still tried once a day, never dropped.
//! 2. A feed that answered adapts its interval (a feed with a fixed interval in the config
//!    keeps it):
//!    - on its first answer, the feed's publishing rate (the dates of its entries over the
//!      last week) sets the interval, when the entries have dates;
//!    - after that, the share of already-known items over recent polls steers it, as Media
//!      Cloud does: 67 % or more known (a "not modified" counts as all known) lengthens it
//!      by half, under 33 % halves it, in between keeps it;
//!    - it is never longer than half the time the feed takes to publish as many items as it
//!      lists, so nothing scrolls off the feed between two polls.
//!
//!    The result is clamped into `[min_poll_interval, max_poll_interval]`.
//! 3. Server hints (`Retry-After`, `Cache-Control: max-age`, `Expires`, `<ttl>`,
//!    `sy:updatePeriod`) are lower bounds: the feed is never polled sooner than asked, but
//!    never later than the maximum interval either.

use std::time::Duration;

use chorus_model::{NextPoll, PollHistory, PollPolicy, Timestamp};

use crate::hints::ServerHints;

/// The configured bounds on a feed's interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// The shortest interval an adaptive feed gets.
    pub min: Duration,
    /// The longest interval any feed gets, failing or not.
    pub max: Duration,
}

/// What one poll came to, as the schedule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollResult {
    /// The feed was read: `entries` listed, `new` of them not known before.
    Fetched {
        /// Entries listed.
        entries: u32,
        /// Entries whose article was new.
        new: u32,
    },
    /// 304, or the same body as last time.
    NotModified,
    /// The poll failed; `hard` when the failure will likely repeat.
    Failed {
        /// 404, 410, not a feed, malformed: true. Timeouts, connection errors, 429, 5xx:
        /// false.
        hard: bool,
    },
}

/// Everything the rule looks at besides the feed's history.
#[derive(Clone, Debug)]
pub struct Observation<'a> {
    /// The poll's result.
    pub result: PollResult,
    /// The server's and the feed's hints.
    pub hints: &'a ServerHints,
    /// The publication dates of the feed's entries (empty when not fetched).
    pub entry_dates: &'a [Timestamp],
    /// When the poll finished.
    pub now: Timestamp,
    /// A number in `[0, 1)` for the backoff's jitter, drawn by the caller so the rule
    /// stays a pure function.
    pub jitter: f64,
}

/// The rule: brings `history` up to date with the poll, and says when to poll next.
/// The returned history's `next_poll_at` is the returned time.
pub fn next_poll(
    history: &PollHistory,
    seen: &Observation<'_>,
    policy: PollPolicy,
    bounds: Bounds,
) -> (PollHistory, NextPoll) {
    let mut history = record(history, seen.result, seen.now);
    let current = match (policy, history.interval_secs) {
        (PollPolicy::Fixed(d), _) => d,
        (PollPolicy::Adaptive { start }, 0) => clamp(start, bounds),
        (PollPolicy::Adaptive { .. }, secs) => clamp(Duration::from_secs(secs), bounds),
    };
    // A fixed interval longer than the maximum is the user's choice: it moves the cap.
    let cap = match policy {
        PollPolicy::Fixed(d) => d.max(bounds.max),
        PollPolicy::Adaptive { .. } => bounds.max,
    };
    let (interval, mut after, mut reason) = match seen.result {
        PollResult::Failed { .. } => {
            let (after, reason) = backoff(&history, current, cap, seen.jitter);
            (current, after, reason)
        }
        _ => {
            let (interval, reason) = adapt(&history, seen, policy, current, bounds);
            (interval, interval, reason)
        }
    };
    if let Some((hint, why)) = seen.hints.strongest() {
        let hint = hint.min(cap);
        if hint > after {
            after = hint;
            reason = why;
        }
    }
    history.interval_secs = interval.as_secs().max(1);
    let at = seen.now + chrono::Duration::from_std(after).unwrap_or(chrono::Duration::MAX);
    history.next_poll_at = Some(at);
    (history, NextPoll { at, after, reason })
}

/// The history with this poll counted in.
fn record(old: &PollHistory, result: PollResult, now: Timestamp) -> PollHistory {
    let mut h = old.clone();
    match result {
        PollResult::Failed { hard: true } => h.hard_failures = h.hard_failures.saturating_add(1),
        PollResult::Failed { hard: false } => h.soft_failures = h.soft_failures.saturating_add(1),
        PollResult::NotModified | PollResult::Fetched { .. } => {
            h.soft_failures = 0;
            h.hard_failures = 0;
            h.last_success = Some(now);
            if h.recent_polls >= PollHistory::RECENT_WINDOW {
                h.recent_polls /= 2;
                h.recent_not_modified /= 2;
                h.recent_entries /= 2;
                h.recent_known /= 2;
            }
            h.recent_polls += 1;
            match result {
                PollResult::NotModified => h.recent_not_modified += 1,
                PollResult::Fetched { entries, new } => {
                    let new = new.min(entries);
                    h.recent_entries = h.recent_entries.saturating_add(entries);
                    h.recent_known = h.recent_known.saturating_add(entries - new);
                    if new > 0 {
                        h.last_new_article = Some(now);
                    }
                }
                PollResult::Failed { .. } => {}
            }
        }
    }
    h
}

/// Exponential backoff from `base`, capped, with up to a fifth taken off at random.
fn backoff(h: &PollHistory, base: Duration, cap: Duration, jitter: f64) -> (Duration, String) {
    let steps = h.soft_failures.saturating_add(h.hard_failures.saturating_mul(2));
    let factor = 2u32.saturating_pow(steps.saturating_sub(1).min(30));
    let full = base.saturating_mul(factor).min(cap);
    let after = full.mul_f64(1.0 - 0.2 * jitter.clamp(0.0, 1.0));
    let failures = match (h.soft_failures, h.hard_failures) {
        (soft, 0) => plural(soft, "soft failure"),
        (0, hard) => plural(hard, "hard failure"),
        (soft, hard) => format!("{}, {}", plural(hard, "hard failure"), plural(soft, "soft")),
    };
    let what = if full >= cap {
        format!("retrying every {} at most", span(cap))
    } else {
        "backing off".to_owned()
    };
    (after, format!("failing ({failures}): {what}"))
}

/// The interval of a feed that answered, and why.
fn adapt(
    h: &PollHistory,
    seen: &Observation<'_>,
    policy: PollPolicy,
    current: Duration,
    bounds: Bounds,
) -> (Duration, String) {
    if let PollPolicy::Fixed(d) = policy {
        return (d, format!("fixed interval of {} from the config", span(d)));
    }
    let gap = publishing_gap(seen.entry_dates, seen.now);
    let first = h.recent_polls <= 1 && h.interval_secs == 0;
    let (mut interval, mut reason) = match (first, gap) {
        (true, Some(gap)) => (gap, format!("feed publishes {}", rate(gap))),
        (true, None) => (current, "first poll: starting at the default interval".to_owned()),
        (false, _) => {
            let share = h.known_share().unwrap_or(1.0);
            let pct = (share * 100.0).round();
            if share >= 0.67 {
                (current.mul_f64(1.5), format!("{pct} % of items already known: slowing down"))
            } else if share < 0.33 {
                (current / 2, format!("only {pct} % of items already known: speeding up"))
            } else {
                (current, format!("{pct} % of items already known: keeping the pace"))
            }
        }
    };
    if let (Some(gap), PollResult::Fetched { entries, .. }) = (gap, seen.result)
        && entries >= 2
    {
        let half_turnover = gap.saturating_mul(entries) / 2;
        if interval > half_turnover {
            interval = half_turnover;
            reason = format!(
                "feed lists {entries} items and publishes {}: polling before they scroll off",
                rate(gap)
            );
        }
    }
    if interval < bounds.min {
        interval = bounds.min;
        reason = format!("{reason} (at the minimum of {})", span(bounds.min));
    } else if interval > bounds.max {
        interval = bounds.max;
        reason = format!("{reason} (at the maximum of {})", span(bounds.max));
    }
    (interval, reason)
}

/// The mean time between the feed's entries over the last week (or since its oldest
/// entry, if that is newer): a week over the number of entries in it, as Miniflux does.
/// `None` when no entry of the last week has a date.
fn publishing_gap(dates: &[Timestamp], now: Timestamp) -> Option<Duration> {
    let week = chrono::Duration::days(7);
    // Entries dated in the future (a wrong clock, a wrong time zone) say nothing of the rate.
    let recent: Vec<&Timestamp> = dates
        .iter()
        .filter(|d| **d <= now + chrono::Duration::hours(1) && now - **d <= week)
        .collect();
    let oldest = recent.iter().min()?;
    let span = (now - **oldest).to_std().unwrap_or_default().max(Duration::from_secs(3600));
    let count = u32::try_from(recent.len()).unwrap_or(u32::MAX);
    // The oldest entry opens the span; only the later ones fall inside it.
    Some(span / count.saturating_sub(1).max(1))
}

fn clamp(d: Duration, bounds: Bounds) -> Duration {
    d.clamp(bounds.min, bounds.max.max(bounds.min))
}

fn plural(n: u32, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// "~4/h", "~3/day", "~2/week", "~1/week".
fn rate(gap: Duration) -> String {
    let secs = gap.as_secs_f64().max(1.0);
    let per = |unit: f64| (unit / secs).round();
    if secs <= 3600.0 {
        format!("~{}/h", per(3600.0))
    } else if secs <= 86_400.0 {
        format!("~{}/day", per(86_400.0))
    } else {
        format!("~{}/week", per(7.0 * 86_400.0).max(1.0))
    }
}

/// "45 s", "5 min", "2 h", "1.5 h", "3 days".
pub(crate) fn span(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 120 {
        format!("{secs} s")
    } else if secs < 7200 {
        format!("{} min", secs / 60)
    } else if secs < 2 * 86_400 {
        let hours = secs as f64 / 3600.0;
        if (hours - hours.round()).abs() < 0.05 {
            format!("{} h", hours.round())
        } else {
            format!("{hours:.1} h")
        }
    } else {
        format!("{} days", secs / 86_400)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    const MIN: u64 = 60;
    const MAX: u64 = 24 * 3600;

    fn bounds() -> Bounds {
        Bounds { min: Duration::from_secs(300), max: Duration::from_secs(MAX) }
    }

    fn now() -> Timestamp {
        Utc.with_ymd_and_hms(2025, 9, 4, 12, 0, 0).unwrap()
    }

    fn adaptive(start_min: u64) -> PollPolicy {
        PollPolicy::Adaptive { start: Duration::from_secs(start_min * MIN) }
    }

    fn at(result: PollResult) -> Observation<'static> {
        Observation { result, hints: &NO_HINTS, entry_dates: &[], now: now(), jitter: 0.0 }
    }

    static NO_HINTS: ServerHints = ServerHints {
        max_age: None,
        expires: None,
        retry_after: None,
        ttl: None,
        update_period: None,
    };

    /// A feed with an interval of `interval_min` and `polls` recent polls that listed
    /// `entries` entries, `known` of them known.
    fn settled(interval_min: u64, polls: u32, entries: u32, known: u32) -> PollHistory {
        PollHistory {
            interval_secs: interval_min * MIN,
            recent_polls: polls,
            recent_entries: entries,
            recent_known: known,
            ..PollHistory::default()
        }
    }

    fn fetched(entries: u32, new: u32) -> PollResult {
        PollResult::Fetched { entries, new }
    }

    fn mins(d: Duration) -> u64 {
        d.as_secs() / MIN
    }

    #[test]
    fn mostly_known_items_slow_the_feed_down() {
        let (h, next) =
            next_poll(&settled(60, 5, 100, 90), &at(fetched(20, 0)), adaptive(15), bounds());
        assert_eq!(mins(next.after), 90);
        assert_eq!(next.reason, "92 % of items already known: slowing down");
        assert_eq!(h.interval_secs, 90 * MIN);
        assert_eq!(h.next_poll_at, Some(now() + chrono::Duration::minutes(90)));
        assert_eq!((h.recent_polls, h.recent_entries, h.recent_known), (6, 120, 110));
    }

    #[test]
    fn mostly_new_items_speed_the_feed_up_down_to_the_minimum() {
        let (_, next) =
            next_poll(&settled(60, 5, 100, 10), &at(fetched(20, 20)), adaptive(15), bounds());
        assert_eq!(mins(next.after), 30);
        assert_eq!(next.reason, "only 8 % of items already known: speeding up");
        let (_, next) =
            next_poll(&settled(8, 5, 100, 10), &at(fetched(20, 20)), adaptive(15), bounds());
        assert_eq!(mins(next.after), 5);
        assert_eq!(
            next.reason,
            "only 8 % of items already known: speeding up (at the minimum of 5 min)"
        );
    }

    #[test]
    fn a_middling_share_keeps_the_interval() {
        let (_, next) =
            next_poll(&settled(60, 5, 100, 50), &at(fetched(20, 10)), adaptive(15), bounds());
        assert_eq!(mins(next.after), 60);
        assert_eq!(next.reason, "50 % of items already known: keeping the pace");
    }

    #[test]
    fn not_modified_counts_as_all_known_and_slowing_stops_at_the_maximum() {
        let h = PollHistory { recent_not_modified: 4, ..settled(20 * 60, 5, 10, 5) };
        let (h, next) = next_poll(&h, &at(PollResult::NotModified), adaptive(15), bounds());
        assert_eq!(next.after, Duration::from_secs(MAX));
        assert_eq!(
            next.reason,
            "92 % of items already known: slowing down (at the maximum of 24 h)"
        );
        assert_eq!((h.recent_polls, h.recent_not_modified), (6, 5));
        assert_eq!(h.last_success, Some(now()));
    }

    #[test]
    fn the_first_answer_takes_the_feeds_publishing_rate() {
        let dates: Vec<Timestamp> =
            (0..8).map(|i| now() - chrono::Duration::minutes(15 * i)).collect();
        let seen = Observation { entry_dates: &dates, ..at(fetched(8, 8)) };
        let (h, next) = next_poll(&PollHistory::default(), &seen, adaptive(15), bounds());
        // Eight entries over 105 minutes: one every 15.
        assert_eq!(mins(next.after), 15);
        assert_eq!(next.reason, "feed publishes ~4/h");
        assert_eq!(h.last_new_article, Some(now()));
    }

    #[test]
    fn without_dates_the_first_answer_starts_at_the_default_clamped_into_the_bounds() {
        let (h, next) =
            next_poll(&PollHistory::default(), &at(fetched(3, 3)), adaptive(1), bounds());
        assert_eq!(mins(next.after), 5);
        assert_eq!(next.reason, "first poll: starting at the default interval");
        assert_eq!(h.interval_secs, 300);
    }

    #[test]
    fn a_feed_is_polled_before_its_items_scroll_off() {
        // Ten items, one an hour: after ten hours the oldest listed now is gone.
        let dates: Vec<Timestamp> = (0..10).map(|i| now() - chrono::Duration::hours(i)).collect();
        let seen = Observation { entry_dates: &dates, ..at(fetched(10, 0)) };
        let (_, next) = next_poll(&settled(8 * 60, 5, 100, 100), &seen, adaptive(15), bounds());
        assert_eq!(mins(next.after), 5 * 60);
        assert_eq!(
            next.reason,
            "feed lists 10 items and publishes ~1/h: polling before they scroll off"
        );
    }

    #[test]
    fn old_and_future_dates_say_nothing_of_the_rate() {
        let dates = [now() - chrono::Duration::days(30), now() + chrono::Duration::days(2)];
        assert_eq!(publishing_gap(&dates, now()), None);
        let week = [now() - chrono::Duration::days(7)];
        assert_eq!(publishing_gap(&week, now()), Some(Duration::from_secs(7 * 86_400)));
    }

    #[test]
    fn soft_failures_back_off_exponentially_with_jitter_below_the_cap() {
        let mut h = settled(10, 5, 10, 5);
        let mut afters = Vec::new();
        for _ in 0..4 {
            let (next_h, next) =
                next_poll(&h, &at(PollResult::Failed { hard: false }), adaptive(15), bounds());
            afters.push(mins(next.after));
            h = next_h;
        }
        assert_eq!(afters, [10, 20, 40, 80]);
        assert_eq!(h.soft_failures, 4);
        assert_eq!(h.interval_secs, 600, "the base interval is kept while failing");
        let (_, next) =
            next_poll(&h, &at(PollResult::Failed { hard: false }), adaptive(15), bounds());
        assert_eq!(next.reason, "failing (5 soft failures): backing off");
        let jittered = Observation { jitter: 0.5, ..at(PollResult::Failed { hard: false }) };
        let (_, next) = next_poll(&h, &jittered, adaptive(15), bounds());
        assert_eq!(mins(next.after), 144, "a tenth off 160 min");
    }

    #[test]
    fn hard_failures_count_double_and_a_dead_feed_is_retried_daily_not_dropped() {
        let h = PollHistory { hard_failures: 1, ..settled(60, 5, 10, 5) };
        let (h, next) =
            next_poll(&h, &at(PollResult::Failed { hard: true }), adaptive(15), bounds());
        assert_eq!(mins(next.after), 60 * 8);
        assert_eq!(next.reason, "failing (2 hard failures): backing off");
        let dead = PollHistory { hard_failures: 40, ..h };
        let (h, next) =
            next_poll(&dead, &at(PollResult::Failed { hard: true }), adaptive(15), bounds());
        assert_eq!(next.after, Duration::from_secs(MAX));
        assert_eq!(next.reason, "failing (41 hard failures): retrying every 24 h at most");
        assert!(h.next_poll_at.is_some());
    }

    #[test]
    fn a_success_clears_the_failures() {
        let h = PollHistory { soft_failures: 3, hard_failures: 1, ..settled(60, 5, 10, 5) };
        let (h, _) = next_poll(&h, &at(PollResult::NotModified), adaptive(15), bounds());
        assert_eq!((h.soft_failures, h.hard_failures), (0, 0));
    }

    #[test]
    fn retry_after_is_a_lower_bound_even_while_backing_off() {
        let hints = ServerHints {
            retry_after: Some((429, Duration::from_secs(7200))),
            ..ServerHints::default()
        };
        let seen = Observation { hints: &hints, ..at(PollResult::Failed { hard: false }) };
        let (_, next) = next_poll(&settled(10, 1, 1, 1), &seen, adaptive(15), bounds());
        assert_eq!(next.after, Duration::from_secs(7200));
        assert_eq!(next.reason, "server asked: Retry-After 7200 s (HTTP 429)");
    }

    #[test]
    fn hints_never_shorten_and_are_capped_at_the_maximum() {
        let short =
            ServerHints { max_age: Some(Duration::from_secs(60)), ..ServerHints::default() };
        let seen = Observation { hints: &short, ..at(fetched(10, 5)) };
        let (_, next) = next_poll(&settled(60, 5, 100, 50), &seen, adaptive(15), bounds());
        assert_eq!(mins(next.after), 60);
        let long =
            ServerHints { ttl: Some(Duration::from_secs(3 * MAX)), ..ServerHints::default() };
        let seen = Observation { hints: &long, ..at(fetched(10, 5)) };
        let (h, next) = next_poll(&settled(60, 5, 100, 50), &seen, adaptive(15), bounds());
        assert_eq!(next.after, Duration::from_secs(MAX));
        assert_eq!(next.reason, "feed asked: ttl 4320 min");
        assert_eq!(
            h.interval_secs, 3600,
            "a hint delays one poll; it does not become the interval"
        );
    }

    #[test]
    fn a_fixed_interval_is_kept_below_the_minimum_and_still_backs_off() {
        let fixed = PollPolicy::Fixed(Duration::from_secs(2));
        let (_, next) = next_poll(&settled(0, 5, 100, 100), &at(fetched(10, 0)), fixed, bounds());
        assert_eq!(next.after, Duration::from_secs(2));
        assert_eq!(next.reason, "fixed interval of 2 s from the config");
        let h = PollHistory { soft_failures: 2, ..PollHistory::default() };
        let (_, next) = next_poll(&h, &at(PollResult::Failed { hard: false }), fixed, bounds());
        assert_eq!(next.after, Duration::from_secs(8), "third failure: four times the interval");
    }

    #[test]
    fn recent_counts_fade_out() {
        let h = settled(60, PollHistory::RECENT_WINDOW, 400, 100);
        let (h, _) = next_poll(&h, &at(fetched(10, 0)), adaptive(15), bounds());
        assert_eq!((h.recent_polls, h.recent_entries, h.recent_known), (11, 210, 60));
    }

    #[test]
    fn spans_and_rates_read_naturally() {
        assert_eq!(span(Duration::from_secs(45)), "45 s");
        assert_eq!(span(Duration::from_secs(300)), "5 min");
        assert_eq!(span(Duration::from_secs(86_400)), "24 h");
        assert_eq!(span(Duration::from_secs(5400 * 2)), "3 h");
        assert_eq!(span(Duration::from_secs(7 * 86_400)), "7 days");
        assert_eq!(rate(Duration::from_secs(900)), "~4/h");
        assert_eq!(rate(Duration::from_secs(8 * 3600)), "~3/day");
        assert_eq!(rate(Duration::from_secs(3 * 86_400)), "~2/week");
    }
}
