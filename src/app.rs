//! The root component: sets up the UI state (language and first screen from the device's
//! settings), feeds views the sync engine's snapshots as it reports them, listens to the system's events
//! (foreground, connectivity, the Android back button; `platform`), keeps the page's language
//! (`<html lang>`) the citizen's, and shows the current screen, or only the lock screen while
//! the app lock is closed (at start when a PIN is set, and after a while in the background).

use dioxus::prelude::*;
use ourvoice_protocol::Lang;
use std::sync::Arc;

use crate::components::StorageProblem;
use crate::i18n::Tr;
use crate::state::{DeviceContext, FormState, Screen, Ui};
use crate::style::STYLESHEET;
use crate::views::*;

#[component]
pub fn App() -> Element {
    let device = use_context::<DeviceContext>();
    let ui = use_context_provider(|| {
        // An unreadable setting is said at once (above the first screen), not taken as unset.
        let mut unreadable = None;
        let mut setting = |key: &str| match &device.0 {
            Ok(d) => d.outbox.setting(key).unwrap_or_else(|error| {
                eprintln!("storage: {error}");
                unreadable = Some("error-storage-read");
                None
            }),
            Err(_) => None,
        };
        let lang = setting("lang")
            .as_deref()
            .and_then(Lang::from_code)
            .unwrap_or(Lang::Km);
        let first = if setting("privacy_seen").is_some() {
            Screen::Home
        } else {
            Screen::Welcome
        };
        // With a PIN the app opens locked; a storage that cannot say whether there is one
        // opens locked too (the lock screen then says the storage cannot be read).
        let locked = match &device.0 {
            Ok(d) => d.outbox.has_pin().unwrap_or_else(|error| {
                eprintln!("storage: {error}");
                true
            }),
            Err(_) => false,
        };
        Ui {
            lang: Signal::new(lang),
            stack: Signal::new(vec![first]),
            form: Signal::new(FormState::default()),
            errors: Signal::new(Vec::new()),
            tick: Signal::new(0),
            sync: Signal::new(
                device
                    .0
                    .as_ref()
                    .map(|d| d.engine.refresh())
                    .unwrap_or_default(),
            ),
            storage_error: Signal::new(unreadable),
            locked: Signal::new(locked),
            away_since: Signal::new(None),
        }
    });
    let watched = device.clone();
    use_future(move || {
        let device = watched.clone();
        let mut ui = ui;
        async move {
            let Ok(device) = device.0 else { return };
            let mut status = device.engine.subscribe();
            while status.changed().await.is_ok() {
                let snapshot = status.borrow_and_update().clone();
                ui.sync.set(snapshot);
                ui.changed();
            }
        }
    });
    crate::platform::use_system_events(ui, device.0.as_ref().ok().map(|d| Arc::clone(&d.engine)));
    // The page's language, for screen readers' voices: set at start and by every switch.
    use_effect(move || {
        let code = (ui.lang)().code();
        document::eval(&format!("document.documentElement.lang = '{code}';"));
    });
    let lang = (ui.lang)();
    let locked = (ui.locked)();
    let screen = ui.screen();
    let shown = if locked {
        "Lock".to_string()
    } else {
        format!("{screen:?}")
    };
    rsx! {
        document::Meta { name: "viewport", content: "width=device-width, initial-scale=1" }
        document::Title { {Tr::new(lang).t("app-title")} }
        style { {STYLESHEET.as_str()} }
        div { class: "app", lang: lang.code(), "data-screen": "{shown}",
            StorageProblem {}
            if locked {
                LockView {}
            } else {
                {screen_view(screen)}
            }
        }
    }
}

/// The view of one screen (the lock screen aside).
fn screen_view(screen: Screen) -> Element {
    rsx! {
            match screen {
                Screen::Welcome => rsx! { WelcomeView {} },
                Screen::Privacy => rsx! { PrivacyView {} },
                Screen::Home => rsx! { HomeView {} },
                Screen::Place => rsx! { PlaceView {} },
                Screen::Form => rsx! { FormView {} },
                Screen::Review => rsx! { ReviewView {} },
                Screen::Confirmation(id) => rsx! { ConfirmationView { key: "{id}", id } },
                Screen::Feedback => rsx! { FeedbackView {} },
                Screen::Detail(id) => rsx! { DetailView { key: "{id}", id } },
                Screen::Settings => rsx! { SettingsView {} },
                Screen::Scorecard(office) => rsx! { ScorecardView { key: "{office}", office } },
            }
    }
}
