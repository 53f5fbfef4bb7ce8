//! Durable ingest by a fleet: 1, 2 and 3 release servers on one PostgreSQL database (a fresh
//! one per run, on `OURVOICE_TEST_PG`), 64 concurrent simulated devices spread over them, each
//! sending 5 gzip batches of 50 prepared submissions (after one untimed batch each). On a 2-core machine the servers, the
//! database and the devices share the same cores, so more servers need not be faster here: the
//! figures say what one database takes from one, two or three processes.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;
use support::batches::{prepared, send};
use support::{Engine, ServerProcess, TestDb};

const DEVICES: usize = 64;
/// Batches per device: the first warms up, the others are timed.
const BATCHES: usize = 6;
const ITEMS: usize = 50;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    for servers in 1..=3 {
        let db = TestDb::new(Engine::Postgres);
        let fleet: Vec<ServerProcess> = (0..servers)
            .map(|_| ServerProcess::start(&db, &[]))
            .collect();
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(DEVICES)
            .build()
            .unwrap();
        let bodies = prepared(DEVICES, BATCHES, ITEMS);
        // Warm-up (not timed): one batch from each device, so that every server has its
        // connections and prepared statements and the new database its first pages.
        let warm: Vec<_> = bodies
            .iter()
            .enumerate()
            .map(|(n, batches)| {
                let (http, body) = (http.clone(), batches[0].clone());
                let url = format!("{}/api/v1/submissions", fleet[n % servers].url());
                tokio::spawn(async move { send(&http, &url, body).await })
            })
            .collect();
        for device in warm {
            device.await.unwrap();
        }
        let bodies: Vec<Vec<Vec<u8>>> = bodies
            .into_iter()
            .map(|batches| batches.into_iter().skip(1).collect())
            .collect();
        let started = Instant::now();
        let mut devices = Vec::new();
        for (n, batches) in bodies.into_iter().enumerate() {
            let http = http.clone();
            let url = format!("{}/api/v1/submissions", fleet[n % servers].url());
            devices.push(tokio::spawn(async move {
                for body in batches {
                    assert_eq!(send(&http, &url, body).await, ITEMS);
                }
            }));
        }
        for device in devices {
            device.await.unwrap();
        }
        let took = started.elapsed().as_secs_f64();
        let total = DEVICES * (BATCHES - 1) * ITEMS;
        assert_eq!(
            db.count("SELECT count(*) FROM cases", &[]),
            (DEVICES * BATCHES * ITEMS) as i64
        );
        println!(
            "fleet ingest: {servers} server(s) on one PostgreSQL, {total} submissions from {DEVICES} devices in {took:.2} s: {:.0} submissions/s, durable",
            total as f64 / took
        );
    }
}
