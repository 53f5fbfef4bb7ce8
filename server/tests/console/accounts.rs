//! Accounts and sessions: sign-in, CSRF, login throttling, disabling, the same work for
//! unknown and known names, enrolment by link, password reset and the second factor.

use crate::setup::*;

#[tokio::test]
async fn sessions_csrf_throttling_and_disabling() {
    on_each_engine(sessions_csrf_throttling_and_disabling_on).await;
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
    let accounts = admin.get("/console/accounts").await;
    // The Khmer console writes its numbers in Khmer digits, in messages too (the enrolment
    // link's 72 hours).
    assert!(accounts.body.contains("៧២ ម៉ោង"), "{}", accounts.body);
    assert!(!accounts.body.contains("72 ម៉ោង"));
    let foreign = accounts.csrf();
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
    // Each use asked from eight tabs at once: one of them writes the last use, and the
    // session stays alive.
    let mut expiring = signed_in(&setup, "officer.b", PASSWORD).await;
    for _ in 0..16 {
        setup.advance(Duration::minutes(29));
        let tabs = (0..8).map(|_| {
            let mut tab = expiring.clone();
            async move { tab.get("/console/inbox").await.status }
        });
        for status in futures_util::future::join_all(tabs).await {
            assert_eq!(status, StatusCode::OK);
        }
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
    on_each_engine(same_path_on).await;
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
    // The best of five tries each, the names taking turns, so that a busy machine slows all
    // of them alike.
    let names = ["officer.a", "nobody", "no.password.yet"];
    let mut times: BTreeMap<&str, std::time::Duration> = names
        .iter()
        .map(|name| (*name, std::time::Duration::MAX))
        .collect();
    for _ in 0..5 {
        for name in names {
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
            let took = started.elapsed();
            let best = times.get_mut(name).unwrap();
            *best = (*best).min(took);
            assert_eq!(page.status, StatusCode::UNAUTHORIZED);
            assert!(page.body.contains("role=\"alert\""));
        }
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

/// SHA-256 in hex, as the server stores tokens.
fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn accounts_are_enrolled_by_link_reset_and_need_a_second_factor() {
    on_each_engine(enrolment_on).await;
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
