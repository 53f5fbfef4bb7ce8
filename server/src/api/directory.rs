//! `GET /api/v1/directory` (the whole place and office directory, versioned, with ETag / 304)
//! and `GET /api/v1/places?q=` (the place picker's search).

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ourvoice_directory::{Lang, SearchHit};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, LazyLock};

use crate::error::AppError;
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/directory", get(directory))
        .route("/places", get(places))
}

/// The serialised directory and its ETag, made once.
static DIRECTORY_BODY: LazyLock<(String, String)> = LazyLock::new(|| {
    let directory = ourvoice_directory::Directory::embedded();
    (
        format!("\"{}\"", directory.version()),
        directory.to_wire_json(),
    )
});

async fn directory(headers: HeaderMap) -> Response {
    let (etag, body) = &*DIRECTORY_BODY;
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let common = [
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, "no-cache".to_string()),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(header::CONTENT_TYPE, "application/json")],
        body.clone(),
    )
        .into_response()
}

#[derive(Deserialize)]
struct PlacesQuery {
    q: Option<String>,
    lang: Option<String>,
    limit: Option<String>,
}

#[derive(Serialize)]
struct PlacesAnswer {
    results: Vec<SearchHit>,
}

const MAX_QUERY_CHARS: usize = 200;
const MAX_RESULTS: usize = 50;

async fn places(
    State(state): State<Arc<AppState>>,
    Query(query): Query<PlacesQuery>,
) -> Result<Json<PlacesAnswer>, AppError> {
    let q = query.q.unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_field(
            StatusCode::BAD_REQUEST,
            "query_too_long",
            format!("q is longer than {MAX_QUERY_CHARS} characters"),
            "q",
        ));
    }
    let lang = match query.lang.as_deref() {
        None => Lang::Km,
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            AppError::bad_field(
                StatusCode::BAD_REQUEST,
                "lang_unknown",
                "lang must be km or en",
                "lang",
            )
        })?,
    };
    let limit = match query.limit.as_deref() {
        None => 20,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_RESULTS).contains(n))
            .ok_or_else(|| {
                AppError::bad_field(
                    StatusCode::BAD_REQUEST,
                    "limit_invalid",
                    format!("limit must be a number from 1 to {MAX_RESULTS}"),
                    "limit",
                )
            })?,
    };
    Ok(Json(PlacesAnswer {
        results: state.directory.search(&q, lang, limit),
    }))
}
