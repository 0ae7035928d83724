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
use std::collections::{BinaryHeap, HashSet, VecDeque};
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

/// Passes every article from `input` to `output`, holding up to `capacity` of them, each
/// for at most `hold` after it arrived, and releasing the oldest-published first. Ends when
/// `input` closes, after releasing everything it holds.
///
/// The window slides: once it is full, each new article lets the oldest-published one out,
/// and when the article that has waited longest reaches `hold`, it leaves with every held
/// article published before it. A steady stream (a backfill) thus flows one in, one out,
/// and never stalls the stages after it while the window fills again.
pub(crate) async fn run(
    mut input: mpsc::Receiver<Article>,
    output: mpsc::Sender<Article>,
    capacity: NonZeroUsize,
    hold: Duration,
) -> StageReport {
    let capacity = capacity.get();
    let mut report = StageReport::new(Stage::Reorder);
    let mut heap: BinaryHeap<Reverse<Held>> = BinaryHeap::new();
    // Held articles in arrival order, with when each must be out at the latest; entries
    // of articles already released are skipped (`held` no longer has them).
    let mut arrivals: VecDeque<(u64, Instant)> = VecDeque::new();
    let mut held: HashSet<u64> = HashSet::new();
    let mut open = true;
    while open || !heap.is_empty() {
        while arrivals.front().is_some_and(|(seq, _)| !held.contains(seq)) {
            arrivals.pop_front();
        }
        let deadline = arrivals.front().map(|&(_, at)| at);
        // Released up to and including the article with this arrival number (`None`: all).
        let release: Option<u64> = tokio::select! {
            item = input.recv(), if open => match item {
                Some(article) => {
                    report.add_received(1);
                    let time = article.published.or(article.fetched_at);
                    let seq = report.received;
                    heap.push(Reverse(Held { time, seq, article }));
                    held.insert(seq);
                    arrivals.push_back((seq, Instant::now() + hold));
                    if heap.len() <= capacity {
                        continue;
                    }
                    // Full: the oldest-published article leaves.
                    heap.peek().map(|Reverse(h)| h.seq)
                }
                None => { open = false; None }
            },
            () = sleep_until_opt(deadline) => arrivals.front().map(|&(seq, _)| seq),
        };
        while let Some(Reverse(next)) = heap.pop() {
            held.remove(&next.seq);
            let last = release == Some(next.seq);
            chorus_model::live().observe_age(Stage::Reorder, next.article.fetched_at);
            if output.send(next.article).await.is_err() {
                return report;
            }
            report.add_sent(1);
            if last {
                break;
            }
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

    async fn next(rx: &mut mpsc::Receiver<Article>) -> String {
        let got = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await;
        got.expect("an article within 5 s").expect("the stage still runs").title
    }

    #[tokio::test]
    async fn a_full_window_lets_out_one_article_for_each_that_comes_in() {
        let (tx, rx) = mpsc::channel(16);
        let (out_tx, mut out_rx) = mpsc::channel(16);
        let _stage =
            tokio::spawn(run(rx, out_tx, NonZeroUsize::new(3).unwrap(), Duration::from_secs(3600)));
        for hour in [8, 2, 6] {
            tx.send(article(hour)).await.unwrap();
        }
        tokio::task::yield_now().await;
        assert!(out_rx.try_recv().is_err(), "a window with room holds what it has");
        tx.send(article(4)).await.unwrap();
        assert_eq!(next(&mut out_rx).await, "h2");
        tx.send(article(1)).await.unwrap();
        // The newcomer is the oldest-published: it goes straight through.
        assert_eq!(next(&mut out_rx).await, "h1");
        tx.send(article(9)).await.unwrap();
        assert_eq!(next(&mut out_rx).await, "h4");
        tokio::task::yield_now().await;
        assert!(out_rx.try_recv().is_err(), "one out for one in, no more");
        drop(tx);
        let mut rest = Vec::new();
        while let Some(a) = out_rx.recv().await {
            rest.push(a.title);
        }
        assert_eq!(rest, ["h6", "h8", "h9"]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_article_whose_time_is_up_leaves_with_those_published_before_it() {
        let (tx, rx) = mpsc::channel(16);
        let (out_tx, mut out_rx) = mpsc::channel(16);
        let hold = Duration::from_secs(2);
        let _stage = tokio::spawn(run(rx, out_tx, NonZeroUsize::new(16).unwrap(), hold));
        tx.send(article(5)).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        for hour in [3, 7] {
            tx.send(article(hour)).await.unwrap();
        }
        // At 2 s the first arrival (h5) is due: h3, published before it, goes too; h7,
        // which arrived a second later, waits for its own time.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let mut out = Vec::new();
        while let Ok(a) = out_rx.try_recv() {
            out.push(a.title);
        }
        assert_eq!(out, ["h3", "h5"]);
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(out_rx.try_recv().unwrap().title, "h7");
    }
}
