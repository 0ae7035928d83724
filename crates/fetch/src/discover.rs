//! Finding a site's feeds and sitemaps, and reading sitemaps whole for a backfill.
//!
//! [`Fetcher::discover`] looks where sites announce their feeds: `<link rel="alternate">`
//! in the page's HTML, the paths common blog and news software use, and `robots.txt`'s
//! `Sitemap:` lines beside the usual sitemap paths. Every candidate is fetched and kept only
//! if it parses, so what it reports can be pasted into a config as is.
//!
//! [`Fetcher::read_sitemaps`] walks a sitemap and the indexes under it, within a date
//! window, for `chorus backfill --sitemap`.

use std::collections::HashSet;

use chorus_model::{FeedEntry, Timestamp};
use quick_xml::events::Event;
use serde::Serialize;
use url::Url;

use crate::client::{Fetcher, Want};
use crate::error::{FeedError, FetchError};
use crate::feed::{parse_document, resolve_link};
use crate::sitemap::parse_sitemap_dated;

/// Feed paths that blog and news software serve by default, tried against the site's root.
const FEED_PATHS: &[&str] = &[
    "/feed",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/feeds/posts/default",
    "/?feed=rss2",
];

/// Sitemap paths tried besides those `robots.txt` names.
const SITEMAP_PATHS: &[&str] = &[
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/news-sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap_news.xml",
];

/// What a found document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundKind {
    /// RSS 2.0 or RSS 1.0 (RDF).
    Rss,
    /// Atom.
    Atom,
    /// JSON Feed.
    JsonFeed,
    /// A `<urlset>` sitemap.
    Sitemap,
    /// A `<urlset>` with Google News tags (`news:publication_date`).
    NewsSitemap,
    /// A `<sitemapindex>` listing other sitemaps.
    SitemapIndex,
}

impl FoundKind {
    /// The kind's name as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            FoundKind::Rss => "rss",
            FoundKind::Atom => "atom",
            FoundKind::JsonFeed => "json_feed",
            FoundKind::Sitemap => "sitemap",
            FoundKind::NewsSitemap => "news_sitemap",
            FoundKind::SitemapIndex => "sitemap_index",
        }
    }

    /// Whether this is a sitemap of any kind rather than a feed.
    pub fn is_sitemap(self) -> bool {
        matches!(self, FoundKind::Sitemap | FoundKind::NewsSitemap | FoundKind::SitemapIndex)
    }
}

/// One feed or sitemap that was fetched and parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Found {
    /// Its address (after redirects).
    pub url: Url,
    /// What it is.
    pub kind: FoundKind,
    /// Its title: the link's `title` attribute, else the document's first `<title>`.
    pub title: Option<String>,
    /// Entries it lists (for a sitemap index, the child sitemaps).
    pub entries: usize,
    /// How it was found: `link rel=alternate`, `common path`, `robots.txt` or `given`.
    pub found_by: &'static str,
}

/// What [`Fetcher::discover`] found on a site.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Discovery {
    /// The page's own `<title>`, which often names the outlet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_title: Option<String>,
    /// Feeds, those the page links first.
    pub feeds: Vec<Found>,
    /// Sitemaps, those `robots.txt` names first.
    pub sitemaps: Vec<Found>,
}

/// The dates a backfill keeps: entries published in `[since, until]`. Either end may be
/// open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateWindow {
    /// The earliest time kept.
    pub since: Option<Timestamp>,
    /// The latest time kept.
    pub until: Option<Timestamp>,
}

impl DateWindow {
    /// Whether `t` falls in the window.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t <= u)
    }
}

/// What reading one sitemap tree gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SitemapWalk {
    /// Entries in the window, and those with no date at all, in the order read.
    pub entries: Vec<FeedEntry>,
    /// Sitemaps and indexes fetched and parsed.
    pub sitemaps_read: u64,
    /// Entries dated outside the window.
    pub skipped_by_date: u64,
    /// Entries kept without a date (no `news:publication_date`, no `lastmod`).
    pub undated: u64,
    /// Child sitemaps not fetched because their `lastmod` is before the window.
    pub children_skipped_by_date: u64,
    /// Child sitemaps not fetched: past `max_sitemap_depth` or `max_child_sitemaps`.
    pub children_over_limit: u64,
    /// Child sitemaps not fetched because they list themselves or an ancestor, or were
    /// read already.
    pub loops: u64,
    /// Sitemaps that failed, with why.
    pub failed: Vec<(Url, String)>,
}

impl Fetcher {
    /// Finds the feeds and sitemaps of the site at `page`, one request at a time.
    ///
    /// Fails only when `page` itself cannot be read. If `page` is itself a feed or sitemap,
    /// it is reported as `given`.
    pub async fn discover(&self, page: &Url) -> Result<Discovery, FetchError> {
        let response = self.get(page, None, Want::Page).await;
        let (base, body) = match response {
            Ok(r) => (r.final_url, r.body),
            // A feed served as XML is not HTML: read it as a feed instead.
            Err(FetchError::NotHtml { .. }) => {
                let r = self.get(page, None, Want::Feed).await?;
                (r.final_url, r.body)
            }
            Err(e) => return Err(e),
        };
        let mut out = Discovery::default();
        let mut seen: HashSet<Url> = HashSet::new();
        if let Some(found) = self.identify(&base, &body, None, "given") {
            seen.insert(base.clone());
            push(&mut out, found);
        }

        let html = String::from_utf8_lossy(&body);
        out.site_title = html_title(&html);
        let links = alternate_links(&html, &base);
        for (url, title) in links {
            self.try_candidate(&mut out, &mut seen, url, title, "link rel=alternate").await;
        }
        for path in FEED_PATHS {
            if let Ok(url) = base.join(path) {
                self.try_candidate(&mut out, &mut seen, url, None, "common path").await;
            }
        }
        if let Ok(robots) = base.join("/robots.txt")
            && let Ok(r) = self.get(&robots, None, Want::Feed).await
        {
            for url in robots_sitemaps(&String::from_utf8_lossy(&r.body), &robots) {
                self.try_candidate(&mut out, &mut seen, url, None, "robots.txt").await;
            }
        }
        for path in SITEMAP_PATHS {
            if let Ok(url) = base.join(path) {
                self.try_candidate(&mut out, &mut seen, url, None, "common path").await;
            }
        }
        Ok(out)
    }

    /// Fetches `url` unless seen, and keeps it if it parses as a feed or sitemap.
    async fn try_candidate(
        &self,
        out: &mut Discovery,
        seen: &mut HashSet<Url>,
        url: Url,
        title: Option<String>,
        found_by: &'static str,
    ) {
        if !seen.insert(url.clone()) {
            return;
        }
        let response = match self.get(&url, None, Want::Feed).await {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(%url, error = %e, "no feed here");
                return;
            }
        };
        // Two paths redirecting to one feed are one feed.
        if response.final_url != url && !seen.insert(response.final_url.clone()) {
            return;
        }
        if let Some(found) = self.identify(&response.final_url, &response.body, title, found_by) {
            push(out, found);
        }
    }

    /// What `body` is, if it parses as a feed or sitemap.
    fn identify(
        &self,
        url: &Url,
        body: &[u8],
        title: Option<String>,
        found_by: &'static str,
    ) -> Option<Found> {
        let max = self.config().max_entries_per_feed.get();
        let doc = parse_document(body, url, max).ok()?;
        let text = String::from_utf8_lossy(body);
        let kind = kind_of(&text)?;
        let entries =
            if kind == FoundKind::SitemapIndex { doc.sitemaps.len() } else { doc.entries.len() };
        let title = title.or_else(|| if kind.is_sitemap() { None } else { first_title(&text) });
        Some(Found { url: url.clone(), kind, title, entries, found_by })
    }

    /// Reads the sitemap at `root` and, recursively, the sitemaps its indexes list, keeping
    /// the entries in `window` (an entry's date is its `news:publication_date`, else its
    /// `lastmod`; undated entries are kept and counted).
    ///
    /// Limits: indexes are followed `max_sitemap_depth` deep (the root is depth 1), at
    /// most `max_child_sitemaps` children each (newest first), at most
    /// `max_entries_per_feed` entries from each sitemap; a child whose `lastmod` is before
    /// `window.since` is skipped unfetched; a sitemap is read at most once, so an index
    /// listing itself or an ancestor ends there. Requests go one at a time.
    pub async fn read_sitemaps(&self, root: &Url, window: DateWindow) -> SitemapWalk {
        let cfg = self.config();
        let max_depth = cfg.max_sitemap_depth.get();
        let mut walk = SitemapWalk::default();
        let mut read: HashSet<Url> = HashSet::new();
        // Depth first, so that one branch is finished before the next begins.
        let mut stack = vec![(root.clone(), 1usize)];
        while let Some((url, depth)) = stack.pop() {
            if !read.insert(url.clone()) {
                walk.loops += 1;
                tracing::debug!(sitemap = %url, "sitemap already read: not again");
                continue;
            }
            let parsed = match self.get(&url, None, Want::Feed).await {
                Ok(r) => {
                    let max = cfg.max_entries_per_feed.get();
                    let (body, base) = (r.body, r.final_url);
                    let parsed =
                        tokio::task::spawn_blocking(move || parse_sitemap_dated(&body, &base, max))
                            .await;
                    parsed
                        .unwrap_or_else(|e| Err(FeedError::ParserPanic { detail: e.to_string() }))
                        .map_err(|source| FetchError::Feed { url: url.clone(), source })
                }
                Err(e) => Err(e),
            };
            let sitemap = match parsed {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(sitemap = %url, error = %e, "sitemap failed");
                    walk.failed.push((url, e.to_string()));
                    continue;
                }
            };
            walk.sitemaps_read += 1;
            for entry in sitemap.entries {
                match entry.published {
                    None => {
                        walk.undated += 1;
                        walk.entries.push(entry);
                    }
                    Some(t) if window.contains(t) => walk.entries.push(entry),
                    Some(_) => walk.skipped_by_date += 1,
                }
            }
            let mut children = Vec::new();
            for (i, (lastmod, child)) in sitemap.children.into_iter().enumerate() {
                if depth >= max_depth || i >= cfg.max_child_sitemaps {
                    walk.children_over_limit += 1;
                } else if lastmod.zip(window.since).is_some_and(|(m, s)| m < s) {
                    walk.children_skipped_by_date += 1;
                } else if read.contains(&child) {
                    walk.loops += 1;
                } else {
                    children.push((child, depth + 1));
                }
            }
            // Popped newest first.
            stack.extend(children.into_iter().rev());
        }
        walk
    }
}

fn push(out: &mut Discovery, found: Found) {
    if found.kind.is_sitemap() { out.sitemaps.push(found) } else { out.feeds.push(found) }
}

/// The kind of a body that parsed, from its root element (or JSON).
fn kind_of(text: &str) -> Option<FoundKind> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        return Some(FoundKind::JsonFeed);
    }
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let name = e.local_name();
                return Some(match name.as_ref() {
                    "feed" => FoundKind::Atom,
                    "sitemapindex" => FoundKind::SitemapIndex,
                    "urlset" if text.contains("publication_date>") => FoundKind::NewsSitemap,
                    "urlset" => FoundKind::Sitemap,
                    _ => FoundKind::Rss,
                });
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// The text of the first `<title>` element: a feed's own title comes before its entries'.
fn first_title(text: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut inside = false;
    let mut title = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "title" => inside = true,
            Ok(Event::Text(t)) if inside => title.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) if inside => title.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if inside => {
                title.push_str(quick_xml::escape::resolve_xml_entity(&r).unwrap_or(" "));
            }
            Ok(Event::End(_)) if inside => break,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// The text of an HTML page's `<title>`, whitespace collapsed.
fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = decode_entities(&html[start..end]);
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// Media types that announce a feed in `<link rel="alternate" type="...">`.
fn is_feed_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "application/rss+xml"
            | "application/atom+xml"
            | "application/feed+json"
            | "application/json"
            | "application/rdf+xml"
    )
}

/// The feeds a page links with `<link rel="alternate" type="<feed type>" href=...>`, each
/// resolved against the page's `<base href>` (or the page's own address), with the link's
/// title.
fn alternate_links(html: &str, page: &Url) -> Vec<(Url, Option<String>)> {
    let tags = tags(html);
    let base = tags
        .iter()
        .filter(|(name, _)| name == "base")
        .find_map(|(_, attrs)| attr(attrs, "href").and_then(|h| page.join(&h).ok()))
        .unwrap_or_else(|| page.clone());
    let mut out: Vec<(Url, Option<String>)> = Vec::new();
    for (_, attrs) in tags.iter().filter(|(name, _)| name == "link") {
        let rel = attr(attrs, "rel").unwrap_or_default().to_ascii_lowercase();
        if !rel.split_whitespace().any(|r| r == "alternate") {
            continue;
        }
        if !attr(attrs, "type").is_some_and(|t| is_feed_type(&t)) {
            continue;
        }
        let Some(url) = attr(attrs, "href").and_then(|h| resolve_link(&h, &base)) else {
            continue;
        };
        if out.iter().all(|(u, _)| *u != url) {
            let title = attr(attrs, "title").filter(|t| !t.trim().is_empty());
            out.push((url, title));
        }
    }
    out
}

/// Every `<link>` and `<base>` tag, as (lower-case name, attributes), in document order.
/// A small scanner rather than an HTML parser: only these two void tags matter, and a
/// page that breaks it loses a link, nothing more.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find('<').map(|i| at + i) {
        let rest = &lower[start + 1..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let end = lower[start..].find('>').map_or(lower.len(), |i| start + i);
        if name == "link" || name == "base" {
            out.push((name.clone(), attributes(&html[start + 1 + name.len()..end])));
        }
        // Past the whole tag.
        at = (end + 1).min(lower.len());
        if at >= lower.len() {
            break;
        }
    }
    out
}

/// Parses `a="x" b='y' c=z d` into (lower-case name, decoded value) pairs.
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() || c == '/' {
            chars.next();
            continue;
        }
        let mut name_end = i;
        while let Some(&(j, c)) = chars.peek() {
            if c.is_whitespace() || c == '=' || c == '/' {
                break;
            }
            name_end = j + c.len_utf8();
            chars.next();
        }
        let name = text[i..name_end].to_ascii_lowercase();
        while chars.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek().is_some_and(|&(_, c)| c == '=') {
            chars.next();
            while chars.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
                chars.next();
            }
            match chars.peek().map(|&(_, c)| c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        if name.is_empty() {
            chars.next();
            continue;
        }
        out.push((name, decode_entities(&value)));
    }
    out
}

fn attr(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

/// The few entities that appear in attribute values.
fn decode_entities(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The addresses of `robots.txt`'s `Sitemap:` lines, resolved against its own address.
fn robots_sitemaps(text: &str, robots: &Url) -> Vec<Url> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(':')?;
            let value = value.split('#').next().unwrap_or_default();
            key.trim().eq_ignore_ascii_case("sitemap").then(|| resolve_link(value, robots))?
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternate_links_resolve_against_base_and_skip_other_types() {
        let html = r#"<html><head><BASE href="https://cdn.example.test/news/">
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/rss+xml" title="World &amp; more" href="world.rss">
            <link REL='alternate home' type='application/atom+xml' href=/atom.xml />
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel=alternate type="application/feed+json" href="feed.json">
            </head></html>"#;
        let page = Url::parse("https://example.test/").unwrap();
        let links = alternate_links(html, &page);
        let urls: Vec<&str> = links.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://cdn.example.test/news/world.rss",
                "https://cdn.example.test/atom.xml",
                "https://cdn.example.test/news/feed.json"
            ]
        );
        assert_eq!(links[0].1.as_deref(), Some("World & more"));
        assert_eq!(
            html_title("<TITLE lang=en>\n Harbor &amp; Post </title>").as_deref(),
            Some("Harbor & Post")
        );
        assert_eq!(html_title("<title>unclosed"), None);
    }

    #[test]
    fn robots_sitemap_lines_in_any_case() {
        let robots = Url::parse("http://127.0.0.1:1/robots.txt").unwrap();
        let text = "User-agent: *\nDisallow: /x\nSITEMAP: /news.xml # news\nsitemap:https://a.test/s.xml\nSitemap: ftp://no\n";
        let urls: Vec<String> =
            robots_sitemaps(text, &robots).iter().map(ToString::to_string).collect();
        assert_eq!(urls, ["http://127.0.0.1:1/news.xml", "https://a.test/s.xml"]);
    }

    #[test]
    fn kinds_from_the_root_element() {
        assert_eq!(kind_of("<?xml version=\"1.0\"?><rss version=\"2.0\">"), Some(FoundKind::Rss));
        assert_eq!(kind_of("<feed xmlns=\"http://www.w3.org/2005/Atom\">"), Some(FoundKind::Atom));
        assert_eq!(
            kind_of("<urlset><url><news:publication_date>2025</news:publication_date>"),
            Some(FoundKind::NewsSitemap)
        );
        assert_eq!(kind_of("<sitemapindex>"), Some(FoundKind::SitemapIndex));
        assert_eq!(kind_of(" {\"version\": 1}"), Some(FoundKind::JsonFeed));
    }

    #[test]
    fn window_bounds_are_inclusive_and_open_ends_keep_all() {
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let w = DateWindow {
            since: Some(t("2025-09-01T00:00:00Z")),
            until: Some(t("2025-09-30T00:00:00Z")),
        };
        assert!(w.contains(t("2025-09-01T00:00:00Z")));
        assert!(w.contains(t("2025-09-30T00:00:00Z")));
        assert!(!w.contains(t("2025-08-31T23:59:59Z")));
        assert!(!w.contains(t("2025-10-01T00:00:00Z")));
        assert!(DateWindow::default().contains(t("1990-01-01T00:00:00Z")));
    }
}
