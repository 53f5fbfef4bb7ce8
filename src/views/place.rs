//! The place picker, with two equal ways to the same choice: search (Khmer or Latin, results
//! as you type, the places of the citizen's earlier submissions first, more on request) and
//! a list to choose from (province → district → commune). Either ends at the office that
//! answers for the place ([`ourvoice_directory::Choice`]), which becomes the form's place.
//!
//! Guarantees: each result shows its place's own name, the kind of office as a tag and the
//! places above it, never repeating one in another; a line breaks between names (each name
//! and path segment is one box, broken inside only when wider than a whole line); every row is a button of at least
//! 48 px whose text is its screen-reader name, and every office has beside it a button to its
//! scorecard ("How does this office answer?", opened without choosing it and without touching
//! the form in progress). What the directory decides (ranking, routing,
//! browsing) is asked of `ourvoice-directory`; the recent places come from the outbox.

use dioxus::prelude::*;
use ourvoice_directory::{Choice, Directory, OfficeType, UnitType};
use ourvoice_protocol::Lang;

use crate::components::{use_stored, Header, Icon};
use crate::i18n::{Arg, Tr};
use crate::state::{use_ui, Screen};

/// Results shown at first, and added by each "Show more".
const PAGE: usize = 20;

/// How many recent places the picker reads from the outbox.
const RECENT: usize = 5;

/// The Fluent key of the tag naming a choice's kind of office.
fn tag_key(choice: &Choice) -> &'static str {
    match (choice.office_type, choice.unit_type) {
        (OfficeType::CommuneHall, UnitType::Sangkat) => "place-tag-sangkat-hall",
        (OfficeType::CommuneHall, _) => "place-tag-commune-hall",
        (OfficeType::Owso | OfficeType::Owsu, _) => "place-tag-one-window",
        (OfficeType::DistrictCitizensOffice | OfficeType::ProvincialCitizensOffice, _) => {
            "place-tag-citizens-office"
        }
    }
}

/// The path above a place as segments that each stay on one line, with the separator (a
/// comma in English) kept on the segment before it, so lines break only between segments.
fn path_segments(path: &[String], lang: Lang) -> Vec<String> {
    let last = path.len().saturating_sub(1);
    path.iter()
        .enumerate()
        .map(|(at, name)| match lang {
            Lang::En if at < last => format!("{name},"),
            _ => name.clone(),
        })
        .collect()
}

/// A chosen place as the form and the review show it: its own name with the kind of office
/// as a tag, and the places above it on the next line (nothing for an unknown code).
#[component]
pub fn ChosenPlace(code: String) -> Element {
    let lang = (use_ui().lang)();
    let tr = Tr::new(lang);
    let Some(choice) = Directory::embedded().choice(&code, lang) else {
        return rsx! {};
    };
    let segments = path_segments(&choice.path, lang);
    rsx! {
        span { class: "place-line",
            strong { class: "place-name", {choice.title.clone()} }
            span { class: "tag", {tr.t(tag_key(&choice))} }
        }
        if !segments.is_empty() {
            span { class: "place-path",
                for (at, segment) in segments.into_iter().enumerate() {
                    if at > 0 { " " }
                    span { class: "seg", {segment} }
                }
            }
        }
    }
}

/// Opens a step of the list (`None`: the provinces) and shows it from its top, its heading
/// focused so that a screen reader says where the citizen now is.
fn open_step(mut opened: Signal<Option<String>>, code: Option<String>) {
    opened.set(code);
    document::eval(
        "requestAnimationFrame(() => { window.scrollTo(0, 0); \
         const step = document.getElementById('place-step'); \
         if (step) step.focus({ preventScroll: true }); });",
    );
}

/// One choice as a row: the place's name, the kind of office (`show_tag`) and the places
/// above it (`show_path`; the list's trail says them already).
#[component]
fn ChoiceRow(
    choice: Choice,
    show_tag: bool,
    #[props(default = true)] show_path: bool,
    onchoose: EventHandler<String>,
) -> Element {
    let ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let code = choice.code.clone();
    let segments = path_segments(&choice.path, lang);
    rsx! {
        li { class: "place-choice",
        button { class: "list-row place-row", id: "choice-{choice.code}", "data-code": "{choice.code}",
            "data-recent": if choice.recent { "true" },
            onclick: move |_| onchoose.call(code.clone()),
            Icon { name: "place", size: 22 }
            span { class: "grow",
                span { class: "place-line",
                    strong { class: "place-name", {choice.title.clone()} }
                    if show_tag {
                        span { class: "tag", {tr.t(tag_key(&choice))} }
                    }
                    if choice.recent {
                        span { class: "tag recent", {tr.t("place-tag-recent")} }
                    }
                }
                if show_path && !segments.is_empty() {
                    span { class: "place-path",
                        for (at, segment) in segments.into_iter().enumerate() {
                            if at > 0 { " " }
                            span { class: "seg", {segment} }
                        }
                    }
                }
            }
        }
        ScorecardOpen { office: choice.code.clone() }
        }
    }
}

/// Beside an office in the picker: its scorecard ("How does this office answer?"), opened
/// before choosing it; the form in progress stays as it is. Its name is its own words and the
/// office's row (`choice-{office}`), so the place is not written twice.
#[component]
fn ScorecardOpen(office: String) -> Element {
    let mut ui = use_ui();
    let tr = Tr::new((ui.lang)());
    rsx! {
        button { class: "scorecard-open", id: "scorecard-open-{office}", "data-scorecard": "{office}",
            "aria-labelledby": "scorecard-open-{office} choice-{office}",
            onclick: move |_| ui.go(Screen::Scorecard(office.clone())),
            Icon { name: "chart", size: 22 }
            span { {tr.t("scorecard-open-short")} }
            span { class: "sr-only", {tr.t("scorecard-open")} }
        }
    }
}

#[component]
pub fn PlaceView() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let directory = Directory::embedded();
    let mut query = use_signal(String::new);
    let mut shown = use_signal(|| PAGE);
    let mut listing = use_signal(|| false);
    let opened = use_signal(|| None::<String>);

    let mut choose = move |code: String| {
        let mut form = ui.form.write();
        if let Some(office) = Directory::embedded().route(&code) {
            let offered = Directory::embedded().categories(office.office_type);
            if !offered.iter().any(|c| c.code == form.category) {
                form.category = String::new();
            }
        }
        form.place = Some(code);
        drop(form);
        ui.errors
            .write()
            .retain(|e| e.field != "place" && e.field != "category");
        ui.go(Screen::Form);
    };

    // Without the device there are no recent places (the app says so elsewhere); an
    // unreadable outbox is said here, where the recent places would be.
    let stored = use_stored(|device| match &device.0 {
        Ok(device) => device.outbox.recent_places(RECENT).ok(),
        Err(_) => Some(Vec::new()),
    });
    let (recent, recent_unreadable) = match stored {
        None => (Vec::new(), false),
        Some(Some(recent)) => (recent, false),
        Some(None) => (Vec::new(), true),
    };

    let typed = query();
    let limit = shown();
    let mut results = if typed.trim().is_empty() {
        Vec::new()
    } else {
        directory.choose(&typed, lang, &recent, limit + 1)
    };
    let more = results.len() > limit;
    results.truncate(limit);
    let recent_choices = directory.recent_choices(&recent, lang);
    let step = directory
        .browse(opened().as_deref(), lang)
        .or_else(|| directory.browse(None, lang))
        .expect("the top of the list always opens");
    let level_key = match step.trail.len() {
        0 => "place-provinces",
        1 => "place-districts",
        _ => "place-communes",
    };
    let here = step.trail.last().map(|(_, name)| name.clone());
    let list = listing();

    rsx! {
        Header { title: tr.t("place-title") }
        main {
            div { class: "modes", role: "group", "aria-label": tr.t("place-how"),
                button { class: "choice mode", id: "place-mode-search", "aria-pressed": if !list { "true" } else { "false" },
                    onclick: move |_| listing.set(false),
                    Icon { name: "search", size: 22 }
                    span { {tr.t("place-mode-search")} }
                }
                button { class: "choice mode", id: "place-mode-list", "aria-pressed": if list { "true" } else { "false" },
                    onclick: move |_| listing.set(true),
                    Icon { name: "list", size: 22 }
                    span { {tr.t("place-mode-list")} }
                }
            }
            if !list {
                label { class: "field",
                    span { {tr.t("place-search-label")} }
                    input { r#type: "search", id: "place-search", value: "{typed}", autocomplete: "off",
                        placeholder: tr.t("place-search-placeholder"),
                        oninput: move |e| {
                            query.set(e.value());
                            shown.set(PAGE);
                        },
                    }
                }
                if !typed.trim().is_empty() {
                    if results.is_empty() {
                        p { class: "muted", id: "place-no-results", role: "status", {tr.t("place-no-results")} }
                    }
                    ul { class: "list", id: "place-results",
                        for choice in results {
                            ChoiceRow { key: "{choice.code}", choice, show_tag: true, onchoose: choose }
                        }
                    }
                    if more {
                        button { class: "button secondary", id: "place-more",
                            onclick: move |_| shown.set(limit + PAGE),
                            {tr.t("place-more")}
                        }
                    }
                } else {
                    if recent_unreadable {
                        p { class: "banner-error", role: "alert", id: "place-recent-unreadable", {tr.t("error-storage-read")} }
                    }
                    if !recent_choices.is_empty() {
                        h3 { {tr.t("place-recent")} }
                        ul { class: "list", id: "place-recent",
                            for choice in recent_choices {
                                ChoiceRow { key: "{choice.code}", choice: Choice { recent: false, ..choice }, show_tag: true, onchoose: choose }
                            }
                        }
                    }
                }
            } else {
                nav { class: "crumbs", id: "place-crumbs", "aria-label": tr.t("place-crumbs"),
                    if step.trail.is_empty() {
                        span { class: "crumb here", "aria-current": "page", {tr.t("place-all-provinces")} }
                    } else {
                        button { class: "crumb", id: "crumb-top", onclick: move |_| open_step(opened, None),
                            {tr.t("place-all-provinces")}
                        }
                    }
                    for (at, (code, name)) in step.trail.iter().cloned().enumerate() {
                        // The arrow stays on the line of the step it points to.
                        span { class: "crumb-step",
                            span { class: "crumb-sep", "aria-hidden": "true", "›" }
                            if at + 1 == step.trail.len() {
                                span { class: "crumb here", "aria-current": "page", {name} }
                            } else {
                                button { class: "crumb", "data-code": "{code}",
                                    onclick: move |_| open_step(opened, Some(code.clone())),
                                    {name}
                                }
                            }
                        }
                    }
                }
                h3 { id: "place-step", tabindex: "-1", {tr.t(level_key)} }
                ul { class: "list", id: "place-browse",
                    for row in step.below {
                        if let Some(choice) = row.choice {
                            ChoiceRow { key: "{row.code}", choice, show_tag: false, show_path: false, onchoose: choose }
                        } else {
                            li { key: "{row.code}",
                                button { class: "list-row", "data-code": "{row.code}",
                                    onclick: { let code = row.code.clone(); move |_| open_step(opened, Some(code.clone())) },
                                    span { class: "grow", strong { class: "place-name", {row.name.clone()} } }
                                    span { class: "chevron", Icon { name: "chevron", size: 22 } }
                                }
                            }
                        }
                    }
                }
                if let Some(here) = here {
                    // The heading names the place: each office is said by its kind alone.
                    h3 { {tr.t_args("place-offices", &[("place", Arg::Text(&here))])} }
                    ul { class: "list", id: "place-offices",
                        for choice in step.offices {
                            li { key: "{choice.code}", class: "place-choice",
                                button { class: "list-row", id: "choice-{choice.code}", "data-code": "{choice.code}",
                                    onclick: { let code = choice.code.clone(); move |_| choose(code.clone()) },
                                    Icon { name: "place", size: 22 }
                                    span { class: "grow", strong { class: "place-name", {tr.t(tag_key(&choice))} } }
                                }
                                ScorecardOpen { office: choice.code.clone() }
                            }
                        }
                    }
                }
            }
        }
    }
}
