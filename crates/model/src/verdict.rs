//! What the deduplicator decided about an article.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Article, ArticleKey};

/// The id of an event: a group of articles, across outlets, that report one thing that
/// happened. Ids are assigned in order and never reused; an event merged into another
/// keeps resolving to the survivor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub i64);

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The event an article was placed in, as it stands after placing it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRef {
    /// The event.
    pub id: EventId,
    /// The event's representative title now.
    pub title: String,
    /// Events merged into this one by this article (their ids now resolve to `id`).
    pub merged: Vec<EventId>,
}

/// The article is a copy of an earlier one (a wire story reprinted, a syndicated copy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    /// The identity key of the earliest copy.
    pub of: ArticleKey,
    /// How alike the two texts are, 0..=1 (1 for the same normalised text).
    pub similarity: f32,
}

/// The article is the original of a text that arrived before it: an earlier-published
/// story whose reprint was seen first. That reprint, and every copy that pointed at it,
/// now point at this article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Superseded {
    /// The identity key of the article that was taken for the original until now.
    pub key: ArticleKey,
    /// How alike the two texts are, 0..=1.
    pub similarity: f32,
}

/// An article with the deduplicator's verdict: the item the store receives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classified {
    /// The article.
    pub article: Article,
    /// Its identity: the input file's id, else its canonical URL, else a hash of its text.
    pub key: ArticleKey,
    /// Hex xxh3-64 of the normalised text (equal hashes mean the same words).
    pub text_hash: String,
    /// Set when the article is a copy of an earlier one.
    pub duplicate_of: Option<Duplicate>,
    /// Set when the article takes over as the original from a copy that arrived first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Superseded>,
    /// The event it belongs to.
    pub event: EventRef,
}
