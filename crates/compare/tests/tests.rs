//! The matcher on the project's own texts.

mod encoder;
mod hostile;
mod lazy;
mod seeds;
