//! The app lock: the lock screen (a big keypad for the PIN, waits after wrong tries, and what
//! to do when the PIN is forgotten) and its card in Settings (set, change, remove the PIN).
//!
//! Guarantees: while the app is locked the root shows this screen and nothing else (no list, no
//! case, no form; the form's text is kept for when it opens); the PIN is checked only by the
//! outbox, which counts each try and keeps the waits across restarts; a PIN is set only after it
//! was pressed twice the same, and changed or removed only after the current one was pressed.
//! The phone's own lock (fingerprint, screen lock) is not used: that needs the platform's SDK.

use chrono::Utc;
use dioxus::prelude::*;
use ourvoice_outbox::PinCheck;

use crate::components::{use_stored, Header, Icon, PinPad};
use crate::i18n::{Arg, Tr};
use crate::state::{use_device, use_ui};

/// What the citizen is told after a try that did not open: wrong, or wait so long.
fn refusal(tr: &Tr, found: PinCheck) -> Option<String> {
    let wait_ms = match found {
        PinCheck::Right | PinCheck::NoPin => return None,
        PinCheck::Wrong { wait_ms: 0, .. } => return Some(tr.t("lock-wrong")),
        PinCheck::Wrong { wait_ms, .. } | PinCheck::Wait { wait_ms } => wait_ms,
    };
    let seconds = (wait_ms + 999) / 1000;
    Some(if seconds < 60 {
        tr.t_args("lock-wait-seconds", &[("count", Arg::Num(seconds as u64))])
    } else {
        let minutes = (seconds + 59) / 60;
        tr.t_args("lock-wait-minutes", &[("count", Arg::Num(minutes as u64))])
    })
}

/// The lock screen: the app opens past it only with the right PIN.
#[component]
pub fn LockView() -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let tr = Tr::new((ui.lang)());
    // What the last try found (wrong, wait), as a message key and its text.
    let mut message = use_signal(|| None::<String>);
    let mut forgot = use_signal(|| false);
    let try_pin = move |pin: String| {
        let Ok(device) = &device.0 else {
            ui.storage_error.set(Some("error-storage-open"));
            return;
        };
        let found = ui.check(
            device.outbox.check_pin(&pin, Utc::now().timestamp_millis()),
            "error-storage-read",
        );
        match found {
            Some(PinCheck::Right | PinCheck::NoPin) => {
                message.set(None);
                ui.locked.set(false);
            }
            Some(other) => message.set(refusal(&Tr::new((ui.lang)()), other)),
            None => {}
        }
    };
    rsx! {
        Header { title: tr.t("app-title") }
        main { id: "lock",
            div { class: "logo", Icon { name: "lock", size: 56 } }
            h2 { class: "center", {tr.t("lock-title")} }
            PinPad { id: "lock-pad", prompt: tr.t("lock-enter"), submit_label: tr.t("lock-open"), onsubmit: try_pin }
            if let Some(text) = message() {
                p { class: "banner-error", role: "alert", id: "lock-refused", {text} }
            }
            if forgot() {
                section { class: "card", id: "lock-forgot-help",
                    h3 { {tr.t("lock-forgot")} }
                    p { {tr.t("lock-forgot-help")} }
                    p { class: "muted", {tr.t("lock-forgot-kept")} }
                }
            } else {
                button { class: "button secondary", id: "lock-forgot", onclick: move |_| forgot.set(true), {tr.t("lock-forgot")} }
            }
        }
    }
}

/// What the PIN card in Settings is doing.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// Showing whether a PIN is set, with what can be done.
    Idle,
    /// Asking for the current PIN before changing (`remove: false`) or removing it.
    Current { remove: bool },
    /// Asking for a new PIN.
    Choose,
    /// Asking for the new PIN again.
    Again(String),
}

/// Settings' card for the app lock: set a PIN (pressed twice), change it or remove it (after
/// the current one).
#[component]
pub fn LockSettings() -> Element {
    let mut ui = use_ui();
    let device = use_device();
    let tr = Tr::new((ui.lang)());
    let mut step = use_signal(|| Step::Idle);
    // The last outcome, as a message key or a refusal's text, and whether it is a problem.
    let mut said = use_signal(|| None::<(String, bool)>);
    let stored = use_stored(|device| match &device.0 {
        Ok(device) => device.outbox.has_pin().map_err(|_| "error-storage-read"),
        Err(_) => Err("error-storage-open"),
    });
    let pressed = move |pin: String| {
        let Ok(device) = &device.0 else { return };
        let lang = (ui.lang)();
        let tr = Tr::new(lang);
        let now = Utc::now().timestamp_millis();
        let current = step.read().clone();
        match current {
            Step::Idle => {}
            Step::Current { remove } => {
                let found = if remove {
                    device.outbox.clear_pin(&pin, now)
                } else {
                    device.outbox.check_pin(&pin, now)
                };
                match ui.check(found, "error-storage-setting") {
                    Some(PinCheck::Right) if remove => {
                        said.set(Some((tr.t("lock-removed"), false)));
                        step.set(Step::Idle);
                        ui.changed();
                    }
                    Some(PinCheck::Right | PinCheck::NoPin) => {
                        said.set(None);
                        step.set(Step::Choose);
                    }
                    Some(other) => said.set(refusal(&tr, other).map(|text| (text, true))),
                    None => step.set(Step::Idle),
                }
            }
            Step::Choose => {
                said.set(None);
                step.set(Step::Again(pin));
            }
            Step::Again(first) => {
                if first != pin {
                    said.set(Some((tr.t("lock-mismatch"), true)));
                    step.set(Step::Choose);
                } else if ui
                    .check(device.outbox.set_pin(&pin), "error-storage-setting")
                    .is_some()
                {
                    said.set(Some((tr.t("lock-saved"), false)));
                    step.set(Step::Idle);
                    ui.changed();
                } else {
                    step.set(Step::Idle);
                }
            }
        }
    };
    let has_pin = match stored {
        None => return rsx! {},
        Some(Ok(has_pin)) => has_pin,
        Some(Err(key)) => {
            return rsx! { section { class: "card", id: "lock-settings", p { class: "banner-error", role: "alert", {tr.t(key)} } } }
        }
    };
    let current = step();
    // The pad's key: a new pad for each step (never the PIN itself, which stays off the page).
    let (pad, prompt, submit) = match &current {
        Step::Idle => ("idle", String::new(), String::new()),
        Step::Current { remove: false } => ("change", tr.t("lock-current"), tr.t("lock-next")),
        Step::Current { remove: true } => ("remove", tr.t("lock-current"), tr.t("lock-remove-ok")),
        Step::Choose => ("choose", tr.t("lock-choose"), tr.t("lock-next")),
        Step::Again(_) => ("again", tr.t("lock-again"), tr.t("lock-save")),
    };
    rsx! {
        section { class: "card", id: "lock-settings", "data-pin": if has_pin { "on" } else { "off" },
            h3 { Icon { name: "lock", size: 22 } " " {tr.t("lock-settings-title")} }
            p { class: "muted", {tr.t(if has_pin { "lock-settings-on" } else { "lock-settings-off" })} }
            if let Some((text, problem)) = said() {
                p { class: if problem { "field-error" } else { "lock-note" }, role: if problem { "alert" } else { "status" }, id: "lock-said", {text} }
            }
            if current == Step::Idle {
                if has_pin {
                    button { class: "button secondary", id: "lock-change",
                        onclick: move |_| { said.set(None); step.set(Step::Current { remove: false }); },
                        {tr.t("lock-change")}
                    }
                    button { class: "button secondary", id: "lock-remove",
                        onclick: move |_| { said.set(None); step.set(Step::Current { remove: true }); },
                        {tr.t("lock-remove")}
                    }
                } else {
                    button { class: "button", id: "lock-set",
                        onclick: move |_| { said.set(None); step.set(Step::Choose); },
                        {tr.t("lock-set")}
                    }
                }
            } else {
                // A new pad for each step, so no digit carries over from the one before.
                PinPad { key: "{pad}", id: if pad == "remove" { "lock-remove-pad" } else { "lock-settings-pad" }, prompt, submit_label: submit, onsubmit: pressed }
                button { class: "button secondary", id: "lock-cancel",
                    onclick: move |_| { said.set(None); step.set(Step::Idle); },
                    {tr.t("lock-cancel")}
                }
            }
        }
    }
}
