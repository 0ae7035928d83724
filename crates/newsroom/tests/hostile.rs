//! The `/_hostile/` routes misbehave as documented.

use std::time::Duration;

use chorus_newsroom::hostile::{
    BAD_AUTHOR, GZIP_BOMB_BYTES, HUGE_BODY_BYTES, LATIN1_PARAGRAPHS, LATIN1_TITLE,
    latin1_feed_title,
};
use chorus_newsroom::{Newsroom, NewsroomOptions, catalog};

use crate::util::{client, get};

async fn start() -> Newsroom {
    Newsroom::start(NewsroomOptions::default()).await.expect("start")
}

#[tokio::test]
async fn redirect_loop_redirects_to_itself_with_a_new_url_each_time() {
    let newsroom = start().await;
    let client = client();
    let mut url = newsroom.hostile_url("redirect-loop");
    let mut seen = std::collections::HashSet::new();
    for _ in 0..5 {
        let answer = get(&client, url.as_str()).await;
        assert_eq!(answer.status, 302);
        let location = answer.header("location").expect("Location");
        let next = url.join(location).expect("a URL");
        assert_eq!(next.path(), "/_hostile/redirect-loop");
        assert!(seen.insert(next.to_string()), "{next} repeated");
        url = next;
    }
    newsroom.shutdown().await;
}

#[tokio::test]
async fn status_route_answers_the_code_asked_for() {
    let newsroom = start().await;
    let client = client();
    for code in [200u16, 404, 410, 429, 500, 503] {
        let answer = get(&client, newsroom.hostile_url(&format!("status/{code}")).as_str()).await;
        assert_eq!(answer.status.as_u16(), code);
        assert_eq!(answer.header("retry-after").is_some(), code == 429 || code == 503);
    }
    let bad = get(&client, newsroom.hostile_url("status/abc").as_str()).await;
    assert_eq!(bad.status, 400);
    newsroom.shutdown().await;
}

#[tokio::test]
async fn broken_feeds_are_served_as_feeds() {
    let newsroom = start().await;
    let client = client();

    let malformed = get(&client, newsroom.hostile_url("malformed-feed.xml").as_str()).await;
    assert_eq!(malformed.header("content-type"), Some("application/rss+xml"));
    assert!(malformed.text().starts_with("<?xml"));
    assert!(feed_rs::parser::parse(malformed.body.as_slice()).is_err(), "should not parse");

    let html = get(&client, newsroom.hostile_url("not-a-feed").as_str()).await;
    assert_eq!(html.header("content-type"), Some("application/rss+xml"));
    assert!(html.text().starts_with("<!DOCTYPE html>"));

    let bad = get(&client, newsroom.hostile_url("bad-author-feed.xml").as_str()).await;
    let text = bad.text();
    assert!(text.contains(&format!("<author>{BAD_AUTHOR}</author>")));
    // Without the author the feed is valid, with one entry linking to a real page.
    let cleaned = text.replace(&format!("<author>{BAD_AUTHOR}</author>"), "");
    let feed = feed_rs::parser::parse(cleaned.as_bytes()).expect("valid apart from the author");
    assert_eq!(feed.entries.len(), 1);
    let link = &feed.entries[0].links[0].href;
    assert_eq!(link, newsroom.article_url(&catalog().stories[0]).as_str());
    assert_eq!(get(&client, link).await.status, 200);
    newsroom.shutdown().await;
}

#[tokio::test]
async fn latin1_page_is_encoded_in_latin1_without_a_header_charset() {
    let newsroom = start().await;
    let page = get(&client(), newsroom.hostile_url("latin1").as_str()).await;
    assert_eq!(page.header("content-type"), Some("text/html"));
    assert!(std::str::from_utf8(&page.body).is_err(), "must not be UTF-8");
    for byte in [0xE9u8, 0xFC, 0xA3] {
        assert!(page.body.contains(&byte), "no byte {byte:#x}");
    }
    let decoded: String = page.body.iter().map(|&b| char::from(b)).collect();
    assert!(decoded.contains("<meta charset=\"iso-8859-1\">"));
    assert!(decoded.contains(LATIN1_TITLE));
    assert!(decoded.contains(LATIN1_PARAGRAPHS[0]));
    newsroom.shutdown().await;
}

#[tokio::test]
async fn huge_body_has_its_declared_length() {
    let newsroom = start().await;
    let mut response = client().get(newsroom.hostile_url("huge")).send().await.expect("send");
    assert_eq!(response.content_length(), Some(HUGE_BODY_BYTES));
    let mut total = 0u64;
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        total += chunk.len() as u64;
    }
    assert_eq!(total, HUGE_BODY_BYTES);
    newsroom.shutdown().await;
}

#[tokio::test]
async fn endless_body_keeps_coming() {
    let newsroom = start().await;
    let mut response = client().get(newsroom.hostile_url("endless")).send().await.expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), None);
    let mut total = 0usize;
    while total < 4 * 1024 * 1024 {
        let chunk = response.chunk().await.expect("chunk").expect("the body never ends");
        total += chunk.len();
    }
    drop(response);
    newsroom.shutdown().await;
}

#[tokio::test]
async fn slow_body_starts_then_drips() {
    let newsroom = start().await;
    let mut response = client().get(newsroom.hostile_url("slow")).send().await.expect("send");
    assert_eq!(response.status(), 200);
    let first = response.chunk().await.expect("chunk").expect("first bytes");
    assert!(first.starts_with(b"<!DOCTYPE html>"));
    // Then single bytes, and the body is still not finished after two of them.
    for _ in 0..2 {
        let drip = response.chunk().await.expect("chunk").expect("more bytes");
        assert_eq!(drip.as_ref(), b".");
    }
    drop(response);
    newsroom.shutdown().await;
}

#[tokio::test]
async fn stall_sends_no_headers() {
    let newsroom = start().await;
    let request = client().get(newsroom.hostile_url("stall")).send();
    let outcome = tokio::time::timeout(Duration::from_millis(500), request).await;
    assert!(outcome.is_err(), "headers arrived from a stalled route");
    newsroom.shutdown().await;
}

#[tokio::test]
async fn gzip_bomb_is_small_on_the_wire_and_huge_decoded() {
    let newsroom = start().await;
    // A client that leaves the body as sent.
    let _ = client(); // installs the TLS provider that building any client needs
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let answer = get(&raw, newsroom.hostile_url("gzip-bomb").as_str()).await;
    assert_eq!(answer.header("content-encoding"), Some("gzip"));
    assert!(answer.body.len() < 1 << 20, "{} bytes on the wire", answer.body.len());
    let mut decoded = Vec::new();
    let mut reader = flate2::read::GzDecoder::new(answer.body.as_slice());
    std::io::Read::read_to_end(&mut reader, &mut decoded).unwrap();
    assert_eq!(decoded.len(), GZIP_BOMB_BYTES);
    newsroom.shutdown().await;
}

#[tokio::test]
async fn flaky_feed_fails_its_first_requests_then_serves_a_feed() {
    let newsroom = start().await;
    let client = client();
    let url = newsroom.hostile_url("flaky-feed.xml?fail=2&id=t");
    assert_eq!(get(&client, url.as_str()).await.status, 500);
    assert_eq!(get(&client, url.as_str()).await.status, 500);
    let ok = get(&client, url.as_str()).await;
    assert_eq!(ok.status, 200);
    let feed = feed_rs::parser::parse(ok.body.as_slice()).unwrap();
    let first_day = catalog().stories.iter().filter(|s| s.day() == 1).count();
    assert_eq!(feed.entries.len(), first_day);
    // Another id counts on its own.
    let other = newsroom.hostile_url("flaky-feed.xml?fail=1&id=u");
    assert_eq!(get(&client, other.as_str()).await.status, 500);
    newsroom.shutdown().await;
}

#[tokio::test]
async fn redirect_goes_wherever_it_is_told() {
    let newsroom = start().await;
    let answer =
        get(&client(), newsroom.hostile_url("redirect?to=http://10.1.2.3/x").as_str()).await;
    assert_eq!(answer.status, 302);
    assert_eq!(answer.header("location"), Some("http://10.1.2.3/x"));
    newsroom.shutdown().await;
}

#[tokio::test]
async fn huge_feed_lists_as_many_items_as_asked() {
    let newsroom = start().await;
    let client = client();
    let answer = get(&client, newsroom.hostile_url("huge-feed.xml?items=3000").as_str()).await;
    let feed = feed_rs::parser::parse(answer.body.as_slice()).unwrap();
    assert_eq!(feed.entries.len(), 3000);
    let page = get(&client, &feed.entries[2999].links[0].href).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Item 2999"));
    newsroom.shutdown().await;
}

#[tokio::test]
async fn latin1_feed_is_latin1_bytes_with_nothing_saying_so() {
    let newsroom = start().await;
    let answer = get(&client(), newsroom.hostile_url("latin1-feed.xml").as_str()).await;
    assert_eq!(answer.header("content-type"), Some("application/rss+xml"));
    assert!(std::str::from_utf8(&answer.body).is_err(), "not UTF-8");
    assert!(!String::from_utf8_lossy(&answer.body).contains("encoding="));
    let title = latin1_feed_title(0);
    let latin1: Vec<u8> = title.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    assert!(answer.body.windows(latin1.len()).any(|w| w == latin1.as_slice()));
    newsroom.shutdown().await;
}
