//! The TOML config file: sections named after the crates that own them, loaded in two
//! steps. Serde reads the raw file (unknown keys are errors that name the key), then
//! [`Config::validate`] checks every section and reports every problem at once.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use std::num::NonZeroUsize;

use chorus_dedup::{DedupConfig, DedupSettings};
use chorus_embed::{EmbedConfig, EmbedSettings};
use chorus_extract::{ExtractConfig, ExtractSettings};
use chorus_fetch::{FetchConfig, FetchSettings};
use chorus_model::{FeedSpec, PollPolicy, Problem, Problems};
use chorus_store::{StoreConfig, StoreSettings};
use chorus_web::{HttpConfig, HttpSettings};
use serde::{Deserialize, Serialize};
use toml::de::DeTable;
use url::Url;

/// The longest poll interval accepted: 30 days.
const MAX_INTERVAL_SECS: u64 = 30 * 24 * 3600;

/// The whole config file.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[pipeline]`: channels, polling, shutdown.
    pub pipeline: PipelineConfig,
    /// `[fetch]`: the HTTP client and its politeness.
    pub fetch: FetchConfig,
    /// `[extract]`: HTML to text.
    pub extract: ExtractConfig,
    /// `[dedup]`: duplicates and event clustering.
    pub dedup: DedupConfig,
    /// `[store]`: the SQLite file.
    pub store: StoreConfig,
    /// `[embed]`: the sentence-embedding model.
    pub embed: EmbedConfig,
    /// `[http]`: the read-only web view.
    pub http: HttpConfig,
    /// `[[feeds]]`: what to poll.
    pub feeds: Vec<FeedConfig>,
}

/// `[pipeline]`: how the stages are wired and scheduled.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    /// Capacity of every channel between stages. A full channel stops the stage before it,
    /// which is how a slow store slows the fetcher down instead of filling memory. The
    /// queue into the store holds at least a batch (`store.batch_size`), so that the
    /// stages before it go on while it writes one.
    pub channel_capacity: usize,
    /// The interval a feed's adaptive schedule starts from, before the feed has told
    /// anything about itself. From then on each feed's interval adapts (see "When a feed
    /// is polled" in ARCHITECTURE.md) within `fetch.min_poll_interval_secs` and
    /// `fetch.max_poll_interval_secs`, and this start is clamped into those bounds.
    pub poll_interval_secs: u64,
    /// After SIGINT/SIGTERM, how long in-flight work may take to drain before the stages
    /// still running are named and abandoned.
    pub shutdown_grace_secs: u64,
    /// Articles from feeds are held up to this long, and at most `reorder_articles` of
    /// them (a full window lets the oldest-published out as each new one comes), and
    /// released oldest-published first, so that the deduplicator sees a burst
    /// of concurrent downloads in publication order (the earliest copy of a wire story is
    /// the original). JSONL input is never reordered.
    pub reorder_ms: u64,
    /// See `reorder_ms`.
    pub reorder_articles: usize,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            channel_capacity: 64,
            poll_interval_secs: 900,
            shutdown_grace_secs: 30,
            reorder_ms: 2000,
            reorder_articles: 512,
        }
    }
}

/// One `[[feeds]]` entry.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// The feed's address: RSS 2.0, Atom, JSON Feed or an XML sitemap.
    pub url: String,
    /// The outlet's name as users will see it. `name` is accepted as an alias.
    #[serde(alias = "name")]
    pub outlet: String,
    /// This feed's own poll interval, fixed: the adaptive schedule is off for it, and it is
    /// used even below `fetch.min_poll_interval_secs`. Server hints (`Retry-After`,
    /// `max-age`, `<ttl>`) and the backoff of a failing feed still lengthen it.
    #[serde(default)]
    pub poll_interval_secs: Option<u64>,
    /// Whether robots.txt is honoured for this feed and the pages it lists, overriding
    /// `fetch.respect_robots` (for a feed the outlet has agreed to, say).
    #[serde(default)]
    pub respect_robots: Option<bool>,
}

/// A feed after validation: an http(s) address, an outlet name and a poll interval of
/// one second to 30 days. Made only by [`Config::validate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    spec: FeedSpec,
    policy: PollPolicy,
}

impl Feed {
    /// Its address and outlet.
    pub fn spec(&self) -> &FeedSpec {
        &self.spec
    }

    /// How its interval is chosen: fixed when the feed sets `poll_interval_secs`, else
    /// adaptive from `pipeline.poll_interval_secs`.
    pub fn policy(&self) -> PollPolicy {
        self.policy
    }

    /// Its fixed interval, or the interval its adaptive schedule starts from.
    pub fn interval(&self) -> Duration {
        match self.policy {
            PollPolicy::Adaptive { start } => start,
            PollPolicy::Fixed(interval) => interval,
        }
    }
}

/// The whole config once checked ([`Config::validate`]): what [`crate::run`] takes. Each
/// section is its crate's checked settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `[pipeline]`.
    pub pipeline: PipelineSettings,
    /// `[fetch]`.
    pub fetch: FetchSettings,
    /// `[extract]`.
    pub extract: ExtractSettings,
    /// `[dedup]`.
    pub dedup: DedupSettings,
    /// `[store]`. The binary may point `store.path` elsewhere (`--db`).
    pub store: StoreSettings,
    /// `[embed]`.
    pub embed: EmbedSettings,
    /// `[http]`.
    pub http: HttpSettings,
    /// `[[feeds]]`, in file order.
    pub feeds: Vec<Feed>,
}

impl Default for Settings {
    /// The built-in defaults, with no feeds.
    fn default() -> Self {
        Config::default().validate().expect("the default config is valid")
    }
}

/// `[pipeline]` once checked. See [`PipelineConfig`] for what each key means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineSettings {
    channel_capacity: NonZeroUsize,
    shutdown_grace: Duration,
    reorder_window: Duration,
    reorder_articles: NonZeroUsize,
}

impl PipelineSettings {
    /// Capacity of every channel between stages (`channel_capacity`).
    pub fn channel_capacity(&self) -> NonZeroUsize {
        self.channel_capacity
    }

    /// How long in-flight work may take to drain after a signal (`shutdown_grace_secs`,
    /// one second to an hour).
    pub fn grace(&self) -> Duration {
        self.shutdown_grace
    }

    /// How long the reorder buffer holds an article at most (`reorder_ms`, at most a
    /// minute).
    pub fn reorder_window(&self) -> Duration {
        self.reorder_window
    }

    /// How many articles the reorder buffer holds at most (`reorder_articles`).
    pub fn reorder_articles(&self) -> NonZeroUsize {
        self.reorder_articles
    }
}

/// One thing wrong in a config file: the key it concerns, if one, and the line it is on,
/// when the file says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The line (from 1) of the key, or of its section when the key is absent.
    pub line: Option<usize>,
    /// The key (`fetch.timeout_secs`, `feeds[2].url`); `None` for a syntax error.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        match &self.key {
            Some(key) => write!(f, "{key} {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A config file that could not be used, with every problem found in it.
#[derive(Debug)]
pub struct ConfigError {
    /// The file (or what the text was given as).
    pub path: PathBuf,
    /// Every problem, in the order of the file's sections.
    pub problems: Vec<ConfigProblem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid config {}:", self.path.display())?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn one(path: &Path, line: Option<usize>, message: String) -> ConfigError {
        ConfigError {
            path: path.to_owned(),
            problems: vec![ConfigProblem { line, key: None, message }],
        }
    }
}

impl Config {
    /// Reads, parses and checks a config file.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::one(path, None, format!("cannot read the file: {e}")))?;
        Config::parse(&text, path)
    }

    /// Parses and checks config text; `path` names it in error messages. Every problem
    /// carries the line of its key.
    pub fn parse(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        Config::from_toml(text, path)?.validate().map_err(|problems| ConfigError {
            path: path.to_owned(),
            problems: problems
                .into_iter()
                .map(|p| ConfigProblem {
                    line: line_of_key(text, &p.key),
                    key: Some(p.key),
                    message: p.message,
                })
                .collect(),
        })
    }

    /// Parses config text without checking the values: a syntax error or an unknown key
    /// is the only failure. For tools that edit or compare config files; the pipeline
    /// wants [`Config::parse`].
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_at(text, span.start));
            ConfigError::one(path, line, e.message().trim().to_owned())
        })
    }

    /// Checks every section and returns the settings, or every problem at once.
    pub fn validate(&self) -> Result<Settings, Vec<Problem>> {
        let pipeline = self.pipeline.validate();
        let fetch = self.fetch.validate();
        let extract = self.extract.validate();
        let dedup = self.dedup.validate();
        let store = self.store.validate();
        let embed = self.embed.validate();
        let http = self.http.validate();
        let feeds = self.validate_feeds();
        match (pipeline, fetch, extract, dedup, store, embed, http, feeds) {
            (
                Ok(pipeline),
                Ok(fetch),
                Ok(extract),
                Ok(dedup),
                Ok(store),
                Ok(embed),
                Ok(http),
                Ok(feeds),
            ) => Ok(Settings { pipeline, fetch, extract, dedup, store, embed, http, feeds }),
            (pipeline, fetch, extract, dedup, store, embed, http, feeds) => {
                let mut problems = Vec::new();
                problems.extend(pipeline.err().into_iter().flatten());
                problems.extend(fetch.err().into_iter().flatten());
                problems.extend(extract.err().into_iter().flatten());
                problems.extend(dedup.err().into_iter().flatten());
                problems.extend(store.err().into_iter().flatten());
                problems.extend(embed.err().into_iter().flatten());
                problems.extend(http.err().into_iter().flatten());
                problems.extend(feeds.err().into_iter().flatten());
                Err(problems)
            }
        }
    }

    fn validate_feeds(&self) -> Result<Vec<Feed>, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut feeds = Vec::new();
        let mut seen = HashSet::new();
        let default_interval = self.pipeline.poll_interval_secs;
        for (i, feed) in self.feeds.iter().enumerate() {
            let at = |key: &str| format!("feeds[{i}].{key}");
            let before = problems.len();
            let max_url_bytes = self.fetch.max_url_bytes;
            let url = match Url::parse(&feed.url) {
                Ok(u) if u.as_str().len() > max_url_bytes => {
                    problems.push(Problem::new(
                        at("url"),
                        format!(
                            "is {} bytes long, more than fetch.max_url_bytes ({max_url_bytes})",
                            u.as_str().len()
                        ),
                    ));
                    None
                }
                Ok(u) if matches!(u.scheme(), "http" | "https") => Some(u),
                Ok(u) => {
                    problems.push(Problem::new(
                        at("url"),
                        format!("scheme `{}` is not supported (use http or https)", u.scheme()),
                    ));
                    None
                }
                Err(e) => {
                    problems
                        .push(Problem::new(at("url"), format!("`{}` is not a URL: {e}", feed.url)));
                    None
                }
            };
            let outlet = feed.outlet.trim();
            if outlet.is_empty() {
                problems.push(Problem::new(at("outlet"), "must not be empty"));
            }
            if feed.poll_interval_secs.is_some_and(|s| !(1..=MAX_INTERVAL_SECS).contains(&s)) {
                problems.push(Problem::new(
                    at("poll_interval_secs"),
                    format!("must be between 1 and {MAX_INTERVAL_SECS} (30 days)"),
                ));
            }
            if !seen.insert(feed.url.as_str()) {
                problems.push(Problem::new(at("url"), format!("`{}` is listed twice", feed.url)));
            }
            if let Some(url) = url.filter(|_| problems.len() == before) {
                let policy = match feed.poll_interval_secs {
                    Some(secs) => PollPolicy::Fixed(Duration::from_secs(secs)),
                    None => PollPolicy::Adaptive { start: Duration::from_secs(default_interval) },
                };
                let spec = FeedSpec {
                    url,
                    outlet: outlet.to_owned(),
                    respect_robots: feed.respect_robots,
                };
                feeds.push(Feed { spec, policy });
            }
        }
        if problems.is_empty() { Ok(feeds) } else { Err(problems) }
    }
}

impl PipelineConfig {
    /// Checks `[pipeline]` and returns it typed, or every problem in it.
    pub fn validate(&self) -> Result<PipelineSettings, Vec<Problem>> {
        let mut p = Problems::new("pipeline");
        p.at_least("channel_capacity", self.channel_capacity as u64, 1);
        p.between("poll_interval_secs", self.poll_interval_secs, 1, MAX_INTERVAL_SECS);
        p.between("shutdown_grace_secs", self.shutdown_grace_secs, 1, 3600);
        p.between("reorder_ms", self.reorder_ms, 0, 60_000);
        p.at_least("reorder_articles", self.reorder_articles as u64, 1);
        let nonzero = |n: usize| NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        p.finish(|| PipelineSettings {
            channel_capacity: nonzero(self.channel_capacity),
            shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
            reorder_window: Duration::from_millis(self.reorder_ms),
            reorder_articles: nonzero(self.reorder_articles),
        })
    }
}

/// The line (from 1) that byte `offset` of `text` is on.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The line of `key` (`fetch.timeout_secs`, `feeds[2].url`) in `text`: of the key itself,
/// else of the nearest enclosing table that is written out. `None` when the text does not
/// parse or names none of them (a problem with a default value).
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let root = DeTable::parse(text).ok()?;
    let mut table: &DeTable<'_> = root.get_ref();
    let mut found = None;
    for part in key.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let Some((k, v)) = table.get_key_value(name) else { break };
        found = Some(k.span().start);
        let mut value = v;
        if let Some(i) = index {
            let Some(item) = value.get_ref().as_array().and_then(|a| a.get(i)) else { break };
            found = Some(item.span().start);
            value = item;
        }
        match value.get_ref().as_table() {
            Some(inner) => table = inner,
            None => {
                found = Some(value.span().start.min(found.unwrap_or(usize::MAX)));
                break;
            }
        }
    }
    found.map(|offset| line_at(text, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        Config::parse(text, Path::new("test.toml"))
    }

    #[test]
    fn empty_file_is_all_defaults() {
        assert_eq!(Config::from_toml("", Path::new("x")).unwrap(), Config::default());
        let settings = parse("").unwrap();
        assert_eq!(settings.pipeline, Settings::default().pipeline);
        assert_eq!(settings.fetch, FetchSettings::default());
        assert!(settings.feeds.is_empty());
    }

    #[test]
    fn a_feed_may_turn_robots_txt_on_or_off_for_itself() {
        let text = "[fetch]\nrespect_robots = true\nper_host_gap_ms = 250\n\
                    [[feeds]]\nurl = \"http://a.test/f\"\noutlet = \"A\"\nrespect_robots = false\n\
                    [[feeds]]\nurl = \"http://b.test/f\"\noutlet = \"B\"\n";
        let settings = parse(text).unwrap();
        assert!(settings.fetch.respect_robots);
        assert_eq!(settings.fetch.per_host_gap, Duration::from_millis(250));
        assert_eq!(settings.feeds[0].spec().respect_robots, Some(false));
        assert_eq!(settings.feeds[1].spec().respect_robots, None);
    }

    #[test]
    fn unknown_key_names_the_key_and_the_file() {
        let err = parse("[fetch]\ntimeout_secs = 5\nspeed = 3\n").unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("test.toml"), "{shown}");
        assert!(shown.contains("speed"), "{shown}");
        assert!(shown.contains("line 3"), "{shown}");
    }

    #[test]
    fn every_problem_is_reported_at_once_with_key_and_line() {
        let text = "[pipeline]\nchannel_capacity = 0\n\n[fetch]\ntimeout_secs = 0\n\
                    [[feeds]]\nurl = \"http://a.test/f\"\noutlet = \"A\"\n\
                    [[feeds]]\nurl = \"ftp://x.test/f\"\noutlet = \"\"\n";
        let err = parse(text).unwrap_err();
        let found: Vec<(Option<usize>, &str)> =
            err.problems.iter().map(|p| (p.line, p.key.as_deref().unwrap())).collect();
        assert_eq!(
            found,
            [
                (Some(2), "pipeline.channel_capacity"),
                (Some(5), "fetch.timeout_secs"),
                (Some(10), "feeds[1].url"),
                (Some(11), "feeds[1].outlet"),
            ],
            "{err}"
        );
        assert!(err.to_string().contains("line 5: fetch.timeout_secs must be at least 1"), "{err}");
    }

    #[test]
    fn a_problem_with_a_key_in_an_inline_table_or_dotted_key_is_placed() {
        let err = parse("fetch = { timeout_secs = 0 }\n").unwrap_err();
        assert_eq!(err.problems[0].line, Some(1));
        let err = parse("\n\nstore.batch_size = 0\n").unwrap_err();
        assert_eq!(err.problems[0].line, Some(3), "{err}");
    }

    #[test]
    fn a_cross_key_problem_points_at_the_section_when_its_key_is_absent() {
        let err = parse("[fetch]\n\ntimeout_secs = 5\n").unwrap_err();
        assert_eq!(err.problems[0].key.as_deref(), Some("fetch.connect_timeout_secs"));
        assert_eq!(err.problems[0].line, Some(1), "{err}");
    }

    #[test]
    fn feeds_accept_name_as_alias_and_inherit_the_interval() {
        let settings = parse(
            "[pipeline]\npoll_interval_secs = 60\n[[feeds]]\nurl = \"http://127.0.0.1:9/a.xml\"\nname = \" A \"\n\
             [[feeds]]\nurl = \"http://127.0.0.1:9/b.xml\"\noutlet = \"B\"\npoll_interval_secs = 5\n",
        )
        .unwrap();
        let feeds = &settings.feeds;
        assert_eq!(feeds[0].spec().outlet, "A");
        assert_eq!(feeds[0].interval(), Duration::from_secs(60));
        assert_eq!(feeds[1].interval(), Duration::from_secs(5));
        assert!(matches!(feeds[0].policy(), PollPolicy::Adaptive { .. }));
        assert_eq!(feeds[1].policy(), PollPolicy::Fixed(Duration::from_secs(5)));
    }

    #[test]
    fn a_feed_address_over_the_url_limit_is_a_problem_on_its_line() {
        let long = format!("http://a.test/{}", "f".repeat(300));
        let text = format!(
            "[fetch]\nmax_url_bytes = 256\n\n[[feeds]]\nurl = \"http://a.test/ok\"\noutlet = \"A\"\n\
             [[feeds]]\nurl = \"{long}\"\noutlet = \"B\"\n"
        );
        let err = parse(&text).unwrap_err();
        assert_eq!(err.problems.len(), 1, "{err}");
        assert_eq!(err.problems[0].key.as_deref(), Some("feeds[1].url"));
        assert_eq!(err.problems[0].line, Some(8));
        assert_eq!(
            err.problems[0].message,
            "is 314 bytes long, more than fetch.max_url_bytes (256)"
        );
    }

    #[test]
    fn the_web_view_section_is_checked_with_the_rest() {
        let err =
            parse("[store]\nbatch_size = 0\n[http]\nlisten = \"localhost\"\ntoken = \"short\"\n")
                .unwrap_err();
        let found: Vec<(Option<usize>, &str)> =
            err.problems.iter().map(|p| (p.line, p.key.as_deref().unwrap())).collect();
        assert_eq!(
            found,
            [(Some(2), "store.batch_size"), (Some(4), "http.listen"), (Some(5), "http.token")]
        );
        let settings = parse("[http]\nlisten = \"127.0.0.1:9310\"\n").unwrap();
        assert_eq!(settings.http.listen, Some("127.0.0.1:9310".parse().unwrap()));
        assert_eq!(parse("").unwrap().http, chorus_web::HttpSettings::default());
    }

    #[test]
    fn a_listed_twice_feed_is_a_problem_not_a_silent_drop() {
        let err = parse(
            "[[feeds]]\nurl = \"http://a.test/f\"\noutlet = \"A\"\n\
             [[feeds]]\nurl = \"http://a.test/f\"\noutlet = \"B\"\n",
        )
        .unwrap_err();
        assert_eq!(err.problems.len(), 1, "{err}");
        assert_eq!(err.problems[0].line, Some(5));
    }
}
