//! A small HTTP/1.1 server on loopback that records every request, for the tests that must
//! count requests or read their headers, hold a response back, or never answer at all.
//!
//! One request per connection (`Connection: close`). Paths without a route get a 404.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// What the server answers on one path.
#[derive(Clone, Debug)]
pub(crate) enum Route {
    /// 200 with this content type and body.
    Ok { content_type: &'static str, body: String },
    /// 200 with an `ETag` and a `Last-Modified`, or 304 when the request's
    /// `If-None-Match` names that `ETag`.
    Conditional { etag: &'static str, last_modified: &'static str, body: String },
    /// 429 Too Many Requests with this `Retry-After`.
    Busy { retry_after: &'static str },
    /// Reads the request and never answers.
    Stall,
    /// Answers like the inner route once `gate` opens.
    AfterGate { gate: Gate, then: Box<Route> },
}

/// A one-way switch: closed until [`Gate::open`].
#[derive(Clone, Debug)]
pub(crate) struct Gate(Arc<watch::Sender<bool>>);

impl Gate {
    pub(crate) fn new() -> Gate {
        Gate(Arc::new(watch::Sender::new(false)))
    }

    pub(crate) fn open(&self) {
        self.0.send_replace(true);
    }

    async fn wait(&self) {
        // The sender lives in `self`, so the wait can only end by the gate opening.
        let _ = self.0.subscribe().wait_for(|open| *open).await;
    }
}

/// One request as received.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    /// The path, without the query.
    pub(crate) path: String,
    /// Header names lowercased.
    pub(crate) headers: HashMap<String, String>,
}

type Routes = Arc<Mutex<HashMap<String, Route>>>;
type Log = Arc<Mutex<Vec<Request>>>;

/// A running server on 127.0.0.1; it stops, and drops every connection, when dropped.
pub(crate) struct TestServer {
    addr: SocketAddr,
    routes: Routes,
    log: Log,
    /// The accept loop, which owns the connections' tasks: dropping the set stops them all.
    _tasks: JoinSet<()>,
}

impl TestServer {
    pub(crate) async fn start() -> TestServer {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind loopback");
        let addr = listener.local_addr().expect("bound address");
        let (routes, log): (Routes, Log) = Default::default();
        let mut tasks = JoinSet::new();
        let (r, l) = (Arc::clone(&routes), Arc::clone(&log));
        tasks.spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((sock, _)) => {
                            connections.spawn(serve(sock, Arc::clone(&r), Arc::clone(&l)));
                        }
                        Err(_) => break,
                    },
                    // Reap finished connections so the set does not grow.
                    Some(_) = connections.join_next() => {}
                }
            }
        });
        TestServer { addr, routes, log, _tasks: tasks }
    }

    /// Serves `route` at `path`.
    pub(crate) fn route(&self, path: &str, route: Route) {
        lock(&self.routes).insert(path.to_owned(), route);
    }

    /// The absolute address of `path` on this server.
    pub(crate) fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{path}", self.addr)).expect("a valid test URL")
    }

    /// Every request so far, in arrival order.
    pub(crate) fn requests(&self) -> Vec<Request> {
        lock(&self.log).clone()
    }

    /// How many requests so far were for paths starting with `prefix`.
    pub(crate) fn count(&self, prefix: &str) -> usize {
        lock(&self.log).iter().filter(|r| r.path.starts_with(prefix)).count()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn serve(mut sock: TcpStream, routes: Routes, log: Log) {
    let Some(req) = read_request(&mut sock).await else { return };
    lock(&log).push(req.clone());
    let route = lock(&routes).get(&req.path).cloned();
    // A write error means the client hung up: nothing to do about it here.
    let _ = respond(&mut sock, route, &req).await;
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
    let target = lines.next()?.split(' ').nth(1)?;
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(Request { path, headers })
}

async fn respond(sock: &mut TcpStream, route: Option<Route>, req: &Request) -> std::io::Result<()> {
    let mut route = route;
    while let Some(Route::AfterGate { gate, then }) = route {
        gate.wait().await;
        route = Some(*then);
    }
    let reply = match route {
        None => full("404 Not Found", &[("Content-Type", "text/plain")], "not found\n"),
        Some(Route::Ok { content_type, body }) => {
            full("200 OK", &[("Content-Type", content_type)], &body)
        }
        Some(Route::Conditional { etag, last_modified, body }) => {
            let validators = [("ETag", etag), ("Last-Modified", last_modified)];
            if req.headers.get("if-none-match").is_some_and(|v| v == etag) {
                full("304 Not Modified", &validators, "")
            } else {
                let [e, l] = validators;
                full("200 OK", &[e, l, ("Content-Type", "application/rss+xml")], &body)
            }
        }
        Some(Route::Busy { retry_after }) => full(
            "429 Too Many Requests",
            &[("Retry-After", retry_after), ("Content-Type", "text/plain")],
            "slow down\n",
        ),
        Some(Route::Stall) => {
            // Far beyond any test: the connection ends when the server is dropped.
            tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
            return Ok(());
        }
        Some(Route::AfterGate { .. }) => unreachable!("opened above"),
    };
    sock.write_all(&reply).await
}

fn full(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if !status.starts_with("304") {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}
