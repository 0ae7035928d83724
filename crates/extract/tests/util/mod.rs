//! Helpers shared by the test modules.

use chorus_model::{FeedEntry, RawPage};
use chrono::{TimeZone, Utc};
use url::Url;

/// A downloaded page as the fetcher would hand it over.
pub(crate) fn page(url: &str, html: &[u8]) -> RawPage {
    let url = Url::parse(url).expect("test URL");
    RawPage {
        url: url.clone(),
        final_url: url,
        outlet: "Harbor Gazette".to_owned(),
        fetched_at: Utc.with_ymd_and_hms(2025, 9, 4, 12, 0, 0).unwrap(),
        content_type: Some("text/html; charset=utf-8".to_owned()),
        headers: chorus_model::PageHeaders::default(),
        body: html.to_vec(),
        entry: None,
        ticket: None,
    }
}

/// A feed entry pointing at `url`.
pub(crate) fn entry(url: &str, title: &str) -> FeedEntry {
    FeedEntry {
        url: Url::parse(url).expect("test URL"),
        title: Some(title.to_owned()),
        published: Some(Utc.with_ymd_and_hms(2025, 9, 3, 7, 0, 0).unwrap()),
        summary: None,
        authors: vec!["Jane Feedwell".to_owned()],
    }
}

/// A plain article page with `paragraphs` paragraphs of real-looking prose.
pub(crate) fn article_html(title: &str, paragraphs: usize) -> String {
    let mut body = String::new();
    for i in 0..paragraphs {
        body.push_str(&format!(
            "<p>Paragraph {i} of the story: the council met again on Thursday and argued for \
             an hour about the cost of the repairs, the schedule and who should pay.</p>\n"
        ));
    }
    format!(
        "<html lang=\"en\"><head><title>{title}</title></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/a\">World</a> <a href=\"/b\">Sport</a></nav>\
         <article><h1>{title}</h1>{body}</article>\
         <footer><a href=\"/about\">About</a></footer></body></html>"
    )
}
