//! The servers sharing one database, as the database knows them: each server writes when it
//! was last alive, and claims each period of a periodic duty (the deadline sweep) before doing
//! it.
//!
//! Guarantees: a duty's period is claimed by one server at most, in the transaction that does
//! the duty's work, so a server that dies mid-duty leaves the period unclaimed (its work rolled
//! back) for another server to take; a server counts as alive for [`ALIVE_FOR`] after it last
//! wrote; rows of servers long gone and of old periods are removed, so the tables stay small.

use chrono::{DateTime, Duration, Utc};

use super::sql::{Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// How long a server counts as alive after it last wrote.
pub const ALIVE_FOR: Duration = Duration::seconds(5);
/// Servers not heard from for this long are removed from the table.
const FORGET_AFTER: Duration = Duration::minutes(10);
/// How many periods of a duty are kept (for operators and tests to read back).
const PERIODS_KEPT: i64 = 10_000;

/// Notes that server `id` (started at `started_at`) is alive at `now`; how many servers are
/// alive, this one included.
pub fn heartbeat(
    sql: &mut dyn Sql,
    id: &str,
    started_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u32, StoreError> {
    sql.execute(
        "INSERT INTO fleet_members (id, started_at, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
        &[
            Val::from(id),
            Val::from(stamp(started_at)),
            Val::from(stamp(now)),
        ],
    )?;
    sql.execute(
        "DELETE FROM fleet_members WHERE seen_at < $1",
        &[Val::from(stamp(now - FORGET_AFTER))],
    )?;
    let alive = sql
        .query_one(
            "SELECT count(*) FROM fleet_members WHERE seen_at >= $1",
            &[Val::from(stamp(now - ALIVE_FOR))],
        )?
        .int(0)?;
    Ok(u32::try_from(alive).unwrap_or(u32::MAX).max(1))
}

/// Server `id` stops: the others stop counting it at once.
pub fn leave(sql: &mut dyn Sql, id: &str) -> Result<(), StoreError> {
    sql.execute("DELETE FROM fleet_members WHERE id = $1", &[Val::from(id)])?;
    Ok(())
}

/// Claims `period` of `duty` for server `id`; whether this server got it (false when another
/// one has it). Call it in the transaction that does the duty's work.
pub fn claim(
    sql: &mut dyn Sql,
    duty: &str,
    period: i64,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let claimed = sql.query(
        "INSERT INTO duty_runs (duty, period, server, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (duty, period) DO NOTHING RETURNING period",
        &[
            Val::from(duty),
            Val::Int(period),
            Val::from(id),
            Val::from(stamp(now)),
        ],
    )?;
    if !claimed.is_empty() {
        sql.execute(
            "DELETE FROM duty_runs WHERE duty = $1 AND period < $2",
            &[Val::from(duty), Val::Int(period - PERIODS_KEPT)],
        )?;
    }
    Ok(!claimed.is_empty())
}
