//! Hostile traffic against the real server binary, on each engine (see `support::hostile`):
//! throughout, a phone's normal batch is taken; afterwards an official's login works, the
//! server has not exited, its peak resident memory is under [`PEAK_RESIDENT_MIB`], and on
//! PostgreSQL it holds no more connections than its writers and readers. Also: connections
//! over the cap are answered 503 and closed, and an address over its hourly quota of new
//! cases gets 429 while its phone keeps the items queued; and a PostgreSQL connection asked
//! statement after statement (an inbox's pages, say) keeps a bounded number prepared.

mod support;

use ourvoice_server::store::STATEMENT_CACHE;
use reqwest::StatusCode;
use std::time::Duration;
use support::browser::Browser;
use support::hostile::{self, ADMIN, SERVER_ARGS};
use support::{complaint, create_admin, Engine, PgConn, ServerProcess, Sql, TestDb, Val};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// The most memory the server may hold at its peak under all of it (the limits allow 16
/// batches of 4 MiB parsed at once and 2 password checks of 19 MiB each).
const PEAK_RESIDENT_MIB: u64 = 200;

#[tokio::test]
async fn hostile_traffic_takes_no_more_than_its_share() {
    for db in TestDb::all() {
        println!("engine {:?}", db.engine);
        assert!(create_admin(&db, ADMIN.0, ADMIN.1).status.success());
        let mut server = ServerProcess::start(&db, &SERVER_ARGS);
        let report = hostile::attack(&db, &mut server).await;
        println!("{report:?}");
        if let Some(connections) = report.postgres_connections {
            assert!(
                connections <= 1 + 3 + 4,
                "one console writer, three ingest writers and four readers at most: {connections}"
            );
        }
        // Afterwards an official signs in.
        let mut official = Browser::new(&server.url());
        official.forwarded_for = Some("192.0.2.50".into());
        let page = official.login(ADMIN.0, ADMIN.1).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert!(
            report.peak_resident_mib < PEAK_RESIDENT_MIB,
            "the server peaked at {} MiB (bound {PEAK_RESIDENT_MIB} MiB)",
            report.peak_resident_mib
        );
        assert!(server.terminate().success());
    }
}

#[test]
fn the_attack_covers_every_post_route() {
    let declared = hostile::declared_post_routes();
    assert!(declared.len() > 20, "{declared:?}");
    for route in &declared {
        assert!(
            hostile::POST_ROUTES.iter().any(|(path, _)| path == route),
            "{route} takes a POST but the hostile traffic does not reach it"
        );
    }
}

#[tokio::test]
async fn connections_over_the_cap_are_answered_busy_and_closed() {
    let db = TestDb::new(Engine::Sqlite);
    let server = ServerProcess::start(&db, &["--max-connections", "20"]);
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(&server.address).await.unwrap());
    }
    // The server takes connections in order; give it a moment to take all twenty.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut over = TcpStream::connect(&server.address).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), over.read_to_string(&mut answer))
        .await
        .expect("answered at once")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 1"), "{answer}");
    drop(held);
    // Once they are gone, the server takes connections again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let health = reqwest::get(format!("{}/healthz", server.url()))
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn over_its_quota_of_new_cases_an_address_waits_and_its_phone_keeps_the_items() {
    use ourvoice_outbox::Outbox;
    use ourvoice_sync::{SyncConfig, SyncEngine, SyncError};
    use std::sync::Arc;

    for db in TestDb::all() {
        println!("engine {:?}", db.engine);
        let server = ServerProcess::start(&db, &["--new-cases-per-hour", "3"]);
        let folder = tempfile::tempdir().unwrap();
        let outbox = Arc::new(Outbox::open(&folder.path().join("outbox.db")).unwrap());
        let mut config = SyncConfig::new(&server.url());
        config.max_batch_items = 2;
        let engine = SyncEngine::new(Arc::clone(&outbox), config).unwrap();
        for n in 0..5 {
            outbox.enqueue(&complaint(&format!("item {n}"))).unwrap();
        }
        // Two batches of two go (the second into the hour's debt); the fifth item is refused
        // with 429 and stays on the phone, waiting.
        let report = engine.push(true).await;
        match &report.error {
            Some(SyncError::Busy {
                status: 429,
                retry_after: Some(wait),
            }) => assert!(
                wait.as_secs() >= 1200,
                "two cases of debt at 3 an hour: {wait:?}"
            ),
            other => panic!("expected 429 with Retry-After, got {other:?}"),
        }
        let counts = outbox.counts().unwrap();
        assert_eq!((counts.accepted, counts.pending()), (4, 1), "{counts:?}");
        assert_eq!(db.count("SELECT count(*) FROM cases", &[]), 4);
        // Any batch from that address is refused, with the code that says why (addresses are
        // kept apart: see the unit tests of `ratelimit`).
        let (status, answer) = {
            let response = reqwest::Client::new()
                .post(format!("{}/api/v1/submissions", server.url()))
                .json(&serde_json::json!({ "items": [complaint("from elsewhere")] }))
                .send()
                .await
                .unwrap();
            let status = response.status();
            (status, response.text().await.unwrap())
        };
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
        assert!(answer.contains("new_cases_quota"), "{answer}");
    }
}

#[tokio::test]
async fn a_kept_alive_connection_left_idle_is_closed() {
    use tokio::io::AsyncWriteExt;
    let db = TestDb::new(Engine::Sqlite);
    let server = ServerProcess::start(&db, &["--header-timeout-seconds", "1"]);
    let mut connection = TcpStream::connect(&server.address).await.unwrap();
    connection
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let read = connection.read(&mut answer).await.unwrap();
    assert!(answer[..read].starts_with(b"HTTP/1.1 200"));
    // Kept alive, then idle: the server closes it (a read that ends) on its own.
    let rest = tokio::time::timeout(Duration::from_secs(10), connection.read(&mut answer))
        .await
        .expect("the idle connection is closed by the server");
    assert_eq!(rest.unwrap(), 0);
}

/// Every statement text prepares a statement on the database; the inbox writes a page's
/// offset into its statement, so a reader asking page after page would leave one more on
/// its connection each time. The connection keeps at most `STATEMENT_CACHE` of them: the
/// database itself is asked how many this session holds.
#[test]
fn a_postgresql_connection_keeps_a_bounded_number_of_prepared_statements() {
    let Some(db) = TestDb::all()
        .into_iter()
        .find(|db| db.engine == Engine::Postgres)
    else {
        return;
    };
    let mut conn = PgConn::connect(&db.url).unwrap();
    let mut sql = conn.sql();
    let asked = 3 * STATEMENT_CACHE;
    for page in 0..asked {
        let rows = sql
            .query(&format!("SELECT {page}::bigint + $1"), &[Val::Int(1)])
            .unwrap();
        assert_eq!(rows[0].int(0).unwrap(), page as i64 + 1);
    }
    let held = sql
        .query("SELECT count(*) FROM pg_prepared_statements", &[])
        .unwrap()[0]
        .int(0)
        .unwrap();
    println!("{asked} statements asked, {held} prepared on the database");
    assert!(
        held as usize <= STATEMENT_CACHE + 1,
        "{held} statements prepared on one connection"
    );
}
