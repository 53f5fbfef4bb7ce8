//! Conformance of `/open311/v2/` with the GeoReport v2 text, on both engines: every endpoint in
//! both formats, every filter of `requests`, every error with the spec's status codes and
//! shapes, API keys, and what is published: on every public route, in both formats, coded
//! fields only, and the text, the office's replies and the location only of the items whose
//! citizen chose to publish them (never of complaints about staff, confidential items or
//! evaluations); contact details never.

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use std::process::Command;
use support::{ServerProcess, TestDb, Val};

fn api_key(db: &TestDb, name: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
        .args(["--database", &db.url, "create-api-key", "--name", name])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn revoke(db: &TestDb, name: &str) -> bool {
    Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
        .args(["--database", &db.url, "revoke-api-key", "--name", name])
        .status()
        .unwrap()
        .success()
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn get(&self, path: &str) -> (StatusCode, String, String) {
        let response = self
            .http
            .get(format!("{}/open311/v2/{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let kind = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, kind, response.text().await.unwrap())
    }

    async fn json(&self, path: &str) -> (StatusCode, Value) {
        let (status, kind, body) = self.get(path).await;
        assert!(kind.starts_with("application/json"), "{path}: {kind}");
        (
            status,
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")),
        )
    }

    async fn post(&self, format: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = self
            .http
            .post(format!("{}/open311/v2/requests.{format}", self.base))
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

fn error_code(body: &Value) -> i64 {
    body[0]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not a spec error: {body}"))
}

async fn conformance_on(db: TestDb) {
    let key = api_key(&db, "fixmystreet");
    let revoked = api_key(&db, "old-client");
    assert!(revoke(&db, "old-client"));
    assert!(!revoke(&db, "nobody"));
    let server = ServerProcess::start(&db, &[]);
    let client = Client {
        http: reqwest::Client::new(),
        base: server.url(),
    };

    // Discovery and services, both formats.
    let (status, discovery) = client.json("discovery.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        discovery["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    let (_, kind, xml) = client.get("discovery.xml").await;
    assert!(kind.starts_with("text/xml"));
    assert!(
        xml.contains("<discovery>")
            && xml.contains("<endpoints><endpoint>")
            && xml.contains("<format>text/xml</format>"),
        "{xml}"
    );
    let (_, services) = client.json("services.json").await;
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 10, "{codes:?}");
    assert!(codes.contains(&"civil_registration") && codes.contains(&"land"));
    assert!(services
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["metadata"] == true && s["type"] == "realtime"));
    let (_, _, xml) = client.get("services.xml").await;
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<services><service>")
            && xml.contains("<service_code>land</service_code>")
    );

    // Service definitions: attributes for kind, ratings and privacy.
    let (status, definition) = client.json("services/land.json").await;
    assert_eq!(status, StatusCode::OK);
    let attributes: Vec<&str> = definition["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    for code in [
        "kind",
        "privacy",
        "overall",
        "speed",
        "staff_attitude",
        "fees_as_posted",
        "clarity_of_information",
        "facilities_and_access",
    ] {
        assert!(
            attributes.contains(&code),
            "{code} missing from {attributes:?}"
        );
    }
    let (_, _, xml) = client.get("services/land.xml").await;
    assert!(
        xml.contains("<service_definition>")
            && xml.contains("<attributes><attribute>")
            && xml.contains("<values><value><key>")
    );
    let (status, body) = client.json("services/bribes.json").await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, 404));
    let (status, _, xml) = client.get("services/bribes.xml").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        xml.contains("<errors><error><code>404</code><description>"),
        "{xml}"
    );
    let (status, _, _) = client.get("services.html").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Creating requests: the errors first.
    let valid = [
        ("api_key", key.as_str()),
        ("service_code", "civil_registration"),
        ("address_id", "120101"),
        ("description", "Waited three weeks for a birth certificate"),
    ];
    let (status, body) = client.post("json", &valid[1..]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_code(&serde_json::from_str(&body).unwrap()), 403);
    let mut with_revoked = valid;
    with_revoked[0] = ("api_key", revoked.as_str());
    assert_eq!(
        client.post("json", &with_revoked).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, xml) = client
        .post("xml", &[("api_key", "wrong"), ("service_code", "land")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(xml.contains("<errors><error><code>403</code>"));
    for (fields, expect) in [
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "bribes"),
                ("address_id", "120101"),
                ("description", "x"),
            ],
            "service_code",
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "land"),
                ("description", "x"),
            ],
            "location is required",
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "land"),
                ("address_id", "999999"),
                ("description", "x"),
            ],
            "address_id",
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "land"),
                ("address_string", "Atlantis"),
                ("description", "x"),
            ],
            "address_string",
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "civil_registration"),
                ("address_id", "120101"),
            ],
            "description_required",
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "civil_registration"),
                ("address_id", "120101"),
                ("description", "x"),
                ("attribute[kind]", "praise"),
            ],
            "attribute[kind]",
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "land"),
                ("address_id", "21"),
                ("attribute[kind]", "evaluation"),
            ],
            "rating_out_of_range",
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "land"),
                ("address_id", "21"),
                ("description", "x"),
                ("lat", "north"),
            ],
            "lat",
        ),
        (
            vec![
                ("api_key", key.as_str()),
                ("service_code", "land"),
                ("address_id", "21"),
                ("description", "x"),
                ("first_name", "Dara"),
                ("phone", "12"),
            ],
            "phone_invalid",
        ),
    ] {
        let (status, body) = client.post("json", &fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{fields:?}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error_code(&body), 400);
        assert!(
            body[0]["description"].as_str().unwrap().contains(expect),
            "{fields:?}: {body}"
        );
    }

    // Then requests that are taken.
    let (status, body) = client.post("json", &valid).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let first = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        created[0].get("token").is_none(),
        "the spec: no token with a service_request_id: {created}"
    );
    let token = db.query(
        "SELECT id FROM cases WHERE number = $1",
        &[Val::Int(first.parse().unwrap())],
    )[0]
    .text(0)
    .unwrap();
    let located = [
        ("api_key", key.as_str()),
        ("service_code", "business_licence"),
        ("address_string", "Khan Chamkar Mon, Phnom Penh"),
        ("lat", "11.5449"),
        ("long", "104.9282"),
        ("description", "<script>alert(1)</script> & fees"),
        ("attribute[asked_extra_payment]", "true"),
        ("attribute[publish_description]", "true"),
    ];
    let (status, xml) = client.post("xml", &located).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<service_requests><request>")
            && xml.contains("<service_request_id>"),
        "{xml}"
    );
    let second = xml
        .split("<service_request_id>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let confidential = [
        ("api_key", key.as_str()),
        ("service_code", "land"),
        ("address_id", "OWSU-21"),
        ("description", "My neighbour took my land"),
        ("first_name", "Sok"),
        ("last_name", "Dara"),
        ("phone", "012 345 678"),
        ("email", "dara@example.org"),
    ];
    let (status, body) = client.post("json", &confidential).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let third = serde_json::from_str::<Value>(&body).unwrap()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let evaluation = [
        ("api_key", key.as_str()),
        ("service_code", "land"),
        ("address_id", "OWSO-1201"),
        ("attribute[kind]", "evaluation"),
        ("attribute[overall]", "4"),
        ("attribute[speed]", "2"),
        ("attribute[privacy]", "anonymous"),
        ("first_name", "Ignored"),
    ];
    assert_eq!(client.post("json", &evaluation).await.0, StatusCode::OK);

    // Listing: defaults (last 90 days, at most 1,000), newest first.
    let (status, all) = client.json("requests.json").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[3], first);
    let by_id = |id: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|r| r["service_request_id"] == id)
            .unwrap()
            .clone()
    };
    let one = by_id(&first);
    assert_eq!(one["status"], "open");
    assert_eq!(one["service_code"], "civil_registration");
    assert_eq!(one["address_id"], "120101");
    assert!(
        one["agency_responsible"]
            .as_str()
            .unwrap()
            .contains("Tonle Basak"),
        "{one}"
    );
    assert!(
        one["expected_datetime"].as_str().unwrap() > one["requested_datetime"].as_str().unwrap()
    );
    let located_row = by_id(&second);
    assert_eq!(located_row["address_id"], "1201");
    assert_eq!(located_row["address"], "Khan Chamkar Mon, Phnom Penh");
    assert_eq!(
        (located_row["lat"].as_f64(), located_row["long"].as_f64()),
        (Some(11.5449), Some(104.9282))
    );
    assert_eq!(
        located_row["description"],
        "<script>alert(1)</script> & fees"
    );
    let private = by_id(&third);
    assert_eq!(
        private["description"], "",
        "no free text of confidential requests"
    );
    let listed = all.to_string();
    for secret in ["Sok", "Dara", "345", "dara@example.org"] {
        assert!(!listed.contains(secret), "{secret} leaked: {listed}");
    }
    let (_, _, xml) = client.get("requests.xml").await;
    assert!(
        xml.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; fees"),
        "XML escapes untrusted text"
    );
    assert!(!xml.contains("<script>"));

    // Filters: ids, service code, status, dates.
    let (_, picked) = client
        .json(&format!(
            "requests.json?service_request_id={first},{third}&service_code=business_licence"
        ))
        .await;
    assert_eq!(
        picked.as_array().unwrap().len(),
        2,
        "ids win over other filters"
    );
    let (_, land) = client.json("requests.json?service_code=land").await;
    assert_eq!(land.as_array().unwrap().len(), 2);
    let (_, two_codes) = client
        .json("requests.json?service_code=land,business_licence")
        .await;
    assert_eq!(two_codes.as_array().unwrap().len(), 3);
    db.batch(&format!(
        "UPDATE cases SET status = 'closed_resolved' WHERE number = {first}"
    ));
    db.batch(&format!(
        "INSERT INTO case_events (case_number, at, status, office, reply_kind, reply_text, action, public)
         VALUES ({first}, '2099-01-01T00:00:00.000Z', 'closed_resolved', 'CH-120101', 'answer', 'Your certificate is ready', 'reply', 1)"
    ));
    db.batch(&format!(
        "INSERT INTO case_events (case_number, at, status, office, reply_kind, reply_text, action, public)
         VALUES ({third}, '2099-01-01T00:00:00.000Z', 'answered', 'OWSU-21', 'answer', 'We will visit Sok Dara on Monday', 'reply', 1)"
    ));
    let (_, closed) = client.json("requests.json?status=closed").await;
    assert_eq!(closed.as_array().unwrap().len(), 1);
    assert_eq!(closed[0]["status"], "closed");
    assert_eq!(
        closed[0]["status_notes"], "",
        "the citizen did not choose to publish this one"
    );
    assert_eq!(closed[0]["updated_datetime"], "2099-01-01T00:00:00.000Z");
    let (_, open) = client.json("requests.json?status=open").await;
    assert_eq!(open.as_array().unwrap().len(), 3);
    assert!(
        !open.to_string().contains("Sok Dara"),
        "office notes of confidential requests stay out"
    );
    let (_, none) = client
        .json("requests.json?start_date=2030-01-01T00:00:00Z")
        .await;
    assert_eq!(none, Value::Array(Vec::new()));
    let (_, old) = client
        .json("requests.json?end_date=2020-01-01T00:00:00Z")
        .await;
    assert_eq!(old, Value::Array(Vec::new()));
    let (_, window) = client
        .json("requests.json?start_date=2020-01-01T00:00:00%2B07:00&end_date=2099-12-31T00:00:00Z")
        .await;
    assert_eq!(window.as_array().unwrap().len(), 4);
    for bad in [
        "requests.json?status=pending",
        "requests.json?start_date=yesterday",
        "requests.json?service_code=bribes",
        "requests.json?service_request_id=abc",
        "requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
    ] {
        let (status, body) = client.json(bad).await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::BAD_REQUEST, 400),
            "{bad}"
        );
    }

    // One request, and tokens.
    let (status, single) = client.json(&format!("requests/{first}.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(single.as_array().unwrap().len(), 1);
    assert_eq!(single[0]["service_request_id"], first.as_str());
    let (_, _, xml) = client.get(&format!("requests/{first}.xml")).await;
    assert!(xml.contains(&format!("<service_request_id>{first}</service_request_id>")));
    let (status, body) = client.json("requests/999999.json").await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, 404));
    let (status, tokens) = client.json(&format!("tokens/{token}.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tokens[0]["service_request_id"], first.as_str());
    let (status, _, xml) = client.get(&format!("tokens/{token}.xml")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains(&format!("<token>{token}</token>")));
    let (status, body) = client
        .json("tokens/8a5c7b4e-0000-4000-8000-000000000000.json")
        .await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, 404));

    // The stored rows: contact only for the confidential one, digests only for keys.
    assert_eq!(
        db.count(
            "SELECT count(*) FROM cases WHERE contact_phone = $1",
            &[Val::from("+85512345678")]
        ),
        1
    );
    assert_eq!(
        db.count(
            "SELECT count(*) FROM cases WHERE contact_name IS NOT NULL",
            &[]
        ),
        1
    );
    assert_eq!(
        db.count(
            "SELECT count(*) FROM api_keys WHERE key_digest = $1",
            &[Val::from(key.as_str())]
        ),
        0
    );
}

#[tokio::test]
async fn open311_conformance() {
    for db in TestDb::all() {
        println!("engine {:?}", db.engine);
        conformance_on(db).await;
    }
}

/// One item of the publication test: its number and token, and the words (its text, the
/// office's reply, the location a client gave) that only a published item may show.
struct Published {
    name: &'static str,
    number: String,
    token: String,
    words: Vec<String>,
    public: bool,
}

/// Whether each item's words appear in `body` exactly when the item is public (`only` limits
/// the check to the items the answer is about).
fn check_words(route: &str, body: &str, items: &[Published], only: Option<&str>) {
    for item in items {
        let shown = item.public && only.is_none_or(|number| number == item.number);
        for word in &item.words {
            assert_eq!(
                body.contains(word),
                shown,
                "{route}: '{word}' of the {} item {}: {body}",
                item.name,
                if shown { "must show" } else { "leaked" },
            );
        }
    }
}

async fn publication_on(db: TestDb) {
    let key = api_key(&db, "city-app");
    let server = ServerProcess::start(&db, &[]);
    let client = Client {
        http: reqwest::Client::new(),
        base: server.url(),
    };
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let client = &client;
        let key = key.clone();
        async move {
            let mut all = vec![("api_key", key.as_str())];
            all.extend(fields);
            let (status, body) = client.post("json", &all).await;
            (status, body)
        }
    };
    let created = |status: StatusCode, body: String| {
        assert_eq!(status, StatusCode::OK, "{body}");
        let created: Value = serde_json::from_str(&body).unwrap();
        assert!(created[0].get("token").is_none(), "{created}");
        created[0]["service_request_id"]
            .as_str()
            .unwrap()
            .to_string()
    };

    // Refused: the choice to publish where text may never be public, naming the field.
    for (name, fields) in [
        (
            "about staff",
            vec![("attribute[about_office_staff]", "true")],
        ),
        (
            "confidential",
            vec![("first_name", "Sok"), ("phone", "012 345 678")],
        ),
        (
            "evaluation",
            vec![
                ("attribute[kind]", "evaluation"),
                ("attribute[overall]", "2"),
            ],
        ),
    ] {
        let mut all = vec![
            ("service_code", "civil_registration"),
            ("address_id", "120101"),
            ("description", "REFUSED-TEXT"),
            ("attribute[publish_description]", "true"),
        ];
        all.extend(fields);
        let (status, body) = post(all).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        let description = body[0]["description"].as_str().unwrap();
        assert!(
            description.contains("publish_not_allowed")
                && description.contains("attribute[publish_description]"),
            "{name}: {description}"
        );
    }
    let (status, body) = post(vec![
        ("service_code", "land"),
        ("address_id", "120101"),
        ("description", "x"),
        ("attribute[publish_description]", "maybe"),
    ])
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("attribute[publish_description] must be true or false"));
    assert_eq!(
        db.count(
            "SELECT count(*) FROM cases WHERE description = 'REFUSED-TEXT'",
            &[]
        ),
        0
    );

    // Taken: one item of each sort, from an Open311 client and from the app.
    let location = |lat: &'static str, address: &'static str| {
        vec![
            ("address_id", "120101"),
            ("lat", lat),
            ("long", "104.9"),
            ("address_string", address),
        ]
    };
    let mut items = Vec::new();
    for (name, description, lat, address, extra, public) in [
        (
            "anonymous",
            "ANON-TEXT",
            "11.1111",
            "ANON-ADDRESS house 12",
            vec![],
            false,
        ),
        (
            "about staff",
            "STAFF-TEXT",
            "12.2222",
            "STAFF-ADDRESS",
            vec![("attribute[about_office_staff]", "true")],
            false,
        ),
        (
            "confidential",
            "CONFIDENTIAL-TEXT",
            "13.3333",
            "CONFIDENTIAL-ADDRESS",
            vec![
                ("first_name", "Chan"),
                ("last_name", "Thida"),
                ("phone", "097 123 4567"),
            ],
            false,
        ),
        (
            "evaluation",
            "EVALUATION-TEXT",
            "15.5555",
            "EVALUATION-ADDRESS",
            vec![
                ("attribute[kind]", "evaluation"),
                ("attribute[overall]", "3"),
            ],
            false,
        ),
        (
            "published",
            "PUBLISHED-TEXT the road to the market is broken",
            "14.4444",
            "PUBLISHED-ADDRESS street 5",
            vec![("attribute[publish_description]", "true")],
            true,
        ),
    ] {
        let mut fields = vec![
            ("service_code", "civil_registration"),
            ("description", description),
        ];
        fields.extend(location(lat, address));
        fields.extend(extra);
        let (status, body) = post(fields).await;
        let number = created(status, body);
        items.push(Published {
            name,
            number,
            token: String::new(),
            words: vec![description.into(), lat.into(), address.into()],
            public,
        });
    }
    let mut app_plain = support::complaint("APP-PLAIN-TEXT");
    app_plain.publish_text = false;
    let mut app_public = support::complaint("APP-PUBLISHED-TEXT pothole");
    app_public.publish_text = true;
    let mut app_staff = support::complaint("APP-STAFF-TEXT");
    app_staff.about_office_staff = true;
    app_staff.publish_text = true;
    let response: Value = client
        .http
        .post(format!("{}/api/v1/submissions", client.base))
        .json(&serde_json::json!({ "items": [app_plain, app_public, app_staff] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let results = &response["results"];
    assert_eq!(results[2]["outcome"], "rejected", "{response}");
    assert_eq!(results[2]["errors"][0]["code"], "publish_not_allowed");
    assert_eq!(results[2]["errors"][0]["field"], "publish_text");
    for (index, name, text, public) in [
        (0, "app anonymous", "APP-PLAIN-TEXT", false),
        (1, "app published", "APP-PUBLISHED-TEXT", true),
    ] {
        assert_eq!(results[index]["outcome"], "accepted", "{response}");
        items.push(Published {
            name,
            number: results[index]["server_number"].to_string(),
            token: String::new(),
            words: vec![text.into()],
            public,
        });
    }
    assert_eq!(
        db.count("SELECT count(*) FROM cases WHERE publish_text = 1", &[]),
        2
    );

    // The office answers each in public, and notes something internal on each.
    for item in &mut items {
        let number: i64 = item.number.parse().unwrap();
        item.token = db.query(
            "SELECT id FROM cases WHERE number = $1",
            &[Val::Int(number)],
        )[0]
        .text(0)
        .unwrap();
        let reply = format!("REPLY-{number}-office");
        db.batch(&format!(
            "INSERT INTO case_events (case_number, at, status, office, reply_kind, reply_text, action, public)
             VALUES ({number}, '2099-01-01T00:00:00.000Z', 'answered', 'CH-120101', 'answer', '{reply}', 'reply', 1);
             INSERT INTO case_events (case_number, at, status, office, reply_kind, reply_text, note, action, public)
             VALUES ({number}, '2099-01-02T00:00:00.000Z', 'answered', 'CH-120101', 'answer', 'INTERNAL-NOTE', 'INTERNAL-NOTE', 'note', 0)"
        ));
        item.words.push(reply);
    }

    // Every public route, in both formats.
    let contacts = ["Chan", "Thida", "+855", "971234567", "INTERNAL-NOTE"];
    for format in ["json", "xml"] {
        let route = format!("requests.{format}");
        let (status, _, body) = client.get(&route).await;
        assert_eq!(status, StatusCode::OK);
        check_words(&route, &body, &items, None);
        for contact in contacts {
            assert!(!body.contains(contact), "{route}: {contact} leaked: {body}");
        }
        for item in &items {
            let route = format!("requests/{}.{format}", item.number);
            let (status, _, body) = client.get(&route).await;
            assert_eq!(status, StatusCode::OK, "{route}");
            check_words(&route, &body, &items, Some(&item.number));
            for contact in contacts {
                assert!(!body.contains(contact), "{route}: {contact} leaked: {body}");
            }
            let route = format!("tokens/{}.{format}", item.token);
            let (status, _, body) = client.get(&route).await;
            assert_eq!(status, StatusCode::OK, "{route}");
            assert!(body.contains(&item.number), "{route}: {body}");
            check_words(&route, &body, &[], None);
            for word in &item.words {
                assert!(!body.contains(word), "{route}: {word} leaked: {body}");
            }
        }
    }

    // The coded fields are there for every item; the published one carries its text whole.
    let (_, all) = client.json("requests.json").await;
    for item in &items {
        let row = all
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["service_request_id"] == item.number.as_str())
            .unwrap_or_else(|| panic!("{} not listed", item.name));
        for field in [
            "service_code",
            "service_name",
            "agency_responsible",
            "address",
            "address_id",
            "requested_datetime",
            "updated_datetime",
        ] {
            assert!(
                !row[field].as_str().unwrap_or_default().is_empty(),
                "{}: {field} missing: {row}",
                item.name
            );
        }
        if !item.public {
            assert_eq!(
                (&row["description"], &row["status_notes"]),
                (&Value::from(""), &Value::from("")),
                "{}",
                item.name
            );
            assert_eq!((&row["lat"], &row["long"]), (&Value::Null, &Value::Null));
            assert!(
                row["address"].as_str().unwrap().contains("Tonle Basak"),
                "the place's name, not the address given: {row}"
            );
        }
    }
    let published = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service_request_id"] == items[4].number.as_str())
        .unwrap();
    assert_eq!(
        published["description"],
        "PUBLISHED-TEXT the road to the market is broken"
    );
    assert_eq!(
        published["status_notes"],
        format!("REPLY-{}-office", items[4].number)
    );
    assert_eq!(published["address"], "PUBLISHED-ADDRESS street 5");
    assert_eq!(
        (published["lat"].as_f64(), published["long"].as_f64()),
        (Some(14.4444), Some(104.9))
    );

    // A flag stored against the rules (say, by hand) still publishes nothing of those items.
    db.batch("UPDATE cases SET publish_text = 1");
    let (_, _, body) = client.get("requests.json").await;
    let forced: Vec<Published> = items
        .into_iter()
        .map(|item| Published {
            public: item.public || matches!(item.name, "anonymous" | "app anonymous"),
            ..item
        })
        .collect();
    check_words("requests.json after a forced flag", &body, &forced, None);
}

#[tokio::test]
async fn only_what_a_citizen_chose_is_published() {
    for db in TestDb::all() {
        println!("engine {:?}", db.engine);
        publication_on(db).await;
    }
}
