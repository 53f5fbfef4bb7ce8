//! What each request leaves behind, and how the server writes its logs.
//!
//! Each request gets a request id: the client's `X-Request-Id` when it is well formed, else a
//! new UUID. The id is sent back in the answer's `X-Request-Id`, and every log line written
//! while the request is handled carries it (a `request` span with the field `request_id`), so
//! an operator can find a phone's or a browser's request in the logs of a fleet. When the
//! request is answered, one line at `info` (target `ourvoice_server::http`) gives its method,
//! route template, status and milliseconds, and [`crate::metrics`] counts it. Logs are text by
//! default or one JSON object per line (`--log-format json`).
//!
//! Guarantees: no personal data in these lines: the route is the template the router matched
//! (never the URI as sent, whose path and query carry tracking codes, ids and search text), and
//! no address, header value or body is logged. A client's request id is taken only if it is 16
//! to 64 characters of hex digits and dashes (a UUID; nginx's `$request_id`): such an id spells
//! no name and is longer than any telephone number (E.164 numbers have at most 15 digits);
//! anything else is replaced by a new one. The layer is outside every other, so refusals (rate
//! limit, in-flight cap, timeouts) are logged and counted too.
//!
//! Not tower-http's request-id layers: they keep whatever id the client sends, unchecked.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::time::Instant;
use tracing::Instrument;

use crate::metrics;

/// The header that carries the request id, both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How the server writes its logs (`--log-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for a person to read.
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `fields`, `target`, `span`).
    Json,
}

/// Starts writing logs to standard error, filtered by `filter` (`info` if it is unreadable).
pub fn init_logging(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

/// Whether a client's request id may be kept (see the module's doc).
pub fn well_formed(id: &str) -> bool {
    (16..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// Puts the request id, the request's log line and its counts around `router` (outermost).
pub fn apply(router: Router) -> Router {
    router.layer(middleware::from_fn(observe))
}

async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| well_formed(id))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let route = metrics::route_of(&request);
    let method = metrics::method_label(request.method());
    let span = tracing::info_span!("request", request_id = %id);
    let in_flight = metrics::global().request_started();
    let mut response = next.run(request).instrument(span.clone()).await;
    drop(in_flight);
    let took = started.elapsed();
    let status = response.status();
    metrics::global().request(&route, method, status, took);
    span.in_scope(|| {
        tracing::info!(
            target: "ourvoice_server::http",
            method,
            route = %route,
            status = status.as_u16(),
            ms = (took.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
            "request"
        )
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    #[test]
    fn only_ids_that_cannot_carry_personal_data_are_kept() {
        for (id, kept) in [
            ("9b2f7c1e-8a4d-4e2b-9f00-1c2d3e4f5a6b", true),
            ("0123456789abcdef0123456789abcdef", true),
            ("0123456789abcdef", true),
            ("012345678901234", false),
            ("+855 12 345 678", false),
            ("sokha-chan-phnom-penh-request-1", false),
            ("", false),
            (&"a".repeat(65), false),
        ] {
            assert_eq!(well_formed(id), kept, "{id}");
        }
    }
}
