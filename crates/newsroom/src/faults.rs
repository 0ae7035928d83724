//! What a politeness test needs from a web of hosts: a log of every request (which host,
//! when) and hosts that push back (robots.txt rules, a crawl delay, 429 with
//! `Retry-After`, bursts of 503).
//!
//! Faults are set per listener while the newsroom runs ([`Newsroom::set_faults`]), so a
//! test can turn one on between two runs; the log is read with [`Newsroom::requests`].
//!
//! [`Newsroom::set_faults`]: crate::Newsroom::set_faults
//! [`Newsroom::requests`]: crate::Newsroom::requests

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How one host (one listener) misbehaves. The default serves everything normally and
/// answers 404 for `/robots.txt`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostFaults {
    /// Served as `/robots.txt` (200, `text/plain`) when set: write `Disallow` lines to
    /// forbid paths and `Crawl-delay` to ask for a slower pace.
    pub robots_txt: Option<String>,
    /// When set, `/robots.txt` answers this status instead (a 503, say).
    pub robots_status: Option<u16>,
    /// The next requests, `/robots.txt` aside, are refused.
    pub refuse: Option<Refusal>,
}

/// A run of refused requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The status sent (429, 503, …).
    pub status: u16,
    /// How many requests in a row get it; later ones are served normally.
    pub count: u32,
    /// The `Retry-After` header sent with it, verbatim (`"2"`, or an HTTP date).
    pub retry_after: Option<String>,
}

/// One request as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The listener that received it: which host, for politeness.
    pub local: SocketAddr,
    /// The `Host` header, as sent.
    pub host: Option<String>,
    /// The path and query.
    pub path: String,
    /// When it arrived (before any page delay).
    pub at: Instant,
    /// The status it got from a fault, or `None` when it was served normally.
    pub fault: Option<u16>,
}

/// The faults of every listener, and the request log.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    hosts: Mutex<HashMap<SocketAddr, HostFaults>>,
    log: Mutex<Vec<LoggedRequest>>,
    /// Per listener: requests being answered now, and the most there ever were.
    in_flight: Mutex<HashMap<SocketAddr, (usize, usize)>>,
}

/// Counts a request in flight on its listener until dropped (answered, or abandoned by
/// the client).
struct InFlight {
    faults: Arc<Faults>,
    local: SocketAddr,
}

impl InFlight {
    fn begin(faults: &Arc<Faults>, local: SocketAddr) -> InFlight {
        let mut counts = faults.in_flight.lock().unwrap_or_else(PoisonError::into_inner);
        let (now, most) = counts.entry(local).or_default();
        *now += 1;
        *most = (*most).max(*now);
        InFlight { faults: Arc::clone(faults), local }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut counts = self.faults.in_flight.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((now, _)) = counts.get_mut(&self.local) {
            *now = now.saturating_sub(1);
        }
    }
}

/// The most requests logged; a long demo run stops logging past it rather than grow.
const MAX_LOGGED: usize = 100_000;

impl Faults {
    pub(crate) fn set(&self, addr: SocketAddr, faults: HostFaults) {
        self.hosts.lock().unwrap_or_else(PoisonError::into_inner).insert(addr, faults);
    }

    pub(crate) fn max_in_flight(&self, addr: SocketAddr) -> usize {
        let counts = self.in_flight.lock().unwrap_or_else(PoisonError::into_inner);
        counts.get(&addr).map_or(0, |(_, most)| *most)
    }

    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// What a request to `addr` for `path` gets from the faults, if anything; counts a
    /// refusal down.
    fn answer(&self, addr: SocketAddr, path: &str) -> Option<Response> {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        let faults = hosts.get_mut(&addr);
        if path == "/robots.txt" {
            let faults = faults?;
            if let Some(status) = faults.robots_status {
                return Some(status_response(status, None));
            }
            let body = faults.robots_txt.clone()?;
            return Some(([(header::CONTENT_TYPE, "text/plain")], body).into_response());
        }
        let refusal = faults?.refuse.as_mut().filter(|r| r.count > 0)?;
        refusal.count -= 1;
        Some(status_response(refusal.status, refusal.retry_after.as_deref()))
    }
}

fn status_response(status: u16, retry_after: Option<&str>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, format!("{status}\n")).into_response();
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The middleware on every listener: logs the request, then answers from the faults or
/// passes it on.
pub(crate) async fn layer(
    State((faults, local)): State<(Arc<Faults>, SocketAddr)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let host = request.headers().get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let at = Instant::now();
    let _in_flight = InFlight::begin(&faults, local);
    let answer = faults.answer(local, request.uri().path());
    {
        let mut log = faults.log.lock().unwrap_or_else(PoisonError::into_inner);
        if log.len() < MAX_LOGGED {
            let fault = answer.as_ref().map(|r| r.status().as_u16());
            log.push(LoggedRequest { local, host, path, at, fault });
        }
    }
    match answer {
        Some(response) => response,
        None => next.run(request).await,
    }
}
