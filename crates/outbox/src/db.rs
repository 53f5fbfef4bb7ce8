//! The one function that opens the outbox database: pragmas, schema creation and upgrades.
//!
//! Guarantees: every connection has WAL, `synchronous=FULL`, foreign keys, a busy timeout and
//! `secure_delete` (what is deleted or overwritten is zeroed in the file, not left in free space:
//! a citizen's hidden text must not be readable in the file's bytes); upgrades run in one IMMEDIATE transaction; a database from a newer app is refused, never
//! downgraded; an upgraded database has exactly the schema of a fresh one.

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

use crate::OutboxError;

/// The schema this code writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: u32 = 9;

/// The whole schema at [`SCHEMA_VERSION`], for a new database.
const CREATE_LATEST: &str = "
CREATE TABLE submissions (
    id TEXT PRIMARY KEY NOT NULL,
    tracking_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    place TEXT NOT NULL,
    body TEXT NOT NULL,
    body_bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'accepted', 'rejected', 'conflict')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    server_number INTEGER,
    office TEXT,
    rejection TEXT,
    settled_at INTEGER,
    status TEXT,
    seq INTEGER NOT NULL DEFAULT 0,
    status_at INTEGER,
    seen_seq INTEGER NOT NULL DEFAULT 0,
    answer_by INTEGER,
    hide_text INTEGER NOT NULL DEFAULT 0,
    text_hidden INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX submissions_by_state ON submissions (state, next_attempt_at);
CREATE TABLE replies (
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (submission_id, seq)
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
CREATE TABLE citizen_actions (
    request_id TEXT PRIMARY KEY NOT NULL,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('answer', 'rating')),
    text TEXT,
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'refused')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    refusal TEXT,
    seq INTEGER,
    status TEXT,
    settled_at INTEGER
);
CREATE INDEX citizen_actions_by_state ON citizen_actions (state, next_attempt_at);
CREATE INDEX citizen_actions_by_submission ON citizen_actions (submission_id, created_at);
CREATE TABLE office_contacts (
    office TEXT PRIMARY KEY NOT NULL,
    phone TEXT,
    hours TEXT
);
CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    media_type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    file TEXT NOT NULL,
    acknowledged INTEGER NOT NULL DEFAULT 0,
    contacted INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'received', 'refused')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    refusal TEXT,
    settled_at INTEGER,
    UNIQUE (submission_id, position)
);
CREATE INDEX attachments_by_state ON attachments (state, next_attempt_at);
CREATE TABLE scorecards (
    office TEXT PRIMARY KEY NOT NULL,
    body TEXT,
    etag TEXT,
    fetched_at INTEGER,
    looked_at INTEGER NOT NULL
);
CREATE INDEX scorecards_by_look ON scorecards (looked_at);
";

/// Version 1: the outbox alone, before case updates and replies were pulled.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const CREATE_V1: &str = "
CREATE TABLE submissions (
    id TEXT PRIMARY KEY NOT NULL,
    tracking_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    place TEXT NOT NULL,
    body TEXT NOT NULL,
    body_bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'accepted', 'rejected', 'conflict')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    server_number INTEGER,
    office TEXT,
    rejection TEXT,
    settled_at INTEGER
);
CREATE INDEX submissions_by_state ON submissions (state, next_attempt_at);
";

/// Upgrade steps: `UPGRADES[n]` takes a database from version n+1 to n+2.
const UPGRADES: &[&str] = &[
    "
ALTER TABLE submissions ADD COLUMN status TEXT;
ALTER TABLE submissions ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN status_at INTEGER;
UPDATE submissions SET status = 'received', status_at = settled_at WHERE state = 'accepted';
CREATE TABLE replies (
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (submission_id, seq)
);
",
    "
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
",
    // Version 4: the citizen's answers to questions and ratings of answers, queued like
    // submissions (the request id is the idempotency key the server knows them by).
    "
CREATE TABLE citizen_actions (
    request_id TEXT PRIMARY KEY NOT NULL,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('answer', 'rating')),
    text TEXT,
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'refused')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    refusal TEXT,
    seq INTEGER,
    status TEXT,
    settled_at INTEGER
);
CREATE INDEX citizen_actions_by_state ON citizen_actions (state, next_attempt_at);
CREATE INDEX citizen_actions_by_submission ON citizen_actions (submission_id, created_at);
",
    // Version 5: the newest event the citizen has seen of each case, for the unread mark;
    // what was there before the upgrade counts as seen.
    "
ALTER TABLE submissions ADD COLUMN seen_seq INTEGER NOT NULL DEFAULT 0;
UPDATE submissions SET seen_seq = seq;
",
    // Version 6: when the office should answer by (from the server's answer), and the
    // offices' telephones and hours as the server last gave them.
    "
ALTER TABLE submissions ADD COLUMN answer_by INTEGER;
CREATE TABLE office_contacts (
    office TEXT PRIMARY KEY NOT NULL,
    phone TEXT,
    hours TEXT
);
",
    // Version 7: the citizen's choice to keep no readable copy of the text on this phone once
    // the office has it (`hide_text`), and whether that was done (`text_hidden`).
    "
ALTER TABLE submissions ADD COLUMN hide_text INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN text_hidden INTEGER NOT NULL DEFAULT 0;
",
    // Version 8: photos and voice notes. Each row names a file in the folder beside the
    // database (`<database>.attachments/`), written and fsynced before the row commits, with
    // its size and SHA-256; the upload's own queue state (the shared machine's columns), how
    // many bytes the server acknowledged, whether the server was ever sent any (`contacted`),
    // and the server's refusal.
    "
CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    media_type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    file TEXT NOT NULL,
    acknowledged INTEGER NOT NULL DEFAULT 0,
    contacted INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'received', 'refused')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    refusal TEXT,
    settled_at INTEGER,
    UNIQUE (submission_id, position)
);
CREATE INDEX attachments_by_state ON attachments (state, next_attempt_at);
",
    // Version 9: the public scorecards of the offices the citizen looked at last, as the server
    // gave them (its JSON, or none yet when `body` is NULL), with their ETag and when the server
    // last answered for them (`fetched_at`, NULL: never).
    "
CREATE TABLE scorecards (
    office TEXT PRIMARY KEY NOT NULL,
    body TEXT,
    etag TEXT,
    fetched_at INTEGER,
    looked_at INTEGER NOT NULL
);
CREATE INDEX scorecards_by_look ON scorecards (looked_at);
",
];

/// Opens (creating if needed) the outbox database at `path` and brings its schema up to date.
pub fn open_database(path: &Path) -> Result<Connection, OutboxError> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "secure_delete", true)?;
    if cfg!(target_os = "android") {
        // Android's /tmp is not writable for apps: keep temporary tables in memory.
        conn.pragma_update(None, "temp_store", 2)?;
    }
    migrate(&mut conn)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), OutboxError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: u32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(OutboxError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == 0 {
        tx.execute_batch(CREATE_LATEST)?;
    } else {
        for step in &UPGRADES[(found as usize - 1)..] {
            tx.execute_batch(step)?;
        }
    }
    if found != SCHEMA_VERSION {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use rusqlite::types::Value;

    /// The rows of one query.
    fn rows_of(conn: &Connection, sql: &str) -> Vec<Vec<Value>> {
        let mut statement = conn.prepare(sql).unwrap();
        let count = statement.column_count();
        statement
            .query_map([], |r| (0..count).map(|i| r.get::<_, Value>(i)).collect())
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn text(value: &Value) -> String {
        match value {
            Value::Text(text) => text.clone(),
            other => format!("{other:?}"),
        }
    }

    /// Rows as `a|b|c; d|e|f`.
    fn joined(rows: &[Vec<Value>]) -> String {
        let rows: Vec<String> = rows
            .iter()
            .map(|row| row.iter().map(text).collect::<Vec<_>>().join("|"))
            .collect();
        rows.join("; ")
    }

    /// Every table's and index's columns and foreign keys as SQLite reports them.
    fn schema_of(conn: &Connection) -> Vec<String> {
        let objects = rows_of(
            conn,
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        );
        let mut described = Vec::new();
        for object in &objects {
            let (kind, name) = (text(&object[0]), text(&object[1]));
            let pragma = if kind == "table" {
                "table_info"
            } else {
                "index_info"
            };
            let columns = rows_of(conn, &format!("PRAGMA {pragma}('{name}')"));
            described.push(format!("{kind} {name}: {}", joined(&columns)));
            if kind == "table" {
                let keys = rows_of(conn, &format!("PRAGMA foreign_key_list('{name}')"));
                described.push(format!("foreign keys of {name}: {}", joined(&keys)));
            }
        }
        described
    }

    /// A database as version `version` of the app left it (built from version 1 by the
    /// upgrade steps up to it), holding one accepted submission.
    fn old_database(path: &Path, version: u32) {
        let old = Connection::open(path).unwrap();
        old.execute_batch(CREATE_V1).unwrap();
        for step in &UPGRADES[..(version as usize - 1)] {
            old.execute_batch(step).unwrap();
        }
        old.execute(
            "INSERT INTO submissions (id, tracking_code, kind, place, body, body_bytes, created_at, state, server_number, office, settled_at)
             VALUES ('a', 'OV-2222-2222', 'complaint', '120101', '{}', 2, 1, 'accepted', 7, 'CH-120101', 5)",
            [],
        )
        .unwrap();
        old.pragma_update(None, "user_version", version).unwrap();
    }

    #[test]
    fn every_older_database_upgraded_equals_a_fresh_one_and_keeps_its_rows() {
        let folder = tempfile::tempdir().unwrap();
        let fresh = open_database(&folder.path().join("fresh.db")).unwrap();
        // (version, the status the kept row has after the upgrade)
        let cases: &[(u32, Option<&str>)] = &[
            (1, Some("received")),
            (2, None),
            (3, None),
            (4, None),
            (5, None),
            (6, None),
            (7, None),
            (8, None),
        ];
        assert_eq!(
            cases.len() as u32,
            SCHEMA_VERSION - 1,
            "one case per old version"
        );
        for &(version, status) in cases {
            let old_path = folder.path().join(format!("v{version}.db"));
            old_database(&old_path, version);
            let upgraded = open_database(&old_path).unwrap();
            assert_eq!(
                schema_of(&upgraded),
                schema_of(&fresh),
                "from version {version}"
            );
            let found: u32 = upgraded
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(found, SCHEMA_VERSION, "from version {version}");
            let kept: (i64, Option<String>, bool, bool) = upgraded
                .query_row(
                    "SELECT server_number, status, hide_text, text_hidden FROM submissions WHERE id = 'a'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .unwrap();
            // A row from before the choice existed was never asked to hide its text.
            assert_eq!(
                kept,
                (7, status.map(String::from), false, false),
                "from version {version}"
            );
            // The citizen's actions attach to the kept submission.
            upgraded
                .execute(
                    "INSERT INTO citizen_actions (request_id, submission_id, kind, text, created_at, state)
                     VALUES ('r', 'a', 'answer', 'ok', 9, 'queued')",
                    [],
                )
                .unwrap();
        }
    }

    #[test]
    fn a_newer_database_is_refused_and_left_alone() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("newer.db");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        match open_database(&path) {
            Err(OutboxError::NewerSchema {
                found: 99,
                supported: SCHEMA_VERSION,
            }) => {}
            other => panic!("expected NewerSchema, got {other:?}"),
        }
        let version: u32 = Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 99);
    }

    #[test]
    fn pragmas_are_set_on_every_open() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("o.db");
        drop(open_database(&path).unwrap());
        let conn = open_database(&path).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        let keys: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let zeroed: i64 = conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), sync, keys, zeroed), ("wal", 2, 1, 1));
    }
}
