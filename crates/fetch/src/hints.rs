//! What a server or a feed says about how often to come back: `Cache-Control: max-age`,
//! `Expires`, `Retry-After`, RSS `<ttl>` and the syndication module's
//! `sy:updatePeriod`/`sy:updateFrequency`.
//!
//! The body is scanned with its own small quick-xml reader rather than through the feed
//! parser: the hints sit in the channel header, so the scan stops at the first item.

use std::time::Duration;

use chrono::{DateTime, Utc};
use quick_xml::events::Event;

/// The hints read from one response. Each is a wish not to be polled sooner; the schedule
/// treats them as lower bounds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerHints {
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
    /// `Expires`, as a time from now (absent when in the past or unreadable).
    pub expires: Option<Duration>,
    /// `Retry-After` on a 429 or 503, with the status.
    pub retry_after: Option<(u16, Duration)>,
    /// RSS `<ttl>` (minutes in the feed).
    pub ttl: Option<Duration>,
    /// `sy:updatePeriod` divided by `sy:updateFrequency`.
    pub update_period: Option<Duration>,
}

impl ServerHints {
    /// The largest hint and its description ("server asked: Cache-Control max-age 600 s").
    pub fn strongest(&self) -> Option<(Duration, String)> {
        let secs = |d: &Duration| d.as_secs();
        let mut hints: Vec<(Duration, String)> = Vec::new();
        if let Some((status, d)) = &self.retry_after {
            hints.push((*d, format!("server asked: Retry-After {} s (HTTP {status})", secs(d))));
        }
        if let Some(d) = &self.max_age {
            hints.push((*d, format!("server asked: Cache-Control max-age {} s", secs(d))));
        }
        if let Some(d) = &self.expires {
            hints.push((*d, format!("server asked: Expires in {} s", secs(d))));
        }
        if let Some(d) = &self.ttl {
            hints.push((*d, format!("feed asked: ttl {} min", secs(d) / 60)));
        }
        if let Some(d) = &self.update_period {
            hints.push((*d, format!("feed asked: updates every {} s (sy:updatePeriod)", secs(d))));
        }
        hints.into_iter().max_by_key(|(d, _)| *d)
    }

    /// Reads the header hints. `status` is the response's status: `Retry-After` counts
    /// only on 429 and 503, where it means "come back later".
    pub fn from_headers(
        status: u16,
        cache_control: Option<&str>,
        expires: Option<&str>,
        retry_after: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServerHints {
        let retry_after = retry_after
            .filter(|_| matches!(status, 429 | 503))
            .and_then(|v| delay_or_date(v, now))
            .map(|d| (status, d));
        ServerHints {
            max_age: cache_control.and_then(max_age),
            expires: expires.and_then(http_date).and_then(|at| until(at, now)),
            retry_after,
            ..ServerHints::default()
        }
    }

    /// Adds the feed's own hints, read from its body (RSS `<ttl>`, `sy:update*`).
    pub fn read_body(&mut self, body: &[u8]) {
        let (ttl, update_period) = body_hints(body);
        self.ttl = ttl;
        self.update_period = update_period;
    }
}

/// `max-age=N` from a `Cache-Control` value; `no-cache`/`no-store` mean no hint.
fn max_age(value: &str) -> Option<Duration> {
    let mut age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return None;
        }
        if let Some(n) = lower.strip_prefix("max-age=") {
            age = n.trim_matches('"').parse::<u64>().ok().map(Duration::from_secs);
        }
    }
    age.filter(|d| !d.is_zero())
}

/// `Retry-After`: seconds, or an HTTP date.
fn delay_or_date(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    match value.parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => http_date(value).and_then(|at| until(at, now)),
    }
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(value.trim()).ok().map(|d| d.with_timezone(&Utc))
}

fn until(at: DateTime<Utc>, now: DateTime<Utc>) -> Option<Duration> {
    (at - now).to_std().ok().filter(|d| !d.is_zero())
}

/// Whether `name` (a local name) starts the feed's items, after which no hint comes.
fn is_item(name: &[u8]) -> bool {
    matches!(name, b"item" | b"entry")
}

/// `<ttl>` (minutes) and `sy:updatePeriod` / `sy:updateFrequency` from a feed's header.
/// Malformed XML just ends the scan: the feed parser reports it.
fn body_hints(body: &[u8]) -> (Option<Duration>, Option<Duration>) {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let (mut ttl, mut period, mut frequency) = (None, None, None);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let name = e.local_name().as_ref().as_bytes().to_vec();
                if is_item(&name) {
                    break;
                }
                current = Some(name);
            }
            Ok(Event::Empty(e)) if is_item(e.local_name().as_ref().as_bytes()) => break,
            Ok(Event::Text(t)) => {
                let text = t.xml10_content().trim().to_owned();
                match current.as_deref() {
                    Some(b"ttl") => ttl = text.parse::<u64>().ok(),
                    Some(b"updatePeriod") => period = period_secs(&text),
                    Some(b"updateFrequency") => frequency = text.parse::<u64>().ok(),
                    _ => {}
                }
            }
            Ok(Event::End(_)) => current = None,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    // Minutes, capped at a year so a silly value cannot overflow anything later.
    let ttl = ttl.filter(|&m| m > 0).map(|m| Duration::from_secs(m.min(525_600) * 60));
    let update = period.map(|p| Duration::from_secs(p / frequency.filter(|&f| f > 0).unwrap_or(1)));
    (ttl, update)
}

fn period_secs(text: &str) -> Option<u64> {
    match text.to_ascii_lowercase().as_str() {
        "hourly" => Some(3600),
        "daily" => Some(86_400),
        "weekly" => Some(7 * 86_400),
        "monthly" => Some(30 * 86_400),
        "yearly" => Some(365 * 86_400),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-09-04T10:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn cache_control_max_age_is_read_and_no_cache_wins() {
        let hints = |cc| ServerHints::from_headers(200, Some(cc), None, None, now());
        assert_eq!(hints("public, max-age=600").max_age, Some(Duration::from_secs(600)));
        assert_eq!(hints("max-age=600, no-cache").max_age, None);
        assert_eq!(hints("max-age=0").max_age, None);
        assert_eq!(hints("max-age=soon").max_age, None);
    }

    #[test]
    fn expires_is_a_time_from_now_and_a_past_one_is_ignored() {
        let at = |v| ServerHints::from_headers(200, None, Some(v), None, now()).expires;
        assert_eq!(at("Thu, 04 Sep 2025 11:00:00 GMT"), Some(Duration::from_secs(3600)));
        assert_eq!(at("Thu, 04 Sep 2025 09:00:00 GMT"), None);
        assert_eq!(at("-1"), None);
    }

    #[test]
    fn retry_after_counts_on_429_and_503_in_seconds_or_as_a_date() {
        let retry = |status, v| ServerHints::from_headers(status, None, None, Some(v), now());
        assert_eq!(retry(429, "120").retry_after, Some((429, Duration::from_secs(120))));
        assert_eq!(
            retry(503, "Thu, 04 Sep 2025 10:05:00 GMT").retry_after,
            Some((503, Duration::from_secs(300)))
        );
        assert_eq!(retry(200, "120").retry_after, None);
        assert_eq!(retry(429, "later").retry_after, None);
    }

    #[test]
    fn rss_ttl_and_syndication_period_are_read_from_the_channel_header() {
        let rss = br#"<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
            <channel><title>T</title><ttl>30</ttl>
            <sy:updatePeriod> hourly </sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
            <item><title>a</title><ttl>1</ttl></item></channel></rss>"#;
        let mut hints = ServerHints::default();
        hints.read_body(rss);
        assert_eq!(hints.ttl, Some(Duration::from_secs(1800)));
        assert_eq!(hints.update_period, Some(Duration::from_secs(1800)));
    }

    #[test]
    fn bodies_without_hints_or_broken_ones_give_none() {
        for body in [&b"<rss><channel><item><ttl>5</ttl></item></channel></rss>"[..], b"<<<", b""] {
            let mut hints = ServerHints::default();
            hints.read_body(body);
            assert_eq!((hints.ttl, hints.update_period), (None, None), "{body:?}");
        }
    }

    #[test]
    fn the_strongest_hint_is_the_longest_and_is_described() {
        let hints = ServerHints {
            max_age: Some(Duration::from_secs(60)),
            retry_after: Some((429, Duration::from_secs(120))),
            ttl: Some(Duration::from_secs(1800)),
            ..ServerHints::default()
        };
        let (d, why) = hints.strongest().unwrap();
        assert_eq!(d, Duration::from_secs(1800));
        assert_eq!(why, "feed asked: ttl 30 min");
        assert_eq!(ServerHints::default().strongest(), None);
    }
}
