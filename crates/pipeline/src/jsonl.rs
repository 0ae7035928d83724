//! The JSONL source: pre-extracted articles, one JSON object a line, entering the pipeline
//! at the dedup stage. This is how labelled corpora are replayed.

use std::io::BufRead;
use std::path::Path;

use chorus_model::{Article, DateSource, Stage, StageReport, Throttle};
use chorus_text::parse_timestamp;
use chrono::{TimeZone, Utc};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::PipelineError;
use crate::progress::Meter;

/// One input line. `source`, `time` and `url` may be null or absent.
#[derive(Debug, Deserialize)]
struct Line {
    id: serde_json::Value,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    time: Option<serde_json::Value>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

/// Parses one JSONL line into an article. A `time` that cannot be read leaves the article
/// undated rather than losing it; the second value then says why, for a warning.
pub(crate) fn parse_line(line: &str) -> Result<(Article, Option<String>), String> {
    let raw: Line = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let input_id = match raw.id {
        serde_json::Value::String(s) if !s.is_empty() => s,
        serde_json::Value::Number(n) => n.to_string(),
        other => return Err(format!("`id` must be a non-empty string or a number, not {other}")),
    };
    let (published, warning) = match raw.time {
        None | Some(serde_json::Value::Null) => (None, None),
        Some(serde_json::Value::Number(n)) => {
            match n.as_i64().and_then(|s| Utc.timestamp_opt(s, 0).single()) {
                Some(t) => (Some(t), None),
                None => (
                    None,
                    Some(format!("`time` {n} is not a Unix time; the article is kept undated")),
                ),
            }
        }
        Some(serde_json::Value::String(t)) if t.trim().is_empty() => (None, None),
        Some(serde_json::Value::String(t)) => match parse_timestamp(&t) {
            Some(t) => (Some(t), None),
            None => {
                (None, Some(format!("`time` {t:?} is not a date; the article is kept undated")))
            }
        },
        Some(other) => {
            (None, Some(format!("`time` {other} is not a date; the article is kept undated")))
        }
    };
    let article = Article {
        input_id: Some(input_id),
        url: raw.url.as_deref().and_then(|u| Url::parse(u).ok()),
        outlet: raw.source.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        title: raw.title.unwrap_or_default(),
        text: raw.text.unwrap_or_default(),
        published,
        published_source: published.map(|_| DateSource::Input),
        extractor: "input".to_owned(),
        page: None,
        ..Article::default()
    };
    Ok((article, warning))
}

/// Reads `path` in order and sends each article on. A bad line is logged with its number,
/// counted, and skipped; only an unreadable file is an error. `meter` counts the bytes
/// read and the lines.
pub(crate) fn read_file(
    path: &Path,
    out: mpsc::Sender<Article>,
    shutdown: CancellationToken,
    meter: Option<&Meter>,
) -> Result<StageReport, PipelineError> {
    let mut report = StageReport::new(Stage::Source);
    let mut log = Throttle::default();
    let io = |source| PipelineError::Input { path: path.to_owned(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut reader = std::io::BufReader::new(file);
    let mut bytes = Vec::new();
    for n in 1.. {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes).map_err(io)? == 0 || shutdown.is_cancelled() {
            break;
        }
        if let Some(meter) = meter {
            meter.add_done(bytes.len() as u64);
            meter.add_item();
        }
        // A line that is not UTF-8 is one bad line, not a bad file.
        let parsed = match std::str::from_utf8(&bytes) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => chorus_model::live().stage(Stage::Source).timed(|| parse_line(line)),
            Err(e) => Err(format!("not UTF-8: {e}")),
        };
        report.add_received(1);
        match parsed {
            Ok((article, warning)) => {
                if let Some(warning) = warning {
                    report.note("undated");
                    if let Some(held_back) = log.allow("undated") {
                        tracing::warn!(file = %path.display(), line = n, held_back, "{warning}");
                    }
                }
                if out.blocking_send(article).is_err() {
                    break;
                }
                report.add_sent(1);
            }
            Err(e) => {
                report.drop_for("bad_line");
                if let Some(held_back) = log.allow("bad_line") {
                    let file = path.display();
                    tracing::warn!(%file, line = n, held_back, "skipping bad input line: {e}");
                }
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
        let (a, _) = parse_line(
            r#"{"id":"x1","source":null,"time":null,"url":null,"title":"T","text":"B"}"#,
        )
        .unwrap();
        assert_eq!(a.input_id.as_deref(), Some("x1"));
        assert_eq!((a.outlet, a.published, a.url), (None, None, None));
        assert_eq!(a.extractor, "input");
    }

    #[test]
    fn dates_and_numbers_are_read() {
        let (a, _) = parse_line(r#"{"id":7,"source":"NPR","time":"2021-04-22","url":"https://n.test/a","title":"T","text":"B"}"#)
            .unwrap();
        assert_eq!(a.input_id.as_deref(), Some("7"));
        assert_eq!(a.published.unwrap().to_rfc3339(), "2021-04-22T00:00:00+00:00");
        assert_eq!(a.published_source, Some(DateSource::Input));
        for time in [
            r#""2021-04-22T10:30:00+02:00""#,
            r#""2021-04-22T10:30:00+0200""#,
            r#""Thu, 22 Apr 2021 10:30:00 +0200""#,
            "1619080200",
            // Any form a page's date may take is read here too.
            r#""1619080200""#,
            r#""April 22, 2021 8:30 AM""#,
        ] {
            let (b, warning) = parse_line(&format!(r#"{{"id":"b","time":{time}}}"#)).unwrap();
            assert_eq!(b.published.unwrap().to_rfc3339(), "2021-04-22T08:30:00+00:00", "{time}");
            assert!(warning.is_none());
        }
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(parse_line("{not json").is_err());
        assert!(parse_line(r#"{"id":null}"#).unwrap_err().contains("id"));
        let (undated, warning) = parse_line(r#"{"id":"a","time":"yesterday"}"#).unwrap();
        assert!(undated.published.is_none(), "an unreadable time keeps the article, undated");
        assert!(warning.unwrap().contains("yesterday"));
    }
}
