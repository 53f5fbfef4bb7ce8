//! The citizen's photos and voice note. On the form: large buttons to take a photo (camera),
//! choose one (gallery) and record a voice note (up to two minutes), each prepared on the phone
//! before it is shown (upright, at most 1600 px, no metadata; the voice note checked and
//! stripped), with a way to remove each and to record again; on review, exactly what will be
//! sent; on an item's page, each one with where it stands ("Photo 2 of 3 — 45 %", waiting,
//! sending, received by the office, or why it could not be sent).
//!
//! Guarantees: what the form shows and plays is what will be sent (the bytes the phone's
//! processing returned, as a `data:` URI); a file that cannot be sent is refused with a message
//! in the citizen's language and nothing else on the form changes; a recording stops by itself
//! at [`MAX_VOICE_SECONDS`]; the microphone is asked for only when the citizen taps to record,
//! and let go as soon as the recording stops.

use base64::Engine;
use dioxus::prelude::*;
use ourvoice_media::{prepare_photo, prepare_voice, MediaError};
use ourvoice_outbox::{AttachmentProgress, StoredAttachment};
use ourvoice_protocol::{AttachmentKind, Code, MediaType, MAX_PHOTOS, MAX_VOICE_SECONDS};
use uuid::Uuid;

use super::Icon;
use crate::i18n::{Arg, Tr};
use crate::state::{data_uri, use_device, use_ui, Evidence};

/// The largest file the phone reads for a photo (a camera's full-size picture is far smaller).
const MAX_PICKED_BYTES: u64 = 40 * 1024 * 1024;

/// Base64 of a file's bytes, built a slice at a time (one call per byte would overflow the
/// stack): a script's function body, put before the scripts that send files to the app.
const BASE64_OF: &str = r#"
function base64Of(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
"#;

/// Installs, once per page, one listener for the photo inputs (`input[data-evidence]`): a file
/// chosen there is read and sent, as base64, to the latest form's channel
/// (`window.ourvoiceEvidenceSend`), or `too_large`. The input is emptied, so the same file can
/// be chosen again. Then keeps this channel open.
const WATCH_PHOTO_INPUTS: &str = r#"
window.ourvoiceEvidenceSend = (message) => dioxus.send(message);
if (!window.ourvoiceEvidenceWatched) {
  window.ourvoiceEvidenceWatched = true;
  document.addEventListener('change', async (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute('data-evidence')) return;
    const file = input.files && input.files[0];
    input.value = '';
    if (!file) return;
    if (file.size > MAX_PICKED_BYTES) { window.ourvoiceEvidenceSend('too_large'); return; }
    window.ourvoiceEvidenceSend('reading');
    window.ourvoiceEvidenceSend('photo:' + base64Of(new Uint8Array(await file.arrayBuffer())));
  }, true);
}
await new Promise(() => {});
"#;

/// Records from the microphone, compressed for speech (Opus in WebM or Ogg, else AAC in MP4),
/// until [`STOP_RECORDING`] runs or it reaches the longest voice note. Sends `recording` once it
/// has started, then `voice:<base64>`; or `denied` (no microphone, or not allowed) or
/// `unsupported`. It never waits on a message from the app: the liveview harness's
/// `dioxus.recv()` waits by spinning, which would stop the page.
const RECORD_VOICE: &str = r#"
let stream;
try { stream = await navigator.mediaDevices.getUserMedia({ audio: true }); }
catch (_) { dioxus.send('denied'); return; }
const types = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4'];
const mimeType = window.MediaRecorder && types.find((type) => MediaRecorder.isTypeSupported(type));
if (!mimeType) { stream.getTracks().forEach((track) => track.stop()); dioxus.send('unsupported'); return; }
const recorder = new MediaRecorder(stream, { mimeType, audioBitsPerSecond: 32000 });
const parts = [];
recorder.ondataavailable = (event) => { if (event.data && event.data.size) parts.push(event.data); };
const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
const stop = () => { if (recorder.state !== 'inactive') recorder.stop(); };
window.ourvoiceStopRecording = stop;
recorder.start(1000);
dioxus.send('recording');
const limit = setTimeout(stop, MAX_SECONDS * 1000);
await stopped;
clearTimeout(limit);
if (window.ourvoiceStopRecording === stop) delete window.ourvoiceStopRecording;
stream.getTracks().forEach((track) => track.stop());
dioxus.send('voice:' + base64Of(new Uint8Array(await new Blob(parts).arrayBuffer())));
"#;

/// Stops the recording that [`RECORD_VOICE`] started, if one is going.
const STOP_RECORDING: &str =
    "if (window.ourvoiceStopRecording) { window.ourvoiceStopRecording(); }";

/// What the citizen is told about the last file or recording that could not be added.
fn problem_key(error: MediaError) -> &'static str {
    match error {
        MediaError::NotMedia => "evidence-error-not-media",
        MediaError::TooLarge => "evidence-error-too-large",
        MediaError::Unreadable => "evidence-error-unreadable",
    }
}

/// Decodes what a script sent after `prefix`, and prepares it off the UI thread.
async fn prepared(
    base64_text: &str,
    prepare: fn(&[u8]) -> Result<ourvoice_media::Prepared, MediaError>,
) -> Result<Evidence, &'static str> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64_text)
        .map_err(|_| "evidence-error-unreadable")?;
    let result = tokio::task::spawn_blocking(move || prepare(&bytes))
        .await
        .map_err(|_| "evidence-error-unreadable")?;
    result.map(Evidence::new).map_err(problem_key)
}

/// Minutes and seconds, as a recording's clock shows them (`1:05`).
fn clock(tr: &Tr, seconds: u32) -> String {
    format!(
        "{}:{}{}",
        tr.num(u64::from(seconds / 60)),
        tr.num(u64::from(seconds % 60 / 10)),
        tr.num(u64::from(seconds % 10))
    )
}

/// The form's photos and voice note.
#[component]
pub fn EvidenceSection() -> Element {
    let mut ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let photos = ui.form.read().photos.clone();
    let voice = ui.form.read().voice.clone();
    let mut preparing = use_signal(|| false);
    let mut problem = use_signal(|| None::<&'static str>);
    let mut recording = use_signal(|| false);
    let mut seconds = use_signal(|| 0u32);

    use_future(move || async move {
        let script = format!("{BASE64_OF}{WATCH_PHOTO_INPUTS}")
            .replace("MAX_PICKED_BYTES", &MAX_PICKED_BYTES.to_string());
        let mut channel = document::eval(&script);
        while let Ok(message) = channel.recv::<String>().await {
            if message == "reading" {
                problem.set(None);
                preparing.set(true);
                continue;
            }
            let outcome = match message.strip_prefix("photo:") {
                Some(data) => prepared(data, prepare_photo).await,
                None => Err("evidence-error-too-large"),
            };
            preparing.set(false);
            match outcome {
                Ok(photo) => {
                    let mut form = ui.form.write();
                    if form.photos.len() < MAX_PHOTOS && !form.photos.contains(&photo) {
                        form.photos.push(photo);
                    }
                }
                Err(key) => problem.set(Some(key)),
            }
        }
    });

    let record = move |_| {
        problem.set(None);
        seconds.set(0);
        spawn(async move {
            let script = format!("{BASE64_OF}{RECORD_VOICE}")
                .replace("MAX_SECONDS", &MAX_VOICE_SECONDS.to_string());
            let mut channel = document::eval(&script);
            let mut ticking = None;
            while let Ok(message) = channel.recv::<String>().await {
                if message == "recording" {
                    recording.set(true);
                    ticking = Some(spawn(async move {
                        loop {
                            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                            seconds += 1;
                        }
                    }));
                    continue;
                }
                let outcome = match message.strip_prefix("voice:") {
                    Some(data) => prepared(data, prepare_voice).await,
                    None if message == "denied" => Err("evidence-error-microphone"),
                    None => Err("evidence-error-no-recorder"),
                };
                match outcome {
                    Ok(note) => ui.form.write().voice = Some(note),
                    Err(key) => problem.set(Some(key)),
                }
                break;
            }
            if let Some(task) = ticking {
                task.cancel();
            }
            recording.set(false);
        });
    };
    let stop = move |_| {
        document::eval(STOP_RECORDING);
    };
    let full = photos.len() >= MAX_PHOTOS;

    rsx! {
        section { class: "card", id: "evidence",
            h3 { {tr.t("evidence-title")} }
            p { class: "muted", {tr.t("evidence-hint")} }
            if !photos.is_empty() {
                ul { class: "evidence-photos", id: "evidence-photos",
                    for (index, photo) in photos.iter().enumerate() {
                        li { key: "{photo.sha256}",
                            img { src: "{photo.data_uri}", alt: tr.t_args("evidence-photo-alt", &[("n", Arg::Num(index as u64 + 1))]) }
                            button { class: "button secondary", id: "photo-remove-{index}",
                                onclick: move |_| { ui.form.write().photos.remove(index); },
                                Icon { name: "close" }
                                span { {tr.t("evidence-remove-photo")} }
                            }
                        }
                    }
                }
            }
            div { class: "evidence-buttons",
                label { class: if full { "button secondary evidence-pick disabled" } else { "button secondary evidence-pick" }, id: "photo-camera-label",
                    Icon { name: "camera" }
                    span { {tr.t("evidence-take-photo")} }
                    input { r#type: "file", class: "evidence-input", id: "photo-camera", accept: "image/*", "capture": "environment", "data-evidence": "photo", disabled: full }
                }
                label { class: if full { "button secondary evidence-pick disabled" } else { "button secondary evidence-pick" }, id: "photo-gallery-label",
                    Icon { name: "image" }
                    span { {tr.t("evidence-choose-photo")} }
                    input { r#type: "file", class: "evidence-input", id: "photo-gallery", accept: "image/jpeg,image/png,image/webp", "data-evidence": "photo", disabled: full }
                }
            }
            if full {
                p { class: "muted", id: "evidence-photos-full", {tr.t_args("evidence-photos-full", &[("max", Arg::Num(MAX_PHOTOS as u64))])} }
            }
            if preparing() {
                p { role: "status", id: "evidence-preparing", {tr.t("evidence-preparing")} }
            }
            if recording() {
                div { class: "evidence-recording", role: "status", id: "voice-recording",
                    span { class: "recording-dot", "aria-hidden": "true" }
                    span { {tr.t_args("evidence-recording", &[("time", Arg::Text(&clock(&tr, seconds()))), ("max", Arg::Text(&clock(&tr, MAX_VOICE_SECONDS)))])} }
                }
                button { class: "button", id: "voice-stop", onclick: stop,
                    Icon { name: "stop" }
                    span { {tr.t("evidence-stop")} }
                }
            } else if let Some(note) = voice {
                p { {tr.t("evidence-voice-ready")} }
                audio { id: "voice-playback", controls: true, src: "{note.data_uri}", "aria-label": tr.t("evidence-voice-play") }
                div { class: "evidence-buttons",
                    button { class: "button secondary", id: "voice-again", onclick: record,
                        Icon { name: "mic" }
                        span { {tr.t("evidence-record-again")} }
                    }
                    button { class: "button secondary", id: "voice-remove",
                        onclick: move |_| ui.form.write().voice = None,
                        Icon { name: "close" }
                        span { {tr.t("evidence-remove-voice")} }
                    }
                }
            } else {
                button { class: "button secondary evidence-pick", id: "voice-record", onclick: record,
                    Icon { name: "mic" }
                    span { {tr.t_args("evidence-record", &[("minutes", Arg::Num(u64::from(MAX_VOICE_SECONDS / 60)))])} }
                }
            }
            if let Some(key) = problem() {
                p { class: "field-error", role: "alert", id: "evidence-problem", "data-error": key,
                    Icon { name: "alert" }
                    span { {tr.t(key)} }
                }
            }
        }
    }
}

/// The photos and voice note as they will be sent, for the review step.
#[component]
pub fn EvidenceReview() -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let photos = ui.form.read().photos.clone();
    let voice = ui.form.read().voice.clone();
    if photos.is_empty() && voice.is_none() {
        return rsx! {};
    }
    rsx! {
        div { id: "review-evidence",
            if !photos.is_empty() {
                ul { class: "evidence-photos",
                    for (index, photo) in photos.iter().enumerate() {
                        li { key: "{photo.sha256}",
                            img { src: "{photo.data_uri}", alt: tr.t_args("evidence-photo-alt", &[("n", Arg::Num(index as u64 + 1))]) }
                        }
                    }
                }
            }
            if let Some(note) = voice {
                audio { id: "review-voice", controls: true, src: "{note.data_uri}", "aria-label": tr.t("evidence-voice-play") }
            }
        }
    }
}

/// The words for where an attachment stands, and the class of its pill.
fn progress_words(tr: &Tr, state: &AttachmentProgress) -> (String, &'static str) {
    match state {
        AttachmentProgress::Waiting => (tr.t("attachment-waiting"), "is-waiting"),
        AttachmentProgress::Sending => (tr.t("attachment-sending"), "is-sending"),
        AttachmentProgress::Received => (tr.t("attachment-received"), "is-received"),
        AttachmentProgress::Refused(refusal) => (
            format!(
                "{} {}",
                tr.t("attachment-refused"),
                tr.t(&refusal.fluent_key())
            ),
            "is-refused",
        ),
    }
}

/// An item's photos and voice note as stored on this phone, each with where its upload stands.
/// The pictures and the recording are read once from the phone's copy (checked against their
/// SHA-256); the progress moves with every snapshot of the outbox.
#[component]
pub fn AttachmentsProgress(attachments: Vec<StoredAttachment>) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let device = use_device();
    let ids: Vec<(Uuid, MediaType)> = attachments
        .iter()
        .map(|attachment| (attachment.id, attachment.media_type))
        .collect();
    let contents = use_resource(move || {
        let device = device.clone();
        let ids = ids.clone();
        async move {
            let Ok(device) = &device.0 else {
                return Vec::new();
            };
            ids.iter()
                .map(|(id, media_type)| {
                    let bytes = device.outbox.attachment_content(*id).ok()?;
                    Some(data_uri(*media_type, &bytes))
                })
                .collect::<Vec<_>>()
        }
    });
    let contents = contents.read().clone().unwrap_or_default();
    let photos = attachments
        .iter()
        .filter(|attachment| attachment.kind == AttachmentKind::Photo)
        .count();
    rsx! {
        section { class: "card", id: "attachments",
            h3 { {tr.t("evidence-title")} }
            ul { class: "attachment-list",
                for (index, attachment) in attachments.iter().enumerate() {
                    {
                        let (words, class) = progress_words(&tr, &attachment.state);
                        let percent = (attachment.acknowledged.min(attachment.bytes) * 100)
                            .checked_div(attachment.bytes)
                            .unwrap_or(0);
                        let moving = matches!(attachment.state, AttachmentProgress::Waiting | AttachmentProgress::Sending);
                        let name = match attachment.kind {
                            AttachmentKind::Photo => tr.t_args("attachment-photo", &[("n", Arg::Num(index as u64 + 1)), ("total", Arg::Num(photos as u64))]),
                            AttachmentKind::Voice => tr.t("attachment-voice"),
                        };
                        let source = contents.get(index).cloned().flatten();
                        let label = name.clone();
                        rsx! {
                            li { key: "{attachment.id}", class: "attachment", "data-attachment-state": class,
                                if let Some(source) = source {
                                    if attachment.kind == AttachmentKind::Photo {
                                        img { src: "{source}", alt: "{label}" }
                                    } else {
                                        audio { controls: true, src: "{source}", "aria-label": "{label}" }
                                    }
                                }
                                div { class: "grow",
                                    strong { {name} }
                                    if moving {
                                        span { class: "muted", " — " {tr.t_args("attachment-percent", &[("percent", Arg::Num(percent))])} }
                                    }
                                    p { class: "attachment-state {class}", {words} }
                                    if moving {
                                        progress { max: "100", value: "{percent}", "aria-label": "{label}" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
