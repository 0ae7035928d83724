//! An extracted article.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::{KeptPage, Ticket, Timestamp};

/// One article: clean text and metadata, whether extracted from a page or read from a
/// JSONL file of pre-extracted articles.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The id the article had in its input file (JSONL backfill); `None` for fetched pages.
    pub input_id: Option<String>,
    /// Where the article was found: the fetched URL after redirects, or the input's `url`.
    pub url: Option<Url>,
    /// The address the page names as its own (`rel=canonical`, `og:url`), if any.
    pub canonical_url: Option<Url>,
    /// The outlet that published it.
    pub outlet: Option<String>,
    /// The headline, without the site-name suffix.
    pub title: String,
    /// The body text: paragraphs separated by blank lines, no page furniture.
    pub text: String,
    /// Author names (people only).
    pub authors: Vec<String>,
    /// Publication time.
    pub published: Option<Timestamp>,
    /// Where `published` came from.
    pub published_source: Option<DateSource>,
    /// Last modification time, when the page gives one.
    pub modified: Option<Timestamp>,
    /// ISO 639-1 language code, when it could be told.
    pub language: Option<String>,
    /// When the page was downloaded (`None` for input files).
    pub fetched_at: Option<Timestamp>,
    /// What kind of page this was, beyond plain article text.
    pub flags: PageFlags,
    /// Name and version of what produced `text` ("chorus-extract 0.1.0+rules.1", or
    /// "input").
    pub extractor: String,
    /// The downloaded page, compressed, for the store to keep beside the article
    /// (`store.keep_raw`); `None` for input records and when pages are not kept. Never
    /// serialized: it travels to the store only.
    #[serde(skip)]
    pub page: Option<Box<KeptPage>>,
    /// The input record's claim on its progress, for a page read from a resumable input:
    /// settled by the stage that finishes with the article (see [`Ticket`]). Never stored.
    #[serde(skip)]
    pub ticket: Option<Ticket>,
}

impl Article {
    /// The time the article is placed at on the timeline: publication if known, else the
    /// download time.
    pub fn time(&self) -> Option<Timestamp> {
        self.published.or(self.fetched_at)
    }
}

/// Where a publication time was read from, most trusted first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// `datePublished` in JSON-LD.
    JsonLd,
    /// `article:published_time` and other OpenGraph properties.
    OpenGraph,
    /// Other `<meta>` tags (`date`, `pubdate`, `dc.date`, …).
    Meta,
    /// A `<time datetime>` element.
    TimeElement,
    /// The feed entry that linked the page.
    Feed,
    /// A date in the URL path (`/2025/09/04/`).
    Url,
    /// The input file's `time` field.
    Input,
}

impl DateSource {
    /// The name used in the database and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::JsonLd => "json_ld",
            DateSource::OpenGraph => "open_graph",
            DateSource::Meta => "meta",
            DateSource::TimeElement => "time_element",
            DateSource::Feed => "feed",
            DateSource::Url => "url",
            DateSource::Input => "input",
        }
    }

    /// The inverse of [`DateSource::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "json_ld" => DateSource::JsonLd,
            "open_graph" => DateSource::OpenGraph,
            "meta" => DateSource::Meta,
            "time_element" => DateSource::TimeElement,
            "feed" => DateSource::Feed,
            "url" => DateSource::Url,
            "input" => DateSource::Input,
            _ => return None,
        })
    }
}

/// Facts about a page that tell users why its text may be missing or partial.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFlags {
    /// The text stops at a paywall, or the page says it is for subscribers.
    pub paywalled: bool,
    /// The page is a cookie-consent or bot-check wall, not the article.
    pub consent_wall: bool,
    /// The page is not an article (section front, tag page, index).
    pub not_article: bool,
    /// Where the article text is on the page was hard to tell (a short text, a box of
    /// links or captions, text far from the page's own summary or apart from its
    /// headline): a second reading was weighed against the first. Worth a look before
    /// trusting the text.
    #[serde(default)]
    pub uncertain: bool,
}

impl PageFlags {
    /// The names of the flags that are set, for display and export.
    pub fn names(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.paywalled {
            out.push("paywalled");
        }
        if self.consent_wall {
            out.push("consent_wall");
        }
        if self.not_article {
            out.push("not_article");
        }
        if self.uncertain {
            out.push("uncertain");
        }
        out
    }

    /// The inverse of [`PageFlags::names`]; unknown names are ignored.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut flags = PageFlags::default();
        for name in names {
            match name {
                "paywalled" => flags.paywalled = true,
                "consent_wall" => flags.consent_wall = true,
                "not_article" => flags.not_article = true,
                "uncertain" => flags.uncertain = true,
                _ => {}
            }
        }
        flags
    }
}
