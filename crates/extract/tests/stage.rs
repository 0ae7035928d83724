//! The stage contract: every page is counted, the stage ends when its input closes, and a
//! slow consumer holds it back.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chorus_extract::{ExtractConfig, ExtractSettings, run};
use tokio::sync::mpsc;

use crate::util::{article_html, page};

#[tokio::test]
async fn forwards_articles_counts_drops_and_ends_when_input_closes() {
    let (pages_tx, pages_rx) = mpsc::channel(4);
    let (articles_tx, mut articles_rx) = mpsc::channel(4);
    let cfg = ExtractConfig { workers: 2, ..ExtractConfig::default() }.validate().unwrap();
    let stage = tokio::spawn(run(cfg, None, pages_rx, articles_tx));

    let feeder = tokio::spawn(async move {
        for i in 0..10 {
            let html = article_html(&format!("Story {i}"), 3);
            pages_tx.send(page(&format!("https://x.example/{i}"), html.as_bytes())).await.unwrap();
        }
        let mut image = page("https://x.example/img", b"\x89PNG\r\n\x1a\n\x00\x00");
        image.content_type = Some("image/png".to_owned());
        pages_tx.send(image).await.unwrap();
        pages_tx
            .send(page(
                "https://x.example/nav",
                b"<html><body><nav><a href=/>Home</a></nav></body></html>",
            ))
            .await
            .unwrap();
        // Dropping the sender closes the input: the stage must finish on its own.
    });

    let mut titles = Vec::new();
    while let Some(article) = articles_rx.recv().await {
        titles.push(article.title);
    }
    feeder.await.unwrap();
    let report = stage.await.unwrap();
    titles.sort();
    assert_eq!(titles.len(), 10);
    assert_eq!(report.stage, chorus_model::Stage::Extract);
    assert_eq!(report.received, 12);
    assert_eq!(report.sent, 10);
    assert_eq!(report.dropped.get("not_html"), Some(&1));
    assert_eq!(report.dropped.get("no_text"), Some(&1));
}

#[tokio::test]
async fn a_consumer_that_does_not_read_holds_the_stage_back() {
    let workers = 2;
    let (pages_tx, pages_rx) = mpsc::channel(1);
    let (articles_tx, mut articles_rx) = mpsc::channel(1);
    let cfg = ExtractConfig { workers, ..ExtractConfig::default() }.validate().unwrap();
    let stage = tokio::spawn(run(cfg, None, pages_rx, articles_tx));

    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let total = 50;
    let feeder = tokio::spawn(async move {
        for i in 0..total {
            let html = article_html(&format!("Story {i}"), 2);
            pages_tx.send(page(&format!("https://x.example/{i}"), html.as_bytes())).await.unwrap();
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });

    // Give the stage ample time to take everything it is allowed to take.
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // In the stage: one article in the output channel, one waiting to be sent, `workers`
    // extractions in flight; plus one page in the input channel.
    let bound = 1 + 1 + workers + 1;
    assert!(
        accepted.load(Ordering::SeqCst) <= bound,
        "{} > {bound}",
        accepted.load(Ordering::SeqCst)
    );

    let mut received = 0;
    while articles_rx.recv().await.is_some() {
        received += 1;
    }
    feeder.await.unwrap();
    let report = stage.await.unwrap();
    assert_eq!(received, total);
    assert_eq!(report.sent, total as u64);
}

#[tokio::test]
async fn stops_taking_pages_when_nobody_reads_articles() {
    let (pages_tx, pages_rx) = mpsc::channel(2);
    let (articles_tx, articles_rx) = mpsc::channel(1);
    drop(articles_rx);
    let stage = tokio::spawn(run(ExtractSettings::default(), None, pages_rx, articles_tx));
    let html = article_html("Story", 2);
    let mut refused = false;
    for i in 0..20 {
        if pages_tx.send(page(&format!("https://x.example/{i}"), html.as_bytes())).await.is_err() {
            refused = true;
            break;
        }
    }
    drop(pages_tx);
    let report = stage.await.unwrap();
    assert!(refused, "input should be closed once the output is gone");
    assert!(report.dropped.get("closed").copied().unwrap_or(0) >= 1);
}
