//! Settings: language, the app lock's PIN (`lock.rs`), privacy page, deleting this phone's copy of sent feedback, and a hidden
//! testers' section (tap the version five times; development builds only): server address,
//! send now, database counts.

use dioxus::prelude::*;
use ourvoice_protocol::Lang;

use crate::components::Header;
use crate::i18n::{Arg, Tr};
use crate::state::{use_device, use_ui, Screen};
use crate::views::LockSettings;
use crate::APP_VERSION;

#[component]
pub fn SettingsView() -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    let mut confirming = use_signal(|| false);
    let mut deleted = use_signal(|| None::<usize>);
    let mut version_taps = use_signal(|| 0u32);
    let mut saved = use_signal(|| false);
    let mut refused = use_signal(|| false);
    let mut server = use_signal(|| {
        device
            .0
            .as_ref()
            .map(|d| d.engine.server_url())
            .unwrap_or_default()
    });
    // The engine's snapshot; unreadable counts are said so in the testers' section, never
    // shown as zeros.
    let counts = device.0.as_ref().ok().map(|_| (ui.sync)().counts);
    let for_language = device.clone();
    let for_delete = device.clone();
    let for_server = device.clone();
    let for_sync = device.clone();
    rsx! {
        Header { title: tr.t("settings-title") }
        main { id: "settings",
            section { class: "card",
                h3 { {tr.t("settings-language")} }
                div { class: "choices",
                    for choice in [Lang::Km, Lang::En] {
                        button { key: "{choice.code()}", class: "choice", id: "settings-lang-{choice.code()}", lang: choice.code(),
                            "aria-pressed": if lang == choice { "true" } else { "false" },
                            onclick: {
                                let device = for_language.clone();
                                move |_| {
                                    ui.lang.set(choice);
                                    if let Ok(device) = &device.0 { ui.check(device.outbox.set_setting("lang", choice.code()), "error-storage-setting"); }
                                }
                            },
                            {Tr::new(choice).t(&format!("lang-{}", choice.code()))}
                        }
                    }
                }
            }
            LockSettings {}
            button { class: "button secondary", id: "settings-privacy", onclick: move |_| ui.go(Screen::Privacy), {tr.t("settings-privacy")} }
            section { class: "card",
                h3 { {tr.t("settings-delete")} }
                p { class: "muted", {tr.t("settings-delete-explain")} }
                if let Some(count) = deleted() {
                    p { role: "status", id: "settings-deleted", {tr.t_args("settings-deleted", &[("count", Arg::Num(count as u64))])} }
                }
                if confirming() {
                    div { class: "row-buttons",
                        button { class: "button secondary", id: "delete-cancel", onclick: move |_| confirming.set(false), {tr.t("settings-delete-cancel")} }
                        button { class: "button danger", id: "delete-confirm",
                            onclick: move |_| {
                                if let Ok(device) = &for_delete.0 {
                                    deleted.set(ui.check(device.outbox.delete_settled(), "error-storage-delete"));
                                    ui.refreshed(&device.engine);
                                }
                                confirming.set(false);
                            },
                            {tr.t("settings-delete-confirm")}
                        }
                    }
                } else {
                    button { class: "button secondary", id: "delete-sent", onclick: move |_| confirming.set(true), {tr.t("settings-delete")} }
                }
            }
            button { class: "version", id: "version", onclick: move |_| version_taps += 1,
                {tr.t_args("settings-version", &[("version", Arg::Text(APP_VERSION))])}
            }
            if crate::platform::TESTERS_SECTION && version_taps() >= 5 {
                section { class: "card", id: "testers",
                    h3 { {tr.t("testers-title")} }
                    label { class: "field",
                        span { {tr.t("testers-server")} }
                        input { r#type: "url", id: "testers-server", value: "{server}", oninput: move |e| { server.set(e.value()); saved.set(false); refused.set(false); } }
                    }
                    button { class: "button secondary", id: "testers-save",
                        onclick: move |_| {
                            if !crate::platform::server_allowed(&server()) {
                                refused.set(true);
                                return;
                            }
                            if let Ok(device) = &for_server.0 {
                                device.engine.set_server_url(&server());
                                let stored = device.outbox.set_setting("server_url", &device.engine.server_url());
                                device.engine.kick();
                                saved.set(ui.check(stored, "error-storage-setting").is_some());
                            }
                        },
                        {tr.t("testers-save")}
                    }
                    if saved() { p { role: "status", {tr.t("testers-saved")} } }
                    if refused() { p { role: "alert", class: "field-error", id: "testers-refused", {tr.t(if crate::platform::HTTPS_ONLY { "testers-https-only" } else { "testers-bad-server" })} } }
                    button { class: "button", id: "testers-sync",
                        onclick: move |_| { if let Ok(device) = &for_sync.0 { device.engine.kick(); } },
                        {tr.t("testers-sync-now")}
                    }
                    match counts {
                        Some(Some(counts)) => rsx! {
                            p { id: "testers-counts",
                                {tr.t_args("testers-counts", &[
                                    ("waiting", Arg::Num(counts.pending())),
                                    ("sent", Arg::Num(counts.accepted)),
                                    ("rejected", Arg::Num(counts.rejected + counts.conflict)),
                                ])}
                            }
                        },
                        Some(None) => rsx! { p { class: "banner-error", role: "alert", id: "testers-counts", {tr.t("error-storage-read")} } },
                        None => rsx! { p { class: "banner-error", role: "alert", id: "testers-counts", {tr.t("error-storage-open")} } },
                    }
                }
            }
        }
    }
}
