//! Which office must answer a new submission, whichever door it came in by (the citizen API or
//! Open311).
//!
//! Guarantees: a complaint about an office's staff goes to the citizens' office above that
//! office, never to the office itself (conflict of interest); an office that is switched off
//! passes what would have been its own to the nearest office above it that is on.

use ourvoice_protocol::Submission;

use crate::AppState;

/// The office that must answer `submission`; `None` when its place is not in the directory.
pub fn answering_office(state: &AppState, submission: &Submission) -> Option<String> {
    let directory = state.directory;
    let office = directory.route(&submission.place)?;
    let mut code = &office.code;
    if submission.about_office_staff {
        if let Some(above) = directory.citizens_office_above(&office.code) {
            code = &above.code;
        }
    }
    Some(state.offices.answering(directory, code))
}
