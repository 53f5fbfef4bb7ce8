//! The sync engine: sends the outbox to the server in bounded, gzip-compressed batches and pulls
//! status changes and replies for this device's own submissions.
//!
//! Guarantees:
//! - a row is settled only from the server's per-item answer; any transport failure, timeout,
//!   5xx or unreadable answer puts the whole batch back in the queue with backoff;
//! - the bytes sent for an item are exactly those stored at enqueue, every time, so a resend
//!   is recognised by the server as the same submission;
//! - backoff is exponential with jitter and a cap; [`SyncEngine::kick`] retries at once;
//! - a permanent per-item rejection or conflict is never retried.

mod backoff;
mod engine;
mod error;

pub use backoff::Backoff;
pub use engine::{SyncConfig, SyncEngine, SyncPhase, SyncReport, SyncStatus};
pub use error::{SyncError, SyncProblem};
