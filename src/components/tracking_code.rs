//! The tracking code as a citizen keeps and passes it on: large, in groups of four that break
//! only between groups, spelled out symbol by symbol for screen readers, with a note that it
//! has no O, I, 0 or 1, and buttons that copy it and share it (where the phone has no share
//! sheet, sharing copies it and says to paste it into a message).
//!
//! Guarantees: what is copied or shared is exactly the code (in a sentence that says what it
//! is, for sharing); the result is said in words (copied, or how to keep it otherwise).

use dioxus::prelude::*;
use ourvoice_protocol::TrackingCode;

use super::Icon;
use crate::i18n::Tr;
use crate::state::use_ui;

/// What the page's clipboard or share sheet did, as the script reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Copied,
    NotCopied,
    Shared,
}

/// Copies `text` to the clipboard (the older `execCommand` where the clipboard API is
/// refused): a script's function body.
const COPY_TEXT: &str = r#"
async function copyText(text) {
  try { await navigator.clipboard.writeText(text); return true; } catch (_) {}
  try {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    const copied = document.execCommand('copy'); area.remove(); return copied;
  } catch (_) { return false; }
}
"#;

/// Copies the text it is sent; answers `copied` or `failed`.
const COPY: &str = r#"
const text = await dioxus.recv();
return (await copyText(text)) ? 'copied' : 'failed';
"#;

/// Opens the phone's share sheet with the text it is sent, or copies it where there is none;
/// answers `shared`, `cancelled`, `copied` or `failed`.
const SHARE: &str = r#"
const text = await dioxus.recv();
if (typeof navigator.share === 'function') {
  try { await navigator.share({ text }); return 'shared'; }
  catch (e) { if (e && e.name === 'AbortError') return 'cancelled'; }
}
return (await copyText(text)) ? 'copied' : 'failed';
"#;

/// Runs `script` with `text` and reads what it answered.
async fn run(script: &str, text: String) -> Option<Outcome> {
    let eval = document::eval(&format!("{COPY_TEXT}{script}"));
    if eval.send(text).is_err() {
        return Some(Outcome::NotCopied);
    }
    match eval.join::<String>().await.as_deref() {
        Ok("copied") => Some(Outcome::Copied),
        Ok("shared") => Some(Outcome::Shared),
        Ok("cancelled") => None,
        _ => Some(Outcome::NotCopied),
    }
}

/// The code symbol by symbol, groups apart: "O V, 7 K 3 M, Q 9 T X, A 4 D E".
fn spelled(code: &TrackingCode) -> String {
    let groups: Vec<String> = std::iter::once("OV")
        .chain(code.groups())
        .map(|group| {
            group
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    groups.join(", ")
}

#[component]
pub fn TrackingCodeBox(code: TrackingCode, id: &'static str) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let mut outcome = use_signal(|| None::<Outcome>);
    let copy_code = code.clone();
    let copy = move |_| {
        let code = copy_code.to_string();
        spawn(async move { outcome.set(run(COPY, code).await) });
    };
    let share_text = tr.t_args(
        "code-share-text",
        &[("code", crate::i18n::Arg::Text(code.as_str()))],
    );
    let share = move |_| {
        let text = share_text.clone();
        spawn(async move { outcome.set(run(SHARE, text).await) });
    };
    let groups = code.groups();
    let said = match outcome() {
        Some(Outcome::Copied) => Some(tr.t("code-copied")),
        Some(Outcome::NotCopied) => Some(tr.t("code-not-copied")),
        Some(Outcome::Shared) => Some(tr.t("code-shared")),
        None => None,
    };
    rsx! {
        div { class: "code-box",
            // Seen: the groups, broken only between them. Heard: symbol by symbol.
            p { class: "code", id, lang: "en", "aria-hidden": "true",
                span { "OV-" }
                for (index, group) in groups.iter().enumerate() {
                    span { key: "{index}", class: "code-group",
                        "{group}"
                        if index + 1 < groups.len() { "-" }
                    }
                }
            }
            p { class: "sr-only", lang: "en", {spelled(&code)} }
            p { class: "muted", {tr.t("code-no-confusion")} }
            div { class: "row-buttons",
                button { class: "button secondary", id: "copy-code", onclick: copy,
                    Icon { name: "copy" }
                    span { {tr.t("code-copy")} }
                }
                button { class: "button secondary", id: "share-code", onclick: share,
                    Icon { name: "share" }
                    span { {tr.t("code-share")} }
                }
            }
            if let Some(said) = said {
                p { role: "status", id: "code-outcome", {said} }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_spelled_symbol_by_symbol_in_groups() {
        let code = TrackingCode::parse("OV-7K3M-Q9TX-A4DE").unwrap();
        assert_eq!(spelled(&code), "O V, 7 K 3 M, Q 9 T X, A 4 D E");
    }
}
