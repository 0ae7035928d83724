//! chorus-fetch against a real HTTP server on loopback.

mod formats;
mod pages;
mod stage;
mod util;
