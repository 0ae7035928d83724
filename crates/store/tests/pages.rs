//! Kept pages: written with their article, read back, removed with it or alone.

use chorus_model::{KeptPage, PageHeaders};
use chorus_store::{PageFilter, PruneWhat};

use crate::util::{count, duplicate_of, fetched, new_store, ts};

/// A kept page for `article`, its "compressed" body being any bytes (the store does not
/// inflate them).
fn page(c: &chorus_model::Classified, fetched_at: &str) -> KeptPage {
    let url = c.article.url.clone().unwrap();
    KeptPage {
        url: url.clone(),
        final_url: url,
        fetched_at: ts(fetched_at),
        content_type: Some("text/html; charset=utf-8".into()),
        headers: PageHeaders {
            status: Some(200),
            etag: Some("\"abc\"".into()),
            last_modified: Some("Thu, 04 Sep 2025 10:00:00 GMT".into()),
        },
        entry: None,
        body_len: 4000,
        body_zstd: vec![7; 900],
    }
}

#[test]
fn a_page_is_stored_with_its_article_and_read_back_whole() {
    let (_dir, path, mut store) = new_store();
    let mut a = fetched("Harbor Gazette", "troops", 1, "2025-09-04T10:00:00Z");
    let kept = page(&a, "2025-09-04T10:30:00Z");
    a.article.page = Some(Box::new(kept.clone()));
    let b = fetched("Rome Desk", "summit", 2, "2025-09-04T11:00:00Z");
    let counts = store.write_batch(&[a.clone(), b.clone()], &[]).unwrap();
    assert_eq!((counts.inserted, counts.pages), (2, 1));
    assert_eq!(store.raw_page(&a.key).unwrap(), Some(kept));
    assert_eq!(store.raw_page(&b.key).unwrap(), None, "an article without a page has none");
    // Writing the same article again stores no second page.
    store.write_batch(&[a.clone()], &[]).unwrap();
    assert_eq!(count(&path, "SELECT COUNT(*) FROM raw_pages"), 1);
    let stats = store.raw_stats().unwrap();
    assert_eq!(
        (stats.articles, stats.pages, stats.body_bytes, stats.stored_bytes),
        (2, 1, 4000, 900)
    );

    let pages = store.raw_pages_after(&PageFilter::default(), 0, 10).unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].key, a.key);
    assert_eq!(pages[0].article.text, a.article.text);
    let none = PageFilter { outlet: Some("Rome Desk".into()), ..PageFilter::default() };
    assert!(store.raw_pages_after(&none, 0, 10).unwrap().is_empty());
    let later = PageFilter { since: Some(ts("2025-09-05T00:00:00Z")), ..PageFilter::default() };
    assert!(store.raw_pages_after(&later, 0, 10).unwrap().is_empty());
}

#[test]
fn pruning_pages_keeps_articles_and_pruning_articles_takes_their_pages() {
    let (_dir, path, mut store) = new_store();
    let mut old = fetched("Harbor Gazette", "old", 1, "2025-09-01T10:00:00Z");
    old.article.page = Some(Box::new(page(&old, "2025-09-01T10:30:00Z")));
    let mut copy = duplicate_of(fetched("Rome Desk", "copy", 1, "2025-09-03T10:00:00Z"), &old, 0.9);
    copy.article.page = Some(Box::new(page(&copy, "2025-09-03T10:30:00Z")));
    let mut late = duplicate_of(fetched("Kmia", "late", 1, "2025-09-04T10:00:00Z"), &old, 0.8);
    late.article.page = Some(Box::new(page(&late, "2025-09-04T10:30:00Z")));
    store.write_batch(&[old.clone(), copy.clone(), late.clone()], &[]).unwrap();

    let cutoff = ts("2025-09-02T00:00:00Z");
    let dry = store.prune(PruneWhat::Pages, cutoff, true).unwrap();
    assert_eq!((dry.pages, dry.page_bytes), (1, 900));
    assert_eq!(count(&path, "SELECT COUNT(*) FROM raw_pages"), 3, "a dry run removes nothing");
    store.prune(PruneWhat::Pages, cutoff, false).unwrap();
    assert_eq!(count(&path, "SELECT COUNT(*) FROM raw_pages"), 2);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM articles"), 3);

    // The original goes; the earliest copy left takes its place, the other points at it.
    let gone = store.prune(PruneWhat::Articles, cutoff, false).unwrap();
    assert_eq!((gone.articles, gone.copies_repointed, gone.events_changed), (1, 2, 1));
    assert_eq!(count(&path, "SELECT COUNT(*) FROM articles"), 2);
    let dup: Option<String> = crate::util::raw(&path)
        .query_row(
            "SELECT duplicate_of FROM articles WHERE key = ?1",
            [late.key.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dup, Some(copy.key.to_string()));
    let heir: Option<String> = crate::util::raw(&path)
        .query_row(
            "SELECT duplicate_of FROM articles WHERE key = ?1",
            [copy.key.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(heir, None);
    assert_eq!(count(&path, "SELECT article_count FROM events WHERE id = 1"), 2);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'old'"), 0);
    // A later cutoff takes the rest, pages and all; the emptied event stays as a row.
    store.prune(PruneWhat::Articles, ts("2025-09-06T00:00:00Z"), false).unwrap();
    assert_eq!(count(&path, "SELECT COUNT(*) FROM raw_pages"), 0);
    assert_eq!(count(&path, "SELECT article_count FROM events WHERE id = 1"), 0);
    store.reclaim().unwrap();
}
