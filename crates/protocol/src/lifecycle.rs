//! The case lifecycle, defined once: where a case stands at its office ([`CaseStatus`]), which
//! changes are allowed from where, and what happened to it ([`EventAction`]).
//!
//! Guarantees: the open and closed sets and every allowed transition are here and nowhere else;
//! the server's SQL lists (`IN (…)`) are generated from them with [`crate::codes::sql_list`], the
//! console's choices and every Fluent key come from [`Code::ALL`], so adding a status is a change
//! the compiler walks through.

use serde::{Deserialize, Serialize};

use crate::codes::Code;
use crate::ReplyKind;

/// Where a case stands at its office.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Received,
    InProgress,
    /// The office asked the citizen a question.
    AwaitingCitizen,
    Answered,
    ClosedResolved,
    ClosedUnresolved,
    /// A status this app version does not know yet (from a newer server).
    #[serde(other)]
    Unknown,
}

impl Code for CaseStatus {
    /// Every status a case can have; `Unknown` is only what an older app makes of a newer one.
    const ALL: &'static [CaseStatus] = &[
        CaseStatus::Received,
        CaseStatus::InProgress,
        CaseStatus::AwaitingCitizen,
        CaseStatus::Answered,
        CaseStatus::ClosedResolved,
        CaseStatus::ClosedUnresolved,
    ];
    const FLUENT_PREFIX: &'static str = "state";

    fn as_str(self) -> &'static str {
        CaseStatus::as_str(self)
    }
}

impl CaseStatus {
    /// The status's code on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::AwaitingCitizen => "awaiting_citizen",
            CaseStatus::Answered => "answered",
            CaseStatus::ClosedResolved => "closed_resolved",
            CaseStatus::ClosedUnresolved => "closed_unresolved",
            CaseStatus::Unknown => "unknown",
        }
    }

    /// The open states: the office still owes an answer, and the deadline runs.
    pub const OPEN: &'static [CaseStatus] = &[
        CaseStatus::Received,
        CaseStatus::InProgress,
        CaseStatus::AwaitingCitizen,
    ];
    /// The closed states: nothing more is done unless the citizen's rating reopens the case.
    pub const CLOSED: &'static [CaseStatus] =
        &[CaseStatus::ClosedResolved, CaseStatus::ClosedUnresolved];
    /// The states an officer may set by hand (answering is done by replying).
    pub const SET_BY_HAND: &'static [CaseStatus] = &[
        CaseStatus::InProgress,
        CaseStatus::ClosedResolved,
        CaseStatus::ClosedUnresolved,
    ];
    /// The states in which the citizen may rate the office's answer.
    pub const RATEABLE: &'static [CaseStatus] = &[
        CaseStatus::Answered,
        CaseStatus::ClosedResolved,
        CaseStatus::ClosedUnresolved,
    ];

    /// The status with this code; [`CaseStatus::Unknown`] for a code this version does not know.
    pub fn from_code(code: &str) -> CaseStatus {
        CaseStatus::parse(code).unwrap_or(CaseStatus::Unknown)
    }

    pub fn is_open(self) -> bool {
        CaseStatus::OPEN.contains(&self)
    }

    pub fn is_closed(self) -> bool {
        CaseStatus::CLOSED.contains(&self)
    }

    /// Whether an officer may set the case to `to` by hand from this status.
    pub fn may_change_by_hand_to(self, to: CaseStatus) -> bool {
        let from_here = matches!(
            self,
            CaseStatus::Received
                | CaseStatus::InProgress
                | CaseStatus::AwaitingCitizen
                | CaseStatus::Answered
        );
        match to {
            CaseStatus::InProgress => from_here && self != CaseStatus::InProgress,
            CaseStatus::ClosedResolved | CaseStatus::ClosedUnresolved => from_here,
            _ => false,
        }
    }

    /// Whether the office may still reply, ask, transfer or escalate.
    pub fn office_may_act(self) -> bool {
        !self.is_closed()
    }

    /// The status after the office's reply of this kind.
    pub fn after_reply(kind: ReplyKind) -> CaseStatus {
        match kind {
            ReplyKind::Answer => CaseStatus::Answered,
            ReplyKind::Question => CaseStatus::AwaitingCitizen,
        }
    }

    /// Whether the citizen may answer: only a question of the office waits for one.
    pub fn accepts_citizen_answer(self) -> bool {
        self == CaseStatus::AwaitingCitizen
    }

    /// The status after the citizen's answer to the office's question.
    pub const AFTER_CITIZEN_ANSWER: CaseStatus = CaseStatus::InProgress;

    /// Whether the citizen may rate the answer.
    pub fn accepts_rating(self) -> bool {
        CaseStatus::RATEABLE.contains(&self)
    }

    /// The status after the citizen's rating (1 to 5): 1 or 2 reopens the case.
    pub fn after_rating(self, rating: u8) -> CaseStatus {
        if rating_reopens(rating) {
            CaseStatus::InProgress
        } else {
            self
        }
    }
}

/// Whether a rating (1 to 5) of the office's answer is low enough to reopen the case.
pub fn rating_reopens(rating: u8) -> bool {
    rating <= 2
}

/// What happened to a case: the action of one of its events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventAction {
    /// The submission arrived.
    Received,
    /// The office answered.
    Reply,
    /// The office asked the citizen a question.
    Question,
    /// An officer changed the state by hand.
    State,
    /// Sent to another office, with a reason.
    Transfer,
    /// Sent up to the citizens' office, by hand or for being overdue.
    Escalate,
    /// The citizen answered the office's question.
    CitizenAnswer,
    /// The citizen rated the answer.
    Rating,
    /// The citizen's low rating reopened the case.
    Reopen,
}

impl Code for EventAction {
    const ALL: &'static [EventAction] = &[
        EventAction::Received,
        EventAction::Reply,
        EventAction::Question,
        EventAction::State,
        EventAction::Transfer,
        EventAction::Escalate,
        EventAction::CitizenAnswer,
        EventAction::Rating,
        EventAction::Reopen,
    ];
    const FLUENT_PREFIX: &'static str = "action";

    fn as_str(self) -> &'static str {
        match self {
            EventAction::Received => "received",
            EventAction::Reply => "reply",
            EventAction::Question => "question",
            EventAction::State => "state",
            EventAction::Transfer => "transfer",
            EventAction::Escalate => "escalate",
            EventAction::CitizenAnswer => "citizen_answer",
            EventAction::Rating => "rating",
            EventAction::Reopen => "reopen",
        }
    }
}

impl EventAction {
    /// Whether the event moved the case to another office.
    pub fn moves_office(self) -> bool {
        matches!(self, EventAction::Transfer | EventAction::Escalate)
    }

    /// The action of an office's reply of this kind.
    pub fn of_reply(kind: ReplyKind) -> EventAction {
        match kind {
            ReplyKind::Answer => EventAction::Reply,
            ReplyKind::Question => EventAction::Question,
        }
    }

    /// The action of the citizen's rating (1 to 5).
    pub fn of_rating(rating: u8) -> EventAction {
        if rating_reopens(rating) {
            EventAction::Reopen
        } else {
            EventAction::Rating
        }
    }
}

/// What a citizen may do to a case from the app: answer the office's question, or rate its
/// answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CitizenActionKind {
    Answer,
    Rating,
}

impl Code for CitizenActionKind {
    const ALL: &'static [CitizenActionKind] =
        &[CitizenActionKind::Answer, CitizenActionKind::Rating];
    const FLUENT_PREFIX: &'static str = "citizen-action";

    fn as_str(self) -> &'static str {
        match self {
            CitizenActionKind::Answer => "answer",
            CitizenActionKind::Rating => "rating",
        }
    }
}

impl Code for ReplyKind {
    const ALL: &'static [ReplyKind] = &[ReplyKind::Answer, ReplyKind::Question];
    const FLUENT_PREFIX: &'static str = "reply";

    fn as_str(self) -> &'static str {
        match self {
            ReplyKind::Answer => "answer",
            ReplyKind::Question => "question",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_and_closed_sets_cover_every_status_but_answered_once() {
        for status in CaseStatus::ALL {
            let in_sets = usize::from(status.is_open()) + usize::from(status.is_closed());
            let expected = usize::from(*status != CaseStatus::Answered);
            assert_eq!(in_sets, expected, "{status:?}");
        }
    }

    #[test]
    fn changes_by_hand() {
        use CaseStatus::*;
        let allowed = |from: CaseStatus, to: CaseStatus| from.may_change_by_hand_to(to);
        // (from, to, allowed)
        let table = [
            (Received, InProgress, true),
            (AwaitingCitizen, InProgress, true),
            (Answered, InProgress, true),
            (InProgress, InProgress, false),
            (Received, ClosedResolved, true),
            (InProgress, ClosedUnresolved, true),
            (Answered, ClosedResolved, true),
            (ClosedResolved, InProgress, false),
            (ClosedUnresolved, ClosedResolved, false),
            (InProgress, Answered, false),
            (InProgress, Received, false),
            (Received, AwaitingCitizen, false),
            (Unknown, InProgress, false),
        ];
        for (from, to, expected) in table {
            assert_eq!(allowed(from, to), expected, "{from:?} -> {to:?}");
        }
        for to in CaseStatus::ALL {
            let some_from = CaseStatus::ALL.iter().any(|from| allowed(*from, *to));
            assert_eq!(some_from, CaseStatus::SET_BY_HAND.contains(to), "{to:?}");
        }
    }

    #[test]
    fn ratings_reopen_at_two_or_less() {
        assert_eq!(CaseStatus::Answered.after_rating(2), CaseStatus::InProgress);
        assert_eq!(CaseStatus::Answered.after_rating(3), CaseStatus::Answered);
        assert_eq!(EventAction::of_rating(1), EventAction::Reopen);
        assert_eq!(EventAction::of_rating(5), EventAction::Rating);
        assert!(!CaseStatus::InProgress.accepts_rating());
    }

    #[test]
    fn unknown_codes_are_unknown() {
        assert_eq!(CaseStatus::from_code("on_hold"), CaseStatus::Unknown);
        assert_eq!(CaseStatus::from_code("answered"), CaseStatus::Answered);
    }
}
