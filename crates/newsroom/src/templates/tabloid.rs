//! The Daily Blaze: a tabloid with an upper-case byline, a "RELATED ARTICLES" box and an
//! advertisement inside the body, a JSON-LD `@graph`, and a consent dialog.

use serde_json::json;

use super::{ArticlePage, FrontPage, esc, local, name_slug, paragraphs, script_json};

pub(crate) const FURNITURE: &[&str] = &[
    "Hot news, no filter",
    "Showbiz",
    "Puzzles",
    "Share or comment on this article:",
    "RELATED ARTICLES",
    "ADVERTISEMENT",
    "The comments below have not been moderated.",
    "Absolutely shocking. Nobody ever gets held responsible for anything any more.",
    "Can't believe what I'm reading. Sending love to everyone affected x",
    "MOST READ NEWS",
    "We value your privacy",
    "MORE OPTIONS",
    "Published by Blaze Media Group Ltd. © 2025",
    "The Daily Blaze is a fictional tabloid of the Chorus newsroom simulation.",
];

/// British Summer Time.
const UTC_OFFSET_HOURS: i32 = 1;

pub(crate) fn article(page: &ArticlePage<'_>) -> String {
    let story = page.story;
    let name = esc(page.outlet.name);
    let title = esc(story.title);
    let url = esc(page.url);
    let author = esc(story.author);
    let author_upper = esc(&story.author.to_uppercase());
    let author_slug = name_slug(story.author);
    let when = local(story.published, UTC_OFFSET_HOURS);
    let iso = when.to_rfc3339();
    let shown = when.format("%H:%M BST, %-d %B %Y");
    let pubdate = when.format("%Y%m%d");
    let ld = script_json(&json!({
        "@context": "https://schema.org",
        "@graph": [
            { "@type": "WebPage", "@id": page.url, "url": page.url, "name": story.title },
            {
                "@type": "NewsArticle",
                "headline": story.title,
                "datePublished": iso,
                "author": { "@type": "Person", "name": story.author },
                "publisher": { "@type": "NewsMediaOrganization", "name": page.outlet.name },
                "mainEntityOfPage": { "@id": page.url },
            },
        ],
    }));
    let mut body = paragraphs(story, " class=\"mol-para-with-font\"");
    // The box of related articles goes after the second paragraph, an advert after the
    // fourth (inserted first so the indices hold).
    if body.len() > 4 {
        body.insert(4, "<div class=\"mol-ads-cmp\"><span class=\"mol-ads-label\">ADVERTISEMENT</span><div id=\"ad-mpu-1\"></div></div>".to_owned());
    }
    if body.len() > 2 {
        let items: String = page
            .related
            .iter()
            .take(2)
            .map(|l| format!("<li><a href=\"{}\">{}</a></li>", esc(&l.url), esc(l.title)))
            .collect();
        body.insert(
            2,
            format!("<div class=\"related-carousel\"><h3 class=\"related-carousel-title\">RELATED ARTICLES</h3><ul>{items}</ul></div>"),
        );
    }
    let body = body.join("\n");
    let related: String = page
        .related
        .iter()
        .map(|l| {
            format!(
                "<li class=\"most-read-item\"><a class=\"most-read-link\" href=\"{}\">{}</a></li>\n",
                esc(&l.url),
                esc(l.title)
            )
        })
        .collect();
    let head = head(&format!("{title} | {name}"), &url);
    let header = header();
    let footer = footer();
    format!(
        r##"{head}
<meta property="og:title" content="{title}" />
<meta property="og:url" content="{url}" />
<meta property="og:type" content="article" />
<meta name="author" content="{author}" />
<meta name="pubdate" content="{pubdate}" />
<script type="application/ld+json">{ld}</script>
</head>
<body class="article-page">
{header}
<div id="content" class="page-content">
<div class="article-columns">
<div id="js-article-text" class="article-text wide">
<h1 class="mol-headline">{title}</h1>
<p class="author-section byline-plain">By <a class="author" href="/daily-blaze/profile/{author_slug}.html" rel="nofollow">{author_upper}</a> for The Daily Blaze</p>
<p class="byline-section"><span class="article-timestamp article-timestamp-published"><span class="article-timestamp-label">Published:</span> <time datetime="{iso}">{shown}</time></span></p>
<div class="social-share"><span class="social-share-label">Share or comment on this article:</span> <a class="share-facebook" href="#">Facebook</a> <a class="share-email" href="#">e-mail</a></div>
<div itemprop="articleBody">
{body}
</div>
<div id="reader-comments" class="reader-comments"><h3 class="comments-title">Comments 214</h3>
<p class="comments-disclaimer">The comments below have not been moderated.</p>
<div class="comment"><p class="comment-author">Truthseeker88, Leeds</p><p class="comment-text">Absolutely shocking. Nobody ever gets held responsible for anything any more.</p><span class="votes">1,042 ▲</span></div>
<div class="comment"><p class="comment-author">Brenda from Bolton</p><p class="comment-text">Can't believe what I'm reading. Sending love to everyone affected x</p><span class="votes">388 ▲</span></div>
</div>
</div>
<div class="article-sidebar"><div class="most-read"><h3 class="most-read-title">MOST READ NEWS</h3><ul class="most-read-list">
{related}</ul></div></div>
</div>
</div>
{footer}
</body>
</html>
"##
    )
}

pub(crate) fn front(page: &FrontPage<'_>, list: &str) -> String {
    let head = head(
        &format!("Latest News, Showbiz and Sport | {}", esc(page.outlet.name)),
        &esc(page.url),
    );
    let header = header();
    let footer = footer();
    format!(
        r##"{head}
</head>
<body class="channel-page">
{header}
<div id="content" class="page-content"><h1 class="channel-title">Latest News</h1>
{list}
</div>
{footer}
</body>
</html>
"##
    )
}

fn head(title: &str, url: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8" />
<title>{title}</title>
<link rel="canonical" href="{url}" />
<link rel="alternate" type="application/feed+json" title="The Daily Blaze" href="/daily-blaze/feeds/latest.json" />
<script>var PageCriteria = {{ articleId: "blaze", channel: "news" }};</script>"##
    )
}

fn header() -> &'static str {
    r##"<div class="page-header"><div class="masthead"><a class="logo" href="/daily-blaze/">The Daily Blaze</a><span class="masthead-tagline">Hot news, no filter</span></div>
<ul class="nav-primary">
<li><a href="/daily-blaze/">Home</a></li>
<li><a href="/daily-blaze/news/">News</a></li>
<li><a href="/daily-blaze/showbiz/">Showbiz</a></li>
<li><a href="/daily-blaze/sport/">Sport</a></li>
<li><a href="/daily-blaze/money/">Money</a></li>
<li><a href="/daily-blaze/puzzles/">Puzzles</a></li>
</ul></div>"##
}

fn footer() -> &'static str {
    r##"<div class="page-footer"><p class="footer-copyright">Published by Blaze Media Group Ltd. © 2025</p>
<p class="footer-notice">The Daily Blaze is a fictional tabloid of the Chorus newsroom simulation.</p></div>
<div id="consent-dialog" class="consent-overlay" role="dialog" aria-modal="true"><div class="consent-box"><h2>We value your privacy</h2>
<p>We and our 847 partners store and/or access information on a device, such as cookies, and process personal data for personalised advertising and content.</p>
<button class="consent-accept">ACCEPT</button><button class="consent-more">MORE OPTIONS</button></div></div>"##
}
