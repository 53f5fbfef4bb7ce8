//! What the officials' console reads and writes, on either engine: accounts and sessions, the
//! office inbox, a case with its history, the actions on it, the audit log and deadlines.
//!
//! Guarantees: every case query here is limited by a [`Scope`], so no caller can read a case
//! outside the account's offices by forgetting a filter; contact details are read only by
//! [`contact`], which writes the audit entry in the same transaction.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use super::cases::parse_time;
use super::sql::{Row, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// What an account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Reads and answers its own office's items.
    Officer,
    /// An officer who also manages the office's officers.
    Head,
    /// A provincial citizens' office: its own items and those of the district citizens'
    /// offices of its province (escalations and conflict-of-interest complaints).
    CitizensOffice,
    /// Statistics for the whole country; no personal data, no free text.
    Analyst,
    /// Accounts, deadlines and the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Officer,
        Role::Head,
        Role::CitizensOffice,
        Role::Analyst,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Head => "head",
            Role::CitizensOffice => "citizens_office",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == code)
    }

    /// Whether accounts of this role belong to an office.
    pub fn has_office(self) -> bool {
        matches!(self, Role::Officer | Role::Head | Role::CitizensOffice)
    }
}

#[derive(Clone, Debug)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub office: Option<String>,
    pub disabled: bool,
}

const ACCOUNT_COLUMNS: &str = "id, username, display_name, role, office, disabled";

fn account_of(row: &Row) -> Result<Account, StoreError> {
    Ok(Account {
        id: row.int(0)?,
        username: row.text(1)?,
        display_name: row.text(2)?,
        role: Role::from_code(&row.text(3)?)
            .ok_or_else(|| StoreError::Corrupt("unknown role".into()))?,
        office: row.opt_text(4)?,
        disabled: row.int(5)? != 0,
    })
}

pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub office: Option<String>,
}

/// Creates an account; `None` when the username is taken.
pub fn create_account(
    sql: &mut dyn Sql,
    account: &NewAccount,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    if sql
        .query_opt(
            "SELECT id FROM accounts WHERE username = $1",
            &[Val::from(&account.username)],
        )?
        .is_some()
    {
        return Ok(None);
    }
    let id = sql
        .query_one(
            "INSERT INTO accounts (username, display_name, password_hash, role, office, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                Val::from(&account.username),
                Val::from(&account.display_name),
                Val::from(&account.password_hash),
                Val::from(account.role.as_str()),
                Val::from(account.office.clone()),
                Val::from(stamp(now)),
            ],
        )?
        .int(0)?;
    Ok(Some(id))
}

/// An account as the login form sees it.
pub struct LoginRecord {
    pub account: Account,
    pub password_hash: String,
    /// Whether the account has a second factor (TOTP) enrolled.
    pub has_totp: bool,
}

pub fn login_record(sql: &mut dyn Sql, username: &str) -> Result<Option<LoginRecord>, StoreError> {
    let row = sql.query_opt(
        &format!("SELECT {ACCOUNT_COLUMNS}, password_hash, totp_secret IS NOT NULL FROM accounts WHERE username = $1"),
        &[Val::from(username)],
    )?;
    row.map(|row| {
        Ok(LoginRecord {
            account: account_of(&row)?,
            password_hash: row.text(6)?,
            has_totp: bool_of(&row, 7)?,
        })
    })
    .transpose()
}

/// A boolean expression's value: SQLite answers 0 or 1, PostgreSQL a boolean (read as text).
fn bool_of(row: &Row, i: usize) -> Result<bool, StoreError> {
    match row.0.get(i) {
        Some(Val::Int(n)) => Ok(*n != 0),
        Some(Val::Text(t)) => Ok(matches!(t.as_str(), "t" | "true" | "1")),
        other => Err(StoreError::Corrupt(format!(
            "column {i}: want a boolean, got {other:?}"
        ))),
    }
}

/// The password hash of an account that has none yet (or no longer): no password matches it.
pub const NO_PASSWORD: &str = "!";

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

/// Gives an account a new one-time enrolment link (only its digest is stored); earlier links
/// of the account stop working.
pub fn issue_enrolment_link(
    sql: &mut dyn Sql,
    account_id: i64,
    token_digest: &str,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<(), StoreError> {
    sql.execute(
        "DELETE FROM enrolment_links WHERE account_id = $1",
        &[Val::Int(account_id)],
    )?;
    sql.execute(
        "INSERT INTO enrolment_links (token_digest, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        &[
            Val::from(token_digest),
            Val::Int(account_id),
            Val::from(stamp(now)),
            Val::from(stamp(expires)),
        ],
    )?;
    Ok(())
}

/// Resets an account: no password, no second factor, no session. A new link is issued with
/// [`issue_enrolment_link`].
pub fn reset_account(sql: &mut dyn Sql, id: i64) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE accounts SET password_hash = $2, totp_secret = NULL, totp_last_step = NULL WHERE id = $1",
        &[Val::Int(id), Val::from(NO_PASSWORD)],
    )?;
    sql.execute(
        "DELETE FROM recovery_codes WHERE account_id = $1",
        &[Val::Int(id)],
    )?;
    sql.execute(
        "DELETE FROM sessions WHERE account_id = $1",
        &[Val::Int(id)],
    )?;
    Ok(())
}

/// The enabled account a live (unused, unexpired) enrolment link is for.
pub fn enrolment_account(
    sql: &mut dyn Sql,
    token_digest: &str,
    now: DateTime<Utc>,
) -> Result<Option<Account>, StoreError> {
    sql.query_opt(
        "SELECT a.id, a.username, a.display_name, a.role, a.office, a.disabled
         FROM enrolment_links l JOIN accounts a ON a.id = l.account_id
         WHERE l.token_digest = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND a.disabled = 0",
        &[Val::from(token_digest), Val::from(stamp(now))],
    )?
    .as_ref()
    .map(account_of)
    .transpose()
}

/// Uses an enrolment link once: sets the account's password and ends its sessions. The
/// account's id, or `None` when the link is unknown, used, expired or its account disabled.
pub fn enrol(
    sql: &mut dyn Sql,
    token_digest: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let Some(account) = enrolment_account(sql, token_digest, now)? else {
        return Ok(None);
    };
    let used = sql.execute(
        "UPDATE enrolment_links SET used_at = $2 WHERE token_digest = $1 AND used_at IS NULL",
        &[Val::from(token_digest), Val::from(stamp(now))],
    )?;
    if used != 1 {
        return Ok(None);
    }
    sql.execute(
        "UPDATE accounts SET password_hash = $2 WHERE id = $1",
        &[Val::Int(account.id), Val::from(password_hash)],
    )?;
    sql.execute(
        "DELETE FROM sessions WHERE account_id = $1",
        &[Val::Int(account.id)],
    )?;
    Ok(Some(account.id))
}

/// The password hash of an account (to check the current password before a change).
pub fn password_hash(sql: &mut dyn Sql, id: i64) -> Result<Option<String>, StoreError> {
    sql.query_opt(
        "SELECT password_hash FROM accounts WHERE id = $1",
        &[Val::Int(id)],
    )?
    .map(|row| row.text(0))
    .transpose()
}

/// Changes an account's password and ends its sessions but `keep` (the one that changed it).
pub fn change_password(
    sql: &mut dyn Sql,
    id: i64,
    password_hash: &str,
    keep: &str,
) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE accounts SET password_hash = $2 WHERE id = $1",
        &[Val::Int(id), Val::from(password_hash)],
    )?;
    sql.execute(
        "DELETE FROM sessions WHERE account_id = $1 AND token_digest <> $2",
        &[Val::Int(id), Val::from(keep)],
    )?;
    Ok(())
}

/// An account's TOTP secret (base32) and the last time step used, if it has one.
pub fn totp(sql: &mut dyn Sql, id: i64) -> Result<Option<(String, Option<i64>)>, StoreError> {
    let row = sql.query_opt(
        "SELECT totp_secret, totp_last_step FROM accounts WHERE id = $1 AND totp_secret IS NOT NULL",
        &[Val::Int(id)],
    )?;
    row.map(|row| Ok((row.text(0)?, row.opt_int(1)?)))
        .transpose()
}

/// Uses TOTP time step `step` of an account: false when it (or a later one) was used already.
pub fn use_totp_step(sql: &mut dyn Sql, id: i64, step: i64) -> Result<bool, StoreError> {
    Ok(sql.execute(
        "UPDATE accounts SET totp_last_step = $2
         WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        &[Val::Int(id), Val::Int(step)],
    )? == 1)
}

/// Gives an account its TOTP secret (`step` already used to confirm it) and new recovery codes
/// (digests), replacing any before.
pub fn enrol_totp(
    sql: &mut dyn Sql,
    id: i64,
    secret: &str,
    step: i64,
    code_digests: &[String],
) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE accounts SET totp_secret = $2, totp_last_step = $3 WHERE id = $1",
        &[Val::Int(id), Val::from(secret), Val::Int(step)],
    )?;
    sql.execute(
        "DELETE FROM recovery_codes WHERE account_id = $1",
        &[Val::Int(id)],
    )?;
    for digest in code_digests {
        sql.execute(
            "INSERT INTO recovery_codes (account_id, code_digest) VALUES ($1, $2)",
            &[Val::Int(id), Val::from(digest)],
        )?;
    }
    Ok(())
}

/// Uses a recovery code once: false when it is unknown or was used.
pub fn use_recovery_code(
    sql: &mut dyn Sql,
    id: i64,
    code_digest: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(sql.execute(
        "UPDATE recovery_codes SET used_at = $3 WHERE account_id = $1 AND code_digest = $2 AND used_at IS NULL",
        &[Val::Int(id), Val::from(code_digest), Val::from(stamp(now))],
    )? == 1)
}

/// Whether every account must have a second factor (administrators and heads always must).
pub fn require_2fa(sql: &mut dyn Sql) -> Result<bool, StoreError> {
    Ok(sql
        .query_opt(
            "SELECT value FROM console_settings WHERE name = 'require_2fa'",
            &[],
        )?
        .map(|row| row.text(0))
        .transpose()?
        .is_some_and(|v| v == "on"))
}

pub fn set_require_2fa(sql: &mut dyn Sql, on: bool) -> Result<(), StoreError> {
    sql.execute(
        "DELETE FROM console_settings WHERE name = 'require_2fa'",
        &[],
    )?;
    sql.execute(
        "INSERT INTO console_settings (name, value) VALUES ('require_2fa', $1)",
        &[Val::from(if on { "on" } else { "off" })],
    )?;
    Ok(())
}

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

/// The newest sign-ins first.
pub fn sign_ins(sql: &mut dyn Sql, limit: i64) -> Result<Vec<SignInLine>, StoreError> {
    sql.query(
        "SELECT s.at, a.username, s.address, s.outcome
         FROM sign_ins s LEFT JOIN accounts a ON a.id = s.account_id
         ORDER BY s.id DESC LIMIT $1",
        &[Val::Int(limit)],
    )?
    .iter()
    .map(|row| {
        Ok(SignInLine {
            at: parse_time(&row.text(0)?)?,
            username: row.opt_text(1)?,
            address: row.text(2)?,
            outcome: row.text(3)?,
        })
    })
    .collect()
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

/// The live session with this token digest: within its lifetime, used since `idle_since`,
/// account not disabled.
pub fn session(
    sql: &mut dyn Sql,
    token_digest: &str,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Option<Session>, StoreError> {
    let row = sql.query_opt(
        "SELECT a.id, a.username, a.display_name, a.role, a.office, a.disabled, s.csrf, s.stage,
                a.totp_secret IS NOT NULL,
                (SELECT count(*) FROM console_settings WHERE name = 'require_2fa' AND value = 'on'),
                s.pending_totp, s.last_seen_at
         FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_digest = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND a.disabled = 0",
        &[
            Val::from(token_digest),
            Val::from(stamp(now)),
            Val::from(stamp(idle_since)),
        ],
    )?;
    row.map(|row| {
        Ok(Session {
            account: account_of(&row)?,
            csrf: row.text(6)?,
            stage: Stage::from_code(&row.text(7)?),
            has_totp: bool_of(&row, 8)?,
            policy_2fa: row.int(9)? > 0,
            pending_totp: row.opt_text(10)?,
            last_seen: crate::clock::parse_stamp(&row.text(11)?),
        })
    })
    .transpose()
}

pub fn end_session(sql: &mut dyn Sql, token_digest: &str) -> Result<(), StoreError> {
    sql.execute(
        "DELETE FROM sessions WHERE token_digest = $1",
        &[Val::from(token_digest)],
    )?;
    Ok(())
}

/// Accounts, all or those of one office.
pub fn accounts(sql: &mut dyn Sql, office: Option<&str>) -> Result<Vec<Account>, StoreError> {
    let rows = match office {
        Some(office) => sql.query(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE office = $1 ORDER BY username"),
            &[Val::from(office)],
        )?,
        None => sql.query(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY username"),
            &[],
        )?,
    };
    rows.iter().map(account_of).collect()
}

pub fn account(sql: &mut dyn Sql, id: i64) -> Result<Option<Account>, StoreError> {
    sql.query_opt(
        &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"),
        &[Val::Int(id)],
    )?
    .as_ref()
    .map(account_of)
    .transpose()
}

/// Disables (ending its sessions at once) or enables an account.
pub fn set_disabled(sql: &mut dyn Sql, id: i64, disabled: bool) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE accounts SET disabled = $2 WHERE id = $1",
        &[Val::Int(id), Val::from(disabled)],
    )?;
    if disabled {
        sql.execute(
            "DELETE FROM sessions WHERE account_id = $1",
            &[Val::Int(id)],
        )?;
    }
    Ok(())
}

/// Which cases an account may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The cases of one office.
    Office(String),
    /// A provincial citizens' office: its own cases and those of the district citizens'
    /// offices of the province (`DCO-<province><district>`).
    Province { office: String, province: String },
}

impl Scope {
    /// `WHERE` condition with its parameters starting at `$first`.
    fn condition(&self, first: usize) -> (String, Vec<Val>) {
        match self {
            Scope::Office(office) => (format!("office = ${first}"), vec![Val::from(office)]),
            Scope::Province { office, province } => (
                format!("(office = ${first} OR office LIKE ${})", first + 1),
                vec![Val::from(office), Val::from(format!("DCO-{province}%"))],
            ),
        }
    }

    pub fn allows(&self, office: &str) -> bool {
        match self {
            Scope::Office(own) => own == office,
            Scope::Province {
                office: own,
                province,
            } => own == office || office.starts_with(&format!("DCO-{province}")),
        }
    }
}

/// The open states: a deadline still runs.
pub const OPEN_STATES: [&str; 3] = ["received", "in_progress", "awaiting_citizen"];

#[derive(Clone, Debug, Default)]
pub struct InboxFilter {
    pub kind: Option<String>,
    pub state: Option<String>,
    /// `YYYY-MM-DD`, inclusive, on the received date (UTC).
    pub from: Option<String>,
    pub to: Option<String>,
    pub overdue: bool,
    pub oldest_first: bool,
}

#[derive(Clone, Debug)]
pub struct CaseLine {
    pub number: i64,
    pub tracking_code: String,
    pub kind: String,
    pub category: String,
    pub status: String,
    pub office: String,
    pub received_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub escalated: bool,
    pub reopened: bool,
    pub privacy: String,
}

impl CaseLine {
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        OPEN_STATES.contains(&self.status.as_str()) && self.due_at.is_some_and(|due| due < now)
    }
}

const LINE_COLUMNS: &str =
    "number, tracking_code, kind, category, status, office, received_at, due_at, escalated, reopened, privacy";

fn line_of(row: &Row) -> Result<CaseLine, StoreError> {
    Ok(CaseLine {
        number: row.int(0)?,
        tracking_code: row.text(1)?,
        kind: row.text(2)?,
        category: row.text(3)?,
        status: row.text(4)?,
        office: row.text(5)?,
        received_at: parse_time(&row.text(6)?)?,
        due_at: row.opt_text(7)?.map(|t| parse_time(&t)).transpose()?,
        escalated: row.int(8)? != 0,
        reopened: row.int(9)? != 0,
        privacy: row.text(10)?,
    })
}

/// The lines one inbox page shows.
pub const INBOX_PAGE: i64 = 100;
/// The most lines one CSV export holds.
pub const EXPORT_LIMIT: i64 = 50_000;

/// One page of an inbox: its lines, how many lines match the filter in all, and the count per
/// state of the whole scope.
#[derive(Clone, Debug)]
pub struct Inbox {
    pub lines: Vec<CaseLine>,
    pub matching: i64,
    pub counts: BTreeMap<String, i64>,
}

/// `WHERE …` for `filter` within `scope`, and its parameters.
fn inbox_condition(scope: &Scope, filter: &InboxFilter, now: DateTime<Utc>) -> (String, Vec<Val>) {
    let (condition, mut params) = scope.condition(1);
    let mut text = format!(" WHERE {condition}");
    let mut add = |clause: &str, value: Val, params: &mut Vec<Val>| {
        params.push(value);
        text.push_str(&clause.replace("$?", &format!("${}", params.len())));
    };
    if let Some(kind) = &filter.kind {
        add(" AND kind = $?", Val::from(kind), &mut params);
    }
    if let Some(state) = &filter.state {
        add(" AND status = $?", Val::from(state), &mut params);
    }
    if let Some(from) = &filter.from {
        add(
            " AND received_at >= $?",
            Val::from(from.clone()),
            &mut params,
        );
    }
    if let Some(to) = &filter.to {
        // Inclusive: everything before the next day starts ("~" sorts after the time part).
        add(
            " AND received_at <= $?",
            Val::from(format!("{to}~")),
            &mut params,
        );
    }
    if filter.overdue {
        add(" AND due_at < $?", Val::from(stamp(now)), &mut params);
        text.push_str(" AND status IN ('received', 'in_progress', 'awaiting_citizen')");
    }
    (text, params)
}

fn inbox_order(filter: &InboxFilter) -> &'static str {
    if filter.oldest_first {
        " ORDER BY received_at ASC, number ASC"
    } else {
        " ORDER BY received_at DESC, number DESC"
    }
}

/// Page `page` (from 0, [`INBOX_PAGE`] lines each) of the lines matching `filter` within
/// `scope`.
pub fn inbox(
    sql: &mut dyn Sql,
    scope: &Scope,
    filter: &InboxFilter,
    page: i64,
    now: DateTime<Utc>,
) -> Result<Inbox, StoreError> {
    let (condition, params) = inbox_condition(scope, filter, now);
    let offset = page.max(0).saturating_mul(INBOX_PAGE);
    let lines = sql
        .query(
            &format!(
                "SELECT {LINE_COLUMNS} FROM cases{condition}{} LIMIT {INBOX_PAGE} OFFSET {offset}",
                inbox_order(filter)
            ),
            &params,
        )?
        .iter()
        .map(line_of)
        .collect::<Result<Vec<_>, _>>()?;
    let matching = sql
        .query_one(&format!("SELECT count(*) FROM cases{condition}"), &params)?
        .int(0)?;
    let (condition, params) = scope.condition(1);
    let counts = sql
        .query(
            &format!("SELECT status, count(*) FROM cases WHERE {condition} GROUP BY status"),
            &params,
        )?
        .iter()
        .map(|row| Ok((row.text(0)?, row.int(1)?)))
        .collect::<Result<BTreeMap<_, _>, StoreError>>()?;
    Ok(Inbox {
        lines,
        matching,
        counts,
    })
}

/// The first [`EXPORT_LIMIT`] lines matching `filter` within `scope`, each with its free text,
/// in the inbox's order.
pub fn export(
    sql: &mut dyn Sql,
    scope: &Scope,
    filter: &InboxFilter,
    now: DateTime<Utc>,
) -> Result<Vec<(CaseLine, String)>, StoreError> {
    let (condition, params) = inbox_condition(scope, filter, now);
    sql.query(
        &format!(
            "SELECT {LINE_COLUMNS}, description FROM cases{condition}{} LIMIT {EXPORT_LIMIT}",
            inbox_order(filter)
        ),
        &params,
    )?
    .iter()
    .map(|row| Ok((line_of(row)?, row.text(11)?)))
    .collect()
}

/// Everything about one case except the contact details.
#[derive(Clone, Debug)]
pub struct CaseDetail {
    pub line: CaseLine,
    pub place: String,
    pub description: String,
    pub evaluation: Option<String>,
    pub asked_extra_payment: Option<bool>,
    pub about_office_staff: bool,
    /// The citizen chose to make the text public (Open311 shows it with the public replies).
    pub publish_text: bool,
    pub incident_date: Option<String>,
    pub gender: Option<String>,
    pub age_band: Option<String>,
    pub disability: Option<String>,
    pub locale: String,
    pub rating: Option<i64>,
}

/// One case, if it is within `scope` (a case outside is reported exactly like a missing one).
pub fn case_detail(
    sql: &mut dyn Sql,
    scope: &Scope,
    number: i64,
) -> Result<Option<CaseDetail>, StoreError> {
    let (condition, mut params) = scope.condition(2);
    params.insert(0, Val::Int(number));
    let row = sql.query_opt(
        &format!(
            "SELECT {LINE_COLUMNS}, place, description, evaluation, asked_extra_payment,
                    about_office_staff, incident_date, gender, age_band, disability, locale, rating,
                    publish_text
             FROM cases WHERE number = $1 AND {condition}"
        ),
        &params,
    )?;
    row.map(|row| {
        Ok(CaseDetail {
            line: line_of(&row)?,
            place: row.text(11)?,
            description: row.text(12)?,
            evaluation: row.opt_text(13)?,
            asked_extra_payment: row.opt_int(14)?.map(|n| n != 0),
            about_office_staff: row.int(15)? != 0,
            incident_date: row.opt_text(16)?,
            gender: row.opt_text(17)?,
            age_band: row.opt_text(18)?,
            disability: row.opt_text(19)?,
            locale: row.text(20)?,
            rating: row.opt_int(21)?,
            publish_text: row.int(22)? != 0,
        })
    })
    .transpose()
}

#[derive(Clone, Debug)]
pub struct EventLine {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub status: String,
    pub office: String,
    pub reply_kind: Option<String>,
    pub reply_text: Option<String>,
    pub note: Option<String>,
    pub by: Option<String>,
}

/// The history of a case, oldest first. The caller has checked the scope.
pub fn events(sql: &mut dyn Sql, number: i64) -> Result<Vec<EventLine>, StoreError> {
    sql.query(
        "SELECT e.seq, e.at, e.action, e.status, e.office, e.reply_kind, e.reply_text, e.note, a.display_name
         FROM case_events e LEFT JOIN accounts a ON a.id = e.account_id
         WHERE e.case_number = $1 ORDER BY e.seq",
        &[Val::Int(number)],
    )?
    .iter()
    .map(|row| {
        Ok(EventLine {
            seq: row.int(0)?,
            at: parse_time(&row.text(1)?)?,
            action: row.text(2)?,
            status: row.text(3)?,
            office: row.text(4)?,
            reply_kind: row.opt_text(5)?,
            reply_text: row.opt_text(6)?,
            note: row.opt_text(7)?,
            by: row.opt_text(8)?,
        })
    })
    .collect()
}

/// The contact details of a confidential case within `scope`, written to the audit log in the
/// same transaction. `None` for anonymous cases and cases outside the scope.
pub fn contact(
    sql: &mut dyn Sql,
    scope: &Scope,
    number: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<(String, String)>, StoreError> {
    let Some(detail) = case_detail(sql, scope, number)? else {
        return Ok(None);
    };
    if detail.line.privacy != "confidential" {
        return Ok(None);
    }
    let row = sql.query_one(
        "SELECT contact_name, contact_phone FROM cases WHERE number = $1",
        &[Val::Int(number)],
    )?;
    audit(sql, account_id, "view_contact", Some(number), None, now)?;
    Ok(Some((row.text(0)?, row.text(1)?)))
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

/// The newest audit entries first.
pub fn audit_log(sql: &mut dyn Sql, limit: i64) -> Result<Vec<AuditLine>, StoreError> {
    sql.query(
        "SELECT l.at, a.username, l.action, l.case_number, l.detail
         FROM audit_log l JOIN accounts a ON a.id = l.account_id
         ORDER BY l.id DESC LIMIT $1",
        &[Val::Int(limit)],
    )?
    .iter()
    .map(|row| {
        Ok(AuditLine {
            at: parse_time(&row.text(0)?)?,
            username: row.text(1)?,
            action: row.text(2)?,
            case_number: row.opt_int(3)?,
            detail: row.opt_text(4)?,
        })
    })
    .collect()
}

/// What happens to a case; each becomes one event.
#[derive(Clone, Debug)]
pub enum Action {
    Reply { text: String },
    Question { text: String },
    State { to: String },
    Transfer { office: String, reason: String },
    Escalate { to: String },
}

/// Why an action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No such case in the scope.
    NotFound,
    /// The case is closed or the change is not allowed from its state.
    WrongState,
}

/// Applies `action` by `account_id` to a case within `scope`; the new event's sequence number.
pub fn act(
    sql: &mut dyn Sql,
    scope: &Scope,
    number: i64,
    account_id: i64,
    action: &Action,
    now: DateTime<Utc>,
) -> Result<Result<i64, Refusal>, StoreError> {
    let Some(detail) = case_detail(sql, scope, number)? else {
        return Ok(Err(Refusal::NotFound));
    };
    let status = detail.line.status.as_str();
    let closed = status.starts_with("closed");
    let at = stamp(now);
    let (new_status, office, kind, text, note, name) = match action {
        Action::Reply { text } if !closed => (
            "answered",
            detail.line.office.clone(),
            Some("answer"),
            Some(text.clone()),
            None,
            "reply",
        ),
        Action::Question { text } if !closed => (
            "awaiting_citizen",
            detail.line.office.clone(),
            Some("question"),
            Some(text.clone()),
            None,
            "question",
        ),
        Action::State { to } if allowed_change(status, to) => (
            to.as_str(),
            detail.line.office.clone(),
            None,
            None,
            None,
            "state",
        ),
        Action::Transfer { office, reason } if !closed && *office != detail.line.office => (
            status,
            office.clone(),
            None,
            None,
            Some(reason.clone()),
            "transfer",
        ),
        Action::Escalate { to } if !closed && *to != detail.line.office => {
            (status, to.clone(), None, None, None, "escalate")
        }
        _ => return Ok(Err(Refusal::WrongState)),
    };
    let seq = sql
        .query_one(
            "INSERT INTO case_events (case_number, at, status, office, reply_kind, reply_text, action, account_id, note, public)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) RETURNING seq",
            &[
                Val::Int(number),
                Val::from(&at),
                Val::from(new_status),
                Val::from(&office),
                Val::from(kind),
                Val::from(text),
                Val::from(name),
                Val::Int(account_id),
                Val::from(note),
            ],
        )?
        .int(0)?;
    sql.execute(
        "UPDATE cases SET status = $2, office = $3, last_seq = $4,
            first_answer_at = CASE WHEN $5 = 'answered' AND first_answer_at IS NULL THEN $6 ELSE first_answer_at END,
            closed_at = CASE WHEN $5 LIKE 'closed%' THEN $6 ELSE closed_at END,
            escalated = CASE WHEN $7 = 'escalate' THEN 1 ELSE escalated END,
            reopened = 0
         WHERE number = $1",
        &[
            Val::Int(number),
            Val::from(new_status),
            Val::from(&office),
            Val::Int(seq),
            Val::from(new_status),
            Val::from(&at),
            Val::from(name),
        ],
    )?;
    Ok(Ok(seq))
}

/// The state changes an officer may make by hand (answering is done by replying).
pub fn allowed_change(from: &str, to: &str) -> bool {
    match to {
        "in_progress" => matches!(from, "received" | "awaiting_citizen" | "answered"),
        "closed_resolved" | "closed_unresolved" => {
            matches!(
                from,
                "received" | "in_progress" | "awaiting_citizen" | "answered"
            )
        }
        _ => false,
    }
}

/// Open cases past their deadline and not yet escalated: (number, office).
pub fn overdue_unescalated(
    sql: &mut dyn Sql,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, String)>, StoreError> {
    sql.query(
        "SELECT number, office FROM cases
         WHERE status IN ('received', 'in_progress', 'awaiting_citizen') AND due_at < $1 AND escalated = 0
         ORDER BY number",
        &[Val::from(stamp(now))],
    )?
    .iter()
    .map(|row| Ok((row.int(0)?, row.text(1)?)))
    .collect()
}

/// Escalates one overdue case to `to` (by the system, no account); marks it escalated even when
/// there is no office above, so the sweep does not try again.
pub fn escalate_overdue(
    sql: &mut dyn Sql,
    number: i64,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let Some(to) = to {
        let status = sql
            .query_one(
                "SELECT status FROM cases WHERE number = $1",
                &[Val::Int(number)],
            )?
            .text(0)?;
        let seq = sql
            .query_one(
                "INSERT INTO case_events (case_number, at, status, office, action, note, public)
                 VALUES ($1, $2, $3, $4, 'escalate', 'overdue', 1) RETURNING seq",
                &[
                    Val::Int(number),
                    Val::from(stamp(now)),
                    Val::from(status),
                    Val::from(to),
                ],
            )?
            .int(0)?;
        sql.execute(
            "UPDATE cases SET office = $2, last_seq = $3 WHERE number = $1",
            &[Val::Int(number), Val::from(to), Val::Int(seq)],
        )?;
    }
    sql.execute(
        "UPDATE cases SET escalated = 1 WHERE number = $1",
        &[Val::Int(number)],
    )?;
    Ok(())
}

pub fn set_deadline(sql: &mut dyn Sql, kind: &str, days: i64) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE deadlines SET working_days = $2 WHERE kind = $1",
        &[Val::from(kind), Val::Int(days)],
    )?;
    Ok(())
}

/// Every public holiday entered, by date: (`YYYY-MM-DD`, name).
pub fn holidays(sql: &mut dyn Sql) -> Result<Vec<(String, String)>, StoreError> {
    sql.query("SELECT day, name FROM holidays ORDER BY day", &[])?
        .iter()
        .map(|row| Ok((row.text(0)?, row.text(1)?)))
        .collect()
}

/// Enters a public holiday, or renames the one on that day.
pub fn set_holiday(sql: &mut dyn Sql, day: &str, name: &str) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO holidays (day, name) VALUES ($1, $2)
         ON CONFLICT (day) DO UPDATE SET name = excluded.name",
        &[Val::from(day), Val::from(name)],
    )?;
    Ok(())
}

/// Removes the public holiday on `day`; whether there was one.
pub fn remove_holiday(sql: &mut dyn Sql, day: &str) -> Result<bool, StoreError> {
    Ok(sql.execute("DELETE FROM holidays WHERE day = $1", &[Val::from(day)])? > 0)
}

/// A citizen's answer to the office's question (proven by the secret by the caller).
pub fn citizen_answer(
    sql: &mut dyn Sql,
    number: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Result<(i64, String), Refusal>, StoreError> {
    let row = sql.query_one(
        "SELECT status, office FROM cases WHERE number = $1",
        &[Val::Int(number)],
    )?;
    if row.text(0)? != "awaiting_citizen" {
        return Ok(Err(Refusal::WrongState));
    }
    let office = row.text(1)?;
    let seq = sql
        .query_one(
            "INSERT INTO case_events (case_number, at, status, office, action, note, public)
             VALUES ($1, $2, 'in_progress', $3, 'citizen_answer', $4, 1) RETURNING seq",
            &[
                Val::Int(number),
                Val::from(stamp(now)),
                Val::from(&office),
                Val::from(text),
            ],
        )?
        .int(0)?;
    sql.execute(
        "UPDATE cases SET status = 'in_progress', last_seq = $2, reopened = 1 WHERE number = $1",
        &[Val::Int(number), Val::Int(seq)],
    )?;
    Ok(Ok((seq, "in_progress".into())))
}

/// A citizen's rating of the answer; 1 or 2 reopens the case and flags it for the office.
pub fn citizen_rating(
    sql: &mut dyn Sql,
    number: i64,
    rating: i64,
    now: DateTime<Utc>,
) -> Result<Result<(i64, String), Refusal>, StoreError> {
    let row = sql.query_one(
        "SELECT status, office FROM cases WHERE number = $1",
        &[Val::Int(number)],
    )?;
    let status = row.text(0)?;
    if !matches!(
        status.as_str(),
        "answered" | "closed_resolved" | "closed_unresolved"
    ) {
        return Ok(Err(Refusal::WrongState));
    }
    let office = row.text(1)?;
    let reopen = rating <= 2;
    let new_status = if reopen {
        "in_progress".to_string()
    } else {
        status
    };
    let seq = sql
        .query_one(
            "INSERT INTO case_events (case_number, at, status, office, action, note, public)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
            &[
                Val::Int(number),
                Val::from(stamp(now)),
                Val::from(&new_status),
                Val::from(&office),
                Val::from(if reopen { "reopen" } else { "rating" }),
                Val::from(rating.to_string()),
                Val::from(reopen),
            ],
        )?
        .int(0)?;
    sql.execute(
        "UPDATE cases SET rating = $2, status = $3, reopened = $4,
            closed_at = CASE WHEN $6 = 1 THEN NULL ELSE closed_at END,
            last_seq = CASE WHEN $6 = 1 THEN $5 ELSE last_seq END
         WHERE number = $1",
        &[
            Val::Int(number),
            Val::Int(rating),
            Val::from(&new_status),
            Val::from(reopen),
            Val::Int(seq),
            Val::from(reopen),
        ],
    )?;
    Ok(Ok((seq, new_status)))
}
