//! The `probity` binary.

#![forbid(unsafe_code)]

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // A panic's message may quote what it was working on (a report's text, a name): the log
    // gets where it happened, never the message.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|at| format!("{}:{}", at.file(), at.line()))
            .unwrap_or_default();
        tracing::error!(%place, "a task panicked; its message is withheld because it may hold case data");
        eprintln!("probity: a task panicked at {place}; its message is withheld");
    }));
    let cli = probity_server::config::Cli::parse();
    match probity_server::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("probity: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
