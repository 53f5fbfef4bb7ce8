//! Cases at their office: replies and questions that reach the app, the citizen's answers and
//! ratings (also through the device's sync engine), audited contact views, escaped text, and
//! the inbox's pages and export.

use crate::setup::*;

#[tokio::test]
async fn replies_questions_answers_and_ratings_travel_both_ways() {
    on_each_engine(replies_on).await;
}

async fn replies_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    accounts(&setup).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    let submission = complaint("សូមជួយ");
    let number = setup.submit(&submission).await;
    let item = format!("/console/items/{number}");
    // The item says whether the citizen chose to make its text (and so the public replies)
    // public on Open311.
    let mut published = complaint("ផ្លូវខូច");
    published.publish_text = true;
    let published = setup.submit(&published).await;
    officer.get("/console/lang/en").await;
    let row = |yes: &str| {
        format!("<tr><th scope=\"row\">Text and public replies shown on Open311 (the citizen&#39;s choice)</th><td>{yes}</td></tr>")
    };
    let page = officer.get(&format!("/console/items/{published}")).await;
    assert!(page.body.contains(&row("Yes")), "{}", page.body);
    let page = officer.get(&item).await;
    assert!(page.body.contains(&row("No")), "{}", page.body);
    let page = officer
        .submit(
            &item,
            &format!("{item}/reply"),
            &[("text", "តើអ្នកមកថ្ងៃណា?"), ("kind", "question")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let updates = setup.updates(&submission).await.updates;
    assert_eq!(updates.len(), 2);
    assert_eq!(
        updates[1].status,
        ourvoice_protocol::CaseStatus::AwaitingCitizen
    );
    let question = updates[1].reply.as_ref().unwrap();
    assert_eq!(
        (question.kind, question.text.as_str()),
        (ourvoice_protocol::ReplyKind::Question, "តើអ្នកមកថ្ងៃណា?")
    );

    // The citizen answers; a wrong secret and a bad body are refused.
    let (status, _) = setup
        .api("/api/v1/answers", &json!({ "id": submission.id, "secret": ourvoice_protocol::Secret::generate(), "text": "x" }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = setup
        .api(
            "/api/v1/answers",
            &json!({ "id": submission.id, "text": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = setup
        .api(
            "/api/v1/ratings",
            &json!({ "id": submission.id, "secret": submission.secret, "rating": 4 }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "nothing to rate before an answer"
    );
    let request_id = uuid::Uuid::new_v4();
    let answer = json!({ "id": submission.id, "secret": submission.secret, "text": "ថ្ងៃចន្ទ", "request_id": request_id });
    let (status, body) = setup.api("/api/v1/answers", &answer).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "in_progress");
    // A phone that lost that answer sends it again: the same answer, and nothing new happens.
    let (status, repeat) = setup.api("/api/v1/answers", &answer).await;
    assert_eq!((status, &repeat), (StatusCode::OK, &body));
    let (status, reused) = setup
        .api(
            "/api/v1/answers",
            &json!({ "id": submission.id, "secret": submission.secret, "text": "ថ្ងៃអង្គារ", "request_id": request_id }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(reused["error"], "request_id_reused");
    let page = officer.get(&item).await;
    assert!(
        page.body.contains("ថ្ងៃចន្ទ"),
        "the office sees the citizen's answer"
    );

    // The office answers; the app sees it; the citizen rates it low, which reopens the item.
    officer
        .submit(
            &item,
            &format!("{item}/reply"),
            &[("text", "បានដោះស្រាយ"), ("kind", "answer")],
        )
        .await;
    let updates = setup.updates(&submission).await.updates;
    let last = updates.last().unwrap();
    assert_eq!(last.status, ourvoice_protocol::CaseStatus::Answered);
    assert_eq!(last.reply.as_ref().unwrap().text, "បានដោះស្រាយ");
    assert!(
        updates
            .iter()
            .all(|u| u.reply.as_ref().is_none_or(|r| r.text != "ថ្ងៃចន្ទ")),
        "the citizen's own text is not sent back"
    );
    let (status, _) = setup
        .api(
            "/api/v1/ratings",
            &json!({ "id": submission.id, "secret": submission.secret, "rating": 9 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let rating = json!({ "id": submission.id, "secret": submission.secret, "rating": 2, "request_id": uuid::Uuid::new_v4() });
    let (status, body) = setup.api("/api/v1/ratings", &rating).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "in_progress");
    let (status, repeat) = setup.api("/api/v1/ratings", &rating).await;
    assert_eq!(
        (status, &repeat),
        (StatusCode::OK, &body),
        "a resent rating counts once"
    );
    let inbox = officer.get("/console/inbox").await.body;
    assert!(
        inbox.contains("Needs attention") || inbox.contains("ត្រូវការយកចិត្តទុកដាក់"),
        "the office is told"
    );
    // State changes: closing, then nothing more can be said.
    let page = officer
        .submit(
            &item,
            &format!("{item}/state"),
            &[("state", "closed_resolved")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        setup
            .updates(&submission)
            .await
            .updates
            .last()
            .unwrap()
            .status,
        ourvoice_protocol::CaseStatus::ClosedResolved
    );
    let page = officer
        .submit(
            &item,
            &format!("{item}/reply"),
            &[("text", "late"), ("kind", "answer")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let (status, body) = setup
        .api(
            "/api/v1/ratings",
            &json!({ "id": submission.id, "secret": submission.secret, "rating": 5 }),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("closed_resolved"))
    );

    // Transfer with a reason: the app sees the new office.
    let other = complaint("ផ្ទេរ");
    let number = setup.submit(&other).await;
    let item = format!("/console/items/{number}");
    let page = officer
        .submit(
            &item,
            &format!("{item}/transfer"),
            &[("office", "NOPE-1"), ("reason", "x")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let page = officer
        .submit(
            &item,
            &format!("{item}/transfer"),
            &[("office", "owso-1201"), ("reason", "សេវាច្រកចេញចូលតែមួយ")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        setup.updates(&other).await.updates.last().unwrap().office,
        "OWSO-1201"
    );
    assert_eq!(
        officer.get(&item).await.status,
        StatusCode::NOT_FOUND,
        "no longer this office's"
    );
}

#[tokio::test]
async fn contact_views_are_audited_and_text_is_escaped() {
    on_each_engine(audit_on).await;
}

async fn audit_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    let mut admin = accounts(&setup).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    let mut confidential = complaint("<script>alert('xss')</script><img src=x onerror=alert(1)>");
    confidential.privacy = Privacy::Confidential {
        name: "សុខ ចាន់".into(),
        phone: "+85512345678".into(),
    };
    let number = setup.submit(&confidential).await;
    let item = format!("/console/items/{number}");
    let page = officer.get(&item).await;
    assert!(!page.body.contains("<script>alert") && !page.body.contains("<img src=x"));
    assert!(page
        .body
        .contains("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"));
    assert!(
        !page.body.contains("+85512345678"),
        "contact hidden until asked for"
    );
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'view_contact'",
            &[]
        ),
        0
    );
    let page = officer.get(&format!("{item}?contact=1")).await;
    assert!(page.body.contains("+85512345678") && page.body.contains("សុខ ចាន់"));
    let audit = admin.get("/console/audit").await.body;
    assert!(
        audit.contains("officer.a")
            && audit.contains("view_contact")
            && audit.contains(&format!("<td>{number}</td>")),
        "{audit}"
    );
    // Another office cannot see it, and that attempt reveals nothing and logs nothing.
    let mut other = signed_in(&setup, "officer.b", PASSWORD).await;
    assert_eq!(
        other.get(&format!("{item}?contact=1")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'view_contact'",
            &[]
        ),
        1
    );
    // Anonymous items have no contact details anywhere.
    let number = setup.submit(&complaint("អនាមិក")).await;
    let page = officer
        .get(&format!("/console/items/{number}?contact=1"))
        .await;
    assert!(page.body.contains("Anonymous") || page.body.contains("មិនដាក់ឈ្មោះ៖"));
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'view_contact'",
            &[]
        ),
        1
    );
    // Free text in the export is a quoted cell, and formulas are defused.
    let mut formula = complaint("=HYPERLINK(\"http://x\")");
    formula.category = "civil_registration".into();
    setup.submit(&formula).await;
    let csv = officer.get("/console/export.csv").await.body;
    assert!(
        csv.starts_with('\u{feff}') && csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{csv}"
    );
}

#[tokio::test]
async fn the_device_answers_questions_and_rates_through_its_sync_engine() {
    on_each_engine(device_on).await;
}

async fn device_on(db: TestDb) {
    use ourvoice_outbox::{ActionState, Outbox};
    use ourvoice_protocol::{CaseStatus, ReplyKind};
    use ourvoice_sync::{SyncConfig, SyncEngine};
    use std::sync::Arc;

    let setup = Setup::start(db, &[]);
    accounts(&setup).await;
    let outbox = Arc::new(Outbox::open(&setup.db.file("device/outbox.db")).unwrap());
    let submission = complaint("ទឹកមិនហូរ");
    outbox.enqueue(&submission).unwrap();
    let engine =
        SyncEngine::new(Arc::clone(&outbox), SyncConfig::new(&setup.server.url())).unwrap();
    let report = engine.sync_now(true).await;
    assert_eq!(report.accepted, 1, "{report:?}");
    let number = setup.db.count("SELECT number FROM cases", &[]);
    let item = format!("/console/items/{number}");
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    officer
        .submit(
            &item,
            &format!("{item}/reply"),
            &[("text", "តើនៅភូមិណា?"), ("kind", "question")],
        )
        .await;
    engine.sync_now(true).await;
    let stored = outbox.get(submission.id).unwrap().unwrap();
    assert_eq!(
        stored.replies.last().map(|r| (r.kind, r.text.as_str())),
        Some((ReplyKind::Question, "តើនៅភូមិណា?"))
    );
    let answer = engine.answer(submission.id, "ភូមិទី៣").unwrap();
    let report = engine.sync_now(true).await;
    assert_eq!(report.actions_sent, 1, "{report:?}");
    assert!(matches!(
        outbox.action(answer).unwrap().unwrap().state,
        ActionState::Sent {
            status: CaseStatus::InProgress,
            ..
        }
    ));
    assert!(officer.get(&item).await.body.contains("ភូមិទី៣"));
    officer
        .submit(
            &item,
            &format!("{item}/reply"),
            &[("text", "បានជួសជុល"), ("kind", "answer")],
        )
        .await;
    engine.sync_now(true).await;
    let stored = outbox.get(submission.id).unwrap().unwrap();
    assert_eq!(
        stored.replies.last().map(|r| (r.kind, r.text.as_str())),
        Some((ReplyKind::Answer, "បានជួសជុល"))
    );
    let rated = engine.rate(submission.id, 1).unwrap();
    engine.sync_now(true).await;
    assert!(
        matches!(
            outbox.action(rated).unwrap().unwrap().state,
            ActionState::Sent {
                status: CaseStatus::InProgress,
                ..
            }
        ),
        "a rating of 1 reopens"
    );
    assert_eq!(
        setup.db.count(
            "SELECT reopened FROM cases WHERE number = $1",
            &[Val::Int(number)]
        ),
        1
    );
    assert!(matches!(
        engine.rate(uuid::Uuid::new_v4(), 5),
        Err(ourvoice_sync::SyncError::UnknownItem)
    ));
}

#[tokio::test]
async fn the_inbox_pages_through_every_item_and_exports_them_all() {
    on_each_engine(inbox_pages_on).await;
}

async fn inbox_pages_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    accounts(&setup).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    officer.get("/console/lang/en").await;
    let http = reqwest::Client::new();
    for batch in 0..3 {
        let items: Vec<Submission> = (0..85)
            .map(|n| complaint(&format!("batch {batch} item {n}")))
            .collect();
        let response = http
            .post(format!("{}/api/v1/submissions", setup.server.url()))
            .json(&json!({ "items": items }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let item_links = |page: &str| -> Vec<String> {
        page.match_indices("<tr><td><a href=\"/console/items/")
            .map(|(at, _)| {
                let rest = &page[at + 32..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect()
    };
    // 255 items: pages of 100, 100 and 55, every item once, newest first.
    let mut seen = Vec::new();
    let mut address = "/console/inbox".to_string();
    let mut ranges = Vec::new();
    loop {
        let page = officer.get(&address).await.body;
        assert!(
            page.contains("data-count=\"received\">255<"),
            "counts cover every item"
        );
        let start = page.find("<nav class=\"pager\"><span>").unwrap() + 25;
        ranges.push(page[start..start + page[start..].find('<').unwrap()].to_string());
        seen.extend(item_links(&page));
        match page.find("rel=\"next\" href=\"") {
            Some(at) => {
                let rest = &page[at + 17..];
                address = rest[..rest.find('"').unwrap()].replace("&amp;", "&");
            }
            None => break,
        }
    }
    assert_eq!(
        ranges,
        [
            "Items 1–100 of 255",
            "Items 101–200 of 255",
            "Items 201–255 of 255"
        ]
        .map(String::from)
        .to_vec()
    );
    let numbers: Vec<i64> = seen.iter().map(|n| n.parse().unwrap()).collect();
    let mut expected = numbers.clone();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    expected.dedup();
    assert_eq!(numbers, expected, "255 different items, newest first");
    assert_eq!(numbers.len(), 255);
    // The filter stays with the pages; a page past the end says so and links back.
    let page = officer
        .get("/console/inbox?kind=complaint&order=oldest&page=2")
        .await
        .body;
    assert!(page.contains("href=\"/console/inbox?kind=complaint&amp;order=oldest&amp;page=3\""));
    assert!(page.contains("href=\"/console/inbox?kind=complaint&amp;order=oldest&amp;page=1\""));
    let oldest = item_links(&page);
    assert_eq!(
        oldest.first().map(String::as_str),
        Some(numbers[154].to_string().as_str())
    );
    let page = officer.get("/console/inbox?page=9").await.body;
    assert!(page.contains("Nothing on this page (255 in all)"));
    assert!(page.contains("href=\"/console/inbox?page=3\""));
    let page = officer.get("/console/inbox?state=answered").await.body;
    assert!(!page.contains("class=\"pager\""), "one page needs no pager");
    // In Khmer, the range in Khmer digits.
    officer.get("/console/lang/km").await;
    let page = officer.get("/console/inbox?page=2").await.body;
    assert!(page.contains("មតិទី ១០១–២០០ ក្នុងចំណោម ២៥៥"), "{page}");
    officer.get("/console/lang/en").await;
    // The export holds every matching item, not one page.
    let csv = officer.get("/console/export.csv").await.body;
    assert_eq!(csv.matches("batch ").count(), 255);
}

#[tokio::test]
async fn the_code_a_citizen_quotes_finds_their_case_within_the_scope() {
    on_each_engine(code_on).await;
}

async fn code_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    accounts(&setup).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    let wanted = complaint("ផ្លូវខូចនៅភូមិទី៣");
    let number = setup.submit(&wanted).await;
    let other = setup.submit(&complaint("ទឹកមិនហូរ")).await;
    let code = wanted.tracking_code();
    let listed = |body: &str, number: i64| body.contains(&format!("/console/items/{number}\""));
    // As the citizen reads it out: the whole code, in lower case with spaces, or the eight
    // symbols an older app showed.
    let symbols = code.symbols().to_lowercase();
    let spaced = format!("{} {} {}", &symbols[..4], &symbols[4..8], &symbols[8..]);
    let old = format!("OV-{}-{}", &code.symbols()[..4], &code.symbols()[4..8]);
    for typed in [code.as_str(), spaced.as_str(), old.as_str()] {
        let page = officer
            .get(&format!("/console/inbox?code={}", typed.replace(' ', "+")))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{typed}");
        assert!(listed(&page.body, number), "{typed}: {}", page.body);
        assert!(!listed(&page.body, other), "{typed}: only that case");
    }
    // Not a code: said so, in the official's language.
    let page = officer.get("/console/inbox?code=OV-0000-1111").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("លេខកូដតាមដាន"), "{}", page.body);
    // Another commune's officer does not find it.
    let mut stranger = signed_in(&setup, "officer.b", PASSWORD).await;
    let page = stranger
        .get(&format!("/console/inbox?code={}", code.as_str()))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !listed(&page.body, number),
        "outside the scope: {}",
        page.body
    );
}

#[tokio::test]
async fn an_inbox_page_asked_again_shows_every_change_since() {
    on_each_engine(inbox_again_on).await;
}

/// The inbox page is kept between asks while nothing of the office changed (see
/// `store::inbox::KeptInboxes`): asked again after each kind of change, in the same minute,
/// it shows the change.
async fn inbox_again_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    accounts(&setup).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    officer.get("/console/lang/en").await;
    let first = setup.submit(&complaint("first")).await;
    let second = setup.submit(&complaint("second")).await;
    let line_of = |body: &str, number: i64| -> Option<String> {
        let start = body.find(&format!("<tr><td><a href=\"/console/items/{number}\""))?;
        let end = body[start..].find("</tr>")?;
        Some(body[start..start + end].to_string())
    };
    let inbox = officer.get("/console/inbox").await.body;
    let line = line_of(&inbox, first).expect("listed");
    assert!(
        !line.contains("In progress") && !line.contains("Escalated"),
        "{line}"
    );
    assert!(line_of(&inbox, second).is_some());
    assert_eq!(
        officer.get("/console/inbox").await.body,
        inbox,
        "nothing changed"
    );
    // The kept drawing is sent inside the page made for this reader: gzip-compressed for who
    // takes it (the page around compressed per answer), the same text either way.
    let (plain, gzip) = plain_and_gzip(&officer, "/console/inbox").await;
    assert_eq!(plain, inbox);
    assert_eq!(gzip, inbox);

    // A change of state.
    let item = format!("/console/items/{first}");
    let page = officer
        .submit(&item, &format!("{item}/state"), &[("state", "in_progress")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let inbox = officer.get("/console/inbox").await.body;
    assert!(line_of(&inbox, first).unwrap().contains("In progress"));

    // Marked escalated with no office above (as the deadline sweep does, without an event),
    // here by another server of the fleet on the same database.
    setup.db.batch(&format!(
        "UPDATE cases SET escalated = 1 WHERE number = {first}"
    ));
    let inbox = officer.get("/console/inbox").await.body;
    assert!(line_of(&inbox, first).unwrap().contains("Escalated"));

    // Moved to another office: gone from this one's page.
    let item = format!("/console/items/{second}");
    let page = officer
        .submit(
            &item,
            &format!("{item}/transfer"),
            &[("office", "owso-1201"), ("reason", "x")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let inbox = officer.get("/console/inbox").await.body;
    assert!(line_of(&inbox, second).is_none());

    // One leaves and one arrives between two asks (the counts alone stay the same).
    let third = setup.submit(&complaint("third")).await;
    let inbox = officer.get("/console/inbox").await.body;
    assert!(line_of(&inbox, third).is_some());
    let item = format!("/console/items/{third}");
    let page = officer
        .submit(
            &item,
            &format!("{item}/transfer"),
            &[("office", "owso-1201"), ("reason", "x")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let fourth = setup.submit(&complaint("fourth")).await;
    let inbox = officer.get("/console/inbox").await.body;
    assert!(line_of(&inbox, third).is_none() && line_of(&inbox, fourth).is_some());
}
