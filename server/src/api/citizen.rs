//! `POST /api/v1/answers` (the citizen answers the office's question) and `POST
//! /api/v1/ratings` (the citizen rates the answer, 1 to 5; 1 or 2 reopens the case and flags it
//! for the office). Each is proven by the submission's secret in the body.
//!
//! Guarantees: an unknown id and a wrong secret get the same 404, so the calls reveal nothing
//! about other people's cases; a call that does not fit the case's state is a 409 naming it.
//! A call with a `request_id` takes effect once: a repeat (same case, same body) gets the first
//! answer again, and the id reused for anything else is a 409 `request_id_reused`.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use ourvoice_protocol::{
    citizen_answer_text, citizen_rating, CaseActionResponse, CaseStatus, CitizenActionRefusal,
    CitizenAnswerRequest, RatingRequest, MAX_DESCRIPTION_CHARS,
};
use std::sync::Arc;

use super::read_json;
use crate::error::AppError;
use crate::store::case_actions::{self, Refusal};
use crate::store::cases::{self, EarlierRequest};
use crate::store::sql::Sql;
use crate::store::StoreError;
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/answers", post(answer))
        .route("/ratings", post(rating))
}

/// What a citizen's call came to.
enum Outcome {
    Done(i64, CaseStatus),
    Refused(Refusal),
    RequestReused,
}

/// Proves the case, answers a repeat of `request_id` from the record, or runs `act` and
/// records it; all in one transaction of the store's writer. `body` names the request's
/// content (kind and value), to tell a repeat from a reused id.
async fn once(
    state: &AppState,
    id: uuid::Uuid,
    secret: ourvoice_protocol::Secret,
    request_id: Option<uuid::Uuid>,
    body: String,
    act: impl FnOnce(&mut dyn Sql, i64) -> Result<Result<(i64, CaseStatus), Refusal>, StoreError>
        + Send
        + 'static,
) -> Result<Json<CaseActionResponse>, AppError> {
    let body_digest = crate::secrets::digest(&body);
    let outcome = state
        .store
        .write(move |sql| {
            let Some(number) = cases::prove(sql, &id, &secret)? else {
                return Ok(Outcome::Refused(Refusal::NotFound));
            };
            if let Some(request_id) = &request_id {
                match cases::earlier_citizen_request(sql, request_id, number, &body_digest)? {
                    Some(EarlierRequest::Same(seq, status)) => {
                        return Ok(Outcome::Done(seq, status))
                    }
                    Some(EarlierRequest::Reused) => return Ok(Outcome::RequestReused),
                    None => {}
                }
            }
            match act(sql, number)? {
                Ok((seq, status)) => {
                    if let Some(request_id) = &request_id {
                        cases::record_citizen_request(
                            sql,
                            request_id,
                            number,
                            &body_digest,
                            seq,
                            status,
                        )?;
                    }
                    Ok(Outcome::Done(seq, status))
                }
                Err(refusal) => Ok(Outcome::Refused(refusal)),
            }
        })
        .await?;
    answer_of(outcome)
}

fn answer_of(outcome: Outcome) -> Result<Json<CaseActionResponse>, AppError> {
    match outcome {
        Outcome::Done(seq, status) => Ok(Json(CaseActionResponse {
            seq: seq as u64,
            status,
        })),
        Outcome::RequestReused => Err(AppError::bad_field(
            StatusCode::CONFLICT,
            "request_id_reused",
            "this request_id was used for a different request",
            "request_id",
        )),
        Outcome::Refused(Refusal::NotFound) => Err(AppError::bad(
            StatusCode::NOT_FOUND,
            "not_found",
            "no submission with this id and secret",
        )),
        Outcome::Refused(Refusal::WrongState) => Err(AppError::bad(
            StatusCode::CONFLICT,
            "wrong_state",
            "the case is not in a state that takes this (answers need a question from the office; ratings need an answer)",
        )),
    }
}

async fn answer(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<CaseActionResponse>, AppError> {
    let request: CitizenAnswerRequest =
        read_json(&headers, body, crate::limits::CITIZEN_ACTION_BODY_BYTES).await?;
    let text = citizen_answer_text(&request.text).map_err(|refusal| {
        refused(
            refusal,
            format!("the answer must have 1 to {MAX_DESCRIPTION_CHARS} characters"),
        )
    })?;
    let now = state.store.clock().now();
    let body = format!("answer\n{text}");
    once(
        &state,
        request.id,
        request.secret,
        request.request_id,
        body,
        move |sql, number| case_actions::citizen_answer(sql, number, &text, now),
    )
    .await
}

async fn rating(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<CaseActionResponse>, AppError> {
    let request: RatingRequest =
        read_json(&headers, body, crate::limits::CITIZEN_ACTION_BODY_BYTES).await?;
    let rating = citizen_rating(request.rating)
        .map_err(|refusal| refused(refusal, "the rating must be 1 to 5".into()))?;
    let now = state.store.clock().now();
    let rating = i64::from(rating);
    once(
        &state,
        request.id,
        request.secret,
        request.request_id,
        format!("rating\n{rating}"),
        move |sql, number| case_actions::citizen_rating(sql, number, rating, now),
    )
    .await
}

/// The answer to an answer or a rating that cannot be taken as it is.
fn refused(refusal: CitizenActionRefusal, message: String) -> AppError {
    AppError::bad_field(
        StatusCode::UNPROCESSABLE_ENTITY,
        refusal.as_str(),
        message,
        refusal.field(),
    )
}
