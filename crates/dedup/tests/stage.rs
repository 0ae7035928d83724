//! The pipeline stage around the deduplicator.

use chorus_dedup::run;

use crate::fixtures::MARA;
use crate::util::{article, deduper};

#[tokio::test]
async fn the_stage_drops_known_articles_counts_them_and_ends_when_input_closes() {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let (out_tx, mut out_rx) = tokio::sync::mpsc::channel(4);
    let stage = tokio::spawn(run(deduper(), rx, out_tx, None));
    let feed = tokio::spawn(async move {
        for url in ["https://a.test/1", "https://a.test/2", "https://a.test/1?utm_medium=x"] {
            tx.send(article(url, "o", MARA[0].0, MARA[0].1, Some((1, 8)))).await.unwrap();
        }
        // Dropping the sender closes the stage's input.
    });
    let mut received = Vec::new();
    while let Some(c) = out_rx.recv().await {
        received.push(c);
    }
    feed.await.unwrap();
    let report = stage.await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[1].duplicate_of.as_ref().map(|d| d.of.to_string()).as_deref(),
        Some("https://a.test/1")
    );
    assert_eq!(report.stage, chorus_model::Stage::Dedup);
    assert_eq!((report.received, report.sent), (3, 2));
    assert_eq!(report.dropped.get("same_url"), Some(&1));
}
