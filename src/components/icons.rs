//! Icons drawn inline as SVG: they carry meaning without reading and need no image files.

use dioxus::prelude::*;
use ourvoice_protocol::Kind;

/// One icon by name; decorative (hidden from screen readers: the text next to it says it).
#[component]
pub fn Icon(name: &'static str, #[props(default = 28)] size: u32) -> Element {
    let path = match name {
        "back" => "M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20v-2z",
        "list" => "M4 6h2v2H4zm4 0h12v2H8zM4 11h2v2H4zm4 0h12v2H8zm-4 5h2v2H4zm4 0h12v2H8z",
        "settings" => "M19.4 13a7.7 7.7 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.7 7.7 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.6 7.6 0 0 0 1.7 1L11 21h4l.4-2.9a7.6 7.6 0 0 0 1.7-1l2.5 1 2-3.5L19.4 13zM13 15.5A3.5 3.5 0 1 1 13 8.5a3.5 3.5 0 0 1 0 7z",
        "cloud-off" => "M19.4 10A7.5 7.5 0 0 0 5.3 7.6L3.4 5.7 2 7.1l2.4 2.4A5 5 0 0 0 6 19h11.2l2.1 2.1 1.4-1.4L4.8 3.8 19.4 10zM19.4 10a5 5 0 0 1 2.4 8.8L9 6a7.5 7.5 0 0 1 10.4 4z",
        "check" => "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2z",
        // a phone: kept on this phone, not sent yet
        "phone" => "M16 1H8a3 3 0 0 0-3 3v16a3 3 0 0 0 3 3h8a3 3 0 0 0 3-3V4a3 3 0 0 0-3-3zm1 19a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h8a1 1 0 0 1 1 1v16zm-5-3a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4z",
        // a cross: leave this screen
        "close" => "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z",
        // an empty ring: nothing yet, nothing done
        "empty" => "M12 4a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm0 2a6 6 0 1 1 0 12 6 6 0 0 1 0-12z",
        "sync" => "M12 4V1L8 5l4 4V6a6 6 0 0 1 5.7 7.9l1.5 1.5A8 8 0 0 0 12 4zm0 14a6 6 0 0 1-5.7-7.9L4.8 8.6A8 8 0 0 0 12 20v3l4-4-4-4v3z",
        // two sheets: copy
        "copy" => "M16 1H4a2 2 0 0 0-2 2v14h2V3h12V1zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11v14z",
        // three joined dots: share
        "share" => "M18 16.1c-.8 0-1.4.3-2 .8l-7.1-4.2a3 3 0 0 0 0-1.4L16 7.2a3 3 0 1 0-1-2.2c0 .2 0 .5.1.7L8 9.8a3 3 0 1 0 0 4.4l7.1 4.2-.1.6a2.9 2.9 0 1 0 3-2.9z",
        // a handset: the office's telephone
        "call" => "M6.6 10.8a15.2 15.2 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.6 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.6 3.6a1 1 0 0 1-.25 1l-2.2 2.2z",
        // a clock: opening hours, deadlines
        "clock" => "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7V7z",
        // a question mark in a bubble: the office asks something
        "ask" => "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 17h-2v-2h2v2zm2.1-7.7-.9.9c-.7.7-1.2 1.3-1.2 2.8h-2v-.5c0-1.1.4-2.1 1.2-2.8l1.2-1.3a2 2 0 1 0-3.4-1.4H7a4 4 0 1 1 8.1 2.3z",
        // a speech bubble: the office answered
        "speech" => "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zM6 9h12v2H6V9zm8 5H6v-2h8v2zm4-6H6V6h12v2z",
        // a closed folder: nothing more is done
        "closed" => "M20 6h-8l-2-2H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2zm-2.5 10.2-1.4 1.4L10 11.5l1.4-1.4 6.1 6.1z",
        "alert" => "M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z",
        "place" => "M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z",
        "search" => "M15.5 14h-.8l-.3-.3A6.5 6.5 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16a6.5 6.5 0 0 0 4.2-1.6l.3.3v.8l5 5 1.5-1.5-5-5zm-6 0A4.5 4.5 0 1 1 14 9.5 4.5 4.5 0 0 1 9.5 14z",
        "chevron" => "M8.6 16.6 13.2 12 8.6 7.4 10 6l6 6-6 6z",
        "logo" => "M12 2a4 4 0 0 0-4 4v6a4 4 0 0 0 8 0V6a4 4 0 0 0-4-4zm7 10h-2a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V22h2v-3.1a7 7 0 0 0 6-6.9z",
        // a padlock: the app lock
        "lock" => "M18 8h-1V6A5 5 0 0 0 7 6v2H6a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V10a2 2 0 0 0-2-2zm-6 9a2 2 0 1 1 0-4 2 2 0 0 1 0 4zm3.1-9H8.9V6a3.1 3.1 0 0 1 6.2 0v2z",
        // a key with a cross: delete the last digit
        "backspace" => "M22 3H7c-.7 0-1.2.4-1.6.9L0 12l5.4 8.1c.4.5.9.9 1.6.9h15a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm-3 12.6L17.6 17 14 13.4 10.4 17 9 15.6 12.6 12 9 8.4 10.4 7 14 10.6 17.6 7 19 8.4 15.4 12z",
        // an eye struck through: hidden on this phone
        "hidden" => "M12 7a5 5 0 0 1 5 5c0 .6-.1 1.3-.4 1.8l2.9 2.9A11.8 11.8 0 0 0 23 12a11.8 11.8 0 0 0-14.8-6.6l2.2 2.2c.5-.4 1-.6 1.6-.6zM2 4.3l2.7 2.7A11.8 11.8 0 0 0 1 12a11.8 11.8 0 0 0 15.1 6.6l3.2 3.2 1.4-1.4L3.4 2.9 2 4.3zm5.5 5.5 1.6 1.6a3 3 0 0 0 3.5 3.5l1.6 1.6A5 5 0 0 1 7.5 9.8z",
        "camera" => "M9 3 7.2 5H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9zm3 15a5 5 0 1 1 0-10 5 5 0 0 1 0 10zm0-2a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
        "image" => "M21 19V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2zM8.5 13.5l2.5 3 3.5-4.5 4.5 6H5l3.5-4.5z",
        "mic" => "M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5.3-3a5.3 5.3 0 0 1-10.6 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9h-1.7z",
        "stop" => "M6 6h12v12H6z",
        // three bars: how an office answers (its scorecard)
        "chart" => "M4 20h4v-9H4v9zm6 0h4V4h-4v16zm6 0h4v-6h-4v6z",
        _ => "M4 4h16v16H4z",
    };
    rsx! { Svg { path, size, name } }
}

/// The icon of a kind of feedback.
#[component]
pub fn KindIcon(kind: Kind, #[props(default = 28)] size: u32) -> Element {
    let path = match kind {
        // megaphone
        Kind::Complaint => "M3 10v4a1 1 0 0 0 1 1h2l4 4V5L6 9H4a1 1 0 0 0-1 1zm13.5 2A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z",
        // two hands
        Kind::Support => "M12 21s-7-4.4-9.3-9A5.2 5.2 0 0 1 12 6.3 5.2 5.2 0 0 1 21.3 12C19 16.6 12 21 12 21z",
        // i in a circle
        Kind::Information => "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2v6zm0-8h-2V7h2v2z",
        // star
        Kind::Evaluation => "M12 17.3l6.2 3.7-1.6-7 5.4-4.7-7.1-.6L12 2 9.1 8.7 2 9.3l5.4 4.7-1.6 7z",
    };
    rsx! { Svg { path, size, name: kind.as_str() } }
}

/// The drawing, named by `data-icon` (what the tests look for).
#[component]
fn Svg(path: &'static str, size: u32, name: &'static str) -> Element {
    rsx! {
        svg { width: "{size}", height: "{size}", view_box: "0 0 24 24", fill: "currentColor", "aria-hidden": "true", "data-icon": name,
            path { d: path }
        }
    }
}
