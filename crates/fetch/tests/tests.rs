//! chorus-fetch against a real HTTP server on loopback.

mod formats;
mod pages;
mod properties;
mod schedule;
mod stage;
mod util;
