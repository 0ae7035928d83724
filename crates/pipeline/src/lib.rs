//! chorus-pipeline
