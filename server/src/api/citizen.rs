//! `POST /api/v1/answers` (the citizen answers the office's question) and `POST
//! /api/v1/ratings` (the citizen rates the answer, 1 to 5; 1 or 2 reopens the case and flags it
//! for the office). Each is proven by the submission's secret in the body.
//!
//! Guarantees: an unknown id and a wrong secret get the same 404, so the calls reveal nothing
//! about other people's cases; a call that does not fit the case's state is a 409 naming it.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use ourvoice_protocol::{
    CaseActionResponse, CaseStatus, CitizenAnswerRequest, RatingRequest, MAX_DESCRIPTION_CHARS,
};
use serde::de::DeserializeOwned;
use std::sync::Arc;

use super::read_json;
use crate::error::AppError;
use crate::store::console::{self, Refusal};
use crate::store::{cases, StoreError};
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/answers", post(answer))
        .route("/ratings", post(rating))
}

async fn parse<T: DeserializeOwned>(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<T, AppError> {
    let value = read_json(headers, body, state.max_body_bytes).await?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        AppError::bad_field(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            e.inner().to_string(),
            &e.path().to_string(),
        )
    })
}

type Outcome = Result<Option<(i64, String)>, Refusal>;

fn answer_of(outcome: Outcome) -> Result<Json<CaseActionResponse>, AppError> {
    match outcome {
        Ok(Some((seq, status))) => Ok(Json(CaseActionResponse {
            seq: seq as u64,
            status: CaseStatus::from_code(&status),
        })),
        Ok(None) | Err(Refusal::NotFound) => Err(AppError::bad(
            StatusCode::NOT_FOUND,
            "not_found",
            "no submission with this id and secret",
        )),
        Err(Refusal::WrongState) => Err(AppError::bad(
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
    let request: CitizenAnswerRequest = parse(&state, &headers, body).await?;
    let text = request.text.trim().to_string();
    if text.is_empty() || text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::bad_field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "text_length",
            format!("the answer must have 1 to {MAX_DESCRIPTION_CHARS} characters"),
            "text",
        ));
    }
    let now = state.store.clock().now();
    let outcome = state
        .store
        .write(move |sql| -> Result<Outcome, StoreError> {
            let Some(number) = cases::prove(sql, &request.id, &request.secret)? else {
                return Ok(Ok(None));
            };
            Ok(console::citizen_answer(sql, number, &text, now)?.map(Some))
        })
        .await?;
    answer_of(outcome)
}

async fn rating(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<CaseActionResponse>, AppError> {
    let request: RatingRequest = parse(&state, &headers, body).await?;
    if !(1..=5).contains(&request.rating) {
        return Err(AppError::bad_field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "rating_out_of_range",
            "the rating must be 1 to 5",
            "rating",
        ));
    }
    let now = state.store.clock().now();
    let rating = i64::from(request.rating);
    let outcome = state
        .store
        .write(move |sql| -> Result<Outcome, StoreError> {
            let Some(number) = cases::prove(sql, &request.id, &request.secret)? else {
                return Ok(Ok(None));
            };
            Ok(console::citizen_rating(sql, number, rating, now)?.map(Some))
        })
        .await?;
    answer_of(outcome)
}
