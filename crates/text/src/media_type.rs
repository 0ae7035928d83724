//! Which `Content-Type` values can label an HTML page.

/// False for types that cannot be a web page: images (SVG included: an `<svg>` document is
/// not a page), audio, video, fonts, 3D models, JSON of every kind (`application/json`,
/// `text/json`, `application/ld+json`), PDFs, archives and other binary `application/`
/// types. True for text types, HTML and XHTML, XML (`application/xml`, `…+xml`), and for a
/// missing or malformed value: servers mislabel pages often, and only the body can tell
/// what it really is. Parameters (`; charset=…`) and case are ignored.
///
/// ```
/// use chorus_text::may_be_html;
/// assert!(may_be_html("text/html; charset=utf-8"));
/// assert!(may_be_html("application/xhtml+xml"));
/// assert!(!may_be_html("image/svg+xml"));
/// assert!(!may_be_html("application/json"));
/// ```
pub fn may_be_html(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return true;
    };
    if subtype.ends_with("json") || matches!(kind, "image" | "audio" | "video" | "font" | "model") {
        return false;
    }
    kind == "text" || subtype.contains("html") || subtype == "xml" || subtype.ends_with("+xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_types() {
        for ok in [
            "text/html; charset=utf-8",
            "TEXT/HTML",
            "application/xhtml+xml",
            "text/plain",
            "",
            "html",
            "application/xml",
            "text/xml",
            "application/rss+xml",
        ] {
            assert!(may_be_html(ok), "{ok}");
        }
        for bad in
            ["image/png", "application/pdf", "image/svg+xml", "application/json", "video/mp4"]
        {
            assert!(!may_be_html(bad), "{bad}");
        }
    }

    /// Types the fetcher and the extractor used to judge differently.
    #[test]
    fn types_the_old_checks_disagreed_on() {
        // The extractor took anything naming XML.
        assert!(!may_be_html("image/svg+xml; charset=utf-8"));
        assert!(!may_be_html(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ));
        // Both took JSON labelled as text.
        assert!(!may_be_html("text/json"));
        assert!(!may_be_html("text/x-json"));
        assert!(!may_be_html("application/ld+json"));
        // The fetcher refused an HTML type under `application/`.
        assert!(may_be_html("application/html"));
        assert!(may_be_html("application/vnd.wap.xhtml+xml"));
        // The extractor refused a malformed value unless the body began like HTML; like a
        // missing one, it is let through for the body to decide.
        assert!(may_be_html("utf-8"));
        assert!(may_be_html("  ;charset=utf-8"));
    }
}
