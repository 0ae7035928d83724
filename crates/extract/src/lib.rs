//! chorus-extract
