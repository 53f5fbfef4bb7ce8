//! "How does this office answer?": an office's public scorecard, reached from the place picker
//! (before choosing the office) and from a case's page (its office). Opening it asks the
//! server for the newest figures (through the device's sync thread, with the ETag of the copy
//! kept) while the copy kept on the phone is shown with its age; offline, the kept copy is
//! shown and said to be the phone's; with nothing kept, the screen says so and offers to try
//! again.
//!
//! Guarantees: the screen reads only the outbox and asks only the sync engine; it never
//! touches the form in progress, so Back finds it as it was; a hidden figure never shows a
//! number (`components::scorecard`); "No figures yet" when the server has none or shows none;
//! the figures' last day and the copy's age are in the citizen's words and digits.

use chrono::{DateTime, Utc};
use dioxus::prelude::*;
use ourvoice_directory::Directory;
use ourvoice_outbox::KeptScorecard;
use ourvoice_protocol::cambodia_today;
use ourvoice_sync::{ScorecardAnswer, SyncProblem};

use crate::components::{day_month, has_figures, Header, Icon, ScorecardFigures};
use crate::i18n::{Arg, Tr};
use crate::state::{use_device, use_ui};
use crate::views::ChosenPlace;

/// How old a kept copy is, from when the server last answered for it: "Last updated today",
/// "yesterday", "3 days ago" (by days in Cambodia).
pub fn age_words(tr: Tr, fetched_at: i64, now: DateTime<Utc>) -> String {
    let Some(fetched) = DateTime::from_timestamp_millis(fetched_at) else {
        return String::new();
    };
    let days = (cambodia_today(now) - cambodia_today(fetched))
        .num_days()
        .max(0) as u64;
    match days {
        0 => tr.t("scorecard-updated-today"),
        1 => tr.t("scorecard-updated-yesterday"),
        n => tr.t_args("scorecard-updated-days", &[("count", Arg::Num(n))]),
    }
}

#[component]
pub fn ScorecardView(office: String) -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    // Each "Try again" asks once more.
    let mut tries = use_signal(|| 0u32);
    let asked = office.clone();
    let ask_device = device.clone();
    // What the server answered this time; `None` while the request is under way.
    let answer = use_resource(move || {
        let _try = tries();
        let office = asked.clone();
        let device = ask_device.clone();
        async move {
            let Ok(device) = &device.0 else {
                return Err(SyncProblem::Storage);
            };
            if let Err(error) = device
                .outbox
                .look_at_scorecard(&office, Utc::now().timestamp_millis())
            {
                eprintln!("storage: {error}");
            }
            let answer = device.refresh_scorecard(&office).await;
            // What was kept changed (or not): the copy is read again.
            ui.changed();
            answer.map_err(|error| {
                eprintln!("scorecard: {error}");
                error.problem()
            })
        }
    });
    let wanted = office.clone();
    let kept = crate::components::use_stored(move |device| match &device.0 {
        Ok(device) => device
            .outbox
            .kept_scorecard(&wanted)
            .map_err(|_| "error-storage-read"),
        Err(_) => Err("error-storage-open"),
    });
    let answer = *answer.read();
    let known = Directory::embedded().office(&office).is_some();

    let kept = match kept {
        None => None,
        Some(Ok(kept)) => kept,
        Some(Err(key)) => {
            return rsx! {
                Header { title: tr.t("scorecard-title") }
                main { p { class: "banner-error", role: "alert", id: "storage-error", {tr.t(key)} } }
            }
        }
    };
    let KeptScorecard {
        scorecard,
        fetched_at,
        ..
    } = kept.unwrap_or(KeptScorecard {
        office: office.clone(),
        scorecard: None,
        etag: None,
        fetched_at: None,
        looked_at: 0,
    });
    let shown = scorecard.filter(has_figures);
    // The server answered, with no figures or none shown.
    let none_yet = fetched_at.is_some() && shown.is_none();
    let unknown = answer == Some(Ok(ScorecardAnswer::UnknownOffice));
    let failed = match answer {
        Some(Err(problem)) => Some(problem),
        _ => None,
    };
    let have_answer = fetched_at.is_some();
    let now = Utc::now();

    rsx! {
        Header { title: tr.t("scorecard-title") }
        main { id: "scorecard",
            section { class: "card",
                // Named as the place picker names it: the place, its kind of office, the places
                // above it.
                h2 { id: "scorecard-office",
                    if known {
                        ChosenPlace { code: office.clone() }
                    } else {
                        {office.clone()}
                    }
                }
                if answer.is_none() && !have_answer {
                    p { role: "status", id: "scorecard-loading", {tr.t("scorecard-loading")} }
                }
                if let Some(scorecard) = &shown {
                    p { id: "scorecard-up-to",
                        {tr.t_args("scorecard-up-to", &[("day", Arg::Text(&day_month(tr, scorecard.last_day)))])}
                    }
                }
                if let Some(fetched_at) = fetched_at {
                    p { class: "muted", id: "scorecard-age", Icon { name: "clock", size: 20 } " " {age_words(tr, fetched_at, now)} }
                }
                if let Some(problem) = failed {
                    div { class: if have_answer { "scorecard-note" } else { "scorecard-note nothing" }, role: "status", id: "scorecard-offline",
                        "data-problem": if problem == SyncProblem::Offline { "offline" } else { "unavailable" },
                        Icon { name: "cloud-off" }
                        span {
                            {tr.t(match (problem == SyncProblem::Offline, have_answer) {
                                (true, true) => "scorecard-offline-kept",
                                (true, false) => "scorecard-offline-none",
                                (false, true) => "scorecard-unavailable-kept",
                                (false, false) => "scorecard-unavailable-none",
                            })}
                        }
                    }
                    button { class: "button secondary", id: "scorecard-retry",
                        onclick: move |_| tries += 1,
                        {tr.t("scorecard-retry")}
                    }
                }
                if unknown {
                    p { role: "status", id: "scorecard-unknown", {tr.t("scorecard-unknown-office")} }
                }
            }
            if none_yet && !unknown {
                section { class: "card", id: "scorecard-none-yet",
                    h3 { {tr.t("scorecard-none-yet")} }
                    p { {tr.t("scorecard-none-yet-why")} }
                }
            }
            if let Some(scorecard) = shown {
                ScorecardFigures { scorecard }
            }
        }
    }
}
