//! What each page and API route reads, shared by both: query parameters checked once,
//! then one read on the store.

use chorus_compare::Coverage;
use chorus_model::{ArticleKey, EventId};
use chorus_store::{
    EventDetail, EventOrder, EventSummary, FeedHealth, RunMeaning, SearchHit, Stats, StoreError,
    StoredArticle,
};
use serde::Serialize;
use std::collections::HashMap;

use crate::reader::ReadError;
use crate::server::AppState;
use crate::{MAX_PAGE, MAX_QUERY_CHARS, PAGE_SIZE};

/// Why a route could not answer, as the user should hear it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// 400: the request itself is wrong.
    BadRequest(String),
    /// 404.
    NotFound(String),
    /// 503: the store did not answer.
    Unavailable(String),
}

impl Failure {
    pub(crate) fn status(&self) -> u16 {
        match self {
            Failure::BadRequest(_) => 400,
            Failure::NotFound(_) => 404,
            Failure::Unavailable(_) => 503,
        }
    }

    pub(crate) fn message(&self) -> &str {
        match self {
            Failure::BadRequest(m) | Failure::NotFound(m) | Failure::Unavailable(m) => m,
        }
    }
}

impl From<ReadError> for Failure {
    fn from(e: ReadError) -> Failure {
        match e {
            ReadError::Store(StoreError::BadQuery { query, message }) => {
                Failure::BadRequest(format!("cannot search for {query:?}: {message}"))
            }
            other => {
                tracing::warn!("a read failed: {other}");
                Failure::Unavailable(format!("the database did not answer: {}", chain(&other)))
            }
        }
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// One page of the events list.
#[derive(Debug, Serialize)]
pub struct EventList {
    /// The order asked for; written as the `sort` value that asks for it.
    #[serde(rename = "sort", serialize_with = "sort_name")]
    pub order: EventOrder,
    /// The words asked for, if any.
    pub query: Option<String>,
    /// The page number, from 1.
    pub page: usize,
    /// Whether a next page has events.
    pub more: bool,
    /// The events of this page.
    pub events: Vec<EventSummary>,
}

/// `newest` or `covered`, as `?sort=` says them.
fn sort_name<S: serde::Serializer>(order: &EventOrder, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match order {
        EventOrder::Newest => "newest",
        EventOrder::MostCovered => "covered",
    })
}

/// Reads `?q=` (trimmed; empty is none) and refuses one longer than the cap.
pub(crate) fn query_words(params: &HashMap<String, String>) -> Result<Option<String>, Failure> {
    let Some(q) = params.get("q").map(|q| q.trim()).filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(Failure::BadRequest(format!(
            "the search is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    Ok(Some(q.to_owned()))
}

/// A positive number parameter, at most `max`; absent is `default`.
fn number(
    params: &HashMap<String, String>,
    name: &str,
    default: usize,
    max: usize,
) -> Result<usize, Failure> {
    match params.get(name) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(Failure::BadRequest(format!("{name} must be a whole number from 1 to {max}"))),
        },
    }
}

pub(crate) async fn event_list(
    state: &AppState,
    params: &HashMap<String, String>,
) -> Result<EventList, Failure> {
    let order = match params.get("sort").map(String::as_str) {
        None | Some("" | "newest") => EventOrder::Newest,
        Some("covered") => EventOrder::MostCovered,
        Some(other) => {
            return Err(Failure::BadRequest(format!(
                "sort {other:?} is not known: use newest or covered"
            )));
        }
    };
    let query = query_words(params)?;
    let page = number(params, "page", 1, MAX_PAGE)?;
    let size = number(params, "limit", PAGE_SIZE, crate::MAX_PAGE_SIZE)?;
    let offset = (page - 1) * size;
    let q = query.clone();
    // One more than a page, to know whether there is a next one.
    let mut events = state
        .reader
        .read(move |store| match &q {
            Some(q) => store.search_events(q, order, offset, size + 1),
            None => store.events_page(order, offset, size + 1),
        })
        .await?;
    let more = events.len() > size;
    events.truncate(size);
    Ok(EventList { order, query, page, more, events })
}

/// An event id from the path: a number, else 404.
pub(crate) fn event_id(id: &str) -> Result<EventId, Failure> {
    id.parse::<i64>().map(EventId).map_err(|_| Failure::NotFound(format!("no event {id:?}")))
}

pub(crate) async fn event(
    state: &AppState,
    id: EventId,
) -> Result<(EventDetail, Coverage), Failure> {
    let model = state.model.clone();
    let found = state
        .reader
        .read(move |store| {
            let Some(detail) = store.event(id)? else { return Ok(None) };
            let coverage = crate::event_coverage(store, &detail, model.as_deref());
            Ok(Some((detail, coverage)))
        })
        .await?;
    found.ok_or_else(|| Failure::NotFound(format!("no event {id}")))
}

/// An article, the original it copies (when it is a copy), and its own copies.
pub(crate) struct ArticleView {
    pub(crate) article: StoredArticle,
    pub(crate) original: Option<StoredArticle>,
    pub(crate) copies: Vec<StoredArticle>,
}

pub(crate) async fn article(state: &AppState, id: &str) -> Result<ArticleView, Failure> {
    let missing = || Failure::NotFound(format!("no article {id:?}"));
    let key: ArticleKey = id.parse().map_err(|_| missing())?;
    let found = state
        .reader
        .read(move |store| {
            let Some(article) = store.article(&key)? else { return Ok(None) };
            let original = match &article.duplicate_of {
                Some(of) => store.article(of)?,
                None => None,
            };
            let copies = store.copies_of(&key, crate::MAX_PAGE_SIZE)?;
            Ok(Some(ArticleView { article, original, copies }))
        })
        .await?;
    found.ok_or_else(missing)
}

pub(crate) async fn search(state: &AppState, q: String) -> Result<Vec<SearchHit>, Failure> {
    Ok(state.reader.read(move |store| store.search(&q, PAGE_SIZE)).await?)
}

pub(crate) async fn feeds(
    state: &AppState,
) -> Result<(Vec<FeedHealth>, Option<RunMeaning>), Failure> {
    Ok(state.reader.read(|store| Ok((store.feeds()?, store.meaning()?))).await?)
}

/// Totals, with the size of the file.
#[derive(Debug, Serialize)]
pub(crate) struct StatsView {
    #[serde(flatten)]
    pub(crate) stats: Stats,
    pub(crate) store_bytes: u64,
}

pub(crate) async fn stats(state: &AppState) -> Result<StatsView, Failure> {
    let stats = state.reader.read(|store| store.stats()).await?;
    Ok(StatsView { stats, store_bytes: store_bytes(state) })
}

/// The database file and its write-ahead log, in bytes (0 for what cannot be read).
pub(crate) fn store_bytes(state: &AppState) -> u64 {
    let path = state.reader.path();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [path.to_owned(), wal.into()]
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum()
}
