//! Polling one feed: conditional GET, change detection, parsing, sitemap indexes.

use chorus_model::{FeedCheck, FeedEntry, FeedJob, FeedOutcome, FeedState};
use url::Url;
use xxhash_rust::xxh3::xxh3_64;

use crate::client::{Fetcher, Want};
use crate::error::{FeedError, FetchError};
use crate::feed::{FeedDocument, parse_response};

/// What a successful poll found.
enum Polled {
    NotModified(FeedState),
    Fetched(FeedState, Vec<FeedEntry>),
}

impl Fetcher {
    /// Polls one feed with a conditional GET (`If-None-Match` from `job.state.etag`,
    /// `If-Modified-Since` from `job.state.last_modified`).
    ///
    /// - A 304, or a body whose hash equals `job.state.body_hash`, is
    ///   [`FeedOutcome::NotModified`], with no entries.
    /// - A parsed feed is [`FeedOutcome::Fetched`] with its entries; `new_entries` is left
    ///   at 0, since only the caller knows which articles it has (the stage fills it in).
    /// - A sitemap index is fetched, then up to `max_child_sitemaps` of its children
    ///   (newest first), and their entries are merged, at most `max_entries_per_feed`.
    ///   Children are fetched without conditions each time the index changes; a child
    ///   that fails is logged and skipped, and the poll fails only if all of them do.
    /// - Any failure (HTTP, timeout, size, not a feed, malformed) is [`FeedOutcome::Failed`]
    ///   with a short reason fit to show users.
    ///
    /// The returned check carries the state for the next poll: the new `ETag`,
    /// `Last-Modified` and body hash on success, `job.state` unchanged on failure.
    #[tracing::instrument(level = "debug", skip_all, fields(feed = %job.feed.url))]
    pub async fn poll_feed(&self, job: &FeedJob) -> (FeedCheck, Vec<FeedEntry>) {
        let (outcome, state, entries) = match self.poll(&job.feed.url, &job.state).await {
            Ok(Polled::NotModified(state)) => (FeedOutcome::NotModified, state, Vec::new()),
            Ok(Polled::Fetched(state, entries)) => {
                let count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
                (FeedOutcome::Fetched { entries: count, new_entries: 0 }, state, entries)
            }
            Err(err) => {
                // The stage counts and samples failed polls; the store keeps each one.
                tracing::debug!(error = %err, reason = err.reason(), "feed poll failed");
                (FeedOutcome::Failed { reason: err.to_string() }, job.state.clone(), Vec::new())
            }
        };
        let check =
            FeedCheck { feed: job.feed.clone(), checked_at: chrono::Utc::now(), outcome, state };
        (check, entries)
    }

    async fn poll(&self, url: &Url, old: &FeedState) -> Result<Polled, FetchError> {
        let response = self.get(url, Some(old), Want::Feed).await?;
        if response.not_modified {
            // A 304 may carry a fresh validator; otherwise the old one still holds.
            return Ok(Polled::NotModified(FeedState {
                etag: response.etag.or_else(|| old.etag.clone()),
                last_modified: response.last_modified.or_else(|| old.last_modified.clone()),
                body_hash: old.body_hash.clone(),
            }));
        }
        let state = FeedState {
            etag: response.etag,
            last_modified: response.last_modified,
            body_hash: Some(format!("{:016x}", xxh3_64(&response.body))),
        };
        if state.body_hash.is_some() && state.body_hash == old.body_hash {
            return Ok(Polled::NotModified(state));
        }
        let doc = self.parse(url, response.body, response.content_type, response.final_url).await?;
        if doc.sitemaps.is_empty() {
            return Ok(Polled::Fetched(state, doc.entries));
        }
        let entries = self.follow_index(&doc.sitemaps).await?;
        Ok(Polled::Fetched(state, entries))
    }

    /// Parses off the async workers: a large feed takes milliseconds of CPU. The
    /// `Content-Type` is passed for its `charset`.
    async fn parse(
        &self,
        url: &Url,
        body: Vec<u8>,
        content_type: Option<String>,
        base: Url,
    ) -> Result<FeedDocument, FetchError> {
        let max = self.config().max_entries_per_feed.get();
        let parsed = tokio::task::spawn_blocking(move || {
            parse_response(&body, content_type.as_deref(), &base, max)
        })
        .await;
        let parsed =
            parsed.unwrap_or_else(|e| Err(FeedError::ParserPanic { detail: e.to_string() }));
        parsed.map_err(|source| FetchError::Feed { url: url.clone(), source })
    }

    /// The entries of a sitemap index's children, newest children first.
    async fn follow_index(&self, children: &[Url]) -> Result<Vec<FeedEntry>, FetchError> {
        let max = self.config().max_entries_per_feed.get();
        let mut entries = Vec::new();
        let mut first_error = None;
        let mut succeeded = 0;
        for child in children.iter().take(self.config().max_child_sitemaps) {
            if entries.len() >= max {
                break;
            }
            let fetched = match self.get(child, None, Want::Feed).await {
                Ok(response) => {
                    self.parse(child, response.body, response.content_type, response.final_url)
                        .await
                }
                Err(err) => Err(err),
            };
            match fetched {
                Ok(doc) => {
                    if !doc.sitemaps.is_empty() {
                        // One level only: an index of indexes would multiply requests.
                        tracing::debug!(sitemap = %child, "nested sitemap index ignored");
                    }
                    succeeded += 1;
                    entries.extend(doc.entries);
                }
                Err(err) => {
                    tracing::debug!(sitemap = %child, error = %err, "child sitemap failed");
                    first_error.get_or_insert(err);
                }
            }
        }
        match first_error {
            Some(err) if succeeded == 0 => Err(err),
            _ => {
                entries.truncate(max);
                Ok(entries)
            }
        }
    }
}
