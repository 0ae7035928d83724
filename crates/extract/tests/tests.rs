//! Integration tests for chorus-extract, one module per topic.

mod util;

mod golden;
mod pages;
mod properties;
mod robustness;
mod stage;
