//! `GET /metrics`: what the server is doing, in the Prometheus text format (version 0.0.4), for
//! the operator's Prometheus and nobody else.
//!
//! What it counts: requests per route, method and status class, and their latency per route and
//! status class; items per group commit of ingests; jobs queued for the writer threads; read
//! connections in use and pooled; items overdue now; deadline sweeps and their failures; the
//! public scorecards' daily runs, their failures and durations; connections open; requests in flight; refusals (rate limit, quota of new cases, in-flight
//! cap, batch turns, connection cap).
//!
//! Guarantees:
//! - **Bounded labels, no personal data.** A route is the template the router matched
//!   (`/console/cases/{number}`), never the URI as sent; anything that matched no route is
//!   `unmatched`; methods outside the usual few are `other`; statuses are classes (`2xx`…).
//!   No address, code, id or text of a request ever becomes a label.
//! - **A scrape is cheap.** Everything is an atomic read except the count of overdue items, an
//!   indexed count (`cases_by_due`: open statuses, `due_at` before now) run at most once per
//!   [`OVERDUE_CACHE`] whatever the number of scrapes, and given up after [`OVERDUE_WAIT`]
//!   (the last count is shown then). No scrape scans all cases.
//! - **Only allowed addresses see it.** `/metrics` answers only a request whose TCP peer is in
//!   `--metrics-allow` (default loopback: `127.0.0.1/32,::1/128`) and that carries none of the
//!   headers a reverse proxy adds (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`). Anything
//!   else gets the same empty 404 as a path the server does not have, so the route is not
//!   advertised (nor is it in the OpenAPI document). The TCP peer is taken, never
//!   `X-Forwarded-For` (see [`crate::client`]): a balancer on the same machine connects from
//!   loopback, so without the header rule every client behind it would count as loopback. A
//!   balancer that forwards a request adds `X-Forwarded-For` (HAProxy `option forwardfor`,
//!   nginx `proxy_add_x_forwarded_for`), and then `/metrics` is refused; operators should still
//!   not route `/metrics` through the public front, and scrape each server on its own address.
//!
//! Why `prometheus-client` (the Prometheus project's Rust client) rather than hand-written
//! text: it writes the 0.0.4 text format with its escaping and histogram rules
//! (`encoding::prometheus_text`), its metrics are atomics, and it brings four small crates.
//! The metrics live in one process-wide registry ([`global`]) so that the store's writer
//! threads and the connection loop can count without being handed a reference.

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use crate::client::TrustedProxy;
use crate::limits::{self, body_limit};
use crate::AppState;

/// How long a count of overdue items is shown before the next scrape counts again.
pub const OVERDUE_CACHE: Duration = Duration::from_secs(15);
/// How long a scrape waits for the count of overdue items before showing the last one.
pub const OVERDUE_WAIT: Duration = Duration::from_secs(2);

/// The label of a request that matched no route.
pub const UNMATCHED: &str = "unmatched";

/// Headers a reverse proxy adds: a request that carries one came through a proxy.
const PROXY_HEADERS: [&str; 3] = ["x-forwarded-for", "forwarded", "x-real-ip"];

/// Latency buckets in seconds: 1 ms to the longest request timeout worth telling apart.
const LATENCY_BUCKETS: [f64; 15] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// Why a request or connection was turned away (the `reason` label; a closed set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The per-address request rate (429).
    RateLimit,
    /// The per-address hourly quota of new cases (429).
    NewCasesQuota,
    /// The cap on requests in flight (503).
    RequestsInFlight,
    /// No turn to parse a batch within the request timeout (503).
    BatchTurns,
    /// The cap on open connections (503, then closed).
    Connections,
}

impl Refusal {
    pub const ALL: [Refusal; 5] = [
        Refusal::RateLimit,
        Refusal::NewCasesQuota,
        Refusal::RequestsInFlight,
        Refusal::BatchTurns,
        Refusal::Connections,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::RateLimit => "rate_limit",
            Refusal::NewCasesQuota => "new_cases_quota",
            Refusal::RequestsInFlight => "requests_in_flight",
            Refusal::BatchTurns => "batch_turns",
            Refusal::Connections => "connections",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    route: String,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

/// How the store's queues and read pool stand at one moment (see `Store::pool_use`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolUse {
    /// Jobs waiting for a writer thread (ingests and console writes).
    pub queued_jobs: usize,
    /// Read turns taken (each a read connection in use, or about to be).
    pub readers_in_use: usize,
    /// Read connections open and idle in the pool.
    pub readers_pooled: usize,
    /// Read connections at most.
    pub readers_max: usize,
}

/// Every metric of the process.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<LatencyLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    connections_open: Gauge,
    refusals: Family<ReasonLabels, Counter>,
    group_commit_items: Histogram,
    queued_jobs: Gauge,
    readers_in_use: Gauge,
    readers_pooled: Gauge,
    readers_max: Gauge,
    overdue: Gauge,
    /// When the overdue items were last counted (held while counting, so one scrape counts).
    overdue_counted: tokio::sync::Mutex<Option<Instant>>,
    sweeps: Counter,
    sweep_failures: Counter,
    attachment_bytes: Counter,
    attachments_ended: Family<StateLabels, Counter>,
    scorecard_runs: Counter,
    scorecard_run_failures: Counter,
    scorecard_run_seconds: Histogram,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Family<LatencyLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        let refusals = Family::<ReasonLabels, Counter>::default();
        for reason in Refusal::ALL {
            let _ = refusals.get_or_create(&ReasonLabels {
                reason: reason.as_str(),
            });
        }
        let attachments_ended = Family::<StateLabels, Counter>::default();
        for state in [
            ourvoice_protocol::AttachmentState::Received,
            ourvoice_protocol::AttachmentState::Refused,
        ] {
            let _ = attachments_ended.get_or_create(&StateLabels {
                state: ourvoice_protocol::Code::as_str(state),
            });
        }
        // 1, 2, 4 … 4096 items (a group commit takes at most 4096).
        let group_commit_items = Histogram::new(exponential_buckets(1.0, 2.0, 13));
        let metrics = Metrics {
            registry: Registry::default(),
            requests,
            latency,
            in_flight: Gauge::default(),
            connections_open: Gauge::default(),
            refusals,
            group_commit_items,
            queued_jobs: Gauge::default(),
            readers_in_use: Gauge::default(),
            readers_pooled: Gauge::default(),
            readers_max: Gauge::default(),
            overdue: Gauge::default(),
            overdue_counted: tokio::sync::Mutex::new(None),
            sweeps: Counter::default(),
            sweep_failures: Counter::default(),
            attachment_bytes: Counter::default(),
            attachments_ended,
            scorecard_runs: Counter::default(),
            scorecard_run_failures: Counter::default(),
            // 0.1 s to about 100 s.
            scorecard_run_seconds: Histogram::new(exponential_buckets(0.1, 2.0, 11)),
        };
        registry.register(
            "ourvoice_http_requests",
            "HTTP requests answered, by route template, method and status class",
            metrics.requests.clone(),
        );
        registry.register(
            "ourvoice_http_request_duration_seconds",
            "Time from a request's arrival to its answer's headers, by route template and status class",
            metrics.latency.clone(),
        );
        registry.register(
            "ourvoice_http_requests_in_flight",
            "HTTP requests being handled now",
            metrics.in_flight.clone(),
        );
        registry.register(
            "ourvoice_connections_open",
            "Client connections open now",
            metrics.connections_open.clone(),
        );
        registry.register(
            "ourvoice_refusals",
            "Requests or connections turned away, by reason",
            metrics.refusals.clone(),
        );
        registry.register(
            "ourvoice_ingest_group_commit_items",
            "Items written per ingest transaction (group commit)",
            metrics.group_commit_items.clone(),
        );
        registry.register(
            "ourvoice_writer_queue_jobs",
            "Jobs waiting for a database writer thread",
            metrics.queued_jobs.clone(),
        );
        registry.register(
            "ourvoice_database_readers_in_use",
            "Read turns taken (read connections in use)",
            metrics.readers_in_use.clone(),
        );
        registry.register(
            "ourvoice_database_readers_pooled",
            "Read connections open and idle in the pool",
            metrics.readers_pooled.clone(),
        );
        registry.register(
            "ourvoice_database_readers_max",
            "Read connections at most (--database-readers)",
            metrics.readers_max.clone(),
        );
        registry.register(
            "ourvoice_overdue_items",
            "Open items past their deadline (counted at most every 15 seconds)",
            metrics.overdue.clone(),
        );
        registry.register(
            "ourvoice_deadline_sweeps",
            "Deadline sweeps run by this process",
            metrics.sweeps.clone(),
        );
        registry.register(
            "ourvoice_deadline_sweep_failures",
            "Deadline sweeps that failed (retried at the next period)",
            metrics.sweep_failures.clone(),
        );
        registry.register(
            "ourvoice_attachment_bytes_received",
            "Bytes of photos and voice notes received in upload pieces and kept",
            metrics.attachment_bytes.clone(),
        );
        registry.register(
            "ourvoice_attachments_ended",
            "Attachments whose upload ended here, by how (received or refused)",
            metrics.attachments_ended.clone(),
        );
        registry.register(
            "ourvoice_scorecard_runs",
            "Days of public scorecards computed and stored by this process",
            metrics.scorecard_runs.clone(),
        );
        registry.register(
            "ourvoice_scorecard_run_failures",
            "Computations of the public scorecards that failed (tried again later)",
            metrics.scorecard_run_failures.clone(),
        );
        registry.register(
            "ourvoice_scorecard_run_duration_seconds",
            "Time to compute and store one day's public scorecards",
            metrics.scorecard_run_seconds.clone(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }

    /// Counts one answered request (`method` from [`method_label`]).
    pub fn request(&self, route: &str, method: &'static str, status: StatusCode, took: Duration) {
        let status = status_class(status);
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                method,
                status,
            })
            .inc();
        self.latency
            .get_or_create(&LatencyLabels {
                route: route.to_string(),
                status,
            })
            .observe(took.as_secs_f64());
    }

    /// A request begins; the in-flight gauge goes down again when the guard is dropped.
    pub fn request_started(&self) -> GaugeGuard {
        GaugeGuard::up(&self.in_flight)
    }

    /// A connection is taken; the open-connections gauge goes down when the guard is dropped.
    pub fn connection_opened(&self) -> GaugeGuard {
        GaugeGuard::up(&self.connections_open)
    }

    pub fn refused(&self, why: Refusal) {
        self.refusals
            .get_or_create(&ReasonLabels {
                reason: why.as_str(),
            })
            .inc();
    }

    /// One ingest transaction committed `items` items.
    pub fn group_commit(&self, items: usize) {
        self.group_commit_items.observe(items as f64);
    }

    /// `bytes` of an attachment's piece were kept.
    pub fn attachment_bytes(&self, bytes: u64) {
        self.attachment_bytes.inc_by(bytes);
    }

    /// An attachment's upload ended in `state` (received or refused).
    pub fn attachment_ended(&self, state: ourvoice_protocol::AttachmentState) {
        self.attachments_ended
            .get_or_create(&StateLabels {
                state: ourvoice_protocol::Code::as_str(state),
            })
            .inc();
    }

    /// One computation of the public scorecards ended: stored after `took`, or failed.
    pub fn scorecard_run(&self, took: Option<Duration>) {
        match took {
            Some(took) => {
                self.scorecard_runs.inc();
                self.scorecard_run_seconds.observe(took.as_secs_f64());
            }
            None => {
                self.scorecard_run_failures.inc();
            }
        }
    }

    /// One deadline sweep ended, well or not.
    pub fn sweep(&self, ok: bool) {
        self.sweeps.inc();
        if !ok {
            self.sweep_failures.inc();
        }
    }

    fn set_pool_use(&self, pool: PoolUse) {
        let set = |gauge: &Gauge, value: usize| {
            gauge.set(i64::try_from(value).unwrap_or(i64::MAX));
        };
        set(&self.queued_jobs, pool.queued_jobs);
        set(&self.readers_in_use, pool.readers_in_use);
        set(&self.readers_pooled, pool.readers_pooled);
        set(&self.readers_max, pool.readers_max);
    }

    /// Counts the overdue items again if the last count is older than [`OVERDUE_CACHE`].
    async fn refresh_overdue(&self, state: &AppState) {
        let mut counted = self.overdue_counted.lock().await;
        if counted.is_some_and(|at| at.elapsed() < OVERDUE_CACHE) {
            return;
        }
        let now = state.store.clock().now();
        let count = state
            .store
            .read(move |sql| crate::store::case_actions::count_overdue(sql, now));
        match tokio::time::timeout(OVERDUE_WAIT, count).await {
            Ok(Ok(count)) => {
                self.overdue.set(count);
                *counted = Some(Instant::now());
            }
            Ok(Err(error)) => tracing::warn!(%error, "cannot count overdue items for /metrics"),
            Err(_) => tracing::warn!("counting overdue items for /metrics took too long"),
        }
    }

    /// The text a scrape answers.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry);
        text
    }
}

/// Keeps a gauge one higher while it lives.
pub struct GaugeGuard(Gauge);

impl GaugeGuard {
    fn up(gauge: &Gauge) -> GaugeGuard {
        gauge.inc();
        GaugeGuard(gauge.clone())
    }
}

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The process's metrics.
pub fn global() -> &'static Metrics {
    static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);
    &METRICS
}

/// The route label of a request: the template it matched, or [`UNMATCHED`].
pub fn route_of(request: &Request) -> String {
    request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_else(|| UNMATCHED.to_string())
}

/// The method label: the usual methods by name, any other as `other`.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// `GET /metrics` behind its body limit, answered only to `allow` (see the module's doc); the
/// check of the address comes first, so that nothing (not even a 405 or 413) tells others that
/// the route exists.
pub fn router(allow: Vec<TrustedProxy>) -> Router<Arc<AppState>> {
    let allow = Arc::new(allow);
    body_limit(
        Router::new().route("/metrics", any(scrape)),
        limits::NO_BODY_BYTES,
    )
    .route_layer(middleware::from_fn(move |request: Request, next: Next| {
        only_allowed(Arc::clone(&allow), request, next)
    }))
}

/// Whether a request from `peer` with these headers may read the metrics.
pub fn may_scrape(
    peer: Option<SocketAddr>,
    headers: &axum::http::HeaderMap,
    allow: &[TrustedProxy],
) -> bool {
    let Some(peer) = peer else { return false };
    let proxied = PROXY_HEADERS.iter().any(|name| headers.contains_key(*name));
    !proxied && allow.iter().any(|network| network.contains(peer.ip()))
}

async fn only_allowed(allow: Arc<Vec<TrustedProxy>>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if may_scrape(peer, request.headers(), &allow) {
        next.run(request).await
    } else {
        // The same answer as a path the server does not have.
        StatusCode::NOT_FOUND.into_response()
    }
}

async fn scrape(State(state): State<Arc<AppState>>, method: Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET,HEAD")],
        )
            .into_response();
    }
    let metrics = global();
    metrics.set_pool_use(state.store.pool_use());
    metrics.refresh_overdue(&state).await;
    (
        [(
            header::CONTENT_TYPE,
            prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
        )],
        metrics.encode(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scraping_is_for_allowed_peers_not_through_a_proxy() {
        let loopback: Vec<TrustedProxy> =
            vec!["127.0.0.1/32".parse().unwrap(), "::1/128".parse().unwrap()];
        let peer = |text: &str| Some(SocketAddr::new(text.parse().unwrap(), 40000));
        let none = axum::http::HeaderMap::new();
        let mut forwarded = axum::http::HeaderMap::new();
        forwarded.insert("x-forwarded-for", "127.0.0.1".parse().unwrap());
        let mut real_ip = axum::http::HeaderMap::new();
        real_ip.insert("x-real-ip", "127.0.0.1".parse().unwrap());
        for (from, headers, allowed) in [
            (peer("127.0.0.1"), &none, true),
            (peer("::1"), &none, true),
            (peer("::ffff:127.0.0.1"), &none, true),
            (peer("127.0.0.2"), &none, false),
            (peer("10.1.2.3"), &none, false),
            (None, &none, false),
            (peer("127.0.0.1"), &forwarded, false),
            (peer("127.0.0.1"), &real_ip, false),
        ] {
            assert_eq!(
                may_scrape(from, headers, &loopback),
                allowed,
                "{from:?} {headers:?}"
            );
        }
        assert!(!may_scrape(peer("127.0.0.1"), &none, &[]));
    }

    #[test]
    fn labels_are_bounded() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(status_class(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(status_class(StatusCode::from_u16(599).unwrap()), "5xx");
    }
}
