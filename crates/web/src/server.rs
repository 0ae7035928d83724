//! The router, the guard every request passes, and serving until shutdown.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::get;
use chorus_embed::Embedder;
use chorus_store::Meaning;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::data::{self, Failure};
use crate::metrics::{LiveFigures, RequestCounts};
use crate::reader::Reader;
use crate::{
    HEADER_TIMEOUT, MAX_CONNECTIONS, REQUEST_TIMEOUT, SHUTDOWN_GRACE, Token, WebError, pages,
};

/// What the view serves from.
pub struct ViewOptions {
    /// The database, opened read-only for every query.
    pub db: std::path::PathBuf,
    /// The bearer token every route but `/healthz` requires, if any.
    pub token: Option<Token>,
    /// The sentence-embedding model event comparisons use, if one was loaded.
    pub model: Option<Arc<Embedder>>,
    /// Figures the running process adds to `/metrics`.
    pub live: Option<Arc<dyn LiveFigures>>,
}

/// Shared by every request.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) reader: Reader,
    pub(crate) model: Option<Arc<Embedder>>,
    token: Option<Arc<Token>>,
    requests: Arc<RequestCounts>,
    live: Option<Arc<dyn LiveFigures>>,
}

/// How many queries run at once (each on a blocking thread with its own connection).
const READERS: usize = 4;

/// The stylesheet, served from `/static/style.css`.
const STYLE: &str = include_str!("../static/style.css");

/// Headers on every answer: no script, style or image from anywhere but here, no framing,
/// no guessing of content types, and no address sent on to outlets' sites.
const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
];

/// The view's routes, guarded. Every route answers GET and HEAD only.
pub fn router(options: ViewOptions) -> Router {
    let state = AppState {
        reader: Reader::new(&options.db, READERS),
        model: options.model,
        token: options.token.map(Arc::new),
        requests: Arc::new(RequestCounts::default()),
        live: options.live,
    };
    Router::new()
        .route("/", get(events_page))
        .route("/events/{id}", get(event_page))
        .route("/articles/{id}", get(article_page))
        .route("/search", get(search_page))
        .route("/feeds", get(feeds_page))
        .route("/api/events", get(api_events))
        .route("/api/events/{id}", get(api_event))
        .route("/api/articles/{id}", get(api_article))
        .route("/api/search", get(api_search))
        .route("/api/feeds", get(api_feeds))
        .route("/api/stats", get(api_stats))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/static/style.css", get(style))
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Binds `addr`, refusing an address other hosts can reach unless a token guards it.
pub async fn bind(addr: SocketAddr, token: Option<&Token>) -> Result<TcpListener, WebError> {
    if !addr.ip().is_loopback() && token.is_none() {
        return Err(WebError::TokenRequired { addr });
    }
    TcpListener::bind(addr).await.map_err(|source| WebError::Bind { addr, source })
}

/// Serves `router` on `listener` until `shutdown` is cancelled, then lets requests in
/// flight finish (for at most [`SHUTDOWN_GRACE`]).
///
/// Each connection must send its request headers within [`HEADER_TIMEOUT`] and at most
/// [`MAX_CONNECTIONS`] are served at once (the next waits to be accepted), so slow or
/// idle clients cannot hold the view's memory or sockets without bound.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
) -> Result<(), WebError> {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot.map_err(|_| closed())?,
            () = shutdown.cancelled() => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, or a connection reset before it was accepted:
                // wait a moment and go on, as a server must.
                Err(e) => {
                    tracing::debug!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = shutdown.cancelled() => break,
        };
        let service = TowerToHyperService::new(router.clone());
        let mut builder = ConnBuilder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
        let conn = builder.serve_connection(TokioIo::new(stream), service).into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection ended: {e}");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running after {SHUTDOWN_GRACE:?} were abandoned");
    }
    Ok(())
}

fn closed() -> WebError {
    WebError::Serve(std::io::Error::other("the connection limit was closed"))
}

/// Every request: only GET and HEAD; the token when one is set (not for `/healthz`, so a
/// load balancer can probe); a time limit; the security headers; and a count by route
/// and status for `/metrics`.
async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // The route pattern, not the path: ids in paths would make one series per article.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let mut response = if !matches!(*req.method(), Method::GET | Method::HEAD) {
        let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served\n");
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        r
    } else if route != "/healthz" && !authorized(&state, &req) {
        let mut r = text(StatusCode::UNAUTHORIZED, "this view needs Authorization: Bearer TOKEN\n");
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        r
    } else {
        match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
            Ok(r) => r,
            Err(_) => text(StatusCode::SERVICE_UNAVAILABLE, "the request took too long\n"),
        }
    };
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    state.requests.count(&route, response.status().as_u16());
    response
}

fn authorized(state: &AppState, req: &Request) -> bool {
    let Some(token) = &state.token else { return true };
    req.headers().get(header::AUTHORIZATION).is_some_and(|v| token.admits(v.as_bytes()))
}

fn text(status: StatusCode, body: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

fn page(markup: maud::Markup) -> Response {
    Html(markup.into_string()).into_response()
}

fn page_failure(f: &Failure) -> Response {
    let status = StatusCode::from_u16(f.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Html(pages::error(f.status(), f.message()).into_string())).into_response()
}

fn api_failure(f: &Failure) -> Response {
    let status = StatusCode::from_u16(f.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(json!({ "error": f.message() }))).into_response()
}

type Params = Query<HashMap<String, String>>;

async fn events_page(State(state): State<AppState>, Query(params): Params) -> Response {
    match data::event_list(&state, &params).await {
        Ok(list) => page(pages::events(&list)),
        Err(f) => page_failure(&f),
    }
}

async fn event_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = async {
        let id = data::event_id(&id)?;
        let (detail, coverage) = data::event(&state, id).await?;
        Ok::<_, Failure>(pages::event(id, &detail, &coverage))
    };
    match result.await {
        Ok(markup) => page(markup),
        Err(f) => page_failure(&f),
    }
}

async fn article_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match data::article(&state, &id).await {
        Ok(v) => page(pages::article(&v.article, v.original.as_ref(), &v.copies)),
        Err(f) => page_failure(&f),
    }
}

async fn search_page(State(state): State<AppState>, Query(params): Params) -> Response {
    let q = match data::query_words(&params) {
        Ok(q) => q,
        Err(f) => return page_failure(&f),
    };
    let Some(q) = q else { return page(pages::search("", &[], None)) };
    match data::search(&state, q.clone()).await {
        Ok(hits) => page(pages::search(&q, &hits, None)),
        Err(Failure::BadRequest(why)) => {
            let mut r = page(pages::search(&q, &[], Some(&why)));
            *r.status_mut() = StatusCode::BAD_REQUEST;
            r
        }
        Err(f) => page_failure(&f),
    }
}

async fn feeds_page(State(state): State<AppState>) -> Response {
    match data::feeds(&state).await {
        Ok((feeds, meaning)) => page(pages::feeds(&feeds, meaning.as_ref())),
        Err(f) => page_failure(&f),
    }
}

async fn api_events(State(state): State<AppState>, Query(params): Params) -> Response {
    match data::event_list(&state, &params).await {
        Ok(list) => Json(list).into_response(),
        Err(f) => api_failure(&f),
    }
}

async fn api_event(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = async {
        let id = data::event_id(&id)?;
        data::event(&state, id).await
    };
    match result.await {
        Ok((event, coverage)) => {
            Json(json!({ "event": event, "coverage": coverage })).into_response()
        }
        Err(f) => api_failure(&f),
    }
}

async fn api_article(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match data::article(&state, &id).await {
        Ok(v) => {
            let copies: Vec<String> = v.copies.iter().map(|c| c.key.to_string()).collect();
            Json(json!({ "article": v.article, "copies": copies })).into_response()
        }
        Err(f) => api_failure(&f),
    }
}

async fn api_search(State(state): State<AppState>, Query(params): Params) -> Response {
    let result = async {
        let q = data::query_words(&params)?
            .ok_or_else(|| Failure::BadRequest("give the words to search for in ?q=".to_owned()))?;
        data::search(&state, q).await
    };
    match result.await {
        Ok(hits) => Json(json!({ "hits": hits })).into_response(),
        Err(f) => api_failure(&f),
    }
}

async fn api_feeds(State(state): State<AppState>) -> Response {
    match data::feeds(&state).await {
        Ok((feeds, meaning)) => {
            // What the last run compared sentences with, as `chorus feeds` says it.
            let meaning = meaning.map(|m| match m.meaning {
                Meaning::Model(id) => json!({ "model": id, "started_at": m.started_at }),
                Meaning::WordsOnly(why) => {
                    json!({ "model": null, "words_only": why, "started_at": m.started_at })
                }
            });
            Json(json!({ "feeds": feeds, "meaning": meaning })).into_response()
        }
        Err(f) => api_failure(&f),
    }
}

async fn api_stats(State(state): State<AppState>) -> Response {
    match data::stats(&state).await {
        Ok(stats) => Json(stats).into_response(),
        Err(f) => api_failure(&f),
    }
}

/// 200 `ok` when the store answers a query and the process running the view is healthy
/// ([`LiveFigures::health`]: a daemon's stages all alive, its store writable); 503 with the
/// reason when not.
async fn healthz(State(state): State<AppState>) -> Response {
    // The cheapest read that proves the file is there and is a Chorus database: counting
    // articles would scan a large table on every probe.
    match state.reader.read(|store| store.schema_version()).await {
        Ok(_) => match state.live.as_deref().map_or(Ok(()), |live| live.health()) {
            Ok(()) => text(StatusCode::OK, "ok\n"),
            Err(why) => {
                (StatusCode::SERVICE_UNAVAILABLE, format!("unhealthy: {why}\n")).into_response()
            }
        },
        Err(e) => {
            let why = Failure::from(e);
            (StatusCode::SERVICE_UNAVAILABLE, format!("unhealthy: {}\n", why.message()))
                .into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let read = state.reader.read(|store| Ok((store.stats()?, store.feeds()?))).await;
    match read {
        Ok((stats, feeds)) => {
            let body = crate::metrics::render(
                &stats,
                &feeds,
                data::store_bytes(&state),
                &state.requests,
                state.live.as_deref(),
            );
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body)
                .into_response()
        }
        Err(e) => {
            let why = Failure::from(e);
            (StatusCode::SERVICE_UNAVAILABLE, format!("{}\n", why.message())).into_response()
        }
    }
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

async fn not_found(req: Request) -> Response {
    let f = Failure::NotFound(format!("nothing at {}", req.uri().path()));
    if req.uri().path().starts_with("/api/") { api_failure(&f) } else { page_failure(&f) }
}
