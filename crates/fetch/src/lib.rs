//! All of Chorus's network I/O: feed polling and parsing, and article page downloads.
//!
//! ```text
//!  FeedJob ──▶ run ──▶ RawPage     (to extract)
//!               └───▶ FeedCheck   (to the store: feed health and conditional-GET state)
//! ```
//!
//! In goes a stream of [`FeedJob`](chorus_model::FeedJob)s (poll this feed now); out come
//! one [`FeedCheck`](chorus_model::FeedCheck) per job and one
//! [`RawPage`](chorus_model::RawPage) per article not seen before.
//!
//! - [`Fetcher`]: the polite HTTP client. One `User-Agent`, connect and total timeouts, a
//!   body cap enforced while streaming, a redirect limit, gzip/brotli/deflate, and at most
//!   `per_host_concurrency` requests in flight per `host:port`.
//!   [`Fetcher::poll_feed`] does a conditional GET and parses the feed;
//!   [`Fetcher::fetch_page`] downloads one article.
//! - [`parse_feed`] / [`parse_document`]: the one adapter from wire formats (RSS, Atom,
//!   JSON Feed, XML sitemaps and sitemap indexes) to [`FeedEntry`](chorus_model::FeedEntry).
//!   Plain synchronous functions. [`parse_sitemap`] is the sitemap half on its own.
//! - [`Fetcher::discover`] finds a site's feeds and sitemaps; [`Fetcher::read_sitemaps`]
//!   walks a sitemap tree within a [`DateWindow`] for a backfill.
//! - [`run`]: the async stage, a thin loop over the two above.
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
mod discover;
mod error;
mod feed;
mod known;
mod poll;
mod sitemap;
mod stage;

pub use client::Fetcher;
pub use config::{FetchConfig, FetchSettings};
pub use discover::{DateWindow, Discovery, Found, FoundKind, SitemapWalk};
pub use error::{FeedError, FetchError};
pub use feed::{FeedDocument, parse_document, parse_feed};
pub use sitemap::parse_sitemap;
pub use stage::run;

/// Installs rustls's *ring* crypto provider for the process, which reqwest needs before
/// any client is built. Idempotent: later calls, and a provider installed by someone
/// else, are left alone.
pub fn init_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
