//! Harbor Gazette: a local daily on a stock WordPress theme with Jetpack sharing and
//! related posts, a cookie-law plugin, and the date in `article:published_time` and a
//! `<time class="entry-date">`.

use super::{ArticlePage, FrontPage, esc, local, name_slug, paragraphs, section_label};

pub(crate) const FURNITURE: &[&str] = &[
    "Skip to content",
    "Port Calder's Newspaper Since 1898",
    "Obituaries",
    "e-Edition",
    "Share this:",
    "Click to share on Facebook (Opens in new window)",
    "Click to email a link to a friend (Opens in new window)",
    "Thirty years I've lived on the Eastside and this is the first time the Gazette got the story right.",
    "Would love to see a follow-up on this in a month.",
    "Leave a Reply",
    "Your email address will not be published.",
    "Get the Morning Tide newsletter",
    "We use cookies on our website to give you the most relevant experience",
    "Cookie Settings",
    "© 2025 Harbor Gazette Media LLC. All rights reserved.",
    "Proudly powered by WordPress",
    "Harbor Gazette is a fictional newspaper of the Chorus newsroom simulation.",
];

/// Pacific time in September.
const UTC_OFFSET_HOURS: i32 = -7;

pub(crate) fn article(page: &ArticlePage<'_>) -> String {
    let story = page.story;
    let title = esc(story.title);
    let url = esc(page.url);
    let author = esc(story.author);
    let author_slug = name_slug(story.author);
    let id = story.number();
    let when = local(story.published, UTC_OFFSET_HOURS);
    let iso = when.to_rfc3339();
    let shown = when.format("%B %-d, %Y");
    let section = section_label(story.section);
    let body = paragraphs(story, "").join("\n");
    let related: String = page
        .related
        .iter()
        .map(|l| {
            format!(
                "<div class=\"jp-relatedposts-post\"><h4 class=\"jp-relatedposts-post-title\"><a class=\"jp-relatedposts-post-a\" href=\"{}\">{}</a></h4><p class=\"jp-relatedposts-post-date\">{}</p></div>\n",
                esc(&l.url),
                esc(l.title),
                local(l.published, UTC_OFFSET_HOURS).format("%B %-d, %Y")
            )
        })
        .collect();
    let head = head(page.outlet.name, &format!("{title} | {}", page.outlet.name), &url, page.feed);
    let masthead = masthead(page.home);
    let footer = footer();
    format!(
        r##"{head}
<meta property="og:type" content="article" />
<meta property="og:title" content="{title}" />
<meta property="og:url" content="{url}" />
<meta property="article:published_time" content="{iso}" />
<meta property="article:section" content="{section}" />
<meta name="author" content="{author}" />
</head>
<body class="post-template-default single single-post postid-{id} single-format-standard wp-embed-responsive">
<div id="page" class="site">
{masthead}
<div id="content" class="site-content">
<div id="primary" class="content-area">
<main id="main" class="site-main">
<article id="post-{id}" class="post-{id} post type-post status-publish format-standard hentry category-{cat}">
<header class="entry-header">
<span class="cat-links"><a href="/harbor-gazette/category/{cat}/" rel="category tag">{section}</a></span>
<h1 class="entry-title">{title}</h1>
<div class="entry-meta">
<span class="posted-on">Posted on <a href="{url}" rel="bookmark"><time class="entry-date published" datetime="{iso}">{shown}</time></a></span>
<span class="byline"> by <span class="author vcard"><a class="url fn n" href="/harbor-gazette/author/{author_slug}/">{author}</a></span></span>
</div>
</header>
<div class="entry-content">
{body}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">
<h3 class="sd-title">Share this:</h3>
<div class="sd-content"><ul>
<li class="share-facebook"><a rel="nofollow noopener noreferrer" class="share-facebook sd-button share-icon" href="{url}?share=facebook" title="Click to share on Facebook (Opens in new window)"><span>Facebook</span></a></li>
<li class="share-x"><a rel="nofollow noopener noreferrer" class="share-x sd-button share-icon" href="{url}?share=x" title="Click to share on X (Opens in new window)"><span>X</span></a></li>
<li class="share-email"><a rel="nofollow noopener noreferrer" class="share-email sd-button share-icon" href="mailto:?subject={title}" title="Click to email a link to a friend (Opens in new window)"><span>Email</span></a></li>
</ul></div></div></div>
<div id="jp-relatedposts" class="jp-relatedposts">
<h3 class="jp-relatedposts-headline"><em>Related</em></h3>
<div class="jp-relatedposts-items jp-relatedposts-items-visual">
{related}</div>
</div>
</div>
<footer class="entry-footer"><span class="tags-links">Tagged <a href="/harbor-gazette/tag/port-calder/" rel="tag">Port Calder</a></span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2></nav>
<div id="comments" class="comments-area">
<h2 class="comments-title">2 thoughts on &ldquo;<span>{title}</span>&rdquo;</h2>
<ol class="comment-list">
<li id="comment-{id}1" class="comment even thread-even depth-1"><article class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Dockside Dave</b> <span class="says">says:</span></div></footer>
<div class="comment-content"><p>Thirty years I've lived on the Eastside and this is the first time the Gazette got the story right. Keep it up.</p></div>
</article></li>
<li id="comment-{id}2" class="comment odd alt thread-odd depth-1"><article class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Marlene K.</b> <span class="says">says:</span></div></footer>
<div class="comment-content"><p>Would love to see a follow-up on this in a month. These things always get forgotten once the cameras leave.</p></div>
</article></li>
</ol>
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="/harbor-gazette/wp-comments-post.php" method="post" id="commentform" class="comment-form"><p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> Required fields are marked <span class="required">*</span></p>
<p class="comment-form-comment"><label for="comment">Comment</label><textarea id="comment" name="comment" cols="45" rows="8"></textarea></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /></p></form>
</div>
</div>
</main>
</div>
{sidebar}
</div>
{footer}
</div>
</body>
</html>
"##,
        cat = esc(story.section),
        sidebar = sidebar(),
    )
}

pub(crate) fn front(page: &FrontPage<'_>, list: &str) -> String {
    let name = page.outlet.name;
    let head = head(
        name,
        &format!("{name} &#8211; Port Calder's Newspaper Since 1898"),
        page.url,
        page.feed,
    );
    let masthead = masthead(page.url);
    let footer = footer();
    format!(
        r##"{head}
</head>
<body class="home blog wp-embed-responsive hfeed">
<div id="page" class="site">
{masthead}
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<header class="page-header"><h1 class="page-title">Latest News</h1></header>
{list}
</main></div>{sidebar}</div>
{footer}
</div>
</body>
</html>
"##,
        sidebar = sidebar(),
    )
}

fn head(name: &str, title: &str, url: &str, feed: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{title}</title>
<meta name="robots" content="max-image-preview:large" />
<link rel="canonical" href="{url}" />
<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed" href="{feed}" />
<meta property="og:site_name" content="{name}" />
<link rel="stylesheet" id="wp-block-library-css" href="/harbor-gazette/wp-includes/css/dist/block-library/style.min.css?ver=6.8.2" media="all" />
<link rel="stylesheet" id="twentytwenty-style-css" href="/harbor-gazette/wp-content/themes/gazette/style.css?ver=2.7" media="all" />
<script src="/harbor-gazette/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<script>window._wpemojiSettings = {{"baseUrl":"https:\/\/s.w.org\/images\/core\/emoji\/16.0.1\/72x72\/","ext":".png"}};</script>"##,
        name = esc(name),
        url = esc(url),
        feed = esc(feed),
    )
}

fn masthead(home: &str) -> String {
    let home = esc(home);
    format!(
        r##"<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header" role="banner">
<div class="site-branding">
<p class="site-title"><a href="{home}" rel="home">Harbor Gazette</a></p>
<p class="site-description">Port Calder's Newspaper Since 1898</p>
</div>
<nav id="site-navigation" class="main-navigation" aria-label="Primary Menu">
<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
<ul id="primary-menu" class="menu">
<li class="menu-item"><a href="/harbor-gazette/category/local/">Local News</a></li>
<li class="menu-item"><a href="/harbor-gazette/category/business/">Business</a></li>
<li class="menu-item"><a href="/harbor-gazette/category/sports/">Sports</a></li>
<li class="menu-item"><a href="/harbor-gazette/category/opinion/">Opinion</a></li>
<li class="menu-item"><a href="/harbor-gazette/obituaries/">Obituaries</a></li>
<li class="menu-item"><a href="/harbor-gazette/e-edition/">e-Edition</a></li>
<li class="menu-item menu-item-subscribe"><a href="/harbor-gazette/subscribe/">Subscribe</a></li>
</ul>
</nav>
</header>"##
    )
}

fn sidebar() -> &'static str {
    r##"<aside id="secondary" class="widget-area" role="complementary">
<section id="mc4wp_form_widget-2" class="widget widget_mc4wp_form_widget"><h2 class="widget-title">Get the Morning Tide newsletter</h2>
<form id="mc4wp-form-1" class="mc4wp-form" method="post"><p>Local headlines in your inbox before 7 a.m., every weekday.</p><input type="email" name="EMAIL" placeholder="Your email address" required /><input type="submit" value="Sign up" /></form></section>
</aside>"##
}

fn footer() -> &'static str {
    r##"<footer id="colophon" class="site-footer" role="contentinfo">
<div class="site-info">
<span class="copyright">© 2025 Harbor Gazette Media LLC. All rights reserved.</span>
<span class="sep"> | </span>
<a href="https://wordpress.org/" class="imprint">Proudly powered by WordPress</a>
<p class="fiction-notice">Harbor Gazette is a fictional newspaper of the Chorus newsroom simulation.</p>
</div>
</footer>
<div id="cookie-law-info-bar" data-nosnippet="true" class="cli-bar-container cli-style-v2">
<div class="cli-bar-message">We use cookies on our website to give you the most relevant experience by remembering your preferences and repeat visits. By clicking "Accept All", you consent to the use of ALL the cookies.</div>
<div class="cli-bar-btn_container"><a role="button" class="cli_settings_button">Cookie Settings</a><a role="button" id="wt-cli-accept-all-btn" class="wt-cli-element cli_action_button">Accept All</a></div>
</div>"##
}
