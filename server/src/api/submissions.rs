//! `POST /api/v1/submissions`: a batch from one device. Each item is parsed and validated on
//! its own; the valid ones are routed and stored (group-committed), and the answer has one
//! result per item, in request order.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use ourvoice_protocol::{
    parse_submission, ErrorCode, ItemOutcome, ItemResult, SubmitBatchResponse, ValidationError,
};
use std::sync::Arc;
use uuid::Uuid;

use super::read_json;
use crate::error::AppError;
use crate::store::NewCase;
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/submissions", post(submit_batch))
}

async fn submit_batch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<SubmitBatchResponse>, AppError> {
    let value = read_json(&headers, body, state.max_body_bytes).await?;
    let serde_json::Value::Object(mut batch) = value else {
        return Err(AppError::bad(
            StatusCode::BAD_REQUEST,
            "malformed_batch",
            "the body must be an object {\"items\": [...]}",
        ));
    };
    let Some(serde_json::Value::Array(items)) = batch.remove("items") else {
        return Err(AppError::bad_field(
            StatusCode::BAD_REQUEST,
            "malformed_batch",
            "items must be an array of submissions",
            "items",
        ));
    };
    if items.len() > state.max_batch_items {
        return Err(AppError::bad_field(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!(
                "a batch may hold at most {} items; this one has {}",
                state.max_batch_items,
                items.len()
            ),
            "items",
        ));
    }
    let today = state.today();
    let mut results: Vec<Option<ItemResult>> = vec![None; items.len()];
    let mut valid = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let readable_id = item
            .get("id")
            .and_then(|v| v.as_str())
            .and_then(|s| Uuid::parse_str(s).ok());
        let rejected = |errors: Vec<ValidationError>| ItemResult {
            index,
            id: readable_id,
            outcome: ItemOutcome::Rejected { errors },
        };
        let submission = match parse_submission(item) {
            Ok(submission) => submission,
            Err(error) => {
                results[index] = Some(rejected(vec![error]));
                continue;
            }
        };
        if let Err(errors) = submission.validate(state.directory, today) {
            results[index] = Some(rejected(errors));
            continue;
        }
        let Some(office) = route_submission(&state, &submission) else {
            results[index] = Some(rejected(vec![ValidationError::new(
                ErrorCode::PlaceUnknown,
                "place",
            )]));
            continue;
        };
        let body_digest = submission.body_digest();
        valid.push((
            index,
            NewCase {
                submission,
                office,
                body_digest,
                location: None,
            },
        ));
    }
    let (indexes, cases): (Vec<usize>, Vec<NewCase>) = valid.into_iter().unzip();
    let ids: Vec<Uuid> = cases.iter().map(|c| c.submission.id).collect();
    let outcomes = state.store.ingest(cases).await?;
    for ((index, id), outcome) in indexes.into_iter().zip(ids).zip(outcomes) {
        results[index] = Some(ItemResult {
            index,
            id: Some(id),
            outcome,
        });
    }
    let results = results.into_iter().flatten().collect();
    Ok(Json(SubmitBatchResponse { results }))
}

/// The office that must answer: the place's own office, or, for a complaint about that
/// office's staff, the citizens' office above it (conflict of interest); an office that is
/// switched off passes it to the nearest office above it that is on.
pub(crate) fn route_submission(
    state: &crate::AppState,
    submission: &ourvoice_protocol::Submission,
) -> Option<String> {
    let directory = state.directory;
    let office = directory.route(&submission.place)?;
    let mut code = &office.code;
    if submission.about_office_staff {
        if let Some(above) = directory.citizens_office_above(&office.code) {
            code = &above.code;
        }
    }
    Some(state.offices.answering(directory, code))
}
