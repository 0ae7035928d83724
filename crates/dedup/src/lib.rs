//! chorus-dedup
