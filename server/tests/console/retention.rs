//! Retention with a controlled clock: the contact details of confidential items closed longer
//! than `--retain-contacts-months` are erased by the sweep, once, with an audit line of the
//! count; open items keep theirs, and no figure of the statistics changes.

use crate::setup::*;

#[tokio::test]
async fn contact_details_of_long_closed_items_are_erased_once_and_figures_stay() {
    on_each_engine(retention_on).await;
}

/// Every table of the dashboard, as CSV, split by gender.
async fn figures(setup: &Setup) -> Vec<String> {
    let mut analyst = signed_in(setup, "analyst", PASSWORD).await;
    let mut all = Vec::new();
    for table in [
        "kind",
        "state",
        "province",
        "office_type",
        "office",
        "first_answer",
        "close",
        "within_deadline",
        "people_gender",
        "ratings",
        "extra_payment",
    ] {
        let page = analyst
            .get(&format!("/console/dashboard.csv?table={table}&by=gender"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{table}");
        all.push(page.body);
    }
    all
}

fn contacts_of(setup: &Setup, number: i64) -> (Option<String>, Option<String>) {
    let row = setup.db.query(
        "SELECT contact_name, contact_phone FROM cases WHERE number = $1",
        &[Val::Int(number)],
    );
    (row[0].opt_text(0).unwrap(), row[0].opt_text(1).unwrap())
}

async fn retention_on(db: TestDb) {
    let never = [
        "--deadline-sweep-seconds",
        "1",
        "--retain-contacts-months",
        "1200",
    ];
    let mut setup = Setup::start(db, &never);
    accounts(&setup).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    let confidential = |n: usize| {
        let mut item = complaint(&format!("ការសម្ងាត់ {n}"));
        item.privacy = Privacy::Confidential {
            name: format!("សុខ {n}"),
            phone: format!("+8551200000{n}"),
        };
        item.profile = Some(RespondentProfile {
            gender: Some(if n.is_multiple_of(2) {
                Gender::Female
            } else {
                Gender::Male
            }),
            ..Default::default()
        });
        item
    };
    // Six confidential items closed now, six anonymous ones closed, one confidential left open.
    let mut closed = Vec::new();
    for n in 0..12 {
        let item = if n < 6 {
            confidential(n)
        } else {
            complaint(&format!("anonymous {n}"))
        };
        let number = setup.submit(&item).await;
        let page = format!("/console/items/{number}");
        let done = officer
            .submit(
                &page,
                &format!("{page}/state"),
                &[("state", "closed_resolved")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        if n < 6 {
            closed.push(number);
        }
    }
    let open = setup.submit(&confidential(7)).await;
    // 25 months on, with a retention longer than that: nothing is erased; the figures then.
    setup.advance(Duration::days(25 * 31));
    let escalated = |setup: &Setup| {
        setup.db.count(
            "SELECT escalated FROM cases WHERE number = $1",
            &[Val::Int(open)],
        )
    };
    let mut waited = 0;
    while escalated(&setup) == 0 {
        assert!(waited < 300, "the sweep did not run within 30 s");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    assert!(contacts_of(&setup, closed[0]).1.is_some());
    let before = figures(&setup).await;
    // With the default 24 months, the next sweeps erase the closed items' details, once.
    setup.restart(&["--deadline-sweep-seconds", "1"]);
    let mut waited = 0;
    while contacts_of(&setup, closed[5]).1.is_some() {
        assert!(waited < 300, "the sweep did not erase within 30 s");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    for number in &closed {
        assert_eq!(contacts_of(&setup, *number), (None, None), "item {number}");
    }
    assert_eq!(
        contacts_of(&setup, open),
        (Some("សុខ 7".into()), Some("+85512000007".into())),
        "an open item keeps its details"
    );
    // A few more sweeps, and a restarted server: nothing more is erased or recorded.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    setup.restart(&["--deadline-sweep-seconds", "1"]);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let runs = setup
        .db
        .query("SELECT erased, closed_before FROM retention_runs", &[]);
    assert_eq!(runs.len(), 1, "one erasure recorded");
    assert_eq!(runs[0].int(0).unwrap(), 6);
    assert_eq!(
        figures(&setup).await,
        before,
        "the statistics are as they were"
    );
    // The office sees that the details are gone; the audit log says how many, and no names.
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    let page = officer
        .get(&format!("/console/items/{}?contact=1", closed[0]))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("ព័ត៌មានទំនាក់ទំនងត្រូវបានលុបហើយ") && !page.body.contains("+85512"),
        "{}",
        page.body
    );
    let mut admin = signed_in(&setup, "admin", ADMIN_PASSWORD).await;
    let audit = admin.get("/console/audit").await.body;
    let section = &audit[audit
        .find("id=\"retention-list\"")
        .expect("retention section")..];
    assert!(section.contains("<td>៦</td>"), "{section}");
    assert!(!audit.contains("សុខ 1") && !audit.contains("+85512000001"));
}
