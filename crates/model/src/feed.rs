//! Feeds: what to poll, what polling found, and the state kept between polls.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::Timestamp;

/// One feed to poll, as the config names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSpec {
    /// The feed's address (RSS 2.0, Atom, JSON Feed, or an XML sitemap).
    pub url: Url,
    /// The outlet that publishes it, as users will see it ("Harbor Gazette").
    pub outlet: String,
    /// Whether robots.txt is honoured for this feed and the pages it lists: `None`
    /// follows `fetch.respect_robots`. Absent from older serialized specs, and then
    /// `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respect_robots: Option<bool>,
}

/// What a feed told us last time, so the next poll can be conditional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedState {
    /// The `ETag` header of the last successful response.
    pub etag: Option<String>,
    /// The `Last-Modified` header of the last successful response, verbatim.
    pub last_modified: Option<String>,
    /// A hash of the last body (hex xxh3-64), to notice unchanged feeds whose server
    /// ignores conditional requests or sends a fresh `ETag` each time.
    pub body_hash: Option<String>,
    /// The server once kept its `ETag`/`Last-Modified` while the body changed: its
    /// validators cannot be trusted, so the feed is polled without them from then on.
    #[serde(default)]
    pub validators_unreliable: bool,
    /// Polls in a row answered "not modified" since the feed was last read in full; every
    /// so often such a run is broken by a poll without validators, to catch a liar.
    #[serde(default)]
    pub unchanged_streak: u32,
    /// What the schedule needs from earlier polls.
    #[serde(default)]
    pub history: PollHistory,
}

impl FeedState {
    /// Forgets the conditional-request validators (not the schedule's history), so that
    /// the next poll reads the feed in full.
    pub fn forget_validators(&mut self) {
        self.etag = None;
        self.last_modified = None;
        self.body_hash = None;
        self.unchanged_streak = 0;
    }
}

/// A feed's polling record: what the adaptive schedule decides from.
///
/// The "recent" counts cover roughly the last 10 to 20 polls: when `recent_polls` reaches
/// [`PollHistory::RECENT_WINDOW`], all four are halved, so old polls fade out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollHistory {
    /// The feed's current base interval in seconds (before hints and backoff); 0 before
    /// its first poll.
    pub interval_secs: u64,
    /// Soft failures in a row (timeouts, connection errors, 429, 5xx): may pass.
    pub soft_failures: u32,
    /// Hard failures in a row (404, 410, not a feed, unparseable): will likely repeat.
    pub hard_failures: u32,
    /// Recent polls that succeeded (fetched or not modified).
    pub recent_polls: u32,
    /// Of those, polls answered "not modified".
    pub recent_not_modified: u32,
    /// Entries listed by the recent polls that fetched the feed.
    pub recent_entries: u32,
    /// Of those, entries whose article was already known.
    pub recent_known: u32,
    /// When the feed last answered (fetched or not modified).
    pub last_success: Option<Timestamp>,
    /// When the feed last listed an article not seen before.
    pub last_new_article: Option<Timestamp>,
    /// When the feed is due next, as last scheduled.
    pub next_poll_at: Option<Timestamp>,
}

impl PollHistory {
    /// Polls after which the recent counts are halved.
    pub const RECENT_WINDOW: u32 = 20;

    /// Share of recent successful polls answered "not modified", 0..=1; `None` before any.
    pub fn not_modified_share(&self) -> Option<f64> {
        (self.recent_polls > 0)
            .then(|| f64::from(self.recent_not_modified) / f64::from(self.recent_polls))
    }

    /// Share of recently listed entries that were already known, 0..=1, counting a poll
    /// answered "not modified" as all known (it brought nothing new); `None` before any
    /// successful poll.
    pub fn known_share(&self) -> Option<f64> {
        if self.recent_polls == 0 {
            return None;
        }
        // A "not modified" poll weighs as much as a fetched poll of average length.
        let fetched = self.recent_polls.saturating_sub(self.recent_not_modified);
        if fetched == 0 {
            // Nothing but "not modified" lately: nothing new.
            return Some(1.0);
        }
        let per_poll = f64::from(self.recent_entries) / f64::from(fetched);
        let unchanged = per_poll * f64::from(self.recent_not_modified);
        let total = f64::from(self.recent_entries) + unchanged;
        if total == 0.0 {
            return Some(1.0);
        }
        Some((f64::from(self.recent_known) + unchanged) / total)
    }
}

/// How a feed's interval is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PollPolicy {
    /// Adapted to the feed, starting from `start` and kept within the configured bounds.
    Adaptive {
        /// The interval of a feed not polled before.
        start: Duration,
    },
    /// Set by the config for this feed: used as is (server hints and failure backoff still
    /// lengthen it).
    Fixed(Duration),
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy::Adaptive { start: Duration::from_secs(900) }
    }
}

/// When a feed is to be polled next, and why, in words fit to show users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextPoll {
    /// The time it is due.
    pub at: Timestamp,
    /// How long after the poll that is.
    pub after: Duration,
    /// Why ("feed publishes ~4/h", "server asked: Retry-After 120 s", ...).
    pub reason: String,
}

/// The fetcher's word to the source: poll this feed again after `after`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reschedule {
    /// Which feed.
    pub feed: Url,
    /// How long from now.
    pub after: Duration,
}

/// The item the source sends to the fetcher: poll this feed now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedJob {
    /// Which feed.
    pub feed: FeedSpec,
    /// The conditional-request state and schedule history known when the job was made
    /// (from the store at start-up). The fetcher keeps newer state itself between polls
    /// of a long run.
    pub state: FeedState,
    /// How the feed's interval is chosen.
    pub policy: PollPolicy,
}

/// One entry of a parsed feed, converted from the wire format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEntry {
    /// The article's address, resolved against the feed's URL.
    pub url: Url,
    /// The entry's title, if any, as plain text.
    pub title: Option<String>,
    /// The entry's publication (or, failing that, update) time.
    pub published: Option<Timestamp>,
    /// The entry's summary or content, as the feed gives it (may be HTML).
    pub summary: Option<String>,
    /// Author names the feed gives.
    pub authors: Vec<String>,
}

/// How one poll of one feed went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeedOutcome {
    /// The feed was downloaded and parsed.
    Fetched {
        /// Entries in the feed.
        entries: u32,
        /// Entries whose article was not known before, and was queued for download.
        new_entries: u32,
    },
    /// The server answered 304, or the body was byte-identical to the last one.
    NotModified,
    /// The poll failed; `reason` says why, in a form fit to show users.
    Failed {
        /// Short, human-readable cause ("HTTP 503", "timed out after 30 s", "not a feed: …").
        reason: String,
    },
}

/// The fetcher's report of one poll, sent straight to the store (feed health, and the
/// state for the next conditional request).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedCheck {
    /// Which feed was polled.
    pub feed: FeedSpec,
    /// When the poll finished.
    pub checked_at: Timestamp,
    /// What happened.
    pub outcome: FeedOutcome,
    /// The state to use for the next poll: validators unchanged from before when the
    /// poll failed; the schedule's history always brought up to date.
    pub state: FeedState,
    /// When the feed is due next and why; `None` only from [`FeedCheck`]s made outside
    /// the fetch stage, which alone knows which entries were new.
    pub next_poll: Option<NextPoll>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_count_a_not_modified_poll_as_all_known() {
        assert_eq!(PollHistory::default().known_share(), None);
        assert_eq!(PollHistory::default().not_modified_share(), None);
        let h = PollHistory {
            recent_polls: 4,
            recent_not_modified: 2,
            recent_entries: 20,
            recent_known: 5,
            ..PollHistory::default()
        };
        assert_eq!(h.not_modified_share(), Some(0.5));
        // Two fetched polls of ten entries, 5 known; two unchanged ones weigh 10 known each.
        assert_eq!(h.known_share(), Some(25.0 / 40.0));
        let unchanged = PollHistory { recent_polls: 3, recent_not_modified: 3, ..h.clone() };
        assert_eq!(unchanged.known_share(), Some(1.0));
    }

    #[test]
    fn forgetting_validators_keeps_the_history_and_the_flag() {
        let mut state = FeedState {
            etag: Some("\"v1\"".into()),
            last_modified: Some("Thu, 04 Sep 2025 10:00:00 GMT".into()),
            body_hash: Some("00ff".into()),
            validators_unreliable: true,
            unchanged_streak: 5,
            history: PollHistory { interval_secs: 600, ..PollHistory::default() },
        };
        state.forget_validators();
        assert_eq!((state.etag, state.last_modified, state.body_hash), (None, None, None));
        assert_eq!(state.unchanged_streak, 0);
        assert!(state.validators_unreliable);
        assert_eq!(state.history.interval_secs, 600);
    }
}
