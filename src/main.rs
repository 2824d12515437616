//! The `briefbot` binary: loads `.env`, sets up logging, reads the
//! configuration and hands over to the command line.

use std::process::ExitCode;

use briefbot::{cli, config::Config};

/// Loading knowledge and answering allocate many small, short-lived strings;
/// mimalloc serves them faster than the system allocator (see
/// docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    dotenvy::dotenv().ok();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Config::from_vars(|k| std::env::var(k).ok()) {
        Ok(config) => cli::run(config),
        Err(e) => {
            eprintln!("error: configuration: {e} (see .env.example)");
            ExitCode::from(2)
        }
    }
}
