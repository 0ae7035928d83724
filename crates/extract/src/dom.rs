//! One pass over the parsed page: the element tree flattened into an arena, its visible
//! text cut into blocks, and the metadata tags collected on the way.
//!
//! Everything after parsing works on this flat form. Elements are stored in document
//! order (pre-order), so a parent always comes before its children: bottom-up sums are a
//! backwards loop and top-down inheritance a forwards loop, with no recursion however
//! deep the page nests. The walk itself is iterative too.

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::{Html, Node};

use crate::attrs::{Attrs, MAX_VALUE_BYTES};
use crate::hints;

/// No element: the parent of the root.
pub(crate) const NONE: u32 = u32::MAX;

/// The element kinds that extraction treats differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    /// `<html>`, `<body>`.
    Root,
    Article,
    Main,
    /// `<div>`, `<section>` and other generic boxes.
    Div,
    P,
    /// `<h1>`…`<h6>`, with the level.
    H(u8),
    Li,
    /// `<ul>`, `<ol>`, `<dl>`, `<menu>`.
    List,
    /// `<dt>`, `<dd>`.
    Dd,
    Blockquote,
    Pre,
    Table,
    /// `<td>`, `<th>`.
    Cell,
    Figure,
    Figcaption,
    Header,
    Footer,
    Nav,
    Aside,
    Form,
    /// Other block-level elements (`<tr>`, `<hr>`, `<address>`, …).
    OtherBlock,
    A,
    Time,
    /// Phrasing content (`<span>`, `<em>`, custom elements, …).
    Inline,
}

impl Tag {
    /// The tag for an element name, and whether it starts a new block of text.
    fn classify(name: &str) -> (Tag, bool) {
        let tag = match name {
            "html" | "body" => Tag::Root,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "div" | "section" | "center" | "details" | "summary" | "dialog" | "fieldset"
            | "hgroup" | "legend" | "address" | "search" => Tag::Div,
            "p" => Tag::P,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "li" => Tag::Li,
            "ul" | "ol" | "dl" | "menu" | "dir" => Tag::List,
            "dt" | "dd" => Tag::Dd,
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "table" => Tag::Table,
            "td" | "th" => Tag::Cell,
            "tr" | "tbody" | "thead" | "tfoot" | "caption" | "hr" | "colgroup" => Tag::OtherBlock,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "nav" => Tag::Nav,
            "aside" => Tag::Aside,
            "form" => Tag::Form,
            "a" => Tag::A,
            "time" => Tag::Time,
            _ => Tag::Inline,
        };
        (tag, !matches!(tag, Tag::A | Tag::Time | Tag::Inline))
    }
}

/// One element of the page.
#[derive(Clone, Debug)]
pub(crate) struct Elem {
    pub(crate) tag: Tag,
    /// Index of the parent element, [`NONE`] for the root.
    pub(crate) parent: u32,
    /// [`hints`] flags from its own class, id, role, itemprop and tag.
    pub(crate) hint: u16,
    /// The blocks inside it: `blocks[block_start..block_end]`.
    pub(crate) block_start: u32,
    pub(crate) block_end: u32,
    /// One past its last descendant: its subtree is `elems[index..end]`.
    pub(crate) end: u32,
    /// The node in the parsed tree, to read attributes or inner text later.
    pub(crate) node: NodeId,
}

/// A run of text between two block boundaries (a paragraph, a heading, a list item, the
/// loose text of a `<div>`), whitespace collapsed.
#[derive(Clone, Debug)]
pub(crate) struct Block {
    /// Byte range in [`Doc::text`].
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// The innermost block-level element the text sits in.
    pub(crate) owner: u32,
    /// Characters of text (not bytes), and of those inside links.
    pub(crate) chars: u32,
    pub(crate) link_chars: u32,
}

/// A `<time>` element.
#[derive(Clone, Debug)]
pub(crate) struct TimeTag {
    /// The `datetime` attribute, else the element's text.
    pub(crate) value: String,
    /// Marked as the publication time (`pubdate`, `itemprop=datePublished`, a class
    /// naming publication).
    pub(crate) published: bool,
}

/// The metadata tags found on the way.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawMeta {
    /// `<html lang>`.
    pub(crate) lang: Option<String>,
    /// The first `<title>`.
    pub(crate) title: Option<String>,
    /// `<meta>` tags as (lower-cased `property`/`name`/`itemprop`, `content`).
    pub(crate) metas: Vec<(String, String)>,
    /// The first `<link rel=canonical>` href.
    pub(crate) canonical: Option<String>,
    /// Bodies of `<script type="application/ld+json">`.
    pub(crate) json_ld: Vec<String>,
    pub(crate) times: Vec<TimeTag>,
    /// `<h1>` elements.
    pub(crate) h1: Vec<u32>,
    /// The first few `<h2>` elements: blog themes put the site's name in the `<h1>` and
    /// the post's title in an `<h2>`.
    pub(crate) h2: Vec<u32>,
    /// The first few `<h3>` elements: Blogger's post title.
    pub(crate) h3: Vec<u32>,
    /// Elements naming authors: `rel=author`, `itemprop=author`, byline classes.
    pub(crate) bylines: Vec<u32>,
}

/// The flattened page.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub(crate) elems: Vec<Elem>,
    pub(crate) blocks: Vec<Block>,
    /// All block text, back to back.
    pub(crate) text: String,
    pub(crate) meta: RawMeta,
}

impl Doc {
    /// The sum over element `e`'s blocks of a per-block prefix sum (`prefix[i]` is the
    /// sum over blocks before `i`).
    pub(crate) fn sum(&self, prefix: &[u64], e: usize) -> u64 {
        let el = &self.elems[e];
        prefix[el.block_end as usize] - prefix[el.block_start as usize]
    }

    /// Element `i` and the elements above it, innermost first.
    pub(crate) fn up_from(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(i), |&i| {
            let p = self.elems[i].parent;
            (p != NONE).then_some(p as usize)
        })
    }

    /// Characters of text in blocks `from..to`, and of those inside links.
    pub(crate) fn chars_and_links(&self, from: usize, to: usize) -> (u64, u64) {
        self.blocks[from..to]
            .iter()
            .fold((0, 0), |(c, l), b| (c + u64::from(b.chars), l + u64::from(b.link_chars)))
    }

    /// The text of one block.
    pub(crate) fn block_text(&self, b: &Block) -> &str {
        self.text.get(b.start as usize..b.end as usize).unwrap_or("")
    }

    /// Flattens a parsed page in one iterative walk.
    pub(crate) fn build(html: &Html) -> Doc {
        let mut w = Walker::default();
        let root = html.tree.root();
        let Some(mut node) = root.first_child() else {
            return w.doc;
        };
        'walk: loop {
            if w.open(node)
                && let Some(child) = node.first_child()
            {
                node = child;
                continue;
            }
            loop {
                w.close(node);
                if let Some(next) = node.next_sibling() {
                    node = next;
                    break;
                }
                match node.parent() {
                    Some(parent) if parent.id() != root.id() => node = parent,
                    _ => break 'walk,
                }
            }
        }
        w.flush();
        w.doc
    }
}

/// An open element on the walk's stack.
#[derive(Clone, Copy, Debug)]
struct Frame {
    node: NodeId,
    elem: u32,
    /// The innermost block-level element at or above this one: owner of text read now.
    owner: u32,
    block: bool,
    link: bool,
    /// Inside comments or a form: names there are commenters and field labels, not
    /// authors.
    chatter: bool,
    /// Inside an author biography: names there are the author's interests and friends.
    in_bio: bool,
}

#[derive(Default)]
struct Walker<'a> {
    doc: Doc,
    /// Hints of the class values seen so far: templates repeat a handful of class lists
    /// on hundreds of elements, and cutting a value into words is the costliest part of
    /// reading an element.
    class_hints: HashMap<&'a str, u16>,
    stack: Vec<Frame>,
    links: u32,
    /// Where the block being read starts in `doc.text`.
    block_start: usize,
    chars: u32,
    link_chars: u32,
    pending_space: bool,
    pending_breaks: u8,
}

impl<'a> Walker<'a> {
    fn owner(&self) -> u32 {
        self.stack.last().map_or(NONE, |f| f.owner)
    }

    /// Visits a node on the way down; returns whether to walk its children.
    fn open(&mut self, node: NodeRef<'a, Node>) -> bool {
        match node.value() {
            Node::Text(t) => {
                self.push_text(t);
                false
            }
            Node::Element(el) => self.open_element(node, el),
            _ => false,
        }
    }

    fn open_element(&mut self, node: NodeRef<'a, Node>, el: &'a Element) -> bool {
        let name = el.name();
        let a = Attrs::read(el);
        match name {
            "script" => {
                if a.kind.to_ascii_lowercase().contains("ld+json") {
                    self.doc.meta.json_ld.push(own_text(node, usize::MAX));
                }
                return false;
            }
            "title" => {
                if self.doc.meta.title.is_none() {
                    self.doc.meta.title = Some(own_text(node, MAX_VALUE_BYTES));
                }
                return false;
            }
            "meta" => {
                self.read_meta(&a);
                return false;
            }
            "link" => {
                let canonical =
                    a.rel.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("canonical"));
                let href = a.href.trim();
                if canonical
                    && self.doc.meta.canonical.is_none()
                    && !href.is_empty()
                    && href.len() <= MAX_VALUE_BYTES
                {
                    self.doc.meta.canonical = Some(href.to_owned());
                }
                return false;
            }
            "br" => {
                if self.chars > 0 {
                    self.pending_breaks = self.pending_breaks.saturating_add(1);
                }
                return false;
            }
            "style" | "noscript" | "template" | "svg" | "math" | "iframe" | "object" | "embed"
            | "canvas" | "video" | "audio" | "select" | "textarea" | "button" | "input" | "img"
            | "picture" | "source" | "base" => return false,
            _ => {}
        }
        if a.hidden {
            return false;
        }
        let (tag, mut block) = Tag::classify(name);
        if tag == Tag::Root && name == "html" && !a.lang.trim().is_empty() {
            self.doc.meta.lang = Some(a.lang.trim().to_owned());
        }
        let mut hint = hints::from_tag(name);
        if !a.class.is_empty() {
            hint |= *self.class_hints.entry(a.class).or_insert_with(|| hints::from_names(a.class));
        }
        if !a.id.is_empty() {
            hint |= hints::from_names(a.id);
        }
        if !a.role.is_empty() {
            hint |= hints::from_role(a.role);
        }
        if !a.itemprop.is_empty() {
            hint |= hints::from_itemprop(a.itemprop);
        }
        if hint & hints::HIDDEN != 0 {
            return false;
        }
        let rel_author = a.rel.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("author"));
        if tag == Tag::Root {
            // Templates put page-wide state on <body> ("has-sidebar", "single-post").
            hint = 0;
        }
        // Furniture written as a <span> still has to be droppable on its own.
        if !block && tag == Tag::Inline && hint & hints::BOILERPLATE != 0 {
            block = true;
        }
        if block {
            self.flush();
        }
        let idx = self.doc.elems.len() as u32;
        let parent = self.stack.last().map_or(NONE, |f| f.elem);
        let owner = if block { idx } else { self.owner() };
        let start = self.doc.blocks.len() as u32;
        self.doc.elems.push(Elem {
            tag,
            parent,
            hint,
            block_start: start,
            block_end: start,
            end: idx + 1,
            node: node.id(),
        });
        let link = tag == Tag::A && !a.href.is_empty();
        if link {
            self.links += 1;
        }
        let chatter = self.stack.last().is_some_and(|f| f.chatter)
            || hint & hints::COMMENTS != 0
            || tag == Tag::Form;
        let in_bio = self.stack.last().is_some_and(|f| f.in_bio) || hint & hints::BIO != 0;
        let byline = (rel_author || hint & hints::BYLINE != 0) && !chatter && !in_bio;
        self.stack.push(Frame { node: node.id(), elem: idx, owner, block, link, chatter, in_bio });
        let meta = &mut self.doc.meta;
        match tag {
            Tag::H(1) => meta.h1.push(idx),
            Tag::H(2) if meta.h2.len() < 4 => meta.h2.push(idx),
            Tag::H(3) if meta.h3.len() < 4 => meta.h3.push(idx),
            Tag::Time => {
                let published = a.pubdate
                    || a.itemprop.contains("datePublished")
                    || a.class.to_ascii_lowercase().contains("publish");
                let value = a
                    .datetime
                    .map(str::to_owned)
                    .unwrap_or_else(|| own_text(node, MAX_VALUE_BYTES));
                meta.times.push(TimeTag { value, published });
            }
            _ => {}
        }
        if byline && meta.bylines.len() < 32 {
            meta.bylines.push(idx);
        }
        if !a.itemprop.is_empty()
            && let Some(content) = a.content
        {
            // Microdata on ordinary elements: <span itemprop="datePublished" content="…">.
            meta.metas.push((a.itemprop.to_ascii_lowercase(), content.to_owned()));
        }
        true
    }

    fn read_meta(&mut self, a: &Attrs<'_>) {
        let Some(content) = a.content else { return };
        for key in [a.property, a.name, a.itemprop] {
            if !key.is_empty() {
                self.doc.meta.metas.push((key.trim().to_ascii_lowercase(), content.to_owned()));
            }
        }
    }

    /// Leaves a node on the way up.
    fn close(&mut self, node: NodeRef<'_, Node>) {
        let Some(top) = self.stack.last().copied() else { return };
        if top.node != node.id() {
            return;
        }
        if top.block {
            self.flush();
        }
        if top.link {
            self.links -= 1;
        }
        self.stack.pop();
        let end = self.doc.blocks.len() as u32;
        let elems_end = self.doc.elems.len() as u32;
        if let Some(e) = self.doc.elems.get_mut(top.elem as usize) {
            e.block_end = end;
            e.end = elems_end;
        }
    }

    fn push_text(&mut self, t: &str) {
        if t.starts_with(char::is_whitespace) {
            self.pending_space = true;
        }
        for word in t.split_whitespace() {
            if self.chars > 0 {
                if self.pending_breaks >= 2 {
                    self.doc.text.push_str("\n\n");
                } else if self.pending_breaks == 1 {
                    self.doc.text.push('\n');
                } else if self.pending_space {
                    self.doc.text.push(' ');
                }
            }
            self.pending_breaks = 0;
            let n = if word.is_ascii() {
                self.doc.text.push_str(word);
                word.len() as u32
            } else {
                let mut n = 0u32;
                for c in word.chars().filter(|c| !is_invisible(*c)) {
                    self.doc.text.push(c);
                    n += 1;
                }
                n
            };
            self.chars += n;
            if self.links > 0 {
                self.link_chars += n;
            }
            self.pending_space = true;
        }
        if !t.ends_with(char::is_whitespace) {
            self.pending_space = false;
        }
    }

    /// Ends the block being read, if it has any text.
    fn flush(&mut self) {
        if self.chars > 0 {
            let owner = self.owner();
            self.doc.blocks.push(Block {
                start: self.block_start as u32,
                end: self.doc.text.len() as u32,
                owner,
                chars: self.chars,
                link_chars: self.link_chars,
            });
        } else {
            self.doc.text.truncate(self.block_start);
        }
        self.block_start = self.doc.text.len();
        self.chars = 0;
        self.link_chars = 0;
        self.pending_space = false;
        self.pending_breaks = 0;
    }
}

/// Soft hyphens and zero-width marks: invisible, and they would split words apart.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// The text directly inside a node (for `<script>`, `<title>`, `<time>`), cut to at most
/// `max` bytes.
fn own_text(node: NodeRef<'_, Node>, max: usize) -> String {
    let mut out = String::new();
    for child in node.children() {
        if let Node::Text(t) = child.value() {
            let room = max.saturating_sub(out.len());
            out.push_str(&t[..t.floor_char_boundary(room)]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlong_values_are_cut_or_left_out() {
        let long = "é".repeat(MAX_VALUE_BYTES);
        let html = format!(
            "<head><title>{long}</title><meta name=description content=\"{long}\">\
             <link rel=canonical href=\"/{long}\"></head><body><div class=\"{long} nav\">x</div>"
        );
        let doc = Doc::build(&Html::parse_document(&html));
        let title = doc.meta.title.as_deref().unwrap_or_default();
        assert_eq!(title.len(), MAX_VALUE_BYTES);
        assert!(title.starts_with("éé"));
        assert!(doc.meta.metas.is_empty(), "a cut metadata value would be a wrong one");
        assert_eq!(doc.meta.canonical, None);
        assert_eq!(doc.elems.last().map(|e| e.hint), Some(0), "words past the cut are not read");
    }
}
