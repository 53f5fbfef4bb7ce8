//! The sync engine: sends the outbox to the server in bounded, gzip-compressed batches, then the
//! citizen's queued answers and ratings, then the photos and voice notes, and pulls status
//! changes and replies for this device's own submissions.
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
//!   retried; anything else retries with the same backoff;
//! - photos and voice notes go after their submission is accepted, one attachment at a time,
//!   in pieces of [`ourvoice_protocol::UPLOAD_PIECE_BYTES`] from where the server's copy ends:
//!   every count the server answers is recorded durably, an attachment that ever sent bytes
//!   asks the server's count (GET) before sending again, and a 409 continues from the count it
//!   carries, so acknowledged bytes are never sent again; an attachment is settled only when
//!   the server says received or refused; the submission's secret travels in the
//!   `Authorization` header, never in the URL;
//! - an office's public scorecard is asked for with the ETag of the one kept on the phone and
//!   kept only from the server's answer for it (new figures, 304 unchanged, or none yet); a
//!   failed request changes nothing kept, so the phone shows what it had, with its age.

mod backoff;
mod engine;
mod error;

pub use backoff::Backoff;
pub use engine::{ScorecardAnswer, SyncConfig, SyncEngine, SyncPhase, SyncReport, SyncStatus};
pub use error::{SyncError, SyncProblem};
