//! The embedder through its public API, one module per topic: agreement with the
//! reference vectors, loading errors, awkward texts, and compact storage.

mod util;

mod errors;
mod golden;
mod quantize;
mod texts;
