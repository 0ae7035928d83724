//! Faults and the request log: what politeness tests read and rely on.

use chorus_newsroom::{HostFaults, Newsroom, NewsroomOptions, Refusal};

use crate::util::{client, get};

#[tokio::test]
async fn every_request_is_logged_with_its_listener_host_and_order() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("newsroom");
    let client = client();
    let feed = newsroom.feeds()[0].url.clone();
    get(&client, feed.as_str()).await;
    get(&client, newsroom.hostile_url("status/418").as_str()).await;
    get(&client, &format!("http://{}/robots.txt?x=1", newsroom.addr())).await;

    let log = newsroom.requests();
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log.iter().all(|r| r.local == newsroom.addr()));
    assert_eq!(log[0].path, feed.path());
    assert_eq!(log[0].host.as_deref(), Some(newsroom.addr().to_string().as_str()));
    assert_eq!(log[1].path, "/_hostile/status/418");
    assert_eq!(log[2].path, "/robots.txt?x=1");
    assert!(log[0].at <= log[1].at && log[1].at <= log[2].at);
    assert!(log.iter().all(|r| r.fault.is_none()), "no faults were set");
    assert!(newsroom.max_in_flight(newsroom.addr()) >= 1);
}

#[tokio::test]
async fn robots_txt_and_refusals_are_served_as_set() {
    let newsroom = Newsroom::start(NewsroomOptions::default()).await.expect("newsroom");
    let client = client();
    let robots = format!("http://{}/robots.txt", newsroom.addr());
    let feed = newsroom.feeds()[0].url.clone();
    let default = get(&client, &robots).await;
    assert_eq!(default.status, 200);
    assert!(default.text().contains("Disallow:\n"), "everything allowed by default");
    assert!(!default.text().contains("Disallow: /"), "everything allowed by default");

    let refusal = Refusal { status: 429, count: 2, retry_after: Some("7".to_owned()) };
    let faults = HostFaults {
        robots_txt: Some("User-agent: *\nDisallow: /private\n".to_owned()),
        refuse: Some(refusal),
        ..HostFaults::default()
    };
    newsroom.set_faults(newsroom.addr(), faults);
    let served = get(&client, &robots).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.text(), "User-agent: *\nDisallow: /private\n");
    // robots.txt does not use up the refusals: two 429s, then the feed again.
    for _ in 0..2 {
        let refused = get(&client, feed.as_str()).await;
        assert_eq!(refused.status, 429);
        assert_eq!(refused.header("retry-after"), Some("7"));
    }
    assert_eq!(get(&client, feed.as_str()).await.status, 200);
    let faults: Vec<Option<u16>> = newsroom.requests().iter().map(|r| r.fault).collect();
    assert_eq!(faults, [None, Some(200), Some(429), Some(429), None]);

    let unavailable = HostFaults { robots_status: Some(503), ..HostFaults::default() };
    newsroom.set_faults(newsroom.addr(), unavailable);
    assert_eq!(get(&client, &robots).await.status, 503);
}
