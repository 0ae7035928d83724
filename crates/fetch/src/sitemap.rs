//! XML sitemaps (sitemaps.org, with the Google News extension) as feeds.
//!
//! A `<urlset>` lists pages: `<loc>`, `<lastmod>`, and for news sitemaps
//! `<news:news><news:publication_date>` and `<news:title>`. A `<sitemapindex>` lists other
//! sitemaps, which [`crate::Fetcher::poll_feed`] follows. Dates, in the W3C form sitemaps
//! should use or any other, are read by [`chorus_text::parse_timestamp`]. Bodies are
//! decoded and repaired like feeds (see [`crate::feed`]); a record in broken XML is lost
//! and counted, the others kept.

use std::cmp::Reverse;

use chorus_model::{FeedEntry, Timestamp};
use chorus_text::parse_timestamp;
use quick_xml::events::Event;
use url::Url;

use crate::error::FeedError;
use crate::feed::{FeedDocument, resolve_link};
use crate::markup::{Token, local, tokens};

/// One `<url>` or `<sitemap>` record as read.
#[derive(Default)]
struct Record {
    loc: Option<String>,
    lastmod: Option<String>,
    publication_date: Option<String>,
    title: Option<String>,
}

/// Parses a `<urlset>` into entries or a `<sitemapindex>` into child sitemap addresses.
///
/// Sitemaps have no order, and may list 50 000 addresses: past `max_entries`, the newest
/// (by publication date, else `lastmod`) are kept. Addresses are resolved against `base`;
/// those that are not http(s) are skipped.
///
/// [`parse_document`](crate::parse_document) calls this for bodies whose root is
/// `<urlset>` or `<sitemapindex>`, and is what to call in the pipeline. This reads any body
/// as a sitemap, whatever its root (a body without `<url>` or `<sitemap>` records gives an
/// empty document), so that fuzzing reaches the sitemap reader with every input.
///
/// ```
/// let xml = br#"<urlset><url><loc>/a?x=1&amp;y=2</loc></url></urlset>"#;
/// let base = url::Url::parse("https://example.test/sitemap.xml").unwrap();
/// let doc = chorus_fetch::parse_sitemap(xml, &base, 100).unwrap();
/// assert_eq!(doc.entries[0].url.as_str(), "https://example.test/a?x=1&y=2");
/// ```
pub fn parse_sitemap(
    body: &[u8],
    base: &Url,
    max_entries: usize,
) -> Result<FeedDocument, FeedError> {
    // The sitemap protocol requires UTF-8, but a BOM, UTF-16 or a legacy encoding are
    // read like any feed's.
    parse_text(&crate::decode::decode(body, None).text, base, max_entries)
}

/// [`parse_sitemap`] on decoded text. Broken XML costs the record it is in: reading
/// starts again at the next `<url>` or `<sitemap>`, and the lost records are counted in
/// [`FeedDocument::skipped`]. Only a sitemap of which nothing could be read is
/// [`FeedError::Malformed`].
pub(crate) fn parse_text(
    text: &str,
    base: &Url,
    max_entries: usize,
) -> Result<FeedDocument, FeedError> {
    let DatedSitemap { entries, children, skipped } = parse_dated_text(text, base, max_entries)?;
    Ok(FeedDocument { entries, sitemaps: children.into_iter().map(|(_, u)| u).collect(), skipped })
}

/// A sitemap as read, with each child sitemap's own `lastmod`, so that a backfill can skip
/// children older than its window without fetching them.
pub(crate) struct DatedSitemap {
    /// The pages of a `<urlset>`.
    pub(crate) entries: Vec<FeedEntry>,
    /// The children of a `<sitemapindex>`, newest first, each with its `lastmod`.
    pub(crate) children: Vec<(Option<Timestamp>, Url)>,
    /// Records lost to broken XML.
    pub(crate) skipped: usize,
}

/// [`parse_sitemap`], keeping the children's `lastmod`.
pub(crate) fn parse_sitemap_dated(
    body: &[u8],
    base: &Url,
    max_entries: usize,
) -> Result<DatedSitemap, FeedError> {
    parse_dated_text(&crate::decode::decode(body, None).text, base, max_entries)
}

/// [`parse_text`], keeping the children's `lastmod`.
fn parse_dated_text(text: &str, base: &Url, max_entries: usize) -> Result<DatedSitemap, FeedError> {
    let repaired = crate::repair::repair(text);
    let mut text = repaired.text.as_str();
    let mut read = Read::default();
    let mut first_error = None;
    // The elements open where reading (re)starts: the root, for a restart.
    let mut path: Vec<String> = Vec::new();
    loop {
        match read_records(text, &mut path, base, &mut read) {
            Ok(()) => break,
            Err((detail, at)) => {
                first_error.get_or_insert(detail);
                // Broken markup between records costs nothing; inside one, that record.
                if path.iter().any(|p| p == "url" || p == "sitemap") {
                    read.skipped += 1;
                }
                // Past the first byte at least: the text starts at the record that broke.
                match next_record(text, at.max(1)) {
                    Some(next) => {
                        text = &text[next..];
                        path.truncate(1);
                    }
                    None => break,
                }
            }
        }
    }
    if let Some(detail) = first_error
        && read.entries.is_empty()
        && read.children.is_empty()
    {
        return Err(FeedError::Malformed { detail });
    }
    let Read { mut entries, mut children, skipped } = read;
    if entries.len() > max_entries {
        // Stable: records with equal dates keep document order.
        entries.sort_by_key(|e: &FeedEntry| Reverse(e.published));
        entries.truncate(max_entries);
    }
    children.sort_by_key(|(lastmod, _)| Reverse(*lastmod));
    Ok(DatedSitemap { entries, children, skipped })
}

/// What the records read so far gave.
#[derive(Default)]
struct Read {
    entries: Vec<FeedEntry>,
    children: Vec<(Option<Timestamp>, Url)>,
    skipped: usize,
}

/// The start of the first `<url>` or `<sitemap>` record after byte `at`.
fn next_record(text: &str, at: usize) -> Option<usize> {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    let mut it = tokens(&text[at..]);
    loop {
        let offset = it.offset();
        match it.next()? {
            Token::Start { name, .. } if matches!(local(name), "url" | "sitemap") => {
                return Some(at + offset);
            }
            _ => {}
        }
    }
}

/// Reads records until the end of `text`, or until the XML breaks: then the error and
/// where it happened. A record open at the break is lost (the caller counts it).
fn read_records(
    text: &str,
    path: &mut Vec<String>,
    base: &Url,
    read: &mut Read,
) -> Result<(), (String, usize)> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut buf = String::new();
    let mut record = Record::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
            (format!("{e} at byte {at}"), at)
        })?;
        match event {
            Event::Start(e) => {
                path.push(e.local_name().as_ref().to_owned());
                buf.clear();
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::CData(t) => buf.push_str(&t.xml10_content()),
            // Entity and character references come apart from the text around them;
            // dropping them would turn `?a=1&amp;b=2` into `?a=1b=2`.
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => buf.push(c),
                _ => match quick_xml::escape::resolve_xml_entity(&r) {
                    Some(s) => buf.push_str(s),
                    None => {
                        buf.push('&');
                        buf.push_str(&r);
                        buf.push(';');
                    }
                },
            },
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(String::as_str).unwrap_or_default();
                let value = || Some(buf.trim().to_owned()).filter(|v| !v.is_empty());
                match (parent, name.as_str()) {
                    ("url" | "sitemap", "loc") => record.loc = value(),
                    ("url" | "sitemap", "lastmod") => record.lastmod = value(),
                    ("news", "publication_date") => record.publication_date = value(),
                    ("news", "title") => record.title = value(),
                    (_, "url") => {
                        read.entries.extend(to_entry(std::mem::take(&mut record), base));
                    }
                    (_, "sitemap") => {
                        let r = std::mem::take(&mut record);
                        let lastmod = r.lastmod.as_deref().and_then(parse_timestamp);
                        read.children.extend(
                            r.loc.and_then(|l| resolve_link(&l, base)).map(|u| (lastmod, u)),
                        );
                    }
                    _ => {}
                }
                buf.clear();
            }
            Event::Eof => {
                // A record still open was cut off.
                if path.iter().any(|p| p == "url" || p == "sitemap") {
                    return Err(("the sitemap ends inside a record".to_owned(), text.len()));
                }
                return Ok(());
            }
            _ => {}
        }
    }
}

fn to_entry(record: Record, base: &Url) -> Option<FeedEntry> {
    let url = resolve_link(record.loc.as_deref()?, base)?;
    let published = record
        .publication_date
        .as_deref()
        .and_then(parse_timestamp)
        .or_else(|| record.lastmod.as_deref().and_then(parse_timestamp));
    Some(FeedEntry { url, title: record.title, published, summary: None, authors: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example.test/sitemap.xml").unwrap()
    }

    #[test]
    fn image_loc_and_title_do_not_replace_the_page() {
        let xml = br#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
          <url><loc>/a</loc><image:image><image:loc>/a.jpg</image:loc>
            <image:title>Photo</image:title></image:image></url></urlset>"#;
        let doc = parse_sitemap(xml, &base(), 10).unwrap();
        assert_eq!(doc.entries.len(), 1);
        assert_eq!(doc.entries[0].url.as_str(), "https://news.example.test/a");
        assert_eq!(doc.entries[0].title, None);
    }

    #[test]
    fn over_the_limit_the_newest_are_kept() {
        let xml = br#"<urlset>
          <url><loc>/old</loc><lastmod>2020-01-01</lastmod></url>
          <url><loc>/undated</loc></url>
          <url><loc>/new</loc><lastmod>2025-01-01</lastmod></url>
          <url><loc>/mid</loc><lastmod>2022-01-01</lastmod></url></urlset>"#;
        let doc = parse_sitemap(xml, &base(), 2).unwrap();
        let paths: Vec<&str> = doc.entries.iter().map(|e| e.url.path()).collect();
        assert_eq!(paths, ["/new", "/mid"]);
    }

    #[test]
    fn broken_records_are_skipped_and_counted() {
        let xml = b"<urlset><url><loc>/a</loc></url><url><loc>/b</lo></url>\
            <junk></junkk><url><loc>/c</loc></url><url><loc>/d";
        let doc = parse_sitemap(xml, &base(), 10).unwrap();
        let paths: Vec<&str> = doc.entries.iter().map(|e| e.url.path()).collect();
        assert_eq!(paths, ["/a", "/c"]);
        // `/b` and the cut-off `/d`; the broken junk between records held none.
        assert_eq!(doc.skipped, 2);
    }

    #[test]
    fn a_record_broken_at_its_first_byte_does_not_stop_reading() {
        let xml = b"<urlset><url><loc>/a</loc></url></urlset></url><url><loc>/b</loc></url>";
        let doc = parse_sitemap(xml, &base(), 10).unwrap();
        assert_eq!(doc.entries.len(), 2);
    }

    #[test]
    fn broken_xml_is_malformed() {
        let err = parse_sitemap(b"<urlset><url><loc>/a</url></urlset>", &base(), 10).unwrap_err();
        assert_eq!(err.reason(), "malformed_feed");
    }
}
