//! The dedup stage: articles in, classified articles out.

use chorus_model::{Article, Classified, StageReport};
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

use crate::{Deduper, Verdict};

/// Runs the stage: each article from `articles` goes through [`Deduper::observe`]; new
/// ones are sent on `out`, ones seen before are dropped and counted (reason `same_url`).
/// Ends when `articles` closes (after the last article is sent on), or early if `out`
/// closes, which only happens when the store has stopped.
pub async fn run(
    mut deduper: Deduper,
    mut articles: mpsc::Receiver<Article>,
    out: mpsc::Sender<Classified>,
) -> StageReport {
    let mut report = StageReport::new("dedup");
    info!("dedup stage started");
    while let Some(article) = articles.recv().await {
        report.received += 1;
        match deduper.observe(article) {
            Verdict::Known { key } => {
                debug!(%key, "article seen before: dropped");
                report.drop_for("same_url");
            }
            Verdict::New(classified) => {
                if out.send(classified).await.is_err() {
                    warn!("the store stopped taking articles: dedup stage ends early");
                    report.drop_for("output_closed");
                    break;
                }
                report.sent += 1;
            }
        }
    }
    info!(%report, "dedup stage finished");
    report
}
