//! The dedup stage: articles in, classified articles out.

use chorus_model::{Article, Classified, StageReport};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::{debug, error, info, warn};

use crate::{Deduper, Verdict};

/// Prepared articles that may wait between the two halves of the stage.
const PREPARED_QUEUE: usize = 64;

/// Runs the stage: each article from `articles` goes through [`Deduper::observe`]; new
/// ones are sent on `out`, ones seen before are dropped and counted (reason `same_url`).
/// Ends when `articles` closes (after the last article is sent on), or early if `out`
/// closes, which only happens when the store has stopped.
///
/// The stage is two tasks, which a multi-threaded runtime runs side by side: one
/// [prepares](crate::Preparer) articles (text analysis, which needs no state), the other
/// decides about them one at a time in arrival order. Only the second must be sequential.
pub async fn run(
    deduper: Deduper,
    mut articles: mpsc::Receiver<Article>,
    out: mpsc::Sender<Classified>,
) -> StageReport {
    let (prepared_tx, prepared_rx) = mpsc::channel(PREPARED_QUEUE);
    let mut preparer = deduper.preparer();
    // In a set, so that the task is aborted if the stage's future is dropped (the stage
    // panicked, or the pipeline gave up waiting for it) rather than live on holding the
    // input.
    let mut prepare = JoinSet::new();
    prepare.spawn(async move {
        while let Some(article) = articles.recv().await {
            if prepared_tx.send(preparer.prepare(article)).await.is_err() {
                break;
            }
        }
    });
    let report = decide(deduper, prepared_rx, out).await;
    // Once the input closed the preparing task has ended already; if the deciding half
    // stopped early it may still wait for input, and stopping it closes the input.
    prepare.abort_all();
    while let Some(done) = prepare.join_next().await {
        if let Err(e) = done
            && e.is_panic()
        {
            // A panic there ended the deciding half's input early: the stage failed, and
            // must fail as a panic in the stage itself would, not end as if its input
            // were done.
            error!("the dedup stage's preparing task panicked");
            std::panic::resume_unwind(e.into_panic());
        }
    }
    report
}

/// The sequential half of the stage.
async fn decide(
    mut deduper: Deduper,
    mut prepared: mpsc::Receiver<crate::Prepared>,
    out: mpsc::Sender<Classified>,
) -> StageReport {
    let mut report = StageReport::new("dedup");
    info!("dedup stage started");
    while let Some(article) = prepared.recv().await {
        report.received += 1;
        match deduper.observe_prepared(article) {
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
