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
