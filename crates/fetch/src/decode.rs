//! Feed bytes to UTF-8 text, whatever they were written in.
//!
//! The encoding is taken, in this order, from a byte order mark, the HTTP `charset`, the
//! XML declaration's `encoding`, and last from the bytes themselves: UTF-8 when they read
//! as UTF-8, else windows-1252, which is what browsers assume for undeclared Western text
//! (and what `ISO-8859-1` labels mean on the web). The declaration is removed from the
//! text, since it no longer describes it.
//!
//! Two lies are common enough to be caught. A label other than UTF-8 over bytes that are
//! valid UTF-8 with non-ASCII characters in them (a server's default charset, a CMS
//! template's prolog) is taken to be wrong, since real text in a single-byte or East Asian
//! encoding almost never reads as UTF-8. And a UTF-8 label over bytes that are mostly not
//! UTF-8 (a windows-1252 body under a UTF-8 template) is read as windows-1252.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Where the encoding was found; for tests and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// A byte order mark.
    Bom,
    /// The `charset` parameter of the HTTP `Content-Type`.
    Http,
    /// The XML declaration (or the UTF-16 pattern of its first characters).
    Declaration,
    /// Nothing said, or what was said was wrong: read from the bytes.
    Sniffed,
}

/// A body as text, with the encoding it was read in.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// The text, without byte order mark or XML declaration.
    pub(crate) text: String,
    /// The encoding used.
    pub(crate) encoding: &'static Encoding,
    /// Why that one.
    pub(crate) source: Source,
}

/// Decodes `body`, using the `charset` of `content_type` if there is one.
pub(crate) fn decode(body: &[u8], content_type: Option<&str>) -> Decoded {
    let (encoding, source, skip) = choose(body, content_type);
    let (text, _) = encoding.decode_without_bom_handling(&body[skip..]);
    Decoded { text: strip_declaration(&text).to_owned(), encoding, source }
}

fn choose(body: &[u8], content_type: Option<&str>) -> (&'static Encoding, Source, usize) {
    if let Some((encoding, len)) = Encoding::for_bom(body) {
        return (encoding, Source::Bom, len);
    }
    if let Some(encoding) = content_type.and_then(http_charset) {
        let (encoding, source) = checked(encoding, body, Source::Http);
        return (encoding, source, 0);
    }
    // Without a BOM, UTF-16 still shows in the first characters of `<?xml`.
    if body.starts_with(b"<\0?\0") {
        return (UTF_16LE, Source::Declaration, 0);
    }
    if body.starts_with(b"\0<\0?") {
        return (UTF_16BE, Source::Declaration, 0);
    }
    if let Some(encoding) = declared(body) {
        let (encoding, source) = checked(encoding, body, Source::Declaration);
        return (encoding, source, 0);
    }
    (sniff(body), Source::Sniffed, 0)
}

/// A label's encoding, unless the bytes show it to be wrong.
fn checked(label: &'static Encoding, body: &[u8], said: Source) -> (&'static Encoding, Source) {
    if label == UTF_16LE || label == UTF_16BE {
        // A UTF-16 body starts with `<` and a zero byte; a UTF-16 label on an
        // ASCII-compatible body means UTF-8 (the encoding standard reads it so).
        return match body {
            [b'<', 0, ..] => (UTF_16LE, said),
            [0, b'<', ..] => (UTF_16BE, said),
            _ => (sniff(body), Source::Sniffed),
        };
    }
    if label == UTF_8 {
        let sniffed = sniff(body);
        return (sniffed, if sniffed == UTF_8 { said } else { Source::Sniffed });
    }
    match utf8_shape(body) {
        Utf8::Valid { multibyte: true } => (UTF_8, Source::Sniffed),
        _ => (label, said),
    }
}

/// UTF-8 if the bytes read as UTF-8 (a body cut mid-character still does), else
/// windows-1252.
fn sniff(body: &[u8]) -> &'static Encoding {
    match utf8_shape(body) {
        Utf8::Valid { .. } => UTF_8,
        Utf8::Invalid { multibyte, invalid } if multibyte > invalid => UTF_8,
        Utf8::Invalid { .. } => WINDOWS_1252,
    }
}

enum Utf8 {
    Valid {
        multibyte: bool,
    },
    /// How many well-formed multi-byte sequences and how many errors.
    Invalid {
        multibyte: usize,
        invalid: usize,
    },
}

fn utf8_shape(body: &[u8]) -> Utf8 {
    let mut rest = body;
    let mut multibyte = 0;
    let mut invalid = 0;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let good = &rest[..e.valid_up_to()];
                // Checked above: this prefix is UTF-8.
                multibyte +=
                    String::from_utf8_lossy(good).chars().filter(|c| !c.is_ascii()).count();
                match e.error_len() {
                    Some(n) => {
                        invalid += 1;
                        rest = &rest[e.valid_up_to() + n..];
                    }
                    // A sequence cut by the end of the body: a capped download.
                    None => break,
                }
            }
        }
    }
    if invalid == 0 {
        Utf8::Valid { multibyte: multibyte > 0 }
    } else {
        Utf8::Invalid { multibyte, invalid }
    }
}

/// The encoding named by a `Content-Type`'s `charset` parameter, if it names one.
fn http_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(value.trim().trim_matches(['"', '\'']).as_bytes())
    })
}

/// The encoding named in an XML declaration at the start of `body`, read as ASCII.
fn declared(body: &[u8]) -> Option<&'static Encoding> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &body[start..body.len().min(start + 1024)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = find(head, b"?>")?;
    let decl = &head[..end];
    let at = find(decl, b"encoding")? + b"encoding".len();
    let rest = decl[at..].trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
    let quote = *rest.first().filter(|q| matches!(q, b'"' | b'\''))?;
    let value = &rest[1..];
    let value = &value[..value.iter().position(|&b| b == quote)?];
    Encoding::for_label(value)
}

/// The text without an XML declaration (and without the whitespace or BOM before it),
/// since the text is no longer in the encoding it names.
fn strip_declaration(text: &str) -> &str {
    let trimmed = text.trim_start_matches(|c: char| c == '\u{feff}' || c.is_ascii_whitespace());
    match trimmed.strip_prefix("<?xml") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '?') => {
            rest.find("?>").map_or(text, |end| &rest[end + 2..])
        }
        _ => trimmed,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latin1(s: &str) -> Vec<u8> {
        s.chars().map(|c| u8::try_from(u32::from(c)).expect("latin-1")).collect()
    }

    #[test]
    fn undeclared_latin1_falls_back_to_windows_1252() {
        let body =
            latin1("<rss><title>Café à Paris – €</title></rss>".replace(['–', '€'], "-").as_str());
        let d = decode(&body, None);
        assert_eq!((d.encoding, d.source), (WINDOWS_1252, Source::Sniffed));
        assert_eq!(d.text, "<rss><title>Café à Paris - -</title></rss>");
        // The bytes 0x80-0x9F are windows-1252's, not control characters.
        assert_eq!(
            decode(b"<t>\x80 \x93q\x94</t>", None).text,
            "<t>\u{20ac} \u{201c}q\u{201d}</t>"
        );
    }

    #[test]
    fn undeclared_utf8_stays_utf8_even_when_cut_mid_character() {
        let body = "<t>Größe é</t>".as_bytes();
        assert_eq!(decode(body, None).encoding, UTF_8);
        let cut = &body[..body.len() - 6];
        let d = decode(cut, None);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.starts_with("<t>Größe "), "{}", d.text);
    }

    #[test]
    fn utf8_prolog_over_windows_1252_bytes_is_read_as_windows_1252() {
        let mut body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<t>".to_vec();
        body.extend(latin1("Les élèves ont déjà vu ça"));
        body.extend(b"</t>");
        let d = decode(&body, None);
        assert_eq!((d.encoding, d.source), (WINDOWS_1252, Source::Sniffed));
        assert_eq!(d.text, "\n<t>Les élèves ont déjà vu ça</t>");
    }

    #[test]
    fn a_stray_byte_in_utf8_text_costs_one_character() {
        let mut body = "<t>Straße, Größe, Ärger \u{2014} \u{201c}x\u{201d}</t>".as_bytes().to_vec();
        body.push(0x85);
        let d = decode(&body, None);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains("Straße, Größe, Ärger"));
    }

    #[test]
    fn the_bom_wins_over_the_declaration() {
        let mut body = b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>".to_vec();
        body.extend("Zürich".as_bytes());
        body.extend(b"</t>");
        let d = decode(&body, Some("text/xml; charset=windows-1251"));
        assert_eq!((d.encoding, d.source), (UTF_8, Source::Bom));
        assert_eq!(d.text, "<t>Zürich</t>");
    }

    #[test]
    fn utf16_with_bom_or_by_its_pattern() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><t>日本 é</t>";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (body, encoding, source) in [
            ([&[0xFF, 0xFE][..], &le].concat(), UTF_16LE, Source::Bom),
            ([&[0xFE, 0xFF][..], &be].concat(), UTF_16BE, Source::Bom),
            (le.clone(), UTF_16LE, Source::Declaration),
            (be.clone(), UTF_16BE, Source::Declaration),
        ] {
            let d = decode(&body, None);
            assert_eq!((d.encoding, d.source), (encoding, source));
            assert_eq!(d.text, "<t>日本 é</t>");
        }
    }

    #[test]
    fn a_utf16_label_on_ascii_bytes_means_utf8() {
        let d = decode("<?xml version='1.0' encoding='utf-16'?><t>é</t>".as_bytes(), None);
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.text, "<t>é</t>");
    }

    #[test]
    fn http_charset_wins_over_the_declaration() {
        let mut body = b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><t>".to_vec();
        body.extend(latin1("café"));
        body.extend(b"</t>");
        let d = decode(&body, Some("application/rss+xml; Charset=\"ISO-8859-1\""));
        assert_eq!((d.encoding, d.source), (WINDOWS_1252, Source::Http));
        assert_eq!(d.text, "<t>café</t>");
        // Without it, the declaration is used.
        let d = decode(&body, Some("application/rss+xml"));
        assert_eq!((d.encoding, d.source), (encoding_rs::WINDOWS_1251, Source::Declaration));
    }

    #[test]
    fn a_declared_legacy_encoding_is_used() {
        let mut body = b"<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><t>".to_vec();
        body.extend([0xA4, b' ', 0xE9]);
        body.extend(b"</t>");
        let d = decode(&body, None);
        assert_eq!(d.source, Source::Declaration);
        assert_eq!(d.text, "<t>\u{20ac} é</t>");
    }

    #[test]
    fn a_wrong_legacy_label_over_utf8_text_is_overruled() {
        let body = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>Zürich – “x”</t>".as_bytes();
        let d = decode(body, Some("text/xml; charset=iso-8859-1"));
        assert_eq!((d.encoding, d.source), (UTF_8, Source::Sniffed));
        assert_eq!(d.text, "<t>Zürich – “x”</t>");
        // ASCII bytes give no reason to doubt the label.
        assert_eq!(decode(b"<t>x</t>", Some("text/xml; charset=latin1")).source, Source::Http);
    }

    #[test]
    fn unknown_labels_are_ignored() {
        let d = decode(
            b"<?xml version=\"1.0\" encoding=\"x-nonsense\"?><t>a</t>",
            Some("text/xml; charset=bogus"),
        );
        assert_eq!((d.encoding, d.source), (UTF_8, Source::Sniffed));
        assert_eq!(d.text, "<t>a</t>");
    }
}
