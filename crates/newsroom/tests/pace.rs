//! With a pace, simulated days are released one at a time.

use std::time::Duration;

use chorus_newsroom::{Newsroom, NewsroomOptions, catalog};

use crate::feeds::parse;
use crate::util::{client, get};

fn paced(pace: Duration) -> NewsroomOptions {
    NewsroomOptions { pace: Some(pace), ..NewsroomOptions::default() }
}

/// How many entries all the outlets' feeds list together.
async fn listed(newsroom: &Newsroom) -> usize {
    let client = client();
    let mut total = 0;
    for (outlet, feed) in catalog().outlets.iter().zip(newsroom.feeds()) {
        let body = get(&client, feed.url.as_str()).await.body;
        total += parse(outlet.feed_format, &body).len();
    }
    total
}

#[tokio::test]
async fn at_start_only_the_first_day_is_released() {
    // A pace far longer than the test: the second day never comes.
    let newsroom = Newsroom::start(paced(Duration::from_secs(3600))).await.expect("start");
    let client = client();
    let first_day = catalog().stories.iter().filter(|s| s.day() == 0).count();
    assert!(first_day > 0 && first_day < catalog().stories.len());
    assert_eq!(listed(&newsroom).await, first_day);
    for story in &catalog().stories {
        let status = get(&client, newsroom.article_url(story).as_str()).await.status;
        let want = if story.day() == 0 { 200 } else { 404 };
        assert_eq!(status, want, "{}", story.slug);
    }
    newsroom.shutdown().await;
}

#[tokio::test]
async fn days_are_revealed_over_time_until_all_are_out() {
    let newsroom = Newsroom::start(paced(Duration::from_millis(50))).await.expect("start");
    let all = catalog().stories.len();
    let mut counts = Vec::new();
    for _ in 0..600 {
        let n = listed(&newsroom).await;
        counts.push(n);
        if n == all {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(counts.last().copied(), Some(all), "never released everything: {counts:?}");
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "stories disappeared: {counts:?}");
    newsroom.shutdown().await;
}
