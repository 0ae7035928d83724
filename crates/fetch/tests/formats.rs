//! Feed polling over real HTTP: each format, conditional requests, broken feeds.

use chorus_model::{FeedOutcome, FeedState, Timestamp};
use chrono::DateTime;

use crate::util::{self, Route, TestServer};

fn at(rfc3339: &str) -> Option<Timestamp> {
    Some(DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc())
}

fn urls(entries: &[chorus_model::FeedEntry]) -> Vec<String> {
    entries.iter().map(|e| e.url.to_string()).collect()
}

#[tokio::test]
async fn rss_entries_have_resolved_urls_dates_and_authors() {
    let server = TestServer::start().await;
    server.file("rss.xml", "application/rss+xml");
    let fetcher = util::fetcher(&util::config());
    let (check, entries) =
        fetcher.poll_feed(&util::job(server.url("/rss.xml"), FeedState::default())).await;

    assert_eq!(check.outcome, FeedOutcome::Fetched { entries: 2, new_entries: 0 });
    assert_eq!(
        urls(&entries),
        [
            server.url("/world/italy-troops?utm_source=rss").to_string(),
            "https://harbor.example.test/business/markets".to_owned()
        ]
    );
    let first = &entries[0];
    assert_eq!(first.title.as_deref(), Some("Italy refuses to send troops to Ukraine"));
    assert_eq!(first.published, at("2025-09-04T08:00:00Z"));
    assert_eq!(first.authors, ["Jane Doe"]);
    assert_eq!(first.summary.as_deref(), Some("Rome will not join a reassurance force."));
    assert_eq!(entries[1].title.as_deref(), Some("Markets & the euro"));
    assert_eq!(entries[1].authors, ["Marco Rossi"]);
    assert!(check.state.body_hash.is_some());
}

#[tokio::test]
async fn atom_prefers_alternate_links_and_falls_back_to_updated() {
    let server = TestServer::start().await;
    server.file("atom.xml", "application/atom+xml");
    let fetcher = util::fetcher(&util::config());
    let (check, entries) =
        fetcher.poll_feed(&util::job(server.url("/atom.xml"), FeedState::default())).await;

    assert_eq!(check.outcome, FeedOutcome::Fetched { entries: 2, new_entries: 0 });
    assert_eq!(
        urls(&entries),
        [
            server.url("/2025/09/04/paris-talks").to_string(),
            "https://bay.example.test/2025/09/03/updated-only".to_owned()
        ]
    );
    assert_eq!(entries[0].title.as_deref(), Some("Paris talks: no troops from Rome"));
    assert_eq!(entries[0].published, at("2025-09-04T09:15:00Z"));
    assert_eq!(entries[0].authors, ["Claire Martin"]);
    assert_eq!(entries[1].published, at("2025-09-03T08:00:00Z"));
}

#[tokio::test]
async fn json_feed_entries() {
    let server = TestServer::start().await;
    server.file("feed.json", "application/feed+json");
    let fetcher = util::fetcher(&util::config());
    let (check, entries) =
        fetcher.poll_feed(&util::job(server.url("/feed.json"), FeedState::default())).await;

    assert_eq!(check.outcome, FeedOutcome::Fetched { entries: 2, new_entries: 0 });
    assert_eq!(
        urls(&entries),
        [
            server.url("/json/rome-decision").to_string(),
            "https://elsewhere.example.test/analysis".to_owned()
        ]
    );
    assert_eq!(entries[0].published, at("2025-09-04T10:00:00Z"));
    assert_eq!(entries[0].authors, ["Luca Bianchi"]);
    assert_eq!(entries[0].summary.as_deref(), Some("<p>Why Italy said no.</p>"));
    assert_eq!(entries[1].published, at("2025-09-04T15:00:00Z"));
}

#[tokio::test]
async fn sitemap_keeps_escaped_ampersands_and_news_fields() {
    let server = TestServer::start().await;
    server.file("sitemap.xml", "application/xml");
    let fetcher = util::fetcher(&util::config());
    let (check, entries) =
        fetcher.poll_feed(&util::job(server.url("/sitemap.xml"), FeedState::default())).await;

    assert_eq!(check.outcome, FeedOutcome::Fetched { entries: 2, new_entries: 0 });
    assert_eq!(
        urls(&entries),
        [
            server.url("/story?id=7&section=world").to_string(),
            server.url("/plain-page").to_string()
        ]
    );
    assert_eq!(entries[0].title.as_deref(), Some("Italy & France disagree \u{2014} again"));
    assert_eq!(entries[0].published, at("2025-09-04T08:30:00Z"));
    assert_eq!(entries[1].published, at("2025-09-03T00:00:00Z"));
}

#[tokio::test]
async fn sitemap_index_is_followed_newest_child_first() {
    let server = TestServer::start().await;
    server.file("sitemap-index.xml", "application/xml");
    let child = |name: &str| {
        format!("<urlset><url><loc>/{name}</loc><lastmod>2025-09-01</lastmod></url></urlset>")
    };
    server.route("/sitemaps/newer.xml", Route::ok("application/xml", child("from-newer")));
    server.route("/sitemaps/older.xml", Route::ok("application/xml", child("from-older")));

    let fetcher = util::fetcher(&util::config());
    let job = util::job(server.url("/sitemap-index.xml"), FeedState::default());
    let (check, entries) = fetcher.poll_feed(&job).await;
    assert_eq!(check.outcome, FeedOutcome::Fetched { entries: 2, new_entries: 0 });
    assert_eq!(
        urls(&entries),
        [server.url("/from-newer").to_string(), server.url("/from-older").to_string()]
    );

    let one_child =
        util::fetcher(&chorus_fetch::FetchConfig { max_child_sitemaps: 1, ..util::config() });
    let (_, entries) = one_child.poll_feed(&job).await;
    assert_eq!(urls(&entries), [server.url("/from-newer").to_string()]);
    assert_eq!(server.stats.hits("/sitemaps/older.xml"), 1);
}

#[tokio::test]
async fn sitemap_index_with_only_broken_children_fails() {
    let server = TestServer::start().await;
    server.file("sitemap-index.xml", "application/xml");
    server.route("/sitemaps/newer.xml", Route::Status(500));
    server.route("/sitemaps/older.xml", Route::Status(404));
    let fetcher = util::fetcher(&util::config());
    let (check, _) =
        fetcher.poll_feed(&util::job(server.url("/sitemap-index.xml"), FeedState::default())).await;
    assert_eq!(
        check.outcome,
        FeedOutcome::Failed { reason: "HTTP 500 Internal Server Error".into() }
    );
}

#[tokio::test]
async fn etag_304_is_not_modified_and_keeps_state() {
    let server = TestServer::start().await;
    let body = util::data("rss.xml");
    server
        .route("/etag.xml", Route::Conditional { etag: Some("\"v1\""), last_modified: None, body });
    let fetcher = util::fetcher(&util::config());

    let (first, entries) =
        fetcher.poll_feed(&util::job(server.url("/etag.xml"), FeedState::default())).await;
    assert!(matches!(first.outcome, FeedOutcome::Fetched { entries: 2, .. }));
    assert_eq!(entries.len(), 2);
    assert_eq!(first.state.etag.as_deref(), Some("\"v1\""));

    let (second, entries) =
        fetcher.poll_feed(&util::job(server.url("/etag.xml"), first.state.clone())).await;
    assert_eq!(second.outcome, FeedOutcome::NotModified);
    assert!(entries.is_empty());
    assert_eq!(second.state, FeedState { unchanged_streak: 1, ..first.state.clone() });
    let sent = server.stats.requests_to("/etag.xml");
    assert_eq!(sent[0].headers.get("if-none-match"), None);
    assert_eq!(sent[1].headers.get("if-none-match").map(String::as_str), Some("\"v1\""));
}

#[tokio::test]
async fn last_modified_304_is_not_modified_and_keeps_state() {
    let server = TestServer::start().await;
    let lm = "Thu, 04 Sep 2025 10:00:00 GMT";
    let body = util::data("atom.xml");
    server.route("/lm.xml", Route::Conditional { etag: None, last_modified: Some(lm), body });
    let fetcher = util::fetcher(&util::config());

    let (first, _) =
        fetcher.poll_feed(&util::job(server.url("/lm.xml"), FeedState::default())).await;
    assert_eq!(first.state.last_modified.as_deref(), Some(lm));
    let (second, _) =
        fetcher.poll_feed(&util::job(server.url("/lm.xml"), first.state.clone())).await;
    assert_eq!(second.outcome, FeedOutcome::NotModified);
    assert_eq!(second.state, FeedState { unchanged_streak: 1, ..first.state.clone() });
    assert_eq!(
        server.stats.requests_to("/lm.xml")[1].headers.get("if-modified-since").map(String::as_str),
        Some(lm)
    );
}

#[tokio::test]
async fn identical_body_is_not_modified_despite_a_fresh_etag() {
    let server = TestServer::start().await;
    server.route("/same.xml", Route::FreshEtag { body: util::data("rss.xml") });
    let fetcher = util::fetcher(&util::config());

    let (first, _) =
        fetcher.poll_feed(&util::job(server.url("/same.xml"), FeedState::default())).await;
    assert!(matches!(first.outcome, FeedOutcome::Fetched { .. }));
    let (second, entries) =
        fetcher.poll_feed(&util::job(server.url("/same.xml"), first.state.clone())).await;
    assert_eq!(second.outcome, FeedOutcome::NotModified);
    assert!(entries.is_empty());
    assert_eq!(second.state.body_hash, first.state.body_hash);
    assert_eq!(second.state.etag.as_deref(), Some("\"v2\""));
}

/// feed-rs 3.0 panics on a multi-byte character touching an e-mail in `<author>`.
#[tokio::test]
async fn author_that_panics_feed_rs_does_not_crash_the_poll() {
    let server = TestServer::start().await;
    server.file("author-panic.xml", "application/rss+xml");
    let fetcher = util::fetcher(&util::config());
    let (check, entries) =
        fetcher.poll_feed(&util::job(server.url("/author-panic.xml"), FeedState::default())).await;
    assert_eq!(check.outcome, FeedOutcome::Fetched { entries: 1, new_entries: 0 });
    assert_eq!(urls(&entries), [server.url("/survivor").to_string()]);
    assert!(entries[0].authors.is_empty());
}

async fn failed_reason(server: &TestServer, path: &str) -> (String, FeedState) {
    let old = FeedState {
        etag: Some("\"old\"".into()),
        last_modified: None,
        body_hash: Some("0123456789abcdef".into()),
        ..FeedState::default()
    };
    let fetcher = util::fetcher(&util::short_timeout());
    let (check, entries) = fetcher.poll_feed(&util::job(server.url(path), old.clone())).await;
    assert!(entries.is_empty());
    assert_eq!(check.state, old, "a failed poll keeps the old state");
    match check.outcome {
        FeedOutcome::Failed { reason } => (reason, check.state),
        other => panic!("{path}: expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn broken_feeds_fail_with_a_short_reason() {
    let server = TestServer::start().await;
    server.file("malformed.xml", "application/rss+xml");
    server.file("not-a-feed.html", "text/html");
    server.route("/gone.xml", Route::Status(404));
    server.route("/down.xml", Route::Status(503));
    server.route("/stall.xml", Route::Stall);
    server.route("/empty.xml", Route::ok("application/rss+xml", ""));

    let (reason, _) = failed_reason(&server, "/malformed.xml").await;
    assert!(reason.starts_with("malformed feed: "), "{reason}");
    assert_eq!(failed_reason(&server, "/not-a-feed.html").await.0, "not a feed: an HTML page");
    assert_eq!(failed_reason(&server, "/gone.xml").await.0, "HTTP 404 Not Found");
    assert_eq!(failed_reason(&server, "/down.xml").await.0, "HTTP 503 Service Unavailable");
    assert_eq!(failed_reason(&server, "/stall.xml").await.0, "timed out after 1 s");
    assert_eq!(failed_reason(&server, "/empty.xml").await.0, "not a feed: an empty body");
}

#[tokio::test]
async fn feed_types_clearly_not_a_feed_are_refused_unread_and_vague_ones_sniffed() {
    let server = TestServer::start().await;
    let rss = util::rss(&["/page/sniffed".to_owned()]);
    server.route("/logo.xml", Route::ok("image/png", rss.clone()));
    server.route("/report.xml", Route::ok("application/pdf", rss.clone()));
    server.route("/octet.xml", Route::ok("application/octet-stream", rss.clone()));
    server.route("/html.xml", Route::ok("text/html; charset=utf-8", rss));

    assert_eq!(
        failed_reason(&server, "/logo.xml").await.0,
        "not a feed: a response of type image/png"
    );
    assert_eq!(
        failed_reason(&server, "/report.xml").await.0,
        "not a feed: a response of type application/pdf"
    );
    let fetcher = util::fetcher(&util::config());
    for path in ["/octet.xml", "/html.xml"] {
        let (check, entries) =
            fetcher.poll_feed(&util::job(server.url(path), FeedState::default())).await;
        assert_eq!(check.outcome, FeedOutcome::Fetched { entries: 1, new_entries: 0 }, "{path}");
        assert_eq!(urls(&entries), [server.url("/page/sniffed").to_string()]);
    }
}

/// A feed's `charset` comes from the HTTP header when the body does not say: sniffing
/// these bytes alone would read them as windows-1252 and garble every title.
#[tokio::test]
async fn http_charset_decodes_a_feed_served_as_html() {
    let server = TestServer::start().await;
    let title = "Погода: в Москве похолодает";
    let (cyrillic, _, _) = encoding_rs::WINDOWS_1251.encode(title);
    let mut body = b"<rss version=\"2.0\"><channel><title>T</title><item><title>".to_vec();
    body.extend_from_slice(&cyrillic);
    body.extend_from_slice(b"</title><link>/pogoda</link></item></channel></rss>");
    server.route("/feed", Route::ok("text/html; charset=windows-1251", body));
    let fetcher = util::fetcher(&util::config());
    let (check, entries) =
        fetcher.poll_feed(&util::job(server.url("/feed"), FeedState::default())).await;

    assert_eq!(check.outcome, FeedOutcome::Fetched { entries: 1, new_entries: 0 });
    assert_eq!(entries[0].title.as_deref(), Some(title));
    assert_eq!(entries[0].url, server.url("/pogoda"));
}

/// A download cut off mid-item still gives the items before the cut.
#[tokio::test]
async fn a_cut_off_feed_keeps_the_items_before_the_cut() {
    let server = TestServer::start().await;
    let body = "<rss version=\"2.0\"><channel><title>T</title>\
                <item><title>Kept</title><link>/kept</link></item>\
                <item><title>Lost</title><link>/lo";
    server.route("/feed", Route::ok("application/rss+xml", body));
    let fetcher = util::fetcher(&util::config());
    let (check, entries) =
        fetcher.poll_feed(&util::job(server.url("/feed"), FeedState::default())).await;

    assert_eq!(check.outcome, FeedOutcome::Fetched { entries: 1, new_entries: 0 });
    assert_eq!(urls(&entries), [server.url("/kept").to_string()]);
}

/// An index that stays the same while its child changes: the child's new entries are read,
/// since an index's own validators and hash say nothing about its children.
#[tokio::test]
async fn an_unchanged_sitemap_index_still_shows_its_childs_new_entries() {
    let server = TestServer::start().await;
    let index = format!(
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
         <sitemap><loc>{}</loc></sitemap></sitemapindex>",
        server.url("/news.xml")
    );
    server.route(
        "/index.xml",
        Route::Conditional { etag: Some("\"idx\""), last_modified: None, body: index.into_bytes() },
    );
    let urlset = |paths: &[&str]| {
        let urls: String =
            paths.iter().map(|p| format!("<url><loc>{}</loc></url>", server.url(p))).collect();
        format!("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{urls}</urlset>")
    };
    server.route("/news.xml", Route::ok("application/xml", urlset(&["/a/1"])));
    let fetcher = util::fetcher(&util::config());
    let (first, entries) =
        fetcher.poll_feed(&util::job(server.url("/index.xml"), FeedState::default())).await;
    assert_eq!(urls(&entries), [server.url("/a/1").to_string()]);

    server.route("/news.xml", Route::ok("application/xml", urlset(&["/a/2", "/a/1"])));
    let (_, entries) = fetcher.poll_feed(&util::job(server.url("/index.xml"), first.state)).await;
    assert_eq!(urls(&entries), [server.url("/a/2").to_string(), server.url("/a/1").to_string()]);
}
