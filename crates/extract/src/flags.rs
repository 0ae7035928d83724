//! Page flags: why an article's text may be missing or partial.
//!
//! Simple, robust signals only:
//! - paywalled: JSON-LD `isAccessibleForFree: false`, or a `content_tier` of "locked";
//! - consent wall: little text, dominated by cookie/consent wording, or a bot check;
//! - not an article: little text on a page that is mostly links, with nothing (JSON-LD
//!   type, `og:type`, a published time) saying it is an article.

use chorus_model::PageFlags;

/// What flag detection looks at.
#[derive(Clone, Debug, Default)]
pub(crate) struct FlagClues<'a> {
    /// The extracted text.
    pub(crate) text: &'a str,
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

/// Text at most this long may be a wall; longer text is an article that mentions cookies.
const WALL_MAX_CHARS: usize = 1500;

/// Flags for one page.
pub(crate) fn detect(c: &FlagClues<'_>) -> PageFlags {
    let tier = c.content_tier.map(|t| t.trim().to_ascii_lowercase());
    PageFlags {
        paywalled: c.json_ld_paywalled || tier.as_deref() == Some("locked"),
        consent_wall: consent_wall(c),
        not_article: not_article(c),
    }
}

fn consent_wall(c: &FlagClues<'_>) -> bool {
    if c.text.len() > WALL_MAX_CHARS {
        return false;
    }
    let lower = format!("{} {}", c.title, c.text).to_lowercase();
    if BOT_CHECK_CUES.iter().any(|cue| lower.contains(cue)) {
        return true;
    }
    let distinct = CONSENT_CUES.iter().filter(|cue| lower.contains(*cue)).count();
    // Two different consent phrases in a short text, or a page with next to no text whose
    // only words are about cookies.
    distinct >= 2 || distinct >= 1 && c.text.len() < 300
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
        FlagClues { text, min_text_chars: 200, page_chars: 5000, page_link_chars: 1000, ..FlagClues::default() }
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
        let article = "The council voted on Tuesday to fund the bridge repairs. ".repeat(40)
            + "The city's website uses cookies and asks for consent.";
        assert!(!detect(&clues(&article)).consent_wall);
    }

    #[test]
    fn link_pages_without_article_signals_are_not_articles() {
        let index = FlagClues { page_link_chars: 4000, ..clues("Latest news") };
        assert!(detect(&index).not_article);
        assert!(!detect(&FlagClues { article_signals: true, ..index.clone() }).not_article);
        assert!(detect(&FlagClues { listing_type: true, page_link_chars: 0, ..index.clone() }).not_article);
        let long = "A full paragraph of article text. ".repeat(20);
        assert!(!detect(&FlagClues { text: &long, ..index }).not_article);
    }
}
