//! The TOML config file: sections named after the crates that own them, loaded in two
//! steps. Serde reads the raw file (unknown keys are errors that name the key), then
//! [`Config::validate`] checks every section and reports every problem at once.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chorus_dedup::DedupConfig;
use chorus_extract::ExtractConfig;
use chorus_fetch::FetchConfig;
use chorus_model::FeedSpec;
use chorus_store::StoreConfig;
use serde::{Deserialize, Serialize};
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
    /// `[[feeds]]`: what to poll.
    pub feeds: Vec<FeedConfig>,
}

/// `[pipeline]`: how the stages are wired and scheduled.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    /// Capacity of every channel between stages. A full channel stops the stage before it,
    /// which is how a slow store slows the fetcher down instead of filling memory.
    pub channel_capacity: usize,
    /// How often the daemon polls each feed, unless the feed sets its own interval.
    pub poll_interval_secs: u64,
    /// After SIGINT/SIGTERM, how long in-flight work may take to drain before the stages
    /// still running are named and abandoned.
    pub shutdown_grace_secs: u64,
    /// Articles from feeds are held up to this long, and at most `reorder_articles` of
    /// them, and released oldest-published first, so that the deduplicator sees a burst
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
    /// This feed's own poll interval, overriding `pipeline.poll_interval_secs`.
    #[serde(default)]
    pub poll_interval_secs: Option<u64>,
}

/// A feed after validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    /// Its address and outlet.
    pub spec: FeedSpec,
    /// How often to poll it.
    pub interval: Duration,
}

/// A config file that could not be used, with every problem found in it.
#[derive(Debug)]
pub struct ConfigError {
    /// The file (or `<string>` for text given directly).
    pub path: PathBuf,
    /// Every problem, each naming the key it concerns.
    pub problems: Vec<String>,
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

impl Config {
    /// Reads, parses and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_owned(),
            problems: vec![format!("cannot read the file: {e}")],
        })?;
        Config::parse(&text, path)
    }

    /// Parses and validates config text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_owned(),
            problems: vec![describe_toml_error(&e, text)],
        })?;
        let problems = config.validate();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError { path: path.to_owned(), problems })
        }
    }

    /// Every problem in the config, each naming its key; empty when it is usable.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        problems.extend(self.pipeline.validate());
        problems.extend(self.fetch.validate());
        problems.extend(self.extract.validate());
        problems.extend(self.dedup.validate());
        problems.extend(self.store.validate());
        let mut seen = HashSet::new();
        for (i, feed) in self.feeds.iter().enumerate() {
            let at = format!("feeds[{i}]");
            match Url::parse(&feed.url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                Ok(u) => problems.push(format!(
                    "{at}.url: scheme `{}` is not supported (use http or https)",
                    u.scheme()
                )),
                Err(e) => problems.push(format!("{at}.url: `{}` is not a URL: {e}", feed.url)),
            }
            if feed.outlet.trim().is_empty() {
                problems.push(format!("{at}.outlet must not be empty"));
            }
            if feed.poll_interval_secs.is_some_and(|s| !(1..=MAX_INTERVAL_SECS).contains(&s)) {
                problems.push(format!(
                    "{at}.poll_interval_secs must be between 1 and {MAX_INTERVAL_SECS} (30 days)"
                ));
            }
            if !seen.insert(feed.url.as_str()) {
                problems.push(format!("{at}.url: `{}` is listed twice", feed.url));
            }
        }
        problems
    }

    /// The validated feeds. Call after [`Config::validate`] found nothing; a feed whose URL
    /// does not parse is left out.
    pub fn feeds(&self) -> Vec<Feed> {
        self.feeds
            .iter()
            .filter_map(|f| {
                let url = Url::parse(&f.url).ok()?;
                let secs = f.poll_interval_secs.unwrap_or(self.pipeline.poll_interval_secs);
                Some(Feed {
                    spec: FeedSpec { url, outlet: f.outlet.trim().to_owned() },
                    interval: Duration::from_secs(secs.max(1)),
                })
            })
            .collect()
    }
}

impl PipelineConfig {
    /// Every problem in `[pipeline]`.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.channel_capacity == 0 {
            problems.push("pipeline.channel_capacity must be at least 1".to_owned());
        }
        if !(1..=MAX_INTERVAL_SECS).contains(&self.poll_interval_secs) {
            problems.push(format!(
                "pipeline.poll_interval_secs must be between 1 and {MAX_INTERVAL_SECS} (30 days)"
            ));
        }
        if !(1..=3600).contains(&self.shutdown_grace_secs) {
            problems.push("pipeline.shutdown_grace_secs must be between 1 and 3600".to_owned());
        }
        if self.reorder_ms > 60_000 {
            problems.push("pipeline.reorder_ms must be at most 60000 (one minute)".to_owned());
        }
        if self.reorder_articles == 0 {
            problems.push("pipeline.reorder_articles must be at least 1".to_owned());
        }
        problems
    }

    /// The shutdown grace period.
    pub fn grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// How long the reorder buffer holds an article at most.
    pub fn reorder_window(&self) -> Duration {
        Duration::from_millis(self.reorder_ms)
    }
}

/// toml's messages name the unknown key and show the offending line; keep that, flattened
/// onto one line so it reads well after the file name.
fn describe_toml_error(e: &toml::de::Error, text: &str) -> String {
    let message = e.message().trim().to_owned();
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("test.toml"))
    }

    #[test]
    fn empty_file_is_all_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
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
    fn every_problem_is_reported_at_once() {
        let err = parse(
            "[pipeline]\nchannel_capacity = 0\n[[feeds]]\nurl = \"ftp://x.test/f\"\noutlet = \"\"\n",
        )
        .unwrap_err();
        assert_eq!(err.problems.len(), 3, "{err}");
    }

    #[test]
    fn feeds_accept_name_as_alias_and_inherit_the_interval() {
        let config = parse(
            "[pipeline]\npoll_interval_secs = 60\n[[feeds]]\nurl = \"http://127.0.0.1:9/a.xml\"\nname = \"A\"\n\
             [[feeds]]\nurl = \"http://127.0.0.1:9/b.xml\"\noutlet = \"B\"\npoll_interval_secs = 5\n",
        )
        .unwrap();
        let feeds = config.feeds();
        assert_eq!(feeds[0].spec.outlet, "A");
        assert_eq!(feeds[0].interval, Duration::from_secs(60));
        assert_eq!(feeds[1].interval, Duration::from_secs(5));
    }
}
