//! The HTTP API of the real server binary on loopback: idempotent batches, per-item errors,
//! limits, updates, the directory and place search, rate limiting and graceful shutdown.

mod support;

use flate2::{write::GzEncoder, Compression};
use ourvoice_protocol::{
    CaseStatus, ItemKey, ItemOutcome, Privacy, Secret, SubmitBatchResponse, UpdatesResponse,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Write;
use support::{complaint, on_each_engine, ServerProcess, TestDb, Val};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    fn new(server: &ServerProcess) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: server.url(),
        }
    }

    async fn post_raw(
        &self,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut request = self.http.post(format!("{}{path}", self.base)).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.post_raw(
            path,
            serde_json::to_vec(body).unwrap(),
            &[("content-type", "application/json")],
        )
        .await
    }

    async fn submit(&self, items: Value) -> SubmitBatchResponse {
        let (status, body) = self
            .post("/api/v1/submissions", &json!({ "items": items }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }
}

fn outcome_line(result: &ourvoice_protocol::ItemResult) -> String {
    match &result.outcome {
        ItemOutcome::Accepted { office, status, .. } => {
            format!("{} accepted {office} {}", result.index, status.as_str())
        }
        ItemOutcome::Rejected { errors } => {
            let codes: Vec<String> = errors
                .iter()
                .map(|e| format!("{} {}", e.code, e.field))
                .collect();
            format!("{} rejected {}", result.index, codes.join(", "))
        }
        ItemOutcome::Conflict => format!("{} conflict", result.index),
    }
}

async fn a_batch_is_answered_item_by_item_and_idempotently_on(db: TestDb) {
    let server = ServerProcess::start(&db, &[]);
    let api = Api::new(&server);

    let good = complaint("ផ្លូវខូច");
    let mut staff = complaint("មន្ត្រីសុំលុយ");
    staff.about_office_staff = true;
    let mut district = complaint("OWSO");
    district.place = "1201".into();
    district.category = "business_licence".into();
    let mut province = complaint("OWSU");
    province.place = "21".into();
    province.category = "land".into();
    let mut empty = complaint("");
    empty.place = "999999".into();
    let items = json!([good, staff, district, province, empty, {"id": 7}, "text"]);

    let first = api.submit(items.clone()).await;
    let lines: Vec<String> = first.results.iter().map(outcome_line).collect();
    assert_eq!(
        lines,
        [
            "0 accepted CH-120101 received",
            "1 accepted DCO-1201 received",
            "2 accepted OWSO-1201 received",
            "3 accepted OWSU-21 received",
            "4 rejected place_unknown place, description_required description",
            "5 rejected malformed id",
            "6 rejected malformed ",
        ]
    );
    let numbers: Vec<u64> = first
        .results
        .iter()
        .filter_map(|r| match r.outcome {
            ItemOutcome::Accepted { server_number, .. } => Some(server_number),
            _ => None,
        })
        .collect();
    assert_eq!(numbers.len(), 4);
    // Each says when the office should answer by: the case's deadline, some working days on.
    for result in &first.results {
        if let ItemOutcome::Accepted {
            received_at,
            answer_by,
            ..
        } = &result.outcome
        {
            let days = (answer_by.expect("a deadline") - *received_at).num_days();
            assert!((1..=60).contains(&days), "{days} days");
        }
    }

    // The same batch again: the same answer, nothing stored twice.
    let again = api.submit(items).await;
    assert_eq!(again, first);

    // The same id with another body is a conflict; the original stays.
    let mut changed = good.clone();
    changed.description.push_str(" (edited)");
    let conflict = api.submit(json!([changed, complaint("new one")])).await;
    let lines: Vec<String> = conflict.results.iter().map(outcome_line).collect();
    assert_eq!(lines, ["0 conflict", "1 accepted CH-120101 received"]);

    // In one batch (written by one statement): an item twice is stored once and answered
    // the same twice; the same id with another body after it is a conflict.
    let twice = complaint("sent twice in one batch");
    let mut other_body = twice.clone();
    other_body.description.push_str(" (edited)");
    let answer = api.submit(json!([twice, twice, other_body])).await;
    let lines: Vec<String> = answer.results.iter().map(outcome_line).collect();
    assert_eq!(
        lines,
        [
            "0 accepted CH-120101 received",
            "1 accepted CH-120101 received",
            "2 conflict"
        ]
    );
    assert_eq!(answer.results[0].outcome, answer.results[1].outcome);
    assert_eq!(
        db.count(
            "SELECT count(*) FROM cases WHERE id = $1",
            &[Val::from(twice.id.to_string())]
        ),
        1
    );

    // Updates: only with the right secret, only after `since`.
    let seq_of_good = match &first.results[0].outcome {
        ItemOutcome::Accepted { seq, .. } => *seq,
        other => panic!("{other:?}"),
    };
    let ask =
        |secret: Secret, since: u64| json!({ "items": [ItemKey { id: good.id, secret, since }] });
    let (status, body) = api
        .post("/api/v1/updates", &ask(good.secret.clone(), 0))
        .await;
    assert_eq!(status, StatusCode::OK);
    let updates: UpdatesResponse = serde_json::from_value(body).unwrap();
    assert_eq!(updates.updates.len(), 1);
    assert_eq!(
        (updates.updates[0].seq, updates.updates[0].status),
        (seq_of_good, CaseStatus::Received)
    );
    let (_, body) = api
        .post("/api/v1/updates", &ask(Secret::generate(), 0))
        .await;
    assert_eq!(
        body,
        json!({ "updates": [] }),
        "a wrong secret reveals nothing"
    );
    let (_, body) = api
        .post("/api/v1/updates", &ask(good.secret.clone(), seq_of_good))
        .await;
    assert_eq!(body, json!({ "updates": [] }));

    let mut server = server;
    assert!(server.terminate().success());
    // Four from the first batch, "new one", and the item sent twice in one batch.
    let row = &db.query("SELECT count(*), count(DISTINCT id) FROM cases", &[])[0];
    assert_eq!((row.int(0).unwrap(), row.int(1).unwrap()), (6, 6));
    let secret_in_db = db.count(
        "SELECT count(*) FROM cases WHERE secret_digest = $1",
        &[Val::from(good.secret.expose())],
    );
    assert_eq!(secret_in_db, 0, "secrets are stored only as digests");
}

async fn confidential_contact_is_kept_and_anonymous_has_none_on(db: TestDb) {
    let mut server = ServerProcess::start(&db, &[]);
    let api = Api::new(&server);
    let mut confidential = complaint("ត្រូវការជំនួយ");
    confidential.privacy = Privacy::Confidential {
        name: "សុខ ចាន់".into(),
        phone: "+85512345678".into(),
    };
    let anonymous = complaint("អនាមិក");
    let answer = api.submit(json!([confidential, anonymous])).await;
    assert!(answer
        .results
        .iter()
        .all(|r| matches!(r.outcome, ItemOutcome::Accepted { .. })));
    assert!(server.terminate().success());
    let rows: Vec<(String, Option<String>, Option<String>)> = db
        .query(
            "SELECT privacy, contact_name, contact_phone FROM cases ORDER BY privacy DESC",
            &[],
        )
        .iter()
        .map(|r| {
            (
                r.text(0).unwrap(),
                r.opt_text(1).unwrap(),
                r.opt_text(2).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "confidential".into(),
                Some("សុខ ចាន់".into()),
                Some("+85512345678".into())
            ),
            ("anonymous".into(), None, None)
        ]
    );
}

async fn bad_input_gets_a_4xx_naming_the_problem_never_a_500_on(db: TestDb) {
    let server = ServerProcess::start(
        &db,
        &["--max-body-bytes", "65536", "--max-batch-items", "3"],
    );
    let api = Api::new(&server);
    let json_type = [("content-type", "application/json")];
    let check = |(status, body): (StatusCode, Value), expect_status: u16, expect_code: &str| {
        assert_eq!(status.as_u16(), expect_status, "{body}");
        assert_eq!(body["error"], expect_code, "{body}");
        assert!(!body["message"].as_str().unwrap_or("").is_empty());
    };
    let submissions = "/api/v1/submissions";
    check(
        api.post_raw(submissions, b"{not json".to_vec(), &json_type)
            .await,
        400,
        "malformed_json",
    );
    check(
        api.post_raw(
            submissions,
            b"{}".to_vec(),
            &[("content-type", "text/plain")],
        )
        .await,
        415,
        "unsupported_media_type",
    );
    check(
        api.post(submissions, &json!([1])).await,
        400,
        "malformed_batch",
    );
    check(
        api.post(submissions, &json!({"items": {}})).await,
        400,
        "malformed_batch",
    );
    let four = json!({"items": [complaint("a"), complaint("b"), complaint("c"), complaint("d")]});
    check(api.post(submissions, &four).await, 413, "batch_too_large");
    let huge = json!({"items": [{"description": "x".repeat(70_000)}]});
    check(api.post(submissions, &huge).await, 413, "body_too_large");
    // A small gzip body that inflates past the limit is refused after decompression.
    let bomb = gzip(serde_json::to_vec(&huge).unwrap().as_slice());
    assert!(bomb.len() < 65_536);
    check(
        api.post_raw(
            submissions,
            bomb,
            &[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
        )
        .await,
        413,
        "body_too_large",
    );
    check(
        api.post_raw(
            submissions,
            b"\x1f\x8b\x08\x00garbage".to_vec(),
            &[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
        )
        .await,
        400,
        "body_unreadable",
    );
    check(
        api.post("/api/v1/updates", &json!({"items": [{"id": "nope"}]}))
            .await,
        400,
        "malformed_request",
    );

    // A well-formed gzip batch is taken.
    let batch = serde_json::to_vec(&json!({"items": [complaint("gzip")]})).unwrap();
    let (status, body) = api
        .post_raw(
            submissions,
            gzip(&batch),
            &[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["results"][0]["outcome"], "accepted");

    // Random damage to a valid body: always an answer below 500.
    let valid = serde_json::to_vec(&json!({"items": [complaint("x"), complaint("y")]})).unwrap();
    for round in 0..300 {
        let mut damaged = valid.clone();
        for _ in 0..(1 + round % 5) {
            let at = rand::random_range(0..damaged.len());
            damaged[at] = rand::random();
        }
        let (status, body) = api.post_raw(submissions, damaged, &json_type).await;
        assert!(
            status.is_success() || status.is_client_error(),
            "round {round}: {status} {body}"
        );
    }
}

async fn directory_is_versioned_and_places_are_searchable_on(db: TestDb) {
    let server = ServerProcess::start(&db, &[]);
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/directory", server.url());
    let first = http.get(&url).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let body: Value = first.json().await.unwrap();
    assert_eq!(format!("\"{}\"", body["version"].as_str().unwrap()), etag);
    let again = http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let stale = http
        .get(&url)
        .header("if-none-match", "\"old\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);

    let places = |query: &str| {
        let http = http.clone();
        let url = format!("{}/api/v1/places?{query}", server.url());
        async move {
            let response = http.get(url).send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = places("q=takeo&lang=en&limit=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"][0]["code"], "21");
    assert_eq!(body["results"].as_array().unwrap().len(), 1);
    let (_, body) = places("q=%E1%9E%8F%E1%9E%B6%E1%9E%80%E1%9F%82%E1%9E%9C").await;
    assert_eq!(body["results"][0]["path"], "ខេត្តតាកែវ");
    let (status, body) = places("q=x&lang=fr").await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("lang_unknown"))
    );
    let (status, body) = places("q=x&limit=0").await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("limit_invalid"))
    );
    let (status, body) = places(&format!("q={}", "a".repeat(201))).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("query_too_long"))
    );
    let (status, body) = places("").await;
    assert_eq!((status, body), (StatusCode::OK, json!({"results": []})));

    // The offices' telephones and hours: none yet, then what an administrator gave, with an
    // ETag that changes with them.
    let url = format!("{}/api/v1/offices", server.url());
    let first = http.get(&url).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        first.json::<Value>().await.unwrap(),
        json!({ "offices": [] })
    );
    let unchanged = http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    db.batch(
        "INSERT INTO office_settings (office, receiving, phone, hours, updated_at) VALUES
         ('OWSO-1201', 1, '023 123 456', 'ច័ន្ទ–សុក្រ 7:30–17:00', '2026-12-01T00:00:00.000Z'),
         ('CH-120101', 1, NULL, NULL, '2026-12-01T00:00:00.000Z')",
    );
    let changed = http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(
        changed.json::<Value>().await.unwrap(),
        json!({ "offices": [{ "office": "OWSO-1201", "phone": "023 123 456", "hours": "ច័ន្ទ–សុក្រ 7:30–17:00" }] }),
        "only offices that gave a telephone or hours"
    );
    let post = http.post(&url).body("x").send().await.unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);

    let health: Value = http
        .get(format!("{}/healthz", server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
}

async fn one_address_is_rate_limited_on(db: TestDb) {
    let server = ServerProcess::start(
        &db,
        &["--rate-limit-per-second", "1", "--rate-limit-burst", "3"],
    );
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = http
            .get(format!("{}/healthz", server.url()))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(response.headers()["retry-after"], "1");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"], "rate_limited");
        }
    }
    assert_eq!(&statuses[..3], [200, 200, 200]);
    assert_eq!(statuses[4], 429);
}

/// SIGTERM sent the moment the server says it listens stops it as cleanly as any other: the
/// signal was once listened for only as serving began, and one sent before that killed the
/// server at once (exit by signal, nothing drained).
#[test]
fn a_sigterm_as_soon_as_the_server_listens_stops_it_cleanly() {
    let db = TestDb::new(support::Engine::Sqlite);
    for _ in 0..5 {
        let mut server = ServerProcess::start(&db, &[]);
        assert!(server.terminate().success());
    }
}

async fn sigterm_finishes_the_batches_under_way_on(db: TestDb) {
    let mut server = ServerProcess::start(&db, &[]);
    let api = std::sync::Arc::new(Api::new(&server));
    let mut sending = Vec::new();
    for device in 0..8 {
        let api = std::sync::Arc::clone(&api);
        sending.push(tokio::spawn(async move {
            let items: Vec<_> = (0..200)
                .map(|n| complaint(&format!("device {device} item {n}")))
                .collect();
            api.submit(serde_json::to_value(items).unwrap()).await
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let pid = server.pid();
    let stop = tokio::task::spawn_blocking(move || {
        let status = server.terminate();
        (server, status)
    });
    let mut answered = 0;
    for task in sending {
        // A request that reached the server before SIGTERM is answered in full; one that came
        // after finds the port closed. Either way nothing is half-written.
        if let Ok(answer) = task.await {
            assert!(answer
                .results
                .iter()
                .all(|r| matches!(r.outcome, ItemOutcome::Accepted { .. })));
            answered += answer.results.len() as i64;
        }
    }
    let (_server, status) = stop.await.unwrap();
    assert!(status.success(), "server {pid} exited with {status}");
    let stored = db.count("SELECT count(*) FROM cases", &[]);
    assert_eq!(
        stored, answered,
        "every answered item is stored, and only those"
    );
    if db.engine == support::Engine::Sqlite {
        let check = &db.query("PRAGMA integrity_check", &[])[0];
        assert_eq!(check.text(0).unwrap(), "ok");
    }
}

#[tokio::test]
async fn a_batch_is_answered_item_by_item_and_idempotently() {
    on_each_engine(a_batch_is_answered_item_by_item_and_idempotently_on).await;
}

#[tokio::test]
async fn confidential_contact_is_kept_and_anonymous_has_none() {
    on_each_engine(confidential_contact_is_kept_and_anonymous_has_none_on).await;
}

#[tokio::test]
async fn bad_input_gets_a_4xx_naming_the_problem_never_a_500() {
    on_each_engine(bad_input_gets_a_4xx_naming_the_problem_never_a_500_on).await;
}

#[tokio::test]
async fn directory_is_versioned_and_places_are_searchable() {
    on_each_engine(directory_is_versioned_and_places_are_searchable_on).await;
}

#[tokio::test]
async fn one_address_is_rate_limited() {
    on_each_engine(one_address_is_rate_limited_on).await;
}

#[tokio::test]
async fn sigterm_finishes_the_batches_under_way() {
    on_each_engine(sigterm_finishes_the_batches_under_way_on).await;
}

#[tokio::test]
async fn the_server_reconnects_when_postgres_drops_its_connections() {
    let db = TestDb::new(support::Engine::Postgres);
    let server = ServerProcess::start(&db, &[]);
    let api = Api::new(&server);
    let first = complaint("មុន");
    api.submit(json!([first])).await;
    // The database ends every connection of the server (as a restart or an admin would).
    let terminated = db.count(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()) AS t",
        &[],
    );
    assert!(terminated >= 2, "the writer and a reader were connected");
    // A request may fail while the server notices (503, retry later); then all works again.
    let second = complaint("ក្រោយ");
    let mut answered = None;
    for _ in 0..3 {
        let (status, body) = api
            .post("/api/v1/submissions", &json!({ "items": [second] }))
            .await;
        assert!(
            status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
            "{status} {body}"
        );
        if status == StatusCode::OK {
            answered = Some(body);
            break;
        }
    }
    let body = answered.expect("the server recovered within 3 tries");
    assert_eq!(body["results"][0]["outcome"], "accepted", "{body}");
    let ask = json!({ "items": [{ "id": second.id, "secret": second.secret, "since": 0 }] });
    let mut read = None;
    for _ in 0..3 {
        let (status, body) = api.post("/api/v1/updates", &ask).await;
        if status == StatusCode::OK {
            read = Some(body);
            break;
        }
    }
    assert_eq!(
        read.expect("reads recovered")["updates"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(db.count("SELECT count(*) FROM cases", &[]), 2);
}
