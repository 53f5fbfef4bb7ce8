//! Server benchmarks on loopback against the real release binary, durable (SQLite
//! `synchronous=FULL`, PostgreSQL `synchronous_commit=on`), on each engine of
//! `OURVOICE_TEST_ENGINES` (default both):
//! - flush of 10,000 queued items from one device's outbox, and the same per item when every
//!   item goes in its own request;
//! - ingest submissions/s with 64 concurrent simulated devices;
//! - bytes on the wire per typical 300-character Khmer complaint inside a batch.

#[path = "../tests/support/mod.rs"]
mod support;

use ourvoice_outbox::Outbox;
use ourvoice_sync::{SyncConfig, SyncEngine};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::batches::{gzip, prepared, send};
use support::{complaint, khmer_complaint_text, ServerProcess, TestDb};

fn device(
    folder: &std::path::Path,
    name: &str,
    server: &str,
    items: usize,
    batch: usize,
) -> SyncEngine {
    let outbox = Arc::new(Outbox::open(&folder.join(name).join("outbox.db")).unwrap());
    for n in 0..items {
        outbox
            .enqueue(&complaint(&khmer_complaint_text(n)))
            .unwrap();
    }
    let mut config = SyncConfig::new(server);
    config.max_batch_items = batch;
    SyncEngine::new(outbox, config).unwrap()
}

async fn flush(engine: &SyncEngine) -> Duration {
    let started = Instant::now();
    let report = engine.push(true).await;
    let took = started.elapsed();
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(engine.outbox().counts().unwrap().pending(), 0);
    took
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    for db in TestDb::all() {
        println!("== engine: {:?}", db.engine);
        bench(&db).await;
    }
    wire();
}

async fn bench(db: &TestDb) {
    let folder = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let server = ServerProcess::start(db, &[]);

    // Flush: 10,000 items, batches of 100.
    let batched = device(folder.path(), "batched", &server.url(), 10_000, 100);
    let took = flush(&batched).await;
    let per_item_batched = took.as_secs_f64() / 10_000.0;
    println!(
        "flush: 10000 queued items in batches of 100 over loopback: {:.2} s ({:.0} items/s)",
        took.as_secs_f64(),
        10_000.0 / took.as_secs_f64()
    );

    // The same, one item per request (1,000 items, per item).
    let single = device(folder.path(), "single", &server.url(), 1_000, 1);
    let took = flush(&single).await;
    let per_item_single = took.as_secs_f64() / 1_000.0;
    println!(
        "flush: one item per request: {:.2} ms per item vs {:.3} ms batched: batching is {:.0}x faster",
        per_item_single * 1e3,
        per_item_batched * 1e3,
        per_item_single / per_item_batched
    );

    // Ingest: 64 devices at once, each sending 5 gzip batches of 50 prepared items.
    const DEVICES: usize = 64;
    const BATCHES: usize = 5;
    const ITEMS: usize = 50;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(DEVICES)
        .build()
        .unwrap();
    let bodies = prepared(DEVICES, BATCHES, ITEMS);
    let url = format!("{}/api/v1/submissions", server.url());
    let started = Instant::now();
    let mut devices = Vec::new();
    for batches in bodies {
        let (http, url) = (http.clone(), url.clone());
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
    let total = DEVICES * BATCHES * ITEMS;
    println!("ingest: {total} submissions from {DEVICES} concurrent devices (gzip batches of {ITEMS}) in {took:.2} s: {:.0} submissions/s, durable", total as f64 / took);

    // The same load through 64 real device outboxes and sync engines (client work on the same 2 cores).
    let engines: Vec<Arc<SyncEngine>> = (0..DEVICES)
        .map(|n| {
            Arc::new(device(
                folder.path(),
                &format!("device-{n}"),
                &server.url(),
                100,
                50,
            ))
        })
        .collect();
    let started = Instant::now();
    let runs: Vec<_> = engines
        .iter()
        .map(|e| {
            let e = Arc::clone(e);
            tokio::spawn(async move { flush(&e).await })
        })
        .collect();
    for run in runs {
        run.await.unwrap();
    }
    let took = started.elapsed().as_secs_f64();
    println!("ingest end to end: {} submissions from {DEVICES} device outboxes + sync engines in {took:.2} s: {:.0} submissions/s", DEVICES * 100, (DEVICES * 100) as f64 / took);
}

/// Bytes on the wire for a typical complaint inside a batch of 50.
fn wire() {
    let items: Vec<_> = (0..50)
        .map(|n| complaint(&khmer_complaint_text(n)))
        .collect();
    let json = serde_json::to_vec(&serde_json::json!({ "items": items })).unwrap();
    let compressed = gzip(&json);
    let alone = gzip(&serde_json::to_vec(&serde_json::json!({ "items": [&items[0]] })).unwrap());
    println!(
        "wire: typical 300-character Khmer complaint in a batch of 50: {} bytes gzip ({} bytes as JSON); alone in its request: {} bytes gzip",
        compressed.len() / 50,
        json.len() / 50,
        alone.len()
    );
}
