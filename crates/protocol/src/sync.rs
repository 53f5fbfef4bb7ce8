//! The two sync calls and their answers: `POST /api/v1/submissions` (a batch of submissions,
//! answered item by item) and `POST /api/v1/updates` (status changes and replies for this
//! device's own submissions, each proven by its secret, since a per-item cursor).
//!
//! Guarantees: secrets travel only in request bodies; every answer item names the submission
//! it is about, so a client can settle each row on its own.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{CaseStatus, Secret, Submission, ValidationError};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubmitBatchRequest {
    pub items: Vec<Submission>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitBatchResponse {
    /// One result per request item, in request order.
    pub results: Vec<ItemResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    /// Position of the item in the request.
    pub index: usize,
    /// The item's id, when it could be read.
    pub id: Option<Uuid>,
    #[serde(flatten)]
    pub outcome: ItemOutcome,
}

/// What became of one item. `Accepted` is also the answer to a repeat of an accepted item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ItemOutcome {
    Accepted {
        /// The server's number for the case, shown to the citizen and the office.
        server_number: u64,
        /// Code of the office that must answer.
        office: String,
        status: CaseStatus,
        /// Sequence number of the newest event of this case: the cursor for its updates.
        seq: u64,
        received_at: DateTime<Utc>,
        /// When the office should answer by (its deadline for this kind, in working days);
        /// past it, the case goes to the citizens' office above. Absent from older servers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answer_by: Option<DateTime<Utc>>,
    },
    /// Permanently refused: retrying the same body cannot succeed.
    Rejected { errors: Vec<ValidationError> },
    /// The id was already used for a different body.
    Conflict,
}

/// One of this device's submissions, proven by its secret, and the last event seen of it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ItemKey {
    pub id: Uuid,
    pub secret: Secret,
    /// Events with a greater sequence number are wanted.
    pub since: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UpdatesRequest {
    pub items: Vec<ItemKey>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdatesResponse {
    /// Events in ascending `seq`; items with a wrong secret or unknown id are silently absent.
    pub updates: Vec<CaseUpdate>,
}

/// One event of a case: a status change, possibly with a reply from the office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseUpdate {
    pub id: Uuid,
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub status: CaseStatus,
    pub office: String,
    #[serde(default)]
    pub reply: Option<Reply>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    Answer,
    Question,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub kind: ReplyKind,
    pub text: String,
}

/// `GET /api/v1/offices`: how to reach the offices that gave a telephone number or opening
/// hours, for the place and case screens (the gazetteer's offices are in the directory).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeContacts {
    pub offices: Vec<OfficeContact>,
}

/// One office's telephone and opening hours, as its administrator wrote them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeContact {
    /// The office's code, e.g. `OWSO-0102`.
    pub office: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

/// The body of every non-2xx answer: a stable code, the field at fault if any, and a sentence
/// (English) for developers. Apps translate the code, not the sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// `POST /api/v1/answers`: the citizen's answer to the office's question, proven by the
/// submission's secret.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CitizenAnswerRequest {
    pub id: Uuid,
    pub secret: Secret,
    pub text: String,
    /// Chosen by the app when the citizen sends; a repeat with the same `request_id` gets the
    /// first answer again, so an app may resend after an answer it never received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Uuid>,
}

/// `POST /api/v1/ratings`: the citizen's rating (1 to 5) of the office's answer; 1 or 2
/// reopens the case.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RatingRequest {
    pub id: Uuid,
    pub secret: Secret,
    pub rating: u8,
    /// As in [`CitizenAnswerRequest::request_id`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Uuid>,
}

/// The answer to an answer or a rating: the case's new event and status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseActionResponse {
    pub seq: u64,
    pub status: CaseStatus,
}
