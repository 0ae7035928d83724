//! The HTML pages. Every value reaches the page through maud, which escapes it; links go
//! out only through [`external_link`], which links http(s) addresses alone.

use chorus_compare::Coverage;
use chorus_model::{DateSource, EventId, Timestamp};
use chorus_store::{
    EventDetail, EventOrder, EventSummary, FeedHealth, MATCH_END, MATCH_START, Meaning, RunMeaning,
    SearchHit, StoredArticle,
};
use maud::{DOCTYPE, Markup, html};
use serde_json::Value;
use url::Url;

use crate::metrics::feed_state;
use crate::paths::{article_path, event_path, events_query};
use crate::timeline::timeline;

/// A whole page around `body`.
pub(crate) fn layout(title: &str, query: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · Chorus" }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                header.top {
                    nav aria-label="Main" {
                        a.brand href="/" { "Chorus" }
                        a href="/" { "Events" }
                        a href="/feeds" { "Feeds" }
                    }
                    form.search action="/search" method="get" role="search" {
                        label.hidden for="q" { "Search articles" }
                        input #q type="search" name="q" value=(query) maxlength=(crate::MAX_QUERY_CHARS)
                            placeholder="Search articles";
                        button type="submit" { "Search" }
                    }
                }
                main { (body) }
                footer { "Chorus — a read-only view. The same data as JSON under " code { "/api/" } "." }
            }
        }
    }
}

/// A time as people read it, in UTC, inside `<time>`.
fn when(t: Option<Timestamp>) -> Markup {
    match t {
        Some(t) => html! {
            time datetime=(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
                (t.format("%Y-%m-%d %H:%M UTC"))
            }
        },
        None => html! { span.none { "unknown" } },
    }
}

/// An outside address as a link when it is http(s), else as plain text: a `javascript:`
/// or `data:` address a page carried must never become something to click.
pub(crate) fn external_link(url: &str, text: &str) -> Markup {
    let linkable = Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    html! {
        @if linkable {
            a.external href=(url) rel="noopener noreferrer nofollow" { (text) }
        } @else {
            span.unlinked { (text) }
        }
    }
}

fn outlet_name(outlet: Option<&str>) -> &str {
    outlet.unwrap_or("unknown outlet")
}

/// The front page: events, newest or most covered first, maybe filtered by words.
pub(crate) fn events(list: &crate::EventList) -> Markup {
    let sort_link = |order: EventOrder, label: &str| {
        let current = order == list.order;
        html! {
            @if current { strong aria-current="true" { (label) } }
            @else { a href=(events_query(order, list.query.as_deref(), 1)) { (label) } }
        }
    };
    let body = html! {
        h1 {
            @if let Some(q) = &list.query { "Events mentioning “" (q) "”" } @else { "Events" }
        }
        p.sort {
            "Sort: " (sort_link(EventOrder::Newest, "newest")) " · "
            (sort_link(EventOrder::MostCovered, "most outlets"))
        }
        @if list.events.is_empty() {
            p.empty { "No events" @if list.page > 1 { " on this page" } "." }
        }
        ol.events {
            @for e in &list.events { li.event { (event_summary(e)) } }
        }
        (pager(list))
    };
    layout("Events", "", body)
}

fn event_summary(e: &EventSummary) -> Markup {
    html! {
        h2 { a href=(event_path(e.id)) { (e.title) } }
        p.meta {
            (e.outlet_count) @if e.outlet_count == 1 { " outlet" } @else { " outlets" }
            " · " (e.article_count) @if e.article_count == 1 { " article" } @else { " articles" }
            " · first seen " (when(e.first_seen)) " · last seen " (when(e.last_seen))
        }
        @if !e.outlets.is_empty() {
            p.outlets { (e.outlets.join(" · ")) }
        }
    }
}

fn pager(list: &crate::EventList) -> Markup {
    let q = list.query.as_deref();
    html! {
        nav.pager aria-label="Pages" {
            @if list.page > 1 {
                a rel="prev" href=(events_query(list.order, q, list.page - 1)) { "← Previous page" }
            }
            span { "Page " (list.page) }
            @if list.more {
                a rel="next" href=(events_query(list.order, q, list.page + 1)) { "Next page →" }
            }
        }
    }
}

/// One event: its articles, a timeline, and the comparison.
pub(crate) fn event(asked: EventId, detail: &EventDetail, coverage: &Coverage) -> Markup {
    let s = &detail.summary;
    let originals = detail.articles.iter().filter(|a| a.duplicate_of.is_none()).count();
    let body = html! {
        @if s.id != asked {
            p.note { "Event " (asked) " was merged into this one." }
        }
        h1 { (s.title) }
        p.meta {
            (s.article_count) " articles from " (s.outlet_count) " outlets, "
            (when(s.first_seen)) " to " (when(s.last_seen))
        }
        section #articles {
            h2 { "Articles" }
            ol.articles {
                @for a in &detail.articles { li { (article_line(a)) } }
            }
        }
        section #timeline {
            h2 { "When each outlet published" }
            (timeline(&detail.articles))
        }
        @if originals > 1 {
            section #comparison { (comparison(coverage)) }
        }
    };
    layout(&s.title, "", body)
}

fn article_line(a: &StoredArticle) -> Markup {
    let art = &a.article;
    html! {
        span.outlet { (outlet_name(art.outlet.as_deref())) }
        " " (when(art.time()))
        br;
        a.title href=(article_path(&a.key)) { (nonempty(&art.title)) }
        @if let Some(url) = &art.url {
            br; span.source { "Original: " (external_link(url.as_str(), url.as_str())) }
        }
        @if let Some(of) = &a.duplicate_of {
            br; span.copy {
                "A copy of " a href=(article_path(of)) { "another article" }
                " (similarity " (format!("{:.2}", a.similarity.unwrap_or(1.0))) ")"
            }
        }
    }
}

fn nonempty(title: &str) -> &str {
    if title.trim().is_empty() { "(no title)" } else { title }
}

/// What the outlets say: claims several make, and claims only one makes.
fn comparison(coverage: &Coverage) -> Markup {
    html! {
        h2 { "What the outlets say" }
        @if !coverage.by_meaning {
            p.note { "Compared on words alone: no sentence-embedding model is loaded." }
        }
        h3 { "Reported by several outlets" }
        @if coverage.shared.is_empty() {
            p.empty { "No statement is made by more than one outlet." }
        }
        ol.shared {
            @for claim in &coverage.shared {
                li.shared { (claim_group(&serde_json::to_value(claim).unwrap_or_default())) }
            }
        }
        h3 { "Said by one outlet only" }
        @if coverage.unique.iter().all(|u| u.claims.is_empty()) {
            p.empty { "Every statement is made by more than one outlet." }
        }
        @for u in coverage.unique.iter().filter(|u| !u.claims.is_empty()) {
            section.unique-group {
                h4 { span.badge { "only " (u.outlet) " says" } }
                ul {
                    @for claim in &u.claims {
                        li.unique data-outlet=(u.outlet) {
                            span.label { "only " (u.outlet) " says: " }
                            (claim)
                        }
                    }
                }
            }
        }
    }
}

/// One statement several outlets make, from whatever fields the comparison gives it: its
/// wording and outlets; each outlet's own sentence (`sentences: [{outlet, text}]`); and
/// figures the outlets disagree on (`conflicts: [{kind, values: [{outlet, value}]}]`).
/// Read from the serialized form, so a field added to the comparison shows up here.
pub(crate) fn claim_group(claim: &Value) -> Markup {
    let text = claim["text"].as_str().unwrap_or_default();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned)).collect()
            })
            .unwrap_or_default()
    };
    let outlets = strings(&claim["outlets"]);
    let sentences = claim["sentences"].as_array().cloned().unwrap_or_default();
    let conflicts = claim["conflicts"].as_array().cloned().unwrap_or_default();
    let field = |v: &Value, key: &str| match &v[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    html! {
        p.claim { (text) }
        p.outlets { "Said by " (outlets.join(", ")) }
        @if !sentences.is_empty() {
            ul.sentences {
                @for s in &sentences {
                    li { span.outlet { (field(s, "outlet")) ": " } (field(s, "text")) }
                }
            }
        }
        @if !conflicts.is_empty() {
            div.conflicts {
                @for c in &conflicts {
                    p.conflict {
                        span.label { "The outlets differ on " (field(c, "kind")) ": " }
                        @for (i, v) in c["values"].as_array().cloned().unwrap_or_default().iter().enumerate() {
                            @if i > 0 { "; " }
                            (field(v, "outlet")) " says " strong { (field(v, "value")) }
                        }
                    }
                }
            }
        }
    }
}

/// One article: its text, its metadata and where each value came from, and its copies.
pub(crate) fn article(
    a: &StoredArticle,
    original: Option<&StoredArticle>,
    copies: &[StoredArticle],
) -> Markup {
    let art = &a.article;
    let body = html! {
        h1 { (nonempty(&art.title)) }
        p.meta { span.outlet { (outlet_name(art.outlet.as_deref())) } " · " (when(art.time())) }
        @if let Some(o) = original {
            p.note {
                "This article is a copy (similarity "
                (format!("{:.2}", a.similarity.unwrap_or(1.0))) ") of "
                a href=(article_path(&o.key)) { (nonempty(&o.article.title)) }
                " from " (outlet_name(o.article.outlet.as_deref())) "."
            }
        } @else if let Some(of) = &a.duplicate_of {
            p.note {
                "This article is a copy of " a href=(article_path(of)) { (of.to_string()) } "."
            }
        }
        (metadata(a))
        @if !copies.is_empty() {
            section #copies {
                h2 { "Copies of this article" }
                ul {
                    @for c in copies {
                        li {
                            a href=(article_path(&c.key)) { (nonempty(&c.article.title)) }
                            " — " (outlet_name(c.article.outlet.as_deref()))
                            " (similarity " (format!("{:.2}", c.similarity.unwrap_or(1.0))) ")"
                        }
                    }
                }
            }
        }
        section #text {
            h2 { "Text" }
            div.text {
                @for para in art.text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                    p { (para) }
                }
            }
        }
    };
    layout(nonempty(&art.title), "", body)
}

/// An article's metadata, each value with where it came from.
fn metadata(a: &StoredArticle) -> Markup {
    let art = &a.article;
    let none = |what: &str| html! { span.none { (what) } };
    html! {
        section #metadata {
            h2 { "Metadata and where it came from" }
            dl.metadata {
                dt { "Outlet" }
                dd { (outlet_name(art.outlet.as_deref())) }
                dt { "Published" }
                dd {
                    (when(art.published))
                    @if let Some(src) = art.published_source {
                        span.source { " — from " (date_source(src)) }
                    }
                }
                @if art.modified.is_some() {
                    dt { "Modified" }
                    dd { (when(art.modified)) " — from the page" }
                }
                dt { "Downloaded" }
                dd {
                    @if art.fetched_at.is_some() { (when(art.fetched_at)) }
                    @else { "not downloaded: read from an input file" }
                }
                dt { "Authors" }
                dd {
                    @if art.authors.is_empty() { (none("none found")) }
                    @else { (art.authors.join(", ")) }
                }
                dt { "Language" }
                dd {
                    @if let Some(l) = &art.language { (l) " — detected from the text" }
                    @else { (none("unknown")) }
                }
                dt { "Address" }
                dd {
                    @if let Some(u) = &art.url { (external_link(u.as_str(), u.as_str())) }
                    @else { (none("none")) }
                }
                @if let Some(u) = &art.canonical_url {
                    dt { "Canonical address" }
                    dd { (external_link(u.as_str(), u.as_str())) " — as the page names itself" }
                }
                @if let Some(id) = &art.input_id {
                    dt { "Input id" }
                    dd { code { (id) } }
                }
                dt { "Text from" }
                dd { (art.extractor) }
                @if !art.flags.names().is_empty() {
                    dt { "Page flags" }
                    dd { (art.flags.names().join(", ")) }
                }
                dt { "Key" }
                dd { code { (a.key.to_string()) } }
                @if let Some(e) = a.event {
                    dt { "Event" }
                    dd { a href=(event_path(e)) { "event " (e) } }
                }
            }
        }
    }
}

fn date_source(s: DateSource) -> &'static str {
    match s {
        DateSource::JsonLd => "the page's JSON-LD (datePublished)",
        DateSource::OpenGraph => "the page's OpenGraph tags",
        DateSource::Meta => "a <meta> tag of the page",
        DateSource::TimeElement => "a <time> element of the page",
        DateSource::Feed => "the feed entry that linked it",
        DateSource::Url => "a date in its address",
        DateSource::Input => "the input file",
    }
}

/// Search results, with each snippet's matched words marked.
pub(crate) fn search(query: &str, hits: &[SearchHit], error: Option<&str>) -> Markup {
    let body = html! {
        h1 { @if query.is_empty() { "Search" } @else { "Articles matching “" (query) "”" } }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        @if !query.is_empty() && error.is_none() && hits.is_empty() { p.empty { "No article matches." } }
        ol.hits {
            @for h in hits {
                li.hit {
                    a.title href=(article_path(&h.key)) { (nonempty(&h.title)) }
                    p.meta {
                        span.outlet { (outlet_name(h.outlet.as_deref())) } " · " (when(h.published))
                        @if let Some(e) = h.event { " · " a href=(event_path(e)) { "event " (e) } }
                    }
                    p.snippet { (snippet(&h.snippet)) }
                }
            }
        }
        @if !query.is_empty() {
            p { a href=(events_query(EventOrder::Newest, Some(query), 1)) { "Events that mention it" } }
        }
    };
    layout("Search", query, body)
}

/// A snippet with the store's match markers turned into `<mark>`; the text between is
/// escaped like any other.
fn snippet(s: &str) -> Markup {
    let mut parts: Vec<(bool, &str)> = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(MATCH_START) {
        let after = &rest[start + MATCH_START.len()..];
        let Some(end) = after.find(MATCH_END) else { break };
        parts.push((false, &rest[..start]));
        parts.push((true, &after[..end]));
        rest = &after[end + MATCH_END.len()..];
    }
    parts.push((false, rest));
    html! { @for (marked, text) in parts { @if marked { mark { (text) } } @else { (text) } } }
}

/// Feed health, as `chorus feeds` shows it.
pub(crate) fn feeds(feeds: &[FeedHealth], meaning: Option<&RunMeaning>) -> Markup {
    let share = |s: Option<f64>| s.map_or_else(|| "-".to_owned(), |s| format!("{:.0}%", s * 100.0));
    let body = html! {
        h1 { "Feeds" }
        @match meaning {
            Some(RunMeaning { meaning: Meaning::Model(id), started_at }) => {
                p.meaning { "Sentence meaning: model " (id) " (run of " (started_at) ")" }
            }
            Some(RunMeaning { meaning: Meaning::WordsOnly(why), started_at }) => {
                p.meaning { "Sentence meaning: words only, no model (run of " (started_at) "): " (why) }
            }
            None => {}
        }
        @if feeds.is_empty() { p.empty { "No feed polled yet." } }
        ol.feeds {
            @for f in feeds {
                @let state = feed_state(f);
                li class=(format!("feed {state}")) {
                    h2 { (f.outlet) " " span class=(format!("state {state}")) { (state) } }
                    p.url { (external_link(&f.url, &f.url)) }
                    dl {
                        dt { "Last success" } dd { (when(f.last_success)) }
                        dt { "Last new article" } dd { (when(f.last_new_article_at)) }
                        dt { "Next poll" } dd {
                            (when(f.next_poll_at))
                            @if let Some(r) = &f.next_poll_reason { " — " (r) }
                        }
                        dt { "Failures (soft/hard)" } dd { (f.soft_failures) "/" (f.hard_failures) }
                        dt { "Not modified" } dd { (share(f.not_modified_share)) }
                        dt { "Already known" } dd { (share(f.known_share)) }
                        dt { "Articles" } dd { (f.articles) " from " (f.checks) " polls" }
                        @if let Some(e) = &f.last_error { dt { "Last error" } dd.error { (e) } }
                    }
                    @if f.validators_unreliable {
                        p.note { "The server kept its ETag/Last-Modified while the feed changed: polled without them." }
                    }
                }
            }
        }
    };
    layout("Feeds", "", body)
}

/// An error page.
pub(crate) fn error(status: u16, message: &str) -> Markup {
    let body = html! {
        h1 { (status) }
        p.error role="alert" { (message) }
        p { a href="/" { "All events" } }
    };
    layout("Error", "", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_addresses_become_links() {
        let link = external_link("https://a.test/x?a=1&b=2", "x").into_string();
        assert_eq!(
            link,
            r#"<a class="external" href="https://a.test/x?a=1&amp;b=2" rel="noopener noreferrer nofollow">x</a>"#
        );
        for bad in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>", "not a url"]
        {
            let shown = external_link(bad, bad).into_string();
            assert!(!shown.contains("href"), "{shown}");
            assert!(!shown.contains('<') || shown.starts_with("<span"), "{shown}");
        }
    }

    #[test]
    fn snippets_mark_matches_and_escape_the_rest() {
        let shown = snippet("a [troops] <b>x</b> [Italy]").into_string();
        assert_eq!(shown, "a <mark>troops</mark> &lt;b&gt;x&lt;/b&gt; <mark>Italy</mark>");
        assert_eq!(snippet("unclosed [x").into_string(), "unclosed [x");
    }

    #[test]
    fn a_claim_shows_every_field_the_comparison_gives() {
        let claim = serde_json::json!({
            "text": "39 <countries> met.",
            "outlets": ["A", "B"],
            "sentences": [{"outlet": "A", "text": "39 met."}, {"outlet": "B", "text": "Thirty-nine met."}],
            "conflicts": [{"kind": "count", "values": [{"outlet": "A", "value": "39"}, {"outlet": "B", "value": "26"}]}],
        });
        let shown = claim_group(&claim).into_string();
        assert!(shown.contains("39 &lt;countries&gt; met."), "{shown}");
        assert!(shown.contains("Said by A, B"), "{shown}");
        assert!(shown.contains("Thirty-nine met."), "{shown}");
        assert!(
            shown.contains("differ on count") && shown.contains("<strong>26</strong>"),
            "{shown}"
        );
    }
}
