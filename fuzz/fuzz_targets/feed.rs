//! Any bytes through feed and sitemap parsing: once as the pipeline reads a feed body
//! (sniffing, feed-rs behind its panic guard, or the sitemap reader), and once straight
//! into the sitemap reader whatever the root. The properties are that nothing panics or
//! runs away, the entry limit holds, and every address that comes out is absolute http(s).

#![no_main]

use std::panic::{self, PanicHookInfo};

use libfuzzer_sys::fuzz_target;
use url::Url;

const MAX_ENTRIES: usize = 50;

/// feed-rs panics on some author strings, and `parse_document` catches that and parses
/// again without them (see its docs). libfuzzer-sys's panic hook aborts on every panic,
/// caught or not; this one lets a panic raised inside feed-rs unwind to that catch and
/// hands every other panic to libfuzzer-sys's hook.
fn let_feed_rs_panics_unwind() {
    let abort = panic::take_hook();
    panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
        if !info.location().is_some_and(|at| at.file().contains("/feed-rs-")) {
            abort(info);
        }
    }));
}

fuzz_target!(init: let_feed_rs_panics_unwind(), |data: &[u8]| {
    let base = Url::parse("https://news.example.test/feeds/world.xml").expect("base url");
    let documents = [
        chorus_fetch::parse_document(data, &base, MAX_ENTRIES),
        chorus_fetch::parse_sitemap(data, &base, MAX_ENTRIES),
    ];
    for doc in documents.iter().flatten() {
        assert!(doc.entries.len() <= MAX_ENTRIES, "{} entries", doc.entries.len());
        for url in doc.entries.iter().map(|e| &e.url).chain(&doc.sitemaps) {
            assert!(matches!(url.scheme(), "http" | "https"), "not http(s): {url}");
            assert!(url.has_host(), "no host: {url}");
        }
    }
});
