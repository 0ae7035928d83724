//! Feed documents (RSS 2.0, Atom 1.0, JSON Feed 1.1) and conditional-GET decisions.
//!
//! Everything here is a plain function of the released stories, so an unchanged set of
//! stories gives byte-identical feeds, the same `ETag` and the same `Last-Modified`.

use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;

use crate::catalog::{Cms, FeedFormat, Outlet, Story};
use crate::templates::esc;

/// One entry of a feed.
pub(crate) struct FeedItem<'a> {
    pub(crate) story: &'a Story,
    /// The link the feed gives: the canonical URL plus the story's tracking parameters.
    pub(crate) link: String,
    /// The page's canonical URL, used as the entry id.
    pub(crate) canonical: String,
}

/// A feed to render.
pub(crate) struct FeedDoc<'a> {
    pub(crate) outlet: &'a Outlet,
    /// The feed's own URL.
    pub(crate) self_url: &'a str,
    /// The outlet's front page URL.
    pub(crate) home_url: &'a str,
    /// The released stories, newest first.
    pub(crate) items: Vec<FeedItem<'a>>,
}

/// A rendered feed with its validators.
pub(crate) struct RenderedFeed {
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    /// A strong entity tag, quoted.
    pub(crate) etag: String,
    /// The newest entry's publication time (the feed's last change); the start of the
    /// first day when the feed is empty.
    pub(crate) last_modified: DateTime<Utc>,
}

impl FeedDoc<'_> {
    /// The feed in the outlet's format, with its `ETag` and `Last-Modified`.
    pub(crate) fn render(&self) -> RenderedFeed {
        let last_modified = self
            .items
            .iter()
            .map(|i| i.story.published)
            .max()
            .unwrap_or(crate::catalog::at(1, 0, 0));
        let (content_type, body) = match self.outlet.feed_format {
            FeedFormat::Rss => ("application/rss+xml; charset=utf-8", self.rss(last_modified)),
            FeedFormat::Atom => ("application/atom+xml; charset=utf-8", self.atom(last_modified)),
            FeedFormat::JsonFeed => ("application/feed+json; charset=utf-8", self.json_feed()),
        };
        let etag = etag_of(&body);
        RenderedFeed { content_type, body, etag, last_modified }
    }

    fn rss(&self, last_modified: DateTime<Utc>) -> String {
        let name = esc(self.outlet.name);
        // The WordPress site sends whole articles in content:encoded, as WordPress does;
        // the station sends only a summary.
        let full_content = self.outlet.cms == Cms::WordPress;
        let mut items = String::new();
        for item in &self.items {
            let story = item.story;
            let content = if full_content {
                let html: String =
                    story.paragraphs.iter().map(|p| format!("<p>{}</p>\n", esc(p))).collect();
                format!(
                    "<content:encoded><![CDATA[{}]]></content:encoded>\n",
                    html.replace("]]>", "]]]]><![CDATA[>")
                )
            } else {
                String::new()
            };
            let guid = if full_content {
                format!(
                    "<guid isPermaLink=\"false\">{}?p={}</guid>",
                    esc(self.home_url),
                    story.number()
                )
            } else {
                format!("<guid isPermaLink=\"true\">{}</guid>", esc(&item.canonical))
            };
            items.push_str(&format!(
                "<item>\n<title>{title}</title>\n<link>{link}</link>\n<dc:creator><![CDATA[{author}]]></dc:creator>\n<pubDate>{date}</pubDate>\n<category><![CDATA[{section}]]></category>\n{guid}\n<description>{summary}</description>\n{content}</item>\n",
                title = esc(story.title),
                link = esc(&item.link),
                author = story.author,
                date = story.published.to_rfc2822(),
                section = story.section,
                summary = esc(summary(story)),
            ));
        }
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{name}</title>
<atom:link href="{self_url}" rel="self" type="application/rss+xml" />
<link>{home}</link>
<description>Latest stories from {name}</description>
<language>en-US</language>
<lastBuildDate>{built}</lastBuildDate>
<ttl>15</ttl>
{items}</channel>
</rss>
"#,
            self_url = esc(self.self_url),
            home = esc(self.home_url),
            built = last_modified.to_rfc2822(),
        )
    }

    fn atom(&self, last_modified: DateTime<Utc>) -> String {
        let mut entries = String::new();
        for item in &self.items {
            let story = item.story;
            let date = story.published.to_rfc3339_opts(SecondsFormat::Secs, true);
            entries.push_str(&format!(
                "<entry>\n<id>{id}</id>\n<title type=\"text\">{title}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n<published>{date}</published>\n<updated>{date}</updated>\n<author><name>{author}</name></author>\n<category term=\"{section}\"/>\n<summary type=\"text\">{summary}</summary>\n</entry>\n",
                id = esc(&item.canonical),
                title = esc(story.title),
                link = esc(&item.link),
                author = esc(story.author),
                section = esc(story.section),
                summary = esc(summary(story)),
            ));
        }
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<id>{home}</id>
<title>{name}</title>
<subtitle>Latest stories from {name}</subtitle>
<link rel="self" type="application/atom+xml" href="{self_url}"/>
<link rel="alternate" type="text/html" href="{home}"/>
<updated>{updated}</updated>
{entries}</feed>
"#,
            name = esc(self.outlet.name),
            home = esc(self.home_url),
            self_url = esc(self.self_url),
            updated = last_modified.to_rfc3339_opts(SecondsFormat::Secs, true),
        )
    }

    fn json_feed(&self) -> String {
        // The Drupal site includes the full text as HTML; the tabloid only a summary.
        let full_content = self.outlet.cms == Cms::Drupal;
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|item| {
                let story = item.story;
                let mut entry = json!({
                    "id": item.canonical,
                    "url": item.link,
                    "title": story.title,
                    "summary": summary(story),
                    "date_published": story.published.to_rfc3339_opts(SecondsFormat::Secs, true),
                    "authors": [{ "name": story.author }],
                    "tags": [story.section],
                });
                entry["content_text"] =
                    if full_content { json!(story.text()) } else { json!(summary(story)) };
                entry
            })
            .collect();
        let doc = json!({
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.outlet.name,
            "home_page_url": self.home_url,
            "feed_url": self.self_url,
            "description": format!("Latest stories from {}", self.outlet.name),
            "language": "en",
            "items": items,
        });
        // Serialising a `Value` cannot fail; pretty output keeps the feed readable.
        serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string())
    }
}

/// The first paragraph, which feeds use as the entry summary.
fn summary(story: &Story) -> &'static str {
    story.paragraphs.first().copied().unwrap_or_default()
}

/// A strong entity tag for a body.
fn etag_of(body: &str) -> String {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

/// An HTTP date (`Thu, 04 Sep 2025 16:20:00 GMT`).
pub(crate) fn http_date(time: DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Whether a conditional GET may be answered 304 Not Modified.
///
/// As RFC 9110 says, `If-None-Match` wins when present (compared weakly, `*` matches);
/// otherwise `If-Modified-Since` matches when the resource has not changed since that
/// date. An unparsable date is ignored, so the client gets the full response.
pub(crate) fn not_modified(
    if_none_match: Option<&str>,
    if_modified_since: Option<&str>,
    etag: &str,
    last_modified: DateTime<Utc>,
) -> bool {
    if let Some(tags) = if_none_match {
        let ours = etag.trim_start_matches("W/");
        return tags
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == ours);
    }
    match if_modified_since.and_then(|d| DateTime::parse_from_rfc2822(d.trim()).ok()) {
        Some(since) => last_modified.timestamp() <= since.timestamp(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::at;

    #[test]
    fn if_none_match_wins_over_if_modified_since() {
        let lm = at(4, 12, 0);
        let etag = "\"abc\"";
        assert!(not_modified(Some("\"abc\""), None, etag, lm));
        assert!(not_modified(Some("\"x\", W/\"abc\""), None, etag, lm));
        assert!(not_modified(Some("*"), None, etag, lm));
        // A stale tag means changed, whatever the date says.
        assert!(!not_modified(Some("\"old\""), Some(&http_date(lm)), etag, lm));
    }

    #[test]
    fn if_modified_since_compares_seconds() {
        let lm = at(4, 12, 0);
        assert!(not_modified(None, Some(&http_date(lm)), "\"e\"", lm));
        assert!(not_modified(None, Some(&http_date(at(5, 0, 0))), "\"e\"", lm));
        assert!(!not_modified(None, Some(&http_date(at(3, 0, 0))), "\"e\"", lm));
        assert!(!not_modified(None, Some("yesterday"), "\"e\"", lm));
        assert!(!not_modified(None, None, "\"e\"", lm));
    }

    #[test]
    fn http_date_is_imf_fixdate() {
        assert_eq!(http_date(at(4, 16, 20)), "Thu, 04 Sep 2025 16:20:00 GMT");
    }
}
