//! Failed console sign-ins counted per key (a name as typed, or a client's address), with the
//! moment the key may try again: the state behind `console::throttle`, kept in the database so
//! that every server of a fleet counts the same failures.
//!
//! Guarantees: [`lock`] takes the key's row lock for the rest of the transaction (PostgreSQL;
//! SQLite has one writer anyway), so attempts for one key on several servers are counted one
//! after the other and none slips past a delay; rows not used for a while are removed by the
//! sweep, so the table stays small.

use chrono::{DateTime, Utc};

use super::cases::parse_time;
use super::sql::{Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// One key's failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    pub failures: u32,
    pub next_allowed: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// The key's failures (none yet: zero, allowed now), its row locked until the transaction ends.
pub fn lock(sql: &mut dyn Sql, key: &str, now: DateTime<Utc>) -> Result<Failures, StoreError> {
    let row = sql.query_one(
        "INSERT INTO sign_in_failures (key, failures, next_allowed, last_at) VALUES ($1, 0, $2, $2)
         ON CONFLICT (key) DO UPDATE SET key = excluded.key
         RETURNING failures, next_allowed, last_at",
        &[Val::from(key), Val::from(stamp(now))],
    )?;
    Ok(Failures {
        failures: u32::try_from(row.int(0)?).unwrap_or(u32::MAX),
        next_allowed: parse_time(&row.text(1)?)?,
        last: parse_time(&row.text(2)?)?,
    })
}

/// Stores the key's failures.
pub fn store(sql: &mut dyn Sql, key: &str, failures: &Failures) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE sign_in_failures SET failures = $2, next_allowed = $3, last_at = $4 WHERE key = $1",
        &[
            Val::from(key),
            Val::Int(i64::from(failures.failures)),
            Val::from(stamp(failures.next_allowed)),
            Val::from(stamp(failures.last)),
        ],
    )?;
    Ok(())
}

/// Forgets the key's failures.
pub fn forget(sql: &mut dyn Sql, key: &str) -> Result<(), StoreError> {
    sql.execute(
        "DELETE FROM sign_in_failures WHERE key = $1",
        &[Val::from(key)],
    )?;
    Ok(())
}

/// Removes the keys last used before `before`; how many.
pub fn forget_before(sql: &mut dyn Sql, before: DateTime<Utc>) -> Result<u64, StoreError> {
    sql.execute(
        "DELETE FROM sign_in_failures WHERE last_at < $1",
        &[Val::from(stamp(before))],
    )
}
