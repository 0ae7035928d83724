//! The Meridian Post: a national paper on Arc XP (Fusion). The publication time is only in
//! JSON-LD (the visible date has no `datetime`), the whole story is repeated as JSON in
//! `Fusion.globalContent`, and advertising slots sit between paragraphs.

use chrono::Timelike;
use serde_json::json;

use super::{
    ArticlePage, FrontPage, esc, local, name_slug, paragraphs, script_json, section_label,
};

pub(crate) const FURNITURE: &[&str] = &[
    "Independent journalism since 1911",
    "Subscribe for $1",
    "Story continues below advertisement",
    "Gift this article",
    "Copy link",
    "More from The Meridian Post",
    "Solid reporting as always. The graphics in the print edition were even better.",
    "I wish more outlets explained the numbers like this instead of just shouting about them.",
    "We and our partners use cookies and similar technologies",
    "Manage Preferences",
    "© 1996-2025 The Meridian Post",
    "The Meridian Post is a fictional newspaper of the Chorus newsroom simulation.",
];

/// Eastern time in September.
const UTC_OFFSET_HOURS: i32 = -4;

pub(crate) fn article(page: &ArticlePage<'_>) -> String {
    let story = page.story;
    let name = page.outlet.name;
    let title = esc(story.title);
    let url = esc(page.url);
    let author = esc(story.author);
    let author_slug = name_slug(story.author);
    let when = local(story.published, UTC_OFFSET_HOURS);
    let (pm, hour) = when.hour12();
    let shown = format!(
        "{} at {hour}:{:02} {} EDT",
        when.format("%B %-d, %Y"),
        when.minute(),
        if pm { "p.m." } else { "a.m." }
    );
    let section = section_label(story.section);
    let description = esc(story.paragraphs.first().copied().unwrap_or_default());
    let ld = script_json(&json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": when.to_rfc3339(),
        "dateModified": when.to_rfc3339(),
        "author": [{ "@type": "Person", "name": story.author,
                     "url": format!("/meridian-post/people/{author_slug}/") }],
        "publisher": { "@type": "Organization", "name": name },
        "mainEntityOfPage": { "@type": "WebPage", "@id": page.url },
        "articleSection": section,
        "isAccessibleForFree": true,
    }));
    let fusion = script_json(&json!({
        "_id": format!("{:X}", story.number()),
        "type": "story",
        "headlines": { "basic": story.title },
        "content_elements": story.paragraphs.iter()
            .map(|p| json!({ "type": "text", "content": p }))
            .collect::<Vec<_>>(),
        "taxonomy": { "primary_section": { "_id": format!("/{}", story.section) } },
    }));
    let mut body = paragraphs(story, " class=\"c-paragraph\" data-el=\"text\" dir=\"null\"");
    // Arc inserts advertising slots after the second and fifth paragraphs.
    for at in [5, 2] {
        if body.len() > at {
            body.insert(at, ad_slot(at));
        }
    }
    let body = body.join("\n");
    let related: String = page
        .related
        .iter()
        .map(|l| {
            format!(
                "<li class=\"b-related-stories__item\"><a class=\"c-link\" href=\"{}\"><h3 class=\"c-heading\">{}</h3></a></li>\n",
                esc(&l.url),
                esc(l.title)
            )
        })
        .collect();
    let header = header();
    let footer = footer();
    format!(
        r##"<!DOCTYPE html><html lang="en"><head><meta charSet="UTF-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{title} | {name}</title>
<meta name="description" content="{description}"/>
<meta property="og:type" content="article"/>
<meta property="og:title" content="{title}"/>
<meta property="og:url" content="{url}"/>
<meta property="og:site_name" content="{name}"/>
<meta name="twitter:card" content="summary_large_image"/>
<link rel="canonical" href="{url}"/>
<link rel="alternate" type="application/atom+xml" href="{feed}"/>
<script type="application/ld+json">{ld}</script>
<script id="fusion-metadata" type="application/javascript">window.Fusion=window.Fusion||{{}};Fusion.arcSite="meridian-post";Fusion.deployment="412";Fusion.globalContent={fusion};</script>
</head>
<body><div id="fusion-app" class="b-application">
{header}
<main class="b-single-column-regular__main">
<div class="b-overline"><a class="c-overline" href="/meridian-post/{sec}/">{section}</a></div>
<h1 class="b-headline" data-qa="headline">{title}</h1>
<div class="b-byline"><span class="c-attribution">By <a class="b-byline__name" href="/meridian-post/people/{author_slug}/" rel="author">{author}</a></span></div>
<div class="b-date" data-qa="display-date">{shown}</div>
<div class="b-share-bar" data-qa="share-bar"><button class="c-button" aria-label="Gift this article">Gift this article</button><button class="c-button" aria-label="Share on Facebook">Facebook</button><button class="c-button" aria-label="Copy link">Copy link</button></div>
<article class="b-article-body" data-qa="main">
{body}
</article>
<section class="b-related-stories"><h2 class="c-heading">More from The Meridian Post</h2><ul class="b-related-stories__list">
{related}</ul></section>
<section id="coral_thread" class="b-comments"><h2 class="c-heading">Comments</h2>
<div class="coral-comment"><span class="coral-username">river_otter_77</span><div class="coral-content">Solid reporting as always. The graphics in the print edition were even better.</div></div>
<div class="coral-comment"><span class="coral-username">PragmaticVoter</span><div class="coral-content">I wish more outlets explained the numbers like this instead of just shouting about them.</div></div>
</section>
</main>
{footer}
</div></body></html>
"##,
        name = esc(name),
        feed = esc(page.feed),
        sec = esc(story.section),
    )
}

pub(crate) fn front(page: &FrontPage<'_>, list: &str) -> String {
    let name = esc(page.outlet.name);
    let header = header();
    let footer = footer();
    format!(
        r##"<!DOCTYPE html><html lang="en"><head><meta charSet="UTF-8"/>
<title>{name} - Breaking news and latest headlines</title>
<link rel="canonical" href="{url}"/>
<link rel="alternate" type="application/atom+xml" href="{feed}"/>
</head>
<body><div id="fusion-app" class="b-application">
{header}
<main class="b-homepage"><h1 class="c-heading">Top Stories</h1>
{list}
</main>
{footer}
</div></body></html>
"##,
        url = esc(page.url),
        feed = esc(page.feed),
    )
}

fn ad_slot(n: usize) -> String {
    format!(
        "<div class=\"arcad-feature\" data-qa=\"article-body-ad\"><div class=\"b-ad-label\">Advertisement</div><div id=\"arcad_{n}\" class=\"arcad\"></div><div class=\"b-ad-continue\">Story continues below advertisement</div></div>"
    )
}

fn header() -> &'static str {
    r##"<header class="b-header-nav-chain"><div class="b-header-nav-chain__top-layout">
<a class="b-header-nav-chain__logo" href="/meridian-post/" aria-label="The Meridian Post homepage">The Meridian Post</a>
<span class="b-header-nav-chain__tagline">Independent journalism since 1911</span>
<a class="c-button c-button--primary" href="/meridian-post/subscribe/">Subscribe for $1</a>
<a class="c-button" href="/meridian-post/account/signin/">Sign in</a></div>
<nav class="b-header-nav-chain__nav" aria-label="Sections"><ul class="c-stack">
<li><a class="c-link" href="/meridian-post/politics/">Politics</a></li>
<li><a class="c-link" href="/meridian-post/nation/">Nation</a></li>
<li><a class="c-link" href="/meridian-post/world/">World</a></li>
<li><a class="c-link" href="/meridian-post/business/">Business</a></li>
<li><a class="c-link" href="/meridian-post/technology/">Tech</a></li>
<li><a class="c-link" href="/meridian-post/climate/">Climate</a></li>
<li><a class="c-link" href="/meridian-post/health/">Well+Being</a></li>
</ul></nav></header>"##
}

fn footer() -> &'static str {
    r##"<footer class="b-footer"><div class="b-footer__links"><a href="/meridian-post/terms/">Terms of Use</a> <a href="/meridian-post/privacy/">Privacy Policy</a> <a href="/meridian-post/contact/">Contact the Newsroom</a></div>
<p class="b-footer__copyright">© 1996-2025 The Meridian Post</p>
<p class="b-footer__notice">The Meridian Post is a fictional newspaper of the Chorus newsroom simulation.</p></footer>
<div id="onetrust-banner-sdk" class="otFlat" role="region" aria-label="Cookie banner"><div id="onetrust-policy"><p id="onetrust-policy-text">We and our partners use cookies and similar technologies to improve your experience, measure performance and personalize ads.</p></div>
<div id="onetrust-button-group"><button id="onetrust-pc-btn-handler">Manage Preferences</button><button id="onetrust-accept-btn-handler">I Accept</button></div></div>"##
}
