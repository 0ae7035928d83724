//! A downloaded page, before extraction, and the form it is kept in once stored.

use serde::{Deserialize, Serialize};
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
    /// The other response headers kept with the page, for the record.
    pub headers: PageHeaders,
    /// The body, decompressed, at most the configured size cap.
    pub body: Vec<u8>,
    /// The feed entry that pointed here, if any: its title and date are fallbacks for
    /// what the page itself does not say.
    pub entry: Option<FeedEntry>,
    /// For a page read from a resumable input (a WARC record): its claim on the input's
    /// progress, handed on to the article. `None` for downloaded pages.
    pub ticket: Option<Ticket>,
}

/// The response facts kept with a page besides its `Content-Type`: what a later reader
/// (or a conditional re-download) needs to know about where the bytes came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageHeaders {
    /// The HTTP status of the final response (`None` when the page did not come over
    /// HTTP, or the source did not say).
    pub status: Option<u16>,
    /// The `ETag` header, verbatim.
    pub etag: Option<String>,
    /// The `Last-Modified` header, verbatim.
    pub last_modified: Option<String>,
}

/// A page as the store keeps it beside its article: the body compressed (zstd), with
/// everything extraction read besides the body, so that the page can be extracted again
/// later exactly as it was the first time.
///
/// Made in the extract stage (compression is CPU work, kept off the store's single writer
/// thread) and carried to the store on [`Article::page`](crate::Article::page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptPage {
    /// The address that was requested.
    pub url: Url,
    /// The address after redirects.
    pub final_url: Url,
    /// When the body finished downloading.
    pub fetched_at: Timestamp,
    /// The `Content-Type` header, verbatim.
    pub content_type: Option<String>,
    /// Status, `ETag` and `Last-Modified`.
    pub headers: PageHeaders,
    /// The feed entry that pointed at the page, without its summary (extraction reads
    /// only its title, date and authors).
    pub entry: Option<FeedEntry>,
    /// The size of the body before compression, in bytes.
    pub body_len: u64,
    /// The body, compressed as one zstd frame.
    pub body_zstd: Vec<u8>,
}
