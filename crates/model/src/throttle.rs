//! At most one log line per reason per interval, however many items fail alike.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Decides which per-item problems are worth a log line: the first of each reason, then at
/// most one per `interval`, each saying how many like it were held back since the last.
/// The stage report counts every one; the log only samples them, so a thousand failing
/// pages of one dead host make a handful of lines, not a thousand.
///
/// ```
/// use std::time::Duration;
/// use chorus_model::Throttle;
///
/// let mut log = Throttle::new(Duration::from_secs(60));
/// assert_eq!(log.allow("timeout"), Some(0)); // the first is logged
/// assert_eq!(log.allow("timeout"), None); // the next ones wait for the interval
/// assert_eq!(log.allow("http_404"), Some(0)); // another reason has its own
/// ```
#[derive(Debug)]
pub struct Throttle {
    interval: Duration,
    /// Per reason: when it was last logged, and how many were held back since.
    reasons: HashMap<String, (Instant, u64)>,
}

/// How often a stage logs one reason at most, by default.
pub const LOG_INTERVAL: Duration = Duration::from_secs(60);

impl Throttle {
    /// A throttle letting one line per reason through every `interval`.
    pub fn new(interval: Duration) -> Throttle {
        Throttle { interval, reasons: HashMap::new() }
    }

    /// Whether to log a line for `reason` now: `Some(held back)` with the number of items
    /// of this reason not logged since its last line, or `None` to stay quiet.
    pub fn allow(&mut self, reason: &str) -> Option<u64> {
        self.allow_at(reason, Instant::now())
    }

    fn allow_at(&mut self, reason: &str, now: Instant) -> Option<u64> {
        match self.reasons.get_mut(reason) {
            None => {
                self.reasons.insert(reason.to_owned(), (now, 0));
                Some(0)
            }
            Some((last, held)) if now.duration_since(*last) >= self.interval => {
                let out = *held;
                (*last, *held) = (now, 0);
                Some(out)
            }
            Some((_, held)) => {
                *held += 1;
                None
            }
        }
    }
}

impl Default for Throttle {
    /// One line per reason per [`LOG_INTERVAL`].
    fn default() -> Self {
        Throttle::new(LOG_INTERVAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_reason_per_interval_with_the_count_held_back() {
        let mut t = Throttle::new(Duration::from_secs(10));
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        assert_eq!(t.allow_at("timeout", at(0)), Some(0));
        assert_eq!(t.allow_at("timeout", at(1)), None);
        assert_eq!(t.allow_at("timeout", at(9)), None);
        assert_eq!(t.allow_at("connect", at(9)), Some(0));
        assert_eq!(t.allow_at("timeout", at(10)), Some(2));
        assert_eq!(t.allow_at("timeout", at(11)), None);
        assert_eq!(t.allow_at("timeout", at(25)), Some(1));
        assert_eq!(t.allow_at("timeout", at(40)), Some(0));
    }
}
