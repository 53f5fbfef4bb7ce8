//! The UI's state: which screen is shown (a stack, so Back and the Android back button work),
//! the language, the form being filled in, its errors, whether the app lock is closed, the sync engine's latest snapshot (its
//! phase and the outbox's counts, which the sync line and settings show without reading the
//! database), and a tick that moves whenever the outbox or the sync state changed.
//!
//! Guarantees: the form's text is kept until the submission is stored; changing the language
//! or going back never clears it; a storage call that fails in an event handler is shown to the
//! citizen in their language ([`Ui::check`]), never dropped; a choice to publish the text is sent only while the form
//! offers it (a later switch to confidential or to staff drops it); the text of a complaint
//! about office staff is hidden on the phone once received unless the citizen unticks it.

use chrono::NaiveDate;
use dioxus::prelude::*;
use ourvoice_outbox::{Draft, DraftAttachment, OutboxError};
use ourvoice_protocol::{
    AgeBand, Criteria, Disability, Evaluation, Gender, Kind, Privacy, RespondentProfile,
    ValidationError,
};
use ourvoice_protocol::{Code, Lang, MediaType};
use ourvoice_sync::{SyncEngine, SyncStatus};
use std::sync::Arc;
use uuid::Uuid;

use crate::device::Device;

/// The app's screens.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Welcome,
    Privacy,
    Home,
    Place,
    Form,
    Review,
    Confirmation(Uuid),
    Feedback,
    Detail(Uuid),
    Settings,
    /// How an office answers (its public scorecard), by the office's code.
    Scorecard(String),
}

/// What the citizen has filled in so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormState {
    pub kind: Option<Kind>,
    pub place: Option<String>,
    pub category: String,
    pub description: String,
    /// The day of the visit as chosen: day, month and year, each optional until all are given.
    pub incident_day: Option<u32>,
    pub incident_month: Option<u32>,
    pub incident_year: Option<i32>,
    pub overall: Option<u8>,
    pub criteria: Criteria,
    pub extra_payment: Option<bool>,
    pub about_staff: bool,
    /// The citizen chose to make the text public; it counts only while
    /// [`FormState::may_publish_text`] holds (the form shows the choice only then).
    pub publish_text: bool,
    /// The citizen's choice to keep no readable copy of the text on this phone once the office
    /// has it; `None` until they choose, which means [`FormState::hides_text`]'s default.
    pub hide_text: Option<bool>,
    pub confidential: bool,
    pub name: String,
    pub phone: String,
    pub gender: Option<Gender>,
    pub age_band: Option<AgeBand>,
    pub disability: Option<Disability>,
    /// Photos as they will be sent (prepared on the phone: upright, at most 1600 px, no
    /// metadata), at most [`ourvoice_protocol::MAX_PHOTOS`].
    pub photos: Vec<Evidence>,
    /// The voice note as it will be sent; it may stand in for written text.
    pub voice: Option<Evidence>,
}

/// A photo or voice note on the form, exactly as it will be sent: the bytes the phone's
/// processing returned (cheap to clone: the form is cloned on every render), and a `data:` URI
/// of them for the screen to show or play.
#[derive(Clone)]
pub struct Evidence {
    pub media_type: MediaType,
    pub bytes: Arc<Vec<u8>>,
    /// SHA-256 of the bytes: two pieces of evidence are the same when these are.
    pub sha256: String,
    pub data_uri: Arc<str>,
}

impl Evidence {
    pub fn new(prepared: ourvoice_media::Prepared) -> Evidence {
        let data_uri = data_uri(prepared.media_type, &prepared.bytes);
        Evidence {
            media_type: prepared.media_type,
            bytes: Arc::new(prepared.bytes),
            sha256: prepared.sha256,
            data_uri: data_uri.into(),
        }
    }
}

/// A `data:` URI of `bytes` of type `media_type`, for an `img` or `audio` to show or play.
pub fn data_uri(media_type: MediaType, bytes: &[u8]) -> String {
    use base64::Engine;
    format!(
        "data:{};base64,{}",
        media_type.as_str(),
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Evidence) -> bool {
        self.sha256 == other.sha256 && self.media_type == other.media_type
    }
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evidence")
            .field("media_type", &self.media_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl FormState {
    /// The day of the visit: none when nothing is chosen; an error on the date's field when
    /// only a part is chosen or the parts make no day (the 31st of a month of 30).
    pub fn incident_date(&self) -> Result<Option<NaiveDate>, ValidationError> {
        let unreadable = || {
            ValidationError::new(
                ourvoice_protocol::ErrorCode::Malformed,
                ourvoice_protocol::field::INCIDENT_DATE,
            )
        };
        match (self.incident_year, self.incident_month, self.incident_day) {
            (None, None, None) => Ok(None),
            (Some(year), Some(month), Some(day)) => NaiveDate::from_ymd_opt(year, month, day)
                .map(Some)
                .ok_or_else(unreadable),
            _ => Err(unreadable()),
        }
    }

    /// Whether the form offers the choice to make the text public: never for a complaint about
    /// office staff, a confidential item or an evaluation (the protocol's rule).
    pub fn may_publish_text(&self) -> bool {
        let kind = self.kind.unwrap_or(Kind::Complaint);
        ourvoice_protocol::may_publish_text(
            kind,
            self.about_staff && kind == Kind::Complaint,
            self.confidential,
        )
    }

    /// Clears the choice to publish once the form no longer offers it, so it does not come back
    /// ticked when the citizen returns to anonymous or unticks "about staff".
    pub fn forget_hidden_choices(&mut self) {
        if !self.may_publish_text() {
            self.publish_text = false;
        }
    }

    /// Whether the text will be hidden on this phone once the office has it: as the citizen
    /// chose, else on for complaints about office staff (whoever holds a shared phone may be
    /// the one the complaint is about, or close to them).
    pub fn hides_text(&self) -> bool {
        self.hide_text
            .unwrap_or(self.about_staff && self.kind.unwrap_or(Kind::Complaint) == Kind::Complaint)
    }

    /// Whether the text will be public if sent as it is.
    pub fn text_is_public(&self) -> bool {
        self.publish_text && self.may_publish_text()
    }

    /// The draft to validate and store. An unreadable date becomes an error on its field.
    pub fn to_draft(&self, lang: Lang) -> Result<Draft, ValidationError> {
        let incident_date = self.incident_date()?;
        let kind = self.kind.unwrap_or(Kind::Complaint);
        let profile = RespondentProfile {
            gender: self.gender,
            age_band: self.age_band,
            disability: self.disability,
        };
        Ok(Draft {
            kind,
            place: self.place.clone().unwrap_or_default(),
            category: self.category.clone(),
            description: self.description.clone(),
            evaluation: (kind == Kind::Evaluation).then(|| Evaluation {
                overall: self.overall.unwrap_or(0),
                criteria: self.criteria.clone(),
            }),
            asked_extra_payment: self.extra_payment,
            about_office_staff: self.about_staff && kind == Kind::Complaint,
            publish_text: self.text_is_public(),
            incident_date,
            privacy: if self.confidential {
                Privacy::Confidential {
                    name: self.name.clone(),
                    phone: self.phone.clone(),
                }
            } else {
                Privacy::Anonymous
            },
            profile: (profile != RespondentProfile::default()).then_some(profile),
            locale: lang,
            hide_text: self.hides_text(),
            attachments: self
                .photos
                .iter()
                .chain(&self.voice)
                .map(|evidence| DraftAttachment {
                    media_type: evidence.media_type,
                    bytes: evidence.bytes.as_ref().clone(),
                })
                .collect(),
        })
    }
}

/// The device as the root of the app gets it: opened, or the reason it could not be.
#[derive(Clone)]
pub struct DeviceContext(pub Result<Arc<Device>, Arc<String>>);

/// Every piece of UI state, shared through context. All fields are signals (cheap to copy).
#[derive(Clone, Copy)]
pub struct Ui {
    pub lang: Signal<Lang>,
    pub stack: Signal<Vec<Screen>>,
    pub form: Signal<FormState>,
    pub errors: Signal<Vec<ValidationError>>,
    /// Moves whenever the outbox or the sync state changed: views that show them read it.
    pub tick: Signal<u64>,
    /// The sync engine's latest status with the outbox's counts ([`SyncEngine::refresh`]).
    pub sync: Signal<SyncStatus>,
    /// The message key of the last storage call that failed, shown above every screen until
    /// the citizen dismisses it.
    pub storage_error: Signal<Option<&'static str>>,
    /// The app lock is closed: the root shows the lock screen and nothing else.
    pub locked: Signal<bool>,
    /// When the app went to the background (the page was hidden), if it is there now.
    pub away_since: Signal<Option<std::time::Instant>>,
}

impl Ui {
    pub fn screen(&self) -> Screen {
        self.stack.read().last().cloned().unwrap_or(Screen::Home)
    }

    pub fn go(&mut self, screen: Screen) {
        self.stack.write().push(screen);
    }

    /// Back one screen; returns false when there is nowhere to go back to.
    pub fn back(&mut self) -> bool {
        let mut stack = self.stack.write();
        if stack.len() > 1 {
            stack.pop();
            true
        } else {
            false
        }
    }

    /// Starts over from the home screen (after sending, or from the confirmation).
    pub fn home(&mut self) {
        self.stack.set(vec![Screen::Home]);
    }

    /// The value of a storage call that succeeded; a failed one is shown to the citizen as
    /// message `key` (above every screen, in their language) and gives `None`. For event
    /// handlers; views show what they fail to read where it would have been.
    pub fn check<T>(&mut self, result: Result<T, OutboxError>, key: &'static str) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                eprintln!("storage: {error}");
                self.storage_error.set(Some(key));
                None
            }
        }
    }

    pub fn changed(&mut self) {
        *self.tick.write() += 1;
    }

    /// After the UI changed the outbox: a new snapshot from the engine, and the tick moves.
    pub fn refreshed(&mut self, engine: &SyncEngine) {
        self.sync.set(engine.refresh());
        self.changed();
    }

    /// The errors of one field.
    pub fn errors_of(&self, field: &str) -> Vec<ValidationError> {
        self.errors
            .read()
            .iter()
            .filter(|e| e.field == field || e.field.starts_with(&format!("{field}.")))
            .cloned()
            .collect()
    }
}

pub fn use_ui() -> Ui {
    use_context::<Ui>()
}

pub fn use_device() -> DeviceContext {
    use_context::<DeviceContext>()
}
