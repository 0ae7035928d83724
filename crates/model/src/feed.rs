//! Feeds: what to poll, what polling found, and the state kept between polls.

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
}

/// The item the source sends to the fetcher: poll this feed now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedJob {
    /// Which feed.
    pub feed: FeedSpec,
    /// The conditional-request state known when the job was made (from the store at
    /// start-up). The fetcher keeps newer state itself between polls of a long run.
    pub state: FeedState,
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
    /// The state to use for the next poll (unchanged from before when the poll failed).
    pub state: FeedState,
}
