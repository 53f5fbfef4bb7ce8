//! What one request may take of the server: body sizes per route (before and after gzip),
//! timeouts, how many requests are handled and how many batches parsed at once, and how many
//! new cases one address may create per hour.
//!
//! Guarantees: every route is behind a body limit sized to what it takes, counted on the
//! bytes as sent and again on the bytes after decompression, so a gzip bomb costs the server
//! the limit, never its inflated size; a request over the in-flight cap, or a batch that found
//! no turn before the request timeout, is answered 503 with `Retry-After` (phones back off on
//! it and keep their items queued); an address over its hourly quota of new cases is answered
//! 429 with `Retry-After`, nothing of the batch is stored, and the phone keeps the items.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use http_body_util::{BodyExt, Limited};
use ourvoice_protocol::ApiError;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use crate::config::Config;
use crate::error::AppError;
use crate::ratelimit::AddressBuckets;

/// Console forms: the largest is an answer to a citizen (4,000 characters, form-encoded).
pub const CONSOLE_BODY_BYTES: usize = 64 * 1024;
/// Open311 creates: one form-encoded request with a description of 4,000 characters.
pub const OPEN311_BODY_BYTES: usize = 64 * 1024;
/// A citizen's answer (4,000 characters as JSON, escaped) or rating.
pub const CITIZEN_ACTION_BODY_BYTES: usize = 64 * 1024;
/// A request for updates: up to `MAX_UPDATE_ITEMS` ids with their secrets and cursors.
pub const UPDATES_BODY_BYTES: usize = 512 * 1024;
/// Routes that take no body (reads): anything sent is read up to this and ignored.
pub const NO_BODY_BYTES: usize = 1024;

/// A piece of an attachment's upload (`PUT`), as sent: pieces, never whole files.
pub const UPLOAD_PIECE_BYTES: usize = ourvoice_protocol::MAX_UPLOAD_PIECE_BYTES;
/// Complete uploads whose content is checked at once (decoding a photo takes a core).
pub const ARRIVAL_CHECKS_AT_ONCE: usize = 1;

/// Password hashes and checks at once (argon2id takes 19 MiB and a core's worth of work each).
pub const PASSWORD_CHECKS_AT_ONCE: usize = 2;
/// How long a sign-in waits for a password check before it is answered 429.
pub const PASSWORD_CHECK_WAIT: Duration = Duration::from_secs(3);

/// Puts `router` behind a body limit of `bytes`, counted on the bytes as sent (with room for
/// gzip's framing) and again after decompression; decompression happens between the two.
pub fn body_limit<S: Clone + Send + Sync + 'static>(router: Router<S>, bytes: usize) -> Router<S> {
    let as_sent = bytes + bytes / 64 + 1024;
    router
        .layer(DefaultBodyLimit::max(bytes))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            limit_body(request, next, bytes)
        }))
        .layer(RequestDecompressionLayer::new())
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            limit_body(request, next, as_sent)
        }))
}

/// Refuses a body that says it is larger than `limit`, and stops reading one that turns out
/// to be: reading it then fails with a length-limit error, which handlers answer 413.
async fn limit_body(request: Request, next: Next, limit: usize) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > limit as u64) {
        // Read what was sent, up to a point, so that the client hears the 413 instead of a
        // broken connection (a phone halves its batch on 413); a body far over the limit is
        // refused without reading, and the connection closed.
        if length <= (limit as u64).saturating_mul(4).max(1 << 20) {
            let mut body = request.into_body();
            while let Some(Ok(_)) = body.frame().await {}
        }
        return AppError::bad(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the request body is larger than {limit} bytes"),
        )
        .into_response();
    }
    next.run(request.map(|body| Body::new(Limited::new(body, limit))))
        .await
}

/// Whether reading a body failed because it went past its limit (the error of [`Limited`],
/// however deep in the error's chain the layers put it).
pub fn past_the_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(error), |e| e.source())
        .any(|e| e.is::<http_body_util::LengthLimitError>())
}

/// The limits shared by every request, built from the configuration.
pub struct Limits {
    batch_turns: Arc<Semaphore>,
    password_checks: crate::passwords::PasswordChecks,
    request_timeout: Duration,
    /// New cases per address and hour (none when the quota is off).
    pub new_cases: NewCaseQuota,
}

impl Limits {
    /// The limits of one server; per-address quotas are its share in a fleet of `fleet`.
    pub fn new(config: &Config, fleet: crate::fleet::FleetSize) -> Limits {
        Limits {
            batch_turns: Arc::new(Semaphore::new(config.max_batches_in_flight as usize)),
            password_checks: crate::passwords::PasswordChecks::start(
                PASSWORD_CHECKS_AT_ONCE,
                PASSWORD_CHECK_WAIT,
            ),
            request_timeout: Duration::from_secs(config.request_timeout_seconds),
            new_cases: NewCaseQuota::per_hour(config.new_cases_per_hour, fleet),
        }
    }

    /// Checks `password` against its argon2 `hash` on the password threads; `None` if no
    /// turn came within [`PASSWORD_CHECK_WAIT`] (the caller answers 429; see [`crate::passwords`]).
    pub async fn check_password(&self, password: String, hash: String) -> Option<bool> {
        self.password_checks.check(password, hash).await
    }

    /// An argon2id hash of `password` made on the password threads; `None` if no turn came
    /// within [`PASSWORD_CHECK_WAIT`].
    pub async fn hash_password(&self, password: String) -> Option<String> {
        self.password_checks.hash(password).await
    }

    /// A turn to read and parse one batch; waits for one up to the request timeout, then 503.
    pub async fn batch_turn(&self) -> Result<OwnedSemaphorePermit, AppError> {
        let turns = Arc::clone(&self.batch_turns);
        match tokio::time::timeout(self.request_timeout, turns.acquire_owned()).await {
            Ok(Ok(turn)) => Ok(turn),
            _ => Err({
                crate::metrics::global().refused(crate::metrics::Refusal::BatchTurns);
                AppError::Busy {
                    retry_after_seconds: 5,
                }
            }),
        }
    }
}

/// The hourly quota of new cases, per address (IPv4) or network (IPv6 /64).
pub struct NewCaseQuota(Option<AddressBuckets>);

impl NewCaseQuota {
    pub fn per_hour(cases: u32, fleet: crate::fleet::FleetSize) -> NewCaseQuota {
        NewCaseQuota((cases > 0).then(|| {
            AddressBuckets::new(f64::from(cases) / 3600.0, f64::from(cases), 100_000, fleet)
        }))
    }

    /// Seconds until `ip` may create a new case again; `None` if it may now. A `Some` is
    /// counted as a refusal (callers refuse the request on it).
    pub fn wait_seconds(&self, ip: IpAddr) -> Option<u64> {
        let wait = self.0.as_ref()?.wait(ip, Instant::now())?;
        crate::metrics::global().refused(crate::metrics::Refusal::NewCasesQuota);
        Some(wait.as_secs_f64().ceil().clamp(1.0, 3600.0) as u64)
    }

    /// The 429 answer when `ip` has no new case left this hour.
    pub fn refusal(&self, ip: IpAddr) -> Option<Response> {
        let seconds = self.wait_seconds(ip)?;
        let body = ApiError {
            error: "new_cases_quota".into(),
            message: format!(
                "this address has sent as many new items as it may in an hour; keep them and send again in {seconds} seconds"
            ),
            field: None,
        };
        Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", seconds.to_string())],
                Json(body),
            )
                .into_response(),
        )
    }

    /// Counts `cases` new cases against `ip`'s quota.
    pub fn charge(&self, ip: IpAddr, cases: u32) {
        if let (Some(buckets), true) = (&self.0, cases > 0) {
            buckets.charge(ip, f64::from(cases), Instant::now());
        }
    }
}

/// Puts the server-wide limits around `router`: a cap on requests in flight (503 with
/// `Retry-After` over it), a timeout for each request as a whole (408), and a timeout for each
/// stretch of silence while its body is read.
pub fn apply(router: Router, config: &Config) -> Router {
    let in_flight = Arc::new(Semaphore::new(config.max_requests_in_flight as usize));
    let request_timeout = Duration::from_secs(config.request_timeout_seconds);
    let body_silence = Duration::from_secs(config.header_timeout_seconds);
    router
        .layer(RequestBodyTimeoutLayer::new(body_silence))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(middleware::from_fn_with_state(in_flight, shed))
}

async fn shed(State(in_flight): State<Arc<Semaphore>>, request: Request, next: Next) -> Response {
    match in_flight.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => {
            crate::metrics::global().refused(crate::metrics::Refusal::RequestsInFlight);
            AppError::Busy {
                retry_after_seconds: 1,
            }
            .into_response()
        }
    }
}
