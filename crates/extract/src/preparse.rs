//! What the parser need not see, removed before parsing.
//!
//! - Script and style bodies (JSON-LD excepted), `<noscript>` bodies and comments: on news
//!   pages they are often half the bytes and none of the text, and the tokenizer pays for
//!   every byte. The elements themselves stay, empty.
//! - Nesting past [`MAX_DEPTH`]. The parser checks element scopes by scanning its stack of
//!   open elements, and re-opens unclosed formatting elements by scanning their list: both
//!   linear in the nesting, so a page of 100,000 nested `<div>`s, or 50,000 unclosed `<b>`s,
//!   takes minutes to parse. Real pages nest a few dozen deep. Past the limit, start tags
//!   are dropped, with as many end tags after them; the text stays.
//!
//! One linear scan over the tags finds both; a page is copied only if something goes.

use std::borrow::Cow;

use crate::charset::find_ci;

/// Open containers (or unclosed formatting elements) past which start tags are dropped.
pub(crate) const MAX_DEPTH: u32 = 512;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A block container that the parser checks scopes for on every start tag.
    Container,
    /// An element re-opened after misnesting (`<b>`, `<font>`, …).
    Formatting,
    /// Text up to the matching end tag is not markup (`<script>`, `<style>`, …).
    RawText,
    Other,
}

fn classify(name: &[u8]) -> Class {
    let mut buf = [0u8; 12];
    if name.len() > buf.len() {
        return Class::Other;
    }
    for (b, n) in buf.iter_mut().zip(name) {
        *b = n.to_ascii_lowercase();
    }
    match &buf[..name.len()] {
        b"div" | b"section" | b"article" | b"aside" | b"header" | b"footer" | b"nav" | b"main"
        | b"blockquote" | b"center" | b"details" | b"dialog" | b"dir" | b"dl" | b"fieldset"
        | b"figcaption" | b"figure" | b"hgroup" | b"menu" | b"ol" | b"ul" | b"search"
        | b"summary" | b"address" | b"form" | b"table" | b"object" => Class::Container,
        // <a> is left out: the parser closes an open <a> when the next one starts.
        b"b" | b"big" | b"code" | b"em" | b"font" | b"i" | b"nobr" | b"s" | b"small"
        | b"strike" | b"strong" | b"tt" | b"u" => Class::Formatting,
        b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed"
        | b"noframes" | b"noscript" | b"plaintext" => Class::RawText,
        _ => Class::Other,
    }
}

/// The page without script and style bodies, comments, and nesting past [`MAX_DEPTH`].
/// Borrowed (no copy) when there is nothing to remove.
pub(crate) fn prepare(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut depth = [0u32; 2];
    let mut dropped = [0u32; 2];
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + off;
        let rest = &bytes[start + 1..];
        if rest.starts_with(b"!--") {
            i = memchr::memmem::find(rest, b"-->").map_or(bytes.len(), |e| start + 1 + e + 3);
            cuts.push((start, i));
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_at = start + 1 + usize::from(closing);
        let name_len = bytes[name_at..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
            .unwrap_or(bytes.len() - name_at);
        if name_len == 0 || !bytes[name_at].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let Some(end) = memchr::memchr(b'>', &bytes[name_at..]).map(|e| name_at + e + 1) else {
            break;
        };
        let name = &bytes[name_at..name_at + name_len];
        let class = classify(name);
        i = end;
        let slot = match class {
            Class::Container => 0,
            Class::Formatting => 1,
            Class::RawText => {
                if !closing {
                    i = skip_raw_text(bytes, end, name);
                    // Scripts and styles are most of a news page's bytes and none of its
                    // text; only JSON-LD is read. The elements stay, empty.
                    let body_end = if i == bytes.len() { i } else { i - 2 };
                    let keep = name.eq_ignore_ascii_case(b"title")
                        || name.eq_ignore_ascii_case(b"textarea")
                        || find_ci(&bytes[name_at..end], b"ld+json").is_some();
                    if !keep && body_end > end {
                        cuts.push((end, body_end));
                    }
                }
                continue;
            }
            Class::Other => continue,
        };
        let self_closing = bytes[end - 2] == b'/';
        if closing {
            if dropped[slot] > 0 {
                dropped[slot] -= 1;
                cuts.push((start, end));
            } else {
                depth[slot] = depth[slot].saturating_sub(1);
            }
        } else if !self_closing {
            if depth[slot] >= MAX_DEPTH {
                dropped[slot] += 1;
                cuts.push((start, end));
            } else {
                depth[slot] += 1;
            }
        }
    }
    if cuts.is_empty() {
        return Cow::Borrowed(html);
    }
    // Every cut starts and ends at an ASCII byte ('<', '>', or after "-->"), so the
    // slices below fall on character boundaries.
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for (a, b) in cuts {
        out.push_str(&html[from..a]);
        from = b;
    }
    out.push_str(&html[from..]);
    Cow::Owned(out)
}

/// Where markup resumes after a raw-text element opened at `from`: after its end tag.
fn skip_raw_text(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(off) = memchr::memmem::find(&bytes[i..], b"</") {
        let at = i + off + 2;
        if bytes.len() >= at + name.len() && bytes[at..at + name.len()].eq_ignore_ascii_case(name) {
            return at;
        }
        i = at;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_pages_are_not_copied() {
        let page = "<div><p>a</p><script src=x.js></script><b>x</b></div>";
        assert!(matches!(prepare(page), Cow::Borrowed(_)));
    }

    #[test]
    fn scripts_styles_and_comments_go_but_json_ld_stays() {
        let page = "<head><style>p{color:red}</style><script>if (a<b) {x('<div>')}</script>\
            <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script></head>\
            <body><!-- <div> --><p>text</p><noscript><img src=x></noscript></body>";
        assert_eq!(
            prepare(page),
            "<head><style></style><script></script>\
             <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script></head>\
             <body><p>text</p><noscript></noscript></body>"
        );
    }

    #[test]
    fn deep_nesting_is_flattened_and_text_kept() {
        let n = 2000;
        let page =
            format!("{}<p>deep</p>{}<p>after</p>", "<div class=x>".repeat(n), "</div>".repeat(n));
        let out = prepare(&page);
        assert_eq!(out.matches("<div").count(), MAX_DEPTH as usize);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH as usize);
        assert!(out.contains("<p>deep</p>") && out.ends_with("<p>after</p>"));
    }

    #[test]
    fn unclosed_formatting_is_capped() {
        let page: String = (0..2000).map(|i| format!("<b id={i}>x")).collect();
        assert_eq!(prepare(&page).matches("<b").count(), MAX_DEPTH as usize);
    }
}
