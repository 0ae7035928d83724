//! `chorus export`: the articles the filters take, as JSON lines, CSV or Parquet, streamed
//! row by row from the store into the encoder, so memory stays the same whatever the
//! database's size. A file is written beside its destination and renamed into place only
//! once complete: a failed export leaves any earlier file as it was.

mod to_csv;
mod to_parquet;

use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chorus_model::{EventId, Timestamp};
use chorus_store::{ExportFilter, ExportRow, ExportTime};

use crate::args::{ExportArgs, ExportFormat, ExportTimeArg, Global};
use crate::ingest::parse_date;
use crate::output::{db_path, open};

/// Every format's columns, in order: the JSON field names, the CSV header and the Parquet
/// schema alike.
pub(crate) const COLUMNS: [&str; 17] = [
    "id",
    "url",
    "canonical_url",
    "outlet",
    "title",
    "published",
    "published_source",
    "authors",
    "language",
    "text",
    "event",
    "duplicate_of",
    "duplicate_similarity",
    "fetched_at",
    "stored_at",
    "extractor",
    "flags",
];

pub(crate) fn export(global: &Global, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let filter = filter(&args)?;
    if matches!(args.format, ExportFormat::Parquet)
        && args.out.is_none()
        && std::io::stdout().is_terminal()
    {
        anyhow::bail!("Parquet is binary: pass --out FILE, or redirect stdout to a file");
    }
    let path = db_path(global, &args.db)?;
    let store = open(&path)?;
    let written = match &args.out {
        None => {
            let sink = BufWriter::new(std::io::stdout());
            let (sink, rows) = encode(&store, &filter, args.format, sink)?;
            sink.into_inner().map_err(|e| e.into_error())?.flush()?;
            rows
        }
        Some(file) => write_atomically(file, |sink| {
            let (sink, rows) = encode(&store, &filter, args.format, sink)?;
            Ok((sink, rows))
        })?,
    };
    if let Some(file) = &args.out {
        // On stderr, like the logs: the data's channel stays clean.
        let _ = writeln!(std::io::stderr(), "exported {written} articles to {}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The store's filter for the flags; a date that cannot be read is an error naming it.
fn filter(args: &ExportArgs) -> anyhow::Result<ExportFilter> {
    let bound = |flag: &str, text: &Option<String>, end_of_day: bool| {
        text.as_deref()
            .map(|t| parse_date(t, end_of_day).with_context(|| format!("--{flag}")))
            .transpose()
    };
    Ok(ExportFilter {
        since: bound("since", &args.since, false)?,
        until: bound("until", &args.until, true)?,
        time: match args.time {
            ExportTimeArg::Published => ExportTime::Published,
            ExportTimeArg::Stored => ExportTime::Stored,
        },
        outlets: args.outlet.clone(),
        events: args.event.iter().copied().map(EventId).collect(),
        query: args.query.clone(),
    })
}

/// Streams the rows `filter` takes into `sink` as `format`; returns the sink, flushed as
/// far as the encoder goes, and how many rows it wrote.
fn encode<W: Write + Send>(
    store: &chorus_store::Store,
    filter: &ExportFilter,
    format: ExportFormat,
    sink: W,
) -> anyhow::Result<(W, u64)> {
    let mut encoder = Encoder::new(format, sink)?;
    let mut rows = 0u64;
    store.export_filtered(filter, |row| -> anyhow::Result<()> {
        encoder.write(row)?;
        rows += 1;
        Ok(())
    })?;
    Ok((encoder.finish()?, rows))
}

/// Writes `path` through `fill`, into a temporary file in the same directory that is synced
/// and renamed over `path` only when `fill` succeeded; on failure it is removed.
fn write_atomically(
    path: &Path,
    fill: impl FnOnce(BufWriter<std::fs::File>) -> anyhow::Result<(BufWriter<std::fs::File>, u64)>,
) -> anyhow::Result<u64> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".chorus-export-")
        .tempfile_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    let file = tmp.as_file().try_clone().context("opening the export file")?;
    let (sink, rows) = fill(BufWriter::new(file))?;
    let file = sink.into_inner().map_err(|e| e.into_error())?;
    file.sync_all().with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(path).with_context(|| format!("moving the export into {}", path.display()))?;
    Ok(rows)
}

/// One format's writer.
enum Encoder<W: Write + Send> {
    Jsonl(W),
    Csv(Box<to_csv::CsvRows<W>>),
    Parquet(Box<to_parquet::ParquetRows<W>>),
}

impl<W: Write + Send> Encoder<W> {
    fn new(format: ExportFormat, sink: W) -> anyhow::Result<Self> {
        Ok(match format {
            ExportFormat::Jsonl => Encoder::Jsonl(sink),
            ExportFormat::Csv => Encoder::Csv(Box::new(to_csv::CsvRows::new(sink)?)),
            ExportFormat::Parquet => {
                Encoder::Parquet(Box::new(to_parquet::ParquetRows::new(sink)?))
            }
        })
    }

    fn write(&mut self, row: &ExportRow) -> anyhow::Result<()> {
        match self {
            Encoder::Jsonl(sink) => {
                // As an io::Error, so that a closed pipe (`chorus export | head`) is
                // recognised.
                serde_json::to_writer(&mut *sink, row).map_err(std::io::Error::from)?;
                sink.write_all(b"\n")?;
                Ok(())
            }
            Encoder::Csv(w) => w.write(row),
            Encoder::Parquet(w) => w.write(row),
        }
    }

    /// Writes what the format keeps until the end (Parquet's last row group and footer)
    /// and hands the sink back.
    fn finish(self) -> anyhow::Result<W> {
        match self {
            Encoder::Jsonl(sink) => Ok(sink),
            Encoder::Csv(w) => w.finish(),
            Encoder::Parquet(w) => w.finish(),
        }
    }
}

/// A time as the text formats write it: RFC 3339 in UTC, `Z`, fractions only when set
/// (the JSON form, `2025-09-04T10:00:00Z`).
pub(crate) fn rfc3339(t: &Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}
