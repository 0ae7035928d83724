//! A downloaded page, before extraction.

use url::Url;

use crate::{FeedEntry, Ticket, Timestamp};

/// The bytes of one article page as the fetcher downloaded them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawPage {
    /// The address that was requested (from the feed).
    pub url: Url,
    /// The address after redirects.
    pub final_url: Url,
    /// The outlet whose feed listed the page.
    pub outlet: String,
    /// When the body finished downloading.
    pub fetched_at: Timestamp,
    /// The `Content-Type` header, verbatim (its `charset` matters to extraction).
    pub content_type: Option<String>,
    /// The body, decompressed, at most the configured size cap.
    pub body: Vec<u8>,
    /// The feed entry that pointed here, if any: its title and date are fallbacks for
    /// what the page itself does not say.
    pub entry: Option<FeedEntry>,
    /// For a page read from a resumable input (a WARC record): its claim on the input's
    /// progress, handed on to the article. `None` for downloaded pages.
    pub ticket: Option<Ticket>,
}
