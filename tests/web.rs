//! The web view, `chorus serve`, run as a user runs it: databases filled by the real
//! binary, the view on 127.0.0.1:0, its pages read by headless Chromium and its API and
//! headers by an HTTP client.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use chorus_newsroom::catalog;
use scraper::{Html, Selector};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::util::{Workspace, chorus, newsroom, run, run_ok, signal, wait_until};

/// A running `chorus serve` (or `chorus run`) and the address it printed.
struct Served {
    child: tokio::process::Child,
    base: String,
}

impl Served {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }
}

/// Starts `chorus ARGS` and waits for the address it prints on its first line.
async fn start(args: &[&str], env: &[(&str, &str)]) -> Served {
    let mut cmd = chorus();
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("chorus starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("chorus printed its address within a minute")
        .expect("stdout is readable")
        .expect("chorus printed a line");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    // Keep reading so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Served { child, base }
}

async fn serve(db: &str) -> Served {
    start(&["serve", "--db", db, "--listen", "127.0.0.1:0"], &[]).await
}

fn client() -> reqwest::Client {
    chorus_fetch::init_tls();
    reqwest::Client::builder().no_proxy().build().expect("a client")
}

async fn get_json(url: &str) -> Value {
    let response = client().get(url).send().await.expect("the view answers");
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("JSON")
}

/// The newsroom backfilled into a database: every outlet's feed, and the seed event told
/// by two outlets.
async fn backfilled() -> (Workspace, String) {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", "");
    run_ok(&["backfill", "--config", config.to_str().unwrap()]).await;
    let db = ws.path("chorus.db").to_str().unwrap().to_owned();
    (ws, db)
}

/// The Chromium to drive: `$CHORUS_CHROMIUM`, else `chromium` on the PATH
/// (`make browser` installs it).
fn chromium() -> tokio::process::Command {
    let bin = std::env::var("CHORUS_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let mut cmd = tokio::process::Command::new(bin);
    // Root (CI) needs --no-sandbox; a profile of its own keeps parallel runs apart.
    let profile = tempfile::tempdir().expect("profile dir").keep();
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .kill_on_drop(true);
    cmd
}

/// The page's DOM after Chromium loaded it (and ran whatever it would run).
async fn browser_dom(url: &str) -> Html {
    let out = chromium()
        .args(["--dump-dom", url])
        .output()
        .await
        .expect("chromium runs: install it with `make browser`");
    assert!(
        out.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Html::parse_document(&String::from_utf8_lossy(&out.stdout))
}

/// Where screenshots go: `target/screenshots/`.
fn screenshot_dir() -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

async fn screenshot(url: &str, name: &str, (width, height): (u32, u32)) {
    let file = screenshot_dir().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&file);
    let out = chromium()
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--screenshot={}", file.display()))
        .arg(url)
        .output()
        .await
        .expect("chromium runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    assert!(size > 1000, "no screenshot of {url} in {}", file.display());
}

fn select<'a>(dom: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    dom.select(&Selector::parse(css).expect("a selector")).collect()
}

fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text().collect::<Vec<_>>().join("")
}

/// The event both seeds belong to.
async fn seed_event(view: &Served) -> i64 {
    let hits = get_json(&view.url("/api/search?q=Meloni%20troops")).await;
    hits["hits"][0]["event"].as_i64().expect("the seed event is found")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_front_page_links_every_event_by_its_title() {
    let (_ws, db) = backfilled().await;
    let view = serve(&db).await;
    let listed = get_json(&view.url("/api/events?limit=200")).await;
    let events = listed["events"].as_array().unwrap();
    assert_eq!(events.len(), catalog().events.len());
    let dom = browser_dom(&view.url("/")).await;
    let links = select(&dom, "li.event h2 a");
    assert_eq!(links.len(), events.len());
    for e in events {
        let href = format!("/events/{}", e["id"]);
        let title = e["title"].as_str().unwrap();
        assert!(
            links.iter().any(|a| a.value().attr("href") == Some(&href) && text(a) == title),
            "no link {href} titled {title:?}"
        );
    }
    // Words narrow the list to the events whose articles use them.
    let seed = seed_event(&view).await;
    let dom = browser_dom(&view.url("/?q=siphoned+billions")).await;
    let found: Vec<String> = select(&dom, "li.event h2 a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(found, [format!("/events/{seed}")]);
    // Most outlets first on request.
    let covered = get_json(&view.url("/api/events?sort=covered")).await;
    let counts: Vec<i64> = covered["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outlet_count"].as_i64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_event_page_marks_kmias_allegations_as_its_alone() {
    let (_ws, db) = backfilled().await;
    let view = serve(&db).await;
    let id = seed_event(&view).await;
    let dom = browser_dom(&view.url(&format!("/events/{id}"))).await;
    let unique = select(&dom, "li.unique");
    for start in [
        "Investigative reports, including those",
        "These reports allege",
        "The most damning evidence",
    ] {
        let claim = unique
            .iter()
            .find(|li| text(li).contains(start))
            .unwrap_or_else(|| panic!("{start:?} is not marked as one outlet's claim"));
        assert_eq!(claim.value().attr("data-outlet"), Some("Miami News, KMIA"));
        assert!(text(claim).starts_with("only Miami News, KMIA says"), "{}", text(claim));
    }
    // Both outlets' articles are listed, each linked to its own page.
    let articles = select(&dom, "#articles a.title");
    assert!(articles.len() >= 2, "{}", articles.len());
    assert!(articles.iter().all(|a| a.value().attr("href").unwrap().starts_with("/articles/")));
    assert!(!select(&dom, "li.shared").is_empty(), "no shared claims");
    // The API gives the same comparison `chorus event --json` gives.
    let api = get_json(&view.url(&format!("/api/events/{id}"))).await;
    let outlets = api["event"]["summary"]["outlet_count"].as_u64().unwrap() as usize;
    assert_eq!(select(&dom, "ol.timeline > li").len(), outlets, "one timeline row per outlet");
    let cli: Value =
        serde_json::from_str(&run_ok(&["event", "--db", &db, &id.to_string(), "--json"]).await)
            .unwrap();
    assert_eq!(api["event"], cli["event"]);
    assert_eq!(api["coverage"]["unique"], cli["coverage"]["unique"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_an_article_and_feeds_lists_every_feed() {
    let (_ws, db) = backfilled().await;
    let view = serve(&db).await;
    let dom = browser_dom(&view.url("/search?q=siphoned%20billions")).await;
    let hits = select(&dom, "li.hit");
    assert_eq!(hits.len(), 1, "one article says it");
    let link = select(&dom, "li.hit a.title")[0].value().attr("href").unwrap().to_owned();
    assert!(!select(&dom, "li.hit mark").is_empty(), "the matched words are marked");
    let article = browser_dom(&view.url(&link)).await;
    assert!(text(&select(&article, "#text")[0]).contains("siphoned billions"));
    assert!(text(&select(&article, "dl.metadata")[0]).contains("Miami News, KMIA"));

    let dom = browser_dom(&view.url("/feeds")).await;
    let feeds = select(&dom, "li.feed");
    assert_eq!(feeds.len(), catalog().outlets.len());
    let api = get_json(&view.url("/api/feeds")).await;
    for f in api["feeds"].as_array().unwrap() {
        let url = f["url"].as_str().unwrap();
        assert!(feeds.iter().any(|li| text(li).contains(url)), "{url} is not listed");
    }
    assert!(text(&select(&dom, "p.meaning")[0]).starts_with("Sentence meaning: words only"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_and_its_original_link_to_each_other() {
    let (_ws, db) = backfilled().await;
    let view = serve(&db).await;
    let listed = get_json(&view.url("/api/events?limit=200")).await;
    let mut copy = None;
    for e in listed["events"].as_array().unwrap() {
        let event = get_json(&view.url(&format!("/api/events/{}", e["id"]))).await;
        let articles = event["event"]["articles"].as_array().unwrap();
        if let Some(a) = articles.iter().find(|a| !a["duplicate_of"].is_null()) {
            copy = Some(a.clone());
            break;
        }
    }
    let copy = copy.expect("the newsroom's wire reprint is stored as a copy");
    let (copy_key, original_key) =
        (copy["key"].as_str().unwrap(), copy["duplicate_of"].as_str().unwrap());
    let dom = browser_dom(&view.url(&format!("/articles/{}", url_escape(copy_key)))).await;
    let note = select(&dom, "main p.note");
    assert!(text(&note[0]).starts_with("This article is a copy"), "{}", text(&note[0]));
    let back = format!("/articles/{}", url_escape(original_key));
    let links: Vec<&str> =
        select(&dom, "main p.note a").iter().filter_map(|a| a.value().attr("href")).collect();
    assert!(links.contains(&back.as_str()), "{links:?} {back}");
    let dom = browser_dom(&view.url(&back)).await;
    let copies: Vec<String> = select(&dom, "#copies a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(copies, [format!("/articles/{}", url_escape(copy_key))]);
    let api = get_json(&view.url(&back.replace("/articles/", "/api/articles/"))).await;
    assert_eq!(api["copies"], serde_json::json!([copy_key]));
}

/// Each page at desktop and phone widths, for people to look at.
#[tokio::test(flavor = "multi_thread")]
async fn screenshots_of_every_page() {
    let (_ws, db) = backfilled().await;
    let view = serve(&db).await;
    let id = seed_event(&view).await;
    let hit = get_json(&view.url("/api/search?q=siphoned")).await;
    let key = hit["hits"][0]["key"].as_str().unwrap().to_owned();
    let article = format!("/articles/{}", url_escape(&key));
    let pages = [
        ("events", "/".to_owned()),
        ("event", format!("/events/{id}")),
        ("article", article),
        ("search", "/search?q=troops".to_owned()),
        ("feeds", "/feeds".to_owned()),
    ];
    for (name, path) in &pages {
        // The event page is long: tall enough to show the claims one outlet alone makes.
        let tall = if *name == "event" { 3 } else { 1 };
        screenshot(&view.url(path), &format!("{name}-desktop"), (1280, 1000 * tall)).await;
        screenshot(&view.url(path), &format!("{name}-phone"), (390, 1600 * tall)).await;
    }
}

/// Percent-encodes all but the unreserved characters, as the view writes article keys.
fn url_escape(s: &str) -> String {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    s.bytes()
        .map(|b| if unreserved(b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The two seed texts replayed from a JSONL file as two outlets: the event page marks the
/// closing allegations as the second outlet's alone.
#[tokio::test(flavor = "multi_thread")]
async fn the_seeds_replayed_as_two_outlets_show_kmias_allegations_as_its_own() {
    let ws = Workspace::new();
    let seeds: Vec<&chorus_newsroom::Story> = catalog()
        .stories
        .iter()
        .filter(|s| s.event == "italy-troops" && matches!(s.outlet, "harbor-gazette" | "kmia"))
        .collect();
    assert_eq!(seeds.len(), 2, "both seeds are in the catalog");
    let lines: Vec<String> = seeds
        .iter()
        .map(|s| {
            let source = if s.outlet == "kmia" { "Miami News, KMIA" } else { "Rome Desk" };
            serde_json::json!({
                "id": s.slug, "source": source, "time": s.published.to_rfc3339(),
                "url": format!("https://{}.example/{}", s.outlet, s.slug),
                "title": s.title, "text": s.paragraphs.join("\n\n"),
            })
            .to_string()
        })
        .collect();
    let input = ws.path("seeds.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let db = ws.path("seeds.db").to_str().unwrap().to_owned();
    run_ok(&["backfill", "--jsonl", input.to_str().unwrap(), "--db", &db]).await;
    let view = serve(&db).await;
    let listed = get_json(&view.url("/api/events")).await;
    let events = listed["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "the seeds are one event: {listed}");
    let dom = browser_dom(&view.url(&format!("/events/{}", events[0]["id"]))).await;
    let kmia: Vec<String> =
        select(&dom, "li.unique[data-outlet='Miami News, KMIA']").iter().map(text).collect();
    for start in [
        "Investigative reports",
        "These reports allege",
        "The most damning evidence",
        "This revelation has cast",
    ] {
        assert!(kmia.iter().any(|c| c.contains(start)), "{start:?} is not KMIA's alone: {kmia:#?}");
    }
    assert!(!select(&dom, "li.shared").is_empty(), "the retold facts are shared");
}

/// An article whose outlet, title, body and address carry markup and script.
const HOSTILE: &str = r#"{"id": "hostile", "source": "Evil <script>document.body.setAttribute('data-pwned','outlet')</script> Outlet", "time": "2025-09-05T10:00:00Z", "url": "javascript:document.body.setAttribute('data-pwned','url')", "title": "<script>document.title='pwned'</script><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">", "text": "Read <a href=\"javascript:alert(1)\">this</a>.\n\n<script>document.body.setAttribute('data-pwned','text')</script><svg onload=\"document.title='pwned'\"></svg> The end of the story is here."}"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_article_is_shown_as_text_and_runs_nothing() {
    let ws = Workspace::new();
    let input = ws.path("hostile.jsonl");
    std::fs::write(&input, format!("{HOSTILE}\n")).unwrap();
    let db = ws.path("chorus.db").to_str().unwrap().to_owned();
    run_ok(&["backfill", "--jsonl", input.to_str().unwrap(), "--db", &db]).await;
    let view = serve(&db).await;
    let event = get_json(&view.url("/api/events")).await["events"][0]["id"].as_i64().unwrap();
    for path in [
        "/".to_owned(),
        format!("/events/{event}"),
        "/articles/input%3Ahostile".to_owned(),
        "/search?q=story".to_owned(),
    ] {
        let raw = client().get(view.url(&path)).send().await.unwrap().text().await.unwrap();
        for forbidden in ["<script", "<img", "<svg onload", "onerror=\"", "href=\"javascript:"] {
            assert!(!raw.contains(forbidden), "{path} carries {forbidden:?} unescaped");
        }
        assert!(raw.contains("&lt;script&gt;"), "{path} does not show the markup as text");
        let dom = browser_dom(&view.url(&path)).await;
        let title = text(&select(&dom, "title")[0]);
        assert!(title.ends_with(" · Chorus") && title != "pwned", "{path}: title {title:?}");
        assert!(select(&dom, "body[data-pwned]").is_empty(), "{path}: a script ran");
        assert!(
            select(&dom, "main script, main img, main [onerror], main [onload]").is_empty(),
            "{path}"
        );
        for a in select(&dom, "a[href]") {
            let href = a.value().attr("href").unwrap().to_ascii_lowercase();
            assert!(!href.trim_start().starts_with("javascript:"), "{path}: link {href}");
        }
    }
    // Long unbroken names wrap on a phone instead of widening the page.
    screenshot(&view.url("/"), "hostile-phone", (390, 900)).await;
    let article = browser_dom(&view.url("/articles/input%3Ahostile")).await;
    let shown = select(&article, "span.unlinked");
    assert!(
        shown.iter().any(|s| text(s).starts_with("javascript:")),
        "the address is shown as text"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_view_serves_get_only_with_strict_headers() {
    let (_ws, db) = backfilled().await;
    let view = serve(&db).await;
    let http = client();
    let page = http.get(view.url("/")).send().await.unwrap();
    let header = |name: &str| {
        page.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
    };
    assert_eq!(
        header("content-security-policy"),
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "no-referrer");
    let head = http.head(view.url("/")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-security-policy"],
        page.headers()["content-security-policy"]
    );
    let css = http.get(view.url("/static/style.css")).send().await.unwrap();
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));

    for (method, path) in
        [("POST", "/"), ("PUT", "/api/events"), ("DELETE", "/events/1"), ("POST", "/nowhere")]
    {
        let r = http.request(method.parse().unwrap(), view.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 405, "{method} {path}");
        assert_eq!(r.headers()["allow"], "GET, HEAD");
    }
    for path in [
        "/events/999999",
        "/events/x",
        "/api/events/999999",
        "/articles/input%3Anope",
        "/api/articles/nope",
        "/nowhere",
    ] {
        let r = http.get(view.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let long = "a".repeat(chorus_web::MAX_QUERY_CHARS + 1);
    let r = http.get(view.url(&format!("/search?q={long}"))).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = http.get(view.url("/api/search?q=%22unbalanced")).send().await.unwrap();
    assert_eq!(r.status(), 400, "a bad query is the user's, not a crash");
    let r = http.get(view.url("/?page=0")).send().await.unwrap();
    assert_eq!(r.status(), 400);

    let health = http.get(view.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok\n");
    let stats = get_json(&view.url("/api/stats")).await;
    assert!(
        stats["articles"].as_i64().unwrap() > 0 && stats["store_bytes"].as_u64().unwrap() > 0,
        "{stats}"
    );

    let metrics = http.get(view.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let samples = parse_prometheus(&metrics);
    let value = |name: &str| samples.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    assert_eq!(value("chorus_articles"), stats["articles"].as_f64(), "{metrics}");
    assert_eq!(value("chorus_events"), stats["events"].as_f64());
    let ok_feeds = value("chorus_feeds{state=\"ok\"}").expect("feeds by state");
    assert_eq!(ok_feeds as usize, catalog().outlets.len());
    assert!(
        value("chorus_http_requests_total{route=\"/events/{id}\",status=\"404\"}").is_some(),
        "{metrics}"
    );
    assert!(value("chorus_store_bytes").is_some_and(|b| b > 0.0));
}

/// Reads the Prometheus text format strictly: every line a `#` comment or
/// `name{labels} value`; returns `(name{labels}, value)` pairs.
fn parse_prometheus(text: &str) -> Vec<(String, f64)> {
    let mut samples = Vec::new();
    for line in text.lines() {
        if line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        let (series, value) =
            line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line:?}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value: {line:?}"));
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                && !name.starts_with(|c: char| c.is_ascii_digit()),
            "bad name: {line:?}"
        );
        if name_end < series.len() {
            let labels = &series[name_end..];
            assert!(labels.starts_with('{') && labels.ends_with('}'), "bad labels: {line:?}");
            for pair in labels[1..labels.len() - 1].split("\",") {
                let (k, v) =
                    pair.split_once("=\"").unwrap_or_else(|| panic!("bad label: {line:?}"));
                assert!(k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{line:?}");
                assert!(!v.trim_end_matches('"').contains('\n'), "{line:?}");
            }
        }
        samples.push((series.to_owned(), value));
    }
    samples
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_guards_every_route_but_healthz() {
    let (ws, db) = backfilled().await;
    let secret = "correct-horse-battery-staple";
    let file = ws.path("token");
    std::fs::write(&file, format!("{secret}\n")).unwrap();
    let from_file = start(
        &["serve", "--db", &db, "--listen", "127.0.0.1:0", "--token-file", file.to_str().unwrap()],
        &[],
    )
    .await;
    let from_env =
        start(&["serve", "--db", &db, "--listen", "127.0.0.1:0"], &[("CHORUS_HTTP_TOKEN", secret)])
            .await;
    let http = client();
    for view in [&from_file, &from_env] {
        for path in ["/", "/api/events", "/metrics", "/feeds"] {
            let r = http.get(view.url(path)).send().await.unwrap();
            assert_eq!(r.status(), 401, "{path} without a token");
            let r = http
                .get(view.url(path))
                .bearer_auth("wrong-token-of-some-length")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401, "{path} with a wrong token");
            let r = http.get(view.url(path)).bearer_auth(secret).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path} with the token");
        }
        let r = http.get(view.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), 200, "/healthz needs no token");
    }
    // SIGTERM stops the view cleanly.
    let mut view = from_env;
    signal(&view.child, "TERM");
    let status =
        tokio::time::timeout(Duration::from_secs(30), view.child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread")]
async fn serving_beyond_loopback_without_a_token_is_refused_at_start_up() {
    let (_ws, db) = backfilled().await;
    let out = run(&["serve", "--db", &db, "--listen", "0.0.0.0:0"]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("without a token") && err.contains("0.0.0.0"), "{err}");
    let ws = Workspace::new();
    let missing = ws.path("missing.db");
    let out = run(&["serve", "--db", missing.to_str().unwrap(), "--listen", "127.0.0.1:0"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"));
    assert!(!missing.exists(), "the view created a database");
}

#[tokio::test(flavor = "multi_thread")]
async fn healthz_says_why_when_the_database_is_gone() {
    let (ws, db) = backfilled().await;
    let view = serve(&db).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{suffix}"));
    }
    let r = client().get(view.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.text().await.unwrap().contains("no database at"));
    drop(ws);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daemon_serves_the_view_while_it_writes() {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", "[http]\nlisten = \"127.0.0.1:0\"\n");
    let mut daemon = start(&["run", "--config", config.to_str().unwrap()], &[]).await;
    let stats_url = daemon.url("/api/stats");
    let mut articles = 0;
    let http = client();
    wait_until_async(&http, &stats_url, &mut articles).await;
    assert!(articles > 0);
    let metrics = http.get(daemon.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let samples = parse_prometheus(&metrics);
    assert!(samples.iter().any(|(n, _)| n == "chorus_daemon_uptime_seconds"), "{metrics}");
    signal(&daemon.child, "TERM");
    let status =
        tokio::time::timeout(Duration::from_secs(60), daemon.child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "{status}");
    // Nothing the view did wrote to the file: the daemon's articles are all there.
    wait_until("the file is readable", Duration::from_secs(5), || {
        crate::util::article_count(&ws.path("chorus.db")) >= articles
    })
    .await;
}

/// Polls `/api/stats` until the daemon has stored an article.
async fn wait_until_async(http: &reqwest::Client, url: &str, articles: &mut i64) {
    for _ in 0..600 {
        if let Ok(r) = http.get(url).send().await
            && r.status() == 200
            && let Ok(v) = r.json::<Value>().await
            && v["articles"].as_i64().unwrap_or(0) > 0
        {
            *articles = v["articles"].as_i64().unwrap_or(0);
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the daemon stored nothing the view could see within a minute");
}
