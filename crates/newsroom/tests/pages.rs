//! Every story page is served in its outlet's template, with its text, metadata and
//! furniture.

use chorus_newsroom::{Cms, Newsroom, NewsroomOptions, catalog};

use crate::util::{client, get, html_escape};

#[tokio::test]
async fn every_story_page_has_its_text_metadata_and_furniture() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("start");
    let client = client();
    let c = catalog();
    for story in &c.stories {
        let outlet = c.outlet(story.outlet).expect("outlet");
        let url = newsroom.article_url(story);
        let page = get(&client, url.as_str()).await;
        assert_eq!(page.status, 200, "{url}");
        assert!(page.header("content-type").unwrap_or_default().starts_with("text/html"));
        let html = page.text();
        let slug = story.slug;

        let title = html_escape(story.title);
        assert!(
            html.contains(&format!("<title>{title} | {}</title>", html_escape(outlet.name))),
            "{slug}"
        );
        let h1 = html.split("<h1").nth(1).and_then(|rest| rest.split("</h1>").next());
        assert!(h1.is_some_and(|h1| h1.contains(&title)), "{slug}: headline");
        assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{url}\"")), "{slug}");
        assert!(html.contains(&format!("<meta property=\"og:url\" content=\"{url}\"")), "{slug}");
        assert!(
            html.contains(&format!("<meta property=\"og:title\" content=\"{title}\"")),
            "{slug}"
        );
        assert!(
            html.contains(&html_escape(story.author))
                || html.contains(&story.author.to_uppercase()),
            "{slug}"
        );
        for p in story.paragraphs {
            assert!(html.contains(&format!(">{}</p>", html_escape(p))), "{slug}: {p}");
        }
        for piece in outlet.furniture {
            assert!(html.contains(piece), "{slug} lacks furniture {piece:?}");
        }

        // The publication time is in the place each template puts it.
        let marker = match outlet.cms {
            Cms::WordPress | Cms::Wire => "article:published_time\" content=\"",
            Cms::Arc | Cms::Tabloid => "\"datePublished\":\"",
            Cms::Drupal => "dcterms.date\" content=\"",
            Cms::TvStation => "<time datetime=\"",
        };
        let at = html.find(marker).unwrap_or_else(|| panic!("{slug}: no {marker}")) + marker.len();
        let shown = html[at..].split('"').next().unwrap_or_default();
        let parsed = chrono::DateTime::parse_from_rfc3339(shown).expect("an RFC 3339 date");
        assert_eq!(parsed, story.published, "{slug}");

        // Related stories are the outlet's own others, never the story itself.
        let others: Vec<_> = c.stories_of(outlet.slug).filter(|s| s.slug != slug).collect();
        assert!(others.iter().any(|o| html.contains(&html_escape(o.title))), "{slug}: no related");
        for foreign in c.stories.iter().filter(|s| s.outlet != outlet.slug) {
            assert!(
                !html.contains(newsroom.article_url(foreign).as_str()),
                "{slug} links {}",
                foreign.slug
            );
        }
    }
    newsroom.shutdown().await;
}

#[tokio::test]
async fn the_station_page_puts_masthead_and_section_above_the_seed_headline() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("start");
    let story = catalog()
        .stories
        .iter()
        .find(|s| s.outlet == "kmia" && s.event == "italy-troops")
        .expect("the KMIA seed");
    let html = get(&client(), newsroom.article_url(story).as_str()).await.text();
    let masthead = html.find(">Miami News, KMIA<").expect("masthead");
    let section = html.find(">World News</a></div>").expect("section label");
    let headline = html.find(&format!(">{}</h1>", story.title)).expect("headline");
    let body = html.find(&format!(">{}</p>", story.paragraphs[0])).expect("first paragraph");
    assert!(masthead < section && section < headline && headline < body);
    newsroom.shutdown().await;
}

#[tokio::test]
async fn front_pages_list_headlines_and_unknown_paths_are_404() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("start");
    let client = client();
    let base = format!("http://{}", newsroom.addr());
    for outlet in &catalog().outlets {
        let front = get(&client, &format!("{base}{}", outlet.front_path())).await;
        assert_eq!(front.status, 200);
        let html = front.text();
        for story in catalog().stories_of(outlet.slug) {
            assert!(html.contains(&html_escape(story.title)), "{}: {}", outlet.slug, story.slug);
        }
    }
    let index = get(&client, &format!("{base}/")).await;
    assert_eq!(index.status, 200);
    for feed in newsroom.feeds() {
        assert!(index.text().contains(feed.url.as_str()));
    }
    for path in ["/nowhere", "/harbor-gazette/2025/09/04/no-such-story/", "/kmia/news/world/x"] {
        assert_eq!(get(&client, &format!("{base}{path}")).await.status, 404, "{path}");
    }
    // A WordPress URL answers with and without its trailing slash.
    let wp = catalog().stories_of("harbor-gazette").next().expect("a Gazette story");
    let url = newsroom.article_url(wp);
    assert!(url.path().ends_with('/'));
    let bare = url.as_str().trim_end_matches('/');
    assert_eq!(get(&client, bare).await.status, 200);
    newsroom.shutdown().await;
}
