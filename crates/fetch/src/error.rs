//! What can go wrong fetching and parsing.

use std::net::IpAddr;
use std::time::Duration;

use url::Url;

use crate::guard::{AddressKind, RedirectLoop, RedirectTooLong, Refusal};

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
            FetchError::Feed { source, .. } => source.reason(),
        }
    }

    /// True for a failure that may not happen again: a timeout, a refused or broken
    /// connection, or a status that says "later" (408, 425, 429, 5xx). A missing page, a
    /// body that is not HTML or too large, a redirect loop, or a refused address will fail
    /// the same way.
    pub fn is_passing(&self) -> bool {
        match self {
            FetchError::Timeout { .. }
            | FetchError::Connect { .. }
            | FetchError::Transfer { .. } => true,
            FetchError::Status { status, .. } => matches!(status, 408 | 425 | 429 | 500..=599),
            _ => false,
        }
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
            | FetchError::Feed { url, .. } => Some(url),
        }
    }

    /// Sorts a reqwest error into the kinds above. `connect_secs` and `total_secs` are the
    /// configured limits, so a timeout names the one that was hit; `max_url_bytes` is named
    /// when a redirect target was too long.
    pub(crate) fn from_reqwest(url: &Url, err: reqwest::Error, limits: Limits) -> FetchError {
        let Limits { connect, total, max_redirects, max_url_bytes } = limits;
        let url = url.clone();
        // The address guard and the redirect policy report through reqwest: their own
        // errors are somewhere down the chain.
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&err);
        while let Some(e) = cause {
            if let Some(refusal) = e.downcast_ref::<Refusal>() {
                return FetchError::Forbidden { url, addr: refusal.addr, why: refusal.kind };
            }
            if let Some(looped) = e.downcast_ref::<RedirectLoop>() {
                return FetchError::RedirectLoop { url, to: Box::new(looped.to.clone()) };
            }
            if e.is::<RedirectTooLong>() {
                return FetchError::UrlTooLong { url, limit: max_url_bytes };
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
    pub(crate) max_url_bytes: usize,
}

impl Limits {
    pub(crate) fn of(cfg: &crate::FetchSettings) -> Limits {
        Limits {
            connect: cfg.connect_timeout,
            total: cfg.timeout,
            max_redirects: cfg.max_redirects,
            max_url_bytes: cfg.max_url_bytes,
        }
    }
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
}
