//! `chorus extract`: one page to text, or a directory of pages to one JSON file.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::Context;
use chorus_extract::{ExtractSettings, Extraction, explain, explain_html};
use chorus_fetch::{FetchSettings, Fetcher};
use chorus_model::Article;
use serde::Serialize;
use url::Url;

use crate::args::ExtractArgs;

/// One page's result in the `--html-dir` output file.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
struct PageResult {
    #[serde(rename = "articleBody")]
    article_body: String,
    title: String,
    authors: Vec<String>,
    published: Option<String>,
    published_source: Option<&'static str>,
    language: Option<String>,
    canonical_url: Option<String>,
    flags: Vec<&'static str>,
    /// Why the text may not be the article (see the `uncertain` flag).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    doubts: Vec<&'static str>,
    /// A second reading, from the headline, replaced the first.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    second_reading: bool,
}

impl From<Extraction> for PageResult {
    fn from(e: Extraction) -> Self {
        PageResult {
            doubts: e.doubts.iter().map(|d| d.name()).collect(),
            second_reading: e.second_reading,
            ..PageResult::from(e.article)
        }
    }
}

impl From<Article> for PageResult {
    fn from(a: Article) -> Self {
        PageResult {
            doubts: Vec::new(),
            second_reading: false,
            article_body: a.text,
            title: a.title,
            authors: a.authors,
            published: a.published.map(|t| t.to_rfc3339()),
            published_source: a.published_source.map(|s| s.as_str()),
            language: a.language,
            canonical_url: a.canonical_url.map(|u| u.to_string()),
            flags: a.flags.names(),
        }
    }
}

pub(crate) fn extract(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let (fetch, cfg) = match &args.config {
        Some(path) => {
            let settings = chorus_pipeline::Config::load(path)?;
            (settings.fetch, settings.extract)
        }
        None => (FetchSettings::default(), ExtractSettings::default()),
    };
    if let (Some(dir), Some(out)) = (&args.html_dir, &args.out) {
        return extract_dir(dir, out, args.jobs.max(1), &cfg);
    }
    let Some(file) = &args.file else {
        anyhow::bail!("give a FILE, a URL, or --html-dir DIR --out FILE")
    };
    let extraction = match file
        .to_str()
        .filter(|f| f.starts_with("http://") || f.starts_with("https://"))
    {
        Some(address) => {
            let url = Url::parse(address).with_context(|| format!("{address} is not a URL"))?;
            download_and_extract(&url, &fetch, &cfg)?
        }
        None => {
            let url =
                args.url.as_deref().map(Url::parse).transpose().context("--url is not a URL")?;
            explain_html(&read_page(file)?, url.as_ref(), None, &cfg)
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&PageResult::from(extraction))?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let doubts: Vec<&str> = extraction.doubts.iter().map(|d| d.name()).collect();
    let article = extraction.article;
    writeln!(out, "title:     {}", article.title)?;
    writeln!(out, "authors:   {}", article.authors.join(", "))?;
    let source =
        article.published_source.map(|s| format!(" (from {})", s.as_str())).unwrap_or_default();
    writeln!(out, "published: {}{source}", crate::output::time(article.published))?;
    writeln!(out, "language:  {}", article.language.as_deref().unwrap_or("-"))?;
    writeln!(out, "canonical: {}", article.canonical_url.as_ref().map_or("-", |u| u.as_str()))?;
    writeln!(out, "flags:     {}", article.flags.names().join(", "))?;
    if !doubts.is_empty() {
        writeln!(out, "doubts:    {}", doubts.join(", "))?;
    }
    writeln!(out, "\n{}", article.text)?;
    Ok(ExitCode::SUCCESS)
}

/// Downloads one page as the daemon would (same client, limits, address policy and charset
/// handling) and extracts it.
fn download_and_extract(
    url: &Url,
    fetch: &FetchSettings,
    cfg: &ExtractSettings,
) -> anyhow::Result<Extraction> {
    let fetcher = Fetcher::new(fetch)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let outlet = url.host_str().unwrap_or_default();
    let page = runtime
        .block_on(fetcher.fetch_page(url, outlet, None))
        .map_err(|err| crate::output::fetch_error("downloading", url, err))?;
    explain(&page, cfg).with_context(|| format!("extracting {url}"))
}

/// Every `*.html` and `*.html.gz` in `dir`, extracted by `jobs` threads into one JSON object.
/// An unreadable page is an error (I/O); a page with no article text gets `""`.
fn extract_dir(
    dir: &Path,
    out: &Path,
    jobs: usize,
    cfg: &ExtractSettings,
) -> anyhow::Result<ExitCode> {
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        if !(name.ends_with(".html") || name.ends_with(".html.gz")) || !path.is_file() {
            continue;
        }
        let id = name.split('.').next().unwrap_or(name).to_owned();
        files.push((id, path));
    }
    files.sort();
    files.dedup_by(|later, first| {
        let same = later.0 == first.0;
        if same {
            tracing::warn!(id = %first.0, skipped = %later.1.display(), "two pages share an id; the first file name wins");
        }
        same
    });
    // Created first, so an unwritable path fails before the work, not after it.
    let file = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let next = Mutex::new(files.iter());
    let results = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    loop {
                        let Some((id, path)) =
                            next.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.next()
                        else {
                            return Ok(());
                        };
                        // One unreadable page gets an empty entry; the batch goes on.
                        let result = match read_page(path) {
                            Ok(html) => PageResult::from(explain_html(&html, None, None, cfg)),
                            Err(e) => {
                                tracing::warn!("{e:#}");
                                PageResult::from(Article {
                                    extractor: chorus_extract::VERSION.to_owned(),
                                    page: None,
                                    ..Article::default()
                                })
                            }
                        };
                        results
                            .lock()
                            .map_err(|_| anyhow::anyhow!("poisoned"))?
                            .insert(id.clone(), result);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().map_err(|_| anyhow::anyhow!("an extraction thread panicked"))??;
        }
        Ok(())
    })?;
    let results = results.into_inner().map_err(|_| anyhow::anyhow!("poisoned"))?;
    let mut writer = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut writer, &results)?;
    writer.flush()?;
    tracing::info!(pages = results.len(), out = %out.display(), "extracted");
    Ok(ExitCode::SUCCESS)
}

/// The page's bytes, gunzipped when the name ends in `.gz`.
pub(crate) fn read_page(path: &Path) -> anyhow::Result<Vec<u8>> {
    let raw = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut html)
            .with_context(|| format!("gunzipping {}", path.display()))?;
        return Ok(html);
    }
    Ok(raw)
}
