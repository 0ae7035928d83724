//! The headline, without the site name that `<title>` and often `og:title` carry
//! ("Bridge reopens | Harbor Gazette", "Harbor Gazette - Bridge reopens").

/// Everything the page offers as its title.
#[derive(Clone, Debug, Default)]
pub(crate) struct TitleClues<'a> {
    /// `og:title`, else `twitter:title`.
    pub(crate) open_graph: Option<&'a str>,
    /// JSON-LD `headline`.
    pub(crate) json_ld: Option<&'a str>,
    /// Texts of the page's `<h1>` elements, in order.
    pub(crate) h1: Vec<String>,
    /// `<title>`.
    pub(crate) title_tag: Option<&'a str>,
    /// Names the site goes by: `og:site_name`, `application-name`, the JSON-LD publisher,
    /// the outlet.
    pub(crate) site_names: Vec<&'a str>,
    /// The page's host name.
    pub(crate) host: Option<&'a str>,
}

/// Separators between a headline and a site or section name.
const SEPARATORS: &[&str] =
    &[" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " // ", " ~ "];

/// The page's headline, or an empty string.
pub(crate) fn pick(clues: &TitleClues<'_>) -> String {
    let h1: Vec<String> = clues.h1.iter().map(|h| squash(h)).filter(|h| !h.is_empty()).collect();
    let mut candidates = [clues.open_graph, clues.json_ld].into_iter().flatten().map(squash);
    // og:title is sometimes just the site's name.
    if let Some(raw) = candidates.find(|c| !c.is_empty() && !is_site_name(c, clues)) {
        return clean(&raw, clues, &h1, false);
    }
    // An <h1> that the <title> contains is the headline. Otherwise an <h1> that shares a
    // word with the <title> (or stands alone) is, unless it is the site's logo.
    let title = clues.title_tag.map(squash).unwrap_or_default();
    if let Some(h) = h1.iter().find(|h| !title.is_empty() && title.contains(h.as_str())) {
        return h.clone();
    }
    let related = |h: &str| {
        title.is_empty()
            || h.split_whitespace().any(|w| w.chars().count() >= 3 && title.contains(w))
    };
    if let Some(h) = h1
        .iter()
        .find(|h| !is_site_name(h, clues) && h.split_whitespace().count() >= 2 && related(h))
    {
        return h.clone();
    }
    if title.is_empty() { String::new() } else { clean(&title, clues, &h1, true) }
}

/// Strips site-name parts from a title. `loose` (for `<title>`): with no known site name, a
/// short last part after a separator is taken for one.
fn clean(raw: &str, clues: &TitleClues<'_>, h1: &[String], loose: bool) -> String {
    let parts = split(raw);
    if parts.len() == 1 {
        return raw.to_owned();
    }
    // A part equal to the page's <h1> is the headline.
    if let Some(p) = parts.iter().find(|p| h1.iter().any(|h| h.eq_ignore_ascii_case(p))) {
        return (*p).to_owned();
    }
    let mut parts = parts;
    while parts.len() > 1 && is_site_name(parts[parts.len() - 1], clues) {
        parts.pop();
    }
    while parts.len() > 1 && is_site_name(parts[0], clues) {
        parts.remove(0);
    }
    if loose && parts.len() > 1 {
        let last = parts[parts.len() - 1];
        let rest: usize = parts[..parts.len() - 1].iter().map(|p| p.len()).sum();
        if last.split_whitespace().count() <= 4 && last.len() * 2 < rest {
            parts.pop();
        }
    }
    rejoin(raw, &parts)
}

/// The parts of a title between separators (as slices of `raw`).
fn split(raw: &str) -> Vec<&str> {
    let mut parts = vec![raw];
    for sep in SEPARATORS {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// The span of `raw` from the first to the last kept part, so separators inside the
/// headline itself survive.
fn rejoin(raw: &str, parts: &[&str]) -> String {
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return raw.to_owned();
    };
    let start = first.as_ptr() as usize - raw.as_ptr() as usize;
    let end = last.as_ptr() as usize - raw.as_ptr() as usize + last.len();
    raw.get(start..end).unwrap_or(raw).trim().to_owned()
}

/// Lower-case letters and digits only.
fn key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// True when `part` names the site: one of its names, or its host ("NYTimes.com",
/// "LA Times" for latimes.com).
fn is_site_name(part: &str, clues: &TitleClues<'_>) -> bool {
    let k = key(part);
    if k.is_empty() {
        return false;
    }
    if clues.site_names.iter().map(|n| key(n)).any(|n| {
        !n.is_empty() && (n == k || n.len() >= 4 && k.starts_with(&n) && k.len() <= n.len() + 4)
    }) {
        return true;
    }
    if let Some(host) = clues.host {
        let host = host.trim_start_matches("www.");
        let label = host.split('.').next().unwrap_or(host);
        let host_key = key(host);
        if k == host_key || k == key(label) {
            return true;
        }
    }
    false
}

/// Whitespace collapsed and HTML entities decoded ([`chorus_text::decode_entities`]):
/// JSON-LD and attribute values sometimes carry them still encoded.
pub(crate) fn squash(s: &str) -> String {
    chorus_text::decode_entities(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clues<'a>(og: Option<&'a str>, title: Option<&'a str>, h1: &[&str]) -> TitleClues<'a> {
        TitleClues {
            open_graph: og,
            title_tag: title,
            h1: h1.iter().map(|s| s.to_string()).collect(),
            site_names: vec!["Harbor Gazette"],
            host: Some("www.harborgazette.test"),
            ..TitleClues::default()
        }
    }

    #[test]
    fn site_names_are_removed_from_either_end() {
        assert_eq!(
            pick(&clues(Some("Bridge reopens | Harbor Gazette"), None, &[])),
            "Bridge reopens"
        );
        assert_eq!(
            pick(&clues(Some("Harbor Gazette - Bridge reopens"), None, &[])),
            "Bridge reopens"
        );
        assert_eq!(
            pick(&clues(Some("Bridge reopens – HarborGazette.test"), None, &[])),
            "Bridge reopens"
        );
        assert_eq!(
            pick(&clues(None, Some("Bridge reopens | World | Harbor Gazette"), &[])),
            "Bridge reopens"
        );
    }

    #[test]
    fn headline_dashes_survive() {
        assert_eq!(
            pick(&clues(Some("Mayor - who took office in May - opens bridge"), None, &[])),
            "Mayor - who took office in May - opens bridge"
        );
    }

    #[test]
    fn h1_settles_unknown_site_names() {
        let mut c = clues(
            None,
            Some("Bridge reopens after repairs - The Daily Planet"),
            &["Bridge reopens after repairs"],
        );
        c.site_names.clear();
        assert_eq!(pick(&c), "Bridge reopens after repairs");
        let c = clues(None, Some("Bridge reopens after two years of repairs - Daily Planet"), &[]);
        assert_eq!(pick(&c), "Bridge reopens after two years of repairs");
    }

    #[test]
    fn logo_h1_is_not_the_headline() {
        let mut c =
            clues(None, Some("Bridge reopens after repairs - Gazette"), &["Harbor News Network"]);
        c.site_names.clear();
        assert_eq!(pick(&c), "Bridge reopens after repairs");
        let c = clues(Some("Harbor Gazette"), Some("Bridge reopens after repairs"), &[]);
        assert_eq!(pick(&c), "Bridge reopens after repairs");
    }

    #[test]
    fn entities_and_spaces_are_cleaned() {
        assert_eq!(
            squash("  Rock &amp; roll&#8217;s   &#x201C;return&#x201D; "),
            "Rock & roll’s “return”"
        );
        assert_eq!(squash("AT&T"), "AT&T");
        assert_eq!(squash("a&#0;b&#xD800;c&#x110000;d"), "a\u{fffd}b\u{fffd}c\u{fffd}d");
    }
}
