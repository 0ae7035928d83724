//! All of Chorus's network I/O: feed polling and parsing, and article page downloads.
//!
//! ```text
//!  FeedJob ──▶ run ──▶ RawPage     (to extract)
//!               ├───▶ FeedCheck   (to the store: feed health, conditional-GET state,
//!               │                   next poll and why)
//!               └───▶ Reschedule  (to the source: when this feed is due next)
//! ```
//!
//! In goes a stream of [`FeedJob`](chorus_model::FeedJob)s (poll this feed now); out come
//! one [`FeedCheck`](chorus_model::FeedCheck) per job and one
//! [`RawPage`](chorus_model::RawPage) per article not seen before.
//!
//! - [`Fetcher`]: the polite HTTP client. One `User-Agent`, connect and total timeouts, a
//!   body cap enforced while streaming, a redirect limit, gzip/brotli/deflate, no loopback,
//!   private or other non-public address unless the config allows it ([`classify`]), and
//!   politeness per `host:port`: at most `per_host_concurrency` requests in flight, starts
//!   at least `per_host_gap_ms` apart (more if robots.txt asks with `Crawl-delay`, or while
//!   the host keeps failing), pauses when the host answers 429 or 503 with `Retry-After`,
//!   and robots.txt honoured unless turned off.
//!   [`Fetcher::poll_feed`] does a conditional GET and parses the feed;
//!   [`Fetcher::fetch_page`] downloads one article.
//! - [`parse_feed`] / [`parse_document`] / [`parse_response`]: the one adapter from wire
//!   formats (RSS 0.90 to 2.0, RSS 1.0, Atom 0.3 and 1.0, JSON Feed 1.0 and 1.1, XML
//!   sitemaps and sitemap indexes) to [`FeedEntry`](chorus_model::FeedEntry), for feeds as
//!   they are served: in any encoding, with HTML entities, or broken part way (the entries
//!   that can be read are kept, the others counted). Plain synchronous functions.
//!   [`parse_sitemap`] is the sitemap half on its own.
//! - [`Fetcher::discover`] finds a site's feeds and sitemaps; [`Fetcher::read_sitemaps`]
//!   walks a sitemap tree within a [`DateWindow`] for a backfill; [`Fetcher::probe`] reads
//!   one feed as a poll would, for a user to see.
//! - [`run`]: the async stage, a thin loop over the two above. After each poll it decides
//!   when the feed is due next with [`schedule::next_poll`], a pure rule fed by the
//!   response's [`ServerHints`], the entries' dates and the share of known items, and tells
//!   the source ([`Reschedule`](chorus_model::Reschedule)).
//! - [`FetchConfig`]: the `[fetch]` config section, checked into [`FetchSettings`]. [`FetchError`] and [`FeedError`]: what
//!   can go wrong, each with a short slug for counting ([`FetchError::reason`]).
//!
//! The crate uses rustls with the *ring* provider; [`Fetcher::new`] installs it
//! ([`init_tls`]), so there is nothing to set up first.
//!
//! ```
//! use chorus_fetch::{FetchSettings, Fetcher, parse_feed};
//!
//! let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>World</title>
//!   <entry><title>Italy refuses to send troops</title>
//!     <link rel="alternate" href="/2025/09/04/italy-troops"/>
//!     <published>2025-09-04T10:00:00Z</published></entry></feed>"#;
//! let base = url::Url::parse("https://harbor.example.test/world/atom.xml").unwrap();
//! let entries = parse_feed(atom, &base, 2000).unwrap();
//! assert_eq!(entries[0].url.as_str(), "https://harbor.example.test/2025/09/04/italy-troops");
//! assert_eq!(entries[0].title.as_deref(), Some("Italy refuses to send troops"));
//!
//! // The stage would share one fetcher: `chorus_fetch::run(Arc::new(fetcher), ...)`.
//! let fetcher = Fetcher::new(&FetchSettings::default()).unwrap();
//! assert_eq!(fetcher.config().per_host_concurrency.get(), 2);
//! ```
#![deny(missing_docs)]

mod client;
mod config;
mod decode;
mod discover;
mod error;
mod feed;
mod guard;
mod hints;
mod host;
mod known;
mod lenient;
mod markup;
mod poll;
mod probe;
mod repair;
mod robots;
pub mod schedule;
mod sitemap;
mod stage;

pub use client::Fetcher;
pub use config::{FetchConfig, FetchSettings};
pub use discover::{DateWindow, Discovery, Found, FoundKind, SitemapWalk};
pub use error::{Failure, FeedError, FetchError};
pub use feed::{FeedDocument, parse_document, parse_feed, parse_response};
pub use guard::{AddressKind, classify};
pub use hints::ServerHints;
pub use probe::Probe;
pub use sitemap::parse_sitemap;
pub use stage::run;

/// Installs rustls's *ring* crypto provider for the process, which reqwest needs before
/// any client is built. Idempotent: later calls, and a provider installed by someone
/// else, are left alone.
pub fn init_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
