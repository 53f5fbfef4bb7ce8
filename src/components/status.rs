//! The words for where a submission stands, in the citizen's language. Never "sent" for an
//! item that is only queued.

use ourvoice_outbox::ItemState;
use ourvoice_protocol::{CaseStatus, Code};

use crate::i18n::Tr;

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
