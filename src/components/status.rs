//! The words and the icon for where a submission stands, in the citizen's language: each state
//! its own, so that a person who reads little tells them apart. Never "sent", nor a tick, for an
//! item that is only on the phone.

use dioxus::prelude::*;
use ourvoice_outbox::ItemState;
use ourvoice_protocol::{CaseStatus, Code};

use super::Icon;
use crate::i18n::Tr;
use crate::state::use_ui;

/// How a state is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateKind {
    Waiting,
    Progress,
    Done,
    Bad,
}

impl StateKind {
    pub fn class(self) -> &'static str {
        match self {
            StateKind::Waiting => "pill waiting",
            StateKind::Progress => "pill",
            StateKind::Done => "pill done",
            StateKind::Bad => "pill bad",
        }
    }
}

pub fn state_label(tr: &Tr, state: &ItemState) -> (String, StateKind) {
    match state {
        ItemState::Queued | ItemState::Retrying { .. } => {
            (tr.t("state-waiting"), StateKind::Waiting)
        }
        ItemState::Sending => (tr.t("state-sending"), StateKind::Waiting),
        ItemState::Accepted { status, .. } => {
            let kind = match status {
                CaseStatus::ClosedResolved
                | CaseStatus::ClosedUnresolved
                | CaseStatus::Answered => StateKind::Done,
                _ => StateKind::Progress,
            };
            (tr.t(&status.fluent_key()), kind)
        }
        ItemState::Rejected { .. } => (tr.t("state-rejected"), StateKind::Bad),
        ItemState::Conflict => (tr.t("state-conflict"), StateKind::Bad),
    }
}

/// The icon of a state: a phone while it is only on the phone, arrows while sending, a tick once
/// the office has it, a question mark when the office asks, a speech bubble when it answered,
/// a closed folder when closed, a warning when refused.
pub fn state_icon(state: &ItemState) -> &'static str {
    match state {
        ItemState::Queued | ItemState::Retrying { .. } => "phone",
        ItemState::Sending => "sync",
        ItemState::Accepted { status, .. } => match status {
            CaseStatus::Received | CaseStatus::Unknown => "check",
            CaseStatus::InProgress => "clock",
            CaseStatus::AwaitingCitizen => "ask",
            CaseStatus::Answered => "speech",
            CaseStatus::ClosedResolved | CaseStatus::ClosedUnresolved => "closed",
        },
        ItemState::Rejected { .. } | ItemState::Conflict => "alert",
    }
}

/// A stable name of the state, for tests and styling.
pub fn state_code(state: &ItemState) -> &'static str {
    match state {
        ItemState::Queued | ItemState::Retrying { .. } => "waiting",
        ItemState::Sending => "sending",
        ItemState::Accepted { status, .. } => status.as_str(),
        ItemState::Rejected { .. } => "rejected",
        ItemState::Conflict => "conflict",
    }
}

/// Where the item stands: its icon and words, coloured by kind.
#[component]
pub fn StatePill(state: ItemState, #[props(default)] id: Option<&'static str>) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let (label, kind) = state_label(&tr, &state);
    rsx! {
        span { class: kind.class(), id, "data-state": state_code(&state),
            Icon { name: state_icon(&state), size: 18 }
            span { {label} }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ourvoice_protocol::Lang;

    fn accepted(status: CaseStatus) -> ItemState {
        ItemState::Accepted {
            server_number: 1,
            office: "CH-120101".into(),
            status,
            answer_by: None,
        }
    }

    #[test]
    fn every_state_has_its_own_words_and_no_tick_before_the_office_has_it() {
        let mut states = vec![
            ItemState::Queued,
            ItemState::Sending,
            ItemState::Rejected { errors: Vec::new() },
            ItemState::Conflict,
        ];
        states.extend(CaseStatus::ALL.iter().copied().map(accepted));
        for lang in [Lang::Km, Lang::En] {
            let tr = Tr::new(lang);
            let words: Vec<String> = states.iter().map(|s| state_label(&tr, s).0).collect();
            let distinct: std::collections::HashSet<&String> = words.iter().collect();
            assert_eq!(distinct.len(), words.len(), "{lang:?}: {words:?}");
            assert!(words.iter().all(|w| !w.starts_with("state-")), "{words:?}");
        }
        // What is only on the phone never carries the tick.
        for state in &states[..2] {
            assert_ne!(state_icon(state), "check");
        }
        assert_eq!(state_icon(&accepted(CaseStatus::Received)), "check");
        // The states a citizen follows each have their own icon.
        let followed = [
            ItemState::Queued,
            ItemState::Sending,
            accepted(CaseStatus::Received),
            accepted(CaseStatus::AwaitingCitizen),
            accepted(CaseStatus::Answered),
            accepted(CaseStatus::ClosedResolved),
        ];
        let icons: std::collections::HashSet<&str> = followed.iter().map(state_icon).collect();
        assert_eq!(icons.len(), followed.len());
    }
}
