//! Conformance of `/open311/v2/` with the GeoReport v2 text: discovery, services and their
//! definitions in both formats; creating requests (every error with the spec's status codes
//! and shapes), listing, every filter, one request, tokens, and API keys.

use crate::client::*;

async fn discovery_on(db: TestDb) {
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
}

#[tokio::test]
async fn discovery_services_and_definitions() {
    on_each_engine(discovery_on).await;
}

async fn requests_on(db: TestDb) {
    let key = api_key(&db, "fixmystreet");
    let revoked = api_key(&db, "old-client");
    assert!(revoke(&db, "old-client"));
    assert!(!revoke(&db, "nobody"));
    let server = ServerProcess::start(&db, &[]);
    let client = Client {
        http: reqwest::Client::new(),
        base: server.url(),
    };

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
    // The phone as typed and as stored; not a part of it, which a random token may contain.
    for secret in ["Sok", "Dara", "012 345 678", "12345678", "dara@example.org"] {
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
async fn requests_are_created_listed_and_filtered() {
    on_each_engine(requests_on).await;
}

/// A key in use is revoked while the server runs (by another process, as another server of a
/// fleet would): once the second during which a valid key is trusted has passed, it is refused.
#[tokio::test]
async fn a_key_revoked_while_in_use_is_refused_after_a_second() {
    on_each_engine(revoked_while_in_use_on).await;
}

async fn revoked_while_in_use_on(db: TestDb) {
    let key = api_key(&db, "busy-client");
    let server = ServerProcess::start(&db, &[]);
    let client = Client {
        http: reqwest::Client::new(),
        base: server.url(),
    };
    let fields = [
        ("api_key", key.as_str()),
        ("service_code", "civil_registration"),
        ("address_id", "120101"),
        ("description", "Waited three weeks for a birth certificate"),
    ];
    for _ in 0..3 {
        let (status, body) = client.post("json", &fields).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert!(revoke(&db, "busy-client"));
    tokio::time::sleep(
        ourvoice_server::api_keys::ValidKeys::FOR + std::time::Duration::from_millis(300),
    )
    .await;
    let (status, body) = client.post("json", &fields).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}
