//! chorus-newsroom
