//! The server's clock: the system clock, or (for tests of deadlines and session expiry) a time
//! read from a file that the test rewrites.
//!
//! Guarantees: every "now" in the server comes from here, so a test can move time forward and
//! see deadlines pass and sessions expire without waiting; only the fleet's liveness and the
//! periods of its duties read the real time ([`wall_now`]), since servers must agree on them
//! whatever a test's clock says.

use chrono::{DateTime, Utc};
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub enum Clock {
    System,
    /// The time is the RFC 3339 text in this file; the system clock when it is unreadable.
    File(PathBuf),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::File(path) => std::fs::read_to_string(path)
                .ok()
                .and_then(|text| DateTime::parse_from_rfc3339(text.trim()).ok())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(Utc::now),
        }
    }
}

/// The real time, whatever the test clock says: which servers of a fleet are alive, and which
/// period of a periodic duty it is. Never for deadlines or sessions.
pub fn wall_now() -> DateTime<Utc> {
    Utc::now()
}

/// A time as the database stores it: RFC 3339, UTC, milliseconds, so text order is time order.
pub fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `time` as it is stored (to the millisecond), to compare with times read back.
pub fn as_stored(time: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::DurationRound;
    time.duration_trunc(chrono::TimeDelta::milliseconds(1))
        .unwrap_or(time)
}

/// Reads a stored time.
pub fn parse_stamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
