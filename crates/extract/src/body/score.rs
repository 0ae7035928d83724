//! Scoring the page: block kinds, furniture hints resolved, and the container chosen.

use super::{Kind, inherit, kind};
use crate::dom::{Doc, NONE, Tag};
use crate::hints;

/// How much one character of furniture inside a candidate container costs against one
/// character of prose. Above 1 so that a box is not widened to take in a related-stories
/// list whose teasers carry a line of prose each under a linked headline.
const NOISE_WEIGHT: f64 = 2.0;

/// A hinted element holding this share of the page's prose (in at least
/// [`WRAPPER_MIN_PARAGRAPHS`] paragraphs) is a layout wrapper, not furniture. Strong hints
/// ("related", "share", "promo") need nearly all of it: a promotion box can hold a whole
/// other story, longer than the article it sits in. A short article (one or two
/// paragraphs) in a wrapper must hold nearly all the prose: a long footer paragraph can
/// outweigh a brief's text.
const WRAPPER_SHARE_WEAK: f64 = 0.4;
const WRAPPER_SHARE_STRONG: f64 = 0.8;
const WRAPPER_MIN_PARAGRAPHS: u64 = 3;
const WRAPPER_SHARE_SHORT: f64 = 0.8;

/// An `<article>` with at least this many paragraphs, and links in less than this share
/// of its text, is a story in its own right (a live-blog post), not a teaser card.
const STORY_MIN_PARAGRAPHS: u64 = 2;
const STORY_MAX_LINKS: f64 = 0.2;

/// The share of its prose that a run of children may leave out of its box.
const RUN_MAX_LEFT_OUT: f64 = 0.25;

/// How far above the best box to look for one named as the article body.
const CONTENT_LOOKUP_LEVELS: usize = 5;

/// What the page is whatever names are trusted: each block's kind and each element's
/// children. Worked out once per page and shared by every reading of it.
pub(super) struct Layout {
    pub(super) kinds: Vec<Kind>,
    /// Children in document order, as first-child and next-sibling links.
    first_child: Vec<u32>,
    next_sibling: Vec<u32>,
}

impl Container {
    /// All of element `i`'s blocks.
    pub(super) fn whole(doc: &Doc, i: usize) -> Container {
        let e = &doc.elems[i];
        Container { elem: i, from: e.block_start as usize, to: e.block_end as usize }
    }
}

impl Layout {
    pub(super) fn new(doc: &Doc) -> Layout {
        let n = doc.elems.len();
        let mut first_child = vec![NONE; n];
        let mut next_sibling = vec![NONE; n];
        let mut last_child = vec![NONE; n];
        for (i, e) in doc.elems.iter().enumerate() {
            let p = e.parent;
            if p == NONE {
                continue;
            }
            let p = p as usize;
            match last_child[p] {
                NONE => first_child[p] = i as u32,
                l => next_sibling[l as usize] = i as u32,
            }
            last_child[p] = i as u32;
        }
        Layout {
            kinds: doc.blocks.iter().map(|b| kind(doc, b)).collect(),
            first_child,
            next_sibling,
        }
    }
}

/// What the page looks like once every block is judged and every hint resolved.
pub(super) struct Page<'a> {
    pub(super) layout: &'a Layout,
    /// Per element: furniture by its own hint (after the wrapper overrides).
    pub(super) furniture: Vec<bool>,
    /// Per element: furniture by a strong hint (navigation, related lists, comments).
    pub(super) strong: Vec<bool>,
    /// Per element: inside strong furniture.
    in_strong: Vec<bool>,
    /// Prefix sums over blocks of prose characters.
    pub(super) prose: Vec<u64>,
    /// Prefix sums over blocks of prose blocks (paragraphs).
    pub(super) paragraphs: Vec<u64>,
    /// Per element: prose outside any `<article>` below it; the value of the best
    /// `<article>` below it; and the summed value of the substantial ones (the posts of a
    /// live blog). An element is worth `plain` plus the larger of the two.
    pub(super) plain: Vec<u64>,
    best_article: Vec<u64>,
    story_sum: Vec<u64>,
    /// Per element: an `<article>` with several paragraphs and few links.
    pub(super) substantial: Vec<bool>,
    /// Prefix sums over blocks of furniture characters, and of prose characters outside
    /// furniture.
    bad: Vec<u64>,
    good: Vec<u64>,
}

/// Which class and id names a reading of the page trusts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Hints {
    /// All of them.
    All,
    /// Only the strong ones (navigation, comments, related lists, adverts): sidebars,
    /// widgets, date lines and captions count as text. Blog platforms wrap posts in boxes
    /// with such names; comments and menus are named reliably.
    StrongOnly,
    /// None of them: the page is read by its text and links alone.
    TextOnly,
}

/// Where the article is: an element, and the run of its blocks that holds the article (all
/// of them, or the run of its children that leaves out trailing comments or a leading
/// menu when no element holds the article alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Container {
    /// The element.
    pub(super) elem: usize,
    /// Block range `blocks[from..to]`, inside the element's own range.
    pub(super) from: usize,
    pub(super) to: usize,
}

impl<'a> Page<'a> {
    /// Judges the page, trusting the class and id names that `hints_read` says (with
    /// [`Hints::TextOnly`] the container is found by prose and links alone; see
    /// [`super::extract`]).
    pub(super) fn analyse(doc: &Doc, layout: &'a Layout, hints_read: Hints) -> Page<'a> {
        let n = doc.elems.len();
        let kinds = &layout.kinds;

        // Prefix sums over blocks: an element's blocks are one contiguous range, so any
        // sum over its subtree is one subtraction.
        let mut prose = vec![0u64; doc.blocks.len() + 1];
        let mut paragraphs = vec![0u64; doc.blocks.len() + 1];
        for (i, (b, k)) in doc.blocks.iter().zip(kinds).enumerate() {
            let is_prose = *k == Kind::Prose;
            prose[i + 1] = prose[i] + if is_prose { u64::from(b.chars) } else { 0 };
            paragraphs[i + 1] = paragraphs[i] + u64::from(is_prose);
        }
        let page_prose = prose[doc.blocks.len()].max(1) as f64;

        // Elements that hold the headline are page or article wrappers, whatever their
        // names say. Each element is marked once, so this is linear in the page.
        let mut holds_title = vec![false; n];
        for &h in doc.meta.h1.iter().take(8) {
            let mut i = h;
            while i != NONE && !holds_title[i as usize] {
                holds_title[i as usize] = true;
                i = doc.elems[i as usize].parent;
            }
        }

        // Strong furniture counts against a container that takes it in; weak furniture
        // (captions, bylines, date lines) lives inside articles, so it is only left out.
        let mut strong = vec![false; n];
        let mut weak = vec![false; n];
        for (i, e) in doc.elems.iter().enumerate() {
            let skip = match hints_read {
                Hints::All => false,
                Hints::StrongOnly => e.hint & hints::STRONG == 0,
                Hints::TextOnly => true,
            };
            if skip
                || e.hint & hints::BOILERPLATE == 0
                || e.hint & hints::CONTENT != 0
                || holds_title[i]
            {
                continue;
            }
            let share = doc.sum(&prose, i) as f64 / page_prose;
            let needed =
                if e.hint & hints::STRONG != 0 { WRAPPER_SHARE_STRONG } else { WRAPPER_SHARE_WEAK };
            let count = doc.sum(&paragraphs, i);
            let wrapper = count >= WRAPPER_MIN_PARAGRAPHS && share >= needed
                || count >= 1 && share >= WRAPPER_SHARE_SHORT;
            // Comments can outgrow the article; they never wrap it.
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

        let mut plain = vec![0u64; n];
        let mut bad = vec![0u64; doc.blocks.len() + 1];
        let mut good_sum = vec![0u64; doc.blocks.len() + 1];
        // Short lines between paragraphs (subheads, list items, captions) are part of the
        // text; those before the first paragraph (headline, byline, date) are not counted.
        let mut after_prose = false;
        for (i, (b, k)) in doc.blocks.iter().zip(kinds).enumerate() {
            let o = b.owner as usize;
            let chars = u64::from(b.chars);
            let follows_prose = after_prose;
            match k {
                Kind::Prose => after_prose = true,
                Kind::Links => after_prose = false,
                Kind::Short => {}
            }
            let (good, noise) = if b.owner == NONE || in_strong[o] {
                (0, chars)
            } else if in_weak[o] {
                (0, 0)
            } else {
                match k {
                    Kind::Prose => (chars, 0),
                    Kind::Short if follows_prose && b.link_chars == 0 => (chars / 2, 0),
                    Kind::Short => (0, 0),
                    Kind::Links => (0, chars),
                }
            };
            if b.owner != NONE {
                plain[o] += good;
            }
            bad[i + 1] = bad[i] + noise;
            good_sum[i + 1] = good_sum[i] + good;
        }

        // Each <article> is one story: a box holding several teaser cards is worth only
        // its best card, while the substantial posts of a live blog add up. Children come
        // after their parent in the arena, so a backwards loop sums bottom-up.
        let mut links = vec![0u64; doc.blocks.len() + 1];
        let mut chars = vec![0u64; doc.blocks.len() + 1];
        for (i, b) in doc.blocks.iter().enumerate() {
            links[i + 1] = links[i] + u64::from(b.link_chars);
            chars[i + 1] = chars[i] + u64::from(b.chars);
        }
        let mut best_article = vec![0u64; n];
        let mut story_sum = vec![0u64; n];
        let mut substantial = vec![false; n];
        for i in (0..n).rev() {
            let p = doc.elems[i].parent;
            if p == NONE {
                continue;
            }
            let p = p as usize;
            if doc.elems[i].tag == Tag::Article {
                let value = plain[i] + best_article[i].max(story_sum[i]);
                substantial[i] = doc.sum(&paragraphs, i) >= STORY_MIN_PARAGRAPHS
                    && (doc.sum(&links, i) as f64) < doc.sum(&chars, i) as f64 * STORY_MAX_LINKS;
                best_article[p] = best_article[p].max(value);
                story_sum[p] += if substantial[i] { value } else { 0 };
            } else {
                plain[p] += plain[i];
                best_article[p] = best_article[p].max(best_article[i]);
                story_sum[p] += story_sum[i];
            }
        }
        Page {
            layout,
            furniture,
            strong,
            in_strong,
            prose,
            paragraphs,
            plain,
            best_article,
            story_sum,
            substantial,
            bad,
            good: good_sum,
        }
    }

    /// True when the `<article>`s below element `i` add up (live-blog posts) rather than
    /// compete (teaser cards).
    pub(super) fn stories_add_up(&self, i: usize) -> bool {
        self.story_sum[i] > self.best_article[i]
    }

    /// What an element is worth as a container: its prose, counting one story per
    /// `<article>`.
    pub(super) fn value(&self, i: usize) -> u64 {
        self.plain[i] + self.best_article[i].max(self.story_sum[i])
    }

    /// The element that holds the article, if any holds prose at all, and the run of its
    /// blocks to read.
    ///
    /// Each box is scored as its prose minus a weight times its furniture. Blogs often set
    /// the post's paragraphs and the comments below them side by side in one box, with no
    /// element around the post alone; so a box is also scored by its best run of children
    /// (the largest sum of child scores over consecutive children), which leaves out a
    /// comment thread or a menu at either end.
    pub(super) fn container(&self, doc: &Doc) -> Option<Container> {
        self.container_within(doc, 0)
    }

    /// [`Page::container`] among element `root` and its descendants.
    pub(super) fn container_within(&self, doc: &Doc, root: usize) -> Option<Container> {
        let subtree = root..doc.elems.get(root).map_or(root, |e| e.end as usize);
        let (first_child, next_sibling) = (&self.layout.first_child, &self.layout.next_sibling);
        let mut best: Option<Container> = None;
        let mut best_score = 0.0f64;
        let mut units: Vec<(usize, usize)> = Vec::new();
        for (i, e) in doc.elems.iter().enumerate().take(subtree.end).skip(subtree.start) {
            let boxlike = matches!(
                e.tag,
                Tag::Root
                    | Tag::Article
                    | Tag::Main
                    | Tag::Div
                    | Tag::Cell
                    | Tag::Form
                    | Tag::P
                    | Tag::Inline
            );
            let value = self.value(i);
            if !boxlike || value == 0 {
                continue;
            }
            let whole = value as f64 - NOISE_WEIGHT * doc.sum(&self.bad, i) as f64;
            let (from, to) = (e.block_start as usize, e.block_end as usize);
            let mut found = Container { elem: i, from, to };
            let mut score = whole;
            // Stories are counted one per <article>, which a sum over children is not.
            if self.best_article[i] == 0 && doc.sum(&self.bad, i) > 0 {
                units.clear();
                let mut at = from;
                let mut c = first_child[i];
                while c != NONE {
                    let ce = &doc.elems[c as usize];
                    let (s, t) = (ce.block_start as usize, ce.block_end as usize);
                    if s > at {
                        units.push((at, s));
                    }
                    if t > s {
                        units.push((s, t));
                    }
                    at = at.max(t);
                    c = next_sibling[c as usize];
                }
                if to > at {
                    units.push((at, to));
                }
                // A run may leave out furniture, not the article's own paragraphs: an
                // embedded post or an advert mid-article must not cut the text in two.
                let cut = |(_, a, b): &(f64, usize, usize)| {
                    let inside = self.good[units[*b].1] - self.good[units[*a].0];
                    let all = self.good[to] - self.good[from];
                    (all - inside) as f64 <= inside as f64 * RUN_MAX_LEFT_OUT
                };
                if let Some((run_score, a, b)) = self.best_run(&units).filter(cut)
                    && run_score > whole
                {
                    score = run_score;
                    found = Container { elem: i, from: units[a].0, to: units[b].1 };
                }
            }
            // Ties go to the later, deeper element: the same text in a tighter box.
            if score >= best_score {
                best_score = score;
                best = Some(found);
            }
        }
        let best = best?;
        if best != Container::whole(doc, best.elem) {
            return Some(best);
        }
        let best = best.elem;
        // A box named as the article body just above the best one (the best one being its
        // longest run of paragraphs, split off by a tag list or a share bar) is the real
        // body, as long as it brings in little prose from elsewhere.
        let named = doc
            .up_from(best)
            .skip(1)
            .take(CONTENT_LOOKUP_LEVELS)
            .find(|&a| doc.elems[a].hint & hints::CONTENT != 0);
        if let Some(a) = named {
            let little_more = self.value(a) as f64 <= self.value(best) as f64 * 1.3 + 100.0;
            if !self.in_strong[a] && little_more {
                return Some(Container::whole(doc, a));
            }
        }
        Some(Container::whole(doc, best))
    }

    /// The consecutive units (block ranges) with the largest score, widened over the
    /// units next to it that cost nothing (a headline, a date line), as
    /// `(score, first, last)`.
    fn best_run(&self, units: &[(usize, usize)]) -> Option<(f64, usize, usize)> {
        let score = |&(s, t): &(usize, usize)| {
            (self.good[t] - self.good[s]) as f64 - NOISE_WEIGHT * (self.bad[t] - self.bad[s]) as f64
        };
        let mut best: Option<(f64, usize, usize)> = None;
        let mut run = 0.0f64;
        let mut start = 0;
        for (k, u) in units.iter().enumerate() {
            if run <= 0.0 {
                run = 0.0;
                start = k;
            }
            run += score(u);
            if run > 0.0 && best.is_none_or(|(b, _, _)| run > b) {
                best = Some((run, start, k));
            }
        }
        let (s, mut a, mut b) = best?;
        let free = |u: &(usize, usize)| self.bad[u.1] == self.bad[u.0];
        while a > 0 && free(&units[a - 1]) {
            a -= 1;
        }
        while b + 1 < units.len() && free(&units[b + 1]) {
            b += 1;
        }
        Some((s, a, b))
    }
}
