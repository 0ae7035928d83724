//! Why a page could not be turned into an article.

/// A page that extraction refused. Pages that parse but hold no article text are not
/// errors: they come back as an [`Article`](chorus_model::Article) with empty text.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// The body was empty.
    #[error("{url}: empty body")]
    EmptyBody {
        /// The page's address.
        url: String,
    },
    /// The server said the body is not HTML (an image, a PDF, a video).
    #[error("{url}: not HTML but {content_type}")]
    NotHtml {
        /// The page's address.
        url: String,
        /// The `Content-Type` it was served with.
        content_type: String,
    },
    /// The body is binary data, whatever the server called it.
    #[error("{url}: binary data, not text")]
    Binary {
        /// The page's address.
        url: String,
    },
    /// A kept page's compressed body could not be restored (the stored bytes are damaged
    /// or were edited).
    #[error("{url}: kept page cannot be restored: {detail}")]
    Damaged {
        /// The page's address.
        url: String,
        /// What was wrong.
        detail: String,
    },
}

impl ExtractError {
    /// A short name for counting drops by reason.
    pub fn reason(&self) -> &'static str {
        match self {
            ExtractError::EmptyBody { .. } => "empty_body",
            ExtractError::NotHtml { .. } => "not_html",
            ExtractError::Binary { .. } => "binary",
            ExtractError::Damaged { .. } => "damaged",
        }
    }
}
