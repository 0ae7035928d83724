//! The store against real SQLite files in temporary directories.

mod util;

mod browse;
mod comparisons;
mod export;
mod open;
mod pages;
mod restore;
mod search;
mod write;
mod writer;
