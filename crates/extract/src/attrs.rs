//! What an element's attributes say, read in one pass over its attribute list, with
//! overlong values cut so that no later step pays for them.

use scraper::node::Element;

use crate::charset::find_ci;

/// The attributes extraction uses, read in one pass over an element's attribute list.
/// Values are cut to [`MAX_VALUE_BYTES`], except `href` (links count whatever their
/// length) and `content` (left out when too long: a cut value is a wrong one).
#[derive(Default)]
pub(crate) struct Attrs<'a> {
    pub(crate) class: &'a str,
    pub(crate) id: &'a str,
    pub(crate) role: &'a str,
    pub(crate) itemprop: &'a str,
    pub(crate) rel: &'a str,
    /// The `type` attribute.
    pub(crate) kind: &'a str,
    pub(crate) name: &'a str,
    pub(crate) property: &'a str,
    pub(crate) content: Option<&'a str>,
    pub(crate) href: &'a str,
    pub(crate) lang: &'a str,
    pub(crate) datetime: Option<&'a str>,
    /// `hidden`, or an inline style that hides the element.
    pub(crate) hidden: bool,
    pub(crate) pubdate: bool,
}

/// Attribute values are read up to this many bytes. Real class lists, ids, styles and
/// metadata values run to a few hundred; a longer one is generated junk, and every later
/// use of it (cutting it into hint words, cleaning a headline) would cost time in
/// proportion to it.
pub(crate) const MAX_VALUE_BYTES: usize = 4096;

impl<'a> Attrs<'a> {
    /// Reads an element's attributes.
    pub(crate) fn read(el: &'a Element) -> Self {
        let mut a = Attrs::default();
        for (k, v) in el.attrs() {
            let cut = &v[..v.floor_char_boundary(MAX_VALUE_BYTES)];
            match k {
                "class" => a.class = cut,
                "id" => a.id = cut,
                "role" => a.role = cut,
                "itemprop" => a.itemprop = cut,
                "rel" => a.rel = cut,
                "type" => a.kind = cut,
                "name" => a.name = cut,
                "property" => a.property = cut,
                // Metadata values are whole or not at all: a cut one is wrong.
                "content" => a.content = (cut.len() == v.len()).then_some(v),
                // Links count whatever their length; the canonical address is checked.
                "href" => a.href = v,
                "lang" | "xml:lang" => a.lang = cut,
                "datetime" => a.datetime = Some(cut),
                "pubdate" => a.pubdate = true,
                // Not aria-hidden: that hides from screen readers only, and drop caps or
                // decorative copies of visible text carry it.
                "hidden" => a.hidden = true,
                "style" => a.hidden |= style_hides(cut),
                _ => {}
            }
        }
        a
    }
}

/// True for inline styles that hide the element (`display: none`, `visibility:hidden`).
fn style_hides(style: &str) -> bool {
    let b = style.as_bytes();
    let value_is = |prop: &[u8], value: &[u8]| {
        let mut from = 0;
        while let Some(i) = find_ci(&b[from..], prop) {
            let rest = &b[from + i + prop.len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b":") {
                let rest = trim_start(rest);
                if rest.len() >= value.len() && rest[..value.len()].eq_ignore_ascii_case(value) {
                    return true;
                }
            }
            from += i + prop.len();
        }
        false
    };
    value_is(b"display", b"none") || value_is(b"visibility", b"hidden")
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    &b[n..]
}
