//! Storage of cases behind one type, so the HTTP layer does not know which database runs.
//! SQLite (embedded, the default) is the one engine today; PostgreSQL becomes another variant.
//!
//! Guarantees: an ingest call returns only after its items are durably committed; an id is
//! stored at most once; the same id with the same body digest gets the original answer.

mod sqlite;

use ourvoice_protocol::{CaseUpdate, ItemKey, ItemOutcome, Submission};

pub use sqlite::SqliteStore;

use crate::config::DatabaseUrl;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database has schema version {found}; this server knows up to {supported}")]
    NewerSchema { found: u32, supported: u32 },
    #[error("could not create the database folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("the writer has stopped")]
    WriterGone,
    #[error("a stored row is unreadable: {0}")]
    Corrupt(String),
}

/// A validated submission and the office it is routed to.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub submission: Submission,
    pub office: String,
    pub body_digest: String,
}

pub enum Store {
    Sqlite(SqliteStore),
}

impl Store {
    pub fn open(url: &DatabaseUrl) -> Result<Store, StoreError> {
        match url {
            DatabaseUrl::Sqlite(path) => Ok(Store::Sqlite(SqliteStore::open(path)?)),
        }
    }

    /// Stores new cases (group-committed with concurrent calls); one outcome per item, in order.
    pub async fn ingest(&self, cases: Vec<NewCase>) -> Result<Vec<ItemOutcome>, StoreError> {
        match self {
            Store::Sqlite(store) => store.ingest(cases).await,
        }
    }

    /// Events after each key's `since`, for keys whose secret matches; ascending `seq`.
    pub async fn updates(&self, keys: Vec<ItemKey>) -> Result<Vec<CaseUpdate>, StoreError> {
        match self {
            Store::Sqlite(store) => store.updates(keys).await,
        }
    }

    pub async fn check(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(store) => store.check().await,
        }
    }

    /// Finishes every queued write, then stops the writer.
    pub async fn close(self) {
        match self {
            Store::Sqlite(store) => store.close().await,
        }
    }
}
