//! When the office should answer by, and where the feedback goes if it does not: shown while
//! the answer is the office's to give (the case is open and the server said its deadline).

use chrono::DateTime;
use dioxus::prelude::*;
use ourvoice_directory::Directory;
use ourvoice_outbox::ItemState;

use super::Icon;
use crate::i18n::{Arg, Tr};
use crate::state::use_ui;

/// When the office should answer by, in words, while the answer is the office's to give.
struct Deadline {
    words: String,
    late: bool,
}

impl Deadline {
    fn of(
        tr: &Tr,
        state: &ItemState,
        directory: &Directory,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<Deadline> {
        let ItemState::Accepted {
            status,
            office,
            answer_by: Some(answer_by),
            ..
        } = state
        else {
            return None;
        };
        if !status.is_open() {
            return None;
        }
        let due = DateTime::from_timestamp_millis(*answer_by)?;
        let date = tr.date(ourvoice_outbox::cambodia_today(due));
        let late = due < now;
        let mut words = tr.t_args(
            if late {
                "detail-answer-late"
            } else {
                "detail-answer-by"
            },
            &[("date", Arg::Text(&date))],
        );
        // Where a late answer goes: the citizens' office above (none above a province's).
        if let Some(above) = directory.citizens_office_above(office) {
            words.push(' ');
            words.push_str(&tr.t_args(
                "detail-escalates-to",
                &[("office", Arg::Text(above.name(tr.lang)))],
            ));
        }
        Some(Deadline { words, late })
    }
}

#[component]
pub fn AnswerDeadline(state: ItemState) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let Some(deadline) = Deadline::of(&tr, &state, Directory::embedded(), chrono::Utc::now())
    else {
        return rsx! {};
    };
    rsx! {
        p { class: if deadline.late { "deadline late" } else { "deadline" }, id: "answer-deadline",
            Icon { name: "clock" }
            span { {deadline.words} }
        }
    }
}
