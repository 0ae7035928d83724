//! Miami News, KMIA: a local television station's site. The station masthead and a
//! section label ("World News") sit right above the headline, as in the second seed text,
//! and the date is only in a `<time datetime>`.

use chrono::Timelike;

use super::{ArticlePage, FrontPage, esc, local, paragraphs, section_label};

pub(crate) const FURNITURE: &[&str] = &[
    "Miami News, KMIA",
    "World News",
    "Watch Live",
    "First Alert Weather",
    "Download the KMIA News app for breaking news alerts",
    "WATCH: KMIA Nightcast at 11",
    "Share this story",
    "Viewer Comments",
    "Watching from Kendall. Thank you KMIA for always keeping us updated.",
    "Been following this all day. Great coverage from the whole team.",
    "More Stories from KMIA",
    "This website uses cookies to ensure you get the best experience.",
    "© 2025 KMIA-TV. All Rights Reserved.",
    "FCC Public File",
    "KMIA is a fictional station of the Chorus newsroom simulation.",
];

/// Eastern time in September.
const UTC_OFFSET_HOURS: i32 = -4;

pub(crate) fn article(page: &ArticlePage<'_>) -> String {
    let story = page.story;
    let title = esc(story.title);
    let url = esc(page.url);
    let author = esc(story.author);
    let when = local(story.published, UTC_OFFSET_HOURS);
    let iso = when.to_rfc3339();
    let (pm, hour) = when.hour12();
    let shown = format!(
        "{} / {hour}:{:02} {} EDT",
        when.format("%B %-d, %Y"),
        when.minute(),
        if pm { "PM" } else { "AM" }
    );
    let label = format!("{} News", section_label(story.section));
    let description = esc(story.paragraphs.first().copied().unwrap_or_default());
    let body = paragraphs(story, "").join("\n");
    let related: String = page
        .related
        .iter()
        .map(|l| {
            format!(
                "<li class=\"more-stories__item\"><a class=\"more-stories__link\" href=\"{}\">{}</a></li>\n",
                esc(&l.url),
                esc(l.title)
            )
        })
        .collect();
    let head = head(&format!("{title} | {}", esc(page.outlet.name)), &url);
    let header = header();
    let footer = footer();
    format!(
        r##"{head}
<meta name="description" content="{description}">
<meta property="og:title" content="{title}">
<meta property="og:url" content="{url}">
<meta property="og:type" content="article">
<meta name="twitter:site" content="@KMIAnews">
</head>
<body class="article-page station-kmia">
{header}
<main class="site-main">
<div class="article-section-label"><a href="/kmia/news/{sec}">{label}</a></div>
<article class="article-content">
<h1 class="article-headline">{title}</h1>
<div class="article-meta">
<div class="article-byline">By <span class="byline-author">{author}</span></div>
<div class="article-timestamp"><time datetime="{iso}">Published: {shown}</time></div>
</div>
<div class="article-video-player" data-player="jw"><div class="video-placeholder"></div><p class="video-caption">WATCH: KMIA Nightcast at 11</p></div>
<div class="article-body">
{body}
</div>
<div class="share-tools"><span class="share-tools__label">Share this story</span><a class="share-tools__facebook" href="#">Facebook</a><a class="share-tools__x" href="#">X</a><a class="share-tools__email" href="#">Email</a></div>
</article>
<section class="viewer-comments"><h3 class="viewer-comments__title">Viewer Comments</h3>
<div class="viewer-comment"><strong class="viewer-comment__name">MiamiMom305</strong><div class="viewer-comment__text">Watching from Kendall. Thank you KMIA for always keeping us updated.</div></div>
<div class="viewer-comment"><strong class="viewer-comment__name">Coach_Ray</strong><div class="viewer-comment__text">Been following this all day. Great coverage from the whole team.</div></div>
</section>
<aside class="more-stories"><h3 class="more-stories__title">More Stories from KMIA</h3><ul class="more-stories__list">
{related}</ul></aside>
</main>
{footer}
</body>
</html>
"##,
        sec = esc(story.section),
    )
}

pub(crate) fn front(page: &FrontPage<'_>, list: &str) -> String {
    let head = head(
        &format!("Miami News, Weather, Traffic and Sports | {}", esc(page.outlet.name)),
        &esc(page.url),
    );
    let header = header();
    let footer = footer();
    format!(
        r##"{head}
</head>
<body class="home station-kmia">
{header}
<main class="site-main"><h1 class="section-title">Latest Headlines</h1>
{list}
</main>
{footer}
</body>
</html>
"##
    )
}

fn head(title: &str, url: &str) -> String {
    format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title>
<link rel="canonical" href="{url}">
<link rel="alternate" type="application/rss+xml" title="KMIA News" href="/kmia/rss/news.xml">
<script async src="/kmia/static/js/player.min.js"></script>"##
    )
}

fn header() -> &'static str {
    r##"<header class="site-header">
<div class="breaking-ticker" role="marquee"><span class="breaking-ticker__label">ALERT</span> Download the KMIA News app for breaking news alerts</div>
<div class="masthead">
<a class="station-logo" href="/kmia/"><span class="station-logo__name">Miami News, KMIA</span></a>
<a class="masthead__live" href="/kmia/live">Watch Live</a>
</div>
<nav class="main-nav" aria-label="Main">
<ul class="main-nav__list">
<li><a href="/kmia/news/local">Local News</a></li>
<li><a href="/kmia/news/world">World News</a></li>
<li><a href="/kmia/weather">First Alert Weather</a></li>
<li><a href="/kmia/traffic">Traffic</a></li>
<li><a href="/kmia/news/sports">Sports</a></li>
<li><a href="/kmia/contests">Contests</a></li>
</ul>
</nav>
</header>"##
}

fn footer() -> &'static str {
    r##"<footer class="site-footer">
<div class="site-footer__links"><a href="/kmia/fcc-public-file">FCC Public File</a> | <a href="/kmia/eeo">EEO Report</a> | <a href="/kmia/closed-captioning">Closed Captioning Contact</a></div>
<p class="site-footer__copyright">© 2025 KMIA-TV. All Rights Reserved.</p>
<p class="site-footer__notice">KMIA is a fictional station of the Chorus newsroom simulation.</p>
</footer>
<div class="cookie-notice" id="cookie-notice"><p>This website uses cookies to ensure you get the best experience. <a href="/kmia/privacy">Learn more</a></p><button class="cookie-notice__ok">Got it!</button></div>"##
}
