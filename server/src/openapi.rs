//! The published API contract: an OpenAPI 3.1 document of the citizen API (`/api/v1/…`,
//! `/healthz`, `/readyz`), the Open311 GeoReport v2 endpoints and the open data files
//! (`/open/data/…`), built here, served at
//! `/api/openapi.json` and kept in the repository as `server/openapi.json`. `/metrics` is left
//! out on purpose: it is for the operator's scraper only (see `metrics`).
//!
//! Guarantees: [`API_ROUTES`] lists every documented operation; tests check that the document,
//! this list, the copy in the repository and the routes the server answers agree.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use ourvoice_protocol::{
    AgeBand, AttachmentKind, AttachmentRefusal, AttachmentState, CaseStatus, Code, Disability,
    Gender, Kind, MediaType, PrivacyMode,
};
use serde_json::{json, Value};
use std::sync::{Arc, LazyLock};

use crate::AppState;

/// Every documented operation: (method, path as written in the document).
pub const API_ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/submissions"),
    ("post", "/api/v1/updates"),
    ("post", "/api/v1/answers"),
    ("post", "/api/v1/ratings"),
    ("get", "/api/v1/submissions/{case}/attachments/{attachment}"),
    ("put", "/api/v1/submissions/{case}/attachments/{attachment}"),
    ("get", "/api/v1/directory"),
    ("get", "/api/v1/places"),
    ("get", "/api/v1/offices"),
    ("get", "/api/v1/scorecards/{office}"),
    ("get", "/open/data/national.json"),
    ("get", "/open/data/national.csv"),
    ("get", "/open/data/offices/{office}.json"),
    ("get", "/open/data/offices/{office}.csv"),
    ("get", "/open/data/provinces/{province}.json"),
    ("get", "/open/data/provinces/{province}.csv"),
    ("get", "/open/data/all-offices/{period}.json"),
    ("get", "/open/data/all-offices/{period}.csv"),
    ("get", "/api/openapi.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/open311/v2/discovery.json"),
    ("get", "/open311/v2/discovery.xml"),
    ("get", "/open311/v2/services.json"),
    ("get", "/open311/v2/services.xml"),
    ("get", "/open311/v2/services/{service_code}.json"),
    ("get", "/open311/v2/services/{service_code}.xml"),
    ("get", "/open311/v2/requests.json"),
    ("post", "/open311/v2/requests.json"),
    ("get", "/open311/v2/requests.xml"),
    ("post", "/open311/v2/requests.xml"),
    ("get", "/open311/v2/requests/{service_request_id}.json"),
    ("get", "/open311/v2/requests/{service_request_id}.xml"),
    ("get", "/open311/v2/tokens/{token}.json"),
    ("get", "/open311/v2/tokens/{token}.xml"),
    ("get", "/open311/v2/media/{service_request_id}/{photo}.jpg"),
];

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/api/openapi.json", get(serve))
}

async fn serve() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
}

/// The document as served, pretty-printed (the repository keeps the same text).
pub static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let mut text = serde_json::to_string_pretty(&document()).expect("a JSON value serialises");
    text.push('\n');
    text
});

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

fn json_answer(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn api_error(description: &str) -> Value {
    json_answer(description, reference("ApiError"))
}

fn open311_answer(description: &str, schema: Value, xml: bool) -> Value {
    let content = if xml {
        json!({ "text/xml": { "schema": { "type": "string" } } })
    } else {
        json!({ "application/json": { "schema": schema } })
    };
    json!({ "description": description, "content": content })
}

fn open311_errors(xml: bool, codes: &[&str]) -> serde_json::Map<String, Value> {
    codes
        .iter()
        .map(|code| {
            (
                code.to_string(),
                open311_answer(
                    "errors as [{code, description}]",
                    reference("Open311Errors"),
                    xml,
                ),
            )
        })
        .collect()
}

fn path_parameter(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
}

fn query(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "string" } })
}

fn open311_media(paths: &mut serde_json::Map<String, Value>) {
    let mut jpeg = serde_json::Map::new();
    jpeg.insert(
        MediaType::Jpeg.as_str().into(),
        json!({ "schema": { "type": "string", "format": "binary" } }),
    );
    paths.insert(
        "/open311/v2/media/{service_request_id}/{photo}.jpg".into(),
        json!({ "get": {
            "summary": "A published request's photo (its media_url): the copy checked on arrival, without metadata", "tags": ["open311"],
            "parameters": [path_parameter("service_request_id", "the request's number"), path_parameter("photo", "the photo's id")],
            "responses": { "200": { "description": "the photo", "content": jpeg },
                "404": open311_answer("no such published photo", reference("Open311Errors"), false) } } }),
    );
}

fn open311_paths(paths: &mut serde_json::Map<String, Value>) {
    for (extension, xml) in [("json", false), ("xml", true)] {
        let ok = |description: &str, schema: Value| open311_answer(description, schema, xml);
        paths.insert(
            format!("/open311/v2/discovery.{extension}"),
            json!({ "get": {
            "summary": "Open311 discovery", "tags": ["open311"],
            "responses": { "200": ok("endpoints and formats", json!({ "type": "object" })) } } }),
        );
        paths.insert(format!("/open311/v2/services.{extension}"), json!({ "get": {
            "summary": "Open311 service list: our service categories", "tags": ["open311"],
            "responses": { "200": ok("services", json!({ "type": "array", "items": reference("Open311Service") })) } } }));
        let mut definition = serde_json::Map::new();
        definition.insert(
            "200".into(),
            ok(
                "attributes: kind, privacy, ratings",
                json!({ "type": "object" }),
            ),
        );
        definition.extend(open311_errors(xml, &["404"]));
        paths.insert(
            format!("/open311/v2/services/{{service_code}}.{extension}"),
            json!({ "get": {
            "summary": "Open311 service definition", "tags": ["open311"],
            "parameters": [path_parameter("service_code", "a service code from the service list")],
            "responses": definition } }),
        );
        let mut list = serde_json::Map::new();
        list.insert(
            "200".into(),
            ok(
                "requests, newest first, at most 1,000; coded fields only unless the citizen chose to publish the text",
                json!({ "type": "array", "items": reference("Open311Request") }),
            ),
        );
        list.extend(open311_errors(xml, &["400"]));
        let mut create = serde_json::Map::new();
        create.insert(
            "200".into(),
            ok(
                "the new request's number (service_request_id only: it is stored before the answer, so no token)",
                json!({ "type": "array", "items": { "type": "object", "required": ["service_request_id"], "properties": {
                    "service_request_id": { "type": "string" }, "service_notice": { "type": "string" }, "account_id": { "type": "string" } } } }),
            ),
        );
        create.extend(open311_errors(xml, &["400", "403"]));
        paths.insert(format!("/open311/v2/requests.{extension}"), json!({
            "get": {
                "summary": "Open311 requests (default: the last 90 days)", "tags": ["open311"],
                "parameters": [
                    query("service_request_id", "comma-separated request numbers; other filters then do not apply"),
                    query("service_code", "comma-separated service codes"),
                    query("start_date", "W3C date and time"),
                    query("end_date", "W3C date and time"),
                    query("status", "open or closed"),
                ],
                "responses": list,
            },
            "post": {
                "summary": "Create an Open311 request (needs an API key)", "tags": ["open311"],
                "requestBody": { "required": true, "content": { "application/x-www-form-urlencoded": { "schema": reference("Open311NewRequest") } } },
                "responses": create,
            },
        }));
        let mut one = serde_json::Map::new();
        one.insert(
            "200".into(),
            ok(
                "one request",
                json!({ "type": "array", "items": reference("Open311Request") }),
            ),
        );
        one.extend(open311_errors(xml, &["404"]));
        paths.insert(
            format!("/open311/v2/requests/{{service_request_id}}.{extension}"),
            json!({ "get": {
            "summary": "One Open311 request", "tags": ["open311"],
            "parameters": [path_parameter("service_request_id", "the request number")],
            "responses": one } }),
        );
        let mut token = serde_json::Map::new();
        token.insert(
            "200".into(),
            ok(
                "the request number of a token",
                json!({ "type": "array", "items": { "type": "object" } }),
            ),
        );
        token.extend(open311_errors(xml, &["404"]));
        paths.insert(
            format!("/open311/v2/tokens/{{token}}.{extension}"),
            json!({ "get": {
            "summary": "Open311 token lookup", "tags": ["open311"],
            "parameters": [path_parameter("token", "a request's token: the id (UUID) of the submission, known to the device that made it")],
            "responses": token } }),
        );
    }
}

/// The answers every published scorecard or file shares: its ETag, caching and licence.
fn published(description: &str, media_type: &str, schema: Value) -> Value {
    let mut content = serde_json::Map::new();
    content.insert(media_type.into(), json!({ "schema": schema }));
    json!({ "description": description, "content": content, "headers": {
        "ETag": { "description": "strong: the SHA-256 of the body", "schema": { "type": "string" } },
        "Cache-Control": { "description": crate::scorecards::CACHE_CONTROL, "schema": { "type": "string" } },
        "Link": { "description": "the licence, rel=\"license\"", "schema": { "type": "string" } } } })
}

fn scorecard_paths(paths: &mut serde_json::Map<String, Value>) {
    let not_yet = "no_figures_yet: the figures are made once a day and none are made yet; place_unknown: no such office";
    paths.insert("/api/v1/scorecards/{office}".into(), json!({ "get": {
        "summary": "An office's public scorecard: the last twelve months to yesterday (Cambodia), by quarter and by who wrote, against its peers; figures of fewer than 5 people hidden", "tags": ["app", "open data"],
        "parameters": [path_parameter("office", "an office code of the directory (CH-120101, OWSO-1201, …)")],
        "responses": { "200": published("the scorecard", "application/json", reference("Scorecard")),
            "304": { "description": "not modified (If-None-Match)" }, "404": api_error(not_yet) } } }));
    let csv = json!({ "type": "string", "description": "UTF-8 with a BOM; a line per period and per group of people; a hidden figure is words (fewer than 5, would reveal another), never a number; the licence in a column" });
    for (extension, media_type) in [
        ("json", "application/json"),
        ("csv", "text/csv; charset=utf-8"),
    ] {
        let scorecard = if extension == "json" {
            reference("Scorecard")
        } else {
            csv.clone()
        };
        let bulk = if extension == "json" {
            reference("OfficesFile")
        } else {
            csv.clone()
        };
        let open_data = |summary: &str, parameter: Option<Value>, schema: Value, errors: &str| {
            let mut operation = json!({ "summary": summary, "tags": ["open data"],
                "responses": { "200": published("the file", media_type, schema),
                    "304": { "description": "not modified (If-None-Match)" }, "404": api_error(errors) } });
            if let Some(parameter) = parameter {
                operation["parameters"] = json!([parameter]);
            }
            json!({ "get": operation })
        };
        paths.insert(
            format!("/open/data/national.{extension}"),
            open_data(
                "The country's scorecard (open data, CC BY 4.0); its quarters name the bulk files",
                None,
                scorecard.clone(),
                not_yet,
            ),
        );
        paths.insert(
            format!("/open/data/offices/{{office}}.{extension}"),
            open_data(
                "An office's scorecard (open data, CC BY 4.0)",
                Some(path_parameter("office", "an office code of the directory")),
                scorecard.clone(),
                not_yet,
            ),
        );
        paths.insert(
            format!("/open/data/provinces/{{province}}.{extension}"),
            open_data(
                "A province's scorecard: all its offices together (open data, CC BY 4.0)",
                Some(path_parameter(
                    "province",
                    "a province's two-digit code (12)",
                )),
                scorecard.clone(),
                not_yet,
            ),
        );
        let mut operation = open_data(
            "Every office's figures over one period (open data, CC BY 4.0)",
            Some(path_parameter(
                "period",
                "12-months, or a quarter of them (2026-Q1)",
            )),
            bulk,
            "period_unknown: not a period of the published twelve months; no_figures_yet",
        );
        operation["get"]["responses"]["400"] =
            api_error("period_invalid: not 12-months or a quarter like 2026-Q1");
        paths.insert(
            format!("/open/data/all-offices/{{period}}.{extension}"),
            operation,
        );
    }
}

/// The schemas of the public scorecards.
fn scorecard_schemas() -> Value {
    let hidden = json!({ "type": "object", "required": ["hidden"], "properties": {
        "hidden": { "enum": ["fewer_than_5", "would_reveal_another"] } } });
    let shown = |value: Value| {
        json!({ "type": "object", "required": ["value", "people"], "properties": {
        "value": value, "people": { "type": "integer", "minimum": ourvoice_protocol::scorecards::MIN_PEOPLE } } })
    };
    let count = reference("Count");
    let number = reference("FigureNumber");
    let period = reference("Period");
    json!({
        "HiddenFigure": hidden,
        "Count": { "oneOf": [shown(json!({ "type": "integer", "minimum": 0 })), reference("HiddenFigure")] },
        "FigureNumber": { "description": "a share (0 to 1), median days or mean stars", "oneOf": [shown(json!({ "type": "number" })), reference("HiddenFigure")] },
        "Period": { "type": "object", "required": ["first_day", "last_day", "label"], "properties": {
            "first_day": { "type": "string", "format": "date" }, "last_day": { "type": "string", "format": "date" },
            "label": { "type": "string", "description": "12-months, or a quarter: 2026-Q1" } } },
        "Figures": { "type": "object", "properties": {
            "received": count, "received_by_kind": { "type": "object", "properties": {
                "complaint": count, "support": count, "information": count, "evaluation": count } },
            "answered": number, "answered_within_deadline": number, "median_days_to_first_answer": number,
            "median_days_to_close": number, "escalated": count, "rating": number,
            "rating_by_criterion": { "type": "object", "properties": {
                "speed": number, "staff_attitude": number, "fees_as_posted": number,
                "clarity_of_information": number, "facilities_and_access": number } },
            "asked_extra_payment": number } },
        "Group": { "type": "object", "required": ["group", "figures"], "properties": {
            "group": { "type": "string", "description": "the answer's code, or not_given" }, "figures": reference("Figures") } },
        "Peers": { "type": "object", "required": ["among", "offices"], "properties": {
            "among": { "enum": ["district", "province", "national"] }, "offices": { "type": "integer" },
            "answered": { "type": ["number", "null"] }, "answered_within_deadline": { "type": ["number", "null"] },
            "median_days_to_first_answer": { "type": ["number", "null"] }, "rating": { "type": ["number", "null"] } } },
        "Scorecard": { "type": "object", "required": ["subject", "last_day", "year", "figures", "by_people", "quarters", "peers", "licence"], "properties": {
            "subject": { "type": "object", "required": ["level"], "properties": {
                "level": { "enum": ["office", "province", "national"] }, "code": { "type": "string" } } },
            "office_type": { "type": "string" }, "last_day": { "type": "string", "format": "date" },
            "year": period, "figures": reference("Figures"),
            "by_people": { "type": "object", "properties": {
                "gender": { "type": "array", "items": reference("Group") },
                "age_band": { "type": "array", "items": reference("Group") },
                "disability": { "type": "array", "items": reference("Group") } } },
            "quarters": { "type": "array", "items": { "type": "object", "properties": { "period": period, "figures": reference("Figures") } } },
            "peers": { "type": "array", "items": reference("Peers") },
            "licence": { "type": "string" } } },
        "OfficesFile": { "type": "object", "required": ["licence", "licence_url", "last_day", "period", "offices"], "properties": {
            "licence": { "type": "string" }, "licence_url": { "type": "string" }, "last_day": { "type": "string", "format": "date" },
            "period": period, "offices": { "type": "array", "items": { "type": "object", "properties": {
                "office": { "type": "string" }, "office_type": { "type": "string" }, "province": { "type": "string" },
                "district": { "type": "string" }, "figures": reference("Figures") } } } } },
    })
}

fn rating() -> Value {
    json!({ "type": ["integer", "null"], "minimum": 0, "maximum": 255 })
}

/// Every code of a coded set, for an `enum` of the document.
fn codes<T: Code>() -> Vec<Value> {
    T::ALL.iter().map(|value| json!(value.as_str())).collect()
}

/// Every code of a coded set, or null.
fn codes_or_null<T: Code>() -> Vec<Value> {
    let mut values = codes::<T>();
    values.push(Value::Null);
    values
}

fn schemas() -> Value {
    let anonymous = PrivacyMode::Anonymous.as_str();
    let confidential = PrivacyMode::Confidential.as_str();
    json!({
        "ApiError": { "type": "object", "required": ["error", "message"], "properties": {
            "error": { "type": "string" }, "message": { "type": "string" }, "field": { "type": "string" } } },
        "Submission": { "type": "object",
            "required": ["id", "kind", "place", "category", "privacy", "locale", "created_at", "app_version", "secret"],
            "properties": {
                "id": { "type": "string", "format": "uuid" },
                "kind": { "type": "string", "enum": codes::<Kind>() },
                "place": { "type": "string", "description": "a commune, district or province code, or an office code" },
                "category": { "type": "string" },
                "description": { "type": "string", "maxLength": 4000 },
                "evaluation": { "type": ["object", "null"], "required": ["overall"], "properties": {
                    "overall": { "type": "integer", "minimum": 0, "maximum": 255 },
                    "criteria": { "type": "object", "properties": {
                        "speed": rating(), "staff_attitude": rating(), "fees_as_posted": rating(),
                        "clarity_of_information": rating(), "facilities_and_access": rating() } } } },
                "asked_extra_payment": { "type": ["boolean", "null"] },
                "about_office_staff": { "type": "boolean" },
                "publish_text": { "type": "boolean", "description": "the citizen chose to make the text public (Open311 then shows the description and the office's public replies); left out when false; refused (publish_not_allowed) for complaints about office staff, confidential items and evaluations" },
                "incident_date": { "type": ["string", "null"], "format": "date" },
                "privacy": { "oneOf": [
                    { "type": "object", "required": ["mode"], "properties": { "mode": { "const": anonymous } } },
                    { "type": "object", "required": ["mode", "name", "phone"], "properties": {
                        "mode": { "const": confidential }, "name": { "type": "string" }, "phone": { "type": "string" } } } ] },
                "profile": { "type": ["object", "null"], "properties": {
                    "gender": { "type": ["string", "null"], "enum": codes_or_null::<Gender>() },
                    "age_band": { "type": ["string", "null"], "enum": codes_or_null::<AgeBand>() },
                    "disability": { "type": ["string", "null"], "enum": codes_or_null::<Disability>() } } },
                "locale": { "type": "string", "enum": ["km", "en"] },
                "created_at": { "type": "string", "format": "date-time" },
                "app_version": { "type": "string" },
                "secret": { "type": "string", "description": "32–128 characters of [0-9A-Za-z_-]; never in a URL" },
                "attachments": { "type": "array", "maxItems": 4, "items": reference("AttachmentDeclaration"),
                    "description": "photos (at most 3) and a voice note (at most 1) uploaded after the submission is accepted; left out when none" } } },
        "AttachmentDeclaration": { "type": "object", "required": ["id", "kind", "media_type", "bytes", "sha256"], "properties": {
            "id": { "type": "string", "format": "uuid" },
            "kind": { "type": "string", "enum": codes::<AttachmentKind>() },
            "media_type": { "type": "string", "enum": codes::<MediaType>() },
            "bytes": { "type": "integer", "minimum": 1 },
            "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" } } },
        "AttachmentStatus": { "type": "object", "required": ["id", "received", "bytes", "state"], "properties": {
            "id": { "type": "string", "format": "uuid" },
            "received": { "type": "integer", "description": "bytes the server holds; the next piece starts here" },
            "bytes": { "type": "integer" },
            "state": { "type": "string", "enum": codes::<AttachmentState>() },
            "refusal": { "type": "string", "enum": codes::<AttachmentRefusal>() } } },
        "SubmitBatchRequest": { "type": "object", "required": ["items"], "properties": {
            "items": { "type": "array", "maxItems": 200, "items": reference("Submission") } } },
        "SubmitBatchResponse": { "type": "object", "required": ["results"], "properties": {
            "results": { "type": "array", "items": { "type": "object", "required": ["index", "outcome"], "properties": {
                "index": { "type": "integer" }, "id": { "type": ["string", "null"] },
                "outcome": { "type": "string", "enum": ["accepted", "rejected", "conflict"] },
                "answer_by": { "type": "string", "format": "date-time", "description": "accepted: when the office should answer by; past it the case goes to the citizens' office" } } } } } },
        "ItemKey": { "type": "object", "required": ["id", "secret", "since"], "properties": {
            "id": { "type": "string", "format": "uuid" }, "secret": { "type": "string" }, "since": { "type": "integer", "minimum": 0 } } },
        "UpdatesRequest": { "type": "object", "required": ["items"], "properties": {
            "items": { "type": "array", "maxItems": 1000, "items": reference("ItemKey") } } },
        "UpdatesResponse": { "type": "object", "required": ["updates"], "properties": {
            "updates": { "type": "array", "items": { "type": "object" } } } },
        "CitizenAnswerRequest": { "type": "object", "required": ["id", "secret", "text"], "properties": {
            "id": { "type": "string", "format": "uuid" }, "secret": { "type": "string" }, "text": { "type": "string" },
            "request_id": { "type": "string", "format": "uuid", "description": "idempotency key: a repeat gets the first answer" } } },
        "RatingRequest": { "type": "object", "required": ["id", "secret", "rating"], "properties": {
            "id": { "type": "string", "format": "uuid" }, "secret": { "type": "string" }, "rating": { "type": "integer", "minimum": 0, "maximum": 255 },
            "request_id": { "type": "string", "format": "uuid", "description": "idempotency key: a repeat gets the first answer" } } },
        "OfficeContacts": { "type": "object", "required": ["offices"], "properties": {
            "offices": { "type": "array", "items": { "type": "object", "required": ["office"], "properties": {
                "office": { "type": "string" }, "phone": { "type": "string" }, "hours": { "type": "string" } } } } } },
        "CaseActionResponse": { "type": "object", "required": ["seq", "status"], "properties": {
            "seq": { "type": "integer" }, "status": { "type": "string", "enum": codes::<CaseStatus>() } } },
        "Open311Service": { "type": "object", "required": ["service_code", "service_name"], "properties": {
            "service_code": { "type": "string" }, "service_name": { "type": "string" }, "description": { "type": "string" },
            "metadata": { "type": "boolean" }, "type": { "type": "string" }, "keywords": { "type": "string" }, "group": { "type": "string" } } },
        "Open311Request": { "type": "object", "required": ["service_request_id", "status"], "properties": {
            "service_request_id": { "type": "string" }, "status": { "type": "string", "enum": ["open", "closed"] },
            "status_notes": { "type": "string", "description": "the office's newest public reply; empty unless the citizen chose to publish the text" },
            "service_name": { "type": "string" }, "service_code": { "type": "string" },
            "description": { "type": "string", "description": "empty unless the citizen chose to publish the text" }, "agency_responsible": { "type": "string" }, "service_notice": { "type": "string" },
            "requested_datetime": { "type": "string" }, "updated_datetime": { "type": "string" }, "expected_datetime": { "type": "string" },
            "address": { "type": "string", "description": "the place's name in the directory (the client's address_string only when the text is public)" },
            "address_id": { "type": "string" }, "zipcode": { "type": "string" },
            "lat": { "type": ["number", "null"], "description": "null unless the citizen chose to publish the text" },
            "long": { "type": ["number", "null"], "description": "null unless the citizen chose to publish the text" },
            "media_url": { "type": "string", "description": "empty unless the citizen chose to publish the text and a photo was received: then the path of that photo's checked copy (no metadata)" } } },
        "Open311NewRequest": { "type": "object", "required": ["api_key", "service_code"], "properties": {
            "api_key": { "type": "string" }, "service_code": { "type": "string" },
            "address_id": { "type": "string" }, "address_string": { "type": "string" },
            "lat": { "type": "string" }, "long": { "type": "string" },
            "description": { "type": "string" }, "first_name": { "type": "string" }, "last_name": { "type": "string" },
            "phone": { "type": "string" }, "email": { "type": "string" },
            "attribute[kind]": { "type": "string" }, "attribute[privacy]": { "type": "string" }, "attribute[overall]": { "type": "string" },
            "attribute[publish_description]": { "type": "string", "enum": ["true", "false"], "description": "the citizen chose to make the description public (default false); refused for complaints about office staff, confidential requests and evaluations" } } },
        "Open311Errors": { "type": "array", "items": { "type": "object", "required": ["code", "description"], "properties": {
            "code": { "type": "integer" }, "description": { "type": "string" } } } },
    })
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    paths.insert("/api/v1/submissions".into(), json!({ "post": {
        "summary": "Send a batch of submissions (idempotent by id; gzip accepted)", "tags": ["app"],
        "requestBody": json_body(reference("SubmitBatchRequest")),
        "responses": {
            "200": json_answer("one result per item, in order", reference("SubmitBatchResponse")),
            "400": api_error("malformed JSON or batch"), "413": api_error("body or batch too large"),
            "415": api_error("not JSON"),
            "429": api_error("rate limited, or this address's hourly quota of new cases is used (new_cases_quota): keep the items and retry after Retry-After"),
            "503": api_error("busy or storage unavailable: retry after Retry-After") } } }));
    paths.insert("/api/v1/updates".into(), json!({ "post": {
        "summary": "Status changes and replies of this device's submissions, proven by their secrets", "tags": ["app"],
        "requestBody": json_body(reference("UpdatesRequest")),
        "responses": { "200": json_answer("events after each item's cursor", reference("UpdatesResponse")),
            "400": api_error("malformed request"), "413": api_error("too many items"), "415": api_error("not JSON") } } }));
    paths.insert("/api/v1/answers".into(), json!({ "post": {
        "summary": "The citizen answers the office's question", "tags": ["app"],
        "requestBody": json_body(reference("CitizenAnswerRequest")),
        "responses": { "200": json_answer("the new event", reference("CaseActionResponse")),
            "400": api_error("malformed request"), "404": api_error("no such submission or wrong secret"),
            "409": api_error("no open question, or request_id reused"), "415": api_error("not JSON") } } }));
    paths.insert("/api/v1/ratings".into(), json!({ "post": {
        "summary": "The citizen rates the office's answer (1–2 reopens it)", "tags": ["app"],
        "requestBody": json_body(reference("RatingRequest")),
        "responses": { "200": json_answer("the new event", reference("CaseActionResponse")),
            "400": api_error("malformed request or rating"), "404": api_error("no such submission or wrong secret"),
            "409": api_error("nothing to rate yet, or request_id reused"), "415": api_error("not JSON") } } }));
    let attachment_parameters = json!([
        path_parameter("case", "the submission's id"),
        path_parameter("attachment", "the attachment's id, as declared"),
        { "name": "authorization", "in": "header", "required": true, "description": "Secret <the submission's secret>", "schema": { "type": "string" } },
    ]);
    paths.insert("/api/v1/submissions/{case}/attachments/{attachment}".into(), json!({
        "get": {
            "summary": "How much of a declared photo or voice note the server holds, and where it stands", "tags": ["app"],
            "parameters": attachment_parameters,
            "responses": { "200": json_answer("the attachment's status", reference("AttachmentStatus")),
                "404": api_error("no such submission, wrong secret, or an attachment the submission did not declare (all alike)") } },
        "put": {
            "summary": "One piece of a photo or voice note, starting where the server's copy ends (resumable; every byte that arrives is kept)", "tags": ["app"],
            "parameters": attachment_parameters.as_array().into_iter().flatten().cloned().chain([
                json!({ "name": "upload-offset", "in": "header", "required": true, "description": "where the piece starts, in bytes", "schema": { "type": "integer", "minimum": 0 } })
            ]).collect::<Vec<_>>(),
            "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary", "maxLength": ourvoice_protocol::MAX_UPLOAD_PIECE_BYTES } } } },
            "responses": { "200": json_answer("the attachment's status after the piece (received or refused once complete and checked)", reference("AttachmentStatus")),
                "400": api_error("no upload-offset"),
                "404": api_error("no such submission, wrong secret, or an attachment the submission did not declare (all alike)"),
                "409": json_answer("the piece does not start where the server's copy ends: continue from received", reference("AttachmentStatus")),
                "413": api_error("piece too large"), "415": api_error("not application/octet-stream"),
                "503": api_error("busy or storage unavailable: retry after Retry-After") } },
    }));
    paths.insert("/api/v1/directory".into(), json!({ "get": {
        "summary": "Every unit, office and service category (ETag / If-None-Match)", "tags": ["app"],
        "responses": { "200": json_answer("the directory", json!({ "type": "object" })), "304": { "description": "not modified" } } } }));
    paths.insert("/api/v1/offices".into(), json!({ "get": {
        "summary": "The telephones and opening hours offices gave (ETag / If-None-Match)", "tags": ["app"],
        "responses": { "200": json_answer("the offices' contacts", reference("OfficeContacts")), "304": { "description": "not modified" } } } }));
    paths.insert("/api/v1/places".into(), json!({ "get": {
        "summary": "Place search for the place picker", "tags": ["app"],
        "parameters": [query("q", "Khmer or Latin text, at most 200 characters"), query("lang", "km or en"), query("limit", "1 to 50")],
        "responses": { "200": json_answer("results", json!({ "type": "object" })), "400": api_error("bad parameter") } } }));
    paths.insert(
        "/api/openapi.json".into(),
        json!({ "get": {
        "summary": "This document", "tags": ["meta"],
        "responses": { "200": json_answer("OpenAPI 3.1", json!({ "type": "object" })) } } }),
    );
    paths.insert(
        "/healthz".into(),
        json!({ "get": {
        "summary": "The process is alive (the database is not asked)", "tags": ["meta"],
        "responses": { "200": json_answer("ok", json!({ "type": "object" })) } } }),
    );
    paths.insert("/readyz".into(), json!({ "get": {
        "summary": "The server can serve: its database answers and its schema is migrated", "tags": ["meta"],
        "responses": { "200": json_answer("ok", json!({ "type": "object" })), "503": api_error("database unavailable") } } }));
    open311_paths(&mut paths);
    open311_media(&mut paths);
    scorecard_paths(&mut paths);
    let mut schemas = schemas();
    if let (Some(all), Value::Object(more)) = (schemas.as_object_mut(), scorecard_schemas()) {
        all.extend(more);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Our Voice API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The citizen app's sync API (/api/v1), an Open311 GeoReport v2 endpoint over the same cases, and the public scorecards as open data (/open/data, CC BY 4.0).",
            "license": { "name": "MIT", "identifier": "MIT" },
        },
        "paths": paths,
        "components": { "schemas": schemas },
    })
}
