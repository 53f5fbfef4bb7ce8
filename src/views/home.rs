//! Home: four large actions with icons and one-line explanations, and the sync line.

use dioxus::prelude::*;
use ourvoice_protocol::{Code, Kind};

use crate::components::{Header, Icon, KindIcon, SyncLine};
use crate::i18n::{Arg, Tr};
use crate::state::{use_ui, FormState, Screen};

#[component]
pub fn HomeView() -> Element {
    let mut ui = use_ui();
    let tr = Tr::new((ui.lang)());
    // Cases with a reply the citizen has not opened yet, from the engine's snapshot.
    let unread = (ui.sync)().counts.map_or(0, |counts| counts.unread);
    rsx! {
        Header { title: tr.t("app-title") }
        main {
            SyncLine {}
            h2 { {tr.t("home-question")} }
            div { class: "actions",
                for kind in Kind::ALL {
                    button { key: "{kind.as_str()}", class: "action", id: "start-{kind.as_str()}",
                        onclick: move |_| {
                            let keep = ui.form.read().clone();
                            // A new piece of feedback starts clean, except the "about you"
                            // answers the citizen gave a moment ago.
                            ui.form.set(FormState {
                                kind: Some(kind),
                                gender: keep.gender,
                                age_band: keep.age_band,
                                disability: keep.disability,
                                ..FormState::default()
                            });
                            ui.errors.set(Vec::new());
                            ui.go(Screen::Place);
                        },
                        span { class: "glyph", KindIcon { kind, size: 32 } }
                        span {
                            strong { {tr.t(&kind.fluent_key())} }
                            span { class: "hint", {tr.t(&kind.hint_key())} }
                        }
                    }
                }
            }
            div { class: "row-buttons",
                button { class: "button secondary", id: "open-feedback", onclick: move |_| ui.go(Screen::Feedback),
                    Icon { name: "list", size: 22 } " " {tr.t("home-my-feedback")}
                    if unread > 0 {
                        span { class: "badge", id: "unread-badge", "aria-label": tr.t_args("home-unread", &[("count", Arg::Num(unread))]),
                            {tr.num(unread)}
                        }
                    }
                }
                button { class: "button secondary", id: "open-settings", onclick: move |_| ui.go(Screen::Settings),
                    Icon { name: "settings", size: 22 } " " {tr.t("home-settings")}
                }
            }
        }
    }
}
