//! A 1–5 rating with stars and words ("Good", "ល្អ"), large enough to tap, announced to
//! screen readers as "4 of 5 stars".

use dioxus::prelude::*;

use crate::i18n::{Arg, Tr};
use crate::state::use_ui;

#[component]
pub fn Stars(id: String, label: String, value: Option<u8>, onchange: EventHandler<u8>) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    rsx! {
        div { class: "stars", role: "radiogroup", "aria-label": "{label}", id: "{id}",
            for stars in 1..=5u8 {
                button {
                    key: "{stars}",
                    class: if value.is_some_and(|v| v >= stars) { "star on" } else { "star" },
                    role: "radio",
                    "aria-checked": if value == Some(stars) { "true" } else { "false" },
                    "aria-label": tr.t_args("rating-stars", &[("stars", Arg::Num(u64::from(stars)))]) + " — " + &tr.t(&format!("rating-{stars}")),
                    "data-stars": "{stars}",
                    onclick: move |_| onchange.call(stars),
                    // Shape as well as colour: an empty star until chosen.
                    if value.is_some_and(|v| v >= stars) { "★" } else { "☆" }
                }
            }
            if let Some(v) = value {
                span { class: "star-word", {tr.t(&format!("rating-{v}"))} }
            }
        }
    }
}
