//! The deduplicator end to end through its public API, one module per topic: identity,
//! copies, events, articles without times, the window, restore, coverage, the stage, the
//! config, and the simulated newsroom's catalog.

mod fixtures;
mod util;

mod config;
mod copies;
mod coverage;
mod events;
mod identity;
mod newsroom;
mod restore;
mod semantic;
mod stage;
mod untimed;
mod window;
