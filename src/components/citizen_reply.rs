//! What the citizen can do on a case the office has acted on: answer the office's question, or
//! rate the office's answer (1–2 reopens the case); and the words for where each answer or
//! rating they sent stands (shown in the conversation, `conversation.rs`).
//!
//! Guarantees: pressing send stores the answer or rating durably in the outbox at once (through
//! the sync engine, which then sends it when it can); it is shown as waiting until the server
//! took it, "sent" only after the server's answer, and when the server refuses it the text stays
//! visible with the reason in the citizen's language.

use dioxus::prelude::*;
use ourvoice_outbox::{ActionBody, ActionState, CitizenAction as Action};
use uuid::Uuid;

use super::{Stars, StateKind};
use crate::i18n::Tr;
use crate::state::{use_device, use_ui};

/// Which action the case allows now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CitizenAction {
    Answer,
    Rate,
}

#[component]
pub fn CitizenReply(id: Uuid, action: CitizenAction) -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let tr = Tr::new((ui.lang)());
    let mut text = use_signal(String::new);
    let mut rating = use_signal(|| None::<u8>);
    let mut failed = use_signal(|| false);

    let send = move |_| {
        let Ok(device) = device.0.clone() else { return };
        let queued = match (action, rating()) {
            (CitizenAction::Answer, _) if !text().trim().is_empty() => {
                device.engine.answer(id, &text())
            }
            (CitizenAction::Rate, Some(stars)) => device.engine.rate(id, stars),
            _ => return,
        };
        match queued {
            Ok(_) => {
                text.set(String::new());
                rating.set(None);
                failed.set(false);
                ui.refreshed(&device.engine);
            }
            // Only a storage failure gets here: the citizen keeps the text and may try again.
            Err(_) => failed.set(true),
        }
    };

    let (label, button) = match action {
        CitizenAction::Answer => ("detail-answer-label", "detail-answer-send"),
        CitizenAction::Rate => ("detail-rate-label", "detail-rate-send"),
    };
    rsx! {
        section { class: "card", id: "citizen-reply",
            if action == CitizenAction::Answer {
                label { class: "field",
                    span { {tr.t(label)} }
                    textarea { id: "citizen-answer", rows: "4", value: "{text}", oninput: move |e| text.set(e.value()) }
                }
            } else {
                h3 { id: "rate-label", {tr.t(label)} }
                Stars { id: "rate-answer", label: tr.t(label), value: rating(), onchange: move |v| rating.set(Some(v)) }
            }
            if failed() {
                p { role: "alert", class: "banner-error", id: "citizen-reply-failed", {tr.t("detail-action-not-saved")} }
            }
            button { class: "button", id: "citizen-reply-send", onclick: send, {tr.t(button)} }
        }
    }
}

/// The words and colour for where one of the citizen's actions stands.
pub(super) fn action_state(tr: &Tr, action: &Action) -> (String, StateKind) {
    let answer = matches!(action.body, ActionBody::Answer(_));
    match &action.state {
        ActionState::Queued | ActionState::Retrying { .. } => {
            (tr.t("detail-action-waiting"), StateKind::Waiting)
        }
        ActionState::Sending => (tr.t("state-sending"), StateKind::Waiting),
        ActionState::Sent { .. } if answer => (tr.t("detail-answer-sent"), StateKind::Done),
        ActionState::Sent { .. } => (tr.t("detail-rated"), StateKind::Done),
        ActionState::Refused { code } => {
            let key = match (code.as_str(), answer) {
                ("wrong_state", true) => "detail-action-refused-answer",
                ("wrong_state", false) => "detail-action-refused-rating",
                _ => "detail-action-refused",
            };
            (tr.t(key), StateKind::Bad)
        }
    }
}

/// A stable name of the state for tests and styling.
pub(super) fn state_code(state: &ActionState) -> &'static str {
    match state {
        ActionState::Queued | ActionState::Retrying { .. } | ActionState::Sending => "waiting",
        ActionState::Sent { .. } => "sent",
        ActionState::Refused { .. } => "refused",
    }
}
