//! First run, step two (and later from Settings): what anonymous and confidential mean, what
//! is stored on the phone, what goes to the office, and what anyone can see, in plain words.

use dioxus::prelude::*;

use crate::components::Header;
use crate::i18n::Tr;
use crate::state::{use_device, use_ui};

#[component]
pub fn PrivacyView() -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let tr = Tr::new((ui.lang)());
    let sections = [
        ("privacy-anonymous-title", "privacy-anonymous-body"),
        ("privacy-confidential-title", "privacy-confidential-body"),
        ("privacy-phone-title", "privacy-phone-body"),
        ("privacy-office-title", "privacy-office-body"),
        ("privacy-public-title", "privacy-public-body"),
    ];
    rsx! {
        Header { title: tr.t("privacy-title") }
        main {
            p { {tr.t("privacy-intro")} }
            for (title, body) in sections {
                section { key: "{title}", class: "card",
                    h3 { {tr.t(title)} }
                    p { {tr.t(body)} }
                }
            }
            button { class: "button", id: "privacy-accept",
                onclick: move |_| {
                    if let Ok(device) = &device.0 {
                        ui.check(device.outbox.set_setting("privacy_seen", "1"), "error-storage-setting");
                    }
                    let first_run = ui.stack.read().len() <= 2;
                    if first_run { ui.home() } else { ui.back(); }
                },
                {tr.t("privacy-accept")}
            }
        }
    }
}
