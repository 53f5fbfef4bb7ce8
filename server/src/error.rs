//! Errors the server answers with: a stable code, a sentence saying what to fix, and the field
//! when one is at fault. Internal details are logged (without personal data), never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ourvoice_protocol::ApiError;

use crate::store::StoreError;

#[derive(Debug)]
pub enum AppError {
    /// The client must change the request.
    BadRequest {
        status: StatusCode,
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    /// The store failed; the client should retry later.
    Unavailable(StoreError),
    /// The server is at one of its limits; the client should retry after this many seconds.
    Busy { retry_after_seconds: u64 },
}

impl AppError {
    pub fn bad(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn bad_field(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        field: &str,
    ) -> AppError {
        AppError::BadRequest {
            status,
            code,
            message: message.into(),
            field: Some(field.into()),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        AppError::Unavailable(error)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::BadRequest {
                status,
                code,
                message,
                field,
            } => (
                status,
                Json(ApiError {
                    error: code.into(),
                    message,
                    field,
                }),
            )
                .into_response(),
            AppError::Unavailable(error) => {
                tracing::error!(%error, "storage failed");
                let body = ApiError {
                    error: "unavailable".into(),
                    message: "the server cannot store or read data right now; try again later"
                        .into(),
                    field: None,
                };
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [("retry-after", "5")],
                    Json(body),
                )
                    .into_response()
            }
            AppError::Busy {
                retry_after_seconds,
            } => {
                let body = ApiError {
                    error: "busy".into(),
                    message: format!(
                        "the server is busy; try again in {retry_after_seconds} seconds"
                    ),
                    field: None,
                };
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [("retry-after", retry_after_seconds.to_string())],
                    Json(body),
                )
                    .into_response()
            }
        }
    }
}
