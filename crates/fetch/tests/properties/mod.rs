//! Properties of feed and sitemap parsing over generated bodies: random bytes; tag soup
//! in the outline of each format (nested, unclosed, misnested, with text, CDATA,
//! references, doctypes); floods of entity references; entity declarations in the
//! billion-laughs style; thousands of nested elements; and well-formed documents rendered
//! from generated items.
//!
//! For every body: no panic; no more entries than `<item>`, `<entry>` and `<url>` openings
//! (and no more than asked for); no more child sitemaps than `<sitemap>` openings; every
//! address absolute http(s); no entry larger than a small multiple of the body (nothing is
//! expanded). For well-formed soup: never lost to the feed-rs panic. For rendered
//! documents: exactly the items that went in, links and titles intact, in order (a sitemap
//! index's children newest first).

mod documents;
mod soup;

use chorus_fetch::{FeedDocument, FeedError, parse_document, parse_feed};
use chorus_model::FeedEntry;
use proptest::prelude::*;
use url::Url;

use documents::Depth;

const BASE: &str = "https://news.example.test/feeds/world.xml";

fn base() -> Url {
    Url::parse(BASE).expect("base url")
}

/// Elements that start an entry (the local name, any prefix).
const ENTRY_ELEMENTS: &[&[u8]] = &[b"item", b"entry", b"url"];

/// How many start tags in `body` have one of these local names. Counted on the raw
/// bytes, inside comments and CDATA too, so it can only overcount.
fn openings(body: &[u8], names: &[&[u8]]) -> usize {
    let is_end = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>');
    body.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'<')
        .filter(|(i, _)| {
            let rest = &body[i + 1..];
            let name = &rest[..rest.iter().position(is_end).unwrap_or(rest.len())];
            let name = name.strip_suffix(b"/").unwrap_or(name);
            let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
            names.contains(&local)
        })
        .count()
}

/// How many entries a body closes (`</item>`, `</entry>`, `</url>`), on the raw bytes.
fn openings_closed(body: &[u8]) -> usize {
    [&b"</item>"[..], b"</entry>", b"</url>"]
        .iter()
        .map(|end| body.windows(end.len()).filter(|w| w == end).count())
        .sum()
}

fn is_json(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

fn assert_web_address(url: &Url) {
    assert!(matches!(url.scheme(), "http" | "https"), "not http(s): {url}");
    assert!(url.has_host() && !url.cannot_be_a_base(), "not absolute: {url}");
}

fn entry_size(e: &FeedEntry) -> usize {
    e.url.as_str().len()
        + e.title.as_ref().map_or(0, String::len)
        + e.summary.as_ref().map_or(0, String::len)
        + e.authors.iter().map(String::len).sum::<usize>()
}

/// Parses `body` with a generous and a small limit and checks what must hold of any body.
/// Returns the document from the generous parse, if it was one.
fn parse_checked(body: &[u8]) -> Option<FeedDocument> {
    let base = base();
    let doc = parse_document(body, &base, 100_000);
    if let Ok(doc) = &doc {
        let items = if is_json(body) {
            body.iter().filter(|b| **b == b'{').count()
        } else {
            openings(body, ENTRY_ELEMENTS)
        };
        assert!(doc.entries.len() <= items, "{} entries from {items} openings", doc.entries.len());
        let sitemaps = openings(body, &[b"sitemap"]);
        assert!(
            doc.sitemaps.len() <= sitemaps,
            "{} sitemaps, {sitemaps} openings",
            doc.sitemaps.len()
        );
        doc.sitemaps.iter().for_each(assert_web_address);
        for entry in &doc.entries {
            assert_web_address(&entry.url);
            // Percent-encoding triples a byte at most; the base is joined once.
            let bound = 4 * body.len() + BASE.len();
            assert!(entry_size(entry) <= bound, "entry of {} bytes", entry_size(entry));
        }
    }
    let small = parse_feed(body, &base, 2);
    match (&doc, &small) {
        (Ok(doc), Ok(small)) => {
            assert_eq!(small.len(), doc.entries.len().min(2), "the limit changed the count");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "the limit changed the error"),
        _ => panic!("the limit changed the outcome: {doc:?} / {small:?}"),
    }
    doc.ok()
}

proptest! {
    // Failures are turned into named regression tests, not kept in a seed file.
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        // The default generator is slow in debug builds; these need no cryptography.
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_are_handled(
        prefix in prop::sample::select(vec![
            &b""[..],
            b"\xEF\xBB\xBF",
            b"{",
            b"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[",
            b"<?xml version=\"1.0\"?>",
            b"<rss version=\"2.0\"><channel><item><link>",
            b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>",
            b"<urlset><url><loc>",
            b"<sitemapindex><sitemap><loc>",
        ]),
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut body = prefix.to_vec();
        body.extend(&bytes);
        parse_checked(&body);
    }

    #[test]
    fn well_formed_tag_soup_is_handled(body in soup::soup(false)) {
        parse_checked(body.as_bytes());
        // The known feed-rs panic is survived: a well-formed body is never lost to it.
        let result = parse_document(body.as_bytes(), &base(), 100);
        prop_assert!(
            !matches!(result, Err(FeedError::ParserPanic { .. })),
            "{:?}\n{}",
            result,
            body
        );
    }

    #[test]
    fn tag_soup_with_stray_markup_is_handled(body in soup::soup(true)) {
        parse_checked(body.as_bytes());
        // Cut anywhere, as a capped download is.
        parse_checked(&body.as_bytes()[..body.len() / 2]);
    }

    #[test]
    fn rendered_items_come_back_in_order(
        format in documents::format(),
        items in documents::items(),
        how in documents::escape(),
    ) {
        let body = documents::render_feed(format, &items, how);
        let doc = parse_checked(body.as_bytes()).unwrap_or_else(|| panic!("not parsed:\n{body}"));
        let base = base();
        let want: Vec<(String, Option<String>)> = items
            .iter()
            .map(|i| (base.join(&i.link).expect("joinable").to_string(), i.title.clone()))
            .collect();
        let got: Vec<(String, Option<String>)> =
            doc.entries.iter().map(|e| (e.url.to_string(), e.title.clone())).collect();
        prop_assert_eq!(got, want, "{}", body);
        prop_assert!(doc.sitemaps.is_empty());
    }

    /// A download cut anywhere gives the entries before the cut, in order and intact
    /// (never a half-read one), and counts the one it cut.
    #[test]
    fn a_cut_document_gives_the_entries_before_the_cut(
        format in documents::format(),
        items in documents::items(),
        how in documents::escape(),
        at in 0.0f64..1.0,
    ) {
        let body = documents::render_feed(format, &items, how);
        let full = parse_checked(body.as_bytes()).unwrap_or_else(|| panic!("not parsed:\n{body}"));
        // Truncation as a byte cap does it, possibly inside a character.
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "0 <= at < 1")]
        let cut = &body.as_bytes()[..(body.len() as f64 * at) as usize];
        match parse_checked(cut) {
            Some(doc) => {
                prop_assert!(doc.entries.len() <= full.entries.len());
                prop_assert_eq!(&doc.entries[..], &full.entries[..doc.entries.len()], "{}", String::from_utf8_lossy(cut));
                prop_assert!(doc.entries.len() + doc.skipped <= items.len());
            }
            None => {
                let closed = openings_closed(cut);
                prop_assert_eq!(closed, 0, "entries closed but none read:\n{}", String::from_utf8_lossy(cut));
            }
        }
    }

    #[test]
    fn rendered_sitemap_index_lists_its_children_newest_first(
        children in documents::children(),
        how in documents::escape(),
    ) {
        let body = documents::render_index(&children, how);
        let doc = parse_checked(body.as_bytes()).unwrap_or_else(|| panic!("not parsed:\n{body}"));
        let base = base();
        let mut want: Vec<(Option<&str>, String)> = children
            .iter()
            .map(|c| (c.lastmod.as_deref(), base.join(&c.link).expect("joinable").to_string()))
            .collect();
        // Dates are written zero-padded, so as text they sort as dates; undated last.
        want.sort_by_key(|(lastmod, _)| std::cmp::Reverse(*lastmod));
        let want: Vec<String> = want.into_iter().map(|(_, url)| url).collect();
        let got: Vec<String> = doc.sitemaps.iter().map(Url::to_string).collect();
        prop_assert_eq!(got, want, "{}", body);
        prop_assert!(doc.entries.is_empty());
    }
}

proptest! {
    // Each case is a large document; a couple of dozen cover the formats and references.
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    #[test]
    fn entity_floods_resolve_in_one_pass(
        format in documents::format(),
        (written, meant) in prop::sample::select(documents::FLOOD),
        count in 10_000usize..40_000,
        laughs_declared in any::<bool>(),
    ) {
        let prolog = if laughs_declared { documents::laughs() } else { String::new() };
        let body = documents::one_item(
            format,
            &prolog,
            &format!("{}&xxe;", written.repeat(count)),
            &format!("/story?q={}", written.repeat(count)),
        );
        let doc = parse_checked(body.as_bytes()).expect("parsed");
        prop_assert_eq!(doc.entries.len(), 1);
        let entry = &doc.entries[0];
        // Declared entities are not expanded, the external one is not fetched: they stay as
        // written. An HTML title (Atom's here) keeps a `<` that no `>` closes as text.
        let title = format!("{}&xxe;", meant.repeat(count));
        prop_assert_eq!(entry.title.as_deref().unwrap_or_default(), title.as_str());
        let want = base().join(&format!("/story?q={}", meant.repeat(count))).expect("url");
        prop_assert_eq!(&entry.url, &want);
    }

    #[test]
    fn deep_nesting_is_handled(
        format in documents::format(),
        depth in 1_000usize..20_000,
        names in prop_oneof![
            prop::collection::vec(prop::sample::select(soup::INERT), 1..4),
            prop::collection::vec(prop::sample::select(soup::NAMES), 1..4),
        ],
        close in prop::bool::weighted(0.7),
        at in prop_oneof![Just(Depth::InItem), Just(Depth::BesideItems)],
    ) {
        let body = documents::deep_document(format, &documents::nested(depth, &names, close), at);
        let doc = parse_checked(body.as_bytes());
        // A closed subtree of elements that mean nothing to a feed leaves both entries.
        if close && names.iter().all(|n| soup::INERT.contains(n)) {
            let doc = doc.expect("parsed");
            let paths: Vec<&str> = doc.entries.iter().map(|e| e.url.path()).collect();
            prop_assert_eq!(paths, ["/first", "/last"]);
        }
    }
}
