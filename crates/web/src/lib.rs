//! The read-only HTTP view of a Chorus database: server-rendered pages that work without
//! JavaScript, a JSON API, `/metrics` and `/healthz`.
//!
//! In: a database path (opened read-only, beside a daemon that writes it), and optionally
//! a bearer token, a sentence-embedding model for comparisons, and live figures for
//! `/metrics`. Out: an axum [`Router`](axum::Router) ([`router`]), served by [`serve`] on a
//! listener from [`bind`], which refuses an address other hosts can reach unless a token
//! guards it. The view never writes to the database.
//!
//! Routes (GET and HEAD only; anything else is 405):
//!
//! | route | what |
//! |---|---|
//! | `/` | events, newest first (`?sort=covered`: most outlets first; `?q=` words; `?page=`) |
//! | `/events/{id}` | one event: each outlet's article, a timeline, the comparison |
//! | `/articles/{key}` | one article: text, metadata and where each value came from, copies |
//! | `/search?q=` | full-text search with marked snippets |
//! | `/feeds` | feed health |
//! | `/api/events`, `/api/events/{id}`, `/api/articles/{key}`, `/api/search?q=`, `/api/feeds`, `/api/stats` | the same as JSON |
//! | `/healthz` | `ok` when the database answers, else 503 and why |
//! | `/metrics` | Prometheus text format |
//!
//! Every value is HTML-escaped by the templates (maud), a strict Content-Security-Policy
//! allows no script at all, and a page's links go out only to http(s) addresses.
//!
//! The principal types: [`HttpConfig`] (the `[http]` section) and [`HttpSettings`],
//! [`ViewOptions`], [`LiveFigures`], and [`event_coverage`], the one place an event's
//! comparison comes from.
//!
//! ```
//! use chorus_web::{HttpConfig, DEFAULT_LISTEN};
//! let settings = HttpConfig { listen: Some(DEFAULT_LISTEN.into()), token: None }.validate().unwrap();
//! assert!(settings.listen.unwrap().ip().is_loopback());
//! ```
#![deny(missing_docs)]

mod config;
mod coverage;
mod data;
mod metrics;
mod pages;
mod paths;
mod reader;
mod server;
mod timeline;

use std::net::SocketAddr;
use std::time::Duration;

pub use config::{DEFAULT_LISTEN, HttpConfig, HttpSettings, MIN_TOKEN_CHARS, Token};
pub use coverage::event_coverage;
pub use data::EventList;
pub use metrics::{Figure, Kind, LiveFigures};
pub use server::{ViewOptions, bind, router, serve};

/// The longest `q` accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Events per page, and search hits shown.
pub const PAGE_SIZE: usize = 50;
/// The most `?limit=` may ask for on the API.
pub const MAX_PAGE_SIZE: usize = 200;
/// The highest `?page=`: lists that long are searched, not paged through.
pub const MAX_PAGE: usize = 1000;
/// How long one request may take before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a connection may take to send its request headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How many connections are served at once.
pub const MAX_CONNECTIONS: usize = 256;
/// After shutdown, how long requests in flight may take to finish.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Why the view could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// An address other hosts can reach was asked for without a token.
    #[error(
        "refusing to serve on {addr} without a token: any host that reaches it could read the \
         database; set [http] token, --token-file or CHORUS_HTTP_TOKEN, or listen on 127.0.0.1"
    )]
    TokenRequired {
        /// The address.
        addr: SocketAddr,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("the web view stopped")]
    Serve(#[source] std::io::Error),
}
