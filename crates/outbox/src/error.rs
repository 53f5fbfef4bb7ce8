//! Outbox errors: the detailed internal enum for logs and a submit error the UI can show.

use ourvoice_protocol::ValidationError;

/// What went wrong inside the outbox. Messages never contain what a citizen wrote.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the database was written by a newer version of the app (schema {found}, this app knows {supported})")]
    NewerSchema { found: u32, supported: u32 },
    #[error("could not read or write the data folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("a submission with id {0} is already in the outbox")]
    DuplicateId(uuid::Uuid),
    #[error("no submission {0} on this device")]
    UnknownSubmission(uuid::Uuid),
    /// An answer or rating that cannot be sent (code as the server would name it).
    #[error("this answer or rating cannot be sent: {0}")]
    InvalidAction(&'static str),
    /// An app lock PIN must be 4 to 6 digits.
    #[error("a PIN is 4 to 6 digits")]
    InvalidPin,
    #[error("no attachment {0} on this device")]
    UnknownAttachment(uuid::Uuid),
    /// The attachment's file on the phone is gone or no longer matches its SHA-256.
    #[error("the file of attachment {0} is damaged on this device")]
    DamagedAttachment(uuid::Uuid),
    /// A submission declaring attachments was stored without their content.
    #[error("submission {0} declares attachments whose content was not given")]
    AttachmentContentMissing(uuid::Uuid),
    #[error("stored row {id} is unreadable: {reason}")]
    CorruptRow { id: String, reason: String },
}

/// Why a draft could not be queued.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The citizen can fix these; nothing was stored and the draft is unchanged.
    #[error("the form has {} problem(s)", .0.len())]
    Invalid(Vec<ValidationError>),
    /// The phone could not store it (storage full, database broken).
    #[error(transparent)]
    Storage(#[from] OutboxError),
}
