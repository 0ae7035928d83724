//! Whole pages through `extract`: metadata with provenance, flags, fallbacks, refusals.

use chorus_extract::{ExtractError, ExtractSettings, VERSION, extract, extract_html};
use chorus_model::DateSource;
use chrono::{TimeZone, Utc};
use url::Url;

use crate::util::{article_html, entry, page};

fn golden(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/{name}.html", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).expect("golden page")
}

#[test]
fn wordpress_metadata_with_provenance() {
    let p = page(
        "https://harborgazette.example/2025/09/04/council-approves-bridge-repairs/?utm_source=rss",
        &golden("wordpress"),
    );
    let a = extract(&p, &ExtractSettings::default()).unwrap();
    assert_eq!(a.title, "Council approves harbor bridge repairs after two-year delay");
    assert_eq!(a.authors, ["Maria Lopez"]);
    assert_eq!(a.published, Some(Utc.with_ymd_and_hms(2025, 9, 4, 8, 15, 0).unwrap()));
    assert_eq!(a.published_source, Some(DateSource::JsonLd));
    assert_eq!(a.modified, Some(Utc.with_ymd_and_hms(2025, 9, 4, 11, 2, 0).unwrap()));
    assert_eq!(a.language.as_deref(), Some("en"));
    assert_eq!(
        a.canonical_url.as_ref().map(Url::as_str),
        Some("https://harborgazette.example/2025/09/04/council-approves-bridge-repairs/")
    );
    assert_eq!(a.url.as_ref(), Some(&p.final_url));
    assert_eq!(a.outlet.as_deref(), Some("Harbor Gazette"));
    assert_eq!(a.fetched_at, Some(p.fetched_at));
    assert_eq!(a.extractor, VERSION);
    assert!(VERSION.starts_with("chorus-extract "));
    assert_eq!(a.flags.names(), Vec::<&str>::new());
}

#[test]
fn arc_page_people_not_outlets_and_relative_canonical() {
    let p =
        page("https://ledger.example/business/2025/09/04/port-strike-third-day/", &golden("arc"));
    let a = extract(&p, &ExtractSettings::default()).unwrap();
    assert_eq!(a.title, "Port strike halts container traffic for a third day");
    assert_eq!(a.authors, ["Jane Roe", "Samuel Poe"]);
    assert_eq!(a.published_source, Some(DateSource::JsonLd));
    assert_eq!(
        a.canonical_url.as_ref().map(Url::as_str),
        Some("https://ledger.example/business/2025/09/04/port-strike-third-day/")
    );
    assert!(a.text.contains("Day three on the picket line"), "embedded post kept: {}", a.text);
    assert!(
        !a.text.contains("Dock workers walked out on Monday over plans"),
        "sub-headline is not body"
    );
}

#[test]
fn drupal_page_meta_date_byline_and_language() {
    let p = page(
        "https://stadtanzeiger.example/lokales/neue-radwege-entlang-des-kanals",
        &golden("drupal"),
    );
    let a = extract(&p, &ExtractSettings::default()).unwrap();
    assert_eq!(a.title, "Neue Radwege entlang des Kanals eröffnet");
    assert_eq!(a.language.as_deref(), Some("de"));
    // "Redaktion" in <meta name=author> is a desk, not a person: the byline wins.
    assert_eq!(a.authors, ["Katrin Vogel"]);
    assert_eq!(a.published_source, Some(DateSource::Meta));
    assert_eq!(a.published, Some(Utc.with_ymd_and_hms(2025, 9, 3, 4, 0, 0).unwrap()));
}

#[test]
fn amp_page_parsely_metadata() {
    let p =
        page("https://valleycourier.example/weather/heat-wave-breaks-records/amp/", &golden("amp"));
    let a = extract(&p, &ExtractSettings::default()).unwrap();
    assert_eq!(a.title, "Heat wave breaks records across the valley");
    assert_eq!(a.authors, ["Priya Natarajan"]);
    assert_eq!(a.published_source, Some(DateSource::Meta));
    assert_eq!(a.published, Some(Utc.with_ymd_and_hms(2025, 7, 22, 0, 45, 0).unwrap()));
    assert!(!a.flags.consent_wall, "an article with a consent banner is not a wall");
}

#[test]
fn json_ld_article_body_when_the_page_has_no_text() {
    let p = page("https://mountainpost.example/news/pine-ridge-fire", &golden("jsonld_only"));
    let a = extract(&p, &ExtractSettings::default()).unwrap();
    assert!(a.text.starts_with("Firefighters stopped the Pine Ridge fire"), "{}", a.text);
    assert!(a.text.contains("the town's water treatment plant"), "entities decoded: {}", a.text);
    assert_eq!(a.text.split("\n\n").count(), 4, "paragraphs kept: {}", a.text);
    assert_eq!(a.authors, ["Oscar Lindqvist"]);
    assert_eq!(a.language.as_deref(), Some("en"));
}

#[test]
fn live_blog_posts_add_up_and_teasers_do_not() {
    let a = extract_html(&golden("liveblog"), None, None, &ExtractSettings::default());
    for post in [
        "Dunmore conceded",
        "Turnout in the harbor towns",
        "school bond measure",
        "Polls are now closed",
    ] {
        assert!(a.text.contains(post), "{post} missing from:\n{}", a.text);
    }
    assert!(!a.text.contains("Meet the candidates"), "teaser kept:\n{}", a.text);
    assert!(!a.text.contains("Everything you need to know"), "teaser kept:\n{}", a.text);
    assert_eq!(a.authors, ["Nadia Kowalski"]);
}

#[test]
fn feed_entry_fills_in_title_date_and_authors() {
    let html = b"<html><body><div><p>The harbor master said on Thursday that the new pier would open in \
        October, a month later than planned, because of a delay in the delivery of steel.</p></div></body></html>";
    let mut p = page("https://harborgazette.example/news/pier-delay", html);
    p.entry = Some(entry(
        "https://harborgazette.example/news/pier-delay",
        "Pier opening delayed to October",
    ));
    let a = extract(&p, &ExtractSettings::default()).unwrap();
    assert_eq!(a.title, "Pier opening delayed to October");
    assert_eq!(a.published_source, Some(DateSource::Feed));
    assert_eq!(a.published, Some(Utc.with_ymd_and_hms(2025, 9, 3, 7, 0, 0).unwrap()));
    assert_eq!(a.authors, ["Jane Feedwell"]);
    assert!(a.text.starts_with("The harbor master said"));
}

#[test]
fn url_path_date_is_the_last_resort() {
    let p = page(
        "https://harborgazette.example/2025/08/30/some-story/",
        article_html("Some story", 3).as_bytes(),
    );
    let a = extract(&p, &ExtractSettings::default()).unwrap();
    assert_eq!(a.published_source, Some(DateSource::Url));
    assert_eq!(a.published, Some(Utc.with_ymd_and_hms(2025, 8, 30, 0, 0, 0).unwrap()));
}

#[test]
fn paywall_consent_wall_and_index_pages_are_flagged() {
    let paywall = br#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Budget talks",
        "isAccessibleForFree":false,"hasPart":{"@type":"WebPageElement","isAccessibleForFree":false,"cssSelector":".paywall"}}</script></head>
        <body><article><h1>Budget talks</h1><p>The budget talks resumed on Monday with both sides far apart on the question of school funding.</p>
        <div class="paywall"><p>Subscribe to keep reading.</p></div></article></body></html>"#;
    let a = extract(&page("https://x.example/a", paywall), &ExtractSettings::default()).unwrap();
    assert!(a.flags.paywalled && !a.flags.consent_wall && !a.flags.not_article, "{:?}", a.flags);

    let wall = br#"<html><head><title>Before you continue</title></head><body><div class="consent">
        <p>We and our partners use cookies and similar technologies to store and access personal data on your device.</p>
        <p>Select "Accept all" to agree or "Manage preferences" to review your choices.</p>
        <button>Accept all</button><button>Reject all</button></div></body></html>"#;
    let a = extract(&page("https://x.example/b", wall), &ExtractSettings::default()).unwrap();
    assert!(a.flags.consent_wall, "{:?}: {}", a.flags, a.text);

    let mut index = String::from(
        "<html><head><meta property=\"og:type\" content=\"website\"></head><body><h1>World</h1><ul>",
    );
    for i in 0..40 {
        index.push_str(&format!(
            "<li><a href=\"/world/{i}\">Headline number {i} about events somewhere</a></li>"
        ));
    }
    index.push_str("</ul><p>Updated hourly.</p></body></html>");
    let a =
        extract(&page("https://x.example/world/", index.as_bytes()), &ExtractSettings::default())
            .unwrap();
    assert!(a.flags.not_article, "{:?}: {}", a.flags, a.text);

    let article = article_html("Bridge story", 4);
    let a = extract(&page("https://x.example/c", article.as_bytes()), &ExtractSettings::default())
        .unwrap();
    assert_eq!(a.flags.names(), Vec::<&str>::new());
}

#[test]
fn non_html_pages_are_refused_with_a_reason() {
    let mut p = page("https://x.example/photo.jpg", b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01");
    p.content_type = Some("image/jpeg".to_owned());
    let err = extract(&p, &ExtractSettings::default()).unwrap_err();
    assert!(
        matches!(err, ExtractError::NotHtml { ref content_type, .. } if content_type == "image/jpeg")
    );
    assert_eq!(err.reason(), "not_html");

    let mut p = page("https://x.example/file", b"%PDF-1.7\n\x00\x00\x01binary");
    p.content_type = None;
    assert_eq!(extract(&p, &ExtractSettings::default()).unwrap_err().reason(), "binary");

    let p = page("https://x.example/empty", b"  \n ");
    assert_eq!(extract(&p, &ExtractSettings::default()).unwrap_err().reason(), "empty_body");

    // HTML served with a wrong type is still read.
    let mut p = page("https://x.example/odd", article_html("Odd", 3).as_bytes());
    p.content_type = Some("application/octet-stream".to_owned());
    assert!(!extract(&p, &ExtractSettings::default()).unwrap().text.is_empty());
}

#[test]
fn svg_and_json_are_not_pages() {
    let svg = br#"<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg"><text>Chart of the week</text></svg>"#;
    let mut p = page("https://x.example/chart.svg", svg);
    p.content_type = Some("image/svg+xml".to_owned());
    assert_eq!(extract(&p, &ExtractSettings::default()).unwrap_err().reason(), "not_html");

    let mut p = page("https://x.example/api", br#"{"headline": "Bridge reopens"}"#);
    for json in ["application/json", "text/json; charset=utf-8"] {
        p.content_type = Some(json.to_owned());
        assert_eq!(extract(&p, &ExtractSettings::default()).unwrap_err().reason(), "not_html");
    }

    // XHTML is a page.
    let mut p = page("https://x.example/x", article_html("Bridge story", 3).as_bytes());
    p.content_type = Some("application/xhtml+xml".to_owned());
    assert!(!extract(&p, &ExtractSettings::default()).unwrap().text.is_empty());
}

#[test]
fn latin1_page_without_http_charset_is_decoded() {
    let mut html =
        b"<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title></head><body><article><p>"
            .to_vec();
    html.extend(b"Le caf\xe9 du port a rouvert ses portes apr\xe8s deux ann\xe9es de travaux, au grand plaisir des habitu\xe9s du quartier.");
    html.extend(b"</p></article></body></html>");
    let a = extract_html(&html, None, None, &ExtractSettings::default());
    assert!(
        a.text.starts_with("Le café du port a rouvert ses portes après deux années"),
        "{}",
        a.text
    );
    assert_eq!(a.title, "Café");
    assert_eq!(a.language.as_deref(), Some("fr"));
}

/// An old blog theme: the site's name as the `<h1>` logo on every page, the post's title
/// in an `<h2>`, and a `<title>` of the form "» Headline :site".
#[test]
fn logo_h1_and_headline_h2() {
    let html = "<html><head><title>  &raquo; Mending a Leaky Rowboat :driftwood</title></head>\
        <body><div id=header><h1><a href=/>driftwood</a></h1><p>slow days on the water</p></div>\
        <div id=content><div class=post><h2><a href=/mending-a-leaky-rowboat/>Mending a Leaky \
        Rowboat</a></h2><p>The old rowboat took on water all last summer, a cup or two an hour, \
        enough to soak a pair of shoes by the end of an afternoon on the lake.</p><p>This spring \
        I finally turned it over on two sawhorses and found the trouble: a seam along the keel \
        where the old caulking had dried out and fallen away in pieces.</p></div></div></body></html>";
    let a = extract_html(html.as_bytes(), None, None, &ExtractSettings::default());
    assert_eq!(a.title, "Mending a Leaky Rowboat");
    assert!(a.text.starts_with("The old rowboat took on water"), "{}", a.text);
}
