//! The `chorus` command: flags, tracing, signals, and output. All the work happens in the
//! library crates; this file parses, dispatches and prints.

mod args;
mod compare;
mod discover;
mod export;
mod extract;
mod ingest;
mod maintenance;
mod memory;
mod newsroom;
mod output;
mod probe;
mod progress;
mod query;
mod web;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before anything else runs: the daemon and the web view run for months.
    let restart_failed = match cli.command {
        Command::Run(_) | Command::Serve(_) => memory::settle_allocator(),
        _ => None,
    };
    init_tracing(&cli);
    if let Some(e) = restart_failed {
        tracing::warn!("could not restart with MALLOC_ARENA_MAX=2 ({e}): memory may creep up");
    }
    let result = match cli.command {
        Command::Run(a) => ingest::run(&cli.global, a),
        Command::Backfill(a) => ingest::backfill(&cli.global, a),
        Command::CheckConfig(a) => ingest::check_config(a),
        Command::Events(a) => query::events(&cli.global, a),
        Command::Event(a) => query::event(&cli.global, a),
        Command::Compare(a) => compare::compare(a),
        Command::Search(a) => query::search(&cli.global, a),
        Command::Export(a) => export::export(&cli.global, a),
        Command::Feeds(a) => query::feeds(&cli.global, a),
        Command::Extract(a) => extract::extract(a),
        Command::Discover(a) => discover::discover(a),
        Command::Newsroom(a) => newsroom::serve(a),
        Command::Probe(a) => probe::probe(a),
        Command::Serve(a) => web::serve(&cli.global, a),
        Command::Reextract(a) => maintenance::reextract(&cli.global, a),
        Command::Prune(a) => maintenance::prune(&cli.global, a),
    };
    match result {
        Ok(code) => code,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "chorus: error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Logs go to stderr, so stdout stays clean for data (`chorus export > file.jsonl`).
fn init_tracing(cli: &Cli) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    // html5ever warns about every odd page ("foster parenting not implemented"): noise.
    let default = match cli.global.verbose {
        // Each sitemap's summary of a backfill is worth seeing without asking.
        0 => "warn,html5ever=error,chorus_pipeline::sitemaps=info,chorus::progress=info",
        1 => "info,html5ever=error",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("CHORUS_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if cli.global.log_json {
        builder.json().init();
    } else {
        builder.with_target(false).init();
    }
}
