//! Coverage: which statements several outlets make and which only one makes.

use chorus_compare::{CoverageInput, compare};

use crate::fixtures::{TRAM, background};
use crate::util::{article, deduper, new};

#[test]
fn coverage_tells_shared_statements_from_those_one_outlet_makes() {
    let c = compare(
        &[
            CoverageInput { outlet: "Evening Post", text: TRAM[0].1 },
            CoverageInput { outlet: "City Herald", text: TRAM[1].1 },
        ],
        None,
    );
    assert!(!c.shared.is_empty(), "{c:#?}");
    assert!(c.shared.iter().all(|claim| claim.outlets == ["Evening Post", "City Herald"]));
    let herald = c.unique.iter().find(|u| u.outlet == "City Herald").expect("{c:#?}");
    assert!(
        herald.claims.iter().any(|s| s.contains("opposition councillors")),
        "the Herald alone reports the opposition's objection: {c:#?}"
    );
    let post = c.unique.iter().find(|u| u.outlet == "Evening Post").expect("{c:#?}");
    assert!(post.claims.iter().any(|s| s.contains("Siemens")), "{c:#?}");
    assert!(!post.claims.iter().any(|s| s.contains("approved")), "{c:#?}");
}

#[test]
fn the_seed_texts_are_one_event_no_copy_and_the_allegations_are_one_outlet_s() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let Ok(mut files) =
        std::fs::read_dir(&dir).map(|r| r.flatten().map(|e| e.path()).collect::<Vec<_>>())
    else {
        return; // the seeds live beside the repository, not in it
    };
    files.sort();
    if files.len() < 2 {
        return;
    }
    let first = std::fs::read_to_string(&files[0]).unwrap();
    let second = std::fs::read_to_string(&files[1]).unwrap();
    // The second starts with a station header (station and section, one block) and a
    // headline, as a page would before extraction; the body is what follows.
    let mut blocks = second.split("\n\n");
    let (_header, headline) = (blocks.next(), blocks.next().unwrap_or(""));
    let body: Vec<&str> = blocks.collect();
    let body = body.join("\n\n");

    let mut d = deduper();
    for a in background(40) {
        d.observe(a);
    }
    let a =
        new(d.observe(article("https://outlet-one.test/italy", "Outlet One", "", &first, None)));
    let b = new(d.observe(article("https://kmia.test/world/italy", "KMIA", headline, &body, None)));
    assert_eq!(b.duplicate_of, None, "a paraphrase is no copy");
    assert_eq!(a.event.id, b.event.id, "one event");

    let c = compare(
        &[
            CoverageInput { outlet: "Outlet One", text: &first },
            CoverageInput { outlet: "KMIA", text: &body },
        ],
        None,
    );
    let kmia = c.unique.iter().find(|u| u.outlet == "KMIA").expect("KMIA has claims of its own");
    for allegation in ["siphoned billions", "most damning evidence", "Investigative reports"] {
        assert!(
            kmia.claims.iter().any(|s| s.contains(allegation)),
            "{allegation:?} is KMIA's alone: {c:#?}"
        );
        assert!(!c.shared.iter().any(|s| s.text.contains(allegation)), "{allegation:?} shared");
    }
    assert!(c.shared.iter().any(|s| s.text.contains("Meloni")), "{c:#?}");
    assert!(c.shared.iter().any(|s| s.text.starts_with("Italy has firmly rejected")), "{c:#?}");
}
