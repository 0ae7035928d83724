//! HTML bytes in, a clean article out.
//!
//! [`extract`] takes a downloaded page ([`RawPage`]) and returns an [`Article`]: the body
//! text without page furniture (navigation, related stories, share buttons, cookie
//! banners, comments, captions, bylines, newsletter plugs, footers), and metadata with
//! provenance: the headline without the site name, authors (people only), publication and
//! modification times and where the publication time was read
//! ([`DateSource`]), language, the page's canonical address, and
//! [`PageFlags`](chorus_model::PageFlags) (paywall, consent wall, not an article).
//! [`extract_html`] does the same from bare bytes. [`run`] is the pipeline stage: pages
//! in, articles out, extraction on a pool of blocking threads. [`ExtractConfig`] is the
//! `[extract]` section of the config file, checked into [`ExtractSettings`]; [`VERSION`] is stored with every article.
//! [`keep`] compresses a page for the store to keep beside its article, and [`restore`]
//! turns it back into the page, for extracting it again.
//!
//! # How it works
//!
//! Extraction is pure and synchronous, and every step after parsing is a loop:
//!
//! 1. **Charset.** A byte-order mark; the HTTP `charset`; a `<meta>` declaration; valid
//!    UTF-8; a statistical guess (chardetng) on a sample. Labels are checked against the
//!    bytes: a page that says UTF-8 but is Windows-1252 is read as Windows-1252.
//! 2. **Parse.** Script and style bodies are cut and pathological nesting flattened first
//!    (the parser pays for every byte, and is quadratic in nesting), an unclosed `<title>`
//!    is closed (else the parser reads the whole page as title) and a frameset page is
//!    opened onto its `<noframes>` text; then `scraper` builds the tree. Only the first
//!    [`ExtractConfig::max_html_bytes`] bytes and [`ExtractConfig::max_elements`] start
//!    tags of a page are read (20 MB and 200,000 by
//!    default, far past any real article page): time and memory are bounded whatever the
//!    input, and a page cut short is logged as a warning.
//! 3. **Flatten.** One iterative walk turns the tree into an arena of elements in
//!    document order and cuts the visible text into blocks (paragraphs, headings, list
//!    items, the loose text of a `<div>`), noting links, class/id hints and metadata tags.
//!    Deep nesting cannot overflow the stack.
//! 4. **Body.** Blocks are judged (prose, link list, short), hints resolved against the
//!    page, and the container with the most prose net of furniture is chosen; inside it,
//!    furniture and stock lines go and short lines are judged by their neighbours. Pages
//!    whose text is only in JSON-LD `articleBody` get that.
//! 5. **Metadata.** JSON-LD, OpenGraph, `<meta>` tags, `<time>`, bylines, the feed entry and
//!    the URL, each in a fixed order of trust.
//!
//! No input makes it panic; the worst a hostile page gets is an empty text. Property
//! tests over generated tag soup and a cargo-fuzz target (`fuzz/` in the repository) hold
//! it to that.
//!
//! ```
//! use chorus_extract::{ExtractSettings, extract_html};
//! use chorus_model::DateSource;
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
//! let article = extract_html(html, None, None, &ExtractSettings::default());
//! assert_eq!(article.title, "Bridge reopens after repairs");
//! assert_eq!(
//!     article.text,
//!     "The old harbor bridge reopened on Thursday after two years of repairs, the city said.\n\n\
//!      Cyclists and pedestrians crowded the deck within minutes of the ribbon cutting."
//! );
//! assert_eq!(article.authors, ["Jane Roe"]);
//! assert_eq!(article.published_source, Some(DateSource::OpenGraph));
//! assert_eq!(article.language.as_deref(), Some("en"));
//! ```
#![deny(missing_docs)]

mod attrs;
mod body;
mod charset;
mod config;
mod dom;
mod error;
mod flags;
mod hints;
mod keep;
mod metadata;
mod phrases;
mod preparse;
mod sniff;
mod stage;

pub use body::Doubt;
pub use config::{ExtractConfig, ExtractSettings};
pub use error::ExtractError;
pub use keep::{KEEP_LEVEL, keep, restore};
pub use stage::run;

use chorus_model::{Article, DateSource, FeedEntry, RawPage, Timestamp};
use tracing::warn;
use url::Url;

use crate::metadata::{authors, dates, jsonld, language, title};

/// Name and version of this extractor, stored with every article (`Article::extractor`):
/// the crate's version and a revision of its rules. Raise the revision (`+rules.N`) with
/// every change that makes the extractor read some page differently, so that a store
/// can tell which articles an older extractor made (`chorus reextract` records it).
pub const VERSION: &str = concat!("chorus-extract ", env!("CARGO_PKG_VERSION"), "+rules.1");

/// Extracts the article from a downloaded page.
///
/// Fails only for pages that are not HTML at all (an image, a PDF, binary data, an empty
/// body). A page with no article text is not an error: it comes back with empty `text`,
/// and usually a flag saying why.
pub fn extract(page: &RawPage, cfg: &ExtractSettings) -> Result<Article, ExtractError> {
    explain(page, cfg).map(|e| e.article)
}

/// [`extract`], with what was noted on the way: whether the page was cut to its start,
/// the doubts about its text, and whether the second reading was taken.
pub fn explain(page: &RawPage, cfg: &ExtractSettings) -> Result<Extraction, ExtractError> {
    sniff::check(page)?;
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
    cfg: &ExtractSettings,
) -> Article {
    explain_html(html, url, content_type, cfg).article
}

/// [`extract_html`], with what the extractor noted on the way: why the text may not be
/// the article, and whether a second reading replaced the first (for reports and
/// benchmarks; the article's `uncertain` flag says the same in one bit).
pub fn explain_html(
    html: &[u8],
    url: Option<&Url>,
    content_type: Option<&str>,
    cfg: &ExtractSettings,
) -> Extraction {
    let context = Context { url, outlet: None, entry: None, fetched_at: None };
    let extraction = extract_with(html, content_type, &context, cfg);
    if extraction.cut {
        warn!(
            url = url.map(Url::as_str),
            max_html_bytes = cfg.max_html_bytes.get(),
            max_elements = cfg.max_elements.get(),
            "page too large: only its start is read"
        );
    }
    extraction
}

/// An article with what the extractor noted on the way.
#[derive(Clone, Debug)]
pub struct Extraction {
    /// The article.
    pub article: Article,
    /// The page was cut to its start (past `extract.max_html_bytes` or
    /// `extract.max_elements`).
    pub cut: bool,
    /// Why the text found may not be the article (empty on a clear page).
    pub doubts: Vec<Doubt>,
    /// A second reading of the page, from its headline, replaced the first.
    pub second_reading: bool,
}

/// What is known about a page besides its bytes.
struct Context<'a> {
    url: Option<&'a Url>,
    outlet: Option<&'a str>,
    entry: Option<&'a FeedEntry>,
    fetched_at: Option<Timestamp>,
}

/// The article, and what was noted on the way.
fn extract_with(
    bytes: &[u8],
    content_type: Option<&str>,
    cx: &Context<'_>,
    cfg: &ExtractSettings,
) -> Extraction {
    let host = cx.url.and_then(Url::host_str);
    let tld = host.and_then(|h| h.rsplit('.').next());
    let (bytes, bytes_capped) = preparse::cap_bytes(bytes, cfg.max_html_bytes.get());
    let source = charset::decode(bytes, content_type, tld);
    let prepared = preparse::prepare(&source, cfg.max_elements.get());
    // Not an error: the article is near the top, and what was read is extracted.
    let cut = bytes_capped || prepared.elements_capped;
    let html = scraper::Html::parse_document(&prepared.html);
    // The parser copied what it needs; a trimmed copy of a large page need not live on.
    drop(prepared);
    let doc = dom::Doc::build(&html);
    let ld = jsonld::parse(&doc.meta.json_ld);

    let site_name = metadata::meta(&doc, &["og:site_name", "application-name", "twitter:site"]);
    let outlets: Vec<&str> =
        [cx.outlet, site_name, ld.publisher.as_deref()].into_iter().flatten().collect();
    let h1 = metadata::h1_texts(&doc, &html);
    let title_clues = title::TitleClues {
        open_graph: metadata::meta(&doc, &["og:title", "twitter:title"]),
        json_ld: ld.headline.as_deref(),
        h1,
        h2: metadata::h2_texts(&doc, &html),
        h3: metadata::h3_texts(&doc, &html),
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

    // Lines that repeat the headline, in any of its forms, are not body text.
    let mut titles: Vec<&str> = vec![headline.as_str()];
    titles.extend(title_clues.open_graph);
    titles.extend(title_clues.title_tag);
    titles.extend(title_clues.h1.iter().map(String::as_str));
    let clues = body::Clues {
        titles: &titles,
        description: metadata::meta(
            &doc,
            &["og:description", "description", "twitter:description"],
        ),
        ld_body: ld.article_body.as_deref(),
    };
    let body = body::extract(&doc, &clues);
    let mut text = body.text;
    if text.chars().count() < cfg.min_text_chars
        && let Some(ld_text) = ld.article_body.as_deref().map(jsonld::body_text)
        && ld_text.len() > text.len()
    {
        text = ld_text;
    }

    let author_sources = [
        ld.authors.clone(),
        authors::from_metas(&doc.meta.metas),
        metadata::byline_texts(&doc, &html),
        authors::text_byline(&doc, body.first_block),
        cx.entry.map(|e| e.authors.clone()).unwrap_or_default(),
    ];
    let authors = authors::pick(&author_sources, &outlets);

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
    let page_text = flags::small_page_text(&doc, body.page_chars);
    let flags = flags::detect(&flags::FlagClues {
        text: &text,
        page_text: &page_text,
        title: &headline,
        page_chars: body.page_chars,
        page_link_chars: body.page_link_chars,
        json_ld_paywalled: ld.paywalled,
        content_tier: metadata::meta(&doc, &["article:content_tier", "content_tier"]),
        article_signals: ld.is_article
            || og_type.as_deref() == Some("article")
            || published.is_some_and(|(_, s)| s != DateSource::Feed),
        listing_type: ld.listing && !ld.is_article,
        min_text_chars: cfg.min_text_chars,
        uncertain: !body.doubts.is_empty(),
    });

    let article = Article {
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
        page: None,
        ticket: None,
    };
    Extraction { article, cut, doubts: body.doubts, second_reading: body.second_reading }
}
