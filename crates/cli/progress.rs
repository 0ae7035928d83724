//! A backfill's live progress: a bar per input on a terminal, else a log line every few
//! seconds. It reads the pipeline's [`Progress`] meters from a thread of its own.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chorus_pipeline::{Meter, Progress, Unit};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often bars are redrawn.
const DRAW_EVERY: Duration = Duration::from_millis(200);
/// How often a log line is written when stderr is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// The running display; [`Display::finish`] stops it.
pub(crate) struct Display {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Display {
    /// Starts showing `progress`: bars when stderr is a terminal, log lines otherwise.
    pub(crate) fn start(progress: Progress) -> Display {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let tty = std::io::stderr().is_terminal();
        let thread = std::thread::Builder::new()
            .name("chorus-progress".to_owned())
            .spawn(move || if tty { bars(&progress, &flag) } else { log_lines(&progress, &flag) })
            .ok();
        Display { stop, thread }
    }

    /// Stops the display, leaving the bars' last state on screen.
    pub(crate) fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Draws a bar per meter until `stop`.
fn bars(progress: &Progress, stop: &AtomicBool) {
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let mut shown: Vec<(Arc<Meter>, ProgressBar)> = Vec::new();
    loop {
        let done = stop.load(Ordering::Relaxed);
        for meter in progress.meters().into_iter().skip(shown.len()) {
            let bar = multi.add(ProgressBar::new(meter.total()));
            bar.set_style(style(meter.unit));
            bar.set_prefix(meter.name.clone());
            shown.push((meter, bar));
        }
        for (meter, bar) in &shown {
            if meter.total() > 0 {
                bar.set_length(meter.total());
            }
            bar.set_position(meter.done());
            if meter.unit == Unit::Bytes {
                bar.set_message(format!("{} records", meter.items()));
            }
        }
        if done {
            for (_, bar) in &shown {
                bar.abandon();
            }
            return;
        }
        std::thread::sleep(DRAW_EVERY);
    }
}

fn style(unit: Unit) -> ProgressStyle {
    let template = match unit {
        Unit::Bytes => {
            "{prefix:.bold} [{bar:30}] {bytes}/{total_bytes} {msg} {binary_bytes_per_sec} eta {eta}"
        }
        Unit::Items => "{prefix:.bold} [{bar:30}] {pos}/{len} {per_sec} eta {eta}",
    };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// Logs each meter every [`LOG_EVERY`] until `stop`.
fn log_lines(progress: &Progress, stop: &AtomicBool) {
    let start = Instant::now();
    let mut last_log = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if last_log.elapsed() < LOG_EVERY {
            continue;
        }
        last_log = Instant::now();
        let secs = start.elapsed().as_secs_f64().max(0.001);
        for meter in progress.meters() {
            let (done, total) = (meter.done(), meter.total());
            let rate = meter.items() as f64 / secs;
            let percent = if total > 0 { 100.0 * done as f64 / total as f64 } else { 0.0 };
            let eta_secs = if done > 0 && total > done {
                Some(((total - done) as f64 * secs / done as f64).round() as u64)
            } else {
                None
            };
            let unit = match meter.unit {
                Unit::Bytes => "bytes",
                Unit::Items => "items",
            };
            tracing::info!(
                input = meter.name,
                done,
                total,
                unit,
                records = meter.items(),
                per_sec = (rate * 10.0).round() / 10.0,
                percent = (percent * 10.0).round() / 10.0,
                eta_secs,
                "backfill progress"
            );
        }
    }
}
