//! Dates and times as news sites, feeds, sitemaps and input files write them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// Longer than any date form read here: longer text is prose, not a date.
const MAX_LEN: usize = 64;

/// Parses a date or time, leniently, as UTC:
///
/// - RFC 3339 and its loose variants: no zone, no colon in the offset, a space for `T`, a
///   space before the offset, minutes without seconds, fractions, a trailing ` GMT` or
///   ` UTC` (`2025-09-04 10:30:00 GMT`), and the compact `20250904T103000`;
/// - RFC 2822 (`Thu, 04 Sep 2025 10:30:00 +0200`, two-digit years included);
/// - bare dates, taken as midnight: `2025-09-04`, `2025/09/04`, `2025.09.04`, `20250904`;
/// - Unix time as a string of digits: seconds (9 to 12 digits) or milliseconds (13);
/// - English text: `September 4, 2025 10:30 AM`, `Sep. 4, 2025`, `4 September 2025`,
///   with a year from 1990 to 2100 (other numbers in such text are days and times).
///
/// Times without a zone are taken as UTC. Surrounding whitespace is ignored; anything
/// longer than 64 bytes is not a date. Whether a date is plausible for its purpose (a
/// page claiming the year 1 as its publication time) is for the caller to judge.
///
/// ```
/// use chorus_text::parse_timestamp;
/// let t = parse_timestamp("2025-09-04 10:30:00 GMT").unwrap();
/// assert_eq!(t.to_rfc3339(), "2025-09-04T10:30:00+00:00");
/// assert_eq!(parse_timestamp("yesterday"), None);
/// ```
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > MAX_LEN {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // Before the named zone is cut below: RFC 2822 reads `GMT` itself, seconds included.
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.with_timezone(&Utc));
    }
    // "2019-11-18 17:19:53 GMT", "… UTC": a named zero offset.
    let s = s.strip_suffix(" GMT").or_else(|| s.strip_suffix(" UTC")).unwrap_or(s);
    let iso = s.replacen(' ', "T", 1);
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f %z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(&iso, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let no_zone = iso.trim_end_matches('Z');
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y%m%dT%H%M%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(no_zone, fmt) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(midnight(d));
        }
    }
    if (9..=13).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        let secs = if s.len() == 13 { n / 1000 } else { n };
        return DateTime::from_timestamp(secs, 0);
    }
    english(s)
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))
}

/// "September 4, 2025", "Sep. 4, 2025 10:30 AM", "4 September 2025", "Thu, 4 Sep 2025".
fn english(s: &str) -> Option<DateTime<Utc>> {
    const MONTHS: &[&str] =
        &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = s.to_ascii_lowercase();
    let mut month = None;
    let mut numbers: Vec<u32> = Vec::new();
    let mut time: Option<(u32, u32)> = None;
    let mut pm = false;
    for tok in lower.split(|c: char| c.is_whitespace() || c == ',' || c == '.') {
        let tok = tok.trim_matches(|c: char| !c.is_alphanumeric() && c != ':');
        if tok.is_empty() {
            continue;
        }
        if let Some((h, m)) = tok.split_once(':') {
            let h: u32 = h.parse().ok()?;
            let m: u32 = m.get(..2).unwrap_or(m).parse().ok()?;
            time = Some((h, m));
        } else if let Ok(n) = tok.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']).parse::<u32>() {
            numbers.push(n);
        } else if tok == "pm" || tok == "p" {
            pm = true;
        } else if month.is_none()
            && let Some(i) = MONTHS.iter().position(|m| tok.starts_with(m))
        {
            month = Some(i as u32 + 1);
        }
    }
    let month = month?;
    // The year range tells the year from the day and from other numbers in the text.
    let year = *numbers.iter().find(|n| (1990..=2100).contains(*n))?;
    let day = *numbers.iter().find(|n| (1..=31).contains(*n))?;
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let (mut h, m) = time.unwrap_or((0, 0));
    if pm && h < 12 {
        h += 12;
    }
    let t = NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
    Some(Utc.from_utc_datetime(&date.and_time(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
    }

    #[test]
    fn parses_the_formats_pages_use() {
        let want = ts("2025-09-04T08:30:00Z");
        for s in [
            "2025-09-04T10:30:00+02:00",
            "2025-09-04T08:30:00Z",
            "2025-09-04T08:30:00",
            "2025-09-04 08:30:00",
            "2025-09-04T10:30:00+0200",
            "2025-09-04T08:30:00.000Z",
            "Thu, 04 Sep 2025 08:30:00 GMT",
            "September 4, 2025 8:30 AM",
            "Sep. 4, 2025, 8:30 a.m.",
            "1756974600",
            "1756974600000",
            "2025-09-04 08:30:00 GMT",
            "2025-09-04 08:30:00 +0000",
        ] {
            assert_eq!(parse_timestamp(s), want, "{s}");
        }
        assert_eq!(parse_timestamp("2025-09-04"), ts("2025-09-04T00:00:00Z"));
        assert_eq!(parse_timestamp("4 September 2025"), ts("2025-09-04T00:00:00Z"));
        assert_eq!(parse_timestamp("20250904"), ts("2025-09-04T00:00:00Z"));
        assert_eq!(parse_timestamp("September 4, 2025 1:05 PM"), ts("2025-09-04T13:05:00Z"));
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn dates_in_every_w3c_form() {
        assert_eq!(parse_timestamp("2025-09-04T10:30:00+02:00"), ts("2025-09-04T08:30:00Z"));
        assert_eq!(parse_timestamp("2025-09-04T10:30Z"), ts("2025-09-04T10:30:00Z"));
        assert_eq!(parse_timestamp("2025-09-04T10:30+01:00"), ts("2025-09-04T09:30:00Z"));
        assert_eq!(parse_timestamp("2025-09-04"), ts("2025-09-04T00:00:00Z"));
        assert_eq!(parse_timestamp("2025-09-04 10:30:00"), ts("2025-09-04T10:30:00Z"));
        assert_eq!(parse_timestamp("Thu, 04 Sep 2025 10:30:00 GMT"), ts("2025-09-04T10:30:00Z"));
        assert_eq!(parse_timestamp(" 2025-09-04T10:30:00Z \n"), ts("2025-09-04T10:30:00Z"));
    }

    #[test]
    fn input_file_times() {
        for s in [
            "2021-04-22T10:30:00+02:00",
            "2021-04-22T10:30:00+0200",
            "2021-04-22 10:30:00+0200",
            "Thu, 22 Apr 2021 10:30:00 +0200",
        ] {
            assert_eq!(parse_timestamp(s), ts("2021-04-22T08:30:00Z"), "{s}");
        }
        assert_eq!(parse_timestamp("2021-04-22T10:30"), ts("2021-04-22T10:30:00Z"));
        assert_eq!(parse_timestamp("2021-04-22 10:30:00.25"), ts("2021-04-22T10:30:00.25Z"));
    }

    #[test]
    fn stored_times_read_back_exactly() {
        assert_eq!(
            parse_timestamp("2025-09-04T10:00:00.123456Z"),
            ts("2025-09-04T10:00:00.123456Z")
        );
    }

    /// Forms that only some of the earlier per-crate readers took, or took differently.
    #[test]
    fn forms_the_old_readers_disagreed_on() {
        // Seconds survive a GMT RFC 2822 date (the page reader dropped them).
        assert_eq!(parse_timestamp("Thu, 04 Sep 2025 10:30:45 GMT"), ts("2025-09-04T10:30:45Z"));
        assert_eq!(parse_timestamp("Thu, 04 Sep 25 10:30:45 GMT"), ts("2025-09-04T10:30:45Z"));
        // A wrong weekday does not make a date unreadable.
        assert_eq!(parse_timestamp("Fri, 04 Sep 2025 10:30:45 GMT"), ts("2025-09-04T10:30:00Z"));
        // Named zones, spaced offsets, slashes, Unix times and English text everywhere.
        assert_eq!(parse_timestamp("2019-11-18 17:19:53 UTC"), ts("2019-11-18T17:19:53Z"));
        assert_eq!(parse_timestamp("2025-09-04 10:30:00 +0200"), ts("2025-09-04T08:30:00Z"));
        assert_eq!(parse_timestamp("2025/09/04"), ts("2025-09-04T00:00:00Z"));
        assert_eq!(parse_timestamp("2025.09.04"), ts("2025-09-04T00:00:00Z"));
        assert_eq!(parse_timestamp("20250904T083000"), ts("2025-09-04T08:30:00Z"));
        assert_eq!(parse_timestamp("1619080200"), ts("2021-04-22T08:30:00Z"));
        assert_eq!(parse_timestamp("April 22, 2021"), ts("2021-04-22T00:00:00Z"));
        // Plausibility is the caller's to judge.
        assert_eq!(parse_timestamp("0001-01-01T00:00:00Z"), ts("0001-01-01T00:00:00Z"));
        assert_eq!(parse_timestamp("1985-06-05"), ts("1985-06-05T00:00:00Z"));
    }

    #[test]
    fn non_dates_are_refused() {
        for s in ["", "  ", "yesterday", "May 2021", "2025-13-45", "12345678", "2021", "now"] {
            assert_eq!(parse_timestamp(s), None, "{s:?}");
        }
        let long = format!("September 4, 2025 {}", "x".repeat(60));
        assert_eq!(parse_timestamp(&long), None);
    }
}
