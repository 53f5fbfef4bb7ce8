//! Pieces shared by several screens: the top bar, the sync line, icons, field errors, rating
//! stars, the citizen's photos and voice note (added on the form, shown on review), the words for an item's state, the answer deadline, an office's telephone and hours, the tracking code (copy, share, spelled out), a case's
//! conversation, the citizen's answer or rating of a case, an office's public scorecard in plain words, the PIN keypad, and what the citizen
//! is told when the phone's storage fails.

mod citizen_reply;
mod contact;
mod conversation;
mod deadline;
mod evidence;
mod header;
mod icons;
mod pin_pad;
mod rating;
mod scorecard;
mod status;
mod sync_line;
mod tracking_code;

pub use citizen_reply::{CitizenAction, CitizenReply};
pub use contact::OfficeContact;
pub use conversation::Conversation;
pub use deadline::AnswerDeadline;
pub use evidence::{AttachmentsProgress, EvidenceReview, EvidenceSection};
pub use header::Header;
pub use icons::{Icon, KindIcon};
pub use pin_pad::PinPad;
pub use rating::Stars;
pub use scorecard::{
    count_words, day_month, days_words, has_figures, hidden_words, months_words, share_words,
    stars_words, times_out_of_ten, within_days, ScorecardFigures,
};
pub use status::{state_code, state_icon, state_label, StateKind, StatePill};
pub use sync_line::SyncLine;
pub use tracking_code::TrackingCodeBox;

use dioxus::prelude::*;
use ourvoice_outbox::OutboxItem;
use uuid::Uuid;

use crate::i18n::Tr;
use crate::state::{use_ui, DeviceContext};

/// What a view shows from the outbox, read off the render path: `read` runs in a task when the
/// view appears and again whenever the outbox or the sync state changed (the tick); the view
/// renders the latest result, `None` until the first read is done.
pub fn use_stored<T: Clone + 'static>(read: impl Fn(&DeviceContext) -> T + 'static) -> Option<T> {
    let ui = use_ui();
    let device = use_context::<DeviceContext>();
    let read = std::rc::Rc::new(read);
    let stored = use_resource(move || {
        // Subscribes the read to the tick: it runs again whenever the tick moves.
        let _tick = (ui.tick)();
        let device = device.clone();
        let read = std::rc::Rc::clone(&read);
        async move { read(&device) }
    });
    let latest = stored.read().clone();
    latest
}

/// Submission `id` as stored on this phone, or the key of the message that says why it cannot
/// be shown: the storage did not open, could not be read, or no longer has it. A storage error
/// is never shown as "not found".
pub fn stored_item(device: &DeviceContext, id: Uuid) -> Result<OutboxItem, &'static str> {
    let Ok(device) = &device.0 else {
        return Err("error-storage-open");
    };
    match device.outbox.get(id) {
        Ok(Some(item)) => Ok(item),
        Ok(None) => Err("error-not-found"),
        Err(_) => Err("error-storage-read"),
    }
}

/// The last storage call that failed in an event handler ([`crate::state::Ui::check`]), in the
/// citizen's language, above every screen until dismissed.
#[component]
pub fn StorageProblem() -> Element {
    let mut ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let Some(key) = (ui.storage_error)() else {
        return rsx! {};
    };
    rsx! {
        div { class: "banner-error", role: "alert", id: "storage-problem", "data-error": key,
            Icon { name: "alert" }
            span { {tr.t(key)} }
            button { class: "button secondary", id: "storage-problem-dismiss",
                onclick: move |_| ui.storage_error.set(None),
                {tr.t("error-dismiss")}
            }
        }
    }
}

/// The errors of one form field, in the chosen language, right under the field.
#[component]
pub fn FieldError(field: String) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let errors = ui.errors_of(&field);
    rsx! {
        for (index, error) in errors.into_iter().enumerate() {
            p { key: "{index}", class: "field-error", role: "alert", "data-error": "{error.code}",
                Icon { name: "alert" }
                span {
                    // A date given in part, or no such day (the 31st of November), in words
                    // that say what to do.
                    if field == ourvoice_protocol::field::INCIDENT_DATE && error.code == ourvoice_protocol::ErrorCode::Malformed {
                        {tr.t("error-date-parts")}
                    } else {
                        {tr.error(error.code)}
                    }
                }
            }
        }
    }
}
