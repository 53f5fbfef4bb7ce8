//! The embedded SQLite store: one writer thread that group-commits concurrent ingests (many
//! devices share one fsync), and a small pool of read connections (WAL lets them run alongside).
//!
//! Guarantees: `synchronous=FULL`; a group that fails is retried job by job so one bad job
//! cannot fail its neighbours; secrets are kept only as SHA-256 digests; anonymous cases have
//! no contact columns filled.

use chrono::{DateTime, Utc};
use ourvoice_protocol::{CaseStatus, CaseUpdate, ItemKey, ItemOutcome, Privacy, Reply, ReplyKind};
use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

use super::{NewCase, StoreError};

/// The schema this server writes.
pub const SCHEMA_VERSION: u32 = 1;

const CREATE_LATEST: &str = "
CREATE TABLE cases (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tracking_code TEXT NOT NULL,
    body_digest TEXT NOT NULL,
    secret_digest TEXT NOT NULL,
    kind TEXT NOT NULL,
    place TEXT NOT NULL,
    office TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    evaluation TEXT,
    asked_extra_payment INTEGER,
    about_office_staff INTEGER NOT NULL,
    incident_date TEXT,
    privacy TEXT NOT NULL CHECK (privacy IN ('anonymous', 'confidential')),
    contact_name TEXT,
    contact_phone TEXT,
    gender TEXT,
    age_band TEXT,
    disability TEXT,
    locale TEXT NOT NULL,
    created_at TEXT NOT NULL,
    app_version TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_seq INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    CHECK (privacy = 'confidential' OR (contact_name IS NULL AND contact_phone IS NULL))
);
CREATE INDEX cases_by_office ON cases (office, status);
CREATE INDEX cases_by_tracking_code ON cases (tracking_code);
CREATE TABLE case_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    case_number INTEGER NOT NULL REFERENCES cases (number),
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    office TEXT NOT NULL,
    reply_kind TEXT,
    reply_text TEXT
);
CREATE INDEX case_events_by_case ON case_events (case_number, seq);
";

/// Opens the server database: pragmas, then create or upgrade in one IMMEDIATE transaction.
pub fn open_database(path: &Path) -> Result<Connection, StoreError> {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == 0 {
        tx.execute_batch(CREATE_LATEST)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    tx.commit()?;
    Ok(conn)
}

struct WriteJob {
    cases: Vec<NewCase>,
    reply: oneshot::Sender<Result<Vec<ItemOutcome>, StoreError>>,
}

/// The most items written in one transaction.
const GROUP_ITEMS: usize = 4096;

pub struct SqliteStore {
    path: PathBuf,
    jobs: mpsc::Sender<WriteJob>,
    writer: Mutex<Option<JoinHandle<()>>>,
    readers: Arc<Mutex<Vec<Connection>>>,
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = open_database(path)?;
        let (jobs, queue) = mpsc::channel(1024);
        let writer = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_loop(conn, queue))?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            jobs,
            writer: Mutex::new(Some(writer)),
            readers: Arc::new(Mutex::new(Vec::new())),
        })
    }

    pub async fn ingest(&self, cases: Vec<NewCase>) -> Result<Vec<ItemOutcome>, StoreError> {
        if cases.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(WriteJob { cases, reply })
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let readers = Arc::clone(&self.readers);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let taken = readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let conn = match taken {
                Some(conn) => conn,
                None => {
                    let conn = Connection::open_with_flags(
                        &path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    conn.busy_timeout(Duration::from_secs(10))?;
                    conn
                }
            };
            let result = work(&conn);
            readers.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
            result
        })
        .await
        .map_err(|_| StoreError::WriterGone)?
    }

    pub async fn updates(&self, keys: Vec<ItemKey>) -> Result<Vec<CaseUpdate>, StoreError> {
        self.read(move |conn| {
            let mut find =
                conn.prepare_cached("SELECT number, secret_digest FROM cases WHERE id = ?1")?;
            let mut events = conn.prepare_cached(
                "SELECT seq, at, status, office, reply_kind, reply_text FROM case_events
                 WHERE case_number = ?1 AND seq > ?2 ORDER BY seq",
            )?;
            let mut updates = Vec::new();
            for key in keys {
                let found: Option<(i64, String)> = find
                    .query_row([key.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let Some((number, secret_digest)) = found else {
                    continue;
                };
                if secret_digest != key.secret.digest() {
                    continue;
                }
                let rows = events.query_map(params![number, key.since as i64], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                })?;
                for row in rows {
                    let (seq, at, status, office, reply_kind, reply_text) = row?;
                    let reply = match (reply_kind.as_deref(), reply_text) {
                        (Some("question"), Some(text)) => Some(Reply {
                            kind: ReplyKind::Question,
                            text,
                        }),
                        (Some(_), Some(text)) => Some(Reply {
                            kind: ReplyKind::Answer,
                            text,
                        }),
                        _ => None,
                    };
                    updates.push(CaseUpdate {
                        id: key.id,
                        seq: seq as u64,
                        at: parse_time(&at)?,
                        status: CaseStatus::from_code(&status),
                        office,
                        reply,
                    });
                }
            }
            updates.sort_by_key(|u| u.seq);
            Ok(updates)
        })
        .await
    }

    pub async fn check(&self) -> Result<(), StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row("SELECT count(*) FROM cases WHERE number < 0", [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|_| ())?)
        })
        .await
    }

    pub async fn close(self) {
        let SqliteStore { jobs, writer, .. } = self;
        drop(jobs);
        let handle = writer.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(handle) = handle {
            let _ = tokio::task::spawn_blocking(move || handle.join()).await;
        }
    }
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time '{text}': {e}")))
}

/// Takes jobs as they come; everything queued meanwhile joins the same transaction.
fn write_loop(mut conn: Connection, mut queue: mpsc::Receiver<WriteJob>) {
    while let Some(first) = queue.blocking_recv() {
        let mut items = first.cases.len();
        let mut group = vec![first];
        while items < GROUP_ITEMS {
            match queue.try_recv() {
                Ok(job) => {
                    items += job.cases.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        let now = Utc::now();
        match write_group(&mut conn, group.iter().map(|job| job.cases.as_slice()), now) {
            Ok(outcomes) => {
                for (job, outcome) in group.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(error) if group.len() > 1 => {
                tracing::warn!(%error, jobs = group.len(), "group commit failed; writing jobs one by one");
                for job in group {
                    let result = write_group(&mut conn, std::iter::once(job.cases.as_slice()), now)
                        .map(|mut outcomes| outcomes.remove(0));
                    let _ = job.reply.send(result);
                }
            }
            Err(error) => {
                if let Some(job) = group.pop() {
                    let _ = job.reply.send(Err(error));
                }
            }
        }
    }
}

fn write_group<'a>(
    conn: &mut Connection,
    jobs: impl Iterator<Item = &'a [NewCase]>,
    now: DateTime<Utc>,
) -> Result<Vec<Vec<ItemOutcome>>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut all = Vec::new();
    for cases in jobs {
        let mut outcomes = Vec::with_capacity(cases.len());
        for case in cases {
            outcomes.push(write_case(&tx, case, now)?);
        }
        all.push(outcomes);
    }
    tx.commit()?;
    Ok(all)
}

fn write_case(
    tx: &Transaction<'_>,
    case: &NewCase,
    now: DateTime<Utc>,
) -> Result<ItemOutcome, StoreError> {
    let s = &case.submission;
    let id = s.id.to_string();
    let existing: Option<(i64, String, String, i64, String)> = tx
        .prepare_cached("SELECT number, body_digest, office, received_seq, received_at FROM cases WHERE id = ?1")?
        .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    if let Some((number, digest, _office, received_seq, received_at)) = existing {
        if digest != case.body_digest {
            return Ok(ItemOutcome::Conflict);
        }
        // The original answer again: the office and status it was received with.
        let office: String = tx
            .prepare_cached("SELECT office FROM case_events WHERE seq = ?1")?
            .query_row([received_seq], |r| r.get(0))?;
        return Ok(ItemOutcome::Accepted {
            server_number: number as u64,
            office,
            status: CaseStatus::Received,
            seq: received_seq as u64,
            received_at: parse_time(&received_at)?,
        });
    }
    let (contact_name, contact_phone) = match &s.privacy {
        Privacy::Anonymous => (None, None),
        Privacy::Confidential { name, phone } => (Some(name.as_str()), Some(phone.as_str())),
    };
    let privacy = match s.privacy {
        Privacy::Anonymous => "anonymous",
        Privacy::Confidential { .. } => "confidential",
    };
    let profile = s.profile.clone().unwrap_or_default();
    let code =
        |value: Option<serde_json::Value>| value.and_then(|v| v.as_str().map(str::to_string));
    let received_at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    tx.prepare_cached(
        "INSERT INTO cases (id, tracking_code, body_digest, secret_digest, kind, place, office, category,
            description, evaluation, asked_extra_payment, about_office_staff, incident_date, privacy,
            contact_name, contact_phone, gender, age_band, disability, locale, created_at, app_version,
            received_at, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, 'received')",
    )?
    .execute(params![
        id,
        s.tracking_code().as_str(),
        case.body_digest,
        s.secret.digest(),
        s.kind.as_str(),
        s.place,
        case.office,
        s.category,
        s.description,
        s.evaluation.as_ref().map(|e| serde_json::to_string(e).expect("ratings serialise")),
        s.asked_extra_payment,
        s.about_office_staff,
        s.incident_date.map(|d| d.to_string()),
        privacy,
        contact_name,
        contact_phone,
        code(profile.gender.map(|g| serde_json::to_value(g).expect("enum serialises"))),
        code(profile.age_band.map(|a| serde_json::to_value(a).expect("enum serialises"))),
        code(profile.disability.map(|d| serde_json::to_value(d).expect("enum serialises"))),
        s.locale.code(),
        s.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        s.app_version,
        received_at,
    ])?;
    let number = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO case_events (case_number, at, status, office) VALUES (?1, ?2, 'received', ?3)",
    )?
    .execute(params![number, received_at, case.office])?;
    let seq = tx.last_insert_rowid();
    tx.prepare_cached("UPDATE cases SET received_seq = ?2, last_seq = ?2 WHERE number = ?1")?
        .execute(params![number, seq])?;
    Ok(ItemOutcome::Accepted {
        server_number: number as u64,
        office: case.office.clone(),
        status: CaseStatus::Received,
        seq: seq as u64,
        received_at: parse_time(&received_at)?,
    })
}
