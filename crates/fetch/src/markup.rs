//! A tokenizer for XML as the wild writes it: it never fails, it only cuts text into
//! tags, text and the rest, so that broken documents can be repaired and their entries
//! found. Well-formedness is for the real parser to check afterwards.

/// One piece of a document. Every byte of the input is in exactly one token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// Character data (with its references as written). A `<` that starts no markup is
    /// text of its own.
    Text(&'a str),
    /// `<name …>` or `<name …/>`.
    Start {
        /// The whole tag as written.
        raw: &'a str,
        /// The qualified name (`rdf:RDF`).
        name: &'a str,
        /// An empty-element tag, `<x/>`.
        empty: bool,
    },
    /// `</name>`.
    End {
        /// The whole tag as written.
        raw: &'a str,
        /// The qualified name.
        name: &'a str,
    },
    /// A comment, CDATA section, processing instruction or doctype, or markup cut off by
    /// the end of the document: copied, never looked into.
    Other(&'a str),
}

/// The local part of a qualified name: `RDF` of `rdf:RDF`.
pub(crate) fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The tokens of `text`, in order.
pub(crate) fn tokens(text: &str) -> Tokens<'_> {
    Tokens { text, pos: 0 }
}

/// Iterator returned by [`tokens`].
pub(crate) struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    /// The byte offset of the next token.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    fn take(&mut self, len: usize) -> &'a str {
        let s = &self.text[self.pos..self.pos + len];
        self.pos += len;
        s
    }

    /// From here to just past `end`, or to the end of the text.
    fn until(&mut self, from: usize, end: &str) -> &'a str {
        let rest = &self.text[self.pos..];
        let len =
            rest[from.min(rest.len())..].find(end).map_or(rest.len(), |i| from + i + end.len());
        self.take(len)
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let rest = &self.text[self.pos..];
        if rest.is_empty() {
            return None;
        }
        if !rest.starts_with('<') {
            let len = rest.find('<').unwrap_or(rest.len());
            return Some(Token::Text(self.take(len)));
        }
        if rest.starts_with("<!--") {
            return Some(Token::Other(self.until(4, "-->")));
        }
        if rest.starts_with("<![CDATA[") {
            return Some(Token::Other(self.until(9, "]]>")));
        }
        if rest.starts_with("<?") {
            return Some(Token::Other(self.until(2, "?>")));
        }
        if rest.starts_with("<!") {
            return Some(Token::Other(self.take(doctype_len(rest))));
        }
        let (closing, name_at) = if rest.starts_with("</") { (true, 2) } else { (false, 1) };
        let name_len = rest[name_at..]
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '>' | '/' | '<' | '"' | '\''))
            .unwrap_or(rest.len() - name_at);
        let name = &rest[name_at..name_at + name_len];
        if !name.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == ':') {
            // `a < b`, `<3`, `< /p>`: not markup.
            return Some(Token::Text(self.take(1)));
        }
        match tag_len(rest, name_at + name_len) {
            Some(len) => {
                let raw = self.take(len);
                Some(if closing {
                    Token::End { raw, name }
                } else {
                    Token::Start { raw, name, empty: raw.ends_with("/>") }
                })
            }
            // Cut off by the end of the document.
            None if !rest[name_at..].contains('<') => Some(Token::Other(self.take(rest.len()))),
            // A tag that another `<` interrupts: the first `<` was text.
            None => Some(Token::Text(self.take(1))),
        }
    }
}

/// The length of a tag up to and including its `>`, quotes respected; `None` if another
/// `<` or the end of the text comes first.
fn tag_len(rest: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in rest[from..].char_indices() {
        match (quote, c) {
            (_, '<') => return None,
            (None, '>') => return Some(from + i + 1),
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    None
}

/// A `<!DOCTYPE …>` with its internal subset in brackets, which may hold `>`.
fn doctype_len(rest: &str) -> usize {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in rest.char_indices().skip(2) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.saturating_sub(1),
            (None, '>') if depth == 0 => return i + 1,
            _ => {}
        }
    }
    rest.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        tokens(text)
            .map(|t| match t {
                Token::Text(s) => format!("T({s})"),
                Token::Start { name, empty, .. } => {
                    format!("S({name}{})", if empty { "/" } else { "" })
                }
                Token::End { name, .. } => format!("E({name})"),
                Token::Other(s) => format!("O({s})"),
            })
            .collect()
    }

    #[test]
    fn every_byte_is_in_one_token() {
        let text = "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a '>'>]><rss a=\"x>y\">t &amp; \
                    <![CDATA[<b>]]><!-- <c> --><e/>a < b</rss><cut at";
        let joined: String = tokens(text)
            .map(|t| match t {
                Token::Text(s) | Token::Other(s) => s,
                Token::Start { raw, .. } | Token::End { raw, .. } => raw,
            })
            .collect();
        assert_eq!(joined, text);
        assert_eq!(
            kinds(text),
            [
                "O(<?xml version='1.0'?>)",
                "O(<!DOCTYPE x [<!ENTITY a '>'>]>)",
                "S(rss)",
                "T(t &amp; )",
                "O(<![CDATA[<b>]]>)",
                "O(<!-- <c> -->)",
                "S(e/)",
                "T(a )",
                "T(<)",
                "T( b)",
                "E(rss)",
                "O(<cut at)",
            ]
        );
    }

    #[test]
    fn an_interrupted_tag_is_text() {
        assert_eq!(kinds("<a <b>"), ["T(<)", "T(a )", "S(b)"]);
        assert_eq!(local("rdf:RDF"), "RDF");
        assert_eq!(local("item"), "item");
    }
}
