//! CSV as RFC 4180 has it: a header row, every field that holds a comma, a quote or a line
//! break quoted (quotes doubled), CRLF between records, UTF-8 without a byte-order mark.
//!
//! A field with no value (a `null` in the JSON lines) is empty. List fields (`authors`,
//! `flags`) hold a JSON array of strings, `["Ana Ruiz","Tom Lee"]`: any name can be read
//! back exactly, whatever characters it has, with any JSON reader.

use std::io::Write;

use chorus_store::ExportRow;

use super::{COLUMNS, rfc3339};

/// Writes export rows as CSV records under a header.
pub(crate) struct CsvRows<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> CsvRows<W> {
    /// Starts the file: the header row.
    pub(crate) fn new(sink: W) -> anyhow::Result<Self> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(sink);
        writer.write_record(COLUMNS).map_err(io_error)?;
        Ok(CsvRows { writer })
    }

    /// One record, its fields in [`COLUMNS`] order.
    pub(crate) fn write(&mut self, row: &ExportRow) -> anyhow::Result<()> {
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let time =
            |t: &Option<chorus_model::Timestamp>| t.as_ref().map(rfc3339).unwrap_or_default();
        let record: [String; COLUMNS.len()] = [
            row.id.clone(),
            opt(&row.url),
            opt(&row.canonical_url),
            opt(&row.outlet),
            row.title.clone(),
            time(&row.published),
            opt(&row.published_source),
            json_list(&row.authors),
            opt(&row.language),
            row.text.clone(),
            row.event.map(|e| e.0.to_string()).unwrap_or_default(),
            opt(&row.duplicate_of),
            row.duplicate_similarity.map(|s| s.to_string()).unwrap_or_default(),
            time(&row.fetched_at),
            rfc3339(&row.stored_at),
            row.extractor.clone(),
            json_list(&row.flags),
        ];
        self.writer.write_record(&record).map_err(io_error)?;
        Ok(())
    }

    /// Flushes the last records and hands the sink back.
    pub(crate) fn finish(self) -> anyhow::Result<W> {
        self.writer.into_inner().map_err(|e| anyhow::Error::from(e.into_error()))
    }
}

/// The writer's error as the `io::Error` it holds (what a writer of strings can fail
/// with), so that a closed pipe (`chorus export --format csv | head`) is recognised.
fn io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// `["a","b"]`: a list of strings as one JSON array.
fn json_list(items: &[String]) -> String {
    // Serializing strings cannot fail.
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ExportRow {
        ExportRow {
            id: "a-1".into(),
            url: None,
            canonical_url: None,
            outlet: Some("Miami News, KMIA".into()),
            title: "He said \"no\",\nthen left".into(),
            published: None,
            published_source: None,
            authors: vec!["Ana Ruiz".into(), "O'Brien, \"Tom\"".into()],
            language: Some("en".into()),
            text: "Première ligne\r\n\r\nDeuxième".into(),
            event: Some(chorus_model::EventId(7)),
            duplicate_of: None,
            duplicate_similarity: Some(0.96),
            fetched_at: None,
            stored_at: chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05.5Z")
                .unwrap()
                .to_utc(),
            extractor: "input".into(),
            flags: vec![],
        }
    }

    #[test]
    fn fields_with_commas_quotes_and_line_breaks_read_back_exactly() {
        let mut w = CsvRows::new(Vec::new()).unwrap();
        w.write(&row()).unwrap();
        let bytes = w.finish().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("id,url,canonical_url,outlet,title,"), "no BOM: {text:?}");
        assert!(text.contains("\"He said \"\"no\"\",\nthen left\""), "{text:?}");
        assert!(text.ends_with("input,[]\r\n"), "{text:?}");

        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(header, COLUMNS);
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 1);
        let field = |name: &str| {
            let i = COLUMNS.iter().position(|c| *c == name).unwrap();
            records[0][i].to_owned()
        };
        assert_eq!(field("outlet"), "Miami News, KMIA");
        assert_eq!(field("title"), "He said \"no\",\nthen left");
        assert_eq!(field("text"), "Première ligne\r\n\r\nDeuxième");
        let authors: Vec<String> = serde_json::from_str(&field("authors")).unwrap();
        assert_eq!(authors, ["Ana Ruiz", "O'Brien, \"Tom\""]);
        assert_eq!(field("url"), "");
        assert_eq!(field("event"), "7");
        assert_eq!(field("duplicate_similarity"), "0.96");
        assert_eq!(field("stored_at"), "2026-01-02T03:04:05.500Z");
        assert_eq!(field("flags"), "[]");
    }
}
