//! Helpers shared by the test modules: a deduplicator, an article, a time.

use chorus_dedup::{DedupSettings, Deduper, EventId, Verdict};
use chorus_model::{Article, Classified, DateSource, Timestamp};
use chrono::{TimeZone, Utc};

/// A deduplicator with the default config, numbering events from 1.
pub(crate) fn deduper() -> Deduper {
    Deduper::new(&DedupSettings::default(), EventId(1))
}

/// The classified article of a verdict that must be a new article.
pub(crate) fn new(verdict: Verdict) -> Classified {
    match verdict {
        Verdict::New(c) => c,
        Verdict::Known { key } => panic!("expected a new article, got Known({key})"),
    }
}

/// A time in September 2025: day `d`, hour `hour`.
pub(crate) fn day(d: u32, hour: u32) -> Timestamp {
    Utc.with_ymd_and_hms(2025, 9, d, hour, 0, 0).unwrap()
}

/// An extracted article, published on `day_hour` (see [`day`]) when given.
pub(crate) fn article(
    url: &str,
    outlet: &str,
    title: &str,
    text: &str,
    day_hour: Option<(u32, u32)>,
) -> Article {
    let published = day_hour.map(|(d, h)| day(d, h));
    Article {
        url: Some(url.parse().unwrap()),
        outlet: Some(outlet.to_owned()),
        title: title.to_owned(),
        text: text.to_owned(),
        published,
        published_source: published.map(|_| DateSource::Feed),
        extractor: "test".to_owned(),
        ..Article::default()
    }
}
