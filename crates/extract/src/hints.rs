//! What an element's class, id, role and tag say about its content.
//!
//! Templates name their furniture: `class="share-tools"`, `id="comments"`,
//! `role="navigation"`. These names are the cheapest signal there is, and the noisiest, so
//! they are only hints: `body.rs` decides how much to trust them (a hinted element that
//! holds the headline is a page wrapper, not furniture).

/// Boilerplate that stays boilerplate however much text it holds: comments, navigation,
/// share bars, related-story lists, newsletter boxes, cookie banners, advertising.
pub(crate) const STRONG: u16 = 1;
/// Boilerplate unless it holds most of the page's prose: sidebars, headers, footers,
/// bylines, captions, date lines. Layout wrappers sometimes carry these names.
pub(crate) const WEAK: u16 = 1 << 1;
/// Named as the article body (`itemprop=articleBody`, `class="article-body"`).
pub(crate) const CONTENT: u16 = 1 << 2;
/// An author line: a place to read authors from, never body text.
pub(crate) const BYLINE: u16 = 1 << 3;
/// A caption or a photo credit.
pub(crate) const CAPTION: u16 = 1 << 4;
/// Comments: the one kind of furniture that can outgrow the article.
pub(crate) const COMMENTS: u16 = 1 << 5;
/// Text meant only for screen readers or never shown.
pub(crate) const HIDDEN: u16 = 1 << 6;
/// A pull quote or a fact box set beside the text.
pub(crate) const ASIDE: u16 = 1 << 7;
/// An author's biography box (below the text, or a pop-up).
pub(crate) const BIO: u16 = 1 << 8;

/// Either kind of boilerplate.
pub(crate) const BOILERPLATE: u16 = STRONG | WEAK;

/// Hints from a whole class or id value, before it is cut into words.
fn whole_name(name: &str) -> u16 {
    // Screen-reader-only text ("Share on Facebook", "Opens in a new window") is invisible.
    const HIDDEN_NAMES: &[&str] = &[
        "sr-only",
        "sr-only-focusable",
        "screen-reader-text",
        "screen-reader-only",
        "screenreader-only",
        "visually-hidden",
        "visuallyhidden",
        "element-invisible",
        "u-hidden-visually",
        "a11y-only",
        "offscreen",
    ];
    // Copies of the article laid out for the printer, shown only on paper: read as well,
    // they would double the text.
    const PRINT_NAMES: &[&str] = &[
        "print-only",
        "printonly",
        "print_only",
        "only-print",
        "visible-print",
        "visible-print-block",
        "print-version",
        "printversion",
        "print-article",
    ];
    if HIDDEN_NAMES.iter().chain(PRINT_NAMES).any(|h| name.eq_ignore_ascii_case(h)) {
        return HIDDEN;
    }
    0
}

/// True for WordPress-style taxonomy classes (`tag-elections`, `category-news`,
/// `post-123`) that name what the post is about, not what the element is.
fn is_taxonomy(name: &str) -> bool {
    // Bytes, not a str slice: the prefix's length may fall inside a character.
    let lower = |p: &str| {
        name.len() > p.len() && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    };
    if ["tag-", "category-", "format-", "status-", "type-"].iter().any(|p| lower(p)) {
        return true;
    }
    // Typepad's `entry-category-…`, `entry-author-…`, `entry-tag-…` on the post itself.
    if ["entry-category-", "entry-author-", "entry-tag-"].iter().any(|p| lower(p)) {
        return true;
    }
    // WordPress's `author-NAME` on the post: the author's name, not an author box, unless
    // what follows names one (`author-bio`, `author-box`).
    if lower("author-") {
        let rest = name.as_bytes()["author-".len()..].to_ascii_lowercase();
        let furniture = rest.len() <= 24 && word(&rest) != 0
            || [b"box".as_slice(), b"info", b"details", b"avatar", b"name", b"link", b"meta"]
                .contains(&rest.as_slice());
        return !furniture;
    }
    ["post-", "postid-"]
        .iter()
        .any(|p| lower(p) && name.as_bytes().get(p.len()).is_some_and(u8::is_ascii_digit))
}

/// Hints from one word of a class or id (ASCII, lower-cased, at most 24 bytes).
fn word(w: &[u8]) -> u16 {
    match w {
        b"comment" | b"comments" | b"commentlist" | b"disqus" | b"respond" | b"replies"
        | b"discussion" | b"livefyre" | b"coral" | b"talk" => STRONG | COMMENTS,
        b"nav" | b"navbar" | b"navigation" | b"menu" | b"submenu" | b"megamenu" | b"breadcrumb"
        | b"breadcrumbs" | b"skiplink" | b"skiplinks" | b"pagination" | b"pager" | b"paging"
        | b"share" | b"sharing" | b"sharebar" | b"shares" | b"sharetools" | b"social"
        | b"socials" | b"sociallinks" | b"related" | b"relatedposts" | b"recommended"
        | b"recommendations" | b"recommend" | b"outbrain" | b"taboola" | b"newsletter"
        | b"newsletters" | b"signup" | b"subscribe" | b"subscription" | b"cookie" | b"cookies"
        | b"consent" | b"gdpr" | b"promo" | b"promos" | b"promotion" | b"advert"
        | b"advertisement" | b"advertising" | b"adsense" | b"adslot" | b"adunit" | b"adwrapper"
        | b"dfp" | b"sponsor" | b"sponsored" | b"trending" | b"popular" | b"mostread"
        | b"mostpopular" | b"tags" | b"taglist" | b"keywords" | b"toolbar" | b"tools"
        | b"login" | b"signin" | b"register" | b"donate" | b"donation" | b"rss" => STRONG,
        b"ad" | b"ads" | b"widget" | b"widgets" | b"sidebar" | b"rail" | b"aside" | b"header"
        | b"masthead" | b"footer" | b"banner" | b"popup" | b"modal" | b"overlay" | b"meta"
        | b"postmeta" | b"entrymeta" | b"date" | b"dates" | b"time" | b"timestamp"
        | b"published" | b"updated" | b"dateline" | b"print" | b"copyright" => WEAK,
        b"byline" | b"bylines" | b"author" | b"authors" | b"writer" | b"contributor"
        | b"auteur" | b"auteurs" | b"autor" | b"autoren" | b"autores" | b"autore" | b"autori" => {
            WEAK | BYLINE
        }
        b"bio" | b"bios" | b"authorbio" | b"biography" => WEAK | BIO,
        b"caption" | b"captions" | b"figcaption" | b"credit" | b"credits" | b"photocredit" => {
            WEAK | CAPTION
        }
        b"pullquote" | b"factbox" | b"infobox" | b"callout" => ASIDE,
        b"articlebody" | b"storybody" | b"articlecontent" | b"storycontent" | b"entrycontent"
        | b"postcontent" | b"postbody" | b"bodytext" | b"articletext" | b"storytext" => CONTENT,
        _ if w.len() > 6 => {
            if w.starts_with(b"advert")
                || w.starts_with(b"sponsor")
                || w.starts_with(b"newsletter")
                || w.starts_with(b"recommend")
                || w.starts_with(b"related")
                || w.starts_with(b"social")
                || w.starts_with(b"cookie")
            {
                STRONG
            } else if w.starts_with(b"comment") {
                STRONG | COMMENTS
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// Words that, followed by a [`is_body_part`] word, name the article text
/// (`article-body`, `story__content`, `entryContent`, `post-text`).
fn is_body_subject(w: &[u8]) -> bool {
    matches!(w, b"article" | b"story" | b"entry" | b"post" | b"news")
}

fn is_body_part(w: &[u8]) -> bool {
    matches!(w, b"body" | b"content" | b"text")
}

/// Hints from a class or id attribute value: whole names first, then each name cut into
/// words at separators and at camelCase joints.
pub(crate) fn from_names(value: &str) -> u16 {
    let mut hint = 0;
    let mut embed = false;
    for name in value.split_ascii_whitespace() {
        hint |= whole_name(name);
        if is_taxonomy(name) {
            continue;
        }
        let mut buf = [0u8; 24];
        let mut len = 0usize;
        let mut overflow = false;
        let mut prev_lower = false;
        let mut prev_subject = false;
        let mut prev_body = false;
        for &c in name.as_bytes().iter().chain(b"-") {
            let boundary = !c.is_ascii_alphanumeric() || (prev_lower && c.is_ascii_uppercase());
            if boundary && len > 0 {
                let w: &[u8] = if overflow { b"" } else { &buf[..len] };
                hint |= word(w);
                embed |= matches!(w, b"embed" | b"embedded" | b"tweet" | b"oembed");
                if prev_subject && is_body_part(w) || prev_body && w == b"text" {
                    hint |= CONTENT;
                }
                prev_subject = is_body_subject(w);
                prev_body = w == b"body";
                len = 0;
                overflow = false;
            }
            if c.is_ascii_alphanumeric() {
                if len < buf.len() {
                    buf[len] = c.to_ascii_lowercase();
                    len += 1;
                } else {
                    overflow = true;
                }
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    if embed {
        // Embedded posts and tweets ("social-media-embed", "article-tweet") are quoted by
        // the author: content, whatever social words surround them.
        hint &= !(STRONG | WEAK);
    }
    hint
}

/// Hints from the element's tag name alone.
pub(crate) fn from_tag(tag: &str) -> u16 {
    match tag {
        "nav" => STRONG,
        "aside" => WEAK | ASIDE,
        "header" | "footer" => WEAK,
        "figcaption" => WEAK | CAPTION,
        _ => 0,
    }
}

/// Hints from ARIA roles.
pub(crate) fn from_role(role: &str) -> u16 {
    match role.trim().to_ascii_lowercase().as_str() {
        "navigation" | "menu" | "menubar" | "search" | "dialog" | "alertdialog" | "banner" => {
            STRONG
        }
        "complementary" | "contentinfo" => WEAK,
        _ => 0,
    }
}

/// Hints from `itemprop`.
pub(crate) fn from_itemprop(prop: &str) -> u16 {
    let mut hint = 0;
    for p in prop.split_ascii_whitespace() {
        hint |= match p {
            "articleBody" | "articlebody" | "text" => CONTENT,
            "author" | "creator" => WEAK | BYLINE,
            "comment" => STRONG | COMMENTS,
            "datePublished" | "dateModified" | "dateCreated" => WEAK,
            "caption" => WEAK | CAPTION,
            _ => 0,
        };
    }
    hint
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_cut_at_separators_and_camel_case() {
        assert_ne!(from_names("article-share-tools") & STRONG, 0);
        assert_ne!(from_names("relatedArticles") & STRONG, 0);
        assert_ne!(from_names("c-comments__list") & COMMENTS, 0);
        assert_eq!(from_names("header-logo-shadow") & STRONG, 0);
        assert_eq!(from_names("loading badge"), 0);
    }

    #[test]
    fn taxonomy_classes_say_nothing() {
        // Regression: a class of non-ASCII letters was sliced inside a character.
        assert_eq!(from_names("ééé nav"), STRONG);
        assert_eq!(from_names("post-123 tag-social-media category-comment"), 0);
        // The post's own classes on WordPress and Typepad name its author and category.
        assert_eq!(
            from_names("post hentry author-jane-doe entry-author-jdoe entry-category-advertising"),
            0
        );
        // An author box named after its author is still one.
        assert_ne!(from_names("author-bio") & BIO, 0);
        assert_ne!(from_names("author-box") & BYLINE, 0);
        assert_ne!(from_names("author-name") & BYLINE, 0);
    }

    #[test]
    fn body_names_are_content() {
        assert_ne!(from_names("article-body"), 0);
        assert_eq!(from_names("article-body") & CONTENT, CONTENT);
        assert_eq!(from_names("entry-content") & CONTENT, CONTENT);
        assert_eq!(from_names("storyContent") & CONTENT, CONTENT);
        assert_eq!(from_names("sr-only"), HIDDEN);
    }

    #[test]
    fn copyright_boxes_and_print_sections_are_weak() {
        // A site's copyright notice is furniture, but only weakly named: a box that holds
        // most of the prose is still read (a recipe's print section is its content).
        assert_eq!(from_names("c_copyright"), WEAK);
        assert_eq!(from_names("print-this-content"), WEAK);
    }

    #[test]
    fn print_copies_are_hidden() {
        assert_eq!(from_names("print-only article-copy") & HIDDEN, HIDDEN);
        assert_eq!(from_names("print-version") & HIDDEN, HIDDEN);
        assert_eq!(from_names("visible-print-block") & HIDDEN, HIDDEN);
        // A print button is a tool, not a hidden copy.
        assert_eq!(from_names("print-button") & HIDDEN, 0);
        assert_eq!(from_names("screen-only"), 0);
    }

    #[test]
    fn bylines_in_other_languages() {
        assert_ne!(from_names("auteur") & BYLINE, 0);
        assert_ne!(from_names("article-autor") & BYLINE, 0);
        assert_ne!(from_names("autore-nome") & BYLINE, 0);
    }
}
