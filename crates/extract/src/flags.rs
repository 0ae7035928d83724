//! Page flags: why an article's text may be missing or partial.
//!
//! Simple, robust signals only:
//! - paywalled: JSON-LD `isAccessibleForFree: false`, or a `content_tier` of "locked";
//! - consent wall: little text, dominated by cookie/consent wording, or a bot check;
//! - not an article: little text on a page that is mostly links, with nothing (JSON-LD
//!   type, `og:type`, a published time) saying it is an article.

use chorus_model::PageFlags;

use crate::dom::Doc;

/// What flag detection looks at.
#[derive(Clone, Debug, Default)]
pub(crate) struct FlagClues<'a> {
    /// The extracted text.
    pub(crate) text: &'a str,
    /// The start of all the page's visible text, furniture included (a wall is furniture
    /// by every measure except that it is all there is).
    pub(crate) page_text: &'a str,
    pub(crate) title: &'a str,
    /// Characters of text on the whole page, and of those inside links.
    pub(crate) page_chars: u64,
    pub(crate) page_link_chars: u64,
    /// JSON-LD `isAccessibleForFree: false`.
    pub(crate) json_ld_paywalled: bool,
    /// `article:content_tier` / `content_tier` meta value.
    pub(crate) content_tier: Option<&'a str>,
    /// Something says this is an article (JSON-LD type, `og:type=article`, a published
    /// time in the page's metadata).
    pub(crate) article_signals: bool,
    /// JSON-LD says this is a listing (`CollectionPage`, `SearchResultsPage`…).
    pub(crate) listing_type: bool,
    /// `ExtractConfig::min_text_chars`.
    pub(crate) min_text_chars: usize,
    /// The body reading had doubts (see `body::second`).
    pub(crate) uncertain: bool,
}

/// Consent and bot-check wording. Matched on lower-cased text.
const CONSENT_CUES: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "personal data",
    "privacy policy",
    "privacy settings",
    "our partners",
    "legitimate interest",
    "accept all",
    "reject all",
    "manage preferences",
    "manage options",
    "your choices",
    "we care about your privacy",
    "before you continue",
];

const BOT_CHECK_CUES: &[&str] = &[
    "are you a robot",
    "are you a human",
    "verify you are human",
    "verify that you are human",
    "captcha",
    "checking your browser",
    "just a moment",
    "access denied",
    "enable javascript and cookies",
    "unusual traffic",
];

/// Extracted text at most this long may be a wall; longer text is an article.
const WALL_MAX_CHARS: usize = 1500;

/// A page with more visible text than this is an article page with a banner, not a wall.
const WALL_PAGE_MAX_CHARS: u64 = 3000;

/// The whole visible text of a page small enough to be a wall, else nothing (looking at
/// a big page's text would cost time and could only say "not a wall").
pub(crate) fn small_page_text(doc: &Doc, page_chars: u64) -> String {
    if page_chars > WALL_PAGE_MAX_CHARS {
        return String::new();
    }
    doc.blocks.iter().map(|b| doc.block_text(b)).collect::<Vec<_>>().join(" ")
}

/// Flags for one page.
pub(crate) fn detect(c: &FlagClues<'_>) -> PageFlags {
    let tier = c.content_tier.map(|t| t.trim().to_ascii_lowercase());
    PageFlags {
        paywalled: c.json_ld_paywalled || tier.as_deref() == Some("locked"),
        consent_wall: consent_wall(c),
        not_article: not_article(c),
        uncertain: c.uncertain,
    }
}

fn consent_wall(c: &FlagClues<'_>) -> bool {
    if c.text.len() > WALL_MAX_CHARS || c.page_chars > WALL_PAGE_MAX_CHARS {
        return false;
    }
    let cues = |text: &str| {
        let lower = format!("{} {text}", c.title).to_lowercase();
        let bot = BOT_CHECK_CUES.iter().any(|cue| lower.contains(cue));
        bot || CONSENT_CUES.iter().filter(|cue| lower.contains(*cue)).count() >= 2
    };
    // Either the "article" found is the consent text itself, or there is no article and
    // the little the page says is about consent.
    cues(c.text) || c.text.chars().count() < c.min_text_chars && cues(c.page_text)
}

fn not_article(c: &FlagClues<'_>) -> bool {
    let short = c.text.chars().count() < c.min_text_chars.max(1);
    let linky = c.page_chars > 0 && c.page_link_chars * 2 > c.page_chars;
    short && (c.listing_type || linky && !c.article_signals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clues(text: &str) -> FlagClues<'_> {
        FlagClues {
            text,
            page_text: text,
            min_text_chars: 200,
            page_chars: text.len() as u64 + 200,
            page_link_chars: 100,
            ..FlagClues::default()
        }
    }

    #[test]
    fn paywall_from_json_ld_or_content_tier() {
        assert!(detect(&FlagClues { json_ld_paywalled: true, ..clues("x") }).paywalled);
        assert!(detect(&FlagClues { content_tier: Some("Locked"), ..clues("x") }).paywalled);
        assert!(!detect(&FlagClues { content_tier: Some("free"), ..clues("x") }).paywalled);
    }

    #[test]
    fn consent_walls_and_bot_checks() {
        let wall = "We and our partners use cookies to store and access personal data. Accept all or manage preferences.";
        assert!(detect(&clues(wall)).consent_wall);
        assert!(detect(&FlagClues { title: "Just a moment...", ..clues("") }).consent_wall);
        // The banner is furniture, so the article text is empty; the page text tells.
        let banner = FlagClues { page_text: wall, page_chars: 200, ..clues("") };
        assert!(detect(&banner).consent_wall);
        let big_page = FlagClues { page_text: wall, page_chars: 20_000, ..clues("") };
        assert!(!detect(&big_page).consent_wall);
        let article =
            "The council voted on Tuesday to fund the bridge repairs, ending a long dispute.";
        let with_banner =
            FlagClues { page_text: wall, page_chars: 600, min_text_chars: 50, ..clues(article) };
        assert!(!detect(&with_banner).consent_wall);
        let article = "The council voted on Tuesday to fund the bridge repairs. ".repeat(40)
            + "The city's website uses cookies and asks for consent.";
        assert!(!detect(&clues(&article)).consent_wall);
    }

    #[test]
    fn link_pages_without_article_signals_are_not_articles() {
        let index = FlagClues { page_chars: 5000, page_link_chars: 4000, ..clues("Latest news") };
        assert!(detect(&index).not_article);
        assert!(!detect(&FlagClues { article_signals: true, ..index.clone() }).not_article);
        assert!(
            detect(&FlagClues { listing_type: true, page_link_chars: 0, ..index.clone() })
                .not_article
        );
        let long = "A full paragraph of article text. ".repeat(20);
        assert!(!detect(&FlagClues { text: &long, ..index }).not_article);
    }
}
