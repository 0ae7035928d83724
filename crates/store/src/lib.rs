//! chorus-store
