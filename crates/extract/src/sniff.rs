//! Is this page HTML at all? Cheap checks before any decoding or parsing.

use chorus_model::RawPage;

use crate::ExtractError;
use crate::charset::find_ci;

/// Refuses empty bodies, bodies the server calls non-text that do not look like HTML
/// (images, PDFs, video), and binary data whatever it is called.
pub(crate) fn check(page: &RawPage) -> Result<(), ExtractError> {
    let url = || page.final_url.to_string();
    if page.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ExtractError::EmptyBody { url: url() });
    }
    if let Some(ct) = page.content_type.as_deref()
        && !is_textual(ct)
        && !sniffs_as_html(&page.body)
    {
        return Err(ExtractError::NotHtml { url: url(), content_type: ct.to_owned() });
    }
    if is_binary(&page.body) {
        return Err(ExtractError::Binary { url: url() });
    }
    Ok(())
}

/// Content types that may hold HTML.
fn is_textual(content_type: &str) -> bool {
    let ct = content_type.trim().to_ascii_lowercase();
    ct.is_empty() || ct.starts_with("text/") || ct.contains("html") || ct.contains("xml")
}

/// Bytes that start like an HTML document, whatever the server called them.
fn sniffs_as_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let head = &head[start..];
    head.starts_with(b"<")
        && find_ci(head, b"<html")
            .or(find_ci(head, b"<!doctype"))
            .or(find_ci(head, b"<body"))
            .is_some()
}

/// Binary data: NUL bytes near the start, where no text encoding but UTF-16 (which
/// carries a byte-order mark) puts them.
fn is_binary(body: &[u8]) -> bool {
    if body.starts_with(&[0xFF, 0xFE]) || body.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let head = &body[..body.len().min(1024)];
    head.iter().filter(|&&b| b == 0).count() > 0
}
