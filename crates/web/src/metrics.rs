//! `/metrics` in the Prometheus text format: figures read from the store, the view's own
//! request counts, and whatever live figures the process running the view adds.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

use chorus_store::{FeedHealth, Stats};

/// What a figure measures over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Only ever grows (restarts at 0 with the process).
    Counter,
    /// Goes up and down.
    Gauge,
    /// One sample of a histogram: its name ends in `_bucket` (with an `le` label, the
    /// buckets cumulative), `_sum` or `_count`, and the samples of one histogram share the
    /// name before that suffix.
    Histogram,
}

/// One sample of a figure, for [`LiveFigures`].
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`); counters end in `_total`.
    pub name: String,
    /// One line saying what it measures.
    pub help: String,
    /// Counter or gauge.
    pub kind: Kind,
    /// Label names and values; values are escaped when written.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
}

/// Figures the process running the view knows live (a daemon's stage counters, say) and
/// the store does not. `chorus run` passes one to the view it serves; `chorus serve`
/// passes none and `/metrics` shows the store's figures alone.
pub trait LiveFigures: Send + Sync {
    /// The current figures. Several samples of one name (with different labels) are
    /// listed under one HELP/TYPE header.
    fn figures(&self) -> Vec<Figure>;

    /// Whether the process is healthy (every stage alive, the store writable), else what
    /// is wrong: `/healthz` answers 503 with it.
    fn health(&self) -> Result<(), String> {
        Ok(())
    }
}

/// Requests the view answered, by route and status.
#[derive(Debug, Default)]
pub(crate) struct RequestCounts {
    counts: Mutex<BTreeMap<(String, u16), u64>>,
}

impl RequestCounts {
    pub(crate) fn count(&self, route: &str, status: u16) {
        if let Ok(mut counts) = self.counts.lock() {
            *counts.entry((route.to_owned(), status)).or_default() += 1;
        }
    }

    fn snapshot(&self) -> Vec<((String, u16), u64)> {
        self.counts
            .lock()
            .map(|c| c.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default()
    }
}

/// The health state a feed is counted under: `ok` (its last poll succeeded, or it was
/// never polled), `failing` (recent polls failed, but softly: timeouts, 5xx, 429) or
/// `broken` (a recent poll failed hard: 404, 410, not a feed).
pub(crate) fn feed_state(f: &FeedHealth) -> &'static str {
    if f.consecutive_failures == 0 {
        "ok"
    } else if f.hard_failures > 0 {
        "broken"
    } else {
        "failing"
    }
}

/// Writes the whole exposition.
pub(crate) fn render(
    stats: &Stats,
    feeds: &[FeedHealth],
    store_bytes: u64,
    requests: &RequestCounts,
    live: Option<&dyn LiveFigures>,
) -> String {
    let mut figures = vec![
        gauge("chorus_articles", "Stored articles, duplicates included.", stats.articles as f64),
        gauge(
            "chorus_duplicates",
            "Stored articles that copy an earlier one.",
            stats.duplicates as f64,
        ),
        gauge(
            "chorus_events",
            "Live events (not merged away, with an article).",
            stats.events as f64,
        ),
        gauge(
            "chorus_store_bytes",
            "Size of the database file and its write-ahead log.",
            store_bytes as f64,
        ),
    ];
    for state in ["ok", "failing", "broken"] {
        let n = feeds.iter().filter(|f| feed_state(f) == state).count();
        figures.push(Figure {
            labels: vec![("state".into(), state.into())],
            ..gauge("chorus_feeds", "Feeds by health state (ok, failing, broken).", n as f64)
        });
    }
    for ((route, status), n) in requests.snapshot() {
        figures.push(Figure {
            name: "chorus_http_requests_total".into(),
            help: "HTTP requests the view answered, by route and status.".into(),
            kind: Kind::Counter,
            labels: vec![("route".into(), route), ("status".into(), status.to_string())],
            value: n as f64,
        });
    }
    if let Some(live) = live {
        figures.extend(live.figures());
    }
    write_figures(&figures)
}

fn gauge(name: &str, help: &str, value: f64) -> Figure {
    Figure { name: name.into(), help: help.into(), kind: Kind::Gauge, labels: Vec::new(), value }
}

/// The text format: each name's HELP and TYPE once, before its first sample; samples of a
/// name kept together.
pub(crate) fn write_figures(figures: &[Figure]) -> String {
    let mut order: Vec<&str> = Vec::new();
    let mut by_name: BTreeMap<&str, Vec<&Figure>> = BTreeMap::new();
    for f in figures {
        let family = family(f);
        if !by_name.contains_key(family) {
            order.push(family);
        }
        by_name.entry(family).or_default().push(f);
    }
    let mut out = String::new();
    for name in order {
        let samples = &by_name[name];
        let first = samples[0];
        let kind = match first.kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        };
        let help = first.help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for s in samples {
            out.push_str(&s.name);
            if !s.labels.is_empty() {
                let labels: Vec<String> = s
                    .labels
                    .iter()
                    .map(|(k, v)| {
                        let v = v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
                        format!("{k}=\"{v}\"")
                    })
                    .collect();
                let _ = write!(out, "{{{}}}", labels.join(","));
            }
            let _ = writeln!(out, " {}", number(s.value));
        }
    }
    out
}

/// The name a figure's HELP and TYPE go under: its own, or a histogram's without the
/// sample suffix.
fn family(f: &Figure) -> &str {
    if f.kind == Kind::Histogram {
        for suffix in ["_bucket", "_sum", "_count"] {
            if let Some(base) = f.name.strip_suffix(suffix) {
                return base;
            }
        }
    }
    &f.name
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_of_a_name_share_one_header_and_labels_are_escaped() {
        let f = |labels: Vec<(String, String)>, value| Figure {
            name: "x_total".into(),
            help: "Xs.".into(),
            kind: Kind::Counter,
            labels,
            value,
        };
        let text = write_figures(&[
            f(vec![("route".into(), "/a\"b\\".into())], 2.0),
            gauge("y", "Ys.", 0.5),
            f(vec![], 3.0),
        ]);
        assert_eq!(
            text,
            "# HELP x_total Xs.\n# TYPE x_total counter\nx_total{route=\"/a\\\"b\\\\\"} 2\nx_total 3\n\
             # HELP y Ys.\n# TYPE y gauge\ny 0.5\n"
        );
    }
}
