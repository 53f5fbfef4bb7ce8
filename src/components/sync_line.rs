//! The sync line on the home screen: "Offline — 3 waiting to send", "Sending 2 of 5…",
//! "All sent". It tells the truth about the outbox: counts come from the sync engine's latest
//! snapshot of it (refreshed whenever the engine or the UI changed it), not from memory, and
//! nothing is read from the database while it renders. While something waits, a "Send now"
//! button for everyone.

use dioxus::prelude::*;
use ourvoice_sync::{SyncPhase, SyncProblem};

use super::Icon;
use crate::i18n::{Arg, Tr};
use crate::state::{use_device, use_ui};

#[component]
pub fn SyncLine() -> Element {
    let ui = use_ui();
    let device = use_device();
    let tr = Tr::new((ui.lang)());
    if device.0.is_err() {
        return rsx! { p { class: "sync-line problem", role: "status", {tr.t("sync-storage-problem")} } };
    };
    let status = (ui.sync)();
    // Anyone holding the phone may ask for what waits to be sent now (the engine also retries
    // by itself); not while a round is sending.
    let waiting = status.counts.is_some_and(|counts| counts.pending() > 0)
        && !matches!(status.phase, SyncPhase::Sending { .. });
    let (class, icon, text) = match (status.counts, status.phase) {
        (None, _) => ("sync-line problem", "alert", tr.t("sync-storage-problem")),
        (Some(_), SyncPhase::Sending { done, total }) if total > 0 => (
            "sync-line",
            "sync",
            tr.t_args(
                "sync-sending",
                &[
                    ("done", Arg::Num((done + 1).min(total))),
                    ("total", Arg::Num(total)),
                ],
            ),
        ),
        (Some(counts), _)
            if counts.pending() == 0
                && counts.accepted + counts.rejected + counts.conflict == 0 =>
        {
            ("sync-line", "empty", tr.t("sync-nothing-yet"))
        }
        (Some(counts), _) if counts.pending() == 0 => ("sync-line", "check", tr.t("sync-all-sent")),
        (Some(counts), _) => {
            let count = [("count", Arg::Num(counts.pending()))];
            match status.problem {
                Some(SyncProblem::Offline) => (
                    "sync-line waiting",
                    "cloud-off",
                    tr.t_args("sync-offline-waiting", &count),
                ),
                Some(SyncProblem::ServerUnavailable) => (
                    "sync-line waiting",
                    "cloud-off",
                    tr.t_args("sync-server-busy", &count),
                ),
                Some(SyncProblem::UpdateNeeded) => (
                    "sync-line problem",
                    "alert",
                    tr.t_args("sync-update-needed", &count),
                ),
                Some(SyncProblem::Storage) => {
                    ("sync-line problem", "alert", tr.t("sync-storage-problem"))
                }
                None => (
                    "sync-line waiting",
                    "sync",
                    tr.t_args("sync-waiting", &count),
                ),
            }
        }
    };
    rsx! {
        p { class: "{class}", role: "status", "aria-live": "polite", id: "sync-line",
            Icon { name: icon }
            span { {text} }
        }
        if waiting {
            button { class: "button secondary", id: "send-now",
                onclick: move |_| { if let Ok(device) = &device.0 { device.engine.kick(); } },
                Icon { name: "sync", size: 22 } " " {tr.t("sync-send-now")}
            }
        }
    }
}
