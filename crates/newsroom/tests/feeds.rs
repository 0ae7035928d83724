//! Every outlet's feed parses in its format, lists exactly its stories, and honours
//! conditional GET.

use std::collections::BTreeSet;

use chorus_newsroom::{FeedFormat, Newsroom, NewsroomOptions, catalog};
use chrono::{DateTime, Utc};

use crate::util::{client, get, get_with};

/// One feed entry, reduced to what the tests compare.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Entry {
    pub(crate) link: String,
    pub(crate) title: String,
    pub(crate) published: DateTime<Utc>,
}

/// The entries of a feed in `format`, parsed as a feed reader would.
pub(crate) fn parse(format: FeedFormat, body: &[u8]) -> Vec<Entry> {
    match format {
        FeedFormat::Rss | FeedFormat::Atom => {
            let feed = feed_rs::parser::parse(body).expect("a well-formed feed");
            let expected = if format == FeedFormat::Rss {
                feed_rs::model::FeedType::RSS2
            } else {
                feed_rs::model::FeedType::Atom
            };
            assert_eq!(feed.feed_type, expected);
            feed.entries
                .into_iter()
                .map(|e| Entry {
                    link: e.links.first().map(|l| l.href.clone()).unwrap_or_default(),
                    title: e.title.map(|t| t.content).unwrap_or_default(),
                    published: e.published.expect("entry date"),
                })
                .collect()
        }
        FeedFormat::JsonFeed => {
            let doc: serde_json::Value = serde_json::from_slice(body).expect("JSON");
            assert_eq!(doc["version"], "https://jsonfeed.org/version/1.1");
            doc["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|item| Entry {
                    link: item["url"].as_str().expect("url").to_owned(),
                    title: item["title"].as_str().expect("title").to_owned(),
                    published: item["date_published"]
                        .as_str()
                        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
                        .expect("date_published")
                        .with_timezone(&Utc),
                })
                .collect()
        }
    }
}

#[tokio::test]
async fn every_feed_lists_exactly_its_outlets_stories() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("start");
    let client = client();
    let feeds = newsroom.feeds();
    assert_eq!(feeds.len(), catalog().outlets.len());
    for (outlet, feed) in catalog().outlets.iter().zip(&feeds) {
        assert_eq!(feed.outlet, outlet.name);
        let fetched = get(&client, feed.url.as_str()).await;
        assert_eq!(fetched.status, 200, "{}", feed.url);
        let content_type = fetched.header("content-type").unwrap_or_default().to_owned();
        let want_type = match outlet.feed_format {
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::JsonFeed => "application/feed+json",
        };
        assert!(content_type.starts_with(want_type), "{}: {content_type}", outlet.slug);

        let got: BTreeSet<Entry> = parse(outlet.feed_format, &fetched.body).into_iter().collect();
        let want: BTreeSet<Entry> = catalog()
            .stories_of(outlet.slug)
            .map(|s| {
                let mut link = newsroom.article_url(s);
                link.set_query(s.feed_link_query);
                Entry { link: link.into(), title: s.title.to_owned(), published: s.published }
            })
            .collect();
        assert_eq!(got, want, "{}", outlet.slug);
    }
    newsroom.shutdown().await;
}

#[tokio::test]
async fn the_reprint_is_linked_with_tracking_parameters() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("start");
    let reprint = catalog().stories.iter().find(|s| s.reprint_of.is_some()).expect("a reprint");
    let outlet = catalog().outlet(reprint.outlet).expect("its outlet");
    let feed = newsroom.feeds().into_iter().find(|f| f.outlet == outlet.name).expect("its feed");
    let body = get(&client(), feed.url.as_str()).await.body;
    let entries = parse(outlet.feed_format, &body);
    let entry = entries.iter().find(|e| e.title == reprint.title).expect("the reprint's entry");
    let canonical = newsroom.article_url(reprint);
    assert_ne!(entry.link, canonical.as_str());
    assert!(entry.link.starts_with(canonical.as_str()) && entry.link.contains("utm_source=rss"));

    // The tracked link serves the page, which names the untracked URL as canonical.
    let page = get(&client(), &entry.link).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains(&format!("<link rel=\"canonical\" href=\"{canonical}\"")));
    newsroom.shutdown().await;
}

#[tokio::test]
async fn conditional_get_answers_304_until_the_feed_changes() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("start");
    let client = client();
    for feed in newsroom.feeds() {
        let url = feed.url.as_str();
        let first = get(&client, url).await;
        let etag = first.header("etag").expect("ETag").to_owned();
        let last_modified = first.header("last-modified").expect("Last-Modified").to_owned();

        let by_tag = get_with(&client, url, &[("if-none-match", &etag)]).await;
        assert_eq!(by_tag.status, 304, "{url}");
        assert!(by_tag.body.is_empty());
        assert_eq!(by_tag.header("etag"), Some(etag.as_str()));

        let by_date = get_with(&client, url, &[("if-modified-since", &last_modified)]).await;
        assert_eq!(by_date.status, 304, "{url}");

        let stale_tag = get_with(&client, url, &[("if-none-match", "\"something-else\"")]).await;
        assert_eq!(stale_tag.status, 200, "{url}");
        assert_eq!(stale_tag.body, first.body, "{url}: the same feed twice");

        let old_date = "Sun, 31 Aug 2025 00:00:00 GMT";
        let stale_date = get_with(&client, url, &[("if-modified-since", old_date)]).await;
        assert_eq!(stale_date.status, 200, "{url}");
    }
    newsroom.shutdown().await;
}
