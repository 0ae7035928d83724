//! Publication and modification times, and where they were read.
//!
//! Sources in order of trust: JSON-LD `datePublished`; OpenGraph
//! `article:published_time`; other `<meta>` tags (`date`, `pubdate`, `dc.date`,
//! `parsely-pub-date`, `sailthru.date`, …); a `<time datetime>` element; the feed entry;
//! a date in the URL path. The first source that parses wins.
//!
//! How a date string is read is [`chorus_text::parse_timestamp`]'s rule, the same for
//! feeds, sitemaps and input files; what is decided here is which of a page's dates to
//! trust, and which are plausible for a news page.

use chorus_model::{DateSource, Timestamp};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

/// `<meta>` keys (lower-cased `name`/`property`/`itemprop`) that carry the publication time.
const PUBLISHED_META: &[&str] = &[
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_date",
    "published-date",
    "publication_date",
    "date_published",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
    "citation_publication_date",
    "citation_date",
    "prism.publicationdate",
    "pub_date",
    "ptime",
    "release_date",
];

/// OpenGraph-style keys for the publication time.
const PUBLISHED_OG: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "article:published",
    "og:article:published_time",
];

/// Keys for the last modification time, in order.
const MODIFIED: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
    "parsely-modified-date",
    "sailthru.lastmodified",
    "utime",
];

/// Everything the page offers about its dates, as raw strings.
#[derive(Clone, Debug, Default)]
pub(crate) struct DateClues<'a> {
    pub(crate) json_ld_published: Option<&'a str>,
    pub(crate) json_ld_modified: Option<&'a str>,
    /// `<meta>` (key, content) pairs, keys lower-cased.
    pub(crate) metas: &'a [(String, String)],
    /// `<time>` values, the ones marked as publication first.
    pub(crate) times: Vec<&'a str>,
    pub(crate) feed: Option<Timestamp>,
    pub(crate) url_path: Option<&'a str>,
}

/// The publication time and its source.
pub(crate) fn published(clues: &DateClues<'_>) -> Option<(Timestamp, DateSource)> {
    let meta = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            clues.metas.iter().filter(|(key, _)| key == k).find_map(|(_, v)| parse(v))
        })
    };
    clues
        .json_ld_published
        .and_then(parse)
        .map(|t| (t, DateSource::JsonLd))
        .or_else(|| meta(PUBLISHED_OG).map(|t| (t, DateSource::OpenGraph)))
        .or_else(|| meta(PUBLISHED_META).map(|t| (t, DateSource::Meta)))
        .or_else(|| clues.times.iter().find_map(|v| parse(v)).map(|t| (t, DateSource::TimeElement)))
        .or_else(|| clues.feed.map(|t| (t, DateSource::Feed)))
        .or_else(|| clues.url_path.and_then(from_url_path).map(|t| (t, DateSource::Url)))
}

/// The last modification time, if the page gives one.
pub(crate) fn modified(clues: &DateClues<'_>) -> Option<Timestamp> {
    clues.json_ld_modified.and_then(parse).or_else(|| {
        MODIFIED.iter().find_map(|k| {
            clues.metas.iter().filter(|(key, _)| key == k).find_map(|(_, v)| parse(v))
        })
    })
}

/// Plausible publication times only: not before the web, not far in the future.
fn plausible(t: DateTime<Utc>) -> Option<Timestamp> {
    let year = chrono::Datelike::year(&t);
    (1990..=2100).contains(&year).then_some(t)
}

/// A publication or modification time read from a page: any form
/// [`chorus_text::parse_timestamp`] reads, if it is [`plausible`].
pub(crate) fn parse(s: &str) -> Option<Timestamp> {
    chorus_text::parse_timestamp(s).and_then(plausible)
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))
}

/// A date in a URL path: `/2025/09/04/`, `/2025-09-04/`, `/20250904/`.
pub(crate) fn from_url_path(path: &str) -> Option<Timestamp> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for w in segments.windows(3) {
        if w[0].len() == 4 && w[1].len() <= 2 && !w[2].is_empty() {
            let day: String = w[2].chars().take_while(char::is_ascii_digit).collect();
            if let (Ok(y), Ok(m), Ok(d)) =
                (w[0].parse::<i32>(), w[1].parse::<u32>(), day.parse::<u32>())
                && day.len() <= 2
                && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
            {
                return plausible(midnight(date));
            }
        }
    }
    for seg in segments {
        // A date at the start of a segment or standing between separators.
        for (i, _) in
            seg.char_indices().filter(|(i, _)| *i == 0 || !seg.as_bytes()[i - 1].is_ascii_digit())
        {
            let rest = &seg[i..];
            let candidate =
                if rest.len() >= 10 && rest.as_bytes()[4] == b'-' && rest.as_bytes()[7] == b'-' {
                    rest.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                } else if rest.len() >= 8
                    && rest.as_bytes()[..8].iter().all(u8::is_ascii_digit)
                    && rest.as_bytes().get(8).is_none_or(|b| !b.is_ascii_digit())
                {
                    rest.get(..8).and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok())
                } else {
                    None
                };
            if let Some(date) = candidate.and_then(|d| plausible(midnight(d))) {
                return Some(date);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn only_plausible_times_are_read() {
        assert_eq!(parse("2025-09-04T08:30:00Z"), Some(ts("2025-09-04T08:30:00Z")));
        assert_eq!(parse("September 4, 2025 1:05 PM"), Some(ts("2025-09-04T13:05:00Z")));
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("0001-01-01T00:00:00Z"), None);
        assert_eq!(parse("1985-06-05"), None);
        assert_eq!(parse("2101-01-01"), None);
        assert_eq!(parse("123456789"), None, "Unix seconds in 1973");
    }

    #[test]
    fn dates_in_url_paths() {
        let d = Some(ts("2019-11-18T00:00:00Z"));
        assert_eq!(from_url_path("/2019/11/18/some-story/"), d);
        assert_eq!(from_url_path("/business/story/2019-11-18/disney-plus"), d);
        assert_eq!(from_url_path("/news/20191118-some-story"), d);
        assert_eq!(from_url_path("/news/471031-new-york-man"), None);
        assert_eq!(from_url_path("/2019/13/45/x"), None);
        assert_eq!(from_url_path("/2019-11-1€-x/"), None);
    }

    #[test]
    fn provenance_follows_trust_order() {
        let metas = vec![
            ("pubdate".to_owned(), "2025-09-03".to_owned()),
            ("article:published_time".to_owned(), "2025-09-02T00:00:00Z".to_owned()),
        ];
        let feed = Some(ts("2025-09-05T00:00:00Z"));
        let mut clues = DateClues {
            json_ld_published: Some("2025-09-01T00:00:00Z"),
            json_ld_modified: None,
            metas: &metas,
            times: vec!["2025-09-04"],
            feed,
            url_path: Some("/2025/09/06/x"),
        };
        let order = [
            (DateSource::JsonLd, "2025-09-01T00:00:00Z"),
            (DateSource::OpenGraph, "2025-09-02T00:00:00Z"),
            (DateSource::Meta, "2025-09-03T00:00:00Z"),
            (DateSource::TimeElement, "2025-09-04T00:00:00Z"),
            (DateSource::Feed, "2025-09-05T00:00:00Z"),
            (DateSource::Url, "2025-09-06T00:00:00Z"),
        ];
        let metas_og_only = vec![metas[0].clone()];
        for (i, (source, when)) in order.iter().enumerate() {
            assert_eq!(published(&clues), Some((ts(when), *source)), "step {i}");
            match i {
                0 => clues.json_ld_published = Some("not a date"),
                1 => clues.metas = &metas_og_only,
                2 => clues.metas = &[],
                3 => clues.times.clear(),
                4 => clues.feed = None,
                _ => {}
            }
        }
        clues.url_path = None;
        assert_eq!(published(&clues), None);
    }
}
