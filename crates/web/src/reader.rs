//! A few read-only connections to the database, used off the async workers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chorus_store::{Store, StoreError};
use tokio::sync::Semaphore;

/// Read-only connections to one database file, opened when first needed and kept for the
/// next request. At most `size` queries run at once; the rest wait their turn, so a burst
/// of requests cannot open connections or threads without bound.
#[derive(Clone, Debug)]
pub(crate) struct Reader {
    path: Arc<PathBuf>,
    idle: Arc<Mutex<Vec<Store>>>,
    permits: Arc<Semaphore>,
}

/// Why a query did not answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The blocking task died (a panic in a query).
    #[error("the query failed unexpectedly")]
    Crashed,
}

impl Reader {
    pub(crate) fn new(path: &Path, size: usize) -> Reader {
        Reader {
            path: Arc::new(path.to_owned()),
            idle: Arc::new(Mutex::new(Vec::new())),
            permits: Arc::new(Semaphore::new(size.max(1))),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on a connection, on a blocking thread.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, ReadError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    {
        // The semaphore is never closed, so acquiring only waits.
        let _permit = self.permits.acquire().await.map_err(|_| ReadError::Crashed)?;
        let (path, idle) = (Arc::clone(&self.path), Arc::clone(&self.idle));
        let task = tokio::task::spawn_blocking(move || {
            let store = match idle.lock().map(|mut v| v.pop()) {
                Ok(Some(store)) => store,
                _ => Store::open_read_only(&path)?,
            };
            let result = f(&store);
            // A connection that failed may be broken (the file replaced): open anew.
            if result.is_ok()
                && let Ok(mut v) = idle.lock()
            {
                v.push(store);
            }
            result
        });
        match task.await {
            Ok(result) => Ok(result?),
            Err(_) => Err(ReadError::Crashed),
        }
    }
}
