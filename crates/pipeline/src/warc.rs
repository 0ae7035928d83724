//! WARC archives (WARC 1.0 and 1.1), read record by record and written for fixtures.
//!
//! A `.warc` file is a sequence of records, each a header block (`WARC/1.1`, then
//! `Name: value` lines, one of them `Content-Length`), a blank line, that many bytes of
//! content, and two line breaks. A `.warc.gz` file, as Common Crawl and CC-NEWS ship them,
//! compresses each record as its own gzip member, so a reader can start at any member.
//! [`WarcReader`] streams either (told apart by the gzip magic bytes, not the name), never
//! holding more than one record, and a record's content only up to a cap: a larger one is
//! read through and reported as [`Content::TooLarge`]. Each record carries the byte offset
//! a reader can start from to read it again (its own start, or its gzip member's), which is
//! what resuming needs.
//!
//! [`HttpResponse::parse`] reads the HTTP message a `response` record holds; [`WarcWriter`]
//! writes records, for test fixtures and benches.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, Write};
use std::path::Path;

/// Why a WARC file cannot be read on from some record.
#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    /// The file could not be read.
    #[error("cannot read the WARC file: {0}")]
    Io(#[from] io::Error),
    /// The bytes at `offset` are not a WARC record.
    #[error("byte {offset}: not a WARC record: {what}")]
    Malformed {
        /// Where the record (or its gzip member) starts.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// The file ends inside the record at `offset`.
    #[error("byte {offset}: the file ends inside a record (truncated?)")]
    Truncated {
        /// Where the record (or its gzip member) starts.
        offset: u64,
    },
}

/// The content of a record, as far as it was kept.
#[derive(Debug, PartialEq, Eq)]
pub enum Content {
    /// The whole content.
    Bytes(Vec<u8>),
    /// Content longer than the cap, read through and dropped; its length.
    TooLarge(u64),
}

/// One WARC record.
#[derive(Debug)]
pub struct Record {
    /// Where a reader starts to read this record again: the record's first byte, or in a
    /// `.warc.gz` file its gzip member's.
    pub offset: u64,
    /// `WARC-Type`, lower-cased: `response`, `request`, `metadata`, `revisit`, `warcinfo`,
    /// `resource`, ...
    pub kind: String,
    /// `WARC-Target-URI`, without the angle brackets some WARC 1.0 writers put around it.
    pub target: Option<String>,
    /// `WARC-Date`, as written.
    pub date: Option<String>,
    /// The record's content.
    pub content: Content,
}

/// The most header bytes a record may have: more is not a WARC file.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Reads a WARC file record by record. See the [module docs](self).
pub struct WarcReader {
    state: State,
    /// Whether each record is a gzip member (told by the file's first bytes).
    gzip: bool,
    /// The most content bytes kept per record.
    cap: u64,
}

enum State {
    /// Between records (or gzip members); the file is read from here on.
    Between(BufReader<File>),
    /// Inside the gzip member starting at the offset: more records may follow in it.
    InMember(Box<BufReader<flate2::bufread::GzDecoder<BufReader<File>>>>, u64),
    /// Only while switching between the two.
    Switching,
}

impl WarcReader {
    /// Opens `path` and positions the reader at `offset` (0, or a [`Record::offset`] from
    /// an earlier read of the same file). Content beyond `cap` bytes is not kept.
    pub fn open(path: &Path, offset: u64, cap: u64) -> Result<WarcReader, WarcError> {
        let mut file = BufReader::with_capacity(256 * 1024, File::open(path)?);
        let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
        file.seek(io::SeekFrom::Start(offset))?;
        Ok(WarcReader { state: State::Between(file), gzip, cap })
    }

    /// Where a reader would start to read the next record: the offset after the last
    /// whole record (or gzip member) read.
    pub fn resume_point(&mut self) -> Result<u64, WarcError> {
        match &mut self.state {
            State::Between(file) => Ok(file.stream_position()?),
            State::InMember(_, start) => Ok(*start),
            State::Switching => unreachable!("the state is restored before returning"),
        }
    }

    /// The next record, or `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record>, WarcError> {
        let cap = self.cap;
        if let State::Between(file) = &mut self.state {
            let offset = file.stream_position()?;
            if file.fill_buf()?.is_empty() {
                return Ok(None);
            }
            if !self.gzip {
                let record = read_record(file, offset, cap)?;
                return Ok(Some(record.ok_or(WarcError::Truncated { offset })?));
            }
            let State::Between(file) = std::mem::replace(&mut self.state, State::Switching) else {
                unreachable!("matched above")
            };
            let member = flate2::bufread::GzDecoder::new(file);
            self.state = State::InMember(Box::new(BufReader::new(member)), offset);
        }
        let State::InMember(member, offset) = &mut self.state else {
            unreachable!("a gzip file between members was opened above")
        };
        let offset = *offset;
        let record = read_record(member.as_mut(), offset, cap)
            .map_err(|e| gzip_error(e, offset))?
            .ok_or(WarcError::Truncated { offset })?;
        let state = std::mem::replace(&mut self.state, State::Switching);
        self.state = state.close_if_empty_member()?;
        Ok(Some(record))
    }
}

impl State {
    /// Back to `Between` if the member has no more records: the file is then positioned at
    /// the next member.
    fn close_if_empty_member(self) -> Result<State, WarcError> {
        match self {
            State::InMember(mut member, offset) => {
                let more = member.fill_buf().map(|b| !b.is_empty());
                match more {
                    Ok(true) => Ok(State::InMember(member, offset)),
                    Ok(false) => Ok(State::Between(member.into_inner().into_inner())),
                    Err(e) => Err(gzip_error(WarcError::Io(e), offset)),
                }
            }
            other => Ok(other),
        }
    }
}

/// A broken gzip stream is a malformed record, not an I/O failure of the disk.
fn gzip_error(e: WarcError, offset: u64) -> WarcError {
    match e {
        WarcError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            WarcError::Truncated { offset }
        }
        WarcError::Io(e)
            if e.kind() == io::ErrorKind::InvalidInput
                || e.kind() == io::ErrorKind::InvalidData =>
        {
            WarcError::Malformed { offset, what: format!("bad gzip data: {e}") }
        }
        other => other,
    }
}

/// Reads one record from `r`; `None` if `r` ends before its first line.
fn read_record(r: &mut impl BufRead, offset: u64, cap: u64) -> Result<Option<Record>, WarcError> {
    let malformed = |what: String| WarcError::Malformed { offset, what };
    let mut line = Vec::new();
    let mut header_bytes = 0usize;
    // The version line, after any blank lines a writer left between records.
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 {
            return if header_bytes == 0 { Ok(None) } else { Err(WarcError::Truncated { offset }) };
        }
        header_bytes += n;
        if header_bytes > MAX_HEADER_BYTES {
            return Err(malformed("no version line".into()));
        }
        if !trim_eol(&line).is_empty() {
            break;
        }
    }
    let version = String::from_utf8_lossy(trim_eol(&line)).into_owned();
    if !matches!(version.as_str(), "WARC/1.0" | "WARC/1.1") {
        let shown: String = version.chars().take(40).collect();
        return Err(malformed(format!("expected WARC/1.0 or WARC/1.1, found {shown:?}")));
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 || !line.ends_with(b"\n") {
            return Err(WarcError::Truncated { offset });
        }
        header_bytes += n;
        if header_bytes > MAX_HEADER_BYTES {
            return Err(malformed(format!("header longer than {MAX_HEADER_BYTES} bytes")));
        }
        let text = String::from_utf8_lossy(trim_eol(&line)).into_owned();
        if text.is_empty() {
            break;
        }
        if text.starts_with([' ', '\t']) {
            // A folded line continues the field before it.
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(text.trim());
            }
            continue;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(malformed(format!("header line without a colon: {text:?}")));
        };
        fields.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let length: u64 = field("content-length")
        .ok_or_else(|| malformed("no Content-Length".into()))?
        .parse()
        .map_err(|_| malformed("Content-Length is not a number".into()))?;
    let content = if length <= cap {
        let mut bytes = vec![0; length as usize];
        r.read_exact(&mut bytes).map_err(|e| eof_is_truncation(e, offset))?;
        Content::Bytes(bytes)
    } else {
        let copied = io::copy(&mut r.by_ref().take(length), &mut io::sink())?;
        if copied < length {
            return Err(WarcError::Truncated { offset });
        }
        Content::TooLarge(length)
    };
    // The two line breaks that end a record; lenient about how many a writer put.
    for _ in 0..4 {
        match r.fill_buf()?.first() {
            Some(b'\r' | b'\n') => r.consume(1),
            _ => break,
        }
    }
    let target = field("warc-target-uri")
        .map(|t| t.trim_start_matches('<').trim_end_matches('>').to_owned());
    Ok(Some(Record {
        offset,
        kind: field("warc-type").unwrap_or_default().to_ascii_lowercase(),
        target,
        date: field("warc-date"),
        content,
    }))
}

fn eof_is_truncation(e: io::Error, offset: u64) -> WarcError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        WarcError::Truncated { offset }
    } else {
        WarcError::Io(e)
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The HTTP response a `response` record holds.
#[derive(Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// `Content-Type`, if given.
    pub content_type: Option<String>,
    /// The body, with `Transfer-Encoding: chunked` and `Content-Encoding: gzip`/`deflate`
    /// undone (crawlers that keep them as sent leave them to the reader).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// Parses `block` (status line, headers, body); `None` if it is not an HTTP response
    /// or its body cannot be decoded. A decoded body is cut at `cap` bytes.
    pub fn parse(block: &[u8], cap: usize) -> Option<HttpResponse> {
        let mut headers = [httparse::EMPTY_HEADER; 128];
        let mut response = httparse::Response::new(&mut headers);
        let httparse::Status::Complete(head) = response.parse(block).ok()? else {
            return None;
        };
        let status = response.code?;
        let header = |name: &str| {
            response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| String::from_utf8_lossy(h.value).trim().to_owned())
        };
        let content_type = header("content-type");
        let mut body = block[head..].to_vec();
        if header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
            body = dechunk(&body)?;
        }
        match header("content-encoding").map(|e| e.to_ascii_lowercase()).as_deref() {
            None | Some("" | "identity") => {}
            Some("gzip" | "x-gzip") => {
                body = inflate(flate2::read::GzDecoder::new(&body[..]), cap)?
            }
            Some("deflate") => body = inflate(flate2::read::ZlibDecoder::new(&body[..]), cap)?,
            Some(_) => return None,
        }
        body.truncate(cap);
        Some(HttpResponse { status, content_type, body })
    }
}

fn inflate(decoder: impl Read, cap: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    decoder.take(cap as u64).read_to_end(&mut out).ok()?;
    Some(out)
}

/// Undoes `Transfer-Encoding: chunked`.
fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    loop {
        let eol = bytes.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&bytes[..eol]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        bytes = &bytes[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(bytes.get(..size)?);
        bytes = bytes.get(size..)?.strip_prefix(b"\r\n").unwrap_or(&bytes[size..]);
    }
}

/// Writes WARC 1.1 records, each as its own gzip member or plain: for test fixtures and
/// benches, and to show the format [`WarcReader`] reads.
pub struct WarcWriter<W: Write> {
    out: W,
    gzip: bool,
    count: u64,
}

impl<W: Write> WarcWriter<W> {
    /// Writes to `out`; with `gzip`, each record is a gzip member of its own.
    pub fn new(out: W, gzip: bool) -> Self {
        WarcWriter { out, gzip, count: 0 }
    }

    /// Writes one record of type `kind` (`response`, `request`, ...) for `target` dated
    /// `date` (RFC 3339), with `content` as its block (for a response: the HTTP message).
    pub fn record(
        &mut self,
        kind: &str,
        target: Option<&str>,
        date: &str,
        content: &[u8],
    ) -> io::Result<()> {
        self.count += 1;
        let mut bytes = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{:012x}>\r\nWARC-Date: {date}\r\n",
            self.count
        )
        .into_bytes();
        if let Some(target) = target {
            bytes.extend_from_slice(format!("WARC-Target-URI: {target}\r\n").as_bytes());
        }
        let media = match kind {
            "response" => "application/http; msgtype=response",
            "request" => "application/http; msgtype=request",
            _ => "application/octet-stream",
        };
        bytes.extend_from_slice(
            format!("Content-Type: {media}\r\nContent-Length: {}\r\n\r\n", content.len())
                .as_bytes(),
        );
        bytes.extend_from_slice(content);
        bytes.extend_from_slice(b"\r\n\r\n");
        if self.gzip {
            let mut gz = flate2::write::GzEncoder::new(&mut self.out, flate2::Compression::fast());
            gz.write_all(&bytes)?;
            gz.finish()?;
        } else {
            self.out.write_all(&bytes)?;
        }
        Ok(())
    }

    /// Writes a `response` record holding an HTTP response with `status`, `content_type`
    /// and `body`.
    pub fn response(
        &mut self,
        target: &str,
        date: &str,
        status: u16,
        content_type: &str,
        body: &[u8],
    ) -> io::Result<()> {
        let mut http = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            if status == 200 { "OK" } else { "Other" },
            body.len()
        )
        .into_bytes();
        http.extend_from_slice(body);
        self.record("response", Some(target), date, &http)
    }

    /// Flushes and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(gzip: bool) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if gzip { "a.warc.gz" } else { "a.warc" });
        let mut w = WarcWriter::new(File::create(&path).unwrap(), gzip);
        w.record("warcinfo", None, "2025-09-04T10:00:00Z", b"software: test\r\n").unwrap();
        w.record(
            "request",
            Some("https://a.test/1"),
            "2025-09-04T10:00:00Z",
            b"GET / HTTP/1.1\r\n\r\n",
        )
        .unwrap();
        w.response("https://a.test/1", "2025-09-04T10:00:01Z", 200, "text/html", b"<p>one</p>")
            .unwrap();
        w.response("https://a.test/big", "2025-09-04T10:00:02Z", 200, "text/html", &[b'x'; 5000])
            .unwrap();
        w.response("https://a.test/2", "2025-09-04T10:00:03Z", 404, "text/html", b"gone").unwrap();
        w.finish().unwrap();
        (dir, path)
    }

    fn read_all(path: &Path, from: u64) -> Vec<Record> {
        let mut r = WarcReader::open(path, from, 1000).unwrap();
        let mut out = Vec::new();
        while let Some(record) = r.next_record().unwrap() {
            out.push(record);
        }
        out
    }

    #[test]
    fn plain_and_gzip_files_read_alike_and_resume_at_any_record() {
        for gzip in [false, true] {
            let (_dir, path) = write(gzip);
            let records = read_all(&path, 0);
            let kinds: Vec<&str> = records.iter().map(|r| r.kind.as_str()).collect();
            assert_eq!(kinds, ["warcinfo", "request", "response", "response", "response"]);
            assert_eq!(records[2].target.as_deref(), Some("https://a.test/1"));
            assert_eq!(records[2].date.as_deref(), Some("2025-09-04T10:00:01Z"));
            let Content::Bytes(block) = &records[2].content else { panic!("kept") };
            let http = HttpResponse::parse(block, 100).unwrap();
            assert_eq!((http.status, http.body.as_slice()), (200, &b"<p>one</p>"[..]));
            assert_eq!(http.content_type.as_deref(), Some("text/html"));
            assert!(matches!(records[3].content, Content::TooLarge(n) if n > 5000));
            // Starting at the fourth record's offset reads the last two only.
            let rest = read_all(&path, records[3].offset);
            assert_eq!(rest.len(), 2, "gzip {gzip}");
            assert_eq!(rest[1].target.as_deref(), Some("https://a.test/2"));
        }
    }

    #[test]
    fn a_cut_file_is_truncated_at_its_last_record_and_garbage_is_malformed() {
        for gzip in [false, true] {
            let (_dir, path) = write(gzip);
            let bytes = std::fs::read(&path).unwrap();
            let last = read_all(&path, 0).last().unwrap().offset;
            std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
            let mut r = WarcReader::open(&path, 0, 1000).unwrap();
            let mut read = 0;
            let err = loop {
                match r.next_record() {
                    Ok(Some(_)) => read += 1,
                    Ok(None) => panic!("a cut file read to its end (gzip {gzip})"),
                    Err(e) => break e,
                }
            };
            assert_eq!(read, 4);
            assert!(matches!(err, WarcError::Truncated { offset } if offset == last), "{err}");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.warc");
        std::fs::write(&path, "HTTP/1.1 200 OK\r\n\r\n").unwrap();
        let err = WarcReader::open(&path, 0, 10).unwrap().next_record().unwrap_err();
        assert!(err.to_string().contains("not a WARC record"), "{err}");
    }

    #[test]
    fn chunked_and_gzipped_bodies_are_decoded() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<p>hello</p>").unwrap();
        let body = gz.finish().unwrap();
        let mut block = format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
            body.len()
        )
        .into_bytes();
        block.extend_from_slice(&body);
        block.extend_from_slice(b"\r\n0\r\n\r\n");
        let http = HttpResponse::parse(&block, 1000).unwrap();
        assert_eq!(http.body, b"<p>hello</p>");
        assert!(HttpResponse::parse(b"not http at all", 10).is_none());
    }
}
