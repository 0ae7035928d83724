//! The store's one error type.

use std::path::PathBuf;

/// Everything that can go wrong in the store.
///
/// Opening, migrating and writing errors are infrastructure failures: the pipeline stops on
/// them. [`StoreError::BadQuery`] and the export's
/// unknown names and empty ranges are the user's to fix.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be created or opened, or is not a SQLite database.
    #[error("cannot open database {}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// Another chorus process is writing this database.
    #[error(
        "another chorus process is writing {} (run one daemon or backfill per database)",
        path.display()
    )]
    Busy {
        /// The database.
        path: PathBuf,
    },
    /// The writer lock file (or the database's directory) could not be created.
    #[error("cannot lock {}", path.display())]
    Lock {
        /// The lock file or directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A read command was pointed at a database that does not exist.
    #[error("no database at {}", path.display())]
    Missing {
        /// The file that was expected.
        path: PathBuf,
    },
    /// The database was written by a newer Chorus, whose schema this one does not know.
    #[error(
        "database {} has schema version {found}, newer than the {supported} this chorus \
         knows; use a newer chorus",
        path.display()
    )]
    SchemaTooNew {
        /// The file.
        path: PathBuf,
        /// The database's schema version.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A read-only reader found a schema older than this build's, which it may not
    /// migrate.
    #[error(
        "database {} has schema version {found}, older than the {supported} this chorus \
         reads; run a chorus command that writes (backfill, run) once to upgrade it",
        path.display()
    )]
    SchemaTooOld {
        /// The file.
        path: PathBuf,
        /// The database's schema version.
        found: i64,
        /// The version this build reads.
        supported: i64,
    },
    /// A schema migration failed; the database was left at the version before it.
    #[error("migration {version} ({name}) failed on {}", path.display())]
    Migration {
        /// The file.
        path: PathBuf,
        /// The migration's number.
        version: i64,
        /// The migration's name.
        name: &'static str,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A search query FTS5 could not parse.
    #[error("bad search query {query:?}: {message}")]
    BadQuery {
        /// The query as given.
        query: String,
        /// Why FTS5 refused it.
        message: String,
    },
    /// An export was asked for an outlet no stored article names (names match exactly).
    #[error("no article from outlet {outlet:?} (outlet names match exactly, case included)")]
    UnknownOutlet {
        /// The outlet as given.
        outlet: String,
    },
    /// An export was asked for an event id that was never assigned.
    #[error("no event {id}")]
    UnknownEvent {
        /// The id as given.
        id: chorus_model::EventId,
    },
    /// An export was asked for a time range that ends before it starts.
    #[error("the range starts ({}) after it ends ({})", since.to_rfc3339(), until.to_rfc3339())]
    EmptyRange {
        /// The start asked for.
        since: chorus_model::Timestamp,
        /// The end asked for.
        until: chorus_model::Timestamp,
    },
    /// A stored value could not be read back (the file was edited by hand, or damaged).
    #[error("bad value in {column} of {row}: {value:?} ({reason})")]
    BadValue {
        /// `table.column`.
        column: &'static str,
        /// Which row: the article key, feed URL or event id.
        row: String,
        /// The value found.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The writer thread could not start its timer runtime.
    #[error("cannot start the store writer")]
    Writer {
        /// The OS error.
        source: std::io::Error,
    },
    /// The database can grow no further: it reached `[store] max_size_mb`, or the disk is
    /// full. The write was rolled back; nothing stored before it is lost.
    #[error(
        "the database {} is full ({limit}): the last batch was not written and nothing stored \
         before it is lost; free disk space or raise [store] max_size_mb, then start again",
        path.display()
    )]
    Full {
        /// The database.
        path: std::path::PathBuf,
        /// What limited it.
        limit: String,
    },
    /// Any other SQLite failure (I/O error, database locked for too long).
    #[error("database error")]
    Sqlite {
        /// What SQLite said.
        #[from]
        source: rusqlite::Error,
    },
}
