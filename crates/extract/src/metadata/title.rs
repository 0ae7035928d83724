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
    /// Texts of its first `<h2>` elements, in order.
    pub(crate) h2: Vec<String>,
    /// Texts of its first `<h3>` elements, in order.
    pub(crate) h3: Vec<String>,
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
    let title = clues.title_tag.map(squash).unwrap_or_default();
    // A blog's logo is often its <h1>, on every page: the site's name, or one word that
    // ends the <title> after a separator ("zenhabits" in "» Create a Community :zenhabits").
    let title_parts = split(&title);
    let logo = |h: &str| {
        is_site_name(h, clues)
            || !h.contains(' ')
                && title_parts.len() >= 2
                && title_parts.last().is_some_and(|l| l.eq_ignore_ascii_case(h))
    };
    let h1: Vec<String> =
        clues.h1.iter().map(|h| squash(h)).filter(|h| !h.is_empty() && !logo(h)).collect();
    let mut candidates = [clues.open_graph, clues.json_ld].into_iter().flatten().map(squash);
    // og:title is sometimes just the site's name.
    if let Some(raw) = candidates.find(|c| !c.is_empty() && !is_site_name(c, clues)) {
        return clean(&raw, clues, &h1, false);
    }
    // Blogger titles its pages "Blog name: Post title", with the blog's name as the <h1>
    // and the post's title in a heading below it: a title that starts with an <h1> and a
    // colon, and goes on with the text of another heading, names that heading.
    if let Some((site, rest)) = title.split_once(": ")
        && clues.h1.iter().any(|h| squash(h).eq_ignore_ascii_case(site.trim()))
        && let Some(h) = clues
            .h2
            .iter()
            .chain(&clues.h3)
            .map(|h| squash(h))
            .find(|h| h.eq_ignore_ascii_case(rest.trim()))
    {
        return h;
    }
    // An <h1> that the <title> contains is the headline. Otherwise an <h1> that shares a
    // word with the <title> (or stands alone) is, unless it is the site's logo.
    if let Some(h) = h1.iter().find(|h| !title.is_empty() && title.contains(h.as_str())) {
        return h.clone();
    }
    // Failing that, the post's title is the <h2> that the <title> contains (the longest:
    // the logo may be an <h2> too). Beside an <h1> the <title> does not contain (a logo,
    // or a subheading set as <h1> inside the post) it must be most of the <title>, not a
    // section name.
    if let Some(h) = clues
        .h2
        .iter()
        .map(|h| squash(h))
        .filter(|h| h.contains(' ') && title.contains(h.as_str()) && !is_site_name(h, clues))
        .filter(|h| h1.is_empty() || h.len() * 2 >= title.len())
        .max_by_key(String::len)
    {
        return h;
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

/// The parts of a title between separators (as slices of `raw`). A colon set against
/// the next word (" :site") separates too, and a separator at either end of the title
/// ("» Headline") is dropped.
fn split(raw: &str) -> Vec<&str> {
    let mut parts = vec![raw];
    for sep in SEPARATORS {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    parts = parts.into_iter().flat_map(split_tight_colon).collect();
    parts.into_iter().map(trim_separators).filter(|p| !p.is_empty()).collect()
}

/// Splits at " :" followed by a non-space ("Headline :site"). French sets a colon apart
/// on both sides ("Le maire : « … »"), and that stays.
fn split_tight_colon(part: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = part;
    while let Some(i) = rest.find(" :") {
        let after = &rest[i + 2..];
        if after.starts_with(|c: char| c.is_whitespace() || c == ':') || after.is_empty() {
            break;
        }
        out.push(&rest[..i]);
        rest = after;
    }
    out.push(rest);
    out
}

/// A part without a separator left at either end ("» Headline", "Headline |").
fn trim_separators(part: &str) -> &str {
    // "»" leads a title as a separator but ends a French quotation.
    const MARKS: &[char] = &['|', '-', '–', '—', ':', '·', '•', '/', '~'];
    let leading = |c: char| c == '»' || MARKS.contains(&c);
    let mut p = part.trim();
    if p.chars().all(leading) {
        return &p[p.len()..];
    }
    loop {
        let before = p;
        if let Some((first, rest)) = p.split_once(' ')
            && !first.is_empty()
            && first.chars().all(leading)
        {
            p = rest.trim_start();
        }
        if let Some((rest, last)) = p.rsplit_once(' ')
            && !last.is_empty()
            && last.chars().all(|c| MARKS.contains(&c))
        {
            p = rest.trim_end();
        }
        if p == before {
            return p;
        }
    }
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
    fn a_subheading_h1_does_not_beat_the_h2_the_title_names() {
        // The post's title is an <h2>; an <h1> further down is one of its subheadings.
        let mut c = clues(
            None,
            Some("Call your phone to start the camera | Gadget Blog"),
            &["How to start the camera by calling your phone"],
        );
        c.h2 = vec!["Call your phone to start the camera".into()];
        assert_eq!(pick(&c), "Call your phone to start the camera");
        // A section name in an <h2> is too small a part of the <title> to be the headline.
        c.h2 = vec!["Gadget news".into()];
        c.title_tag = Some("Call your phone to start the camera | Gadget news | Gadget Blog");
        assert_ne!(pick(&c), "Gadget news");
    }

    #[test]
    fn logo_h1_with_the_headline_in_an_h2() {
        // An old blog theme: the site's name in the <h1> on every page, the post's title
        // in an <h2>, and a <title> of the form "» Headline :site".
        let mut c =
            clues(None, Some("  \u{bb} Mending a Leaky Rowboat :driftwood"), &["driftwood"]);
        c.site_names.clear();
        c.host = Some("driftwood.example");
        c.h2 = vec!["Recent posts".into(), "Mending a Leaky Rowboat".into()];
        assert_eq!(pick(&c), "Mending a Leaky Rowboat");
        // Nothing tells the site's name from the host or the metadata: the one-word <h1>
        // inside a longer <title> is still the logo.
        c.host = Some("blog.example");
        assert_eq!(pick(&c), "Mending a Leaky Rowboat");
        // Without the <h2>, the <title> gives it.
        c.h2.clear();
        assert_eq!(pick(&c), "Mending a Leaky Rowboat");
        // A one-word headline is still a headline.
        let mut c = clues(None, Some("Adrift! | Harbor Gazette Weekend Edition"), &["Adrift!"]);
        c.site_names.clear();
        assert_eq!(pick(&c), "Adrift!");
        // The logo may be an <h2> too, above the post's.
        let mut c = clues(None, Some("Mending a Leaky Rowboat \u{ab} Driftwood Days"), &[]);
        c.site_names.clear();
        c.h2 = vec!["Driftwood Days".into(), "Mending a Leaky Rowboat".into()];
        assert_eq!(pick(&c), "Mending a Leaky Rowboat");
        // A headline <h1> wins over the <h2>s below it.
        let mut c = clues(
            None,
            Some("Bridge reopens after repairs | Harbor Gazette"),
            &["Bridge reopens after repairs"],
        );
        c.h2 = vec!["Harbor Gazette".into(), "What comes next".into()];
        assert_eq!(pick(&c), "Bridge reopens after repairs");
    }

    #[test]
    fn blogger_blog_name_colon_post_title() {
        // "Blog name: Post title", the blog's name as the <h1>, the post's title in an <h3>.
        let mut c =
            clues(None, Some("Hill Farm Diary: Garlic planted at last"), &["Hill Farm Diary"]);
        c.site_names.clear();
        c.h2 = vec!["Friday, October 5, 2012".into()];
        c.h3 = vec!["Garlic planted at last".into()];
        assert_eq!(pick(&c), "Garlic planted at last");
        // A headline with a colon in it, over a heading that is not the rest, stays whole.
        let mut c = clues(None, Some("Photo gallery: the flood"), &["Photo gallery: the flood"]);
        c.h3 = vec!["Most read".into()];
        assert_eq!(pick(&c), "Photo gallery: the flood");
    }

    #[test]
    fn title_separators_at_the_ends_and_tight_colons() {
        assert_eq!(split("» Headline here :site"), ["Headline here", "site"]);
        assert_eq!(split("Headline here |"), ["Headline here"]);
        assert_eq!(split("- – Headline"), ["Headline"]);
        // A French colon, set apart on both sides, is part of the headline.
        assert_eq!(
            split("Le maire : « Nous rouvrirons le pont »"),
            ["Le maire : « Nous rouvrirons le pont »"]
        );
        assert_eq!(split("Ratio 3 :1 wins"), ["Ratio 3", "1 wins"]);
        assert_eq!(split("Headline :"), ["Headline"]);
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
