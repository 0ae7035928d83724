//! What can go wrong fetching and parsing.

use std::net::IpAddr;
use std::time::Duration;

use url::Url;

use crate::guard::{AddressKind, Refusal};

/// A failed request, a refused page, or a feed that could not be read.
///
/// `Display` is a short cause fit to show users ("HTTP 503 Service Unavailable", "timed
/// out after 30 s"); the address is in the fields, and in the tracing span of the log
/// line, so it is not repeated in the message. [`FetchError::reason`] gives a slug for
/// counting.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client: {source}")]
    Client {
        /// What reqwest reported.
        source: reqwest::Error,
    },
    /// The address is not `http` or `https`.
    #[error("not an http(s) address")]
    UnsupportedUrl {
        /// The address.
        url: Url,
    },
    /// The server answered with a status other than success (or 304 to a conditional
    /// feed poll).
    #[error("HTTP {}", status_text(status))]
    Status {
        /// The requested address.
        url: Url,
        /// The status code.
        status: u16,
    },
    /// The request took longer than allowed.
    #[error("timed out after {secs} s")]
    Timeout {
        /// The requested address.
        url: Url,
        /// The limit that was hit (the connect or the total timeout).
        secs: u64,
    },
    /// The body (announced or received) is larger than `fetch.max_body_bytes`.
    #[error("body larger than {limit} bytes")]
    TooLarge {
        /// The requested address.
        url: Url,
        /// The limit.
        limit: u64,
    },
    /// The redirect chain is longer than `fetch.max_redirects`.
    #[error("more than {limit} redirects")]
    TooManyRedirects {
        /// The requested address.
        url: Url,
        /// The limit.
        limit: usize,
    },
    /// A redirect led back to an address already visited in the same chain.
    #[error("redirect loop back to {to}")]
    RedirectLoop {
        /// The requested address.
        url: Url,
        /// The address visited twice (boxed: two addresses inline would make every
        /// `FetchError` larger).
        to: Box<Url>,
    },
    /// The address, or a redirect target, is longer than `fetch.max_url_bytes`.
    #[error("address longer than {limit} bytes")]
    UrlTooLong {
        /// The requested address.
        url: Url,
        /// The limit.
        limit: usize,
    },
    /// The address (as written, as resolved, or after a redirect) is not on the public
    /// internet, and the config does not allow it.
    #[error(
        "refused to connect to {addr}: it is {why}; set fetch.allow_private_networks = true \
         or list it in fetch.allowed_networks to allow it"
    )]
    Forbidden {
        /// The requested address.
        url: Url,
        /// The IP address refused.
        addr: IpAddr,
        /// What kind of address it is.
        why: AddressKind,
    },
    /// No connection could be made (refused, DNS, TLS).
    #[error("connection failed: {detail}")]
    Connect {
        /// The requested address.
        url: Url,
        /// The innermost cause, readable ("Connection refused (os error 111)").
        detail: String,
        /// What reqwest reported.
        source: reqwest::Error,
    },
    /// An article page whose `Content-Type` is clearly not HTML.
    #[error("not an HTML page ({content_type})")]
    NotHtml {
        /// The requested address.
        url: Url,
        /// The `Content-Type` the server sent.
        content_type: String,
    },
    /// The connection broke or the body could not be decoded.
    #[error("transfer failed: {detail}")]
    Transfer {
        /// The requested address.
        url: Url,
        /// The innermost cause, readable.
        detail: String,
        /// What reqwest reported.
        source: reqwest::Error,
    },
    /// The host's robots.txt does not let Chorus fetch this address. Not tried again: the
    /// rules are read afresh once a day, and a later poll that finds the address allowed
    /// fetches it then.
    #[error("disallowed by robots.txt")]
    RobotsDisallowed {
        /// The requested address.
        url: Url,
    },
    /// The host's robots.txt answered 429 or 5xx, so what may be fetched is unknown and
    /// nothing is, for now.
    #[error("robots.txt unavailable (HTTP {status})")]
    RobotsUnavailable {
        /// The robots.txt address.
        url: Url,
        /// Its status.
        status: u16,
    },
    /// The host asked to be left alone (429 or 503 with `Retry-After`) for longer than a
    /// request waits; no request was sent.
    #[error("host paused for {secs} s more at its request")]
    HostPaused {
        /// The requested address.
        url: Url,
        /// Seconds left of the pause.
        secs: u64,
    },
    /// The run is stopping: the request was still waiting for its host's turn, and was
    /// not sent ([`crate::Fetcher::stop_waiting`]).
    #[error("{url}: not sent, the run is stopping")]
    Stopped {
        /// The requested address.
        url: Url,
    },
    /// The feed was downloaded but could not be read.
    #[error("{source}")]
    Feed {
        /// The feed's address.
        url: Url,
        /// Why it could not be read.
        source: FeedError,
    },
}

impl FetchError {
    /// A short slug for counting failures by kind ("http_404", "timeout", "too_large",
    /// "redirects", "redirect_loop", "url_too_long", "forbidden_address", "not_html",
    /// "connect", …). HTTP statuses outside the common ones are
    /// grouped ("http_4xx", "http_5xx") so the set of slugs stays small.
    pub fn reason(&self) -> &'static str {
        match self {
            FetchError::Client { .. } => "client",
            FetchError::UnsupportedUrl { .. } => "bad_url",
            FetchError::Status { status, .. } => status_slug(*status),
            FetchError::Timeout { .. } => "timeout",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::TooManyRedirects { .. } => "redirects",
            FetchError::RedirectLoop { .. } => "redirect_loop",
            FetchError::UrlTooLong { .. } => "url_too_long",
            FetchError::Forbidden { .. } => "forbidden_address",
            FetchError::Connect { .. } => "connect",
            FetchError::NotHtml { .. } => "not_html",
            FetchError::Transfer { .. } => "transfer",
            FetchError::RobotsDisallowed { .. } => "robots_disallowed",
            FetchError::RobotsUnavailable { .. } => "robots_unavailable",
            FetchError::HostPaused { .. } => "host_paused",
            FetchError::Stopped { .. } => "stopped",
            FetchError::Feed { source, .. } => source.reason(),
        }
    }

    /// Whether the failure may pass ([`Failure::Soft`]: a timeout, a refused or broken
    /// connection, a status that says "later" (408, 425, 429, 5xx), a robots.txt that
    /// cannot be read for now, a host that asked for a pause) or will happen the same way
    /// again ([`Failure::Hard`]: a missing page (404, 410), a body that is not HTML, too
    /// large or not a feed, a redirect loop, an address the config does not allow or that
    /// is too long, an address robots.txt disallows). A scheduler backs off a feed on soft
    /// failures and may give up on hard ones.
    pub fn failure(&self) -> Failure {
        let soft = match self {
            FetchError::Timeout { .. }
            | FetchError::Connect { .. }
            | FetchError::Transfer { .. }
            | FetchError::RobotsUnavailable { .. }
            | FetchError::HostPaused { .. }
            | FetchError::Stopped { .. } => true,
            FetchError::Status { status, .. } => matches!(status, 408 | 425 | 429 | 500..=599),
            _ => false,
        };
        if soft { Failure::Soft } else { Failure::Hard }
    }

    /// True for a [`Failure::Soft`] failure, one worth trying again later.
    pub fn is_passing(&self) -> bool {
        self.failure() == Failure::Soft
    }

    /// The address the error is about, when there is one.
    pub fn url(&self) -> Option<&Url> {
        match self {
            FetchError::Client { .. } => None,
            FetchError::UnsupportedUrl { url }
            | FetchError::Status { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::RedirectLoop { url, .. }
            | FetchError::UrlTooLong { url, .. }
            | FetchError::Forbidden { url, .. }
            | FetchError::Connect { url, .. }
            | FetchError::NotHtml { url, .. }
            | FetchError::Transfer { url, .. }
            | FetchError::RobotsDisallowed { url }
            | FetchError::RobotsUnavailable { url, .. }
            | FetchError::HostPaused { url, .. }
            | FetchError::Stopped { url }
            | FetchError::Feed { url, .. } => Some(url),
        }
    }

    /// Sorts a reqwest error into the kinds above. `limits` are the configured ones, so a
    /// timeout names the one that was hit.
    pub(crate) fn from_reqwest(url: &Url, err: reqwest::Error, limits: Limits) -> FetchError {
        let Limits { connect, total, max_redirects } = limits;
        let url = url.clone();
        // The address guard's resolver reports through reqwest: its own error is somewhere
        // down the chain.
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&err);
        while let Some(e) = cause {
            if let Some(refusal) = e.downcast_ref::<Refusal>() {
                return FetchError::Forbidden { url, addr: refusal.addr, why: refusal.kind };
            }
            cause = e.source();
        }
        if err.is_timeout() {
            let secs = if err.is_connect() { connect.as_secs() } else { total.as_secs() };
            FetchError::Timeout { url, secs }
        } else if err.is_redirect() {
            FetchError::TooManyRedirects { url, limit: max_redirects }
        } else if err.is_connect() {
            FetchError::Connect { url, detail: root_cause(&err), source: err }
        } else {
            FetchError::Transfer { url, detail: root_cause(&err), source: err }
        }
    }
}

/// The configured limits an error message may name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub(crate) connect: Duration,
    pub(crate) total: Duration,
    pub(crate) max_redirects: usize,
}

impl Limits {
    pub(crate) fn of(cfg: &crate::FetchSettings) -> Limits {
        Limits {
            connect: cfg.connect_timeout,
            total: cfg.timeout,
            max_redirects: cfg.max_redirects,
        }
    }
}

/// Whether a failed request is worth trying again ([`FetchError::failure`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// It may pass: try again later, after a backoff.
    Soft,
    /// It will fail the same way: trying again is wasted.
    Hard,
}

/// Why a feed body could not be read as a feed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum FeedError {
    /// The body is something else: an HTML page, an empty body, an unknown XML root.
    #[error("not a feed: {found}")]
    NotAFeed {
        /// What was found instead.
        found: String,
    },
    /// The body looks like a feed but breaks its format (bad XML, bad JSON).
    #[error("malformed feed: {detail}")]
    Malformed {
        /// The parser's message.
        detail: String,
    },
    /// The feed parser panicked on this body, even after removing the author fields that
    /// are known to trigger it.
    #[error("feed parser crashed: {detail}")]
    ParserPanic {
        /// The panic message.
        detail: String,
    },
}

impl FeedError {
    /// A short slug for counting failures by kind.
    pub fn reason(&self) -> &'static str {
        match self {
            FeedError::NotAFeed { .. } => "not_a_feed",
            FeedError::Malformed { .. } => "malformed_feed",
            FeedError::ParserPanic { .. } => "parser_panic",
        }
    }
}

/// "404 Not Found", or just the number when the code has no standard name.
fn status_text(status: &u16) -> String {
    let reason = reqwest::StatusCode::from_u16(*status).ok().and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

fn status_slug(status: u16) -> &'static str {
    match status {
        400 => "http_400",
        401 => "http_401",
        403 => "http_403",
        404 => "http_404",
        406 => "http_406",
        408 => "http_408",
        410 => "http_410",
        429 => "http_429",
        451 => "http_451",
        500 => "http_500",
        502 => "http_502",
        503 => "http_503",
        504 => "http_504",
        _ => match status / 100 {
            3 => "http_3xx",
            4 => "http_4xx",
            5 => "http_5xx",
            _ => "http_other",
        },
    }
}

/// The innermost error in the chain: reqwest's own message ("error sending request") says
/// little, the OS or TLS error underneath says what happened.
fn root_cause(err: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_messages_and_slugs() {
        let url = Url::parse("http://a.test/").unwrap();
        let e = FetchError::Status { url: url.clone(), status: 503 };
        assert_eq!(e.to_string(), "HTTP 503 Service Unavailable");
        assert_eq!(e.reason(), "http_503");
        assert_eq!(FetchError::Status { url, status: 418 }.reason(), "http_4xx");
        assert_eq!(status_text(&599), "599");
    }

    #[test]
    fn soft_and_hard_failures() {
        let url = Url::parse("http://a.test/").unwrap();
        let status = |status| FetchError::Status { url: url.clone(), status };
        for soft in [status(429), status(503), status(500), status(408)] {
            assert_eq!(soft.failure(), Failure::Soft, "{soft}");
            assert!(soft.is_passing());
        }
        for hard in [status(404), status(410), status(403)] {
            assert_eq!(hard.failure(), Failure::Hard, "{hard}");
        }
        let disallowed = FetchError::RobotsDisallowed { url: url.clone() };
        assert_eq!(disallowed.failure(), Failure::Hard);
        assert_eq!(disallowed.reason(), "robots_disallowed");
        assert_eq!(disallowed.to_string(), "disallowed by robots.txt");
        let paused = FetchError::HostPaused { url: url.clone(), secs: 90 };
        assert_eq!(paused.failure(), Failure::Soft);
        assert_eq!(paused.reason(), "host_paused");
        let robots = FetchError::RobotsUnavailable { url: url.clone(), status: 503 };
        assert_eq!(robots.failure(), Failure::Soft);
        assert_eq!(robots.url(), Some(&url));
    }
}
