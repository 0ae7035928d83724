//! Article identity: one canonical form for the many addresses of one article.

use url::Url;

/// Query parameters that only track where a click came from. Matched case-insensitively;
/// a trailing `*` matches any suffix.
const TRACKING_PARAMS: &[&str] = &[
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "hsctatracking",
    "mkt_tok",
    "igshid",
    "si",
    "ref",
    "ref_src",
    "ref_url",
    "referrer",
    "smid",
    "smtyp",
    "at_medium",
    "at_campaign",
    "at_custom*",
    "cmpid",
    "cmp",
    "ocid",
    "ncid",
    "sr_share",
    "share",
    "src",
    "spm",
    "taid",
    "wt.mc_id",
    "cid",
    "xtor",
    "itm_*",
    "int_source",
    "rss",
    "rssfeed",
    "feed",
    "outputtype",
    "amp",
];

/// True when a query parameter only tracks the click and never selects content.
pub fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    TRACKING_PARAMS.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *p,
    })
}

/// The canonical form of an article address, used as its identity everywhere.
///
/// - the fragment goes, and so do tracking parameters ([`is_tracking_param`]);
/// - the remaining parameters are sorted, so their order does not matter;
/// - the host loses a `www.`, `m.`, `mobile.` or `amp.` prefix;
/// - an AMP path form (`/amp`, `/amp/`, `.amp`, `/amp.html`) becomes the plain path;
/// - a trailing slash on a non-root path goes.
///
/// The scheme is kept: the result should still be an address a browser can open.
pub fn canonical_url(url: &Url) -> Url {
    let mut out = url.clone();
    out.set_fragment(None);

    if let Some(host) = url.host_str() {
        let lower = host.to_ascii_lowercase();
        let stripped = ["www.", "m.", "mobile.", "amp."]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .filter(|rest| rest.contains('.'))
            .unwrap_or(&lower);
        if stripped != host {
            // Setting a host that parsed once as a domain cannot fail.
            let _ = out.set_host(Some(stripped));
        }
    }

    let mut path = url.path().to_owned();
    for suffix in ["/amp/", "/amp", "/amp.html", ".amp"] {
        if path.len() > suffix.len() && path.ends_with(suffix) {
            path.truncate(path.len() - suffix.len());
            break;
        }
    }
    if path.len() > 1 && path.ends_with('/') {
        path.pop();
    }
    out.set_path(&path);

    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.is_empty() {
        out.set_query(None);
    } else {
        pairs.sort();
        out.query_pairs_mut().clear().extend_pairs(pairs);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical_url(&Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn drops_tracking_and_fragment_and_sorts() {
        assert_eq!(
            canon("https://news.example.test/a?utm_source=rss&b=2&fbclid=x&a=1#c"),
            "https://news.example.test/a?a=1&b=2"
        );
    }

    #[test]
    fn mobile_www_and_amp_variants_meet() {
        let want = "https://example.test/world/story-1";
        assert_eq!(canon("https://www.example.test/world/story-1/"), want);
        assert_eq!(canon("https://m.example.test/world/story-1"), want);
        assert_eq!(canon("https://example.test/world/story-1/amp/"), want);
        assert_eq!(canon("https://amp.example.test/world/story-1?amp=1"), want);
    }

    #[test]
    fn keeps_content_parameters_and_loopback_hosts() {
        assert_eq!(canon("http://127.0.0.1:8080/story?id=42"), "http://127.0.0.1:8080/story?id=42");
        assert_eq!(canon("https://example.test/"), "https://example.test/");
    }

    #[test]
    fn is_idempotent() {
        for u in [
            "https://www.a.test/x/?utm_medium=e&z=1&y=2#f",
            "http://m.b.test/amp",
            "https://c.test/?",
        ] {
            let once = canon(u);
            assert_eq!(canon(&once), once);
        }
    }
}
