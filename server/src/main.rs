//! The `probity` binary.

#![forbid(unsafe_code)]

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = probity_server::config::Cli::parse();
    match probity_server::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("probity: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
