//! A draft: what the citizen filled in on the form, before the device adds the id, the secret,
//! the time and the app version that make it a [`Submission`], and declare its attachments.

use chrono::{DateTime, NaiveDate, Utc};
use ourvoice_directory::Directory;
use ourvoice_protocol::{
    normalize_phone, AttachmentDeclaration, Evaluation, Kind, Lang, Privacy, RespondentProfile,
    Secret, Submission, ValidationError,
};
use uuid::Uuid;

use crate::attachments::sha256_hex;
use crate::DraftAttachment;

#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub kind: Kind,
    pub place: String,
    pub category: String,
    pub description: String,
    pub evaluation: Option<Evaluation>,
    pub asked_extra_payment: Option<bool>,
    pub about_office_staff: bool,
    /// The citizen chose to make the text public (see [`ourvoice_protocol::may_publish_text`]).
    pub publish_text: bool,
    pub incident_date: Option<NaiveDate>,
    pub privacy: Privacy,
    pub profile: Option<RespondentProfile>,
    pub locale: Lang,
    /// Keep no readable copy of the text on this phone once the office has it (a choice of the
    /// phone's, never sent: see [`crate::Outbox::submit`]).
    pub hide_text: bool,
    /// Photos and a voice note, prepared (see [`DraftAttachment`]), in the order shown.
    pub attachments: Vec<DraftAttachment>,
}

pub use ourvoice_protocol::cambodia_today;

impl Draft {
    /// The protocol's validation of this draft, without storing anything: the form shows the
    /// errors next to their fields.
    pub fn check(
        &self,
        directory: &Directory,
        app_version: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Vec<ValidationError>> {
        self.to_submission(app_version, now)
            .validate(directory, cambodia_today(now))
    }

    /// A new submission with a fresh random id and secret. A phone number that can be read is
    /// stored in international form; one that cannot is kept as typed (validation names it).
    /// Each attachment is declared with a fresh random id, its size and SHA-256, in order.
    pub fn into_submission(self, app_version: &str, now: DateTime<Utc>) -> Submission {
        self.to_submission(app_version, now)
    }

    pub(crate) fn to_submission(&self, app_version: &str, now: DateTime<Utc>) -> Submission {
        let privacy = match &self.privacy {
            Privacy::Confidential { name, phone } => Privacy::Confidential {
                name: name.trim().to_string(),
                phone: normalize_phone(phone).unwrap_or_else(|| phone.clone()),
            },
            Privacy::Anonymous => Privacy::Anonymous,
        };
        let attachments = self
            .attachments
            .iter()
            .map(|attachment| AttachmentDeclaration {
                id: Uuid::new_v4(),
                kind: attachment.media_type.kind(),
                media_type: attachment.media_type,
                bytes: attachment.bytes.len() as u64,
                sha256: sha256_hex(&attachment.bytes),
            })
            .collect();
        Submission {
            id: Uuid::new_v4(),
            kind: self.kind,
            place: self.place.trim().to_string(),
            category: self.category.clone(),
            description: self.description.clone(),
            evaluation: self.evaluation.clone(),
            asked_extra_payment: self.asked_extra_payment,
            about_office_staff: self.about_office_staff,
            publish_text: self.publish_text,
            attachments,
            incident_date: self.incident_date,
            privacy,
            profile: self.profile.clone(),
            locale: self.locale,
            created_at: now,
            app_version: app_version.to_string(),
            secret: Secret::generate(),
        }
    }
}
