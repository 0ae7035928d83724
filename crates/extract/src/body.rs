//! The article text: which part of the page is the article, and which of its blocks are
//! prose rather than furniture.
//!
//! 1. Each block of text is judged on its own: prose (long enough or a full sentence, few
//!    links), link list, or neither.
//! 2. Each element's class/id hints are resolved against the page: a "sidebar" that holds
//!    the headline or most of the prose is a layout wrapper, not furniture.
//! 3. The container is the element with the most prose net of furniture: prose characters
//!    inside it minus [`NOISE_WEIGHT`] times furniture characters. Widening the box past
//!    the article only adds furniture; narrowing it loses prose.
//! 4. Inside the container, blocks under furniture hints, link lists and stock phrases
//!    ("Advertisement", "Share this article") are dropped; the rest is the text.
//!
//! All passes are loops over the flat arena of `dom.rs`.

use crate::dom::{Block, Doc, NONE, Tag};
use crate::hints;
use crate::phrases;

/// How much one character of furniture inside a candidate container costs against one
/// character of prose. Above 1 so that a box is not widened to take in a related-stories
/// list whose teasers carry a line of prose each under a linked headline.
const NOISE_WEIGHT: f64 = 1.5;

/// Share of links above which a block is navigation, not prose.
const LINK_DENSE: f64 = 0.5;

/// What a block looks like on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A paragraph of running text.
    Prose,
    /// Mostly link text: menus, related lists, tag clouds.
    Links,
    /// Short text that is neither: headings, labels, bylines, dates, buttons.
    Short,
}

/// The extracted body and what was learnt on the way (for flags and metadata).
#[derive(Clone, Debug, Default)]
pub(crate) struct Body {
    /// Paragraphs joined by blank lines.
    pub(crate) text: String,
    /// The chosen container, [`NONE`] if none.
    pub(crate) container: u32,
    /// Prose characters on the whole page, and inside links anywhere.
    pub(crate) page_chars: u64,
    pub(crate) page_link_chars: u64,
    /// Paragraphs kept.
    pub(crate) paragraphs: usize,
}

/// Judges one block on its own.
pub(crate) fn kind(doc: &Doc, b: &Block) -> Kind {
    let chars = f64::from(b.chars);
    // A paragraph with a hundred characters of its own words is prose, however many links
    // (or hidden link pop-ups) it also carries; a menu has next to none.
    if f64::from(b.link_chars) > chars * LINK_DENSE && b.chars - b.link_chars < 100 {
        return Kind::Links;
    }
    if b.chars >= 100 {
        return Kind::Prose;
    }
    let text = doc.block_text(b);
    let sentence_end = text.trim_end_matches(['"', '\'', '”', '’', ')', '»']).ends_with([
        '.', '!', '?', '。', '！', '？', ':', ';',
    ]);
    if b.chars >= 30 && sentence_end && text.contains(' ') || b.chars >= 15 && is_cjk(text) {
        Kind::Prose
    } else {
        Kind::Short
    }
}

fn is_cjk(text: &str) -> bool {
    text.chars().take(8).filter(|c| ('\u{3040}'..='\u{9fff}').contains(c) || ('\u{ac00}'..='\u{d7af}').contains(c)).count() >= 4
}

/// Finds the article text of a flattened page.
pub(crate) fn extract(doc: &Doc, titles: &[&str]) -> Body {
    let n = doc.elems.len();
    if n == 0 || doc.blocks.is_empty() {
        return Body { container: NONE, ..Body::default() };
    }
    let kinds: Vec<Kind> = doc.blocks.iter().map(|b| kind(doc, b)).collect();

    // Prefix sums over blocks: an element's blocks are one contiguous range, so any sum
    // over its subtree is one subtraction.
    let mut raw_prose = vec![0u64; doc.blocks.len() + 1];
    let mut prose_count = vec![0u64; doc.blocks.len() + 1];
    for (i, (b, k)) in doc.blocks.iter().zip(&kinds).enumerate() {
        let prose = *k == Kind::Prose;
        raw_prose[i + 1] = raw_prose[i] + if prose { u64::from(b.chars) } else { 0 };
        prose_count[i + 1] = prose_count[i] + u64::from(prose);
    }
    let page_prose = raw_prose[doc.blocks.len()].max(1);
    let sum = |p: &[u64], e: usize| {
        let el = &doc.elems[e];
        p[el.block_end as usize] - p[el.block_start as usize]
    };

    // Elements that hold the headline are page or article wrappers whatever they are called.
    let mut holds_title = vec![false; n];
    for &h in doc.meta.h1.iter().take(8) {
        let mut i = h;
        while i != NONE && !holds_title[i as usize] {
            holds_title[i as usize] = true;
            i = doc.elems[i as usize].parent;
        }
    }

    // Furniture flags, with the wrapper overrides applied. Strong furniture (navigation,
    // related lists, comments) counts against a container that takes it in; weak furniture
    // (captions, bylines, date lines) lives inside articles, so it is only left out.
    let mut strong = vec![false; n];
    let mut weak = vec![false; n];
    for (i, e) in doc.elems.iter().enumerate() {
        if e.hint & hints::BOILERPLATE == 0 || e.hint & hints::CONTENT != 0 || holds_title[i] {
            continue;
        }
        // A hinted element holding most of the page's paragraphs is a layout wrapper
        // ("content-with-sidebar", "elementor-widget"); one long footer paragraph is not.
        let share = sum(&raw_prose, i) as f64 / page_prose as f64;
        let wrapper = sum(&prose_count, i) >= 3
            && if e.hint & hints::STRONG != 0 { share >= 0.6 } else { share >= 0.4 };
        if e.hint & hints::COMMENTS != 0 || !wrapper {
            if e.hint & hints::STRONG != 0 {
                strong[i] = true;
            } else {
                weak[i] = true;
            }
        }
    }
    let furniture: Vec<bool> = strong.iter().zip(&weak).map(|(s, w)| *s || *w).collect();

    let in_strong = inherit(doc, &strong, None);
    let in_weak = inherit(doc, &weak, None);
    let mut good = vec![0u64; doc.blocks.len() + 1];
    let mut bad = vec![0u64; doc.blocks.len() + 1];
    for (i, (b, k)) in doc.blocks.iter().zip(&kinds).enumerate() {
        let o = b.owner as usize;
        let c = u64::from(b.chars);
        let (g, x) = if b.owner == NONE || in_strong[o] {
            (0, c)
        } else if in_weak[o] {
            (0, 0)
        } else {
            match k {
                Kind::Prose => (c, 0),
                Kind::Short => (0, 0),
                Kind::Links => (0, c),
            }
        };
        good[i + 1] = good[i] + g;
        bad[i + 1] = bad[i] + x;
    }

    // Each <article> is one story: a box holding several (a list of teasers, "more
    // stories" cards with a paragraph each) is worth only its best one. Bottom-up:
    // `plain` is prose outside any <article>, `best_art` the best <article> below.
    let mut plain = vec![0u64; n];
    let mut best_art = vec![0u64; n];
    for (i, b) in doc.blocks.iter().enumerate() {
        if b.owner != NONE {
            plain[b.owner as usize] += good[i + 1] - good[i];
        }
    }
    for i in (1..n).rev() {
        let p = doc.elems[i].parent;
        if p == NONE {
            continue;
        }
        let p = p as usize;
        if doc.elems[i].tag == Tag::Article {
            best_art[p] = best_art[p].max(plain[i] + best_art[i]);
        } else {
            plain[p] += plain[i];
            best_art[p] = best_art[p].max(best_art[i]);
        }
    }

    let mut best = NONE;
    let mut best_score = 0.0f64;
    for (i, e) in doc.elems.iter().enumerate() {
        if !matches!(
            e.tag,
            Tag::Root | Tag::Article | Tag::Main | Tag::Div | Tag::Cell | Tag::Form | Tag::P
        ) {
            continue;
        }
        let g = (plain[i] + best_art[i]) as f64;
        if g == 0.0 {
            continue;
        }
        let score = g - NOISE_WEIGHT * sum(&bad, i) as f64;
        if score >= best_score {
            best_score = score;
            best = i as u32;
        }
    }

    let mut body = Body {
        container: best,
        page_chars: doc.blocks.iter().map(|b| u64::from(b.chars)).sum(),
        page_link_chars: doc.blocks.iter().map(|b| u64::from(b.link_chars)).sum(),
        ..Body::default()
    };
    if best == NONE {
        return body;
    }
    let mut c = best as usize;
    // A box named as the article body just above the best one (the best one being its
    // longest run of paragraphs, split off by a tag list or share bar) is the real body,
    // as long as it brings in little prose from elsewhere.
    let value = |i: usize| plain[i] + best_art[i];
    let mut up = doc.elems[c].parent;
    for _ in 0..5 {
        if up == NONE {
            break;
        }
        let a = up as usize;
        if doc.elems[a].hint & hints::CONTENT != 0
            && !in_strong[a]
            && value(a) as f64 <= value(best as usize) as f64 * 1.3 + 100.0
        {
            c = a;
        }
        up = doc.elems[a].parent;
    }
    body.container = c as u32;
    let end = doc.elems[c].end as usize;
    let inside = inherit(doc, &furniture, Some(c));
    let story = best_story(doc, c, &plain, &best_art);
    // The container's blocks that survive the furniture hints, in order.
    let mut seq: Vec<(usize, Kind)> = Vec::new();
    let el = &doc.elems[c];
    for bi in el.block_start as usize..el.block_end as usize {
        let b = &doc.blocks[bi];
        let owner = b.owner as usize;
        if b.owner == NONE || owner < c || owner >= end || inside[owner] {
            continue;
        }
        if story[owner - c] == Story::Other || doc.elems[owner].tag == Tag::H(1) {
            continue;
        }
        if phrases::is_furniture(doc.block_text(b), titles) {
            continue;
        }
        seq.push((bi, kinds[bi]));
    }
    let keep = keep_in_context(doc, &seq);
    let parts: Vec<&str> = seq
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|((bi, _), _)| doc.block_text(&doc.blocks[*bi]))
        .collect();
    body.paragraphs = parts.len();
    body.text = parts.join("\n\n");
    body
}

/// Blocks shorter than this need a paragraph right after them to be kept (a subhead, a
/// one-line paragraph); longer short blocks only need one on either side.
const NEAR_PROSE_CHARS: usize = 50;

/// Which blocks of the container to keep. Prose stays and link lists go. A short block is
/// judged by its neighbours, as people read it: a subhead or a one-line paragraph sits
/// next to paragraphs, a date or a section label among teaser links.
fn keep_in_context(doc: &Doc, seq: &[(usize, Kind)]) -> Vec<bool> {
    // For each position, the nearest non-short kind before and after it.
    let mut before = vec![None; seq.len()];
    let mut last = None;
    for (i, (_, k)) in seq.iter().enumerate() {
        before[i] = last;
        if *k != Kind::Short {
            last = Some(*k);
        }
    }
    let mut after = vec![None; seq.len()];
    let mut next = None;
    for (i, (_, k)) in seq.iter().enumerate().rev() {
        after[i] = next;
        if *k != Kind::Short {
            next = Some(*k);
        }
    }
    let mut list_cache: (u32, bool) = (NONE, false);
    seq.iter()
        .enumerate()
        .map(|(i, (bi, k))| match k {
            Kind::Prose => true,
            Kind::Links => false,
            Kind::Short => {
                let b = &doc.blocks[*bi];
                if let Some(list) = enclosing_list(doc, b.owner) {
                    if list_cache.0 != list {
                        list_cache = (list, is_text_list(doc, list));
                    }
                    if list_cache.1 {
                        return true;
                    }
                }
                let prose_after = after[i] == Some(Kind::Prose);
                let prose_before = before[i] == Some(Kind::Prose);
                // "Tags:" or "More from …" just before a run of links labels the links.
                let label = doc.block_text(b).trim_end().ends_with(':')
                    && (b.chars as usize) < NEAR_PROSE_CHARS
                    && after[i] == Some(Kind::Links);
                prose_after || prose_before && !label
            }
        })
        .collect()
}

/// The list an item-like block belongs to (`<li>`, `<dd>` directly in a list).
fn enclosing_list(doc: &Doc, owner: u32) -> Option<u32> {
    let e = doc.elems.get(owner as usize)?;
    if !matches!(e.tag, Tag::Li | Tag::Dd) {
        return None;
    }
    let p = doc.elems.get(e.parent as usize)?;
    (p.tag == Tag::List).then_some(e.parent)
}

/// A list of written items (steps, points, a quoted list) rather than of links.
fn is_text_list(doc: &Doc, list: u32) -> bool {
    let e = &doc.elems[list as usize];
    let blocks = &doc.blocks[e.block_start as usize..e.block_end as usize];
    let chars: u32 = blocks.iter().map(|b| b.chars).sum();
    let links: u32 = blocks.iter().map(|b| b.link_chars).sum();
    chars > 0 && f64::from(links) < f64::from(chars) * 0.3
}

/// Where an element of the container stands among the container's <article>s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    /// Outside every <article> of the container.
    Free,
    /// Inside the best one.
    Best,
    /// Inside another one: a teaser, a related story.
    Other,
}

/// Marks the subtree of container `c` (indexed from `c`): which elements lie in the
/// container's best <article> and which in its other ones.
fn best_story(doc: &Doc, c: usize, plain: &[u64], best_art: &[u64]) -> Vec<Story> {
    let end = doc.elems[c].end as usize;
    // The outermost <article>s below c, and the best of them.
    let mut top: Vec<u32> = vec![NONE; end - c];
    let mut best = NONE;
    let mut best_value = 0;
    for i in c + 1..end {
        let p = doc.elems[i].parent as usize;
        let inherited = if p > c { top[p - c] } else { NONE };
        top[i - c] = if inherited == NONE && doc.elems[i].tag == Tag::Article {
            let value = plain[i] + best_art[i];
            if best == NONE || value > best_value {
                best = i as u32;
                best_value = value;
            }
            i as u32
        } else {
            inherited
        };
    }
    top.iter()
        .map(|&t| {
            if t == NONE {
                Story::Free
            } else if t == best {
                Story::Best
            } else {
                Story::Other
            }
        })
        .collect()
}

/// Furniture flags pushed down the tree: an element is furniture if it or any ancestor is.
/// With `root`, only the subtree below `root` is considered (`root` itself is not
/// furniture to itself), so a container chosen inside furniture keeps its own text.
fn inherit(doc: &Doc, furniture: &[bool], root: Option<usize>) -> Vec<bool> {
    let mut out = vec![false; doc.elems.len()];
    let (from, to) = match root {
        Some(r) => (r + 1, doc.elems[r].end as usize),
        None => (0, doc.elems.len()),
    };
    for i in from..to.min(doc.elems.len()) {
        let p = doc.elems[i].parent;
        let parent_flag = p != NONE && out[p as usize];
        out[i] = parent_flag || furniture[i];
    }
    out
}
