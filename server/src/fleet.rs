//! Several `ourvoice-server` processes on one database (a fleet behind a load balancer), and
//! what keeps them in step: every [`HEARTBEAT`] each server writes that it is alive, learns how
//! many servers are, and reloads the settings it keeps in memory (which offices are on).
//!
//! Guarantees: a change made on one server (an office switched on or off) takes effect on
//! every server within two heartbeats; the per-address limits a server applies are its share
//! of the configured limit (the limit divided by the servers alive), so that the fleet as a
//! whole never lets an address past the configured limit, however the balancer spreads its
//! requests; a server that stops cleanly leaves at once, one that dies stops counting after
//! [`store::fleet::ALIVE_FOR`]. The duties done once per period for the whole fleet claim
//! their period in `store::fleet::claim` (see [`crate::deadlines`]).
//!
//! Liveness uses the wall clock, never the test clock (`--clock-file`), which may stand still.

use chrono::{DateTime, Utc};

use crate::clock::wall_now;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::store::{self, StoreError};
use crate::AppState;

/// How often each server writes that it is alive and reloads what it keeps in memory.
pub const HEARTBEAT: Duration = Duration::from_secs(1);

/// How many servers of the fleet are alive (at least one: this one); shared with the limits.
#[derive(Clone, Debug)]
pub struct FleetSize(Arc<AtomicU32>);

impl Default for FleetSize {
    fn default() -> FleetSize {
        FleetSize(Arc::new(AtomicU32::new(1)))
    }
}

impl FleetSize {
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed).max(1)
    }

    pub(crate) fn set(&self, servers: u32) {
        self.0.store(servers.max(1), Ordering::Relaxed);
    }
}

/// This server as a member of the fleet.
#[derive(Debug)]
pub struct Member {
    /// A name for this process, new at every start (it names who did a duty).
    pub id: String,
    started_at: DateTime<Utc>,
    /// How many servers are alive, as of the last heartbeat.
    pub size: FleetSize,
}

impl Default for Member {
    fn default() -> Member {
        let id = uuid::Uuid::new_v4().simple().to_string();
        Member {
            id: id[..12].to_string(),
            started_at: wall_now(),
            size: FleetSize::default(),
        }
    }
}

/// One heartbeat: says this server is alive, learns how many are, and reloads which offices
/// are on.
pub async fn heartbeat(state: &AppState) -> Result<(), StoreError> {
    let (id, started_at) = (state.fleet.id.clone(), state.fleet.started_at);
    let servers = state
        .store
        .write(move |sql| store::fleet::heartbeat(sql, &id, started_at, wall_now()))
        .await?;
    state.fleet.size.set(servers);
    let mark = state.offices.mark();
    let stored = state.store.read(crate::offices::Offices::load).await?;
    state.offices.replace(stored, mark);
    Ok(())
}

/// Heartbeats until the task is aborted; a failed one (the database away) is retried at the
/// next, and the last known settings stay meanwhile.
pub async fn keep_in_step(state: Arc<AppState>) {
    let mut ticker = tokio::time::interval(HEARTBEAT);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = heartbeat(&state).await {
            tracing::warn!(%error, "fleet heartbeat failed; will retry");
        }
    }
}

/// This server stops: the others stop counting it at once.
pub async fn leave(state: &AppState) {
    let id = state.fleet.id.clone();
    if let Err(error) = state
        .store
        .write(move |sql| store::fleet::leave(sql, &id))
        .await
    {
        tracing::warn!(%error, "could not say this server is leaving the fleet");
    }
}
