//! The dedup stage: articles in, classified articles out.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use chorus_embed::Embedder;

use chorus_model::{Article, Classified, Stage, StageReport};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::Instrument;
use tracing::{debug, error, info, warn};
use url::Url;

use crate::{Deduper, Verdict};

/// Prepared articles that may wait between the two halves of the stage.
const PREPARED_QUEUE: usize = 64;
/// The most articles embedded in one call: what one forward pass of the model takes.
const EMBED_BATCH: usize = chorus_embed::MAX_BATCH_TEXTS;

/// Runs the stage: each article from `articles` goes through [`Deduper::observe`]; new
/// ones are sent on `out`, ones seen before are dropped and counted (reason `same_url`),
/// and so is one whose analysis or decision panicked (reason `panicked`, logged with its
/// URL).
/// Ends when `articles` closes (after the last article is sent on), or early if `out`
/// closes, which only happens when the store has stopped.
///
/// The stage is two tasks, which a multi-threaded runtime runs side by side: one
/// [prepares](crate::Preparer) articles (text analysis, which needs no state), the other
/// decides about them one at a time in arrival order. Only the second must be sequential.
///
/// With a `meaning` model, the preparing half also embeds each article's
/// [meaning text](crate::Prepared::meaning_text), in batches of what is waiting in the
/// input (up to 32, without waiting for more), on a blocking thread, and the deciding half
/// mixes the vectors into its similarities ([`crate::DedupConfig::semantic_weight`]).
/// Arrival order is kept. If a batch cannot be embedded, that is logged once for the
/// batch and its articles go on without vectors (compared by their words alone).
pub async fn run(
    deduper: Deduper,
    mut articles: mpsc::Receiver<Article>,
    out: mpsc::Sender<Classified>,
    meaning: Option<Arc<Embedder>>,
) -> StageReport {
    let (prepared_tx, prepared_rx) = mpsc::channel(PREPARED_QUEUE);
    let mut preparer = deduper.preparer();
    // In a set, so that the task is aborted if the stage's future is dropped (the stage
    // panicked, or the pipeline gave up waiting for it) rather than live on holding the
    // input.
    let mut prepare = JoinSet::new();
    let preparing = async move {
        let batch_size = if meaning.is_some() { EMBED_BATCH } else { 1 };
        let mut batch = Vec::with_capacity(batch_size);
        while let Some(article) = articles.recv().await {
            batch.push(article);
            // Take what is already waiting, without waiting for more: a quiet feed's
            // article is not held back for company.
            while batch.len() < batch_size {
                match articles.try_recv() {
                    Ok(article) => batch.push(article),
                    Err(_) => break,
                }
            }
            let mut prepared: Vec<Option<crate::Prepared>> = batch
                .drain(..)
                .map(|article| {
                    // A panic is counted by the deciding half, which owns the report.
                    let url = article.url.clone();
                    guarded(url, "preparing", || cpu().timed(|| preparer.prepare(article)))
                })
                .collect();
            if let Some(model) = &meaning {
                embed_batch(model, &mut prepared).await;
            }
            for p in prepared {
                if prepared_tx.send(p).await.is_err() {
                    return;
                }
            }
        }
    };
    prepare.spawn(preparing.in_current_span());
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

/// Gives the prepared articles of a batch their embeddings, computed on a blocking thread
/// (the model keeps a core busy for a good part of a second per batch, which must not stall
/// the runtime's workers). On failure the articles are left without vectors.
async fn embed_batch(model: &Arc<Embedder>, batch: &mut [Option<crate::Prepared>]) {
    let texts: Vec<String> = batch.iter().flatten().map(crate::Prepared::meaning_text).collect();
    if texts.is_empty() {
        return;
    }
    let count = texts.len();
    let model = Arc::clone(model);
    let done = tokio::task::spawn_blocking(move || {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        cpu().timed(|| model.embed(&texts))
    })
    .await;
    let vectors = match done {
        Ok(Ok(vectors)) if vectors.len() == count => vectors,
        Ok(Ok(vectors)) => {
            error!(
                articles = count,
                vectors = vectors.len(),
                "the model gave a wrong number of vectors: these articles go on without"
            );
            return;
        }
        Ok(Err(e)) => {
            warn!(articles = count, "cannot embed a batch, compared by words alone: {e}");
            return;
        }
        Err(e) => {
            error!(articles = count, "embedding a batch failed, compared by words alone: {e}");
            return;
        }
    };
    for (p, v) in batch.iter_mut().flatten().zip(vectors) {
        p.set_meaning(v);
    }
}

/// The sequential half of the stage.
async fn decide(
    mut deduper: Deduper,
    mut prepared: mpsc::Receiver<Option<crate::Prepared>>,
    out: mpsc::Sender<Classified>,
) -> StageReport {
    let mut report = StageReport::new(Stage::Dedup);
    info!("dedup stage started");
    while let Some(article) = prepared.recv().await {
        report.add_received(1);
        let url = article.as_ref().and_then(|a| a.article.url.clone());
        // An article seen before is done with: its record's progress is settled.
        let ticket = article.as_ref().and_then(|a| a.article.ticket.clone());
        let verdict = article.and_then(|a| {
            guarded(url, "deciding on", || cpu().timed(|| deduper.observe_prepared(a)))
        });
        let Some(verdict) = verdict else {
            report.drop_for("panicked");
            continue;
        };
        match verdict {
            Verdict::Known { key } => {
                debug!(%key, "article seen before: dropped");
                report.drop_for("same_url");
                ticket.inspect(chorus_model::Ticket::settle);
            }
            Verdict::New(classified) => {
                chorus_model::live().observe_age(Stage::Dedup, classified.article.fetched_at);
                if out.send(classified).await.is_err() {
                    warn!("the store stopped taking articles: dedup stage ends early");
                    report.drop_for("output_closed");
                    break;
                }
                report.add_sent(1);
            }
        }
    }
    info!(%report, "dedup stage finished");
    report
}

/// The stage's live figures, which count the CPU its work takes (the model's own worker
/// threads aside: only the calling thread's time is seen).
fn cpu() -> &'static chorus_model::live::StageFigures {
    chorus_model::live().stage(Stage::Dedup)
}

/// Runs one article's `step` of the stage. One article that trips a bug must not stop the
/// stage: a panic is logged with the article's URL and gives `None`, and the caller drops
/// and counts the article. The deduper may keep part of what it recorded for that article
/// (its key, say), which only affects articles like it.
fn guarded<T>(url: Option<Url>, step: &str, work: impl FnOnce() -> T) -> Option<T> {
    let done = catch_unwind(AssertUnwindSafe(work));
    if done.is_err() {
        error!(url = url.as_ref().map(Url::as_str), "{step} an article panicked: dropped");
    }
    done.ok()
}

/// Headlines that make the two halves of the stage panic, in this crate's unit tests only:
/// no real input is known to, and the stage must survive one that does.
#[cfg(test)]
pub(crate) const PANIC_IN_PREPARE: &str = "\u{0}panic while preparing";
#[cfg(test)]
pub(crate) const PANIC_IN_DECIDE: &str = "\u{0}panic while deciding";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DedupSettings;
    use chorus_model::EventId;

    fn article(n: usize, title: &str) -> Article {
        Article {
            url: Some(format!("https://example.test/{n}").parse().unwrap()),
            title: title.to_owned(),
            text: format!("Story number {n} tells of something else entirely, word {n}."),
            ..Article::default()
        }
    }

    #[tokio::test]
    async fn a_panic_on_one_article_is_counted_and_the_stage_goes_on() {
        let deduper = Deduper::new(&DedupSettings::default(), EventId(1));
        let (tx, rx) = mpsc::channel(8);
        let (out_tx, mut out_rx) = mpsc::channel(8);
        let stage = tokio::spawn(run(deduper, rx, out_tx, None));
        let titles = ["first", PANIC_IN_PREPARE, "second", PANIC_IN_DECIDE, "third"];
        for (n, title) in titles.iter().enumerate() {
            tx.send(article(n, title)).await.unwrap();
        }
        drop(tx);
        let report = stage.await.expect("the stage survives the panics");
        let mut sent = Vec::new();
        while let Some(c) = out_rx.recv().await {
            sent.push(c.article.title);
        }
        assert_eq!(sent, ["first", "second", "third"]);
        assert_eq!((report.received, report.sent), (5, 3), "{report}");
        assert_eq!(report.dropped.get("panicked"), Some(&2), "{report}");
    }

    /// The installed model; the tests that need one fail, saying how to install it.
    fn model() -> Arc<Embedder> {
        let dir = chorus_embed::default_model_dir()
            .filter(|d| d.join("config.json").is_file())
            .expect("no sentence-embedding model installed: run make model");
        Arc::new(Embedder::load(&dir).expect("the installed model loads"))
    }

    #[tokio::test]
    async fn a_batch_is_embedded_each_article_with_its_own_text() {
        let model = model();
        let mut preparer = Deduper::new(&DedupSettings::default(), EventId(1)).preparer();
        let titles = ["Storm floods the harbour", "Council passes the budget", "Team wins the cup"];
        let mut batch: Vec<Option<crate::Prepared>> =
            titles.iter().enumerate().map(|(n, t)| Some(preparer.prepare(article(n, t)))).collect();
        // A slot whose preparation panicked is passed over.
        batch.insert(1, None);
        embed_batch(&model, &mut batch).await;
        assert!(batch[1].is_none());
        let prepared: Vec<_> = batch.iter().flatten().collect();
        assert_eq!(prepared.len(), 3);
        for p in prepared {
            let got = p.analysis.meaning.as_ref().expect("embedded");
            let text = p.meaning_text();
            let want = &model.embed(&[&text]).unwrap()[0];
            assert!(chorus_embed::cosine(got, want) > 0.999, "{} got another text's vector", text);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn with_a_model_the_stage_keeps_arrival_order() {
        let deduper = Deduper::new(&DedupSettings::default(), EventId(1));
        let (tx, rx) = mpsc::channel(64);
        let (out_tx, mut out_rx) = mpsc::channel(64);
        // All sent before the stage starts, so that they wait together and go in batches.
        let titles: Vec<String> =
            (0..45).map(|n| format!("Report {n} on topic {}", n * 7)).collect();
        for (n, title) in titles.iter().enumerate() {
            tx.send(article(n, title)).await.unwrap();
        }
        drop(tx);
        let report = run(deduper, rx, out_tx, Some(model())).await;
        let mut sent = Vec::new();
        while let Some(c) = out_rx.recv().await {
            sent.push(c.article.title);
        }
        assert_eq!(sent, titles);
        assert_eq!((report.received, report.sent), (45, 45), "{report}");
    }

    /// The installed model with a tokenizer that maps "storm" to a token the weights do
    /// not have: any text with that word cannot be embedded.
    fn broken_model(dir: &std::path::Path) -> Arc<Embedder> {
        let source = chorus_embed::default_model_dir()
            .filter(|d| d.join("config.json").is_file())
            .expect("no sentence-embedding model installed: run make model");
        let source = std::fs::canonicalize(source).unwrap();
        for entry in std::fs::read_dir(&source).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() != "tokenizer.json" {
                std::os::unix::fs::symlink(entry.path(), dir.join(entry.file_name())).unwrap();
            }
        }
        let tokenizer = std::fs::read_to_string(source.join("tokenizer.json")).unwrap();
        let mut tokenizer: serde_json::Value = serde_json::from_str(&tokenizer).unwrap();
        tokenizer["model"]["vocab"]["storm"] = serde_json::json!(999_999);
        std::fs::write(dir.join("tokenizer.json"), tokenizer.to_string()).unwrap();
        Arc::new(Embedder::load(dir).expect("the altered model loads"))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_that_cannot_be_embedded_goes_on_without_vectors() {
        let dir = tempfile::tempdir().unwrap();
        let model = broken_model(dir.path());
        let mut preparer = Deduper::new(&DedupSettings::default(), EventId(1)).preparer();
        let mut batch: Vec<Option<crate::Prepared>> = ["Storm floods the harbour", "Team wins"]
            .iter()
            .enumerate()
            .map(|(n, t)| Some(preparer.prepare(article(n, &t.to_lowercase()))))
            .collect();
        embed_batch(&model, &mut batch).await;
        assert!(batch.iter().flatten().all(|p| !p.has_meaning()), "the batch failed as one");
        let mut fine = vec![Some(preparer.prepare(article(3, "team wins the cup")))];
        embed_batch(&model, &mut fine).await;
        assert!(fine.iter().flatten().all(crate::Prepared::has_meaning), "the model still works");

        // Through the stage: nothing is dropped, and the order holds.
        let deduper = Deduper::new(&DedupSettings::default(), EventId(1));
        let (tx, rx) = mpsc::channel(64);
        let (out_tx, mut out_rx) = mpsc::channel(64);
        let titles = ["calm seas", "storm floods the harbour", "council meets"];
        for (n, title) in titles.iter().enumerate() {
            tx.send(article(n, title)).await.unwrap();
        }
        drop(tx);
        let report = run(deduper, rx, out_tx, Some(model)).await;
        let mut sent = Vec::new();
        while let Some(c) = out_rx.recv().await {
            sent.push(c.article.title);
        }
        assert_eq!(sent, titles);
        assert_eq!(report.sent, 3, "{report}");
    }
}
