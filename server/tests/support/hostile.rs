//! Hostile traffic against a running server, for the hostile-traffic test and benchmark:
//! gzip bombs and oversized bodies to every POST route (with and without a console session),
//! 20 parallel 4 MB JSON arrays, 300 connections that send half their headers and 50 that send
//! half a body, 200 parallel logins from as many addresses (and 100 enrolments with made-up
//! links), and a burst of 300 reads; a phone's
//! normal batch is sent during each. Every answer must be a 4xx or a 503, never a 5xx error of
//! the server's own, and every connection is answered or closed by the server.

use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::browser::Browser;
use super::{complaint, Engine, ServerProcess, TestDb};

/// The administrator the attack signs in as (made with `create-admin` before the server starts).
pub const ADMIN: (&str, &str) = ("admin", "admin password 1");

/// The server's flags for the attack: short header timeouts (so the test need not wait long),
/// four database readers, and the loopback trusted as a proxy so that each login can come
/// from an address of its own, as a flood from many machines would.
pub const SERVER_ARGS: [&str; 11] = [
    "--cookie-secure",
    "false",
    "--header-timeout-seconds",
    "2",
    "--request-timeout-seconds",
    "20",
    "--database-readers",
    "4",
    "--trusted-proxy",
    "127.0.0.1",
    "--new-cases-per-hour=0",
];

/// What the attack measured.
#[derive(Debug, Default)]
pub struct Report {
    /// The server's peak resident memory (`VmHWM`) after the attack, in MiB.
    pub peak_resident_mib: u64,
    /// Bodies sent in the first wave (bombs, oversized bodies, 4 MB arrays) and how long
    /// the server took to answer them all.
    pub bodies: usize,
    pub bodies_seconds: f64,
    /// The slowest close of a half-sent request, in seconds.
    pub slowest_close_seconds: f64,
    /// Statuses of the 200 parallel logins, and how long they took together.
    pub logins: BTreeMap<u16, usize>,
    pub logins_seconds: f64,
    /// Statuses of the 100 enrolments with made-up links sent with the logins.
    pub enrolments: BTreeMap<u16, usize>,
    /// How long the phone's batch took during each wave, in milliseconds.
    pub batch_ms: Vec<f64>,
    /// On PostgreSQL: the connections the server holds after the burst of reads.
    pub postgres_connections: Option<i64>,
    /// The peak resident memory after each wave, in MiB.
    pub peak_after: Vec<(&'static str, u64)>,
}

/// The server's peak resident memory so far (`VmHWM`), in MiB.
pub fn peak_resident_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/pid/status");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap();
    kib / 1024
}

/// `inflated` bytes of zeros, gzipped (by the system's gzip: fast, where the test's own build
/// is unoptimised).
fn gzip_bomb(inflated: u64) -> Vec<u8> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("head -c {inflated} /dev/zero | gzip -1"))
        .output()
        .expect("gzip");
    assert!(output.status.success());
    output.stdout
}

const FORM: &str = "application/x-www-form-urlencoded";

/// One hostile body: path, content type, content encoding, cookies, bytes.
type HostileBody = (String, &'static str, Option<&'static str>, String, Vec<u8>);

/// Every route that takes a POST, with the content type its body has (a test checks the
/// list against the routers).
pub const POST_ROUTES: [(&str, &str); 27] = [
    ("/api/v1/submissions", "application/json"),
    ("/api/v1/updates", "application/json"),
    ("/api/v1/answers", "application/json"),
    ("/api/v1/ratings", "application/json"),
    ("/open311/v2/requests.json", FORM),
    ("/open311/v2/requests.xml", FORM),
    ("/console/login", FORM),
    ("/console/login/code", FORM),
    ("/console/logout", FORM),
    ("/console/enrol", FORM),
    ("/console/password", FORM),
    ("/console/2fa", FORM),
    ("/console/items/1/reply", FORM),
    ("/console/items/1/state", FORM),
    ("/console/items/1/transfer", FORM),
    ("/console/items/1/escalate", FORM),
    ("/console/accounts", FORM),
    ("/console/accounts/1/disable", FORM),
    ("/console/accounts/1/enable", FORM),
    ("/console/accounts/1/reset", FORM),
    ("/console/accounts/policy", FORM),
    ("/console/deadlines", FORM),
    ("/console/offices/CH-120101", FORM),
    ("/console/holidays", FORM),
    ("/console/holidays/remove", FORM),
    ("/console/api-keys", FORM),
    ("/console/api-keys/revoke", FORM),
];

/// The POST routes the server declares: the published API's, and the console router's (read
/// from its source), with their parameters filled in as [`POST_ROUTES`] has them.
pub fn declared_post_routes() -> Vec<String> {
    let mut routes: Vec<String> = ourvoice_server::openapi::API_ROUTES
        .iter()
        .filter(|(method, _)| *method == "post")
        .map(|(_, path)| path.to_string())
        .collect();
    let folder = std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo");
    let console =
        std::fs::read_to_string(std::path::Path::new(&folder).join("src/console/mod.rs")).unwrap();
    for call in console.split(".route(").skip(1) {
        let call = &call[..call.find("\n        .").unwrap_or(call.len())];
        if !call.contains("post(") {
            continue;
        }
        let path = call.split('"').nth(1).expect("a route's path");
        routes.push(
            path.replace("{number}", "1")
                .replace("{id}", "1")
                .replace("{code}", "CH-120101"),
        );
    }
    routes
}
/// Posts `body`; the status, or `None` if the server closed the connection without one (it
/// may, once it has answered 413 without reading the rest).
async fn post(
    http: &reqwest::Client,
    url: String,
    cookies: &str,
    content_type: &str,
    encoding: Option<&str>,
    body: Vec<u8>,
) -> Option<StatusCode> {
    let mut request = http
        .post(url)
        .header("content-type", content_type)
        .header("cookie", cookies)
        .body(body);
    if let Some(encoding) = encoding {
        request = request.header("content-encoding", encoding);
    }
    let response = request.send().await.ok()?;
    let status = response.status();
    let _ = response.bytes().await;
    Some(status)
}

/// A phone's normal batch of one complaint is taken; how long it took, in milliseconds.
pub async fn a_normal_batch_is_taken(http: &reqwest::Client, base: &str) -> f64 {
    let started = Instant::now();
    let item = serde_json::to_value(complaint("ផ្លូវខូច")).unwrap();
    let response = http
        .post(format!("{base}/api/v1/submissions"))
        .json(&json!({ "items": [item] }))
        .send()
        .await
        .expect("the server answers a normal batch");
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["results"][0]["outcome"], "accepted", "{body}");
    started.elapsed().as_secs_f64() * 1e3
}

/// Runs every attack against `server` (started with [`SERVER_ARGS`] on `db`, with [`ADMIN`]).
pub async fn attack(db: &TestDb, server: &mut ServerProcess) -> Report {
    let mut report = Report::default();
    let base = server.url();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let admin = Browser::signed_in(&base, ADMIN.0, ADMIN.1).await;
    let session = admin.cookie_header();

    // 1. Gzip bombs (1 GiB inflated from about 1 MiB; 60 MiB from about 60 KiB) and plain
    //    bodies over every limit, to every POST route, with and without a session; and twenty
    //    4 MB JSON arrays (as the batch, and inside one item); all at once.
    let big_bomb = gzip_bomb(1 << 30);
    let small_bomb = gzip_bomb(60 << 20);
    let oversized = vec![b'a'; 5 << 20];
    let array = format!("[{}0]", "0,".repeat(1_990_000));
    let mut bodies: Vec<HostileBody> = Vec::new();
    for (path, content_type) in POST_ROUTES {
        for cookies in ["", session.as_str()] {
            for (body, encoding) in [
                (&big_bomb, Some("gzip")),
                (&small_bomb, Some("gzip")),
                (&oversized, None),
            ] {
                bodies.push((
                    path.to_string(),
                    content_type,
                    encoding,
                    cookies.to_string(),
                    body.clone(),
                ));
            }
        }
    }
    // As the batch: refused whole (413). Inside one item: that item is refused (200 with its
    // rejection), read without building a JSON tree of it.
    for n in 0..20 {
        let (path, body) = if n % 2 == 0 {
            ("/api/v1/submissions", format!("{{\"items\":{array}}}"))
        } else {
            (
                "/api/v1/submissions#item",
                format!("{{\"items\":[{{\"id\":\"x\",\"description\":{array}}}]}}"),
            )
        };
        bodies.push((
            path.into(),
            "application/json",
            None,
            String::new(),
            body.into_bytes(),
        ));
    }
    report.bodies = bodies.len();
    let started = Instant::now();
    let mut attacks = Vec::new();
    for (path, content_type, encoding, cookies, body) in bodies {
        let (http, url) = (http.clone(), format!("{base}{path}"));
        attacks.push(tokio::spawn(async move {
            let status = post(&http, url, &cookies, content_type, encoding, body).await;
            (path, status)
        }));
    }
    report
        .batch_ms
        .push(a_normal_batch_is_taken(&http, &base).await);
    for attack in attacks {
        let (path, status) = attack.await.unwrap();
        if let Some(status) = status {
            let item_refused = path.ends_with("#item") && status == StatusCode::OK;
            assert!(
                item_refused
                    || status.is_client_error()
                    || status == StatusCode::SERVICE_UNAVAILABLE,
                "{path}: {status}"
            );
        }
    }
    report.bodies_seconds = started.elapsed().as_secs_f64();
    report
        .peak_after
        .push(("bodies", peak_resident_mib(server.pid())));
    assert!(server.is_running(), "the server survives the bodies");

    // 2. 300 connections that send half their headers and stop, and 50 that send headers and
    //    part of a body: the server closes every one of them on its own.
    let mut slow = Vec::new();
    for n in 0..350 {
        let address = server.address.clone();
        slow.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(&address).await.unwrap();
            let half = if n < 300 {
                "POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty"
            } else {
                "POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"items\":["
            };
            stream.write_all(half.as_bytes()).await.unwrap();
            let started = Instant::now();
            let mut sink = Vec::new();
            let read =
                tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut sink)).await;
            (read.is_ok(), started.elapsed())
        }));
    }
    report
        .batch_ms
        .push(a_normal_batch_is_taken(&http, &base).await);
    for connection in slow {
        let (closed, after) = connection.await.unwrap();
        assert!(
            closed,
            "a half-sent request is closed by the server ({after:?})"
        );
        report.slowest_close_seconds = report.slowest_close_seconds.max(after.as_secs_f64());
    }
    report
        .peak_after
        .push(("half-sent", peak_resident_mib(server.pid())));

    // 3. 200 logins at once, each from its own address and for its own name that does not
    //    exist (so that no per-name or per-address delay spares the server a password check;
    //    it does the same work as for a real name): each is answered, 401, or 429 while the
    //    password checks are all taken.
    let mut login_page = Browser::new(&base);
    let token = login_page.get("/console/login").await.csrf();
    let login_cookies = login_page.cookie_header();
    let started = Instant::now();
    let mut logins = Vec::new();
    for n in 0..200u32 {
        let (http, base, token, cookies) = (
            http.clone(),
            base.clone(),
            token.clone(),
            login_cookies.clone(),
        );
        logins.push(tokio::spawn(async move {
            let response = http
                .post(format!("{base}/console/login"))
                .header("cookie", cookies)
                .header("x-forwarded-for", format!("203.0.{}.1", n))
                .form(&[
                    ("username", format!("nobody{n}").as_str()),
                    ("password", "wrong password!"),
                    ("csrf", token.as_str()),
                ])
                .send()
                .await
                .expect("a login is answered");
            response.status().as_u16()
        }));
    }
    // With them, 100 enrolments with made-up links and good new passwords: refused (404)
    //    without a password hash (before, each was hashed in 19 MiB of its own first).
    let mut enrolments = Vec::new();
    for n in 0..100u32 {
        let (http, base, token, cookies) = (
            http.clone(),
            base.clone(),
            token.clone(),
            login_cookies.clone(),
        );
        enrolments.push(tokio::spawn(async move {
            let password = "a long new password";
            let response = http
                .post(format!("{base}/console/enrol"))
                .header("cookie", cookies)
                .header("x-forwarded-for", format!("203.1.{}.1", n))
                .form(&[
                    ("token", format!("{n:064}").as_str()),
                    ("password", password),
                    ("confirm", password),
                    ("csrf", token.as_str()),
                ])
                .send()
                .await
                .expect("an enrolment is answered");
            response.status().as_u16()
        }));
    }
    report
        .batch_ms
        .push(a_normal_batch_is_taken(&http, &base).await);
    for login in logins {
        *report.logins.entry(login.await.unwrap()).or_insert(0) += 1;
    }
    for enrolment in enrolments {
        *report
            .enrolments
            .entry(enrolment.await.unwrap())
            .or_insert(0) += 1;
    }
    report.logins_seconds = started.elapsed().as_secs_f64();
    assert_eq!(
        report.enrolments,
        BTreeMap::from([(404, 100)]),
        "a made-up enrolment link is refused"
    );
    report
        .peak_after
        .push(("logins", peak_resident_mib(server.pid())));
    assert!(
        report
            .logins
            .keys()
            .all(|status| [401, 429].contains(status)),
        "{:?}",
        report.logins
    );

    // 4. A burst of 300 reads at once: every one answered.
    let mut reads = Vec::new();
    for _ in 0..300 {
        let (http, base) = (http.clone(), base.clone());
        reads.push(tokio::spawn(async move {
            http.get(format!("{base}/open311/v2/requests.json"))
                .send()
                .await
                .map(|r| r.status())
        }));
    }
    for read in reads {
        let status = read.await.unwrap().expect("a read is answered");
        assert!(
            status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
            "{status}"
        );
    }
    if db.engine == Engine::Postgres {
        report.postgres_connections = Some(db.count(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        ));
    }

    report
        .peak_after
        .push(("reads", peak_resident_mib(server.pid())));
    assert!(server.is_running(), "the server never exits");
    report
        .batch_ms
        .push(a_normal_batch_is_taken(&http, &base).await);
    report.peak_resident_mib = peak_resident_mib(server.pid());
    report
}
