//! An event's timeline: when each outlet published, one row per outlet, drawn as inline
//! SVG by the server (no script, and no style attributes for the CSP to refuse).

use std::collections::BTreeMap;

use chorus_model::Timestamp;
use chorus_store::StoredArticle;
use maud::{Markup, html};

/// Width of the drawing in SVG units; marks are placed in 0..WIDTH.
const WIDTH: f64 = 1000.0;

fn count(n: usize) -> String {
    if n == 1 { "1 article".to_owned() } else { format!("{n} articles") }
}

pub(crate) fn timeline(articles: &[StoredArticle]) -> Markup {
    let mut rows: BTreeMap<&str, Vec<Timestamp>> = BTreeMap::new();
    for a in articles {
        let outlet = a.article.outlet.as_deref().unwrap_or("unknown outlet");
        let times = rows.entry(outlet).or_default();
        times.extend(a.article.time());
    }
    let all: Vec<Timestamp> = rows.values().flatten().copied().collect();
    let (Some(first), Some(last)) = (all.iter().min().copied(), all.iter().max().copied()) else {
        return html! { p.empty { "No article has a time." } };
    };
    let span = (last - first).num_seconds().max(1) as f64;
    let x = |t: &Timestamp| ((*t - first).num_seconds() as f64 / span * (WIDTH - 8.0)) + 4.0;
    html! {
        p.range {
            "From " (first.format("%Y-%m-%d %H:%M")) " to " (last.format("%Y-%m-%d %H:%M UTC"))
        }
        ol.timeline {
            @for (outlet, times) in &rows {
                li {
                    span.outlet { (outlet) }
                    svg.strip viewBox=(format!("0 0 {WIDTH} 20")) preserveAspectRatio="none"
                        role="img" aria-label=(format!("{} by {outlet}", count(times.len()))) {
                        line x1="0" y1="10" x2=(WIDTH) y2="10" stroke="#767676" stroke-width="1" {}
                        @for t in times {
                            rect x=(format!("{:.1}", x(t) - 4.0)) y="2" width="8" height="16" fill="#1f4e8c" {
                                title { (t.format("%Y-%m-%d %H:%M UTC")) }
                            }
                        }
                    }
                    span.times {
                        @for (i, t) in times.iter().enumerate() {
                            @if i > 0 { ", " }
                            (t.format("%m-%d %H:%M"))
                        }
                    }
                }
            }
        }
    }
}
