//! HTML bytes in, a clean article out.
//!
//! [`extract`] takes a downloaded page ([`RawPage`]) and returns an [`Article`]: the body
//! text without page furniture (navigation, related stories, share buttons, cookie
//! banners, comments, captions, bylines), and metadata with provenance: title without the
//! site name, authors (people only), publication and modification times and where they
//! were read ([`DateSource`](chorus_model::DateSource)), language, the page's canonical
//! address, and [`PageFlags`](chorus_model::PageFlags) (paywall, consent wall, not an
//! article). [`extract_html`] does the same from bare bytes. [`run`] is the pipeline
//! stage: pages in, articles out, on a pool of blocking threads.
//!
//! Extraction is pure and synchronous: charset detection ([`charset`](crate) rules: BOM,
//! HTTP header, `<meta>`, UTF-8 validity, statistical guess), one parse with `scraper`,
//! one iterative pass that flattens the tree, and cheap loops over that flat form. Deep
//! nesting cannot overflow the stack, and no input makes it panic.
//!
//! ```
//! use chorus_extract::{ExtractConfig, extract_html};
//!
//! let html = br#"<html lang="en"><head>
//!     <title>Bridge reopens after repairs | Harbor Gazette</title>
//!     <meta property="og:site_name" content="Harbor Gazette">
//!     <meta property="article:published_time" content="2025-09-04T10:00:00Z">
//!   </head><body>
//!     <nav><a href="/">Home</a> <a href="/world">World</a></nav>
//!     <article>
//!       <h1>Bridge reopens after repairs</h1>
//!       <p class="byline">By Jane Roe</p>
//!       <p>The old harbor bridge reopened on Thursday after two years of repairs, the city said.</p>
//!       <p>Cyclists and pedestrians crowded the deck within minutes of the ribbon cutting.</p>
//!     </article>
//!     <footer><a href="/about">About us</a></footer>
//!   </body></html>"#;
//! let article = extract_html(html, None, None, &ExtractConfig::default());
//! assert_eq!(article.title, "Bridge reopens after repairs");
//! assert!(article.text.starts_with("The old harbor bridge reopened"));
//! assert!(article.text.ends_with("the ribbon cutting."));
//! assert_eq!(article.authors, ["Jane Roe"]);
//! assert_eq!(article.language.as_deref(), Some("en"));
//! ```
#![deny(missing_docs)]

mod body;
mod charset;
mod config;
mod dom;
mod error;
mod flags;
mod hints;
mod metadata;
mod nesting;
mod phrases;
mod stage;

pub use config::ExtractConfig;
pub use error::ExtractError;
pub use stage::run;

use chorus_model::{Article, FeedEntry, RawPage, Timestamp};
use url::Url;

use crate::metadata::{authors, dates, jsonld, language, title};

/// Name and version of this extractor, stored with every article (`Article::extractor`).
pub const VERSION: &str = concat!("chorus-extract ", env!("CARGO_PKG_VERSION"));

/// Extracts the article from a downloaded page.
///
/// Fails only for pages that are not HTML at all (an image, a PDF, binary data, an empty
/// body). A page with no article text is not an error: it comes back with empty `text`,
/// and usually a flag saying why.
pub fn extract(page: &RawPage, cfg: &ExtractConfig) -> Result<Article, ExtractError> {
    let url = || page.final_url.to_string();
    if page.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ExtractError::EmptyBody { url: url() });
    }
    if let Some(ct) = page.content_type.as_deref()
        && !is_textual(ct)
        && !sniffs_as_html(&page.body)
    {
        return Err(ExtractError::NotHtml { url: url(), content_type: ct.to_owned() });
    }
    if is_binary(&page.body) {
        return Err(ExtractError::Binary { url: url() });
    }
    let context = Context {
        url: Some(&page.final_url),
        outlet: Some(&page.outlet),
        entry: page.entry.as_ref(),
        fetched_at: Some(page.fetched_at),
    };
    Ok(extract_with(&page.body, page.content_type.as_deref(), &context, cfg))
}

/// Extracts an article from bare bytes (a saved file, a benchmark page). `url` helps to
/// resolve the canonical address and to read a date from the path; `content_type` may
/// name the charset. Never fails: unusable input gives an article with empty text.
pub fn extract_html(
    html: &[u8],
    url: Option<&Url>,
    content_type: Option<&str>,
    cfg: &ExtractConfig,
) -> Article {
    let context = Context { url, outlet: None, entry: None, fetched_at: None };
    extract_with(html, content_type, &context, cfg)
}

/// What is known about a page besides its bytes.
struct Context<'a> {
    url: Option<&'a Url>,
    outlet: Option<&'a str>,
    entry: Option<&'a FeedEntry>,
    fetched_at: Option<Timestamp>,
}

fn extract_with(bytes: &[u8], content_type: Option<&str>, cx: &Context<'_>, cfg: &ExtractConfig) -> Article {
    let host = cx.url.and_then(Url::host_str);
    let tld = host.and_then(|h| h.rsplit('.').next());
    let source = charset::decode(bytes, content_type, tld);
    let html = scraper::Html::parse_document(&nesting::limit(&source));
    let doc = dom::Doc::build(&html);
    let ld = jsonld::parse(&doc.meta.json_ld);

    let site_name = metadata::meta(&doc, &["og:site_name", "application-name", "twitter:site"]);
    let outlets: Vec<&str> =
        [cx.outlet, site_name, ld.publisher.as_deref()].into_iter().flatten().collect();
    let h1 = metadata::h1_texts(&doc, &html);
    let title_clues = title::TitleClues {
        open_graph: metadata::meta(&doc, &["og:title", "twitter:title"]),
        json_ld: ld.headline.as_deref(),
        h1: h1.clone(),
        title_tag: doc.meta.title.as_deref(),
        site_names: outlets.clone(),
        host,
    };
    let mut headline = title::pick(&title_clues);
    if headline.is_empty()
        && let Some(t) = cx.entry.and_then(|e| e.title.as_deref())
    {
        headline = title::squash(t);
    }

    // Lines equal to any form of the headline are not body text.
    let mut titles: Vec<&str> = vec![headline.as_str()];
    titles.extend(title_clues.open_graph);
    titles.extend(doc.meta.title.as_deref());
    titles.extend(h1.iter().map(String::as_str));
    let body = body::extract(&doc, &titles);
    let mut text = body.text;
    if text.chars().count() < cfg.min_text_chars
        && let Some(ld_body) = ld.article_body.as_deref()
    {
        let ld_text = paragraphs(ld_body);
        if ld_text.len() > text.len() {
            text = ld_text;
        }
    }

    let byline_texts = metadata::byline_texts(&doc, &html);
    let author_sources = [ld.authors.clone(), authors::from_metas(&doc.meta.metas), byline_texts];
    let mut authors = authors::pick(&author_sources, &outlets);
    if authors.is_empty()
        && let Some(entry) = cx.entry
    {
        authors = authors::pick(std::slice::from_ref(&entry.authors), &outlets);
    }

    let date_clues = dates::DateClues {
        json_ld_published: ld.date_published.as_deref(),
        json_ld_modified: ld.date_modified.as_deref(),
        metas: &doc.meta.metas,
        times: metadata::time_values(&doc),
        feed: cx.entry.and_then(|e| e.published),
        url_path: cx.url.map(Url::path),
    };
    let published = dates::published(&date_clues);

    let declared: Vec<&str> = [
        doc.meta.lang.as_deref(),
        metadata::meta(&doc, &["og:locale", "content-language", "language", "dc.language"]),
        ld.in_language.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let language = language::detect(&declared, &text);

    let og_type = metadata::meta(&doc, &["og:type"]).map(str::to_ascii_lowercase);
    let flags = flags::detect(&flags::FlagClues {
        text: &text,
        title: &headline,
        page_chars: body.page_chars,
        page_link_chars: body.page_link_chars,
        json_ld_paywalled: ld.paywalled,
        content_tier: metadata::meta(&doc, &["article:content_tier", "content_tier"]),
        article_signals: ld.is_article
            || og_type.as_deref() == Some("article")
            || published.is_some_and(|(_, s)| s != chorus_model::DateSource::Feed),
        listing_type: ld.listing && !ld.is_article,
        min_text_chars: cfg.min_text_chars,
    });

    Article {
        input_id: None,
        url: cx.url.cloned(),
        canonical_url: metadata::canonical_url(&doc, cx.url),
        outlet: cx.outlet.map(str::to_owned),
        title: headline,
        text,
        authors,
        published: published.map(|(t, _)| t),
        published_source: published.map(|(_, s)| s),
        modified: dates::modified(&date_clues),
        language,
        fetched_at: cx.fetched_at,
        flags,
        extractor: VERSION.to_owned(),
    }
}

/// JSON-LD `articleBody` as paragraphs: its line breaks kept, other whitespace collapsed.
/// Some sites put HTML in it; tags are dropped.
fn paragraphs(raw: &str) -> String {
    let decoded = title::squash_keep_lines(raw);
    let mut out: Vec<String> = Vec::new();
    for line in decoded.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            out.push(line);
        }
    }
    out.join("\n\n")
}

/// Content types that may hold HTML.
fn is_textual(content_type: &str) -> bool {
    let ct = content_type.trim().to_ascii_lowercase();
    ct.is_empty() || ct.starts_with("text/") || ct.contains("html") || ct.contains("xml")
}

/// Bytes that start like an HTML document, whatever the server called them.
fn sniffs_as_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let head = &head[start..];
    head.starts_with(b"<") && dom::find_ci(head, b"<html").or(dom::find_ci(head, b"<!doctype")).or(dom::find_ci(head, b"<body")).is_some()
}

/// Binary data: NUL bytes near the start, where no text encoding but UTF-16 (which
/// carries a byte-order mark) puts them.
fn is_binary(body: &[u8]) -> bool {
    if body.starts_with(&[0xFF, 0xFE]) || body.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let head = &body[..body.len().min(1024)];
    head.iter().filter(|&&b| b == 0).count() > 0
}

// TEMP-DEBUG: remove before finishing.
#[doc(hidden)]
/// Debug dump of blocks.
pub fn debug_dump(html: &[u8]) -> String {
    use std::fmt::Write;
    let text = charset::decode(html, None, None);
    let parsed = scraper::Html::parse_document(&text);
    let doc = dom::Doc::build(&parsed);
    let b = body::extract(&doc, &[]);
    let mut out = String::new();
    let _ = writeln!(out, "container {}", b.container);
    for bl in &doc.blocks {
        let mut path = Vec::new();
        let mut i = bl.owner;
        while i != dom::NONE {
            let e = &doc.elems[i as usize];
            let names = parsed.tree.get(e.node).and_then(|n| n.value().as_element()).map(|el| format!("{}#{}", el.attr("class").unwrap_or(""), el.attr("id").unwrap_or(""))).unwrap_or_default();
            path.push(format!("{}:{:?}{}", i, e.tag, if e.hint != 0 || std::env::var("DUMP_JSON").is_ok() { format!("[{:x} {}]", e.hint, names) } else { String::new() }));
            i = e.parent;
        }
        path.reverse();
        let t = doc.block_text(bl);
        let short: String = t.chars().take(100).collect();
        if std::env::var("DUMP_JSON").is_ok() {
            let _ = writeln!(out, "{}", serde_json::json!({"kind": format!("{:?}", body::kind(&doc, bl)), "chars": bl.chars, "links": bl.link_chars, "path": path, "text": t}));
        } else {
            let _ = writeln!(out, "{:?} c{} l{} | {} | {}", body::kind(&doc, bl), bl.chars, bl.link_chars, path.join(">"), short.replace('\n', "⏎"));
        }
    }
    out
}
