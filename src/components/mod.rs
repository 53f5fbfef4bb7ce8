//! Pieces shared by several screens: the top bar, the sync line, icons, field errors, rating
//! stars, the words for an item's state, and the citizen's answer or rating of a case.

mod citizen_reply;
mod header;
mod icons;
mod rating;
mod status;
mod sync_line;

pub use citizen_reply::{CitizenAction, CitizenActions, CitizenReply};
pub use header::Header;
pub use icons::Icon;
pub use rating::Stars;
pub use status::{state_label, StateKind};
pub use sync_line::SyncLine;

use dioxus::prelude::*;

use crate::i18n::Tr;
use crate::state::use_ui;

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
                span { {tr.error(error.code)} }
            }
        }
    }
}
