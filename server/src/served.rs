//! A kept photo or voice note as an HTTP answer, for every front door that serves one (the
//! console to the handling office, Open311 to the public for a published photo).
//!
//! Guarantees: the answer carries the type the content was checked to have, never one sniffed
//! by the browser (`nosniff`), is shown inline under a name the server made (the item's
//! number, the kind, the start of the attachment's id), and says how it may be cached.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ourvoice_protocol::{Code, MediaType};

use crate::store::attachments::Kept;

/// The name of an attachment's copy: the item's number, the kind, the start of its id, and
/// the extension of `media_type` (`small` for a thumbnail).
pub fn file_name(number: i64, kept: &Kept, media_type: MediaType, small: bool) -> String {
    let extension = match media_type {
        MediaType::Jpeg => "jpg",
        MediaType::Png => "png",
        MediaType::Webp => "webp",
        MediaType::Ogg => "ogg",
        MediaType::Webm => "webm",
        MediaType::Mp4 => "m4a",
    };
    let small = if small { "-small" } else { "" };
    format!(
        "item-{number}-{}-{}{small}.{extension}",
        kept.kind.as_str(),
        &kept.id.simple().to_string()[..8]
    )
}

/// A kept copy as an answer: its true type, shown inline under `name`, never sniffed, cached
/// as `cache` says.
pub fn kept_copy(
    bytes: bytes::Bytes,
    media_type: MediaType,
    name: &str,
    cache: &'static str,
) -> Response {
    let mut response = (StatusCode::OK, Body::from(bytes)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media_type.as_str()),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}
