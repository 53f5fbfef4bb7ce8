//! `GET /api/v1/scorecards/{office}`: the office's public scorecard as JSON, as stored for the
//! last whole day (see [`crate::scorecards`]), with its ETag (`If-None-Match` → 304) and
//! `Cache-Control: public, max-age=3600`.
//!
//! Guarantees: a request reads one stored row at most, never a case; an office the directory
//! does not have is 404 `place_unknown`; before the first day's figures are made, 404
//! `no_figures_yet` (the app says "no figures yet").

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use ourvoice_protocol::scorecards::Subject;
use ourvoice_protocol::ErrorCode;
use std::sync::Arc;

use crate::error::AppError;
use crate::scorecards::files::JSON_TYPE;
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/scorecards/{office}", get(scorecard))
}

async fn scorecard(
    State(state): State<Arc<AppState>>,
    Path(office): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if state.directory.office(&office).is_none() {
        return Err(AppError::bad_field(
            StatusCode::NOT_FOUND,
            ErrorCode::PlaceUnknown.as_str(),
            "there is no office with this code in the directory",
            "office",
        ));
    }
    let subject = Subject::Office { code: office };
    match state.scorecards.scorecard(&state.store, &subject).await? {
        Some(found) => Ok(crate::scorecards::answer(
            &headers,
            &found.json,
            JSON_TYPE,
            None,
        )),
        None => Err(AppError::bad(
            StatusCode::NOT_FOUND,
            ErrorCode::NoFiguresYet.as_str(),
            "the public figures have not been made yet; they are made once a day",
        )),
    }
}
