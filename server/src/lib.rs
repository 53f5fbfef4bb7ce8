//! The Our Voice central server: takes batches of submissions from the apps idempotently,
//! routes each to the office that must answer, and hands status and replies back.
//!
//! Guarantees: bad input gets a 4xx with a JSON body naming the problem, never a 500; an
//! accepted item is durably stored before its answer is sent; on SIGTERM, requests under way
//! finish and every queued write is committed before the process exits.

pub mod api;
pub mod api_keys;
pub mod backup;
pub mod client;
pub mod clock;
pub mod config;
pub mod connections;
pub mod console;
pub mod deadlines;
pub mod error;
pub mod etags;
pub mod fleet;
pub mod html;
pub mod i18n;
pub mod limits;
pub mod made_once;
pub mod metrics;
pub mod objects;
pub mod observe;
pub mod offices;
pub mod open311;
pub mod open_data;
pub mod openapi;
pub mod passwords;
pub mod public;
pub mod ratelimit;
pub mod retention;
pub mod routing;
pub mod scorecards;
pub mod secrets;
pub mod served;
pub mod statistics;
pub mod store;

use axum::Router;
use chrono::NaiveDate;
use ourvoice_directory::Directory;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

use config::Config;
use limits::body_limit;
use store::Store;

/// What every handler can reach.
pub struct AppState {
    pub store: Store,
    pub session_hours: u32,
    /// Minutes a console session may stay unused.
    pub session_idle_minutes: u32,
    pub cookie_secure: bool,
    pub directory: &'static Directory,
    pub max_body_bytes: usize,
    pub max_batch_items: usize,
    /// What one request may take (see [`limits`]).
    pub limits: limits::Limits,
    /// This server as one of a fleet on the same database (see [`fleet`]).
    pub fleet: fleet::Member,
    /// Open311 API keys found valid in the last second.
    pub open311_keys: api_keys::ValidKeys,
    /// The offices switched off (see [`offices`]).
    pub offices: offices::Offices,
    /// Months after closing that a confidential item keeps its contact details (see
    /// [`retention`]).
    pub retain_contacts_months: u32,
    /// Where photos and voice notes are kept (`None`: not set up, uploads are answered 503).
    pub objects: Option<objects::Objects>,
    /// Turns to check a complete upload's content (decoding takes a core while it runs).
    pub arrival_checks: Arc<tokio::sync::Semaphore>,
    /// The public scorecards this server read last (see [`scorecards`]).
    pub scorecards: scorecards::Published,
    /// The public pages this server made of the newest stored scorecards (see [`public`]).
    pub public_pages: public::Pages,
    /// The statistics the console's dashboard shows (see [`statistics`]).
    pub dashboard: statistics::Dashboard,
    /// Open311's listings made in the current second (see [`open311::listings`]).
    pub open311_listings: open311::listings::Listings,
    /// Inbox pages as last read, shared by the officials of an office (see
    /// [`store::inbox::KeptInboxes`]).
    pub inbox_pages: Arc<store::inbox::KeptInboxes>,
    /// Those pages as drawn (see [`console::DrawnInboxes`]).
    pub drawn_inboxes: console::DrawnInboxes,
    /// Console sessions whose last use this server is writing or wrote (see
    /// [`console::SessionTouches`]).
    pub session_touches: console::SessionTouches,
}

impl AppState {
    /// Sessions unused since before this moment have ended.
    pub fn idle_since(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        now - chrono::Duration::minutes(i64::from(self.session_idle_minutes))
    }

    /// Today's date in Cambodia (UTC+7), for date rules.
    pub fn today(&self) -> NaiveDate {
        ourvoice_protocol::cambodia_today(self.store.clock().now())
    }
}

/// The whole HTTP application: the front doors (citizen API, console, Open311, open data, the
/// public pages, the OpenAPI document, `/metrics`), each behind its own body limit, then the
/// limits every request shares, and outside them all the request id, log line and counts of
/// each request.
pub fn app(state: Arc<AppState>, config: &Config) -> Router {
    let state_size = state.fleet.size.clone();
    let routes = Router::new()
        .merge(api::router(state.max_body_bytes))
        .merge(body_limit(
            console::router(&state),
            limits::CONSOLE_BODY_BYTES,
        ))
        .merge(body_limit(open311::router(), limits::OPEN311_BODY_BYTES))
        .merge(body_limit(open_data::router(), limits::NO_BODY_BYTES))
        .merge(body_limit(openapi::router(), limits::NO_BODY_BYTES))
        .merge(body_limit(public::router(), limits::NO_BODY_BYTES))
        // Behind `NO_BODY_BYTES`, inside the check of the scraper's address.
        .merge(metrics::router(config.metrics_allow.clone()))
        .with_state(state)
        // Made per answer, so the fastest level: a kept answer brings its own gzip copy, made
        // once (see `open311::listings`), which this layer leaves as it is.
        .layer(CompressionLayer::new().quality(tower_http::compression::CompressionLevel::Fastest));
    observe::apply(client::apply(
        ratelimit::apply(
            limits::apply(routes, config),
            config.rate_limit_per_second,
            config.rate_limit_burst,
            state_size,
        ),
        config.trusted_proxies.clone(),
    ))
}

/// Opens the store (on SQLite, after taking the file's server lock, see [`backup::lock`]),
/// listens, and serves until SIGTERM or Ctrl-C; then drains and closes.
pub async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    // One server per SQLite file: held until the process ends.
    let _sqlite_lock = match &config.database {
        config::DatabaseUrl::Sqlite(path) => Some(backup::lock(path)?),
        config::DatabaseUrl::Postgres(_) => None,
    };
    let objects = objects::Objects::open(&config)?;
    match &objects {
        Some(objects) => tracing::info!(place = %objects.place, "attachments kept"),
        None => tracing::warn!(
            "no place for photos and voice notes: set --attachments-dir or --attachments-s3-endpoint; until then their uploads are refused"
        ),
    }
    let store = open_store(&config).await?;
    let member = fleet::Member::default();
    let state = Arc::new(AppState {
        store,
        session_hours: config.session_hours,
        session_idle_minutes: config.session_idle_minutes,
        cookie_secure: config.cookie_secure,
        directory: Directory::embedded(),
        max_body_bytes: config.max_body_bytes as usize,
        max_batch_items: config.max_batch_items as usize,
        limits: limits::Limits::new(&config, member.size.clone()),
        fleet: member,
        open311_keys: Default::default(),
        offices: Default::default(),
        retain_contacts_months: config.retain_contacts_months,
        objects,
        arrival_checks: Arc::new(tokio::sync::Semaphore::new(limits::ARRIVAL_CHECKS_AT_ONCE)),
        scorecards: Default::default(),
        public_pages: Default::default(),
        dashboard: statistics::Dashboard::new(std::time::Duration::from_secs(
            config.dashboard_max_age_seconds,
        )),
        open311_listings: Default::default(),
        inbox_pages: Default::default(),
        drawn_inboxes: Default::default(),
        session_touches: made_once::MadeOnce::new(console::SESSION_TOUCHES_KEPT),
    });
    // Joins the fleet (and loads which offices are on) before taking requests.
    fleet::heartbeat(&state).await?;
    let in_step = tokio::spawn(fleet::keep_in_step(Arc::clone(&state)));
    let sweeper = tokio::spawn(deadlines::sweep_forever(
        Arc::clone(&state),
        std::time::Duration::from_secs(config.deadline_sweep_seconds),
    ));
    // Made in the background: a start never waits for a day's scorecards.
    let scorecards = tokio::spawn(scorecards::keep_up_to_date(
        Arc::clone(&state),
        std::time::Duration::from_secs(config.scorecards_check_seconds),
    ));
    let first_tally = statistics::Dashboard::make_first(&state);
    let shutdown = shutdown_signal();
    let listener = TcpListener::bind(config.listen).await?;
    let address = listener.local_addr()?;
    println!("listening on {address}");
    tracing::info!(%address, "Our Voice server started");
    let app = app(Arc::clone(&state), &config);
    let connection_limits = connections::ConnectionLimits {
        max_connections: config.max_connections as usize,
        header_timeout: std::time::Duration::from_secs(config.header_timeout_seconds),
    };
    connections::serve(listener, app, connection_limits, shutdown).await;
    tracing::info!("stopped taking requests; finishing writes");
    sweeper.abort();
    let _ = sweeper.await;
    scorecards.abort();
    let _ = scorecards.await;
    in_step.abort();
    let _ = in_step.await;
    if let Some(first_tally) = first_tally {
        first_tally.abort();
        let _ = first_tally.await;
    }
    fleet::leave(&state).await;
    match Arc::try_unwrap(state) {
        Ok(state) => state.store.close().await,
        Err(state) => {
            tracing::warn!("requests still hold the store; exiting without waiting");
            let _ = tokio::task::spawn_blocking(move || drop(state)).await;
        }
    }
    Ok(())
}

/// The clock the configuration asks for.
pub fn clock(config: &Config) -> clock::Clock {
    match &config.clock_file {
        Some(path) => clock::Clock::File(path.clone()),
        None => clock::Clock::System,
    }
}

/// Opens (creating or upgrading) the configured database off the async threads.
pub async fn open_store(config: &Config) -> Result<Store, Box<dyn std::error::Error>> {
    let url = config.database.clone();
    let clock = clock(config);
    let readers = config.database_readers as usize;
    Ok(tokio::task::spawn_blocking(move || Store::open(&url, clock, readers)).await??)
}

/// SIGTERM or Ctrl-C. Both are listened for from the call on, so call it before the server
/// says it listens: a signal sent the moment it does is not lost to the default action (exit
/// at once, with nothing drained), as it was when they were first listened for as serving began.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, Signal, SignalKind};
    let terminate = signal(SignalKind::terminate());
    let interrupt = signal(SignalKind::interrupt());
    async fn received(signal: std::io::Result<Signal>, name: &str) {
        match signal {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for {name}");
                std::future::pending::<()>().await
            }
        }
    }
    async move {
        tokio::select! {
            _ = received(terminate, "SIGTERM") => {}
            _ = received(interrupt, "SIGINT") => {}
        }
    }
}
