//! chorus-fetch against a real HTTP server on loopback.

mod formats;
mod golden;
mod pages;
mod properties;
mod stage;
mod util;
