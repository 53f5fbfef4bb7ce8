//! First run, step one: choose the language (ខ្មែរ / English), each shown in its own language.

use dioxus::prelude::*;
use ourvoice_protocol::Lang;

use crate::components::Icon;
use crate::i18n::Tr;
use crate::state::{use_device, use_ui, Screen};

#[component]
pub fn WelcomeView() -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let tr = Tr::new((ui.lang)());
    let choose = move |lang: Lang| {
        let device = device.clone();
        move |_| {
            ui.lang.set(lang);
            if let Ok(device) = &device.0 {
                ui.check(
                    device.outbox.set_setting("lang", lang.code()),
                    "error-storage-setting",
                );
            }
            ui.go(Screen::Privacy);
        }
    };
    rsx! {
        main { class: "welcome",
            div { class: "logo", Icon { name: "logo", size: 72 } }
            h2 { lang: "km", {Tr::new(Lang::Km).t("app-title")} " · " span { lang: "en", {Tr::new(Lang::En).t("app-title")} } }
            p { class: "muted", {tr.t("app-tagline")} }
            h3 { lang: "km", {Tr::new(Lang::Km).t("welcome-choose-language")} " / " span { lang: "en", {Tr::new(Lang::En).t("welcome-choose-language")} } }
            div { class: "welcome-langs",
                button { class: "button", id: "choose-km", lang: "km", onclick: choose(Lang::Km), {Tr::new(Lang::Km).t("lang-km")} }
                button { class: "button secondary", id: "choose-en", lang: "en", onclick: choose(Lang::En), {Tr::new(Lang::En).t("lang-en")} }
            }
        }
    }
}
