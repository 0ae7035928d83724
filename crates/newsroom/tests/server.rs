//! Listener behaviour: one host per outlet, the article delay, shutdown.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use chorus_newsroom::{Newsroom, NewsroomOptions, catalog};

use crate::util::{client, get};

#[tokio::test]
async fn multi_host_gives_each_outlet_its_own_address() {
    let opts = NewsroomOptions { multi_host: true, ..NewsroomOptions::default() };
    let newsroom = Newsroom::start(opts).await.expect("start with 127.0.0.10+ on loopback");
    let client = client();
    let feeds = newsroom.feeds();
    let hosts: HashSet<String> =
        feeds.iter().map(|f| f.url.host_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(hosts.len(), catalog().outlets.len());
    for (i, (outlet, feed)) in catalog().outlets.iter().zip(&feeds).enumerate() {
        let want = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10 + u8::try_from(i).expect("few outlets")));
        assert_eq!(feed.url.host_str(), Some(want.to_string().as_str()));
        assert_eq!(get(&client, feed.url.as_str()).await.status, 200);
        for story in catalog().stories_of(outlet.slug) {
            let url = newsroom.article_url(story);
            assert_eq!(url.host_str(), feed.url.host_str());
            assert_eq!(get(&client, url.as_str()).await.status, 200, "{url}");
            // The same path on another outlet's host is not there.
            let mut elsewhere = url.clone();
            let other = &feeds[(i + 1) % feeds.len()].url;
            elsewhere.set_host(other.host_str()).expect("host");
            elsewhere.set_port(other.port()).expect("port");
            assert_eq!(get(&client, elsewhere.as_str()).await.status, 404, "{elsewhere}");
        }
    }
    // The primary listener keeps the hostile routes.
    let status = get(&client, newsroom.hostile_url("status/418").as_str()).await.status;
    assert_eq!(status.as_u16(), 418);
    assert!(newsroom.demo_config_feeds().contains(feeds[0].url.as_str()));
    newsroom.shutdown().await;
}

#[tokio::test]
async fn page_delay_holds_article_pages_but_not_feeds() {
    let opts =
        NewsroomOptions { page_delay: Duration::from_secs(3600), ..NewsroomOptions::default() };
    let newsroom = Newsroom::start(opts).await.expect("start");
    let client = client();
    let feed = &newsroom.feeds()[0];
    assert_eq!(get(&client, feed.url.as_str()).await.status, 200);
    let page = client.get(newsroom.article_url(&catalog().stories[0])).send();
    assert!(tokio::time::timeout(Duration::from_millis(300), page).await.is_err());
    newsroom.shutdown().await;
}

#[tokio::test]
async fn demo_config_lists_every_feed_as_toml() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("start");
    let config = newsroom.demo_config_feeds();
    assert_eq!(config.matches("[[feeds]]").count(), catalog().outlets.len());
    for feed in newsroom.feeds() {
        let entry = format!("url = \"{}\"\noutlet = \"{}\"\n", feed.url, feed.outlet);
        assert!(config.contains(&entry), "{entry}");
    }
    newsroom.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_the_listener() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("start");
    let addr = newsroom.addr();
    // A stalled request in flight must not keep shutdown waiting two minutes.
    let stalled = tokio::spawn(client().get(newsroom.hostile_url("stall")).send());
    tokio::time::sleep(Duration::from_millis(100)).await;
    newsroom.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "still listening on {addr}");
    stalled.abort();
}
