//! The server's schema on each engine: a database at schema 1 (as the spine left it, with a
//! case in it) upgraded by the server equals a fresh one, keeps its data (the case is not
//! public: schema 6's `publish_text` defaults to false), and a database newer than the server
//! is refused; a database at schema 4 with an account and a session gets the schema 5 columns
//! (no second factor, the session ended as idle, the policy off); and a store dropped on an
//! async thread closes cleanly.

mod support;

use ourvoice_server::store::postgres::PgConn;
use ourvoice_server::store::sql::{migration, Dialect};
use ourvoice_server::store::{sqlite, StoreError, SCHEMA_VERSION};
use support::{Engine, TestDb};

fn dialect(db: &TestDb) -> Dialect {
    match db.engine {
        Engine::Sqlite => Dialect::Sqlite,
        Engine::Postgres => Dialect::Postgres,
    }
}

/// Opens the database the way the server does; the error if it refuses.
fn open(db: &TestDb) -> Result<(), StoreError> {
    let url = db.url.clone();
    std::thread::spawn(move || match url.strip_prefix("sqlite://") {
        Some(path) => sqlite::open_database(path.as_ref()).map(drop),
        None => PgConn::open(&url).map(drop),
    })
    .join()
    .unwrap()
}

/// Every column of every table: name, type, nullability, default.
fn columns(db: &TestDb) -> Vec<String> {
    let sql = match db.engine {
        Engine::Sqlite => {
            "SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' || coalesce(p.dflt_value, '')
             FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid"
        }
        Engine::Postgres => {
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
             FROM information_schema.columns WHERE table_schema = 'public'
             ORDER BY table_name, ordinal_position"
        }
    };
    db.query(sql, &[])
        .iter()
        .map(|r| r.text(0).unwrap())
        .collect()
}

fn version(db: &TestDb) -> i64 {
    match db.engine {
        Engine::Sqlite => db.count("PRAGMA user_version", &[]),
        Engine::Postgres => db.count("SELECT max(version) FROM schema_version", &[]),
    }
}

fn set_version(db: &TestDb, version: u32) {
    match db.engine {
        Engine::Sqlite => db.batch(&format!("PRAGMA user_version = {version}")),
        Engine::Postgres => db.batch(&format!(
            "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);
             DELETE FROM schema_version; INSERT INTO schema_version VALUES ({version})"
        )),
    }
}

#[test]
fn an_old_schema_upgraded_equals_a_fresh_one() {
    for old in TestDb::all() {
        println!("engine {:?}", old.engine);
        old.batch(&migration(1, dialect(&old)));
        set_version(&old, 1);
        old.batch(
            "INSERT INTO cases (id, tracking_code, body_digest, secret_digest, kind, place, office, category,
                description, about_office_staff, privacy, locale, created_at, app_version, received_at, status)
             VALUES ('11111111-1111-4111-8111-111111111111', 'OV-AAAA-BBBB', 'd', 's', 'complaint', '120101',
                'CH-120101', 'other', 'ចាស់', 0, 'anonymous', 'km', '2026-01-01T00:00:00.000Z', 'old',
                '2026-01-01T00:00:00.000Z', 'received')",
        );
        open(&old).unwrap();
        assert_eq!(version(&old), i64::from(SCHEMA_VERSION));
        let fresh = TestDb::new(old.engine);
        open(&fresh).unwrap();
        assert_eq!(columns(&old), columns(&fresh));
        assert!(columns(&fresh)
            .iter()
            .any(|c| c.starts_with("accounts.password_hash")));
        let row = &old.query(
            "SELECT description, escalated, reopened, publish_text FROM cases",
            &[],
        )[0];
        assert_eq!(
            (
                row.text(0).unwrap(),
                row.int(1).unwrap(),
                row.int(2).unwrap(),
                row.int(3).unwrap()
            ),
            ("ចាស់".to_string(), 0, 0, 0),
            "an item stored before the choice to publish existed is not public"
        );
        assert!(columns(&fresh)
            .iter()
            .any(|c| c.starts_with("cases.publish_text ")));
        assert_eq!(old.count("SELECT count(*) FROM deadlines", &[]), 4);
        // Opening again changes nothing.
        open(&old).unwrap();
        assert_eq!(columns(&old), columns(&fresh));

        set_version(&fresh, SCHEMA_VERSION + 1);
        match open(&fresh) {
            Err(StoreError::NewerSchema { found, supported }) => {
                assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION))
            }
            other => panic!("a newer schema must be refused: {other:?}"),
        }
    }
}

#[test]
fn schema_5_keeps_accounts_and_ends_old_sessions() {
    for old in TestDb::all() {
        println!("engine {:?}", old.engine);
        for version in 1..=4 {
            old.batch(&migration(version, dialect(&old)));
        }
        set_version(&old, 4);
        old.batch(
            "INSERT INTO accounts (username, display_name, password_hash, role, created_at)
             VALUES ('admin', 'Admin', 'hash', 'admin', '2026-01-01T00:00:00.000Z');
             INSERT INTO sessions (token_digest, account_id, csrf, created_at, expires_at)
             VALUES ('digest', 1, 'csrf', '2026-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z')",
        );
        open(&old).unwrap();
        assert_eq!(version(&old), i64::from(SCHEMA_VERSION));
        let row = &old.query(
            "SELECT a.password_hash, a.totp_secret IS NULL, s.last_seen_at, s.stage
             FROM accounts a JOIN sessions s ON s.account_id = a.id",
            &[],
        )[0];
        assert_eq!(row.text(0).unwrap(), "hash");
        assert_eq!(row.text(2).unwrap(), "", "never seen: ended as idle");
        assert_eq!(row.text(3).unwrap(), "full");
        assert_eq!(
            old.count(
                "SELECT count(*) FROM console_settings WHERE name = 'require_2fa' AND value = 'off'",
                &[]
            ),
            1
        );
    }
}

/// A request still running at shutdown may hold the last reference to the store, so the store
/// can be dropped on a thread that drives async tasks; its pooled PostgreSQL clients (which
/// block on a runtime of their own to close) must not panic there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_dropped_on_an_async_thread_closes_cleanly() {
    for db in TestDb::all() {
        let url: ourvoice_server::config::DatabaseUrl = db.url.parse().unwrap();
        let store = tokio::task::spawn_blocking(move || {
            ourvoice_server::store::Store::open(&url, ourvoice_server::clock::Clock::System, 4)
        })
        .await
        .unwrap()
        .unwrap();
        // Two reads at once leave two connections in the reader pool.
        let (first, second) = tokio::join!(store.check(), store.check());
        first.unwrap();
        second.unwrap();
        drop(store);
    }
}
