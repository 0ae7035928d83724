//! Command-line flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Chorus collects one event's coverage from many news outlets, groups it into events
/// across outlets, and shows where the outlets differ.
#[derive(Debug, Parser)]
#[command(name = "chorus", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The SQLite database. Default: the config's `[store] path`, else ./chorus.db.
    #[arg(long, global = true, env = "CHORUS_DB", value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,
    /// More log output (-v info, -vv debug, -vvv trace). CHORUS_LOG overrides it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Log as JSON lines on stderr.
    #[arg(long, global = true)]
    pub(crate) log_json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the daemon: poll the config's feeds until SIGINT/SIGTERM, then drain and exit;
    /// SIGHUP reloads the feed list from the config file.
    Run(RunArgs),
    /// Poll each feed once (or replay a JSONL file, or read sitemaps), then exit with a
    /// per-stage summary.
    Backfill(BackfillArgs),
    /// Validate config files and report every problem in each.
    CheckConfig(CheckConfigArgs),
    /// List events, newest or most covered first.
    Events(EventsArgs),
    /// Show one event: every outlet's article, and what only one outlet claims.
    Event(EventArgs),
    /// Compare two texts or more (plain text or HTML pages): what they state alike, where
    /// their figures differ, and what only one states.
    Compare(CompareArgs),
    /// Full-text search over titles and article text.
    Search(SearchArgs),
    /// Export articles (all, or those the filters take) as JSON lines, CSV or Parquet.
    Export(ExportArgs),
    /// Feed health: last success, last new article, last error.
    Feeds(FeedsArgs),
    /// Extract one HTML page (a file, or a URL to download) and print its text and metadata.
    Extract(ExtractArgs),
    /// Find a site's feeds and sitemaps, and print a `[[feeds]]` block to paste.
    Discover(DiscoverArgs),
    /// Serve the simulated newsroom (outlets, feeds, articles) on loopback, for the demo.
    Newsroom(NewsroomArgs),
    /// Read one feed or sitemap (a URL or a file) and show what Chorus finds in it, without
    /// storing anything.
    Probe(ProbeArgs),
    /// Serve the read-only web view of a database: pages, a JSON API, /metrics and
    /// /healthz. Prints the address it serves on.
    Serve(ServeArgs),
    /// Run the current extractor over the pages the database kept, and update the
    /// articles it now reads differently, their duplicates and events.
    Reextract(ReextractArgs),
    /// Remove kept pages (or, with --articles, whole articles) older than some days, and
    /// give the space back.
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ReextractArgs {
    /// Take `[extract]`, `[dedup]` and the database path (`[store] path`) from this config.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Only pages fetched at or after this time (a date is its midnight UTC).
    #[arg(long, value_name = "DATE")]
    pub(crate) since: Option<String>,
    /// Only pages of this outlet (its name as stored, exactly).
    #[arg(long, value_name = "NAME")]
    pub(crate) outlet: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PruneArgs {
    /// Take the database path from this config's `[store] path`.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Remove what is older than this many days: kept pages by their fetch time, articles
    /// by their fetch time (else the time they were stored).
    #[arg(long, value_name = "DAYS")]
    pub(crate) older_than: u32,
    /// Remove whole articles (with their pages, search index rows and copies' links),
    /// not only their kept pages.
    #[arg(long)]
    pub(crate) articles: bool,
    /// Count what would be removed, and remove nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Read `[http]`, `[embed]` and the database path (`[store] path`) from this config.
    #[command(flatten)]
    pub(crate) db: DbFromConfig,
    /// Address to listen on (`127.0.0.1:0` picks a free port). Default: the config's
    /// `[http] listen`, else 127.0.0.1:9310. Any address that is not loopback needs a token.
    #[arg(long, value_name = "ADDR")]
    pub(crate) listen: Option<std::net::SocketAddr>,
    /// Read the bearer token from this file (else $CHORUS_HTTP_TOKEN, else `[http] token`);
    /// with a token, every route but /healthz needs `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "FILE")]
    pub(crate) token_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// A feed or sitemap: an `http(s)://` address to read as a poll would, or a file.
    #[arg(value_name = "URL|FILE")]
    pub(crate) target: String,
    /// Take the `[fetch]` settings from this config file instead of the defaults
    /// (`[fetch] allow_private_networks = true` to read from your own network).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// For a file: the feed's own URL, to resolve relative links against.
    #[arg(long, value_name = "URL")]
    pub(crate) base: Option<String>,
    /// Print `{"entries": [{"url", "title", "published"}, ...], ...}`.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The config file.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) config: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct BackfillArgs {
    /// The config file: it tunes the stages, and its feeds are polled once unless --jsonl
    /// is given (then only with --feeds).
    #[arg(short, long, value_name = "FILE", required_unless_present_any = ["jsonl", "sitemap", "urls", "warc"])]
    pub(crate) config: Option<PathBuf>,
    /// With --config and --jsonl: poll the config's feeds once too.
    #[arg(long, requires = "config")]
    pub(crate) feeds: bool,
    /// Replay pre-extracted articles (`{"id","source","time","url","title","text"}` a line)
    /// in file order, entering at the dedup stage; give it again for more files.
    #[arg(long, value_name = "FILE")]
    pub(crate) jsonl: Vec<PathBuf>,
    /// Download the article pages listed in FILE, one URL a line (`#` starts a comment);
    /// give it again for more lists.
    #[arg(long, value_name = "FILE")]
    pub(crate) urls: Vec<PathBuf>,
    /// Read the pages a sitemap or sitemap index lists (Google News sitemaps too); give it
    /// again for more sitemaps.
    #[arg(long, value_name = "URL")]
    pub(crate) sitemap: Vec<url::Url>,
    /// Extract the HTML pages a WARC archive holds (WARC 1.0/1.1, `.warc` or `.warc.gz`
    /// with one gzip member per record); give it again for more files. A file read part-way
    /// by a killed run resumes where that run got to.
    #[arg(long, value_name = "FILE")]
    pub(crate) warc: Vec<PathBuf>,
    /// With --sitemap: keep entries published at or after this time (a date is its
    /// midnight UTC). Undated entries are kept.
    #[arg(long, value_name = "DATE", requires = "sitemap")]
    pub(crate) since: Option<String>,
    /// With --sitemap: keep entries published at or before this time (a date is its whole
    /// day, UTC).
    #[arg(long, value_name = "DATE", requires = "sitemap")]
    pub(crate) until: Option<String>,
    /// Write nothing: list what would be read or downloaded from each input, and how much
    /// of it is stored already (sitemaps are read to count their pages).
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Print the summary (or the --dry-run listing) as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DiscoverArgs {
    /// The site's page (its home page, usually).
    #[arg(value_name = "URL")]
    pub(crate) url: url::Url,
    /// Fetch politely as this config's `[fetch]` section says.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Print `{"feeds": [...], "sitemaps": [...]}`.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckConfigArgs {
    /// The files to check.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
}

/// Where read commands find the database when --db is not given.
#[derive(Debug, Args)]
pub(crate) struct DbFromConfig {
    /// Read the database path from this config's `[store] path`.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum EventSort {
    /// Most recently active first.
    Newest,
    /// Most outlets first.
    Coverage,
}

#[derive(Debug, Args)]
pub(crate) struct EventsArgs {
    #[command(flatten)]
    pub(crate) db: DbFromConfig,
    /// Sort order.
    #[arg(long, value_enum, default_value = "newest")]
    pub(crate) sort: EventSort,
    /// How many events to list.
    #[arg(short = 'n', long, default_value_t = 50)]
    pub(crate) limit: usize,
    /// Only events covered by at least this many outlets (articles read from a JSONL file
    /// may have none).
    #[arg(long, default_value_t = 0)]
    pub(crate) min_outlets: usize,
    /// Print JSON lines instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct EventArgs {
    #[command(flatten)]
    pub(crate) db: DbFromConfig,
    /// The event id (ids of events merged into another still work).
    pub(crate) id: i64,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The texts: plain text, or HTML pages (`.html.gz` too), whose article text is
    /// extracted as the pipeline extracts it.
    #[arg(required = true, num_args = 2.., value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Print `{"coverage": {...}}`, the same object as `chorus event --json`.
    #[arg(long)]
    pub(crate) json: bool,
    /// The sentence-embedding model's folder. Default: the installed model, else words
    /// alone.
    #[arg(long, value_name = "DIR")]
    pub(crate) model_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    #[command(flatten)]
    pub(crate) db: DbFromConfig,
    /// Words to find (all of them), or an FTS5 query.
    #[arg(required = true)]
    pub(crate) query: Vec<String>,
    /// How many hits to show.
    #[arg(short = 'n', long, default_value_t = 20)]
    pub(crate) limit: usize,
    /// Print JSON lines instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ExportFormat {
    /// One JSON object a line.
    Jsonl,
    /// RFC 4180 CSV with a header row; lists as JSON arrays, no value as an empty field.
    Csv,
    /// Apache Parquet (Snappy); to a file with --out, or to a redirected stdout.
    Parquet,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ExportTimeArg {
    /// The publication time; articles without one are left out by --since/--until.
    Published,
    /// When the article was written into the database.
    Stored,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    pub(crate) db: DbFromConfig,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub(crate) format: ExportFormat,
    /// Write here instead of stdout (in full or not at all: a failed export leaves no
    /// file, and an earlier one as it was).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// Only articles whose time (see --time) is at or after this: a date (its midnight,
    /// UTC) or a time (2025-09-04T10:00:00Z).
    #[arg(long, value_name = "DATE")]
    pub(crate) since: Option<String>,
    /// Only articles whose time (see --time) is at or before this: a date (to its end,
    /// UTC) or a time.
    #[arg(long, value_name = "DATE")]
    pub(crate) until: Option<String>,
    /// Which time --since and --until bound.
    #[arg(long, value_enum, default_value = "published")]
    pub(crate) time: ExportTimeArg,
    /// Only this outlet's articles (its name as stored, exactly); repeat for several.
    #[arg(long, value_name = "NAME")]
    pub(crate) outlet: Vec<String>,
    /// Only this event's articles (a merged event's id stands for the event it joined);
    /// repeat for several.
    #[arg(long, value_name = "ID")]
    pub(crate) event: Vec<i64>,
    /// Only articles matching this full-text query (the syntax of `chorus search`).
    #[arg(long, value_name = "QUERY")]
    pub(crate) query: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct FeedsArgs {
    #[command(flatten)]
    pub(crate) db: DbFromConfig,
    /// Print JSON lines instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
    /// An HTML file (`.html` or `.html.gz`), or an `http(s)://` address to download (with
    /// the `[fetch]` limits: timeouts, body cap, redirects, and no loopback or private
    /// address unless the config allows it).
    #[arg(value_name = "FILE|URL", required_unless_present = "html_dir")]
    pub(crate) file: Option<PathBuf>,
    /// Take the `[fetch]` and `[extract]` settings from this config file instead of the
    /// defaults (`[fetch] allow_private_networks = true` to download from your own
    /// network).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// For a file: the page's URL, to resolve relative links and read dates in the path.
    #[arg(long)]
    pub(crate) url: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Extract every `*.html` and `*.html.gz` in this directory (with --out).
    #[arg(long, value_name = "DIR", requires = "out")]
    pub(crate) html_dir: Option<PathBuf>,
    /// With --html-dir: write `{ID: {...}}` here (ID = file name up to the first dot).
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// With --html-dir: pages extracted in parallel.
    #[arg(long, default_value_t = 1)]
    pub(crate) jobs: usize,
}

#[derive(Debug, Args)]
pub(crate) struct NewsroomArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7311")]
    pub(crate) listen: std::net::SocketAddr,
    /// Reveal one simulated day of news every this many seconds (0: everything at once).
    #[arg(long, default_value_t = 0.0)]
    pub(crate) pace_secs: f64,
    /// Serve each outlet on its own loopback address (127.0.0.10, .11, ...).
    #[arg(long)]
    pub(crate) multi_host: bool,
}
