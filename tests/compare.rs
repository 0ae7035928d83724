//! `chorus compare`: two texts (plain or HTML) compared without a database.

use chorus_newsroom::catalog;
use serde_json::Value;

use crate::queries::gold;
use crate::util::{Workspace, run, run_ok};

/// The seed stories' paragraphs: the first seed's report, and KMIA's retelling of it.
fn seed(outlet: &str) -> Vec<&'static str> {
    let s = catalog().stories.iter().find(|s| s.outlet == outlet && s.event == "italy-troops");
    s.expect("seed story").paragraphs.to_vec()
}

/// The claims the comparison gives to `outlet` alone.
fn unique_to<'a>(coverage: &'a Value, outlet: &str) -> Vec<&'a str> {
    let unique = coverage["unique"].as_array().expect("unique claims");
    unique
        .iter()
        .filter(|u| u["outlet"] == outlet)
        .flat_map(|u| u["claims"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()))
        .collect()
}

fn check_seeds(coverage: &Value, kmia: &str) {
    let claims = unique_to(coverage, kmia);
    let gold = gold::Gold::load();
    for allegation in &gold.seeds.allegations {
        assert!(
            claims.contains(&allegation.as_str()),
            "{allegation:?} not {kmia}'s alone: {claims:#?}"
        );
    }
    let restates: Vec<String> = gold.seed_restatements().into_iter().map(|(s, _)| s).collect();
    let unshared: Vec<&String> = restates.iter().filter(|s| claims.contains(&s.as_str())).collect();
    assert!(
        gold::mostly(restates.len() - unshared.len(), restates.len()),
        "retold sentences listed as {kmia}'s alone: {unshared:#?}"
    );
    // Each shared claim carries both outlets' sentences.
    for claim in coverage["shared"].as_array().unwrap() {
        let outlets: Vec<&str> = claim["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["outlet"].as_str().unwrap())
            .collect();
        assert!(outlets.contains(&kmia) && outlets.len() >= 2, "{claim}");
    }
}

#[tokio::test]
async fn the_seeds_as_text_files_share_the_retold_sentences_and_not_the_allegations() {
    let ws = Workspace::new();
    let (rome, kmia) = (ws.path("rome.txt"), ws.path("kmia.txt"));
    std::fs::write(&rome, seed("harbor-gazette").join("\n\n")).unwrap();
    std::fs::write(&kmia, seed("kmia").join("\n\n")).unwrap();
    let (rome, kmia) = (rome.to_str().unwrap(), kmia.to_str().unwrap());
    let json: Value = serde_json::from_str(&run_ok(&["compare", rome, kmia, "--json"]).await)
        .expect("JSON output");
    check_seeds(&json["coverage"], "kmia.txt");
    assert!(json["coverage"]["sentences_compared"].as_u64().unwrap() > 20, "{json}");

    let shown = run_ok(&["compare", rome, kmia]).await;
    assert!(shown.contains("reported by several outlets:"), "{shown}");
    let alone = shown.split("only kmia.txt says:").nth(1).expect("KMIA's own claims shown");
    assert!(alone.contains("siphoned billions"), "{shown}");
}

#[tokio::test]
async fn an_html_page_is_extracted_and_named_after_its_site() {
    let ws = Workspace::new();
    let body: String = seed("kmia").iter().map(|p| format!("<p>{p}</p>\n")).collect();
    let page = format!(
        "<!DOCTYPE html><html><head><title>Italy refuses troops</title>\
         <meta property=\"og:site_name\" content=\"Miami News\"></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\
         <article><h1>Italy refuses troops</h1>{body}</article>\
         <footer>Copyright Miami News</footer></body></html>"
    );
    let (rome, kmia) = (ws.path("rome.txt"), ws.path("kmia-page"));
    std::fs::write(&rome, seed("harbor-gazette").join("\n\n")).unwrap();
    std::fs::write(&kmia, page).unwrap();
    let out = run_ok(&["compare", rome.to_str().unwrap(), kmia.to_str().unwrap(), "--json"]).await;
    let json: Value = serde_json::from_str(&out).unwrap();
    check_seeds(&json["coverage"], "Miami News");
    assert!(!out.contains("<p>") && !out.contains("Copyright"), "page furniture compared: {out}");
}

#[tokio::test]
async fn a_figure_two_texts_give_differently_is_a_conflict() {
    let ws = Workspace::new();
    let (a, b) = (ws.path("a.txt"), ws.path("b.txt"));
    std::fs::write(&a, "Leaders of 39 countries met at the Elysee Palace in Paris on Thursday.\n")
        .unwrap();
    std::fs::write(&b, "Leaders of 26 countries met at the Elysee Palace in Paris on Thursday.\n")
        .unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let json: Value = serde_json::from_str(&run_ok(&["compare", a, b, "--json"]).await).unwrap();
    let shared = json["coverage"]["shared"].as_array().unwrap();
    assert_eq!(shared.len(), 1, "{json}");
    let conflict = &shared[0]["conflicts"][0];
    assert_eq!(conflict["kind"], "count", "{json}");
    let values: Vec<(&str, &str)> = conflict["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["outlet"].as_str().unwrap(), v["value"].as_str().unwrap()))
        .collect();
    assert_eq!(values, [("a.txt", "39"), ("b.txt", "26")]);
    let shown = run_ok(&["compare", a, b]).await;
    assert!(shown.contains("≠ count countries: 39 (a.txt) / 26 (b.txt)"), "{shown}");
}

#[tokio::test]
async fn missing_empty_and_single_files_are_clear_errors() {
    let ws = Workspace::new();
    let (a, empty, missing) = (ws.path("a.txt"), ws.path("empty.txt"), ws.path("missing.txt"));
    std::fs::write(&a, "Leaders of 39 countries met in Paris on Thursday.").unwrap();
    std::fs::write(&empty, "  \n").unwrap();
    let a = a.to_str().unwrap();
    for (other, says) in [(&missing, "missing.txt"), (&empty, "no text to compare")] {
        let out = run(&["compare", a, other.to_str().unwrap()]).await;
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
    }
    let out = run(&["compare", a]).await;
    assert!(!out.status.success(), "one file is nothing to compare");
}
