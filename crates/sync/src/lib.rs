//! The sync engine: sends the outbox to the server in bounded, gzip-compressed batches, then the
//! citizen's queued answers and ratings, and pulls status changes and replies for this device's
//! own submissions.
//!
//! Guarantees:
//! - a row is settled only from the server's per-item answer; any transport failure, timeout,
//!   5xx or unreadable answer puts the whole batch back in the queue with backoff;
//! - the bytes sent for an item are exactly those stored at enqueue, every time, so a resend
//!   is recognised by the server as the same submission;
//! - backoff is exponential with jitter and a cap; [`SyncEngine::kick`] retries at once;
//! - a permanent per-item rejection or conflict is never retried;
//! - the citizen's answers and ratings are queued in the outbox, sent in the same round after
//!   the submissions (once their case is accepted), each always under its request id, and
//!   settled only from the server's answer for it: sent, or refused (404, 409, 422) and never
//!   retried; anything else retries with the same backoff.

mod backoff;
mod engine;
mod error;

pub use backoff::Backoff;
pub use engine::{SyncConfig, SyncEngine, SyncPhase, SyncReport, SyncStatus};
pub use error::{SyncError, SyncProblem};
