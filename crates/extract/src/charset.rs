//! Bytes to text: which character encoding a page is in.
//!
//! In order: a byte-order mark; the HTTP `Content-Type` charset; a `<meta charset>` or
//! `http-equiv` declaration near the top of the page; valid UTF-8; and last a statistical
//! guess (chardetng) on a sample of the page. A declared label is checked against the
//! bytes before it is trusted: pages that say UTF-8 but are Windows-1252, and pages that
//! say Latin-1 but are UTF-8, are both common, and one look at the bytes tells them apart.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How far into the page to look for a `<meta>` charset declaration. The HTML standard
/// says 1024 bytes; real pages put kilobytes of inline scripts and styles first.
const PRESCAN_BYTES: usize = 16 * 1024;

/// How much text (from the first non-ASCII byte) the statistical guess reads. Guessing
/// is slower than parsing, and 8 KB of non-ASCII text settles it.
const SNIFF_BYTES: usize = 8 * 1024;

/// Decodes a page. `content_type` is the HTTP header, `tld` the page host's top-level
/// domain (it helps the guess between, say, Windows-1251 and KOI8-R).
pub(crate) fn decode<'a>(
    bytes: &'a [u8],
    content_type: Option<&str>,
    tld: Option<&str>,
) -> Cow<'a, str> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc.decode_without_bom_handling(&bytes[bom_len..]).0;
    }
    let declared = content_type.and_then(charset_param).and_then(label).or_else(|| prescan(bytes));
    // Fast path, most of the web: valid UTF-8. With a legacy label, non-ASCII bytes that
    // form valid UTF-8 mean the label is stale (legacy text almost never does by chance);
    // pure ASCII reads the same either way.
    if let Ok(s) = std::str::from_utf8(bytes)
        && declared.is_none_or(|d| d == UTF_8 || d.is_ascii_compatible())
    {
        return Cow::Borrowed(s);
    }
    let utf8 = utf8_evidence(bytes);
    let enc = match declared {
        // Declared UTF-8 and mostly well-formed: the stray bad bytes are the page's own
        // damage (a pasted fragment, a half-escaped character), not another encoding;
        // Windows-1252 text almost never forms a valid UTF-8 sequence at all.
        Some(enc) if enc == UTF_8 && utf8.multibyte > utf8.invalid => UTF_8,
        Some(enc) if enc == UTF_8 || enc.is_ascii_compatible() && utf8.invalid == 0 => {
            if utf8.plausible() { UTF_8 } else { guess(bytes, tld) }
        }
        Some(enc) => enc,
        None => {
            if utf8.plausible() {
                UTF_8
            } else {
                guess(bytes, tld)
            }
        }
    };
    if enc == UTF_8 {
        return String::from_utf8_lossy(bytes);
    }
    enc.decode_without_bom_handling(bytes).0
}

/// The encoding that `label` names, with the HTML standard's substitutions for labels a
/// page cannot honestly declare about itself.
fn label(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().trim_matches(['"', '\'']).as_bytes())?;
    if enc == UTF_16LE || enc == UTF_16BE {
        // Text that was read as ASCII to find this label cannot be UTF-16.
        return Some(UTF_8);
    }
    if enc.name() == "x-user-defined" || enc.name() == "replacement" {
        return Some(WINDOWS_1252);
    }
    Some(enc)
}

/// The `charset` parameter of a `Content-Type` value.
pub(crate) fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().trim_matches(['"', '\'']))
    })
}

/// Looks for `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…charset=…">`.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let mut i = 0;
    while let Some(off) = find_ci(&head[i..], b"<meta") {
        let start = i + off + 5;
        let end = head[start..].iter().position(|&b| b == b'>').map_or(head.len(), |p| start + p);
        let tag = &head[start..end];
        if let Some(p) = find_ci(tag, b"charset") {
            let rest = &tag[p + 7..];
            let rest = trim_ascii_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_ascii_start(rest);
                let rest =
                    rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
                let len = rest
                    .iter()
                    .position(|&b| {
                        matches!(b, b'"' | b'\'' | b';' | b'/' | b'>') || b.is_ascii_whitespace()
                    })
                    .unwrap_or(rest.len());
                if let Some(enc) = std::str::from_utf8(&rest[..len]).ok().and_then(label) {
                    return Some(enc);
                }
            }
        }
        i = end.max(start);
        if i >= head.len() {
            break;
        }
    }
    None
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let n = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    &b[n..]
}

/// Case-insensitive search for an ASCII needle.
pub(crate) fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut from = 0;
    while from + needle.len() <= hay.len() {
        let i = from + memchr::memchr2(lo, up, &hay[from..hay.len() - rest.len()])?;
        if hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// How the bytes fare read as UTF-8.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Utf8Evidence {
    /// Well-formed multi-byte sequences.
    multibyte: usize,
    /// Malformed sequences (a sequence cut off by the end of the bytes is not counted:
    /// bodies are capped, and the cap can fall inside a character).
    invalid: usize,
}

impl Utf8Evidence {
    /// UTF-8, allowing a stray bad byte among many good characters (pages assembled from
    /// fragments sometimes carry one).
    fn plausible(self) -> bool {
        self.invalid == 0 || self.multibyte >= 20 * self.invalid
    }
}

fn utf8_evidence(bytes: &[u8]) -> Utf8Evidence {
    let mut ev = Utf8Evidence::default();
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                ev.multibyte += count_multibyte(s);
                return ev;
            }
            Err(e) => {
                let good = e.valid_up_to();
                // The prefix was just validated, so this cannot fail.
                ev.multibyte += std::str::from_utf8(&rest[..good]).map_or(0, count_multibyte);
                match e.error_len() {
                    Some(len) => {
                        ev.invalid += 1;
                        rest = &rest[good + len..];
                        // Many errors, more than good characters: no verdict (neither
                        // `plausible` nor a majority of good sequences) can change.
                        if ev.invalid > 64 && ev.multibyte < ev.invalid {
                            return ev;
                        }
                    }
                    None => return ev,
                }
            }
        }
    }
}

fn count_multibyte(s: &str) -> usize {
    if s.is_ascii() {
        return 0;
    }
    s.bytes().filter(|&b| b >= 0xC0).count()
}

/// Statistical guess on a sample starting at the first non-ASCII byte.
fn guess(bytes: &[u8], tld: Option<&str>) -> &'static Encoding {
    let Some(first) = bytes.iter().position(|&b| b >= 0x80) else {
        return UTF_8;
    };
    // Start at a line boundary a little before, so the detector sees whole words.
    let from = bytes[..first]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(first.saturating_sub(64), |p| p + 1);
    let sample = &bytes[from..bytes.len().min(from + SNIFF_BYTES)];
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    det.feed(sample, sample.len() == bytes.len() - from);
    let tld = tld.map(str::as_bytes).filter(|t| t.iter().all(u8::is_ascii_alphanumeric));
    det.guess(tld, Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latin1(s: &str) -> Vec<u8> {
        // Characters below U+0100 are their own Latin-1 byte.
        s.chars().map(|c| c as u32 as u8).collect()
    }

    #[test]
    fn latin1_with_meta_charset() {
        let mut page = b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>".to_vec();
        page.extend(latin1("Le café est fermé à Genève."));
        page.extend(b"</p></body></html>");
        assert!(decode(&page, None, None).contains("Le café est fermé à Genève."));
    }

    #[test]
    fn http_equiv_declaration() {
        let mut page =
            b"<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>".to_vec();
        page.extend(latin1("na\u{ef}ve fa\u{e7}ade"));
        assert!(decode(&page, None, None).contains("naïve façade"));
    }

    #[test]
    fn windows_1252_without_any_label() {
        let mut page = b"<html><body><p>".to_vec();
        page.extend(latin1(
            "Les \u{e9}l\u{e8}ves ont pr\u{e9}sent\u{e9} leurs r\u{e9}sultats \u{e0} la \
             r\u{e9}union du comit\u{e9}, o\u{f9} le pr\u{e9}sident a salu\u{e9} leur travail.",
        ));
        page.extend([0x93, b'O', b'k', 0x94]); // curly quotes in Windows-1252
        page.extend(b"</p></body></html>");
        let text = decode(&page, None, Some("fr"));
        assert!(text.contains("Les élèves ont présenté leurs résultats"), "{text}");
        assert!(text.contains("\u{201c}Ok\u{201d}"), "{text}");
    }

    #[test]
    fn shift_jis_with_http_charset() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("<p>東京で会議が開かれた。</p>");
        let text = decode(&bytes, Some("text/html; charset=Shift_JIS"), None);
        assert!(text.contains("東京で会議が開かれた。"));
    }

    #[test]
    fn shift_jis_unlabelled_is_guessed() {
        let body = "<p>東京都は十日、新しい防災計画を発表した。計画では、大規模な地震に備えて\
                    避難所の数を増やし、食料や水の備蓄を拡充する方針が示された。</p>";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(body);
        let text = decode(&bytes, None, Some("jp"));
        assert!(text.contains("新しい防災計画を発表した"), "{text}");
    }

    #[test]
    fn utf8_label_on_windows_1252_bytes_is_not_trusted() {
        let mut page = b"<html><head><meta charset=\"utf-8\"></head><body><p>".to_vec();
        page.extend(latin1(
            "Der B\u{fc}rgermeister er\u{f6}ffnete die Br\u{fc}cke \u{fc}ber den Fluss; \
             die Stra\u{df}e bleibt gesperrt, sagte er gegen\u{fc}ber Journalisten.",
        ));
        page.extend(b"</p></body></html>");
        let text = decode(&page, None, Some("de"));
        assert!(text.contains("Der Bürgermeister eröffnete die Brücke über den Fluss"), "{text}");
        assert!(text.contains("Straße"), "{text}");
    }

    #[test]
    fn utf8_label_on_mostly_good_utf8_with_damage_is_kept() {
        // A page in UTF-8 whose metadata carries half-escaped characters ("&acirc;" then
        // the raw continuation bytes): a quarter of its sequences are broken, the rest
        // are curly quotes in UTF-8. Read as Windows-1252, every quote would be garbled.
        let mut page = b"<meta charset=\"utf-8\"><meta name=description content=\"".to_vec();
        for _ in 0..4 {
            page.extend(b"NBC&acirc;\x80\x99s ");
        }
        page.extend(b"\"><p>");
        for _ in 0..6 {
            page.extend("NBC’s “new” sport — archery. ".as_bytes());
        }
        page.extend(b"</p>");
        let text = decode(&page, None, None);
        assert!(text.contains("NBC’s “new” sport — archery."), "{text}");
        assert!(!text.contains("â€"), "{text}");
    }

    #[test]
    fn latin1_label_on_utf8_bytes_is_not_trusted() {
        let page = "<meta charset=iso-8859-1><p>Zürich – “quoted”</p>".as_bytes();
        assert!(
            decode(page, Some("text/html; charset=ISO-8859-1"), None).contains("Zürich – “quoted”")
        );
    }

    #[test]
    fn bom_wins_over_labels() {
        let mut page = vec![0xEF, 0xBB, 0xBF];
        page.extend("<meta charset=windows-1252><p>Ça va</p>".as_bytes());
        let text = decode(&page, Some("text/html; charset=windows-1252"), None);
        assert!(text.starts_with("<meta"));
        assert!(text.contains("Ça va"));
        let (utf16, _, _) = (
            "\u{feff}<p>hé</p>".encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>(),
            0,
            0,
        );
        assert!(decode(&utf16, None, None).contains("<p>hé</p>"));
    }

    #[test]
    fn truncated_utf8_tail_is_still_utf8() {
        let mut page = "<p>Café crème à Paris, déjà vu.</p>".as_bytes().to_vec();
        page.extend(&"é".as_bytes()[..1]);
        assert!(decode(&page, None, None).contains("Café crème à Paris"));
    }

    #[test]
    fn charset_parameter_parsing() {
        assert_eq!(charset_param("text/html; charset=\"UTF-8\""), Some("UTF-8"));
        assert_eq!(charset_param("text/html;charset=euc-kr; q=1"), Some("euc-kr"));
        assert_eq!(charset_param("text/html"), None);
    }
}
