//! The feed farm: feeds on many hosts, parseable, linking to pages on their own host, and a
//! request log that sees every request.

use chorus_newsroom::farm::{FarmOptions, FeedFarm};

use crate::util::{client, get_with};

#[tokio::test]
async fn feeds_on_several_hosts_list_their_own_articles_and_every_request_is_logged() {
    let opts = FarmOptions { hosts: 3, feeds_per_host: 2, items_per_feed: 5 };
    let farm = FeedFarm::start(opts).await.unwrap();
    let feeds = farm.feed_urls();
    assert_eq!(feeds.len(), 6);
    let hosts: std::collections::HashSet<_> = feeds.iter().map(|u| u.host_str().unwrap()).collect();
    assert_eq!(hosts.len(), 3, "one address per host");

    let client = client();
    let fetched = get_with(&client, feeds[3].as_str(), &[]).await;
    assert_eq!(fetched.status, 200);
    let parsed = feed_rs::parser::parse(fetched.body.as_slice()).unwrap();
    assert_eq!(parsed.entries.len(), 5);
    let link = parsed.entries[0].links[0].href.clone();
    assert!(farm.article_urls().iter().any(|u| u.as_str() == link), "{link}");
    assert!(link.starts_with(&format!("http://{}", feeds[3].authority())), "same host");
    let page = get_with(&client, &link, &[]).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<article>"));
    let missing = get_with(&client, feeds[0].join("/feed/99.xml").unwrap().as_str(), &[]).await;
    assert_eq!(missing.status, 404);

    let p = farm.log().politeness();
    assert_eq!(p.requests, 3);
    assert_eq!(p.max_in_flight, 1);
    farm.shutdown().await;
}

#[tokio::test]
async fn a_growing_farm_adds_an_entry_to_each_feed_in_turn_dated_when_it_appears() {
    let opts = FarmOptions { hosts: 2, feeds_per_host: 2, items_per_feed: 3 };
    let every = std::time::Duration::from_millis(100);
    let before = chrono::Utc::now();
    let farm = FeedFarm::start_growing(opts, every).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(650)).await;
    let published = farm.published_since_start();
    assert!((6..=8).contains(&published.len()), "{} entries after 650 ms", published.len());
    // In turn: the first four new entries are one in each feed.
    let feeds = farm.feed_urls();
    for (f, (url, at)) in published.iter().take(4).enumerate() {
        let feed_host = feeds[f].authority();
        assert_eq!(url.authority(), feed_host, "entry {f}");
        assert!(*at >= before - chrono::Duration::seconds(1), "{at}");
    }
    assert!(published.windows(2).all(|w| w[0].1 <= w[1].1), "in order of appearance");

    // The first feed lists its newest three entries, newest first, with their dates.
    let fetched = get_with(&client(), feeds[0].as_str(), &[]).await;
    let parsed = feed_rs::parser::parse(fetched.body.as_slice()).unwrap();
    assert_eq!(parsed.entries.len(), 3);
    let newest = &parsed.entries[0];
    // Feed 0 gets every fourth new entry; the newest it listed is the last of those.
    let after = farm.published_since_start();
    let in_feed_0: Vec<_> = after.iter().step_by(4).collect();
    let (url, at) = in_feed_0
        .iter()
        .find(|(url, _)| url.as_str() == newest.links[0].href)
        .unwrap_or_else(|| panic!("{} is not a new entry of feed 0", newest.links[0].href));
    assert!(in_feed_0.len() >= 2, "feed 0 got {} new entries", in_feed_0.len());
    let date = newest.published.expect("dated");
    assert!((date - *at).num_seconds().abs() <= 1, "{date} vs {at} for {url}");
    let older = &parsed.entries[1];
    assert!(older.published.expect("dated") <= date, "newest first");
    // Static farms list no new entries.
    let fixed = FeedFarm::start(opts).await.unwrap();
    assert!(fixed.published_since_start().is_empty());
    farm.shutdown().await;
    fixed.shutdown().await;
}
