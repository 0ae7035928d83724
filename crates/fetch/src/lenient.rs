//! Recovery for feeds that are not well-formed XML: each `<item>` or `<entry>` is cut out
//! and given back its feed around it (the root and `<channel>` start tags as written, with
//! their namespaces and `xml:base`), so that each can be parsed on its own. One broken
//! entry then costs that entry, not the feed.

use crate::markup::{Token, local, tokens};

/// The elements a wrapper keeps around an entry: the feed structure, nothing else (a
/// stray unclosed `<div>` before the entries must not become their parent).
const FRAME: [&str; 4] = ["rss", "channel", "RDF", "feed"];

/// The entries found in a broken feed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Blocks {
    /// One small document per complete entry, in document order.
    pub(crate) documents: Vec<String>,
    /// Entries opened but not closed before the end of the text (a cut-off download).
    pub(crate) unfinished: usize,
}

/// Cuts `text` into one document per `<item>`/`<entry>` element (any prefix).
pub(crate) fn entry_blocks(text: &str) -> Blocks {
    let mut blocks = Blocks::default();
    // Open frame elements: (qualified name, start tag as written).
    let mut frame: Vec<(&str, &str)> = Vec::new();
    // Inside an entry: its name, where it starts, and how deep in same-named elements.
    let mut open: Option<(&str, usize, usize)> = None;
    let mut it = tokens(text);
    loop {
        let at = it.offset();
        let Some(token) = it.next() else { break };
        match (token, open.as_mut()) {
            (Token::Start { name, empty: false, .. }, Some((entry, _, depth)))
                if name == *entry =>
            {
                *depth += 1;
            }
            (Token::End { name, .. }, Some((entry, start, depth))) if name == *entry => {
                if *depth > 0 {
                    *depth -= 1;
                    continue;
                }
                let mut doc: String = frame.iter().map(|(_, raw)| *raw).collect();
                doc.push_str(&text[*start..it.offset()]);
                for (name, _) in frame.iter().rev() {
                    doc.push_str(&format!("</{name}>"));
                }
                blocks.documents.push(doc);
                open = None;
            }
            (_, Some(_)) => {}
            (Token::Start { name, raw, empty }, None) => {
                if matches!(local(name), "item" | "entry") && !empty {
                    open = Some((name, at, 0));
                } else if FRAME.contains(&local(name)) && !empty {
                    frame.push((name, raw));
                }
            }
            (Token::End { name, .. }, None) => {
                if let Some(i) = frame.iter().rposition(|(n, _)| *n == name) {
                    frame.truncate(i);
                }
            }
            (Token::Text(_) | Token::Other(_), None) => {}
        }
    }
    blocks.unfinished = usize::from(open.is_some());
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_back_in_their_frame() {
        let text = "<rss version=\"2.0\" xml:base=\"https://x.test/\"><channel><title>T</title><div>\
                    <item><title>A</title><item>nested</item></item>\
                    <item><title>B<b></title></item></channel></rss>";
        let blocks = entry_blocks(text);
        assert_eq!(
            blocks.documents,
            [
                "<rss version=\"2.0\" xml:base=\"https://x.test/\"><channel><item><title>A</title>\
                 <item>nested</item></item></channel></rss>",
                "<rss version=\"2.0\" xml:base=\"https://x.test/\"><channel><item><title>B<b>\
                 </title></item></channel></rss>",
            ]
        );
        assert_eq!(blocks.unfinished, 0);
    }

    #[test]
    fn a_cut_off_entry_is_counted() {
        let blocks = entry_blocks(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id></entry><entry><id>2",
        );
        assert_eq!(
            blocks.documents,
            ["<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id></entry></feed>"]
        );
        assert_eq!(blocks.unfinished, 1);
    }
}
