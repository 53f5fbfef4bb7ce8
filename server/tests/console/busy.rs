//! The console for a busy official: the inbox most urgent first (overdue, reopened, due soon,
//! the rest), each line with the start of the citizen's text (never a complaint about an
//! office's own staff to that office) and the working days left or late; the office picker
//! of the transfer, and a transfer through it; the confirmation after each action.

use crate::setup::*;

/// The item numbers of an inbox page, in the order shown.
fn inbox_order(page: &str) -> Vec<i64> {
    page.match_indices("<tr><td><a href=\"/console/items/")
        .map(|(at, _)| {
            let rest = &page[at + 32..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// The inbox row of item `number`, as HTML.
fn row_of(page: &str, number: i64) -> String {
    let start = page
        .find(&format!("<tr><td><a href=\"/console/items/{number}\""))
        .unwrap_or_else(|| panic!("item {number} in the inbox: {page}"));
    let rest = &page[start..];
    rest[..rest.find("</tr>").unwrap()].to_string()
}

/// The values offered by the `<select>` with this id.
fn offered(page: &str, id: &str) -> Vec<String> {
    let start = page
        .find(&format!("<select id=\"{id}\""))
        .unwrap_or_else(|| panic!("a select #{id}: {page}"));
    let select = &page[start..start + page[start..].find("</select>").unwrap()];
    select
        .match_indices("<option value=\"")
        .map(|(at, _)| {
            let rest = &select[at + 15..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .filter(|value| !value.is_empty())
        .collect()
}

/// The confirmation (`role="status"`) of a page, if any.
fn status_line(page: &str) -> Option<String> {
    let start = page.find("role=\"status\"")?;
    let rest = &page[start..];
    let text = &rest[rest.find('>')? + 1..];
    Some(text[..text.find('<')?].to_string())
}

#[tokio::test]
async fn the_inbox_puts_the_most_urgent_first_with_a_snippet_and_days_left() {
    on_each_engine(urgency_on).await;
}

async fn urgency_on(db: TestDb) {
    // No deadline sweep during the test: the overdue item stays with its office.
    let mut setup = Setup::start(db, &["--deadline-sweep-seconds", "86400"]);
    let mut admin = accounts(&setup).await;
    async fn set_complaint_deadline(admin: &mut Browser, days: &str) {
        let page = admin
            .submit(
                "/console/deadlines",
                "/console/deadlines",
                &[("complaint", days)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    // Monday 30 November: a complaint due in 1 working day (Tuesday), long and in Khmer.
    set_complaint_deadline(&mut admin, "1").await;
    let long_khmer = "ផ្លូវចូលភូមិខូចខាតខ្លាំង ហើយពេលភ្លៀងធ្លាក់ទឹកលិចអស់។ ក្មេងៗមិនអាចទៅសាលារៀនបានទេ ហើយអ្នកជំងឺមិនអាចទៅមន្ទីរពេទ្យបាន។ សូមជួយជួសជុលឱ្យបានឆាប់។";
    assert!(long_khmer.chars().count() > 100);
    let overdue = setup.submit(&complaint(long_khmer)).await;
    // Thursday 3 December: the first is two working days late.
    setup.advance(Duration::days(3));
    // Sessions end after 30 idle minutes.
    let mut admin = signed_in(&setup, "admin", ADMIN_PASSWORD).await;
    set_complaint_deadline(&mut admin, "15").await;
    let reopened_submission = complaint("ការិយាល័យមិនបានឆ្លើយត្រឹមត្រូវ");
    let reopened = setup.submit(&reopened_submission).await;
    set_complaint_deadline(&mut admin, "2").await;
    let soon = setup
        .submit(&complaint("Due soon: the water pump is broken"))
        .await;
    set_complaint_deadline(&mut admin, "15").await;
    let later = setup.submit(&complaint("A later one")).await;

    // The office answers one; the citizen rates the answer 2 of 5, which reopens it.
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    officer.get("/console/lang/en").await;
    let item = format!("/console/items/{reopened}");
    let page = officer
        .submit(
            &item,
            &format!("{item}/reply"),
            &[("text", "We checked it."), ("kind", "answer")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // After the action, the item's page confirms it (POST, redirect, GET).
    let to = page.location.expect("a redirect");
    assert_eq!(to, format!("{item}?done=answer"));
    let confirmed = officer.get(&to).await.body;
    assert_eq!(
        status_line(&confirmed).as_deref(),
        Some("Your answer was sent to the citizen."),
        "{confirmed}"
    );
    assert!(
        status_line(&officer.get(&item).await.body).is_none(),
        "only after the action"
    );
    let (status, body) = setup
        .api(
            "/api/v1/ratings",
            &json!({ "id": reopened_submission.id, "secret": reopened_submission.secret, "rating": 2, "request_id": uuid::Uuid::new_v4() }),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("in_progress"))
    );

    // Most urgent first; newest first is the other way round.
    let inbox = officer.get("/console/inbox").await.body;
    assert_eq!(
        inbox_order(&inbox),
        vec![overdue, reopened, soon, later],
        "{inbox}"
    );
    let newest = officer.get("/console/inbox?order=newest").await.body;
    assert_eq!(inbox_order(&newest), vec![later, soon, reopened, overdue]);
    assert!(inbox.contains("<option value=\"urgent\" selected>Most urgent first</option>"));

    // Each line: the start of the text, cut with "…" between clusters, and the days.
    let row = row_of(&inbox, overdue);
    let shown: String = long_khmer.chars().take(60).collect();
    assert!(row.contains(&shown) && row.contains('…'), "{row}");
    assert!(!row.contains(long_khmer), "only the start: {row}");
    assert!(row.contains("2 working days late"), "{row}");
    assert!(row_of(&inbox, soon).contains("2 working days left"));
    assert!(row_of(&inbox, soon).contains("Due soon: the water pump is broken"));
    assert!(row_of(&inbox, later).contains("15 working days left"));
    assert!(row_of(&inbox, reopened).contains("Needs attention"));
    // The item's page says it too.
    let page = officer.get(&format!("/console/items/{overdue}")).await.body;
    assert!(page.contains("2 working days late"), "{page}");
    // In Khmer: Khmer digits.
    officer.get("/console/lang/km").await;
    let khmer = officer.get("/console/inbox").await.body;
    assert!(row_of(&khmer, overdue).contains("យឺត ២ ថ្ងៃធ្វើការ"), "{khmer}");
    assert!(row_of(&khmer, soon).contains("នៅសល់ ២ ថ្ងៃធ្វើការ"));
}

#[tokio::test]
async fn complaints_about_staff_keep_their_text_out_of_that_office_inbox() {
    on_each_engine(staff_on).await;
}

async fn staff_on(db: TestDb) {
    let setup = Setup::start(db, &["--deadline-sweep-seconds", "86400"]);
    let mut admin = accounts(&setup).await;
    let mut about_staff = complaint("STAFF-TEXT the clerk asked me for money");
    about_staff.about_office_staff = true;
    let number = setup.submit(&about_staff).await;
    assert_eq!(
        setup.office_of(number),
        "DCO-1201",
        "routed above the office"
    );
    let item = format!("/console/items/{number}");

    // The district citizens' office sees its start: it is not the office complained about.
    let mut dco = signed_in(&setup, "dco.officer", PASSWORD).await;
    dco.get("/console/lang/en").await;
    let inbox = dco.get("/console/inbox").await.body;
    assert!(row_of(&inbox, number).contains("STAFF-TEXT"), "{inbox}");

    // The transfer picker: the province's offices that are on, by district, not its own.
    let page = dco.get(&item).await.body;
    assert!(page.contains("id=\"actions\""), "one area of actions");
    let offices = offered(&page, "office");
    for office in ["CH-120101", "CH-120109", "OWSO-1201", "PCO-12", "OWSU-12"] {
        assert!(offices.iter().any(|o| o == office), "{office} offered");
    }
    assert!(
        !offices.iter().any(|o| o == "DCO-1201"),
        "not its own office"
    );
    assert!(offices
        .iter()
        .all(|o| o.ends_with("12") || o.contains("-12")));
    assert!(page.contains("<optgroup label=\""));
    let provinces = offered(&page, "transfer-province");
    assert!(provinces.len() >= 25, "{provinces:?}");
    // Another province's offices, by the GET form.
    let other = dco.get(&format!("{item}?province=01")).await.body;
    let others = offered(&other, "office");
    assert!(others.iter().any(|o| o == "PCO-01") && !others.iter().any(|o| o == "CH-120101"));

    // An office switched off is not offered, and typed anyway it gets the same error.
    let page = admin
        .submit(
            "/console/offices/CH-120109",
            "/console/offices/CH-120109",
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = dco.get(&item).await.body;
    assert!(!offered(&page, "office").iter().any(|o| o == "CH-120109"));
    let refused = dco
        .submit(
            &item,
            &format!("{item}/transfer"),
            &[("office", "CH-120109"), ("reason", "x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("off the system"), "{}", refused.body);
    let refused = dco
        .submit(
            &item,
            &format!("{item}/transfer"),
            &[("office", ""), ("reason", "x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "nothing chosen");

    // Transferred through the picker to the commune hall it is about: the inbox it leads to
    // (the item is no longer the district's) confirms it.
    let sent = dco
        .submit(
            &item,
            &format!("{item}/transfer"),
            &[
                ("office", "CH-120101"),
                ("reason", "For the hall to answer"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(setup.office_of(number), "CH-120101");
    let to = sent.location.unwrap();
    assert_eq!(to, "/console/inbox?done=transfer&moved_to=CH-120101");
    let inbox = dco.get(&to).await.body;
    let told = status_line(&inbox).expect("a confirmation");
    assert!(told.starts_with("The item was transferred to "), "{told}");
    assert!(
        told.contains("Chamkar Mon") || told.contains("Tonle Basak"),
        "{told}"
    );

    // The hall's own inbox shows the item, but not its text: it is about the hall's staff.
    let mut hall = signed_in(&setup, "officer.a", PASSWORD).await;
    hall.get("/console/lang/en").await;
    let inbox = hall.get("/console/inbox").await.body;
    let row = row_of(&inbox, number);
    assert!(!row.contains("STAFF-TEXT"), "{row}");
    assert!(row.contains("Open the item to read it"), "{row}");
    assert!(!inbox.contains("STAFF-TEXT"));
    // Nor another office's inbox at all (the scope).
    let mut other = signed_in(&setup, "officer.b", PASSWORD).await;
    assert!(!other
        .get("/console/inbox")
        .await
        .body
        .contains("STAFF-TEXT"));

    // A state change confirms the new state; a question says it was sent.
    let page = hall
        .submit(
            &item,
            &format!("{item}/reply"),
            &[("text", "When did it happen?"), ("kind", "question")],
        )
        .await;
    let told = hall.get(&page.location.unwrap()).await.body;
    assert_eq!(
        status_line(&told).as_deref(),
        Some("Your question was sent to the citizen.")
    );
    let page = hall
        .submit(&item, &format!("{item}/state"), &[("state", "in_progress")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let told = hall.get(&page.location.unwrap()).await.body;
    assert_eq!(
        status_line(&told).as_deref(),
        Some("The item is now: In progress.")
    );
    // In Khmer, from Fluent.
    hall.get("/console/lang/km").await;
    let told = hall.get(&format!("{item}?done=answer")).await.body;
    assert_eq!(
        status_line(&told).as_deref(),
        Some("ចម្លើយរបស់អ្នកត្រូវបានផ្ញើទៅពលរដ្ឋហើយ។")
    );
    // A made-up office in the address confirms nothing.
    let told = hall
        .get("/console/inbox?done=transfer&moved_to=NOPE-1")
        .await
        .body;
    assert_eq!(status_line(&told), None);
}

#[tokio::test]
async fn administrators_pick_a_new_account_office_from_a_list() {
    on_each_engine(account_picker_on).await;
}

async fn account_picker_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    let mut admin = accounts(&setup).await;
    admin.get("/console/lang/en").await;
    let page = admin.get("/console/accounts").await.body;
    assert!(
        !page.contains("type=\"text\" id=\"office\""),
        "no typed code"
    );
    let offices = offered(&page, "office");
    assert!(!offices.is_empty());
    // The office suggested by the offices page comes with its province, chosen.
    let page = admin.get("/console/accounts?office=OWSO-1201").await.body;
    assert!(
        page.contains("<option value=\"OWSO-1201\" selected>"),
        "{page}"
    );
    assert!(page.contains("<option value=\"12\" selected>"));
    let page = admin.get("/console/accounts?province=01").await.body;
    assert!(offered(&page, "office").iter().any(|o| o == "PCO-01"));
    // The form takes the chosen code; a code not in the directory is refused as before.
    let made = admin
        .create_account("officer.c", "officer", "OWSO-1201", PASSWORD)
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let page = admin
        .submit(
            "/console/accounts",
            "/console/accounts",
            &[
                ("username", "officer.d"),
                ("display_name", "D"),
                ("role", "officer"),
                ("office", "NOPE-1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}
