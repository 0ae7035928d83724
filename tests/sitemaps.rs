//! `chorus discover` and `chorus backfill --sitemap` against a small site served on
//! loopback: its home page, feeds, robots.txt, a tree of sitemaps and undated articles.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::http::{StatusCode, Uri, header};
use axum::response::IntoResponse;
use serde_json::Value;

use crate::util::{LOOPBACK_FETCH, Workspace, export, run, run_ok};

/// A site on loopback: fixed bodies by path (with query), and the log of paths asked for.
struct Site {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Site {
    async fn start(pages: Vec<(&'static str, &'static str, String)>) -> Site {
        let pages: Arc<BTreeMap<String, (&'static str, String)>> =
            Arc::new(pages.into_iter().map(|(p, ct, body)| (p.to_owned(), (ct, body))).collect());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        let app = axum::Router::new().fallback(move |uri: Uri| {
            let (pages, log) = (Arc::clone(&pages), Arc::clone(&log));
            async move {
                let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
                log.lock().unwrap().push(path.clone());
                match pages.get(&path) {
                    Some((ct, body)) => {
                        ([(header::CONTENT_TYPE, *ct)], body.clone()).into_response()
                    }
                    None => StatusCode::NOT_FOUND.into_response(),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Site { addr, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many times `path` was asked for.
    fn hits(&self, path: &str) -> usize {
        self.requests.lock().unwrap().iter().filter(|p| *p == path).count()
    }
}

const HTML: &str = "text/html; charset=utf-8";
const XML: &str = "application/xml";

const HOME: &str = r#"<!doctype html><html><head><title>Harbor Post</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Harbor Post: World" href="news/feed.rss">
</head><body><h1>Harbor Post</h1></body></html>"#;

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>World</title>
<item><title>One</title><link>/a/1</link></item>
<item><title>Two</title><link>/a/2</link></item></channel></rss>"#;

const ATOM: &str = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Everything</title>
<entry><title>One</title><link rel="alternate" href="/a/1"/></entry></feed>"#;

/// Sitemap bodies: the index, its children, and an index of indexes under it.
fn sitemaps() -> Vec<(&'static str, &'static str, String)> {
    let index = |children: &[(&str, &str)]| {
        let items: String = children
            .iter()
            .map(|(loc, lastmod)| {
                format!("<sitemap><loc>{loc}</loc><lastmod>{lastmod}</lastmod></sitemap>")
            })
            .collect();
        format!(
            r#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>"#
        )
    };
    let urlset = |urls: &[(&str, Option<&str>)]| {
        let items: String = urls
            .iter()
            .map(|(loc, date)| match date {
                Some(d) => format!(
                    "<url><loc>{loc}</loc><news:news><news:publication><news:name>Harbor Post</news:name>\
                     <news:language>en</news:language></news:publication>\
                     <news:publication_date>{d}</news:publication_date>\
                     <news:title>Headline of {loc}</news:title></news:news></url>"
                ),
                None => format!("<url><loc>{loc}</loc></url>"),
            })
            .collect();
        format!(
            r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{items}</urlset>"#
        )
    };
    vec![
        (
            "/maps/index.xml",
            XML,
            index(&[
                ("/maps/2025-09.xml", "2025-09-30"),
                ("/maps/2025-08.xml", "2025-08-31"),
                // Lists itself: read once all the same.
                ("/maps/index.xml", "2025-09-30"),
                ("/maps/deeper.xml", "2025-09-30"),
            ]),
        ),
        (
            "/maps/2025-09.xml",
            XML,
            urlset(&[
                ("/a/1", Some("2025-09-04T10:00:00Z")),
                ("/a/2", Some("2025-09-20T08:30:00+02:00")),
                ("/a/3", Some("2025-10-02T09:00:00Z")),
                ("/a/4", None),
            ]),
        ),
        ("/maps/2025-08.xml", XML, urlset(&[("/a/7", Some("2025-08-10T09:00:00Z"))])),
        (
            "/maps/deeper.xml",
            XML,
            index(&[
                ("/maps/deep-pages.xml", "2025-09-30"),
                ("/maps/deepest.xml", "2025-09-30"),
                // An ancestor: not read again.
                ("/maps/index.xml", "2025-09-30"),
            ]),
        ),
        ("/maps/deep-pages.xml", XML, urlset(&[("/a/5", Some("2025-09-10T12:00:00Z"))])),
        ("/maps/deepest.xml", XML, index(&[("/maps/too-deep.xml", "2025-09-30")])),
        ("/maps/too-deep.xml", XML, urlset(&[("/a/6", Some("2025-09-11T12:00:00Z"))])),
    ]
}

/// An article page with no date anywhere, so its date can only come from the sitemap.
fn article(n: usize) -> String {
    let topics = [
        ("harbour dredging", "the port authority", "silt"),
        ("a new tram line", "the city council", "rails"),
        ("the fishing quota", "the coastal fleet", "cod"),
        ("a library reopening", "the district", "books"),
        ("winter flood defences", "the river board", "levees"),
        ("a school merger", "the education office", "pupils"),
        ("an airport runway", "the aviation agency", "flights"),
    ];
    let (topic, who, thing) = topics[(n - 1) % topics.len()];
    let paragraphs: String = (1..=6)
        .map(|i| {
            format!(
                "<p>Paragraph {i} on {topic}: {who} said on the record that the plan for \
                 {thing} would change how residents live, and that a review of {thing} \
                 numbered {n}{i} would be published once the consultation on {topic} ends.</p>"
            )
        })
        .collect();
    format!(
        "<!doctype html><html><head><title>Report {n} on {topic}</title></head><body>\
         <article><h1>Report {n} on {topic}</h1>{paragraphs}</article></body></html>"
    )
}

async fn full_site() -> Site {
    let mut pages = vec![
        ("/", HTML, HOME.to_owned()),
        ("/news/feed.rss", "application/rss+xml", RSS.to_owned()),
        ("/atom.xml", "application/atom+xml", ATOM.to_owned()),
        // A common feed path that answers with a page: not a feed.
        ("/feed", HTML, HOME.to_owned()),
        ("/robots.txt", "text/plain", "User-agent: *\nSitemap: /maps/index.xml\n".to_owned()),
    ];
    pages.extend(sitemaps());
    let articles = ["/a/1", "/a/2", "/a/3", "/a/4", "/a/5", "/a/6", "/a/7"];
    pages.extend(articles.iter().enumerate().map(|(i, p)| (*p, HTML, article(i + 1))));
    Site::start(pages).await
}

#[tokio::test(flavor = "multi_thread")]
async fn discover_finds_linked_and_common_path_feeds_and_the_robots_sitemap() {
    let site = full_site().await;
    let ws = Workspace::new();
    let loopback = ws.loopback_config();
    let out: Value = serde_json::from_str(
        &run_ok(&["discover", &site.url("/"), "--json", "--config", &loopback]).await,
    )
    .unwrap();
    let feeds: Vec<(&str, &str)> = out["feeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["url"].as_str().unwrap(), f["found_by"].as_str().unwrap()))
        .collect();
    let (rss, atom) = (site.url("/news/feed.rss"), site.url("/atom.xml"));
    assert_eq!(feeds, [(rss.as_str(), "link rel=alternate"), (atom.as_str(), "common path")]);
    assert_eq!(out["site_title"], "Harbor Post");
    assert_eq!(out["feeds"][0]["kind"], "rss");
    assert_eq!(out["feeds"][0]["title"], "Harbor Post: World");
    assert_eq!(out["feeds"][0]["entries"], 2);
    assert_eq!(out["feeds"][1]["kind"], "atom");
    assert_eq!(out["feeds"][1]["title"], "Everything");
    let sitemaps = out["sitemaps"].as_array().unwrap();
    assert_eq!(sitemaps.len(), 1, "{out}");
    assert_eq!(sitemaps[0]["url"], site.url("/maps/index.xml"));
    assert_eq!(sitemaps[0]["kind"], "sitemap_index");
    assert_eq!(sitemaps[0]["found_by"], "robots.txt");
    assert_eq!(sitemaps[0]["entries"], 4);
    // Probed, and dropped for not being a feed.
    assert_eq!(site.hits("/feed"), 1);

    let text = run_ok(&["discover", &site.url("/"), "--config", &loopback]).await;
    assert!(
        text.contains(&format!("[[feeds]]\nurl = \"{rss}\"\noutlet = \"Harbor Post\"")),
        "{text}"
    );
    assert!(text.contains("found by robots.txt"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn discover_fails_when_nothing_is_found_or_the_site_cannot_be_read() {
    let site =
        Site::start(vec![("/", HTML, "<html><body>No feeds</body></html>".to_owned())]).await;
    let ws = Workspace::new();
    let loopback = ws.loopback_config();
    let out = run(&["discover", &site.url("/"), "--config", &loopback]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no feed or sitemap found"));

    let out = run(&["discover", &site.url("/missing"), "--config", &loopback]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read") && stderr.contains("404"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn backfill_from_a_sitemap_index_stores_exactly_the_articles_in_the_window() {
    let site = full_site().await;
    let ws = Workspace::new();
    let db = ws.path("chorus.db");
    let index = site.url("/maps/index.xml");
    let loopback = ws.loopback_config();
    let args = [
        "backfill",
        "--sitemap",
        &index,
        "--since",
        "2025-09-01",
        "--until",
        "2025-09-30",
        "--db",
        db.to_str().unwrap(),
        "--json",
        "--config",
        &loopback,
    ];
    let summary: Value = serde_json::from_str(&run_ok(&args).await).unwrap();
    let rows = export(&db).await;
    let urls: BTreeSet<&str> = rows.iter().map(|r| r["url"].as_str().unwrap()).collect();
    // 1, 2 and 5 are in the window; 4 has no date and is kept; 3 is after it; 7's sitemap
    // is older than the window; 6 is past the depth limit.
    let want: BTreeSet<String> =
        [1, 2, 4, 5].iter().map(|n| site.url(&format!("/a/{n}"))).collect();
    assert_eq!(urls, want.iter().map(String::as_str).collect(), "{summary}");

    // The page has no date: the news sitemap's publication date is the article's.
    let first = rows.iter().find(|r| r["url"] == site.url("/a/1")).unwrap();
    assert!(first["published"].as_str().unwrap().starts_with("2025-09-04T10:00:00"), "{first}");

    // Skipped by its lastmod without being fetched; too deep; each index read once.
    assert_eq!(site.hits("/maps/2025-08.xml"), 0);
    assert_eq!(site.hits("/maps/too-deep.xml"), 0);
    assert_eq!(site.hits("/maps/index.xml"), 1);
    assert_eq!(site.hits("/a/3"), 0);

    let source = summary["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "source");
    let noted = &source.unwrap()["noted"];
    assert_eq!(noted["sitemaps_read"], 5, "{summary}");
    assert_eq!(noted["skipped_by_date"], 1, "{summary}");
    assert_eq!(noted["undated"], 1, "{summary}");
    assert_eq!(noted["children_skipped_by_date"], 1, "{summary}");
    assert_eq!(noted["children_over_limit"], 1, "{summary}");
    assert_eq!(noted["sitemap_loops"], 2, "{summary}");

    // Again: nothing new is fetched or stored.
    let again: Value = serde_json::from_str(&run_ok(&args).await).unwrap();
    assert_eq!(export(&db).await.len(), 4);
    assert_eq!(site.hits("/a/1"), 1, "{again}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shallower_depth_limit_stops_at_the_first_index() {
    let site = full_site().await;
    let ws = Workspace::new();
    let config = ws.path("shallow.toml");
    let db = ws.path("chorus.db");
    std::fs::write(
        &config,
        format!("[store]\npath = {:?}\n{LOOPBACK_FETCH}max_sitemap_depth = 2\n", db),
    )
    .unwrap();
    let index = site.url("/maps/index.xml");
    run_ok(&["backfill", "--config", config.to_str().unwrap(), "--sitemap", &index]).await;
    let urls: BTreeSet<String> =
        export(&db).await.iter().map(|r| r["url"].as_str().unwrap().to_owned()).collect();
    // No window: every entry down to depth 2 (the dated index children and their pages);
    // deep-pages.xml is at depth 3.
    let want: BTreeSet<String> =
        [1, 2, 3, 4, 7].iter().map(|n| site.url(&format!("/a/{n}"))).collect();
    assert_eq!(urls, want);
    assert_eq!(site.hits("/maps/deeper.xml"), 1);
    assert_eq!(site.hits("/maps/deep-pages.xml"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_url_list_downloads_each_page_listed() {
    let site = full_site().await;
    let ws = Workspace::new();
    let loopback = ws.loopback_config();
    let db = ws.path("chorus.db");
    let list = ws.path("urls.txt");
    let text = format!(
        "# two reports\n{}\n\n  {}  # the tram line\n{}\n",
        site.url("/a/1"),
        site.url("/a/2"),
        site.url("/a/1")
    );
    std::fs::write(&list, text).unwrap();
    let args = [
        "backfill",
        "--urls",
        list.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--config",
        &loopback,
    ];
    run_ok(&args).await;
    let urls: BTreeSet<String> =
        export(&db).await.iter().map(|r| r["url"].as_str().unwrap().to_owned()).collect();
    assert_eq!(urls, BTreeSet::from([site.url("/a/1"), site.url("/a/2")]));
    assert_eq!(site.hits("/a/1"), 1, "a page listed twice was fetched twice");

    std::fs::write(&list, format!("{}\nnot a url\n", site.url("/a/3"))).unwrap();
    let out = run(&args).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("urls.txt:2: not an http(s) URL"), "{stderr}");
    assert_eq!(site.hits("/a/3"), 0, "a bad list started a run");
    assert_eq!(export(&db).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_newsroom_outlets_are_discovered_and_backfilled_from_their_news_sitemaps() {
    let news = crate::util::newsroom(std::time::Duration::ZERO).await;
    let catalog = chorus_newsroom::catalog();
    let i = catalog.outlets.iter().position(|o| o.slug == "kmia").unwrap();
    let outlet = &catalog.outlets[i];
    let (feed, sitemap) = (&news.feeds()[i].url, &news.news_sitemaps()[i].url);
    let front = feed.join(&outlet.front_path()).unwrap();
    let ws = Workspace::new();
    let loopback = ws.loopback_config();

    let found: Value = serde_json::from_str(
        &run_ok(&["discover", front.as_str(), "--json", "--config", &loopback]).await,
    )
    .unwrap();
    assert_eq!(found["feeds"][0]["url"], feed.as_str(), "{found}");
    assert_eq!(found["feeds"][0]["found_by"], "link rel=alternate", "{found}");
    assert_eq!(found["sitemaps"][0]["url"], sitemap.as_str(), "{found}");
    assert_eq!(found["sitemaps"][0]["kind"], "news_sitemap", "{found}");
    assert_eq!(found["sitemaps"][0]["found_by"], "robots.txt", "{found}");

    let db = ws.path("chorus.db");
    let day = "2025-09-04";
    run_ok(&[
        "backfill",
        "--sitemap",
        sitemap.as_str(),
        "--since",
        day,
        "--until",
        day,
        "--db",
        db.to_str().unwrap(),
        "--config",
        &loopback,
    ])
    .await;
    let rows = export(&db).await;
    let got: BTreeSet<String> =
        rows.iter().map(|r| r["url"].as_str().unwrap().to_owned()).collect();
    let want: BTreeSet<String> = catalog
        .stories_of("kmia")
        .filter(|s| s.published.format("%Y-%m-%d").to_string() == day)
        .map(|s| news.article_url(s).to_string())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sitemap_backfill_with_a_config_polls_its_feeds_too() {
    let news = crate::util::newsroom(std::time::Duration::ZERO).await;
    let site = full_site().await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", "");
    let index = site.url("/maps/index.xml");
    let args = ["backfill", "--config", config.to_str().unwrap(), "--sitemap", &index, "--json"];
    let args = [&args[..], &["--since", "2025-09-01", "--until", "2025-09-30"]].concat();
    let summary: Value = serde_json::from_str(&run_ok(&args).await).unwrap();
    let urls: BTreeSet<String> = export(&ws.path("chorus.db"))
        .await
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    // Export ids are canonical addresses.
    let id = |url: &str| chorus_model::canonical_url(&url.parse().unwrap()).to_string();
    let mut want: BTreeSet<String> =
        [1, 2, 4, 5].iter().map(|n| id(&site.url(&format!("/a/{n}")))).collect();
    let stories = chorus_newsroom::catalog().stories.iter();
    want.extend(stories.map(|s| id(news.article_url(s).as_str())));
    assert_eq!(urls, want, "{summary}");
    let source = summary["stages"].as_array().unwrap().iter().find(|s| s["stage"] == "source");
    assert_eq!(source.unwrap()["noted"]["feeds"], news.feeds().len(), "{summary}");
}
