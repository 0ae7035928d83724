//! The text of the chosen container: which of its blocks to keep, and how to join them.

use super::score::{Container, Page};
use super::{Kind, inherit};
use crate::dom::{Block, Doc, NONE, Tag};
use crate::phrases;

/// Short blocks at least this long (a one-line paragraph) may stand next to a paragraph on
/// either side; shorter ones (labels, dates) need prose that they are not labelling links
/// for.
const NEAR_PROSE_CHARS: u32 = 50;

/// A weakly hinted element inside the container with this many paragraphs, holding this
/// share of the container's prose, is text.
const WEAK_KEPT_PARAGRAPHS: u64 = 2;
const WEAK_KEPT_SHARE: f64 = 0.25;

/// Share of link text below which a list is a list of written points, not of links.
const TEXT_LIST_MAX_LINKS: f64 = 0.3;

/// The container's text, and the index of its first block.
pub(super) fn text(
    doc: &Doc,
    page: &Page<'_>,
    container: Container,
    titles: &[&str],
) -> (String, Option<usize>) {
    let c = container.elem;
    let end = doc.elems[c].end as usize;
    // Weak hints (a caption, a date line, a sidebar, a print block) name furniture that
    // lives inside articles; one that holds a good share of the container's prose, in
    // several paragraphs, is part of the text whatever its name.
    let container_prose = doc.sum(&page.prose, c) as f64;
    let mut furniture = page.furniture.clone();
    for (i, f) in furniture.iter_mut().enumerate().take(end).skip(c) {
        *f = *f
            && (page.strong[i]
                || doc.sum(&page.paragraphs, i) < WEAK_KEPT_PARAGRAPHS
                || (doc.sum(&page.prose, i) as f64) < container_prose * WEAK_KEPT_SHARE);
    }
    let inside = inherit(doc, &furniture, Some(c));
    let story = best_story(doc, page, c);
    // The container's blocks that survive the furniture hints, in order.
    let mut seq: Vec<(usize, Kind)> = Vec::new();
    let mut lists = ListCache::default();
    // The whole element is read, so that the blocks at the run's edges are judged by
    // their real neighbours; only the run's blocks are kept.
    let el = &doc.elems[c];
    let mut prose_seen = false;
    for (bi, b) in
        doc.blocks.iter().enumerate().take(el.block_end as usize).skip(el.block_start as usize)
    {
        let owner = b.owner as usize;
        if b.owner == NONE || owner < c || owner >= end || inside[owner] {
            continue;
        }
        // An <h1> above the text is the headline; one after prose is a subheading.
        if story[owner - c] == Story::Other || doc.elems[owner].tag == Tag::H(1) && !prose_seen {
            continue;
        }
        // A heading announcing the readers' comments ends the article, whatever follows
        // it (blogs that set comments as plain paragraphs under the post).
        let heading = matches!(doc.elems[owner].tag, Tag::H(_));
        if heading
            && (container.from..container.to).contains(&bi)
            && prose_seen
            && phrases::is_comments_heading(doc.block_text(b))
        {
            break;
        }
        if phrases::is_furniture(doc.block_text(b), titles) {
            continue;
        }
        let kind = list_kind(doc, b, page.layout.kinds[bi], &mut lists);
        prose_seen |= kind == Kind::Prose;
        seq.push((bi, kind));
    }
    let keep = keep_in_context(doc, &seq);

    // Paragraphs apart by a blank line; the cells of one table row on one line.
    let mut text = String::new();
    let mut first = None;
    let mut last_row = NONE;
    let in_run = |bi: &usize| (container.from..container.to).contains(bi);
    let mut kept: Vec<usize> = seq
        .iter()
        .zip(&keep)
        .filter(|((bi, _), k)| **k && in_run(bi))
        .map(|((bi, _), _)| *bi)
        .collect();
    drop_second_copy(doc, page, &mut kept);
    for bi in &kept {
        let b = &doc.blocks[*bi];
        let owner = &doc.elems[b.owner as usize];
        let row = if owner.tag == Tag::Cell { owner.parent } else { NONE };
        if first.is_none() {
            first = Some(*bi);
        } else if row != NONE && row == last_row {
            text.push_str(" | ");
        } else {
            text.push_str("\n\n");
        }
        text.push_str(doc.block_text(b));
        last_row = row;
    }
    (text, first)
}

/// Removes a second copy of the article's opening (a preview above a subscription box, a
/// print or mobile copy next to the screen one): where the text starts over with its first
/// two paragraphs, the paragraphs that repeat the opening go.
fn drop_second_copy(doc: &Doc, page: &Page<'_>, kept: &mut Vec<usize>) {
    let text = |i: usize| doc.block_text(&doc.blocks[kept[i]]);
    // An opening of two different paragraphs: a refrain or a repeated pair of labels is
    // not a copy of the article.
    let prose = |i: usize| page.layout.kinds[kept[i]] == Kind::Prose;
    if kept.len() < 4 || !prose(0) || !prose(1) || text(0) == text(1) {
        return;
    }
    let Some(k) = (2..kept.len() - 1).find(|&k| text(k) == text(0) && text(k + 1) == text(1))
    else {
        return;
    };
    let copied = (0..kept.len() - k).take_while(|&i| i < k && text(k + i) == text(i)).count();
    kept.drain(k..k + copied);
}

/// Which blocks of the container to keep. Prose stays and link lists go. A short block is
/// judged by its neighbours, as people read it: a subhead or a one-line paragraph sits
/// next to paragraphs, a date or a section label among teaser links.
fn keep_in_context(doc: &Doc, seq: &[(usize, Kind)]) -> Vec<bool> {
    // For each position, the nearest kind that is not short, before and after it.
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
    let mut lists = ListCache::default();
    seq.iter()
        .enumerate()
        .map(|(i, (bi, k))| match k {
            Kind::Prose => true,
            Kind::Links => false,
            Kind::Short => {
                let b = &doc.blocks[*bi];
                // Items of a written list stay together, whatever surrounds them.
                if lists.is_text_list(doc, b.owner) == Some(true) {
                    return true;
                }
                let prose_after = after[i] == Some(Kind::Prose);
                let prose_before = before[i] == Some(Kind::Prose);
                // A heading introduces what follows it.
                if matches!(doc.elems[b.owner as usize].tag, Tag::H(_)) {
                    return prose_after;
                }
                // "Tags:" or "More from:" just before a run of links labels the links.
                let label = doc.block_text(b).trim_end().ends_with(':')
                    && b.chars < NEAR_PROSE_CHARS
                    && after[i] == Some(Kind::Links);
                let long = b.chars >= NEAR_PROSE_CHARS;
                prose_after || prose_before && !label && (long || after[i] != Some(Kind::Links))
            }
        })
        .collect()
}

/// Share of link text above which an item of a link list is a link, whatever its length
/// ("More stories" lists whose items carry a line of teaser text).
const LINK_LIST_ITEM_LINKS: f64 = 0.25;

/// A block's kind in the light of the list it is in: in a list of links, an item with a
/// fair share of link text is one more link.
fn list_kind(doc: &Doc, b: &Block, kind: Kind, lists: &mut ListCache) -> Kind {
    let linky = f64::from(b.link_chars) >= f64::from(b.chars) * LINK_LIST_ITEM_LINKS;
    match lists.is_text_list(doc, b.owner) {
        Some(false) if kind != Kind::Links && linky => Kind::Links,
        // A step of a written list that links its object ("Download <a>the app</a> as a
        // zip file.") is still a step, when words of its own surround the link.
        Some(true) if kind == Kind::Links && b.chars - b.link_chars >= OWN_WORDS_CHARS => {
            Kind::Short
        }
        _ => kind,
    }
}

/// Characters outside links that make a linked item of a written list one of its steps.
const OWN_WORDS_CHARS: u32 = 15;

/// Whether the list around a block is a written list, remembered for the run of items of
/// one list.
#[derive(Default)]
struct ListCache {
    list: Option<u32>,
    text: bool,
}

impl ListCache {
    /// `None` when the block is not a list item.
    fn is_text_list(&mut self, doc: &Doc, owner: u32) -> Option<bool> {
        let list = enclosing_list(doc, owner)?;
        if self.list != Some(list) {
            *self = ListCache { list: Some(list), text: is_text_list(doc, list) };
        }
        Some(self.text)
    }
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
    let (chars, links) = doc.chars_and_links(e.block_start as usize, e.block_end as usize);
    chars > 0 && (links as f64) < chars as f64 * TEXT_LIST_MAX_LINKS
}

/// Where an element of the container stands among the container's `<article>`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    /// Outside every `<article>` of the container.
    Free,
    /// Inside a story kept.
    Best,
    /// Inside another one: a teaser, a related story.
    Other,
}

/// Marks the subtree of container `c` (indexed from `c`): which elements lie in the
/// stories kept (the best `<article>`, or every substantial one when they add up) and
/// which in the others.
fn best_story(doc: &Doc, page: &Page<'_>, c: usize) -> Vec<Story> {
    let end = doc.elems[c].end as usize;
    let add_up = page.stories_add_up(c);
    // The outermost <article> above each element, below c.
    let mut top: Vec<u32> = vec![NONE; end - c];
    let mut best = NONE;
    let mut best_value = 0;
    for i in c + 1..end {
        let p = doc.elems[i].parent as usize;
        let inherited = if p > c { top[p - c] } else { NONE };
        top[i - c] = if inherited == NONE && doc.elems[i].tag == Tag::Article {
            let value = page.value(i);
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
        .map(|&t| match t {
            NONE => Story::Free,
            t if t == best || add_up && page.substantial[t as usize] => Story::Best,
            _ => Story::Other,
        })
        .collect()
}
