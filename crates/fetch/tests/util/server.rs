//! A small HTTP/1.1 server on loopback, written by hand so it can misbehave on purpose:
//! stall, trickle, never end, lie about its length, loop redirects.
//!
//! One request per connection (`Connection: close`). It counts hits per path and requests
//! in flight per listener, and records every request's headers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does for one path.
#[derive(Clone, Debug)]
pub(crate) enum Route {
    /// 200 with this body.
    Ok { content_type: Option<&'static str>, body: Vec<u8>, headers: Vec<(&'static str, String)> },
    /// This status, with a short text body.
    Status(u16),
    /// 200 with `ETag` and/or `Last-Modified`; 304 when the request's `If-None-Match` or
    /// `If-Modified-Since` matches.
    Conditional { etag: Option<&'static str>, last_modified: Option<&'static str>, body: Vec<u8> },
    /// A liar: one `ETag` for ever, 304 whenever `If-None-Match` names it, while the body
    /// changes: the first hit gets `bodies[0]`, the n-th `bodies[n - 1]` (the last one
    /// once they run out).
    StaleEtag { etag: &'static str, bodies: Vec<Vec<u8>> },
    /// This status with these headers and a short text body.
    StatusWith(u16, Vec<(&'static str, String)>),
    /// The same body every time, ignoring conditions, with a new `ETag` on each hit.
    FreshEtag { body: Vec<u8> },
    /// Announces `len` bytes and sends one per second.
    Trickle { len: usize },
    /// Reads the request and never answers.
    Stall,
    /// Headers, then body bytes until the client hangs up (at most 1 GiB).
    Endless,
    /// Announces 10 TB, sends 1 KiB, then stalls.
    HugeLength,
    /// 302 to this location.
    Redirect(String),
    /// Waits, then answers like the inner route.
    Delayed { ms: u64, then: Box<Route> },
}

impl Route {
    /// 200 with a content type and body.
    pub(crate) fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Route {
        Route::Ok { content_type: Some(content_type), body: body.into(), headers: Vec::new() }
    }
}

/// One request as received.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub(crate) path: String,
    /// Header names lowercased.
    pub(crate) headers: HashMap<String, String>,
}

#[derive(Default)]
struct StatsInner {
    hits: HashMap<String, usize>,
    in_flight: HashMap<String, usize>,
    max_in_flight: HashMap<String, usize>,
    /// For each request: its listener, and how many requests other listeners had in
    /// flight when it arrived.
    arrivals: Vec<(String, usize)>,
    requests: Vec<Request>,
}

/// Counters, shareable between servers so one test can watch two hosts.
#[derive(Default)]
pub(crate) struct Stats(Mutex<StatsInner>);

impl Stats {
    fn begin(self: &Arc<Self>, listener: &str, req: &Request) -> InFlight {
        let mut s = self.0.lock().unwrap();
        *s.hits.entry(req.path.clone()).or_default() += 1;
        let others: usize =
            s.in_flight.iter().filter(|(l, _)| *l != listener).map(|(_, n)| n).sum();
        s.arrivals.push((listener.to_owned(), others));
        let now = {
            let n = s.in_flight.entry(listener.to_owned()).or_default();
            *n += 1;
            *n
        };
        let max = s.max_in_flight.entry(listener.to_owned()).or_default();
        *max = (*max).max(now);
        s.requests.push(req.clone());
        InFlight { stats: Arc::clone(self), listener: listener.to_owned() }
    }

    /// Hits on `path` (without query).
    pub(crate) fn hits(&self, path: &str) -> usize {
        self.0.lock().unwrap().hits.get(path).copied().unwrap_or(0)
    }

    /// Hits on paths starting with `prefix`.
    pub(crate) fn hits_under(&self, prefix: &str) -> usize {
        self.0
            .lock()
            .unwrap()
            .hits
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }

    /// The most requests ever in flight at once on `listener` ("ip:port").
    pub(crate) fn max_in_flight(&self, listener: &str) -> usize {
        self.0.lock().unwrap().max_in_flight.get(listener).copied().unwrap_or(0)
    }

    /// How many requests to `listener` arrived while another listener had requests in
    /// flight.
    pub(crate) fn arrivals_during_others(&self, listener: &str) -> usize {
        self.0
            .lock()
            .unwrap()
            .arrivals
            .iter()
            .filter(|(l, others)| l == listener && *others > 0)
            .count()
    }

    /// Every request to `path`, in arrival order.
    pub(crate) fn requests_to(&self, path: &str) -> Vec<Request> {
        self.0.lock().unwrap().requests.iter().filter(|r| r.path == path).cloned().collect()
    }
}

/// Marks a request in flight until dropped (response written or connection gone).
struct InFlight {
    stats: Arc<Stats>,
    listener: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Ok(mut s) = self.stats.0.lock()
            && let Some(n) = s.in_flight.get_mut(&self.listener)
        {
            *n -= 1;
        }
    }
}

/// A running server; stops when dropped.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    pub(crate) stats: Arc<Stats>,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    accept: JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl TestServer {
    /// A server on 127.0.0.1 with its own stats.
    pub(crate) async fn start() -> TestServer {
        TestServer::start_on("127.0.0.1", Arc::new(Stats::default()), 0).await
    }

    /// A server on `ip`, counting into `stats`. Paths under `/page/` that have no route
    /// get a generated HTML page after `page_delay_ms`; other unknown paths get a 404.
    pub(crate) async fn start_on(ip: &str, stats: Arc<Stats>, page_delay_ms: u64) -> TestServer {
        let listener = TcpListener::bind((ip, 0)).await.expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let (r, s) = (Arc::clone(&routes), Arc::clone(&stats));
        let accept = tokio::spawn(async move {
            let label = addr.to_string();
            while let Ok((sock, _)) = listener.accept().await {
                let (r, s, label) = (Arc::clone(&r), Arc::clone(&s), label.clone());
                tokio::spawn(async move { serve(sock, r, s, &label, page_delay_ms).await });
            }
        });
        TestServer { addr, stats, routes, accept }
    }

    /// Serves `route` at `path`.
    pub(crate) fn route(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_owned(), route);
    }

    /// Serves a file from `tests/data` at `/name`.
    pub(crate) fn file(&self, name: &str, content_type: &'static str) {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        self.route(&format!("/{name}"), Route::ok(content_type, body));
    }

    /// The absolute address of `path` on this server.
    pub(crate) fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{path}", self.addr)).unwrap()
    }

    /// "ip:port", the label this server's stats use.
    pub(crate) fn label(&self) -> String {
        self.addr.to_string()
    }
}

async fn serve(
    mut sock: TcpStream,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    stats: Arc<Stats>,
    label: &str,
    page_delay_ms: u64,
) {
    let Some(req) = read_request(&mut sock).await else { return };
    let _in_flight = stats.begin(label, &req);
    let route = routes.lock().unwrap().get(&req.path).cloned();
    let route = route.unwrap_or_else(|| {
        if req.path.starts_with("/page/") {
            let html = format!(
                "<!DOCTYPE html><html><head><title>{0}</title></head><body><p>Text of {0}.</p></body></html>",
                req.path
            );
            Route::Delayed { ms: page_delay_ms, then: Box::new(Route::ok("text/html; charset=utf-8", html)) }
        } else {
            Route::Status(404)
        }
    });
    let hit = stats.hits(&req.path);
    // Write errors mean the client hung up, which several routes are there to provoke.
    let _ = respond(&mut sock, route, &req, hit).await;
    let _ = sock.shutdown().await;
}

async fn read_request(sock: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 65_536 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let mut lines = head.split("\r\n");
    let target = lines.next()?.split(' ').nth(1)?.to_owned();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(Request { path, headers })
}

fn head(status: &str, headers: &[(&str, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn full(status: &str, mut headers: Vec<(&str, String)>, body: &[u8]) -> Vec<u8> {
    headers.push(("Content-Length", body.len().to_string()));
    let mut out = head(status, &headers);
    out.extend_from_slice(body);
    out
}

async fn respond(
    sock: &mut TcpStream,
    route: Route,
    req: &Request,
    hit: usize,
) -> std::io::Result<()> {
    let mut route = route;
    while let Route::Delayed { ms, then } = route {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        route = *then;
    }
    match route {
        Route::Ok { content_type, body, mut headers } => {
            if let Some(ct) = content_type {
                headers.push(("Content-Type", ct.to_owned()));
            }
            sock.write_all(&full("200 OK", headers, &body)).await
        }
        Route::Status(code) => {
            let body = format!("error {code}");
            let headers = vec![("Content-Type", "text/plain".to_owned())];
            sock.write_all(&full(&format!("{code} Whatever"), headers, body.as_bytes())).await
        }
        Route::StaleEtag { etag, bodies } => {
            let headers = vec![("ETag", etag.to_owned())];
            if req.headers.get("if-none-match").map(String::as_str) == Some(etag) {
                return sock.write_all(&head("304 Not Modified", &headers)).await;
            }
            let body = &bodies[hit.saturating_sub(1).min(bodies.len() - 1)];
            let mut headers = headers;
            headers.push(("Content-Type", "application/rss+xml".to_owned()));
            sock.write_all(&full("200 OK", headers, body)).await
        }
        Route::StatusWith(code, mut headers) => {
            headers.push(("Content-Type", "text/plain".to_owned()));
            sock.write_all(&full(&format!("{code} Whatever"), headers, b"later")).await
        }
        Route::Conditional { etag, last_modified, body } => {
            let header = |name: &str| req.headers.get(name).map(String::as_str);
            let matches = (etag.is_some() && header("if-none-match") == etag)
                || (last_modified.is_some() && header("if-modified-since") == last_modified);
            let mut headers = Vec::new();
            if let Some(etag) = etag {
                headers.push(("ETag", etag.to_owned()));
            }
            if let Some(lm) = last_modified {
                headers.push(("Last-Modified", lm.to_owned()));
            }
            if matches {
                sock.write_all(&head("304 Not Modified", &headers)).await
            } else {
                headers.push(("Content-Type", "application/rss+xml".to_owned()));
                sock.write_all(&full("200 OK", headers, &body)).await
            }
        }
        Route::FreshEtag { body } => {
            let headers = vec![
                ("Content-Type", "application/rss+xml".to_owned()),
                ("ETag", format!("\"v{hit}\"")),
            ];
            sock.write_all(&full("200 OK", headers, &body)).await
        }
        Route::Trickle { len } => {
            let headers =
                [("Content-Type", "text/html".to_owned()), ("Content-Length", len.to_string())];
            sock.write_all(&head("200 OK", &headers)).await?;
            for _ in 0..len {
                sock.write_all(b"x").await?;
                sock.flush().await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Ok(())
        }
        Route::Stall => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Route::Endless => {
            sock.write_all(&head("200 OK", &[("Content-Type", "text/html".to_owned())])).await?;
            let chunk = vec![b'a'; 16 * 1024];
            for _ in 0..(1 << 30) / chunk.len() {
                sock.write_all(&chunk).await?;
            }
            Ok(())
        }
        Route::HugeLength => {
            let headers = [
                ("Content-Type", "text/html".to_owned()),
                ("Content-Length", "10000000000000".to_owned()),
            ];
            sock.write_all(&head("200 OK", &headers)).await?;
            sock.write_all(&[b'a'; 1024]).await?;
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Route::Redirect(to) => {
            sock.write_all(&full("302 Found", vec![("Location", to)], b"")).await
        }
        Route::Delayed { .. } => unreachable!("unwrapped above"),
    }
}
