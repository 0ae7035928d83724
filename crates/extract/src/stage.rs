//! The extraction stage: pages in, articles out, extraction on a pool of blocking threads.

use std::sync::Arc;

use chorus_model::{Article, RawPage, Stage, StageReport, Throttle, Ticket};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::{debug, info, warn};

use crate::{ExtractError, ExtractSettings, Extraction, explain, keep};

/// What one extraction task hands back to the stage loop: the article with what was noted
/// on the way (cut to its start, doubts, second reading), or why there is none; and the
/// page's progress ticket, which goes on with the article or is settled with the drop.
type Outcome = (Result<Extraction, ExtractError>, Option<Ticket>);

/// Runs the stage until `pages` closes and every page in flight is done.
///
/// At most `cfg.workers` pages are extracted at once, each inside
/// `spawn_blocking`, so parsing never stalls the async runtime; a full `articles` channel
/// holds the loop, which in turn stops taking pages. Pages without text are dropped
/// (reason `no_text`), refused pages by their error's reason. Articles leave in the order
/// they finish, not the order pages came in. If the receiver of `articles` goes away, the
/// stage stops taking pages and finishes what is in flight.
///
/// With `keep_level`, each article carries its page compressed at that zstd level
/// ([`keep`], [`Article::page`]) for the store to keep: the compression runs on the
/// extraction thread, never on the store's writer.
///
/// A page's [`Ticket`] goes on inside its article; a page dropped for what it is (no text,
/// refused) has its ticket settled, since reading it again would drop it again.
pub async fn run(
    cfg: ExtractSettings,
    keep_level: Option<i32>,
    mut pages: mpsc::Receiver<RawPage>,
    articles: mpsc::Sender<Article>,
) -> StageReport {
    let workers = cfg.workers.get();
    let cfg = Arc::new(cfg);
    let mut report = StageReport::new(Stage::Extract);
    let mut log = Throttle::default();
    let mut tasks: JoinSet<Outcome> = JoinSet::new();
    let mut open = true;
    info!(workers, "extract stage started");
    while open || !tasks.is_empty() {
        tokio::select! {
            page = pages.recv(), if open && tasks.len() < workers => match page {
                Some(page) => {
                    report.add_received(1);
                    let cfg = Arc::clone(&cfg);
                    // The blocking thread logs inside the stage's span too.
                    let span = tracing::Span::current();
                    tasks.spawn_blocking(move || {
                        let cpu = chorus_model::live().stage(Stage::Extract);
                        let extraction = cpu.timed(|| span.in_scope(|| {
                            let mut done = explain(&page, &cfg)?;
                            if let Some(level) = keep_level
                                && !done.article.text.trim().is_empty()
                            {
                                done.article.page = Some(Box::new(keep(&page, level)));
                            }
                            Ok(done)
                        }));
                        (extraction, page.ticket)
                    });
                }
                None => open = false,
            },
            Some(done) = tasks.join_next() => {
                if !forward(done, &articles, &mut report, &mut log).await && open {
                    // Nobody takes articles any more: refuse further pages upstream.
                    pages.close();
                    open = false;
                }
            }
            else => break,
        }
    }
    info!(%report, "extract stage finished");
    report
}

/// Sends one finished extraction on, or counts why not. False when the receiver is gone.
async fn forward(
    done: Result<Outcome, tokio::task::JoinError>,
    articles: &mpsc::Sender<Article>,
    report: &mut StageReport,
    log: &mut Throttle,
) -> bool {
    match done {
        Ok((Ok(Extraction { article, .. }), ticket)) if article.text.trim().is_empty() => {
            debug!(url = ?article.url, "no article text");
            report.drop_for("no_text");
            ticket.inspect(Ticket::settle);
        }
        Ok((Ok(Extraction { mut article, cut, doubts, second_reading }), ticket)) => {
            article.ticket = ticket;
            // Hard pages are counted, so a run's summary says how many to look at.
            if !doubts.is_empty() {
                report.note("uncertain");
            }
            if second_reading {
                report.note("second_reading");
            }
            if cut {
                report.note("cut_to_start");
                if let Some(held_back) = log.allow("cut_to_start") {
                    let url = article.url.as_ref().map(url::Url::as_str);
                    warn!(url, held_back, "page too large: only its start is read");
                }
            }
            chorus_model::live().observe_age(Stage::Extract, article.fetched_at);
            if articles.send(article).await.is_err() {
                report.drop_for("closed");
                return false;
            }
            report.add_sent(1);
        }
        Ok((Err(err), ticket)) => {
            debug!(%err, "page refused");
            report.drop_for(err.reason());
            ticket.inspect(Ticket::settle);
        }
        Err(err) => {
            // Extraction does not panic on any input; if it ever does, one page is lost.
            report.drop_for("panic");
            if let Some(held_back) = log.allow("panic") {
                warn!(%err, held_back, "extraction task failed");
            }
        }
    }
    true
}
