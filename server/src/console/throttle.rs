//! Sign-in throttling with growing delays instead of locks: after a few failures for a name (or
//! from an address), the next attempt must wait 1 second, then 2, 4, … up to a cap; an attempt
//! made too early is answered 429 with `Retry-After` and checks no password.
//!
//! Guarantees: an attempt is counted as failed before its password is checked (so parallel
//! guesses cannot slip past the delay) and forgotten when it turns out right; the counts live
//! in the database (`store::sign_in_failures`), each key's row locked while an attempt is
//! counted, so a fleet of servers throttles as one; nobody can lock an account: a third
//! party's failures make its owner wait at most the cap, from any address; the rows are
//! removed by the sweep once forgotten, so storage stays bounded.

use chrono::{DateTime, Duration, Utc};
use std::net::IpAddr;

use crate::store::sign_in_failures::{self, Failures};
use crate::store::{Store, StoreError};

/// Failures for one name before delays start.
pub const NAME_FREE_FAILURES: u32 = 5;
/// Failures from one address (whatever the names; offices may share one) before delays start.
pub const ADDRESS_FREE_FAILURES: u32 = 20;
/// The longest delay for a name.
pub const NAME_MAX_DELAY_SECONDS: i64 = 300;
/// The longest delay for an address.
pub const ADDRESS_MAX_DELAY_SECONDS: i64 = 900;
/// Failures older than this are forgotten.
pub const FORGET_AFTER: Duration = Duration::minutes(30);

/// The delay after `failures` failures: none for the first `free`, then 1 s doubling to `max`.
pub fn delay(failures: u32, free: u32, max: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(30);
    (1i64 << doublings).min(max)
}

/// What is counted: a name as typed (known or not, in lower case) or a client's address, with
/// its free failures and longest delay.
#[derive(Clone, Debug)]
struct Key {
    stored: String,
    free: u32,
    max_delay: i64,
}

impl Key {
    fn name(name: &str) -> Key {
        Key {
            stored: format!("name:{}", name.to_lowercase()),
            free: NAME_FREE_FAILURES,
            max_delay: NAME_MAX_DELAY_SECONDS,
        }
    }

    fn address(ip: IpAddr) -> Key {
        Key {
            stored: format!("address:{}", ip.to_canonical()),
            free: ADDRESS_FREE_FAILURES,
            max_delay: ADDRESS_MAX_DELAY_SECONDS,
        }
    }

    /// One more failure at `now`, counted from zero when the last was long ago.
    fn fail(&self, mut failures: Failures, now: DateTime<Utc>) -> Failures {
        if now - failures.last > FORGET_AFTER {
            failures.failures = 0;
        }
        failures.failures = failures.failures.saturating_add(1);
        failures.last = now;
        failures.next_allowed =
            now + Duration::seconds(delay(failures.failures, self.free, self.max_delay));
        failures
    }
}

/// Seconds left until `failures` allow another try at `now`, if any.
fn wait(failures: &Failures, now: DateTime<Utc>) -> Option<i64> {
    let left = failures.next_allowed - now;
    (left > Duration::zero()).then(|| (left.num_milliseconds() + 999) / 1000)
}

/// An attempt let through; say how it ended with [`succeeded`] or [`password_right`], or do
/// nothing when it failed (it was counted already).
#[derive(Debug)]
pub struct Attempt {
    name: Key,
    address: Key,
}

/// Lets an attempt for `name` from `ip` through, counting it as failed until it succeeds; or
/// the seconds to wait.
pub async fn attempt(
    store: &Store,
    name: &str,
    ip: IpAddr,
    now: DateTime<Utc>,
) -> Result<Result<Attempt, i64>, StoreError> {
    let (name, address) = (Key::name(name), Key::address(ip));
    store
        .write(move |sql| {
            // Always in the same order, so that two servers never wait for each other's locks.
            let mut keys = [&name, &address];
            keys.sort_by(|a, b| a.stored.cmp(&b.stored));
            let mut counted = Vec::with_capacity(2);
            for key in keys {
                counted.push((key, sign_in_failures::lock(sql, &key.stored, now)?));
            }
            if let Some(seconds) = counted.iter().filter_map(|(_, f)| wait(f, now)).max() {
                return Ok(Err(seconds));
            }
            for (key, failures) in counted {
                sign_in_failures::store(sql, &key.stored, &key.fail(failures, now))?;
            }
            Ok(Ok(Attempt {
                name: name.clone(),
                address: address.clone(),
            }))
        })
        .await
}

/// The attempt was right: the name's failures are forgotten, and the address's count takes
/// back this attempt.
pub async fn succeeded(
    store: &Store,
    attempt: Attempt,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store
        .write(move |sql| {
            sign_in_failures::forget(sql, &attempt.name.stored)?;
            unfail(sql, &attempt.address, now)
        })
        .await
}

/// The password was right but a second factor is to come: the address's count takes back this
/// attempt; the name's failures stay until the code is right.
pub async fn password_right(
    store: &Store,
    attempt: Attempt,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store
        .write(move |sql| unfail(sql, &attempt.address, now))
        .await
}

/// Takes back one failure counted in advance; a right attempt delays nobody.
fn unfail(
    sql: &mut dyn crate::store::Sql,
    key: &Key,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut failures = sign_in_failures::lock(sql, &key.stored, now)?;
    failures.failures = failures.failures.saturating_sub(1);
    failures.next_allowed = now;
    sign_in_failures::store(sql, &key.stored, &failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_to_the_cap() {
        for (failures, expect) in [
            (0, 0),
            (4, 0),
            (5, 1),
            (6, 2),
            (7, 4),
            (12, 128),
            (13, 256),
            (14, 300),
            (99, 300),
        ] {
            assert_eq!(delay(failures, 5, 300), expect, "{failures}");
        }
    }

    #[test]
    fn failures_long_ago_are_forgotten() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let key = Key::name("Sokha");
        let old = Failures {
            failures: 9,
            next_allowed: now - Duration::minutes(40),
            last: now - Duration::minutes(40),
        };
        let after = key.fail(old, now);
        assert_eq!(after.failures, 1);
        assert_eq!(wait(&after, now), None);
        let recent = Failures {
            last: now - Duration::minutes(1),
            ..old
        };
        let after = key.fail(recent, now);
        assert_eq!(after.failures, 10);
        assert_eq!(wait(&after, now), Some(32));
    }
}
