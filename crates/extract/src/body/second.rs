//! A second opinion for pages where the first reading is in doubt.
//!
//! The first reading takes the box with the most prose net of furniture. On most pages
//! that is the article. It fails on pages whose article is short beside a longer sidebar,
//! footer or site blurb (small blogs above all), and on pages whose story sits in boxes
//! named like furniture. What says the first reading may be wrong:
//!
//! - it is short (under [`SHORT_CHARS`]);
//! - its box is mostly links;
//! - its box is a caption (a photo gallery);
//! - it barely holds the page's own summary: JSON-LD `articleBody`, or a description
//!   that the page also shows as text;
//! - it lies apart from the headline: the box around the page's headline holds other
//!   text.
//!
//! Any of these marks the page as hard (the article's `uncertain` flag). The second reading
//! starts from the headline: the best box inside the lowest element around the headline
//! that holds prose. A short text whose box lies under that element but misses the
//! headline was cut too tight (a gallery's captions, a list under one paragraph): it is
//! widened to the lowest box above it that holds the headline, unless that box is mostly
//! links or many times longer. A short text is also weighed against the page read with
//! captions and sidebars counted as text: when that reading holds the short one whole and
//! goes on from it after the headline, the two agree and the longer is the story (a photo
//! story told in captions). The two readings are then weighed by how well each agrees with the
//! page's other signals: following the headline, and holding the page's summary. The
//! second replaces the first only when it agrees better and is not dwarfed by it (a
//! fifth of its length at least, unless the first sits in a box named as an aside or a
//! sidebar): position and summaries outvote size, but only up to a point, since a
//! heading that matches the title can also sit over a teaser.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use super::score::{Container, Hints, Layout, Page};
use super::{Clues, Reading};
use crate::dom::{Doc, NONE, Tag};
use crate::{hints, phrases};

/// Below this many characters, a text is short enough to doubt.
const SHORT_CHARS: usize = 400;

/// A box with more than this share of link text is link-heavy.
const LINK_HEAVY: f64 = 0.3;

/// A text holding less than this share of the page's summary (its three-word runs) is far
/// from it; a summary must be shown on the page at least this much to count.
const FAR_FROM_SUMMARY: f64 = 0.3;
const SUMMARY_ON_PAGE: f64 = 0.6;

/// A description shown at most this many blocks above the text is its standfirst
/// (headline, standfirst, byline, date and a caption may stand between).
const STANDFIRST_BLOCKS: usize = 6;

/// How many of a summary's three-word runs are compared.
const SUMMARY_RUNS: usize = 200;

/// The first reading stands when it is this many times longer than the second.
const DWARFS: usize = 5;

/// How far above a short text's box to look for one that holds the headline, how much of
/// that box may be links, and how many times longer its text may be.
const WIDEN_LEVELS: usize = 3;
const WIDEN_MAX_LINKS: f64 = 0.5;
const WIDEN_MAX_GROWTH: usize = 4;

/// How many times longer than a short text the reading that counts captions may be.
const LOOSE_MAX_GROWTH: usize = 8;

/// The element around the headline that is searched must hold this much prose.
const SCOPE_MIN_PROSE: u64 = 150;

/// Why the text found on a page may not be its article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Doubt {
    /// The text is short.
    Short,
    /// Its box is mostly links.
    LinkHeavy,
    /// Its box is a caption.
    Captions,
    /// It barely holds the page's JSON-LD `articleBody` or its on-page description.
    FarFromSummary,
    /// It lies apart from the box around the page's headline.
    ApartFromHeadline,
}

impl Doubt {
    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Doubt::Short => "short",
            Doubt::LinkHeavy => "link_heavy",
            Doubt::Captions => "captions",
            Doubt::FarFromSummary => "far_from_summary",
            Doubt::ApartFromHeadline => "apart_from_headline",
        }
    }
}

/// The doubts about `first`, and the reading to use instead when the second opinion
/// differs.
pub(super) fn opinion(
    doc: &Doc,
    page: &Page<'_>,
    first: &Reading,
    clues: &Clues<'_>,
) -> (Vec<Doubt>, Option<Reading>) {
    let mut doubts = Vec::new();
    let c = first.container;
    if first.is_empty() {
        return (doubts, None);
    }
    if first.text.chars().count() < SHORT_CHARS {
        doubts.push(Doubt::Short);
    }
    let (chars, links) = doc.chars_and_links(c.from, c.to);
    if links as f64 > chars as f64 * LINK_HEAVY {
        doubts.push(Doubt::LinkHeavy);
    }
    if in_caption(doc, c.elem) {
        doubts.push(Doubt::Captions);
    }
    let summary = summary(doc, clues, &first.text);
    // A description shown just above the text is its standfirst: the text agrees with it.
    let standfirst =
        |s: &Summary| s.shown_at.is_some_and(|at| at < c.to && at + STANDFIRST_BLOCKS >= c.from);
    if summary
        .as_ref()
        .is_some_and(|s| !standfirst(s) && !s.shown_in(&first.text, FAR_FROM_SUMMARY))
    {
        doubts.push(Doubt::FarFromSummary);
    }
    let headline = headline_block(doc, clues.titles);
    // A short text may be the one paragraph outside the captions of a photo story: read
    // the page again with captions, bylines and sidebars counting as text, and take that
    // reading when it holds the first one whole and goes on from it (the two agree), after
    // the headline, without running many times longer.
    if doubts.contains(&Doubt::Short)
        && let Some(loose) = loose_reading(doc, page.layout, first, headline, clues.titles)
    {
        return (doubts, Some(loose));
    }
    let Some(headline) = headline else {
        return (doubts, None);
    };
    // A headline inside the text's own box agrees with it (the box around the headline
    // holds it, or lies inside it): no second reading is needed.
    if (c.from..c.to).contains(&headline) {
        return (doubts, None);
    }
    let Some(scope) = headline_scope(doc, page, headline) else {
        return (doubts, None);
    };
    // The element around the headline holds the text's box: the best box inside it is
    // that box again, and the two agree.
    let s = &doc.elems[scope];
    let holds_first = s.block_start as usize <= c.from && c.to <= s.block_end as usize;
    let second = if holds_first { None } else { headline_reading(doc, page, scope, clues.titles) };
    let apart = |r: &Reading, second: &Reading| {
        r.container.to <= second.container.from || second.container.to <= r.container.from
    };
    let Some(second) = second.filter(|second| apart(first, second)) else {
        // A short text under the headline's box, in a box that misses the headline: the
        // box was drawn too tight (a gallery's captions, a list below one paragraph).
        let widened = doubts
            .contains(&Doubt::Short)
            .then(|| widen(doc, page, first, headline, clues.titles))
            .flatten();
        return (doubts, widened);
    };
    doubts.push(Doubt::ApartFromHeadline);
    // Agreement: the second reading follows the headline by construction and counts one
    // for it; the first lies apart from the headline's box and counts none. Holding the
    // summary counts up to one for either.
    let agreement = |r: &Reading, near_headline: bool| {
        let follows = near_headline && r.container.to > headline;
        f64::from(u8::from(follows)) + summary.as_ref().map_or(0.0, |s| s.coverage(&r.text))
    };
    // Size outvotes position, but not for a text in a box named as furniture (an aside or
    // a sidebar kept as a wrapper for the prose it holds): such a box has no claim to be
    // the article by size alone.
    let dwarfed = second.text.len() * DWARFS < first.text.len() && !in_named_box(doc, c.elem);
    let better = agreement(&second, true) > agreement(first, false);
    (doubts, (better && !dwarfed).then_some(second))
}

/// The page read with only strong names trusted, if that reading holds `first`'s text,
/// at least twice as long and at most [`LOOSE_MAX_GROWTH`] times, and does not start
/// before the headline.
fn loose_reading(
    doc: &Doc,
    layout: &Layout,
    first: &Reading,
    headline: Option<usize>,
    titles: &[&str],
) -> Option<Reading> {
    let loose = Page::analyse(doc, layout, Hints::StrongOnly);
    let r = loose.container(doc).map(|c| Reading::of(doc, &loose, c, titles))?;
    let (from, to) = (r.container.from, r.container.to);
    let after_headline = headline.is_none_or(|h| from >= h || (from..to).contains(&h));
    let grows =
        (first.text.len() * 2..=first.text.len() * LOOSE_MAX_GROWTH).contains(&r.text.len());
    let holds_first = !r.is_empty() && r.text.contains(first.text.as_str());
    (after_headline && grows && holds_first).then_some(r)
}

/// The lowest box above `first`'s (at most [`WIDEN_LEVELS`] up) that holds the headline
/// block, read whole, if it is not mostly links and its text is not many times longer
/// than `first`'s.
fn widen(
    doc: &Doc,
    page: &Page<'_>,
    first: &Reading,
    headline: usize,
    titles: &[&str],
) -> Option<Reading> {
    let up = doc
        .up_from(first.container.elem)
        .skip(1)
        .take(WIDEN_LEVELS)
        .map(|a| Container::whole(doc, a))
        .find(|c| (c.from..c.to).contains(&headline))?;
    let (chars, links) = doc.chars_and_links(up.from, up.to);
    if links as f64 > chars as f64 * WIDEN_MAX_LINKS {
        return None;
    }
    let wider = Reading::of(doc, page, up, titles);
    let grows =
        (first.text.len() + 1..=first.text.len() * WIDEN_MAX_GROWTH).contains(&wider.text.len());
    grows.then_some(wider)
}

/// True when element `i` or one above it is named as furniture (an `<aside>`, a
/// sidebar), though it holds prose enough to be read as a wrapper.
fn in_named_box(doc: &Doc, i: usize) -> bool {
    doc.up_from(i)
        .any(|a| doc.elems[a].hint & hints::BOILERPLATE != 0 && doc.elems[a].tag != Tag::Root)
}

/// True when element `i` or one above it is named as a caption.
fn in_caption(doc: &Doc, i: usize) -> bool {
    doc.up_from(i)
        .take(8)
        .any(|a| doc.elems[a].hint & hints::CAPTION != 0 || doc.elems[a].tag == Tag::Figcaption)
}

/// The lowest element around headline block `h` that holds some prose.
fn headline_scope(doc: &Doc, page: &Page<'_>, h: usize) -> Option<usize> {
    let owner = doc.blocks[h].owner;
    if owner == NONE {
        return None;
    }
    doc.up_from(owner as usize).find(|&e| doc.sum(&page.prose, e) >= SCOPE_MIN_PROSE)
}

/// The best reading near the headline: the best box inside `scope` (see
/// [`headline_scope`]), read by its names and, if they leave nothing, by its strong names
/// only, then by its text alone.
fn headline_reading(doc: &Doc, page: &Page<'_>, scope: usize, titles: &[&str]) -> Option<Reading> {
    let found = page
        .container_within(doc, scope)
        .map(|c| Reading::of(doc, page, c, titles))
        .filter(|r| !r.is_empty());
    let found = found.or_else(|| {
        [Hints::StrongOnly, Hints::TextOnly].into_iter().find_map(|hints_read| {
            let page = Page::analyse(doc, page.layout, hints_read);
            page.container_within(doc, scope)
                .map(|c| Reading::of(doc, &page, c, titles))
                .filter(|r| !r.is_empty())
        })
    })?;
    Some(found)
}

/// The page's own summary of its article, as three-word runs.
struct Summary {
    runs: Runs,
    /// For a description shown on the page outside the text: the block that shows it.
    shown_at: Option<usize>,
}

/// Hashed three-word runs. The hashes are already well mixed, so the set uses them as they
/// are rather than hash them again.
type Runs = HashSet<u64, BuildHasherDefault<AsIs>>;

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl Summary {
    /// The share of the summary's runs that `text` holds.
    fn coverage(&self, text: &str) -> f64 {
        self.covered(text, usize::MAX) as f64 / self.runs.len().max(1) as f64
    }

    /// True when `text` holds at least `share` of the summary's runs; stops reading as
    /// soon as it does.
    fn shown_in(&self, text: &str, share: f64) -> bool {
        let needed = (self.runs.len() as f64 * share).ceil() as usize;
        self.covered(text, needed) >= needed
    }

    /// How many of the summary's runs `text` holds, counting up to `enough`.
    fn covered(&self, text: &str, enough: usize) -> usize {
        let mut seen = Runs::default();
        for run in runs(text) {
            if self.runs.contains(&run) {
                seen.insert(run);
                if seen.len() >= enough {
                    break;
                }
            }
        }
        seen.len()
    }
}

/// JSON-LD `articleBody` if the page has one; else its description, if the page also
/// shows it as text (a description written only for search results says nothing about
/// where the article is), with the block that shows it. The page is searched only when
/// `text` does not hold the description already.
fn summary(doc: &Doc, clues: &Clues<'_>, text: &str) -> Option<Summary> {
    // The start of a long body says where it is as well as the whole does.
    let make = |s: &str| {
        let runs: Runs = runs(s).take(SUMMARY_RUNS).collect();
        (runs.len() >= 3).then_some(Summary { runs, shown_at: None })
    };
    if let Some(body) = clues.ld_body.and_then(make) {
        return Some(body);
    }
    let mut description = clues.description.and_then(make)?;
    if description.shown_in(text, SUMMARY_ON_PAGE) {
        return Some(description);
    }
    let at =
        doc.blocks.iter().position(|b| description.shown_in(doc.block_text(b), SUMMARY_ON_PAGE))?;
    description.shown_at = Some(at);
    Some(description)
}

/// The runs of three consecutive words of a text, lower-cased, each run hashed.
fn runs(text: &str) -> impl Iterator<Item = u64> + '_ {
    let mut window = [0u64; 3];
    let mut n = 0usize;
    phrases::words(text).filter_map(move |w| {
        // FNV-1a: words are short, and a run of three is compared as a whole.
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for c in w.chars().flat_map(char::to_lowercase) {
            h = (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3);
        }
        window = [window[1], window[2], h];
        n += 1;
        let run = window[0].wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(21)
            ^ window[1].wrapping_mul(0xc2b2_ae3d_27d4_eb4f).rotate_left(42)
            ^ window[2];
        (n >= 3).then_some(run)
    })
}

/// The block that shows the headline on the page, if one does: the first heading whose
/// words are the chosen headline's; else the heading that matches the most words of one
/// of its other forms (the whole form, or a run of its words, as in a `<title>` of "Site
/// name: Headline"). A site's name in a logo heading matches fewer words than the story's
/// headline.
pub(super) fn headline_block(doc: &Doc, titles: &[&str]) -> Option<usize> {
    let words = phrases::lower_words;
    let headings: Vec<(usize, Vec<String>)> = doc
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            b.owner != NONE
                && matches!(doc.elems[b.owner as usize].tag, Tag::H(1..=3))
                && b.chars <= 300
        })
        .map(|(i, b)| (i, words(doc.block_text(b))))
        .filter(|(_, w)| w.len() >= 2)
        .collect();
    let (chosen, others) = titles.split_first()?;
    let chosen = words(chosen);
    if let Some((i, _)) = headings.iter().find(|(_, w)| *w == chosen) {
        return Some(*i);
    }
    let forms: Vec<Vec<String>> = others.iter().map(|t| words(t)).collect();
    let mut best: Option<(usize, usize)> = None;
    for (i, w) in &headings {
        if best.is_some_and(|(n, _)| n >= w.len()) {
            continue;
        }
        let matches = forms
            .iter()
            .any(|f| f == w || f.len() > w.len() && f.windows(w.len()).any(|x| x == w.as_slice()));
        if matches {
            best = Some((w.len(), *i));
        }
    }
    best.map(|(_, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::extract;

    const POST: &str = "We finally planted the garlic this weekend, two weeks later than last year \
                        because the rain would not stop.";
    const ABOUT: &str = "This blog is written by a family of four who moved from the city to a small \
                         farm in the hills. We write about growing our own food, raising chickens, \
                         fixing old tractors, canning, baking bread and the long winters. Posts \
                         appear most weeks, and every recipe here has been cooked in our kitchen \
                         at least three times before it is written up for you to try at home.";

    const ARCHIVE: &str = "<li><a href=/2012/10>October 2012</a></li><li><a href=/2012/09>September 2012</a></li>\
                           <li><a href=/2012/08>August 2012</a></li><li><a href=/2012/07>July 2012</a></li>\
                           <li><a href=/2012/06>June 2012</a></li><li><a href=/2012/05>May 2012</a></li>";

    /// `n` paragraphs of the blurb, each told apart by its number (a paragraph said twice
    /// is kept once).
    fn paragraphs(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("{ABOUT} Part {i}.")).collect()
    }

    fn read(html: &str, titles: &[&str], description: Option<&str>) -> super::super::Body {
        let doc = Doc::build(&scraper::Html::parse_document(html));
        extract(&doc, &Clues { titles, description, ld_body: None })
    }

    #[test]
    fn a_short_post_under_its_headline_beats_a_longer_blurb_elsewhere() {
        let html = format!(
            "<div id=header><h1>Hill Farm Diary</h1></div>\
             <div class=post><h3 class=post-title>Garlic planted at last</h3>\
             <div class=post-body>{POST} {POST}</div></div>\
             <div id=archive><h2>Archive</h2><ul>{ARCHIVE}{ARCHIVE}{ARCHIVE}</ul></div>\
             <div id=about-us><h2>About us</h2><p>{ABOUT}</p><p>{ABOUT}</p></div>"
        );
        let titles = ["Garlic planted at last", "Hill Farm Diary: Garlic planted at last"];
        let body = read(&html, &titles, None);
        assert_eq!(body.text, format!("{POST} {POST}"));
        assert_eq!(body.doubts, [Doubt::ApartFromHeadline]);
        assert!(body.second_reading);
    }

    #[test]
    fn a_long_article_is_not_outvoted_by_a_teaser_under_a_matching_heading() {
        // A heading repeating part of the title over a teaser box: position agrees with
        // it, but the article elsewhere is many times longer.
        let main: String = paragraphs(6).iter().map(|p| format!("<p>{p}</p>")).collect();
        let html = format!(
            "<div class=main>{main}</div>\
             <div id=archive><h2>Archive</h2><ul>{ARCHIVE}{ARCHIVE}{ARCHIVE}</ul></div>\
             <div class=teaser><h2>Garlic at last</h2><div>{POST} {POST}</div></div>"
        );
        let body = read(&html, &["Garlic at last"], None);
        assert!(body.text.starts_with(ABOUT), "{}", body.text);
        assert!(!body.text.contains("planted the garlic"), "{}", body.text);
        assert!(body.doubts.contains(&Doubt::ApartFromHeadline), "{:?}", body.doubts);
    }

    #[test]
    fn a_sidebar_does_not_outvote_the_headline_by_size_alone() {
        // The sponsors' blurbs in the sidebar are many times the post's length, but they
        // sit in an <aside>: size alone does not make them the article.
        let blurbs: String = paragraphs(8).iter().map(|p| format!("<p>{p}</p>")).collect();
        let html = format!(
            "<div class=post><h2>Garlic planted at last</h2><p>{POST} {POST}</p></div>\
             <div id=archive><ul>{ARCHIVE}{ARCHIVE}{ARCHIVE}</ul></div>\
             <aside><div>{blurbs}</div></aside>"
        );
        let body = read(&html, &["Garlic planted at last"], None);
        assert_eq!(body.text, format!("{POST} {POST}"));
        assert!(body.second_reading);
    }

    #[test]
    fn a_short_text_is_widened_to_the_box_that_holds_its_headline() {
        // The links between the paragraph and the list cut the list off the text's box;
        // the box that holds the headline holds both.
        let html = format!(
            "<div class=post><h1>Garlic planted at last</h1><div class=story>\
             <div class=intro><p>{POST} {POST}</p></div>\
             <p><a href=/a>Older posts</a> <a href=/b>Newer posts</a> <a href=/c>Home</a> \
             <a href=/d>All garlic posts</a> <a href=/e>All onion posts</a> \
             <a href=/f>All leek posts</a> <a href=/g>Contact us</a></p>\
             <ul><li>Seed garlic, two kilos</li><li>Straw for the mulch</li></ul></div></div>"
        );
        let body = read(&html, &["Garlic planted at last"], None);
        let post = format!("{POST} {POST}");
        assert_eq!(
            body.text,
            [post.as_str(), "Seed garlic, two kilos", "Straw for the mulch"].join("\n\n")
        );
        assert!(body.doubts.contains(&Doubt::Short), "{:?}", body.doubts);
        assert!(body.second_reading);
    }

    #[test]
    fn a_photo_story_told_in_captions_is_read_whole() {
        // One line of standfirst, then the story in the photos' captions.
        let caption = |i: usize| {
            format!(
                "<div class=slide><div class=caption>{POST} Photo {i}.</div>\
                 <span class=credit>(Farm Photos)</span></div>"
            )
        };
        let slides: String = (1..=2).map(caption).collect();
        let html = format!(
            "<div id=nav><a href=/>Home</a> <a href=/p>Photos</a> <a href=/a>About</a></div>\
             <div class=gallery><h1>A year on the farm</h1>\
             <div class=dek><p>Twelve months of mud and harvests, in pictures.</p></div>\
             {slides}</div>"
        );
        let body = read(&html, &["A year on the farm"], None);
        assert!(body.text.starts_with("Twelve months of mud"), "{}", body.text);
        assert!(body.text.contains(&format!("{POST} Photo 2.")), "{}", body.text);
        assert!(body.second_reading);
    }

    #[test]
    fn a_clear_page_raises_no_doubt() {
        let paras = paragraphs(3);
        let article: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
        let html = format!(
            "<nav><a href=/>Home</a> <a href=/a>About</a></nav>\
             <article><h1>Our year on the farm</h1>{article}</article>"
        );
        let description = "This blog is written by a family of four who moved from the city";
        let body = read(&html, &["Our year on the farm"], Some(description));
        assert_eq!(body.text, paras.join("\n\n"));
        assert!(body.doubts.is_empty(), "{:?}", body.doubts);
    }

    #[test]
    fn short_texts_captions_links_and_a_missed_summary_are_doubts() {
        let body = read(&format!("<div><p>{POST}</p></div>"), &["Garlic"], None);
        assert_eq!(body.doubts, [Doubt::Short]);

        let gallery = format!(
            "<div class=gallery><div class=caption>{ABOUT}</div></div>\
             <ul><li><a href=/1>Next photo</a></li><li><a href=/2>Previous photo</a></li></ul>"
        );
        let body = read(&gallery, &["Photos"], None);
        assert!(body.doubts.contains(&Doubt::Captions), "{:?}", body.doubts);

        let linky = format!(
            "<div><p>{ABOUT} <a href=/a>{}</a></p></div>",
            "a long linked phrase that runs on and on ".repeat(5)
        );
        let body = read(&linky, &["Garlic"], None);
        assert!(body.doubts.contains(&Doubt::LinkHeavy), "{:?}", body.doubts);

        // The description is shown on the page, but not in the text chosen.
        let html = format!(
            "<div class=intro><p class=lede>Garlic planted late after weeks of rain on the farm.</p></div>\
             <ul>{ARCHIVE}</ul><div class=post><p>{ABOUT}</p></div>"
        );
        let body =
            read(&html, &["Garlic"], Some("Garlic planted late after weeks of rain on the farm."));
        assert!(body.doubts.contains(&Doubt::FarFromSummary), "{:?}", body.doubts);
        // A description shown as the standfirst just above the text agrees with it.
        let html = format!(
            "<ul>{ARCHIVE}</ul><h1>Garlic</h1>\
             <p class=standfirst>Garlic planted late after weeks of rain on the farm.</p>\
             <div class=share><a href=/f>Facebook</a> <a href=/t>Twitter</a> <a href=/e>Email</a> \
             <a href=/r>Reddit</a> <a href=/l>LinkedIn</a> <a href=/p>Pinterest</a></div>\
             <div class=post><p>{ABOUT}</p></div>"
        );
        let body =
            read(&html, &["Garlic"], Some("Garlic planted late after weeks of rain on the farm."));
        assert!(!body.doubts.contains(&Doubt::FarFromSummary), "{:?}", body.doubts);
        // A description never shown on the page says nothing about where the text is.
        let body =
            read(&html, &["Garlic"], Some("Our news from the hills, every week of the year."));
        assert!(!body.doubts.contains(&Doubt::FarFromSummary), "{:?}", body.doubts);
    }
}
