//! The audit trail: sign-ins (and failed ones) and what officials did, newest first.
//!
//! Guarantees: entries are only ever added, never changed or deleted here.

use chrono::{DateTime, Utc};

use super::sql::{select, FromRow, Named, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// Records one sign-in or failed sign-in: the account when the name is known, the address.
pub fn record_sign_in(
    sql: &mut dyn Sql,
    account_id: Option<i64>,
    address: &str,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO sign_ins (at, account_id, address, outcome) VALUES ($1, $2, $3, $4)",
        &[
            Val::from(stamp(now)),
            Val::from(account_id),
            Val::from(address),
            Val::from(outcome),
        ],
    )?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct SignInLine {
    pub at: DateTime<Utc>,
    /// `None` for a name that is no account.
    pub username: Option<String>,
    pub address: String,
    pub outcome: String,
}

impl FromRow for SignInLine {
    const COLUMNS: &'static str = "s.at, a.username, s.address, s.outcome";

    fn from_row(row: &Named) -> Result<SignInLine, StoreError> {
        Ok(SignInLine {
            at: row.time("at")?,
            username: row.opt_text("username")?,
            address: row.text("address")?,
            outcome: row.text("outcome")?,
        })
    }
}

/// The newest sign-ins first.
pub fn sign_ins(sql: &mut dyn Sql, limit: i64) -> Result<Vec<SignInLine>, StoreError> {
    select(
        sql,
        "FROM sign_ins s LEFT JOIN accounts a ON a.id = s.account_id
         ORDER BY s.id DESC LIMIT $1",
        &[Val::Int(limit)],
    )
}

pub fn audit(
    sql: &mut dyn Sql,
    account_id: i64,
    action: &str,
    case_number: Option<i64>,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO audit_log (at, account_id, action, case_number, detail) VALUES ($1, $2, $3, $4, $5)",
        &[
            Val::from(stamp(now)),
            Val::Int(account_id),
            Val::from(action),
            Val::from(case_number),
            Val::from(detail),
        ],
    )?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct AuditLine {
    pub at: DateTime<Utc>,
    pub username: String,
    pub action: String,
    pub case_number: Option<i64>,
    pub detail: Option<String>,
}

impl FromRow for AuditLine {
    const COLUMNS: &'static str = "l.at, a.username, l.action, l.case_number, l.detail";

    fn from_row(row: &Named) -> Result<AuditLine, StoreError> {
        Ok(AuditLine {
            at: row.time("at")?,
            username: row.text("username")?,
            action: row.text("action")?,
            case_number: row.opt_int("case_number")?,
            detail: row.opt_text("detail")?,
        })
    }
}

/// The newest audit entries first.
pub fn audit_log(sql: &mut dyn Sql, limit: i64) -> Result<Vec<AuditLine>, StoreError> {
    select(
        sql,
        "FROM audit_log l JOIN accounts a ON a.id = l.account_id
         ORDER BY l.id DESC LIMIT $1",
        &[Val::Int(limit)],
    )
}
