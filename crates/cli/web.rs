//! `chorus serve`, and the view `chorus run` serves beside the daemon.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chorus_model::live::StageState;
use chorus_web::{Figure, HttpSettings, Kind, LiveFigures, Token, ViewOptions};
use tokio_util::sync::CancellationToken;

use crate::args::{Global, ServeArgs};
use crate::output::db_path;

/// The environment variable that may hold the view's bearer token.
const TOKEN_ENV: &str = "CHORUS_HTTP_TOKEN";

/// Serves the read-only view until SIGINT or SIGTERM.
pub(crate) fn serve(global: &Global, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let path = db_path(global, &args.db)?;
    let (http, embed) = match &args.db.config {
        Some(file) => {
            let settings = chorus_pipeline::Config::load(file)?;
            (settings.http, settings.embed)
        }
        None => (HttpSettings::default(), chorus_embed::EmbedSettings::default()),
    };
    let token = token(args.token_file.as_deref(), http.token)?;
    let listen = match args.listen.or(http.listen) {
        Some(addr) => addr,
        None => chorus_web::DEFAULT_LISTEN.parse().context("the default address")?,
    };
    // A wrong path or an unreadable file is a start-up error, not a view of 503s.
    crate::output::open_read_only(&path)?;
    let model = view_model(&embed);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async {
        // Signals first: one that comes once the address is announced must stop the view
        // cleanly, not kill it.
        let shutdown = CancellationToken::new();
        let watcher = tokio::spawn(crate::ingest::watch_signals(shutdown.clone()));
        let listener = chorus_web::bind(listen, token.as_ref()).await?;
        announce(&listener, &path)?;
        let options = ViewOptions { db: path, token, model, live: None };
        let served = chorus_web::serve(listener, chorus_web::router(options), shutdown).await;
        watcher.abort();
        tracing::info!("the web view stopped");
        served.map_err(anyhow::Error::from)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Prints where the view is, on stdout, at once: scripts and tests read the address from
/// the first line (the port is the system's choice with `:0`).
fn announce(listener: &tokio::net::TcpListener, db: &Path) -> anyhow::Result<SocketAddr> {
    let addr = listener.local_addr().context("reading the bound address")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "serving {} on http://{addr}/", db.display())?;
    out.flush()?;
    Ok(addr)
}

/// The token: `--token-file`, else `$CHORUS_HTTP_TOKEN`, else the config's.
fn token(file: Option<&Path>, configured: Option<Token>) -> anyhow::Result<Option<Token>> {
    let (text, from) = match file {
        Some(file) => (
            std::fs::read_to_string(file)
                .with_context(|| format!("cannot read the token file {}", file.display()))?,
            file.display().to_string(),
        ),
        None => match std::env::var(TOKEN_ENV) {
            Ok(text) if !text.is_empty() => (text, format!("${TOKEN_ENV}")),
            _ => return Ok(configured),
        },
    };
    Token::new(&text).map(Some).map_err(|why| anyhow::anyhow!("the token in {from} {why}"))
}

/// The model comparisons use, if one loads; the view works by words alone without one.
fn view_model(embed: &chorus_embed::EmbedSettings) -> Option<Arc<chorus_embed::Embedder>> {
    match embed.load() {
        Ok(chorus_embed::Loaded::Model(model)) => Some(Arc::from(model)),
        Ok(chorus_embed::Loaded::Absent(why)) => {
            tracing::warn!("event pages compare on words alone: {why}");
            None
        }
        Err(e) => {
            tracing::warn!("event pages compare on words alone: {e}");
            None
        }
    }
}

/// The daemon's view: bound before the pipeline starts (a busy port fails the start),
/// served until `shutdown`.
pub(crate) struct DaemonView {
    listener: tokio::net::TcpListener,
    options: ViewOptions,
}

impl DaemonView {
    /// Binds `[http] listen`, when the config sets it.
    pub(crate) async fn bind(
        config: &chorus_pipeline::Settings,
    ) -> anyhow::Result<Option<DaemonView>> {
        let Some(listen) = config.http.listen else { return Ok(None) };
        let token = token(None, config.http.token.clone())?;
        let listener = chorus_web::bind(listen, token.as_ref()).await?;
        announce(&listener, &config.store.path)?;
        let embed = config.embed.clone();
        let model = tokio::task::spawn_blocking(move || view_model(&embed)).await.unwrap_or(None);
        let live: Arc<dyn LiveFigures> = Arc::new(DaemonFigures { started: Instant::now() });
        let options =
            ViewOptions { db: PathBuf::from(&config.store.path), token, model, live: Some(live) };
        Ok(Some(DaemonView { listener, options }))
    }

    pub(crate) async fn serve(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let router = chorus_web::router(self.options);
        Ok(chorus_web::serve(self.listener, router, shutdown).await?)
    }
}

/// What the daemon adds to `/metrics`: its pipeline's live figures
/// ([`chorus_model::live()`]), and its health for `/healthz`.
struct DaemonFigures {
    started: Instant,
}

impl LiveFigures for DaemonFigures {
    fn figures(&self) -> Vec<Figure> {
        let live = chorus_model::live();
        let mut out = vec![gauge(
            "chorus_daemon_uptime_seconds",
            "Seconds since the daemon serving this view started.",
            Vec::new(),
            self.started.elapsed().as_secs_f64(),
        )];
        for stage in chorus_model::Stage::ALL {
            let figures = live.stage(stage);
            let state = figures.state();
            if state == StageState::Idle {
                continue;
            }
            let name = || vec![("stage".to_owned(), stage.as_str().to_owned())];
            out.push(gauge(
                "chorus_stage_up",
                "1 while the stage runs, 0 once it ended or failed.",
                name(),
                f64::from(u8::from(state == StageState::Running)),
            ));
            out.push(counter(
                "chorus_stage_received_total",
                "Items each stage took from its input.",
                name(),
                figures.received() as f64,
            ));
            out.push(counter(
                "chorus_stage_sent_total",
                "Items each stage sent on (the store: articles newly written).",
                name(),
                figures.sent() as f64,
            ));
            out.push(counter(
                "chorus_stage_cpu_seconds_total",
                "CPU time each stage's work took, on whichever thread ran it.",
                name(),
                figures.cpu_seconds(),
            ));
            for (reason, n) in figures.dropped() {
                let mut labels = name();
                labels.push(("reason".to_owned(), reason));
                out.push(counter(
                    "chorus_stage_dropped_total",
                    "Items each stage dropped, by reason.",
                    labels,
                    n as f64,
                ));
            }
        }
        for queue in live.queues() {
            let name = || vec![("queue".to_owned(), queue.name.to_owned())];
            out.push(gauge(
                "chorus_queue_depth",
                "Items waiting in each channel between stages.",
                name(),
                queue.depth as f64,
            ));
            out.push(gauge(
                "chorus_queue_capacity",
                "The most each channel between stages holds.",
                name(),
                queue.capacity as f64,
            ));
        }
        for fetch in live.fetch_latencies() {
            let labels = vec![
                ("kind".to_owned(), fetch.kind.to_owned()),
                ("outcome".to_owned(), fetch.outcome.clone()),
            ];
            let help = "Fetch time by kind (feed, page) and outcome, politeness waits excluded.";
            histogram(&mut out, "chorus_fetch_duration_seconds", help, &labels, &fetch.histogram);
        }
        for stage in chorus_model::Stage::ALL {
            let ages = live.stage(stage).ages();
            if ages.count == 0 {
                continue;
            }
            let labels = vec![("stage".to_owned(), stage.as_str().to_owned())];
            let help = "Seconds from an article's download to its leaving each stage (store: \
                        written): the pipeline's latency, stage by stage.";
            histogram(&mut out, "chorus_article_age_seconds", help, &labels, &ages);
        }
        out
    }

    fn health(&self) -> Result<(), String> {
        chorus_model::live().health()
    }
}

/// The samples of one Prometheus histogram: cumulative buckets, `+Inf`, sum and count.
fn histogram(
    out: &mut Vec<Figure>,
    name: &str,
    help: &str,
    labels: &[(String, String)],
    histogram: &chorus_model::live::Histogram,
) {
    let sample = |suffix: &str, labels: Vec<(String, String)>, value: f64| Figure {
        name: format!("{name}{suffix}"),
        help: help.to_owned(),
        kind: Kind::Histogram,
        labels,
        value,
    };
    let mut cumulative = 0;
    let bounds = chorus_model::live::LATENCY_BUCKETS.iter().map(|b| b.to_string());
    for (bound, n) in bounds.zip(histogram.buckets) {
        cumulative += n;
        let mut with_le = labels.to_vec();
        with_le.push(("le".to_owned(), bound));
        out.push(sample("_bucket", with_le, cumulative as f64));
    }
    let mut with_le = labels.to_vec();
    with_le.push(("le".to_owned(), "+Inf".to_owned()));
    out.push(sample("_bucket", with_le, histogram.count as f64));
    out.push(sample("_sum", labels.to_vec(), histogram.sum));
    out.push(sample("_count", labels.to_vec(), histogram.count as f64));
}

fn gauge(name: &str, help: &str, labels: Vec<(String, String)>, value: f64) -> Figure {
    Figure { name: name.to_owned(), help: help.to_owned(), kind: Kind::Gauge, labels, value }
}

fn counter(name: &str, help: &str, labels: Vec<(String, String)>, value: f64) -> Figure {
    Figure { name: name.to_owned(), help: help.to_owned(), kind: Kind::Counter, labels, value }
}
