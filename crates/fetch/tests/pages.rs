//! Page downloads against a misbehaving server: every limit is hit for real.

use std::sync::Arc;

use chorus_fetch::{FetchConfig, FetchError, Fetcher};
use futures_util::future::join_all;

use crate::util::{self, Route, Stats, TestServer};

async fn fetch(
    fetcher: &Fetcher,
    server: &TestServer,
    path: &str,
) -> Result<chorus_model::RawPage, FetchError> {
    fetcher.fetch_page(&server.url(path), "Harbor Gazette", None).await
}

fn reason(result: Result<chorus_model::RawPage, FetchError>) -> &'static str {
    match result {
        Ok(page) => panic!("expected a failure, got a page from {}", page.final_url),
        Err(err) => err.reason(),
    }
}

#[tokio::test]
async fn page_is_downloaded_with_headers_and_identity() {
    let server = TestServer::start().await;
    let cfg = util::config();
    let page = fetch(&util::fetcher(&cfg), &server, "/page/one").await.unwrap();
    assert_eq!(page.url, server.url("/page/one"));
    assert_eq!(page.final_url, page.url);
    assert_eq!(page.outlet, "Harbor Gazette");
    assert_eq!(page.content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert!(String::from_utf8(page.body).unwrap().contains("Text of /page/one."));
    let sent = &server.stats.requests_to("/page/one")[0];
    assert_eq!(sent.headers.get("user-agent"), Some(&cfg.user_agent));
    assert!(
        sent.headers.get("accept-encoding").is_some_and(|v| v.contains("gzip") && v.contains("br"))
    );
}

#[tokio::test]
async fn gzip_body_is_decoded() {
    let server = TestServer::start().await;
    let headers = vec![("Content-Encoding", "gzip".to_owned())];
    server.route(
        "/gz",
        Route::Ok {
            content_type: Some("text/html"),
            body: util::data("gzipped-story.gz"),
            headers,
        },
    );
    let page = fetch(&util::fetcher(&util::config()), &server, "/gz").await.unwrap();
    assert_eq!(page.body, util::data("page.html"));
}

#[tokio::test]
async fn redirect_is_followed_and_final_url_kept() {
    let server = TestServer::start().await;
    server.route("/moved", Route::Redirect("/page/new-home".into()));
    let page = fetch(&util::fetcher(&util::config()), &server, "/moved").await.unwrap();
    assert_eq!(page.url, server.url("/moved"));
    assert_eq!(page.final_url, server.url("/page/new-home"));
}

#[tokio::test]
async fn redirect_loop_is_reported_as_a_loop() {
    let server = TestServer::start().await;
    server.route("/loop-a", Route::Redirect("/loop-b".into()));
    server.route("/loop-b", Route::Redirect("/loop-a".into()));
    let cfg = FetchConfig { max_redirects: 10, ..util::config() };
    let err = fetch(&util::fetcher(&cfg), &server, "/loop-a").await.unwrap_err();
    assert!(
        matches!(&err, FetchError::RedirectLoop { to, .. } if **to == server.url("/loop-a")),
        "{err:?}"
    );
    assert_eq!(err.reason(), "redirect_loop");
    assert!(err.to_string().starts_with("redirect loop back to http://"), "{err}");
    // Each address once: the loop is seen as soon as it closes, not at the limit.
    assert_eq!((server.stats.hits("/loop-a"), server.stats.hits("/loop-b")), (1, 1));
}

#[tokio::test]
async fn redirect_chain_stops_at_the_limit() {
    let server = TestServer::start().await;
    for i in 0..10 {
        server.route(&format!("/hop-{i}"), Route::Redirect(format!("/hop-{}", i + 1)));
    }
    let cfg = util::config();
    let err = fetch(&util::fetcher(&cfg), &server, "/hop-0").await.unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects { limit: 3, .. }), "{err:?}");
    assert_eq!(err.reason(), "redirects");
    // The first request plus `max_redirects` followed hops, no more.
    assert_eq!(server.stats.hits_under("/hop-"), cfg.max_redirects + 1);
}

#[tokio::test]
async fn over_long_address_is_refused_before_sending() {
    let server = TestServer::start().await;
    let long = format!("/page/{}", "a".repeat(2100));
    let fetcher = util::fetcher(&util::config());
    let err = fetch(&fetcher, &server, &long).await.unwrap_err();
    assert!(matches!(err, FetchError::UrlTooLong { limit: 2048, .. }), "{err:?}");
    assert_eq!(err.reason(), "url_too_long");
    assert_eq!(server.stats.hits_under("/page/"), 0);

    // A redirect to one fails the same way, without following it.
    server.route("/to-long", Route::Redirect(long.clone()));
    let err = fetch(&fetcher, &server, "/to-long").await.unwrap_err();
    assert!(matches!(err, FetchError::UrlTooLong { limit: 2048, .. }), "{err:?}");
    assert_eq!(server.stats.hits_under("/page/"), 0);

    // Just under the limit is fine.
    let fits = format!("/page/{}", "b".repeat(2048 - server.url("/page/").as_str().len()));
    assert_eq!(server.url(&fits).as_str().len(), 2048);
    fetch(&fetcher, &server, &fits).await.unwrap();
}

/// 64 MiB of zeros gzip to about 64 KiB: the announced length is far under the cap, the
/// decoded body far over it.
#[tokio::test]
async fn gzip_bomb_stops_at_the_cap() {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    let cfg = util::config();
    assert!((bomb.len() as u64) < cfg.max_body_bytes, "the compressed size passes the check");

    let server = TestServer::start().await;
    let headers = vec![("Content-Encoding", "gzip".to_owned())];
    server.route("/bomb", Route::Ok { content_type: Some("text/html"), body: bomb, headers });
    let err = fetch(&util::fetcher(&cfg), &server, "/bomb").await.unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { limit: 200_000, .. }), "{err:?}");
}

#[tokio::test]
async fn error_statuses_are_named() {
    let server = TestServer::start().await;
    server.route("/down", Route::Status(503));
    let fetcher = util::fetcher(&util::config());
    assert_eq!(reason(fetch(&fetcher, &server, "/missing").await), "http_404");
    let err = fetch(&fetcher, &server, "/down").await.unwrap_err();
    assert!(matches!(err, FetchError::Status { status: 503, .. }));
    assert_eq!(err.to_string(), "HTTP 503 Service Unavailable");
}

#[tokio::test]
async fn non_html_pages_are_refused_and_missing_type_is_allowed() {
    let server = TestServer::start().await;
    server.route("/photo", Route::ok("image/jpeg", vec![0xFF, 0xD8, 0xFF]));
    server.route("/report", Route::ok("application/pdf", "%PDF-1.7"));
    server.route(
        "/untyped",
        Route::Ok { content_type: None, body: b"<p>no type</p>".to_vec(), headers: Vec::new() },
    );
    let fetcher = util::fetcher(&util::config());
    assert_eq!(reason(fetch(&fetcher, &server, "/photo").await), "not_html");
    let err = fetch(&fetcher, &server, "/report").await.unwrap_err();
    assert!(
        matches!(&err, FetchError::NotHtml { content_type, .. } if content_type == "application/pdf")
    );
    let page = fetch(&fetcher, &server, "/untyped").await.unwrap();
    assert_eq!(page.content_type, None);
    assert_eq!(page.body, b"<p>no type</p>");
}

/// Each byte arrives well within any read timeout; only a deadline on the whole request
/// stops it.
#[tokio::test]
async fn trickling_body_times_out() {
    let server = TestServer::start().await;
    server.route("/slow", Route::Trickle { len: 100 });
    let err = fetch(&util::fetcher(&util::short_timeout()), &server, "/slow").await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { secs: 1, .. }), "{err:?}");
    assert_eq!(err.to_string(), "timed out after 1 s");
}

#[tokio::test]
async fn stalled_response_times_out() {
    let server = TestServer::start().await;
    server.route("/stall", Route::Stall);
    let fetcher = util::fetcher(&util::short_timeout());
    assert_eq!(reason(fetch(&fetcher, &server, "/stall").await), "timeout");
}

#[tokio::test]
async fn endless_body_stops_at_the_cap() {
    let server = TestServer::start().await;
    server.route("/endless", Route::Endless);
    let err = fetch(&util::fetcher(&util::config()), &server, "/endless").await.unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { limit: 200_000, .. }), "{err:?}");
}

#[tokio::test]
async fn huge_content_length_fails_before_reading() {
    let server = TestServer::start().await;
    server.route("/huge", Route::HugeLength);
    // The server stalls after 1 KiB: reading the body would end in a timeout instead.
    let fetcher = util::fetcher(&util::short_timeout());
    assert_eq!(reason(fetch(&fetcher, &server, "/huge").await), "too_large");
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = url::Url::parse(&format!("http://{addr}/page/x")).unwrap();
    let err = util::fetcher(&util::config()).fetch_page(&url, "x", None).await.unwrap_err();
    assert_eq!(err.reason(), "connect", "{err:?}");
    assert!(err.to_string().starts_with("connection failed: "), "{err}");
}

#[tokio::test]
async fn non_http_address_is_refused() {
    let url = url::Url::parse("ftp://127.0.0.1/file").unwrap();
    let err = util::fetcher(&util::config()).fetch_page(&url, "x", None).await.unwrap_err();
    assert_eq!(err.reason(), "bad_url");
}

#[tokio::test]
async fn per_host_limit_holds_while_another_host_proceeds() {
    let stats = Arc::new(Stats::default());
    let busy = TestServer::start_on("127.0.0.1", Arc::clone(&stats), 150).await;
    let other = TestServer::start_on("127.0.0.2", Arc::clone(&stats), 150).await;
    let cfg = FetchConfig { per_host_concurrency: 2, ..util::config() };
    let fetcher = util::fetcher(&cfg);

    let busy_urls = (0..8).map(|i| busy.url(&format!("/page/busy-{i}")));
    let other_urls = (0..3).map(|i| other.url(&format!("/page/other-{i}")));
    let urls: Vec<url::Url> = busy_urls.chain(other_urls).collect();
    let results = join_all(urls.iter().map(|u| fetcher.fetch_page(u, "x", None))).await;

    assert!(results.iter().all(Result::is_ok));
    assert_eq!(stats.max_in_flight(&busy.label()), 2, "the limit is reached but never passed");
    assert!(stats.max_in_flight(&other.label()) <= 2);
    assert!(
        stats.arrivals_during_others(&other.label()) > 0,
        "the second host is served while the first is busy"
    );
}
