//! The ground truth: which outlets exist, which events happened, and every story each
//! outlet published about them.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::{outlets, stories};

/// The first simulated day. Every story is published on this day or one of the six after.
pub const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2025, 9, 1) {
    Some(d) => d,
    None => panic!("2025-09-01 is a valid date"),
};

/// How many simulated days the catalog spans (2025-09-01 ..= 2025-09-07).
pub const DAYS: u32 = 7;

/// The whole simulated web: outlets, events and stories.
///
/// Tests read it as the expected answer: which articles exist, which outlet published
/// them, which event each one reports, and which are copies of another.
#[derive(Debug)]
pub struct Catalog {
    /// Every outlet, in a fixed order (the order of listeners in multi-host mode).
    pub outlets: Vec<Outlet>,
    /// Every event, in chronological order of its first story.
    pub events: Vec<Event>,
    /// Every story of every outlet, oldest first.
    pub stories: Vec<Story>,
}

/// A news outlet: a name, a site template and a feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outlet {
    /// The path prefix of all its pages ("harbor-gazette": pages live under
    /// `/harbor-gazette/...`).
    pub slug: &'static str,
    /// The display name, as in `<title>` suffixes and `[[feeds]]` entries.
    pub name: &'static str,
    /// The kind of site it imitates, which fixes its page template and URL shape.
    pub cms: Cms,
    /// The format of its feed.
    pub feed_format: FeedFormat,
    /// The feed's path on the outlet's host, including the slug prefix.
    pub feed_path: &'static str,
    /// Strings of the template (navigation labels, cookie text, share labels, reader
    /// comments, footer, masthead) that appear on every article page of the outlet and
    /// must never appear in text extracted from it.
    pub furniture: &'static [&'static str],
}

/// The content-management system an outlet's pages imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cms {
    /// A WordPress theme: `entry-content`, Jetpack share and related-post blocks,
    /// `/2025/09/04/slug/` URLs.
    WordPress,
    /// An Arc XP (Fusion) site: JSON-LD, `b-` and `c-` class names, inline advertising
    /// slots between paragraphs.
    Arc,
    /// A Drupal site: `node--type-article`, `field--name-body`, `/news/slug` aliases.
    Drupal,
    /// A local television station's site: station masthead, section label, video player.
    TvStation,
    /// A wire service's site: `Page-` and `RichTextStoryBody` classes, hashed URLs.
    Wire,
    /// A tabloid: shouting headlines, a "related articles" box inside the body.
    Tabloid,
}

/// The syndication format of an outlet's feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    /// RSS 2.0 (`application/rss+xml`).
    Rss,
    /// Atom 1.0 (`application/atom+xml`).
    Atom,
    /// JSON Feed 1.1 (`application/feed+json`).
    JsonFeed,
}

/// Something that happened, reported by two to five outlets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// A stable key ("italy-troops", "storm-a", …) that stories refer to.
    pub key: &'static str,
    /// One line saying what happened, for people reading test output.
    pub description: &'static str,
}

/// One article of one outlet about one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Story {
    /// Unique across the catalog; the last part of the article's URL.
    pub slug: &'static str,
    /// The [`Outlet::slug`] of the outlet that published it.
    pub outlet: &'static str,
    /// The [`Event::key`] of the event it reports.
    pub event: &'static str,
    /// The headline, without any site-name suffix.
    pub title: &'static str,
    /// The byline: one person's name.
    pub author: &'static str,
    /// The site section it is filed under ("world", "business", …); lower case.
    pub section: &'static str,
    /// Publication time; also decides on which simulated day the story is released.
    pub published: DateTime<Utc>,
    /// The body, one paragraph per element, exactly as on the page (before HTML
    /// escaping).
    pub paragraphs: &'static [&'static str],
    /// For a wire story reprinted word for word: the slug of the original, which is the
    /// copy published first.
    pub reprint_of: Option<&'static str>,
    /// Tracking parameters the outlet's feed appends to this story's link
    /// (`utm_source=rss&utm_medium=feed`); the page itself names the URL without them.
    pub feed_link_query: Option<&'static str>,
}

impl Story {
    /// The simulated day the story belongs to: 0 for 2025-09-01, up to [`DAYS`] - 1.
    pub fn day(&self) -> u32 {
        let days = (self.published.date_naive() - FIRST_DAY).num_days();
        u32::try_from(days).unwrap_or(0)
    }

    /// The whole body as plain text: paragraphs separated by blank lines.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// A stable number for the story, used where a CMS puts a numeric id in its markup
    /// or URLs (`postid-…`, `article-…`). FNV-1a of the slug, so it does not change when
    /// stories are added.
    pub fn number(&self) -> u32 {
        let mut hash: u32 = 0x811c_9dc5;
        for b in self.slug.bytes() {
            hash ^= u32::from(b);
            hash = hash.wrapping_mul(0x0100_0193);
        }
        // Six or seven digits, like real CMS ids.
        100_000 + hash % 9_000_000
    }
}

impl Outlet {
    /// The path of a story's page on this outlet's host, in this outlet's URL shape.
    pub fn article_path(&self, story: &Story) -> String {
        let date = story.published.format("%Y/%m/%d");
        let (outlet, slug, section) = (self.slug, story.slug, story.section);
        match self.cms {
            Cms::WordPress => format!("/{outlet}/{date}/{slug}/"),
            Cms::Arc => format!("/{outlet}/{section}/{date}/{slug}"),
            Cms::Drupal => format!("/{outlet}/news/{slug}"),
            Cms::TvStation => format!("/{outlet}/news/{section}/{slug}"),
            Cms::Wire => format!("/{outlet}/article/{slug}-{:08x}", story.number()),
            Cms::Tabloid => format!("/{outlet}/news/article-{}/{slug}.html", story.number()),
        }
    }

    /// The path of the outlet's front page (a list of headlines, not an article).
    pub fn front_path(&self) -> String {
        format!("/{}/", self.slug)
    }
}

impl Catalog {
    /// The outlet with this slug.
    pub fn outlet(&self, slug: &str) -> Option<&Outlet> {
        self.outlets.iter().find(|o| o.slug == slug)
    }

    /// The event with this key.
    pub fn event(&self, key: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.key == key)
    }

    /// The story with this slug.
    pub fn story(&self, slug: &str) -> Option<&Story> {
        self.stories.iter().find(|s| s.slug == slug)
    }

    /// The stories of one outlet, oldest first.
    pub fn stories_of<'a>(&'a self, outlet: &str) -> impl Iterator<Item = &'a Story> {
        self.stories.iter().filter(move |s| s.outlet == outlet)
    }

    /// The stories reporting one event, oldest first.
    pub fn stories_about<'a>(&'a self, event: &str) -> impl Iterator<Item = &'a Story> {
        self.stories.iter().filter(move |s| s.event == event)
    }

    /// Every broken invariant of the catalog, as messages; empty when all hold.
    ///
    /// The invariants are what tests of other crates rely on: at least six outlets and
    /// twelve events, every feed format present, each event covered by two to five
    /// outlets, unique slugs and URLs, known references, reprints identical to their
    /// earlier original, and no outlet furniture inside any of its stories.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.outlets.len() < 6 {
            out.push(format!("only {} outlets", self.outlets.len()));
        }
        if self.events.len() < 12 {
            out.push(format!("only {} events", self.events.len()));
        }
        for format in [FeedFormat::Rss, FeedFormat::Atom, FeedFormat::JsonFeed] {
            if !self.outlets.iter().any(|o| o.feed_format == format) {
                out.push(format!("no outlet has a {format:?} feed"));
            }
        }
        let mut slugs = HashSet::new();
        let mut paths = HashSet::new();
        for story in &self.stories {
            if !slugs.insert(story.slug) {
                out.push(format!("story slug {} used twice", story.slug));
            }
            out.extend(self.story_problems(story, &mut paths));
        }
        for event in &self.events {
            let outlets: HashSet<&str> = self.stories_about(event.key).map(|s| s.outlet).collect();
            if !(2..=5).contains(&outlets.len()) {
                out.push(format!("event {} has {} outlets", event.key, outlets.len()));
            }
        }
        out
    }

    fn story_problems(&self, story: &Story, paths: &mut HashSet<String>) -> Vec<String> {
        let mut out = Vec::new();
        let slug = story.slug;
        let Some(outlet) = self.outlet(story.outlet) else {
            return vec![format!("story {slug}: unknown outlet {}", story.outlet)];
        };
        if self.event(story.event).is_none() {
            out.push(format!("story {slug}: unknown event {}", story.event));
        }
        if !paths.insert(outlet.article_path(story)) {
            out.push(format!("story {slug}: URL used twice"));
        }
        if story.day() >= DAYS || story.published.date_naive() < FIRST_DAY {
            out.push(format!("story {slug}: published outside the simulated week"));
        }
        if story.paragraphs.len() < 4 {
            out.push(format!("story {slug}: fewer than 4 paragraphs"));
        }
        if let Some(original) = story.reprint_of {
            match self.story(original) {
                Some(o) if o.paragraphs != story.paragraphs => {
                    out.push(format!("reprint {slug}: text differs from {original}"))
                }
                Some(o) if o.published >= story.published => {
                    out.push(format!("reprint {slug}: not later than {original}"))
                }
                Some(_) => {}
                None => out.push(format!("reprint {slug}: unknown original {original}")),
            }
        }
        for piece in outlet.furniture {
            let hit =
                story.title.contains(piece) || story.paragraphs.iter().any(|p| p.contains(piece));
            if hit {
                out.push(format!("story {slug}: contains furniture {piece:?}"));
            }
        }
        out
    }
}

/// The catalog, built once on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
        let mut stories: Vec<Story> = stories::ALL.iter().flat_map(|s| s.iter().copied()).collect();
        stories.sort_by_key(|s| (s.published, s.slug));
        Catalog { outlets: outlets::OUTLETS.to_vec(), events: stories::EVENTS.to_vec(), stories }
    });
    &CATALOG
}

/// A time on a simulated day, in UTC: `at(4, 15, 10)` is 2025-09-04T15:10:00Z. Evaluated
/// at compile time in the story tables, so a wrong date fails the build.
pub(crate) const fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    let Some(date) = NaiveDate::from_ymd_opt(2025, 9, day) else { panic!("bad day") };
    let Some(time) = NaiveTime::from_hms_opt(hour, minute, 0) else { panic!("bad time") };
    DateTime::from_naive_utc_and_offset(NaiveDateTime::new(date, time), Utc)
}
