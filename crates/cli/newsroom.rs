//! `chorus newsroom`: the simulated outlets, served for the demo and for trying Chorus out.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chorus_newsroom::{Newsroom, NewsroomOptions};

use crate::args::NewsroomArgs;

pub(crate) fn serve(args: NewsroomArgs) -> anyhow::Result<ExitCode> {
    let pace = (args.pace_secs > 0.0).then(|| Duration::from_secs_f64(args.pace_secs));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let options = NewsroomOptions {
            listen: args.listen,
            multi_host: args.multi_host,
            pace,
            ..Default::default()
        };
        let newsroom = Newsroom::start(options)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "newsroom serving {} outlets on http://{}; for a config file:\n",
            newsroom.feeds().len(),
            newsroom.addr()
        )?;
        // Chorus refuses loopback addresses unless the config allows them.
        writeln!(out, "[fetch]\nallow_private_networks = true\n")?;
        writeln!(out, "{}", newsroom.demo_config_feeds())?;
        out.flush()?;
        drop(out);
        wait_for_signal().await;
        newsroom.shutdown().await;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
        (Ok(mut int), Ok(mut term)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
