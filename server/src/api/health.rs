//! `GET /healthz` and `GET /readyz`, for balancers and supervisors.
//!
//! - `/healthz`: the process is alive and answers HTTP. It does not touch the database, so a
//!   database restart does not make a supervisor kill servers that would recover by themselves.
//! - `/readyz`: the server can serve: its database answers a read of a migrated table within
//!   [`READY_WAIT`]. Migrations run in `Store::open`, before the server listens, so a process
//!   that answers at all has brought the schema to its version; `/readyz` adds that the
//!   database is reachable now. Otherwise 503 with a JSON error body (`unavailable`), which a
//!   balancer reads as "send traffic elsewhere".
//!
//! Guarantees: neither takes a body (the body limit is `NO_BODY_BYTES`), and `/readyz` answers
//! within [`READY_WAIT`] even when the database does not.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ourvoice_protocol::ApiError;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

use crate::error::AppError;
use crate::AppState;

/// How long `/readyz` waits for the database.
pub const READY_WAIT: Duration = Duration::from_secs(3);

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/healthz", get(alive))
        .route("/readyz", get(ready))
}

async fn alive(State(state): State<Arc<AppState>>) -> Response {
    Json(json!({ "status": "ok", "directory_version": state.directory.version() })).into_response()
}

async fn ready(State(state): State<Arc<AppState>>) -> Response {
    match tokio::time::timeout(READY_WAIT, state.store.check()).await {
        Ok(Ok(())) => Json(json!({ "status": "ok" })).into_response(),
        Ok(Err(error)) => AppError::Unavailable(error).into_response(),
        Err(_) => {
            tracing::warn!("the database did not answer /readyz in time");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(ApiError {
                    error: "unavailable".into(),
                    message: "the database does not answer; try again later".into(),
                    field: None,
                }),
            )
                .into_response()
        }
    }
}
