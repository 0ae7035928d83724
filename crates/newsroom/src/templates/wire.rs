//! Continental Wire: a wire service's site with `Page-` and `RichTextStoryBody` classes, a
//! `bsp-timestamp` and `article:published_time`, and a related-coverage box inside the
//! story body.

use super::{ArticlePage, FrontPage, esc, name_slug, paragraphs};

pub(crate) const FURNITURE: &[&str] = &[
    "Facts first, since 1887",
    "Top News",
    "Fact Check",
    "Related coverage",
    "Link copied",
    "Reactions from readers",
    "Straightforward and free of spin. This is what a wire service is for.",
    "Good summary. Would appreciate links to the original documents next time.",
    "Most Read",
    "This material may not be published, broadcast, rewritten or redistributed",
    "We use cookies to offer you a better browsing experience",
    "Accept All Cookies",
    "Continental Wire is a fictional news agency of the Chorus newsroom simulation.",
];

pub(crate) fn article(page: &ArticlePage<'_>) -> String {
    let story = page.story;
    let name = esc(page.outlet.name);
    let title = esc(story.title);
    let url = esc(page.url);
    let author = esc(story.author);
    let author_slug = name_slug(story.author);
    let iso = story.published.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let millis = story.published.timestamp_millis();
    let shown = story.published.format("%-I:%M %p UTC, %B %-d, %Y");
    let description = esc(story.paragraphs.first().copied().unwrap_or_default());
    let mut body = paragraphs(story, "");
    // The wire puts a box of related coverage after the third paragraph.
    if let Some(first) = page.related.first()
        && body.len() > 3
    {
        body.insert(
            3,
            format!(
                "<div class=\"Enhancement\" data-align-center><div class=\"Enhancement-item\"><div class=\"PagePromo\"><span class=\"PagePromo-label\">Related coverage</span><div class=\"PagePromo-title\"><a class=\"Link\" href=\"{}\"><span class=\"PagePromoContentIcons-text\">{}</span></a></div></div></div></div>",
                esc(&first.url),
                esc(first.title)
            ),
        );
    }
    let body = body.join("\n");
    let related: String = page
        .related
        .iter()
        .map(|l| {
            format!(
                "<li class=\"PageList-items-item\"><div class=\"PagePromo\"><div class=\"PagePromo-title\"><a class=\"Link\" href=\"{}\">{}</a></div></div></li>\n",
                esc(&l.url),
                esc(l.title)
            )
        })
        .collect();
    let head = head(&format!("{title} | {name}"), &url, page.feed);
    let header = header();
    let footer = footer();
    format!(
        r##"{head}
<meta name="description" content="{description}">
<meta property="og:title" content="{title}">
<meta property="og:url" content="{url}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{iso}">
<meta property="article:section" content="{sec}">
<meta name="byl" content="By {author}">
</head>
<body class="Page-body">
{header}
<main class="Page-main">
<div class="Page-content">
<div class="Page-headline"><h1 class="Page-headline-title">{title}</h1></div>
<div class="Page-byline">
<div class="Page-authors"><span class="Page-authors-by">By&nbsp;</span><a class="Link" href="/continental-wire/author/{author_slug}">{author}</a></div>
<div class="Page-dateModified"><bsp-timestamp data-timestamp="{millis}"><span>Updated {shown}</span></bsp-timestamp></div>
</div>
<bsp-share-bar class="Page-actions"><button class="Page-actions-share">Share</button><button class="Page-actions-copy" data-copied="Link copied">Copy Link</button></bsp-share-bar>
<div class="RichTextStoryBody RichTextBody">
{body}
</div>
<div class="Page-comments"><h3 class="Page-comments-title">Reactions from readers</h3>
<div class="Page-comment"><span class="Page-comment-author">A. Lindqvist (Duluth)</span><p class="Page-comment-text">Straightforward and free of spin. This is what a wire service is for.</p></div>
<div class="Page-comment"><span class="Page-comment-author">tbarnes</span><p class="Page-comment-text">Good summary. Would appreciate links to the original documents next time.</p></div>
</div>
</div>
<aside class="Page-aside"><div class="PageList"><h2 class="PageList-header-title">Most Read</h2><ul class="PageList-items">
{related}</ul></div></aside>
</main>
{footer}
</body>
</html>
"##,
        sec = esc(story.section),
    )
}

pub(crate) fn front(page: &FrontPage<'_>, list: &str) -> String {
    let head =
        head(&format!("{} | Breaking News", esc(page.outlet.name)), &esc(page.url), page.feed);
    let header = header();
    let footer = footer();
    format!(
        r##"{head}
</head>
<body class="Page-body">
{header}
<main class="Page-main"><div class="Page-content"><h1 class="PageList-header-title">Top News</h1>
{list}
</div></main>
{footer}
</body>
</html>
"##
    )
}

fn head(title: &str, url: &str, feed: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html class="Page" lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="canonical" href="{url}">
<link rel="alternate" type="application/atom+xml" title="Continental Wire" href="{feed}">
<script src="/continental-wire/static/bsp/All.min.js" defer></script>"##,
        feed = esc(feed),
    )
}

fn header() -> &'static str {
    r##"<bsp-header class="Page-header">
<div class="Page-header-bar">
<a class="Page-header-logo" href="/continental-wire/" aria-label="Continental Wire home">CONTINENTAL WIRE</a>
<span class="Page-header-tagline">Facts first, since 1887</span>
</div>
<nav class="Page-header-navigation"><ul class="Navigation-items">
<li class="Navigation-items-item"><a href="/continental-wire/hub/top-news">Top News</a></li>
<li class="Navigation-items-item"><a href="/continental-wire/hub/world-news">World</a></li>
<li class="Navigation-items-item"><a href="/continental-wire/hub/us-news">U.S.</a></li>
<li class="Navigation-items-item"><a href="/continental-wire/hub/politics">Politics</a></li>
<li class="Navigation-items-item"><a href="/continental-wire/hub/business">Business</a></li>
<li class="Navigation-items-item"><a href="/continental-wire/hub/science">Science</a></li>
<li class="Navigation-items-item"><a href="/continental-wire/hub/fact-check">Fact Check</a></li>
</ul></nav>
</bsp-header>"##
}

fn footer() -> &'static str {
    r##"<footer class="Page-footer">
<div class="Page-footer-disclaimer">Copyright 2025 Continental Wire. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.</div>
<div class="Page-footer-notice">Continental Wire is a fictional news agency of the Chorus newsroom simulation.</div>
</footer>
<div id="onetrust-consent-sdk" class="Page-consent"><div class="ot-sdk-container"><p class="ot-policy-text">We use cookies to offer you a better browsing experience, analyze site traffic, personalize content, and serve targeted advertisements.</p>
<button id="accept-recommended-btn-handler">Accept All Cookies</button><button class="ot-sdk-show-settings">Cookies Settings</button></div></div>"##
}
