//! The pipeline's own promises, tested through `chorus_pipeline::run` with real parts: a
//! real SQLite file in a temp dir, and HTTP on loopback only (the simulated newsroom).

mod util;

mod failure;
