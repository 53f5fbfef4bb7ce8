//! After sending: the tracking code at once (to copy, share or read out), and the truth about
//! where the item is — saved on the phone and waiting (a phone), being sent, or received by the
//! office (a tick, and only then) — in words that say what comes next: once received, when the
//! office should answer by.

use dioxus::prelude::*;
use ourvoice_outbox::ItemState;
use uuid::Uuid;

use crate::components::{
    state_label, stored_item, use_stored, AnswerDeadline, Header, Icon, TrackingCodeBox,
};
use crate::i18n::Tr;
use crate::state::{use_ui, Screen};

#[component]
pub fn ConfirmationView(id: Uuid) -> Element {
    let mut ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let item = match use_stored(move |device| stored_item(device, id)) {
        None => return rsx! { Header { title: tr.t("confirm-title") } main {} },
        Some(Ok(item)) => item,
        Some(Err(key)) => {
            return rsx! { Header { title: tr.t("confirm-title") } main { p { class: "banner-error", role: "alert", id: "storage-error", {tr.t(key)} } } }
        }
    };
    // A tick only once the office has it: saved on the phone, sending and refused each look
    // different.
    let (message, class, icon) = match &item.state {
        ItemState::Queued | ItemState::Retrying { .. } => {
            (tr.t("confirm-waiting"), "sync-line waiting", "phone")
        }
        ItemState::Sending => (tr.t("confirm-sending"), "sync-line waiting", "sync"),
        ItemState::Accepted { .. } => (tr.t("confirm-sent"), "sync-line", "check"),
        other => (state_label(&tr, other).0, "sync-line problem", "alert"),
    };
    rsx! {
        Header { title: tr.t("confirm-title") }
        main { id: "confirmation",
            div { class: "logo", Icon { name: icon, size: 64 } }
            p { {tr.t("confirm-code-label")} }
            TrackingCodeBox { code: item.tracking_code.clone(), id: "tracking-code" }
            p { class: "muted", {tr.t("confirm-code-hint")} }
            p { class: "{class}", role: "status", "aria-live": "polite", id: "confirm-state", {message} }
            AnswerDeadline { state: item.state.clone() }
            button { class: "button", id: "confirm-home", onclick: move |_| ui.home(), {tr.t("confirm-go-home")} }
            button { class: "button secondary", id: "confirm-feedback",
                onclick: move |_| { ui.home(); ui.go(Screen::Feedback); },
                {tr.t("confirm-go-feedback")}
            }
        }
    }
}
