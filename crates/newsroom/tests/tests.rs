//! The newsroom tested from outside: the catalog's invariants, and a real server on
//! loopback answering feeds, pages and hostile routes.

mod util;

mod catalog;
mod farm;
mod faults;
mod feeds;
mod hostile;
mod pace;
mod pages;
mod server;
