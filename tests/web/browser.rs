//! The view's pages in headless Chromium: what a reader sees, and that hostile text
//! stays text.

use chorus_newsroom::catalog;
use serde_json::Value;

use super::{
    backfilled, browser_dom, client, get_json, screenshot, seed_event, select, serve, text,
    url_escape,
};
use crate::util::{Workspace, run_ok};

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
    assert_eq!(covered["sort"], "covered");
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
