//! One conversation per case: the office's questions and answers and the citizen's answers and
//! ratings, in the order they happened, each saying who said it, when, and — for the citizen's
//! own — where it stands (waiting, sent, not delivered); an answer blanked because the case's
//! text is hidden on this phone says so.
//!
//! Guarantees: the order is the server's (events' sequence numbers) for everything the server
//! has, so a phone's wrong clock cannot reorder it; what is still on the phone comes last, in
//! the order it was written.

use chrono::DateTime;
use dioxus::prelude::*;
use ourvoice_outbox::{ActionBody, ActionState, CitizenAction as Action, ReplyRecord};
use ourvoice_protocol::{Code, ReplyKind};

use super::citizen_reply::{action_state, state_code};
use super::StateKind;
use crate::i18n::Tr;
use crate::state::use_ui;

/// One message of the conversation.
#[derive(Clone, Debug, PartialEq)]
enum Message {
    Office(ReplyRecord),
    Citizen(Action),
}

impl Message {
    /// Where it goes: the server's sequence number when it has one, then the time.
    fn order(&self) -> (u64, i64) {
        match self {
            Message::Office(reply) => (reply.seq, reply.at),
            Message::Citizen(action) => match action.state {
                ActionState::Sent { seq, .. } => (seq, action.created_at),
                _ => (u64::MAX, action.created_at),
            },
        }
    }
}

/// The messages in the order they happened.
fn in_order(replies: &[ReplyRecord], actions: &[Action]) -> Vec<Message> {
    let mut messages: Vec<Message> = replies
        .iter()
        .cloned()
        .map(Message::Office)
        .chain(actions.iter().cloned().map(Message::Citizen))
        .collect();
    messages.sort_by_key(Message::order);
    messages
}

#[component]
pub fn Conversation(replies: Vec<ReplyRecord>, actions: Vec<Action>) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let day = |at: i64| {
        DateTime::from_timestamp_millis(at)
            .map(|t| tr.date(ourvoice_outbox::cambodia_today(t)))
            .unwrap_or_default()
    };
    let messages = in_order(&replies, &actions);
    rsx! {
        section { class: "card", id: "conversation",
            h3 { {tr.t("detail-conversation")} }
            if messages.is_empty() {
                p { class: "muted", {tr.t("detail-conversation-empty")} }
            }
            ol { class: "conversation",
                for message in messages {
                    match message {
                        Message::Office(reply) => rsx! {
                            li { key: "office-{reply.seq}", class: if reply.kind == ReplyKind::Question { "message office asks" } else { "message office" },
                                "data-from": "office", "data-kind": reply.kind.as_str(),
                                p { class: "message-head",
                                    strong { {tr.t("detail-from-office")} }
                                    " · " {tr.t(&format!("message-{}", reply.kind.as_str()))}
                                    small { class: "muted", " · " {day(reply.at)} }
                                }
                                p { class: "reply-text", {reply.text.clone()} }
                            }
                        },
                        Message::Citizen(action) => {
                            let (words, kind) = action_state(&tr, &action);
                            let role = if kind == StateKind::Bad { "alert" } else { "status" };
                            let (what, text) = match &action.body {
                                // Blank once sent on a case whose text is hidden on this phone.
                                ActionBody::Answer(text) if text.is_empty() => (tr.t("detail-my-answer"), tr.t("detail-text-hidden")),
                                ActionBody::Answer(text) => (tr.t("detail-my-answer"), text.clone()),
                                ActionBody::Rating(stars) => (
                                    tr.t("detail-my-rating"),
                                    format!("{} — {}", "★".repeat(*stars as usize), tr.t(&format!("rating-{stars}"))),
                                ),
                            };
                            // A low rating reopens the case: say so, rather than let the state
                            // change without a word.
                            let reopened = matches!(
                                (&action.body, &action.state),
                                (ActionBody::Rating(stars), ActionState::Sent { .. }) if ourvoice_protocol::rating_reopens(*stars)
                            );
                            rsx! {
                                li { key: "mine-{action.request_id}", class: "message mine", "data-from": "citizen",
                                    "data-kind": action.body.kind().as_str(), "data-state": state_code(&action.state),
                                    p { class: "message-head",
                                        strong { {tr.t("detail-from-you")} }
                                        " · " {what}
                                        small { class: "muted", " · " {day(action.created_at)} }
                                    }
                                    p { class: "reply-text", {text} }
                                    p { class: "action-state", role: "{role}", span { class: kind.class(), {words} } }
                                    if reopened {
                                        p { class: "muted", id: "reopened-by-rating", {tr.t("detail-reopened-by-rating")} }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn reply(seq: u64, at: i64, kind: ReplyKind) -> ReplyRecord {
        ReplyRecord {
            seq,
            at,
            kind,
            text: format!("office {seq}"),
        }
    }

    fn action(created_at: i64, state: ActionState) -> Action {
        Action {
            request_id: Uuid::new_v4(),
            submission_id: Uuid::nil(),
            body: ActionBody::Answer(format!("citizen {created_at}")),
            created_at,
            state,
        }
    }

    fn sent(seq: u64) -> ActionState {
        ActionState::Sent {
            seq,
            status: ourvoice_protocol::CaseStatus::InProgress,
        }
    }

    /// The messages as `office 2, citizen 30, …`.
    fn check(replies: &[ReplyRecord], actions: &[Action], expect: &str) {
        let said: Vec<String> = in_order(replies, actions)
            .iter()
            .map(|m| match m {
                Message::Office(r) => r.text.clone(),
                Message::Citizen(a) => match &a.body {
                    ActionBody::Answer(text) => text.clone(),
                    ActionBody::Rating(stars) => format!("rating {stars}"),
                },
            })
            .collect();
        assert_eq!(said.join(", "), expect);
    }

    #[test]
    fn messages_follow_the_servers_order_and_waiting_ones_come_last() {
        check(&[], &[], "");
        // A question, the citizen's answer (the server's event 3), then the office's answer.
        check(
            &[
                reply(2, 100, ReplyKind::Question),
                reply(4, 300, ReplyKind::Answer),
            ],
            &[action(200, sent(3))],
            "office 2, citizen 200, office 4",
        );
        // The phone's clock is hours behind the server's: the server's order still holds.
        check(
            &[
                reply(2, 10_000_000, ReplyKind::Question),
                reply(4, 30_000_000, ReplyKind::Answer),
            ],
            &[action(5, sent(3))],
            "office 2, citizen 5, office 4",
        );
        // Still on the phone: after everything the server has, oldest first.
        check(
            &[reply(2, 100, ReplyKind::Question)],
            &[
                action(900, ActionState::Queued),
                action(500, ActionState::Sending),
            ],
            "office 2, citizen 500, citizen 900",
        );
    }
}
