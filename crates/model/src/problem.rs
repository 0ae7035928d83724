//! A problem found while checking a config section, named by its key.

use std::fmt;

/// One thing wrong with a config value: the key it concerns (`fetch.timeout_secs`,
/// `feeds[2].url`) and what is wrong with it.
///
/// Each stage crate checks its own section into a [`Problem`] list; the pipeline, which
/// reads the file, adds the file name and the line each key is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The key's path from the top of the file: sections and keys joined by `.`, array
    /// entries as `[i]` (counted from 0).
    pub key: String,
    /// What is wrong, as a phrase that reads after the key ("must be at least 1 (got 0)").
    pub message: String,
}

impl Problem {
    /// A problem with `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { key: key.into(), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.key, self.message)
    }
}

/// Collects the problems of one config section, each under `section.key`.
#[derive(Debug)]
pub struct Problems {
    section: &'static str,
    found: Vec<Problem>,
}

impl Problems {
    /// An empty list for the section named `section` (`"fetch"`).
    pub fn new(section: &'static str) -> Problems {
        Problems { section, found: Vec::new() }
    }

    /// Records that `key` (within the section) `message`.
    pub fn add(&mut self, key: &str, message: impl Into<String>) {
        self.found.push(Problem::new(format!("{}.{key}", self.section), message));
    }

    /// `value` must be at least `min`.
    pub fn at_least(&mut self, key: &str, value: u64, min: u64) {
        if value < min {
            self.add(key, format!("must be at least {min} (got {value})"));
        }
    }

    /// `value` must lie in `min..=max`.
    pub fn between(&mut self, key: &str, value: u64, min: u64, max: u64) {
        if !(min..=max).contains(&value) {
            self.add(key, format!("must be between {min} and {max} (got {value})"));
        }
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// `Ok(value)` if nothing was recorded, else every problem.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<Problem>> {
        if self.found.is_empty() { Ok(value()) } else { Err(self.found) }
    }

    /// The problems recorded.
    pub fn into_vec(self) -> Vec<Problem> {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_named_by_section_and_key() {
        let mut p = Problems::new("fetch");
        p.at_least("timeout_secs", 0, 1);
        p.at_least("concurrency", 4, 1);
        p.between("max_redirects", 99, 0, 50);
        let found = p.into_vec();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].to_string(), "fetch.timeout_secs must be at least 1 (got 0)");
        assert_eq!(found[1].key, "fetch.max_redirects");
    }

    #[test]
    fn finish_builds_the_value_only_when_nothing_is_wrong() {
        assert_eq!(Problems::new("x").finish(|| 7), Ok(7));
        let mut p = Problems::new("x");
        p.add("y", "must not be empty");
        assert_eq!(p.finish(|| 7).unwrap_err()[0].key, "x.y");
    }
}
