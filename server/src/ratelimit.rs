//! A per-IP token bucket in front of the API, keyed on the client's address ([`ClientAddr`]:
//! behind a trusted reverse proxy, the address the proxy saw). Phones behind one carrier
//! address share a bucket, so the defaults are generous; the limit stops floods, not citizens.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use ourvoice_protocol::ApiError;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::client::ClientAddr;

struct Buckets {
    per_second: f64,
    burst: f64,
    by_ip: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Buckets {
    fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        let mut by_ip = self.by_ip.lock().unwrap_or_else(|p| p.into_inner());
        if by_ip.len() > 100_000 {
            // Forget addresses whose bucket has refilled: they are as good as new.
            let refill = self.burst / self.per_second;
            by_ip.retain(|_, (_, last)| now.duration_since(*last).as_secs_f64() < refill);
        }
        let (tokens, last) = by_ip.entry(ip).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Puts the limit in front of `router`; `per_second == 0` turns it off.
pub fn apply(router: Router, per_second: u32, burst: u32) -> Router {
    if per_second == 0 {
        return router;
    }
    let buckets = Arc::new(Buckets {
        per_second: f64::from(per_second),
        burst: f64::from(burst.max(1)),
        by_ip: Mutex::new(HashMap::new()),
    });
    router.layer(middleware::from_fn_with_state(buckets, limit))
}

async fn limit(State(buckets): State<Arc<Buckets>>, request: Request, next: Next) -> Response {
    let ip = request
        .extensions()
        .get::<ClientAddr>()
        .map(|c| c.0)
        .or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        });
    match ip {
        Some(ip) if !buckets.allow(ip, Instant::now()) => {
            let body = ApiError {
                error: "rate_limited".into(),
                message: "too many requests from this address; wait a second and try again".into(),
                field: None,
            };
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "1")],
                Json(body),
            )
                .into_response()
        }
        _ => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_the_rate() {
        let buckets = Buckets {
            per_second: 10.0,
            burst: 3.0,
            by_ip: Mutex::new(HashMap::new()),
        };
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        let start = Instant::now();
        let allowed: Vec<bool> = (0..4).map(|_| buckets.allow(ip, start)).collect();
        assert_eq!(allowed, [true, true, true, false]);
        assert!(
            buckets.allow(other, start),
            "each address has its own bucket"
        );
        assert!(!buckets.allow(ip, start + Duration::from_millis(50)));
        assert!(buckets.allow(ip, start + Duration::from_millis(160)));
    }
}
