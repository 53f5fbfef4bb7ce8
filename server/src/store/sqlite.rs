//! The embedded SQLite engine: the one function that opens the database (pragmas, versioned
//! migrations in `user_version`), and the [`Sql`] and [`Engine`] implementations the shared
//! writer and readers use.
//!
//! Guarantees: `synchronous=FULL` and WAL; all upgrades run in one IMMEDIATE transaction; a
//! newer schema is refused, never downgraded; the write-ahead log is brought back to nothing
//! once it passes [`WAL_LIMIT`], however constantly it is read ([`Writer`]).

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::sql::{
    migration, sqlite_placeholders, Dialect, Row, Sql, Val, SCHEMA_VERSION, STATEMENT_CACHE,
};
use super::{Engine, StoreError};

/// Opens the server database: pragmas, then create or upgrade in one IMMEDIATE transaction.
pub fn open_database(path: &Path) -> Result<Connection, StoreError> {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
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
    for version in found + 1..=SCHEMA_VERSION {
        tx.execute_batch(&migration(version, Dialect::Sqlite))?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(conn)
}

/// How large the write-ahead log may grow before the writer empties it.
pub const WAL_LIMIT: u64 = 64 << 20;

/// How long the writer waits, at least, between two tries at emptying the log.
const WAL_RETRY: Duration = Duration::from_secs(2);

/// How long one try waits for the readers still reading from the log: longer than an
/// answer's reads take, short enough that a long read (a day's scorecards, a backup) holds
/// ingest back by an eighth at most.
const WAL_WAIT: Duration = Duration::from_millis(250);

/// The writer's connection: after each commit, a log past its limit is copied into the
/// database and truncated.
///
/// SQLite's own checkpoints never wait for readers, and a log can only start again from its
/// beginning at a moment no reader is using it. Under constant reads and writes that moment
/// never comes, and the log grows with every write (48.8 GB beside a 5.4 GB database, seen in
/// the national bench). A `TRUNCATE` checkpoint holds the writer until the readers that began
/// before it are done (new readers then read the database file alone), at most [`WAL_WAIT`]
/// per try. No checkpoint can pass a read still open on an older snapshot: while one lasts
/// the log grows by what is written meanwhile, and is emptied at the first try after it.
pub struct Writer {
    conn: Connection,
    wal: PathBuf,
    wal_limit: u64,
    retry: Duration,
    last_try: Option<Instant>,
}

impl Writer {
    pub fn new(conn: Connection, database: &Path) -> Writer {
        Writer::with_limit(conn, database, WAL_LIMIT, WAL_RETRY)
    }

    fn with_limit(conn: Connection, database: &Path, wal_limit: u64, retry: Duration) -> Writer {
        let mut wal = database.as_os_str().to_owned();
        wal.push("-wal");
        Writer {
            conn,
            wal: wal.into(),
            wal_limit,
            retry,
            last_try: None,
        }
    }

    /// Empties a log past its limit; a try the readers held too long is left for later.
    fn keep_log_small(&mut self) {
        let size = std::fs::metadata(&self.wal).map(|m| m.len()).unwrap_or(0);
        let due = self.last_try.is_none_or(|at| at.elapsed() >= self.retry);
        if size <= self.wal_limit || !due {
            return;
        }
        self.last_try = Some(Instant::now());
        let emptied = self
            .conn
            .busy_timeout(WAL_WAIT)
            .and_then(|()| {
                self.conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                        row.get::<_, i64>(0)
                    })
            })
            .map(|busy| busy == 0);
        if let Err(error) = self.conn.busy_timeout(BUSY_TIMEOUT) {
            tracing::warn!(%error, "cannot set the writer's busy timeout back");
        }
        match emptied {
            Ok(true) => tracing::debug!(bytes = size, "write-ahead log emptied"),
            Ok(false) => tracing::info!(bytes = size, "write-ahead log still read; tried later"),
            Err(error) => tracing::warn!(%error, "cannot empty the write-ahead log"),
        }
    }
}

impl Engine for Writer {
    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Sql) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let result = Engine::transaction(&mut self.conn, work);
        if result.is_ok() {
            self.keep_log_small();
        }
        result
    }
}

/// How long a statement waits for a lock another connection holds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A read-only connection for the reader pool.
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// [`Sql`] over a borrowed connection (or a transaction, which derefs to one).
pub struct SqliteSql<'a>(pub &'a Connection);

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(match self {
            Val::Null => rusqlite::types::ToSqlOutput::Owned(Value::Null),
            Val::Int(n) => rusqlite::types::ToSqlOutput::Owned(Value::Integer(*n)),
            Val::Text(s) => rusqlite::types::ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

/// One row as the server reads it.
fn read_row(row: &rusqlite::Row, columns: usize) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(columns);
    for i in 0..columns {
        values.push(match row.get_ref(i)? {
            ValueRef::Null => Val::Null,
            ValueRef::Integer(n) => Val::Int(n),
            ValueRef::Real(f) => Val::Int(f as i64),
            ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(_) => return Err(StoreError::Corrupt(format!("column {i} is a blob"))),
        });
    }
    Ok(Row(values))
}

impl SqliteSql<'_> {
    /// Runs a statement and hands each row, read, to `each`.
    fn rows(
        &mut self,
        sql: &str,
        params: &[Val],
        mut each: impl FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut statement = self.0.prepare_cached(&sqlite_placeholders(sql))?;
        let columns = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(params.iter()))?;
        while let Some(row) = rows.next()? {
            each(read_row(row, columns)?)?;
        }
        Ok(())
    }
}

impl Sql for SqliteSql<'_> {
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError> {
        let mut out = Vec::new();
        self.rows(sql, params, |row| {
            out.push(row);
            Ok(())
        })?;
        Ok(out)
    }

    fn query_each(
        &mut self,
        sql: &str,
        params: &[Val],
        each: &mut dyn FnMut(&Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.rows(sql, params, |row| each(&row))
    }

    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        let mut statement = self.0.prepare_cached(&sqlite_placeholders(sql))?;
        Ok(statement.execute(rusqlite::params_from_iter(params.iter()))? as u64)
    }
}

impl Engine for Connection {
    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Sql) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let tx = self.transaction_with_behavior(TransactionBehavior::Immediate)?;
        work(&mut SqliteSql(&tx))?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    /// The largest the log grew while `limit` held and three readers always had a read open,
    /// over 24 MiB written in 64 KiB commits.
    fn largest_log_under_constant_reads(limit: u64) -> u64 {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("ov.db");
        let conn = open_database(&path).unwrap();
        conn.execute_batch("CREATE TABLE filler (text TEXT NOT NULL)")
            .unwrap();
        let mut writer = Writer::with_limit(conn, &path, limit, Duration::ZERO);
        let writing = Arc::new(AtomicBool::new(true));
        let readers: Vec<_> = (0..3u64)
            .map(|n| {
                let (path, writing) = (path.clone(), Arc::clone(&writing));
                std::thread::spawn(move || {
                    let reader = open_reader(&path).unwrap();
                    std::thread::sleep(Duration::from_millis(2 * n));
                    while writing.load(Ordering::Relaxed) {
                        reader.execute_batch("BEGIN").unwrap();
                        let _: i64 = reader
                            .query_row("SELECT count(*) FROM filler", [], |r| r.get(0))
                            .unwrap();
                        std::thread::sleep(Duration::from_millis(6));
                        reader.execute_batch("COMMIT").unwrap();
                    }
                })
            })
            .collect();
        let text = Val::Text("x".repeat(64 << 10));
        let mut largest = 0;
        for _ in 0..384 {
            writer
                .transaction(&mut |sql| {
                    sql.execute(
                        "INSERT INTO filler (text) VALUES ($1)",
                        std::slice::from_ref(&text),
                    )?;
                    Ok(())
                })
                .unwrap();
            largest = largest.max(std::fs::metadata(&writer.wal).unwrap().len());
        }
        writing.store(false, Ordering::Relaxed);
        for reader in readers {
            reader.join().unwrap();
        }
        largest
    }

    #[test]
    fn the_log_is_emptied_past_its_limit_however_constantly_it_is_read() {
        const MIB: u64 = 1 << 20;
        let bounded = largest_log_under_constant_reads(MIB);
        assert!(bounded < 2 * MIB, "the log grew to {bounded} bytes");
        // Without a limit, SQLite's own checkpoints let it grow with every write.
        let unbounded = largest_log_under_constant_reads(u64::MAX);
        assert!(
            unbounded > 16 * MIB,
            "the log grew only to {unbounded} bytes"
        );
    }
}
