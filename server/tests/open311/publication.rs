//! What Open311 publishes: on every public route, in both formats, coded fields only, and the
//! text, the office's replies and the location only of the items whose citizen chose to
//! publish them (never of complaints about staff, confidential items or evaluations); contact
//! details never.

use crate::client::*;

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
    let mut app_plain = crate::support::complaint("APP-PLAIN-TEXT");
    app_plain.publish_text = false;
    let mut app_public = crate::support::complaint("APP-PUBLISHED-TEXT pothole");
    app_public.publish_text = true;
    let mut app_staff = crate::support::complaint("APP-STAFF-TEXT");
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
    // A listing is made once per second and query: the next second's is read from the cases.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
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
    on_each_engine(publication_on).await;
}
