//! Hostile and broken input: nothing panics, nothing hangs, deep nesting cannot overflow
//! the stack, and the text that is there is still found.

use chorus_extract::{ExtractConfig, extract, extract_html};

use crate::util::page;

const PARAGRAPH: &str = "The harbor master said the new pier would open in October, a month \
    later than planned, because the steel arrived late from the mill.";

#[test]
fn hundred_thousand_nested_divs() {
    let n = 100_000;
    let html = format!(
        "<html><body>{}<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    // On a thread with a small stack: any recursion over the depth would overflow it.
    let article = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || extract_html(html.as_bytes(), None, None, &ExtractConfig::default()))
        .expect("spawn")
        .join()
        .expect("no panic, no stack overflow");
    assert!(article.text.contains(PARAGRAPH), "{}", article.text);
}

#[test]
fn deeply_nested_inline_and_unclosed_formatting() {
    let mut html = "<span>".repeat(50_000);
    html.push_str(PARAGRAPH);
    html.push_str(&"</span>".repeat(50_000));
    for i in 0..50_000 {
        html.push_str(&format!("<b id={i}>x"));
    }
    let article = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || extract_html(html.as_bytes(), None, None, &ExtractConfig::default()))
        .expect("spawn")
        .join()
        .expect("no panic, no stack overflow");
    assert!(article.text.contains(PARAGRAPH), "{}", &article.text[..200.min(article.text.len())]);
}

#[test]
fn binary_garbage() {
    // A fixed pseudo-random sequence (xorshift), so the test is the same every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..1_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let article = extract_html(&bytes, None, None, &ExtractConfig::default());
    assert!(article.text.chars().count() <= bytes.len());
    let err = extract(&page("https://x.example/garbage", &bytes), &ExtractConfig::default());
    assert_eq!(err.unwrap_err().reason(), "binary");
    // Garbage with the NUL bytes taken out gets past the binary check and is parsed.
    let no_nul: Vec<u8> = bytes.iter().map(|&b| b.max(1)).collect();
    let _ = extract(&page("https://x.example/garbage", &no_nul), &ExtractConfig::default());
}

#[test]
fn five_megabytes_of_paragraphs() {
    let body = format!("<p>{PARAGRAPH}</p>\n").repeat(5 * 1024 * 1024 / (PARAGRAPH.len() + 8));
    let html = format!("<html><body><article>{body}</article></body></html>");
    assert!(html.len() >= 5_000_000);
    let article = extract_html(html.as_bytes(), None, None, &ExtractConfig::default());
    assert!(article.text.len() > 4_000_000, "{}", article.text.len());
    assert!(article.text.starts_with(PARAGRAPH));
}

#[test]
fn one_megabyte_attributes() {
    let big = "a".repeat(1_000_000);
    let html = format!(
        "<html><head><meta name=\"description\" content=\"{big}\"><title>{big}</title>\
         <link rel=\"canonical\" href=\"https://x.example/{big}\"></head>\
         <body class=\"{big}\"><div id=\"{big}\" style=\"color:red;{big}\" data-x=\"{big}\">\
         <p><a href=\"/{big}\">link</a> {PARAGRAPH}</p><p>{PARAGRAPH}</p></div></body></html>"
    );
    let article = extract_html(html.as_bytes(), None, None, &ExtractConfig::default());
    assert!(article.text.contains(PARAGRAPH));
}

#[test]
fn truncated_and_malformed_markup() {
    let cases: [&[u8]; 8] = [
        b"",
        b"<",
        b"<html><body><p>unclosed",
        b"<!-- never closed",
        b"<script>var a = '</scr' + 'ipt>';",
        b"<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":{\"@type\":",
        b"<p>caf\xC3",
        b"\xEF\xBB\xBF<meta charset=\"shift_jis\"><p>\x82\xa0\x82\xa2</p>",
    ];
    for html in cases {
        let _ = extract_html(
            html,
            None,
            Some("text/html; charset=nonsense"),
            &ExtractConfig::default(),
        );
    }
}

/// Pages assembled at random from fragments that exercise every reader (charset labels,
/// JSON-LD, dates, bylines, titles, lists, tables, multi-byte text, broken markup): none
/// may panic. A fixed seed keeps the run the same every time.
#[test]
fn random_tag_soup_never_panics() {
    const FRAGMENTS: &[&str] = &[
        "<p>",
        "</p>",
        "<div class=\"article-body\">",
        "<div class=\"related-links\">",
        "<div class=\"byline\">By Jane Roe and ",
        "</div>",
        "<article>",
        "</article>",
        "<h1>Bridge – reopens | Gazette</h1>",
        "<title>Caf\u{e9} \u{2014} News | Site</title>",
        "<meta charset=\"shift_jis\">",
        "<meta http-equiv=content-type content='text/html; charset=koi8-r'>",
        "<meta property=\"article:published_time\" content=\"2025-09-0",
        "<meta name=\"author\" content=\"By ",
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":[{\"@id\":\"x\"},",
        "\"datePublished\":\"September 4, 2025 10:30 PM\"}",
        "</script>",
        "<script>var s = '</div>';</script>",
        "<time datetime=\"2025-13-45T99:99\">",
        "<ul><li><a href=/a>",
        "</a></li></ul>",
        "<table><tr><td>",
        "</td></tr></table>",
        "<br><br>",
        "<!-- comment ",
        " -->",
        "&amp;&#x1F600;&#0;&bogus;",
        "The council met on Thursday and argued about the repairs for an hour. ",
        "\u{6771}\u{4eac}\u{3067}\u{4f1a}\u{8b70}\u{304c}\u{958b}\u{304b}\u{308c}\u{305f}\u{3002}",
        "\u{645}\u{62f}\u{6cc}\u{646}\u{629} ",
        "\u{ad}\u{200b}\u{feff}",
        "<b><i></b></i>",
        "<a href=\"/2019/11/18/x\" rel=author>",
        "<link rel=canonical href=\"//[::1\">",
        "<span class=\"sr-only\">hidden</span>",
        "<div hidden>",
        "<p style=\"display : none\">",
        "<img src=x alt=\"",
        "\u{fffd}\u{1F600}",
        "<",
        ">",
        "\"",
        "'",
    ];
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..1000 {
        let len = 20 + (next() % 120) as usize;
        let mut page = String::new();
        for _ in 0..len {
            page.push_str(FRAGMENTS[(next() % FRAGMENTS.len() as u64) as usize]);
        }
        let bytes = page.into_bytes();
        let cut = (next() as usize) % (bytes.len() + 1);
        for body in [&bytes[..], &bytes[..cut]] {
            let _ = extract_html(
                body,
                None,
                Some("text/html; charset=windows-1252"),
                &ExtractConfig::default(),
            );
            let _ = extract(&page_for(body), &ExtractConfig::default());
        }
    }
}

fn page_for(body: &[u8]) -> chorus_model::RawPage {
    page("https://www.example.test/2025/09/04/story/", body)
}
