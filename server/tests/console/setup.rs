//! What every console test starts from: a server on a fresh database with a clock the test
//! moves, the first administrator, and the accounts of two offices; the imports the tests share.

pub(crate) use crate::support::browser::{self, Browser};
pub(crate) use crate::support::on_each_engine;
pub(crate) use crate::support::{complaint, create_admin, ServerProcess, TestDb, Val};
pub(crate) use chrono::{DateTime, Duration, Utc};
pub(crate) use ourvoice_protocol::{
    Gender, Privacy, RespondentProfile, Submission, UpdatesResponse,
};
pub(crate) use reqwest::header::{COOKIE, SET_COOKIE};
pub(crate) use reqwest::StatusCode;
pub(crate) use serde_json::{json, Value};
pub(crate) use std::collections::BTreeMap;
pub(crate) use std::path::PathBuf;

pub(crate) const ADMIN_PASSWORD: &str = "admin password 1";
pub(crate) const PASSWORD: &str = "officer password 1";
pub(crate) const OFFICE_A: &str = "CH-120101";
pub(crate) const OFFICE_B: &str = "CH-120109";

/// The server with a clock the test moves.
pub(crate) struct Setup {
    pub(crate) db: TestDb,
    pub(crate) server: ServerProcess,
    pub(crate) clock: PathBuf,
    pub(crate) now: DateTime<Utc>,
}

impl Setup {
    pub(crate) fn start(db: TestDb, extra: &[&str]) -> Setup {
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
    pub(crate) fn advance(&mut self, by: Duration) {
        browser::advance_server_clock(&self.server.url(), by);
        self.now = browser::server_now(&self.server.url());
    }

    /// Restarts the server on the same database and clock with `extra` arguments.
    pub(crate) fn restart(&mut self, extra: &[&str]) {
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
    pub(crate) fn office_of(&self, number: i64) -> String {
        self.db.query(
            "SELECT office FROM cases WHERE number = $1",
            &[Val::Int(number)],
        )[0]
        .text(0)
        .unwrap()
    }

    pub(crate) fn browser(&self) -> Browser {
        Browser::new(&self.server.url())
    }

    pub(crate) async fn submit(&self, submission: &Submission) -> i64 {
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

    pub(crate) async fn api(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.server.url()))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn updates(&self, submission: &Submission) -> UpdatesResponse {
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

pub(crate) async fn signed_in(setup: &Setup, username: &str, password: &str) -> Browser {
    Browser::signed_in(&setup.server.url(), username, password).await
}

/// Creates the accounts every test uses; returns the admin's browser.
pub(crate) async fn accounts(setup: &Setup) -> Browser {
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

/// `path` asked for by `browser` without and with gzip (checking that the second comes
/// compressed, as HTML), each as read.
pub(crate) async fn plain_and_gzip(browser: &Browser, path: &str) -> (String, String) {
    let mut cookie = reqwest::header::HeaderMap::new();
    cookie.insert("cookie", browser.cookie_header().parse().unwrap());
    let both = crate::support::plain_and_gzip(&format!("{}{path}", browser.base), cookie).await;
    assert_eq!(both.packed_type, "text/html; charset=utf-8");
    assert!(
        both.packed.len() < both.plain.len() / 2,
        "{} of {}",
        both.packed.len(),
        both.plain.len()
    );
    (
        String::from_utf8(both.plain).unwrap(),
        String::from_utf8(both.unpacked).unwrap(),
    )
}
