//! SQL rows to model values and back: the one place that knows how columns are encoded.
//!
//! Times are RFC 3339 text in UTC with exactly six fractional digits, so text order is time
//! order (`MIN`, `MAX`, `ORDER BY` work on the column as stored). Lists are JSON arrays.

use chorus_model::{
    Article, ArticleKey, BadKey, Classified, DateSource, Duplicate, EventId, EventRef, PageFlags,
    Timestamp,
};
use chrono::{SecondsFormat, Utc};
use rusqlite::Row;
use url::Url;

use crate::StoreError;
use crate::export::ExportRow;
use crate::query::StoredArticle;

/// The current time, as the store records it.
pub(crate) fn now() -> Timestamp {
    Utc::now()
}

/// A time as stored: `2025-09-04T10:30:00.000000Z`. Finer than microseconds is dropped.
pub(crate) fn format_time(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The columns every article read selects, from `articles a` with its event resolved
/// through merges (`event`, `event_title`). `FROM`/`JOIN` come from [`ARTICLE_FROM`].
pub(crate) const ARTICLE_COLUMNS: &str = "a.seq, a.key, a.input_id, a.url, a.canonical_url, \
     a.outlet, a.title, a.text, a.authors, a.published, a.published_source, a.modified, \
     a.language, a.fetched_at, a.flags, a.extractor, a.text_hash, a.duplicate_of, \
     a.duplicate_similarity, s.id AS event, s.title AS event_title";

/// The tables behind [`ARTICLE_COLUMNS`]. The second join resolves a merged event to its
/// survivor, although writes already move members on a merge: a hand-edited file stays
/// readable.
pub(crate) const ARTICLE_FROM: &str = "FROM articles a \
     LEFT JOIN events e ON e.id = a.event_id \
     LEFT JOIN events s ON s.id = COALESCE(e.merged_into, e.id)";

/// The time an article sits at on the timeline, in SQL: published, else fetched, else when
/// it was stored (input records may have no time at all).
pub(crate) const ARTICLE_TIME: &str = "COALESCE(a.published, a.fetched_at, a.stored_at)";

/// Reads a row selected with [`ARTICLE_COLUMNS`] into an [`Article`].
pub(crate) fn read_article(row: &Row<'_>) -> Result<Article, StoreError> {
    let key: String = row.get("key")?;
    let published_source = match row.get::<_, Option<String>>("published_source")? {
        None => None,
        Some(s) => Some(DateSource::parse(&s).ok_or_else(|| StoreError::BadValue {
            column: "articles.published_source",
            row: key.clone(),
            value: s.clone(),
            reason: "not a known date source".to_owned(),
        })?),
    };
    Ok(Article {
        input_id: row.get("input_id")?,
        url: url(row, "url", "articles.url", &key)?,
        canonical_url: url(row, "canonical_url", "articles.canonical_url", &key)?,
        outlet: row.get("outlet")?,
        title: row.get("title")?,
        text: row.get("text")?,
        authors: list(row, "authors", "articles.authors", &key)?,
        published: time(row, "published", "articles.published", &key)?,
        published_source,
        modified: time(row, "modified", "articles.modified", &key)?,
        language: row.get("language")?,
        fetched_at: time(row, "fetched_at", "articles.fetched_at", &key)?,
        flags: PageFlags::from_names(
            list(row, "flags", "articles.flags", &key)?.iter().map(String::as_str),
        ),
        extractor: row.get("extractor")?,
        page: None,
        ticket: None,
    })
}

/// Reads a row selected with [`ARTICLE_COLUMNS`] back into the [`Classified`] that was
/// written, except that the event is as it stands now: resolved through merges, with its
/// current title, and no merges of its own.
pub(crate) fn read_classified(row: &Row<'_>) -> Result<Classified, StoreError> {
    let key: String = row.get("key")?;
    let article = read_article(row)?;
    let (Some(id), Some(title)) =
        (row.get::<_, Option<i64>>("event")?, row.get::<_, Option<String>>("event_title")?)
    else {
        return Err(StoreError::BadValue {
            column: "articles.event_id",
            row: key,
            value: "NULL".to_owned(),
            reason: "the article belongs to no stored event".to_owned(),
        });
    };
    Ok(Classified {
        article,
        duplicate_of: duplicate(row, &key)?,
        supersedes: None,
        text_hash: row.get("text_hash")?,
        key: article_key(&key, "articles.key", &key)?,
        event: EventRef { id: EventId(id), title, merged: Vec::new() },
    })
}

/// Reads a row selected with [`ARTICLE_COLUMNS`] into a [`StoredArticle`].
pub(crate) fn read_stored(row: &Row<'_>) -> Result<StoredArticle, StoreError> {
    let key: String = row.get("key")?;
    let a = read_article(row)?;
    let dup = duplicate(row, &key)?;
    Ok(StoredArticle {
        key: article_key(&key, "articles.key", &key)?,
        article: a,
        similarity: dup.as_ref().map(|d| d.similarity),
        duplicate_of: dup.map(|d| d.of),
        event: row.get::<_, Option<i64>>("event")?.map(EventId),
    })
}

/// Reads a row selected with [`ARTICLE_COLUMNS`] plus `stored_at` and `duplicate_export_id`
/// (the exported id of the original) into an [`ExportRow`].
pub(crate) fn read_export(row: &Row<'_>) -> Result<ExportRow, StoreError> {
    let key: String = row.get("key")?;
    let a = read_article(row)?;
    let dup = duplicate(row, &key)?;
    // The column is NOT NULL; a bad value is a hand edit, reported like any other.
    let stored_at =
        parse_time(row.get("stored_at")?, "articles.stored_at", &key)?.ok_or_else(|| {
            StoreError::BadValue {
                column: "articles.stored_at",
                row: key.clone(),
                value: "NULL".to_owned(),
                reason: "every article has the time it was stored".to_owned(),
            }
        })?;
    Ok(ExportRow {
        id: a.input_id.unwrap_or(key),
        url: a.url.map(String::from),
        canonical_url: a.canonical_url.map(String::from),
        outlet: a.outlet,
        title: a.title,
        published: a.published,
        published_source: a.published_source.map(|s| s.as_str().to_owned()),
        authors: a.authors,
        language: a.language,
        text: a.text,
        event: row.get::<_, Option<i64>>("event")?.map(EventId),
        duplicate_similarity: dup.map(|d| d.similarity),
        duplicate_of: row.get("duplicate_export_id")?,
        fetched_at: a.fetched_at,
        stored_at,
        extractor: a.extractor,
        flags: a.flags.names().into_iter().map(str::to_owned).collect(),
    })
}

/// The values of one `articles` row, encoded for binding.
pub(crate) struct ArticleParams<'a> {
    pub(crate) url: Option<&'a str>,
    pub(crate) canonical_url: Option<&'a str>,
    pub(crate) authors: String,
    pub(crate) published: Option<String>,
    pub(crate) published_source: Option<&'static str>,
    pub(crate) modified: Option<String>,
    pub(crate) fetched_at: Option<String>,
    pub(crate) flags: String,
    pub(crate) key: String,
    pub(crate) duplicate_of: Option<String>,
    pub(crate) similarity: Option<f64>,
}

impl<'a> ArticleParams<'a> {
    /// Encodes the columns of `c` that are not plain text.
    pub(crate) fn new(c: &'a Classified) -> Self {
        let a = &c.article;
        ArticleParams {
            url: a.url.as_ref().map(Url::as_str),
            canonical_url: a.canonical_url.as_ref().map(Url::as_str),
            authors: json_list(a.authors.iter().map(String::as_str)),
            published: a.published.as_ref().map(format_time),
            published_source: a.published_source.map(DateSource::as_str),
            modified: a.modified.as_ref().map(format_time),
            fetched_at: a.fetched_at.as_ref().map(format_time),
            flags: json_list(a.flags.names()),
            key: c.key.to_string(),
            duplicate_of: c.duplicate_of.as_ref().map(|d| d.of.to_string()),
            similarity: c.duplicate_of.as_ref().map(|d| clamp_similarity(d.similarity)),
        }
    }
}

/// A similarity fit to store: SQLite turns NaN into NULL, which would break the rule that
/// a duplicate always has a similarity, so a NaN is stored as 0.
pub(crate) fn clamp_similarity(s: f32) -> f64 {
    if s.is_nan() { 0.0 } else { f64::from(s.clamp(0.0, 1.0)) }
}

fn json_list<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    // Serializing a list of strings cannot fail.
    serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_owned())
}

/// Reads the copy status of the article stored under `key`.
fn duplicate(row: &Row<'_>, key: &str) -> Result<Option<Duplicate>, StoreError> {
    let of: Option<String> = row.get("duplicate_of")?;
    let similarity: Option<f64> = row.get("duplicate_similarity")?;
    // The table's CHECK keeps the two NULL together.
    let Some(of) = of else { return Ok(None) };
    let of = article_key(&of, "articles.duplicate_of", key)?;
    Ok(Some(Duplicate { of, similarity: similarity.unwrap_or(1.0) as f32 }))
}

/// Parses a stored identity key; `column` and `row` name it in the error.
pub(crate) fn article_key(
    value: &str,
    column: &'static str,
    row: &str,
) -> Result<ArticleKey, StoreError> {
    value.parse().map_err(|e: BadKey| StoreError::BadValue {
        column,
        row: row.to_owned(),
        value: value.to_owned(),
        reason: e.to_string(),
    })
}

/// Parses a stored time; `column` and `row` name it in the error. The store writes
/// [`format_time`]'s form; a time edited by hand into another form is read by the rule
/// every date is read by ([`chorus_text::parse_timestamp`]).
pub(crate) fn parse_time(
    value: Option<String>,
    column: &'static str,
    row: &str,
) -> Result<Option<Timestamp>, StoreError> {
    let Some(s) = value else { return Ok(None) };
    match chorus_text::parse_timestamp(&s) {
        Some(t) => Ok(Some(t)),
        None => Err(StoreError::BadValue {
            column,
            row: row.to_owned(),
            value: s,
            reason: "not a date or time".to_owned(),
        }),
    }
}

fn time(
    row: &Row<'_>,
    name: &str,
    column: &'static str,
    key: &str,
) -> Result<Option<Timestamp>, StoreError> {
    parse_time(row.get(name)?, column, key)
}

fn url(
    row: &Row<'_>,
    name: &str,
    column: &'static str,
    key: &str,
) -> Result<Option<Url>, StoreError> {
    let Some(s) = row.get::<_, Option<String>>(name)? else { return Ok(None) };
    match Url::parse(&s) {
        Ok(u) => Ok(Some(u)),
        Err(e) => Err(StoreError::BadValue {
            column,
            row: key.to_owned(),
            value: s,
            reason: e.to_string(),
        }),
    }
}

fn list(
    row: &Row<'_>,
    name: &str,
    column: &'static str,
    key: &str,
) -> Result<Vec<String>, StoreError> {
    let s: String = row.get(name)?;
    serde_json::from_str(&s).map_err(|e| StoreError::BadValue {
        column,
        row: key.to_owned(),
        value: s.clone(),
        reason: format!("not a JSON array of strings: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn t(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn stored_times_sort_as_text_in_time_order() {
        let times = [
            t("2025-09-04T10:00:00Z"),
            t("2025-09-04T10:00:00.5Z"),
            t("2025-09-04T10:00:01Z"),
            t("2025-09-04T12:00:00+01:00"),
            t("2025-09-04T11:30:00Z"),
        ];
        let mut by_text: Vec<String> = times.iter().map(format_time).collect();
        by_text.sort();
        let mut by_time = times.to_vec();
        by_time.sort();
        let by_time: Vec<String> = by_time.iter().map(format_time).collect();
        assert_eq!(by_text, by_time);
        assert_eq!(format_time(&times[0]), "2025-09-04T10:00:00.000000Z");
    }

    #[test]
    fn times_round_trip_and_bad_ones_name_their_column() {
        let when = t("2025-09-04T10:00:00.123456Z");
        let back = parse_time(Some(format_time(&when)), "articles.published", "k").unwrap();
        assert_eq!(back, Some(when));
        let err = parse_time(Some("yesterday".into()), "articles.published", "k").unwrap_err();
        assert!(err.to_string().contains("articles.published"), "{err}");
        // A hand-edited bare date is readable.
        let day = parse_time(Some("2025-09-04".into()), "articles.published", "k").unwrap();
        assert_eq!(day, Some(t("2025-09-04T00:00:00Z")));
    }

    #[test]
    fn similarity_is_always_storable() {
        assert_eq!(clamp_similarity(f32::NAN), 0.0);
        assert_eq!(clamp_similarity(1.5), 1.0);
        assert_eq!(clamp_similarity(0.25), 0.25);
    }
}
