//! Sync errors: the detailed enum the engine logs, and the small problem the UI shows.

use ourvoice_outbox::OutboxError;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("could not reach the server: {0}")]
    Unreachable(String),
    #[error("the server did not answer in time")]
    Timeout,
    #[error("the server is busy (HTTP {status})")]
    Busy {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("the server failed (HTTP {status})")]
    ServerFailed { status: u16 },
    #[error("the server refused the request (HTTP {status}, {code})")]
    Refused { status: u16, code: String },
    #[error("the server's answer could not be read: {0}")]
    BadAnswer(String),
    #[error("the server URL is not usable: {0}")]
    BadUrl(String),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error("no such submission on this device")]
    UnknownItem,
}

/// What the citizen is told about a sync that did not go through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncProblem {
    /// No connection: everything waits on the phone and goes when the network is back.
    Offline,
    /// The server could not take it now; the app tries again by itself.
    ServerUnavailable,
    /// The server refuses this app version's requests: the app needs an update.
    UpdateNeeded,
    /// The phone's storage failed.
    Storage,
}

impl SyncError {
    pub fn problem(&self) -> SyncProblem {
        match self {
            SyncError::Unreachable(_) | SyncError::Timeout => SyncProblem::Offline,
            SyncError::Busy { .. } | SyncError::ServerFailed { .. } | SyncError::BadAnswer(_) => {
                SyncProblem::ServerUnavailable
            }
            SyncError::Refused { .. } | SyncError::BadUrl(_) => SyncProblem::UpdateNeeded,
            SyncError::Outbox(_) | SyncError::UnknownItem => SyncProblem::Storage,
        }
    }

    /// A short code stored with a row as its last error (no personal data).
    pub fn code(&self) -> String {
        match self {
            SyncError::Unreachable(_) => "unreachable".into(),
            SyncError::Timeout => "timeout".into(),
            SyncError::Busy { status, .. } => format!("busy_{status}"),
            SyncError::ServerFailed { status } => format!("server_{status}"),
            SyncError::Refused { status, code } => format!("refused_{status}_{code}"),
            SyncError::BadAnswer(_) => "bad_answer".into(),
            SyncError::BadUrl(_) => "bad_url".into(),
            SyncError::Outbox(_) => "storage".into(),
            SyncError::UnknownItem => "unknown_item".into(),
        }
    }

    pub(crate) fn from_reqwest(error: reqwest::Error) -> SyncError {
        if error.is_timeout() {
            SyncError::Timeout
        } else if error.is_builder() {
            SyncError::BadUrl(error.to_string())
        } else if error.is_decode() || error.is_body() {
            SyncError::BadAnswer(error.to_string())
        } else {
            SyncError::Unreachable(error.to_string())
        }
    }
}
