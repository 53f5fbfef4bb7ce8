//! Administration: Open311 API keys issued and revoked, offices switched off with their
//! feedback going to the office above.

use crate::setup::*;

#[tokio::test]
async fn administrators_issue_and_revoke_open311_api_keys() {
    on_each_engine(api_keys_on).await;
}

/// Posts one Open311 request with `key`; the status code.
async fn open311_post(setup: &Setup, key: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", setup.server.url()))
        .form(&[
            ("api_key", key),
            ("service_code", "civil_registration"),
            ("address_id", "120101"),
            ("description", "from a FixMyStreet site"),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

async fn api_keys_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    let mut admin = accounts(&setup).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    assert_eq!(
        officer.get("/console/api-keys").await.status,
        StatusCode::FORBIDDEN
    );
    let page = admin
        .submit(
            "/console/api-keys",
            "/console/api-keys",
            &[("name", "fixmystreet.kh")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let key = page
        .body
        .split("<code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("the new key is shown once")
        .to_string();
    assert_eq!(key.len(), 64);
    assert!(
        !admin.get("/console/api-keys").await.body.contains(&key),
        "never shown again"
    );
    let again = admin
        .submit(
            "/console/api-keys",
            "/console/api-keys",
            &[("name", "fixmystreet.kh")],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "names are unique");
    let forged = admin
        .post("/console/api-keys", &[("name", "no-csrf")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert_eq!(open311_post(&setup, &key).await, StatusCode::OK);

    let page = admin
        .submit(
            "/console/api-keys",
            "/console/api-keys/revoke",
            &[("name", "fixmystreet.kh")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        open311_post(&setup, &key).await,
        StatusCode::FORBIDDEN,
        "revoked at once"
    );
    let audit = admin.get("/console/audit").await.body;
    assert!(
        audit.contains("create_api_key") && audit.contains("revoke_api_key"),
        "{audit}"
    );
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM api_keys WHERE key_digest = $1",
            &[Val::from(key.as_str())]
        ),
        0,
        "only the digest is stored"
    );
}

#[tokio::test]
async fn administrators_switch_offices_off_and_feedback_goes_above() {
    on_each_engine(offices_on).await;
}

async fn offices_on(db: TestDb) {
    let mut setup = Setup::start(db, &[]);
    let mut admin = accounts(&setup).await;
    admin.get("/console/lang/en").await;
    // The list: every office of the directory, found by name, code, province, type and state.
    let page = admin.get("/console/offices").await.body;
    assert!(page.contains("Offices 1–100 of 2122"), "{page}");
    let page = admin.get("/console/offices?q=chamkar+mon").await.body;
    assert!(
        page.contains("/console/offices/OWSO-1201") && page.contains("/console/offices/DCO-1201")
    );
    assert!(
        page.contains("/console/offices/CH-120101"),
        "found by the district it is in"
    );
    assert!(!page.contains("/console/offices/OWSO-1202"));
    let page = admin
        .get("/console/offices?province=12&type=owsu")
        .await
        .body;
    assert_eq!(
        page.matches("<tr><td><a href=\"/console/offices/").count(),
        1
    );
    assert!(page.contains("/console/offices/OWSU-12"));
    // The search text stays with the pages, encoded (here Khmer: "សង្កាត់", sangkat).
    let page = admin
        .get("/console/offices?q=%E1%9E%9F%E1%9E%84%E1%9F%92%E1%9E%80%E1%9E%B6%E1%9E%8F%E1%9F%8B&state=on")
        .await
        .body;
    assert!(
        page.contains("href=\"/console/offices?q=%E1%9E%9F%E1%9E%84%E1%9F%92%E1%9E%80%E1%9E%B6%E1%9E%8F%E1%9F%8B&amp;state=on&amp;page=2\""),
        "{page}"
    );
    let page = admin.get("/console/offices?q=ch-1201").await.body;
    assert!(page.contains("/console/offices/CH-120101"));
    let page = admin
        .get("/console/offices?q=%E1%9E%85%E1%9F%86%E1%9E%80%E1%9E%B6%E1%9E%9A%E1%9E%98%E1%9E%93")
        .await
        .body;
    assert!(
        page.contains("/console/offices/OWSO-1201"),
        "found by Khmer name"
    );
    for bad in ["type=bogus", "province=99", "state=maybe"] {
        assert_eq!(
            admin.get(&format!("/console/offices?{bad}")).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    assert_eq!(
        admin.get("/console/offices/CH-999999").await.status,
        StatusCode::NOT_FOUND
    );
    let page = admin.get("/console/offices/CH-120101").await.body;
    assert!(page.contains("officer.a") && page.contains("head.a") && !page.contains("officer.b"));

    // An office with an open item cannot be switched off; its item would have nobody.
    let first = setup.submit(&complaint("មុនពេលបិទ")).await;
    let office = "/console/offices/CH-120101";
    let off = [("phone", "023 123 456"), ("hours", "ច័ន្ទ–សុក្រ 7:30–17:00")];
    let page = admin.submit(office, office, &off).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("still has 1 open items"),
        "{}",
        page.body
    );
    assert_eq!(
        setup.office_of(setup.submit(&complaint("នៅតែបើក")).await),
        OFFICE_A
    );
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    let mut open = vec![first];
    open.push(
        setup.db.query("SELECT max(number) FROM cases", &[])[0]
            .int(0)
            .unwrap(),
    );
    for number in open {
        let item = format!("/console/items/{number}");
        let page = officer
            .submit(
                &item,
                &format!("{item}/state"),
                &[("state", "closed_resolved")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    let page = admin.submit(office, office, &off).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin.get(office).await.body;
    assert!(page.contains("023 123 456") && page.contains("ច័ន្ទ–សុក្រ 7:30–17:00"));
    assert!(page.contains("New feedback goes to One Window Service Office"));

    // New feedback for the commune goes to the district's OWSO, and the app is told so; a
    // complaint about the hall's own staff still goes to the district citizens' office.
    let redirected = complaint("ក្រោយពេលបិទ");
    let number = setup.submit(&redirected).await;
    assert_eq!(setup.office_of(number), "OWSO-1201");
    assert_eq!(
        setup.updates(&redirected).await.updates[0].office,
        "OWSO-1201"
    );
    let mut staff = complaint("អំពីបុគ្គលិក");
    staff.about_office_staff = true;
    assert_eq!(setup.office_of(setup.submit(&staff).await), "DCO-1201");
    // Nobody can transfer an item to a switched-off office.
    let mut b = complaint("ការិយាល័យ B");
    b.place = "120109".into();
    let number_b = setup.submit(&b).await;
    let mut officer_b = signed_in(&setup, "officer.b", PASSWORD).await;
    officer_b.get("/console/lang/en").await;
    let item_b = format!("/console/items/{number_b}");
    let page = officer_b
        .submit(
            &item_b,
            &format!("{item_b}/transfer"),
            &[("office", OFFICE_A), ("reason", "ទីនោះ")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("is off the system"), "{}", page.body);
    assert_eq!(setup.office_of(number_b), OFFICE_B);

    // Provincial offices stay on; a bad telephone number is refused.
    let owsu = "/console/offices/OWSU-12";
    let page = admin.submit(owsu, owsu, &[]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let page = admin
        .submit(owsu, owsu, &[("receiving", "1"), ("phone", "call me")])
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let page = admin.get("/console/offices?state=off").await.body;
    assert_eq!(
        page.matches("<tr><td><a href=\"/console/offices/").count(),
        1
    );
    assert!(page.contains("/console/offices/CH-120101"));

    // The switch is kept: a restarted server routes the same way.
    setup.restart(&[]);
    assert_eq!(
        setup.office_of(setup.submit(&complaint("ក្រោយចាប់ផ្តើមឡើងវិញ")).await),
        "OWSO-1201"
    );
    // Back on: the hall gets its feedback again.
    let mut admin = signed_in(&setup, "admin", ADMIN_PASSWORD).await;
    let page = admin.submit(office, office, &[("receiving", "1")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        setup.office_of(setup.submit(&complaint("បើកវិញ")).await),
        OFFICE_A
    );
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'set_office'",
            &[]
        ),
        2
    );
}
