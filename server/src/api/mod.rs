//! The HTTP API, one router per module, merged here under `/api/v1` (plus `/healthz` and the
//! officials' console under `/console`).
//!
//! Guarantees: every request body is read through [`read_json`], which enforces the body limit
//! after gzip decompression and answers malformed input with a 4xx naming the problem.

mod citizen;
mod directory;
mod health;
mod submissions;
mod updates;

pub(crate) use submissions::route_submission;

use axum::body::{Body, Bytes};
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Router;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;

use crate::error::AppError;
use crate::AppState;

pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .merge(submissions::router())
        .merge(updates::router())
        .merge(citizen::router())
        .merge(directory::router());
    Router::new()
        .nest("/api/v1", api)
        .merge(health::router())
        .merge(crate::console::router(&state))
        .merge(crate::open311::router())
        .merge(crate::openapi::router())
        .with_state(state)
        // Bodies are read by `read_json` with the limit applied after decompression.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestDecompressionLayer::new())
        .layer(CompressionLayer::new())
}

/// Reads a JSON body (already gunzipped by the decompression layer) into a `serde_json::Value`.
pub(crate) async fn read_json(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<serde_json::Value, AppError> {
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
    let bytes: Bytes = axum::body::to_bytes(body, limit).await.map_err(|error| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = source {
            if e.is::<http_body_util::LengthLimitError>() {
                return AppError::bad(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    format!(
                        "the request body is larger than {limit} bytes; send fewer items per batch"
                    ),
                );
            }
            source = e.source();
        }
        AppError::bad(
            StatusCode::BAD_REQUEST,
            "body_unreadable",
            "the request body could not be read (is the gzip data complete?)",
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        AppError::bad(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {e}"),
        )
    })
}
