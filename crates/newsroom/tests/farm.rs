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
