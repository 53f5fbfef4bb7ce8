//! A big numeric keypad for a PIN: ten digit keys in the citizen's digits (Khmer digits on the
//! Khmer screen), a key that deletes the last digit and one that confirms, each at least 64 px;
//! the digits pressed show as dots, never as digits, and a screen reader hears how many.
//!
//! Guarantees: at most the longest PIN's digits are kept; confirming needs the shortest PIN's;
//! the pad forgets its digits as soon as they are handed over.

use dioxus::prelude::*;
use ourvoice_outbox::PIN_DIGITS;

use super::Icon;
use crate::i18n::{Arg, Tr};
use crate::state::use_ui;

/// The keypad, under `prompt`; `onsubmit` gets the digits pressed (ASCII) when the citizen
/// confirms with `submit_label`.
#[component]
pub fn PinPad(
    id: String,
    prompt: String,
    submit_label: String,
    onsubmit: EventHandler<String>,
) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let mut digits = use_signal(String::new);
    let count = digits.read().len();
    let ready = PIN_DIGITS.contains(&count);
    let prompt_id = format!("{id}-prompt");
    rsx! {
        div { class: "pin-pad", id: "{id}", role: "group", "aria-labelledby": "{prompt_id}",
            p { class: "pin-prompt", id: "{prompt_id}", {prompt} }
            div { class: "pin-dots", "aria-hidden": "true", "data-count": "{count}",
                for n in 0..*PIN_DIGITS.end() {
                    span { key: "{n}", class: if n < count { "pin-dot on" } else { "pin-dot" } }
                }
            }
            p { class: "sr-only", role: "status", id: "{id}-count",
                {tr.t_args("pin-entered", &[("count", Arg::Num(count as u64))])}
            }
            div { class: "keys",
                for digit in [1u8, 2, 3, 4, 5, 6, 7, 8, 9] {
                    button { key: "{digit}", class: "key", id: "{id}-key-{digit}",
                        onclick: move |_| {
                            if digits.read().len() < *PIN_DIGITS.end() {
                                digits.write().push(char::from(b'0' + digit));
                            }
                        },
                        {tr.num(u64::from(digit))}
                    }
                }
                button { class: "key", id: "{id}-delete", "aria-label": tr.t("pin-delete"), title: tr.t("pin-delete"),
                    onclick: move |_| { digits.write().pop(); },
                    Icon { name: "backspace", size: 30 }
                }
                button { class: "key", id: "{id}-key-0",
                    onclick: move |_| {
                        if digits.read().len() < *PIN_DIGITS.end() {
                            digits.write().push('0');
                        }
                    },
                    {tr.num(0)}
                }
                button { class: "key ok", id: "{id}-ok", disabled: !ready,
                    onclick: move |_| {
                        let pressed = std::mem::take(&mut *digits.write());
                        onsubmit.call(pressed);
                    },
                    {submit_label}
                }
            }
        }
    }
}
