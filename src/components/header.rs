//! The top bar: Back (when there is somewhere to go back to), the screen's title, on screens
//! that show what the citizen wrote a quick exit to the home screen (for a shared phone, when
//! someone comes near; with an app lock PIN set it also locks the app), and the language switch, one tap away on every screen.

use dioxus::prelude::*;
use ourvoice_protocol::Lang;

use super::Icon;
use crate::i18n::Tr;
use crate::state::{use_device, use_ui};

#[component]
pub fn Header(title: String, #[props(default)] quick_exit: bool) -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let lang = (ui.lang)();
    let tr = Tr::new(lang);
    // Nothing to go back to from the lock screen.
    let can_go_back = ui.stack.read().len() > 1 && !(ui.locked)();
    let relock = device.clone();
    let (other, other_label) = match lang {
        Lang::Km => (Lang::En, Tr::new(Lang::En).t("lang-en")),
        Lang::En => (Lang::Km, Tr::new(Lang::Km).t("lang-km")),
    };
    rsx! {
        header { class: "bar",
            if can_go_back {
                button { class: "icon-button", "aria-label": tr.t("nav-back"), id: "back",
                    onclick: move |_| { ui.back(); },
                    Icon { name: "back" }
                }
            }
            h1 { {title} }
            if quick_exit {
                button { class: "icon-button", id: "quick-exit", "aria-label": tr.t("nav-quick-exit"), title: tr.t("nav-quick-exit"),
                    // Home, with nothing to go back to; with a PIN set, locked as well.
                    onclick: move |_| {
                        ui.home();
                        if let Ok(device) = &relock.0 {
                            if ui.check(device.outbox.has_pin(), "error-storage-read") != Some(false) {
                                ui.locked.set(true);
                            }
                        }
                    },
                    Icon { name: "close" }
                }
            }
            button { class: "lang-switch", id: "switch-language", lang: other.code(),
                onclick: move |_| {
                    ui.lang.set(other);
                    if let Ok(device) = &device.0 {
                        ui.check(device.outbox.set_setting("lang", other.code()), "error-storage-setting");
                    }
                },
                {other_label}
            }
        }
    }
}
