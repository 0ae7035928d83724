//! End-to-end tests of the `chorus` binary: a real newsroom on loopback, real SQLite files
//! in temp dirs, the binary run as a user runs it. Grouped by topic.

mod util;

mod backfill;
mod compare;
mod config_files;
mod daemon;
mod export;
mod extract;
mod faults;
mod jsonl;
mod operations;
mod probe;
mod queries;
mod raw;
mod sitemaps;
mod warc;
mod web;
