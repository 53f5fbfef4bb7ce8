//! Deadlines with a controlled clock: overdue items flagged and escalated.

use crate::setup::*;

#[tokio::test]
async fn overdue_items_are_flagged_and_escalated() {
    on_each_engine(deadlines_on).await;
}

async fn deadlines_on(db: TestDb) {
    let mut setup = Setup::start(db, &["--deadline-sweep-seconds", "1"]);
    let mut admin = accounts(&setup).await;
    // Information requests: 2 working days from now on.
    let page = admin
        .submit(
            "/console/deadlines",
            "/console/deadlines",
            &[("information", "2"), ("complaint", "15")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = admin
        .submit(
            "/console/deadlines",
            "/console/deadlines",
            &[("information", "0")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    // A public holiday on Tuesday 1 December: a request arriving on Monday is due on Thursday;
    // once the holiday is removed, on Wednesday again.
    let holiday = [("day", "2026-12-01"), ("name", "ទិវាសាកល្បង <b>")];
    let page = admin
        .submit("/console/deadlines", "/console/holidays", &holiday)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    for bad in [
        [("day", "1 December"), ("name", "x")],
        [("day", "2026-12-02"), ("name", " ")],
    ] {
        let page = admin
            .submit("/console/deadlines", "/console/holidays", &bad)
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    let listed = admin.get("/console/deadlines").await.body;
    assert!(listed.contains("ទិវាសាកល្បង &lt;b&gt;"), "listed, escaped");
    let due_of = |setup: &Setup, number: i64| {
        setup.db.query(
            "SELECT due_at FROM cases WHERE number = $1",
            &[Val::Int(number)],
        )[0]
        .text(0)
        .unwrap()
    };
    let mut request = complaint("ព័ត៌មាន ថ្ងៃឈប់សម្រាក");
    request.kind = ourvoice_protocol::Kind::Information;
    request.category = "civil_registration".into();
    let number = setup.submit(&request).await;
    assert!(due_of(&setup, number).starts_with("2026-12-03T02:00:00"));
    let page = admin
        .submit(
            "/console/deadlines",
            "/console/holidays/remove",
            &[("day", "2026-12-01")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(!admin
        .get("/console/deadlines")
        .await
        .body
        .contains("ទិវាសាកល្បង"));
    request.id = uuid::Uuid::new_v4();
    let number = setup.submit(&request).await;
    assert!(due_of(&setup, number).starts_with("2026-12-02T02:00:00"));
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM audit_log WHERE action IN ('set_holiday', 'remove_holiday')",
            &[]
        ),
        2
    );
    let mut information = complaint("ព័ត៌មាន");
    information.kind = ourvoice_protocol::Kind::Information;
    information.category = "civil_registration".into();
    let info = setup.submit(&information).await;
    let compl = setup.submit(&complaint("បណ្តឹង")).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    assert!(!officer
        .get("/console/inbox?overdue=1")
        .await
        .body
        .contains(information.tracking_code().as_str()));
    // Monday + 3 days: the information request (due Wednesday) is overdue, the complaint not.
    setup.advance(Duration::days(3));
    let office_and_escalated = |setup: &Setup, number: i64| {
        setup.db.query(
            "SELECT office, escalated FROM cases WHERE number = $1",
            &[Val::Int(number)],
        )[0]
        .clone()
    };
    let mut waited = 0;
    while office_and_escalated(&setup, info).text(0).unwrap() != "DCO-1201" {
        assert!(waited < 300, "the sweep did not escalate within 30 s");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    assert_eq!(office_and_escalated(&setup, info).int(1).unwrap(), 1);
    assert_eq!(
        office_and_escalated(&setup, compl).text(0).unwrap(),
        OFFICE_A
    );
    let mut dco = signed_in(&setup, "dco.officer", PASSWORD).await;
    let inbox = dco.get("/console/inbox?overdue=1").await.body;
    assert!(
        inbox.contains(information.tracking_code().as_str()) && inbox.contains("badge overdue")
    );
    // Three days on, the officer's session has ended (idle); a new one.
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    let inbox = officer.get("/console/inbox").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(!inbox.body.contains(information.tracking_code().as_str()));
    // The app sees the escalation.
    assert_eq!(
        setup
            .updates(&information)
            .await
            .updates
            .last()
            .unwrap()
            .office,
        "DCO-1201"
    );
    // Escalated once only, even as time goes on.
    setup.advance(Duration::days(30));
    while office_and_escalated(&setup, compl).int(1).unwrap() == 0 {
        assert!(waited < 600, "the sweep did not escalate the complaint");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM case_events WHERE case_number = $1 AND action = 'escalate'",
            &[Val::Int(info)]
        ),
        1
    );
}

#[tokio::test]
async fn a_backlog_is_escalated_in_one_sweep_a_batch_at_a_time() {
    on_each_engine(backlog_on).await;
}

/// More overdue items than one transaction escalates: every one is escalated by the same
/// sweep, batch after batch, not a batch per sweep period (20 s here).
async fn backlog_on(db: TestDb) {
    use crate::support::batches::{gzip, send};
    let mut setup = Setup::start(db, &["--deadline-sweep-seconds", "20"]);
    let backlog = 2 * ourvoice_server::deadlines::SWEEP_BATCH + 1;
    let http = reqwest::Client::new();
    let items: Vec<_> = (0..backlog)
        .map(|n| complaint(&format!("ផ្លូវខូច {n}")))
        .collect();
    let url = format!("{}/api/v1/submissions", setup.server.url());
    for chunk in items.chunks(200) {
        let body = gzip(&serde_json::to_vec(&json!({ "items": chunk })).unwrap());
        assert_eq!(send(&http, &url, body).await, chunk.len());
    }
    setup.advance(Duration::days(60));
    let escalated = |setup: &Setup| {
        setup
            .db
            .count("SELECT count(*) FROM cases WHERE escalated = 1", &[])
    };
    let started = std::time::Instant::now();
    while escalated(&setup) == 0 {
        assert!(
            started.elapsed().as_secs() < 60,
            "no sweep escalated anything"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The first batch is committed: the others follow within the same sweep.
    let first_seen = std::time::Instant::now();
    while escalated(&setup) < backlog as i64 {
        assert!(
            first_seen.elapsed().as_secs() < 8,
            "only {} of {backlog} escalated by one sweep",
            escalated(&setup)
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn days_late_leave_out_the_holidays_since_a_due_date_over_a_year_ago() {
    on_each_engine(long_late_on).await;
}

/// The inbox reads the holidays of the last year first, and again from the earliest due date
/// shown when a line was due before that: a holiday between that due date and a year ago is
/// not a working day late either.
async fn long_late_on(db: TestDb) {
    // No sweep: the late complaint stays with its office.
    let mut setup = Setup::start(db, &["--deadline-sweep-seconds", "86400"]);
    accounts(&setup).await;
    // Received Monday 30 November 2026, due 15 working days later (21 December 2026).
    setup.submit(&complaint("ផ្លូវខូច យូរហើយ")).await;
    setup.advance(Duration::days(500));
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    officer.get("/console/lang/en").await;
    let days_late = |page: &str| -> i64 {
        let end = page
            .find(" working days late")
            .unwrap_or_else(|| panic!("no days late on the page: {page}"));
        let start = page[..end]
            .rfind(|c: char| !c.is_ascii_digit())
            .map_or(0, |at| at + 1);
        page[start..end].parse().unwrap()
    };
    let before = days_late(&officer.get("/console/inbox").await.body);
    // Tuesday 5 January 2027: after the due date, more than a year before now.
    let mut admin = signed_in(&setup, "admin", ADMIN_PASSWORD).await;
    let page = admin
        .submit(
            "/console/deadlines",
            "/console/holidays",
            &[("day", "2027-01-05"), ("name", "ថ្ងៃឈប់សម្រាក")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let after = days_late(&officer.get("/console/inbox").await.body);
    assert!(before > 300, "{before} working days late");
    assert_eq!(after, before - 1);
}
