//! Nothing lost, nothing duplicated: several simulated devices (the app's real outbox and sync
//! engine) send over a fault-injecting TCP proxy to the real server binary, which is also
//! killed and restarted mid-batch. Every submission must end accepted exactly once.

mod support;

use ourvoice_outbox::{ItemState, Outbox};
use ourvoice_sync::{Backoff, SyncConfig, SyncEngine};
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::fault_proxy::{run_proxy, Proxy};
use support::{complaint, on_each_engine, ServerProcess, TestDb};
use tokio::net::TcpListener;

const DEVICES: usize = 5;
const PER_DEVICE: usize = 220;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_submission_is_lost_or_duplicated_through_faults_and_restarts() {
    on_each_engine(through_faults_and_restarts_on).await;
}

async fn through_faults_and_restarts_on(db: TestDb) {
    let seed: u64 = std::env::var("OURVOICE_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("fault seed {seed} (set OURVOICE_FAULT_SEED to replay)");
    let folder = tempfile::tempdir().unwrap();
    let db = Arc::new(db);
    let server = Arc::new(Mutex::new(ServerProcess::start(&db, &[])));

    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let proxy = Arc::new(Proxy {
        upstream: Mutex::new(server.lock().unwrap().address.clone()),
        refusing: AtomicBool::new(false),
        faults_on: AtomicBool::new(true),
        rng: Mutex::new(StdRng::seed_from_u64(seed)),
        seen: Mutex::new(HashMap::new()),
        refused: AtomicU64::new(0),
    });
    let stop = Arc::new(AtomicBool::new(false));
    tokio::spawn(run_proxy(Arc::clone(&proxy), port, Arc::clone(&stop)));

    let mut devices = Vec::new();
    for n in 0..DEVICES {
        let outbox =
            Arc::new(Outbox::open(&folder.path().join(format!("device-{n}/outbox.db"))).unwrap());
        let mut config = SyncConfig::new(&format!("http://127.0.0.1:{port}"));
        config.max_batch_items = 7 + n * 5;
        config.request_timeout = Duration::from_millis(1500);
        config.connect_timeout = Duration::from_millis(500);
        config.backoff = Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(300),
        };
        config.poll_interval = Duration::from_millis(200);
        devices.push(Arc::new(SyncEngine::new(outbox, config).unwrap()));
    }

    // Each device writes its submissions in bursts while its background loop syncs.
    let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    let mut loops = Vec::new();
    let mut writers = Vec::new();
    for engine in &devices {
        loops.push(tokio::spawn(Arc::clone(engine).run(shutdown_rx.clone())));
        let engine = Arc::clone(engine);
        writers.push(tokio::spawn(async move {
            for burst in 0..(PER_DEVICE / 20) {
                for n in 0..20 {
                    engine
                        .outbox()
                        .enqueue(&complaint(&format!("burst {burst} item {n}")))
                        .unwrap();
                }
                engine.kick();
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
        }));
    }

    // Chaos: refuse connections for a while, and kill the server mid-batch, three times each.
    let chaos = {
        let (proxy, server, database) = (Arc::clone(&proxy), Arc::clone(&server), Arc::clone(&db));
        tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
            for _ in 0..3 {
                tokio::time::sleep(Duration::from_millis(rng.random_range(150..400))).await;
                proxy.refusing.store(true, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(rng.random_range(100..300))).await;
                proxy.refusing.store(false, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(rng.random_range(100..300))).await;
                let database = Arc::clone(&database);
                let server = Arc::clone(&server);
                let address = tokio::task::spawn_blocking(move || {
                    let mut server = server.lock().unwrap();
                    server.kill();
                    std::thread::sleep(Duration::from_millis(100));
                    *server = ServerProcess::start(&database, &[]);
                    server.address.clone()
                })
                .await
                .unwrap();
                *proxy.upstream.lock().unwrap() = address;
            }
        })
    };
    for writer in writers {
        writer.await.unwrap();
    }
    chaos.await.unwrap();

    // Faults keep coming until every device has settled everything.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let pending: u64 = devices
            .iter()
            .map(|d| d.outbox().counts().unwrap().pending())
            .sum();
        if pending == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{pending} submissions still pending after 120 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
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
    println!(
        "exchanges by fault: {seen:?}; port closures: {}",
        proxy.refused.load(Ordering::SeqCst)
    );
    for fault in ["reset", "500", "stall", "pass"] {
        assert!(
            seen.get(fault).copied().unwrap_or(0) > 0,
            "the run never injected {fault}: {seen:?}"
        );
    }

    // Stop the server cleanly and compare what it stored with what every device holds.
    let status = server.lock().unwrap().terminate();
    assert!(status.success());
    let stored: HashMap<String, i64> = db
        .query("SELECT id, number FROM cases", &[])
        .iter()
        .map(|r| (r.text(0).unwrap(), r.int(1).unwrap()))
        .collect();
    let rows = db.count("SELECT count(*) FROM cases", &[]);
    let receipts = db.count(
        "SELECT count(*) FROM case_events WHERE status = 'received'",
        &[],
    );
    assert_eq!(rows as usize, DEVICES * PER_DEVICE, "rows on the server");
    assert_eq!(
        stored.len(),
        DEVICES * PER_DEVICE,
        "distinct ids on the server"
    );
    assert_eq!(receipts, rows, "one receipt per case");
    for engine in &devices {
        let items = engine.outbox().list().unwrap();
        assert_eq!(items.len(), PER_DEVICE);
        for item in items {
            match item.state {
                ItemState::Accepted { server_number, .. } => {
                    assert_eq!(
                        stored.get(&item.id.to_string()),
                        Some(&(server_number as i64)),
                        "device and server agree on the number"
                    );
                }
                other => panic!("{} ended {other:?}", item.tracking_code),
            }
        }
    }
}
