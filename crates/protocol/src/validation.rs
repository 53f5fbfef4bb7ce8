//! Validation rules for submissions, shared by the app (before enqueueing) and the server
//! (before storing), and the stable error codes the app shows in Khmer or English.
//!
//! Guarantees: every rule yields an [`ErrorCode`] plus the dotted name of the field at fault;
//! all problems of a submission are reported at once, in field order.

use chrono::NaiveDate;
use ourvoice_directory::Directory;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::{
    AttachmentKind, Kind, Privacy, Submission, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, MAX_PHOTOS,
    MAX_VOICE_NOTES,
};

/// Why an item (or a field of it) was refused. The wire form (`as_str`) never changes meaning;
/// the app keeps one Fluent message per code (`error-<code with dashes>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not the right shape: a missing field, a wrong type or an unknown value.
    Malformed,
    IdInvalid,
    PlaceUnknown,
    CategoryUnknown,
    CategoryNotOffered,
    DescriptionRequired,
    DescriptionTooLong,
    EvaluationRequired,
    EvaluationNotAllowed,
    RatingOutOfRange,
    IncidentDateInFuture,
    NameRequired,
    NameTooLong,
    PhoneRequired,
    PhoneInvalid,
    SecretInvalid,
    AppVersionInvalid,
    /// `publish_text` on an item whose text may not be public: a complaint about office staff,
    /// a confidential item or an evaluation.
    PublishNotAllowed,
    /// More than [`MAX_PHOTOS`] photos or [`MAX_VOICE_NOTES`] voice notes.
    AttachmentsTooMany,
    /// An attachment's declaration is wrong: its id, type, size or SHA-256.
    AttachmentInvalid,
    /// The server has not made its public figures yet (a scorecard asked for before the first
    /// day's were computed): not an error of the request; the app says "no figures yet".
    NoFiguresYet,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 21] = [
        ErrorCode::Malformed,
        ErrorCode::IdInvalid,
        ErrorCode::PlaceUnknown,
        ErrorCode::CategoryUnknown,
        ErrorCode::CategoryNotOffered,
        ErrorCode::DescriptionRequired,
        ErrorCode::DescriptionTooLong,
        ErrorCode::EvaluationRequired,
        ErrorCode::EvaluationNotAllowed,
        ErrorCode::RatingOutOfRange,
        ErrorCode::IncidentDateInFuture,
        ErrorCode::NameRequired,
        ErrorCode::NameTooLong,
        ErrorCode::PhoneRequired,
        ErrorCode::PhoneInvalid,
        ErrorCode::SecretInvalid,
        ErrorCode::AppVersionInvalid,
        ErrorCode::PublishNotAllowed,
        ErrorCode::AttachmentsTooMany,
        ErrorCode::AttachmentInvalid,
        ErrorCode::NoFiguresYet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "malformed",
            ErrorCode::IdInvalid => "id_invalid",
            ErrorCode::PlaceUnknown => "place_unknown",
            ErrorCode::CategoryUnknown => "category_unknown",
            ErrorCode::CategoryNotOffered => "category_not_offered",
            ErrorCode::DescriptionRequired => "description_required",
            ErrorCode::DescriptionTooLong => "description_too_long",
            ErrorCode::EvaluationRequired => "evaluation_required",
            ErrorCode::EvaluationNotAllowed => "evaluation_not_allowed",
            ErrorCode::RatingOutOfRange => "rating_out_of_range",
            ErrorCode::IncidentDateInFuture => "incident_date_in_future",
            ErrorCode::NameRequired => "name_required",
            ErrorCode::NameTooLong => "name_too_long",
            ErrorCode::PhoneRequired => "phone_required",
            ErrorCode::PhoneInvalid => "phone_invalid",
            ErrorCode::SecretInvalid => "secret_invalid",
            ErrorCode::AppVersionInvalid => "app_version_invalid",
            ErrorCode::PublishNotAllowed => "publish_not_allowed",
            ErrorCode::AttachmentsTooMany => "attachments_too_many",
            ErrorCode::AttachmentInvalid => "attachment_invalid",
            ErrorCode::NoFiguresYet => "no_figures_yet",
        }
    }

    pub fn from_code(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one field of a submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationError {
    pub code: ErrorCode,
    /// Dotted path of the field, e.g. `description` or `evaluation.criteria.speed`.
    pub field: String,
    /// For `malformed`: what the parser said (never contains the field's value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ValidationError {
    pub fn new(code: ErrorCode, field: &str) -> ValidationError {
        ValidationError {
            code,
            field: field.to_string(),
            detail: None,
        }
    }
}

/// Reads one submission from JSON, naming the field when the shape is wrong.
pub fn parse_submission(value: serde_json::Value) -> Result<Submission, ValidationError> {
    if !value.is_object() {
        return Err(not_an_object());
    }
    serde_path_to_error::deserialize::<_, Submission>(value).map_err(malformed)
}

/// Reads one submission from its JSON text straight into the typed structure (no JSON tree in
/// between, so a hostile item costs no more than its text), naming the field when the shape
/// is wrong.
pub fn parse_submission_json(text: &str) -> Result<Submission, ValidationError> {
    if !text.trim_start().starts_with('{') {
        return Err(not_an_object());
    }
    let mut json = serde_json::Deserializer::from_str(text);
    let submission =
        serde_path_to_error::deserialize::<_, Submission>(&mut json).map_err(malformed)?;
    json.end().map_err(|error| ValidationError {
        code: ErrorCode::Malformed,
        field: String::new(),
        detail: Some(error.to_string().chars().take(200).collect()),
    })?;
    Ok(submission)
}

fn not_an_object() -> ValidationError {
    ValidationError {
        code: ErrorCode::Malformed,
        field: String::new(),
        detail: Some("each item must be a JSON object".into()),
    }
}

fn malformed<E: std::fmt::Display>(error: serde_path_to_error::Error<E>) -> ValidationError {
    let path = error.path().to_string();
    let message = error.inner().to_string();
    // serde reports a missing field at its parent; name the field itself.
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let field = match (missing, path.as_str()) {
        (Some(name), "." | "") => name.to_string(),
        (Some(name), parent) => format!("{parent}.{name}"),
        (None, path) => path.to_string(),
    };
    let detail = message.split(" at line").next().unwrap_or_default();
    ValidationError {
        code: ErrorCode::Malformed,
        field,
        detail: Some(detail.chars().take(200).collect()),
    }
}

/// Cambodian phone numbers as people write them: `012 345 678`, `+855 12 345 678`, Khmer digits.
/// Returns the number in international form (`+85512345678`) or `None`.
pub fn normalize_phone(typed: &str) -> Option<String> {
    let mut digits = String::new();
    for c in typed.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            '០'..='៩' => digits.push(char::from(b'0' + (c as u32 - '០' as u32) as u8)),
            '+' if digits.is_empty() => {}
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    let national = if let Some(rest) = digits.strip_prefix("855") {
        rest.strip_prefix('0').unwrap_or(rest)
    } else {
        digits.strip_prefix('0')?
    };
    let valid = (8..=9).contains(&national.len()) && !national.starts_with('0');
    valid.then(|| format!("+855{national}"))
}

impl Submission {
    /// Checks every rule; `today` is the checker's date in Cambodia (UTC+7).
    pub fn validate(
        &self,
        directory: &Directory,
        today: NaiveDate,
    ) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let mut fail = |code, field: &str| errors.push(ValidationError::new(code, field));

        if self.id.is_nil() || self.id.get_version_num() != 4 {
            fail(ErrorCode::IdInvalid, field::ID);
        }
        match directory.route(&self.place) {
            None => fail(ErrorCode::PlaceUnknown, field::PLACE),
            Some(office) => match directory.category(&self.category) {
                None => fail(ErrorCode::CategoryUnknown, field::CATEGORY),
                Some(_) => {
                    let offered = directory.categories(office.office_type);
                    if !offered.iter().any(|c| c.code == self.category) {
                        fail(ErrorCode::CategoryNotOffered, field::CATEGORY);
                    }
                }
            },
        }
        let description_chars = self.description.chars().count();
        if self.description.trim().is_empty()
            && self.kind != Kind::Evaluation
            && !self.has_voice_note()
        {
            fail(ErrorCode::DescriptionRequired, field::DESCRIPTION);
        } else if description_chars > MAX_DESCRIPTION_CHARS {
            fail(ErrorCode::DescriptionTooLong, field::DESCRIPTION);
        }
        match (&self.evaluation, self.kind) {
            (None, Kind::Evaluation) => fail(ErrorCode::EvaluationRequired, field::EVALUATION),
            (Some(_), kind) if kind != Kind::Evaluation => {
                fail(ErrorCode::EvaluationNotAllowed, field::EVALUATION)
            }
            (Some(evaluation), _) => {
                if !(1..=5).contains(&evaluation.overall) {
                    fail(ErrorCode::RatingOutOfRange, field::EVALUATION_OVERALL);
                }
                for (name, rating) in evaluation.criteria.named() {
                    if rating.is_some_and(|r| !(1..=5).contains(&r)) {
                        fail(
                            ErrorCode::RatingOutOfRange,
                            &format!("{}.{name}", field::EVALUATION_CRITERIA),
                        );
                    }
                }
            }
            (None, _) => {}
        }
        self.validate_attachments(&mut fail);
        if self.publish_text && !self.may_publish_text() {
            fail(ErrorCode::PublishNotAllowed, field::PUBLISH_TEXT);
        }
        if self.incident_date.is_some_and(|date| date > today) {
            fail(ErrorCode::IncidentDateInFuture, field::INCIDENT_DATE);
        }
        if let Privacy::Confidential { name, phone } = &self.privacy {
            if name.trim().is_empty() {
                fail(ErrorCode::NameRequired, field::PRIVACY_NAME);
            } else if name.chars().count() > MAX_NAME_CHARS {
                fail(ErrorCode::NameTooLong, field::PRIVACY_NAME);
            }
            if phone.trim().is_empty() {
                fail(ErrorCode::PhoneRequired, field::PRIVACY_PHONE);
            } else if normalize_phone(phone).is_none() {
                fail(ErrorCode::PhoneInvalid, field::PRIVACY_PHONE);
            }
        }
        let version_ok = !self.app_version.is_empty()
            && self.app_version.len() <= 32
            && self.app_version.bytes().all(|b| b.is_ascii_graphic());
        if !version_ok {
            fail(ErrorCode::AppVersionInvalid, field::APP_VERSION);
        }
        if !self.secret.is_well_formed() {
            fail(ErrorCode::SecretInvalid, field::SECRET);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Submission {
    /// At most [`MAX_PHOTOS`] photos and [`MAX_VOICE_NOTES`] voice notes, each with its own
    /// UUID v4, a media type of its kind, 1 byte to the kind's most, and a well-formed SHA-256.
    fn validate_attachments(&self, fail: &mut impl FnMut(ErrorCode, &str)) {
        let count = |kind| {
            self.attachments
                .iter()
                .filter(|attachment| attachment.kind == kind)
                .count()
        };
        if count(AttachmentKind::Photo) > MAX_PHOTOS
            || count(AttachmentKind::Voice) > MAX_VOICE_NOTES
        {
            fail(ErrorCode::AttachmentsTooMany, field::ATTACHMENTS);
            return;
        }
        for (index, attachment) in self.attachments.iter().enumerate() {
            let repeated = attachment.id == self.id
                || self.attachments[..index]
                    .iter()
                    .any(|earlier| earlier.id == attachment.id);
            let valid = !attachment.id.is_nil()
                && attachment.id.get_version_num() == 4
                && !repeated
                && attachment.media_type.kind() == attachment.kind
                && (1..=attachment.kind.max_bytes()).contains(&attachment.bytes)
                && attachment.sha256_well_formed();
            if !valid {
                fail(
                    ErrorCode::AttachmentInvalid,
                    &format!("{}[{index}]", field::ATTACHMENTS),
                );
            }
        }
    }
}

/// Why a citizen's answer or rating cannot be sent: checked on the phone before it is queued
/// and again by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CitizenActionRefusal {
    /// The answer is empty or longer than [`MAX_DESCRIPTION_CHARS`].
    TextLength,
    /// The rating is not 1 to 5.
    RatingOutOfRange,
}

impl CitizenActionRefusal {
    /// The stable code in the API's error answer.
    pub fn as_str(self) -> &'static str {
        match self {
            CitizenActionRefusal::TextLength => "text_length",
            CitizenActionRefusal::RatingOutOfRange => "rating_out_of_range",
        }
    }

    /// The field at fault.
    pub fn field(self) -> &'static str {
        match self {
            CitizenActionRefusal::TextLength => "text",
            CitizenActionRefusal::RatingOutOfRange => "rating",
        }
    }
}

/// The citizen's answer to the office's question as it is kept: trimmed, 1 to
/// [`MAX_DESCRIPTION_CHARS`] characters.
pub fn citizen_answer_text(text: &str) -> Result<String, CitizenActionRefusal> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(CitizenActionRefusal::TextLength);
    }
    Ok(text.to_string())
}

/// The citizen's rating of the office's answer: 1 (very bad) to 5 (very good).
pub fn citizen_rating(rating: u8) -> Result<u8, CitizenActionRefusal> {
    if (1..=5).contains(&rating) {
        Ok(rating)
    } else {
        Err(CitizenActionRefusal::RatingOutOfRange)
    }
}

/// The names of a submission's fields as validation errors name them, so that the app can put
/// each error beside its field.
pub mod field {
    pub const ID: &str = "id";
    pub const PLACE: &str = "place";
    pub const CATEGORY: &str = "category";
    pub const DESCRIPTION: &str = "description";
    pub const EVALUATION: &str = "evaluation";
    pub const EVALUATION_OVERALL: &str = "evaluation.overall";
    /// Followed by `.` and the criterion's name.
    pub const EVALUATION_CRITERIA: &str = "evaluation.criteria";
    pub const PUBLISH_TEXT: &str = "publish_text";
    pub const INCIDENT_DATE: &str = "incident_date";
    pub const PRIVACY: &str = "privacy";
    pub const PRIVACY_NAME: &str = "privacy.name";
    pub const PRIVACY_PHONE: &str = "privacy.phone";
    pub const APP_VERSION: &str = "app_version";
    pub const SECRET: &str = "secret";
    /// Followed by `[index]` for one attachment.
    pub const ATTACHMENTS: &str = "attachments";
}
