//! Our Voice (សំឡេងយើង), the citizen app. This is the starting screen over the real outbox
//! and sync engine; the full set of screens is built on top of it.
//!
//! Guarantees: the UI reads the outbox only through `ourvoice-outbox` and syncs only through
//! `ourvoice-sync`, never SQLite or HTTP directly; every string it shows comes from Fluent.

mod device;
mod i18n;

use dioxus::prelude::*;
use std::rc::Rc;

fn main() {
    dioxus::launch(App);
}

#[component]
fn App() -> Element {
    let lang = use_signal(|| i18n::Lang::Km);
    let device = use_hook(|| device::Device::start().map(Rc::new).map_err(Rc::new));
    let mut waiting = use_signal(|| None::<u64>);
    let watched = device.clone();
    use_future(move || {
        let device = watched.clone();
        async move {
            let Ok(device) = device else { return };
            let mut status = device.engine.subscribe();
            loop {
                waiting.set(device.outbox.counts().ok().map(|c| c.pending()));
                if status.changed().await.is_err() {
                    break;
                }
            }
        }
    });
    let tr = i18n::Translator::new(lang());
    rsx! {
        main { lang: lang().code(),
            h1 { {tr.text("app-title")} }
            p { {tr.text("app-tagline")} }
            p {
                match (&device, waiting()) {
                    (Err(_), _) => tr.text("error-storage"),
                    (Ok(_), Some(0)) => tr.text("sync-all-sent"),
                    (Ok(_), Some(count)) => tr.count("sync-waiting", count),
                    (Ok(_), None) => String::new(),
                }
            }
        }
    }
}
