//! Responses that misbehave, for testing the fetcher's defences. All live on the primary
//! listener under `/_hostile/` (see [`Newsroom::hostile_url`](crate::Newsroom::hostile_url)):
//!
//! | route | behaviour |
//! |---|---|
//! | `slow` | 200 `text/html`; sends the first bytes at once, then one byte a second for a minute |
//! | `stall` | accepts the request and sends nothing, not even headers, for 120 s |
//! | `endless` | 200 `text/html`; a streamed body of paragraphs that never ends |
//! | `huge` | 200 `text/html` with `Content-Length` [`HUGE_BODY_BYTES`] (64 MiB), streamed |
//! | `redirect-loop` | 302 to itself, with `?n=` one higher each time so every URL differs |
//! | `malformed-feed.xml` | `application/rss+xml`, an RSS document cut off mid-element |
//! | `not-a-feed` | an HTML page served as `application/rss+xml` |
//! | `status/{code}` | answers that status (with `Retry-After: 1` on 429 and 503); 400 for a code that is not one |
//! | `latin1` | an article page in ISO-8859-1 with `<meta charset="iso-8859-1">` and no charset in `Content-Type`; its text is [`LATIN1_TITLE`] and [`LATIN1_PARAGRAPHS`] |
//! | `bad-author-feed.xml` | RSS with one valid item whose `<author>` is [`BAD_AUTHOR`], which makes feed-rs 3.0 panic |
//! | `gzip-bomb` | 200 `text/html` with `Content-Encoding: gzip`: [`GZIP_BOMB_BYTES`] (64 MiB) of spaces compressed to about 64 KiB |
//! | `flaky-feed.xml?fail=N&id=K` | 500 for the first `N` requests (counted per `id` and per newsroom), then an RSS feed of the first day's stories |
//! | `redirect?to=URL` | 302 to `URL`, whatever it is (a private address, another host) |
//! | `huge-feed.xml?items=N` | an RSS feed of `N` items (default 50,000, at most 1,000,000), each linking to a page of its own under this route |
//! | `latin1-feed.xml` | an RSS feed in ISO-8859-1 bytes with no encoding declaration and no charset in `Content-Type`, listing the first day's stories under titles with accents |

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::LazyLock;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream;

use crate::catalog::catalog;
use crate::server::AppState;
use crate::templates::esc;

/// The size of the `huge` body: 64 MiB.
pub const HUGE_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// The `<author>` of the `bad-author-feed.xml` item.
pub const BAD_AUTHOR: &str = "Jane Doe «jane@example.test»";

/// The headline of the `latin1` page.
pub const LATIN1_TITLE: &str = "Brixton café owner René Müller keeps his espresso at £2.50";

/// The body of the `latin1` page; every character is in ISO-8859-1.
pub const LATIN1_PARAGRAPHS: &[&str] = &[
    "René Müller has run the Café Zürich on Coldharbour Lane for 22 years, and he says the price of an espresso there will stay at £2.50 until at least the spring.",
    "Wholesale coffee prices have almost doubled since 2023, and most cafés in the area now charge £3.20 or more. Müller says he has made up the difference by roasting his own beans in a shed behind the shop.",
    "\"My regulars are nurses, bus drivers, students. They notice every 20p,\" he said, pouring a café crème for a customer who has come in every morning since 2009.",
    "The café's best seller is still the Bündner Nusstorte, a walnut tart from Müller's home canton of Graubünden, at £4 a slice.",
];

/// The decoded size of the `gzip-bomb` body: 64 MiB.
pub const GZIP_BOMB_BYTES: usize = 64 * 1024 * 1024;

/// The routes above, to be nested under `/_hostile`.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/slow", get(slow))
        .route("/stall", get(stall))
        .route("/endless", get(endless))
        .route("/huge", get(huge))
        .route("/redirect-loop", get(redirect_loop))
        .route("/malformed-feed.xml", get(malformed_feed))
        .route("/not-a-feed", get(not_a_feed))
        .route("/status/{code}", get(status))
        .route("/latin1", get(latin1))
        .route("/bad-author-feed.xml", get(bad_author_feed))
        .route("/gzip-bomb", get(gzip_bomb))
        .route("/flaky-feed.xml", get(flaky_feed))
        .route("/redirect", get(redirect))
        .route("/huge-feed.xml", get(huge_feed))
        .route("/huge-feed/{n}", get(huge_feed_page))
        .route("/latin1-feed.xml", get(latin1_feed))
}

type Chunk = Result<Bytes, Infallible>;

async fn slow() -> Response {
    let head = stream::once(async {
        Chunk::Ok(Bytes::from_static(
            b"<!DOCTYPE html><html><head><title>Slow</title></head><body><p>",
        ))
    });
    let drip = stream::unfold(0u32, |sent| async move {
        if sent >= 60 {
            return None;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        Some((Chunk::Ok(Bytes::from_static(b".")), sent + 1))
    });
    html_stream(Body::from_stream(futures_util::StreamExt::chain(head, drip)))
}

async fn stall() -> StatusCode {
    tokio::time::sleep(Duration::from_secs(120)).await;
    StatusCode::OK
}

async fn endless() -> Response {
    let head = stream::once(async {
        Chunk::Ok(Bytes::from_static(
            b"<!DOCTYPE html><html><head><title>Endless</title></head><body>\n",
        ))
    });
    let paragraphs = stream::unfold(0u64, |n| async move {
        let text = format!(
            "<p>Paragraph {n} of a page that goes on for ever: the council met again, the weather held, and the reporter kept typing.</p>\n"
        );
        Some((Chunk::Ok(Bytes::from(text)), n + 1))
    });
    html_stream(Body::from_stream(futures_util::StreamExt::chain(head, paragraphs)))
}

/// One 64 KiB block of filler paragraphs, shared by every chunk of the `huge` body.
static HUGE_BLOCK: LazyLock<Bytes> = LazyLock::new(|| {
    const BLOCK: usize = 64 * 1024;
    let line = b"<p>Filler paragraph of a page far larger than any article could be.</p>\n";
    let mut block: Vec<u8> = line.iter().copied().cycle().take(BLOCK).collect();
    block[BLOCK - 1] = b'\n';
    Bytes::from(block)
});

async fn huge() -> Response {
    let block = HUGE_BLOCK.clone();
    let chunks = HUGE_BODY_BYTES / block.len() as u64;
    let body = stream::iter((0..chunks).map(move |_| Chunk::Ok(block.clone())));
    let mut response = html_stream(Body::from_stream(body));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, header::HeaderValue::from(HUGE_BODY_BYTES));
    response
}

async fn redirect_loop(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let n: u64 = query.get("n").and_then(|n| n.parse().ok()).unwrap_or(0);
    let mut next = app.site.primary.clone();
    next.set_path("/_hostile/redirect-loop");
    next.set_query(Some(&format!("n={}", n.saturating_add(1))));
    (StatusCode::FOUND, [(header::LOCATION, next.to_string())], "redirecting\n").into_response()
}

async fn malformed_feed(State(app): State<AppState>) -> Response {
    // Links stay on this newsroom, so a reader that salvages the whole item never leaves
    // loopback.
    let home = app.site.primary.clone();
    let first = home.join("/_hostile/status/404").map(String::from).unwrap_or_default();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n<title>Truncated Times</title>\n<link>{home}</link>\n<item>\n<title>The first item is whole</title>\n<link>{first}</link>\n</item>\n<item>\n<title>The second item stops in the middle of a <b",
        home = esc(home.as_str()),
        first = esc(&first),
    );
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}

async fn not_a_feed() -> Response {
    let body = "<!DOCTYPE html>\n<html><head><title>Subscribe to our feeds</title></head>\n<body><h1>Our feeds have moved</h1><p>Visit our new website to find the latest stories.</p></body></html>\n";
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}

async fn status(Path(code): Path<u16>) -> Response {
    let Ok(status) = StatusCode::from_u16(code) else {
        return (StatusCode::BAD_REQUEST, "not a status code\n").into_response();
    };
    let mut response = (status, format!("status {code}\n")).into_response();
    if matches!(code, 429 | 503) {
        response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    }
    response
}

async fn latin1() -> Response {
    let body: String = LATIN1_PARAGRAPHS.iter().map(|p| format!("<p>{}</p>\n", esc(p))).collect();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"iso-8859-1\">\n<title>{title} | South London Press Agency</title>\n<meta property=\"og:title\" content=\"{title}\">\n<meta property=\"article:published_time\" content=\"2025-09-03T09:30:00+01:00\">\n</head><body><nav><a href=\"/\">Home</a></nav>\n<article><h1>{title}</h1>\n<p class=\"byline\">By Zoë Clarke</p>\n<div class=\"story-body\">\n{body}</div></article>\n<footer>© 2025 South London Press Agency (fictional)</footer></body></html>\n",
        title = esc(LATIN1_TITLE),
    );
    // Every character of the page is below U+0100, so each maps to its Latin-1 byte.
    let bytes: Vec<u8> = page.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
    ([(header::CONTENT_TYPE, "text/html")], bytes).into_response()
}

async fn bad_author_feed(State(app): State<AppState>) -> Response {
    let link = catalog()
        .stories
        .first()
        .map(|story| app.site.article_url(story).to_string())
        .unwrap_or_else(|| app.site.primary.to_string());
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n<title>Broken Byline Daily</title>\n<link>{home}</link>\n<description>A feed with an author field feed parsers choke on</description>\n<item>\n<title>An item with a troublesome author</title>\n<link>{link}</link>\n<guid isPermaLink=\"true\">{link}</guid>\n<pubDate>Mon, 01 Sep 2025 08:00:00 +0000</pubDate>\n<author>{BAD_AUTHOR}</author>\n<description>The link is a real article.</description>\n</item>\n</channel>\n</rss>\n",
        home = esc(app.site.primary.as_str()),
        link = esc(&link),
    );
    ([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], body).into_response()
}

/// The `gzip-bomb` body, compressed once.
static GZIP_BOMB: LazyLock<Bytes> = LazyLock::new(|| {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![b' '; 1 << 20];
    for _ in 0..GZIP_BOMB_BYTES / block.len() {
        encoder.write_all(&block).expect("writing to memory cannot fail");
    }
    Bytes::from(encoder.finish().expect("writing to memory cannot fail"))
});

async fn gzip_bomb() -> Response {
    // Compressing 64 MiB takes a while the first time: not on a worker that serves requests.
    let body = tokio::task::spawn_blocking(|| GZIP_BOMB.clone()).await.unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CONTENT_ENCODING, "gzip")], body)
        .into_response()
}

/// Requests seen by `flaky-feed.xml`, per newsroom and `id`.
static FLAKY_COUNTS: LazyLock<std::sync::Mutex<HashMap<String, u64>>> =
    LazyLock::new(Default::default);

async fn flaky_feed(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let fail: u64 = query.get("fail").and_then(|n| n.parse().ok()).unwrap_or(3);
    let id = query.get("id").map_or("", String::as_str);
    let key = format!("{} {id}", app.site.primary);
    let seen = {
        let mut counts = FLAKY_COUNTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = counts.entry(key).or_insert(0);
        *n += 1;
        *n
    };
    if seen <= fail {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the feed server is having a bad day\n")
            .into_response();
    }
    let items: String = catalog()
        .stories
        .iter()
        .filter(|s| s.day() == 1)
        .map(|s| {
            let link = esc(app.site.article_url(s).as_str());
            format!(
                "<item><title>{}</title><link>{link}</link><guid>{link}</guid></item>\n",
                esc(s.title)
            )
        })
        .collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\n<title>Flaky Feed</title>\n<link>{home}</link>\n{items}</channel></rss>\n",
        home = esc(app.site.primary.as_str()),
    );
    ([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], body).into_response()
}

async fn redirect(Query(query): Query<HashMap<String, String>>) -> Response {
    match query.get("to") {
        Some(to) => {
            (StatusCode::FOUND, [(header::LOCATION, to.clone())], "redirecting\n").into_response()
        }
        None => (StatusCode::BAD_REQUEST, "redirect needs ?to=URL\n").into_response(),
    }
}

async fn huge_feed(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let items: u64 =
        query.get("items").and_then(|n| n.parse().ok()).unwrap_or(50_000).min(1_000_000);
    let base = app.site.primary.clone();
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\n<title>Huge Feed</title>\n<link>{}</link>\n",
        esc(base.as_str())
    );
    let body = stream::iter((0..=items).map(move |n| {
        let text = if n == items {
            "</channel></rss>\n".to_owned()
        } else {
            let mut link = base.clone();
            link.set_path(&format!("/_hostile/huge-feed/{n}"));
            let link = esc(link.as_str());
            format!("<item><title>Item {n} of a feed far longer than any reader wants</title><link>{link}</link><guid>{link}</guid></item>\n")
        };
        Chunk::Ok(Bytes::from(text))
    }));
    let head = stream::once(async move { Chunk::Ok(Bytes::from(head)) });
    (
        [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
        Body::from_stream(futures_util::StreamExt::chain(head, body)),
    )
        .into_response()
}

async fn huge_feed_page(Path(n): Path<u64>) -> Response {
    let page = format!(
        "<!DOCTYPE html><html><head><title>Item {n}</title></head><body><article><h1>Item {n}</h1><p>One of very many items of the huge feed. It has a paragraph, and nothing else to say.</p></article></body></html>\n"
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

/// The titles of the `latin1-feed.xml` items, one per first-day story, in catalog order.
pub fn latin1_feed_title(n: usize) -> String {
    format!("Été {n}: le café de René à Zürich, déjà célèbre")
}

async fn latin1_feed(State(app): State<AppState>) -> Response {
    let items: String = catalog()
        .stories
        .iter()
        .filter(|s| s.day() == 1)
        .enumerate()
        .map(|(n, s)| {
            let link = esc(app.site.article_url(s).as_str());
            format!(
                "<item><title>{}</title><link>{link}</link><guid>{link}</guid></item>\n",
                esc(&latin1_feed_title(n))
            )
        })
        .collect();
    let feed = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n<title>Le Magazine Fictif</title>\n<link>{home}</link>\n<description>Actualités en français</description>\n{items}</channel></rss>\n",
        home = esc(app.site.primary.as_str()),
    );
    // Every character is below U+0100, so each maps to its Latin-1 byte.
    let bytes: Vec<u8> = feed.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
    ([(header::CONTENT_TYPE, "application/rss+xml")], bytes).into_response()
}

fn html_stream(body: Body) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}
