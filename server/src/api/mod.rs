//! The citizen API, one router per module, merged here under `/api/v1` (plus `/healthz` and
//! `/readyz`).
//!
//! Guarantees: every request body is read through [`read_body`] (and [`read_json`] straight
//! into typed structures), which enforces the route's body limit after gzip decompression and
//! answers malformed input with a 4xx naming the problem.

mod attachments;
mod citizen;
mod directory;
mod health;
mod scorecards;
mod submissions;
mod updates;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use std::sync::Arc;

use crate::error::AppError;
use crate::limits::{self, body_limit};
use crate::AppState;

/// The citizen API under `/api/v1`, and `/healthz` and `/readyz`; each route behind its own body limit
/// (`max_body_bytes` for batches of submissions).
pub fn router(max_body_bytes: usize) -> Router<Arc<AppState>> {
    let api = Router::new()
        .merge(body_limit(submissions::router(), max_body_bytes))
        .merge(body_limit(updates::router(), limits::UPDATES_BODY_BYTES))
        .merge(body_limit(
            citizen::router(),
            limits::CITIZEN_ACTION_BODY_BYTES,
        ))
        .merge(body_limit(directory::router(), limits::NO_BODY_BYTES))
        .merge(body_limit(scorecards::router(), limits::NO_BODY_BYTES))
        // Pieces of uploads, never whole files (the `GET` of the same path takes no body).
        .merge(body_limit(
            attachments::router(),
            limits::UPLOAD_PIECE_BYTES,
        ));
    Router::new()
        .nest("/api/v1", api)
        .merge(body_limit(health::router(), limits::NO_BODY_BYTES))
}

/// Reads a JSON body (already gunzipped by the decompression layer) into bytes, stopping at
/// `limit`: a body that inflates past it costs the server `limit` bytes, never more.
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/json") {
        return Err(AppError::bad(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json (optionally Content-Encoding: gzip)",
        ));
    }
    // Into one buffer, sized by the declared length when there is one (gzip's has none: it
    // grows), instead of a list of the pieces as they came and a copy of them all joined:
    // a body at the limit costs the limit once, not twice.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut bytes = Vec::with_capacity(declared.unwrap_or(16 * 1024).min(limit));
    let mut body = http_body_util::Limited::new(body, limit);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| unreadable(&*error, limit))?;
        if let Some(data) = frame.data_ref() {
            bytes.extend_from_slice(data);
        }
    }
    Ok(Bytes::from(bytes))
}

/// The answer to a body that could not be read: too large (413) or broken (400).
fn unreadable(error: &(dyn std::error::Error + 'static), limit: usize) -> AppError {
    if limits::past_the_limit(error) {
        return AppError::bad(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the request body is larger than {limit} bytes; send fewer items per batch"),
        );
    }
    AppError::bad(
        StatusCode::BAD_REQUEST,
        "body_unreadable",
        "the request body could not be read (is the gzip data complete?)",
    )
}

/// Reads a JSON body straight into `T` (no generic JSON tree), naming the field at fault.
pub(crate) async fn read_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<T, AppError> {
    let bytes = read_body(headers, body, limit).await?;
    parse_json(&bytes)
}

/// Parses JSON text straight into `T`, naming the field at fault.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let malformed = |error: &serde_json::Error, path: String| {
        let code = if error.is_syntax() || error.is_eof() {
            "malformed_json"
        } else {
            "malformed_request"
        };
        match path.as_str() {
            "" | "." => AppError::bad(StatusCode::BAD_REQUEST, code, error.to_string()),
            field => AppError::bad_field(StatusCode::BAD_REQUEST, code, error.to_string(), field),
        }
    };
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut json)
        .map_err(|e| malformed(e.inner(), e.path().to_string()))?;
    json.end().map_err(|e| malformed(&e, String::new()))?;
    Ok(value)
}
