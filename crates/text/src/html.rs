//! HTML text to plain text: character references decoded, tags dropped.
//!
//! For the HTML that turns up where plain text was meant (feed titles, JSON-LD values,
//! attribute values), not for whole pages: pages go through a real parser.

use std::borrow::Cow;

/// The longest reference name read: `#x` and eight hex digits (`&#x0001F600;`) fit.
const MAX_NAME: usize = 10;

/// Decodes the character references that text outside a parser carries: `&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `&apos;`, `&nbsp;` (as a plain space), and decimal or hex numeric
/// references. A numeric reference to NUL, a surrogate or a number past Unicode is
/// U+FFFD, as the HTML standard reads it. Anything else, and a bare `&`, is left as
/// written.
///
/// ```
/// use chorus_text::decode_entities;
/// assert_eq!(decode_entities("Rock &amp; roll&#8217;s &#x201C;return&#x201D;"), "Rock & roll’s “return”");
/// assert_eq!(decode_entities("AT&T &bogus;"), "AT&T &bogus;");
/// ```
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Looked for only as far as the longest name: searching the whole rest from every
        // `&` would make a text of many bare ampersands quadratic.
        let name = rest.as_bytes()[1..]
            .iter()
            .take(MAX_NAME + 1)
            .position(|&b| b == b';')
            .map(|n| &rest[1..=n]);
        match name.and_then(reference) {
            Some(c) => {
                out.push(c);
                rest = &rest[name.map_or(0, str::len) + 2..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference name (between `&` and `;`) stands for, if it is one read.
fn reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "nbsp" => Some(' '),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            Some(char::from_u32(code).filter(|&c| c != '\0').unwrap_or('\u{fffd}'))
        }
    }
}

/// HTML text as plain text: tags dropped, the end or start of a block (`<p>`, `<div>`,
/// `<li>`, headings, `<blockquote>`) and `<br>` turned into a line break, then references
/// decoded ([`decode_entities`]). A `<` that no `>` closes is text. Other whitespace is
/// left as it is.
///
/// ```
/// use chorus_text::strip_tags;
/// assert_eq!(strip_tags("<p>Rome &amp; <b>Paris</b></p>"), "\nRome & Paris\n");
/// ```
pub fn strip_tags(s: &str) -> String {
    if !s.contains('<') {
        return decode_entities(s).into_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let Some(end) = rest[i..].find('>') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let tag = rest[i + 1..i + end].trim_start_matches('/').to_ascii_lowercase();
        let name = tag.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("");
        if matches!(
            name,
            "br" | "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote"
        ) {
            out.push('\n');
        }
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    decode_entities(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each bare `&` once searched the rest of the text for a `;`: quadratic, seconds for
    /// this text, far longer for a title filling a 10 MB feed.
    #[test]
    fn many_bare_ampersands_take_one_pass() {
        let text = "&".repeat(500_000);
        assert_eq!(decode_entities(&text), text);
        assert_eq!(decode_entities(&format!("{text}&amp;")), format!("{text}&"));
        assert_eq!(strip_tags(&format!("<b>{text}</b>")), text);
    }

    #[test]
    fn references_are_decoded() {
        assert_eq!(
            decode_entities(
                "Rock &amp; roll&#8217;s &#x201C;return&#x201D;&nbsp;&lt;&gt;&quot;&apos;"
            ),
            "Rock & roll’s “return” <>\"'"
        );
        assert_eq!(decode_entities("AT&T"), "AT&T");
        assert_eq!(decode_entities("a&b &bogus; &#xZZ; &#; & ;"), "a&b &bogus; &#xZZ; &#; & ;");
        assert!(matches!(decode_entities("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn impossible_numbers_are_a_replacement_character() {
        assert_eq!(decode_entities("a&#0;b&#xD800;c&#x110000;d"), "a\u{fffd}b\u{fffd}c\u{fffd}d");
    }

    #[test]
    fn markup_is_stripped_from_html_titles() {
        assert_eq!(
            strip_tags("<b>Rome</b> &amp; Paris&#x21; &nbsp;a&b &bogus;"),
            "Rome & Paris!  a&b &bogus;"
        );
        // A decoded `<` is text, not a tag.
        assert_eq!(strip_tags("&lt;b&gt;bold&lt;/b&gt;"), "<b>bold</b>");
    }

    #[test]
    fn blocks_and_breaks_become_line_breaks() {
        assert_eq!(
            strip_tags("<p>One</p><p class=x>Two<br/>Three</p><span>Four</span>"),
            "\nOne\n\nTwo\nThree\nFour"
        );
    }

    /// Cases where the feed-title reader and the page-metadata reader used to differ.
    #[test]
    fn cases_the_old_readers_disagreed_on() {
        // NUL and surrogates: the feed reader gave a NUL character or the reference as
        // written.
        assert_eq!(strip_tags("<i>a</i>&#0;&#xD800;"), "a\u{fffd}\u{fffd}");
        // A ten-character reference (the page reader stopped at nine).
        assert_eq!(decode_entities("&#x0001F600;"), "😀");
        assert_eq!(decode_entities("&#x00001F600;"), "&#x00001F600;");
        // An unclosed `<` keeps the text after it (the feed reader dropped it all).
        assert_eq!(strip_tags("<b>Stocks</b> < forecasts"), "Stocks < forecasts");
        // Blocks part words (the feed reader ran them together).
        assert_eq!(strip_tags("<div>Rome</div><div>Paris</div>"), "\nRome\n\nParis\n");
    }
}
