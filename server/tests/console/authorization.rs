//! Who may do what: the authorization matrix of every role and route, the isolation of one
//! office's items from another's, and the CSRF token that every form of the console must carry.

use crate::setup::*;

#[tokio::test]
async fn authorization_matrix_and_office_isolation() {
    on_each_engine(authorization_matrix_on).await;
}

async fn authorization_matrix_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    let mut admin = accounts(&setup).await;
    let a = complaint("បណ្តឹងការិយាល័យ A");
    let mut b = complaint("បណ្តឹងការិយាល័យ B SECRET-B-TEXT");
    b.place = "120109".into();
    let number_a = setup.submit(&a).await;
    let number_b = setup.submit(&b).await;
    let mut staff = complaint("អំពីបុគ្គលិក");
    staff.about_office_staff = true;
    let number_staff = setup.submit(&staff).await;
    assert_eq!(
        setup.office_of(number_staff),
        "DCO-1201",
        "a complaint about the office's own staff goes to the citizens' office"
    );

    let mut browsers = BTreeMap::new();
    for name in ["officer.a", "head.a", "officer.b", "pco", "analyst"] {
        browsers.insert(name, signed_in(&setup, name, PASSWORD).await);
    }
    browsers.insert("admin", signed_in(&setup, "admin", ADMIN_PASSWORD).await);
    let item_a = format!("/console/items/{number_a}");
    let item_b = format!("/console/items/{number_b}");
    let item_staff = format!("/console/items/{number_staff}");
    // Every role against every page: the status each gets (303 = sent elsewhere).
    let ok = StatusCode::OK;
    let forbidden = StatusCode::FORBIDDEN;
    let missing = StatusCode::NOT_FOUND;
    let expect: Vec<(&str, [(&str, StatusCode); 6])> = vec![
        (
            "/console/inbox",
            [
                ("officer.a", ok),
                ("head.a", ok),
                ("officer.b", ok),
                ("pco", ok),
                ("analyst", forbidden),
                ("admin", forbidden),
            ],
        ),
        (
            "/console/export.csv",
            [
                ("officer.a", ok),
                ("head.a", ok),
                ("officer.b", ok),
                ("pco", ok),
                ("analyst", forbidden),
                ("admin", forbidden),
            ],
        ),
        (
            &item_a,
            [
                ("officer.a", ok),
                ("head.a", ok),
                ("officer.b", missing),
                ("pco", missing),
                ("analyst", forbidden),
                ("admin", forbidden),
            ],
        ),
        (
            &item_b,
            [
                ("officer.a", missing),
                ("head.a", missing),
                ("officer.b", ok),
                ("pco", missing),
                ("analyst", forbidden),
                ("admin", forbidden),
            ],
        ),
        (
            &item_staff,
            [
                ("officer.a", missing),
                ("head.a", missing),
                ("officer.b", missing),
                ("pco", ok),
                ("analyst", forbidden),
                ("admin", forbidden),
            ],
        ),
        (
            "/console/items/999999",
            [
                ("officer.a", missing),
                ("head.a", missing),
                ("officer.b", missing),
                ("pco", missing),
                ("analyst", forbidden),
                ("admin", forbidden),
            ],
        ),
        (
            "/console/items/not-a-number",
            [
                ("officer.a", missing),
                ("head.a", missing),
                ("officer.b", missing),
                ("pco", missing),
                ("analyst", forbidden),
                ("admin", forbidden),
            ],
        ),
        (
            "/console/accounts",
            [
                ("officer.a", forbidden),
                ("head.a", ok),
                ("officer.b", forbidden),
                ("pco", forbidden),
                ("analyst", forbidden),
                ("admin", ok),
            ],
        ),
        (
            "/console/audit",
            [
                ("officer.a", forbidden),
                ("head.a", forbidden),
                ("officer.b", forbidden),
                ("pco", forbidden),
                ("analyst", forbidden),
                ("admin", ok),
            ],
        ),
        (
            "/console/offices",
            [
                ("officer.a", forbidden),
                ("head.a", forbidden),
                ("officer.b", forbidden),
                ("pco", forbidden),
                ("analyst", forbidden),
                ("admin", ok),
            ],
        ),
        (
            "/console/offices/CH-120101",
            [
                ("officer.a", forbidden),
                ("head.a", forbidden),
                ("officer.b", forbidden),
                ("pco", forbidden),
                ("analyst", forbidden),
                ("admin", ok),
            ],
        ),
        (
            "/console/deadlines",
            [
                ("officer.a", forbidden),
                ("head.a", forbidden),
                ("officer.b", forbidden),
                ("pco", forbidden),
                ("analyst", forbidden),
                ("admin", ok),
            ],
        ),
        (
            "/console/dashboard",
            [
                ("officer.a", forbidden),
                ("head.a", forbidden),
                ("officer.b", forbidden),
                ("pco", forbidden),
                ("analyst", ok),
                ("admin", ok),
            ],
        ),
        (
            "/console/dashboard.csv?table=kind",
            [
                ("officer.a", forbidden),
                ("head.a", forbidden),
                ("officer.b", forbidden),
                ("pco", forbidden),
                ("analyst", ok),
                ("admin", ok),
            ],
        ),
    ];
    for (path, roles) in &expect {
        for (name, status) in roles {
            let page = browsers.get_mut(name).unwrap().get(path).await;
            assert_eq!(page.status, *status, "{name} GET {path}");
        }
        let page = setup.browser().get(path).await;
        assert_eq!(
            page.location.as_deref(),
            Some("/console/login"),
            "anonymous GET {path}"
        );
    }
    // Lists and exports hold only the account's own items.
    let a_code = a.tracking_code().as_str().to_string();
    let b_code = b.tracking_code().as_str().to_string();
    for path in [
        "/console/inbox",
        "/console/export.csv",
        "/console/inbox?order=oldest",
    ] {
        let body = browsers.get_mut("officer.a").unwrap().get(path).await.body;
        assert!(
            body.contains(&a_code) && !body.contains(&b_code) && !body.contains("SECRET-B-TEXT"),
            "{path}"
        );
        let body = browsers.get_mut("officer.b").unwrap().get(path).await.body;
        assert!(body.contains(&b_code) && !body.contains(&a_code), "{path}");
    }
    // Actions by URL on another office's item: 404, nothing changes.
    let officer_a = browsers.get_mut("officer.a").unwrap();
    let token = officer_a.get(&item_a).await.csrf();
    for (path, form) in [
        (
            format!("{item_b}/reply"),
            vec![("text", "x"), ("kind", "answer")],
        ),
        (format!("{item_b}/state"), vec![("state", "in_progress")]),
        (
            format!("{item_b}/transfer"),
            vec![("office", OFFICE_A), ("reason", "mine now")],
        ),
        (format!("{item_b}/escalate"), vec![]),
    ] {
        let mut fields = form.clone();
        fields.push(("csrf", &token));
        assert_eq!(
            officer_a.post(&path, &fields).await.status,
            missing,
            "{path}"
        );
    }
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM case_events WHERE case_number = $1",
            &[Val::Int(number_b)]
        ),
        1
    );
    // The administrators' forms refuse every other role, with a valid CSRF token and all.
    for name in ["officer.a", "head.a", "officer.b", "pco", "analyst"] {
        let browser = browsers.get_mut(name).unwrap();
        let landing = if name == "analyst" {
            "/console/dashboard"
        } else {
            "/console/inbox"
        };
        let token = browser.get(landing).await.csrf();
        for (path, form) in [
            ("/console/offices/CH-120101", vec![("receiving", "1")]),
            ("/console/deadlines", vec![("complaint", "3")]),
            (
                "/console/holidays",
                vec![("day", "2026-12-10"), ("name", "x")],
            ),
            ("/console/holidays/remove", vec![("day", "2026-12-10")]),
            ("/console/api-keys", vec![("name", "x")]),
            ("/console/api-keys/revoke", vec![("name", "x")]),
        ] {
            let mut fields = form.clone();
            fields.push(("csrf", &token));
            assert_eq!(
                browser.post(path, &fields).await.status,
                forbidden,
                "{name} POST {path}"
            );
        }
    }
    assert_eq!(
        setup.db.count("SELECT count(*) FROM holidays", &[])
            + setup.db.count("SELECT count(*) FROM office_settings", &[])
            + setup.db.count("SELECT count(*) FROM api_keys", &[]),
        0
    );
    // Analysts and administrators cannot act on items; officers cannot create accounts.
    for name in ["analyst", "admin"] {
        let browser = browsers.get_mut(name).unwrap();
        let token = browser.get("/console/dashboard").await.csrf();
        let page = browser
            .post(
                &format!("{item_a}/reply"),
                &[("text", "x"), ("kind", "answer"), ("csrf", &token)],
            )
            .await;
        assert_eq!(page.status, forbidden, "{name}");
    }
    let officer_a = browsers.get_mut("officer.a").unwrap();
    let page = officer_a
        .submit(
            &item_a,
            "/console/accounts",
            &[
                ("username", "sneaky"),
                ("display_name", "S"),
                ("role", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, forbidden);
    // A head creates officers only for their own office.
    let head = browsers.get_mut("head.a").unwrap();
    let page = head
        .submit(
            "/console/accounts",
            "/console/accounts",
            &[
                ("username", "new.officer"),
                ("display_name", "N"),
                ("role", "officer"),
                ("office", OFFICE_A),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "the link page");
    let page = head
        .submit(
            "/console/accounts",
            "/console/accounts",
            &[
                ("username", "new.admin"),
                ("display_name", "N"),
                ("role", "admin"),
                ("office", ""),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, forbidden);
    let page = admin
        .submit(
            "/console/accounts",
            "/console/accounts",
            &[
                ("username", "x y"),
                ("display_name", "N"),
                ("role", "officer"),
                ("office", OFFICE_A),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_form_checks_its_csrf_token() {
    on_each_engine(every_form_checks_its_csrf_token_on).await;
}

/// Every POST of the console, sent by a role that may send it, is refused with 403 without a
/// CSRF token and with another session's token, and changes nothing: the check is the form
/// extractor's, so no handler can leave it out.
async fn every_form_checks_its_csrf_token_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    let mut admin = accounts(&setup).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    let number = setup.submit(&complaint("ផ្លូវខូច")).await;
    let item = format!("/console/items/{number}");
    let officer_id = setup.db.count(
        "SELECT id FROM accounts WHERE username = $1",
        &[Val::from("officer.a")],
    );
    let counts = |setup: &Setup| {
        [
            "SELECT count(*) FROM case_events",
            "SELECT count(*) FROM accounts",
            "SELECT count(*) FROM accounts WHERE disabled <> 0",
            "SELECT count(*) FROM holidays",
            "SELECT count(*) FROM office_settings",
            "SELECT count(*) FROM api_keys",
            "SELECT count(*) FROM deadlines",
            "SELECT count(*) FROM audit_log",
        ]
        .map(|sql| setup.db.count(sql, &[]))
    };
    let before = counts(&setup);
    let admin_token = admin.get("/console/accounts").await.csrf();
    let officer_token = officer.get("/console/inbox").await.csrf();
    let officer_forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("{item}/reply"),
            vec![("text", "x"), ("kind", "answer")],
        ),
        (format!("{item}/state"), vec![("state", "in_progress")]),
        (
            format!("{item}/transfer"),
            vec![("office", OFFICE_B), ("reason", "x")],
        ),
        (format!("{item}/escalate"), vec![]),
        (
            "/console/password".into(),
            vec![
                ("current", PASSWORD),
                ("password", "a new password 1"),
                ("confirm", "a new password 1"),
            ],
        ),
        ("/console/2fa".into(), vec![("code", "123456")]),
        ("/console/login/code".into(), vec![("code", "123456")]),
        ("/console/logout".into(), vec![]),
    ];
    let admin_forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/console/accounts".into(),
            vec![
                ("username", "no.token"),
                ("display_name", "N"),
                ("role", "officer"),
                ("office", OFFICE_A),
            ],
        ),
        (format!("/console/accounts/{officer_id}/disable"), vec![]),
        (format!("/console/accounts/{officer_id}/enable"), vec![]),
        (format!("/console/accounts/{officer_id}/reset"), vec![]),
        (
            "/console/accounts/policy".into(),
            vec![("require_2fa", "on")],
        ),
        (
            "/console/offices/CH-120101".into(),
            vec![("phone", "012 345 678")],
        ),
        ("/console/deadlines".into(), vec![("complaint", "3")]),
        (
            "/console/holidays".into(),
            vec![("day", "2026-12-10"), ("name", "x")],
        ),
        (
            "/console/holidays/remove".into(),
            vec![("day", "2026-12-10")],
        ),
        ("/console/api-keys".into(), vec![("name", "x")]),
        ("/console/api-keys/revoke".into(), vec![("name", "x")]),
    ];
    for (browser, foreign, forms) in [
        (&mut officer, &admin_token, &officer_forms),
        (&mut admin, &officer_token, &admin_forms),
    ] {
        for (path, form) in forms {
            assert_eq!(
                browser.post(path, form).await.status,
                StatusCode::FORBIDDEN,
                "POST {path} without a token"
            );
            let mut fields = form.clone();
            fields.push(("csrf", foreign.as_str()));
            assert_eq!(
                browser.post(path, &fields).await.status,
                StatusCode::FORBIDDEN,
                "POST {path} with another session's token"
            );
        }
    }
    // Signed out: the login and enrolment forms want the token of their cookie.
    let mut stranger = setup.browser();
    for (path, form) in [
        (
            "/console/login",
            vec![("username", "officer.a"), ("password", PASSWORD)],
        ),
        (
            "/console/enrol",
            vec![
                ("token", "0"),
                ("password", "a new password 1"),
                ("confirm", "a new password 1"),
            ],
        ),
    ] {
        assert_eq!(
            stranger.post(path, &form).await.status,
            StatusCode::FORBIDDEN,
            "POST {path} without a token"
        );
    }
    assert_eq!(counts(&setup), before, "nothing changed");
    // Both sessions still work: not even the logout went through.
    assert_eq!(officer.get("/console/inbox").await.status, StatusCode::OK);
    assert_eq!(admin.get("/console/audit").await.status, StatusCode::OK);
}
