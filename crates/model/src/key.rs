//! An article's identity key: what says two records are the same article.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

/// The identity of an article, in order of preference: the id an input file gave it, else
/// its canonical URL ([`crate::canonical_url`]), else a hash of its text. Two records with
/// one key are one article; the second is not stored again.
///
/// It is written as text where it is stored or exported: `input:<id>`, the URL, or
/// `text:<hash>` (16 lowercase hex digits). [`ArticleKey::from_str`] reads that form
/// back; the three never collide, since an address is never taken as a key when its
/// scheme is `input` or `text` ([`ArticleKey::url`]).
///
/// ```
/// use chorus_model::ArticleKey;
/// let url: ArticleKey = "https://example.test/story".parse().unwrap();
/// assert!(matches!(url, ArticleKey::Url(_)));
/// let input: ArticleKey = "input:42".parse().unwrap();
/// assert_eq!(input, ArticleKey::Input("42".into()));
/// assert_eq!(input.to_string(), "input:42");
/// assert!("text:xyz".parse::<ArticleKey>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArticleKey {
    /// A record of an input file, by the id the file gave it (never empty).
    Input(String),
    /// A page, by its canonical address.
    Url(Url),
    /// An article with neither: the xxh3-64 of its normalised text (or of its headline when
    /// the body has no words).
    Text(u64),
}

/// Text that is not an [`ArticleKey`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an article key (input:<id>, an absolute URL, or text:<16 hex digits>)")]
pub struct BadKey(pub String);

impl ArticleKey {
    /// The hash form's length, in hex digits.
    const HASH_DIGITS: usize = 16;

    /// The key of an address, unless its scheme is `input` or `text`: written out, such
    /// an address would read back as the other kinds of key.
    pub fn url(url: Url) -> Option<ArticleKey> {
        (!matches!(url.scheme(), "input" | "text")).then_some(ArticleKey::Url(url))
    }

    /// Reads the hash form's digits: exactly 16 lowercase hex digits.
    fn text(hash: &str) -> Option<ArticleKey> {
        let ok = hash.len() == Self::HASH_DIGITS
            && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| u64::from_str_radix(hash, 16).ok().map(ArticleKey::Text)).flatten()
    }
}

impl fmt::Display for ArticleKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArticleKey::Input(id) => write!(f, "input:{id}"),
            ArticleKey::Url(url) => f.write_str(url.as_str()),
            ArticleKey::Text(hash) => write!(f, "text:{hash:016x}"),
        }
    }
}

impl FromStr for ArticleKey {
    type Err = BadKey;

    fn from_str(s: &str) -> Result<ArticleKey, BadKey> {
        if let Some(id) = s.strip_prefix("input:") {
            return if id.is_empty() {
                Err(BadKey(s.to_owned()))
            } else {
                Ok(ArticleKey::Input(id.to_owned()))
            };
        }
        if let Some(hash) = s.strip_prefix("text:") {
            return ArticleKey::text(hash).ok_or_else(|| BadKey(s.to_owned()));
        }
        Url::parse(s).ok().and_then(ArticleKey::url).ok_or_else(|| BadKey(s.to_owned()))
    }
}

impl Serialize for ArticleKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ArticleKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_back_from_its_text() {
        for key in [
            ArticleKey::Input("a:1".into()),
            ArticleKey::Url(Url::parse("https://example.test/a?id=7").unwrap()),
            ArticleKey::Text(0x00ff_00ff_00ff_00ff),
        ] {
            assert_eq!(key.to_string().parse::<ArticleKey>().unwrap(), key);
            let json = serde_json::to_string(&key).unwrap();
            assert_eq!(serde_json::from_str::<ArticleKey>(&json).unwrap(), key);
        }
    }

    #[test]
    fn malformed_keys_are_refused() {
        for bad in ["input:", "text:00FF00FF00FF00FF", "text:1234", "/story", "story", ""] {
            assert!(bad.parse::<ArticleKey>().is_err(), "{bad}");
        }
    }
}
