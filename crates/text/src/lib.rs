//! Lenient readers for the text that outlets write, with one rule each wherever Chorus
//! reads it.
//!
//! Feeds, sitemaps, pages, input files and the database all carry dates, and feeds and
//! pages carry HTML where plain text was meant. Each reader here is the single rule for
//! its format, so a date that a sitemap gives is read exactly as the same date in a page's
//! `<meta>` tag or in a JSONL record:
//!
//! - [`parse_timestamp`]: a date or time in any of the forms news sites write (RFC 3339 and
//!   its loose variants, RFC 2822, bare dates, Unix times, English text), as UTC.
//! - [`decode_entities`] and [`strip_tags`]: HTML text to plain text.
//! - [`may_be_html`]: whether a `Content-Type` can label an HTML page.
//!
//! Text in, values out: no I/O, no state, no dependency on the rest of Chorus (the crate
//! sits beside `chorus-model` at the bottom of the graph).
//!
//! ```
//! use chorus_text::{decode_entities, may_be_html, parse_timestamp};
//!
//! let t = parse_timestamp("Thu, 04 Sep 2025 10:30:00 +0200").unwrap();
//! assert_eq!(t.to_rfc3339(), "2025-09-04T08:30:00+00:00");
//! assert_eq!(decode_entities("Rock &amp; roll"), "Rock & roll");
//! assert!(may_be_html("application/xhtml+xml; charset=utf-8"));
//! assert!(!may_be_html("image/svg+xml"));
//! ```
#![deny(missing_docs)]

mod date;
mod english;
mod html;
mod media_type;

pub use date::parse_timestamp;
pub use english::{Doubled, STOPWORDS, is_stopword, stem};
pub use html::{decode_entities, strip_tags};
pub use media_type::may_be_html;
