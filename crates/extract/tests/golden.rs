//! Golden pages: `testdata/NAME.html` beside `NAME.expected.txt`, the text the extractor
//! must produce, and the same for the legacy-encoded pages of `testdata/charset/`.
//! `CHORUS_BLESS=1` (`make bless`) rewrites the expected files from the current output, to
//! be reviewed as a diff.

use std::path::{Path, PathBuf};

use chorus_extract::{ExtractSettings, extract_html};
use url::Url;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// The `*.html` pages of a directory, sorted.
fn pages_in(dir: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("testdata directory")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    pages
}

/// Extracts every page of `dir` and compares its text with `NAME.expected.txt`, or
/// rewrites that file under `CHORUS_BLESS=1`. Pages are read as raw bytes, with no HTTP
/// charset: what they are written in must be found from the bytes.
fn check_expected_texts(dir: &Path, at_least: usize) {
    let bless = std::env::var_os("CHORUS_BLESS").is_some_and(|v| v == "1");
    let pages = pages_in(dir);
    assert!(pages.len() >= at_least, "golden pages missing in {}: {pages:?}", dir.display());
    let mut failures = Vec::new();
    for page in &pages {
        let name = page.file_stem().and_then(|s| s.to_str()).expect("file name");
        let html = std::fs::read(page).expect("read page");
        let url = Url::parse(&format!("https://news.example/2025/09/04/{name}/")).expect("url");
        let got = extract_html(&html, Some(&url), None, &ExtractSettings::default()).text + "\n";
        let expected_path = dir.join(format!("{name}.expected.txt"));
        if bless {
            std::fs::write(&expected_path, &got).expect("write expected text");
            continue;
        }
        let want = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} missing; run `make bless`", expected_path.display()));
        if got != want {
            failures.push(format!("== {name}\n-- expected:\n{want}\n-- got:\n{got}"));
        }
    }
    assert!(failures.is_empty(), "golden text differs:\n{}", failures.join("\n"));
}

#[test]
fn golden_pages_give_their_expected_text() {
    check_expected_texts(&testdata(), 5);
}

/// `testdata/charset/`: pages stored as raw bytes in legacy encodings, labelled, unlabelled
/// and mislabelled.
#[test]
fn charset_pages_give_their_expected_text() {
    check_expected_texts(&testdata().join("charset"), 4);
}

/// Characters each charset page must come out with, whatever the blessed files say: a
/// wrong guess turns exactly these into mojibake.
#[test]
fn charset_pages_keep_their_characters() {
    let cases = [
        ("latin1", &["Le café de la place Saint-Médard", "« Nous sommes ravis", "façade"][..]),
        (
            "windows1252",
            &["a \u{20ac}4.2 million budget", "\u{201c}We can\u{2019}t wait", "pier \u{2013} the"],
        ),
        ("shift_jis", &["東京都は十日、新しい防災計画を発表した。", "「首都直下地震"][..]),
        ("mislabelled", &["Der Bürgermeister", "„Wir haben lange", "Straße"]),
    ];
    for (name, wanted) in cases {
        let path = testdata().join("charset").join(format!("{name}.html"));
        let html = std::fs::read(&path).expect("read page");
        assert!(
            std::str::from_utf8(&html).is_err(),
            "{name}: stored as UTF-8, not as legacy bytes"
        );
        let text = extract_html(&html, None, None, &ExtractSettings::default()).text;
        for w in wanted {
            assert!(text.contains(w), "{name}: {w:?} not in {text:?}");
        }
    }
}

/// Furniture of every golden page that must never reach the text, whatever the blessed
/// files say.
#[test]
fn golden_pages_leave_their_furniture_out() {
    let furniture = [
        "cookies",
        "Share this",
        "Related",
        "Leave a Reply",
        "says:",
        "Recent Posts",
        "powered by WordPress",
        "Advertisement",
        "Most Read",
        "You might also like",
        "newsletter",
        "All rights reserved",
        "Meistgelesen",
        "Impressum",
        "Schlagworte",
        "Back to top",
        "Categories:",
        "enable JavaScript",
        "Front page",
        "Obituaries",
        "Posted on",
        "More election coverage",
        "Voter guide",
    ];
    for path in pages_in(&testdata()) {
        let html = std::fs::read(&path).expect("read page");
        let text = extract_html(&html, None, None, &ExtractSettings::default()).text;
        assert!(text.len() > 400, "{}: too little text: {text}", path.display());
        for f in furniture {
            assert!(!text.contains(f), "{}: furniture {f:?} in text:\n{text}", path.display());
        }
    }
}

/// The extracted article of a golden page, read as raw bytes like the others.
fn extract_page(rel: &str) -> chorus_model::Article {
    let html = std::fs::read(testdata().join(rel)).expect("read page");
    let url = Url::parse("https://news.example/2025/09/04/story/").expect("url");
    extract_html(&html, Some(&url), None, &ExtractSettings::default())
}

/// Pages broken the way crawled pages are: each keeps its headline and its author,
/// however its markup or bytes went wrong.
#[test]
fn broken_pages_keep_their_headline_and_author() {
    let cases = [
        ("unclosed_title.html", "New ferry pier delayed until spring", &["Tomas Berg"][..]),
        (
            "charset/utf8_labelled_latin1.html",
            "Le vieux phare de Cap-Rouge rouvrira en juin",
            &["Hélène Tremblay"],
        ),
        (
            "charset/cp1252_labelled_utf8.html",
            "Valley diner\u{2019}s owner retires after 41 years",
            &["Ruth Calloway"],
        ),
        ("frameset.html", "Mill fire of 1911 remembered", &["Arthur Penhallow"]),
        ("noscript_copy.html", "Orchard growers turn to owls to fight voles", &["Gemma Hart"]),
        (
            "print_copy.html",
            "Library to lend telescopes, seed kits and sewing machines",
            &["Dmitri Vance"],
        ),
        ("comments_long.html", "Baking sourdough at altitude: what finally worked", &["Ella"]),
        (
            "liveblog_long.html",
            "Storm Halvard live: flooding at the harbor, thousands without power",
            &["Owen Trelawny", "Sita Menon"],
        ),
    ];
    for (page, title, authors) in cases {
        let a = extract_page(page);
        assert_eq!(a.title, title, "{page}");
        assert_eq!(a.authors, authors, "{page}");
    }
}

/// A `<title>` that never closes: the parser would read the rest of the page as title
/// text. The page must still give its body, and the title must be one line, not the page.
#[test]
fn unclosed_title_loses_neither_body_nor_title() {
    let html = std::fs::read(testdata().join("unclosed_title.html")).expect("read page");
    let head = String::from_utf8_lossy(&html[..html.len().min(2000)]).into_owned();
    assert!(head.contains("<title>") && !head.contains("</title>"), "the page's title is open");
    let a = extract_page("unclosed_title.html");
    assert!(a.text.starts_with("The new ferry pier at Eastport"), "{}", a.text);
    assert!(a.text.ends_with("cover part of the increase."), "{}", a.text);
    assert!(!a.title.contains('<') && !a.title.contains("Harbor Ledger"), "{}", a.title);
}

/// An article with an inline SVG chart, and icons whose SVG `<title>` is left open: the
/// parser would nest everything after the first such icon inside it. Every paragraph,
/// before and after the chart, is kept, and nothing of the SVGs is read.
#[test]
fn inline_svg_chart_keeps_every_paragraph() {
    let a = extract_page("inline_svg_chart.html");
    let paragraphs: Vec<&str> = a.text.split("\n\n").collect();
    assert_eq!(paragraphs.len(), 5, "{}", a.text);
    assert!(paragraphs[0].starts_with("More than two thousand people"), "{}", a.text);
    assert!(paragraphs[2].starts_with("Officials had expected"), "{}", a.text);
    assert!(paragraphs[4].ends_with("That is a good problem to have.\u{201d}"), "{}", a.text);
    for svg_text in ["Daily riders by month", "Jan", "Apr", "Mail", "Print", "fill:"] {
        assert!(!a.text.contains(svg_text), "{svg_text:?} in {}", a.text);
    }
    assert_eq!(a.title, "Ferry ridership doubles in a year");
}

/// Labels that lie about the bytes: a Latin-1 label on UTF-8 bytes and a UTF-8 label on
/// Windows-1252 bytes. Read as labelled, the first turns every accent into two
/// characters ("Ã©") and the second into replacement characters.
#[test]
fn mislabelled_pages_read_as_their_bytes_are() {
    let latin1_label =
        std::fs::read(testdata().join("charset/utf8_labelled_latin1.html")).expect("read page");
    let text = std::str::from_utf8(&latin1_label).expect("stored as UTF-8");
    assert!(text.contains("charset=iso-8859-1"));
    let cp1252_bytes =
        std::fs::read(testdata().join("charset/cp1252_labelled_utf8.html")).expect("read page");
    assert!(std::str::from_utf8(&cp1252_bytes).is_err(), "stored as Windows-1252");
    assert!(cp1252_bytes.windows(13).any(|w| w == b"charset=\"utf-"));
    for &byte in &[0x92u8, 0x93, 0x94, 0xE9] {
        assert!(cp1252_bytes.contains(&byte), "byte {byte:#x} missing from the page");
    }

    let cases = [
        (
            "charset/utf8_labelled_latin1.html",
            &["Fermé depuis l’effondrement", "Les travaux — près de", "Élise Gagné"][..],
        ),
        (
            "charset/cp1252_labelled_utf8.html",
            &[
                "Dolores Fénelon",
                "\u{201c}I didn\u{2019}t plan",
                "I\u{2019}d give it five years.\u{201d}",
            ],
        ),
    ];
    for (page, wanted) in cases {
        let a = extract_page(page);
        for w in wanted {
            assert!(a.text.contains(w), "{page}: {w:?} not in {}", a.text);
        }
        for bad in ['\u{fffd}', 'Ã', 'â', '\u{80}', '\u{92}'] {
            assert!(!a.text.contains(bad), "{page}: {bad:?} in {}", a.text);
            assert!(!a.title.contains(bad), "{page}: {bad:?} in {}", a.title);
        }
    }
}

/// A frameset page shows its `<noframes>` content to browsers without frames: that is the
/// page's only text, and the article when it holds one (`frameset.html`). A frameset whose
/// `<noframes>` only says that frames are needed, or that has none, has no article: its
/// text is empty, whatever the frames hold (they are other pages).
#[test]
fn frameset_without_an_article_gives_empty_text() {
    let pages = [
        "<html><head><title>Harbor Society</title></head><frameset cols=\"25%,*\">\
         <frame src=\"menu.html\"><frame src=\"home.html\"><noframes><body>\
         <p>This page uses frames, but your browser does not support them.</p>\
         <p><a href=\"home.html\">Go to the home page</a></p></body></noframes></frameset></html>",
        "<html><head><title>Harbor Society</title></head><frameset rows=\"80,*\">\
         <frame src=\"top.html\"><frameset cols=\"20%,*\"><frame src=\"menu.html\">\
         <frame src=\"home.html\"></frameset></frameset></html>",
        "<frameset><noframes>",
        "<frameset><noframes></noframes><noframes><frameset></frame>",
    ];
    for page in pages {
        let a = extract_html(page.as_bytes(), None, None, &ExtractSettings::default());
        assert_eq!(a.text, "", "{page}");
    }
}

/// How many times `needle` occurs in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// Copies of the article for readers without JavaScript (`<noscript>`) and for printers
/// (`class="print-only"`): each page holds the text twice, and gives it once.
#[test]
fn duplicate_copies_of_the_article_count_once() {
    let cases = [
        ("noscript_copy.html", "A single pair of barn owls can eat more than a thousand voles"),
        ("print_copy.html", "Cardholders will be able to borrow the telescopes"),
    ];
    for (page, sentence) in cases {
        let html = std::fs::read_to_string(testdata().join(page)).expect("read page");
        assert_eq!(count(&html, sentence), 2, "{page}: the page holds two copies");
        let a = extract_page(page);
        assert_eq!(count(&a.text, sentence), 1, "{page}: {}", a.text);
    }
}

/// An article under 244 comments (220 threads, with replies), each with an author, a
/// date, a "Reply" link and a sentence or two: the text is the article alone. Its speed
/// is measured with the other golden pages by the `extract` bench; only the text is
/// asserted here.
#[test]
fn long_comment_thread_is_left_out() {
    let html = std::fs::read_to_string(testdata().join("comments_long.html")).expect("read");
    assert!(count(&html, "class=\"comment ") >= 200, "the page has its comments");
    let a = extract_page("comments_long.html");
    assert!(a.text.ends_with("I just had to learn it the slow way."), "{}", a.text);
    for furniture in ["Reply", "says:", "March 4, 2025", "Try a warmer spot", "thoughts on"] {
        assert!(!a.text.contains(furniture), "{furniture:?} in {}", a.text);
    }
    assert_eq!(a.text.split("\n\n").count(), 6, "{}", a.text);
}

/// A live blog: the intro, then every post in page order (newest first, as published),
/// with the short headings some posts carry. The timestamps above the posts are left
/// out: they are `<time>` elements, metadata like a dateline, and the same moment is
/// written differently by every outlet ("10:41 p.m.", "22:41 GMT"), so kept as text they
/// would make two reports of one event look less alike while telling a reader nothing
/// the order does not. The post order carries the sequence.
#[test]
fn live_blog_keeps_every_post_in_order() {
    let html = std::fs::read_to_string(testdata().join("liveblog_long.html")).expect("read");
    let posts = count(&html, "<div class=\"post\"");
    assert!(posts >= 15, "{posts} posts");
    let a = extract_page("liveblog_long.html");
    assert!(a.text.starts_with("Storm Halvard brought gusts"), "intro first: {}", a.text);
    let firsts = [
        "The county has lifted the evacuation order",
        "The island ferry will resume its timetable",
        "A reader in Pellham sent us a photograph",
        "Our reporter at the harbor says",
        "High tide at the harbor came at 12:52 p.m.",
        "A red weather warning, the highest level",
        "Good morning. Storm Halvard reached the coast",
    ];
    let mut at = 0;
    for first in firsts {
        let found =
            a.text[at..].find(first).unwrap_or_else(|| panic!("{first:?} missing or out of order"));
        at += found + first.len();
    }
    for stamp in ["6:52 p.m.", "9:30 a.m.", "Link to this post", "Load earlier posts"] {
        assert!(!a.text.contains(stamp), "{stamp:?} in {}", a.text);
    }
}
