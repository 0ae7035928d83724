//! Everything about the article except its text: title, authors, dates, language and the
//! page's own address for itself.

pub(crate) mod authors;
pub(crate) mod dates;
pub(crate) mod jsonld;
pub(crate) mod language;
pub(crate) mod title;

use url::Url;

use ego_tree::NodeId;
use scraper::{Html, Node};

use crate::dom::Doc;

/// Looks up the first `<meta>` content for any of `keys` (lower-cased), non-empty.
pub(crate) fn meta<'a>(doc: &'a Doc, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| {
        doc.meta
            .metas
            .iter()
            .find(|(key, v)| key == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    })
}

/// The texts of the first few `<h1>` elements.
pub(crate) fn h1_texts(doc: &Doc, html: &Html) -> Vec<String> {
    heading_texts(doc, html, &doc.meta.h1)
}

/// The texts of the first few `<h2>` elements.
pub(crate) fn h2_texts(doc: &Doc, html: &Html) -> Vec<String> {
    heading_texts(doc, html, &doc.meta.h2)
}

/// The texts of the first few `<h3>` elements.
pub(crate) fn h3_texts(doc: &Doc, html: &Html) -> Vec<String> {
    heading_texts(doc, html, &doc.meta.h3)
}

fn heading_texts(doc: &Doc, html: &Html, headings: &[u32]) -> Vec<String> {
    headings
        .iter()
        .take(4)
        .map(|&i| inner_text(html, doc.elems[i as usize].node, 300))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The texts of byline elements (`rel=author`, `itemprop=author`, byline classes).
pub(crate) fn byline_texts(doc: &Doc, html: &Html) -> Vec<String> {
    doc.meta
        .bylines
        .iter()
        .map(|&i| inner_text(html, doc.elems[i as usize].node, 200))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The address the page gives for itself: `rel=canonical`, else `og:url`, resolved
/// against the page's own address. Only http(s) addresses count.
pub(crate) fn canonical_url(doc: &Doc, base: Option<&Url>) -> Option<Url> {
    let candidates = [doc.meta.canonical.as_deref(), meta(doc, &["og:url"])];
    candidates.into_iter().flatten().find_map(|href| {
        let href = href.trim();
        if href.is_empty() || href.starts_with('#') {
            return None;
        }
        let url = match base {
            Some(b) => b.join(href).ok()?,
            None => Url::parse(href).ok()?,
        };
        matches!(url.scheme(), "http" | "https").then_some(url)
    })
}

/// `<time>` values, those marked as the publication time first.
pub(crate) fn time_values(doc: &Doc) -> Vec<&str> {
    let marked = doc.meta.times.iter().filter(|t| t.published);
    let other = doc.meta.times.iter().filter(|t| !t.published);
    marked.chain(other).take(8).map(|t| t.value.as_str()).collect()
}

/// The visible text of a subtree, whitespace collapsed, at most `max_chars` characters.
/// Iterative, so nesting depth does not matter.
fn inner_text(html: &Html, id: NodeId, max_chars: usize) -> String {
    let mut out = String::new();
    let Some(start) = html.tree.get(id) else { return out };
    let mut skip_until: Option<NodeId> = None;
    for edge in start.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) => {
                if skip_until.is_some() {
                    continue;
                }
                match n.value() {
                    Node::Text(t) => {
                        if t.starts_with(char::is_whitespace)
                            && !out.ends_with(' ')
                            && !out.is_empty()
                        {
                            out.push(' ');
                        }
                        for (i, w) in t.split_whitespace().enumerate() {
                            if i > 0 {
                                out.push(' ');
                            }
                            out.push_str(w);
                        }
                        if t.ends_with(char::is_whitespace) && !out.is_empty() {
                            out.push(' ');
                        }
                        if out.len() > max_chars * 4 {
                            break;
                        }
                    }
                    Node::Element(el) => {
                        if matches!(el.name(), "script" | "style" | "noscript" | "template" | "svg")
                        {
                            skip_until = Some(n.id());
                        } else if matches!(el.name(), "br" | "p" | "div" | "li")
                            && !out.ends_with(' ')
                        {
                            out.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            ego_tree::iter::Edge::Close(n) => {
                if skip_until == Some(n.id()) {
                    skip_until = None;
                }
            }
        }
    }
    let trimmed = out.trim();
    match trimmed.char_indices().nth(max_chars) {
        Some((i, _)) => trimmed[..i].to_owned(),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(html: &str) -> Doc {
        Doc::build(&scraper::Html::parse_document(html))
    }

    #[test]
    fn canonical_is_resolved_against_the_page() {
        let base = Url::parse("https://www.example.test/world/story-1?utm_source=x").unwrap();
        let d = doc(r#"<head><link rel="canonical" href="/world/story-1"></head>"#);
        assert_eq!(
            canonical_url(&d, Some(&base)).unwrap().as_str(),
            "https://www.example.test/world/story-1"
        );
        let d = doc(r#"<head><meta property="og:url" content="https://example.test/a"></head>"#);
        assert_eq!(canonical_url(&d, Some(&base)).unwrap().as_str(), "https://example.test/a");
        let d = doc(
            r#"<head><link rel="canonical" href="javascript:void(0)"><meta property="og:url" content="//cdn.example.test/b"></head>"#,
        );
        assert_eq!(canonical_url(&d, Some(&base)).unwrap().as_str(), "https://cdn.example.test/b");
        let d = doc(r#"<head><link rel="canonical" href="/relative"></head>"#);
        assert_eq!(canonical_url(&d, None), None);
        let d = doc(r#"<head><link rel="canonical" href="ftp://example.test/file"></head>"#);
        assert_eq!(canonical_url(&d, Some(&base)), None);
    }
}
