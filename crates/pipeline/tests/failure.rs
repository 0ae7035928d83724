//! A stage that fails ends the run with its error: the rest drain, nothing hangs.

use chorus_newsroom::{Newsroom, NewsroomOptions};
use chorus_pipeline::{PipelineError, Source, run};
use chorus_store::Store;
use tokio_util::sync::CancellationToken;

use crate::util::{GUARD, article_count, chain, feed, reader, settings};

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_store_write_ends_the_daemon_with_the_store_error() {
    let news = Newsroom::start(NewsroomOptions::default()).await.expect("the newsroom starts");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chorus.db");
    // A database that takes feed checks but refuses every article, as a full disk would:
    // the store stage fails at its first write of one.
    Store::open(&db).unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER refuse_articles BEFORE INSERT ON articles \
             BEGIN SELECT RAISE(ABORT, 'no room for articles'); END;",
        )
        .unwrap();
    // One feed, polled hourly: after its first poll, only the failure can end the run
    // within the test's guard.
    let first = &news.feeds()[0];
    let text = format!(
        "[pipeline]\npoll_interval_secs = 3600\nreorder_ms = 0\n{}",
        feed(&first.url, &first.outlet)
    );
    let config = settings(&db, &text);

    // A daemon runs until its token is cancelled; nobody cancels this one.
    let shutdown = CancellationToken::new();
    let ended =
        tokio::time::timeout(GUARD, run(&config, Source::Feeds { once: false }, shutdown.clone()))
            .await
            .expect("the daemon must end by itself when its store fails, not hang");

    let err = ended.expect_err("a daemon whose store failed must not report success");
    assert!(matches!(err, PipelineError::Store(_)), "the store's error, not another: {err:?}");
    assert!(chain(&err).contains("no room for articles"), "{}", chain(&err));
    assert!(!shutdown.is_cancelled(), "the caller's token is the caller's to cancel");
    assert_eq!(article_count(&db), 0);
    // The run is not recorded as finished, so the next one will not trust its feed states.
    let outcome: Option<String> = reader(&db)
        .query_row("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(outcome, None);
}
