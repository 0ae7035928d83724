//! Speed of feed parsing on one thread, per body shape: a clean UTF-8 RSS feed of 2000
//! items (the common case), the same with undeclared HTML entities and in windows-1252
//! (the repair and decoding passes), and the same with one broken item (read entry by
//! entry), plus a 20 000-record sitemap.
//!
//! `cargo bench -p chorus-fetch`

use chorus_fetch::{parse_document, parse_response};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use url::Url;

const ITEMS: usize = 2000;

fn rss(title: impl Fn(usize) -> String, broken_at: Option<usize>) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>\n");
    for i in 0..ITEMS {
        let close = if Some(i) == broken_at { "</titel>" } else { "</title>" };
        out.push_str(&format!(
            "<item><title>{}{close}<link>/news/{i}</link><guid isPermaLink=\"false\">id-{i}</guid>\
             <pubDate>Thu, 04 Sep 2025 10:00:00 GMT</pubDate>\
             <description>Rome said on Thursday that it will not send troops, item {i}.</description></item>\n",
            title(i)
        ));
    }
    out.push_str("</channel></rss>");
    out
}

fn sitemap(n: usize) -> String {
    let mut out = String::from("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for i in 0..n {
        out.push_str(&format!(
            "<url><loc>/a/{i}?x=1&amp;y=2</loc><lastmod>2025-09-04</lastmod></url>\n"
        ));
    }
    out.push_str("</urlset>");
    out
}

fn bench(c: &mut Criterion) {
    let base = Url::parse("https://news.example.test/feed.xml").expect("base");
    let clean = rss(|i| format!("Italy refuses to send troops, day {i}"), None);
    let entities = rss(|i| format!("L&rsquo;&eacute;t&eacute; &mdash; jour&nbsp;{i}"), None);
    let latin = rss(|i| format!("Café « déjà vu » – jour {i}"), None)
        .replace("<?xml version=\"1.0\"?>", "");
    let cp1252 = encoding_rs::WINDOWS_1252.encode(&latin).0.into_owned();
    let broken = rss(|i| format!("Italy refuses to send troops, day {i}"), Some(ITEMS / 2));
    let urls = sitemap(20_000);

    let mut group = c.benchmark_group("parse");
    for (name, body) in [
        ("rss_clean", clean.as_bytes()),
        ("rss_html_entities", entities.as_bytes()),
        ("rss_windows_1252", &cp1252[..]),
        ("rss_one_broken_item", broken.as_bytes()),
        ("sitemap_20k", urls.as_bytes()),
    ] {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| parse_document(std::hint::black_box(body), &base, 100_000).expect("parsed"));
        });
    }
    group.throughput(Throughput::Bytes(cp1252.len() as u64));
    group.bench_function("rss_http_charset", |b| {
        b.iter(|| {
            parse_response(&cp1252, Some("text/xml; charset=windows-1252"), &base, 100_000)
                .expect("parsed")
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
