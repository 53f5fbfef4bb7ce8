//! Backups on the real server binary: one server per SQLite file; `backup` while devices
//! submit through the API, `restore` into a fresh server that finds every item whose
//! acceptance a device had received before the backup began; files that are not an Our Voice
//! database this server knows are refused and nothing changes; and the PostgreSQL drill
//! (`pg_dump -Fc`, `pg_restore` into a new database, a server on it finds the cases).

#[path = "support/mod.rs"]
mod support;

use ourvoice_protocol::{ItemKey, Privacy, Submission, UpdatesResponse, MAX_UPDATE_ITEMS};
use ourvoice_server::store::SCHEMA_VERSION;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{complaint, Engine, ServerProcess, TestDb};

/// Runs `ourvoice-server --database URL ARGS…` to its end (at most two minutes).
fn server_command(url: &str, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
        .args(["--database", url])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ourvoice-server");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ourvoice-server {args:?} did not end within two minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Submits one batch; the items the server accepted.
async fn submit(client: &reqwest::Client, base: &str, items: Vec<Submission>) -> Vec<Submission> {
    let Ok(response) = client
        .post(format!("{base}/api/v1/submissions"))
        .json(&json!({ "items": items }))
        .send()
        .await
    else {
        return Vec::new();
    };
    let Ok(body) = response.json::<Value>().await else {
        return Vec::new();
    };
    let results = body["results"].as_array().cloned().unwrap_or_default();
    items
        .into_iter()
        .zip(results)
        .filter(|(_, result)| result["outcome"] == "accepted")
        .map(|(item, _)| item)
        .collect()
}

/// The items the server at `base` knows, asked the way a phone asks (the updates API).
async fn found(base: &str, items: &[Submission]) -> HashSet<uuid::Uuid> {
    let client = reqwest::Client::new();
    let mut known = HashSet::new();
    for chunk in items.chunks(MAX_UPDATE_ITEMS) {
        let keys: Vec<ItemKey> = chunk
            .iter()
            .map(|s| ItemKey {
                id: s.id,
                secret: s.secret.clone(),
                since: 0,
            })
            .collect();
        let response = client
            .post(format!("{base}/api/v1/updates"))
            .json(&json!({ "items": keys }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let answer: UpdatesResponse = response.json().await.unwrap();
        known.extend(answer.updates.iter().map(|u| u.id));
    }
    known
}

#[tokio::test]
async fn a_second_server_on_one_sqlite_file_is_refused() {
    let db = TestDb::new(Engine::Sqlite);
    let mut first = ServerProcess::start(&db, &[]);
    let second = server_command(&db.url, &["--listen", "127.0.0.1:0"]);
    assert!(!second.status.success(), "{}", said(&second));
    assert!(
        said(&second).contains("another ourvoice-server is serving"),
        "{}",
        said(&second)
    );
    assert!(first.is_running(), "the first server goes on serving");
    let backup = db.file("copy.db");
    let restore = server_command(
        &db.url,
        &["restore", "--from", &backup.display().to_string()],
    );
    assert!(!restore.status.success());
    first.terminate();
    // Once the first has stopped, a server may start on the file again.
    let _again = ServerProcess::start(&db, &[]);
}

#[tokio::test]
async fn a_backup_during_traffic_restores_every_item_acknowledged_before_it_began() {
    let db = TestDb::new(Engine::Sqlite);
    let server = ServerProcess::start(&db, &[]);
    let base = server.url();
    // Devices submitting batches through the API until told to stop; each accepted item with
    // the moment its device received the acceptance.
    let acknowledged: Arc<Mutex<Vec<(Instant, Submission)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut devices = Vec::new();
    for device in 0..6 {
        let (acknowledged, stop, base) = (acknowledged.clone(), stop.clone(), base.clone());
        devices.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let batch: Vec<Submission> = (0..20)
                    .map(|i| {
                        let mut item = complaint(&support::khmer_complaint_text(n + i));
                        if i % 3 == 0 {
                            item.privacy = Privacy::Confidential {
                                name: format!("device {device}"),
                                phone: "+85512000000".into(),
                            };
                        }
                        item
                    })
                    .collect();
                n += 20;
                let accepted = submit(&client, &base, batch).await;
                let at = Instant::now();
                acknowledged
                    .lock()
                    .unwrap()
                    .extend(accepted.into_iter().map(|item| (at, item)));
            }
        }));
    }
    let count =
        |acknowledged: &Mutex<Vec<(Instant, Submission)>>| acknowledged.lock().unwrap().len();
    while count(&acknowledged) < 600 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let backup = db.file("backup.db");
    let began = Instant::now();
    let (url, to) = (db.url.clone(), backup.display().to_string());
    let output =
        tokio::task::spawn_blocking(move || server_command(&url, &["backup", "--to", &to]))
            .await
            .unwrap();
    assert!(output.status.success(), "{}", said(&output));
    assert!(said(&output).contains("backed up to"), "{}", said(&output));
    // Traffic goes on after the backup, then stops.
    let after_backup = count(&acknowledged);
    while count(&acknowledged) < after_backup + 200 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for device in devices {
        device.await.unwrap();
    }
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    let before: Vec<Submission> = acknowledged
        .iter()
        .filter(|(at, _)| *at < began)
        .map(|(_, item)| item.clone())
        .collect();
    assert!(before.len() >= 600);
    // The copy is one consistent snapshot: whole, and no case without its first event.
    let copy = rusqlite::Connection::open(&backup).unwrap();
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let orphans: i64 = copy
        .query_row(
            "SELECT count(*) FROM cases c WHERE NOT EXISTS
             (SELECT 1 FROM case_events e WHERE e.case_number = c.number)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    let in_copy: i64 = copy
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .unwrap();
    drop(copy);
    assert!(in_copy as usize <= acknowledged.len());
    // Restored into a fresh place, a fresh server finds every item acknowledged before the
    // backup began.
    let fresh = TestDb::new(Engine::Sqlite);
    let restore = server_command(
        &fresh.url,
        &["restore", "--from", &backup.display().to_string()],
    );
    assert!(restore.status.success(), "{}", said(&restore));
    let restored = ServerProcess::start(&fresh, &[]);
    let known = found(&restored.url(), &before).await;
    let missing = before.iter().filter(|s| !known.contains(&s.id)).count();
    assert_eq!(
        missing,
        0,
        "{missing} of {} acknowledged items missing",
        before.len()
    );
    let all = found(
        &restored.url(),
        &acknowledged
            .iter()
            .map(|(_, s)| s.clone())
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(
        all.len() as i64,
        in_copy,
        "the server serves what the copy holds"
    );
}

/// The database file's bytes and whether a write-ahead log is beside it.
fn state_of(path: &Path) -> (Vec<u8>, bool) {
    (
        std::fs::read(path).unwrap(),
        PathBuf::from(format!("{}-wal", path.display())).exists(),
    )
}

#[tokio::test]
async fn a_restore_refuses_what_is_not_a_database_it_knows_and_changes_nothing() {
    let db = TestDb::new(Engine::Sqlite);
    let database = PathBuf::from(db.url.strip_prefix("sqlite://").unwrap());
    let mut server = ServerProcess::start(&db, &[]);
    let client = reqwest::Client::new();
    let kept: Vec<Submission> = (0..5).map(|i| complaint(&format!("kept {i}"))).collect();
    assert_eq!(submit(&client, &server.url(), kept.clone()).await.len(), 5);
    let good = db.file("good.db");
    let backup = server_command(&db.url, &["backup", "--to", &good.display().to_string()]);
    assert!(backup.status.success(), "{}", said(&backup));
    // Restoring under a serving server is refused.
    let refused = server_command(&db.url, &["restore", "--from", &good.display().to_string()]);
    assert!(!refused.status.success());
    assert!(said(&refused).contains("another ourvoice-server is serving"));
    let later: Vec<Submission> = (0..3).map(|i| complaint(&format!("later {i}"))).collect();
    assert_eq!(submit(&client, &server.url(), later.clone()).await.len(), 3);
    assert!(server.terminate().success());

    let junk = db.file("junk.db");
    std::fs::write(&junk, "not a database at all, just words\n".repeat(300)).unwrap();
    let damaged = db.file("damaged.db");
    let mut bytes = std::fs::read(&good).unwrap();
    let page = 4096;
    assert!(bytes.len() > 8 * page);
    for byte in &mut bytes[2 * page..6 * page] {
        *byte = 0x5a;
    }
    std::fs::write(&damaged, bytes).unwrap();
    let newer = db.file("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let other = db.file("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (text TEXT); PRAGMA user_version = 1;")
        .unwrap();
    let absent = db.file("absent.db");
    for (file, expect) in [
        (&junk, "is not a SQLite database"),
        (&damaged, "damaged"),
        (&newer, "newer than this server knows"),
        (&other, "not an Our Voice database"),
        (&absent, "there is no database"),
    ] {
        let before = state_of(&database);
        let output = server_command(&db.url, &["restore", "--from", &file.display().to_string()]);
        assert!(!output.status.success(), "{file:?}: {}", said(&output));
        assert!(
            said(&output).contains(expect),
            "{file:?}: {}",
            said(&output)
        );
        assert!(
            state_of(&database) == before,
            "{file:?} changed the database"
        );
        let left: Vec<String> = std::fs::read_dir(database.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains("restoring"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
    let mut server = ServerProcess::start(&db, &[]);
    assert_eq!(found(&server.url(), &later).await.len(), 3);
    assert!(server.terminate().success());

    // The good copy goes back in place: what came after it is gone, what it held is there.
    let output = server_command(&db.url, &["restore", "--from", &good.display().to_string()]);
    assert!(output.status.success(), "{}", said(&output));
    let server = ServerProcess::start(&db, &[]);
    assert_eq!(found(&server.url(), &kept).await.len(), 5);
    assert_eq!(found(&server.url(), &later).await.len(), 0);
}

#[tokio::test]
async fn postgres_is_backed_up_with_pg_dump_and_pg_restore() {
    let db = TestDb::new(Engine::Postgres);
    let refused = server_command(&db.url, &["backup", "--to", "/nowhere"]);
    assert!(!refused.status.success());
    assert!(said(&refused).contains("pg_dump"), "{}", said(&refused));
    let refused = server_command(&db.url, &["restore", "--from", "/nowhere"]);
    assert!(said(&refused).contains("pg_restore"), "{}", said(&refused));
    let mut server = ServerProcess::start(&db, &[]);
    let client = reqwest::Client::new();
    let cases: Vec<Submission> = (0..12)
        .map(|i| {
            let mut item = complaint(&format!("drill {i}"));
            if i % 2 == 0 {
                item.privacy = Privacy::Confidential {
                    name: "drill".into(),
                    phone: "+85512000001".into(),
                };
            }
            item
        })
        .collect();
    assert_eq!(
        submit(&client, &server.url(), cases.clone()).await.len(),
        12
    );
    // The drill as the README gives it: a custom-format dump while the server serves ...
    let dump = db.file("ourvoice.dump");
    let output = Command::new("pg_dump")
        .args(["-Fc", "-f"])
        .arg(&dump)
        .arg(&db.url)
        .output()
        .expect("pg_dump (Debian's postgresql-client)");
    assert!(output.status.success(), "{}", said(&output));
    assert!(server.terminate().success());
    // ... restored into a new, empty database ...
    let target = TestDb::new(Engine::Postgres);
    let output = Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "-d", &target.url])
        .arg(&dump)
        .output()
        .expect("pg_restore (Debian's postgresql-client)");
    assert!(output.status.success(), "{}", said(&output));
    // ... where a server finds every case.
    let restored = ServerProcess::start(&target, &[]);
    assert_eq!(found(&restored.url(), &cases).await.len(), 12);
    let more = vec![complaint("after the restore")];
    assert_eq!(submit(&client, &restored.url(), more).await.len(), 1);
}
