//! Sign-in throttling with growing delays instead of locks: after a few failures for a name (or
//! from an address), the next attempt must wait 1 second, then 2, 4, … up to a cap; an attempt
//! made too early is answered 429 with `Retry-After` and checks no password.
//!
//! Guarantees: an attempt is counted as failed before its password is checked (so parallel
//! guesses cannot slip past the delay) and forgotten when it turns out right; nobody can lock an
//! account: a third party's failures make its owner wait at most the cap, from any address;
//! the memory used is bounded.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;

/// Failures for one name before delays start.
pub const NAME_FREE_FAILURES: u32 = 5;
/// Failures from one address (whatever the names; offices may share one) before delays start.
pub const ADDRESS_FREE_FAILURES: u32 = 20;
/// The longest delay for a name.
pub const NAME_MAX_DELAY_SECONDS: i64 = 300;
/// The longest delay for an address.
pub const ADDRESS_MAX_DELAY_SECONDS: i64 = 900;
/// Failures older than this are forgotten.
const FORGET_AFTER_MINUTES: i64 = 30;
/// Most names or addresses remembered; the oldest go first.
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Copy, Debug)]
struct Entry {
    failures: u32,
    next_allowed: DateTime<Utc>,
    last: DateTime<Utc>,
}

/// Failures per key, with the delay they impose.
#[derive(Debug)]
struct Counter<K> {
    entries: Mutex<HashMap<K, Entry>>,
    free: u32,
    max_delay: i64,
}

impl<K: Eq + Hash + Clone> Counter<K> {
    fn new(free: u32, max_delay: i64) -> Counter<K> {
        Counter {
            entries: Mutex::new(HashMap::new()),
            free,
            max_delay,
        }
    }

    /// Seconds to wait before `key` may try again, if any.
    fn wait(&self, key: &K, now: DateTime<Utc>) -> Option<i64> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(key)?;
        let left = entry.next_allowed - now;
        (left > Duration::zero()).then(|| (left.num_milliseconds() + 999) / 1000)
    }

    /// Counts a failure for `key` now; its delay starts.
    fn fail(&self, key: &K, now: DateTime<Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(key) {
            let forget = now - Duration::minutes(FORGET_AFTER_MINUTES);
            entries.retain(|_, e| e.last > forget);
            if entries.len() >= MAX_ENTRIES {
                if let Some(oldest) = entries
                    .iter()
                    .min_by_key(|(_, e)| e.last)
                    .map(|(k, _)| k.clone())
                {
                    entries.remove(&oldest);
                }
            }
        }
        let entry = entries.entry(key.clone()).or_insert(Entry {
            failures: 0,
            next_allowed: now,
            last: now,
        });
        if now - entry.last > Duration::minutes(FORGET_AFTER_MINUTES) {
            entry.failures = 0;
        }
        entry.failures = entry.failures.saturating_add(1);
        entry.last = now;
        entry.next_allowed =
            now + Duration::seconds(delay(entry.failures, self.free, self.max_delay));
    }

    /// Takes back one failure counted in advance for an attempt that turned out right.
    fn forget(&self, key: &K) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(key);
    }

    /// Takes back one failure counted in advance; a right attempt delays nobody.
    fn unfail(&self, key: &K, now: DateTime<Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = entries.get_mut(key) {
            entry.failures = entry.failures.saturating_sub(1);
            entry.next_allowed = now;
        }
    }
}

/// The delay after `failures` failures: none for the first `free`, then 1 s doubling to `max`.
pub fn delay(failures: u32, free: u32, max: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(30);
    (1i64 << doublings).min(max)
}

/// The console's sign-in throttle: per name as typed (known or not) and per client address.
#[derive(Debug)]
pub struct Throttle {
    names: Counter<String>,
    addresses: Counter<IpAddr>,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle {
            names: Counter::new(NAME_FREE_FAILURES, NAME_MAX_DELAY_SECONDS),
            addresses: Counter::new(ADDRESS_FREE_FAILURES, ADDRESS_MAX_DELAY_SECONDS),
        }
    }
}

/// An attempt let through; say how it ended with [`Throttle::succeeded`], or do nothing when it
/// failed (it was counted already).
#[derive(Debug)]
pub struct Attempt {
    name: String,
    ip: IpAddr,
}

impl Throttle {
    /// Lets an attempt for `name` from `ip` through, counting it as failed until it succeeds;
    /// or the seconds to wait.
    pub fn attempt(&self, name: &str, ip: IpAddr, now: DateTime<Utc>) -> Result<Attempt, i64> {
        let name = name.to_lowercase();
        let wait = self
            .names
            .wait(&name, now)
            .into_iter()
            .chain(self.addresses.wait(&ip, now))
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        self.names.fail(&name, now);
        self.addresses.fail(&ip, now);
        Ok(Attempt { name, ip })
    }

    /// The attempt was right: the name's failures are forgotten, and the address's count takes
    /// back this attempt.
    pub fn succeeded(&self, attempt: Attempt, now: DateTime<Utc>) {
        self.names.forget(&attempt.name);
        self.addresses.unfail(&attempt.ip, now);
    }

    /// The password was right but a second factor is to come: the address's count takes back
    /// this attempt; the name's failures stay until the code is right.
    pub fn password_right(&self, attempt: Attempt, now: DateTime<Utc>) {
        self.addresses.unfail(&attempt.ip, now);
    }
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
    fn a_name_waits_and_another_address_is_not_locked_out() {
        let throttle = Throttle::default();
        let mut now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let attacker: IpAddr = "203.0.113.1".parse().unwrap();
        let owner: IpAddr = "198.51.100.2".parse().unwrap();
        for _ in 0..5 {
            throttle.attempt("Sokha", attacker, now).unwrap();
        }
        assert_eq!(throttle.attempt("sokha", owner, now).unwrap_err(), 1);
        now += Duration::seconds(1);
        throttle.attempt("sokha", attacker, now).unwrap();
        assert_eq!(throttle.attempt("sokha", owner, now).unwrap_err(), 2);
        now += Duration::seconds(2);
        let attempt = throttle.attempt("sokha", owner, now).unwrap();
        throttle.succeeded(attempt, now);
        throttle.attempt("sokha", attacker, now).unwrap();
        // Others' names are not slowed by one name's failures.
        throttle.attempt("dara", owner, now).unwrap();
    }
}
