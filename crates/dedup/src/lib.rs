//! Chorus's deduplicator and streaming event clusterer.
//!
//! In: [`Article`]s, in arrival order. Out: [`Classified`] articles, each with its identity
//! key, its text hash, whether it copies an earlier article ([`Duplicate`]), and the event
//! it belongs to ([`EventRef`]). Articles seen before (same identity key) are dropped.
//!
//! - **Identity**: [`identity_key`], the canonical URL (tracking parameters, `www.`/`m.`/AMP
//!   variants and fragments folded away by [`chorus_model::canonical_url`]).
//! - **Copies**: the same normalised words ([`text_hash`]), or a near copy (a wire story
//!   reprinted under another headline, lightly edited, or inside other page furniture),
//!   found with MinHash over word 3-shingles and an LSH index. A copy points at the
//!   *earliest* copy and joins its event. A story rewritten in other words is no copy.
//! - **Events**: each article joins the best-scoring event in the time window, or starts
//!   a new one. Articles are TF-IDF term vectors with the headline and lead weighted above
//!   the rest and names and numbers above common words; document frequencies are learned
//!   as articles arrive; similarity decays with the time between articles; candidates come
//!   from an inverted index, never from a scan; the score is the average similarity to the
//!   event's articles less their local scales (how similar each is to its usual
//!   neighbours), which keeps recurring stories apart, and the margin asked of an event
//!   is shared among its articles, so that a report arriving last is not held to more
//!   than one arriving second (see [`Deduper`]). Without any time (some input files),
//!   arrival order is the clock, and the weekdays, months and years the leads name stand
//!   in for publication times.
//!
//! [`Deduper`] owns all the state; [`Deduper::observe`] is a plain synchronous call, and
//! [`run`] is the pipeline stage around it. The part of a decision that needs no state (text
//! analysis) can be done ahead by a [`Preparer`], on another thread: [`run`] does so, and
//! [`Deduper::observe_prepared`] takes the result. Memory is bounded by the window
//! ([`DedupConfig::max_window_articles`], [`DedupConfig::window_hours`]); [`Deduper::footprint`]
//! reports it.
//!
//! Quality and speed are measured on the shared clustering benchmark with
//! `examples/cluster_jsonl.rs` and `benches/observe.rs`; the figures are in
//! [`DedupConfig`].
//!
//! ```
//! use chorus_dedup::{DedupSettings, Deduper, Verdict};
//! use chorus_model::{Article, EventId};
//!
//! let mut deduper = Deduper::new(&DedupSettings::default(), EventId(1));
//! let wire = "Storm Ada made landfall near the port city of Tampico on Monday, bringing \
//!             winds of 180 km/h and heavy rainfall. Authorities evacuated 40,000 people.";
//! let article = |url: &str, title: &str| Article {
//!     url: Some(url.parse().unwrap()),
//!     title: title.to_owned(),
//!     text: wire.to_owned(),
//!     ..Article::default()
//! };
//! let Verdict::New(first) = deduper.observe(article("https://a.test/ada", "Ada hits Tampico"))
//! else { panic!() };
//! assert_eq!(first.event.id, EventId(1));
//!
//! // The same story reprinted elsewhere: a copy of the first, in the same event.
//! let Verdict::New(reprint) =
//!     deduper.observe(article("https://b.test/news/1", "Storm Ada slams Mexico"))
//! else { panic!() };
//! assert_eq!(reprint.duplicate_of.unwrap().of, first.key);
//! assert_eq!(reprint.event.id, EventId(1));
//!
//! // The first page again, under a tracking parameter: the same article.
//! let again = deduper.observe(article("https://a.test/ada?utm_source=rss", "Ada hits Tampico"));
//! assert_eq!(again, Verdict::Known { key: "https://a.test/ada".parse().unwrap() });
//! ```
#![deny(missing_docs)]

mod cluster;
mod config;
mod dates;
mod deduper;
mod english;
mod event;
mod near_dup;
mod prepare;
mod segment;
mod stage;
mod terms;
mod text;

pub use config::{DedupConfig, DedupSettings};
pub use deduper::{Deduper, Footprint, Verdict, identity_key};
pub use prepare::{Prepared, Preparer};
pub use stage::run;
pub use text::text_hash;

#[doc(no_inline)]
pub use chorus_model::{Article, Classified, Duplicate, EventId, EventRef};
