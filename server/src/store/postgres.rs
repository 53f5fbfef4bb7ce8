//! The PostgreSQL engine: connects, runs the same versioned migrations as SQLite (tracked in a
//! `schema_version` table, upgraded under an exclusive lock in one transaction), and
//! implements [`Sql`] and [`Engine`] with prepared statements cached per connection.
//!
//! Guarantees: commits are durable when they return (the server never lowers
//! `synchronous_commit`); a newer schema is refused, never downgraded; statements are never
//! JIT-compiled (the compiling took twenty times the running); a server started on a database
//! whose autovacuum is off says so in its log; a connection keeps at most
//! [`STATEMENT_CACHE`] prepared statements, the least recently used closed first (a statement
//! text can carry a number, such as an inbox page's offset, so that asking page after page
//! would otherwise prepare one more on the database for every page).

use lru::LruCache;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, Statement};
use std::num::NonZeroUsize;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_tls::PgTarget;
use super::sql::{migration, Dialect, Row, Sql, Val, SCHEMA_VERSION, STATEMENT_CACHE};
use super::{Engine, StoreError};

/// One connection and its prepared statements.
pub struct PgConn {
    url: String,
    client: Client,
    statements: LruCache<String, Statement>,
}

impl std::fmt::Debug for PgConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgConn")
    }
}

impl PgConn {
    /// Connects without touching the schema (for the reader pool).
    pub fn connect(url: &str) -> Result<PgConn, StoreError> {
        let target = PgTarget::parse(url).map_err(StoreError::Tls)?;
        let tls = MakeRustlsConnect::new(target.tls_config().map_err(StoreError::Tls)?);
        let mut client = Client::connect(&target.client_url, tls)?;
        // No JIT: it compiles a statement whose estimated cost is high, such as Open311's
        // newest thousand requests walked down from the newest, in 600 ms to run it in 30.
        client.batch_execute("SET synchronous_commit = on; SET TIME ZONE 'UTC'; SET jit = off")?;
        Ok(PgConn {
            url: url.to_string(),
            client,
            statements: LruCache::new(
                NonZeroUsize::new(STATEMENT_CACHE).expect("the cache holds statements"),
            ),
        })
    }

    /// Connects and creates or upgrades the schema.
    pub fn open(url: &str) -> Result<PgConn, StoreError> {
        let mut conn = PgConn::connect(url)?;
        let mut tx = conn.client.transaction()?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);
             LOCK TABLE schema_version IN EXCLUSIVE MODE;",
        )?;
        let found: Option<i64> = tx
            .query_one("SELECT max(version) FROM schema_version", &[])?
            .get(0);
        let found = found.unwrap_or(0) as u32;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for version in found + 1..=SCHEMA_VERSION {
            tx.batch_execute(&migration(version, Dialect::Postgres))?;
        }
        if found < SCHEMA_VERSION {
            tx.execute("DELETE FROM schema_version", &[])?;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[&i64::from(SCHEMA_VERSION)],
            )?;
        }
        tx.commit()?;
        let autovacuum: String = conn.client.query_one("SHOW autovacuum", &[])?.get(0);
        if autovacuum != "on" {
            // Seen on a test machine: no statistics for the planner, and the old version of
            // every row written twice kept, so that no read was answered from an index alone.
            tracing::warn!(
                "PostgreSQL runs with autovacuum off: turn it on, or run VACUUM (ANALYZE) often"
            );
        }
        Ok(conn)
    }
}

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(n) if *ty == Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
            Val::Int(n) => n.to_sql(ty, out),
            Val::Text(s) => s.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn params(values: &[Val]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

fn read_row(row: &postgres::Row) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let value = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?.map(Val::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?
                .map(|n| Val::Int(n.into()))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)?
                .map(|n| Val::Int(n.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)?.map(Val::from)
        } else {
            row.try_get::<_, Option<String>>(i)?.map(Val::Text)
        };
        values.push(value.unwrap_or(Val::Null));
    }
    Ok(Row(values))
}

/// `sql` prepared on this connection: the cached statement, or a new one that is cached (the
/// least recently used one is dropped, which closes it on the database).
fn prepared(
    statements: &mut LruCache<String, Statement>,
    client: &mut impl postgres::GenericClient,
    sql: &str,
) -> Result<Statement, StoreError> {
    if let Some(statement) = statements.get(sql) {
        return Ok(statement.clone());
    }
    let statement = client.prepare(sql)?;
    statements.put(sql.to_string(), statement.clone());
    Ok(statement)
}

struct PgSql<'a, C: postgres::GenericClient> {
    client: &'a mut C,
    statements: &'a mut LruCache<String, Statement>,
}

impl<C: postgres::GenericClient> Sql for PgSql<'_, C> {
    fn query(&mut self, sql: &str, values: &[Val]) -> Result<Vec<Row>, StoreError> {
        let statement = prepared(self.statements, self.client, sql)?;
        self.client
            .query(&statement, &params(values))?
            .iter()
            .map(read_row)
            .collect()
    }

    fn query_each(
        &mut self,
        sql: &str,
        values: &[Val],
        each: &mut dyn FnMut(&Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        use postgres::fallible_iterator::FallibleIterator;
        let statement = prepared(self.statements, self.client, sql)?;
        let mut rows = self.client.query_raw(&statement, params(values))?;
        while let Some(row) = rows.next()? {
            each(&read_row(&row)?)?;
        }
        Ok(())
    }

    fn execute(&mut self, sql: &str, values: &[Val]) -> Result<u64, StoreError> {
        let statement = prepared(self.statements, self.client, sql)?;
        Ok(self.client.execute(&statement, &params(values))?)
    }
}

impl PgConn {
    /// Whether the database ended this connection.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Runs `work` on the connection outside a transaction (reads).
    pub fn sql(&mut self) -> impl Sql + '_ {
        PgSql {
            client: &mut self.client,
            statements: &mut self.statements,
        }
    }
}

impl Engine for PgConn {
    fn reconnect(&mut self) -> Result<bool, StoreError> {
        if !self.client.is_closed() {
            return Ok(false);
        }
        tracing::warn!("the PostgreSQL connection closed; connecting again");
        *self = PgConn::connect(&self.url)?;
        Ok(true)
    }

    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Sql) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut tx = self.client.transaction()?;
        work(&mut PgSql {
            client: &mut tx,
            statements: &mut self.statements,
        })?;
        tx.commit()?;
        Ok(())
    }
}
