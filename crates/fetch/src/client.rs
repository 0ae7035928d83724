//! The polite HTTP client: one reqwest client, a limit per host, a cap on every body, and
//! only the addresses the config allows ([`crate::guard`]).

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use chorus_model::{FeedEntry, FeedState, PageHeaders, RawPage};
use chorus_text::may_be_html;
use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use crate::config::FetchSettings;
use crate::error::{FeedError, FetchError, Limits};
use crate::feed::may_be_feed;
use crate::guard::{AddressPolicy, GuardedResolver};
use crate::host::Hosts;

/// Downloads feeds and article pages politely: every request carries the configured
/// `User-Agent`, obeys the time and size limits, and waits for its turn on its host
/// (`host:port`) first: at most `per_host_concurrency` requests reach one host at once and
/// their starts are `per_host_gap_ms` apart, whether they are feed polls or page
/// downloads, and robots.txt is honoured (see `host.rs` for the whole of it).
///
/// One `Fetcher` serves a whole run; share it as `Arc<Fetcher>`.
#[derive(Debug)]
pub struct Fetcher {
    pub(crate) client: reqwest::Client,
    pub(crate) cfg: FetchSettings,
    addresses: Arc<AddressPolicy>,
    pub(crate) hosts: Hosts,
    /// Cancelled by [`Fetcher::stop_waiting`].
    pub(crate) stopping: CancellationToken,
}

/// What a request is for: it decides the `Accept` header and whether the body must be
/// HTML.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    Feed,
    Page,
}

/// A successful response, body read.
pub(crate) struct Response {
    /// Whether the server answered 304 Not Modified (then `body` is empty).
    pub(crate) not_modified: bool,
    /// The HTTP status of the answer.
    pub(crate) status: u16,
    pub(crate) final_url: Url,
    pub(crate) content_type: Option<String>,
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
    /// What the server said about coming back (also on a failed status).
    pub(crate) hints: HintHeaders,
    pub(crate) body: Vec<u8>,
}

/// The response headers that tell a poller when to come back, verbatim, with the status.
#[derive(Clone, Debug, Default)]
pub(crate) struct HintHeaders {
    pub(crate) status: u16,
    pub(crate) cache_control: Option<String>,
    pub(crate) expires: Option<String>,
    pub(crate) retry_after: Option<String>,
}

impl Fetcher {
    /// Builds the client from checked settings ([`crate::FetchConfig::validate`]), after
    /// installing the TLS crypto provider ([`crate::init_tls`]).
    ///
    /// Connections go straight to the outlet: proxy settings in the environment are
    /// ignored, since a proxy would resolve names where the address guard cannot see.
    pub fn new(cfg: &FetchSettings) -> Result<Fetcher, FetchError> {
        crate::init_tls();
        let addresses =
            Arc::new(AddressPolicy::new(cfg.allow_private_networks, &cfg.allowed_networks));
        let resolver = GuardedResolver { policy: Arc::clone(&addresses) };
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.as_str())
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            // Followed hop by hop in `get` (see there), never inside the client.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(resolver)
            .no_proxy()
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|source| FetchError::Client { source })?;
        Ok(Fetcher {
            client,
            cfg: cfg.clone(),
            addresses,
            hosts: Hosts::new(),
            stopping: CancellationToken::new(),
        })
    }

    /// Makes every request still waiting for its host's turn fail at once with
    /// [`FetchError::Stopped`] (a passing failure, so a page is tried again at a later
    /// poll), and every later request too. Requests already sent finish as usual. For a
    /// shutdown: waiting out politeness gaps and pauses could outlast its grace period.
    pub fn stop_waiting(&self) {
        self.stopping.cancel();
    }

    /// The settings this fetcher was built with.
    pub fn config(&self) -> &FetchSettings {
        &self.cfg
    }

    /// Downloads one article page.
    ///
    /// Fails on a non-success status, a timeout, too many redirects or a redirect loop, a
    /// body over `max_body_bytes`, an address over `max_url_bytes`, an address the config
    /// does not allow ([`FetchError::Forbidden`]), a `Content-Type` that cannot be a page
    /// ([`may_be_html`]: an image, SVG, JSON, a PDF; a missing one is accepted), an address
    /// robots.txt disallows, or a host that asked for a long pause. `entry` is passed
    /// through into the page.
    pub async fn fetch_page(
        &self,
        url: &Url,
        outlet: &str,
        entry: Option<FeedEntry>,
    ) -> Result<RawPage, FetchError> {
        let response = self.get(url, None, Want::Page).await?;
        Ok(RawPage {
            url: url.clone(),
            final_url: response.final_url,
            outlet: outlet.to_owned(),
            fetched_at: chrono::Utc::now(),
            content_type: response.content_type,
            headers: PageHeaders {
                status: Some(response.status),
                etag: response.etag,
                last_modified: response.last_modified,
            },
            body: response.body,
            entry,
            ticket: None,
        })
    }

    /// One GET, holding a slot on the host until the body is read. With `conditional`,
    /// sends `If-None-Match` / `If-Modified-Since` and accepts a 304.
    pub(crate) async fn get(
        &self,
        url: &Url,
        conditional: Option<&FeedState>,
        want: Want,
    ) -> Result<Response, FetchError> {
        self.get_hinted(url, conditional, want).await.0
    }

    /// [`Fetcher::get`], with the response's hint headers even when the status failed it
    /// (a 429 or 503 carries `Retry-After`).
    pub(crate) async fn get_hinted(
        &self,
        url: &Url,
        conditional: Option<&FeedState>,
        want: Want,
    ) -> (Result<Response, FetchError>, HintHeaders) {
        let mut hints = HintHeaders::default();
        let started = std::time::Instant::now();
        let mut waited = std::time::Duration::ZERO;
        let result = self.get_inner(url, conditional, want, &mut hints, &mut waited).await;
        let kind = match want {
            Want::Feed => "feed",
            Want::Page => "page",
        };
        let outcome = match &result {
            Ok(response) if response.not_modified => "not_modified",
            Ok(_) => "ok",
            Err(e) => e.reason(),
        };
        // A request that never left (a forbidden address, a stop) has no latency to tell.
        if !matches!(outcome, "stopped" | "forbidden_address" | "bad_url" | "url_too_long") {
            let took = started.elapsed().saturating_sub(waited);
            chorus_model::live().observe_fetch(kind, outcome, took.as_secs_f64());
        }
        (result, hints)
    }

    async fn get_inner(
        &self,
        url: &Url,
        conditional: Option<&FeedState>,
        want: Want,
        hints: &mut HintHeaders,
        waited: &mut std::time::Duration,
    ) -> Result<Response, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::UnsupportedUrl { url: url.clone() });
        }
        self.addresses.before_sending(url, self.cfg.max_url_bytes)?;
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(accept(want)));
        if let Some(state) = conditional {
            // A stored value that is not a valid header (it came from a server) is skipped
            // rather than failing the poll.
            let valid =
                |v: &Option<String>| v.as_deref().and_then(|v| HeaderValue::from_str(v).ok());
            if let Some(etag) = valid(&state.etag) {
                headers.insert(header::IF_NONE_MATCH, etag);
            }
            if let Some(since) = valid(&state.last_modified) {
                headers.insert(header::IF_MODIFIED_SINCE, since);
            }
        }

        // Redirects are followed here, not inside the HTTP client, so that each hop waits
        // for its host's turn (politeness), passes robots.txt, and is checked against the
        // address rules, the URL length, loops and the redirect limit.
        let mut current = url.clone();
        let mut visited = vec![url.clone()];
        let (response, host_slot) = loop {
            // The wait for the host's turn is politeness, not the server's latency.
            let queued = std::time::Instant::now();
            let host_slot = self.host_slot(&current).await;
            *waited += queued.elapsed();
            let host_slot = host_slot?;
            let response =
                match self.client.get(current.clone()).headers(headers.clone()).send().await {
                    Ok(response) => response,
                    Err(err) => {
                        let err = self.error(url, err);
                        host_slot.failed(&err);
                        return Err(err);
                    }
                };
            let Some(next) = redirect_target(&response, &current) else {
                break (response, host_slot);
            };
            host_slot.succeeded();
            // The slot is given back before the next hop waits for its own.
            drop(host_slot);
            self.next_hop(url, &visited, &next, self.cfg.max_redirects)?;
            visited.push(next.clone());
            current = next;
        };
        let status = response.status();
        let text =
            |name| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let mut out = Response {
            not_modified: false,
            status: status.as_u16(),
            final_url: response.url().clone(),
            content_type: text(header::CONTENT_TYPE),
            etag: text(header::ETAG),
            last_modified: text(header::LAST_MODIFIED),
            hints: HintHeaders {
                status: status.as_u16(),
                cache_control: text(header::CACHE_CONTROL),
                expires: text(header::EXPIRES),
                retry_after: text(header::RETRY_AFTER),
            },
            body: Vec::new(),
        };
        *hints = out.hints.clone();
        if status == StatusCode::NOT_MODIFIED && conditional.is_some() {
            host_slot.succeeded();
            out.not_modified = true;
            return Ok(out);
        }
        if !status.is_success() {
            return Err(host_slot.refused(url, status.as_u16(), response.headers()));
        }
        if want == Want::Page
            && let Some(content_type) = out.content_type.as_deref().filter(|ct| !may_be_html(ct))
        {
            host_slot.succeeded();
            return Err(FetchError::NotHtml {
                url: url.clone(),
                content_type: content_type.to_owned(),
            });
        }
        if want == Want::Feed
            && let Some(content_type) = out.content_type.as_deref().filter(|ct| !may_be_feed(ct))
        {
            let found = format!("a response of type {content_type}");
            host_slot.succeeded();
            return Err(FetchError::Feed {
                url: url.clone(),
                source: FeedError::NotAFeed { found },
            });
        }
        // The host has answered well only once the body is in: a server that sends its
        // headers and then stalls is failing, and its backoff must grow.
        match self.read_body(url, response).await {
            Ok(body) => {
                host_slot.succeeded();
                out.body = body;
                Ok(out)
            }
            Err(err) => {
                host_slot.failed(&err);
                Err(err)
            }
        }
    }

    /// Checks a redirect from `url`'s chain (`visited` so far) to `next`: not back to an
    /// address already visited, not past `limit` redirects, http(s), not too long, and to
    /// an address the config allows. Errors name the address first asked for.
    pub(crate) fn next_hop(
        &self,
        url: &Url,
        visited: &[Url],
        next: &Url,
        limit: usize,
    ) -> Result<(), FetchError> {
        if visited.contains(next) {
            return Err(FetchError::RedirectLoop { url: url.clone(), to: Box::new(next.clone()) });
        }
        if visited.len() > limit {
            return Err(FetchError::TooManyRedirects { url: url.clone(), limit });
        }
        if !matches!(next.scheme(), "http" | "https") {
            return Err(FetchError::UnsupportedUrl { url: next.clone() });
        }
        self.addresses.before_sending(next, self.cfg.max_url_bytes).map_err(|err| match err {
            FetchError::UrlTooLong { limit, .. } => {
                FetchError::UrlTooLong { url: url.clone(), limit }
            }
            FetchError::Forbidden { addr, why, .. } => {
                FetchError::Forbidden { url: url.clone(), addr, why }
            }
            other => other,
        })
    }

    /// Reads the body chunk by chunk, failing as soon as it would pass the cap, so no more
    /// than `max_body_bytes` is ever held. The chunks are decompressed already, so the cap
    /// is on the decoded size: a small compressed body that inflates past it fails too.
    async fn read_body(
        &self,
        url: &Url,
        response: reqwest::Response,
    ) -> Result<Vec<u8>, FetchError> {
        let limit = self.cfg.max_body_bytes;
        let too_large = || FetchError::TooLarge { url: url.clone(), limit };
        // Announced length: fail before reading anything. (Absent for compressed bodies,
        // whose decoded size is only known while reading.)
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(too_large());
        }
        // Trust the announced length for preallocation only up to a point: it may be a lie.
        let reserve = response.content_length().unwrap_or(0).min(1 << 20) as usize;
        let mut body = Vec::with_capacity(reserve);
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.error(url, e))?;
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            extend_within(&mut body, &chunk, usize::try_from(limit).unwrap_or(usize::MAX));
        }
        Ok(body)
    }

    pub(crate) fn error(&self, url: &Url, err: reqwest::Error) -> FetchError {
        FetchError::from_reqwest(url, err, Limits::of(&self.cfg))
    }
}

/// Where a redirect answer sends the request next, if it is one (301, 302, 303, 307, 308
/// with a `Location` that resolves against `from`).
pub(crate) fn redirect_target(response: &reqwest::Response, from: &Url) -> Option<Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
    from.join(location).ok()
}

/// Appends `chunk`, growing `body` by doubling as `Vec` would, but never past `cap`, so
/// the buffer itself stays under the body cap. The caller has checked that it fits.
fn extend_within(body: &mut Vec<u8>, chunk: &[u8], cap: usize) {
    let needed = body.len() + chunk.len();
    if needed > body.capacity() {
        let target = needed.max(body.capacity() * 2).min(cap.max(needed));
        body.reserve_exact(target - body.len());
    }
    body.extend_from_slice(chunk);
}

fn accept(want: Want) -> &'static str {
    match want {
        Want::Feed => {
            "application/rss+xml, application/atom+xml, application/feed+json, \
             application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
        }
        Want::Page => "text/html, application/xhtml+xml;q=0.9, */*;q=0.8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_buffer_never_grows_past_the_cap() {
        let cap = 200_000;
        let mut body = Vec::new();
        let chunk = [7u8; 8192];
        while body.len() + chunk.len() <= cap {
            extend_within(&mut body, &chunk, cap);
            assert!(
                body.capacity() <= cap,
                "capacity {} at length {}",
                body.capacity(),
                body.len()
            );
        }
        let rest = cap - body.len();
        extend_within(&mut body, &chunk[..rest], cap);
        assert_eq!((body.len(), body.capacity()), (cap, cap));
    }
}
