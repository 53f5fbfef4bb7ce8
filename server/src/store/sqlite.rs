//! The embedded SQLite engine: the one function that opens the database (pragmas, versioned
//! migrations in `user_version`), and the [`Sql`] and [`Engine`] implementations the shared
//! writer and readers use.
//!
//! Guarantees: `synchronous=FULL` and WAL; all upgrades run in one IMMEDIATE transaction; a
//! newer schema is refused, never downgraded.

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

use super::sql::{migration, sqlite_placeholders, Dialect, Row, Sql, Val, SCHEMA_VERSION};
use super::{Engine, StoreError};

/// Prepared statements kept per connection: every statement of the server, with room for the
/// inbox's filter combinations.
const STATEMENT_CACHE: usize = 128;

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

/// A read-only connection for the reader pool.
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
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
