//! Console sessions: opening one after the password, the stage it has reached (second factor,
//! enrolment, signed in), its use and its end.
//!
//! Guarantees: only a digest of the session token is stored; a session past its lifetime, idle
//! too long or of a disabled account is never returned; an unknown stage opens nothing.

use chrono::{DateTime, Utc};

use super::accounts::{account_columns, Account, Role};
use super::sql::{select_opt, FromRow, Named, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// Where a session stands: signed in, or waiting for the second factor or its enrolment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Signed in; every page of the role is open.
    Full,
    /// The password was right; the TOTP or recovery code is still to come.
    Code,
    /// The password was right; the account must enrol a second factor before anything else.
    Enrol,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Full => "full",
            Stage::Code => "code",
            Stage::Enrol => "enrol",
        }
    }

    fn from_code(code: &str) -> Stage {
        match code {
            "full" => Stage::Full,
            "code" => Stage::Code,
            // Anything unknown must not open the console.
            _ => Stage::Enrol,
        }
    }
}

/// A right password: delete the sessions that ended (everyone's) and open one at `stage`.
#[allow(clippy::too_many_arguments)]
pub fn login_succeeded(
    sql: &mut dyn Sql,
    id: i64,
    token_digest: &str,
    csrf: &str,
    stage: Stage,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<(), StoreError> {
    delete_ended_sessions(sql, now, idle_since)?;
    sql.execute(
        "INSERT INTO sessions (token_digest, account_id, csrf, created_at, expires_at, last_seen_at, stage)
         VALUES ($1, $2, $3, $4, $5, $4, $6)",
        &[
            Val::from(token_digest),
            Val::Int(id),
            Val::from(csrf),
            Val::from(stamp(now)),
            Val::from(stamp(expires)),
            Val::from(stage.as_str()),
        ],
    )?;
    Ok(())
}

/// Deletes the sessions past their lifetime or idle since before `idle_since`; how many.
pub fn delete_ended_sessions(
    sql: &mut dyn Sql,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<u64, StoreError> {
    sql.execute(
        "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
        &[Val::from(stamp(now)), Val::from(stamp(idle_since))],
    )
}

/// Notes that a session was used at `now`.
pub fn touch_session(
    sql: &mut dyn Sql,
    token_digest: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_digest = $1",
        &[Val::from(token_digest), Val::from(stamp(now))],
    )?;
    Ok(())
}

/// Moves a session to `stage`.
pub fn set_stage(sql: &mut dyn Sql, token_digest: &str, stage: Stage) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE sessions SET stage = $2, pending_totp = NULL WHERE token_digest = $1",
        &[Val::from(token_digest), Val::from(stage.as_str())],
    )?;
    Ok(())
}

/// Keeps the TOTP secret being enrolled with the session that shows it.
pub fn set_pending_totp(
    sql: &mut dyn Sql,
    token_digest: &str,
    secret: &str,
) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE sessions SET pending_totp = $2 WHERE token_digest = $1",
        &[Val::from(token_digest), Val::from(secret)],
    )?;
    Ok(())
}

/// A signed-in account and its CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub account: Account,
    pub csrf: String,
    pub stage: Stage,
    /// Whether the account has a second factor enrolled.
    pub has_totp: bool,
    /// Whether the policy asks every account for a second factor.
    pub policy_2fa: bool,
    /// The TOTP secret being enrolled in this session, if any.
    pub pending_totp: Option<String>,
    pub last_seen: Option<DateTime<Utc>>,
}

impl Session {
    /// Whether this account must have a second factor: administrators and heads always, every
    /// account when the policy says so.
    pub fn needs_2fa(&self) -> bool {
        matches!(self.account.role, Role::Admin | Role::Head) || self.policy_2fa
    }
}

impl FromRow for Session {
    const COLUMNS: &'static str = concat!(
        account_columns!("a"),
        ", s.csrf, s.stage, a.totp_secret IS NOT NULL AS has_totp,
         (SELECT count(*) FROM console_settings WHERE name = 'require_2fa' AND value = 'on')
           AS policy_2fa,
         s.pending_totp, s.last_seen_at"
    );

    fn from_row(row: &Named) -> Result<Session, StoreError> {
        Ok(Session {
            account: Account::from_row(row)?,
            csrf: row.text("csrf")?,
            stage: Stage::from_code(&row.text("stage")?),
            has_totp: row.bool("has_totp")?,
            policy_2fa: row.int("policy_2fa")? > 0,
            pending_totp: row.opt_text("pending_totp")?,
            last_seen: crate::clock::parse_stamp(&row.text("last_seen_at")?),
        })
    }
}

/// The live session with this token digest: within its lifetime, used since `idle_since`,
/// account not disabled.
pub fn session(
    sql: &mut dyn Sql,
    token_digest: &str,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Option<Session>, StoreError> {
    select_opt(
        sql,
        "FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_digest = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND a.disabled = 0",
        &[
            Val::from(token_digest),
            Val::from(stamp(now)),
            Val::from(stamp(idle_since)),
        ],
    )
}

pub fn end_session(sql: &mut dyn Sql, token_digest: &str) -> Result<(), StoreError> {
    sql.execute(
        "DELETE FROM sessions WHERE token_digest = $1",
        &[Val::from(token_digest)],
    )?;
    Ok(())
}
