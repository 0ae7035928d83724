//! chorus-fetch against a real HTTP server on loopback.

mod addresses;
mod formats;
mod golden;
mod pages;
mod polite;
mod properties;
mod schedule;
mod stage;
mod util;
