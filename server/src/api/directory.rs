//! `GET /api/v1/directory` (the whole place and office directory, versioned, with ETag / 304),
//! `GET /api/v1/offices` (the telephones and opening hours administrators gave, with ETag /
//! 304) and `GET /api/v1/places?q=` (the place picker's search).

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ourvoice_directory::{Lang, SearchHit};
use ourvoice_protocol::{OfficeContact, OfficeContacts};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::{Arc, LazyLock};

use crate::error::AppError;
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/directory", get(directory))
        .route("/places", get(places))
        .route("/offices", get(offices))
}

/// A JSON body with its ETag and `no-cache` (a client asks again, and gets 304 when nothing
/// changed), or 304 alone.
fn tagged(headers: &HeaderMap, etag: String, body: String) -> Response {
    let cached = crate::etags::reader_has(headers, &etag);
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, "no-cache".to_string()),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (common, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Every office with a telephone or opening hours, by code; the ETag is the body's digest.
async fn offices(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let settings = state.store.read(crate::offices::settings).await?;
    let mut offices: Vec<OfficeContact> = settings
        .into_iter()
        .filter(|(_, s)| s.phone.is_some() || s.hours.is_some())
        .map(|(office, s)| OfficeContact {
            office,
            phone: s.phone,
            hours: s.hours,
        })
        .collect();
    offices.sort_by(|a, b| a.office.cmp(&b.office));
    let body = serde_json::to_string(&OfficeContacts { offices }).expect("contacts serialise");
    let etag = format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(body.as_bytes()))[..32]
    );
    Ok(tagged(&headers, etag, body))
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
    tagged(&headers, etag.clone(), body.clone())
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
