//! Page templates, one per outlet, each imitating a different kind of news site.
//!
//! Every article page carries the furniture real sites have around the text (navigation,
//! a cookie banner, share buttons, related stories, reader comments, a footer) in that
//! site's own markup, so that extraction is tested against structure it has never seen
//! and must still keep only the article. Each module's `FURNITURE` lists the strings of
//! its template that must never reach extracted text.

use chrono::{DateTime, FixedOffset, Utc};

use crate::catalog::{Cms, Outlet, Story};

pub(crate) mod arc;
pub(crate) mod drupal;
pub(crate) mod tabloid;
pub(crate) mod tv;
pub(crate) mod wire;
pub(crate) mod wordpress;

/// A link to another page of the same outlet.
#[derive(Clone, Debug)]
pub(crate) struct Link {
    /// The linked story's headline.
    pub(crate) title: &'static str,
    /// Its canonical URL.
    pub(crate) url: String,
    /// Its publication time.
    pub(crate) published: DateTime<Utc>,
}

/// Everything a template needs to render one article page.
pub(crate) struct ArticlePage<'a> {
    pub(crate) outlet: &'a Outlet,
    pub(crate) story: &'a Story,
    /// The page's canonical URL.
    pub(crate) url: &'a str,
    /// The outlet's front page URL.
    pub(crate) home: &'a str,
    /// The outlet's feed URL.
    pub(crate) feed: &'a str,
    /// Other released stories of the outlet, newest first.
    pub(crate) related: &'a [Link],
}

/// Everything a template needs to render the outlet's front page.
pub(crate) struct FrontPage<'a> {
    pub(crate) outlet: &'a Outlet,
    /// The front page's URL.
    pub(crate) url: &'a str,
    /// The outlet's feed URL.
    pub(crate) feed: &'a str,
    /// Released stories, newest first.
    pub(crate) stories: &'a [Link],
}

/// The article page in the outlet's template.
pub(crate) fn render_article(page: &ArticlePage<'_>) -> String {
    match page.outlet.cms {
        Cms::WordPress => wordpress::article(page),
        Cms::Arc => arc::article(page),
        Cms::Drupal => drupal::article(page),
        Cms::TvStation => tv::article(page),
        Cms::Wire => wire::article(page),
        Cms::Tabloid => tabloid::article(page),
    }
}

/// The front page (a list of headlines, not an article) in the outlet's template.
pub(crate) fn render_front(page: &FrontPage<'_>) -> String {
    let list = headline_list(page.stories);
    match page.outlet.cms {
        Cms::WordPress => wordpress::front(page, &list),
        Cms::Arc => arc::front(page, &list),
        Cms::Drupal => drupal::front(page, &list),
        Cms::TvStation => tv::front(page, &list),
        Cms::Wire => wire::front(page, &list),
        Cms::Tabloid => tabloid::front(page, &list),
    }
}

/// The furniture strings of a template, for [`Outlet::furniture`].
pub(crate) const fn furniture(cms: Cms) -> &'static [&'static str] {
    match cms {
        Cms::WordPress => wordpress::FURNITURE,
        Cms::Arc => arc::FURNITURE,
        Cms::Drupal => drupal::FURNITURE,
        Cms::TvStation => tv::FURNITURE,
        Cms::Wire => wire::FURNITURE,
        Cms::Tabloid => tabloid::FURNITURE,
    }
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON for a `<script>` element: `</` is written `<\/` so the text cannot close the
/// element early.
pub(crate) fn script_json(value: &serde_json::Value) -> String {
    value.to_string().replace("</", "<\\/")
}

/// The story's paragraphs as `<p>` elements with the given attributes.
pub(crate) fn paragraphs(story: &Story, attrs: &str) -> Vec<String> {
    story.paragraphs.iter().map(|p| format!("<p{attrs}>{}</p>", esc(p))).collect()
}

/// A section's display name ("us" becomes "U.S.", "world" becomes "World").
pub(crate) fn section_label(section: &str) -> String {
    if section == "us" {
        return "U.S.".to_owned();
    }
    let mut chars = section.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A time shown in an outlet's home time zone (`hours` east of UTC).
pub(crate) fn local(time: DateTime<Utc>, hours: i32) -> DateTime<FixedOffset> {
    match FixedOffset::east_opt(hours * 3600) {
        Some(offset) => time.with_timezone(&offset),
        None => time.fixed_offset(),
    }
}

/// The URL-friendly form of a person's name, for author archive links.
pub(crate) fn name_slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
}

/// A plain `<ul>` of headline links, for front pages.
fn headline_list(links: &[Link]) -> String {
    let items: String = links
        .iter()
        .map(|l| format!("<li><a href=\"{}\">{}</a></li>\n", esc(&l.url), esc(l.title)))
        .collect();
    format!("<ul class=\"headline-list\">\n{items}</ul>")
}
