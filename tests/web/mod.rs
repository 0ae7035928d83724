//! The web view, `chorus serve`, run as a user runs it: databases filled by the real
//! binary, the view on 127.0.0.1:0, its pages read by headless Chromium and its API and
//! headers by an HTTP client.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use scraper::{Html, Selector};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::util::{Workspace, chorus, newsroom, run_ok};

mod browser;
mod http;

/// A running `chorus serve` (or `chorus run`) and the address it printed.
pub(crate) struct Served {
    pub(crate) child: tokio::process::Child,
    base: String,
}

impl Served {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }
}

/// Starts `chorus ARGS` and waits for the address it prints on its first line.
pub(crate) async fn start(args: &[&str], env: &[(&str, &str)]) -> Served {
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

pub(crate) async fn serve(db: &str) -> Served {
    start(&["serve", "--db", db, "--listen", "127.0.0.1:0"], &[]).await
}

pub(crate) fn client() -> reqwest::Client {
    chorus_fetch::init_tls();
    reqwest::Client::builder().no_proxy().build().expect("a client")
}

pub(crate) async fn get_json(url: &str) -> Value {
    let response = client().get(url).send().await.expect("the view answers");
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("JSON")
}

/// The newsroom backfilled into a database: every outlet's feed, and the seed event told
/// by two outlets.
pub(crate) async fn backfilled() -> (Workspace, String) {
    let news = newsroom(Duration::ZERO).await;
    let ws = Workspace::new();
    let config = ws.config(&news, "chorus.db", "");
    run_ok(&["backfill", "--config", config.to_str().unwrap()]).await;
    let db = ws.path("chorus.db").to_str().unwrap().to_owned();
    (ws, db)
}

/// The Chromium to drive: `$CHORUS_CHROMIUM`, else `chromium` on the PATH
/// (`make browser` installs it).
/// The profile folder lives as long as the returned guard.
pub(crate) fn chromium() -> (tokio::process::Command, tempfile::TempDir) {
    let bin = std::env::var("CHORUS_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let mut cmd = tokio::process::Command::new(bin);
    // Root (CI) needs --no-sandbox; a profile of its own keeps parallel runs apart.
    let profile = tempfile::tempdir().expect("profile dir");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .kill_on_drop(true);
    (cmd, profile)
}

/// The page's DOM after Chromium loaded it (and ran whatever it would run).
pub(crate) async fn browser_dom(url: &str) -> Html {
    let (mut browser, _profile) = chromium();
    let out = browser
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
pub(crate) fn screenshot_dir() -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

pub(crate) async fn screenshot(url: &str, name: &str, (width, height): (u32, u32)) {
    let file = screenshot_dir().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&file);
    let (mut browser, _profile) = chromium();
    let out = browser
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

pub(crate) fn select<'a>(dom: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    dom.select(&Selector::parse(css).expect("a selector")).collect()
}

pub(crate) fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text().collect::<Vec<_>>().join("")
}

/// The event both seeds belong to.
pub(crate) async fn seed_event(view: &Served) -> i64 {
    let hits = get_json(&view.url("/api/search?q=Meloni%20troops")).await;
    hits["hits"][0]["event"].as_i64().expect("the seed event is found")
}

/// Percent-encodes all but the unreserved characters, as the view writes article keys.
pub(crate) fn url_escape(s: &str) -> String {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    s.bytes()
        .map(|b| if unreserved(b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Reads the Prometheus text format strictly: every line a `#` comment or
/// `name{labels} value`; returns `(name{labels}, value)` pairs.
pub(crate) fn parse_prometheus(text: &str) -> Vec<(String, f64)> {
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
