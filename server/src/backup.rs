//! Backups of the embedded SQLite database while the server serves, restores, and the lock
//! that keeps one server on one SQLite file.
//!
//! Guarantees: a backup is one consistent snapshot of the database, read inside a single read
//! transaction (WAL: writers go on committing while it is copied, a page at a time in steps);
//! the copy reaches its final name only complete and fsynced (written beside it, then renamed).
//! A restore checks the file (a readable SQLite database, Our Voice's tables, a schema this
//! server knows) before it changes anything, takes the server lock so it never runs under a
//! serving server, drops the old database's `-wal` and `-shm`, and puts the copy in place by
//! one rename. A second server on the same file is refused while the first holds the lock
//! (`<database>.lock`, an advisory lock the operating system drops when the process ends).
//! PostgreSQL is backed up with its own tools: `pg_dump` and `pg_restore`.

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::store::SCHEMA_VERSION;

/// Pages copied per step of a backup (4 MiB with SQLite's 4 KiB pages); between steps the
/// backup pauses briefly, so that the server's own reads and writes keep the disk.
const PAGES_PER_STEP: i32 = 1024;
const PAUSE_BETWEEN_STEPS: Duration = Duration::from_millis(2);
/// Steps between two fsyncs of the copy (64 MiB): written out as it goes, the copy never
/// leaves gigabytes for one last flush, which would hold up the server's own commits.
const STEPS_PER_SYNC: u32 = 16;

/// Tables every Our Voice database has had since its first schema.
const OUR_TABLES: [&str; 2] = ["cases", "case_events"];

/// What went wrong, in a sentence an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "another ourvoice-server is serving {0} (it holds {1}); stop it first — only one \
         server may use a SQLite database (run several servers on PostgreSQL instead)"
    )]
    InUse(PathBuf, PathBuf),
    #[error("there is no database at {0}")]
    Missing(PathBuf),
    #[error("{0} is not a SQLite database (or it is damaged); nothing was changed")]
    NotADatabase(PathBuf),
    #[error("{0} is damaged (the integrity check found: {1}); nothing was changed")]
    Damaged(PathBuf, String),
    #[error("{0} is a SQLite database but not an Our Voice database; nothing was changed")]
    NotOurs(PathBuf),
    #[error(
        "{path} has schema version {found}, newer than this server knows ({supported}): \
         restore it with a newer ourvoice-server; nothing was changed"
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "backup and restore work on SQLite; for PostgreSQL use its own tools: \
         `pg_dump -Fc -f ourvoice.dump DATABASE_URL` and \
         `pg_restore --no-owner -d NEW_DATABASE_URL ourvoice.dump` (see the README)"
    )]
    Postgres,
}

fn io<'p>(what: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> BackupError + 'p {
    move |source| BackupError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
}

/// `path` with `suffix` added to its file name (`ov.db` → `ov.db.lock`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The lock file of a SQLite database.
pub fn lock_path(database: &Path) -> PathBuf {
    beside(database, ".lock")
}

/// The server lock on one SQLite database, held until dropped (or the process ends).
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
}

/// Takes the server lock of `database`, or says who holds it.
pub fn lock(database: &Path) -> Result<ServerLock, BackupError> {
    if let Some(folder) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(io("cannot create the folder", folder))?;
    }
    let path = lock_path(database);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io("cannot open the lock file", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(ServerLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(BackupError::InUse(database.to_path_buf(), path))
        }
        Err(std::fs::TryLockError::Error(error)) => Err(BackupError::Io {
            what: "cannot lock",
            path,
            source: error,
        }),
    }
}

/// What a backup or restore did.
#[derive(Clone, Debug)]
pub struct Copied {
    pub schema: u32,
    pub bytes: u64,
    pub took: Duration,
}

/// Copies the live database at `database` to `to`: one consistent snapshot, written beside
/// `to`, fsynced, then renamed over it.
pub fn backup(database: &Path, to: &Path) -> Result<Copied, BackupError> {
    let started = Instant::now();
    if !database.is_file() {
        return Err(BackupError::Missing(database.to_path_buf()));
    }
    let source = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    source.busy_timeout(Duration::from_secs(10))?;
    // One read transaction for the whole copy: every step reads the same snapshot, so writers
    // committing meanwhile neither restart the backup nor make it inconsistent.
    source.execute_batch("BEGIN")?;
    let schema = check_ours(&source, database)?;
    let partial = beside(to, &format!(".partial-{}", std::process::id()));
    remove_with_journals(&partial)?;
    let copied = copy_snapshot(&source, &partial);
    source.execute_batch("COMMIT")?;
    if let Err(error) = copied {
        let _ = remove_with_journals(&partial);
        return Err(error);
    }
    let bytes = finish(&partial, to)?;
    Ok(Copied {
        schema,
        bytes,
        took: started.elapsed(),
    })
}

fn copy_snapshot(source: &Connection, partial: &Path) -> Result<(), BackupError> {
    let mut target = Connection::open(partial)?;
    // The copy is fsynced as a whole before it is renamed; no journal is needed while writing.
    target.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    {
        let backup = Backup::new(source, &mut target)?;
        let mut steps = 0u32;
        loop {
            match backup.step(PAGES_PER_STEP)? {
                StepResult::Done => break,
                StepResult::More => {
                    steps += 1;
                    if steps.is_multiple_of(STEPS_PER_SYNC) {
                        File::open(partial)
                            .and_then(|f| f.sync_data())
                            .map_err(io("cannot fsync", partial))?;
                    }
                    std::thread::sleep(PAUSE_BETWEEN_STEPS)
                }
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
    // The copy keeps the source's WAL mode in its header; leave it as a single file.
    target
        .close()
        .map_err(|(_, error)| BackupError::Sqlite(error))?;
    Ok(())
}

/// Fsyncs `partial`, renames it to `to` and fsyncs the folder; the size.
fn finish(partial: &Path, to: &Path) -> Result<u64, BackupError> {
    let file = File::open(partial).map_err(io("cannot open", partial))?;
    file.sync_all().map_err(io("cannot fsync", partial))?;
    let bytes = file.metadata().map_err(io("cannot read", partial))?.len();
    drop(file);
    std::fs::rename(partial, to).map_err(io("cannot rename the copy to", to))?;
    sync_folder(to)?;
    Ok(bytes)
}

fn sync_folder(path: &Path) -> Result<(), BackupError> {
    let folder = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) => folder,
        None => Path::new("."),
    };
    File::open(folder)
        .and_then(|f| f.sync_all())
        .map_err(io("cannot fsync the folder", folder))
}

/// Removes `path` and the journals SQLite may have left beside it (absent ones are fine).
fn remove_with_journals(path: &Path) -> Result<(), BackupError> {
    for file in [
        path.to_path_buf(),
        beside(path, "-wal"),
        beside(path, "-shm"),
        beside(path, "-journal"),
    ] {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(BackupError::Io {
                    what: "cannot remove",
                    path: file,
                    source: error,
                })
            }
        }
    }
    Ok(())
}

/// The schema version of an Our Voice database this server knows, or why `conn` is not one.
fn check_ours(conn: &Connection, path: &Path) -> Result<u32, BackupError> {
    let not_a_database = |error: rusqlite::Error| match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            BackupError::NotADatabase(path.to_path_buf())
        }
        _ => BackupError::Sqlite(error),
    };
    let schema: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(not_a_database)?;
    for table in OUR_TABLES {
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(not_a_database)?;
        if found == 0 {
            return Err(BackupError::NotOurs(path.to_path_buf()));
        }
    }
    if schema == 0 {
        return Err(BackupError::NotOurs(path.to_path_buf()));
    }
    if schema > SCHEMA_VERSION {
        return Err(BackupError::NewerSchema {
            path: path.to_path_buf(),
            found: schema,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(schema)
}

/// Checks a whole file: readable, undamaged, Our Voice's, a schema this server knows.
fn check_file(path: &Path, shown: &Path) -> Result<u32, BackupError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let schema = check_ours(&conn, shown)?;
    let mut statement = conn.prepare("PRAGMA quick_check")?;
    let findings: Vec<String> = statement
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(|_| BackupError::NotADatabase(shown.to_path_buf()))?
        .collect::<Result<_, _>>()
        .map_err(|_| BackupError::NotADatabase(shown.to_path_buf()))?;
    if findings != ["ok"] {
        let said = findings.into_iter().take(3).collect::<Vec<_>>().join("; ");
        return Err(BackupError::Damaged(shown.to_path_buf(), said));
    }
    drop(statement);
    conn.close()
        .map_err(|(_, error)| BackupError::Sqlite(error))?;
    Ok(schema)
}

/// Puts the backup `from` in place of the database at `database`, unless a server is serving
/// it or `from` is not a database this server can open; then the old database is gone.
pub fn restore(database: &Path, from: &Path) -> Result<Copied, BackupError> {
    let started = Instant::now();
    if !from.is_file() {
        return Err(BackupError::Missing(from.to_path_buf()));
    }
    let _lock = lock(database)?;
    let partial = beside(database, &format!(".restoring-{}", std::process::id()));
    remove_with_journals(&partial)?;
    let checked = std::fs::copy(from, &partial)
        .map_err(io("cannot copy", from))
        .and_then(|_| check_file(&partial, from));
    let schema = match checked {
        Ok(schema) => schema,
        Err(error) => {
            let _ = remove_with_journals(&partial);
            return Err(error);
        }
    };
    // The old database's log and index must not be applied to the restored file.
    for stale in [beside(database, "-wal"), beside(database, "-shm")] {
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                let _ = remove_with_journals(&partial);
                return Err(BackupError::Io {
                    what: "cannot remove",
                    path: stale,
                    source: error,
                });
            }
        }
    }
    let bytes = finish(&partial, database)?;
    Ok(Copied {
        schema,
        bytes,
        took: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_database_is_refused_until_the_first_ends() {
        let folder = tempfile::tempdir().unwrap();
        let db = folder.path().join("ov.db");
        let first = lock(&db).unwrap();
        let second = lock(&db).unwrap_err();
        assert!(matches!(second, BackupError::InUse(..)), "{second}");
        assert!(second.to_string().contains("another ourvoice-server"));
        drop(first);
        lock(&db).unwrap();
    }

    #[test]
    fn files_beside_the_database_keep_its_name() {
        assert_eq!(
            lock_path(Path::new("/var/lib/ov/ov.db")),
            Path::new("/var/lib/ov/ov.db.lock")
        );
        assert_eq!(beside(Path::new("ov.db"), "-wal"), Path::new("ov.db-wal"));
    }
}
