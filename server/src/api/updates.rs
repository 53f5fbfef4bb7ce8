//! `POST /api/v1/updates`: status changes and replies for a device's own submissions. Each item
//! is proven by its secret, in the body (never in a URL); unknown ids and wrong secrets are
//! left out without saying which, so the call reveals nothing about other people's cases.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use ourvoice_protocol::{UpdatesRequest, UpdatesResponse, MAX_UPDATE_ITEMS};
use std::sync::Arc;

use super::read_json;
use crate::error::AppError;
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/updates", post(updates))
}

async fn updates(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<UpdatesResponse>, AppError> {
    let request: UpdatesRequest =
        read_json(&headers, body, crate::limits::UPDATES_BODY_BYTES).await?;
    if request.items.len() > MAX_UPDATE_ITEMS {
        return Err(AppError::bad_field(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_items",
            format!("ask about at most {MAX_UPDATE_ITEMS} items per request"),
            "items",
        ));
    }
    let updates = state.store.updates(request.items).await?;
    Ok(Json(UpdatesResponse { updates }))
}
