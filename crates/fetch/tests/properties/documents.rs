//! Documents from generated items, written the way a feed writer would (RSS 2.0, Atom 1.0,
//! sitemaps, sitemap indexes), and large ones: entity floods, declared entities, deep
//! nesting.

use proptest::prelude::*;

/// The formats documents are rendered in.
#[derive(Clone, Copy, Debug)]
pub(super) enum Format {
    Rss,
    Atom,
    Sitemap,
}

/// How a text is written into the XML.
#[derive(Clone, Copy, Debug)]
pub(super) enum Escape {
    /// `&amp;`, `&lt;`, `&gt;`, `&quot;` where needed.
    Named,
    /// Every character as a numeric reference, decimal or hex.
    Numeric,
    /// In a CDATA section (an element's text only).
    CData,
}

/// One entry to render: what a reader sees as its title, and its link as written.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) title: Option<String>,
    pub(super) link: String,
}

pub(super) fn format() -> impl Strategy<Value = Format> {
    prop_oneof![Just(Format::Rss), Just(Format::Atom), Just(Format::Sitemap)]
}

pub(super) fn escape() -> impl Strategy<Value = Escape> {
    prop_oneof![3 => Just(Escape::Named), 1 => Just(Escape::Numeric), 1 => Just(Escape::CData)]
}

/// Titles as a reader would see them: words of any printable characters, one space apart.
fn title() -> impl Strategy<Value = String> {
    prop::collection::vec("[\\PC&&\\S]{1,8}", 1..6).prop_map(|words| words.join(" "))
}

/// Absolute addresses, root-relative and document-relative paths, with queries and the
/// characters XML must escape.
fn link() -> impl Strategy<Value = String> {
    // No ':' — a first segment `ab:cd` would be an address with the scheme `ab`.
    let segment = "[a-zA-Z0-9._~!$'()*+,;=@\u{e9}\u{6771}-]{1,10}";
    let path = prop::collection::vec(segment, 1..4).prop_map(|s| s.join("/"));
    let query = prop::option::of(
        prop::collection::vec(("[a-z]{1,4}", "[a-zA-Z0-9<>\"' ]{0,6}"), 1..4).prop_map(|kv| {
            kv.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
        }),
    );
    let start = prop::sample::select(
        &[
            "https://news.example.test/",
            "http://other.example.test:8080/",
            "https://b\u{fc}cher.example.test/",
            "/",
            "",
            "../",
        ][..],
    );
    (start, path, query).prop_map(|(start, path, query)| match query {
        Some(q) => format!("{start}{path}?{q}"),
        None => format!("{start}{path}"),
    })
}

pub(super) fn items() -> impl Strategy<Value = Vec<Item>> {
    prop::collection::vec(
        (prop::option::weighted(0.8, title()), link())
            .prop_map(|(title, link)| Item { title, link }),
        0..12,
    )
}

fn escaped(s: &str, how: Escape) -> String {
    match how {
        Escape::Named => {
            s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
        }
        Escape::Numeric => s
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 { format!("&#{};", c as u32) } else { format!("&#x{:X};", c as u32) }
            })
            .collect(),
        Escape::CData => format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>")),
    }
}

/// An attribute value can't be CDATA.
fn escaped_attr(s: &str, how: Escape) -> String {
    escaped(s, if matches!(how, Escape::CData) { Escape::Named } else { how })
}

/// One child of a sitemap index: its address and maybe a `lastmod` date.
#[derive(Clone, Debug)]
pub(super) struct Child {
    pub(super) link: String,
    pub(super) lastmod: Option<String>,
}

pub(super) fn children() -> impl Strategy<Value = Vec<Child>> {
    let date =
        (2000u32..2030, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    prop::collection::vec(
        (link(), prop::option::weighted(0.7, date))
            .prop_map(|(link, lastmod)| Child { link, lastmod }),
        0..12,
    )
}

pub(super) fn render_index(children: &[Child], how: Escape) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for child in children {
        out.push_str(&format!("<sitemap><loc>{}</loc>", escaped(&child.link, how)));
        if let Some(lastmod) = &child.lastmod {
            out.push_str(&format!("<lastmod>{lastmod}</lastmod>"));
        }
        out.push_str("</sitemap>\n");
    }
    out.push_str("</sitemapindex>");
    out
}

pub(super) fn render_feed(format: Format, items: &[Item], how: Escape) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match format {
        Format::Rss => {
            out.push_str("<rss version=\"2.0\"><channel><title>Generated</title>\n");
            for item in items {
                out.push_str("<item>");
                if let Some(t) = &item.title {
                    out.push_str(&format!("<title>{}</title>", escaped(t, how)));
                }
                out.push_str(&format!("<link>{}</link></item>\n", escaped(&item.link, how)));
            }
            out.push_str("</channel></rss>");
        }
        Format::Atom => {
            out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Generated</title>");
            out.push_str("<id>urn:example:feed</id><updated>2025-09-04T10:00:00Z</updated>\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&format!("<entry><id>urn:example:{i}</id>"));
                if let Some(t) = &item.title {
                    out.push_str(&format!("<title type=\"text\">{}</title>", escaped(t, how)));
                }
                out.push_str(&format!(
                    "<link rel=\"alternate\" href=\"{}\"/><updated>2025-09-04T10:00:00Z</updated></entry>\n",
                    escaped_attr(&item.link, how)
                ));
            }
            out.push_str("</feed>");
        }
        Format::Sitemap => {
            out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" ");
            out.push_str("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n");
            for item in items {
                out.push_str(&format!("<url><loc>{}</loc>", escaped(&item.link, how)));
                if let Some(t) = &item.title {
                    out.push_str("<news:news><news:publication><news:name>Gazette</news:name>");
                    out.push_str("<news:language>en</news:language></news:publication>");
                    out.push_str(&format!(
                        "<news:title>{}</news:title></news:news>",
                        escaped(t, how)
                    ));
                }
                out.push_str("</url>\n");
            }
            out.push_str("</urlset>");
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Floods and nesting

/// Entity references, each with what it stands for in the text (unknown ones stay as
/// written: nothing is expanded from a DTD).
pub(super) const FLOOD: &[(&str, &str)] = &[
    ("&amp;", "&"),
    ("&lt;", "<"),
    ("&#38;", "&"),
    ("&#x26;", "&"),
    ("&#233;", "\u{e9}"),
    ("&#x1F600;", "\u{1F600}"),
    ("&lol9;", "&lol9;"),
];

/// The billion laughs: ten levels of ten references each, declared in the internal subset.
pub(super) fn laughs() -> String {
    let mut dtd = String::from("<!DOCTYPE x [<!ENTITY lol0 \"lol\">");
    for level in 1..10 {
        let refs = format!("&lol{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{level} \"{refs}\">"));
    }
    dtd.push_str("<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n");
    dtd
}

/// One item, in any format, with `title` and `link` as written (already escaped).
pub(super) fn one_item(format: Format, prolog: &str, title: &str, link: &str) -> String {
    match format {
        Format::Rss => format!(
            "{prolog}<rss version=\"2.0\"><channel><title>T</title><item><title>{title}</title>\
             <link>{link}</link></item></channel></rss>"
        ),
        Format::Atom => format!(
            "{prolog}<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title><entry><id>x</id>\
             <title type=\"html\">{title}</title><link href=\"{link}\"/></entry></feed>"
        ),
        Format::Sitemap => format!(
            "{prolog}<urlset xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"><url>\
             <loc>{link}</loc><news:news><news:title>{title}</news:title></news:news></url></urlset>"
        ),
    }
}

/// Where a deep subtree goes in a document that also holds one ordinary item after it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Depth {
    /// Inside the first item's description (or summary, or a sitemap extension).
    InItem,
    /// A sibling of the items.
    BesideItems,
}

pub(super) fn nested(depth: usize, names: &[&str], close: bool) -> String {
    let mut out = String::new();
    for i in 0..depth {
        out.push_str(&format!("<{}>", names[i % names.len()]));
    }
    out.push_str("deep");
    if close {
        for i in (0..depth).rev() {
            out.push_str(&format!("</{}>", names[i % names.len()]));
        }
    }
    out
}

pub(super) fn deep_document(format: Format, subtree: &str, at: Depth) -> String {
    let (inside, beside) = match at {
        Depth::InItem => (subtree, ""),
        Depth::BesideItems => ("", subtree),
    };
    match format {
        Format::Rss => format!(
            "<rss version=\"2.0\"><channel><title>T</title>{beside}\
             <item><link>/first</link><description>{inside}</description></item>\
             <item><link>/last</link></item></channel></rss>"
        ),
        Format::Atom => format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>{beside}\
             <entry><id>1</id><link href=\"/first\"/><content type=\"xhtml\">{inside}</content></entry>\
             <entry><id>2</id><link href=\"/last\"/></entry></feed>"
        ),
        Format::Sitemap => format!(
            "<urlset>{beside}<url><loc>/first</loc>{inside}</url><url><loc>/last</loc></url></urlset>"
        ),
    }
}
