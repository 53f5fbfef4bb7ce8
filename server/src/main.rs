//! `ourvoice-server`: reads its settings from flags and the environment, then serves.

use clap::Parser;
use ourvoice_server::config::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    if let Err(error) = ourvoice_server::run(config).await {
        eprintln!("ourvoice-server: {error}");
        std::process::exit(1);
    }
}
