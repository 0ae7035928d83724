//! The article text: which part of the page is the article, and which of its blocks are
//! prose rather than furniture.
//!
//! 1. Each block of text is judged on its own ([`kind`]): prose (long enough, or a full
//!    sentence, with few links), a link list, or short text that is neither.
//! 2. Class/id hints are resolved against the page ([`score`]): a "sidebar" that holds the
//!    headline or most of the prose is a layout wrapper, not furniture.
//! 3. The container is the element with the most prose net of furniture: prose characters
//!    inside it minus a weight times furniture characters. Widening the box past the
//!    article only adds furniture; narrowing it loses prose. Each `<article>` counts as
//!    one story, so a box of teaser cards is worth only its best card. Where no element
//!    holds the article alone (a blog post's paragraphs set beside its comments in one
//!    box), the best run of an element's children is the container.
//! 4. Inside the container ([`emit`]), furniture, link lists and stock lines go; short
//!    blocks are judged by their neighbours (a subhead before a paragraph stays, a date
//!    between teaser links goes).
//!
//! Every pass is a loop over the flat arena of `dom.rs`: no recursion, no selector runs.

mod emit;
mod score;
mod second;

pub use second::Doubt;

use score::Hints;

use crate::dom::{Block, Doc, NONE};

/// Share of links above which a block is navigation, not prose.
const LINK_DENSE: f64 = 0.5;

/// A block with this many characters outside links is prose whatever else it holds.
const PROSE_CHARS: u32 = 100;

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
    /// Characters of text on the whole page, and of those inside links.
    pub(crate) page_chars: u64,
    pub(crate) page_link_chars: u64,
    /// Index of the first block kept, if any (a byline sits just before it).
    pub(crate) first_block: Option<usize>,
    /// Why the text found may not be the article, if anything says so.
    pub(crate) doubts: Vec<second::Doubt>,
    /// The second reading, from the headline, replaced the first.
    pub(crate) second_reading: bool,
}

/// Judges one block on its own.
pub(crate) fn kind(doc: &Doc, b: &Block) -> Kind {
    let chars = f64::from(b.chars);
    // A paragraph with a hundred characters of its own words is prose, however many links
    // (or hidden link pop-ups) it also carries; a menu has next to none.
    if f64::from(b.link_chars) > chars * LINK_DENSE && b.chars - b.link_chars < PROSE_CHARS {
        return Kind::Links;
    }
    let text = doc.block_text(b);
    // A teaser: the start of another story, cut off and pointing to the rest.
    if b.link_chars > 0 && is_teaser(text) {
        return Kind::Links;
    }
    if b.chars >= PROSE_CHARS {
        // A blog theme's line under every post reads like a sentence but says nothing.
        let footer = b.chars < 400 && crate::phrases::is_post_footer(&text.to_lowercase());
        return if footer { Kind::Short } else { Kind::Prose };
    }
    let sentence_end = text
        .trim_end_matches(['"', '\'', '”', '’', ')', '»'])
        .ends_with(['.', '!', '?', '。', '！', '？', ':', ';']);
    if b.chars >= 30 && sentence_end && text.contains(' ') || b.chars >= 15 && is_cjk(text) {
        Kind::Prose
    } else {
        Kind::Short
    }
}

/// True for text that ends the way a teaser does: "[...]", "Read more", "Continue
/// reading".
fn is_teaser(text: &str) -> bool {
    let end = text.trim_end();
    if end.ends_with("[...]") || end.ends_with("[…]") {
        return true;
    }
    let end = end.trim_end_matches(['.', '…', '»', '›', '→', ' ']);
    let tail = end[end.floor_char_boundary(end.len().saturating_sub(20))..].to_ascii_lowercase();
    tail.ends_with("read more") || tail.ends_with("continue reading")
}

/// Chinese, Japanese or Korean text, where sentences are short in characters and words
/// are not separated by spaces.
fn is_cjk(text: &str) -> bool {
    let cjk =
        |c: &char| ('\u{3040}'..='\u{9fff}').contains(c) || ('\u{ac00}'..='\u{d7af}').contains(c);
    text.chars().take(8).filter(cjk).count() >= 4
}

/// What the page says about its article besides its layout: the headline in its forms,
/// and the summaries it gives for sharing and search.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Clues<'a> {
    /// The headline in its forms (chosen headline first, then `og:title`, `<title>`,
    /// `<h1>`s). Blocks that repeat one are left out of the text.
    pub(crate) titles: &'a [&'a str],
    /// `og:description` or `<meta name=description>`.
    pub(crate) description: Option<&'a str>,
    /// JSON-LD `articleBody`.
    pub(crate) ld_body: Option<&'a str>,
}

/// Finds the article text of a flattened page.
pub(crate) fn extract(doc: &Doc, clues: &Clues<'_>) -> Body {
    let titles = clues.titles;
    let (page_chars, page_link_chars) = doc.chars_and_links(0, doc.blocks.len());
    let mut body = Body { page_chars, page_link_chars, ..Body::default() };
    if doc.elems.is_empty() || doc.blocks.is_empty() {
        return body;
    }
    let layout = score::Layout::new(doc);
    let mut page = score::Page::analyse(doc, &layout, Hints::All);
    let mut found = page.container(doc).map(|c| Reading::of(doc, &page, c, titles));
    // Names are the noisiest signal: a blog platform's post wrapper called `widget`, a
    // post classed `author-jane` or `category-advertising`, can make every paragraph read
    // as furniture. When the names leave nothing while the page has prose, read it again
    // with only the strong names (comments, menus), then by its text alone, rather than
    // return an empty article.
    let has_prose = layout.kinds.contains(&Kind::Prose);
    for fallback in [Hints::StrongOnly, Hints::TextOnly] {
        if found.as_ref().is_some_and(|r| !r.is_empty()) || !has_prose {
            break;
        }
        page = score::Page::analyse(doc, &layout, fallback);
        found = page.container(doc).map(|c| Reading::of(doc, &page, c, titles));
    }
    let Some(mut reading) = found else { return body };
    // The second opinion reads the page as the first reading did.
    let (doubts, other) = second::opinion(doc, &page, &reading, clues);
    body.doubts = doubts;
    if let Some(other) = other {
        reading = other;
        body.second_reading = true;
    }
    body.text = reading.text;
    body.first_block = reading.first;
    body
}

/// One reading of the page: the text found, where it starts, and the container it came
/// from.
#[derive(Clone, Debug)]
struct Reading {
    text: String,
    first: Option<usize>,
    container: score::Container,
}

impl Reading {
    fn of(doc: &Doc, page: &score::Page<'_>, container: score::Container, titles: &[&str]) -> Self {
        let (text, first) = emit::text(doc, page, container, titles);
        Reading { text, first, container }
    }

    fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Flags pushed down the tree: an element is flagged if it or any ancestor is. With
/// `root`, only the subtree below `root` is considered (`root` itself is not furniture to
/// itself), so a container chosen inside furniture keeps its own text.
fn inherit(doc: &Doc, flags: &[bool], root: Option<usize>) -> Vec<bool> {
    let mut out = vec![false; doc.elems.len()];
    let (from, to) = match root {
        Some(r) => (r + 1, doc.elems[r].end as usize),
        None => (0, doc.elems.len()),
    };
    for i in from..to.min(doc.elems.len()) {
        let p = doc.elems[i].parent;
        out[i] = flags[i] || p != NONE && out[p as usize];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "The harbor master said on Thursday that the new pier would open in October, \
                     a month later than planned, because the steel arrived late.";

    fn text(html: &str) -> String {
        let doc = Doc::build(&scraper::Html::parse_document(html));
        extract(&doc, &Clues { titles: &["Pier delayed"], ..Clues::default() }).text
    }

    #[test]
    fn wrapper_named_like_furniture_is_not_dropped() {
        let html = format!(
            "<div class=\"content-with-sidebar\"><div class=\"story\"><p>{P}</p><p>{P}</p><p>{P}</p></div>\
             <div class=\"sidebar\"><a href=/a>One</a><a href=/b>Two</a></div></div>\
             <footer><p>{P} Contact the newsroom at any time of day, every day of the week.</p></footer>"
        );
        assert_eq!(text(&html), [P, P, P].join("\n\n"));
        let brief =
            format!("<div class=\"widget-area\"><p>{P}</p></div><nav><a href=/>Home</a></nav>");
        assert_eq!(text(&brief), P);
    }

    #[test]
    fn when_names_leave_nothing_the_text_decides() {
        // Every paragraph sits in boxes whose names say furniture (comments never wrap an
        // article, so no wrapper rule saves them): the names would leave the page empty.
        let html = format!(
            "<nav><a href=/>Home</a> <a href=/about>About</a></nav>\
             <div class=\"comments-widget\"><div class=\"comment-body\"><p>{P}</p><p>{P}</p></div></div>\
             <div class=\"sidebar\"><a href=/a>One</a><a href=/b>Two</a></div>"
        );
        assert_eq!(text(&html), [P, P].join("\n\n"));
        // A page with no prose anywhere stays empty.
        assert_eq!(text("<nav><a href=/>Home</a> <a href=/x>Archive</a></nav>"), "");
    }

    #[test]
    fn a_post_set_beside_its_comments_in_one_box_is_cut_from_them() {
        // The post's paragraphs and the comment thread are siblings in one box, with no
        // element around the post alone: the best run of children is the post.
        let comment = "<div class=comment><p>Great post, I had the same trouble with my own \
                       pier last year and the steel was late for us too, thanks!</p>\
                       <a href=/u/1>Reader</a></div>";
        let html = format!(
            "<div id=main><h1>Pier delayed</h1><p>{P}</p><p>{P}</p><p>{P}</p>\
             <h3>Related</h3><ul><li><a href=/r/1>Another story from the harbor today</a></li></ul>\
             {}</div>",
            comment.repeat(12)
        );
        assert_eq!(text(&html), [P, P, P].join("\n\n"));
        // A box whose text an embedded post splits in two stays whole.
        let embed = format!(
            "<div class=related-links>{}</div>",
            "<a href=/x>A linked headline here</a> ".repeat(8)
        );
        let html = format!("<div id=main><p>{P}</p><p>{P}</p>{embed}<p>{P}</p><p>{P}</p></div>");
        assert_eq!(text(&html), [P, P, P, P].join("\n\n"));
    }

    #[test]
    fn a_how_to_keeps_its_subheadings_and_linked_steps() {
        // A post that sets its subheading as an <h1> below the first paragraphs, and a list
        // of steps where one step links the file it names.
        let html = format!(
            "<div class=post><h1>Pier delayed</h1><p>{P}</p><p>{P}</p>\
             <h1>How to reach the new pier</h1><ol>\
             <li>Take the ferry from the old harbor to the island.</li>\
             <li>Download <a href=/map.pdf>the map of the new pier</a> as a PDF file.</li>\
             <li>Walk along the quay until you see the crane.</li></ol><p>{P}</p></div>"
        );
        let got = text(&html);
        assert!(!got.starts_with("Pier delayed"), "{got}");
        for part in ["How to reach the new pier", "Download the map of the new pier as a PDF file."]
        {
            assert!(got.contains(part), "{part} missing from {got}");
        }
    }

    #[test]
    fn a_second_copy_of_the_article_is_left_out() {
        // A preview of the story above a subscription box, then the story again in full.
        let q = "Ferries will run every half hour from the new pier once it opens, the harbor \
                 master said, twice as often as from the old one.";
        let html = format!(
            "<div class=story><div class=preview><p>{P}</p><p>{q}</p></div>\
             <div class=full><p>{P}</p><p>{q}</p><p>{P} Later, more.</p></div></div>"
        );
        assert_eq!(text(&html), [P, q, &format!("{P} Later, more.")].join("\n\n"));
    }

    #[test]
    fn a_promotion_longer_than_the_article_stays_out() {
        // A promotion box inside the story holds a whole other feature, twice as long as
        // the story: its name says what it is, and it does not wrap the story.
        let other = "Another feature entirely: the history of the old ferry line, its boats, \
                     its captains and the storms that closed it for good in the winter of 1962.";
        let promo: String = (1..=6).map(|i| format!("<li><p>{other} Part {i}.</p></li>")).collect();
        let html = format!(
            "<div class=story><p>{P}</p><p>{P} Again.</p><p>{P} Once more.</p>\
             <div class=promo_holder><ul>{promo}</ul></div></div>"
        );
        let got = text(&html);
        assert!(got.starts_with(P), "{got}");
        assert!(!got.contains("ferry line"), "{got}");
    }

    #[test]
    fn a_blog_themes_post_footer_is_not_the_text() {
        // The theme's footer line is longer than the post's one short paragraph; it must
        // not draw the container to itself.
        let html = format!(
            "<div class=post><h2>Pier delayed</h2><p>{P}</p></div>\
             <div><a href=/older>Older</a> <a href=/newer>Newer</a></div>\
             <div class=postmetadata><p>This entry was posted on Monday, October 1st, 2012 at \
             9:00 am and is filed under Harbor, Steel, Ferries. You can follow any responses to \
             this entry through the RSS 2.0 feed.</p></div>"
        );
        assert_eq!(text(&html), P);
    }

    #[test]
    fn teasers_that_point_elsewhere_stay_out() {
        // Excerpts of other posts under the post, each cut off with a link to the rest.
        let teaser = |i: usize| {
            format!(
                "<div class=excerpt><p>The council met again on Thursday to argue about the \
                 ferry timetable and the cost of new ropes for the pier, story {i} \
                 <a href=/s/{i}>[...]</a></p></div>"
            )
        };
        let teasers: String = (1..=4).map(teaser).collect();
        let html = format!("<div class=post><p>{P}</p><p>{P} Again.</p>{teasers}</div>");
        assert_eq!(text(&html), [P, &format!("{P} Again.")].join("\n\n"));
        assert!(is_teaser("The council met on Thursday. Read more »"));
        assert!(is_teaser("The council met on Thursday [...]"));
        assert!(!is_teaser("He told me to read more, and I did."));
    }

    #[test]
    fn a_long_copyright_notice_below_the_story_stays_out() {
        let notice = "Harbor News is the official site of the Harbor League. The Harbor League \
                      Shield, the word mark and image of the Harbor Cup and the League logos are \
                      trademarks of the Harbor League and may not be reproduced without consent.";
        let html = format!(
            "<div id=page><div class=story><p>{P}</p><p>{P} Again.</p></div>\
             <div id=c_copyright><div id=copyright>{notice}</div></div></div>"
        );
        assert_eq!(text(&html), [P, &format!("{P} Again.")].join("\n\n"));
    }

    #[test]
    fn teaser_cards_count_once_and_stay_out() {
        let teaser = "<article class=card><h3><a href=/x>Other story headline here</a></h3>\
                      <p>A teaser paragraph long enough to look like prose, but it is one of many cards on the page.</p></article>";
        let html = format!(
            "<main><article><h1>Pier delayed</h1><p>{P}</p><p>{P}</p></article>\
             <section>{}</section></main>",
            teaser.repeat(6)
        );
        assert_eq!(text(&html), [P, P].join("\n\n"));
    }

    #[test]
    fn short_blocks_are_judged_by_their_neighbours() {
        let html = format!(
            "<div><p>{P}</p><h2>What comes next</h2><p>{P}</p>\
             <p>Here is the plan:</p><ul><li>Finish the deck</li><li>Paint the rails</li></ul>\
             <p>{P}</p><p>Advertisement</p>\
             <p>Tags:</p><ul><li><a href=/t/1>Harbor</a></li><li><a href=/t/2>Pier</a></li></ul>\
             <h3>Most read</h3><ul><li><a href=/m/1>A story everyone read today</a></li></ul></div>"
        );
        assert_eq!(
            text(&html),
            [P, "What comes next", P, "Here is the plan:", "Finish the deck", "Paint the rails", P]
                .join("\n\n")
        );
    }

    #[test]
    fn table_rows_stay_on_one_line_and_titles_repeat_out() {
        let html = format!(
            "<div><p>Pier delayed</p><p>{P}</p><table><tr><th>Stage</th><th>Date</th></tr>\
             <tr><td>Deck</td><td>October</td></tr></table><p>{P}</p></div>"
        );
        assert_eq!(text(&html), [P, "Stage | Date", "Deck | October", P].join("\n\n"));
    }

    #[test]
    fn text_in_divs_with_line_breaks() {
        let html = format!(
            "<table><tr><td><a href=/>Home</a></td><td><div>{P}<br><br>{P}<br>{P}</div></td></tr></table>"
        );
        assert_eq!(text(&html), format!("{P}\n\n{P}\n{P}"));
    }
}
