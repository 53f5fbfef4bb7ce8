//! The place picker: one search box over every commune, district, province and office (Khmer
//! or Latin, results as you type with their full path), recently used places first, and a
//! province → district → commune/office cascade for those who prefer to browse.

use dioxus::prelude::*;
use ourvoice_directory::{Directory, UnitLevel};
use ourvoice_outbox::{Outbox, OutboxError};
use ourvoice_protocol::Lang;

use crate::components::{use_stored, Header, Icon};
use crate::i18n::Tr;
use crate::state::{use_ui, Screen};

const RECENT_KEY: &str = "recent_places";

/// Codes of the places this device used last, newest first (none when the setting is
/// unreadable JSON, which the next [`remember_place`] overwrites).
pub fn recent_places(outbox: &Outbox) -> Result<Vec<String>, OutboxError> {
    Ok(outbox
        .setting(RECENT_KEY)?
        .and_then(|json| serde_json::from_str::<Vec<String>>(&json).ok())
        .unwrap_or_default())
}

/// Puts `code` first in the recent places (at most five).
pub fn remember_place(outbox: &Outbox, code: &str) -> Result<(), OutboxError> {
    let mut recent = recent_places(outbox)?;
    recent.retain(|c| c != code);
    recent.insert(0, code.to_string());
    recent.truncate(5);
    let json = serde_json::to_string(&recent).expect("a list of strings serialises");
    outbox.set_setting(RECENT_KEY, &json)
}

fn name_of(directory: &Directory, code: &str, lang: Lang) -> String {
    directory
        .place(code)
        .map(|place| place.display_name(lang))
        .unwrap_or_else(|| code.to_string())
}

#[component]
pub fn PlaceView() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let directory = Directory::embedded();
    let mut query = use_signal(String::new);
    let mut opened = use_signal(Vec::<String>::new);

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

    let typed = query();
    let hits = if typed.trim().is_empty() {
        Vec::new()
    } else {
        directory.search(&typed, lang, 20)
    };
    // Without the device there are no recent places (the app says so elsewhere); an
    // unreadable setting is said here, where the recent places would be.
    let stored = use_stored(|device| match &device.0 {
        Ok(device) => recent_places(&device.outbox).ok(),
        Err(_) => Some(Vec::new()),
    });
    let (recent, recent_unreadable) = match stored {
        None => (Vec::new(), false),
        Some(Some(recent)) => (recent, false),
        Some(None) => (Vec::new(), true),
    };
    let path = opened();
    let browsing = path.last().cloned();
    let units = match &browsing {
        None => directory.provinces().iter().collect::<Vec<_>>(),
        Some(code) => directory.children(code),
    };
    let offices = browsing
        .as_deref()
        .map(|code| directory.offices_of_unit(code))
        .unwrap_or_default();

    rsx! {
        Header { title: tr.t("place-title") }
        main {
            label { class: "field",
                span { {tr.t("place-search-label")} }
                input { r#type: "search", id: "place-search", value: "{typed}", autocomplete: "off",
                    placeholder: tr.t("place-search-placeholder"),
                    oninput: move |e| query.set(e.value()),
                }
            }
            if !typed.trim().is_empty() {
                if hits.is_empty() {
                    p { class: "muted", id: "place-no-results", {tr.t("place-no-results")} }
                }
                div { class: "list", id: "place-results",
                    for hit in hits {
                        button { key: "{hit.code}", class: "list-row", "data-code": "{hit.code}",
                            onclick: { let code = hit.code.clone(); move |_| choose(code.clone()) },
                            Icon { name: "place", size: 22 }
                            span { class: "grow", strong { {hit.name.clone()} } small { {hit.path.clone()} } }
                        }
                    }
                }
            } else {
                if recent_unreadable {
                    p { class: "banner-error", role: "alert", id: "place-recent-unreadable", {tr.t("error-storage-read")} }
                }
                if !recent.is_empty() {
                    h3 { {tr.t("place-recent")} }
                    div { class: "list", id: "place-recent",
                        for code in recent {
                            button { key: "{code}", class: "list-row", "data-code": "{code}",
                                onclick: { let code = code.clone(); move |_| choose(code.clone()) },
                                Icon { name: "place", size: 22 }
                                span { class: "grow",
                                    strong { {name_of(directory, &code, lang)} }
                                    small { {directory.path(&code, lang).unwrap_or_default()} }
                                }
                            }
                        }
                    }
                }
                h3 { {tr.t("place-browse")} }
                if let Some(code) = browsing.clone() {
                    div { class: "card",
                        strong { {directory.path(&code, lang).unwrap_or_default()} }
                        div { class: "row-buttons",
                            button { class: "button secondary", id: "browse-up", onclick: move |_| { opened.write().pop(); },
                                {tr.t("nav-back")}
                            }
                            button { class: "button", id: "choose-opened", "data-code": "{code}",
                                onclick: { let code = code.clone(); move |_| choose(code.clone()) },
                                {tr.t("place-choose")}
                            }
                        }
                    }
                    if !offices.is_empty() {
                        h3 { {tr.t("place-offices")} }
                        div { class: "list",
                            for office in offices {
                                button { key: "{office.code}", class: "list-row", "data-code": "{office.code}",
                                    onclick: { let code = office.code.clone(); move |_| choose(code.clone()) },
                                    span { class: "grow", strong { {office.name(lang)} } }
                                }
                            }
                        }
                    }
                } else {
                    p { class: "muted", {tr.t("place-provinces")} }
                }
                div { class: "list", id: "place-browse",
                    for unit in units {
                        if unit.level == UnitLevel::Commune {
                            button { key: "{unit.code}", class: "list-row", "data-code": "{unit.code}",
                                onclick: { let code = unit.code.clone(); move |_| choose(code.clone()) },
                                span { class: "grow", strong { {unit.display_name(lang)} } }
                            }
                        } else {
                            button { key: "{unit.code}", class: "list-row", "data-code": "{unit.code}", "aria-label": "{unit.display_name(lang)} — {tr.t(\"place-open\")}",
                                onclick: { let code = unit.code.clone(); move |_| opened.write().push(code.clone()) },
                                span { class: "grow", strong { {unit.display_name(lang)} } }
                                span { class: "chevron", Icon { name: "chevron", size: 22 } }
                            }
                        }
                    }
                }
            }
        }
    }
}
