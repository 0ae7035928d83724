//! Pages kept for later: the body compressed with zstd, beside what extraction read.
//!
//! [`keep`] runs in the extract stage, on the same blocking thread that extracted the
//! page, so the store's single writer thread only copies bytes. [`restore`] turns a kept
//! page back into the [`RawPage`] it came from, for `chorus reextract`.

use chorus_model::{FeedEntry, KeptPage, RawPage};

use crate::ExtractError;

/// The zstd level pages are kept at. Measured on the 80 real pages of the extraction
/// dev set (`cargo run --release -p chorus-extract --example raw_size`): level 3 keeps
/// pages at about a fifth of their size; higher levels gain a few percent for several
/// times the CPU (see ARCHITECTURE.md, "Raw pages").
pub const KEEP_LEVEL: i32 = 3;

/// The largest body [`restore`] will inflate, whatever a stored frame claims: far above
/// `extract.max_html_bytes`, so that a damaged or hand-made row cannot take all memory.
const MAX_RESTORED_BYTES: usize = 256 * 1024 * 1024;

/// Compresses `page` for the store at `level` (see [`KEEP_LEVEL`]). The feed entry is
/// kept without its summary, which extraction never reads.
pub fn keep(page: &RawPage, level: i32) -> KeptPage {
    let entry = page.entry.as_ref().map(|e| FeedEntry { summary: None, ..e.clone() });
    KeptPage {
        url: page.url.clone(),
        final_url: page.final_url.clone(),
        fetched_at: page.fetched_at,
        content_type: page.content_type.clone(),
        headers: page.headers.clone(),
        entry,
        body_len: page.body.len() as u64,
        // Compressing from memory into memory fails only when memory does.
        body_zstd: zstd::bulk::compress(&page.body, level)
            .expect("zstd compresses any bytes held in memory"),
    }
}

/// The page `kept` was made from, for the outlet `outlet` (stored with its article): the
/// body inflated and checked against the size recorded when it was kept.
pub fn restore(kept: &KeptPage, outlet: &str) -> Result<RawPage, ExtractError> {
    let limit = usize::try_from(kept.body_len).unwrap_or(usize::MAX).min(MAX_RESTORED_BYTES);
    let body = zstd::bulk::decompress(&kept.body_zstd, limit).map_err(|e| {
        ExtractError::Damaged { url: kept.final_url.to_string(), detail: e.to_string() }
    })?;
    if body.len() as u64 != kept.body_len {
        return Err(ExtractError::Damaged {
            url: kept.final_url.to_string(),
            detail: format!("{} bytes inflated, {} recorded", body.len(), kept.body_len),
        });
    }
    Ok(RawPage {
        url: kept.url.clone(),
        final_url: kept.final_url.clone(),
        outlet: outlet.to_owned(),
        fetched_at: kept.fetched_at,
        content_type: kept.content_type.clone(),
        headers: kept.headers.clone(),
        body,
        entry: kept.entry.clone(),
        ticket: None,
    })
}

#[cfg(test)]
mod tests {
    use chorus_model::PageHeaders;
    use chrono::{TimeZone, Utc};

    use super::*;

    fn page(body: &[u8]) -> RawPage {
        let url: url::Url = "https://example.test/a".parse().unwrap();
        RawPage {
            url: url.clone(),
            final_url: "https://example.test/b".parse().unwrap(),
            outlet: "Gazette".into(),
            fetched_at: Utc.with_ymd_and_hms(2025, 9, 4, 12, 0, 0).unwrap(),
            content_type: Some("text/html; charset=utf-8".into()),
            headers: PageHeaders {
                status: Some(200),
                etag: Some("\"v1\"".into()),
                last_modified: None,
            },
            body: body.to_vec(),
            entry: Some(FeedEntry {
                url,
                title: Some("T".into()),
                published: None,
                summary: Some("<p>long summary</p>".into()),
                authors: vec![],
            }),
            ticket: None,
        }
    }

    #[test]
    fn a_kept_page_restores_to_the_page_without_its_feed_summary() {
        let body = "<html><p>Bridge reopens.</p></html>".repeat(200);
        let original = page(body.as_bytes());
        let kept = keep(&original, KEEP_LEVEL);
        assert!(kept.body_zstd.len() < body.len() / 10, "repetitive HTML compresses");
        let back = restore(&kept, "Gazette").unwrap();
        let mut expected = original;
        expected.entry.as_mut().unwrap().summary = None;
        assert_eq!(back, expected);
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let mut kept = keep(&page(b"<p>x</p>"), KEEP_LEVEL);
        kept.body_zstd = b"not zstd".to_vec();
        assert!(matches!(restore(&kept, "G"), Err(ExtractError::Damaged { .. })));
        let mut short = keep(&page(b"<p>some text here</p>"), KEEP_LEVEL);
        short.body_len = 3;
        assert!(restore(&short, "G").is_err(), "a frame larger than recorded is refused");
    }
}
