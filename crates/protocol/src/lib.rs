//! The Our Voice wire protocol, version 1 (`/api/v1`): the serde types that are the only
//! serialised boundary between the app and the server, the validation rules both sides apply,
//! and the stable error codes the app translates.
//!
//! Guarantees: a value that passes [`Submission::validate`] on the phone passes it on the
//! server given the same directory; every rejection names a stable [`ErrorCode`] and the field.
//!
//! What is public: nothing a citizen did not choose to publish. Public surfaces carry only coded
//! fields (service, status, office, place, dates, server number); an item's text is published
//! only when its [`Submission::publish_text`] is set, which validation allows only where
//! [`may_publish_text`] holds.

pub mod attachments;
pub mod codes;
mod ids;
pub mod lifecycle;
pub mod scorecards;
mod submission;
mod sync;
pub mod text;
mod validation;
pub mod writing;

pub use attachments::{
    attachment_path, AttachmentDeclaration, AttachmentKind, AttachmentRefusal, AttachmentState,
    AttachmentStatus, MediaType, MAX_PHOTOS, MAX_PHOTO_BYTES, MAX_PHOTO_EDGE,
    MAX_UPLOAD_PIECE_BYTES, MAX_VOICE_BYTES, MAX_VOICE_NOTES, MAX_VOICE_SECONDS,
    UPLOAD_PIECE_BYTES,
};
pub use codes::{sql_list, Code, PrivacyMode};
pub use ids::{Secret, TrackingCode};
pub use lifecycle::{rating_reopens, CaseStatus, CitizenActionKind, EventAction};
pub use ourvoice_directory::Lang;
pub use submission::{
    may_publish_text, AgeBand, Criteria, Disability, Evaluation, Gender, Kind, Privacy,
    RespondentProfile, Submission,
};
pub use sync::{
    ApiError, CaseActionResponse, CaseUpdate, CitizenAnswerRequest, ItemKey, ItemOutcome,
    ItemResult, OfficeContact, OfficeContacts, RatingRequest, Reply, ReplyKind, SubmitBatchRequest,
    SubmitBatchResponse, UpdatesRequest, UpdatesResponse,
};
pub use validation::{
    citizen_answer_text, citizen_rating, field, normalize_phone, parse_submission,
    parse_submission_json, CitizenActionRefusal, ErrorCode, ValidationError,
};
pub use writing::{cambodia, cambodia_today, CAMBODIA_UTC_OFFSET_SECONDS};

/// The path prefix of this protocol version.
pub const API_PREFIX: &str = "/api/v1";
/// The longest description a citizen may write, in characters (Unicode scalar values).
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// The longest name in a confidential submission, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The most items the server takes in one batch.
pub const MAX_BATCH_ITEMS: usize = 200;
/// The most items one updates request may ask about.
pub const MAX_UPDATE_ITEMS: usize = 1000;
