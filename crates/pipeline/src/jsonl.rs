//! The JSONL source: pre-extracted articles, one JSON object a line, entering the pipeline
//! at the dedup stage. This is how labelled corpora are replayed.

use std::io::BufRead;
use std::path::Path;

use chorus_model::{Article, DateSource, StageReport, Timestamp};
use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::PipelineError;

/// One input line. `source`, `time` and `url` may be null or absent.
#[derive(Debug, Deserialize)]
struct Line {
    id: serde_json::Value,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

/// Parses one JSONL line into an article.
pub fn parse_line(line: &str) -> Result<Article, String> {
    let raw: Line = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let input_id = match raw.id {
        serde_json::Value::String(s) if !s.is_empty() => s,
        serde_json::Value::Number(n) => n.to_string(),
        other => return Err(format!("`id` must be a non-empty string or a number, not {other}")),
    };
    let published = match raw.time.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(parse_time(t).ok_or_else(|| format!("`time` {t:?} is not a date"))?),
        None => None,
    };
    Ok(Article {
        input_id: Some(input_id),
        url: raw.url.as_deref().and_then(|u| Url::parse(u).ok()),
        outlet: raw.source.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        title: raw.title.unwrap_or_default(),
        text: raw.text.unwrap_or_default(),
        published,
        published_source: published.map(|_| DateSource::Input),
        extractor: "input".to_owned(),
        ..Article::default()
    })
}

/// RFC 3339, a naive date-time (taken as UTC), or a bare date (midnight UTC).
fn parse_time(t: &str) -> Option<Timestamp> {
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
            return Some(Utc.from_utc_datetime(&naive));
        }
    }
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    Some(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?))
}

/// Reads `path` in order and sends each article on. A bad line is logged with its number,
/// counted, and skipped; only an unreadable file is an error.
pub(crate) fn read_file(
    path: &Path,
    out: mpsc::Sender<Article>,
    shutdown: CancellationToken,
) -> Result<StageReport, PipelineError> {
    let mut report = StageReport::new("source");
    let io = |source| PipelineError::Input { path: path.to_owned(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        if shutdown.is_cancelled() {
            break;
        }
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        report.received += 1;
        match parse_line(&line) {
            Ok(article) => {
                if out.blocking_send(article).is_err() {
                    break;
                }
                report.sent += 1;
            }
            Err(e) => {
                tracing::warn!(file = %path.display(), line = n + 1, "skipping bad input line: {e}");
                report.drop_for("bad_line");
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_are_allowed_where_the_format_says() {
        let a = parse_line(
            r#"{"id":"x1","source":null,"time":null,"url":null,"title":"T","text":"B"}"#,
        )
        .unwrap();
        assert_eq!(a.input_id.as_deref(), Some("x1"));
        assert_eq!((a.outlet, a.published, a.url), (None, None, None));
        assert_eq!(a.extractor, "input");
    }

    #[test]
    fn dates_and_numbers_are_read() {
        let a = parse_line(r#"{"id":7,"source":"NPR","time":"2021-04-22","url":"https://n.test/a","title":"T","text":"B"}"#)
            .unwrap();
        assert_eq!(a.input_id.as_deref(), Some("7"));
        assert_eq!(a.published.unwrap().to_rfc3339(), "2021-04-22T00:00:00+00:00");
        assert_eq!(a.published_source, Some(DateSource::Input));
        let b = parse_line(r#"{"id":"b","time":"2021-04-22T10:30:00+02:00"}"#).unwrap();
        assert_eq!(b.published.unwrap().to_rfc3339(), "2021-04-22T08:30:00+00:00");
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(parse_line("{not json").is_err());
        assert!(parse_line(r#"{"id":null}"#).unwrap_err().contains("id"));
        assert!(parse_line(r#"{"id":"a","time":"yesterday"}"#).unwrap_err().contains("time"));
    }
}
