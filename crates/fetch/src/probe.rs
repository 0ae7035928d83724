//! Reading one feed as the fetcher would, to show a user what Chorus makes of it.

use url::Url;

use crate::client::{Fetcher, Want};
use crate::error::FetchError;
use crate::feed::FeedDocument;

/// What one unconditional request for a feed found: the answer's headers and the parsed
/// document. Nothing is stored and no state is kept.
#[derive(Debug)]
pub struct Probe {
    /// The address asked for.
    pub url: Url,
    /// The address that answered, after redirects.
    pub final_url: Url,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The `Content-Type` header, verbatim.
    pub content_type: Option<String>,
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
    /// The body's size in bytes, after decompression.
    pub bytes: usize,
    /// What the body reads as.
    pub document: FeedDocument,
}

impl Fetcher {
    /// Downloads `url` once, without validators, and parses it as a feed or sitemap, with
    /// every limit and check a poll has (addresses, size, time, redirects, content type).
    /// A sitemap index is not followed: its children are listed in
    /// [`FeedDocument::sitemaps`].
    pub async fn probe(&self, url: &Url) -> Result<Probe, FetchError> {
        let response = self.get(url, None, Want::Feed).await?;
        let bytes = response.body.len();
        let content_type = response.content_type.clone();
        let document =
            self.parse(url, response.body, content_type, response.final_url.clone()).await?;
        Ok(Probe {
            url: url.clone(),
            final_url: response.final_url,
            status: response.status,
            content_type: response.content_type,
            etag: response.etag,
            last_modified: response.last_modified,
            bytes,
            document,
        })
    }
}
