//! Polling one feed: conditional GET, change detection, parsing, sitemap indexes.

use chorus_model::{FeedCheck, FeedEntry, FeedJob, FeedOutcome, FeedState};
use url::Url;
use xxhash_rust::xxh3::xxh3_64;

use crate::client::{Fetcher, Want};
use crate::error::{FeedError, FetchError};
use crate::feed::{FeedDocument, parse_response};
use crate::hints::ServerHints;
use crate::host::with_robots_policy;

/// What a successful poll found.
enum Polled {
    NotModified(FeedState),
    /// The state, the entries, and how many entries were unreadable and skipped.
    Fetched(FeedState, Vec<FeedEntry>, usize),
}

/// A run of this many "not modified" answers in a row is broken by one poll without
/// validators, to check that the server's `ETag`/`Last-Modified` tell the truth.
pub(crate) const VALIDATOR_CHECK_EVERY: u32 = 8;

/// One poll with what the schedule needs besides the check.
pub(crate) struct PollReport {
    pub(crate) check: FeedCheck,
    pub(crate) entries: Vec<FeedEntry>,
    pub(crate) hints: ServerHints,
    /// For a failed poll: whether the failure will likely repeat (404, not a feed) rather
    /// than pass (timeout, 429, 5xx).
    pub(crate) hard_failure: Option<bool>,
    /// The poll was never sent: the run is stopping ([`FetchError::Stopped`]). It says
    /// nothing about the feed, so it is neither recorded nor scheduled.
    pub(crate) stopped: bool,
    /// Entries the body held that could not be read (broken XML), skipped.
    pub(crate) skipped: usize,
}

impl Fetcher {
    /// Polls one feed with a conditional GET (`If-None-Match` from `job.state.etag`,
    /// `If-Modified-Since` from `job.state.last_modified`).
    ///
    /// - A 304, or a body whose hash equals `job.state.body_hash`, is
    ///   [`FeedOutcome::NotModified`], with no entries.
    /// - Validators are checked against the body: after a run of "not modified" answers
    ///   the feed is polled once without them, and if its body then changed while the
    ///   server kept the same `ETag` or `Last-Modified` (so it would have answered 304),
    ///   the state is marked `validators_unreliable` and the feed is polled without
    ///   validators from then on; the body hash still spares parsing an unchanged feed.
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
    /// `Last-Modified` and body hash on success, `job.state` unchanged on failure. Its
    /// `next_poll` is left empty: the fetch stage decides it, knowing which entries are new.
    #[tracing::instrument(level = "debug", skip_all, fields(feed = %job.feed.url))]
    pub async fn poll_feed(&self, job: &FeedJob) -> (FeedCheck, Vec<FeedEntry>) {
        let report = self.poll_report(job).await;
        (report.check, report.entries)
    }

    /// [`Fetcher::poll_feed`], with the server's hints and the kind of failure.
    pub(crate) async fn poll_report(&self, job: &FeedJob) -> PollReport {
        let mut hints = ServerHints::default();
        // The feed's own robots.txt choice holds for its sitemap children too.
        let poll = self.poll(&job.feed.url, &job.state, &mut hints);
        let polled = with_robots_policy(job.feed.respect_robots, poll).await;
        let stopped = matches!(polled, Err(FetchError::Stopped { .. }));
        let mut skipped = 0;
        let (outcome, state, entries, hard_failure) = match polled {
            Ok(Polled::NotModified(state)) => (FeedOutcome::NotModified, state, Vec::new(), None),
            Ok(Polled::Fetched(state, entries, unreadable)) => {
                skipped = unreadable;
                let count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
                let outcome = FeedOutcome::Fetched { entries: count, new_entries: 0 };
                (outcome, state, entries, None)
            }
            Err(err) => {
                // The stage counts and samples failed polls; the store keeps each one.
                tracing::debug!(error = %err, reason = err.reason(), "feed poll failed");
                let outcome = FeedOutcome::Failed { reason: err.to_string() };
                (outcome, job.state.clone(), Vec::new(), Some(!err.is_passing()))
            }
        };
        let check = FeedCheck {
            feed: job.feed.clone(),
            checked_at: chrono::Utc::now(),
            outcome,
            state,
            next_poll: None,
        };
        PollReport { check, entries, hints, hard_failure, stopped, skipped }
    }

    async fn poll(
        &self,
        url: &Url,
        old: &FeedState,
        hints: &mut ServerHints,
    ) -> Result<Polled, FetchError> {
        let checking = !old.validators_unreliable && old.unchanged_streak >= VALIDATOR_CHECK_EVERY;
        let conditional = !old.validators_unreliable && !checking;
        let (response, headers) =
            self.get_hinted(url, conditional.then_some(old), Want::Feed).await;
        let h = &headers;
        *hints = ServerHints::from_headers(
            h.status,
            h.cache_control.as_deref(),
            h.expires.as_deref(),
            h.retry_after.as_deref(),
            chrono::Utc::now(),
        );
        let response = response?;
        if response.not_modified {
            // A 304 may carry a fresh validator; otherwise the old one still holds.
            return Ok(Polled::NotModified(FeedState {
                etag: response.etag.or_else(|| old.etag.clone()),
                last_modified: response.last_modified.or_else(|| old.last_modified.clone()),
                unchanged_streak: old.unchanged_streak.saturating_add(1),
                ..old.clone()
            }));
        }
        hints.read_body(&response.body);
        let body_hash = Some(format!("{:016x}", xxh3_64(&response.body)));
        let same_body = old.body_hash.is_some() && body_hash == old.body_hash;
        let lied = checking && !same_body && old.body_hash.is_some() && {
            let kept = |new: &Option<String>, old: &Option<String>| old.is_some() && new == old;
            kept(&response.etag, &old.etag) || kept(&response.last_modified, &old.last_modified)
        };
        if lied {
            tracing::warn!(
                feed = %url,
                "the feed changed while its server kept the same ETag/Last-Modified: \
                 polling it without validators from now on"
            );
        }
        let state = FeedState {
            etag: response.etag,
            last_modified: response.last_modified,
            body_hash,
            validators_unreliable: old.validators_unreliable || lied,
            unchanged_streak: match (same_body, checking) {
                (true, false) => old.unchanged_streak.saturating_add(1),
                _ => 0,
            },
            history: old.history.clone(),
        };
        if same_body {
            return Ok(Polled::NotModified(state));
        }
        let doc = self.parse(url, response.body, response.content_type, response.final_url).await?;
        if doc.sitemaps.is_empty() {
            return Ok(Polled::Fetched(state, doc.entries, doc.skipped));
        }
        let (entries, skipped) = self.follow_index(&doc.sitemaps).await?;
        // An index can stay the same while its children change (a static index over a news
        // sitemap rewritten every few minutes): its own validators and hash say nothing
        // about them, so none are kept, and each poll reads the index and its children.
        let mut state = state;
        state.forget_validators();
        Ok(Polled::Fetched(state, entries, doc.skipped + skipped))
    }

    /// Parses off the async workers: a large feed takes milliseconds of CPU. The
    /// `Content-Type` is passed for its `charset`.
    pub(crate) async fn parse(
        &self,
        url: &Url,
        body: Vec<u8>,
        content_type: Option<String>,
        base: Url,
    ) -> Result<FeedDocument, FetchError> {
        let max = self.config().max_entries_per_feed.get();
        let parsed = tokio::task::spawn_blocking(move || {
            // Parsing feeds is the fetch stage's CPU (the downloads are waiting).
            let cpu = chorus_model::live().stage(chorus_model::Stage::Fetch);
            cpu.timed(|| parse_response(&body, content_type.as_deref(), &base, max))
        })
        .await;
        let parsed =
            parsed.unwrap_or_else(|e| Err(FeedError::ParserPanic { detail: e.to_string() }));
        parsed.map_err(|source| FetchError::Feed { url: url.clone(), source })
    }

    /// The entries of a sitemap index's children, newest children first, and how many of
    /// their entries were unreadable.
    async fn follow_index(&self, children: &[Url]) -> Result<(Vec<FeedEntry>, usize), FetchError> {
        let max = self.config().max_entries_per_feed.get();
        let mut entries = Vec::new();
        let mut skipped = 0;
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
                    skipped += doc.skipped;
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
                Ok((entries, skipped))
            }
        }
    }
}
