//! What differs between Android, iOS and the testers' desktop build, each behind
//! `cfg(target_os = …)` with a desktop fallback: where the app keeps its data, which server
//! addresses a build may use, the native window's configuration, and the system's events that
//! matter to the app (coming to the foreground, connectivity returning, the Android back button).
//!
//! Guarantees:
//! - the data folder is app-private on phones (Android: the app's own `files` folder under
//!   `/data/user/<user>/<package>`; iOS: `Library/Application Support` in the app's container);
//! - a release build for a phone talks only HTTPS; plain HTTP is for debug builds and the
//!   desktop build (a testers' local server);
//! - coming to the foreground and a network coming up kick the sync engine, nothing more: the UI
//!   still reaches SQLite and HTTP only through the outbox and the engine;
//! - the Android back button pops the UI's screen stack (`Ui::back`) and is handed back to the
//!   system only when there is no screen to go back to, or the app is locked;
//! - with an app lock PIN set, coming back after [`RELOCK_AFTER`] or more in the background
//!   (where the page is told: the web view's `visibilitychange`) closes the lock again;
//! - on iOS the data folder is marked excluded from iCloud and computer backups
//!   (`NSURLIsExcludedFromBackupKey`), as Android's `allowBackup="false"` does there.

use dioxus::prelude::*;
use ourvoice_sync::SyncEngine;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::state::Ui;

/// Release builds for phones accept only `https://` servers (App Transport Security on iOS,
/// the network security configuration on Android, and this check for the app's own HTTP client,
/// which neither of those covers).
pub const HTTPS_ONLY: bool =
    cfg!(any(target_os = "android", target_os = "ios")) && !cfg!(debug_assertions);

/// Whether this build has the testers' section (another server, database counts): development
/// builds only. On a shared phone, whoever holds it must not be able to point the app at
/// another server; everyone has "Send now" on the home screen instead.
pub const TESTERS_SECTION: bool = cfg!(debug_assertions);

/// Whether this build may send to `url`.
pub fn server_allowed(url: &str) -> bool {
    server_allowed_when(url, HTTPS_ONLY)
}

/// Whether `url` is a server address at all, and a secure one when `https_only`.
pub fn server_allowed_when(url: &str, https_only: bool) -> bool {
    let url = url.trim();
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        if https_only {
            return false;
        }
        rest
    } else {
        return false;
    };
    !rest.is_empty() && !rest.starts_with('/') && !rest.contains(char::is_whitespace)
}

/// Where this device keeps its outbox: `OURVOICE_DATA` when set (tests, testers), else the
/// platform's app-private data folder.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("OURVOICE_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => platform_data_dir(),
    }
}

#[cfg(target_os = "android")]
fn platform_data_dir() -> PathBuf {
    use std::os::unix::fs::MetadataExt;
    // The app's process is named after its package, and /proc/self belongs to the app's uid.
    let cmdline = std::fs::read("/proc/self/cmdline").unwrap_or_default();
    let uid = std::fs::metadata("/proc/self").map(|m| m.uid()).ok();
    uid.and_then(|uid| android_files_dir(&String::from_utf8_lossy(&cmdline), uid))
        // Never reached for an installed app; keeps the outbox inside the app's reach anyway.
        .unwrap_or_else(|| PathBuf::from("/data/local/tmp/ourvoice"))
}

#[cfg(target_os = "ios")]
fn platform_data_dir() -> PathBuf {
    // iOS sets HOME to the app's own container.
    let home = std::env::var_os("HOME").map(PathBuf::from);
    ios_data_dir(home.as_deref().unwrap_or_else(|| Path::new(".")))
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn platform_data_dir() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    desktop_data_dir(
        std::env::var_os("XDG_DATA_HOME").map(PathBuf::from),
        home.as_deref(),
    )
}

/// Android: the app's private `files` folder, from the process name (the package, possibly
/// followed by `:process`) and the uid (user number × 100000 + app number).
pub fn android_files_dir(cmdline: &str, uid: u32) -> Option<PathBuf> {
    let process = cmdline.split('\0').next().unwrap_or("");
    let package = process.split(':').next().unwrap_or("");
    let valid = package.contains('.')
        && package.split('.').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    valid.then(|| {
        PathBuf::from(format!("/data/user/{}", uid / 100_000))
            .join(package)
            .join("files")
    })
}

/// iOS: `Library/Application Support/ourvoice` in the app's container (not shared with other
/// apps, not shown in the Files app).
pub fn ios_data_dir(home: &Path) -> PathBuf {
    home.join("Library/Application Support/ourvoice")
}

/// Desktop: `$XDG_DATA_HOME/ourvoice`, else `~/.local/share/ourvoice`.
pub fn desktop_data_dir(xdg_data_home: Option<PathBuf>, home: Option<&Path>) -> PathBuf {
    xdg_data_home
        .or_else(|| home.map(|h| h.join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("ourvoice")
}

/// The native shell's events, as far as the app cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemEvent {
    /// The app came to the foreground (or its window got the focus on desktop).
    Foreground,
    /// A network connection came up.
    Online,
    /// The Android back button.
    Back,
    /// The app went to the background (the page was hidden).
    Background,
}

impl SystemEvent {
    /// The event named by the page's listeners (see [`PAGE_LISTENERS`]).
    pub fn from_page(name: &str) -> Option<SystemEvent> {
        match name {
            "foreground" => Some(SystemEvent::Foreground),
            "online" => Some(SystemEvent::Online),
            "back" => Some(SystemEvent::Back),
            "background" => Some(SystemEvent::Background),
            _ => None,
        }
    }
}

/// How long the app may stay in the background before, with a PIN set, it is locked again.
pub const RELOCK_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// What the app does about an event. Returns false for a back press the app did not use, which
/// then belongs to the system (also every back press while the app is locked).
pub fn handle(event: SystemEvent, ui: &mut Ui, engine: Option<&SyncEngine>) -> bool {
    match event {
        SystemEvent::Foreground | SystemEvent::Online => {
            if let Some(engine) = engine {
                engine.kick();
            }
            if event == SystemEvent::Foreground {
                let away = (ui.away_since)();
                ui.away_since.set(None);
                if away.is_some_and(|since| since.elapsed() >= RELOCK_AFTER)
                    && engine.is_some_and(|engine| engine.outbox().has_pin().unwrap_or(true))
                {
                    ui.locked.set(true);
                }
            }
            true
        }
        SystemEvent::Background => {
            if (ui.away_since)().is_none() {
                ui.away_since.set(Some(std::time::Instant::now()));
            }
            true
        }
        SystemEvent::Back => !(ui.locked)() && ui.back(),
    }
}

/// Installed in the page once: reports the page becoming visible or hidden, the network coming up (the
/// web view's own `online` event, and `ourvoice-online` from Android's connectivity callback
/// in android/MainActivity.kt), and the back button (MainActivity calls `ourvoiceBack`).
pub const PAGE_LISTENERS: &str = r#"
const report = (what) => dioxus.send(what);
window.ourvoiceBack = () => report("back");
window.addEventListener("online", () => report("online"));
window.addEventListener("ourvoice-online", () => report("online"));
document.addEventListener("visibilitychange", () => {
  report(document.visibilityState === "visible" ? "foreground" : "background");
});
await new Promise(() => {});
"#;

/// Hands a back press the app did not use to the system (Android: leaves the app as Back
/// does everywhere else). Elsewhere there is no system back button to hand it to.
fn system_back() {
    #[cfg(target_os = "android")]
    {
        let _ = document::eval("window.OurVoiceAndroid && window.OurVoiceAndroid.systemBack()");
    }
}

/// Listens to the system's events for as long as the root component lives.
pub fn use_system_events(ui: Ui, engine: Option<Arc<SyncEngine>>) {
    use_future(move || {
        let engine = engine.clone();
        let mut ui = ui;
        async move {
            let mut page = document::eval(PAGE_LISTENERS);
            while let Ok(name) = page.recv::<String>().await {
                if let Some(event) = SystemEvent::from_page(&name) {
                    if !handle(event, &mut ui, engine.as_deref()) {
                        system_back();
                    }
                }
            }
        }
    });
}

#[cfg(any(feature = "desktop", feature = "mobile"))]
pub mod native {
    //! The native shell (tao/wry) of phones and the desktop build: the window's configuration
    //! and the shell's lifecycle events.

    #[cfg(feature = "desktop")]
    use dioxus::desktop as shell;
    #[cfg(all(feature = "mobile", not(feature = "desktop")))]
    use dioxus::mobile as shell;

    use ourvoice_sync::SyncEngine;
    use shell::tao::event::{Event, WindowEvent};
    use shell::Config;
    use std::sync::Arc;

    /// Whether a shell event means the app came to the foreground: `Resumed` on Android
    /// (`onResume`) and iOS (became active); the window getting the focus on desktop.
    pub fn is_foreground<T>(event: &Event<'_, T>) -> bool {
        match event {
            Event::Resumed => true,
            Event::WindowEvent {
                event: WindowEvent::Focused(focused),
                ..
            } => *focused && cfg!(not(any(target_os = "android", target_os = "ios"))),
            _ => false,
        }
    }

    /// The shell's configuration: on desktop a phone-sized window without a menu; everywhere, a
    /// handler that kicks the sync engine when the app comes to the foreground.
    pub fn config(engine: Option<Arc<SyncEngine>>) -> Config {
        let config = Config::new().with_custom_event_handler(move |event, _| {
            if is_foreground(event) {
                if let Some(engine) = &engine {
                    engine.kick();
                }
            }
        });
        #[cfg(not(any(target_os = "android", target_os = "ios")))]
        let config = {
            use shell::{LogicalSize, WindowBuilder};
            let window = WindowBuilder::new()
                .with_title("Our Voice — សំឡេងយើង")
                .with_inner_size(LogicalSize::new(400.0, 820.0));
            config.with_window(window).with_menu(None)
        };
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_phone_builds_accept_only_https() {
        let check = |url: &str, https_only: bool, expect: bool| {
            assert_eq!(
                server_allowed_when(url, https_only),
                expect,
                "{url} https_only={https_only}"
            );
        };
        check("https://ourvoice.example.org", true, true);
        check("https://ourvoice.example.org/", false, true);
        check("http://10.0.2.2:8080", true, false);
        check("http://127.0.0.1:8080", false, true);
        check("ftp://ourvoice.example.org", false, false);
        check("https://", false, false);
        check("https:///path", false, false);
        check("https://a b", false, false);
        check("127.0.0.1:8080", false, false);
    }

    #[test]
    fn android_data_folder_is_the_apps_own() {
        let check = |cmdline: &str, uid: u32, expect: Option<&str>| {
            assert_eq!(
                android_files_dir(cmdline, uid),
                expect.map(PathBuf::from),
                "{cmdline:?} {uid}"
            );
        };
        check(
            "org.ourvoice.app\0",
            10_123,
            Some("/data/user/0/org.ourvoice.app/files"),
        );
        check(
            "org.ourvoice.app:sync\0",
            1_010_123,
            Some("/data/user/10/org.ourvoice.app/files"),
        );
        check(
            "org.ourvoice.app",
            10_123,
            Some("/data/user/0/org.ourvoice.app/files"),
        );
        check("", 10_123, None);
        check("/system/bin/app_process\0", 10_123, None);
        check("ourvoice\0", 10_123, None);
        check("org..app\0", 10_123, None);
    }

    #[test]
    fn ios_and_desktop_data_folders() {
        assert_eq!(
            ios_data_dir(Path::new("/var/mobile/Containers/Data/Application/ABC")),
            PathBuf::from(
                "/var/mobile/Containers/Data/Application/ABC/Library/Application Support/ourvoice"
            )
        );
        assert_eq!(
            desktop_data_dir(Some(PathBuf::from("/x")), Some(Path::new("/home/a"))),
            PathBuf::from("/x/ourvoice")
        );
        assert_eq!(
            desktop_data_dir(None, Some(Path::new("/home/a"))),
            PathBuf::from("/home/a/.local/share/ourvoice")
        );
        assert_eq!(desktop_data_dir(None, None), PathBuf::from("./ourvoice"));
    }

    #[test]
    fn page_events_are_named() {
        assert_eq!(SystemEvent::from_page("back"), Some(SystemEvent::Back));
        assert_eq!(SystemEvent::from_page("online"), Some(SystemEvent::Online));
        assert_eq!(
            SystemEvent::from_page("foreground"),
            Some(SystemEvent::Foreground)
        );
        assert_eq!(
            SystemEvent::from_page("background"),
            Some(SystemEvent::Background)
        );
        assert_eq!(SystemEvent::from_page("resize"), None);
        for name in ["\"back\"", "\"online\"", "\"foreground\"", "\"background\""] {
            assert!(
                PAGE_LISTENERS.contains(name),
                "the page never reports {name}"
            );
        }
    }

    #[cfg(any(feature = "desktop", feature = "mobile"))]
    #[test]
    fn resuming_counts_as_coming_to_the_foreground() {
        #[cfg(feature = "desktop")]
        use dioxus::desktop::tao::event::{Event, StartCause};
        #[cfg(all(feature = "mobile", not(feature = "desktop")))]
        use dioxus::mobile::tao::event::{Event, StartCause};
        assert!(native::is_foreground(&Event::<()>::Resumed));
        assert!(!native::is_foreground(&Event::<()>::Suspended));
        assert!(!native::is_foreground(&Event::<()>::NewEvents(
            StartCause::Poll
        )));
    }
}
