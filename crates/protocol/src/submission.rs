//! A citizen's submission as it travels from the phone to the server: a complaint, a request for
//! support or information, or an evaluation of a public service.
//!
//! Guarantees: the serialised form of a parsed submission is canonical (fixed field order, no
//! maps), so [`Submission::body_digest`] is the same on every machine for the same content.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{AttachmentDeclaration, AttachmentKind, Lang, Secret, TrackingCode};

/// What the citizen wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Complaint,
    Support,
    Information,
    Evaluation,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Complaint,
        Kind::Support,
        Kind::Information,
        Kind::Evaluation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Complaint => "complaint",
            Kind::Support => "support",
            Kind::Information => "information",
            Kind::Evaluation => "evaluation",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == code)
    }
}

/// Who may know who wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Privacy {
    /// No identity is stored anywhere.
    Anonymous,
    /// Name and phone, to be seen only by the handling office.
    Confidential { name: String, phone: String },
}

impl Privacy {
    /// The mode, without the contact.
    pub fn mode(&self) -> crate::PrivacyMode {
        match self {
            Privacy::Anonymous => crate::PrivacyMode::Anonymous,
            Privacy::Confidential { .. } => crate::PrivacyMode::Confidential,
        }
    }
}

/// Ratings of one visit, each 1 (very bad) to 5 (very good).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub overall: u8,
    #[serde(default)]
    pub criteria: Criteria,
}

/// Per-criterion ratings; a citizen may skip any of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criteria {
    #[serde(default)]
    pub speed: Option<u8>,
    #[serde(default)]
    pub staff_attitude: Option<u8>,
    /// Were the fees those posted on the board?
    #[serde(default)]
    pub fees_as_posted: Option<u8>,
    #[serde(default)]
    pub clarity_of_information: Option<u8>,
    #[serde(default)]
    pub facilities_and_access: Option<u8>,
}

impl Criteria {
    /// The criteria with their wire names, in the order the app shows them.
    pub fn named(&self) -> [(&'static str, Option<u8>); 5] {
        [
            ("speed", self.speed),
            ("staff_attitude", self.staff_attitude),
            ("fees_as_posted", self.fees_as_posted),
            ("clarity_of_information", self.clarity_of_information),
            ("facilities_and_access", self.facilities_and_access),
        ]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    Other,
    PreferNotToSay,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "under_18")]
    Under18,
    #[serde(rename = "18_24")]
    From18To24,
    #[serde(rename = "25_34")]
    From25To34,
    #[serde(rename = "35_44")]
    From35To44,
    #[serde(rename = "45_54")]
    From45To54,
    #[serde(rename = "55_64")]
    From55To64,
    #[serde(rename = "65_plus")]
    From65,
    #[serde(rename = "prefer_not_to_say")]
    PreferNotToSay,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disability {
    Yes,
    No,
    PreferNotToSay,
}

/// Optional facts about the person, used only for statistics disaggregated by gender, age and
/// disability. Every part may be left out or answered "prefer not to say".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RespondentProfile {
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub age_band: Option<AgeBand>,
    #[serde(default)]
    pub disability: Option<Disability>,
}

/// One piece of feedback, made on the phone. `id` is the idempotency key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub id: Uuid,
    pub kind: Kind,
    /// A unit code (commune `120101`, district `1201`, province `12`) or an office code
    /// (`OWSO-1201`); the server routes it to the office that must answer.
    pub place: String,
    /// A service category offered by that office (see the directory).
    pub category: String,
    /// Required except for evaluations and items with a voice note; at most
    /// [`crate::MAX_DESCRIPTION_CHARS`] characters.
    #[serde(default)]
    pub description: String,
    /// The photos and voice note the phone will upload once the item is accepted (see
    /// [`crate::attachments`]). Left out of the JSON when empty, so a submission made before the
    /// field existed has the same bytes and [`Submission::body_digest`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentDeclaration>,
    #[serde(default)]
    pub evaluation: Option<Evaluation>,
    /// Was the citizen asked to pay more than the posted fee?
    #[serde(default)]
    pub asked_extra_payment: Option<bool>,
    /// The complaint is about the office's own staff: it goes to the citizens' office above.
    #[serde(default)]
    pub about_office_staff: bool,
    /// The citizen chose to make the text public: the description and the office's public
    /// replies may then be shown on public surfaces (Open311). Off unless chosen; never allowed
    /// for complaints about office staff, confidential items or evaluations (see
    /// [`Submission::may_publish_text`]). Left out of the JSON when false, so a submission made
    /// before the field existed has the same bytes and [`Submission::body_digest`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub publish_text: bool,
    #[serde(default)]
    pub incident_date: Option<NaiveDate>,
    pub privacy: Privacy,
    #[serde(default)]
    pub profile: Option<RespondentProfile>,
    pub locale: Lang,
    pub created_at: DateTime<Utc>,
    pub app_version: String,
    pub secret: Secret,
}

/// Whether a citizen may choose to make the text of an item public: never for a complaint about
/// the office's own staff, a confidential item or an evaluation. The app offers the choice only
/// when this holds; validation refuses `publish_text` otherwise.
pub fn may_publish_text(kind: Kind, about_office_staff: bool, confidential: bool) -> bool {
    kind != Kind::Evaluation && !about_office_staff && !confidential
}

impl Submission {
    /// [`may_publish_text`] for this submission.
    pub fn may_publish_text(&self) -> bool {
        may_publish_text(
            self.kind,
            self.about_office_staff,
            matches!(self.privacy, Privacy::Confidential { .. }),
        )
    }

    /// Whether the citizen recorded a voice note, which may stand in for written text.
    pub fn has_voice_note(&self) -> bool {
        self.attachments
            .iter()
            .any(|attachment| attachment.kind == AttachmentKind::Voice)
    }

    pub fn tracking_code(&self) -> TrackingCode {
        TrackingCode::from_id(&self.id)
    }

    /// SHA-256 (hex) of the canonical JSON: two bodies with the same id are the same submission
    /// exactly when their digests are equal.
    pub fn body_digest(&self) -> String {
        let canonical = serde_json::to_vec(self).expect("a submission always serialises");
        hex::encode(Sha256::digest(canonical))
    }
}
