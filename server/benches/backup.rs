//! Backup of a large SQLite database while the server serves, against the real release binary
//! on loopback: the database is filled through the API to `OURVOICE_BENCH_BACKUP_CASES` cases
//! (default 100,000; the figure is 1,000,000), then 64 devices submit while
//! - nothing else runs (the baseline),
//! - `ourvoice-server backup --to FILE` runs (SQLite's online backup in one read transaction),
//! - `VACUUM INTO` runs on its own connection (the alternative, for comparison),
//!
//! and each prints how long the copy took and the ingest rate and slowest batch meanwhile.

#[path = "../tests/support/mod.rs"]
mod support;

use flate2::{write::GzEncoder, Compression};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::batches::send;
use support::{complaint, khmer_complaint_text, Engine, ServerProcess, TestDb};

const DEVICES: usize = 64;
const ITEMS: usize = 50;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn batch(items: usize, seed: usize) -> Vec<u8> {
    let items: Vec<_> = (0..items)
        .map(|n| complaint(&khmer_complaint_text(seed + n)))
        .collect();
    gzip(&serde_json::to_vec(&serde_json::json!({ "items": items })).unwrap())
}

/// Fills the server with `cases` cases, 16 senders of 200-item batches.
async fn fill(url: &str, cases: usize) {
    let http = reqwest::Client::new();
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let senders: Vec<_> = (0..16)
        .map(|_| {
            let (http, url, next) = (http.clone(), url.to_string(), Arc::clone(&next));
            tokio::spawn(async move {
                loop {
                    let from = next.fetch_add(200, Ordering::Relaxed) as usize;
                    if from >= cases {
                        break;
                    }
                    let items = 200.min(cases - from);
                    let body = tokio::task::spawn_blocking(move || batch(items, from))
                        .await
                        .unwrap();
                    assert_eq!(send(&http, &url, body).await, items);
                }
            })
        })
        .collect();
    for sender in senders {
        sender.await.unwrap();
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "filled: {cases} cases in {took:.1} s ({:.0}/s)",
        cases as f64 / took
    );
}

/// What 64 devices managed while `copy` ran (or for `copy`'s time when it does nothing).
struct Load {
    items: usize,
    seconds: f64,
    slowest_batch: Duration,
}

/// Runs `copy` on a thread while 64 devices submit gzip batches of 50 new items: the load runs
/// two seconds first (so that all devices are sending), is measured while `copy` runs, and
/// stops when it returns.
async fn under_load<T: Send + 'static>(
    url: &str,
    copy: impl FnOnce() -> T + Send + 'static,
) -> (T, Load) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(DEVICES)
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let accepted = Arc::new(AtomicU64::new(0));
    let slowest = Arc::new(Mutex::new(Duration::ZERO));
    let devices: Vec<_> = (0..DEVICES)
        .map(|device| {
            let (http, url, stop, accepted, slowest) = (
                http.clone(),
                url.to_string(),
                Arc::clone(&stop),
                Arc::clone(&accepted),
                Arc::clone(&slowest),
            );
            tokio::spawn(async move {
                let mut n = device;
                while !stop.load(Ordering::Relaxed) {
                    let body = batch(ITEMS, n);
                    n += DEVICES;
                    let sent = Instant::now();
                    let count = send(&http, &url, body).await;
                    accepted.fetch_add(count as u64, Ordering::Relaxed);
                    let took = sent.elapsed();
                    let mut slowest = slowest.lock().unwrap();
                    *slowest = (*slowest).max(took);
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let started = Instant::now();
    let before = accepted.load(Ordering::Relaxed) as usize;
    *slowest.lock().unwrap() = Duration::ZERO;
    let result = tokio::task::spawn_blocking(copy).await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let items = accepted.load(Ordering::Relaxed) as usize - before;
    stop.store(true, Ordering::Relaxed);
    for device in devices {
        device.await.unwrap();
    }
    let slowest_batch = *slowest.lock().unwrap();
    (
        result,
        Load {
            items,
            seconds,
            slowest_batch,
        },
    )
}

fn report(what: &str, copy_seconds: Option<f64>, bytes: u64, load: &Load) {
    let copy = match copy_seconds {
        Some(s) => format!(
            "copy {s:.2} s ({:.0} MB/s), ",
            bytes as f64 / 1e6 / s.max(1e-9)
        ),
        None => String::new(),
    };
    println!(
        "{what}: {copy}ingest {:.0} submissions/s over {:.1} s, slowest batch of {ITEMS} {:.0} ms",
        load.items as f64 / load.seconds,
        load.seconds,
        load.slowest_batch.as_secs_f64() * 1e3
    );
}

fn backup_command(url: &str, to: &Path) -> f64 {
    let started = Instant::now();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
        .args(["--database", url, "backup", "--to"])
        .arg(to)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed().as_secs_f64()
}

fn vacuum_into(database: &Path, to: &Path) -> f64 {
    let started = Instant::now();
    let _ = std::fs::remove_file(to);
    let conn =
        rusqlite::Connection::open_with_flags(database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.execute("VACUUM INTO ?1", [to.display().to_string()])
        .unwrap();
    started.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let cases: usize = std::env::var("OURVOICE_BENCH_BACKUP_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let db = TestDb::new(Engine::Sqlite);
    let database = PathBuf::from(db.url.strip_prefix("sqlite://").unwrap());
    let server = ServerProcess::start(&db, &[]);
    let url = format!("{}/api/v1/submissions", server.url());
    fill(&url, cases).await;
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let wal = PathBuf::from(format!("{}-wal", database.display()));
    println!(
        "database: {:.0} MB (+ {:.0} MB of log)",
        size(&database) as f64 / 1e6,
        size(&wal) as f64 / 1e6
    );
    // A backup with no load, then the baseline: the load alone for as long (at least 5 s).
    let copy = db.file("backup.db");
    let alone = backup_command(&db.url, &copy);
    println!(
        "ourvoice-server backup with no load: {alone:.2} s ({:.0} MB/s)",
        size(&copy) as f64 / 1e6 / alone
    );
    let _ = std::fs::remove_file(&copy);
    let wait = Duration::from_secs_f64(alone.max(5.0));
    let (_, load) = under_load(&url, move || std::thread::sleep(wait)).await;
    report("no backup", None, 0, &load);

    let (url_of, copy_to) = (db.url.clone(), copy.clone());
    let (seconds, load) = under_load(&url, move || backup_command(&url_of, &copy_to)).await;
    report("ourvoice-server backup", Some(seconds), size(&copy), &load);
    let copied: i64 = rusqlite::Connection::open(&copy)
        .unwrap()
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .unwrap();
    println!("  the copy holds {copied} cases");

    let vacuumed = db.file("vacuumed.db");
    let (from, to) = (database.clone(), vacuumed.clone());
    let (seconds, load) = under_load(&url, move || vacuum_into(&from, &to)).await;
    report(
        "VACUUM INTO (for comparison)",
        Some(seconds),
        size(&vacuumed),
        &load,
    );
}
