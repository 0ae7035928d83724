//! Golden pages: `testdata/NAME.html` beside `NAME.expected.txt`, the text the extractor
//! must produce. `CHORUS_BLESS=1` (`make bless`) rewrites the expected files from the
//! current output, to be reviewed as a diff.

use std::path::{Path, PathBuf};

use chorus_extract::{ExtractConfig, extract_html};
use url::Url;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

#[test]
fn golden_pages_give_their_expected_text() {
    let bless = std::env::var_os("CHORUS_BLESS").is_some_and(|v| v == "1");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(testdata())
        .expect("testdata directory")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 5, "golden pages missing: {pages:?}");
    let mut failures = Vec::new();
    for page in &pages {
        let name = page.file_stem().and_then(|s| s.to_str()).expect("file name");
        let html = std::fs::read(page).expect("read page");
        let url = Url::parse(&format!("https://news.example/2025/09/04/{name}/")).expect("url");
        let got = extract_html(&html, Some(&url), None, &ExtractConfig::default()).text + "\n";
        let expected_path = testdata().join(format!("{name}.expected.txt"));
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
    for entry in std::fs::read_dir(testdata()).expect("testdata directory") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read(&path).expect("read page");
        let text = extract_html(&html, None, None, &ExtractConfig::default()).text;
        assert!(text.len() > 400, "{}: too little text: {text}", path.display());
        for f in furniture {
            assert!(!text.contains(f), "{}: furniture {f:?} in text:\n{text}", path.display());
        }
    }
}
