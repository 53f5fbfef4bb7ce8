//! Storage behind one type, so the HTTP layer does not know which database runs: SQLite
//! (embedded, the default) or PostgreSQL, chosen by the database URL. Both run the same SQL
//! (`sql.rs`) and the same migrations.
//!
//! Guarantees: every write goes through the store's writer threads, which group-commit
//! concurrent ingests (many devices share one durable commit); console actions run each in its
//! own transaction on one writer, and lock their case's row first, so the events of a case
//! commit in `seq` order even with further writers (PostgreSQL's ingest writers, other servers
//! of a fleet; a new case's first event is its only one until it commits); an ingest returns only after its items are committed; an id is stored
//! at most once; the same id with the same body digest gets the original answer.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod calendar;
pub mod case_actions;
pub mod cases;
pub mod fleet;
pub mod inbox;
pub mod open311;
pub mod pg_tls;
pub mod postgres;
pub mod retention;
pub mod scorecards;
pub mod sessions;
pub mod sign_in_failures;
pub mod sql;
pub mod sqlite;

use ourvoice_protocol::{CaseUpdate, ItemKey, ItemOutcome, Submission};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
use crate::config::DatabaseUrl;
use postgres::PgConn;
pub use sql::{Row, Sql, Val, SCHEMA_VERSION, STATEMENT_CACHE};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error("the database has schema version {found}; this server knows up to {supported}")]
    NewerSchema { found: u32, supported: u32 },
    #[error("could not create the database folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("the writer has stopped")]
    WriterGone,
    #[error("a stored row is unreadable: {0}")]
    Corrupt(String),
    #[error("TLS to the database: {0}")]
    Tls(String),
}

/// A validated submission and the office it is routed to.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub submission: Submission,
    pub office: String,
    pub body_digest: String,
    /// Where an Open311 client said it is (stored with the case, in the same transaction).
    pub location: Option<open311::Location>,
}

/// A connection that can run a closure in one transaction (commit on `Ok`, roll back on `Err`).
pub trait Engine: Send + 'static {
    /// Replaces a connection the database closed (a restarted PostgreSQL); whether it did.
    fn reconnect(&mut self) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Sql) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
}

/// A console write: runs its work in one transaction on the writer's connection and answers
/// its caller through its own typed channel, after the commit (or with the error).
type Work = Box<dyn FnOnce(&mut dyn Engine) + Send>;

enum Job {
    Ingest {
        cases: Vec<NewCase>,
        reply: oneshot::Sender<Result<Vec<ItemOutcome>, StoreError>>,
    },
    Run(Work),
}

enum Readers {
    Sqlite(std::path::PathBuf, Mutex<Vec<rusqlite::Connection>>),
    Postgres(String, Mutex<Vec<PgConn>>),
}

impl Drop for Readers {
    /// A PostgreSQL client closes by blocking on its own small runtime, which panics on a
    /// thread that drives async tasks; the last holder of the store may be such a thread (a
    /// request still running at shutdown), so pooled clients are closed on a thread of their
    /// own there.
    fn drop(&mut self) {
        if let Readers::Postgres(_, pool) = self {
            let conns = std::mem::take(pool.get_mut().unwrap_or_else(|p| p.into_inner()));
            if !conns.is_empty() && tokio::runtime::Handle::try_current().is_ok() {
                let closing = std::thread::Builder::new()
                    .name("postgres-close".into())
                    .spawn(move || drop(conns));
                if let Err(error) = closing {
                    tracing::warn!(%error, "cannot close pooled PostgreSQL connections cleanly");
                }
            }
        }
    }
}

/// The most items written in one transaction.
const GROUP_ITEMS: usize = 4096;

/// PostgreSQL ingest writers: each group-commits what queued while the others were committing.
const POSTGRES_INGEST_WRITERS: usize = 3;

type Queue = Arc<Mutex<mpsc::Receiver<Job>>>;

pub struct Store {
    /// Ingest jobs (group-committed by one or more writers).
    ingest: mpsc::Sender<Job>,
    /// Console writes: one writer, so that the events of a case commit in `seq` order.
    jobs: mpsc::Sender<Job>,
    writers: Mutex<Vec<JoinHandle<()>>>,
    readers: Arc<Readers>,
    /// One permit per read connection: a burst of reads waits for a turn instead of opening
    /// connections past the database's limit.
    reader_turns: Arc<tokio::sync::Semaphore>,
    /// How many read turns there are.
    reader_slots: usize,
    clock: Clock,
}

impl Store {
    /// Opens (creating or upgrading) the database, with at most `readers` read connections.
    /// Blocking: call it outside async code or in `spawn_blocking`.
    pub fn open(
        url: &DatabaseUrl,
        clock: Clock,
        read_connections: usize,
    ) -> Result<Store, StoreError> {
        let (jobs, queue) = mpsc::channel(1024);
        let queue: Queue = Arc::new(Mutex::new(queue));
        let (ingest, writers, readers) = match url {
            DatabaseUrl::Sqlite(path) => {
                // One writer for everything: SQLite takes one writer at a time anyway.
                let conn = sqlite::Writer::new(sqlite::open_database(path)?, path);
                let writer = spawn_writer("sqlite-writer".into(), conn, &queue, &clock)?;
                (
                    jobs.clone(),
                    vec![writer],
                    Readers::Sqlite(path.clone(), Mutex::new(Vec::new())),
                )
            }
            DatabaseUrl::Postgres(url) => {
                let conn = PgConn::open(url)?;
                let mut writers = vec![spawn_writer(
                    "postgres-writer".into(),
                    conn,
                    &queue,
                    &clock,
                )?];
                let (ingest, ingest_queue) = mpsc::channel(1024);
                let ingest_queue: Queue = Arc::new(Mutex::new(ingest_queue));
                for n in 0..POSTGRES_INGEST_WRITERS {
                    let conn = PgConn::connect(url)?;
                    writers.push(spawn_writer(
                        format!("postgres-ingest-{n}"),
                        conn,
                        &ingest_queue,
                        &clock,
                    )?);
                }
                (
                    ingest,
                    writers,
                    Readers::Postgres(url.clone(), Mutex::new(Vec::new())),
                )
            }
        };
        Ok(Store {
            ingest,
            jobs,
            writers: Mutex::new(writers),
            readers: Arc::new(readers),
            reader_turns: Arc::new(tokio::sync::Semaphore::new(read_connections.max(1))),
            reader_slots: read_connections.max(1),
            clock,
        })
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Stores new cases (group-committed with concurrent calls); one outcome per item, in order.
    pub async fn ingest(&self, cases: Vec<NewCase>) -> Result<Vec<ItemOutcome>, StoreError> {
        if cases.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, answer) = oneshot::channel();
        self.ingest
            .send(Job::Ingest { cases, reply })
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Runs `work` in its own write transaction on the writer thread.
    pub async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job: Work = Box::new(move |conn: &mut dyn Engine| {
            let _ = reply.send(run_in_transaction(conn, work));
        });
        self.jobs
            .send(Job::Run(job))
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Runs `work` on a pooled read connection.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl Fn(&mut dyn Sql) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let readers = Arc::clone(&self.readers);
        let turn = Arc::clone(&self.reader_turns)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::WriterGone)?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            match &*readers {
                Readers::Sqlite(path, pool) => {
                    let taken = pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
                    let conn = match taken {
                        Some(conn) => conn,
                        None => sqlite::open_reader(path)?,
                    };
                    let result = work(&mut sqlite::SqliteSql(&conn));
                    pool.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
                    result
                }
                Readers::Postgres(url, pool) => {
                    let taken = pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
                    let mut conn = match taken {
                        Some(conn) => conn,
                        None => PgConn::connect(url)?,
                    };
                    let mut result = work(&mut conn.sql());
                    if result.is_err() && conn.is_closed() {
                        // The database ended its connections (a restart): the pooled ones are
                        // gone too. Retry on a new one.
                        pool.lock().unwrap_or_else(|p| p.into_inner()).clear();
                        conn = PgConn::connect(url)?;
                        result = work(&mut conn.sql());
                    }
                    // A connection that failed may be broken: drop it rather than pool it.
                    if result.is_ok() {
                        pool.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
                    }
                    result
                }
            }
        })
        .await
        .map_err(|_| StoreError::WriterGone)?
    }

    /// Events after each key's `since`, for keys whose secret matches; ascending `seq`.
    pub async fn updates(&self, keys: Vec<ItemKey>) -> Result<Vec<CaseUpdate>, StoreError> {
        self.read(move |sql| cases::updates(sql, &keys)).await
    }

    pub async fn check(&self) -> Result<(), StoreError> {
        self.read(|sql| {
            sql.query("SELECT count(*) FROM cases WHERE number < 0", &[])?;
            Ok(())
        })
        .await
    }

    /// How the writers' queues and the read pool stand now (for `/metrics`; a few atomic reads
    /// and one short lock).
    pub fn pool_use(&self) -> crate::metrics::PoolUse {
        let queued = |sender: &mpsc::Sender<Job>| sender.max_capacity() - sender.capacity();
        let mut queued_jobs = queued(&self.jobs);
        if !self.ingest.same_channel(&self.jobs) {
            queued_jobs += queued(&self.ingest);
        }
        let readers_pooled = match &*self.readers {
            Readers::Sqlite(_, pool) => pool.lock().unwrap_or_else(|p| p.into_inner()).len(),
            Readers::Postgres(_, pool) => pool.lock().unwrap_or_else(|p| p.into_inner()).len(),
        };
        crate::metrics::PoolUse {
            queued_jobs,
            readers_in_use: self
                .reader_slots
                .saturating_sub(self.reader_turns.available_permits()),
            readers_pooled,
            readers_max: self.reader_slots,
        }
    }

    /// Finishes every queued write, then stops the writer.
    pub async fn close(self) {
        let Store {
            ingest,
            jobs,
            writers,
            readers,
            ..
        } = self;
        drop(ingest);
        drop(jobs);
        let handles = std::mem::take(&mut *writers.lock().unwrap_or_else(|p| p.into_inner()));
        // PostgreSQL clients own a small runtime each: drop them off the async threads.
        let _ = tokio::task::spawn_blocking(move || {
            drop(readers);
            for handle in handles {
                let _ = handle.join();
            }
        })
        .await;
    }
}

fn spawn_writer<E: Engine>(
    name: String,
    conn: E,
    queue: &Queue,
    clock: &Clock,
) -> Result<JoinHandle<()>, StoreError> {
    let (queue, clock) = (Arc::clone(queue), clock.clone());
    Ok(std::thread::Builder::new()
        .name(name)
        .spawn(move || write_loop(conn, queue, clock))?)
}

/// Takes jobs as they come; ingests queued meanwhile join the same transaction. Writers that
/// share a queue take turns: one waits for the next job while the others commit.
fn write_loop<E: Engine>(mut conn: E, queue: Queue, clock: Clock) {
    let mut pending: Option<Job> = None;
    loop {
        let mut receiver = queue.lock().unwrap_or_else(|p| p.into_inner());
        let first = match pending.take() {
            Some(job) => job,
            None => match receiver.blocking_recv() {
                Some(job) => job,
                None => return,
            },
        };
        let (cases, reply) = match first {
            Job::Run(work) => {
                drop(receiver);
                work(&mut conn);
                continue;
            }
            Job::Ingest { cases, reply } => (cases, reply),
        };
        let mut items = cases.len();
        let mut group = vec![(cases, reply)];
        while items < GROUP_ITEMS {
            match receiver.try_recv() {
                Ok(Job::Ingest { cases, reply }) => {
                    items += cases.len();
                    group.push((cases, reply));
                }
                Ok(other) => {
                    pending = Some(other);
                    break;
                }
                Err(_) => break,
            }
        }
        drop(receiver);
        let now = clock.now();
        let all: Vec<&[NewCase]> = group.iter().map(|(cases, _)| cases.as_slice()).collect();
        let mut written = write_group(&mut conn, &all, now);
        if written.is_err() && reconnected(&mut conn) {
            written = write_group(&mut conn, &all, now);
        }
        match written {
            Ok(outcomes) => {
                crate::metrics::global().group_commit(items);
                for ((_, reply), outcome) in group.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(error) if group.len() > 1 => {
                tracing::warn!(%error, jobs = group.len(), "group commit failed; writing jobs one by one");
                for (cases, reply) in group {
                    let result = write_group(&mut conn, &[cases.as_slice()], now)
                        .map(|mut outcomes| outcomes.remove(0));
                    if result.is_ok() {
                        crate::metrics::global().group_commit(cases.len());
                    }
                    let _ = reply.send(result);
                }
            }
            Err(error) => {
                if let Some((_, reply)) = group.pop() {
                    let _ = reply.send(Err(error));
                }
            }
        }
    }
}

/// Runs `work` in its own transaction; its value once committed. A connection the database
/// closed is replaced and the work tried once more, if it had not started (it failed at BEGIN).
fn run_in_transaction<T>(
    conn: &mut dyn Engine,
    work: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut work = Some(work);
    let mut out = None;
    let mut result = Ok(());
    for attempt in 0..2 {
        result = conn.transaction(&mut |sql| {
            let work = work.take().ok_or(StoreError::WriterGone)?;
            out = Some(work(sql)?);
            Ok(())
        });
        if result.is_ok() || attempt == 1 || work.is_none() || !reconnected(conn) {
            break;
        }
    }
    result.and_then(|()| out.ok_or(StoreError::WriterGone))
}

/// Whether the connection had been closed and was replaced.
fn reconnected<E: Engine + ?Sized>(conn: &mut E) -> bool {
    match conn.reconnect() {
        Ok(replaced) => replaced,
        Err(error) => {
            tracing::warn!(%error, "cannot reach the database");
            false
        }
    }
}

fn write_group<E: Engine>(
    conn: &mut E,
    jobs: &[&[NewCase]],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Vec<ItemOutcome>>, StoreError> {
    let mut all = Vec::new();
    conn.transaction(&mut |sql| {
        all.clear();
        let rules = calendar::DeadlineRules::load(sql, now)?;
        // Every job's cases in a few statements, then each job's share of the outcomes.
        let every: Vec<&NewCase> = jobs.iter().flat_map(|cases| cases.iter()).collect();
        let outcomes = cases::write_cases(sql, &every, now, &rules)?;
        let located: Vec<(&ItemOutcome, &open311::Location)> = every
            .iter()
            .zip(&outcomes)
            .filter_map(|(case, outcome)| case.location.as_ref().map(|l| (outcome, l)))
            .collect();
        open311::save_locations(sql, &located)?;
        let mut outcomes = outcomes.into_iter();
        for cases in jobs {
            all.push(outcomes.by_ref().take(cases.len()).collect());
        }
        Ok(())
    })?;
    Ok(all)
}
