//! A simulated web of news outlets on loopback, for Chorus's end-to-end tests, benches and
//! the `make run` demo.
//!
//! What goes in: [`NewsroomOptions`] (where to listen, one host or one per outlet, an
//! optional delay on article pages, an optional pace at which simulated days are
//! released). What comes out: a running HTTP server, [`Newsroom`], serving
//!
//! - six fictional outlets ([`Catalog::outlets`]), each with its own page template in the
//!   style of a different CMS (WordPress, Arc XP, Drupal, a TV station, a wire service, a
//!   tabloid), page furniture around the text (navigation, cookie banner, share buttons,
//!   related stories, reader comments, footer), and its own feed: RSS 2.0, Atom or JSON
//!   Feed 1.1, each format used twice, all honouring conditional GET; a Google News
//!   sitemap each (`/<outlet>/news-sitemap.xml`), named by `robots.txt`
//!   ([`Newsroom::news_sitemaps`]);
//! - thirteen events ([`Catalog::events`]) over 1–7 September 2025, each told by two or
//!   three outlets in their own words ([`Catalog::stories`]), among them the project's
//!   two seed texts about Italy and Ukraine, a wire story reprinted word for word under
//!   another outlet's URL (reached from its feed with tracking parameters), and two
//!   storms two days apart that share a vocabulary but nothing else;
//! - misbehaving responses under `/_hostile/` (see [`hostile`]);
//! - a log of every request with its host and arrival time ([`Newsroom::requests`]), and
//!   hosts that push back, set while running ([`Newsroom::set_faults`], [`HostFaults`]):
//!   a robots.txt, 429 with `Retry-After`, bursts of 503.
//!
//! [`farm`] is a separate, much larger and plainer server: thousands of synthetic feeds over
//! many loopback hosts, for measuring a poller.
//!
//! [`catalog()`] is the ground truth tests compare against: which stories exist, which
//! outlet and event each belongs to, which one is a reprint of which, and which strings
//! of each template must never reach extracted text ([`Outlet::furniture`]).
//!
//! ```
//! use chorus_newsroom::{Newsroom, NewsroomOptions, catalog};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let newsroom = Newsroom::start(NewsroomOptions::default()).await?;
//! assert_eq!(newsroom.feeds().len(), catalog().outlets.len());
//!
//! let seed = catalog().stories.iter().find(|s| s.outlet == "kmia" && s.event == "italy-troops");
//! let url = newsroom.article_url(seed.expect("the KMIA seed story"));
//! assert!(url.path().starts_with("/kmia/news/world/"));
//! assert!(newsroom.demo_config_feeds().contains("outlet = \"Miami News, KMIA\""));
//! newsroom.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

use std::io;
use std::net::SocketAddr;

mod catalog;
pub mod farm;
mod faults;
mod feeds;
pub mod hostile;
mod outlets;
mod server;
mod stories;
mod templates;

pub use catalog::{Catalog, Cms, DAYS, Event, FIRST_DAY, FeedFormat, Outlet, Story, catalog};
pub use faults::{HostFaults, LoggedRequest, Refusal};
pub use server::{Newsroom, NewsroomFeed, NewsroomOptions};

/// What can go wrong starting a newsroom. [`Newsroom::start`] returns it as an
/// [`io::Error`] of the same kind, with this message.
#[derive(Debug, thiserror::Error)]
pub enum NewsroomError {
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: io::Error,
    },
}

impl From<NewsroomError> for io::Error {
    fn from(error: NewsroomError) -> Self {
        let kind = match &error {
            NewsroomError::Bind { source, .. } => source.kind(),
        };
        io::Error::new(kind, error)
    }
}
