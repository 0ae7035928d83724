//! chorus-fetch
