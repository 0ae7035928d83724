//! Properties over generated input: tag soup built from a grammar of the parts pages are
//! made of (nested, unclosed and misnested elements, attributes, text, entities,
//! comments, scripts, styles, JSON-LD, charset labels, stray markup), and raw bytes. For
//! every input: no panic; script and style bodies never reach the text; no NUL in the
//! text; and the same bytes give the same article.

use chorus_extract::{ExtractSettings, extract, extract_html};
use chorus_model::Article;
use proptest::prelude::*;
use url::Url;

use crate::util::page;

/// Written into every script and style body; must never come out as text.
const SCRIPT_MARK: &str = "qzxscriptbodyxzq";
const STYLE_MARK: &str = "qzxstylebodyxzq";

/// One piece of a generated page.
#[derive(Clone, Debug)]
enum Part {
    Text(String),
    Entity(&'static str),
    Comment(String),
    /// A script or style: its body, which carries a marker.
    Script(String),
    Style(String),
    JsonLd(String),
    /// An element whose content is text only (`<title>`, `<textarea>`, …).
    TextOnly(&'static str, String),
    Void(&'static str, Vec<(String, String)>),
    Element {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<Part>,
        close: bool,
    },
    /// Markup that breaks the grammar: stray `<`, half tags, end tags that match nothing.
    Junk(&'static str),
}

const CONTAINERS: &[&str] = &[
    "div",
    "p",
    "span",
    "a",
    "b",
    "i",
    "em",
    "strong",
    "font",
    "article",
    "section",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "ul",
    "ol",
    "li",
    "dl",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "form",
    "time",
    "select",
    "svg",
    "math",
    "template",
    "body",
    "html",
    "head",
    "center",
    "nobr",
    "button",
];
const TEXT_ONLY: &[&str] = &["title", "textarea", "xmp", "noscript", "iframe", "noembed"];
const VOIDS: &[&str] = &["br", "img", "hr", "meta", "link", "input", "wbr", "source"];
const ATTR_NAMES: &[&str] = &[
    "class",
    "id",
    "href",
    "style",
    "hidden",
    "itemprop",
    "content",
    "property",
    "name",
    "rel",
    "lang",
    "datetime",
    "type",
    "role",
    "charset",
    "http-equiv",
    "pubdate",
    "data-x",
];
const ENTITIES: &[&str] = &[
    "&amp;",
    "&lt;",
    "&gt;",
    "&nbsp;",
    "&quot;",
    "&#0;",
    "&#x0;",
    "&#xD800;",
    "&#x110000;",
    "&#1114112;",
    "&#x1F600;",
    "&#128512;",
    "&#150;",
    "&bogus;",
    "&amp",
    "&",
    "&#",
    "&#x;",
    "&notin;",
    "&noti",
    "&#99999999999999999999;",
];
const JUNK: &[&str] = &[
    "<",
    ">",
    "</",
    "<!",
    "<?xml x?>",
    "<!DOCTYPE html>",
    "</div>",
    "</p>",
    "</script>",
    "</li>",
    "<a",
    "<div class=\"",
    "<p id='",
    "<!--",
    "-->",
    "<![CDATA[x]]>",
    "</>",
    "<\u{e9}>",
    "\0",
    "\u{feff}",
    "\r\n",
    "<br/>",
    "</br>",
    "<p/>",
    "<table><td>",
    "</table>",
];
/// JSON-LD with NULs escaped and encoded, broken references, an impossible date.
const JSON_LD: &[&str] = &[
    r##"{"@type":"NewsArticle","headline":"H\u0000","articleBody":"Body\u0000 text &#0; <p>x</p>",
        "author":[{"@id":"#a"},"B"],"datePublished":"2025-13-45"}"##,
    r#"{"@graph":[{"@type":"WebPage"},
        {"@type":["BlogPosting"],"isAccessibleForFree":"false"}]}"#,
];
const VALUES: &[&str] = &[
    "nav",
    "article-body",
    "sr-only",
    "related-posts comments",
    "display:none",
    "visibility : hidden",
    "author",
    "canonical",
    "articleBody",
    "datePublished",
    "og:title",
    "article:published_time",
    "2025-09-04T10:00:00Z",
    "Sept. 4, 2025",
    "application/ld+json",
    "text/html; charset=koi8-r",
    "shift_jis",
    "https://x.example/a?b=1&amp;c=2",
    "//[::1",
    "/2019/11/18/story",
    "caf\u{e9} \u{6771}\u{4eac}",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Any characters at all, control characters included.
        "(?s).{0,40}",
        "[a-zA-Z .,!?]{0,80}",
        Just("The council met on Thursday and argued about the repairs for an hour. ".repeat(3)),
        Just("東京で会議が開かれた。".to_owned()),
        Just("By Jane Roe and John Doe".to_owned()),
        Just("\u{ad}\u{200b}\u{fffd}\u{1F600} \u{645}\u{62f}\u{6cc}\u{646}\u{629}".to_owned()),
    ]
    // A raw '<' could start a tag that swallows the markup after it; junk parts do that
    // on purpose, text does not.
    .prop_map(|s| s.replace('<', "&lt;"))
}

fn attrs() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        4 => prop::sample::select(ATTR_NAMES).prop_map(str::to_owned),
        1 => "[a-z][a-z:-]{0,8}",
    ];
    let value = prop_oneof![
        3 => prop::sample::select(VALUES).prop_map(str::to_owned),
        1 => "(?s).{0,40}",
    ];
    prop::collection::vec((name, value), 0..4)
}

fn script_body(mark: &'static str) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(mark.to_owned()),
        Just("if (a < b && c > d) { x = '<div>'; }".to_owned()),
        Just("document.write('<p>' + \"</scr\" + \"ipt>\");".to_owned()),
        // An old-style write, whose end tag ends nothing: the parser is inside an escaped
        // run and a nested script there.
        Just("<!--\ndocument.write('<script src=x.js></script>');\n//-->".to_owned()),
        Just("<!--".to_owned()),
        Just("-->".to_owned()),
        Just("<script>".to_owned()),
        Just("</scripts>".to_owned()),
        Just("</styles>".to_owned()),
        "[a-z{}();= ]{0,20}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(move |v| format!("{mark}{}{mark}", v.concat()))
}

fn leaf(junk: bool) -> BoxedStrategy<Part> {
    let mut leaves = vec![
        (6, text().prop_map(Part::Text).boxed()),
        (2, prop::sample::select(ENTITIES).prop_map(Part::Entity).boxed()),
        (1, "[a-z <>&-]{0,20}".prop_map(|c: String| Part::Comment(c.replace("--", "- "))).boxed()),
        (1, script_body(SCRIPT_MARK).prop_map(Part::Script).boxed()),
        (1, script_body(STYLE_MARK).prop_map(Part::Style).boxed()),
        (
            1,
            prop_oneof![
                prop::sample::select(JSON_LD).prop_map(str::to_owned),
                "(?s).{0,80}".prop_map(|s| s.replace('<', " ")),
            ]
            .prop_map(Part::JsonLd)
            .boxed(),
        ),
        (
            1,
            (prop::sample::select(TEXT_ONLY), text())
                .prop_map(|(name, t)| Part::TextOnly(name, t))
                .boxed(),
        ),
        (1, (prop::sample::select(VOIDS), attrs()).prop_map(|(n, a)| Part::Void(n, a)).boxed()),
    ];
    if junk {
        leaves.push((2, prop::sample::select(JUNK).prop_map(Part::Junk).boxed()));
    }
    prop::strategy::Union::new_weighted(leaves).boxed()
}

/// A page of nested parts. With `junk`, stray markup too; without, every script and style
/// is one to the parser.
fn soup(junk: bool) -> impl Strategy<Value = Vec<Part>> {
    let part = leaf(junk).prop_recursive(6, 200, 8, |inner| {
        let name = prop_oneof![
            6 => prop::sample::select(CONTAINERS).prop_map(str::to_owned),
            1 => "[a-z][a-z0-9-]{0,6}",
        ];
        (name, attrs(), prop::collection::vec(inner, 0..8), prop::bool::weighted(0.8)).prop_map(
            |(name, attrs, children, close)| Part::Element { name, attrs, children, close },
        )
    });
    prop::collection::vec(part, 0..12)
}

fn render_attrs(out: &mut String, attrs: &[(String, String)]) {
    for (k, v) in attrs {
        // Quoted, and the quote escaped, so the tag always ends where it should.
        out.push_str(&format!(" {k}=\"{}\"", v.replace('"', "&quot;")));
    }
}

fn render(parts: &[Part], out: &mut String) {
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Entity(e) | Part::Junk(e) => out.push_str(e),
            Part::Comment(c) => out.push_str(&format!("<!--{c}-->")),
            Part::Script(body) => out.push_str(&format!("<script>{body}</script>")),
            Part::Style(body) => out.push_str(&format!("<style>{body}</style>")),
            Part::JsonLd(body) => {
                out.push_str(&format!("<script type=\"application/ld+json\">{body}</script>"))
            }
            Part::TextOnly(name, t) => out.push_str(&format!("<{name}>{t}</{name}>")),
            Part::Void(name, attrs) => {
                out.push_str(&format!("<{name}"));
                render_attrs(out, attrs);
                out.push('>');
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

fn page_of(parts: &[Part]) -> String {
    let mut out = String::new();
    render(parts, &mut out);
    out
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(vec![
        None,
        Some("text/html"),
        Some("text/html; charset=utf-8"),
        Some("text/html; charset=windows-1252"),
        Some("text/html; charset=shift_jis"),
        Some("text/html; charset=utf-16le"),
        Some("text/html; charset=iso-2022-jp"),
        Some("text/html; charset=\"gb18030\""),
        Some("text/html; charset=nonsense"),
        Some("application/octet-stream"),
    ])
}

/// What must hold of every article. `scripts_are_scripts`: every script and style of the
/// page is one to the parser (stray markup can turn one into text: in `<a<script>x`, the
/// `<script` is an attribute name and `x` is text).
fn check_text(article: &Article, scripts_are_scripts: bool) {
    for field in [&article.text, &article.title].into_iter().chain(&article.authors) {
        assert!(!field.contains('\0'), "NUL in {field:?}");
    }
    if scripts_are_scripts {
        assert!(!article.text.contains(SCRIPT_MARK), "script body in text: {:?}", article.text);
        assert!(!article.text.contains(STYLE_MARK), "style body in text: {:?}", article.text);
    }
}

/// Extracts through both entry points, twice each; each pair must agree.
fn extract_all(bytes: &[u8], content_type: Option<&str>, scripts_are_scripts: bool) {
    let url = Url::parse("https://www.example.test/2025/09/04/story/").expect("url");
    let cfg = ExtractSettings::default();
    let first = extract_html(bytes, Some(&url), content_type, &cfg);
    let second = extract_html(bytes, Some(&url), content_type, &cfg);
    assert_eq!(first, second, "same bytes, different article");
    check_text(&first, scripts_are_scripts);
    let mut raw = page(url.as_str(), bytes);
    raw.content_type = content_type.map(str::to_owned);
    if let Ok(article) = extract(&raw, &cfg) {
        check_text(&article, scripts_are_scripts);
        assert_eq!(Ok(&article), extract(&raw, &cfg).as_ref(), "same page, different article");
    }
}

proptest! {
    // Failures are turned into named regression tests, not kept in a seed file.
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        // The default generator is slow in debug builds; these need no cryptography.
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    #[test]
    fn tag_soup_keeps_scripts_and_styles_out(parts in soup(false), ct in content_type()) {
        extract_all(page_of(&parts).as_bytes(), ct, true);
    }

    #[test]
    fn tag_soup_with_stray_markup_is_handled(parts in soup(true), ct in content_type()) {
        let html = page_of(&parts);
        extract_all(html.as_bytes(), ct, false);
        // Cut anywhere, as a capped download is.
        extract_all(&html.as_bytes()[..html.len() / 2], ct, false);
    }

    #[test]
    fn random_bytes_are_handled(
        prefix in prop::sample::select(vec![
            &b""[..],
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xFE\xFF",
            b"<meta charset=shift_jis>",
            b"<meta charset=utf-16>",
            b"<html><body><p>",
            b"<script>",
        ]),
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        ct in content_type(),
    ) {
        let mut page = prefix.to_vec();
        page.extend(&bytes);
        extract_all(&page, ct, false);
    }
}
