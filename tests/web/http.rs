//! The view over HTTP: headers, methods, errors, the token, /healthz, /metrics, and the
//! daemon serving it.

use std::time::Duration;

use chorus_newsroom::catalog;
use serde_json::Value;

use super::{backfilled, client, get_json, parse_prometheus, serve, start};
use crate::util::{Workspace, newsroom, run, signal, wait_until};

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

#[tokio::test(flavor = "multi_thread")]
async fn serve_takes_its_database_address_and_token_from_the_config() {
    let (ws, db) = backfilled().await;
    let config = ws.path("view.toml");
    let text = format!(
        "[store]\npath = {db:?}\n\n[http]\nlisten = \"127.0.0.1:0\"\ntoken = \"from-the-config-file-0123\"\n"
    );
    std::fs::write(&config, text).unwrap();
    let view = start(&["serve", "--config", config.to_str().unwrap()], &[]).await;
    let http = client();
    let r = http.get(view.url("/api/stats")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = http
        .get(view.url("/api/stats"))
        .bearer_auth("from-the-config-file-0123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let stats: Value = r.json().await.unwrap();
    assert!(stats["articles"].as_i64().unwrap() > 0, "{stats}");
}
