//! A short reorder buffer between extraction and deduplication, for feed sources.
//!
//! Pages are downloaded concurrently, so articles leave extraction in whatever order their
//! downloads finished. The deduplicator decides online, and its decisions depend on order:
//! which of two copies is the original, and which article founds an event. Holding a few
//! articles back and releasing them oldest-published first makes those decisions follow
//! publication order wherever the articles arrive close together (a backfill, one poll's
//! burst of new entries), at the cost of at most `pipeline.reorder_ms` of latency.
//! JSONL input never passes through here: its file order is its arrival order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::num::NonZeroUsize;
use std::time::Duration;

use chorus_model::{Article, Stage, StageReport, Timestamp};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// One held article, ordered by publication time (undated last), then arrival.
struct Held {
    time: Option<Timestamp>,
    seq: u64,
    article: Article,
}

impl Held {
    fn rank(&self) -> (bool, Option<Timestamp>, u64) {
        (self.time.is_none(), self.time, self.seq)
    }
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        self.rank() == other.rank()
    }
}
impl Eq for Held {}
impl PartialOrd for Held {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Held {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

/// Passes every article from `input` to `output`, holding up to `capacity` of them for at
/// most `hold` and releasing the oldest-published first. Ends when `input` closes, after
/// releasing everything it holds.
pub(crate) async fn run(
    mut input: mpsc::Receiver<Article>,
    output: mpsc::Sender<Article>,
    capacity: NonZeroUsize,
    hold: Duration,
) -> StageReport {
    let capacity = capacity.get();
    let mut report = StageReport::new(Stage::Reorder);
    let mut heap: BinaryHeap<Reverse<Held>> = BinaryHeap::new();
    // When the oldest article now held must be released.
    let mut deadline: Option<Instant> = None;
    let mut open = true;
    while open || !heap.is_empty() {
        let release = tokio::select! {
            item = input.recv(), if open && heap.len() < capacity => match item {
                Some(article) => {
                    report.add_received(1);
                    let time = article.published.or(article.fetched_at);
                    heap.push(Reverse(Held { time, seq: report.received, article }));
                    deadline.get_or_insert_with(|| Instant::now() + hold);
                    heap.len() >= capacity
                }
                None => { open = false; true }
            },
            () = sleep_until_opt(deadline) => true,
        };
        if release {
            // Release everything held: the burst is over (timer), the buffer is full, or
            // the input ended.
            while let Some(Reverse(held)) = heap.pop() {
                if output.send(held.article).await.is_err() {
                    return report;
                }
                report.add_sent(1);
            }
            deadline = None;
        }
    }
    report
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn article(hour: u32) -> Article {
        Article {
            title: format!("h{hour}"),
            published: Some(chrono::Utc.with_ymd_and_hms(2025, 9, 1, hour, 0, 0).unwrap()),
            ..Article::default()
        }
    }

    #[tokio::test]
    async fn a_burst_comes_out_oldest_first_and_nothing_is_lost() {
        let (tx, rx) = mpsc::channel(16);
        let (out_tx, mut out_rx) = mpsc::channel(16);
        let stage =
            tokio::spawn(run(rx, out_tx, NonZeroUsize::new(8).unwrap(), Duration::from_secs(60)));
        for hour in [5, 1, 9, 3] {
            tx.send(article(hour)).await.unwrap();
        }
        let undated = Article { title: "undated".into(), ..Article::default() };
        tx.send(undated).await.unwrap();
        drop(tx);
        let mut titles = Vec::new();
        while let Some(a) = out_rx.recv().await {
            titles.push(a.title);
        }
        assert_eq!(titles, ["h1", "h3", "h5", "h9", "undated"]);
        let report = stage.await.unwrap();
        assert_eq!((report.received, report.sent), (5, 5));
    }

    #[tokio::test]
    async fn a_held_article_is_released_after_the_hold_time() {
        let (tx, rx) = mpsc::channel(16);
        let (out_tx, mut out_rx) = mpsc::channel(16);
        let _stage =
            tokio::spawn(run(rx, out_tx, NonZeroUsize::new(8).unwrap(), Duration::from_millis(50)));
        tx.send(article(2)).await.unwrap();
        // The input stays open: only the timer can release it.
        let got = tokio::time::timeout(Duration::from_secs(5), out_rx.recv()).await;
        assert_eq!(got.unwrap().unwrap().title, "h2");
    }

    #[tokio::test]
    async fn a_full_buffer_is_released_at_once() {
        let (tx, rx) = mpsc::channel(16);
        let (out_tx, mut out_rx) = mpsc::channel(16);
        let _stage =
            tokio::spawn(run(rx, out_tx, NonZeroUsize::new(2).unwrap(), Duration::from_secs(3600)));
        tx.send(article(7)).await.unwrap();
        tx.send(article(4)).await.unwrap();
        let first = tokio::time::timeout(Duration::from_secs(5), out_rx.recv()).await;
        assert_eq!(first.unwrap().unwrap().title, "h4");
    }
}
