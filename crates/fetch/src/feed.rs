//! Feed bodies to [`FeedEntry`]s: the one adapter from wire formats to the model.
//!
//! RSS 0.90 to 2.0, RSS 1.0, Atom 0.3 and 1.0 and JSON Feed go through feed-rs; XML
//! sitemaps through [`parse_sitemap`](crate::parse_sitemap). The body's first element
//! decides which, whatever the `Content-Type` says, so a sitemap needs no special marking
//! in the config and a feed served as `text/html` is still read.
//!
//! Before parsing, the body is decoded to UTF-8 ([`crate::decode`]) and repaired
//! ([`crate::repair`]): HTML entities, stray ampersands, old namespaces. A feed that is
//! still not well-formed is read entry by entry ([`crate::lenient`]), and the entries that
//! could not be read are counted in [`FeedDocument::skipped`].

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chorus_model::FeedEntry;
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use quick_xml::events::Event;
use url::Url;

use crate::error::FeedError;
use crate::{decode, lenient, repair, sitemap};

/// Everything a feed body holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedDocument {
    /// The entries with a usable http(s) link, at most the requested number.
    pub entries: Vec<FeedEntry>,
    /// For a sitemap index (`<sitemapindex>`): the child sitemaps it lists, newest
    /// `lastmod` first. An index has no entries of its own; [`crate::Fetcher::poll_feed`]
    /// fetches these children and takes their entries. Empty for every other format.
    pub sitemaps: Vec<Url>,
    /// Entries (`<item>`, `<entry>`, sitemap `<url>` or `<sitemap>`) in the body that
    /// could not be read because the XML around them is broken: cut off, or with a bad
    /// tag. 0 for a well-formed body. Entries that were read but have no usable link are
    /// not counted: they are not broken, only of no use.
    pub skipped: usize,
}

/// Reads a feed body into entries: RSS 0.90 to 2.0 and 1.0, Atom 0.3 and 1.0 and JSON
/// Feed (through feed-rs) or an XML sitemap `<urlset>` (with `news:publication_date`,
/// `news:title` and `lastmod`).
///
/// Entry addresses are resolved against `xml:base` and `base` (the feed's own address);
/// an RSS item without a link uses its `<guid>` if that is a permalink (not marked
/// `isPermaLink="false"`) and an http(s) address; entries without a usable http(s) link
/// are skipped; at most `max_entries` are returned. A sitemap index yields no entries: use
/// [`parse_document`] to get its child sitemaps. The body's encoding is found from its
/// bytes; [`parse_response`] also takes the HTTP `Content-Type`.
///
/// feed-rs panics on some author strings; the panic is caught, the author fields
/// (`author`, `dc:creator` and the like, with any attributes) are emptied and the body
/// parsed again, so the entries survive without their authors. Only if that fails too is
/// it a [`FeedError::ParserPanic`]. (The panic message still reaches the process's panic
/// hook, which prints it to stderr by default.)
///
/// ```
/// let rss = br#"<rss version="2.0"><channel><title>T</title>
///   <item><title>One</title><link>/news/1</link></item></channel></rss>"#;
/// let base = url::Url::parse("https://example.test/feed.xml").unwrap();
/// let entries = chorus_fetch::parse_feed(rss, &base, 100).unwrap();
/// assert_eq!(entries[0].url.as_str(), "https://example.test/news/1");
/// ```
pub fn parse_feed(
    body: &[u8],
    base: &Url,
    max_entries: usize,
) -> Result<Vec<FeedEntry>, FeedError> {
    parse_document(body, base, max_entries).map(|doc| doc.entries)
}

/// Like [`parse_feed`], and also returns the child sitemaps of a sitemap index and the
/// count of entries lost to broken XML.
pub fn parse_document(
    body: &[u8],
    base: &Url,
    max_entries: usize,
) -> Result<FeedDocument, FeedError> {
    parse_response(body, None, base, max_entries)
}

/// Like [`parse_document`], for a body served with this `Content-Type`: its `charset`
/// decides the encoding unless the body starts with a byte order mark (BOM, then HTTP
/// charset, then the XML declaration, then the bytes themselves). The media type itself
/// is not trusted: feeds are served as `text/html` or `application/octet-stream` often
/// enough, and HTML pages as `application/rss+xml`, so the body decides what it is.
///
/// ```
/// // "Café" in ISO-8859-1, labelled only by the server.
/// let rss = b"<rss version=\"2.0\"><channel><item><title>Caf\xe9</title>\
///   <link>/a</link></item></channel></rss>";
/// let base = url::Url::parse("https://example.test/feed.xml").unwrap();
/// let doc = chorus_fetch::parse_response(rss, Some("text/html; charset=iso-8859-1"), &base, 10)
///     .unwrap();
/// assert_eq!(doc.entries[0].title.as_deref(), Some("Café"));
/// ```
pub fn parse_response(
    body: &[u8],
    content_type: Option<&str>,
    base: &Url,
    max_entries: usize,
) -> Result<FeedDocument, FeedError> {
    let decoded = decode::decode(body, content_type);
    tracing::trace!(encoding = decoded.encoding.name(), from = ?decoded.source, "feed decoded");
    let mut text = decoded.text.as_str();
    let mut sniffed = sniff(text);
    if !is_feed_root(&sniffed) {
        text = after_leading_junk(text);
        sniffed = sniff(text);
    }
    let root = match sniffed {
        Sniffed::Empty => return Err(not_a_feed("an empty body")),
        Sniffed::Json => {
            let feed = parse_with_feed_rs(text.as_bytes(), base)?;
            return Ok(to_document(feed.entries, base, &HashSet::new(), max_entries, 0));
        }
        Sniffed::Xml(root) => root,
    };
    match root.as_deref() {
        Some("urlset" | "sitemapindex") => sitemap::parse_text(text, base, max_entries),
        Some(name) if name.eq_ignore_ascii_case("html") => Err(not_a_feed("an HTML page")),
        Some(name) => parse_xml_feed(text, base, max_entries).map_err(|e| match e {
            FeedError::NotAFeed { .. } => not_a_feed(&format!("root element <{name}>")),
            other => other,
        }),
        None => parse_xml_feed(text, base, max_entries),
    }
}

/// An RSS, RDF or Atom feed: repaired, then parsed whole, or entry by entry if it is still
/// not well-formed.
fn parse_xml_feed(text: &str, base: &Url, max_entries: usize) -> Result<FeedDocument, FeedError> {
    let repaired = repair::repair(text);
    match parse_with_feed_rs(repaired.text.as_bytes(), base) {
        Ok(feed) => Ok(to_document(feed.entries, base, &repaired.non_permalinks, max_entries, 0)),
        Err(err @ FeedError::Malformed { .. }) => recover(&repaired, base, max_entries).ok_or(err),
        Err(err) => Err(err),
    }
}

/// Reads a broken feed entry by entry; `None` if not one entry could be read.
fn recover(repaired: &repair::Repaired, base: &Url, max_entries: usize) -> Option<FeedDocument> {
    let blocks = lenient::entry_blocks(&repaired.text);
    let mut entries = Vec::new();
    let mut skipped = blocks.unfinished;
    for doc in &blocks.documents {
        match parse_with_feed_rs(doc.as_bytes(), base) {
            Ok(feed) => entries.extend(feed.entries),
            Err(_) => skipped += 1,
        }
    }
    tracing::debug!(read = entries.len(), skipped, "feed is not well-formed; read entry by entry");
    if entries.is_empty() {
        return None;
    }
    Some(to_document(entries, base, &repaired.non_permalinks, max_entries, skipped))
}

fn to_document(
    entries: Vec<feed_rs::model::Entry>,
    base: &Url,
    non_permalinks: &HashSet<String>,
    max_entries: usize,
    skipped: usize,
) -> FeedDocument {
    let entries = entries
        .into_iter()
        .filter_map(|e| convert_entry(e, base, non_permalinks))
        .take(max_entries)
        .collect();
    FeedDocument { entries, sitemaps: Vec::new(), skipped }
}

/// Whether a body starts the way a feed or sitemap does; if not, something may have been
/// printed before it.
fn is_feed_root(sniffed: &Sniffed) -> bool {
    match sniffed {
        Sniffed::Empty => false,
        Sniffed::Json => true,
        Sniffed::Xml(root) => {
            matches!(root.as_deref(), Some("rss" | "RDF" | "feed" | "urlset" | "sitemapindex"))
        }
    }
}

/// The text from its XML declaration on, when something comes before it: a server-side
/// script's warning (`<br />\n<b>Warning</b>: …`) or a stray line printed before the
/// feed. A declaration is only allowed at the very start, so one further in marks where
/// the document really begins.
fn after_leading_junk(text: &str) -> &str {
    let head = &text[..floor_char_boundary(text, 4096)];
    match head.find("<?xml") {
        Some(at) if at > 0 && head[at + 5..].starts_with(|c: char| c.is_ascii_whitespace()) => {
            let rest = &text[at..];
            rest.find("?>").map_or(text, |end| &rest[end + 2..])
        }
        _ => text,
    }
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// What the start of a body says it is.
enum Sniffed {
    Empty,
    Json,
    /// XML (or HTML) with this root element's local name, if one was found early on.
    Xml(Option<String>),
}

/// Looks at the first element only, within the first 64 KB: enough to pass prologs,
/// comments and doctypes without reading a whole document twice.
fn sniff(text: &str) -> Sniffed {
    let text = text.trim_start_matches(|c: char| c == '\u{feff}' || c.is_ascii_whitespace());
    if text.is_empty() {
        return Sniffed::Empty;
    }
    if text.starts_with('{') {
        return Sniffed::Json;
    }
    let mut reader = quick_xml::Reader::from_str(&text[..floor_char_boundary(text, 65_536)]);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                return Sniffed::Xml(Some(e.local_name().as_ref().to_owned()));
            }
            Ok(Event::Eof) | Err(_) => return Sniffed::Xml(None),
            Ok(_) => {}
        }
    }
}

fn not_a_feed(found: &str) -> FeedError {
    FeedError::NotAFeed { found: found.to_owned() }
}

/// Elements whose text feed-rs splits into name and e-mail, the code that panics: RSS
/// people, Dublin Core creators and iTunes authors and owners (under the prefixes every
/// feed uses for those namespaces).
const PERSON_ELEMENTS: [&str; 6] =
    ["author", "managingEditor", "webMaster", "dc:creator", "itunes:author", "itunes:name"];

/// feed-rs's reading of `body`, the author panic survived (see [`parse_feed`]).
fn parse_with_feed_rs(body: &[u8], base: &Url) -> Result<feed_rs::model::Feed, FeedError> {
    let feed = match run_feed_rs(body, base) {
        Ok(parsed) => parsed,
        Err(panic) => {
            tracing::warn!(panic, "feed parser panicked; retrying without author fields");
            let stripped = blank_elements(body, &PERSON_ELEMENTS);
            run_feed_rs(&stripped, base).map_err(|detail| FeedError::ParserPanic { detail })?
        }
    };
    feed.map_err(|e| match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => {
            not_a_feed("no RSS, Atom or JSON Feed root")
        }
        other => FeedError::Malformed { detail: other.to_string() },
    })
}

/// Runs feed-rs, turning a panic into its message.
fn run_feed_rs(
    body: &[u8],
    base: &Url,
) -> Result<Result<feed_rs::model::Feed, ParseFeedError>, String> {
    let parser = feed_rs::parser::Builder::new().base_uri(Some(base.as_str())).build();
    catch_unwind(AssertUnwindSafe(|| parser.parse(body))).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".to_owned())
    })
}

/// Empties the text of every `<name …>…</name>` element, whatever its attributes. Only
/// used to retry a body that made the parser panic.
fn blank_elements(body: &[u8], names: &[&str]) -> Vec<u8> {
    let mut body = body.to_vec();
    for name in names {
        let open = format!("<{name}");
        let close = format!("</{name}>");
        // Copied around the texts: removing each in place would move the rest of the body
        // once per element.
        let mut out = Vec::with_capacity(body.len());
        let mut from = 0;
        while let Some(tag) = find(&body[from..], open.as_bytes()).map(|i| from + i) {
            let after = tag + open.len();
            let Some(gt) = body[after..].iter().position(|&b| b == b'>').map(|i| after + i) else {
                break;
            };
            // Not `<authority>`, not `<author/>`.
            let starts_text =
                matches!(body[after], b'>' | b' ' | b'\t' | b'\r' | b'\n') && body[gt - 1] != b'/';
            out.extend_from_slice(&body[from..=gt]);
            from = gt + 1;
            if starts_text {
                let Some(end) = find(&body[from..], close.as_bytes()) else { break };
                from += end;
            }
        }
        out.extend_from_slice(&body[from..]);
        body = out;
    }
    body
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The adapter: one feed-rs entry to our model, or `None` without a usable link.
fn convert_entry(
    entry: feed_rs::model::Entry,
    base: &Url,
    non_permalinks: &HashSet<String>,
) -> Option<FeedEntry> {
    let url = entry_link(&entry, base, non_permalinks)?;
    let title = entry.title.map(|t| text_of(&t)).filter(|t| !t.is_empty());
    let summary = entry
        .summary
        .map(|t| t.content)
        .or_else(|| entry.content.and_then(|c| c.body))
        .filter(|s| !s.trim().is_empty());
    let authors =
        entry.authors.into_iter().filter_map(|p| p.name).filter_map(author_name).collect();
    Some(FeedEntry { url, title, published: entry.published.or(entry.updated), summary, authors })
}

/// The entry's article link: an `alternate` (or untyped) link, else an id that is itself
/// an absolute http(s) address (an RSS `<guid>` is a permalink unless it says otherwise,
/// and one that says so is never used).
fn entry_link(
    entry: &feed_rs::model::Entry,
    base: &Url,
    non_permalinks: &HashSet<String>,
) -> Option<Url> {
    let id = entry.id.trim();
    entry
        .links
        .iter()
        .filter(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .find_map(|l| resolve_link(&l.href, base))
        .or_else(|| {
            (!non_permalinks.contains(id))
                .then(|| Url::parse(id).ok())
                .flatten()
                .and_then(|u| resolve_link(u.as_str(), base))
        })
}

/// `href` made absolute against `base`, if the result is an http(s) address.
pub(crate) fn resolve_link(href: &str, base: &Url) -> Option<Url> {
    let url = base.join(href.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// RSS gives `jane@example.test (Jane Doe)`, which feed-rs turns into `(Jane Doe)`.
fn author_name(name: String) -> Option<String> {
    let name = name.trim();
    let name = match name.strip_prefix('(').and_then(|n| n.strip_suffix(')')) {
        Some(inner) => inner.trim(),
        None => name,
    };
    (!name.is_empty()).then(|| name.to_owned())
}

/// A feed text as plain text: markup removed from HTML titles
/// ([`chorus_text::strip_tags`]), whitespace and control characters collapsed to single
/// spaces.
fn text_of(text: &feed_rs::model::Text) -> String {
    let raw = if text.content_type.to_string().contains("html") {
        chorus_text::strip_tags(&text.content)
    } else {
        text.content.clone()
    };
    // Control characters (NUL, form feeds) slip through feed writers and XML parsers alike.
    raw.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// False only for a `Content-Type` that clearly labels something other than a feed or a
/// sitemap: images, audio, video, fonts, PDFs and zip archives. HTML, `text/plain`,
/// `application/octet-stream` and gzip pass: servers label feeds with all of them, and the
/// parser sniffs the body anyway. Parameters and case are ignored.
pub(crate) fn may_be_feed(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let kind = essence.split('/').next().unwrap_or_default();
    !(matches!(kind, "image" | "audio" | "video" | "font")
        || matches!(
            essence.as_str(),
            "application/pdf" | "application/zip" | "application/x-zip-compressed"
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example.test/feeds/world.xml").unwrap()
    }

    #[test]
    fn rss_guid_permalink_is_used_without_link() {
        let rss = br#"<rss version="2.0"><channel><title>T</title>
          <item><title>A</title><guid>https://news.example.test/a</guid></item>
          <item><title>B</title><guid isPermaLink="false">tag-123</guid></item>
        </channel></rss>"#;
        let entries = parse_feed(rss, &base(), 10).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].url.as_str(), "https://news.example.test/a");
    }

    #[test]
    fn non_http_links_are_skipped_and_max_entries_holds() {
        let rss = br#"<rss version="2.0"><channel><title>T</title>
          <item><link>mailto:x@example.test</link></item>
          <item><link>one</link></item><item><link>two</link></item><item><link>three</link></item>
        </channel></rss>"#;
        let entries = parse_feed(rss, &base(), 2).unwrap();
        let urls: Vec<&str> = entries.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://news.example.test/feeds/one", "https://news.example.test/feeds/two"]
        );
    }

    #[test]
    fn html_and_empty_and_unknown_roots_are_not_feeds() {
        let html = b"<!DOCTYPE html>\n<html lang=en><body><p>hi</p></body></html>";
        assert_eq!(parse_feed(html, &base(), 10), Err(not_a_feed("an HTML page")));
        assert_eq!(parse_feed(b" \n", &base(), 10), Err(not_a_feed("an empty body")));
        assert_eq!(parse_feed(b"<foo/>", &base(), 10), Err(not_a_feed("root element <foo>")));
    }

    #[test]
    fn author_panic_is_survived_and_entries_recovered() {
        let rss = "<rss version=\"2.0\"><channel><title>T</title><item><title>Kept</title>\
            <link>https://news.example.test/kept</link>\
            <author>Jane Doe «jane@example.test»</author></item></channel></rss>";
        let entries = parse_feed(rss.as_bytes(), &base(), 10).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].title.as_deref(), Some("Kept"));
    }

    /// Found by the tag-soup property: with attributes on the element, or in a
    /// `dc:creator`, the same text panicked the retry too and the whole feed was lost.
    #[test]
    fn person_panic_is_survived_with_attributes_and_in_dc_creator() {
        let jane = "Jane Doe «jane@example.test»";
        for person in [
            format!(r#"<managingEditor href="alternate">{jane}</managingEditor>"#),
            format!(r#"<author xmlns:news="alternate">{jane}</author>"#),
            format!("<dc:creator>{jane}</dc:creator>"),
        ] {
            let rss = format!(
                "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>\
                 <title>T</title>{person}<item><title>Kept</title>\
                 <link>https://news.example.test/kept</link>{person}</item></channel></rss>"
            );
            let entries = parse_feed(rss.as_bytes(), &base(), 10);
            assert_eq!(entries.map(|e| e.len()), Ok(1), "{person}");
        }
    }

    #[test]
    fn a_broken_feed_keeps_its_readable_entries_and_counts_the_rest() {
        let rss = "<rss version=\"2.0\"><channel><title>T</title>\
            <item><title>A</title><link>/a</link></item>\
            <item><title>B</b></title><link>/b</link></item>\
            <item><title>C</title><link>/c</link></item>\
            <item><title>D</title><link>/d";
        let doc = parse_document(rss.as_bytes(), &base(), 10).unwrap();
        let titles: Vec<_> = doc.entries.iter().map(|e| e.title.as_deref()).collect();
        assert_eq!(titles, [Some("A"), Some("C")]);
        assert_eq!(doc.skipped, 2);
        // The limit applies after recovery, and does not change the count.
        let doc = parse_document(rss.as_bytes(), &base(), 1).unwrap();
        assert_eq!((doc.entries.len(), doc.skipped), (1, 2));
    }

    #[test]
    fn control_characters_leave_titles() {
        let rss = "<rss version=\"2.0\"><channel><item><title>A\u{b}\u{1a}x\u{0}</title>\
            <link>/a</link></item></channel></rss>";
        let entries = parse_feed(rss.as_bytes(), &base(), 10).unwrap();
        assert_eq!(entries[0].title.as_deref(), Some("A x"));
    }

    #[test]
    fn a_declaration_inside_a_feed_is_not_taken_for_its_start() {
        let rss = "<rss version=\"2.0\"><channel><item><title>How to write XML</title>\
            <link>/a</link><description><![CDATA[Start with <?xml version=\"1.0\"?>]]>\
            </description></item></channel></rss>";
        let entries = parse_feed(rss.as_bytes(), &base(), 10).unwrap();
        assert_eq!(entries[0].title.as_deref(), Some("How to write XML"));
    }

    #[test]
    fn a_broken_feed_with_nothing_readable_is_malformed() {
        let rss = b"<rss version=\"2.0\"><channel><title>T</b></title><item><link>/a</li";
        let err = parse_document(rss, &base(), 10).unwrap_err();
        assert_eq!(err.reason(), "malformed_feed");
    }

    #[test]
    fn a_well_formed_feed_skips_nothing() {
        let rss = br#"<rss version="2.0"><channel><item><link>/a</link></item>
            <item><title>no link</title></item></channel></rss>"#;
        let doc = parse_document(rss, &base(), 10).unwrap();
        assert_eq!((doc.entries.len(), doc.skipped), (1, 0));
    }

    #[test]
    fn non_permalink_guids_are_never_links() {
        let rss = br#"<rss version="2.0"><channel><title>T</title>
          <item><title>A</title><guid isPermaLink="false">https://news.example.test/?p=1</guid></item>
          <item><title>B</title><guid>https://news.example.test/b</guid></item>
        </channel></rss>"#;
        let entries = parse_feed(rss, &base(), 10).unwrap();
        let urls: Vec<&str> = entries.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(urls, ["https://news.example.test/b"]);
    }

    #[test]
    fn authors_lose_rss_parentheses() {
        assert_eq!(author_name(" (Jane Doe) ".into()).as_deref(), Some("Jane Doe"));
        assert_eq!(author_name("()".into()), None);
    }

    #[test]
    fn html_titles_become_one_line_of_text() {
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>f</id>
          <updated>2025-09-04T10:30:00Z</updated>
          <entry><title type="html">&lt;b&gt;Rome&lt;/b&gt; &amp;amp; Paris&lt;br&gt;today</title>
            <link href="https://news.example.test/a"/><id>a</id>
            <updated>2025-09-04T10:30:00Z</updated></entry></feed>"#;
        let entries = parse_feed(atom, &base(), 10).unwrap();
        assert_eq!(entries[0].title.as_deref(), Some("Rome & Paris today"));
    }

    #[test]
    fn blanking_removes_only_element_text() {
        let out = blank_elements(b"<a><author>x y</author><author>z</author></a>", &["author"]);
        assert_eq!(out, b"<a><author></author><author></author></a>");
        let out = blank_elements(
            b"<author/><authority>k</authority><author\n type=\"x\">y</author><author>z",
            &["author"],
        );
        assert_eq!(
            out,
            b"<author/><authority>k</authority><author\n type=\"x\"></author><author>z"
        );
    }

    /// Blanking used to remove each text in place, moving the rest of the body every time.
    #[test]
    fn blanking_many_elements_takes_one_pass() {
        let body = "<author>x</author>".repeat(200_000);
        let out = blank_elements(body.as_bytes(), &PERSON_ELEMENTS);
        assert_eq!(out, "<author></author>".repeat(200_000).as_bytes());
    }

    #[test]
    fn feed_types_refused_only_when_clearly_something_else() {
        for ok in [
            "application/rss+xml",
            "application/atom+xml; charset=utf-8",
            "text/xml",
            "text/html",
            "text/plain",
            "application/octet-stream",
            "application/x-gzip",
            "application/feed+json",
            "",
        ] {
            assert!(may_be_feed(ok), "{ok}");
        }
        for bad in [
            "image/png",
            "IMAGE/SVG+XML",
            "audio/mpeg",
            "video/mp4",
            "font/woff2",
            "application/pdf",
            "application/zip",
        ] {
            assert!(!may_be_feed(bad), "{bad}");
        }
    }
}
