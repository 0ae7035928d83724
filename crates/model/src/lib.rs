//! The types that cross Chorus's pipeline channels.
//!
//! Every stage crate depends on this one and on no other stage, so these types are the
//! whole contract between stages:
//!
//! ```text
//!  source ──FeedJob──▶ fetch ──RawPage──▶ extract ──Article──▶ dedup ──Classified──▶ store
//!    ▲                   ├────────────────FeedCheck─────────────────────────────────▶ store
//!    └───Reschedule──────┘
//! ```
//!
//! It also owns article identity ([`canonical_url`]), because both the fetcher (to skip
//! pages it already has) and the deduplicator (to drop the same article seen twice) must
//! agree on it, and stage crates never depend on each other. For the same reason it holds
//! [`BoundedMap`], the bounded memory of identities seen that both keep.
//!
//! It keeps the process's [live](live()) figures, which every stage adds to through its
//! [`StageReport`]. The crate does no I/O and knows nothing of tokio.
//!
//! ```
//! use chorus_model::canonical_url;
//! let url = url::Url::parse("https://www.example.test/a/b?utm_source=x&id=7#top").unwrap();
//! assert_eq!(canonical_url(&url).as_str(), "https://example.test/a/b?id=7");
//! ```
#![deny(missing_docs)]

mod article;
mod bounded;
mod feed;
mod identity;
mod key;
pub mod live;
mod page;
mod problem;
mod report;
mod throttle;
mod ticket;
mod verdict;

pub use article::{Article, DateSource, PageFlags};
pub use bounded::BoundedMap;
pub use feed::{
    FeedCheck, FeedEntry, FeedJob, FeedOutcome, FeedSpec, FeedState, NextPoll, PollHistory,
    PollPolicy, Reschedule,
};
pub use identity::{canonical_url, is_tracking_param};
pub use key::{ArticleKey, BadKey};
pub use live::live;
pub use page::{KeptPage, PageHeaders, RawPage};
pub use problem::{Problem, Problems};
pub use report::{RunKind, Stage, StageReport};
pub use throttle::{LOG_INTERVAL, Throttle};
pub use ticket::{Ledger, Ticket};
pub use verdict::{Classified, Duplicate, EventId, EventRef, Superseded};

/// A point in time, always UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
