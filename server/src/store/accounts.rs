//! Officials' accounts: who they are and what role they have, their passwords, second factors
//! (TOTP and recovery codes), one-time enrolment links, and the policy that asks every account
//! for a second factor.
//!
//! Guarantees: only digests of passwords, recovery codes and enrolment links are stored; a
//! reset, a new password or a disabled account ends the account's sessions in the same
//! transaction; an enrolment link, a recovery code and a TOTP time step work once.

use chrono::{DateTime, Utc};

use super::sql::{select, select_opt, FromRow, Named, Sql, Val};
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

/// The columns of an [`Account`] in the `accounts` table under the alias `$a`.
macro_rules! account_columns {
    ($a:literal) => {
        concat!(
            $a,
            ".id, ",
            $a,
            ".username, ",
            $a,
            ".display_name, ",
            $a,
            ".role, ",
            $a,
            ".office, ",
            $a,
            ".disabled"
        )
    };
}
pub(super) use account_columns;

impl FromRow for Account {
    const COLUMNS: &'static str = account_columns!("a");

    fn from_row(row: &Named) -> Result<Account, StoreError> {
        let role = row.text("role")?;
        Ok(Account {
            id: row.int("id")?,
            username: row.text("username")?,
            display_name: row.text("display_name")?,
            role: Role::from_code(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown role '{role}'")))?,
            office: row.opt_text("office")?,
            disabled: row.bool("disabled")?,
        })
    }
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

impl FromRow for LoginRecord {
    const COLUMNS: &'static str = concat!(
        account_columns!("a"),
        ", a.password_hash, a.totp_secret IS NOT NULL AS has_totp"
    );

    fn from_row(row: &Named) -> Result<LoginRecord, StoreError> {
        Ok(LoginRecord {
            account: Account::from_row(row)?,
            password_hash: row.text("password_hash")?,
            has_totp: row.bool("has_totp")?,
        })
    }
}

pub fn login_record(sql: &mut dyn Sql, username: &str) -> Result<Option<LoginRecord>, StoreError> {
    select_opt(
        sql,
        "FROM accounts a WHERE a.username = $1",
        &[Val::from(username)],
    )
}

/// The password hash of an account that has none yet (or no longer): no password matches it.
pub const NO_PASSWORD: &str = "!";

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
    select_opt(
        sql,
        "FROM enrolment_links l JOIN accounts a ON a.id = l.account_id
         WHERE l.token_digest = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND a.disabled = 0",
        &[Val::from(token_digest), Val::from(stamp(now))],
    )
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
    let totp = select_opt(
        sql,
        "FROM accounts WHERE id = $1 AND totp_secret IS NOT NULL",
        &[Val::Int(id)],
    )?;
    Ok(totp.map(|Totp(secret, last_step)| (secret, last_step)))
}

/// An account's TOTP secret and the last time step used.
struct Totp(String, Option<i64>);

impl FromRow for Totp {
    const COLUMNS: &'static str = "totp_secret, totp_last_step";

    fn from_row(row: &Named) -> Result<Totp, StoreError> {
        Ok(Totp(
            row.text("totp_secret")?,
            row.opt_int("totp_last_step")?,
        ))
    }
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

/// Accounts, all or those of one office.
pub fn accounts(sql: &mut dyn Sql, office: Option<&str>) -> Result<Vec<Account>, StoreError> {
    match office {
        Some(office) => select(
            sql,
            "FROM accounts a WHERE a.office = $1 ORDER BY a.username",
            &[Val::from(office)],
        ),
        None => select(sql, "FROM accounts a ORDER BY a.username", &[]),
    }
}

pub fn account(sql: &mut dyn Sql, id: i64) -> Result<Option<Account>, StoreError> {
    select_opt(sql, "FROM accounts a WHERE a.id = $1", &[Val::Int(id)])
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
