//! What an operator sees of the real server binary: `/metrics` (counts that move with traffic,
//! well-formed histograms, answered only to allowed addresses), `/healthz` and `/readyz`, and
//! JSON logs whose every request line carries the request id and no personal data, and a
//! warning when PostgreSQL runs without autovacuum.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use support::{complaint, on_each_engine, Engine, ServerProcess, TestDb};

/// One scrape: each sample (name with its labels as written) and its value; the types declared.
struct Scrape {
    samples: BTreeMap<String, f64>,
    types: BTreeMap<String, String>,
    text: String,
}

impl Scrape {
    /// Parses the Prometheus text format (0.0.4) strictly: every line is a `# HELP`, a
    /// `# TYPE` before its samples, or `name{labels} value` of a declared metric.
    fn parse(text: &str) -> Scrape {
        let mut samples = BTreeMap::new();
        let mut types: BTreeMap<String, String> = BTreeMap::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
                assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
                assert!(
                    types.insert(name.into(), kind.into()).is_none(),
                    "twice: {line}"
                );
                continue;
            }
            if line.starts_with("# HELP ") {
                continue;
            }
            assert!(
                !line.is_empty() && !line.starts_with('#'),
                "stray line {line:?}"
            );
            let (series, value) = line.rsplit_once(' ').expect("sample and value");
            let value: f64 = match value {
                "+Inf" => f64::INFINITY,
                other => other.parse().unwrap_or_else(|_| panic!("value of {line}")),
            };
            let name = series.split('{').next().unwrap();
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
                "{line}"
            );
            let declared = types.get(name).map(String::as_str).or_else(|| {
                ["_bucket", "_sum", "_count"].iter().find_map(|suffix| {
                    let base = name.strip_suffix(suffix)?;
                    (types.get(base)? == "histogram").then_some("histogram")
                })
            });
            assert!(declared.is_some(), "sample of an undeclared metric: {line}");
            if series.contains('{') {
                assert!(series.ends_with('}'), "{line}");
            }
            assert!(
                samples.insert(series.to_string(), value).is_none(),
                "twice: {line}"
            );
        }
        Scrape {
            samples,
            types,
            text: text.to_string(),
        }
    }

    fn get(&self, series: &str) -> f64 {
        *self
            .samples
            .get(series)
            .unwrap_or_else(|| panic!("no {series} in\n{}", self.text))
    }

    fn or_zero(&self, series: &str) -> f64 {
        self.samples.get(series).copied().unwrap_or(0.0)
    }

    /// Every histogram's buckets rise with `le`, are cumulative, and end with `+Inf` equal to
    /// its `_count`; how many histogram series there are.
    fn check_histograms(&self) -> usize {
        let mut series = 0;
        for (name, kind) in &self.types {
            if kind != "histogram" {
                continue;
            }
            // Buckets grouped by their other labels, in the order written.
            let mut groups: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
            for line in self.text.lines() {
                let Some(rest) = line.strip_prefix(&format!("{name}_bucket")) else {
                    continue;
                };
                let (labels, value) = rest.rsplit_once(' ').unwrap();
                let labels = labels.trim_start_matches('{').trim_end_matches('}');
                let mut le = None;
                let mut others = Vec::new();
                for label in labels.split(',') {
                    match label.strip_prefix("le=") {
                        Some(bound) => {
                            let bound = bound.trim_matches('"');
                            le = Some(if bound == "+Inf" {
                                f64::INFINITY
                            } else {
                                bound.parse::<f64>().unwrap()
                            });
                        }
                        None => others.push(label),
                    }
                }
                groups
                    .entry(others.join(","))
                    .or_default()
                    .push((le.expect("le label"), value.parse().unwrap()));
            }
            assert!(!groups.is_empty() || !self.text.contains(&format!("{name}_count")));
            for (labels, buckets) in groups {
                series += 1;
                for pair in buckets.windows(2) {
                    assert!(pair[0].0 < pair[1].0, "{name}{{{labels}}}: le out of order");
                    assert!(pair[0].1 <= pair[1].1, "{name}{{{labels}}}: not cumulative");
                }
                let (last_le, last) = *buckets.last().unwrap();
                assert_eq!(last_le, f64::INFINITY, "{name}{{{labels}}} ends with +Inf");
                let count = if labels.is_empty() {
                    format!("{name}_count")
                } else {
                    format!("{name}_count{{{labels}}}")
                };
                assert_eq!(last, self.get(&count), "{count} equals the +Inf bucket");
            }
        }
        series
    }
}

async fn scrape(http: &reqwest::Client, server: &ServerProcess) -> Scrape {
    let response = http
        .get(format!("{}/metrics", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    Scrape::parse(&response.text().await.unwrap())
}

const SUBMISSIONS: &str =
    r#"ourvoice_http_requests_total{route="/api/v1/submissions",method="POST",status="2xx"}"#;

#[tokio::test]
async fn metrics_move_with_traffic_and_are_well_formed() {
    on_each_engine(|db| async move {
        let server = ServerProcess::start(&db, &[]);
        let http = reqwest::Client::new();
        let before = scrape(&http, &server).await;
        assert_eq!(before.or_zero(SUBMISSIONS), 0.0);
        assert_eq!(before.get("ourvoice_database_readers_max"), 8.0);
        for reason in ["rate_limit", "new_cases_quota", "requests_in_flight", "batch_turns", "connections"] {
            assert_eq!(before.get(&format!("ourvoice_refusals_total{{reason=\"{reason}\"}}")), 0.0);
        }

        // Traffic: two batches (3 and 2 items), a search, a path the server does not have.
        for n in [3, 2] {
            let items: Vec<_> = (0..n).map(|i| complaint(&format!("item {i}"))).collect();
            let response = http
                .post(format!("{}/api/v1/submissions", server.url()))
                .json(&json!({ "items": items }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
        let search = http
            .get(format!("{}/api/v1/places?q=QUERYMARKER77&lang=en", server.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(search.status(), StatusCode::OK);
        let missing = http
            .get(format!("{}/no/such/PATHMARKER88", server.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);

        let after = scrape(&http, &server).await;
        assert_eq!(after.get(SUBMISSIONS), 2.0);
        assert_eq!(
            after.get(r#"ourvoice_http_requests_total{route="/api/v1/places",method="GET",status="2xx"}"#),
            1.0
        );
        assert_eq!(
            after.get(r#"ourvoice_http_requests_total{route="unmatched",method="GET",status="4xx"}"#),
            1.0
        );
        // The first scrape was counted once it was answered.
        assert_eq!(
            after.get(r#"ourvoice_http_requests_total{route="/metrics",method="GET",status="2xx"}"#),
            1.0
        );
        assert_eq!(
            after.get(r#"ourvoice_http_request_duration_seconds_count{route="/api/v1/submissions",status="2xx"}"#),
            2.0
        );
        // Five items in one or two transactions (the batches came one after the other).
        let commits = after.get("ourvoice_ingest_group_commit_items_count")
            - before.or_zero("ourvoice_ingest_group_commit_items_count");
        assert!((1.0..=2.0).contains(&commits), "{commits}");
        assert_eq!(
            after.get("ourvoice_ingest_group_commit_items_sum")
                - before.or_zero("ourvoice_ingest_group_commit_items_sum"),
            5.0
        );
        // This scrape is in flight on an open connection; nothing waits for a writer.
        assert!(after.get("ourvoice_http_requests_in_flight") >= 1.0);
        assert!(after.get("ourvoice_connections_open") >= 1.0);
        assert_eq!(after.get("ourvoice_writer_queue_jobs"), 0.0);
        assert!(after.get("ourvoice_database_readers_in_use") <= 8.0);
        assert!(after.get("ourvoice_database_readers_pooled") >= 1.0);
        assert_eq!(after.get("ourvoice_overdue_items"), 0.0);
        assert!(after.check_histograms() >= 4);
        // Routes are templates: no query, no path as sent.
        for marker in ["QUERYMARKER77", "PATHMARKER88", "/no/such"] {
            assert!(!after.text.contains(marker), "{marker} in the metrics");
        }
    })
    .await;
}

#[tokio::test]
async fn items_overdue_and_sweeps_are_counted() {
    on_each_engine(|db| async move {
        let clock = db.file("clock");
        let start = chrono::Utc::now();
        std::fs::write(&clock, start.to_rfc3339()).unwrap();
        let server = ServerProcess::start(
            &db,
            &[
                "--clock-file",
                clock.to_str().unwrap(),
                "--deadline-sweep-seconds",
                "1",
            ],
        );
        let http = reqwest::Client::new();
        let items: Vec<_> = (0..3).map(|i| complaint(&format!("late {i}"))).collect();
        let response = http
            .post(format!("{}/api/v1/submissions", server.url()))
            .json(&json!({ "items": items }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        // Ninety days on, every one of them is past its deadline.
        std::fs::write(&clock, (start + chrono::Duration::days(90)).to_rfc3339()).unwrap();
        let metrics = scrape(&http, &server).await;
        assert_eq!(metrics.get("ourvoice_overdue_items"), 3.0);
        // The sweep runs at start and every second.
        let mut sweeps = metrics.get("ourvoice_deadline_sweeps_total");
        for _ in 0..100 {
            if sweeps >= 2.0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            sweeps = scrape(&http, &server)
                .await
                .get("ourvoice_deadline_sweeps_total");
        }
        assert!(sweeps >= 2.0, "{sweeps}");
        assert_eq!(
            scrape(&http, &server)
                .await
                .get("ourvoice_deadline_sweep_failures_total"),
            0.0
        );
    })
    .await;
}

#[tokio::test]
async fn refusals_are_counted_by_reason() {
    let db = TestDb::new(Engine::Sqlite);
    let server = ServerProcess::start(&db, &["--new-cases-per-hour", "1"]);
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for n in 0..3 {
        let response = http
            .post(format!("{}/api/v1/submissions", server.url()))
            .json(&json!({ "items": [complaint(&format!("item {n}"))] }))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [200, 429, 429]);
    let metrics = scrape(&http, &server).await;
    assert_eq!(
        metrics.get(r#"ourvoice_refusals_total{reason="new_cases_quota"}"#),
        2.0
    );
    assert_eq!(
        metrics.get(r#"ourvoice_refusals_total{reason="rate_limit"}"#),
        0.0
    );
    assert_eq!(
        metrics.get(r#"ourvoice_http_requests_total{route="/api/v1/submissions",method="POST",status="4xx"}"#),
        2.0
    );
}

#[tokio::test]
async fn metrics_are_hidden_from_addresses_not_allowed() {
    let db = TestDb::new(Engine::Sqlite);
    // Only an address that is not this test's: the loopback request is refused.
    let server = ServerProcess::start(&db, &["--metrics-allow", "192.0.2.1,2001:db8::/32"]);
    let http = reqwest::Client::new();
    let unknown = http
        .get(format!("{}/no-such-path", server.url()))
        .send()
        .await
        .unwrap();
    let (unknown_status, unknown_body) = (unknown.status(), unknown.bytes().await.unwrap());
    assert_eq!(unknown_status, StatusCode::NOT_FOUND);
    let big = "x".repeat(4000);
    for request in [
        http.get(format!("{}/metrics", server.url())),
        http.post(format!("{}/metrics", server.url())).body("x"),
        http.delete(format!("{}/metrics", server.url())),
        http.get(format!("{}/metrics", server.url()))
            .body(big.clone()),
        http.get(format!("{}/metrics?{big}", server.url())),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            response.bytes().await.unwrap(),
            unknown_body,
            "same as a missing path"
        );
    }
}

#[tokio::test]
async fn metrics_refuse_proxied_requests_and_bad_input() {
    let db = TestDb::new(Engine::Sqlite);
    let server = ServerProcess::start(&db, &["--trusted-proxy", "127.0.0.1"]);
    let http = reqwest::Client::new();
    let url = format!("{}/metrics", server.url());
    // Through a balancer on loopback: the peer is allowed, the forwarded client is not.
    for (name, value) in [
        ("x-forwarded-for", "203.0.113.9"),
        ("x-forwarded-for", "127.0.0.1"),
        ("forwarded", "for=127.0.0.1"),
        ("x-real-ip", "127.0.0.1"),
    ] {
        let response = http.get(&url).header(name, value).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{name}");
    }
    // Allowed, but not a read.
    let post = http.post(&url).body("x").send().await.unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    // A body over the limit of a route that takes none, and a long query (ignored).
    let body = http.get(&url).body("x".repeat(4000)).send().await.unwrap();
    assert_eq!(body.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let query = http
        .get(format!("{url}?{}", "q=1&".repeat(1500)))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), StatusCode::OK);
    let head = http.head(&url).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
}

#[tokio::test]
async fn healthz_is_alive_and_readyz_asks_the_database() {
    on_each_engine(|db| async move {
        let server = ServerProcess::start(&db, &[]);
        let http = reqwest::Client::new();
        let get = |path: &str| http.get(format!("{}{path}", server.url())).send();
        let ready = get("/readyz").await.unwrap();
        assert_eq!(ready.status(), StatusCode::OK);
        assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ok");
        for path in ["/healthz", "/readyz"] {
            let post = http
                .post(format!("{}{path}", server.url()))
                .body("x")
                .send()
                .await
                .unwrap();
            assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
            let body = http
                .get(format!("{}{path}", server.url()))
                .body("x".repeat(4000))
                .send()
                .await
                .unwrap();
            assert_eq!(body.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        }

        // The database goes away: alive, not ready (503 with a JSON error); back: ready.
        let (away, back) = unreachable_database(&db);
        away();
        let alive = get("/healthz").await.unwrap();
        assert_eq!(alive.status(), StatusCode::OK);
        assert_eq!(alive.json::<Value>().await.unwrap()["status"], "ok");
        let not_ready = get("/readyz").await.unwrap();
        assert_eq!(not_ready.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            not_ready.json::<Value>().await.unwrap()["error"],
            "unavailable"
        );
        back();
        let again = get("/readyz").await.unwrap();
        assert_eq!(again.status(), StatusCode::OK);
    })
    .await;
}

/// How to take `db` out of the server's reach and give it back: PostgreSQL refuses
/// connections to it and ends the open ones; SQLite's table of cases is renamed away.
fn unreachable_database(db: &TestDb) -> (impl Fn() + '_, impl Fn() + '_) {
    let name = db.url.rsplit('/').next().unwrap().to_string();
    let admin = std::env::var("OURVOICE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let run = move |sql: String| {
        let admin = admin.clone();
        std::thread::spawn(move || {
            postgres::Client::connect(&admin, postgres::NoTls)
                .unwrap()
                .batch_execute(&sql)
                .unwrap()
        })
        .join()
        .unwrap()
    };
    let (run_away, run_back) = (run.clone(), run);
    let (name_away, name_back) = (name.clone(), name);
    let away = move || match db.engine {
        Engine::Postgres => run_away(format!(
            "ALTER DATABASE {name_away} ALLOW_CONNECTIONS false;
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name_away}';"
        )),
        Engine::Sqlite => db.batch("ALTER TABLE cases RENAME TO cases_away"),
    };
    let back = move || match db.engine {
        Engine::Postgres => run_back(format!("ALTER DATABASE {name_back} ALLOW_CONNECTIONS true")),
        Engine::Sqlite => db.batch("ALTER TABLE cases_away RENAME TO cases"),
    };
    (away, back)
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_no_personal_data() {
    let db = TestDb::new(Engine::Sqlite);
    let mut server = ServerProcess::start(&db, &["--log-format", "json"]);
    let http = reqwest::Client::new();
    const MARKER: &str = "SECRETMARKER4242";
    let mut ids = Vec::new();

    // A well-formed id from the client is kept and sent back.
    let chosen = "9b2f7c1e-8a4d-4e2b-9f00-1c2d3e4f5a6b";
    let kept = http
        .get(format!("{}/healthz", server.url()))
        .header("x-request-id", chosen)
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], chosen);
    ids.push(chosen.to_string());
    // Anything else (it could carry a telephone number) is replaced.
    let replaced = http
        .get(format!("{}/healthz", server.url()))
        .header("x-request-id", format!("+855 12 345 678 {MARKER}"))
        .send()
        .await
        .unwrap();
    let new_id = replaced.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(uuid::Uuid::parse_str(&new_id).is_ok(), "{new_id}");
    ids.push(new_id);

    // The marker in a body, a query, a path and a form: none of it may reach the logs.
    let mut item = complaint(&format!("my name is {MARKER}"));
    item.place = MARKER.to_string();
    let requests = [
        http.post(format!("{}/api/v1/submissions", server.url()))
            .json(&json!({ "items": [complaint(&format!("text {MARKER}")), item] })),
        http.post(format!("{}/api/v1/submissions", server.url()))
            .header("content-type", "application/json")
            .body(format!("{{\"items\": [{MARKER}")),
        http.get(format!("{}/api/v1/places?q={MARKER}", server.url())),
        http.get(format!("{}/open311/v2/tokens/{MARKER}.json", server.url())),
        http.get(format!("{}/{MARKER}", server.url())),
        http.post(format!("{}/console/login", server.url())).form(&[
            ("username", MARKER),
            ("password", MARKER),
            ("csrf", MARKER),
        ]),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        ids.push(
            response.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    // Stopped, so that every line is written.
    assert!(server.terminate().success());

    let log = std::fs::read_to_string(db.file("server.log")).unwrap();
    assert!(!log.contains(MARKER), "the marker reached the logs:\n{log}");
    // The only address written is the server's own, when it starts.
    for line in log.lines().filter(|line| !line.contains("server started")) {
        assert!(
            !line.contains("127.0.0.1"),
            "an address in the logs: {line}"
        );
    }
    let mut answered = BTreeMap::new();
    for line in log.lines().filter(|line| !line.trim().is_empty()) {
        let entry: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(
            entry["level"].is_string() && entry["timestamp"].is_string(),
            "{line}"
        );
        // Every line written while a request was handled names it.
        if entry.get("span").is_some() || entry["target"] == "ourvoice_server::http" {
            let id = entry["span"]["request_id"]
                .as_str()
                .unwrap_or_else(|| panic!("no request id: {line}"));
            if entry["fields"]["message"] == "request" {
                answered.insert(id.to_string(), entry["fields"].clone());
            }
        }
    }
    for id in &ids {
        let fields = answered
            .get(id)
            .unwrap_or_else(|| panic!("no line for request {id}:\n{log}"));
        assert!(
            fields["route"].is_string() && fields["status"].is_u64(),
            "{fields}"
        );
    }
    assert_eq!(answered.len(), ids.len(), "one line per request");
}

/// A server on a PostgreSQL whose autovacuum is off says so as it starts, and one whose
/// autovacuum is on does not (the database is asked which it is).
#[tokio::test]
async fn a_postgresql_without_autovacuum_is_named_in_the_log() {
    let Some(db) = TestDb::all()
        .into_iter()
        .find(|db| db.engine == Engine::Postgres)
    else {
        return;
    };
    let setting = db.query("SHOW autovacuum", &[])[0].text(0).unwrap();
    let mut server = ServerProcess::start(&db, &[]);
    assert!(server.terminate().success());
    let log = std::fs::read_to_string(db.file("server.log")).unwrap();
    let warned = log
        .lines()
        .any(|line| line.contains("WARN") && line.contains("autovacuum off"));
    assert_eq!(warned, setting != "on", "autovacuum {setting}; log:\n{log}");
}
