//! The form for each kind of feedback: what is needed first (service category of the chosen
//! office, description with a live character count, photos and a voice note (which may stand in
//! for the text), ratings for evaluations, privacy choice,
//! what anyone can see — with the choice to make the text public, off by default and offered
//! only where the protocol allows it; whether the text stays readable on this phone once
//! received, hidden by default for complaints about office staff), then the optional parts
//! folded away until the citizen opens them (the day of the visit, "about you"). Errors appear next to their fields, and a
//! folded part with an error in it opens; nothing typed is ever lost.

use chrono::{Datelike, Utc};
use dioxus::prelude::*;
use ourvoice_directory::Directory;
use ourvoice_protocol::{field, Code, Kind, MAX_DESCRIPTION_CHARS};

use crate::components::{EvidenceSection, FieldError, Header, OfficeContact, Stars};
use crate::i18n::{Arg, Tr};
use crate::state::{use_ui, Screen};
use crate::views::place::ChosenPlace;
use crate::APP_VERSION;

fn field_class(invalid: bool) -> &'static str {
    if invalid {
        "field invalid"
    } else {
        "field"
    }
}

/// Checks the form with the protocol's rules; on success goes to the review step.
fn check_and_continue(mut ui: crate::state::Ui) {
    let lang = (ui.lang)();
    // A date that is not a day is one error among the others: the rest is checked without it.
    let mut form = ui.form.read().clone();
    let date_error = form.incident_date().err();
    if date_error.is_some() {
        (form.incident_day, form.incident_month, form.incident_year) = (None, None, None);
    }
    let mut errors = match form.to_draft(lang) {
        Err(error) => vec![error],
        Ok(draft) => draft
            .check(Directory::embedded(), APP_VERSION, Utc::now())
            .err()
            .unwrap_or_default(),
    };
    errors.extend(date_error);
    if errors.is_empty() {
        ui.errors.set(Vec::new());
        ui.go(Screen::Review);
    } else {
        ui.errors.set(errors);
    }
}

#[component]
pub fn FormView() -> Element {
    let ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let kind = ui.form.read().kind.unwrap_or(Kind::Complaint);
    let has_errors = !ui.errors.read().is_empty();

    rsx! {
        Header { title: tr.t(&format!("form-title-{}", kind.as_str())), quick_exit: true }
        main { id: "form",
            if has_errors {
                p { class: "banner-error", role: "alert", id: "form-errors", {tr.t("form-fix-errors")} }
            }
            PlaceSection {}
            CategorySection {}
            if kind == Kind::Evaluation {
                EvaluationSection {}
            }
            TextSection { kind }
            EvidenceSection {}
            if kind == Kind::Complaint || kind == Kind::Evaluation {
                PaymentSection { kind }
            }
            PrivacySection {}
            PublicSection {}
            PhoneSection {}
            DateSection {}
            AboutYouSection {}
            button { class: "button", id: "form-continue", onclick: move |_| check_and_continue(ui), {tr.t("form-check")} }
        }
    }
}

/// Where: the chosen place (its name, the kind of office that answers, the places above it)
/// and the way back to change it.
#[component]
fn PlaceSection() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let place = ui.form.read().place.clone().unwrap_or_default();

    rsx! {
        section { class: "card",
            h3 { {tr.t("form-place")} }
            p { id: "form-place", ChosenPlace { code: place.clone() } }
            if let Some(office) = Directory::embedded().route(&place).map(|o| o.code.clone()) {
                dl { class: "facts", OfficeContact { office } }
            }
            FieldError { field: field::PLACE }
            button { class: "button secondary", id: "change-place",
                onclick: move |_| {
                    let previous = ui.stack.read().iter().rev().nth(1).cloned();
                    if previous == Some(Screen::Place) { ui.back(); } else { ui.go(Screen::Place); }
                },
                {tr.t("form-change-place")}
            }
        }
    }
}

/// The services of the chosen place's office, one to choose.
#[component]
fn CategorySection() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let form = ui.form.read().clone();
    let invalid = |field: &str| !ui.errors_of(field).is_empty();
    let directory = Directory::embedded();
    let place = form.place.clone().unwrap_or_default();
    let categories = directory
        .route(&place)
        .map(|o| directory.categories(o.office_type))
        .unwrap_or_default();

    rsx! {
        section { class: if invalid(field::CATEGORY) { "card invalid" } else { "card" },
            h3 { id: "category-label", {tr.t("form-category")} }
            div { class: "choices", role: "radiogroup", "aria-labelledby": "category-label",
                for category in categories.iter() {
                    button { key: "{category.code}", class: "choice", id: "category-{category.code}", role: "radio",
                        "aria-checked": if form.category == category.code { "true" } else { "false" },
                        onclick: { let code = category.code; move |_| { ui.form.write().category = code.to_string(); ui.errors.write().retain(|e| e.field != field::CATEGORY); } },
                        {category.name(lang)}
                    }
                }
            }
            FieldError { field: field::CATEGORY }
        }
    }
}

/// The ratings of an evaluation: overall (required) and each criterion (optional).
#[component]
fn EvaluationSection() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let form = ui.form.read().clone();

    rsx! {
        section { class: "card",
            h3 { {tr.t("form-overall")} }
            Stars { id: "rating-overall", label: tr.t("form-overall"), value: form.overall,
                onchange: move |v| { ui.form.write().overall = Some(v); ui.errors.write().retain(|e| !e.field.starts_with(field::EVALUATION)); } }
            FieldError { field: field::EVALUATION }
            for (name, value) in form.criteria.named() {
                div { key: "{name}",
                    p { {tr.t(&format!("criterion-{name}"))} }
                    Stars { id: "rating-{name}", label: tr.t(&format!("criterion-{name}")), value,
                        onchange: move |v| {
                            let mut form = ui.form.write();
                            let criteria = &mut form.criteria;
                            let slot = match name {
                                "speed" => &mut criteria.speed,
                                "staff_attitude" => &mut criteria.staff_attitude,
                                "fees_as_posted" => &mut criteria.fees_as_posted,
                                "clarity_of_information" => &mut criteria.clarity_of_information,
                                _ => &mut criteria.facilities_and_access,
                            };
                            *slot = Some(v);
                        } }
                }
            }
        }
    }
}

/// What happened, in the words of the kind of feedback, with its live count, and when.
#[component]
fn TextSection(kind: Kind) -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let form = ui.form.read().clone();
    let invalid = |field: &str| !ui.errors_of(field).is_empty();
    let count = form.description.chars().count();
    let description_label = tr.t(&format!("form-description-{}", kind.as_str()));

    rsx! {
        section { class: "card",
            label { class: field_class(invalid(field::DESCRIPTION)),
                span { {description_label} }
                textarea { id: "description", rows: "6", value: "{form.description}",
                    "aria-describedby": "description-count",
                    oninput: move |e| { ui.form.write().description = e.value(); },
                }
                span { id: "description-count", class: if count > MAX_DESCRIPTION_CHARS { "counter over" } else { "counter" }, "aria-live": "polite",
                    {tr.t_args("form-characters", &[("count", Arg::Num(count as u64)), ("max", Arg::Num(MAX_DESCRIPTION_CHARS as u64))])}
                }
            }
            FieldError { field: field::DESCRIPTION }
        }
    }
}

/// The day of the visit, folded away until the citizen opens it (or it has a value or an
/// error).
#[component]
fn DateSection() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let form = ui.form.read().clone();
    let invalid = |field: &str| !ui.errors_of(field).is_empty();
    let this_year = ourvoice_outbox::cambodia_today(Utc::now()).year();
    let open = invalid(field::INCIDENT_DATE)
        || form.incident_day.is_some()
        || form.incident_month.is_some()
        || form.incident_year.is_some();

    rsx! {
        details { class: "card fold", id: "fold-date", open,
            summary { class: "fold-title", {tr.t("form-incident-date")} }
            fieldset { class: field_class(invalid(field::INCIDENT_DATE)), id: "incident-date",
                legend { class: "sr-only", {tr.t("form-incident-date")} }
                div { class: "date-parts",
                    select { id: "incident-day", "aria-label": tr.t("form-day"),
                        oninput: move |e| { ui.form.write().incident_day = e.value().parse().ok(); },
                        option { value: "", selected: form.incident_day.is_none(), {tr.t("form-day")} }
                        for day in 1..=31u32 {
                            option { key: "{day}", value: "{day}", selected: form.incident_day == Some(day), {tr.num(u64::from(day))} }
                        }
                    }
                    select { id: "incident-month", "aria-label": tr.t("form-month"),
                        oninput: move |e| { ui.form.write().incident_month = e.value().parse().ok(); },
                        option { value: "", selected: form.incident_month.is_none(), {tr.t("form-month")} }
                        for month in 1..=12u32 {
                            option { key: "{month}", value: "{month}", selected: form.incident_month == Some(month), {tr.t(&format!("month-{month}"))} }
                        }
                    }
                    select { id: "incident-year", "aria-label": tr.t("form-year"),
                        oninput: move |e| { ui.form.write().incident_year = e.value().parse().ok(); },
                        option { value: "", selected: form.incident_year.is_none(), {tr.t("form-year")} }
                        for year in [this_year, this_year - 1, this_year - 2] {
                            option { key: "{year}", value: "{year}", selected: form.incident_year == Some(year), {tr.num(year.max(0) as u64)} }
                        }
                    }
                }
                FieldError { field: field::INCIDENT_DATE }
            }
        }
    }
}

/// Whether extra payment was asked, and (for complaints) whether it is about the staff.
#[component]
fn PaymentSection(kind: Kind) -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let form = ui.form.read().clone();

    rsx! {
        section { class: "card",
            h3 { {tr.t("form-extra-payment")} }
            div { class: "choices",
                for (answer, key, id) in [(true, "answer-yes", "extra-yes"), (false, "answer-no", "extra-no")] {
                    button { key: "{id}", class: "choice", id: "{id}",
                        "aria-pressed": if form.extra_payment == Some(answer) { "true" } else { "false" },
                        onclick: move |_| {
                            let mut form = ui.form.write();
                            form.extra_payment = if form.extra_payment == Some(answer) { None } else { Some(answer) };
                        },
                        {tr.t(key)}
                    }
                }
            }
            if kind == Kind::Complaint {
                label { class: "checkbox",
                    input { r#type: "checkbox", id: "about-staff", checked: form.about_staff,
                        onchange: move |e| { let mut f = ui.form.write(); f.about_staff = e.checked(); f.forget_hidden_choices(); } }
                    span { {tr.t("form-about-staff")} }
                }
            }
        }
    }
}

/// Anonymous or confidential, and the name and phone of a confidential one.
#[component]
fn PrivacySection() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let form = ui.form.read().clone();
    let invalid = |field: &str| !ui.errors_of(field).is_empty();

    rsx! {
        section { class: "card",
            h3 { {tr.t("form-privacy")} }
            div { class: "list",
                button { class: "choice privacy-choice", id: "privacy-anonymous",
                    "aria-pressed": if form.confidential { "false" } else { "true" },
                    onclick: move |_| { ui.form.write().confidential = false; ui.errors.write().retain(|e| !e.field.starts_with(field::PRIVACY)); },
                    strong { {tr.t("privacy-choice-anonymous")} }
                    span { class: "muted", {tr.t("privacy-choice-anonymous-hint")} }
                }
                button { class: "choice privacy-choice", id: "privacy-confidential",
                    "aria-pressed": if form.confidential { "true" } else { "false" },
                    onclick: move |_| { let mut f = ui.form.write(); f.confidential = true; f.forget_hidden_choices(); },
                    strong { {tr.t("privacy-choice-confidential")} }
                    span { class: "muted", {tr.t("privacy-choice-confidential-hint")} }
                }
            }
            if form.confidential {
                label { class: field_class(invalid(field::PRIVACY_NAME)),
                    span { {tr.t("form-name")} }
                    input { r#type: "text", id: "name", value: "{form.name}", autocomplete: "name",
                        oninput: move |e| { ui.form.write().name = e.value(); } }
                }
                FieldError { field: field::PRIVACY_NAME }
                label { class: field_class(invalid(field::PRIVACY_PHONE)),
                    span { {tr.t("form-phone")} }
                    input { r#type: "tel", id: "phone", value: "{form.phone}", autocomplete: "tel", inputmode: "tel",
                        oninput: move |e| { ui.form.write().phone = e.value(); } }
                }
                FieldError { field: field::PRIVACY_PHONE }
            }
        }
    }
}

/// What anyone can see, and the choice to make the text public where it may be.
#[component]
fn PublicSection() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let form = ui.form.read().clone();

    rsx! {
        section { class: "card", id: "form-public",
            h3 { {tr.t("form-public-title")} }
            p { {tr.t("form-public-always")} }
            if form.may_publish_text() {
                label { class: "checkbox",
                    input { r#type: "checkbox", id: "publish-text", checked: form.publish_text,
                        "aria-describedby": "publish-text-hint",
                        onchange: move |e| { ui.form.write().publish_text = e.checked(); ui.errors.write().retain(|error| error.field != field::PUBLISH_TEXT); } }
                    span { {tr.t("form-public-choice")} }
                }
                p { class: "muted", id: "publish-text-hint", {tr.t("form-public-choice-hint")} }
                FieldError { field: field::PUBLISH_TEXT }
            } else {
                p { class: "muted", id: "text-stays-private", {tr.t("form-public-private")} }
            }
        }
    }
}

/// On this phone: whether what the citizen wrote is hidden here once the office has it (on by
/// default for complaints about office staff, until the citizen chooses).
#[component]
fn PhoneSection() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let hides = ui.form.read().hides_text();

    rsx! {
        section { class: "card", id: "form-phone",
            h3 { {tr.t("form-phone-title")} }
            label { class: "checkbox",
                input { r#type: "checkbox", id: "hide-text", checked: hides,
                    "aria-describedby": "hide-text-hint",
                    onchange: move |e| { ui.form.write().hide_text = Some(e.checked()); } }
                span { {tr.t("form-hide-text")} }
            }
            p { class: "muted", id: "hide-text-hint", {tr.t("form-hide-text-hint")} }
        }
    }
}

/// The optional facts about the person, for statistics by gender, age and disability, folded
/// away until the citizen opens them (or has answered one).
#[component]
fn AboutYouSection() -> Element {
    let ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let form = ui.form.read().clone();

    let open = form.gender.is_some() || form.age_band.is_some() || form.disability.is_some();

    rsx! {
        details { class: "card fold", id: "fold-about", open,
            summary { class: "fold-title", {tr.t("form-about-you")} }
            p { class: "muted", {tr.t("form-about-you-why")} }
            p { {tr.t("form-gender")} }
            {code_choices(&tr, "gender", form.gender, ui, |f| &mut f.gender)}
            p { {tr.t("form-age")} }
            {code_choices(&tr, "age", form.age_band, ui, |f| &mut f.age_band)}
            p { {tr.t("form-disability")} }
            {code_choices(&tr, "disability", form.disability, ui, |f| &mut f.disability)}
        }
    }
}

/// The values of a coded set as buttons, one of which may be chosen: choosing the chosen one
/// again unchooses it (every question about the person may be left unanswered).
fn code_choices<T: Code>(
    tr: &Tr,
    id_prefix: &'static str,
    chosen: Option<T>,
    mut ui: crate::state::Ui,
    slot: fn(&mut crate::state::FormState) -> &mut Option<T>,
) -> Element {
    rsx! {
        div { class: "choices",
            for value in T::ALL.iter().copied() {
                button { key: "{value.as_str()}", class: "choice", id: "{id_prefix}-{value.as_str()}",
                    "aria-pressed": if chosen == Some(value) { "true" } else { "false" },
                    onclick: move |_| {
                        let mut form = ui.form.write();
                        let slot = slot(&mut form);
                        *slot = if *slot == Some(value) { None } else { Some(value) };
                    },
                    {tr.t(&value.fluent_key())}
                }
            }
        }
    }
}
