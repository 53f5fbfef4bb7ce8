//! `ourvoice-server`: reads its settings from flags and the environment, then serves — or runs
//! a command such as `create-admin`.

use clap::Parser;
use ourvoice_server::config::{Command, Config};
use std::io::BufRead;

#[tokio::main]
async fn main() {
    let config = Config::parse();
    ourvoice_server::observe::init_logging(&config.log, config.log_format);
    let result = match &config.command {
        None => ourvoice_server::run(config.clone()).await,
        Some(Command::CreateAdmin {
            username,
            display_name,
        }) => create_admin(&config, username, display_name.as_deref()).await,
        Some(Command::CreateApiKey { name }) => create_api_key(&config, name).await,
        Some(Command::RevokeApiKey { name }) => revoke_api_key(&config, name).await,
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

async fn create_api_key(config: &Config, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let key = ourvoice_protocol::Secret::generate().expose().to_string();
    let digest = ourvoice_server::secrets::digest(&key);
    let store = ourvoice_server::open_store(config).await?;
    let now = store.clock().now();
    let owner = name.to_string();
    let result = store
        .write(move |sql| ourvoice_server::store::open311::create_key(sql, &owner, &digest, now))
        .await;
    store.close().await;
    result
        .map_err(|e| format!("could not create the key (is the name {name} already used?): {e}"))?;
    println!("{key}");
    eprintln!("API key for {name} created; it is shown only this once");
    Ok(())
}

async fn revoke_api_key(config: &Config, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let store = ourvoice_server::open_store(config).await?;
    let now = store.clock().now();
    let owner = name.to_string();
    let result = store
        .write(move |sql| ourvoice_server::store::open311::revoke_key(sql, &owner, now))
        .await;
    store.close().await;
    match result? {
        0 => Err(format!("there is no active API key named {name}").into()),
        _ => {
            println!("revoked the API key of {name}");
            Ok(())
        }
    }
}
