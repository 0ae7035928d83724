//! Reading one feed as the fetcher would, to show a user what Chorus makes of it.

use chorus_model::{NextPoll, PollHistory, PollPolicy};
use url::Url;

use crate::client::{Fetcher, Want};
use crate::error::FetchError;
use crate::feed::FeedDocument;
use crate::hints::ServerHints;
use crate::schedule::{Observation, PollResult, next_poll};

/// What one unconditional request for a feed found: the answer's headers, the parsed
/// document, and when the daemon would poll the feed next. Nothing is stored and no state
/// is kept.
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
    /// What the server and the feed say about when to come back.
    pub hints: ServerHints,
    /// When a feed first polled now would be polled next, by `policy`, and why.
    pub next: NextPoll,
    /// What the body reads as.
    pub document: FeedDocument,
}

impl Fetcher {
    /// Downloads `url` once, without validators, and parses it as a feed or sitemap, with
    /// every limit and check a poll has (addresses, politeness, size, time, redirects,
    /// content type). A sitemap index is not followed: its children are listed in
    /// [`FeedDocument::sitemaps`]. The next poll is chosen as for a feed seen for the first
    /// time, every entry new, under `policy`.
    pub async fn probe(&self, url: &Url, policy: PollPolicy) -> Result<Probe, FetchError> {
        let (response, headers) = self.get_hinted(url, None, Want::Feed).await;
        let now = chrono::Utc::now();
        let mut hints = ServerHints::from_headers(
            headers.status,
            headers.cache_control.as_deref(),
            headers.expires.as_deref(),
            headers.retry_after.as_deref(),
            now,
        );
        let response = response?;
        hints.read_body(&response.body);
        let bytes = response.body.len();
        let content_type = response.content_type.clone();
        let document =
            self.parse(url, response.body, content_type, response.final_url.clone()).await?;
        let listed = u32::try_from(document.entries.len()).unwrap_or(u32::MAX);
        let dates: Vec<_> = document.entries.iter().filter_map(|e| e.published).collect();
        let seen = Observation {
            result: PollResult::Fetched { entries: listed, new: listed },
            hints: &hints,
            entry_dates: &dates,
            now,
            // The middle of the jitter range: a probe shows the typical choice.
            jitter: 0.5,
        };
        let (_, next) =
            next_poll(&PollHistory::default(), &seen, policy, self.config().poll_bounds);
        Ok(Probe {
            url: url.clone(),
            final_url: response.final_url,
            status: response.status,
            content_type: response.content_type,
            etag: response.etag,
            last_modified: response.last_modified,
            bytes,
            hints,
            next,
            document,
        })
    }
}
