//! Valley Courier: a regional paper on Drupal with the Olivero-style markup of node
//! pages, the EU Cookie Compliance banner, a "Submitted by … on …" line and the date in a
//! `dcterms.date` meta tag.

use super::{ArticlePage, FrontPage, esc, local, paragraphs, section_label};

pub(crate) const FURNITURE: &[&str] = &[
    "Skip to main content",
    "Serving the northern Sacramento Valley since 1921",
    "Main navigation",
    "Public Notices",
    "Share this article:",
    "Print this page",
    "Related Content",
    "Add new comment",
    "My neighbor told me about this before I saw it here. Glad the Courier confirmed the details.",
    "Please keep covering the valley side of these stories. The big papers never do.",
    "We use cookies on this site to enhance your user experience",
    "OK, I agree",
    "Copyright © 2025 Valley Courier Publishing Co.",
    "Valley Courier is a fictional newspaper of the Chorus newsroom simulation.",
];

/// Pacific time in September.
const UTC_OFFSET_HOURS: i32 = -7;

pub(crate) fn article(page: &ArticlePage<'_>) -> String {
    let story = page.story;
    let title = esc(story.title);
    let url = esc(page.url);
    let author = esc(story.author);
    let when = local(story.published, UTC_OFFSET_HOURS);
    let iso = when.to_rfc3339();
    let submitted = when.format("%a, %m/%d/%Y - %H:%M");
    let nid = story.number();
    let path = esc(&page.outlet.article_path(story));
    let section = section_label(story.section);
    let body = paragraphs(story, "").join("\n");
    let related: String = page
        .related
        .iter()
        .map(|l| {
            format!(
                "<div class=\"views-row\"><div class=\"views-field views-field-title\"><span class=\"field-content\"><a href=\"{}\" hreflang=\"en\">{}</a></span></div></div>\n",
                esc(&l.url),
                esc(l.title)
            )
        })
        .collect();
    let head = head(&format!("{title} | {}", esc(page.outlet.name)), &url, page.feed);
    let header = header();
    let footer = footer();
    format!(
        r##"{head}
<meta property="og:title" content="{title}" />
<meta property="og:url" content="{url}" />
<meta property="og:type" content="article" />
<meta name="dcterms.title" content="{title}" />
<meta name="dcterms.creator" content="{author}" />
<meta name="dcterms.date" content="{iso}" />
<link rel="shortlink" href="/valley-courier/node/{nid}" />
</head>
<body class="path-node page-node-type-article">
{header}
<main role="main">
<a id="main-content" tabindex="-1"></a>
<div class="layout-content">
<div class="region region-content">
<div data-drupal-messages-fallback class="hidden"></div>
<article role="article" about="{path}" class="node node--type-article node--promoted node--view-mode-full">
<h1 class="page-title"><span class="field field--name-title field--type-string field--label-hidden">{title}</span></h1>
<footer class="node__meta">
<div class="node__submitted">Submitted by <span class="field field--name-uid field--type-entity-reference field--label-hidden"><span>{author}</span></span> on <span class="field field--name-created field--type-created field--label-hidden">{submitted}</span></div>
</footer>
<div class="node__content">
<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">{body}</div>
<div class="field field--name-field-tags field--type-entity-reference field--label-above">
<div class="field__label">Tags</div>
<div class="field__items"><div class="field__item"><a href="/valley-courier/taxonomy/term/{sec}" hreflang="en">{section}</a></div></div>
</div>
<div class="block-sharethis"><span class="sharethis-label">Share this article:</span> <a class="st-facebook" href="#">Facebook</a> <a class="st-email" href="#">Email</a> <a class="print-page" href="javascript:window.print()">Print this page</a></div>
<section class="field field--name-comment field--type-comment field--label-above comment-wrapper">
<h2 class="title comment-section-title">Comments</h2>
<article role="article" data-comment-user-id="0" class="comment js-comment by-anonymous clearfix">
<footer class="comment__meta"><p class="comment__author"><span>Feather River Fan</span></p><p class="comment__time">Fri, 09/05/2025 - 08:12</p></footer>
<div class="comment__content"><div class="clearfix text-formatted field field--name-comment-body"><p>My neighbor told me about this before I saw it here. Glad the Courier confirmed the details.</p></div></div>
</article>
<article role="article" data-comment-user-id="0" class="comment js-comment by-anonymous clearfix">
<footer class="comment__meta"><p class="comment__author"><span>J. Bains</span></p><p class="comment__time">Fri, 09/05/2025 - 09:40</p></footer>
<div class="comment__content"><div class="clearfix text-formatted field field--name-comment-body"><p>Please keep covering the valley side of these stories. The big papers never do.</p></div></div>
</article>
<h2 class="title comment-form__title">Add new comment</h2>
</section>
</div>
</article>
<div class="views-element-container block block-views block-views-blockrelated-content-block-1">
<h2 class="block__title">Related Content</h2>
<div class="view view-related-content view-id-related_content"><div class="view-content">
{related}</div></div>
</div>
</div>
</div>
</main>
{footer}
</div></div>
</body>
</html>
"##,
        sec = esc(story.section),
    )
}

pub(crate) fn front(page: &FrontPage<'_>, list: &str) -> String {
    let head = head(&esc(page.outlet.name), &esc(page.url), page.feed);
    let header = header();
    let footer = footer();
    format!(
        r##"{head}
</head>
<body class="path-frontpage">
{header}
<main role="main"><div class="layout-content"><div class="region region-content">
<h1 class="page-title">Latest Headlines</h1>
<div class="view view-frontpage"><div class="view-content">
{list}
</div></div>
</div></div></main>
{footer}
</div></div>
</body>
</html>
"##
    )
}

fn head(title: &str, url: &str, feed: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html lang="en" dir="ltr" prefix="content: http://purl.org/rss/1.0/modules/content/  dc: http://purl.org/dc/terms/  og: http://ogp.me/ns#">
<head>
<meta charset="utf-8" />
<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
<meta name="MobileOptimized" content="width" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<title>{title}</title>
<link rel="canonical" href="{url}" />
<link rel="alternate" type="application/feed+json" title="Valley Courier" href="{feed}" />
<script type="application/json" data-drupal-selector="drupal-settings-json">{{"path":{{"baseUrl":"\/valley-courier\/","currentLanguage":"en"}},"eu_cookie_compliance":{{"popup_enabled":true}}}}</script>"##,
        feed = esc(feed),
    )
}

fn header() -> &'static str {
    r##"<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
<div class="layout-container">
<header role="banner" class="site-header">
<div class="region region-header">
<div id="block-sitebranding" class="block block-system block-system-branding-block">
<a href="/valley-courier/" rel="home" class="site-logo">Valley Courier</a>
<div class="site-slogan">Serving the northern Sacramento Valley since 1921</div>
</div>
<nav role="navigation" aria-labelledby="block-mainnavigation-menu" id="block-mainnavigation" class="block block-menu navigation menu--main">
<h2 class="visually-hidden" id="block-mainnavigation-menu">Main navigation</h2>
<ul class="menu">
<li class="menu-item"><a href="/valley-courier/news" data-drupal-link-system-path="news">News</a></li>
<li class="menu-item"><a href="/valley-courier/agriculture">Agriculture</a></li>
<li class="menu-item"><a href="/valley-courier/community">Community</a></li>
<li class="menu-item"><a href="/valley-courier/sports">Sports</a></li>
<li class="menu-item"><a href="/valley-courier/public-notices">Public Notices</a></li>
<li class="menu-item"><a href="/valley-courier/user/login">Log in</a></li>
</ul>
</nav>
</div>
</header>"##
}

fn footer() -> &'static str {
    r##"<footer role="contentinfo" class="site-footer">
<div class="region region-footer">
<p class="copyright">Copyright © 2025 Valley Courier Publishing Co., Yuba City, California</p>
<p class="fiction-notice">Valley Courier is a fictional newspaper of the Chorus newsroom simulation.</p>
</div>
</footer>
<div id="sliding-popup" class="sliding-popup-bottom eu-cookie-compliance-popup" role="alertdialog" aria-describedby="popup-text">
<div class="eu-cookie-compliance-banner eu-cookie-compliance-banner-info">
<div id="popup-text" class="eu-cookie-compliance-message"><h2>We use cookies on this site to enhance your user experience</h2><p>By clicking any link on this page you are giving your consent for us to set cookies.</p></div>
<div id="popup-buttons" class="eu-cookie-compliance-buttons"><button type="button" class="agree-button eu-cookie-compliance-default-button">OK, I agree</button><button type="button" class="find-more-button eu-cookie-compliance-more-button">No, give me more info</button></div>
</div>
</div>"##
}
