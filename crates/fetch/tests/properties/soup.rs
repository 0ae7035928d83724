//! Tag soup: documents in the outline of one format (RSS 2.0, RSS 1.0, Atom, sitemap,
//! sitemap index) whose entries and fields hold nested elements of every name those
//! formats use, text that means something to one field or another, CDATA, comments,
//! references, doctypes; optionally unclosed elements, stray markup and broken references.

use proptest::prelude::*;

/// Element names of all the formats, and a few strays.
pub(super) const NAMES: &[&str] = &[
    // RSS 2.0 and 1.0
    "rss",
    "channel",
    "item",
    "title",
    "link",
    "description",
    "guid",
    "pubDate",
    "author",
    "managingEditor",
    "category",
    "enclosure",
    "content:encoded",
    "dc:creator",
    "dc:date",
    "rdf:RDF",
    "rdf:li",
    "image",
    // Atom
    "feed",
    "entry",
    "id",
    "summary",
    "content",
    "published",
    "updated",
    "name",
    "email",
    "atom:link",
    "atom:entry",
    // Sitemaps
    "urlset",
    "url",
    "loc",
    "lastmod",
    "sitemapindex",
    "sitemap",
    "news:news",
    "news:publication",
    "news:title",
    "news:publication_date",
    "image:image",
    "image:loc",
    // Strays
    "html",
    "body",
    "div",
    "p",
    "a",
    "x",
];
/// Names that mean nothing to any of the formats.
pub(super) const INERT: &[&str] = &["html", "body", "div", "p", "a", "x"];
const ATTR_NAMES: &[&str] = &[
    "href",
    "rel",
    "type",
    "xml:base",
    "xmlns",
    "xmlns:news",
    "xmlns:atom",
    "version",
    "isPermaLink",
    "src",
    "url",
    "xml:lang",
];
const VALUES: &[&str] = &[
    "alternate",
    "self",
    "enclosure",
    "edit",
    "text",
    "html",
    "xhtml",
    "text/html",
    "application/xml",
    "base64",
    "image/png",
    "bogus",
    "2.0",
    "false",
    "http://www.w3.org/2005/Atom",
    "http://purl.org/rss/1.0/",
    "http://www.sitemaps.org/schemas/sitemap/0.9",
    "http://www.google.com/schemas/sitemap-news/0.9",
    "https://other.example.test/dir/",
    "/relative/",
    "a/b?c=1&amp;d=2",
    "//cdn.example.test/x",
    "javascript:alert(1)",
    "mailto:jane@example.test",
    "data:text/html,hi",
    "http://[::1",
    "http:///nohost",
    "https://example.test:99999/",
    "",
];
/// Texts that mean something to one field or another: addresses, dates, people.
const TEXTS: &[&str] = &[
    "https://news.example.test/2025/09/04/story",
    "/2025/09/04/relative?utm_source=rss",
    "story.html",
    "  https://padded.example.test/  ",
    "ftp://files.example.test/x",
    "javascript:void(0)",
    "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6",
    "2025-09-04T10:00:00Z",
    "2025-09-04",
    "Thu, 04 Sep 2025 10:00:00 GMT",
    "2025-02-30T25:61:00+99:00",
    "jane@example.test (Jane Doe)",
    "Jane Doe \u{ab}jane@example.test\u{bb}",
    "()",
    "caf\u{e9} \u{6771}\u{4eac} \u{1F600}",
];
/// References XML allows (the unknown ones stay as written).
const ENTITIES: &[&str] = &[
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&apos;",
    "&#38;",
    "&#x26;",
    "&#233;",
    "&#x1F600;",
    "&nbsp;",
    "&bogus;",
    "&lol9;",
];
/// References that make the document ill-formed.
const BAD_ENTITIES: &[&str] =
    &["&#0;", "&#xD800;", "&#x110000;", "&#99999999999999999999;", "&amp", "&", "&#;", "&#x;"];
/// Stray markup: half tags, end tags that match nothing, markers out of place.
const JUNK: &[&str] = &[
    "<",
    ">",
    "</",
    "<!",
    "</>",
    "<?",
    "?>",
    "]]>",
    "<![CDATA[",
    "<!--",
    "-->",
    "</item>",
    "</entry>",
    "</url>",
    "</channel>",
    "<item",
    "<entry/>",
    "<url/>",
    "<sitemap/>",
    "<link href=\"/empty\"/>",
    "<a:b:item>",
    "<item\u{0}>",
    "\u{feff}",
    "\r\n",
    "\u{0}",
];
/// What may come before the root element.
const PROLOGS: &[&str] = &[
    "",
    "\u{feff}",
    "\n \t",
    "<?xml version=\"1.0\"?>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
    "<?xml version=\"1.0\" encoding=\"utf-16\"?>",
    "<?xml version=\"1.0\" encoding=\"nonsense\"?>",
    "<?xml-stylesheet type=\"text/xsl\" href=\"/feed.xsl\"?>",
    "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"x.dtd\">",
    "<!DOCTYPE x [<!ENTITY lol \"lol\"><!ENTITY lol9 \"&lol;&lol;\">]>",
    "<!-- generator: nothing -->",
];

/// One piece of a generated document.
#[derive(Clone, Debug)]
enum Part {
    Text(String),
    Entity(&'static str),
    CData(String),
    Comment(String),
    Junk(&'static str),
    Element {
        name: &'static str,
        attrs: Vec<(&'static str, String)>,
        children: Vec<Part>,
        close: bool,
    },
    Empty {
        name: &'static str,
        attrs: Vec<(&'static str, String)>,
    },
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(TEXTS).prop_map(str::to_owned),
        // Anything, with markup characters escaped so the text stays text.
        2 => "(?s).{0,30}".prop_map(|s| s.replace('&', "&amp;").replace('<', "&lt;")),
    ]
}

fn attrs() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let value = prop_oneof![
        4 => prop::sample::select(VALUES).prop_map(str::to_owned),
        1 => "[ -~]{0,16}".prop_map(|s| s.replace('&', "&amp;").replace(['<', '"'], "")),
    ];
    prop::collection::vec((prop::sample::select(ATTR_NAMES), value), 0..3)
}

/// Attributes on the elements that carry an entry, where most documents have none.
fn few_attrs() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    prop_oneof![3 => Just(Vec::new()), 1 => attrs()]
}

fn leaf(junk: bool) -> BoxedStrategy<Part> {
    let mut leaves = vec![
        (6, text().prop_map(Part::Text).boxed()),
        (3, prop::sample::select(ENTITIES).prop_map(Part::Entity).boxed()),
        (1, prop_oneof![text(), "(?s).{0,20}"].prop_map(Part::CData).boxed()),
        (1, "[a-z <>&]{0,12}".prop_map(Part::Comment).boxed()),
        (
            2,
            (prop::sample::select(NAMES), attrs())
                .prop_map(|(name, attrs)| Part::Empty { name, attrs })
                .boxed(),
        ),
    ];
    if junk {
        leaves.push((2, prop::sample::select(JUNK).prop_map(Part::Junk).boxed()));
        leaves.push((1, prop::sample::select(BAD_ENTITIES).prop_map(Part::Entity).boxed()));
    }
    prop::strategy::Union::new_weighted(leaves).boxed()
}

/// Whether an element gets its end tag: always in a well-formed document (also while
/// shrinking), else with probability `p`.
fn closes(junk: bool, p: f64) -> BoxedStrategy<bool> {
    if junk { prop::bool::weighted(p).boxed() } else { Just(true).boxed() }
}

/// Nested elements of any of the names, down to leaves.
fn parts(junk: bool) -> BoxedStrategy<Part> {
    leaf(junk)
        .prop_recursive(5, 80, 6, move |inner| {
            (
                prop::sample::select(NAMES),
                attrs(),
                prop::collection::vec(inner, 0..6),
                closes(junk, 0.85),
            )
                .prop_map(|(name, attrs, children, close)| Part::Element {
                    name,
                    attrs,
                    children,
                    close,
                })
        })
        .boxed()
}

/// The outline of one format: what opens and closes the document, the entry element and
/// the fields that matter inside it.
#[derive(Clone, Copy, Debug)]
struct Outline {
    open: &'static str,
    close: &'static str,
    entry: &'static str,
    fields: &'static [&'static str],
}

const OUTLINES: &[Outline] = &[
    Outline {
        open: "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
               xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>T</title>",
        close: "</channel></rss>",
        entry: "item",
        fields: &[
            "title",
            "link",
            "guid",
            "description",
            "author",
            "pubDate",
            "dc:creator",
            "content:encoded",
            "category",
            "enclosure",
        ],
    },
    Outline {
        open: "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" \
               xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
               <channel><title>T</title></channel>",
        close: "</rdf:RDF>",
        entry: "item",
        fields: &["title", "link", "description", "dc:date", "dc:creator"],
    },
    Outline {
        open: "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>",
        close: "</feed>",
        entry: "entry",
        fields: &["title", "id", "summary", "content", "published", "updated", "author", "name"],
    },
    Outline {
        open: "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
               xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">",
        close: "</urlset>",
        entry: "url",
        fields: &[
            "loc",
            "lastmod",
            "news:news",
            "news:title",
            "news:publication_date",
            "image:image",
        ],
    },
    Outline {
        open: "<sitemapindex>",
        close: "</sitemapindex>",
        entry: "sitemap",
        fields: &["loc", "lastmod"],
    },
];

/// An entry of the outline's format: its fields hold soup, and an Atom-style link
/// carries an address in `href`.
fn entry(outline: Outline, junk: bool) -> impl Strategy<Value = Part> {
    // Mostly a field holds plain text (an address, a date, a name), sometimes anything.
    let content = prop_oneof![
        2 => text().prop_map(|t| vec![Part::Text(t)]),
        1 => prop::collection::vec(parts(junk), 0..3),
    ];
    let field = prop_oneof![
        4 => (prop::sample::select(outline.fields), few_attrs(), content, closes(junk, 0.9))
            .prop_map(|(name, attrs, children, close)| Part::Element { name, attrs, children, close }),
        1 => (prop::sample::select(TEXTS), few_attrs()).prop_map(|(href, mut attrs)| {
            attrs.insert(0, ("href", href.to_owned()));
            Part::Empty { name: "link", attrs }
        }),
        1 => parts(junk),
    ];
    (few_attrs(), prop::collection::vec(field, 0..6), closes(junk, 0.9)).prop_map(
        move |(attrs, children, close)| Part::Element {
            name: outline.entry,
            attrs,
            children,
            close,
        },
    )
}

/// A document in one of the formats: entries among other soup. Without `junk` every
/// element closes and the XML is well-formed (bar the odd broken `xml:base`); with it,
/// elements stay open and stray markup and broken references appear.
pub(super) fn soup(junk: bool) -> impl Strategy<Value = String> {
    prop::sample::select(OUTLINES).prop_flat_map(move |outline| {
        let block = prop_oneof![3 => entry(outline, junk), 1 => parts(junk)];
        (prop::sample::select(PROLOGS), prop::collection::vec(block, 0..8)).prop_map(
            move |(prolog, blocks)| {
                let mut out = format!("{prolog}{}", outline.open);
                render(&blocks, &mut out);
                out.push_str(outline.close);
                out
            },
        )
    })
}

fn render_attrs(out: &mut String, attrs: &[(&str, String)]) {
    for (k, v) in attrs {
        out.push_str(&format!(" {k}=\"{v}\""));
    }
}

fn render(parts: &[Part], out: &mut String) {
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Entity(e) | Part::Junk(e) => out.push_str(e),
            Part::CData(t) => out.push_str(&format!("<![CDATA[{}]]>", t.replace("]]>", "]]"))),
            Part::Comment(c) => out.push_str(&format!("<!--{}-->", c.replace("--", "- "))),
            Part::Empty { name, attrs } => {
                out.push_str(&format!("<{name}"));
                render_attrs(out, attrs);
                out.push_str("/>");
            }
            Part::Element { name, attrs, children, close } => {
                out.push_str(&format!("<{name}"));
                render_attrs(out, attrs);
                out.push('>');
                render(children, out);
                if *close {
                    out.push_str(&format!("</{name}>"));
                }
            }
        }
    }
}
