//! Lines that are page furniture by their wording: stock labels ("Advertisement",
//! "Share this article"), newsletter and contact plugs, copyright and credit lines, date
//! lines, author lines, and the headline repeated above the text.
//!
//! Each check is for short lines only: a real paragraph that happens to mention a
//! newsletter or a date is long enough to be left alone.

use crate::metadata::authors;

/// True when a block of the article container is furniture by its wording. `titles` are
/// the page's headline candidates (`og:title`, `<title>`, `<h1>`), compared loosely.
pub(crate) fn is_furniture(text: &str, titles: &[&str]) -> bool {
    let t = text.trim();
    if t.len() > 400 {
        return false;
    }
    // Rules and separators ("___", "* * *"), numbers only excepted.
    if !t.chars().any(char::is_alphanumeric) || t.chars().all(|c| c == '_' || !c.is_alphanumeric())
    {
        return true;
    }
    let lower = t.to_lowercase();
    is_stock_phrase(&lower)
        || is_post_footer(&lower)
        || is_plug(&lower)
        || is_frames_notice(&lower)
        || is_byline(t)
        || is_credit(&lower)
        || is_dateline(&lower)
        || is_url_dump(t)
        || is_caption(&lower)
        || titles.iter().any(|title| t.len().abs_diff(title.len()) < 16 && same_words(t, title))
}

/// A heading that opens the readers' comments below a post: "Comments", "12 Comments",
/// "Comments (3)", "Leave a Reply", "5 thoughts on “Title”", "3 Responses to …". Text after
/// it is the readers', not the author's.
pub(crate) fn is_comments_heading(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.len() > 160 {
        return false;
    }
    let lower = t.to_lowercase();
    // A count in front ("12", "One", "No") or behind ("(3)") says nothing more.
    let trimmed = lower.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
    let mut counted = trimmed.len() < lower.len();
    let core = trimmed
        .trim_end_matches(|c: char| {
            c.is_ascii_digit() || matches!(c, '(' | ')' | ':' | '.' | '!' | ' ' | '»' | '↓')
        })
        .trim();
    let core = match ["one ", "no ", "two ", "three "].iter().find_map(|n| core.strip_prefix(n)) {
        Some(rest) => {
            counted = true;
            rest
        }
        None => core,
    };
    // Not "comment" or "discussion" alone: a subhead in a how-to can be one word.
    const LABELS: &[&str] = &[
        "comments",
        "reader comments",
        "readers' comments",
        "responses",
        "replies",
        "leave a reply",
        "leave a comment",
        "post a comment",
        "add a comment",
        "add your comment",
        "join the discussion",
        "trackback",
        "trackbacks",
        "pingbacks",
        "trackbacks/pingbacks",
        "comments and trackbacks",
        "what do you think?",
    ];
    if LABELS.contains(&core) || counted && ["comment", "response", "reply"].contains(&core) {
        return true;
    }
    // "5 thoughts on “Title”", "3 Responses to “Title”": counted, so not a subhead such as
    // "Responses to the flood".
    counted
        && [
            "thoughts on ",
            "thought on ",
            "responses to ",
            "response to ",
            "comments on ",
            "comments to ",
        ]
        .iter()
        .any(|p| core.starts_with(p))
}

/// Labels that templates put between paragraphs.
fn is_stock_phrase(lower: &str) -> bool {
    if lower.len() > 80 {
        return false;
    }
    let t = lower.trim_end_matches([':', '.', '!', '»', '›', '>', '…', ' ']).trim();
    const PHRASES: &[&str] = &[
        "advertisement",
        "advertising",
        "ad",
        "sponsored",
        "story continues below",
        "story continues below advertisement",
        "article continues below",
        "continue reading",
        "continue reading below",
        "read more",
        "read more below",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "tweet",
        "email",
        "print",
        "comments",
        "related",
        "related articles",
        "related stories",
        "related content",
        "recommended",
        "more on this story",
        "skip to main content",
        "skip to content",
        "click to enlarge",
        "view gallery",
        "enlarge this image",
        "toggle caption",
        "hide caption",
        "caption",
        "close",
        "image",
        "photo",
        "loading",
        "play video",
        "watch",
    ];
    PHRASES.contains(&t)
}

/// The line blog themes print under every post: "This entry was posted on … and is filed
/// under …. You can follow any responses to this entry through the RSS 2.0 feed."
pub(crate) fn is_post_footer(lower: &str) -> bool {
    const CUES: &[&str] = &[
        "you can follow any responses to this entry",
        "you can leave a response, or trackback",
        "both comments and pings are currently closed",
        "comments and pings are currently closed",
        "responses are currently closed",
        "trackback url for this entry",
        "listed below are links to weblogs that reference",
    ];
    CUES.iter().any(|c| lower.contains(c))
        || lower.starts_with("this entry was posted")
            && (lower.contains("filed under") || lower.contains("tagged"))
}

/// Newsletter, subscription and follow-us plugs.
fn is_plug(lower: &str) -> bool {
    if lower.len() > 300 {
        return false;
    }
    // Calls to act, not mentions: "Netflix users who subscribe to its premium tier" and
    // "the company newsletter" are news.
    const CUES: &[&str] = &[
        "our newsletter",
        "newsletters",
        "free newsletter",
        "daily newsletter",
        "weekly newsletter",
        "sign up for",
        "sign up to",
        "signup for",
        "subscribe to our",
        "subscribe to the",
        "subscribe now",
        "subscribe today",
        "subscribed!",
        "subscribing to our",
        "subscribing you",
        "in your inbox",
        "to your inbox",
        "may be reached at",
        "can be reached at",
        "follow us on",
        "follow him on",
        "follow her on",
        "follow them on",
        "download our app",
        "download the app",
    ];
    CUES.iter().any(|c| lower.contains(c))
}

/// The note a frameset page leaves for browsers without frames ("This page uses frames,
/// but your browser does not support them"): all the text some frameset pages have.
fn is_frames_notice(lower: &str) -> bool {
    lower.len() <= 200
        && lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == "frames")
        && (lower.contains("browser") || lower.contains("support"))
}

/// An author line left without markup ("by Jane Roe, staff writer"): a by-prefix and a
/// person's name before any comma, and no sentence end. "By Tuesday, the council will
/// vote." ends as a sentence; "By the numbers" names no one.
fn is_byline(t: &str) -> bool {
    t.len() < 100
        && authors::has_by_prefix(t)
        && !t.trim_end().ends_with(['.', '!', '?', ':', ';'])
        && t.split(',').next().is_some_and(|first| !authors::clean(first, &[]).is_empty())
}

/// Copyright notices and reporting credits.
fn is_credit(lower: &str) -> bool {
    if lower.len() > 250 {
        return false;
    }
    let start = lower.trim_start_matches(['(', '[', '-', '—', ' ']);
    // A notice, not a story about copyright law.
    let notice = start.starts_with("copyright")
        || ["copyright ©", "copyright (c)", "copyright 19", "copyright 20"]
            .iter()
            .any(|n| lower.contains(n));
    lower.contains("all rights reserved")
        || notice
        // The footer of a hand-made site: "Page last updated February 2025."
        || ["page last updated", "page last modified", "site last updated"]
            .iter()
            .any(|p| lower.contains(p))
        || lower.contains('©')
        || lower.contains('ⓒ')
        || ["reporting by", "additional reporting", "editing by", "writing by", "contributing:"]
            .iter()
            .any(|p| start.starts_with(p))
}

const MONTHS: &[&str] =
    &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// A line that is a date or time with at most a few words around it ("Updated at 1:23
/// p.m.", "November 18, 2019", "Published: 2019-11-18 10:02", "기사입력 :[ 2018-08-25 ]").
fn is_dateline(lower: &str) -> bool {
    // "— Jane Roe (@jroe) November 18, 2019" closes a quoted post: content.
    if lower.len() > 120 || lower.contains('@') {
        return false;
    }
    let mut dated = false;
    let mut month = false;
    let mut words = 0;
    for tok in lower.split(|c: char| !c.is_alphanumeric() && c != ':') {
        let tok = tok.trim_matches(':');
        if tok.is_empty() {
            continue;
        }
        let digits = tok.chars().filter(char::is_ascii_digit).count();
        if digits > 0 {
            let year =
                digits == 4 && tok.len() == 4 && (tok.starts_with("19") || tok.starts_with("20"));
            let time = tok.contains(':') && digits >= 3;
            dated |= year || time || tok.len() >= 8 && digits >= 6;
            continue;
        }
        if MONTHS.iter().any(|m| tok.starts_with(m)) && tok.len() <= 9 {
            month = true;
            continue;
        }
        if matches!(
            tok,
            "am" | "pm" | "a" | "p" | "m" | "gmt" | "utc" | "et" | "est" | "edt" | "bst" | "cet"
        ) {
            continue;
        }
        words += 1;
    }
    let stamp = ["updated", "published", "posted", "last modified", "modified"]
        .iter()
        .any(|w| lower.contains(w));
    // A bare date, a date with a word or two beside the month ("smithsonian.com November
    // 18, 2019"), or a stamp ("Updated at 1:23 p.m."); not a short sentence that names a
    // year ("In 2019, sales rose.").
    dated && (words <= 1 || month && words <= 3 || stamp && words <= 8)
}

/// Words that mark a photo credit.
const CREDIT_WORDS: &[&str] =
    &["credit", "photo", "image", "getty", "courtesy", "file", "foto", "reuters", "afp", "ap/"];

/// A caption that lost its markup: "Photo: …", or a sentence ending in a credit such as
/// "(credit: NASA)" or "(Getty Images)".
fn is_caption(lower: &str) -> bool {
    if lower.len() > 300 {
        return false;
    }
    let starts = ["photo:", "image:", "credit:", "foto:", "picture:", "pictured:"];
    if starts.iter().any(|s| lower.starts_with(s)) {
        return true;
    }
    let Some(open) = lower.trim_end().strip_suffix(')').and_then(|l| l.rfind('(')) else {
        return false;
    };
    // A credit names its source in a few words; a parenthesis that goes on as a clause
    // ("(it's a .m4r file; Apple's own format.)") is part of a sentence.
    let credit = &lower[open..];
    credit.len() < 80
        && !credit.contains(';')
        && !credit.trim_end_matches(')').ends_with('.')
        && credit
            .split(|c: char| !c.is_alphanumeric() && c != '/')
            .any(|w| CREDIT_WORDS.iter().any(|c| w.starts_with(c)))
}

/// Leftovers of hidden structured data: a run of URLs with sizes and user names.
fn is_url_dump(text: &str) -> bool {
    let urls: usize = text.split_whitespace().filter(|w| w.starts_with("http")).map(str::len).sum();
    urls * 2 >= text.len() && text.split_whitespace().filter(|w| w.starts_with("http")).count() >= 2
}

/// The same words, ignoring case and punctuation.
fn same_words(a: &str, b: &str) -> bool {
    let (wa, wb) = (lower_words(a), lower_words(b));
    !wa.is_empty() && wa == wb
}

/// The words of a text: runs of letters and digits, punctuation and spaces dropped.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// [`words`], lower-cased.
pub(crate) fn lower_words(text: &str) -> Vec<String> {
    words(text).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_plugs_are_furniture() {
        for line in [
            "Advertisement",
            "Story continues below advertisement",
            "___",
            "* * *",
            "Get the latest updates right in your inbox. Subscribe to our newsletters.",
            "Have a tip? Jane Roe may be reached at jroe@example.test.",
            "Copyright 2019 The Associated Press. All rights reserved.",
            "(Reporting by Jane Roe; editing by John Doe)",
            "Updated at 1:23 p.m.",
            "November 18, 2019",
            "Published: 2019-11-18 10:02",
            "The rocket stage after its four engines were installed. (credit: NASA/J. Roe)",
            "Pilgrims at dawn. (Jane Roe — AFP/Getty Images)",
            "The old mill before the fire. (AP Photo/Jane Roe, File)",
            "Photo: Jane Roe",
            "This page uses frames, but your browser does not support them.",
            "Your browser does not support frames. Go to the menu.",
            "by Arthur Penhallow, society archivist",
            "By JANE ROE",
            "Historical Society, Old School House. Page last updated February 2025.",
        ] {
            assert!(is_furniture(line, &[]), "{line}");
        }
    }

    #[test]
    fn prose_and_numbers_are_not() {
        for line in [
            "The council met on November 18, 2019, and voted to close the bridge until spring.",
            "Netflix now has 150 million subscribers worldwide.",
            "In 2019, sales rose.",
            "The company newsletter reached two million readers last year.",
            "Netflix users who subscribe to its premium tier pay more.",
            "The lawsuit alleges copyright infringement on a large scale.",
            "— Jane Roe (@jroe) November 18, 2019",
            "225.86",
            "Here are some of the highlights:",
            "NISSAN SENTRA",
            "The museum put the old picture frames up for auction.",
            "By Tuesday, the council will vote on the plan.",
            "By the numbers",
            "by the harbor",
            // A parenthesis that goes on as a clause, not a photo credit.
            "Unzip the archive (it holds one .wav file; play it at full volume.)",
            "The trial moved to Belfast (a profile of the judge appeared on Monday)",
        ] {
            assert!(!is_furniture(line, &[]), "{line}");
        }
    }

    #[test]
    fn blog_post_footers_are_furniture() {
        let footer = "This entry was posted on Saturday, August 25th, 2012 at 12:23 am and is \
                      filed under Robots. You can follow any responses to this entry through the \
                      RSS 2.0 feed. You can leave a response, or trackback from your own site.";
        assert!(is_furniture(footer, &[]));
        assert!(is_furniture("This entry was posted in Garden and tagged garlic, mulch.", &[]));
        // A sentence about an entry in a register is not a blog's footer.
        assert!(!is_furniture("This entry was posted to the parish register in 1862.", &[]));
    }

    #[test]
    fn comment_headings_are_told_from_subheads() {
        for heading in [
            "Comments",
            "12 Comments",
            "Comments (3)",
            "Leave a Reply",
            "One Response",
            "5 thoughts on “Garlic at last”",
            "3 Responses to \"Garlic at last\"",
            "Post a Comment",
            "TrackBack",
        ] {
            assert!(is_comments_heading(heading), "{heading}");
        }
        for heading in
            ["Comment", "Comments from the mayor", "Responses to the flood", "Discussion", ""]
        {
            assert!(!is_comments_heading(heading), "{heading}");
        }
    }

    #[test]
    fn the_headline_repeated_is_furniture() {
        assert!(is_furniture("Mayor opens bridge!", &["Mayor Opens Bridge"]));
        assert!(!is_furniture("Mayor opens bridge to traffic", &["Mayor Opens Bridge"]));
    }
}
