//! The pipeline's own promises, tested through `chorus_pipeline::run` with real parts: a
//! real SQLite file in a temp dir, and HTTP on loopback only (the simulated newsroom, or
//! a small server that records what it is asked).

mod util;

mod backpressure;
mod failure;
mod restart;
mod schedule;
mod shutdown;
