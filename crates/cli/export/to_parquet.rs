//! Parquet through the Arrow project's writer: rows are gathered into Arrow columns a batch
//! at a time and encoded into row groups of bounded size as they come, so neither the
//! batch nor the open row group grows with the database.
//!
//! The schema (the README lists it): strings are UTF8, `published`, `fetched_at` and
//! `stored_at` are TIMESTAMP(MICROS, UTC), `event` INT64, `duplicate_similarity` FLOAT,
//! `authors` and `flags` `LIST<STRING>`; a field that can be `null` in the JSON lines is
//! nullable, the others are required. Columns are Snappy-compressed, which every Parquet
//! reader reads.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{
    Float32Builder, Int64Builder, ListBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use chorus_model::Timestamp;
use chorus_store::ExportRow;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::COLUMNS;

/// How much the writer holds before it passes rows on: together these bound its memory.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Rows gathered before they are handed to the encoder, at most.
    pub(crate) batch_rows: usize,
    /// Text gathered before the batch is handed to the encoder, at most (long articles
    /// make for short batches).
    pub(crate) batch_bytes: usize,
    /// Rows in one row group, at most.
    pub(crate) group_rows: usize,
    /// Encoded bytes in one row group, at most: what the writer holds before it writes
    /// the group out, and about what a reader needs to hold one group.
    pub(crate) group_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            batch_rows: 1024,
            batch_bytes: 8 << 20,
            group_rows: 100_000,
            group_bytes: 64 << 20,
        }
    }
}

/// The export's Arrow schema, its fields in [`COLUMNS`] order.
pub(crate) fn schema() -> SchemaRef {
    let text = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    let time = |name: &str, nullable: bool| {
        Field::new(name, DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), nullable)
    };
    let list = |name: &str| Field::new(name, DataType::List(Arc::new(list_item())), false);
    Arc::new(Schema::new(vec![
        text("id", false),
        text("url", true),
        text("canonical_url", true),
        text("outlet", true),
        text("title", false),
        time("published", true),
        text("published_source", true),
        list("authors"),
        text("language", true),
        text("text", false),
        Field::new("event", DataType::Int64, true),
        text("duplicate_of", true),
        Field::new("duplicate_similarity", DataType::Float32, true),
        time("fetched_at", true),
        time("stored_at", false),
        text("extractor", false),
        list("flags"),
    ]))
}

/// The element of a list column: a string, never null.
fn list_item() -> Field {
    Field::new("item", DataType::Utf8, false)
}

/// Writes export rows as a Parquet file.
pub(crate) struct ParquetRows<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    columns: Columns,
    limits: Limits,
    /// Rows and text bytes in `columns`.
    rows: usize,
    bytes: usize,
}

impl<W: Write + Send> ParquetRows<W> {
    /// Starts a file on `sink`.
    pub(crate) fn new(sink: W) -> anyhow::Result<Self> {
        Self::with_limits(sink, Limits::default())
    }

    /// Starts a file on `sink` that holds at most what `limits` allow.
    pub(crate) fn with_limits(sink: W, limits: Limits) -> anyhow::Result<Self> {
        let schema = schema();
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(limits.group_rows))
            .set_max_row_group_bytes(Some(limits.group_bytes))
            .set_created_by(format!("chorus {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(sink, schema.clone(), Some(properties))?;
        Ok(ParquetRows { writer, schema, columns: Columns::new(), limits, rows: 0, bytes: 0 })
    }

    /// Adds one row; a full batch goes to the encoder.
    pub(crate) fn write(&mut self, row: &ExportRow) -> anyhow::Result<()> {
        self.bytes += self.columns.push(row);
        self.rows += 1;
        if self.rows >= self.limits.batch_rows || self.bytes >= self.limits.batch_bytes {
            self.flush_batch()?;
        }
        Ok(())
    }

    /// Encodes the last rows, writes the footer, and hands the sink back.
    pub(crate) fn finish(mut self) -> anyhow::Result<W> {
        self.flush_batch()?;
        Ok(self.writer.into_inner()?)
    }

    fn flush_batch(&mut self) -> anyhow::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let batch = RecordBatch::try_new(self.schema.clone(), self.columns.finish())?;
        self.writer.write(&batch)?;
        self.rows = 0;
        self.bytes = 0;
        Ok(())
    }
}

/// One builder per column, in [`COLUMNS`] order.
struct Columns {
    id: StringBuilder,
    url: StringBuilder,
    canonical_url: StringBuilder,
    outlet: StringBuilder,
    title: StringBuilder,
    published: TimestampMicrosecondBuilder,
    published_source: StringBuilder,
    authors: ListBuilder<StringBuilder>,
    language: StringBuilder,
    text: StringBuilder,
    event: Int64Builder,
    duplicate_of: StringBuilder,
    duplicate_similarity: Float32Builder,
    fetched_at: TimestampMicrosecondBuilder,
    stored_at: TimestampMicrosecondBuilder,
    extractor: StringBuilder,
    flags: ListBuilder<StringBuilder>,
}

impl Columns {
    fn new() -> Self {
        let time = || TimestampMicrosecondBuilder::new().with_timezone("UTC");
        let list = || ListBuilder::new(StringBuilder::new()).with_field(list_item());
        Columns {
            id: StringBuilder::new(),
            url: StringBuilder::new(),
            canonical_url: StringBuilder::new(),
            outlet: StringBuilder::new(),
            title: StringBuilder::new(),
            published: time(),
            published_source: StringBuilder::new(),
            authors: list(),
            language: StringBuilder::new(),
            text: StringBuilder::new(),
            event: Int64Builder::new(),
            duplicate_of: StringBuilder::new(),
            duplicate_similarity: Float32Builder::new(),
            fetched_at: time(),
            stored_at: time(),
            extractor: StringBuilder::new(),
            flags: list(),
        }
    }

    /// Appends `row`; returns about how many bytes of text it added.
    fn push(&mut self, row: &ExportRow) -> usize {
        let micros = |t: &Timestamp| t.timestamp_micros();
        self.id.append_value(&row.id);
        self.url.append_option(row.url.as_deref());
        self.canonical_url.append_option(row.canonical_url.as_deref());
        self.outlet.append_option(row.outlet.as_deref());
        self.title.append_value(&row.title);
        self.published.append_option(row.published.as_ref().map(micros));
        self.published_source.append_option(row.published_source.as_deref());
        self.authors.append_value(row.authors.iter().map(Some));
        self.language.append_option(row.language.as_deref());
        self.text.append_value(&row.text);
        self.event.append_option(row.event.map(|e| e.0));
        self.duplicate_of.append_option(row.duplicate_of.as_deref());
        self.duplicate_similarity.append_option(row.duplicate_similarity);
        self.fetched_at.append_option(row.fetched_at.as_ref().map(micros));
        self.stored_at.append_value(micros(&row.stored_at));
        self.extractor.append_value(&row.extractor);
        self.flags.append_value(row.flags.iter().map(Some));
        row.text.len() + row.title.len() + row.id.len() + 256
    }

    /// The gathered columns as arrays, in [`COLUMNS`] order; the builders start empty again.
    fn finish(&mut self) -> Vec<ArrayRef> {
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.url.finish()),
            Arc::new(self.canonical_url.finish()),
            Arc::new(self.outlet.finish()),
            Arc::new(self.title.finish()),
            Arc::new(self.published.finish()),
            Arc::new(self.published_source.finish()),
            Arc::new(self.authors.finish()),
            Arc::new(self.language.finish()),
            Arc::new(self.text.finish()),
            Arc::new(self.event.finish()),
            Arc::new(self.duplicate_of.finish()),
            Arc::new(self.duplicate_similarity.finish()),
            Arc::new(self.fetched_at.finish()),
            Arc::new(self.stored_at.finish()),
            Arc::new(self.extractor.finish()),
            Arc::new(self.flags.finish()),
        ];
        debug_assert_eq!(arrays.len(), COLUMNS.len());
        arrays
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float32Type, Int64Type, TimestampMicrosecondType};
    use arrow_array::{Array, ListArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    use super::*;

    fn t(s: &str) -> Timestamp {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn row(i: usize) -> ExportRow {
        ExportRow {
            id: format!("id-{i}"),
            url: i.is_multiple_of(2).then(|| format!("https://a.test/{i}")),
            canonical_url: None,
            outlet: Some("Miami News, KMIA".into()),
            title: format!("Title {i}, \"quoted\" — ünïcödé"),
            published: (!i.is_multiple_of(3)).then(|| t("2025-09-04T10:00:00.123456Z")),
            published_source: Some("feed".into()),
            authors: (0..i % 3).map(|k| format!("Author {k}")).collect(),
            language: None,
            text: "word ".repeat(200 + i % 50),
            event: Some(chorus_model::EventId(i as i64 / 10)),
            duplicate_of: None,
            duplicate_similarity: i.is_multiple_of(5).then_some(0.5),
            fetched_at: None,
            stored_at: t("2026-01-02T03:04:05Z"),
            extractor: "input".into(),
            flags: if i == 7 { vec!["paywalled".into()] } else { vec![] },
        }
    }

    #[test]
    fn rows_come_back_with_their_types_nulls_and_lists() {
        let mut w = ParquetRows::new(Vec::new()).unwrap();
        let n = 2 * Limits::default().batch_rows + 17;
        for i in 0..n {
            w.write(&row(i)).unwrap();
        }
        let bytes = bytes::Bytes::from(w.finish().unwrap());
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap();
        assert_eq!(reader.schema().fields(), schema().fields());
        let batches: Vec<RecordBatch> = reader.build().unwrap().map(Result::unwrap).collect();
        let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
        assert_eq!(total, n);
        let b = &batches[0];
        let col = |name: &str| b.column(b.schema().index_of(name).unwrap()).clone();
        assert_eq!(col("id").as_string::<i32>().value(7), "id-7");
        assert_eq!(col("title").as_string::<i32>().value(2), "Title 2, \"quoted\" — ünïcödé");
        assert!(col("url").is_null(1) && !col("url").is_null(2));
        assert!(col("language").is_null(0));
        let published = col("published");
        let published = published.as_primitive::<TimestampMicrosecondType>();
        assert!(published.is_null(0));
        assert_eq!(published.value(1), t("2025-09-04T10:00:00.123456Z").timestamp_micros());
        assert_eq!(col("event").as_primitive::<Int64Type>().value(25), 2);
        assert_eq!(col("duplicate_similarity").as_primitive::<Float32Type>().value(5), 0.5);
        assert!(col("duplicate_similarity").is_null(6));
        let authors = col("authors");
        let authors: &ListArray = authors.as_list();
        assert_eq!(authors.value(0).len(), 0);
        let two = authors.value(2);
        assert_eq!(
            two.as_string::<i32>().iter().flatten().collect::<Vec<_>>(),
            ["Author 0", "Author 1"]
        );
        let flags = col("flags");
        assert_eq!(flags.as_list::<i32>().value(7).as_string::<i32>().value(0), "paywalled");
    }

    #[test]
    fn row_groups_stay_bounded_as_rows_stream() {
        let limits = Limits {
            batch_rows: 64,
            batch_bytes: 1 << 20,
            group_rows: 100_000,
            group_bytes: 1 << 20,
        };
        let mut w = ParquetRows::with_limits(Vec::new(), limits).unwrap();
        // About 8 MB of text that neither a dictionary nor Snappy shrinks much: several
        // row groups, each near the byte cap.
        let mut seed: u64 = 42;
        let mut word = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            format!("{:x} ", seed >> 20)
        };
        for i in 0..400 {
            let mut r = row(i);
            r.text = (0..1500).map(|_| word()).collect();
            w.write(&r).unwrap();
        }
        let bytes = bytes::Bytes::from(w.finish().unwrap());
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap();
        let groups = reader.metadata().row_groups();
        assert!(groups.len() >= 4, "{} row groups", groups.len());
        let rows: i64 = groups.iter().map(|g| g.num_rows()).sum();
        assert_eq!(rows, 400);
        for g in groups {
            let size = g.compressed_size() as usize;
            assert!(size <= 2 * limits.group_bytes, "a row group of {size} bytes");
        }
    }
}
