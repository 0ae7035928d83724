//! The view's own addresses, built in one place.

use chorus_model::{ArticleKey, EventId};
use chorus_store::EventOrder;

/// `/events/{id}`.
pub(crate) fn event_path(id: EventId) -> String {
    format!("/events/{id}")
}

/// `/articles/{key}`, the key percent-encoded (a URL key holds `/`, `?` and `#`).
pub(crate) fn article_path(key: &ArticleKey) -> String {
    format!("/articles/{}", encode(&key.to_string()))
}

/// The front page with this order, words and page number; defaults are left out.
pub(crate) fn events_query(order: EventOrder, q: Option<&str>, page: usize) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if order == EventOrder::MostCovered {
        query.append_pair("sort", "covered");
    }
    if let Some(q) = q {
        query.append_pair("q", q);
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() { "/".to_owned() } else { format!("/?{query}") }
}

/// Percent-encodes every byte but the unreserved ones (RFC 3986).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_paths_keep_the_whole_key_in_one_segment() {
        let key: ArticleKey = "https://a.test/2025/x?id=1#top".parse().unwrap();
        assert_eq!(article_path(&key), "/articles/https%3A%2F%2Fa.test%2F2025%2Fx%3Fid%3D1%23top");
        let key = ArticleKey::Input("a b/ü".into());
        assert_eq!(article_path(&key), "/articles/input%3Aa%20b%2F%C3%BC");
    }

    #[test]
    fn front_page_links_keep_order_and_words() {
        assert_eq!(events_query(EventOrder::Newest, None, 1), "/");
        assert_eq!(
            events_query(EventOrder::MostCovered, Some("a&b c"), 2),
            "/?sort=covered&q=a%26b+c&page=2"
        );
    }
}
