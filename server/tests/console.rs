//! The officials' console on the real server binary, on each engine: the first administrator
//! made by the `create-admin` command, accounts and roles, sessions, CSRF, login throttling,
//! the authorization matrix, replies that reach the app, citizen answers and ratings, the
//! audit log, deadlines with a controlled clock, escaping of untrusted text, and small-cell
//! suppression in the statistics.

mod support;

use chrono::{DateTime, Duration, Utc};
use ourvoice_protocol::{Gender, Privacy, RespondentProfile, Submission, UpdatesResponse};
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use support::browser::{self, Browser};
use support::{complaint, create_admin, ServerProcess, TestDb, Val};

const ADMIN_PASSWORD: &str = "admin password 1";
const PASSWORD: &str = "officer password 1";
const OFFICE_A: &str = "CH-120101";
const OFFICE_B: &str = "CH-120109";

/// The server with a clock the test moves.
struct Setup {
    db: TestDb,
    server: ServerProcess,
    clock: PathBuf,
    now: DateTime<Utc>,
}

impl Setup {
    fn start(db: TestDb, extra: &[&str]) -> Setup {
        let clock = db.file("clock");
        // A Monday morning in Cambodia.
        let now = DateTime::parse_from_rfc3339("2026-11-30T02:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        std::fs::write(&clock, now.to_rfc3339()).unwrap();
        let clock_arg = clock.display().to_string();
        let mut args = vec!["--clock-file", &clock_arg, "--cookie-secure", "false"];
        args.extend_from_slice(extra);
        let output = create_admin(&db, "admin", "short");
        assert!(!output.status.success(), "a short password is refused");
        assert!(String::from_utf8_lossy(&output.stderr).contains("at least 12 characters"));
        let output = create_admin(&db, "admin", ADMIN_PASSWORD);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let server = ServerProcess::start(&db, &args);
        browser::use_clock(&server.url(), clock.clone());
        Setup {
            db,
            server,
            clock,
            now,
        }
    }

    /// Moves the server's clock forward (sign-ins with a second factor may have moved it too).
    fn advance(&mut self, by: Duration) {
        browser::advance_server_clock(&self.server.url(), by);
        self.now = browser::server_now(&self.server.url());
    }

    /// Restarts the server on the same database and clock with `extra` arguments.
    fn restart(&mut self, extra: &[&str]) {
        self.server.terminate();
        let clock = self.clock.display().to_string();
        let mut args = vec!["--clock-file", clock.as_str()];
        if !extra.contains(&"--cookie-secure") {
            args.extend(["--cookie-secure", "false"]);
        }
        args.extend_from_slice(extra);
        self.server = ServerProcess::start(&self.db, &args);
        browser::use_clock(&self.server.url(), self.clock.clone());
    }

    /// The office that case `number` is with now.
    fn office_of(&self, number: i64) -> String {
        self.db.query(
            "SELECT office FROM cases WHERE number = $1",
            &[Val::Int(number)],
        )[0]
        .text(0)
        .unwrap()
    }

    fn browser(&self) -> Browser {
        Browser::new(&self.server.url())
    }

    async fn submit(&self, submission: &Submission) -> i64 {
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/submissions", self.server.url()))
            .json(&json!({ "items": [submission] }))
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["results"][0]["outcome"], "accepted", "{body}");
        body["results"][0]["server_number"].as_i64().unwrap()
    }

    async fn api(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.server.url()))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn updates(&self, submission: &Submission) -> UpdatesResponse {
        let (status, body) = self
            .api(
                "/api/v1/updates",
                &json!({ "items": [{ "id": submission.id, "secret": submission.secret, "since": 0 }] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        serde_json::from_value(body).unwrap()
    }
}

async fn signed_in(setup: &Setup, username: &str, password: &str) -> Browser {
    Browser::signed_in(&setup.server.url(), username, password).await
}

/// Creates the accounts every test uses; returns the admin's browser.
async fn accounts(setup: &Setup) -> Browser {
    let mut admin = signed_in(setup, "admin", ADMIN_PASSWORD).await;
    for (username, role, office) in [
        ("officer.a", "officer", OFFICE_A),
        ("officer.b", "officer", OFFICE_B),
        ("head.a", "head", OFFICE_A),
        ("dco.officer", "officer", "DCO-1201"),
        ("pco", "citizens_office", "PCO-12"),
        ("analyst", "analyst", ""),
    ] {
        let page = admin.create_account(username, role, office, PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::OK,
            "create {username}: {}",
            page.body
        );
    }
    admin
}

type TestFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// Runs one test on each engine, one after the other.
async fn on_both(test: fn(TestDb) -> TestFuture) {
    for db in TestDb::all() {
        println!("engine {:?}", db.engine);
        test(db).await;
    }
}

#[tokio::test]
async fn sessions_csrf_throttling_and_disabling() {
    on_both(|db| Box::pin(sessions_csrf_throttling_and_disabling_on(db))).await;
}

async fn sessions_csrf_throttling_and_disabling_on(db: TestDb) {
    let mut setup = Setup::start(db, &[]);
    let mut admin = accounts(&setup).await;
    // The session cookie is HttpOnly and SameSite=Strict.
    let mut raw = setup.browser();
    let form = raw.get("/console/login").await;
    let response = raw
        .http
        .post(format!("{}/console/login", raw.base))
        .header(COOKIE, raw.cookie_header())
        .form(&[
            ("username", "officer.a"),
            ("password", PASSWORD),
            ("csrf", &form.csrf()),
        ])
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.starts_with("ov_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    // Not signed in: sent to the login form; a login without the form's token is refused.
    let mut anonymous = setup.browser();
    assert_eq!(
        anonymous.get("/console/inbox").await.location.as_deref(),
        Some("/console/login")
    );
    let page = anonymous
        .post(
            "/console/login",
            &[("username", "officer.a"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // Wrong password: 401, same answer as an unknown name.
    assert_eq!(
        setup.browser().login("officer.a", "wrong").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        setup.browser().login("nobody", "wrong").await.status,
        StatusCode::UNAUTHORIZED
    );

    // CSRF: a form without the token, or with another session's token, is refused.
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    let number = setup.submit(&complaint("ផ្លូវខូច")).await;
    let item = format!("/console/items/{number}");
    let reply = format!("{item}/reply");
    assert_eq!(
        officer
            .post(&reply, &[("text", "hello"), ("kind", "answer")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let foreign = admin.get("/console/accounts").await.csrf();
    assert_eq!(
        officer
            .post(
                &reply,
                &[("text", "hello"), ("kind", "answer"), ("csrf", &foreign)]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        officer
            .submit(&item, &reply, &[("text", "hello"), ("kind", "answer")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Logout ends the session on the server: the old cookie no longer works.
    let old = officer.cookies.clone();
    let page = officer
        .submit("/console/inbox", "/console/logout", &[])
        .await;
    assert_eq!(page.location.as_deref(), Some("/console/login"));
    officer.cookies = old;
    assert_eq!(
        officer.get("/console/inbox").await.location.as_deref(),
        Some("/console/login")
    );

    // Disabling an account ends its live session at once and refuses new logins.
    let mut head = signed_in(&setup, "head.a", PASSWORD).await;
    let mut victim = signed_in(&setup, "officer.a", PASSWORD).await;
    assert_eq!(victim.get("/console/inbox").await.status, StatusCode::OK);
    let id = setup
        .db
        .count("SELECT id FROM accounts WHERE username = 'officer.a'", &[])
        .to_string();
    // A head may not disable an officer of another office, nor an analyst.
    let other = setup
        .db
        .count("SELECT id FROM accounts WHERE username = 'officer.b'", &[])
        .to_string();
    let page = head
        .submit(
            "/console/accounts",
            &format!("/console/accounts/{other}/disable"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = head
        .submit(
            "/console/accounts",
            &format!("/console/accounts/{id}/disable"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        victim.get("/console/inbox").await.location.as_deref(),
        Some("/console/login")
    );
    assert_eq!(
        setup.browser().login("officer.a", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = admin
        .submit(
            "/console/accounts",
            &format!("/console/accounts/{id}/enable"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    signed_in(&setup, "officer.a", PASSWORD).await;

    // Sessions end after 30 idle minutes, and after 8 hours however busy.
    let mut idle = signed_in(&setup, "officer.b", PASSWORD).await;
    setup.advance(Duration::minutes(29));
    assert_eq!(idle.get("/console/inbox").await.status, StatusCode::OK);
    setup.advance(Duration::minutes(31));
    assert_eq!(
        idle.get("/console/inbox").await.location.as_deref(),
        Some("/console/login"),
        "idle for 31 minutes"
    );
    let mut expiring = signed_in(&setup, "officer.b", PASSWORD).await;
    for _ in 0..16 {
        setup.advance(Duration::minutes(29));
        assert_eq!(expiring.get("/console/inbox").await.status, StatusCode::OK);
    }
    setup.advance(Duration::minutes(17));
    assert_eq!(
        expiring.get("/console/inbox").await.location.as_deref(),
        Some("/console/login"),
        "8 hours after sign-in"
    );
    // Ended sessions are deleted at the next sign-in.
    signed_in(&setup, "officer.b", PASSWORD).await;
    let stale = setup.db.count(
        "SELECT count(*) FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
        &[
            Val::from(
                setup
                    .now
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ),
            Val::from(
                (setup.now - Duration::minutes(30))
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ),
        ],
    );
    assert_eq!(stale, 0);

    // One address trying many names waits, even for a right password, with growing delays.
    for n in 0..20 {
        let status = setup
            .browser()
            .login(&format!("guess{n}"), "wrong")
            .await
            .status;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let page = setup.browser().login("officer.a", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    // Without a trusted proxy, a client cannot pick another address with X-Forwarded-For.
    let mut spoofing = setup.browser();
    spoofing.forwarded_for = Some("198.51.100.77".into());
    assert_eq!(
        spoofing.login("officer.a", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    setup.advance(Duration::seconds(1));
    signed_in(&setup, "officer.a", PASSWORD).await;

    // Behind a trusted reverse proxy, each client's own address is throttled, not the proxy's.
    setup.restart(&["--trusted-proxy", "127.0.0.1,10.0.0.0/8"]);
    let url = setup.server.url();
    let through_proxy = |address: &str| {
        let mut browser = Browser::new(&url);
        browser.forwarded_for = Some(format!("{address}, 10.1.2.3"));
        browser
    };
    for n in 0..20 {
        let status = through_proxy("203.0.113.7")
            .login(&format!("guess{n}"), "wrong")
            .await
            .status;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        through_proxy("203.0.113.7")
            .login("officer.a", PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        through_proxy("203.0.113.8")
            .login("officer.a", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER,
        "another official behind the same proxy signs in"
    );

    // A name's failures make the next attempt wait 1 s, then 2, 4…, from any address; no lock:
    // once the delay is over the owner signs in from their own address.
    let retry_after = |page: &reqwest::header::HeaderMap| {
        page.get("retry-after")
            .map(|v| v.to_str().unwrap().to_string())
    };
    for _ in 0..5 {
        let page = through_proxy("203.0.113.20")
            .login("officer.b", "wrong")
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    for wait in [1, 2, 4] {
        let mut owner = through_proxy("198.51.100.21");
        let form = owner.get("/console/login").await;
        let response = owner
            .http
            .post(format!("{}/console/login", owner.base))
            .header(COOKIE, owner.cookie_header())
            .headers(owner.proxy_headers())
            .form(&[
                ("username", "officer.b"),
                ("password", PASSWORD),
                ("csrf", &form.csrf()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            retry_after(response.headers()).as_deref(),
            Some(wait.to_string().as_str())
        );
        setup.advance(Duration::seconds(wait));
        let page = through_proxy("203.0.113.20")
            .login("officer.b", "wrong")
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNAUTHORIZED,
            "the attacker's next try"
        );
    }
    setup.advance(Duration::seconds(8));
    let mut owner = through_proxy("198.51.100.21");
    let page = owner.login("officer.b", PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "no lock-out: {}",
        page.body
    );
    // The same for a name that is no account: the same answers, the same delays.
    for _ in 0..5 {
        let page = through_proxy("203.0.113.30")
            .login("nobody.here", "wrong")
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        through_proxy("203.0.113.31")
            .login("nobody.here", "wrong")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Failed sign-ins are recorded with the address, and the account only when the name is one.
    let failures = |address: &str, known: bool| {
        setup.db.count(
            &format!(
                "SELECT count(*) FROM sign_ins WHERE outcome = 'failed' AND address = $1 AND account_id IS {}NULL",
                if known { "NOT " } else { "" }
            ),
            &[Val::from(address)],
        )
    };
    assert_eq!(failures("203.0.113.20", true), 8);
    assert_eq!(failures("203.0.113.30", false), 5);
    assert_eq!(failures("203.0.113.30", true), 0);
    let mut admin = signed_in(&setup, "admin", ADMIN_PASSWORD).await;
    let audit = admin.get("/console/audit").await;
    assert!(audit.body.contains("203.0.113.30") && audit.body.contains("failed"));
}

/// An unknown name, a wrong password and an account without a password take the same work: an
/// argon2 verification each (measured roughly; a debug build makes argon2 the bulk of it).
#[tokio::test]
async fn unknown_and_known_names_take_the_same_path() {
    on_both(|db| Box::pin(same_path_on(db))).await;
}

async fn same_path_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    let mut admin = accounts(&setup).await;
    let page = admin
        .submit(
            "/console/accounts",
            "/console/accounts",
            &[
                ("username", "no.password.yet"),
                ("display_name", "N"),
                ("role", "officer"),
                ("office", OFFICE_A),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let mut times = BTreeMap::new();
    for name in ["officer.a", "nobody", "no.password.yet"] {
        let mut best = std::time::Duration::MAX;
        for _ in 0..3 {
            let mut browser = setup.browser();
            let form = browser.get("/console/login").await;
            let started = std::time::Instant::now();
            let page = browser
                .post(
                    "/console/login",
                    &[
                        ("username", name),
                        ("password", "wrong password"),
                        ("csrf", &form.csrf()),
                    ],
                )
                .await;
            best = best.min(started.elapsed());
            assert_eq!(page.status, StatusCode::UNAUTHORIZED);
            assert!(page.body.contains("role=\"alert\""));
        }
        times.insert(name, best);
    }
    let known = times["officer.a"];
    for name in ["nobody", "no.password.yet"] {
        assert!(
            times[name] * 2 > known,
            "{name} took {:?}, a known name {known:?}",
            times[name]
        );
    }
}

#[tokio::test]
async fn authorization_matrix_and_office_isolation() {
    on_both(|db| Box::pin(authorization_matrix_on(db))).await;
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
async fn replies_questions_answers_and_ratings_travel_both_ways() {
    on_both(|db| Box::pin(replies_on(db))).await;
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
    on_both(|db| Box::pin(audit_on(db))).await;
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
    assert!(page.body.contains("Anonymous") || page.body.contains("អនាមិក៖"));
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
async fn overdue_items_are_flagged_and_escalated() {
    on_both(|db| Box::pin(deadlines_on(db))).await;
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
async fn statistics_suppress_small_cells_and_hide_free_text() {
    on_both(|db| Box::pin(statistics_on(db))).await;
}

async fn statistics_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    accounts(&setup).await;
    for (n, gender) in [(7, Gender::Female), (2, Gender::Male)] {
        for i in 0..n {
            let mut c = complaint(&format!("FREE-TEXT-{i} ត្រូវបានសុំប្រាក់"));
            c.profile = Some(RespondentProfile {
                gender: Some(gender),
                ..Default::default()
            });
            c.asked_extra_payment = Some(i % 2 == 0);
            setup.submit(&c).await;
        }
    }
    let mut analyst = signed_in(&setup, "analyst", PASSWORD).await;
    let page = analyst.get("/console/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("FREE-TEXT"),
        "no free text on the dashboard"
    );
    assert!(page.body.contains("<svg") && page.body.contains("data-chart=\"kind\""));
    let csv = analyst
        .get("/console/dashboard.csv?table=kind&by=gender")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    let complaint_row = csv
        .body
        .lines()
        .find(|l| l.starts_with("\"បណ្តឹង\""))
        .expect(&csv.body);
    // Women 7 (hidden: with the total it would give the men away), men 2 (suppressed),
    // other 0, prefer not 0, not given 0, total 9.
    assert_eq!(
        complaint_row,
        "\"បណ្តឹង\",\"x\",\"<5\",\"0\",\"0\",\"0\",\"9\""
    );
    for line in csv.body.lines().skip(1) {
        for cell in line.split(',').skip(1) {
            let value = cell.trim_matches('"');
            if let Ok(n) = value.parse::<u32>() {
                assert!(n == 0 || n >= 5, "a small cell leaked: {line}");
            }
        }
    }
    let extra = analyst
        .get("/console/dashboard.csv?table=extra_payment&by=gender")
        .await
        .body;
    // Women: 4 of 7 said yes → 57%, hidden (with the total, the men's answers would follow);
    // men: 2 people → suppressed; total 5 of 9 → 56%.
    assert!(extra.contains("\"x\",\"<5\""), "{extra}");
    assert!(extra.contains("\"56%\""), "{extra}");
    assert_eq!(
        analyst
            .get("/console/dashboard.csv?table=nope")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        analyst.get("/console/dashboard?by=shoe_size").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_device_answers_questions_and_rates_through_its_sync_engine() {
    on_both(|db| Box::pin(device_on(db))).await;
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
    on_both(|db| Box::pin(inbox_pages_on(db))).await;
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
    // The export holds every matching item, not one page.
    let csv = officer.get("/console/export.csv").await.body;
    assert_eq!(csv.matches("batch ").count(), 255);
}

#[tokio::test]
async fn administrators_issue_and_revoke_open311_api_keys() {
    on_both(|db| Box::pin(api_keys_on(db))).await;
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
    on_both(|db| Box::pin(offices_on(db))).await;
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

/// SHA-256 in hex, as the server stores tokens.
fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn accounts_are_enrolled_by_link_reset_and_need_a_second_factor() {
    on_both(|db| Box::pin(enrolment_on(db))).await;
}

async fn enrolment_on(db: TestDb) {
    let mut setup = Setup::start(db, &[]);
    let base = setup.server.url();
    let mut admin = accounts(&setup).await;

    // A new account gets a one-time link; only its digest is stored, and no password works yet.
    let page = admin
        .submit(
            "/console/accounts",
            "/console/accounts",
            &[
                ("username", "new.officer"),
                ("display_name", "New"),
                ("role", "officer"),
                ("office", OFFICE_A),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let link = browser::enrolment_path(&page.body).unwrap();
    let token = link.rsplit('/').next().unwrap().to_string();
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM enrolment_links WHERE token_digest = $1",
            &[Val::from(sha256_hex(&token))]
        ),
        1
    );
    assert_eq!(
        setup.browser().login("new.officer", "!").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Bad input: a different confirmation, a short password, garbage links.
    let mut owner = setup.browser();
    let form = owner.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    for (password, confirm) in [(PASSWORD, "something else 1"), ("short", "short")] {
        let page = owner
            .post(
                "/console/enrol",
                &[
                    ("token", &token),
                    ("password", password),
                    ("confirm", confirm),
                    ("csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{password}");
    }
    let page = owner
        .post(
            "/console/enrol",
            &[
                ("token", &token),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "no CSRF token");
    for garbage in [
        "/console/enrol/xyz",
        &format!("/console/enrol/{}", "0".repeat(64)),
    ] {
        assert_eq!(owner.get(garbage).await.status, StatusCode::NOT_FOUND);
    }
    let page = owner
        .post(
            "/console/enrol",
            &[
                ("token", "0123"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // The link sets the password once.
    let page = owner.enrol(&link, PASSWORD).await;
    assert_eq!(page.location.as_deref(), Some("/console/login"));
    let mut officer = signed_in(&setup, "new.officer", PASSWORD).await;
    assert_eq!(owner.get(&link).await.status, StatusCode::NOT_FOUND, "used");
    let page = owner
        .post(
            "/console/enrol",
            &[
                ("token", &token),
                ("password", "another password 1"),
                ("confirm", "another password 1"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "reused");
    signed_in(&setup, "new.officer", PASSWORD).await;

    // A reset ends the sessions, removes the password and replaces any earlier link.
    let id = setup.db.count(
        "SELECT id FROM accounts WHERE username = 'new.officer'",
        &[],
    );
    let reset = format!("/console/accounts/{id}/reset");
    let page = admin.submit("/console/accounts", &reset, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let first = browser::enrolment_path(&page.body).unwrap();
    assert_eq!(
        officer.get("/console/inbox").await.location.as_deref(),
        Some("/console/login")
    );
    assert_eq!(
        setup.browser().login("new.officer", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = admin.submit("/console/accounts", &reset, &[]).await;
    let second = browser::enrolment_path(&page.body).unwrap();
    assert_eq!(
        setup.browser().get(&first).await.status,
        StatusCode::NOT_FOUND
    );
    let new_password = "new officer password";
    assert_eq!(
        setup
            .browser()
            .enrol(&second, new_password)
            .await
            .location
            .as_deref(),
        Some("/console/login")
    );
    signed_in(&setup, "new.officer", new_password).await;
    // A head resets only their own office's officers.
    let mut head = Browser::new(&base);
    let page = head.login("head.a", PASSWORD).await;
    assert_eq!(
        page.location.as_deref(),
        Some("/console/2fa"),
        "a head needs 2FA"
    );
    // Nothing else opens before the second factor is enrolled.
    assert_eq!(
        head.get("/console/inbox").await.location.as_deref(),
        Some("/console/2fa")
    );
    // A wrong or malformed code is refused; the right one turns it on with 10 recovery codes.
    let form = head.get("/console/2fa").await;
    assert!(form.body.contains("<svg") && !form.body.contains("<script"));
    for code in ["000000", "abc", ""] {
        let page = head
            .post("/console/2fa", &[("code", code), ("csrf", &form.csrf())])
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{code}");
    }
    let recovery = head.enrol_second_factor("head.a").await;
    assert_eq!(head.get("/console/inbox").await.status, StatusCode::OK);
    let other = setup
        .db
        .count("SELECT id FROM accounts WHERE username = 'officer.b'", &[]);
    let page = head
        .submit(
            "/console/accounts",
            &format!("/console/accounts/{other}/reset"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let own = setup
        .db
        .count("SELECT id FROM accounts WHERE username = 'officer.a'", &[]);
    let page = head
        .submit(
            "/console/accounts",
            &format!("/console/accounts/{own}/reset"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let link = browser::enrolment_path(&page.body).unwrap();
    setup.browser().enrol(&link, PASSWORD).await;

    // Signing in with a second factor: the code page first; wrong, reused and right codes.
    let secret = browser::totp_secret(&base, "head.a").unwrap();
    let mut again = Browser::new(&base);
    let page = again.login("head.a", PASSWORD).await;
    assert_eq!(page.location.as_deref(), Some("/console/login/code"));
    assert_eq!(
        again.get("/console/inbox").await.location.as_deref(),
        Some("/console/login/code")
    );
    let page = again
        .submit(
            "/console/login/code",
            "/console/login/code",
            &[("code", "123456")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    let code = browser::next_code(&base, "head.a", &secret);
    let page = again
        .submit(
            "/console/login/code",
            "/console/login/code",
            &[("code", &code)],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/console"));
    let mut third = Browser::new(&base);
    third.login("head.a", PASSWORD).await;
    let page = third
        .submit(
            "/console/login/code",
            "/console/login/code",
            &[("code", &code)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED, "a used code");
    // A recovery code works once.
    let page = third
        .submit(
            "/console/login/code",
            "/console/login/code",
            &[("code", &recovery[0])],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/console"));
    assert_eq!(third.get("/console/inbox").await.status, StatusCode::OK);
    let mut fourth = Browser::new(&base);
    fourth.login("head.a", PASSWORD).await;
    let page = fourth
        .submit(
            "/console/login/code",
            "/console/login/code",
            &[("code", &recovery[0])],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNAUTHORIZED,
        "a used recovery code"
    );
    assert_eq!(
        setup.db.count(
            "SELECT count(*) FROM recovery_codes WHERE used_at IS NULL",
            &[]
        ),
        9 + 10,
        "the admin's ten and the head's nine left"
    );

    // Changing one's password ends one's other sessions.
    let mut elsewhere = signed_in(&setup, "officer.b", PASSWORD).await;
    let mut here = signed_in(&setup, "officer.b", PASSWORD).await;
    let changed = "officer b new password";
    let page = here
        .submit(
            "/console/password",
            "/console/password",
            &[
                ("current", "wrong"),
                ("password", changed),
                ("confirm", changed),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    let page = here
        .submit(
            "/console/password",
            "/console/password",
            &[
                ("current", PASSWORD),
                ("password", changed),
                ("confirm", "x"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let page = here
        .submit(
            "/console/password",
            "/console/password",
            &[
                ("current", PASSWORD),
                ("password", changed),
                ("confirm", changed),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("password-changed"));
    assert_eq!(here.get("/console/inbox").await.status, StatusCode::OK);
    assert_eq!(
        elsewhere.get("/console/inbox").await.location.as_deref(),
        Some("/console/login")
    );
    assert_eq!(
        setup.browser().login("officer.b", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The policy on: every account needs a second factor, at once; off again: not.
    let page = admin
        .submit(
            "/console/accounts",
            "/console/accounts/policy",
            &[("require_2fa", "on")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        here.get("/console/inbox").await.location.as_deref(),
        Some("/console/2fa")
    );
    let mut analyst = Browser::new(&base);
    let page = analyst.login("analyst", PASSWORD).await;
    assert_eq!(page.location.as_deref(), Some("/console/2fa"));
    let page = admin
        .submit("/console/accounts", "/console/accounts/policy", &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(here.get("/console/inbox").await.status, StatusCode::OK);

    // An export is audited too.
    assert_eq!(here.get("/console/export.csv").await.status, StatusCode::OK);

    // The link expires after 72 hours.
    let page = admin
        .submit(
            "/console/accounts",
            "/console/accounts",
            &[
                ("username", "late.officer"),
                ("display_name", "Late"),
                ("role", "officer"),
                ("office", OFFICE_A),
            ],
        )
        .await;
    let late = browser::enrolment_path(&page.body).unwrap();
    setup.advance(Duration::hours(71));
    assert_eq!(setup.browser().get(&late).await.status, StatusCode::OK);
    setup.advance(Duration::hours(1) + Duration::minutes(1));
    assert_eq!(
        setup.browser().enrol(&late, PASSWORD).await.status,
        StatusCode::NOT_FOUND
    );

    // Everything above is in the audit log.
    for action in [
        "create_account",
        "reset_account",
        "enrol",
        "enrol_2fa",
        "use_recovery_code",
        "change_password",
        "set_2fa_policy",
        "export_csv",
    ] {
        assert!(
            setup.db.count(
                "SELECT count(*) FROM audit_log WHERE action = $1",
                &[Val::from(action)]
            ) > 0,
            "{action}"
        );
    }
    let mut admin = signed_in(&setup, "admin", ADMIN_PASSWORD).await;
    let audit = admin.get("/console/audit").await.body;
    assert!(audit.contains("set_2fa_policy") && audit.contains("sign-ins-list"));
    assert!(audit.contains("signed_in_recovery_code") && audit.contains("code_failed"));

    // Secure cookies are `__Host-` cookies on `/`, and console answers carry HSTS.
    let login = reqwest::get(format!("{base}/console/login")).await.unwrap();
    assert!(login.headers().get("strict-transport-security").is_none());
    setup.restart(&["--cookie-secure", "true"]);
    let login = reqwest::get(format!("{}/console/login", setup.server.url()))
        .await
        .unwrap();
    let cookie = login.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("__Host-ov_login=")
            && cookie.contains("; Path=/;")
            && cookie.contains("Secure")
            && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert!(login.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

#[tokio::test]
async fn every_form_checks_its_csrf_token() {
    on_both(|db| Box::pin(every_form_checks_its_csrf_token_on(db))).await;
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
