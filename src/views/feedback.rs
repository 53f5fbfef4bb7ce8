//! My feedback: every submission on this phone with its state, newest first.

use chrono::DateTime;
use dioxus::prelude::*;
use ourvoice_directory::Directory;
use ourvoice_protocol::Code;

use crate::components::{use_stored, Header, Icon, StatePill};
use crate::i18n::Tr;
use crate::state::{use_ui, Screen};

#[component]
pub fn FeedbackView() -> Element {
    let mut ui = use_ui();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let items = use_stored(|device| match &device.0 {
        Ok(d) => d.outbox.list().map_err(|_| "error-storage-read"),
        Err(_) => Err("error-storage-open"),
    });
    let directory = Directory::embedded();
    rsx! {
        Header { title: tr.t("feedback-title") }
        main { id: "feedback",
            match items {
                None => rsx! {},
                Some(Err(key)) => rsx! { p { class: "banner-error", role: "alert", id: "storage-error", {tr.t(key)} } },
                Some(Ok(items)) if items.is_empty() => rsx! { p { class: "muted", id: "feedback-empty", {tr.t("feedback-empty")} } },
                Some(Ok(items)) => rsx! {
                    div { class: "list",
                        for item in items {
                            {
                                let day = DateTime::from_timestamp_millis(item.created_at)
                                    .map(|t| tr.date(ourvoice_outbox::cambodia_today(t)))
                                    .unwrap_or_default();
                                let place = directory.place(&item.place).map(|p| p.display_name(lang)).unwrap_or_default();
                                let id = item.id;
                                rsx! {
                                    button { key: "{item.id}", class: "list-row", "data-code": "{item.tracking_code}",
                                        onclick: move |_| ui.go(Screen::Detail(id)),
                                        span { class: "grow",
                                            strong { {tr.t(&item.kind.fluent_key())} }
                                            small { lang: "en", "{item.tracking_code}" }
                                            small { {place} " · " {day} }
                                            StatePill { state: item.state.clone() }
                                            if item.unread_replies > 0 {
                                                span { class: "badge", "data-unread": "{item.unread_replies}", {tr.t("feedback-new-reply")} }
                                            }
                                        }
                                        span { class: "chevron", Icon { name: "chevron", size: 22 } }
                                    }
                                }
                            }
                        }
                    }
                },
            }
        }
    }
}
