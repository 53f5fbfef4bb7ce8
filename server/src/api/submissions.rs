//! `POST /api/v1/submissions`: a batch from one device. Each item is parsed and validated on
//! its own; the valid ones are routed and stored (group-committed), and the answer has one
//! result per item, in request order.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use chrono::{DateTime, Utc};
use ourvoice_protocol::{
    parse_submission_json, ErrorCode, ItemOutcome, ItemResult, SubmitBatchResponse, ValidationError,
};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::Cell;
use std::sync::Arc;
use uuid::Uuid;

use super::read_body;
use crate::client::ClientAddr;
use crate::error::AppError;
use crate::store::NewCase;
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/submissions", post(submit_batch))
}

async fn submit_batch(
    State(state): State<Arc<AppState>>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    // Bodies of batches are the largest the server takes: a few at a time are read and parsed,
    // the others wait their turn (their bytes stay in the network's buffers meanwhile).
    let _turn = state.limits.batch_turn().await?;
    let client = client.map(|Extension(c)| c.0);
    if let Some(refusal) = client.and_then(|ip| state.limits.new_cases.refusal(ip)) {
        return Ok(refusal);
    }
    let bytes = read_body(&headers, body, state.max_body_bytes).await?;
    let items = parse_batch(&bytes, state.max_batch_items)?;
    let today = state.today();
    let mut results: Vec<Option<ItemResult>> = vec![None; items.len()];
    let mut valid = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let readable_id = serde_json::from_str::<ItemId>(item.get())
            .ok()
            .and_then(|item| Uuid::parse_str(item.id?.as_ref()).ok());
        let rejected = |errors: Vec<ValidationError>| ItemResult {
            index,
            id: readable_id,
            outcome: ItemOutcome::Rejected { errors },
        };
        let submission = match parse_submission_json(item.get()) {
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
        let Some(office) = crate::routing::answering_office(&state, &submission) else {
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
    let started = crate::clock::as_stored(state.store.clock().now());
    let outcomes = state.store.ingest(cases).await?;
    if let Some(ip) = client {
        state
            .limits
            .new_cases
            .charge(ip, new_cases(&outcomes, started));
    }
    for ((index, id), outcome) in indexes.into_iter().zip(ids).zip(outcomes) {
        results[index] = Some(ItemResult {
            index,
            id: Some(id),
            outcome,
        });
    }
    let results = results.into_iter().flatten().collect();
    Ok(Json(SubmitBatchResponse { results }).into_response())
}

/// How many of `outcomes` are cases this request created (a repeat of an earlier item was
/// received before `started`).
pub(crate) fn new_cases(outcomes: &[ItemOutcome], started: DateTime<Utc>) -> u32 {
    let created = outcomes.iter().filter(|outcome| {
        matches!(outcome, ItemOutcome::Accepted { received_at, .. } if *received_at >= started)
    });
    created.count() as u32
}

/// An item's `id`, if it is a string; nothing else of the item is read.
#[derive(Deserialize)]
struct ItemId<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
}

/// Reads `{"items": [...]}` into each item's JSON text, without a JSON tree, and stops at the
/// first item past `max`: a hostile array costs its first `max + 1` items, not its length.
fn parse_batch(bytes: &[u8], max: usize) -> Result<Vec<&RawValue>, AppError> {
    let too_many = Cell::new(false);
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let items = BatchSeed {
        max,
        too_many: &too_many,
    }
    .deserialize(&mut json)
    .and_then(|items| json.end().map(|()| items));
    items.map_err(|error| {
        if too_many.get() {
            AppError::bad_field(
                StatusCode::PAYLOAD_TOO_LARGE,
                "batch_too_large",
                format!("a batch may hold at most {max} items; send the rest in another batch"),
                "items",
            )
        } else if error.is_syntax() || error.is_eof() {
            AppError::bad(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not valid JSON: {error}"),
            )
        } else {
            AppError::bad_field(
                StatusCode::BAD_REQUEST,
                "malformed_batch",
                "the body must be an object {\"items\": [...]} whose items is an array of submissions",
                "items",
            )
        }
    })
}

#[derive(Clone, Copy)]
struct BatchSeed<'c> {
    max: usize,
    too_many: &'c Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for BatchSeed<'_> {
    type Value = Vec<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<Self::Value, D::Error> {
        json.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BatchSeed<'_> {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object {\"items\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        #[derive(Deserialize)]
        #[serde(field_identifier, rename_all = "snake_case")]
        enum Key {
            Items,
            #[serde(other)]
            Other,
        }
        let mut items = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Items => items = Some(map.next_value_seed(ItemsSeed(self))?),
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        items.ok_or_else(|| de::Error::missing_field("items"))
    }
}

struct ItemsSeed<'c>(BatchSeed<'c>);

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = Vec<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<Self::Value, D::Error> {
        json.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of submissions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            if items.len() == self.0.max {
                self.0.too_many.set(true);
                return Err(de::Error::custom("too many items"));
            }
            items.push(item);
        }
        Ok(items)
    }
}
