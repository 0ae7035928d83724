//! The matcher on the project's own texts.

mod alignment;
mod encoder;
mod gold;
mod hostile;
mod lazy;
mod seeds;
