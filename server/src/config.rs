//! The server's settings: each has a flag, an environment variable and a default, and is
//! checked at start so that a wrong value stops the server with a sentence saying what to fix.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the data lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite:///absolute/path.db` or `sqlite://relative/path.db`: created and migrated at start.
    Sqlite(PathBuf),
    /// `postgres://user@host:port/database` (or `postgresql://`): migrated at start.
    Postgres(String),
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(url: &str) -> Result<DatabaseUrl, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(
                    "the sqlite URL has no file path: write sqlite:///var/lib/ourvoice/ourvoice.db"
                        .into(),
                );
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let target = crate::store::pg_tls::PgTarget::parse(url)
                .map_err(|e| format!("the postgres URL: {e}"))?;
            if target.client_url.parse::<postgres::Config>().is_err() {
                return Err(
                    "the postgres URL is unreadable: write postgres://user@host:5432/database"
                        .into(),
                );
            }
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        Err(format!(
            "unknown database URL '{url}': write sqlite:///path/to/ourvoice.db or postgres://user@host/database"
        ))
    }
}

/// `ourvoice-server --listen 127.0.0.1:8080 --database sqlite:///var/lib/ourvoice/ourvoice.db`
#[derive(Clone, Debug, Parser)]
#[command(
    name = "ourvoice-server",
    version,
    about = "The Our Voice central server"
)]
pub struct Config {
    /// Address and port to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, env = "OURVOICE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Database URL: sqlite:///absolute/path.db, sqlite://relative/path.db or
    /// postgres://user@host:5432/database.
    #[arg(
        long,
        env = "OURVOICE_DATABASE",
        default_value = "sqlite://ourvoice.db"
    )]
    pub database: DatabaseUrl,

    /// Largest request body accepted, in bytes, both as sent and after gzip decompression.
    #[arg(long, env = "OURVOICE_MAX_BODY_BYTES", default_value_t = 4 * 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1024..=64 * 1024 * 1024))]
    pub max_body_bytes: u64,

    /// Most submissions in one batch.
    #[arg(long, env = "OURVOICE_MAX_BATCH_ITEMS", default_value_t = ourvoice_protocol::MAX_BATCH_ITEMS as u64,
          value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub max_batch_items: u64,

    /// Requests per second allowed from one IP address, on average (0 turns the limit off).
    /// Many phones may share one carrier IP address: keep it generous.
    #[arg(long, env = "OURVOICE_RATE_LIMIT_PER_SECOND", default_value_t = 50)]
    pub rate_limit_per_second: u32,

    /// Requests one IP address may make at once above the average.
    #[arg(long, env = "OURVOICE_RATE_LIMIT_BURST", default_value_t = 200)]
    pub rate_limit_burst: u32,

    /// New cases one address may create per hour, through the app or Open311 (0 turns the
    /// quota off). Over it, the answer is 429 with `Retry-After` and the phone keeps the items
    /// queued. Many phones share a carrier's address: keep it generous.
    #[arg(long, env = "OURVOICE_NEW_CASES_PER_HOUR", default_value_t = 1000)]
    pub new_cases_per_hour: u32,

    /// Most connections open at once; a connection over it is answered 503 and closed.
    #[arg(long, env = "OURVOICE_MAX_CONNECTIONS", default_value_t = 2048,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,

    /// Most requests handled at once; a request over it is answered 503 with `Retry-After`.
    #[arg(long, env = "OURVOICE_MAX_REQUESTS_IN_FLIGHT", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_requests_in_flight: u32,

    /// Most device batches read and parsed at once (each up to --max-body-bytes); further ones
    /// wait for a turn up to the request timeout.
    #[arg(long, env = "OURVOICE_MAX_BATCHES_IN_FLIGHT", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_batches_in_flight: u32,

    /// Seconds a client has to send a request's headers; also how long an idle kept-alive
    /// connection stays open.
    #[arg(long, env = "OURVOICE_HEADER_TIMEOUT_SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub header_timeout_seconds: u64,

    /// Seconds a client has to send a request's body, and the server to answer it.
    #[arg(long, env = "OURVOICE_REQUEST_TIMEOUT_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_seconds: u64,

    /// Database connections for reading, at most (PostgreSQL: keep the writers' four plus
    /// this under the server's `max_connections`, for every server process).
    #[arg(long, env = "OURVOICE_DATABASE_READERS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub database_readers: u32,

    /// Reverse proxies in front of the server (addresses or networks, comma-separated, e.g.
    /// `127.0.0.1,10.0.0.0/8`): for requests from them the client's address is taken from
    /// `X-Forwarded-For`, for the request limit and login throttling. None by default.
    #[arg(
        long = "trusted-proxy",
        env = "OURVOICE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<crate::client::TrustedProxy>,

    /// Log filter, e.g. `info` or `ourvoice_server=debug` (each answered request is one line
    /// at `info` with target `ourvoice_server::http`: `info,ourvoice_server::http=warn` leaves
    /// them out).
    #[arg(long, env = "OURVOICE_LOG", default_value = "info")]
    pub log: String,

    /// How logs are written to standard error: `text` for people, `json` for one JSON object
    /// per line (each request's lines carry its request id; see `observe`).
    #[arg(long, value_enum, env = "OURVOICE_LOG_FORMAT", default_value = "text")]
    pub log_format: crate::observe::LogFormat,

    /// Who may read `GET /metrics` (addresses or networks, comma-separated), judged by the TCP
    /// peer's address; a request that came through a proxy (`X-Forwarded-For`) never may.
    /// Everyone else gets 404.
    #[arg(
        long,
        env = "OURVOICE_METRICS_ALLOW",
        value_delimiter = ',',
        default_value = "127.0.0.1/32,::1/128"
    )]
    pub metrics_allow: Vec<crate::client::TrustedProxy>,

    /// Hours a console session lasts after login.
    #[arg(long, env = "OURVOICE_SESSION_HOURS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=24 * 30))]
    pub session_hours: u32,

    /// Minutes a console session may stay unused before it ends (besides its lifetime in hours).
    #[arg(long, env = "OURVOICE_SESSION_IDLE_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=24 * 60))]
    pub session_idle_minutes: u32,

    /// Mark console cookies `Secure` (sent over HTTPS only; then their names carry the
    /// `__Host-` prefix and console answers carry `Strict-Transport-Security`). Keep true in
    /// production; false only for plain-HTTP development and tests on loopback.
    #[arg(long, env = "OURVOICE_COOKIE_SECURE", default_value_t = true, action = clap::ArgAction::Set)]
    pub cookie_secure: bool,

    /// Seconds between two sweeps that flag overdue items and escalate them.
    #[arg(long, env = "OURVOICE_DEADLINE_SWEEP_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub deadline_sweep_seconds: u64,

    /// Seconds between two checks that the public scorecards are of the last whole day (made
    /// once a day for the whole fleet; a check is one small read).
    #[arg(long, env = "OURVOICE_SCORECARDS_CHECK_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub scorecards_check_seconds: u64,

    /// Seconds the console's dashboard may show a tally without looking for changes; an older
    /// one is shown while a new one is made. 0: every view after a change waits for a new one.
    #[arg(long, env = "OURVOICE_DASHBOARD_MAX_AGE_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub dashboard_max_age_seconds: u64,

    /// Months after an item closes that the contact details of a confidential item are kept;
    /// then the deadline sweep erases them (the item and its coded fields stay).
    #[arg(long, env = "OURVOICE_RETAIN_CONTACTS_MONTHS", default_value_t = 24,
          value_parser = clap::value_parser!(u32).range(1..=1200))]
    pub retain_contacts_months: u32,

    /// The folder where photos and voice notes are kept (created if missing). By default
    /// `attachments` beside a SQLite database; on PostgreSQL give this or an S3 store (a
    /// fleet shares attachments only through S3).
    #[arg(long, env = "OURVOICE_ATTACHMENTS_DIR")]
    pub attachments_dir: Option<PathBuf>,

    /// Keep photos and voice notes in an S3-compatible store at this endpoint (e.g.
    /// `https://s3.example.org`) instead of a folder. The keys come from the environment
    /// variables OURVOICE_ATTACHMENTS_S3_KEY_ID and OURVOICE_ATTACHMENTS_S3_SECRET.
    #[arg(long, env = "OURVOICE_ATTACHMENTS_S3_ENDPOINT")]
    pub attachments_s3_endpoint: Option<String>,

    /// The S3 bucket of photos and voice notes.
    #[arg(long, env = "OURVOICE_ATTACHMENTS_S3_BUCKET")]
    pub attachments_s3_bucket: Option<String>,

    /// The S3 store's region.
    #[arg(
        long,
        env = "OURVOICE_ATTACHMENTS_S3_REGION",
        default_value = "us-east-1"
    )]
    pub attachments_s3_region: String,

    /// Allow a plain-HTTP S3 endpoint that is not on this machine (only on a private
    /// network); a loopback endpoint is always allowed.
    #[arg(long, env = "OURVOICE_ATTACHMENTS_S3_ALLOW_HTTP", default_value_t = false, action = clap::ArgAction::Set)]
    pub attachments_s3_allow_http: bool,

    /// For tests only: read the current time from this file (RFC 3339) instead of the system
    /// clock, so that deadlines and session expiry can be tested without waiting.
    #[arg(long, env = "OURVOICE_CLOCK_FILE")]
    pub clock_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do instead of serving.
#[derive(Clone, Debug, clap::Subcommand)]
pub enum Command {
    /// Creates an administrator account (the first one, or another). The password is read from
    /// the environment variable OURVOICE_ADMIN_PASSWORD or, if unset, from the first line of
    /// standard input; it must have at least 12 characters.
    CreateAdmin {
        /// The login name.
        #[arg(long)]
        username: String,
        /// The name shown in the console.
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Issues an Open311 API key for a client (e.g. a FixMyStreet site) and prints it once;
    /// only its SHA-256 digest is stored.
    CreateApiKey {
        /// Who the key is for (unique).
        #[arg(long)]
        name: String,
    },
    /// Revokes the Open311 API key issued under this name, at once.
    RevokeApiKey {
        #[arg(long)]
        name: String,
    },
    /// Copies the SQLite database, while a server may be serving it, to FILE: one consistent
    /// snapshot, written beside FILE, fsynced, then renamed. For PostgreSQL use pg_dump.
    Backup {
        /// Where the copy goes (replaced if it exists).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Puts a backup made by `backup` in place of the SQLite database, after checking it is an
    /// Our Voice database of a schema this server knows. Refused while a server serves the
    /// database. For PostgreSQL use pg_restore.
    Restore {
        /// The backup file (left as it is).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_read_or_explained() {
        for (url, expect) in [
            (
                "sqlite:///var/lib/ov.db",
                Ok(DatabaseUrl::Sqlite("/var/lib/ov.db".into())),
            ),
            ("sqlite://ov.db", Ok(DatabaseUrl::Sqlite("ov.db".into()))),
            ("sqlite://", Err("has no file path")),
            (
                "postgres://localhost/ov",
                Ok(DatabaseUrl::Postgres("postgres://localhost/ov".into())),
            ),
            ("mysql://x", Err("unknown database URL")),
        ] {
            let actual = url.parse::<DatabaseUrl>();
            match (actual, expect) {
                (Ok(a), Ok(e)) => assert_eq!(a, e),
                (Err(a), Err(e)) => assert!(a.contains(e), "{a}"),
                (a, e) => panic!("{url}: {a:?} vs {e:?}"),
            }
        }
    }

    #[test]
    fn flags_and_defaults() {
        let config = Config::try_parse_from([
            "ourvoice-server",
            "--listen",
            "127.0.0.1:0",
            "--database",
            "sqlite:///tmp/x.db",
        ])
        .unwrap();
        assert_eq!(config.listen.port(), 0);
        assert_eq!(config.max_batch_items, 200);
        assert_eq!(config.retain_contacts_months, 24);
        assert!(
            Config::try_parse_from(["ourvoice-server", "--retain-contacts-months", "0"]).is_err()
        );
        assert!(Config::try_parse_from(["ourvoice-server", "--max-batch-items", "0"]).is_err());
        assert!(Config::try_parse_from(["ourvoice-server", "--listen", "nowhere"]).is_err());
    }
}
