//! The polite HTTP client: one reqwest client, a limit per host, a cap on every body.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chorus_model::{FeedEntry, FeedState, RawPage};
use chorus_text::may_be_html;
use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

use crate::config::FetchSettings;
use crate::error::FetchError;

/// Above this many hosts, idle per-host limits are forgotten, so a long run over many
/// hosts does not keep one semaphore per host ever seen.
const MAX_IDLE_HOSTS: usize = 4096;

/// Downloads feeds and article pages politely: every request carries the configured
/// `User-Agent`, obeys the time and size limits, and waits for a free slot on its host
/// (`host:port`) first, so at most `per_host_concurrency` requests reach one host at once,
/// whether they are feed polls or page downloads.
///
/// One `Fetcher` serves a whole run; share it as `Arc<Fetcher>`.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    cfg: FetchSettings,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
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
    pub fn new(cfg: &FetchSettings) -> Result<Fetcher, FetchError> {
        crate::init_tls();
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.as_str())
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::limited(cfg.max_redirects))
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|source| FetchError::Client { source })?;
        Ok(Fetcher { client, cfg: cfg.clone(), hosts: Mutex::new(HashMap::new()) })
    }

    /// The settings this fetcher was built with.
    pub fn config(&self) -> &FetchSettings {
        &self.cfg
    }

    /// Downloads one article page.
    ///
    /// Fails on a non-success status, a timeout, too many redirects, a body over
    /// `max_body_bytes`, or a `Content-Type` that cannot be a page ([`may_be_html`]: an
    /// image, SVG, JSON, a PDF; a missing one is accepted). `entry` is passed through into
    /// the page.
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
            body: response.body,
            entry,
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
        let result = self.get_inner(url, conditional, want, &mut hints).await;
        (result, hints)
    }

    async fn get_inner(
        &self,
        url: &Url,
        conditional: Option<&FeedState>,
        want: Want,
        hints: &mut HintHeaders,
    ) -> Result<Response, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::UnsupportedUrl { url: url.clone() });
        }
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

        let _host_slot = self.host_slot(url).await;
        let response = self
            .client
            .get(url.clone())
            .headers(headers)
            .send()
            .await
            .map_err(|e| self.error(url, e))?;
        let status = response.status();
        let text =
            |name| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let mut out = Response {
            not_modified: false,
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
            out.not_modified = true;
            return Ok(out);
        }
        if !status.is_success() {
            return Err(FetchError::Status { url: url.clone(), status: status.as_u16() });
        }
        if want == Want::Page
            && let Some(content_type) = out.content_type.as_deref().filter(|ct| !may_be_html(ct))
        {
            return Err(FetchError::NotHtml {
                url: url.clone(),
                content_type: content_type.to_owned(),
            });
        }
        out.body = self.read_body(url, response).await?;
        Ok(out)
    }

    /// Reads the body chunk by chunk, failing as soon as it would pass the cap, so no more
    /// than `max_body_bytes` is ever held.
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
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Waits for a free slot on `url`'s host. The slot is released when the permit drops.
    async fn host_slot(&self, url: &Url) -> OwnedSemaphorePermit {
        let semaphore = {
            let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
            if hosts.len() >= MAX_IDLE_HOSTS {
                // A semaphore only this map refers to has no permit out and no waiter.
                hosts.retain(|_, s| Arc::strong_count(s) > 1);
            }
            let limit = self.cfg.per_host_concurrency.get();
            Arc::clone(
                hosts.entry(host_key(url)).or_insert_with(|| Arc::new(Semaphore::new(limit))),
            )
        };
        semaphore.acquire_owned().await.expect("per-host semaphores are never closed")
    }

    fn error(&self, url: &Url, err: reqwest::Error) -> FetchError {
        let cfg = &self.cfg;
        FetchError::from_reqwest(url, err, cfg.connect_timeout, cfg.timeout, cfg.max_redirects)
    }
}

/// The politeness key: host and port, so two servers on one machine are two hosts.
fn host_key(url: &Url) -> String {
    format!("{}:{}", url.host_str().unwrap_or_default(), url.port_or_known_default().unwrap_or(0))
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
    fn host_key_includes_the_port() {
        let key = |s: &str| host_key(&Url::parse(s).unwrap());
        assert_eq!(key("https://a.test/x"), "a.test:443");
        assert_eq!(key("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_ne!(key("http://127.0.0.1:1/"), key("http://127.0.0.2:1/"));
    }
}
