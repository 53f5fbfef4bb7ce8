//! Retention in the database: the contact details of confidential items closed before a
//! moment are erased, and each erasure is recorded with its count (never with what it erased).
//!
//! Guarantees: only `contact_name` and `contact_phone` change, so every figure the statistics
//! draw from coded fields stays as it was; an item that is open again (reopened by the
//! citizen's rating) keeps its details; running it twice erases nothing the second time and
//! records nothing.

use chrono::{DateTime, Utc};
use ourvoice_protocol::{sql_list, CaseStatus, Code, PrivacyMode};
use std::sync::LazyLock;

use super::sql::{select, FromRow, Named, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// The condition that picks expired contact details (`$1` the privacy mode, `$2` the moment):
/// the same words as the partial index `cases_holding_contacts`, so that it is used.
static EXPIRED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "(contact_name IS NOT NULL OR contact_phone IS NOT NULL) AND closed_at < $2
         AND privacy = $1 AND status IN {}",
        sql_list(CaseStatus::CLOSED)
    )
});

/// How many closed confidential items closed before `closed_before` still hold contact details
/// (read first, on a reader, so the writer is only taken when there is something to erase).
pub fn count_expired(sql: &mut dyn Sql, closed_before: DateTime<Utc>) -> Result<i64, StoreError> {
    sql.query_one(
        &format!("SELECT count(*) FROM cases WHERE {}", *EXPIRED),
        &[
            Val::from(PrivacyMode::Confidential.as_str()),
            Val::from(stamp(closed_before)),
        ],
    )?
    .int(0)
}

/// Erases the contact details of the items closed before `closed_before` and records how many,
/// in the caller's transaction; the count.
pub fn erase_contacts(
    sql: &mut dyn Sql,
    closed_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let erased = sql.execute(
        &format!(
            "UPDATE cases SET contact_name = NULL, contact_phone = NULL WHERE {}",
            *EXPIRED
        ),
        &[
            Val::from(PrivacyMode::Confidential.as_str()),
            Val::from(stamp(closed_before)),
        ],
    )?;
    if erased > 0 {
        sql.execute(
            "INSERT INTO retention_runs (at, closed_before, erased) VALUES ($1, $2, $3)",
            &[
                Val::from(stamp(now)),
                Val::from(stamp(closed_before)),
                Val::Int(erased as i64),
            ],
        )?;
    }
    Ok(erased)
}

/// One erasure, as the audit log shows it.
#[derive(Clone, Debug)]
pub struct RetentionRun {
    pub at: DateTime<Utc>,
    pub closed_before: DateTime<Utc>,
    pub erased: i64,
}

impl FromRow for RetentionRun {
    const COLUMNS: &'static str = "at, closed_before, erased";

    fn from_row(row: &Named) -> Result<RetentionRun, StoreError> {
        Ok(RetentionRun {
            at: row.time("at")?,
            closed_before: row.time("closed_before")?,
            erased: row.int("erased")?,
        })
    }
}

/// The newest erasures first.
pub fn runs(sql: &mut dyn Sql, limit: i64) -> Result<Vec<RetentionRun>, StoreError> {
    select(
        sql,
        "FROM retention_runs ORDER BY id DESC LIMIT $1",
        &[Val::Int(limit)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::sqlite_placeholders;

    #[test]
    fn the_sweep_reads_the_index_of_items_holding_contacts_not_every_closed_case() {
        let folder = tempfile::tempdir().unwrap();
        let conn = crate::store::sqlite::open_database(&folder.path().join("ov.db")).unwrap();
        for statement in [
            format!("SELECT count(*) FROM cases WHERE {}", *EXPIRED),
            format!(
                "UPDATE cases SET contact_name = NULL, contact_phone = NULL WHERE {}",
                *EXPIRED
            ),
        ] {
            let plan: Vec<String> = conn
                .prepare(&format!(
                    "EXPLAIN QUERY PLAN {}",
                    sqlite_placeholders(&statement)
                ))
                .unwrap()
                .query_map(["x", "y"], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(
                plan.iter().any(|p| p.contains("cases_holding_contacts")),
                "{plan:?}"
            );
        }
    }
}
