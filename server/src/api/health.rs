//! `GET /healthz`: the server runs and its database answers.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;

use crate::error::AppError;
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/healthz", get(health))
}

async fn health(State(state): State<Arc<AppState>>) -> Result<Json<Value>, AppError> {
    state.store.check().await?;
    Ok(Json(
        json!({ "status": "ok", "directory_version": state.directory.version() }),
    ))
}
