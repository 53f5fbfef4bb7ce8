//! `ourvoice-server`: reads its settings from flags and the environment, then serves — or runs
//! a command such as `create-admin`.

use clap::Parser;
use ourvoice_server::config::{Command, Config};
use std::io::BufRead;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let result = match &config.command {
        None => ourvoice_server::run(config.clone()).await,
        Some(Command::CreateAdmin {
            username,
            display_name,
        }) => create_admin(&config, username, display_name.as_deref()).await,
    };
    if let Err(error) = result {
        eprintln!("ourvoice-server: {error}");
        std::process::exit(1);
    }
}

async fn create_admin(
    config: &Config,
    username: &str,
    display_name: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let password = match std::env::var("OURVOICE_ADMIN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            eprintln!("password for {username} (one line on standard input):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let store = ourvoice_server::open_store(config).await?;
    let result = ourvoice_server::console::create_admin(
        &store,
        username,
        display_name.unwrap_or(username),
        &password,
    )
    .await;
    store.close().await;
    let id = result?;
    println!("created administrator {username} (account {id})");
    Ok(())
}
