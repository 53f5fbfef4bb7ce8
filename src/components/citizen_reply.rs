//! What the citizen can do on a case the office has acted on: answer the office's question, or
//! rate the office's answer (1–2 reopens the case); and what they already sent back, with where
//! each stands.
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
fn action_state(tr: &Tr, action: &Action) -> (String, StateKind) {
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

/// The answers and ratings the citizen sent back on this case, oldest first, each with where
/// it stands.
#[component]
pub fn CitizenActions(actions: Vec<Action>) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    if actions.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "card", id: "citizen-actions",
            h3 { {tr.t("detail-my-actions")} }
            for action in actions.iter() {
                div { key: "{action.request_id}", class: "reply mine", "data-state": state_code(&action.state),
                    match &action.body {
                        ActionBody::Answer(text) => rsx! {
                            strong { {tr.t("detail-my-answer")} }
                            p { class: "reply-text", {text.clone()} }
                        },
                        ActionBody::Rating(stars) => rsx! {
                            strong { {tr.t("detail-my-rating")} }
                            p { class: "reply-text", {format!("{} — {}", "★".repeat(*stars as usize), tr.t(&format!("rating-{stars}")))} }
                        },
                    }
                    {
                        let (words, kind) = action_state(&tr, action);
                        let role = if kind == StateKind::Bad { "alert" } else { "status" };
                        rsx! { p { class: "action-state", role: "{role}", span { class: kind.class(), {words} } } }
                    }
                    // A low rating reopens the case: say so, rather than let the state change
                    // without a word.
                    if let (ActionBody::Rating(stars), ActionState::Sent { .. }) = (&action.body, &action.state) {
                        if ourvoice_protocol::rating_reopens(*stars) {
                            p { class: "muted", id: "reopened-by-rating", {tr.t("detail-reopened-by-rating")} }
                        }
                    }
                }
            }
        }
    }
}

/// A stable name of the state for tests and styling.
fn state_code(state: &ActionState) -> &'static str {
    match state {
        ActionState::Queued | ActionState::Retrying { .. } | ActionState::Sending => "waiting",
        ActionState::Sent { .. } => "sent",
        ActionState::Refused { .. } => "refused",
    }
}
