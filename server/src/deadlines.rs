//! The deadline sweep: open items past their deadline are escalated once to the citizens'
//! office above their office (the district's for a commune hall or an OWSO, the province's for
//! a district citizens' office or an OWSU).
//!
//! A citizens' office that is switched off passes the item on to the province's (see
//! [`crate::offices`]). Each sweep also deletes the console sessions that ended (past their
//! lifetime or idle) and the sign-in failures long forgotten.
//!
//! Guarantees: the sweep runs once per period (`--deadline-sweep-seconds` of real time) for
//! the whole fleet: every server tries twice a period, and the first claims the period in the
//! same transaction as the escalations (`store::fleet::claim`), so no period is swept twice,
//! and a server that dies mid-sweep leaves its period to the next try (of any server); each
//! overdue item is escalated at most once (`escalated` is set in the same transaction); which
//! items are overdue follows the server's clock, so tests can move time forward. A backlog
//! (after a stop, or a day when many items fall due) is escalated [`SWEEP_BATCH`] items per
//! transaction, so that other writes (a sign-in, an answer, the day's scorecards) take their
//! turns between them; a server that dies between two leaves the rest to the next period.
//! The server that swept a period then erases the contact details whose retention ended
//! ([`crate::retention`], safe to run twice).

use std::sync::Arc;
use std::time::Duration;

use crate::clock::wall_now;
use crate::store::StoreError;
use crate::store::{case_actions, fleet, sessions, sign_in_failures};
use crate::AppState;

/// The name under which sweeps claim their periods.
pub const SWEEP_DUTY: &str = "deadline-sweep";

/// The most items escalated in one transaction (at a million cases on PostgreSQL, a backlog
/// escalated in one held the writer for minutes: sign-ins waited past their timeout).
pub const SWEEP_BATCH: usize = 500;

/// What one try to sweep did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sweep {
    /// This server swept `period`, escalating `escalated` items.
    Done { period: i64, escalated: usize },
    /// Another server had swept this period already.
    Taken,
}

/// The period of real time `every` long that `now` falls in.
fn period(every: Duration) -> i64 {
    wall_now().timestamp() / every.as_secs().max(1) as i64
}

/// Sweeps the current period unless another server of the fleet has.
pub async fn sweep(state: &Arc<AppState>, every: Duration) -> Result<Sweep, StoreError> {
    let period = period(every);
    let now = state.store.clock().now();
    let idle_since = state.idle_since(now);
    let shared = Arc::clone(state);
    let done = state
        .store
        .write(move |sql| {
            if !fleet::claim(sql, SWEEP_DUTY, period, &shared.fleet.id, wall_now())? {
                return Ok(None);
            }
            let ended = sessions::delete_ended_sessions(sql, now, idle_since)?;
            if ended > 0 {
                tracing::debug!(ended, "deleted ended console sessions");
            }
            sign_in_failures::forget_before(sql, now - crate::console::throttle::FORGET_AFTER)?;
            Ok(Some(escalate_some(sql, &shared, now)?))
        })
        .await?;
    let Some(first) = done else {
        return Ok(Sweep::Taken);
    };
    let (mut escalated, mut last) = (first, first);
    // The rest of a backlog, a batch per write, each behind the writes queued meanwhile.
    while last == SWEEP_BATCH {
        let shared = Arc::clone(state);
        last = state
            .store
            .write(move |sql| escalate_some(sql, &shared, now))
            .await?;
        escalated += last;
    }
    if escalated > 0 {
        tracing::info!(count = escalated, "escalated overdue items");
    }
    crate::retention::erase_expired_contacts(&state.store, state.retain_contacts_months).await?;
    Ok(Sweep::Done { period, escalated })
}

/// Escalates up to [`SWEEP_BATCH`] overdue items, the oldest first; how many.
fn escalate_some(
    sql: &mut dyn crate::store::Sql,
    state: &AppState,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, StoreError> {
    let overdue = case_actions::overdue_unescalated(sql, now, SWEEP_BATCH)?;
    for (number, office) in &overdue {
        let above = state
            .directory
            .citizens_office_above(office)
            .map(|o| state.offices.answering(state.directory, &o.code));
        case_actions::escalate_overdue(sql, *number, above.as_deref(), now)?;
    }
    Ok(overdue.len())
}

/// Tries to sweep twice every `every` until the task is aborted.
pub async fn sweep_forever(state: Arc<AppState>, every: Duration) {
    let mut ticker = tokio::time::interval((every / 2).max(Duration::from_millis(500)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let result = sweep(&state, every).await;
        match &result {
            Ok(Sweep::Done { .. }) => crate::metrics::global().sweep(true),
            Ok(Sweep::Taken) => {}
            Err(_) => crate::metrics::global().sweep(false),
        }
        if let Err(error) = result {
            tracing::warn!(%error, "deadline sweep failed; will retry");
        }
    }
}
