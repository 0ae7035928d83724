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
//! - SVG and MathML content. The extractor never reads it, and an icon whose SVG `<title>`
//!   is left open (`<svg><title>icon<path d="…"/></svg>`) makes the parser read the
//!   `</svg>` as nothing and nest every later icon inside it: a page of thousands of them
//!   takes time in the square of their count, and the article after them ends up inside an
//!   icon. The `<svg>` and `<math>` elements stay, empty; one never closed ends where the
//!   parser would leave it for HTML, or at the end of the page (see [`foreign_end`]).
//!
//! - Everything past [`ExtractConfig::max_html_bytes`](crate::ExtractConfig) bytes
//!   ([`cap_bytes`], before decoding) or past
//!   [`ExtractConfig::max_elements`](crate::ExtractConfig) start tags. Parsing costs time
//!   and memory in proportion to bytes and elements, and the article is near the top: a
//!   page past either cap is a dump or an attack, and its tail is not worth reading.
//!
//! Two repairs are made on the way, for pages the parser would otherwise read as empty:
//!
//! - A `<title>` left open. Its text is RCDATA: the parser reads everything up to a
//!   `</title>` as the title, and a page that never closes it loses its whole body to
//!   the title. A title whose end tag is missing, or comes only after `</head>` or
//!   `<body>`, is closed at the end of its first line or before the first tag after it,
//!   whichever comes first.
//! - A frameset page. Its text, if any, is in `<noframes>`, which the parser keeps as one
//!   raw string and which a frameset page never shows to a browser that has frames. The
//!   frameset and frame tags go and the `<noframes>` content is read as the page's body,
//!   as a browser without frames shows it.
//!
//! One linear scan over the tags finds all of this; a page is copied only if something
//! goes from its middle or is added.

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

/// How far back from the byte cap to look for the start of a tag to cut at.
const CUT_LOOKBACK: usize = 4096;

/// The first `max` bytes of a page, or all of it if it is shorter, and whether anything
/// was cut. The cut falls just before the last `<` in the last few kilobytes, if there is
/// one, so that no tag or multi-byte character is cut in two.
pub(crate) fn cap_bytes(bytes: &[u8], max: usize) -> (&[u8], bool) {
    if bytes.len() <= max {
        return (bytes, false);
    }
    let from = max.saturating_sub(CUT_LOOKBACK);
    let cut = memchr::memrchr(b'<', &bytes[from..max]).map_or(max, |p| from + p);
    (&bytes[..cut], true)
}

/// A page ready for the parser.
pub(crate) struct Prepared<'a> {
    pub(crate) html: Cow<'a, str>,
    /// The page had more start tags than allowed: it ends before the first one too many.
    pub(crate) elements_capped: bool,
}

/// The page without script and style bodies, SVG and MathML content, comments, nesting
/// past [`MAX_DEPTH`], and anything from the start tag past `max_elements` on; an unclosed
/// `<title>` closed and a frameset replaced by its `<noframes>` content. Borrowed (no copy)
/// when nothing is removed from its middle or added.
pub(crate) fn prepare(html: &str, max_elements: usize) -> Prepared<'_> {
    let bytes = html.as_bytes();
    let mut depth = [0u32; 2];
    let mut dropped = [0u32; 2];
    // Byte ranges to leave out, each with text to put in its place, in page order.
    let mut cuts: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut elements = 0usize;
    // A `<frameset>` came before the body started: the page is a frameset page. (The
    // parser ignores a frameset that comes later.)
    let (mut seen_body, mut frameset) = (false, false);
    let mut titles = TitleEnds::default();
    // Where the page ends for the parser: before the start tag past the cap.
    let mut end_at = bytes.len();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + off;
        let rest = &bytes[start + 1..];
        if rest.starts_with(b"!--") {
            i = memchr::memmem::find(rest, b"-->").map_or(bytes.len(), |e| start + 1 + e + 3);
            cuts.push((start, i, ""));
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
        let self_closing = bytes[end - 2] == b'/';
        // Nesting is tracked for containers and formatting elements, apart.
        let slot = match class {
            Class::Container => Some(0),
            Class::Formatting => Some(1),
            Class::RawText | Class::Other => None,
        };
        // Only start tags that reach the parser count; those dropped for depth below
        // cost it nothing.
        let too_deep = !self_closing && slot.is_some_and(|s| depth[s] >= MAX_DEPTH);
        if !closing && !too_deep {
            elements += 1;
            if elements > max_elements {
                end_at = start;
                break;
            }
        }
        i = end;
        if !frameset && !closing && !seen_body {
            if name.eq_ignore_ascii_case(b"frameset") {
                frameset = true;
            } else if name.eq_ignore_ascii_case(b"noframes") {
                // Some pages give the <noframes> text first, and the frameset after it.
                frameset = frameset_follows(bytes, end);
            } else {
                seen_body = starts_body(name);
            }
        }
        if frameset && is_frame_tag(name) {
            // The frames are other pages; the noframes content becomes the body.
            cuts.push((start, end, ""));
            continue;
        }
        if !closing && is_foreign_root(bytes, name_at) {
            // The tag may hold a quoted `>`: where it really ends decides what is content.
            let Some(end) = tag_end(bytes, name_at + name_len) else { break };
            i = end;
            if bytes[end - 2] != b'/' {
                // The element stays, empty; a missing end tag is put where the parser
                // would have left it (or should have: see `foreign_end`).
                let (at, closed) = foreign_end(bytes, end, name);
                let put = match (closed, name[0].to_ascii_lowercase()) {
                    (true, _) => "",
                    (false, b's') => "</svg>",
                    (false, _) => "</math>",
                };
                if at > end || !closed {
                    cuts.push((end, at, put));
                }
                i = at;
            }
            continue;
        }
        if class == Class::RawText && !closing {
            if name.eq_ignore_ascii_case(b"title") {
                match titles.end(bytes, end) {
                    Ok(after) => i = after,
                    Err(close_at) => {
                        cuts.push((close_at, close_at, "</title>"));
                        i = close_at;
                        continue;
                    }
                }
            } else {
                i = skip_raw_text(bytes, end, name);
            }
            // Scripts and styles are most of a news page's bytes and none of its text;
            // only JSON-LD is read. The elements stay, empty.
            let body_end = if i == bytes.len() { i } else { i - 2 };
            let keep = name.eq_ignore_ascii_case(b"title")
                || name.eq_ignore_ascii_case(b"textarea")
                || find_ci(&bytes[name_at..end], b"ld+json").is_some();
            if !keep && body_end > end {
                cuts.push((end, body_end, ""));
            }
        }
        let Some(slot) = slot else { continue };
        if closing {
            if dropped[slot] > 0 {
                dropped[slot] -= 1;
                cuts.push((start, end, ""));
            } else {
                depth[slot] = depth[slot].saturating_sub(1);
            }
        } else if !self_closing {
            if too_deep {
                dropped[slot] += 1;
                cuts.push((start, end, ""));
            } else {
                depth[slot] += 1;
            }
        }
    }
    let elements_capped = end_at < bytes.len();
    // Every cut, and `end_at`, starts and ends at an ASCII byte ('<', '>', a line end,
    // or after "-->"), so the slices below fall on character boundaries.
    if cuts.is_empty() {
        return Prepared { html: Cow::Borrowed(&html[..end_at]), elements_capped };
    }
    let mut out = String::with_capacity(end_at + 16);
    let mut from = 0;
    for (a, b, put) in cuts {
        out.push_str(&html[from..a]);
        out.push_str(put);
        from = b;
    }
    out.push_str(&html[from..end_at]);
    Prepared { html: Cow::Owned(out), elements_capped }
}

/// Whether a start tag begins the body: anything but the document and head elements.
fn starts_body(name: &[u8]) -> bool {
    const HEAD: &[&[u8]] = &[
        b"html",
        b"head",
        b"meta",
        b"link",
        b"title",
        b"base",
        b"script",
        b"style",
        b"noscript",
        b"template",
        b"noframes",
    ];
    !HEAD.iter().any(|h| name.eq_ignore_ascii_case(h))
}

/// Whether the `<noframes>` whose text starts at `from` is closed and a `<frameset>`
/// follows it.
fn frameset_follows(bytes: &[u8], from: usize) -> bool {
    let close = skip_raw_text(bytes, from, b"noframes");
    let Some(gt) = memchr::memchr(b'>', &bytes[close.min(bytes.len())..]) else {
        return false;
    };
    let rest = bytes[close + gt + 1..].trim_ascii_start();
    rest.get(..9).is_some_and(|t| t.eq_ignore_ascii_case(b"<frameset"))
}

/// Tags of a frameset page that go, so that its `<noframes>` content is read as its body.
fn is_frame_tag(name: &[u8]) -> bool {
    [&b"frameset"[..], b"frame", b"noframes"].iter().any(|n| name.eq_ignore_ascii_case(n))
}

/// Whether the start tag whose name begins at `at` opens an SVG or MathML island.
fn is_foreign_root(bytes: &[u8], at: usize) -> bool {
    tag_named(bytes, at, b"svg") || tag_named(bytes, at, b"math")
}

/// Just past the `>` that ends the tag whose name ends at `from`, reading a quoted
/// attribute value whole as the tokenizer does (`aria-label="a > b"`). A quote left open
/// is not followed to the end of the page: the tag then ends at the first `>` after it.
/// `None` if no `>` follows.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        let at = i + memchr::memchr3(b'>', b'"', b'\'', &bytes[i..])?;
        let quote = bytes[at];
        if quote == b'>' {
            return Some(at + 1);
        }
        i = at + 1;
        // A quote opens a value only right after `=` (spaces allowed between).
        if bytes[from..at].trim_ascii_end().ends_with(b"=") {
            match memchr::memchr(quote, &bytes[i..]) {
                Some(close) => i += close + 1,
                None => return memchr::memchr(b'>', &bytes[i..]).map(|g| i + g + 1),
            }
        }
    }
}

/// Start tags that end SVG and MathML content: the HTML standard's list of tags the parser
/// takes out of foreign content (`<font>` only with `color`, `face` or `size`, as there).
fn breaks_out(name: &[u8], tag: &[u8]) -> bool {
    const NAMES: &[&[u8]] = &[
        b"b",
        b"big",
        b"blockquote",
        b"body",
        b"br",
        b"center",
        b"code",
        b"dd",
        b"div",
        b"dl",
        b"dt",
        b"em",
        b"embed",
        b"h1",
        b"h2",
        b"h3",
        b"h4",
        b"h5",
        b"h6",
        b"head",
        b"hr",
        b"i",
        b"img",
        b"li",
        b"listing",
        b"menu",
        b"meta",
        b"nobr",
        b"ol",
        b"p",
        b"pre",
        b"ruby",
        b"s",
        b"small",
        b"span",
        b"strong",
        b"strike",
        b"sub",
        b"sup",
        b"table",
        b"tt",
        b"u",
        b"ul",
        b"var",
    ];
    if name.eq_ignore_ascii_case(b"font") {
        return [&b"color"[..], b"face", b"size"].iter().any(|a| find_ci(tag, a).is_some());
    }
    NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
}

/// Where the content of an `<svg>` or `<math>` element (`root`) whose content starts at
/// `from` ends, and whether its own end tag is there (`true`: the `</svg>` starts there).
///
/// The content ends at the first of:
/// - its end tag, nested elements of the same name counted;
/// - a start tag of the HTML standard's list that ends foreign content (`<p>`, `<div>`,
///   `<h2>`, `<ul>`, …), or `</p>` or `</br>`, where the parser ends it too;
/// - the end of the page: an island never closed and followed by no such tag holds, for
///   the parser, everything after it, none of which is read.
///
/// Unlike the parser, a tag of that list ends the island even inside an SVG `<title>`,
/// `<desc>` or `<foreignObject>` (or a MathML text element), where the parser reads HTML
/// on. A `<title>` left open in an icon is how pages nest thousands of icons inside one
/// another and bury the article after them; HTML inside `<foreignObject>` is rare on news
/// pages, and reading it as page text costs less than losing the article.
///
/// Comments, `<![CDATA[…]]>` sections and `<script>` and `<style>` bodies are passed over
/// whole, as everywhere else on the page: the parser reads the last two as markup inside
/// SVG, but a `<div>` in a style sheet is no more the page going on there than elsewhere.
/// One pass: the scan never goes back, and the main scan resumes where this one stopped.
fn foreign_end(bytes: &[u8], from: usize, root: &[u8]) -> (usize, bool) {
    let mut nested = 0u32;
    let mut i = from;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + off;
        let rest = &bytes[at + 1..];
        if rest.starts_with(b"!--") {
            i = memchr::memmem::find(rest, b"-->").map_or(bytes.len(), |e| at + 1 + e + 3);
            continue;
        }
        if rest.starts_with(b"![CDATA[") {
            i = memchr::memmem::find(rest, b"]]>").map_or(bytes.len(), |e| at + 1 + e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_at = at + 1 + usize::from(closing);
        if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            i = at + 1;
            continue;
        }
        // The tokenizer's tag name: up to a space, `/` or `>` (`svg:path` is not `svg`).
        let name_len = bytes[name_at..]
            .iter()
            .position(|b| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
            .unwrap_or(bytes.len() - name_at);
        let name = &bytes[name_at..name_at + name_len];
        let Some(end) = tag_end(bytes, name_at + name_len) else {
            // A tag cut off by the end of the page: the parser drops it.
            return (bytes.len(), false);
        };
        if closing {
            if name.eq_ignore_ascii_case(root) {
                if nested == 0 {
                    return (at, true);
                }
                nested -= 1;
            } else if name.eq_ignore_ascii_case(b"p") || name.eq_ignore_ascii_case(b"br") {
                return (at, false);
            }
        } else if breaks_out(name, &bytes[at..end]) {
            return (at, false);
        } else if bytes[end - 2] == b'/' {
            // Self-closing: nothing opens.
        } else if name.eq_ignore_ascii_case(root) {
            nested += 1;
        } else if name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style") {
            // Read as the rest of the page reads them: their bodies are never text.
            i = skip_raw_text(bytes, end, name);
            continue;
        }
        i = end;
    }
    (bytes.len(), false)
}

/// The next `</title>`, `</head>` and `<body>` of the page, each remembered from one
/// search to the next: a page of thousands of unclosed titles must not search
/// its whole tail once for each.
#[derive(Default)]
struct TitleEnds {
    title_end: NextMatch,
    head_end: NextMatch,
    body: NextMatch,
}

impl TitleEnds {
    /// For a `<title>` whose text starts at `from`: `Ok` with where markup resumes (just
    /// after the `</` of its end tag) if it is closed before the head ends, as it should
    /// be; otherwise `Err` with where to close it: the end of its first non-blank line or
    /// the first tag after it, whichever comes first. A title is one line of text in
    /// practice, and a tag in it is almost always the page going on.
    fn end(&mut self, bytes: &[u8], from: usize) -> Result<usize, usize> {
        let close = self.title_end.find(bytes, from, |b, mut at| {
            loop {
                at += find_ci(&b[at..], b"</title")?;
                if tag_named(b, at + 2, b"title") {
                    return Some(at);
                }
                at += 2;
            }
        });
        let head_end =
            self.head_end.find(bytes, from, |b, at| find_ci(&b[at..], b"</head").map(|p| at + p));
        let body = self.body.find(bytes, from, |b, at| find_ci(&b[at..], b"<body").map(|p| at + p));
        if let Some(close) = close
            && head_end.is_none_or(|h| close < h)
            && body.is_none_or(|b| close < b)
        {
            return Ok(close + 2);
        }
        let text = &bytes[from..];
        let first = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
        let stop = text[first..].iter().enumerate().position(|(k, &b)| {
            b == b'\n'
                || b == b'\r'
                || b == b'<'
                    && text
                        .get(first + k + 1)
                        .is_some_and(|&n| n.is_ascii_alphabetic() || n == b'/' || n == b'!')
        });
        Err(from + stop.map_or(text.len(), |p| first + p))
    }
}

/// The first match of some search at or after a position, remembered: asked again from
/// a later position that is still at or before it, the answer is the same.
#[derive(Default)]
struct NextMatch {
    /// Searched from here, and found this (`None`: nothing up to the end of the page).
    cached: Option<(usize, Option<usize>)>,
}

impl NextMatch {
    /// The first match at or after `from`, as `search(bytes, from)` finds it.
    fn find(
        &mut self,
        bytes: &[u8],
        from: usize,
        search: impl Fn(&[u8], usize) -> Option<usize>,
    ) -> Option<usize> {
        if let Some((searched, found)) = self.cached
            && searched <= from
            && found.is_none_or(|f| f >= from)
        {
            return found;
        }
        let found = search(bytes, from);
        self.cached = Some((from, found));
        found
    }
}

/// Where markup resumes after a raw-text element opened at `from`: just after the `</`
/// of its end tag, or the end of the page.
fn skip_raw_text(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    if name.eq_ignore_ascii_case(b"script") {
        return skip_script(bytes, from);
    }
    let mut i = from;
    while let Some(off) = memchr::memmem::find(&bytes[i..], b"</") {
        let at = i + off + 2;
        if tag_named(bytes, at, name) {
            return at;
        }
        i = at;
    }
    bytes.len()
}

/// Whether the tag name at `at` is `name`, followed by what ends a tag name.
fn tag_named(bytes: &[u8], at: usize, name: &[u8]) -> bool {
    let after = at + name.len();
    bytes.len() > after
        && bytes[at..after].eq_ignore_ascii_case(name)
        && matches!(bytes[after], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
}

/// [`skip_raw_text`] for a script, whose end the HTML standard finds with three states: in
/// an escaped `<!-- … -->` run, a `<script>` opens a nested one whose `</script>` ends
/// nothing. Old pages write scripts this way (`<!-- document.write("<script …></script>")
/// //-->`); taking the first `</script>` would spill the rest onto the page as text.
fn skip_script(bytes: &[u8], from: usize) -> usize {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut i = from;
    loop {
        // Outside an escaped run only '<' matters; scripts are full of '-'.
        let found = if state == State::Data {
            memchr::memchr(b'<', &bytes[i..])
        } else {
            memchr::memchr2(b'<', b'-', &bytes[i..])
        };
        let Some(off) = found else { break };
        let at = i + off;
        let rest = &bytes[at..];
        i = at + 1;
        if rest.starts_with(b"-->") {
            state = State::Data;
            i = at + 3;
        } else if rest.starts_with(b"<!--") {
            if state == State::Data {
                state = State::Escaped;
            }
            // Its dashes may also close it ("<!-->").
            i = at + 2;
        } else if rest.starts_with(b"</") && tag_named(bytes, at + 2, b"script") {
            match state {
                State::DoubleEscaped => state = State::Escaped,
                State::Data | State::Escaped => return at + 2,
            }
        } else if state == State::Escaped
            && rest.starts_with(b"<")
            && tag_named(bytes, at + 1, b"script")
        {
            state = State::DoubleEscaped;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_pages_are_not_copied() {
        let page = "<div><p>a</p><script src=x.js></script><b>x</b></div>";
        assert!(matches!(prepare(page, 100).html, Cow::Borrowed(_)));
    }

    #[test]
    fn scripts_styles_and_comments_go_but_json_ld_stays() {
        let page = "<head><style>p{color:red}</style><script>if (a<b) {x('<div>')}</script>\
            <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script></head>\
            <body><!-- <div> --><p>text</p><noscript><img src=x></noscript></body>";
        assert_eq!(
            prepare(page, 100).html,
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
        let out = prepare(&page, 100_000).html;
        assert_eq!(out.matches("<div").count(), MAX_DEPTH as usize);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH as usize);
        assert!(out.contains("<p>deep</p>") && out.ends_with("<p>after</p>"));
    }

    #[test]
    fn unclosed_formatting_is_capped() {
        let page: String = (0..2000).map(|i| format!("<b id={i}>x")).collect();
        assert_eq!(prepare(&page, 100_000).html.matches("<b").count(), MAX_DEPTH as usize);
    }

    #[test]
    fn script_ends_where_the_parser_ends_it() {
        let cases = [
            // An old-style write inside an escaped run: its end tag ends nothing.
            (
                "<script><!--\ndocument.write('<script src=x></script>');\n//--></script><p>a</p>",
                "<script></script><p>a</p>",
            ),
            ("<script>x = '</scripts>';</script><p>a</p>", "<script></script><p>a</p>"),
            ("<script><!--></script><p>a</p>", "<script></script><p>a</p>"),
            ("<script><!-- <script> </script> --></SCRIPT ><p>a</p>", "<script></SCRIPT ><p>a</p>"),
            ("<script><!-- <script>", "<script>"),
            ("<style>a{}</styles></style ><p>a</p>", "<style></style ><p>a</p>"),
        ];
        for (page, want) in cases {
            assert_eq!(prepare(page, 100).html, want, "{page}");
            // What is left reads as the same text as the whole page.
            let text =
                |html: &str| crate::dom::Doc::build(&scraper::Html::parse_document(html)).text;
            assert_eq!(text(want), text(page), "{page}");
        }
    }

    #[test]
    fn elements_past_the_cap_are_cut_off() {
        let page = "<html><body><p>one</p><!-- <p>not counted</p> --><p>two</p>\
                    <script>document.write('<p>nor this</p>')</script><p>three</p></body>";
        // html, body, p, p, script: the fifth start tag is the last one read.
        let out = prepare(page, 5);
        assert!(out.elements_capped);
        assert_eq!(out.html, "<html><body><p>one</p><p>two</p><script></script>");
        let all = prepare(page, 6);
        assert!(!all.elements_capped);
        assert!(all.html.ends_with("<p>three</p></body>"));
        // Tags dropped for depth do not count.
        let deep = format!("{}<p>deep</p>", "<div>".repeat(2000));
        let out = prepare(&deep, MAX_DEPTH as usize + 1);
        assert!(!out.elements_capped && out.html.ends_with("<p>deep</p>"));
    }

    /// The `<title>` and the text of a page, as extraction reads them.
    fn title_and_text(page: &str) -> (Option<String>, String) {
        let prepared = prepare(page, 10_000);
        let doc = crate::dom::Doc::build(&scraper::Html::parse_document(&prepared.html));
        (doc.meta.title, doc.text)
    }

    #[test]
    fn unclosed_title_is_closed_at_its_line_end_or_next_tag() {
        let body = "<body><p>The pier opens in April.</p></body>";
        let cases = [
            // Ends at its line.
            (
                format!(
                    "<head><title>Pier delayed | Harbor News\n<meta charset=utf-8></head>{body}"
                ),
                "Pier delayed | Harbor News",
            ),
            // A blank first line is not the title's line.
            (format!("<head><title>\n  Pier delayed\n</head>{body}"), "Pier delayed"),
            // Ends at the next tag on its line.
            (format!("<head><title>Pier delayed<link rel=x href=y></head>{body}"), "Pier delayed"),
            (format!("<title>Pier delayed</head>{body}"), "Pier delayed"),
            (format!("<title>Pier delayed{body}"), "Pier delayed"),
            // Closed after the head has ended: the end tag belongs to something else.
            (
                format!("<title>Pier delayed\n</head>{body}<svg><title>icon</title></svg>"),
                "Pier delayed",
            ),
        ];
        for (page, want) in &cases {
            let (title, text) = title_and_text(page);
            assert_eq!(title.as_deref().map(str::trim), Some(*want), "{page}");
            assert!(text.contains("The pier opens in April."), "{page}: {text:?}");
        }
        // A title closed in the head is left alone, tags and all, and the page not copied.
        let page = format!("<head><title>A <b> in a title</title></head>{body}");
        assert!(matches!(prepare(&page, 100).html, Cow::Borrowed(_)));
        assert_eq!(title_and_text(&page).0.as_deref(), Some("A <b> in a title"));
        // A title at the very end of the page, or an empty one, closes without trouble.
        assert_eq!(
            prepare("<p>x</p><title>Last words", 100).html,
            "<p>x</p><title>Last words</title>"
        );
        assert_eq!(prepare("<title>", 100).html, "<title></title>");
        assert_eq!(prepare("<title>\n\n", 100).html, "<title>\n\n</title>");
    }

    #[test]
    fn frameset_page_is_read_as_its_noframes_content() {
        let page = "<html><head><title>Mill fire</title></head>\
                    <frameset cols=\"20%,*\"><frame src=menu.html><frame src=main.html>\
                    <noframes><body><h1>Mill fire</h1><p>The mill burned in 1911.</p></body></noframes>\
                    </frameset></html>";
        let out = prepare(page, 100).html;
        assert_eq!(
            out,
            "<html><head><title>Mill fire</title></head>\
             <body><h1>Mill fire</h1><p>The mill burned in 1911.</p></body></html>"
        );
        let (title, text) = title_and_text(page);
        assert_eq!(title.as_deref(), Some("Mill fire"));
        assert!(text.contains("The mill burned in 1911."), "{text:?}");
        // The <noframes> text may come first.
        let page = "<html><head><title>Mill fire</title></head>\
                    <noframes><p>The mill burned in 1911.</p></noframes>\n\
                    <FRAMESET cols=\"20%,*\"><frame src=menu.html></FRAMESET></html>";
        assert_eq!(
            prepare(page, 100).html,
            "<html><head><title>Mill fire</title></head><p>The mill burned in 1911.</p>\n</html>"
        );
        // Without a frameset, <noframes> is what browsers with frames hide: it stays out.
        let page = "<body><p>Shown.</p><noframes><p>Not shown.</p></noframes></body>";
        assert_eq!(prepare(page, 100).html, "<body><p>Shown.</p><noframes></noframes></body>");
        // A frameset written after the body has started is not a frameset page.
        for page in [
            "<body><p>Shown.</p><frameset><noframes>x</noframes></frameset></body>",
            "<head><title>t</title></head><p>Shown.</p><frameset><noframes>x</noframes></frameset>",
        ] {
            let out = prepare(page, 100).html;
            assert!(out.contains("<frameset><noframes></noframes></frameset>"), "{out}");
        }
    }

    #[test]
    fn svg_and_math_content_goes_and_the_elements_stay() {
        let cases = [
            // Closed: emptied, the end tag kept.
            (
                "<p>a</p><svg viewBox=\"0 0 9 9\"><path d=\"M1\"/></svg><p>b</p>",
                "<p>a</p><svg viewBox=\"0 0 9 9\"></svg><p>b</p>",
            ),
            // Nested: the inner end tag does not end the outer one.
            ("<svg><g><svg><rect/></svg><circle/></g></svg><p>b</p>", "<svg></svg><p>b</p>"),
            // Any case.
            ("<SVG><Title>icon</TITLE><PATH/></Svg><p>b</p>", "<SVG></Svg><p>b</p>"),
            ("<math><mi>x</mi><MATH>y</MATH></MATH><p>b</p>", "<math></MATH><p>b</p>"),
            // A quoted `>` does not end a tag, in the root or inside it.
            (
                "<svg aria-label=\"a > b <p>\"><text class='x>y <p>'>1</text></svg><p>b</p>",
                "<svg aria-label=\"a > b <p>\"></svg><p>b</p>",
            ),
            // Comments, CDATA sections and style sheets hold no tags.
            (
                "<svg><!-- </svg> <p> --><![CDATA[ </svg> <p> ]]><style>p > a {}</style></svg><p>b</p>",
                "<svg></svg><p>b</p>",
            ),
            // Never closed: ends where the page goes on as HTML, with its end tag put there.
            ("<svg><title>icon<path d=\"M1\"/><p>b</p>", "<svg></svg><p>b</p>"),
            ("<svg><title>icon<path/><div>b</div></svg>", "<svg></svg><div>b</div></svg>"),
            ("<svg><g>x</p>b", "<svg></svg></p>b"),
            ("<svg><font color=red>b</font>", "<svg></svg><font color=red>b</font>"),
            // ... or at the end of the page, where everything after it is SVG to the parser.
            ("<p>b</p><svg><g><text>chart", "<p>b</p><svg></svg>"),
            ("<p>b</p><svg><g><text", "<p>b</p><svg></svg>"),
            // A self-closed root, and `<svg:…>` names, which are not `<svg>`.
            ("<svg/><p>b</p>", "<svg/><p>b</p>"),
            ("<svg><svg:g></svg><p>b</p>", "<svg></svg><p>b</p>"),
        ];
        for (page, want) in cases {
            assert_eq!(prepare(page, 100).html, want, "{page}");
        }
        // An empty one is left alone, page not copied.
        assert!(matches!(prepare("<p>a</p><svg></svg>", 100).html, Cow::Borrowed(_)));
    }

    #[test]
    fn text_after_a_broken_svg_is_read() {
        // The SVG <title>s are never closed; the `</title>` far below (in a comment) is not
        // theirs. Read as it is, the page has every later tag inside the first icon.
        let page = "<html><body><p>The pier opens in April.</p>\
                    <svg><title>share<path d=\"M1 1\"/></svg>\
                    <svg><title>print<path d=\"M2 2\"/></svg>\
                    <p>The ferry runs until then.</p></body></html>\
                    <!-- </title> -->";
        let (_, text) = title_and_text(page);
        assert!(text.contains("The pier opens in April."), "{text:?}");
        assert!(text.contains("The ferry runs until then."), "{text:?}");
        assert!(!text.contains("share") && !text.contains("print"), "{text:?}");
    }

    #[test]
    fn svg_content_does_not_count_as_elements() {
        let icon = "<svg><g><path d=\"M1\"/><circle r=1/></g></svg>";
        let page = format!("<body>{}<p>end</p></body>", icon.repeat(2000));
        let out = prepare(&page, 2002);
        assert!(!out.elements_capped);
        assert!(out.html.ends_with("<p>end</p></body>"));
    }

    #[test]
    fn byte_cap_cuts_before_a_tag() {
        let page = "<p>caf\u{e9}</p><p>cr\u{e8}me</p>".as_bytes();
        assert_eq!(cap_bytes(page, 100), (page, false));
        // Byte 18 is the middle of "è": the cut goes back to the last '<'.
        let (head, cut) = cap_bytes(page, 18);
        assert!(cut);
        assert_eq!(head, "<p>caf\u{e9}</p>".as_bytes());
        // No '<' to go back to: a plain cut.
        assert_eq!(cap_bytes(b"abcdef", 3), (&b"abc"[..], true));
    }
}
