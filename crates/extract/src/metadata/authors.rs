//! Author names: people only.
//!
//! Sources, first one with a usable name wins: JSON-LD `author` (people, not
//! organisations); `<meta>` author tags; byline elements (`rel=author`, `itemprop=author`,
//! byline classes, outside comments and author biographies); a "By …" line just above the
//! text; the feed entry's authors. Each raw string is cleaned of "By", job titles, e-mail addresses,
//! "Email the author", dates and outlet names, split on "and" and commas, and checked to
//! look like a person's name.

use crate::dom::Doc;

/// `<meta>` keys that name authors, in order.
const META_KEYS: &[&str] = &[
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "citation_author",
    "og:article:author",
];

/// Words that mark an organisation, a desk or a role, never a person's name.
const NOT_A_PERSON: &[&str] = &[
    "press",
    "news",
    "newsroom",
    "staff",
    "agency",
    "agencies",
    "reuters",
    "afp",
    "ap",
    "dpa",
    "upi",
    "team",
    "desk",
    "editors",
    "editorial",
    "editor",
    "reporter",
    "reporters",
    "writer",
    "writers",
    "correspondent",
    "columnist",
    "contributor",
    "contributors",
    "media",
    "times",
    "post",
    "daily",
    "magazine",
    "network",
    "tv",
    "radio",
    "online",
    "inc",
    "ltd",
    "llc",
    "group",
    "bureau",
    "service",
    "wire",
    "wires",
    "admin",
    "administrator",
    "webmaster",
    "guest",
    "sponsored",
    "partner",
    "content",
    "studio",
    "email",
    "author",
    "follow",
    "twitter",
    "facebook",
    "updated",
    "published",
    "view",
    "posts",
    "more",
    "read",
    "photo",
    "photos",
    "photographer",
    "video",
    "senior",
    "chief",
    "associate",
    "deputy",
    "managing",
    "political",
    "anonymous",
    "unknown",
    "journal",
    "herald",
    "tribune",
    "gazette",
    "channel",
    "name",
    "commented",
    "comments",
    "says",
    "said",
    "analysis",
    "opinion",
    "sport",
    "sports",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "ago",
    "min",
    "minutes",
    "hours",
    "share",
    "by",
    "about",
    "contact",
    "имя",
    "nombre",
    "nome",
    "autor",
    "redaktion",
    "redacción",
    "redação",
    "rédaction",
    "redazione",
];

/// Prefixes that introduce a byline.
const BY: &[&str] = &[
    "by:",
    "by ",
    "written by ",
    "posted by ",
    "reported by ",
    "story by ",
    "words by ",
    "analysis by ",
    "opinion by ",
    "commentary by ",
    "interview by ",
    "text by ",
    "von ",
    "por ",
    "par ",
    "di ",
    "door ",
    "av ",
    "af ",
];

/// Picks the authors from the page's sources (each a list of raw strings, best source
/// first). `outlets` are names of the site, never authors.
pub(crate) fn pick(sources: &[Vec<String>], outlets: &[&str]) -> Vec<String> {
    for source in sources {
        let mut names: Vec<String> = Vec::new();
        for raw in source.iter().take(16) {
            for name in clean(raw, outlets) {
                if !names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                    names.push(name);
                }
            }
        }
        if !names.is_empty() {
            names.truncate(10);
            return names;
        }
    }
    Vec::new()
}

/// A "By …" line just above the article text, for pages that mark up no byline.
pub(crate) fn text_byline(doc: &Doc, first_block: Option<usize>) -> Vec<String> {
    let Some(first) = first_block else { return Vec::new() };
    doc.blocks[..first]
        .iter()
        .rev()
        .take(12)
        .map(|b| doc.block_text(b))
        .find(|t| t.len() < 100 && has_by_prefix(t))
        .map(|t| vec![t.to_owned()])
        .unwrap_or_default()
}

/// The raw strings of the `<meta>` author keys.
pub(crate) fn from_metas(metas: &[(String, String)]) -> Vec<String> {
    META_KEYS
        .iter()
        .flat_map(|k| metas.iter().filter(move |(key, _)| key == k).map(|(_, v)| v.clone()))
        .collect()
}

/// The people named in one raw author string.
pub(crate) fn clean(raw: &str, outlets: &[&str]) -> Vec<String> {
    let raw = raw.trim();
    if raw.len() > 300 || raw.starts_with("http") || raw.starts_with('@') && !raw.contains(' ') {
        return Vec::new();
    }
    // Cut at the first line break or pipe: what follows is a date or a role.
    let line =
        raw.split(['\n', '|', '•', '·']).map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let line = line.split(" - ").next().unwrap_or(line);
    let line = line.split(" – ").next().unwrap_or(line);
    let line = strip_by(line);
    let mut out = Vec::new();
    for part in split_names(line) {
        let name = tidy(part);
        if looks_like_person(&name, outlets) {
            out.push(name);
        }
    }
    out
}

/// True when a line starts like a byline ("By Jane Roe", "Von Katrin Vogel").
pub(crate) fn has_by_prefix(line: &str) -> bool {
    let lower = line.trim_start().to_lowercase();
    BY.iter().any(|p| lower.starts_with(p))
}

fn strip_by(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let lower = s.to_lowercase();
        match BY.iter().find(|p| lower.starts_with(*p)) {
            Some(p) => s = s.get(p.len()..).unwrap_or("").trim(),
            None => return s,
        }
    }
}

/// Splits "Jane Roe, John Doe and Ann Poe" into names.
fn split_names(s: &str) -> Vec<&str> {
    let mut parts = vec![s];
    for sep in [",", ";", " and ", " And ", " AND ", " & ", " und ", " y ", " et ", " e ", " with "]
    {
        parts = parts.into_iter().flat_map(|p| p.split(sep)).collect();
    }
    parts
}

/// Drops e-mail addresses, parentheses and stray punctuation; fixes ALL-CAPS names.
fn tidy(part: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut depth = 0usize;
    for w in part.split_whitespace() {
        if w.starts_with('(') || w.starts_with('[') {
            depth += 1;
        }
        let closes = w.ends_with(')') || w.ends_with(']');
        if depth == 0 && !w.contains('@') && !w.contains("://") {
            words.push(w);
        }
        if closes {
            depth = depth.saturating_sub(1);
        }
    }
    let name = words.join(" ");
    let name = strip_by(name.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '\''));
    let name = name.trim_end_matches('.').trim();
    // ALL-CAPS bylines are names shouted, except a lone short word: an acronym.
    let shouting = name.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)
        && name.chars().any(char::is_alphabetic)
        && (name.contains(' ') || name.chars().count() > 5);
    if shouting { title_case(name) } else { name.to_owned() }
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut out = String::new();
            let mut start = true;
            for c in w.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                start = c == '-' || c == '\'';
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One to five words of letters, not an organisation, not a date, not the outlet.
fn looks_like_person(name: &str, outlets: &[&str]) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || name.chars().count() < 3 || name.len() > 60 {
        return false;
    }
    if name.chars().any(|c| c.is_ascii_digit()) || !name.chars().any(char::is_alphabetic) {
        return false;
    }
    let key = |s: &str| {
        s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>()
    };
    let k = key(name);
    if outlets
        .iter()
        .map(|o| key(o))
        .any(|o| !o.is_empty() && (o == k || k.contains(&o) || o.contains(&k)))
    {
        return false;
    }
    for w in &words {
        let lw = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        if NOT_A_PERSON.contains(&lw.as_str())
            || lw.ends_with(".com")
            || lw.contains('.') && lw.len() > 4
        {
            return false;
        }
    }
    // A lone upper-case word is an acronym (CNN, AFP), and "The …" is not a person.
    if words.len() == 1 && name.chars().count() <= 5 && name.chars().all(|c| !c.is_lowercase()) {
        return false;
    }
    if words[0].eq_ignore_ascii_case("the") {
        return false;
    }
    // Every word capitalised, bar name particles ("de", "van", "bin").
    const PARTICLES: &[&str] = &[
        "de", "da", "das", "do", "dos", "del", "della", "di", "du", "la", "le", "van", "von",
        "der", "den", "ter", "ten", "bin", "ibn", "al", "el", "y", "e", "zu", "af", "av",
    ];
    if words
        .iter()
        .skip(1)
        .any(|w| w.chars().next().is_some_and(char::is_lowercase) && !PARTICLES.contains(w))
    {
        return false;
    }
    // In scripts with letter case, a name starts with a capital.
    let first = words[0].chars().next().unwrap_or(' ');
    !(first.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(raw: &str) -> Vec<String> {
        clean(raw, &["Harbor Gazette"])
    }

    #[test]
    fn bylines_are_cleaned_to_people() {
        assert_eq!(names("By Jane Roe and John Doe"), ["Jane Roe", "John Doe"]);
        assert_eq!(names("BY JANE ROE, Senior Reporter"), ["Jane Roe"]);
        assert_eq!(names("Jane Roe (jroe@example.test)"), ["Jane Roe"]);
        assert_eq!(names("Jane Roe | November 18, 2019"), ["Jane Roe"]);
        assert_eq!(names("Jane Roe jroe@example.test"), ["Jane Roe"]);
        assert_eq!(names("Email the author"), Vec::<String>::new());
        assert_eq!(names("Harbor Gazette Staff"), Vec::<String>::new());
        assert_eq!(names("Associated Press"), Vec::<String>::new());
        assert_eq!(names("https://www.facebook.com/janeroe"), Vec::<String>::new());
        assert_eq!(names("November 18, 2019"), Vec::<String>::new());
        assert_eq!(names("Por María José Pérez"), ["María José Pérez"]);
        assert_eq!(names("Analysis by Chris Roe"), ["Chris Roe"]);
        assert_eq!(names("Sandee Roe, CNN"), ["Sandee Roe"]);
        assert_eq!(names("Name"), Vec::<String>::new());
        assert_eq!(names("The Russian and Syrian defense ministries"), Vec::<String>::new());
    }

    #[test]
    fn first_source_with_a_person_wins_and_duplicates_go() {
        let sources = vec![
            vec!["Harbor Gazette".to_owned()],
            vec!["Jane Roe".to_owned(), "JANE ROE".to_owned(), "John Doe".to_owned()],
            vec!["Someone Else".to_owned()],
        ];
        assert_eq!(pick(&sources, &["Harbor Gazette"]), ["Jane Roe", "John Doe"]);
    }
}
