//! Hostile and broken input: nothing panics, nothing hangs, deep nesting cannot overflow
//! the stack, and the text that is there is still found.

use chorus_extract::{ExtractConfig, ExtractSettings, extract, extract_html};

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
        .spawn(move || extract_html(html.as_bytes(), None, None, &ExtractSettings::default()))
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
        .spawn(move || extract_html(html.as_bytes(), None, None, &ExtractSettings::default()))
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
    let article = extract_html(&bytes, None, None, &ExtractSettings::default());
    assert!(article.text.chars().count() <= bytes.len());
    let err = extract(&page("https://x.example/garbage", &bytes), &ExtractSettings::default());
    assert_eq!(err.unwrap_err().reason(), "binary");
    // Garbage with the NUL bytes taken out gets past the binary check and is parsed.
    let no_nul: Vec<u8> = bytes.iter().map(|&b| b.max(1)).collect();
    let _ = extract(&page("https://x.example/garbage", &no_nul), &ExtractSettings::default());
}

/// Past `max_html_bytes` (20 MB by default) the page is not read: time and memory stay
/// bounded, and the article at the top is still found.
#[test]
fn fifty_megabytes_of_paragraphs() {
    let paragraph = format!("<p>{PARAGRAPH}</p>\n");
    let mut html = String::with_capacity(50 * 1024 * 1024 + 1024);
    html.push_str("<html><body><article>");
    while html.len() < 50 * 1024 * 1024 {
        html.push_str(&paragraph);
    }
    html.push_str("<p>The last paragraph of a page far too long to read to its end.</p>");
    html.push_str("</article></body></html>");
    let article = extract_html(html.as_bytes(), None, None, &ExtractSettings::default());
    assert!(article.text.starts_with(PARAGRAPH));
    assert!(article.text.ends_with(PARAGRAPH), "a paragraph cut in two");
    let read = article.text.len();
    assert!((15_000_000..20_000_000).contains(&read), "{read} bytes of text");
    assert!(!article.text.contains("far too long"), "text past the cap was read");

    let cfg =
        ExtractConfig { max_html_bytes: 1_000_000, ..ExtractConfig::default() }.validate().unwrap();
    let read = extract_html(html.as_bytes(), None, None, &cfg).text.len();
    assert!((900_000..1_000_000).contains(&read), "{read} bytes of text");
}

/// Ten-megabyte attribute values of every kind the extractor reads (and a title as long),
/// one page each, and one larger than the whole byte cap (the page is cut inside it).
#[test]
fn ten_megabyte_attributes() {
    let big = "a".repeat(10_000_000);
    // Class and id values are cut into words: ten million bytes of short words too.
    let words = "x ".repeat(5_000_000);
    let huge = "b".repeat(30_000_000);
    let heads = [
        format!("<meta name=\"description\" content=\"{big}\">"),
        format!("<title>{words}</title>"),
        format!("<meta property=\"og:title\" content=\"{words}\">"),
        format!("<link rel=\"canonical\" href=\"https://x.example/{big}\">"),
        format!("<script type=\"application/ld+json\" data-x=\"{big}\">{{}}</script>"),
        format!("<meta http-equiv=\"content-type\" content=\"text/html; charset={big}\">"),
    ];
    let opens = [
        format!("<div class=\"{words}\">"),
        format!("<div id=\"{big}\">"),
        format!("<div style=\"color:red;{big}\">"),
        format!("<div itemprop=\"{words}\" content=\"x\">"),
        format!("<div itemprop=\"datePublished\" content=\"{big}\">"),
        format!("<div><time datetime=\"{big}\"></time>"),
        format!("<div><a href=\"/{big}\"><img src=x></a>"),
    ];
    let mut pages: Vec<String> = Vec::new();
    for head in &heads {
        pages.push(format!(
            "<html><head>{head}</head>\
             <body><div><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div></body></html>"
        ));
    }
    for open in &opens {
        pages.push(format!(
            "<html><body>{open}<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div></body></html>"
        ));
    }
    pages.push(format!(
        "<html><body><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>\
         <div data-x=\"{huge}\">x</div></body></html>"
    ));
    for html in &pages {
        let article = extract_html(html.as_bytes(), None, None, &ExtractSettings::default());
        assert_eq!(article.text, format!("{PARAGRAPH}\n\n{PARAGRAPH}"), "{}", &html[..200]);
    }
}

/// A related-links box and a list with a million siblings between them, after the article:
/// only the first `max_elements` (200,000 by default) start tags are read, and the article
/// is found.
#[test]
fn a_million_sibling_elements() {
    let mut html = format!(
        "<html><body><article><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article><div class=\"related\">"
    );
    html.push_str(&"<a href=/x>x</a>".repeat(500_000));
    html.push_str("</div><ul>");
    html.push_str(&"<li>z</li>".repeat(500_000));
    html.push_str("</ul><p>The last paragraph, a million elements down.</p></body></html>");
    let article = extract_html(html.as_bytes(), None, None, &ExtractSettings::default());
    assert_eq!(article.text, format!("{PARAGRAPH}\n\n{PARAGRAPH}"));
}

/// Unclosed `<title>`s by the hundred thousand in the head, each closed where its line
/// ends, with a single `</title>` at the very end of the page: no title may search the
/// rest of the page again for its end tag, and the page's title and text are kept.
#[test]
fn a_hundred_thousand_unclosed_titles() {
    let mut html = "<html><head>".to_owned();
    html.push_str(&"<title>Pier delayed\n".repeat(100_000));
    html.push_str(&format!("</head><body><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></title></body>"));
    let article = extract_html(html.as_bytes(), None, None, &ExtractSettings::default());
    assert_eq!(article.title, "Pier delayed");
    assert_eq!(article.text, format!("{PARAGRAPH}\n\n{PARAGRAPH}"));
}

/// Icons whose SVG `<title>` is never closed, with a `</title>` far below: the parser reads
/// each `</svg>` as nothing and nests every icon inside the one before, in time growing
/// with the square of their count, and the article after them inside the icons.
#[test]
fn twenty_thousand_svg_icons_with_unclosed_titles() {
    let icon = "<a href=/s><svg class=icon viewBox=\"0 0 24 24\"><title>share\
                <path d=\"M12 2L2 7l10 5 10-5-10-5z\"/></svg></a>";
    let mut html = format!("<p>{PARAGRAPH}</p>");
    for _ in 0..10_000 {
        html.push_str(icon);
    }
    html.push_str(&format!("<p>{PARAGRAPH}</p>"));
    for _ in 0..10_000 {
        html.push_str(icon);
    }
    html.push_str(&format!("<p>{PARAGRAPH}</p></title>"));
    let article = extract_html(html.as_bytes(), None, None, &ExtractSettings::default());
    assert_eq!(article.text, [PARAGRAPH; 3].join("\n\n"));
}

#[test]
fn truncated_and_malformed_markup() {
    let cases: [&[u8]; 11] = [
        b"",
        b"<",
        b"<title>",
        b"<title>\n",
        b"<frameset><noframes><title>x</noframes></frameset>",
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
            &ExtractSettings::default(),
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
                &ExtractSettings::default(),
            );
            let _ = extract(&page_for(body), &ExtractSettings::default());
        }
    }
}

fn page_for(body: &[u8]) -> chorus_model::RawPage {
    page("https://www.example.test/2025/09/04/story/", body)
}
