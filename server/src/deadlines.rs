//! The deadline sweep: open items past their deadline are escalated once to the citizens'
//! office above their office (the district's for a commune hall or an OWSO, the province's for
//! a district citizens' office or an OWSU).
//!
//! A citizens' office that is switched off passes the item on to the province's (see
//! [`crate::offices`]). Each sweep also reloads which offices are on.
//!
//! Each sweep also deletes the console sessions that ended (past their lifetime or idle).
//!
//! Guarantees: each overdue item is escalated at most once (`escalated` is set in the same
//! transaction); the sweep uses the server's clock, so tests can move time forward.

use std::sync::Arc;
use std::time::Duration;

use crate::store::StoreError;
use crate::store::{case_actions, sessions};
use crate::AppState;

/// Escalates every overdue, not yet escalated item; how many were found.
pub async fn sweep(state: &AppState) -> Result<usize, StoreError> {
    let mark = state.offices.mark();
    let stored = state.store.read(crate::offices::Offices::load).await?;
    state.offices.replace(stored, mark);
    let now = state.store.clock().now();
    let overdue = state
        .store
        .read(move |sql| case_actions::overdue_unescalated(sql, now))
        .await?;
    let idle_since = state.idle_since(now);
    let ended = state
        .store
        .write(move |sql| sessions::delete_ended_sessions(sql, now, idle_since))
        .await?;
    if ended > 0 {
        tracing::debug!(ended, "deleted ended console sessions");
    }
    let count = overdue.len();
    let plan: Vec<(i64, Option<String>)> = overdue
        .into_iter()
        .map(|(number, office)| {
            let above = state
                .directory
                .citizens_office_above(&office)
                .map(|o| state.offices.answering(state.directory, &o.code));
            (number, above)
        })
        .collect();
    if !plan.is_empty() {
        state
            .store
            .write(move |sql| {
                for (number, to) in &plan {
                    case_actions::escalate_overdue(sql, *number, to.as_deref(), now)?;
                }
                Ok(())
            })
            .await?;
        tracing::info!(count, "escalated overdue items");
    }
    Ok(count)
}

/// Sweeps every `every` until the task is aborted.
pub async fn sweep_forever(state: Arc<AppState>, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let result = sweep(&state).await;
        crate::metrics::global().sweep(result.is_ok());
        if let Err(error) = result {
            tracing::warn!(%error, "deadline sweep failed; will retry");
        }
    }
}
