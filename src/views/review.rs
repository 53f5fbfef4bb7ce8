//! The review step: everything the citizen is about to send, in their language, and whether
//! its text will be public and whether it stays readable on this phone, with Change (back to the form, nothing lost) and Send (stored on
//! the phone first, then sent).

use chrono::Utc;
use dioxus::prelude::*;
use ourvoice_directory::Directory;
use ourvoice_outbox::SubmitError;
use ourvoice_protocol::Kind;

use crate::components::{EvidenceReview, Header};
use crate::i18n::{Arg, Tr};
use crate::state::{use_device, use_ui, FormState, Screen};
use crate::views::place::ChosenPlace;
use crate::APP_VERSION;

fn rating_text(tr: &Tr, value: Option<u8>) -> String {
    match value {
        Some(v) => format!(
            "{} — {}",
            "★".repeat(v as usize),
            tr.t(&format!("rating-{v}"))
        ),
        None => tr.t("choice-not-answered"),
    }
}

#[component]
pub fn ReviewView() -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let directory = Directory::embedded();
    let form = ui.form.read().clone();
    let kind = form.kind.unwrap_or(Kind::Complaint);
    let place = form.place.clone().unwrap_or_default();
    let mut storage_failed = use_signal(|| false);
    let category = directory
        .category(&form.category)
        .map(|c| c.name(lang))
        .unwrap_or_default();
    let privacy = if form.confidential {
        // The phone as it will be stored and sent (international form).
        let phone =
            ourvoice_protocol::normalize_phone(&form.phone).unwrap_or_else(|| form.phone.clone());
        tr.t_args(
            "review-confidential",
            &[
                ("name", Arg::Text(form.name.trim())),
                ("phone", Arg::Text(&phone)),
            ],
        )
    } else {
        tr.t("review-anonymous")
    };
    let date = form.incident_date().ok().flatten().map(|d| tr.date(d));

    let send = move |_| {
        let Ok(device) = &device.0 else {
            storage_failed.set(true);
            return;
        };
        let prepared = ui.form.read().to_draft((ui.lang)());
        let draft = match prepared {
            Ok(draft) => draft,
            Err(error) => {
                ui.errors.set(vec![error]);
                ui.back();
                return;
            }
        };
        match device
            .outbox
            .submit(draft, Directory::embedded(), APP_VERSION, Utc::now())
        {
            Ok(item) => {
                device.engine.kick();
                let keep = ui.form.read().clone();
                ui.form.set(FormState {
                    gender: keep.gender,
                    age_band: keep.age_band,
                    disability: keep.disability,
                    ..FormState::default()
                });
                ui.errors.set(Vec::new());
                ui.stack
                    .set(vec![Screen::Home, Screen::Confirmation(item.id)]);
                ui.refreshed(&device.engine);
            }
            Err(SubmitError::Invalid(errors)) => {
                ui.errors.set(errors);
                ui.back();
            }
            Err(SubmitError::Storage(_)) => storage_failed.set(true),
        }
    };

    rsx! {
        Header { title: tr.t("review-title"), quick_exit: true }
        main { id: "review",
            if storage_failed() {
                p { class: "banner-error", role: "alert", id: "storage-error", {tr.t("error-storage")} }
            }
            section { class: "card",
                dl { class: "facts",
                    dt { {tr.t(&format!("form-title-{}", kind.as_str()))} }
                    dd { id: "review-place", ChosenPlace { code: place.clone() } }
                    dt { {tr.t("form-category")} }
                    dd { {category} }
                    if kind == Kind::Evaluation {
                        dt { {tr.t("form-overall")} }
                        dd { {rating_text(&tr, form.overall)} }
                        for (name, value) in form.criteria.named() {
                            dt { key: "{name}-label", {tr.t(&format!("criterion-{name}"))} }
                            dd { {rating_text(&tr, value)} }
                        }
                    }
                    if !form.description.trim().is_empty() {
                        dt { {tr.t(&format!("form-description-{}", kind.as_str()))} }
                        dd { id: "review-description", {form.description.clone()} }
                    }
                    if !form.photos.is_empty() || form.voice.is_some() {
                        dt { {tr.t("evidence-title")} }
                        dd {
                            EvidenceReview {}
                            p { id: "review-evidence-who", "data-public": if form.text_is_public() && !form.photos.is_empty() { "true" } else { "false" },
                                {tr.t(if form.text_is_public() && !form.photos.is_empty() { "review-photos-public" } else { "review-evidence-private" })}
                            }
                        }
                    }
                    if let Some(date) = date {
                        dt { {tr.t("form-incident-date")} }
                        dd { id: "review-date", {date} }
                    }
                    if let Some(extra) = form.extra_payment {
                        dt { {tr.t("form-extra-payment")} }
                        dd { {tr.t(if extra { "answer-yes" } else { "answer-no" })} }
                    }
                    dt { {tr.t("form-privacy")} }
                    dd { id: "review-privacy", {privacy} }
                    dt { {tr.t("form-public-title")} }
                    dd { id: "review-public", "data-public": if form.text_is_public() { "true" } else { "false" },
                        {tr.t(if form.text_is_public() { "review-text-public" } else { "review-text-private" })}
                    }
                    dt { {tr.t("form-phone-title")} }
                    dd { id: "review-hide", "data-hide": if form.hides_text() { "true" } else { "false" },
                        {tr.t(if form.hides_text() { "review-text-hidden-later" } else { "review-text-kept" })}
                    }
                }
            }
            div { class: "row-buttons",
                button { class: "button secondary", id: "review-edit", onclick: move |_| { ui.back(); }, {tr.t("review-edit")} }
                button { class: "button", id: "review-send", onclick: send, {tr.t("review-send")} }
            }
        }
    }
}
