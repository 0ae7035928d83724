//! robots.txt: reading the rules (RFC 9309, with Google's `Crawl-delay` reading) and
//! fetching them once per host.
//!
//! - The group for the user-agent token `chorus` applies when there is one (several such
//!   groups are merged), else the `*` group, else nothing is disallowed.
//! - Within a group, the longest matching `Allow`/`Disallow` pattern wins, and `Allow`
//!   wins a tie. `*` matches any run of characters and a final `$` anchors the end.
//! - `Crawl-delay` (seconds, fractions allowed) is kept from the chosen group.
//! - Lines that are not `key: value`, unknown keys and rules outside any group are
//!   ignored, as the RFC asks; nothing in a robots.txt can make parsing fail.

use std::time::Duration;

use url::Url;

/// The product token Chorus looks for in `User-agent` lines.
pub(crate) const AGENT: &str = "chorus";

/// The most of a robots.txt that is read (RFC 9309 asks crawlers to read at least
/// 500 KiB); the rest is ignored.
pub(crate) const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// Patterns longer than this are ignored: no real rule is that long, and matching cost
/// grows with the pattern.
const MAX_PATTERN_CHARS: usize = 2048;

/// The rules of one host for Chorus.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Robots {
    /// `(allow, pattern)`, patterns as written (percent-encoded where they were not).
    rules: Vec<(bool, String)>,
    /// The chosen group's `Crawl-delay`, uncapped.
    pub(crate) crawl_delay: Option<Duration>,
}

impl Robots {
    /// No rules: everything allowed (a missing robots.txt).
    pub(crate) fn allow_all() -> Robots {
        Robots::default()
    }

    /// Reads a robots.txt body for the user-agent token `agent`.
    pub(crate) fn parse(body: &[u8], agent: &str) -> Robots {
        let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
        let text = String::from_utf8_lossy(body);
        let mut ours = Robots::default();
        let mut star = Robots::default();
        let (mut found_ours, mut found_star) = (false, false);
        // The agents named by the group being read, and whether its rules have begun (a
        // `User-agent` line after a rule starts a new group).
        let (mut is_ours, mut is_star, mut in_rules) = (false, false, true);
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default();
            let Some((key, value)) = line.split_once(':') else { continue };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if in_rules {
                        (is_ours, is_star, in_rules) = (false, false, false);
                    }
                    let token = value.split(['/', ' ']).next().unwrap_or_default();
                    if token.eq_ignore_ascii_case(agent) {
                        is_ours = true;
                        found_ours = true;
                    } else if token == "*" {
                        is_star = true;
                        found_star = true;
                    }
                }
                "allow" | "disallow" | "crawl-delay" => {
                    in_rules = true;
                    for (wanted, group) in [(is_ours, &mut ours), (is_star, &mut star)] {
                        if wanted {
                            group.add(&key, value);
                        }
                    }
                }
                _ => {}
            }
        }
        match (found_ours, found_star) {
            (true, _) => ours,
            (false, true) => star,
            (false, false) => Robots::default(),
        }
    }

    fn add(&mut self, key: &str, value: &str) {
        match key {
            "crawl-delay" => {
                let secs = value.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0);
                if let Some(secs) = secs {
                    // Bounded here so that the conversion cannot overflow; the fetcher
                    // applies its own, much lower, cap.
                    self.crawl_delay = Some(Duration::from_secs_f64(secs.min(86_400.0)));
                }
            }
            // An empty `Disallow` disallows nothing; an empty `Allow` allows nothing more.
            _ if value.is_empty() || value.chars().count() > MAX_PATTERN_CHARS => {}
            _ => self.rules.push((key == "allow", encode(value))),
        }
    }

    /// Whether Chorus may fetch `url`: the longest matching rule decides, `Allow` winning
    /// a tie; no matching rule allows. `/robots.txt` itself is always allowed.
    pub(crate) fn allows(&self, url: &Url) -> bool {
        let mut target = url.path().to_owned();
        if target == "/robots.txt" {
            return true;
        }
        if let Some(query) = url.query() {
            target.push('?');
            target.push_str(query);
        }
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, &target) {
                let len = pattern.len();
                let better = match best {
                    None => true,
                    Some((best_len, best_allow)) => {
                        len > best_len || (len == best_len && *allow && !best_allow)
                    }
                };
                if better {
                    best = Some((len, *allow));
                }
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Percent-encodes what a URL path would have encoded (non-ASCII bytes, spaces), so a
/// pattern written with raw UTF-8 matches the encoded path it names.
fn encode(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// Whether `pattern` matches the start of `path` (or all of it, with a final `$`).
/// `*` matches any run of characters, including none.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let (p, s) = (pattern.as_bytes(), path.as_bytes());
    // Greedy matching with one backtrack point, the last `*` seen: linear in practice,
    // at worst the product of the two lengths, both bounded.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi == p.len() && (!anchored || si == s.len()) {
            return true;
        }
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && si < s.len() && eq_byte(p[pi], s[si]) {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star.filter(|&(_, ss)| ss < s.len()) {
            star = Some((sp, ss + 1));
            pi = sp + 1;
            si = ss + 1;
        } else {
            return false;
        }
    }
}

/// Bytes compare exactly, except that the hex digits of percent-escapes compare without
/// case (`%2f` and `%2F` are the same escape). Comparing every hex letter without case is
/// a slight over-match outside escapes, accepted for simplicity.
fn eq_byte(a: u8, b: u8) -> bool {
    a == b || (a.is_ascii_hexdigit() && b.is_ascii_hexdigit() && a.eq_ignore_ascii_case(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(robots: &str, path: &str) -> bool {
        let url = Url::parse(&format!("http://a.test{path}")).unwrap();
        Robots::parse(robots.as_bytes(), AGENT).allows(&url)
    }

    #[test]
    fn no_rules_allow_everything() {
        assert!(allows("", "/x"));
        assert!(allows("User-agent: other\nDisallow: /", "/x"));
        assert!(allows("User-agent: *\nDisallow:", "/x"));
    }

    #[test]
    fn our_group_wins_over_the_star_group() {
        let robots = "User-agent: *\nDisallow: /\n\nUser-agent: Chorus/1.0\nDisallow: /private\n";
        assert!(allows(robots, "/news/a"));
        assert!(!allows(robots, "/private/a"));
        let star_only = "User-agent: *\nDisallow: /private\n";
        assert!(!allows(star_only, "/private"));
        assert!(allows(star_only, "/public"));
    }

    #[test]
    fn agents_listed_together_share_a_group_and_groups_for_us_merge() {
        let robots = "User-agent: other\nUser-agent: chorus\nDisallow: /a\n\n\
                      User-agent: chorus\nDisallow: /b\n";
        assert!(!allows(robots, "/a/1"));
        assert!(!allows(robots, "/b/1"));
        assert!(allows(robots, "/c/1"));
    }

    #[test]
    fn longest_match_decides_and_allow_wins_a_tie() {
        let robots = "User-agent: *\nDisallow: /news/\nAllow: /news/public/\n";
        assert!(!allows(robots, "/news/secret"));
        assert!(allows(robots, "/news/public/story"));
        let tie = "User-agent: *\nDisallow: /page\nAllow: /page\n";
        assert!(allows(tie, "/page"));
    }

    #[test]
    fn wildcards_and_end_anchors() {
        let robots = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?print=\nDisallow: /a*b/c\n";
        assert!(!allows(robots, "/docs/file.pdf"));
        assert!(allows(robots, "/docs/file.pdf.html"));
        assert!(!allows(robots, "/story?print=1"));
        assert!(allows(robots, "/story?page=2"));
        assert!(!allows(robots, "/aXXb/c/d"));
        assert!(allows(robots, "/aXXc/c"));
        let exact = "User-agent: *\nDisallow: /$\n";
        assert!(!allows(exact, "/"));
        assert!(allows(exact, "/news"));
    }

    #[test]
    fn robots_txt_itself_is_always_allowed() {
        assert!(allows("User-agent: *\nDisallow: /\n", "/robots.txt"));
        assert!(!allows("User-agent: *\nDisallow: /\n", "/anything"));
    }

    #[test]
    fn crawl_delay_comes_from_the_chosen_group() {
        let robots = "User-agent: *\nCrawl-delay: 10\n\nUser-agent: chorus\nCrawl-delay: 2.5\n";
        let parsed = Robots::parse(robots.as_bytes(), AGENT);
        assert_eq!(parsed.crawl_delay, Some(Duration::from_millis(2500)));
        let star = Robots::parse(b"User-agent: *\nCrawl-delay: 7\n", AGENT);
        assert_eq!(star.crawl_delay, Some(Duration::from_secs(7)));
        let junk = Robots::parse(b"User-agent: *\nCrawl-delay: soon\nCrawl-delay: -3\n", AGENT);
        assert_eq!(junk.crawl_delay, None);
        let huge = Robots::parse(b"User-agent: *\nCrawl-delay: 1e300\n", AGENT);
        assert_eq!(huge.crawl_delay, Some(Duration::from_secs(86_400)));
    }

    #[test]
    fn comments_case_and_junk_are_tolerated() {
        let robots = "# site rules\nUSER-AGENT: *   # everyone\nDISALLOW: /x # no\nnonsense\n:\n";
        assert!(!allows(robots, "/x/1"));
        assert!(allows(robots, "/y"));
        // Rules before any User-agent line belong to no group.
        assert!(allows("Disallow: /\n", "/x"));
        // Invalid UTF-8 is read lossily.
        let bytes = b"User-agent: *\nDisallow: /\xff\xfe\nDisallow: /z\n";
        let url = Url::parse("http://a.test/z").unwrap();
        assert!(!Robots::parse(bytes, AGENT).allows(&url));
    }

    #[test]
    fn raw_utf8_patterns_match_encoded_paths() {
        let robots = "User-agent: *\nDisallow: /café\n";
        assert!(!allows(robots, "/caf%C3%A9/1"));
        assert!(!allows(robots, "/café/1"));
    }

    #[test]
    fn pathological_patterns_finish() {
        let pattern = "*a".repeat(500);
        let robots = format!("User-agent: *\nDisallow: /{pattern}b$\n");
        let path = format!("/{}", "a".repeat(3000));
        assert!(allows(&robots, &path));
    }
}
