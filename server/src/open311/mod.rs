//! Open311 GeoReport v2 under `/open311/v2/`: discovery, services, service definitions,
//! requests (list, one, create) and tokens, each in `.json` and `.xml`, over the same cases the
//! app sends. Service codes are our service categories; kind, ratings and privacy are
//! attributes.
//!
//! Guarantees: creating a request needs a valid API key (a key found valid is trusted for a
//! second, [`ValidKeys`], so a revocation holds on every server within it) and goes through the protocol's
//! validation and the same storage as the app, and answers with the new `service_request_id`
//! only (the spec's "token" is for servers that cannot give the number at once; ours is
//! committed before it answers). What is public is nothing a citizen did not choose to publish:
//! every GET (lists, one request, tokens) carries coded fields only (service, status, office,
//! place, dates, number); the description, the office's public replies (`status_notes`) and
//! the location a client gave appear only for a request whose citizen chose to publish its text
//! (`attribute[publish_description]=true`, refused for complaints about office staff,
//! confidential requests and evaluations); contact details never. Errors are
//! `[{code, description}]` (or `<errors>`) with 400, 403 or 404. A request's `media_url` is
//! given only for a request whose text is public and that has a received photo, and points at
//! `/open311/v2/media/{number}/{photo}.jpg`, which serves the checked copy of that one photo
//! (re-encoded on arrival, no metadata) and nothing else; a `media_url` in a new request is
//! refused (the server does not fetch what others host).

mod format;
pub mod listings;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use chrono::{DateTime, Duration, Utc};
use ourvoice_directory::{Directory, Lang, MatchRank, OfficeType};
use ourvoice_protocol::{
    Code, Criteria, Evaluation, ItemOutcome, Kind, Privacy, PrivacyMode, Secret, Submission,
    ValidationError,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub use format::{to_xml, Format};

use crate::client::ClientAddr;
use crate::store::open311::{self as queries, Filter, Location, RequestRow};
use crate::store::NewCase;
use crate::AppState;

/// The attribute by which an Open311 client says the citizen chose to publish the text: the
/// protocol's `publish_text`.
const PUBLISH_ATTRIBUTE: &str = "publish_description";

/// The spec's default window for listing requests.
const DEFAULT_DAYS: i64 = 90;
/// The spec's default (and our maximum) number of requests in one answer.
const MAX_REQUESTS: i64 = 1000;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/open311/v2/{file}", get(top_get).post(top_post))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
        .route("/open311/v2/media/{number}/{file}", get(media))
}

/// An Open311 error answer.
struct Failure {
    status: StatusCode,
    description: String,
}

fn fail(status: StatusCode, description: impl Into<String>) -> Failure {
    Failure {
        status,
        description: description.into(),
    }
}

fn answer(format: Format, result: Result<(&str, Value), Failure>) -> Response {
    match result {
        Ok((root, value)) => format::respond(format, StatusCode::OK, root, value),
        Err(failure) => {
            if failure.status.is_server_error() {
                tracing::error!(description = %failure.description, "open311 request failed");
            }
            let body =
                json!([{ "code": failure.status.as_u16(), "description": failure.description }]);
            format::respond(format, failure.status, "errors", body)
        }
    }
}

/// The answer to a file name without `.json` or `.xml`.
fn unknown_format() -> Response {
    answer(
        Format::Json,
        Err(fail(
            StatusCode::NOT_FOUND,
            "unknown resource or format: use .json or .xml",
        )),
    )
}

fn unavailable(error: crate::store::StoreError) -> Failure {
    tracing::error!(%error, "storage failed");
    fail(
        StatusCode::SERVICE_UNAVAILABLE,
        "the server cannot read or store data right now; try again later",
    )
}

async fn top_get(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let Some((name, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let result = match name {
        "discovery" => Ok(("discovery", discovery())),
        "services" => Ok(("services", services(state.directory))),
        "requests" if !query.iter().any(|(key, _)| key == "service_request_id") => {
            // Made once per second and query, however many ask (see [`listings`]).
            let made = state
                .open311_listings
                .get_or_make(format, &query, || async {
                    let value = list_requests(&state, &query).await?;
                    // Written and compressed off the async threads (up to a thousand requests).
                    tokio::task::spawn_blocking(move || {
                        format::made(format, "service_requests", value)
                    })
                    .await
                    .map_err(|_| {
                        fail(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "the listing could not be made; try again",
                        )
                    })
                })
                .await;
            return match made {
                Ok(made) => made.response(&headers),
                Err(failure) => answer(format, Err(failure)),
            };
        }
        "requests" => list_requests(&state, &query)
            .await
            .map(|v| ("service_requests", v)),
        _ => Err(fail(StatusCode::NOT_FOUND, format!("no resource {name}"))),
    };
    answer(format, result)
}

async fn top_post(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((name, format)) = Format::split(&file) else {
        return unknown_format();
    };
    if name != "requests" {
        return answer(
            format,
            Err(fail(
                StatusCode::NOT_FOUND,
                format!("no resource {name} to post to"),
            )),
        );
    }
    // New cases count against the client's hourly quota, as the app's do.
    let client = client.map(|Extension(c)| c.0);
    if let Some(seconds) = client.and_then(|ip| state.limits.new_cases.wait_seconds(ip)) {
        let refusal = fail(
            StatusCode::TOO_MANY_REQUESTS,
            format!("this address has created as many requests as it may in an hour; try again in {seconds} seconds"),
        );
        let mut response = answer(format, Err(refusal));
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        return response;
    }
    let created = create_request(&state, &headers, &body).await;
    if let (Some(ip), Ok(_)) = (client, &created) {
        state.limits.new_cases.charge(ip, 1);
    }
    answer(format, created.map(|v| ("service_requests", v)))
}

fn discovery() -> Value {
    json!({
        "changeset": "2026-11-28T00:00:00Z",
        "contact": "Our Voice, Ministry of Interior, Cambodia",
        "key_service": "API keys are issued by the Our Voice administrators",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "/open311/v2",
            "changeset": "2026-11-28T00:00:00Z",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    })
}

/// Every service category, once, with the office types that handle it as its group.
fn services(directory: &Directory) -> Value {
    let mut seen: Vec<(&'static str, &'static str, Vec<&'static str>)> = Vec::new();
    for office_type in OfficeType::ALL {
        for category in directory.categories(office_type) {
            match seen.iter_mut().find(|(code, _, _)| *code == category.code) {
                Some((_, _, types)) => types.push(office_type.as_str()),
                None => seen.push((category.code, category.name_en, vec![office_type.as_str()])),
            }
        }
    }
    Value::Array(
        seen.into_iter()
            .map(|(code, name, types)| {
                let category = directory.category(code).map(|c| c.name_km).unwrap_or_default();
                json!({
                    "service_code": code,
                    "service_name": name,
                    "description": format!("{name} ({category}). Offered by: {}.", types.join(", ")),
                    "metadata": true,
                    "type": "realtime",
                    "keywords": "",
                    "group": types.join(","),
                })
            })
            .collect(),
    )
}

const CRITERIA: [&str; 5] = [
    "speed",
    "staff_attitude",
    "fees_as_posted",
    "clarity_of_information",
    "facilities_and_access",
];

fn list(values: &[(&str, &str)]) -> Value {
    Value::Array(
        values
            .iter()
            .map(|(key, name)| json!({ "key": key, "name": name }))
            .collect(),
    )
}

fn attribute(
    code: &str,
    datatype: &str,
    required: bool,
    order: usize,
    description: &str,
    values: Value,
) -> Value {
    json!({
        "variable": true,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": "",
        "order": order,
        "description": description,
        "values": values,
    })
}

async fn service_definition(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let Some(category) = state.directory.category(code) else {
        return answer(
            format,
            Err(fail(StatusCode::NOT_FOUND, format!("no service {code}"))),
        );
    };
    let stars = list(&[
        ("1", "Very bad"),
        ("2", "Bad"),
        ("3", "Fair"),
        ("4", "Good"),
        ("5", "Very good"),
    ]);
    let yes_no = list(&[("true", "Yes"), ("false", "No")]);
    let mut attributes = vec![
        attribute("kind", "singlevaluelist", false, 1, "What the citizen wants (default: complaint)",
            list(&Kind::ALL.map(|kind| (kind.as_str(), kind_name(kind))))),
        attribute("privacy", "singlevaluelist", false, 2,
            "anonymous: no identity stored; confidential: first_name/last_name and phone are seen only by the handling office (default: confidential when a name and phone are given)",
            list(&PrivacyMode::ALL.iter().map(|mode| (mode.as_str(), privacy_name(*mode))).collect::<Vec<_>>())),
        attribute("overall", "singlevaluelist", false, 3, "Overall rating, required for evaluations", stars.clone()),
    ];
    for (index, criterion) in CRITERIA.iter().enumerate() {
        attributes.push(attribute(
            criterion,
            "singlevaluelist",
            false,
            4 + index,
            &format!("Rating of {}", criterion.replace('_', " ")),
            stars.clone(),
        ));
    }
    attributes.push(attribute(
        "asked_extra_payment",
        "singlevaluelist",
        false,
        9,
        "Asked to pay more than the posted fee?",
        yes_no.clone(),
    ));
    attributes.push(attribute(
        "about_office_staff",
        "singlevaluelist",
        false,
        10,
        "About the office's own staff (goes to the citizens' office above it)",
        yes_no,
    ));
    attributes.push(attribute(
        "incident_date",
        "datetime",
        false,
        11,
        "Date of the visit (YYYY-MM-DD)",
        json!([]),
    ));
    attributes.push(attribute(
        "locale",
        "singlevaluelist",
        false,
        12,
        "Language of the text (default: km)",
        list(&[("km", "Khmer"), ("en", "English")]),
    ));
    attributes.push(attribute(
        PUBLISH_ATTRIBUTE,
        "singlevaluelist",
        false,
        13,
        "The citizen chose to make the description public, with the office's public replies and the location given (default: false; not allowed for complaints about office staff, confidential requests or evaluations). Otherwise requests are listed with coded fields only.",
        list(&[("true", "Yes"), ("false", "No")]),
    ));
    answer(
        format,
        Ok((
            "service_definition",
            json!({ "service_code": category.code, "attributes": attributes }),
        )),
    )
}

fn parse_time(name: &str, text: &str) -> Result<DateTime<Utc>, Failure> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            fail(
                StatusCode::BAD_REQUEST,
                format!("{name} must be a W3C date and time, e.g. 2026-11-28T09:00:00+07:00"),
            )
        })
}

async fn list_requests(state: &AppState, query: &[(String, String)]) -> Result<Value, Failure> {
    let get = |key: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut filter = Filter {
        limit: MAX_REQUESTS,
        ..Filter::default()
    };
    if let Some(ids) = get("service_request_id") {
        for id in ids.split(',') {
            let number = id.trim().parse::<i64>().map_err(|_| {
                fail(
                    StatusCode::BAD_REQUEST,
                    format!("service_request_id '{id}' is not a request number"),
                )
            })?;
            filter.numbers.push(number);
        }
    } else {
        if let Some(codes) = get("service_code") {
            for code in codes.split(',').map(str::trim) {
                if state.directory.category(code).is_none() {
                    return Err(fail(
                        StatusCode::BAD_REQUEST,
                        format!("service_code '{code}' is not a service"),
                    ));
                }
                filter.service_codes.push(code.to_string());
            }
        }
        let start = get("start_date")
            .map(|t| parse_time("start_date", t))
            .transpose()?;
        let end = get("end_date")
            .map(|t| parse_time("end_date", t))
            .transpose()?;
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) if s > e => {
                return Err(fail(
                    StatusCode::BAD_REQUEST,
                    "start_date is after end_date",
                ))
            }
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + Duration::days(DEFAULT_DAYS)),
            (None, Some(e)) => (e - Duration::days(DEFAULT_DAYS), e),
            (None, None) => {
                let now = state.store.clock().now();
                filter.up_to_now = true;
                (now - Duration::days(DEFAULT_DAYS), now)
            }
        };
        filter.start = Some(start);
        filter.end = Some(end);
        filter.closed = match get("status") {
            None => None,
            Some("open") => Some(false),
            Some("closed") => Some(true),
            Some(other) => {
                return Err(fail(
                    StatusCode::BAD_REQUEST,
                    format!("status '{other}' must be open or closed"),
                ))
            }
        };
    }
    let rows = state
        .store
        .read(move |sql| queries::requests(sql, &filter))
        .await
        .map_err(unavailable)?;
    Ok(Value::Array(
        rows.iter()
            .map(|row| request_json(state.directory, row))
            .collect(),
    ))
}

/// A kind's name in the service definition (GeoReport's documents are in English).
fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Complaint => "Complaint",
        Kind::Support => "Support",
        Kind::Information => "Information",
        Kind::Evaluation => "Evaluation",
    }
}

/// A privacy mode's name in the service definition.
fn privacy_name(mode: PrivacyMode) -> &'static str {
    match mode {
        PrivacyMode::Anonymous => "Anonymous",
        PrivacyMode::Confidential => "Confidential",
    }
}

fn request_json(directory: &Directory, row: &RequestRow) -> Value {
    let closed = row.status.is_closed();
    let number = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| t.parse::<f64>().ok())
            .map_or(Value::Null, |n| json!(n))
    };
    json!({
        "service_request_id": row.number.to_string(),
        "status": if closed { "closed" } else { "open" },
        "status_notes": row.status_note.clone().unwrap_or_default(),
        "service_name": directory.category(&row.category).map(|c| c.name_en).unwrap_or_default(),
        "service_code": row.category,
        "description": row.description,
        "agency_responsible": directory.office(&row.office).map(|o| o.name(Lang::En).to_string()).unwrap_or_else(|| row.office.clone()),
        "service_notice": "",
        "requested_datetime": row.received_at,
        "updated_datetime": row.updated_at,
        "expected_datetime": row.due_at.clone().unwrap_or_default(),
        "address": row.address_string.clone().or_else(|| directory.path(&row.place, Lang::En)).unwrap_or_default(),
        "address_id": row.place,
        "zipcode": "",
        "lat": number(&row.latitude),
        "long": number(&row.longitude),
        "media_url": row
            .photo
            .map(|photo| format!("/open311/v2/media/{}/{photo}.jpg", row.number))
            .unwrap_or_default(),
    })
}

/// `GET media/{number}/{photo}.jpg`: the checked copy of a published request's photo; 404 for
/// anything else (a request whose text is not public, a photo not received, a voice note).
async fn media(
    State(state): State<Arc<AppState>>,
    Path((number, file)): Path<(String, String)>,
) -> Response {
    let not_found = || {
        answer(
            Format::Json,
            Err(fail(StatusCode::NOT_FOUND, "no such published photo")),
        )
    };
    let (Ok(number), Some(Ok(photo))) = (
        number.parse::<i64>(),
        file.strip_suffix(".jpg").map(uuid::Uuid::parse_str),
    ) else {
        return not_found();
    };
    let found = state
        .store
        .read(move |sql| crate::store::attachments::published_photo(sql, number, &photo))
        .await;
    let kept = match found {
        Ok(Some(kept)) => kept,
        Ok(None) => return not_found(),
        Err(error) => return answer(Format::Json, Err(unavailable(error))),
    };
    let (Some(key), Some(objects)) = (kept.object_key.clone(), state.objects.clone()) else {
        return not_found();
    };
    match objects.get(&key).await {
        Ok(bytes) => {
            let mut response = crate::served::kept_copy(
                bytes,
                ourvoice_protocol::MediaType::Jpeg,
                &crate::served::file_name(number, &kept, ourvoice_protocol::MediaType::Jpeg, false),
                "public, max-age=300",
            );
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                header::HeaderValue::from_static("default-src 'none'; sandbox"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "a published photo could not be read");
            not_found()
        }
    }
}

async fn one_request(State(state): State<Arc<AppState>>, Path(file): Path<String>) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let Ok(number) = id.parse::<i64>() else {
        return answer(
            format,
            Err(fail(StatusCode::NOT_FOUND, format!("no request {id}"))),
        );
    };
    let filter = Filter {
        numbers: vec![number],
        limit: 1,
        ..Filter::default()
    };
    let result = state
        .store
        .read(move |sql| queries::requests(sql, &filter))
        .await
        .map_err(unavailable);
    let result = result.and_then(|rows| match rows.first() {
        Some(row) => Ok((
            "service_requests",
            json!([request_json(state.directory, row)]),
        )),
        None => Err(fail(StatusCode::NOT_FOUND, format!("no request {id}"))),
    });
    answer(format, result)
}

async fn token(State(state): State<Arc<AppState>>, Path(file): Path<String>) -> Response {
    let Some((token, format)) = Format::split(&file) else {
        return unknown_format();
    };
    let id = token.to_string();
    let result = match uuid::Uuid::parse_str(&id) {
        Err(_) => Err(fail(StatusCode::NOT_FOUND, format!("no token {id}"))),
        Ok(_) => match state
            .store
            .read({
                let id = id.clone();
                move |sql| queries::number_of(sql, &id)
            })
            .await
        {
            Err(error) => Err(unavailable(error)),
            Ok(None) => Err(fail(StatusCode::NOT_FOUND, format!("no token {id}"))),
            Ok(Some(number)) => Ok((
                "service_requests",
                json!([{ "service_request_id": number.to_string(), "token": id }]),
            )),
        },
    };
    answer(format, result)
}

/// The problems of a request, each naming its field as the Open311 client sent it where the
/// names differ.
fn describe(errors: &[ValidationError]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| match e.field.as_str() {
            "publish_text" => format!("{} (attribute[{PUBLISH_ATTRIBUTE}])", e.code),
            field => format!("{} ({field})", e.code),
        })
        .collect();
    format!("the request is not valid: {}", parts.join(", "))
}

fn rating(fields: &HashMap<String, String>, name: &str) -> Result<Option<u8>, Failure> {
    match attribute_value(fields, name) {
        None => Ok(None),
        Some(text) => text.parse::<u8>().map(Some).map_err(|_| {
            fail(
                StatusCode::BAD_REQUEST,
                format!("attribute[{name}] must be a number from 1 to 5"),
            )
        }),
    }
}

fn yes_no(fields: &HashMap<String, String>, name: &str) -> Result<Option<bool>, Failure> {
    match attribute_value(fields, name) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(fail(
            StatusCode::BAD_REQUEST,
            format!("attribute[{name}] must be true or false"),
        )),
    }
}

/// The place a request is about: `address_id` (a unit or office code) or `address_string`
/// resolved through the directory search (an exact or prefix match).
fn resolve_place(
    directory: &Directory,
    fields: &HashMap<String, String>,
) -> Result<String, Failure> {
    if let Some(id) = fields
        .get("address_id")
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
    {
        return directory.route(id).map(|_| id.to_string()).ok_or_else(|| {
            fail(
                StatusCode::BAD_REQUEST,
                format!("address_id '{id}' is not a commune, district, province or office code"),
            )
        });
    }
    if let Some(address) = fields
        .get("address_string")
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
    {
        // The most specific part first: "Sangkat X, Khan Y, Phnom Penh" is about Sangkat X.
        for part in address.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let hits = directory.search(part, Lang::En, 1);
            if let Some(hit) = hits
                .first()
                .filter(|h| matches!(h.rank, MatchRank::Exact | MatchRank::Prefix))
            {
                return Ok(hit.code.clone());
            }
        }
        return Err(fail(
            StatusCode::BAD_REQUEST,
            format!("address_string '{address}' matches no commune, district, province or office"),
        ));
    }
    Err(fail(StatusCode::BAD_REQUEST, "a location is required: address_id (a commune, district, province or office code) or address_string; lat/long alone cannot be routed to an office"))
}

/// `POST requests`: read the form, check the API key, make the submission, store it the
/// way the app's batches are stored, and answer with its number.
async fn create_request(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, Failure> {
    let fields = read_form(headers, body)?;
    check_api_key(state, &fields).await?;
    if fields
        .get("media_url")
        .is_some_and(|url| !url.trim().is_empty())
    {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "media_url is not taken: this server does not fetch photos from other sites; send the request without it",
        ));
    }
    let (submission, location) = submission_from_form(state, &fields)?;
    let outcome = store_request(state, submission, location).await?;
    match outcome {
        // The spec: `token` "should not be returned if service_request_id is returned".
        Some(ItemOutcome::Accepted { server_number, .. }) => Ok(json!([{
            "service_request_id": server_number.to_string(),
            "service_notice": "",
            "account_id": "",
        }])),
        other => Err(fail(
            StatusCode::BAD_REQUEST,
            format!("the request was not stored: {other:?}"),
        )),
    }
}

/// The fields of a form-encoded request; any other body is refused.
fn read_form(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, Failure> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "send the request as application/x-www-form-urlencoded; charset=utf-8",
        ));
    }
    Ok(form_urlencoded::parse(body).into_owned().collect())
}

/// Creating requests needs an API key that was issued and not revoked.
async fn check_api_key(state: &AppState, fields: &HashMap<String, String>) -> Result<(), Failure> {
    let key = fields.get("api_key").map(String::as_str).unwrap_or("");
    if key.is_empty() {
        return Err(fail(
            StatusCode::FORBIDDEN,
            "an api_key is required to create requests",
        ));
    }
    let digest = crate::secrets::digest(key);
    if state.open311_keys.recently_valid(&digest) {
        return Ok(());
    }
    let lookup = digest.clone();
    let valid = state
        .store
        .read(move |sql| queries::key_is_valid(sql, &lookup))
        .await
        .map_err(unavailable)?;
    if valid {
        state.open311_keys.found_valid(digest);
        Ok(())
    } else {
        Err(fail(
            StatusCode::FORBIDDEN,
            "the api_key is not valid or was revoked",
        ))
    }
}

/// The value of `attribute[name]`, trimmed, if given.
fn attribute_value<'a>(fields: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    fields
        .get(&format!("attribute[{name}]"))
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
}

/// The submission a GeoReport request makes, validated by the same rules as the app's, and
/// the location the client gave.
fn submission_from_form(
    state: &AppState,
    fields: &HashMap<String, String>,
) -> Result<(Submission, Location), Failure> {
    let service_code = fields.get("service_code").map(|v| v.trim()).unwrap_or("");
    if state.directory.category(service_code).is_none() {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            format!("service_code '{service_code}' is not a service (see services.json)"),
        ));
    }
    let place = resolve_place(state.directory, fields)?;
    let kind = match attribute_value(fields, "kind") {
        None => Kind::Complaint,
        Some(code) => Kind::from_code(code).ok_or_else(|| fail(StatusCode::BAD_REQUEST, format!("attribute[kind] '{code}' must be complaint, support, information or evaluation")))?,
    };
    let evaluation = match kind {
        Kind::Evaluation => Some(evaluation_from_form(fields)?),
        _ => None,
    };
    let incident_date = match attribute_value(fields, "incident_date") {
        None => None,
        Some(text) => Some(
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                fail(
                    StatusCode::BAD_REQUEST,
                    "attribute[incident_date] must be YYYY-MM-DD",
                )
            })?,
        ),
    };
    let locale = match attribute_value(fields, "locale") {
        None => Lang::Km,
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            fail(
                StatusCode::BAD_REQUEST,
                "attribute[locale] must be km or en",
            )
        })?,
    };
    let submission = Submission {
        id: uuid::Uuid::new_v4(),
        kind,
        place,
        category: service_code.to_string(),
        description: fields.get("description").cloned().unwrap_or_default(),
        evaluation,
        asked_extra_payment: yes_no(fields, "asked_extra_payment")?,
        about_office_staff: yes_no(fields, "about_office_staff")?.unwrap_or(false),
        publish_text: yes_no(fields, PUBLISH_ATTRIBUTE)?.unwrap_or(false),
        attachments: Vec::new(),
        incident_date,
        privacy: privacy_from_form(fields)?,
        profile: None,
        locale,
        created_at: state.store.clock().now(),
        app_version: "open311".into(),
        secret: Secret::generate(),
    };
    submission
        .validate(state.directory, state.today())
        .map_err(|errors| fail(StatusCode::BAD_REQUEST, describe(&errors)))?;
    Ok((submission, location_from_form(fields)?))
}

/// Anonymous or confidential: `attribute[privacy]`, or confidential when a name or phone is
/// given; the phone normalised as the app does.
fn privacy_from_form(fields: &HashMap<String, String>) -> Result<Privacy, Failure> {
    let name = [fields.get("first_name"), fields.get("last_name")]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let phone = fields
        .get("phone")
        .map(|p| p.trim().to_string())
        .unwrap_or_default();
    let confidential = |name: String, phone: String| Privacy::Confidential {
        name,
        phone: ourvoice_protocol::normalize_phone(&phone).unwrap_or(phone),
    };
    match attribute_value(fields, "privacy").map(|code| (code, PrivacyMode::parse(code))) {
        Some((_, Some(PrivacyMode::Anonymous))) => Ok(Privacy::Anonymous),
        Some((_, Some(PrivacyMode::Confidential))) => Ok(confidential(name, phone)),
        None if !name.is_empty() || !phone.is_empty() => Ok(confidential(name, phone)),
        None => Ok(Privacy::Anonymous),
        Some((other, None)) => Err(fail(
            StatusCode::BAD_REQUEST,
            format!("attribute[privacy] '{other}' must be anonymous or confidential"),
        )),
    }
}

/// The ratings of an evaluation (`attribute[overall]` and each criterion).
fn evaluation_from_form(fields: &HashMap<String, String>) -> Result<Evaluation, Failure> {
    Ok(Evaluation {
        overall: rating(fields, "overall")?.unwrap_or(0),
        criteria: Criteria {
            speed: rating(fields, "speed")?,
            staff_attitude: rating(fields, "staff_attitude")?,
            fees_as_posted: rating(fields, "fees_as_posted")?,
            clarity_of_information: rating(fields, "clarity_of_information")?,
            facilities_and_access: rating(fields, "facilities_and_access")?,
        },
    })
}

/// The location a client gave: `lat`/`long` within range, and `address_string`.
fn location_from_form(fields: &HashMap<String, String>) -> Result<Location, Failure> {
    let coordinate = |name: &str, range: f64| -> Result<Option<String>, Failure> {
        match fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(text) => match text.parse::<f64>() {
                Ok(n) if n.is_finite() && n.abs() <= range => Ok(Some(text.to_string())),
                _ => Err(fail(
                    StatusCode::BAD_REQUEST,
                    format!("{name} must be a decimal number within ±{range}"),
                )),
            },
        }
    };
    Ok(Location {
        latitude: coordinate("lat", 90.0)?,
        longitude: coordinate("long", 180.0)?,
        address_string: fields
            .get("address_string")
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty()),
    })
}

/// Routes the submission to its office and stores it through the same group-committed,
/// durable path as the app's batches.
async fn store_request(
    state: &AppState,
    submission: Submission,
    location: Location,
) -> Result<Option<ItemOutcome>, Failure> {
    let office = crate::routing::answering_office(state, &submission)
        .ok_or_else(|| fail(StatusCode::BAD_REQUEST, "the place has no office to answer"))?;
    let body_digest = submission.body_digest();
    let case = NewCase {
        submission,
        office,
        body_digest,
        location: Some(location),
    };
    Ok(state
        .store
        .ingest(vec![case])
        .await
        .map_err(unavailable)?
        .pop())
}
