//! Many servers, one truth: three `ourvoice-server` processes on one PostgreSQL (a private
//! cluster, restarted once under them) behind HAProxy, with simulated devices (the app's real
//! outbox and sync engine) sending through a fault-injecting proxy in front of the balancer.
//! One server is killed with SIGKILL and restarted mid-traffic; an official answers cases
//! through the balancer (so each request may land on another server, session and CSRF token
//! included), twice at once on the same case; time moves past the deadlines so the sweep
//! escalates. At the end every submission is stored once, every device's cursor and replies
//! equal its cases' public events on the server (none skipped, none twice), each overdue case
//! was escalated once, each sweep period was claimed once, an office switched off on one server
//! routes elsewhere on every server within two seconds, and sign-in failures count for the
//! whole fleet. The seed is printed; `OURVOICE_FAULT_SEED` replays it.

mod support;

use chrono::{DateTime, Duration as Days, Utc};
use ourvoice_outbox::{ItemState, Outbox};
use ourvoice_protocol::{sql_list, CaseStatus};
use ourvoice_sync::{Backoff, SyncConfig, SyncEngine};
use rand::{rngs::StdRng, Rng, SeedableRng};
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::browser::{use_clock, Browser};
use support::fault_proxy::{run_proxy, Proxy};
use support::private_postgres::PrivatePostgres;
use support::{complaint, create_admin, ServerProcess, TestDb};

const SERVERS: usize = 3;
const DEVICES: usize = 6;
const PER_DEVICE: usize = 60;
const ADMIN_PASSWORD: &str = "admin password 1";
const PASSWORD: &str = "officer password 1";
/// Where `support::complaint` goes.
const OFFICE: &str = "CH-120101";

/// A free port below the kernel's ephemeral range, so that a server restarted on it does not
/// find it taken by some outgoing connection meanwhile.
fn fixed_port() -> u16 {
    loop {
        let port = rand::random_range(20_000..32_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// HAProxy in front of the servers' ports: round robin, each server checked every 200 ms
/// (`/readyz`: alive and its database answering), a request to a dead server retried on another.
struct Balancer {
    child: Child,
    port: u16,
}

impl Balancer {
    fn start(folder: &std::path::Path, servers: &[u16]) -> Balancer {
        let port = fixed_port();
        let backends: String = servers
            .iter()
            .enumerate()
            .map(|(n, p)| format!("    server s{n} 127.0.0.1:{p} check\n"))
            .collect();
        let config = format!(
            "global
    maxconn 2000
defaults
    mode http
    timeout connect 500ms
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    retries 2
    option redispatch
    option forwardfor
frontend fleet
    bind 127.0.0.1:{port}
    default_backend servers
backend servers
    balance roundrobin
    option httpchk GET /readyz
    default-server inter 200ms fastinter 100ms downinter 200ms fall 2 rise 1
{backends}"
        );
        let path = folder.join("haproxy.cfg");
        std::fs::write(&path, config).unwrap();
        let log = std::fs::File::create(folder.join("haproxy.log")).unwrap();
        let child = Command::new("haproxy")
            .arg("-f")
            .arg(&path)
            .arg("-db")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("haproxy (installed by scripts/system-packages)");
        let balancer = Balancer { child, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return balancer;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("haproxy did not listen on {port}");
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fleet's servers, each on a port of its own that it keeps across restarts.
struct Fleet {
    db: Arc<TestDb>,
    ports: Vec<u16>,
    servers: Vec<Mutex<Option<ServerProcess>>>,
    args: Vec<String>,
}

impl Fleet {
    fn start_server(&self, n: usize) {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let listen = format!("127.0.0.1:{}", self.ports[n]);
        let server = ServerProcess::start_on(&self.db, &listen, &args);
        *self.servers[n].lock().unwrap() = Some(server);
    }

    fn kill(&self, n: usize) {
        if let Some(mut server) = self.servers[n].lock().unwrap().take() {
            server.kill();
        }
    }

    fn url(&self, n: usize) -> String {
        format!("http://127.0.0.1:{}", self.ports[n])
    }
}

/// Waits until `check` holds, up to `limit`; whether it did.
async fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check()
}

/// Answers case `number` as the official, retrying while servers or the database are away
/// (a reply that committed before its answer was lost may then be stored twice: the server's
/// record is what devices must mirror).
async fn answer(base: &str, cookie: &str, number: i64, text: &str) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let item = format!("{base}/console/items/{number}");
    for _ in 0..100 {
        let page = match http.get(&item).header(COOKIE, cookie).send().await {
            Ok(response) if response.status() == StatusCode::OK => {
                response.text().await.unwrap_or_default()
            }
            _ => String::new(),
        };
        if let Some(at) = page.find("name=\"csrf\" value=\"") {
            let csrf = &page[at + 19..at + 19 + 64];
            let posted = http
                .post(format!("{item}/reply"))
                .header(COOKIE, cookie)
                .form(&[("text", text), ("kind", "answer"), ("csrf", csrf)])
                .send()
                .await;
            if matches!(posted, Ok(r) if r.status() == StatusCode::SEE_OTHER) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("could not answer case {number} through the balancer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_fleet_on_postgresql_behind_a_balancer_keeps_one_truth() {
    let seed: u64 = std::env::var("OURVOICE_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("fleet seed {seed} (set OURVOICE_FAULT_SEED to replay)");
    let mut rng = StdRng::seed_from_u64(seed);

    let cluster = Arc::new(PrivatePostgres::start());
    let db = Arc::new(TestDb::postgres_at(cluster.create_database("ourvoice")));
    let output = create_admin(&db, "admin", ADMIN_PASSWORD);
    assert!(output.status.success(), "{output:?}");
    let clock = db.file("clock");
    let start = DateTime::parse_from_rfc3339("2026-11-30T02:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    std::fs::write(&clock, start.to_rfc3339()).unwrap();
    let fleet = Arc::new(Fleet {
        db: Arc::clone(&db),
        ports: (0..SERVERS).map(|_| fixed_port()).collect(),
        servers: (0..SERVERS).map(|_| Mutex::new(None)).collect(),
        args: [
            "--clock-file",
            &clock.display().to_string(),
            "--cookie-secure",
            "false",
            "--deadline-sweep-seconds",
            "1",
            "--trusted-proxy",
            "127.0.0.1",
            "--database-readers",
            "4",
        ]
        .map(String::from)
        .to_vec(),
    });
    for n in 0..SERVERS {
        fleet.start_server(n);
    }
    let balancer = Balancer::start(db.folder.path(), &fleet.ports);
    let base = balancer.url();
    use_clock(&base, clock.clone());
    assert!(
        eventually(Duration::from_secs(5), || db
            .count("SELECT count(*) FROM fleet_members", &[])
            == SERVERS as i64)
        .await,
        "every server says it is alive"
    );

    // Sign-in failures count for the fleet: five wrong passwords for one name, spread over
    // the three servers by the balancer, and the sixth attempt waits.
    for _ in 0..5 {
        let page = Browser::new(&base).login("nobody", "wrong password").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{}", page.body);
    }
    let page = Browser::new(&base).login("nobody", "wrong password").await;
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the sixth failure in a row waits, whichever server it reaches"
    );

    // The administrator and an official sign in through the balancer: each request (second
    // factor enrolment, account creation, enrolment link) may reach another server.
    let mut admin = Browser::signed_in(&base, "admin", ADMIN_PASSWORD).await;
    let page = admin
        .create_account("officer.fleet", "officer", OFFICE, PASSWORD)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let officer = Browser::signed_in(&base, "officer.fleet", PASSWORD)
        .await
        .cookie_header();

    // The devices, through the fault proxy in front of the balancer.
    let proxy_port = fixed_port();
    let proxy = Arc::new(Proxy {
        upstream: Mutex::new(format!("127.0.0.1:{}", balancer.port)),
        refusing: AtomicBool::new(false),
        faults_on: AtomicBool::new(true),
        rng: Mutex::new(StdRng::seed_from_u64(seed)),
        seen: Mutex::new(HashMap::new()),
        refused: AtomicU64::new(0),
    });
    let stop = Arc::new(AtomicBool::new(false));
    tokio::spawn(run_proxy(Arc::clone(&proxy), proxy_port, Arc::clone(&stop)));
    let folder = tempfile::tempdir().unwrap();
    let mut devices = Vec::new();
    for n in 0..DEVICES {
        let outbox =
            Arc::new(Outbox::open(&folder.path().join(format!("device-{n}/outbox.db"))).unwrap());
        let mut config = SyncConfig::new(&format!("http://127.0.0.1:{proxy_port}"));
        config.max_batch_items = 5 + n * 3;
        config.request_timeout = Duration::from_millis(2000);
        config.connect_timeout = Duration::from_millis(500);
        config.backoff = Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(300),
        };
        config.poll_interval = Duration::from_millis(200);
        devices.push(Arc::new(SyncEngine::new(outbox, config).unwrap()));
    }
    let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    let mut loops = Vec::new();
    let mut writers = Vec::new();
    for engine in &devices {
        loops.push(tokio::spawn(Arc::clone(engine).run(shutdown_rx.clone())));
        let engine = Arc::clone(engine);
        writers.push(tokio::spawn(async move {
            for burst in 0..(PER_DEVICE / 10) {
                for n in 0..10 {
                    engine
                        .outbox()
                        .enqueue(&complaint(&format!("burst {burst} item {n}")))
                        .unwrap();
                }
                engine.kick();
                tokio::time::sleep(Duration::from_millis(60)).await;
            }
        }));
    }

    // While they send: one server killed and restarted, then the database restarted.
    let kill_at = Duration::from_millis(rng.random_range(100..400));
    let victim = rng.random_range(0..SERVERS);
    tokio::time::sleep(kill_at).await;
    fleet.kill(victim);
    tokio::time::sleep(Duration::from_millis(300)).await;
    {
        let fleet = Arc::clone(&fleet);
        tokio::task::spawn_blocking(move || fleet.start_server(victim))
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(rng.random_range(100..300))).await;
    {
        let cluster = Arc::clone(&cluster);
        tokio::task::spawn_blocking(move || cluster.restart())
            .await
            .unwrap();
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let every = DEVICES * PER_DEVICE;
    assert!(
        eventually(Duration::from_secs(120), || devices
            .iter()
            .map(|d| d.outbox().counts().unwrap().pending())
            .sum::<u64>()
            == 0)
        .await,
        "every submission settled within 120 s"
    );

    // The official answers cases through the balancer, two at once on each of some cases
    // (likely on two servers), while another server is killed and restarted.
    let numbers: Vec<i64> = db
        .query("SELECT number FROM cases ORDER BY number", &[])
        .iter()
        .map(|r| r.int(0).unwrap())
        .collect();
    assert_eq!(numbers.len(), every);
    let chosen: Vec<i64> = numbers.iter().step_by(7).copied().collect();
    let victim = (victim + 1) % SERVERS;
    let mut answers = Vec::new();
    for (n, number) in chosen.iter().enumerate() {
        for twin in 0..2 {
            let (base, officer, number) = (base.clone(), officer.clone(), *number);
            answers.push(tokio::spawn(async move {
                answer(&base, &officer, number, &format!("ចម្លើយ {n}.{twin}")).await;
            }));
        }
        if n == chosen.len() / 2 {
            fleet.kill(victim);
        }
    }
    {
        let fleet = Arc::clone(&fleet);
        tokio::task::spawn_blocking(move || fleet.start_server(victim))
            .await
            .unwrap();
    }
    for answering in answers {
        answering.await.unwrap();
    }

    // An office switched off on one server routes elsewhere on every server within 2 s.
    let switched = "/console/offices/CH-120110";
    let page = admin.get(switched).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = admin.submit(switched, switched, &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let client = reqwest::Client::new();
    for n in 0..SERVERS {
        let mut submission = complaint("ផ្លូវខូចនៅភូមិ");
        submission.place = "120110".into();
        let body: Value = client
            .post(format!("{}/api/v1/submissions", fleet.url(n)))
            .json(&json!({ "items": [submission] }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["results"][0]["outcome"], "accepted", "{body}");
        assert_eq!(
            body["results"][0]["office"], "OWSO-1201",
            "server {n} routes around the office switched off on another: {body}"
        );
    }

    // Time moves past every deadline: the fleet's sweep escalates each overdue case once.
    std::fs::write(&clock, (start + Days::days(40)).to_rfc3339()).unwrap();
    assert!(
        eventually(Duration::from_secs(30), || db.count(
            &format!(
                "SELECT count(*) FROM cases WHERE escalated = 0 AND status IN {}",
                sql_list(CaseStatus::OPEN)
            ),
            &[]
        ) == 0)
        .await,
        "every overdue case escalated"
    );

    // The server doing the sweeps dies: another takes the next periods. With the others
    // stopped, the last one sweeps; then the others start again and it is killed.
    let sweeper = || {
        db.query(
            "SELECT server FROM duty_runs ORDER BY period DESC LIMIT 1",
            &[],
        )[0]
        .text(0)
        .unwrap()
    };
    let last = SERVERS - 1;
    for n in 0..last {
        fleet.kill(n);
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let lone = sweeper();
    for n in 0..last {
        let fleet = Arc::clone(&fleet);
        tokio::task::spawn_blocking(move || fleet.start_server(n))
            .await
            .unwrap();
    }
    fleet.kill(last);
    assert!(
        eventually(Duration::from_secs(5), || sweeper() != lone).await,
        "another server sweeps after the sweeping one died"
    );
    {
        let fleet = Arc::clone(&fleet);
        tokio::task::spawn_blocking(move || fleet.start_server(last))
            .await
            .unwrap();
    }

    // The devices catch up with every public event.
    let mirrored = |devices: &[Arc<SyncEngine>]| -> Result<(), String> {
        let events = db.query(
            "SELECT case_number, seq, reply_kind FROM case_events WHERE public = 1 ORDER BY seq",
            &[],
        );
        let mut last: HashMap<i64, i64> = HashMap::new();
        let mut replies: HashMap<i64, Vec<u64>> = HashMap::new();
        for row in &events {
            let (number, seq) = (row.int(0).unwrap(), row.int(1).unwrap());
            last.insert(number, seq);
            if row.opt_text(2).unwrap().is_some() {
                replies.entry(number).or_default().push(seq as u64);
            }
        }
        for device in devices {
            let cursors: HashMap<uuid::Uuid, u64> = device
                .outbox()
                .update_keys()
                .unwrap()
                .into_iter()
                .map(|k| (k.id, k.since))
                .collect();
            for item in device.outbox().list().unwrap() {
                let ItemState::Accepted { server_number, .. } = item.state else {
                    return Err(format!("{} is {:?}", item.tracking_code, item.state));
                };
                let number = server_number as i64;
                let cursor = cursors.get(&item.id).copied().unwrap_or(0);
                if Some(cursor as i64) != last.get(&number).copied() {
                    return Err(format!(
                        "case {number}: cursor {cursor}, server's last public event {:?}",
                        last.get(&number)
                    ));
                }
                let seen: Vec<u64> = item.replies.iter().map(|r| r.seq).collect();
                let stored = replies.get(&number).cloned().unwrap_or_default();
                if seen != stored {
                    return Err(format!(
                        "case {number}: replies {seen:?} on the phone, {stored:?} on the server"
                    ));
                }
            }
        }
        Ok(())
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        match mirrored(&devices) {
            Ok(()) => break,
            Err(why) if tokio::time::Instant::now() > deadline => {
                panic!("devices did not mirror the server within 60 s: {why}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    shutdown_tx.send(true).unwrap();
    for engine in &devices {
        engine.kick();
    }
    for running in loops {
        running.await.unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    let seen = proxy.seen.lock().unwrap().clone();
    println!("exchanges by fault: {seen:?}");
    for fault in ["reset", "500", "pass"] {
        assert!(
            seen.get(fault).copied().unwrap_or(0) > 0,
            "the run never injected {fault}: {seen:?}"
        );
    }

    // Stored once each; escalated once each; each sweep period claimed once, by more than one
    // server over the run (the duty moved when its server died).
    for n in 0..SERVERS {
        if let Some(mut server) = fleet.servers[n].lock().unwrap().take() {
            assert!(server.terminate().success(), "server {n} stops cleanly");
        }
    }
    let stored = db.count("SELECT count(DISTINCT id) FROM cases", &[]);
    let rows = db.count("SELECT count(*) FROM cases", &[]);
    assert_eq!(
        (rows, stored),
        ((every + SERVERS) as i64, (every + SERVERS) as i64)
    );
    let receipts = db.count(
        "SELECT count(*) FROM case_events WHERE status = 'received' AND action = 'received'",
        &[],
    );
    assert_eq!(receipts, rows, "one receipt per case");
    let twice = db.count(
        "SELECT count(*) FROM (SELECT case_number FROM case_events WHERE note = 'overdue'
         GROUP BY case_number HAVING count(*) > 1) AS t",
        &[],
    );
    assert_eq!(twice, 0, "no case escalated twice");
    let escalated = db.count(
        "SELECT count(DISTINCT case_number) FROM case_events WHERE note = 'overdue'",
        &[],
    );
    assert!(escalated > 0, "the sweep escalated");
    let runs = db.query(
        "SELECT period, count(*), count(DISTINCT server) FROM duty_runs GROUP BY period",
        &[],
    );
    assert!(runs.iter().all(|r| r.int(1).unwrap() == 1));
    let per_case: BTreeMap<i64, i64> = db
        .query(
            "SELECT case_number, count(*) FROM case_events WHERE reply_kind IS NOT NULL GROUP BY case_number",
            &[],
        )
        .iter()
        .map(|r| (r.int(0).unwrap(), r.int(1).unwrap()))
        .collect();
    for number in &chosen {
        assert!(
            per_case.get(number).copied().unwrap_or(0) >= 2,
            "case {number} has both answers"
        );
    }
    drop(balancer);
}

/// The same submissions sent to two servers at the same moment (as a phone whose first
/// request timed out at the balancer and was retried on another server): each is one case, and
/// both servers answer the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_submission_at_two_servers_at_once_is_one_case() {
    let db = TestDb::new(support::Engine::Postgres);
    let servers = [
        ServerProcess::start(&db, &[]),
        ServerProcess::start(&db, &[]),
    ];
    let client = reqwest::Client::new();
    const ROUNDS: usize = 20;
    const ITEMS: usize = 25;
    for round in 0..ROUNDS {
        let items: Vec<_> = (0..ITEMS)
            .map(|n| complaint(&format!("round {round} item {n}")))
            .collect();
        // The second server gets them in the opposite order.
        let mut reversed = items.clone();
        reversed.reverse();
        let send = |url: String, items: Vec<ourvoice_protocol::Submission>| {
            let client = client.clone();
            async move {
                let response = client
                    .post(format!("{url}/api/v1/submissions"))
                    .json(&json!({ "items": items }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                response.json::<Value>().await.unwrap()
            }
        };
        let (first, second) = tokio::join!(
            send(servers[0].url(), items.clone()),
            send(servers[1].url(), reversed)
        );
        // Each answer without its place in its own batch.
        let answers = |body: &Value| -> Vec<Value> {
            body["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    r.as_object_mut().unwrap().remove("index");
                    r
                })
                .collect()
        };
        let mut second = answers(&second);
        second.reverse();
        assert_eq!(answers(&first), second, "both servers answer the same");
        assert!(second.iter().all(|r| r["outcome"] == "accepted"));
    }
    assert_eq!(
        db.count("SELECT count(*) FROM cases", &[]),
        (ROUNDS * ITEMS) as i64
    );
    assert_eq!(
        db.count("SELECT count(*) FROM case_events", &[]),
        (ROUNDS * ITEMS) as i64,
        "one receipt per case"
    );
}

/// PostgreSQL goes away under a running server: meanwhile its answers are 503 with
/// `Retry-After` (never a 500, never a hang), and once the database is back the server serves
/// again by itself, its background work (heartbeat, sweep) included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_down_the_server_says_503_and_recovers_by_itself() {
    let cluster = Arc::new(PrivatePostgres::start());
    let db = TestDb::postgres_at(cluster.create_database("ourvoice"));
    let server = ServerProcess::start(&db, &["--request-timeout-seconds", "10"]);
    let client = reqwest::Client::new();
    let submit = |text: &str| {
        let (client, url, item) = (client.clone(), server.url(), complaint(text));
        async move {
            client
                .post(format!("{url}/api/v1/submissions"))
                .json(&json!({ "items": [item] }))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(submit("មុន").await.status(), StatusCode::OK);
    {
        let cluster = Arc::clone(&cluster);
        tokio::task::spawn_blocking(move || cluster.stop())
            .await
            .unwrap();
    }
    let down = submit("ពេលមូលដ្ឋានទិន្នន័យបិទ").await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(down.headers().contains_key("retry-after"));
    tokio::time::sleep(Duration::from_secs(2)).await;
    {
        let cluster = Arc::clone(&cluster);
        tokio::task::spawn_blocking(move || cluster.start_again())
            .await
            .unwrap();
    }
    let mut back = false;
    for _ in 0..50 {
        if submit("ក្រោយ").await.status() == StatusCode::OK {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(back, "the server serves again once the database is back");
    let seen_before = db.query("SELECT seen_at FROM fleet_members", &[])[0]
        .text(0)
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let seen_after = db.query("SELECT seen_at FROM fleet_members", &[])[0]
        .text(0)
        .unwrap();
    assert!(seen_after > seen_before, "its heartbeat goes on");
    assert_eq!(db.count("SELECT count(*) FROM cases", &[]), 2);
}
