//! Schema.org metadata from `<script type="application/ld+json">`.
//!
//! Pages carry several scripts (the article, the organisation, breadcrumbs, a `@graph`
//! holding all of them), often slightly broken JSON. We read them all, leniently, and keep
//! the first node typed as an article (`NewsArticle`, `BlogPosting`, …), falling back to a
//! `WebPage` for dates.

use serde_json::Value;

/// What the page's JSON-LD says about the article.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct JsonLd {
    /// A node typed as an article was found.
    pub(crate) is_article: bool,
    /// Page types found that say "not an article" (`CollectionPage`, `SearchResultsPage`…).
    pub(crate) listing: bool,
    pub(crate) headline: Option<String>,
    pub(crate) date_published: Option<String>,
    pub(crate) date_modified: Option<String>,
    /// `author` entries that are people (or bare names).
    pub(crate) authors: Vec<String>,
    pub(crate) article_body: Option<String>,
    /// `isAccessibleForFree: false` on the article or one of its parts.
    pub(crate) paywalled: bool,
    /// `publisher.name`.
    pub(crate) publisher: Option<String>,
    pub(crate) in_language: Option<String>,
}

/// Article types, most specific last (any of them will do).
fn is_article_type(t: &str) -> bool {
    let t = t.rsplit(['/', ':']).next().unwrap_or(t);
    t.ends_with("Article")
        || matches!(
            t,
            "BlogPosting"
                | "LiveBlogPosting"
                | "SocialMediaPosting"
                | "DiscussionForumPosting"
                | "Report"
                | "ReportageNews"
                | "Review"
                | "Posting"
        )
}

fn is_listing_type(t: &str) -> bool {
    matches!(
        t.rsplit(['/', ':']).next().unwrap_or(t),
        "CollectionPage" | "SearchResultsPage" | "ItemList" | "ProfilePage" | "WebSite"
    )
}

fn types(node: &Value) -> Vec<&str> {
    match node.get("@type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Parses JSON-LD script bodies. Broken scripts are skipped.
pub(crate) fn parse(scripts: &[String]) -> JsonLd {
    let mut nodes: Vec<Value> = Vec::new();
    for script in scripts {
        if let Some(v) = parse_lenient(script) {
            nodes.push(v);
        }
    }
    // Flatten arrays and @graph containers, iteratively and bounded.
    let mut flat: Vec<&Value> = Vec::new();
    // Popped in document order: later siblings are pushed first.
    let mut stack: Vec<&Value> = nodes.iter().rev().collect();
    while let Some(v) = stack.pop() {
        if flat.len() > 256 {
            break;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(map) => {
                if let Some(g) = map.get("@graph") {
                    stack.push(g);
                }
                flat.push(v);
            }
            _ => {}
        }
    }

    let mut out = JsonLd::default();
    let article = flat.iter().find(|n| types(n).iter().any(|t| is_article_type(t)));
    out.listing = flat.iter().any(|n| types(n).iter().any(|t| is_listing_type(t)));
    let page = flat.iter().find(|n| types(n).iter().any(|t| t.ends_with("WebPage")));
    if let Some(a) = article {
        out.is_article = true;
        out.headline = text(a.get("headline")).or_else(|| text(a.get("name")));
        out.article_body = text(a.get("articleBody")).filter(|b| !b.trim().is_empty());
        out.authors = people(a.get("author"), &flat);
        if out.authors.is_empty() {
            out.authors = people(a.get("creator"), &flat);
        }
        out.paywalled = not_free(a.get("isAccessibleForFree"))
            || parts(a.get("hasPart")).any(|p| not_free(p.get("isAccessibleForFree")));
        out.publisher =
            a.get("publisher").and_then(|p| text(p.get("name")).or_else(|| text(Some(p))));
        out.in_language = text(a.get("inLanguage"));
    }
    // Dates from the article, else the page, else any node that has them (a
    // `ClaimReview`, a `VideoObject`).
    let dated = flat.iter().find(|n| {
        n.get("datePublished").and_then(Value::as_str).is_some_and(|d| !d.trim().is_empty())
    });
    for node in article.into_iter().chain(page).chain(dated) {
        if out.date_published.is_none() {
            out.date_published =
                text(node.get("datePublished")).or_else(|| text(node.get("dateCreated")));
        }
        if out.date_modified.is_none() {
            out.date_modified = text(node.get("dateModified"));
        }
    }
    if out.publisher.is_none() {
        out.publisher = flat
            .iter()
            .find(|n| {
                types(n).iter().any(|t| *t == "Organization" || *t == "NewsMediaOrganization")
            })
            .and_then(|n| text(n.get("name")));
    }
    out
}

/// JSON-LD `articleBody` as paragraphs: its line breaks kept, other whitespace collapsed.
/// Some sites put HTML in it; tags are dropped.
pub(crate) fn body_text(raw: &str) -> String {
    let decoded = chorus_text::strip_tags(raw);
    let mut out: Vec<String> = Vec::new();
    for line in decoded.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            out.push(line);
        }
    }
    out.join("\n\n")
}

/// Parses one script body, forgiving the usual breakage: HTML comment or CDATA wrappers,
/// raw control characters inside strings, a trailing semicolon.
fn parse_lenient(script: &str) -> Option<Value> {
    let s = script.trim();
    let s = s.strip_prefix("<!--").unwrap_or(s);
    let s = s.strip_suffix("-->").unwrap_or(s).trim();
    let s = s.strip_prefix("//<![CDATA[").or_else(|| s.strip_prefix("<![CDATA[")).unwrap_or(s);
    let s = s.strip_suffix("//]]>").or_else(|| s.strip_suffix("]]>")).unwrap_or(s).trim();
    let s = s.strip_suffix(';').unwrap_or(s);
    if s.is_empty() {
        return None;
    }
    serde_json::from_str(s).ok().or_else(|| {
        // Raw newlines and tabs inside strings are invalid JSON but common; outside strings
        // a space is as good.
        let cleaned: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        serde_json::from_str(&cleaned).ok()
    })
}

/// A string value, or the first string of an array, or an object's `name`/`@value`.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        // "\u0000" is valid JSON, and no text should carry it.
        Value::String(s) => Some(s.trim().replace('\0', "")).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(|x| text(Some(x))),
        Value::Object(o) => text(o.get("@value")).or_else(|| text(o.get("name"))),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Names of the people in an `author` value: strings, `Person` objects, arrays of either,
/// and `{"@id": …}` references to nodes elsewhere in the graph. Organisations are not
/// people.
fn people(v: Option<&Value>, nodes: &[&Value]) -> Vec<String> {
    let mut out = Vec::new();
    let items: Vec<&Value> = match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    };
    for item in items.into_iter().take(16) {
        // Yoast-style graphs name the author by reference only.
        let item = match item.get("@id").and_then(Value::as_str) {
            Some(id) if item.get("name").is_none() => nodes
                .iter()
                .find(|n| n.get("@id").and_then(Value::as_str) == Some(id))
                .copied()
                .unwrap_or(item),
            _ => item,
        };
        match item {
            Value::String(s) => out.push(s.trim().to_owned()),
            Value::Object(o) => {
                let t = types(item);
                let organisation = t.iter().any(|t| t.contains("Organization") || *t == "Brand");
                if !organisation && let Some(name) = text(o.get("name")) {
                    out.push(name);
                }
            }
            _ => {}
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

fn parts(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    let items: Vec<&Value> = match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(o @ Value::Object(_)) => vec![o],
        _ => Vec::new(),
    };
    items.into_iter()
}

fn not_free(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => !b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("false"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_article_in_graph_with_people_only() {
        let script = r#"{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","name":"Harbor Gazette"},
            {"@type":["NewsArticle"],"headline":"Bridge reopens",
             "datePublished":"2025-09-04T10:00:00+02:00","dateModified":"2025-09-04T12:00:00Z",
             "author":[{"@type":"Person","name":"Jane Roe"},{"@type":"Organization","name":"Harbor Gazette"}, "John Doe"],
             "publisher":{"@type":"Organization","name":"Harbor Gazette"},
             "isAccessibleForFree":"False","articleBody":"Text."}]}"#;
        let ld = parse(&[script.to_owned()]);
        assert!(ld.is_article);
        assert_eq!(ld.headline.as_deref(), Some("Bridge reopens"));
        assert_eq!(ld.authors, ["Jane Roe", "John Doe"]);
        assert_eq!(ld.date_published.as_deref(), Some("2025-09-04T10:00:00+02:00"));
        assert_eq!(ld.date_modified.as_deref(), Some("2025-09-04T12:00:00Z"));
        assert_eq!(ld.publisher.as_deref(), Some("Harbor Gazette"));
        assert!(ld.paywalled);
        assert_eq!(ld.article_body.as_deref(), Some("Text."));
    }

    #[test]
    fn author_references_are_followed() {
        let script = r##"{"@graph":[{"@type":"Article","headline":"H","author":{"@id":"#jane"}},
            {"@type":"Person","@id":"#jane","name":"Jane Roe"}]}"##;
        assert_eq!(parse(&[script.to_owned()]).authors, ["Jane Roe"]);
    }

    #[test]
    fn forgives_broken_scripts() {
        let script = "<!--\n{\"@type\":\"BlogPosting\",\"headline\":\"Line\nbreak\"};\n-->";
        let ld = parse(&["{not json".to_owned(), script.to_owned()]);
        assert_eq!(ld.headline.as_deref(), Some("Line break"));
    }

    #[test]
    fn nul_characters_are_dropped() {
        let script = r#"{"@type":"NewsArticle","headline":"A\u0000B","articleBody":"x\u0000y"}"#;
        let ld = parse(&[script.to_owned()]);
        assert_eq!(ld.headline.as_deref(), Some("AB"));
        assert_eq!(ld.article_body.as_deref(), Some("xy"));
    }

    #[test]
    fn paywall_in_has_part() {
        let script = "{\"@type\":\"NewsArticle\",\"headline\":\"Budget talks\",\n        \"isAccessibleForFree\":false,\"hasPart\":{\"@type\":\"WebPageElement\",\"isAccessibleForFree\":false,\"cssSelector\":\".paywall\"}}";
        assert!(parse(&[script.to_owned()]).paywalled);
    }

    #[test]
    fn listing_pages_are_told_apart() {
        let ld = parse(&[r#"{"@type":"CollectionPage","name":"World news"}"#.to_owned()]);
        assert!(ld.listing && !ld.is_article);
    }
}
