//! The outbox: every submission a citizen makes is written here, on the phone, before anything
//! else happens, and stays here until the server has answered for it.
//!
//! Guarantees:
//! - [`Outbox::submit`] returns only after the row is durably committed (`synchronous=FULL`):
//!   what it returned survives the app being killed or the phone losing power.
//! - A row leaves the pending states (queued, sending, retrying) only through
//!   [`Outbox::settle`], i.e. after the server acknowledged that item.
//! - Every queue (submissions, the citizen's answers and ratings) goes through one state
//!   machine ([`Queue`], `queue.rs`): queued → sending → settled, back to queued with a backoff
//!   when a request fails. Answers and ratings ([`Outbox::queue_action`]) are each queued under
//!   a request id made on the phone.
//! - Rows are never deleted by syncing; only the citizen deletes settled rows.
//! - A submission's photos and voice note are in fsynced files, named by rows committed with
//!   the submission, before [`Outbox::submit`] returns (`attachments.rs`); each is uploaded
//!   after its submission is accepted and counts as sent only when the server received it.
//! - A row whose citizen chose to hide the text keeps no readable copy of it once the server
//!   accepted it (`store.rs`); the app lock's PIN is kept only as a slow hash (`lock.rs`).
//! - The public scorecards of the last offices the citizen looked at are kept with their ETag
//!   and when the server last answered for them (`scorecards.rs`), for the screen to show
//!   offline.

mod actions;
mod attachments;
mod contacts;
mod db;
mod draft;
mod error;
mod lock;
mod queue;
mod scorecards;
mod store;

pub use actions::{
    ActionBody, ActionSettlement, ActionState, Actions, CitizenAction, ClaimedAction,
};
pub use attachments::{
    AttachmentProgress, ClaimedUpload, DraftAttachment, StoredAttachment, UploadSettlement,
    Uploads, DAMAGED_ON_PHONE,
};
pub use db::{open_database, SCHEMA_VERSION};
pub use draft::{cambodia_today, Draft};
pub use error::{OutboxError, SubmitError};
pub use lock::{normalize_pin, pin_delay, PinCheck, PIN_DIGITS, PIN_MEMORY_KIB, PIN_PASSES};
pub use queue::{Outcome, Queue};
pub use scorecards::{KeptScorecard, SCORECARDS_KEPT};
pub use store::{
    Claimed, Counts, ItemState, Outbox, OutboxItem, ReplyRecord, Settlement, Submissions,
};
