//! `ourvoice-server`: reads its settings from flags and the environment, then serves — or runs
//! a command such as `create-admin`.

use clap::Parser;
use ourvoice_server::backup::BackupError;
use ourvoice_server::config::{Command, Config, DatabaseUrl};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// The allocator: glibc's gave each thread that allocated its own arena and kept what a
/// burst had freed in each, so a long-running server's memory grew with the bursts it had
/// seen (851 MiB after 100,000 cases in the national bench, 273 MiB with two arenas).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        Some(Command::Backup { to }) => backup(&config, to).await,
        Some(Command::Restore { from }) => restore(&config, from).await,
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

/// The SQLite file of the configured database; PostgreSQL has its own tools.
fn sqlite_path(config: &Config) -> Result<PathBuf, BackupError> {
    match &config.database {
        DatabaseUrl::Sqlite(path) => Ok(path.clone()),
        DatabaseUrl::Postgres(_) => Err(BackupError::Postgres),
    }
}

async fn backup(config: &Config, to: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let database = sqlite_path(config)?;
    let target = to.to_path_buf();
    let copied =
        tokio::task::spawn_blocking(move || ourvoice_server::backup::backup(&database, &target))
            .await??;
    println!(
        "backed up to {} ({} bytes, schema {}, in {:.1} s)",
        to.display(),
        copied.bytes,
        copied.schema,
        copied.took.as_secs_f64()
    );
    Ok(())
}

async fn restore(config: &Config, from: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let database = sqlite_path(config)?;
    let source = from.to_path_buf();
    let shown = database.clone();
    let copied =
        tokio::task::spawn_blocking(move || ourvoice_server::backup::restore(&database, &source))
            .await??;
    println!(
        "restored {} from {} (schema {}; the server upgrades it at start if older)",
        shown.display(),
        from.display(),
        copied.schema
    );
    Ok(())
}
