//! What the citizen can do on a case the office has acted on: answer the office's question, or
//! rate the office's answer (1–2 reopens the case). Both go to the server at once through the
//! sync engine; without a connection the citizen is told so and the typed text is kept.

use dioxus::prelude::*;
use ourvoice_sync::SyncProblem;
use uuid::Uuid;

use super::Stars;
use crate::i18n::Tr;
use crate::state::{use_device, use_ui};

/// Which action the case allows now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CitizenAction {
    Answer,
    Rate,
}

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Sent,
    Failed(&'static str),
}

#[component]
pub fn CitizenReply(id: Uuid, action: CitizenAction) -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let tr = Tr::new((ui.lang)());
    let mut text = use_signal(String::new);
    let mut rating = use_signal(|| None::<u8>);
    let mut busy = use_signal(|| false);
    let mut outcome = use_signal(|| None::<Outcome>);

    let send = move |_| {
        let Ok(device) = device.0.clone() else { return };
        let answer = text();
        let stars = rating();
        if (action == CitizenAction::Answer && answer.trim().is_empty())
            || (action == CitizenAction::Rate && stars.is_none())
        {
            return;
        }
        busy.set(true);
        spawn(async move {
            let engine = device.engine.clone();
            let result = device
                .call(async move {
                    match action {
                        CitizenAction::Answer => engine.answer(id, &answer).await.map(|_| ()),
                        CitizenAction::Rate => {
                            engine.rate(id, stars.unwrap_or(0)).await.map(|_| ())
                        }
                    }
                })
                .await;
            busy.set(false);
            match result {
                Some(Ok(())) => {
                    text.set(String::new());
                    outcome.set(Some(Outcome::Sent));
                    ui.changed();
                }
                Some(Err(error)) if error.problem() == SyncProblem::Offline => {
                    outcome.set(Some(Outcome::Failed("detail-action-offline")))
                }
                _ => outcome.set(Some(Outcome::Failed("detail-action-failed"))),
            }
        });
    };

    let (label, button, done) = match action {
        CitizenAction::Answer => (
            "detail-answer-label",
            "detail-answer-send",
            "detail-answer-sent",
        ),
        CitizenAction::Rate => ("detail-rate-label", "detail-rate-send", "detail-rated"),
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
            match outcome() {
                Some(Outcome::Sent) => rsx! { p { role: "status", class: "sync-line", id: "citizen-reply-done", {tr.t(done)} } },
                Some(Outcome::Failed(key)) => rsx! { p { role: "alert", class: "banner-error", id: "citizen-reply-failed", {tr.t(key)} } },
                None => rsx! {},
            }
            button { class: "button", id: "citizen-reply-send", disabled: busy(), onclick: send, {tr.t(button)} }
        }
    }
}
