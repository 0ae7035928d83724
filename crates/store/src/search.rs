//! Full-text search over article titles and texts (SQLite FTS5).

use chorus_model::{ArticleKey, EventId, Timestamp};
use rusqlite::Row;
use serde::Serialize;
use url::Url;

use crate::restore::sql_limit;
use crate::rows::{article_key, parse_time};
use crate::{Store, StoreError};

/// Put around each matched term in [`SearchHit::snippet`].
pub const MATCH_START: &str = "[";
/// See [`MATCH_START`].
pub const MATCH_END: &str = "]";

/// One article found by [`Store::search`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchHit {
    /// The article's key.
    pub key: ArticleKey,
    /// Where it was found.
    pub url: Option<Url>,
    /// The outlet that published it.
    pub outlet: Option<String>,
    /// The headline.
    pub title: String,
    /// Publication time.
    pub published: Option<Timestamp>,
    /// Its event, resolved through merges.
    pub event: Option<EventId>,
    /// A short passage around the best match, terms marked with [`MATCH_START`] and
    /// [`MATCH_END`].
    pub snippet: String,
    /// Relevance (negated FTS5 bm25, title words weighing three times text words): higher
    /// is better; hits come best first.
    pub score: f64,
}

/// How much more a word in the title counts than one in the text.
const TITLE_WEIGHT: f64 = 3.0;

impl Store {
    /// The `limit` articles that best match `query`, best first.
    ///
    /// Plain words just work: each becomes a quoted token and all must occur (in any order,
    /// title or text), so punctuation such as `e-mail` or `Italy's` needs no escaping.
    /// Case and diacritics are ignored. A query that uses FTS5 syntax (`"exact phrase"`,
    /// `AND`/`OR`/`NOT`, `NEAR(…)`, `prefix*`, `title:word`, parentheses) is passed to FTS5
    /// as written, and one FTS5 cannot parse gives [`StoreError::BadQuery`].
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let bad = |message: String| StoreError::BadQuery { query: query.to_owned(), message };
        let Some(fts_query) = fts_query(query) else {
            return Err(bad("there are no words to search for".to_owned()));
        };
        let sql = format!(
            "SELECT a.key, a.url, a.outlet, a.title, a.published, s.id AS event,
                    snippet(articles_fts, -1, '{MATCH_START}', '{MATCH_END}', '…', 24) AS snippet,
                    bm25(articles_fts, {TITLE_WEIGHT}, 1.0) AS rank
             FROM articles_fts
             JOIN articles a ON a.seq = articles_fts.rowid
             LEFT JOIN events e ON e.id = a.event_id
             LEFT JOIN events s ON s.id = COALESCE(e.merged_into, e.id)
             WHERE articles_fts MATCH ?1
             ORDER BY rank, a.seq
             LIMIT ?2"
        );
        run_fts(&self.conn, &sql, query, rusqlite::params![fts_query, sql_limit(limit)], read_hit)
    }
}

/// Runs a statement with an FTS5 `MATCH` and reads every row with `read`; a query FTS5
/// cannot parse is [`StoreError::BadQuery`] for `query`.
pub(crate) fn run_fts<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    query: &str,
    params: impl rusqlite::Params,
    read: impl Fn(&Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let classify = |e| classify_fts_error(query, e);
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params).map_err(classify)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(classify)? {
        out.push(read(row)?);
    }
    Ok(out)
}

/// An error of a statement with an FTS5 `MATCH` for `query`: [`StoreError::BadQuery`] when
/// FTS5 could not read the query, else the SQLite failure it is.
pub(crate) fn classify_fts_error(query: &str, e: rusqlite::Error) -> StoreError {
    // FTS5 parses the query when the statement first steps; its complaints are plain
    // SQLITE_ERRORs, told apart from I/O and locking failures by their code.
    match e.sqlite_error() {
        Some(f) if f.extended_code == rusqlite::ffi::SQLITE_ERROR => StoreError::BadQuery {
            query: query.to_owned(),
            message: e.to_string().trim_start_matches("fts5: ").to_owned(),
        },
        _ => StoreError::from(e),
    }
}

/// The FTS5 query for what the user typed, or `None` when there is nothing to search for.
pub(crate) fn fts_query(query: &str) -> Option<String> {
    let query = query.trim();
    if query.is_empty() {
        return None;
    }
    if uses_fts_syntax(query) {
        return Some(query.to_owned());
    }
    // Each word becomes a string token; FTS5 splits it further as it splits the text, so
    // `e-mail` is the phrase "e mail". A quote inside is doubled, as FTS5 strings want.
    let tokens: Vec<String> =
        query.split_whitespace().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect();
    Some(tokens.join(" "))
}

/// True when the user evidently wrote an FTS5 expression rather than plain words.
fn uses_fts_syntax(query: &str) -> bool {
    if query.contains(['"', '(', ')', '*', '^', '{', '}']) {
        return true;
    }
    query.split_whitespace().any(|word| {
        let lower = word.to_ascii_lowercase();
        matches!(word, "AND" | "OR" | "NOT" | "NEAR")
            || lower.starts_with("title:")
            || lower.starts_with("text:")
    })
}

fn read_hit(row: &Row<'_>) -> Result<SearchHit, StoreError> {
    let key: String = row.get("key")?;
    let url = match row.get::<_, Option<String>>("url")? {
        None => None,
        Some(s) => Some(Url::parse(&s).map_err(|e| StoreError::BadValue {
            column: "articles.url",
            row: key.clone(),
            value: s.clone(),
            reason: e.to_string(),
        })?),
    };
    Ok(SearchHit {
        url,
        outlet: row.get("outlet")?,
        title: row.get("title")?,
        published: parse_time(row.get("published")?, "articles.published", &key)?,
        event: row.get::<_, Option<i64>>("event")?.map(EventId),
        snippet: row.get("snippet")?,
        score: -row.get::<_, f64>("rank")?,
        key: article_key(&key, "articles.key", &key)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_become_quoted_tokens() {
        assert_eq!(fts_query("  italy troops ").as_deref(), Some(r#""italy" "troops""#));
        assert_eq!(fts_query("Italy's e-mail").as_deref(), Some(r#""Italy's" "e-mail""#));
        assert_eq!(fts_query("and or not").as_deref(), Some(r#""and" "or" "not""#));
        assert_eq!(fts_query("10:30").as_deref(), Some(r#""10:30""#));
        assert_eq!(fts_query(" \t "), None);
    }

    #[test]
    fn fts_syntax_is_passed_through() {
        for q in [r#""exact phrase""#, "ital*", "a AND b", "NEAR(a b)", "title:italy", "(a OR b)"] {
            assert_eq!(fts_query(q).as_deref(), Some(q));
        }
    }
}
