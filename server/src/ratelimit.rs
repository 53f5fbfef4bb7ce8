//! Token buckets per client address, keyed on the client's address ([`ClientAddr`]: behind a
//! trusted reverse proxy, the address the proxy saw): an IPv4 address, or the /64 network of
//! an IPv6 address (one subscriber's line gets a /64 or more, so its addresses share a bucket).
//! Phones behind one carrier address share a bucket, so the defaults are generous; the limit
//! stops floods, not citizens.
//!
//! Guarantees: memory is bounded (the least recently seen addresses are forgotten past a fixed
//! number, and a forgotten address is as good as new); a refused request costs nothing else.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use lru::LruCache;
use ourvoice_protocol::ApiError;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::client::ClientAddr;
use crate::fleet::FleetSize;

/// What a bucket is kept under: an IPv4 address, or an IPv6 /64 network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressKey {
    V4([u8; 4]),
    V6Network([u8; 8]),
}

impl AddressKey {
    pub fn of(ip: IpAddr) -> AddressKey {
        match ip.to_canonical() {
            IpAddr::V4(v4) => AddressKey::V4(v4.octets()),
            IpAddr::V6(v6) => {
                let mut network = [0; 8];
                network.copy_from_slice(&v6.octets()[..8]);
                AddressKey::V6Network(network)
            }
        }
    }
}

/// A token bucket per address: `burst` tokens at most, refilled at `per_second`; in a fleet of
/// `n` servers, each holds `1/n` of both (at least one token), so that the fleet as a whole
/// never lets an address past the configured limit.
pub struct AddressBuckets {
    per_second: f64,
    burst: f64,
    fleet: FleetSize,
    by_address: Mutex<LruCache<AddressKey, (f64, Instant)>>,
}

impl AddressBuckets {
    /// Buckets for at most `addresses` addresses at once.
    pub fn new(per_second: f64, burst: f64, addresses: usize, fleet: FleetSize) -> AddressBuckets {
        AddressBuckets {
            per_second,
            burst,
            fleet,
            by_address: Mutex::new(LruCache::new(
                NonZeroUsize::new(addresses).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// Refills `ip`'s bucket to `now` and hands it to `act`.
    fn with_bucket<T>(&self, ip: IpAddr, now: Instant, act: impl FnOnce(&mut f64) -> T) -> T {
        let (per_second, burst) = self.share();
        let mut by_address = self.by_address.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, last) = by_address.get_or_insert_mut(AddressKey::of(ip), || (burst, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * per_second).min(burst);
        *last = now;
        act(tokens)
    }

    /// This server's share of the rate and the burst.
    fn share(&self) -> (f64, f64) {
        let servers = f64::from(self.fleet.get());
        (self.per_second / servers, (self.burst / servers).max(1.0))
    }

    /// Takes one token if there is one.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        self.with_bucket(ip, now, |tokens| {
            let allowed = *tokens >= 1.0;
            if allowed {
                *tokens -= 1.0;
            }
            allowed
        })
    }

    /// How long until `ip` has a token again; `None` if it has one now (none is taken).
    pub fn wait(&self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let (per_second, _) = self.share();
        self.with_bucket(ip, now, |tokens| {
            (*tokens < 1.0).then(|| Duration::from_secs_f64((1.0 - *tokens) / per_second))
        })
    }

    /// Takes `count` tokens, into debt if need be (paid back before the next is allowed).
    pub fn charge(&self, ip: IpAddr, count: f64, now: Instant) {
        self.with_bucket(ip, now, |tokens| *tokens -= count);
    }
}

/// Puts the request limit in front of `router`; `per_second == 0` turns it off.
pub fn apply(router: Router, per_second: u32, burst: u32, fleet: FleetSize) -> Router {
    if per_second == 0 {
        return router;
    }
    let buckets = Arc::new(AddressBuckets::new(
        f64::from(per_second),
        f64::from(burst.max(1)),
        100_000,
        fleet,
    ));
    router.layer(middleware::from_fn_with_state(buckets, limit))
}

async fn limit(
    State(buckets): State<Arc<AddressBuckets>>,
    request: Request,
    next: Next,
) -> Response {
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
            crate::metrics::global().refused(crate::metrics::Refusal::RateLimit);
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

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_the_rate() {
        let buckets = AddressBuckets::new(10.0, 3.0, 100, FleetSize::default());
        let (one, other) = (ip("192.0.2.1"), ip("192.0.2.2"));
        let start = Instant::now();
        let allowed: Vec<bool> = (0..4).map(|_| buckets.allow(one, start)).collect();
        assert_eq!(allowed, [true, true, true, false]);
        assert!(
            buckets.allow(other, start),
            "each address has its own bucket"
        );
        assert!(!buckets.allow(one, start + Duration::from_millis(50)));
        assert!(buckets.allow(one, start + Duration::from_millis(160)));
    }

    #[test]
    fn ipv6_addresses_share_their_64_and_mapped_ipv4_is_ipv4() {
        for (a, b, same) in [
            ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true),
            ("2001:db8:1:2::1", "2001:db8:1:3::1", false),
            ("::ffff:192.0.2.1", "192.0.2.1", true),
            ("192.0.2.1", "192.0.2.2", false),
        ] {
            assert_eq!(
                AddressKey::of(ip(a)) == AddressKey::of(ip(b)),
                same,
                "{a} {b}"
            );
        }
        let buckets = AddressBuckets::new(1.0, 2.0, 100, FleetSize::default());
        let now = Instant::now();
        assert!(buckets.allow(ip("2001:db8::1"), now));
        assert!(buckets.allow(ip("2001:db8::2"), now));
        assert!(
            !buckets.allow(ip("2001:db8::3"), now),
            "one /64, one bucket"
        );
        assert!(buckets.allow(ip("2001:db8:0:1::1"), now));
    }

    #[test]
    fn memory_is_bounded_and_the_least_recent_address_is_forgotten() {
        let buckets = AddressBuckets::new(1.0, 1.0, 3, FleetSize::default());
        let now = Instant::now();
        for n in 1..=3 {
            assert!(buckets.allow(ip(&format!("192.0.2.{n}")), now));
        }
        assert!(
            !buckets.allow(ip("192.0.2.1"), now),
            "seen, its token spent"
        );
        // A fourth address pushes out the least recently seen one (192.0.2.2).
        assert!(buckets.allow(ip("192.0.2.4"), now));
        assert_eq!(buckets.by_address.lock().unwrap().len(), 3);
        assert!(
            buckets.allow(ip("192.0.2.2"), now),
            "forgotten, as good as new"
        );
        assert!(!buckets.allow(ip("192.0.2.4"), now));
    }

    #[test]
    fn a_quota_goes_into_debt_and_says_how_long_to_wait() {
        let per_hour = 10.0;
        let buckets = AddressBuckets::new(per_hour / 3600.0, per_hour, 100, FleetSize::default());
        let (one, now) = (ip("198.51.100.7"), Instant::now());
        assert_eq!(buckets.wait(one, now), None);
        buckets.charge(one, 12.0, now);
        let wait = buckets.wait(one, now).unwrap();
        // 2 tokens of debt plus the one needed: 3 tokens at 10 an hour is 1,080 s.
        assert_eq!(wait.as_secs(), 1080);
        assert_eq!(buckets.wait(one, now + Duration::from_secs(1081)), None);
    }

    #[test]
    fn in_a_fleet_each_server_holds_its_share() {
        let fleet = FleetSize::default();
        let buckets = AddressBuckets::new(10.0, 6.0, 100, fleet.clone());
        let (one, start) = (ip("203.0.113.9"), Instant::now());
        fleet.set(3);
        let allowed = (0..6).filter(|_| buckets.allow(one, start)).count();
        assert_eq!(allowed, 2, "a third of the burst of 6");
        // A third of 10 a second: one token in 300 ms.
        assert!(!buckets.allow(one, start + Duration::from_millis(250)));
        assert!(buckets.allow(one, start + Duration::from_millis(350)));
        // The fleet shrinks to one: the whole limit again.
        fleet.set(1);
        let later = start + Duration::from_secs(10);
        assert_eq!((0..8).filter(|_| buckets.allow(one, later)).count(), 6);
    }
}
