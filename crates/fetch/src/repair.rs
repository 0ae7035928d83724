//! Decoded feed text made fit for an XML parser, in one pass over its tokens.
//!
//! - References: the five XML entities and valid numeric references stay; HTML named
//!   entities (`&nbsp;`, `&eacute;`, `&mdash;`, which feeds use without declaring them)
//!   become their characters; any other name, and a bare `&`, is escaped so it reads as
//!   written. A `<` that starts no tag is escaped too. CDATA, comments and the doctype are
//!   left alone.
//! - Old dialects under the names feed parsers know: the RSS 0.90 (Netscape) namespace
//!   and the RSS 2.0 namespaces some feeds declare become RSS 1.0's, Atom 0.3's becomes
//!   Atom 1.0's (with `issued` and `modified` as `published` and `updated`), and an `<rss>`
//!   root of any version reads as 2.0, its descendant.
//! - `<guid isPermaLink="false">` values are collected: they must never be taken for links.

use std::collections::HashSet;

use crate::markup::{Token, local, tokens};

mod entities;

const RSS1_NS: &str = "http://purl.org/rss/1.0/";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const ATOM03_NS: &str = "http://purl.org/atom/ns#";

/// Namespaces read as another one, quotes included so that only whole values match.
const RENAMED_NS: [(&str, &str); 5] = [
    ("http://my.netscape.com/rdf/simple/0.9/", RSS1_NS),
    ("http://channel.netscape.com/rdf/simple/0.9/", RSS1_NS),
    ("http://backend.userland.com/rss2", RSS1_NS),
    ("http://blogs.law.harvard.edu/tech/rss", RSS1_NS),
    (ATOM03_NS, ATOM_NS),
];

/// Atom 0.3 element names with their Atom 1.0 equivalents.
const ATOM03_NAMES: [(&str, &str); 2] = [("issued", "published"), ("modified", "updated")];

/// The repaired text and what was learnt on the way.
#[derive(Debug, Default)]
pub(crate) struct Repaired {
    /// The text, well-formed where only references or dialect were wrong.
    pub(crate) text: String,
    /// The values of `<guid isPermaLink="false">`, trimmed: identifiers, not addresses.
    pub(crate) non_permalinks: HashSet<String>,
}

/// Repairs `text` (see the module documentation).
pub(crate) fn repair(text: &str) -> Repaired {
    let mut out = Repaired {
        text: String::with_capacity(text.len() + text.len() / 16),
        ..Repaired::default()
    };
    let mut seen_root = false;
    let mut atom03 = false;
    // Inside a `<guid isPermaLink="false">`: its text so far.
    let mut guid: Option<String> = None;
    for token in tokens(text) {
        match token {
            Token::Text(s) => {
                let at = out.text.len();
                escape_text(s, &mut out.text, true);
                if let Some(g) = guid.as_mut() {
                    g.push_str(&out.text[at..]);
                }
            }
            Token::Other(s) => {
                if let Some(g) = guid.as_mut()
                    && let Some(cdata) = s.strip_prefix("<![CDATA[")
                {
                    g.push_str(&quick_xml::escape::escape(
                        cdata.strip_suffix("]]>").unwrap_or(cdata),
                    ));
                }
                out.text.push_str(s);
            }
            Token::Start { raw, name, empty } => {
                let mut tag = String::with_capacity(raw.len());
                escape_text(raw, &mut tag, false);
                if !seen_root {
                    seen_root = true;
                    atom03 = local(name) == "feed" && tag.contains(ATOM03_NS);
                    if local(name) == "rss" {
                        tag = as_rss2(&tag);
                    }
                }
                if tag.contains("xmlns") {
                    for (from, to) in RENAMED_NS {
                        for q in ['"', '\''] {
                            tag = tag.replace(&format!("{q}{from}{q}"), &format!("{q}{to}{q}"));
                        }
                    }
                }
                if atom03 {
                    tag = renamed(&tag, name, 1);
                }
                if local(name) == "guid" && !empty && is_not_permalink(&tag) {
                    guid = Some(String::new());
                }
                out.text.push_str(&tag);
            }
            Token::End { raw, name } => {
                if local(name) == "guid"
                    && let Some(g) = guid.take()
                {
                    let value =
                        quick_xml::escape::unescape(&g).map_or(g.clone(), |v| v.into_owned());
                    out.non_permalinks.insert(value.trim().to_owned());
                }
                if atom03 {
                    out.text.push_str(&renamed(raw, name, 2));
                } else {
                    out.text.push_str(raw);
                }
            }
        }
    }
    out
}

/// Atom 0.3's name for an element replaced by Atom 1.0's, the prefix kept; `at` is where
/// the name starts in the tag (after `<` or `</`).
fn renamed(tag: &str, name: &str, at: usize) -> String {
    let prefix_len = name.len() - local(name).len();
    match ATOM03_NAMES.iter().find(|(old, _)| *old == local(name)) {
        Some((_, new)) => {
            let rest = &tag[at + name.len()..];
            format!("{}{}{new}{rest}", &tag[..at], &name[..prefix_len])
        }
        None => tag.to_owned(),
    }
}

/// An `<rss>` start tag with `version="2.0"`: the parser reads 0.91 to 2.0 alike, but
/// refuses other versions (0.93, 0.94, 2.01) and a missing one.
fn as_rss2(tag: &str) -> String {
    if let Some(value) = attribute(tag, "version")
        && matches!(value, "2.0" | "0.91" | "0.92")
    {
        return tag.to_owned();
    }
    let without = match attribute_span(tag, "version") {
        Some((start, end)) => format!("{}{}", &tag[..start], &tag[end..]),
        None => tag.to_owned(),
    };
    let name_end = without
        .find(|c: char| c.is_ascii_whitespace() || matches!(c, '>' | '/'))
        .unwrap_or(without.len());
    format!("{} version=\"2.0\"{}", &without[..name_end], &without[name_end..])
}

fn is_not_permalink(tag: &str) -> bool {
    attribute(tag, "isPermaLink").is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
}

/// The value of an attribute in a start tag, as written.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let (start, end) = attribute_span(tag, name)?;
    let written = &tag[start..end];
    let value = written.split_once('=')?.1.trim();
    Some(value.get(1..value.len().saturating_sub(1)).unwrap_or_default())
}

/// Where ` name="value"` is in a start tag, from the whitespace before the name.
fn attribute_span(tag: &str, name: &str) -> Option<(usize, usize)> {
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(i) = tag[from..].find(name).map(|i| from + i) {
        from = i + name.len();
        let after = tag[from..].trim_start();
        if i == 0 || !bytes[i - 1].is_ascii_whitespace() || !after.starts_with('=') {
            continue;
        }
        let value = after[1..].trim_start();
        let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
        let value_at = tag.len() - value.len();
        let close = tag[value_at + 1..].find(quote)? + value_at + 2;
        return Some((i - 1, close));
    }
    None
}

/// Longest reference name looked at: HTML's longest is `CounterClockwiseContourIntegral`.
const MAX_NAME: usize = 32;

/// Copies `s` to `out` with references made XML (see the module documentation) and
/// (in text, `lt`) stray `<` escaped.
fn escape_text(s: &str, out: &mut String, lt: bool) {
    let specials: &[char] = if lt { &['&', '<'] } else { &['&'] };
    let mut rest = s;
    while let Some(i) = rest.find(specials) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            // Only a tokenizer's text gets here with a `<`: it starts no markup.
            out.push_str("&lt;");
            rest = &rest[1..];
            continue;
        }
        let name = rest.as_bytes()[1..]
            .iter()
            .take(MAX_NAME + 1)
            .position(|&b| b == b';')
            .map(|n| &rest[1..=n]);
        let used = match name {
            Some(name) if is_valid_reference(name) => {
                out.push('&');
                out.push_str(name);
                out.push(';');
                name.len() + 2
            }
            Some(name) if is_name(name) => {
                match entities::NAMED.binary_search_by(|(n, _)| n.as_bytes().cmp(name.as_bytes())) {
                    Ok(found) => push_escaped(entities::NAMED[found].1, out),
                    // Unknown: kept as written, as a reader would show it.
                    Err(_) => {
                        out.push_str("&amp;");
                        out.push_str(name);
                        out.push(';');
                    }
                }
                name.len() + 2
            }
            _ => {
                out.push_str("&amp;");
                1
            }
        };
        rest = &rest[used..];
    }
    out.push_str(rest);
}

/// The XML entities and numeric references to characters XML allows.
fn is_valid_reference(name: &str) -> bool {
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") {
        return true;
    }
    let Some(n) = name.strip_prefix('#') else { return false };
    let code = match n.strip_prefix('x') {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()
        }
        None if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
        _ => None,
    };
    code.and_then(char::from_u32).is_some_and(|c| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))
    })
}

fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Characters from an HTML entity, escaped where XML needs it (`&AMP;`, `&LT;`).
fn push_escaped(chars: &str, out: &mut String) {
    for c in chars.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(s: &str) -> String {
        repair(s).text
    }

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        escape_text(s, &mut out, true);
        out
    }

    #[test]
    fn html_entities_become_characters_and_xml_ones_stay() {
        assert_eq!(
            fixed(
                "<t>caf&eacute;&nbsp;&mdash; &amp;&lt;&gt;&quot;&apos; &#233;&#xE9; &AMP;&LT;</t>"
            ),
            "<t>café\u{a0}— &amp;&lt;&gt;&quot;&apos; &#233;&#xE9; &amp;&lt;</t>"
        );
        // Two-character entities, and the longest name.
        assert_eq!(escaped("&nvlt;&CounterClockwiseContourIntegral;"), "&lt;\u{20d2}\u{2233}");
    }

    #[test]
    fn stray_ampersands_and_unknown_names_read_as_written() {
        assert_eq!(
            fixed("<t a=\"?x=1&y=2\">AT&T &bogus; & &#0; &#xD800; &#; &;</t>"),
            "<t a=\"?x=1&amp;y=2\">AT&amp;T &amp;bogus; &amp; &amp;#0; &amp;#xD800; &amp;#; &amp;;</t>"
        );
    }

    #[test]
    fn cdata_comments_and_doctype_are_left_alone() {
        let text =
            "<!DOCTYPE rss [<!ENTITY x \"&y;\">]><t><![CDATA[a & b &eacute;]]><!-- & --></t>";
        assert_eq!(fixed(text), text);
    }

    #[test]
    fn a_stray_lt_is_escaped() {
        assert_eq!(fixed("<t>a < b <3</t>"), "<t>a &lt; b &lt;3</t>");
    }

    #[test]
    fn old_namespaces_are_renamed() {
        assert_eq!(
            fixed("<rdf:RDF xmlns='http://my.netscape.com/rdf/simple/0.9/'><item/></rdf:RDF>"),
            "<rdf:RDF xmlns='http://purl.org/rss/1.0/'><item/></rdf:RDF>"
        );
        assert_eq!(
            fixed(
                "<feed xmlns=\"http://purl.org/atom/ns#\"><entry><issued>x</issued><a:modified>y</a:modified></entry></feed>"
            ),
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><published>x</published><a:updated>y</a:updated></entry></feed>"
        );
        // Not in Atom 1.0 documents.
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><issued>x</issued></feed>";
        assert_eq!(fixed(atom), atom);
    }

    #[test]
    fn rss_roots_read_as_2_0() {
        assert_eq!(fixed("<rss><channel/></rss>"), "<rss version=\"2.0\"><channel/></rss>");
        assert_eq!(fixed("<rss version='0.94' a='b'>"), "<rss version=\"2.0\" a='b'>");
        assert_eq!(fixed("<rss version=\"0.91\">"), "<rss version=\"0.91\">");
        // Only the root.
        assert_eq!(fixed("<x><rss>"), "<x><rss>");
    }

    #[test]
    fn non_permalink_guids_are_collected() {
        let r = repair(
            "<item><guid isPermaLink=\"false\"> https://x.test/?a=1&amp;b=2 </guid></item>\
             <item><guid isPermaLink='FALSE'><![CDATA[https://x.test/c]]></guid></item>\
             <item><guid>https://x.test/d</guid><guid isPermaLink=\"true\">https://x.test/e</guid></item>",
        );
        let mut got: Vec<&str> = r.non_permalinks.iter().map(String::as_str).collect();
        got.sort_unstable();
        assert_eq!(got, ["https://x.test/?a=1&b=2", "https://x.test/c"]);
    }

    #[test]
    fn the_entity_table_is_sorted_for_its_search() {
        assert!(entities::NAMED.windows(2).all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()));
    }
}
