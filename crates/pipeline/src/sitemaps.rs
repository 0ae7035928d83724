//! The sitemap and URL-list backfill source: read sitemap trees within a date window, take
//! the listed addresses, download every page not stored yet, and hand the pages to the
//! extract stage.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chorus_fetch::{DateWindow, Fetcher};
use chorus_model::{FeedEntry, RawPage, Stage, StageReport, canonical_url};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::Feed;
use crate::progress::Meter;

/// Sitemaps and article addresses to backfill from, and the dates to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SitemapSource {
    /// Sitemap or sitemap index addresses, read in order.
    pub sitemaps: Vec<Url>,
    /// Article pages to download as they are (a URL list: no dates, no window), after the
    /// sitemaps.
    pub pages: Vec<Url>,
    /// Also poll the config's feeds once, in the same run.
    pub poll_feeds: bool,
    /// The entries kept: dated by `news:publication_date`, else `lastmod`. Undated entries
    /// are kept and counted.
    pub window: DateWindow,
}

/// Reads each sitemap tree in turn and downloads its pages, then the listed pages, one at a
/// time (the fetcher's per-host limit holds as well), skipping addresses in `known`.
///
/// The report counts entries in the window (and undated) as `received`, pages handed on as
/// `sent`, and notes per run: `sitemaps_read`, `skipped_by_date`, `undated`,
/// `children_skipped_by_date`, `children_over_limit`, `sitemap_loops`. Failed sitemaps and
/// pages are `dropped` by reason. Each sitemap's own summary is logged at INFO.
pub(crate) async fn sitemap_source(
    fetcher: Arc<Fetcher>,
    source: SitemapSource,
    outlets: Arc<Outlets>,
    known: Vec<String>,
    pages: mpsc::Sender<RawPage>,
    stop: CancellationToken,
    meter: Option<Arc<Meter>>,
) -> StageReport {
    let outlet_of = |url: &Url| outlets.name(url);
    let mut out = Downloads {
        fetcher,
        known: known.into_iter().collect(),
        report: StageReport::new(Stage::Source),
        pages,
        stop,
        meter,
    };
    crate::backfill::count_page(out.meter.as_deref(), source.pages.len() as u64);
    for root in &source.sitemaps {
        let walk = tokio::select! {
            biased;
            () = out.stop.cancelled() => break,
            walk = out.fetcher.read_sitemaps(root, source.window) => walk,
        };
        let report = &mut out.report;
        let mut note = |key: &str, n: u64| {
            if n > 0 {
                *report.noted.entry(key.to_owned()).or_default() += n;
            }
        };
        note("sitemaps_read", walk.sitemaps_read);
        note("skipped_by_date", walk.skipped_by_date);
        note("undated", walk.undated);
        note("children_skipped_by_date", walk.children_skipped_by_date);
        note("children_over_limit", walk.children_over_limit);
        note("sitemap_loops", walk.loops);
        for _ in &walk.failed {
            report.drop_for("sitemap_failed");
        }
        let outlet = outlet_of(root);
        let in_window = walk.entries.len();
        crate::backfill::count_page(out.meter.as_deref(), in_window as u64);
        let mut stored = 0u64;
        for entry in walk.entries {
            let url = entry.url.clone();
            match out.download(url, &outlet, Some(entry)).await {
                Next::Sent => stored += 1,
                Next::Skipped => {}
                Next::Stop => return out.report,
            }
        }
        tracing::info!(
            sitemap = %root,
            sitemaps_read = walk.sitemaps_read,
            in_window,
            skipped_by_date = walk.skipped_by_date,
            undated = walk.undated,
            children_skipped_by_date = walk.children_skipped_by_date,
            failed = walk.failed.len(),
            pages = stored,
            "sitemap read"
        );
    }
    for url in source.pages {
        let outlet = outlet_of(&url);
        if out.download(url, &outlet, None).await == Next::Stop {
            break;
        }
    }
    out.report
}

/// What to do after one page.
#[derive(PartialEq, Eq)]
enum Next {
    Sent,
    Skipped,
    Stop,
}

/// The page downloads of one run, and what it knows and counts.
struct Downloads {
    fetcher: Arc<Fetcher>,
    /// Canonical addresses stored or already queued.
    known: HashSet<String>,
    report: StageReport,
    pages: mpsc::Sender<RawPage>,
    stop: CancellationToken,
    /// Pages handled, for a progress display.
    meter: Option<Arc<Meter>>,
}

impl Downloads {
    /// Downloads `url` unless known, and hands the page on.
    async fn download(&mut self, url: Url, outlet: &str, entry: Option<FeedEntry>) -> Next {
        self.report.add_received(1);
        crate::backfill::page_done(self.meter.as_deref());
        if !self.known.insert(canonical_url(&url).to_string()) {
            self.report.drop_for("already_known");
            return Next::Skipped;
        }
        let fetched = tokio::select! {
            biased;
            () = self.stop.cancelled() => return Next::Stop,
            fetched = self.fetcher.fetch_page(&url, outlet, entry) => fetched,
        };
        match fetched {
            Ok(page) => {
                if self.pages.send(page).await.is_err() {
                    // Downstream is gone (a stage failed): nothing would store it.
                    return Next::Stop;
                }
                self.report.add_sent(1);
                Next::Sent
            }
            Err(e) => {
                tracing::warn!(%url, error = %e, "page download failed");
                self.report.drop_for(e.reason());
                Next::Skipped
            }
        }
    }
}

/// Outlet names by host, from the config's feeds, so that a backfilled page carries the
/// same outlet as the daemon gives that site's articles.
#[derive(Debug, Default)]
pub(crate) struct Outlets(HashMap<String, String>);

impl Outlets {
    /// The outlets of `feeds`. A host serving feeds of two outlets names neither: which
    /// one a page belongs to cannot be told from its host.
    pub(crate) fn of(feeds: &[Feed]) -> Outlets {
        let mut map: HashMap<String, Option<String>> = HashMap::new();
        for feed in feeds {
            let spec = feed.spec();
            if let Some(host) = spec.url.host_str() {
                let entry = map.entry(host_key(host)).or_insert_with(|| Some(spec.outlet.clone()));
                if entry.as_deref() != Some(spec.outlet.as_str()) {
                    *entry = None;
                }
            }
        }
        Outlets(map.into_iter().filter_map(|(host, outlet)| Some((host, outlet?))).collect())
    }

    /// The outlet for pages found through `url` (a sitemap or the page itself): a feed's
    /// outlet on the same host, else the host without `www.`.
    pub(crate) fn name(&self, url: &Url) -> String {
        let host = host_key(url.host_str().unwrap_or_default());
        self.0.get(&host).cloned().unwrap_or(host)
    }
}

fn host_key(host: &str) -> String {
    host.strip_prefix("www.").unwrap_or(host).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn pages_take_the_outlet_of_a_feed_on_their_host() {
        let feed = |url: &str, outlet: &str| {
            format!("[[feeds]]\nurl = \"{url}\"\noutlet = \"{outlet}\"\n")
        };
        let text = [
            feed("https://www.harbor.test/feed", "Harbor Gazette"),
            feed("https://harbor.test/world/feed", "Harbor Gazette"),
            feed("https://shared.test/a/feed", "A"),
            feed("https://shared.test/b/feed", "B"),
        ]
        .concat();
        let feeds = crate::Config::parse(&text, Path::new("t.toml")).unwrap().feeds;
        let outlets = Outlets::of(&feeds);
        let name = |u: &str| outlets.name(&Url::parse(u).unwrap());
        assert_eq!(name("https://harbor.test/news-sitemap.xml"), "Harbor Gazette");
        assert_eq!(name("https://WWW.Harbor.test/a/1"), "Harbor Gazette");
        assert_eq!(name("https://www.elsewhere.test/a"), "elsewhere.test");
        assert_eq!(name("https://shared.test/b/1"), "shared.test");
    }
}
