//! One submission: its tracking code (to copy, share or read out), where it stands, when the
//! office should answer by and where it goes if it does not, how to reach the office and how it
//! answers (its scorecard), what was
//! sent (or that its text is hidden on this phone), its photos and voice message with where each
//! upload stands, and one conversation with the office (its
//! questions and answers, the citizen's answers and ratings with where each stands), then what
//! the citizen may send now.

use chrono::DateTime;
use dioxus::prelude::*;
use ourvoice_directory::Directory;
use ourvoice_outbox::{ActionBody, ActionState, CitizenAction as Action, ItemState, ReplyRecord};
use ourvoice_protocol::{CaseStatus, Privacy, ReplyKind};
use uuid::Uuid;

use crate::components::{
    stored_item, use_stored, AnswerDeadline, AttachmentsProgress, CitizenAction, CitizenReply,
    Conversation, Header, Icon, OfficeContact, StatePill, TrackingCodeBox,
};
use crate::i18n::{Arg, Tr};
use crate::state::{use_ui, Screen};

#[component]
pub fn DetailView(id: Uuid) -> Element {
    let mut ui = use_ui();
    let device = crate::state::use_device();
    // Open means read: the office's replies on this screen are no longer new, also those that
    // arrive while it is open (the effect runs again with every snapshot of the engine).
    use_effect(move || {
        let unread = (ui.sync)().counts.is_some_and(|counts| counts.unread > 0);
        if let (true, Ok(device)) = (unread, &device.0) {
            if ui.check(device.outbox.mark_seen(id), "error-storage-seen") == Some(true) {
                ui.refreshed(&device.engine);
            }
        }
    });
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let directory = Directory::embedded();
    // Unreadable actions are said so, and nothing new is offered: the citizen could otherwise
    // answer twice.
    let stored = use_stored(move |device| {
        let item = stored_item(device, id)?;
        let actions = match &device.0 {
            Ok(d) => d.outbox.actions_of(id).ok(),
            Err(_) => None,
        };
        Ok((item, actions))
    });
    let (item, actions) = match stored {
        None => return rsx! { Header { title: tr.t("detail-title") } main {} },
        Some(Ok(stored)) => stored,
        Some(Err(key)) => {
            return rsx! { Header { title: tr.t("detail-title") } main { p { class: "banner-error", role: "alert", id: "storage-error", {tr.t(key)} } } }
        }
    };
    let citizen_action = actions
        .as_ref()
        .and_then(|actions| allowed_action(&item.state, &item.replies, actions));
    let s = &item.submission;
    // Its office's scorecard: the office that has it, or the one its place goes to.
    let scorecard_office = match &item.state {
        ItemState::Accepted { office, .. } => Some(office.clone()),
        _ => directory.route(&s.place).map(|office| office.code.clone()),
    };
    let day = DateTime::from_timestamp_millis(item.created_at)
        .map(|t| tr.date(ourvoice_outbox::cambodia_today(t)))
        .unwrap_or_default();
    let category = directory
        .category(&s.category)
        .map(|c| c.name(lang))
        .unwrap_or_default();
    let privacy = match &s.privacy {
        Privacy::Anonymous => tr.t("review-anonymous"),
        Privacy::Confidential { name, phone } => tr.t_args(
            "review-confidential",
            &[("name", Arg::Text(name)), ("phone", Arg::Text(phone))],
        ),
    };
    rsx! {
        Header { title: tr.t(&format!("form-title-{}", item.kind.as_str())), quick_exit: true }
        main { id: "detail",
            section { class: "card",
                p { {tr.t("detail-code")} }
                TrackingCodeBox { code: item.tracking_code.clone(), id: "detail-code" }
                p { StatePill { state: item.state.clone(), id: "detail-state" } }
                AnswerDeadline { state: item.state.clone() }
                dl { class: "facts",
                    match &item.state {
                        ItemState::Accepted { office, .. } => rsx! {
                            dt { {tr.t("detail-office")} }
                            dd { {directory.office(office).map(|o| o.name(lang).to_string()).unwrap_or_else(|| office.clone())} }
                            OfficeContact { office: office.clone() }
                        },
                        ItemState::Retrying { last_error, .. } => rsx! {
                            dd { class: "muted", {tr.t_args("detail-last-error", &[("error", Arg::Text(last_error))])} }
                        },
                        _ => rsx! {},
                    }
                    dt { {tr.t("detail-sent-on")} }
                    dd { {day} }
                }
                if let Some(office) = scorecard_office {
                    button { class: "button secondary with-icon", id: "detail-scorecard",
                        onclick: move |_| ui.go(Screen::Scorecard(office.clone())),
                        Icon { name: "chart", size: 22 }
                        span { {tr.t("scorecard-open")} }
                    }
                }
            }
            if let ItemState::Rejected { errors } = &item.state {
                section { class: "card", id: "detail-rejection",
                    h3 { {tr.t("detail-rejected-why")} }
                    for (index, error) in errors.iter().enumerate() {
                        p { key: "{index}", class: "field-error", {tr.error(error.code)} }
                    }
                }
            }
            section { class: "card",
                h3 { {tr.t("detail-what")} }
                dl { class: "facts",
                    dt { {tr.t("form-place")} }
                    dd { {directory.path(&s.place, lang).unwrap_or_else(|| s.place.clone())} }
                    dt { {tr.t("form-category")} }
                    dd { {category} }
                    if let Some(evaluation) = &s.evaluation {
                        dt { {tr.t("form-overall")} }
                        dd { {format!("{} — {}", "★".repeat(evaluation.overall as usize), tr.t(&format!("rating-{}", evaluation.overall)))} }
                    }
                    if item.text_hidden {
                        dt { {tr.t(&format!("form-description-{}", item.kind.as_str()))} }
                        dd { id: "detail-text-hidden", class: "muted", Icon { name: "hidden", size: 20 } " " {tr.t("detail-text-hidden")} }
                    } else if !s.description.is_empty() {
                        dt { {tr.t(&format!("form-description-{}", item.kind.as_str()))} }
                        dd { id: "detail-description", {s.description.clone()} }
                    }
                    if let Some(date) = s.incident_date {
                        dt { {tr.t("form-incident-date")} }
                        dd { {tr.date(date)} }
                    }
                    dt { {tr.t("form-privacy")} }
                    dd { {privacy} }
                }
            }
            if !item.attachments.is_empty() {
                AttachmentsProgress { attachments: item.attachments.clone() }
            }
            match actions {
                Some(actions) => rsx! { Conversation { replies: item.replies.clone(), actions } },
                None => rsx! { p { class: "banner-error", role: "alert", id: "actions-unreadable", {tr.t("error-storage-read")} } },
            }
            if let Some(action) = citizen_action {
                CitizenReply { key: "{action:?}", id, action }
            }
        }
    }
}

/// What the citizen may send now: an answer while the office waits for one, a rating of an
/// answer; but not while one of that kind waits to be sent, nor again for the same question or
/// answer once the server took one.
fn allowed_action(
    state: &ItemState,
    replies: &[ReplyRecord],
    actions: &[Action],
) -> Option<CitizenAction> {
    let (action, prompted_by) = match state {
        ItemState::Accepted {
            status: CaseStatus::AwaitingCitizen,
            ..
        } => (CitizenAction::Answer, ReplyKind::Question),
        ItemState::Accepted {
            status: CaseStatus::Answered | CaseStatus::ClosedResolved | CaseStatus::ClosedUnresolved,
            ..
        } => (CitizenAction::Rate, ReplyKind::Answer),
        _ => return None,
    };
    let latest_prompt = replies
        .iter()
        .filter(|r| r.kind == prompted_by)
        .map(|r| r.seq)
        .max()
        .unwrap_or(0);
    let done = actions
        .iter()
        .filter(|a| match a.body {
            ActionBody::Answer(_) => action == CitizenAction::Answer,
            ActionBody::Rating(_) => action == CitizenAction::Rate,
        })
        .any(|a| match a.state {
            ActionState::Sent { seq, .. } => seq > latest_prompt,
            ActionState::Refused { .. } => false,
            _ => true,
        });
    (!done).then_some(action)
}
