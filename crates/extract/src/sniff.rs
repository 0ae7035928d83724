//! Is this page HTML at all? Cheap checks before any decoding or parsing.

use chorus_model::RawPage;
use chorus_text::may_be_html;

use crate::ExtractError;
use crate::charset::find_ci;

/// Refuses empty bodies, bodies whose type cannot be a page ([`may_be_html`]: images,
/// SVG, JSON, PDFs, video) unless they look like HTML all the same, and binary data
/// whatever it is called.
pub(crate) fn check(page: &RawPage) -> Result<(), ExtractError> {
    let url = || page.final_url.to_string();
    if page.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ExtractError::EmptyBody { url: url() });
    }
    if let Some(ct) = page.content_type.as_deref()
        && !may_be_html(ct)
        && !sniffs_as_html(&page.body)
    {
        return Err(ExtractError::NotHtml { url: url(), content_type: ct.to_owned() });
    }
    if is_binary(&page.body) {
        return Err(ExtractError::Binary { url: url() });
    }
    Ok(())
}

/// Bytes that start like an HTML document, whatever the server called them. The doctype
/// must name HTML: an SVG file has a doctype too.
fn sniffs_as_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let head = &head[start..];
    head.starts_with(b"<")
        && find_ci(head, b"<html")
            .or(find_ci(head, b"<!doctype html"))
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
