//! Each event's comparison, computed as its articles arrive and kept in the store, so that
//! `chorus event` and the web view read it instead of comparing the articles again.
//!
//! The daemon refreshes the comparisons of events that changed every
//! [`REFRESH_INTERVAL`], a few at a time, on a connection of its own beside the writer's;
//! a view that finds none (a backfill's events, or one that changed a moment ago) computes
//! it, and a command that may write keeps it.

use std::time::{Duration, Instant};

use chorus_compare::{Coverage, CoverageInput};
use chorus_embed::Embedder;
use chorus_model::EventId;
use chorus_store::{EventDetail, Store, StoreError};

use crate::StoredEncoder;

/// How often the daemon looks for events whose comparison is stale.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// The most events compared in one refresh, so that a burst of new articles delays the
/// next look at feeds by little; the rest wait for the next refresh.
const EVENTS_PER_REFRESH: usize = 64;

/// Compares `event`'s original articles (copies would only repeat their originals), with
/// `model` when one is given (sentence vectors looked up in the store and kept there).
pub fn compare_event(store: &mut Store, event: &EventDetail, model: Option<&Embedder>) -> Coverage {
    let inputs: Vec<CoverageInput<'_>> = event
        .originals()
        .map(|a| CoverageInput {
            outlet: a.article.outlet.as_deref().unwrap_or("unknown outlet"),
            text: &a.article.text,
        })
        .collect();
    match model {
        Some(model) => {
            let encoder = StoredEncoder::new(model, store);
            let coverage = chorus_compare::compare(&inputs, Some(&encoder));
            tracing::debug!(
                event = event.summary.id.0,
                embedded = encoder.embedded(),
                "sentences embedded for the comparison"
            );
            coverage
        }
        None => chorus_compare::compare(&inputs, None),
    }
}

/// The comparison of event `id` as kept in the store when it is current (and was made with
/// the model whenever `model` is given); else computed now and kept. `None` when there is
/// no such event.
pub fn event_comparison(
    store: &mut Store,
    id: EventId,
    model: Option<&Embedder>,
) -> Result<Option<(EventDetail, Coverage)>, StoreError> {
    let Some(event) = store.event(id)? else {
        return Ok(None);
    };
    if let Some(kept) = store.comparison(event.summary.id)?
        && (kept.by_meaning || model.is_none())
        && let Ok(coverage) = serde_json::from_str::<Coverage>(&kept.coverage)
    {
        return Ok(Some((event, coverage)));
    }
    let coverage = compute_and_keep(store, &event, model)?;
    Ok(Some((event, coverage)))
}

/// Compares `event` and keeps the result, unless an article joined the event after it was
/// read (the basis then counts more originals than were compared): a comparison raced by
/// the writer is left stale, never kept wrong.
fn compute_and_keep(
    store: &mut Store,
    event: &EventDetail,
    model: Option<&Embedder>,
) -> Result<Coverage, StoreError> {
    let id = event.summary.id;
    let basis = store.comparison_basis(id)?;
    let compared = event.articles.iter().filter(|a| a.duplicate_of.is_none()).count();
    let coverage = compare_event(store, event, model);
    if basis.split(':').next() == Some(compared.to_string().as_str()) {
        // Serialising a plain struct of strings and numbers cannot fail.
        let json = serde_json::to_string(&coverage).unwrap_or_default();
        store.put_comparison(id, &basis, &json, coverage.by_meaning)?;
    }
    Ok(coverage)
}

/// Compares again the events whose articles changed since their comparison (at most
/// 64, most recently changed first, and no longer than `budget`), and
/// keeps the results. Returns how many were compared.
pub fn refresh(
    store: &mut Store,
    model: Option<&Embedder>,
    budget: Duration,
) -> Result<usize, StoreError> {
    let started = Instant::now();
    let mut done = 0;
    for id in store.stale_comparisons(EVENTS_PER_REFRESH, model.is_some())? {
        if started.elapsed() >= budget {
            break;
        }
        // Reading the event again: it may have merged into another since it was listed.
        let Some(event) = store.event(id)? else { continue };
        if event.summary.id != id {
            continue;
        }
        compute_and_keep(store, &event, model)?;
        done += 1;
    }
    if done > 0 {
        tracing::debug!(events = done, "comparisons refreshed");
    }
    Ok(done)
}
