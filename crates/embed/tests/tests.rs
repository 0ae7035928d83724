//! The embedder through its public API, one module per topic: agreement with the
//! reference vectors, loading errors, where the model is found, awkward texts, and
//! compact storage.

mod util;

mod errors;
mod folder;
mod golden;
mod quantize;
mod texts;
