//! Chorus's pipeline: config loading and validation, channel wiring, shutdown, and run
//! reports. The only library crate that knows every stage.
//!
//! ```text
//!  source ──FeedJob──▶ fetch ──RawPage──▶ extract ──Article──▶ reorder ──Article──▶ dedup ──Classified──▶ store
//!                        └────────────────FeedCheck─────────────────────────────────▶ store
//! ```
//!
//! [`run`] takes [`Settings`] (a [`Config`] file once checked), a [`Source`] and a cancellation token. The daemon
//! (`Source::Feeds { once: false }`), the feed backfill (`once: true`) and the JSONL replay
//! (`Source::Jsonl`) and the sitemap backfill (`Source::Sitemaps`) are the same function;
//! only the source differs.
//!
//! ```
//! use std::path::Path;
//! let settings = chorus_pipeline::Config::parse(
//!     "[[feeds]]\nurl = \"http://127.0.0.1:8080/feed.xml\"\noutlet = \"Example\"\n",
//!     Path::new("inline.toml"),
//! ).unwrap();
//! assert_eq!(settings.feeds[0].spec().outlet, "Example");
//! ```
#![deny(missing_docs)]

mod backfill;
mod comparisons;
mod config;
mod dry_run;
mod error;
mod jsonl;
mod meaning;
mod progress;
mod reextract;
mod reorder;
mod report;
mod run;
mod sitemaps;
mod source;
pub mod warc;

pub use backfill::Backfill;
pub use comparisons::{REFRESH_INTERVAL, compare_event, event_comparison, refresh};
pub use config::{
    Config, ConfigError, ConfigProblem, Feed, FeedConfig, PipelineConfig, PipelineSettings,
    Settings,
};
pub use dry_run::{DryRun, JsonlPlan, PagesPlan, WarcPlan, dry_run};
pub use error::PipelineError;
pub use meaning::StoredEncoder;
pub use progress::{Meter, Progress, Unit};
pub use reextract::reextract;
pub use report::RunReport;
pub use run::{run, run_with_reloads};
pub use sitemaps::SitemapSource;
pub use source::Source;
