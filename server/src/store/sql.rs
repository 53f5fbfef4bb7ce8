//! The small SQL surface both engines share: values, rows, the [`Sql`] trait that runs one
//! statement, rows read by column name ([`FromRow`]), and the versioned migrations written once
//! with dialect tokens.
//!
//! Guarantees: every statement in the server is written once with `$n` placeholders and runs
//! unchanged on SQLite and PostgreSQL; integers are 64-bit and times are RFC 3339 text (UTC,
//! milliseconds) in both, so ordering by text is ordering by time; a struct read from a query
//! owns that query's SELECT list and reads each column by its name in it, and a coded column
//! with a code the protocol does not know is a corrupt row, not a panic.

use super::StoreError;

/// One SQL value as the server uses them: no floats, no blobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Val {
    fn from(value: i64) -> Val {
        Val::Int(value)
    }
}
impl From<bool> for Val {
    fn from(value: bool) -> Val {
        Val::Int(i64::from(value))
    }
}
impl From<&str> for Val {
    fn from(value: &str) -> Val {
        Val::Text(value.to_string())
    }
}
impl From<String> for Val {
    fn from(value: String) -> Val {
        Val::Text(value)
    }
}
impl From<&String> for Val {
    fn from(value: &String) -> Val {
        Val::Text(value.clone())
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(value: Option<T>) -> Val {
        value.map_or(Val::Null, Into::into)
    }
}

/// One result row.
#[derive(Clone, Debug)]
pub struct Row(pub Vec<Val>);

impl Row {
    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        match self.0.get(i) {
            Some(Val::Int(n)) => Ok(*n),
            other => Err(StoreError::Corrupt(format!(
                "column {i}: want integer, got {other:?}"
            ))),
        }
    }
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.0.get(i) {
            Some(Val::Null) => Ok(None),
            _ => self.int(i).map(Some),
        }
    }
    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        match self.0.get(i) {
            Some(Val::Text(s)) => Ok(s.clone()),
            other => Err(StoreError::Corrupt(format!(
                "column {i}: want text, got {other:?}"
            ))),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.0.get(i) {
            Some(Val::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
}

/// A value read from one row of its own query: the struct owns its SELECT list and reads the
/// row by the names in it, so a query's columns and their reading live together.
pub trait FromRow: Sized {
    /// The SELECT list: expressions separated by commas at the top level, each named by its last
    /// word (`a.username` is `username`; give an expression a name with `AS`).
    const COLUMNS: &'static str;

    fn from_row(row: &Named) -> Result<Self, StoreError>;
}

/// The names of a SELECT list, in order.
pub struct Names(Vec<&'static str>);

impl Names {
    pub fn of(columns: &'static str) -> Names {
        let mut names = Vec::new();
        let (mut depth, mut start) = (0usize, 0);
        let bytes = columns.as_bytes();
        for (i, byte) in bytes.iter().enumerate() {
            match byte {
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b',' if depth == 0 => {
                    names.push(last_word(&columns[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        names.push(last_word(&columns[start..]));
        Names(names)
    }

    /// `row` read by these names.
    pub fn read<'r>(&'r self, row: &'r Row) -> Named<'r> {
        Named { names: self, row }
    }
}

/// The name an expression of a SELECT list is read by: its last word, after any `.`.
fn last_word(expression: &'static str) -> &'static str {
    let word = expression
        .trim()
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    word.rsplit('.').next().unwrap_or(word)
}

/// One row, read by column name.
pub struct Named<'r> {
    names: &'r Names,
    row: &'r Row,
}

impl Named<'_> {
    fn at(&self, name: &str) -> Result<usize, StoreError> {
        self.names
            .0
            .iter()
            .position(|n| *n == name)
            .ok_or_else(|| StoreError::Corrupt(format!("no column {name} in the query")))
    }

    fn named<T>(
        &self,
        name: &str,
        read: impl FnOnce(&Row, usize) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        read(self.row, self.at(name)?)
            .map_err(|error| StoreError::Corrupt(format!("column {name}: {error}")))
    }

    pub fn int(&self, name: &str) -> Result<i64, StoreError> {
        self.named(name, Row::int)
    }
    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, StoreError> {
        self.named(name, Row::opt_int)
    }
    pub fn text(&self, name: &str) -> Result<String, StoreError> {
        self.named(name, Row::text)
    }
    pub fn opt_text(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.named(name, Row::opt_text)
    }
    /// A 0/1 integer column, or a boolean expression (SQLite answers 0 or 1, PostgreSQL a
    /// boolean, read as text).
    pub fn bool(&self, name: &str) -> Result<bool, StoreError> {
        self.named(name, |row, i| match row.0.get(i) {
            Some(Val::Int(n)) => Ok(*n != 0),
            Some(Val::Text(t)) => Ok(matches!(t.as_str(), "t" | "true" | "1")),
            other => Err(StoreError::Corrupt(format!(
                "want a boolean, got {other:?}"
            ))),
        })
    }
    pub fn time(&self, name: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
        let text = self.text(name)?;
        crate::clock::parse_stamp(&text)
            .ok_or_else(|| StoreError::Corrupt(format!("column {name}: time '{text}'")))
    }
    pub fn opt_time(
        &self,
        name: &str,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        match self.opt_text(name)? {
            None => Ok(None),
            Some(_) => self.time(name).map(Some),
        }
    }
    /// A coded value (a status, a kind…): an unknown code is a corrupt row.
    pub fn code<T: ourvoice_protocol::codes::Code>(&self, name: &str) -> Result<T, StoreError> {
        let code = self.text(name)?;
        T::parse(&code)
            .ok_or_else(|| StoreError::Corrupt(format!("column {name}: unknown code '{code}'")))
    }
    pub fn opt_code<T: ourvoice_protocol::codes::Code>(
        &self,
        name: &str,
    ) -> Result<Option<T>, StoreError> {
        match self.opt_text(name)? {
            None => Ok(None),
            Some(_) => self.code(name).map(Some),
        }
    }
}

/// The rows of `SELECT {T::COLUMNS} {rest}`, each read as a `T`.
pub fn select<T: FromRow>(
    sql: &mut dyn Sql,
    rest: &str,
    params: &[Val],
) -> Result<Vec<T>, StoreError> {
    query_as(sql, &format!("SELECT {} {rest}", T::COLUMNS), params)
}

/// The rows of `statement`, a whole `SELECT` of [`FromRow::COLUMNS`] (one built once, say), each
/// read as a `T`.
pub fn query_as<T: FromRow>(
    sql: &mut dyn Sql,
    statement: &str,
    params: &[Val],
) -> Result<Vec<T>, StoreError> {
    let rows = sql.query(statement, params)?;
    let names = Names::of(T::COLUMNS);
    rows.iter()
        .map(|row| T::from_row(&names.read(row)))
        .collect()
}

/// The first row of `SELECT {T::COLUMNS} {rest}`, if any, read as a `T`.
pub fn select_opt<T: FromRow>(
    sql: &mut dyn Sql,
    rest: &str,
    params: &[Val],
) -> Result<Option<T>, StoreError> {
    let row = sql.query_opt(&format!("SELECT {} {rest}", T::COLUMNS), params)?;
    let names = Names::of(T::COLUMNS);
    row.as_ref()
        .map(|row| T::from_row(&names.read(row)))
        .transpose()
}

/// `count` placeholders from `$first`, separated by commas (for `IN (…)`).
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Prepared statements kept per connection, on either engine (the least recently used
/// dropped first): every statement of the server, with room for the inbox's filter
/// combinations.
pub const STATEMENT_CACHE: usize = 128;

/// Runs statements on one connection or transaction of either engine.
pub trait Sql {
    /// Runs a statement that returns rows.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError>;
    /// Runs a statement that returns rows and hands each to `each` as it is read, so that a
    /// query over many rows never holds them all (one row at a time on SQLite, a stream of
    /// rows on PostgreSQL).
    fn query_each(
        &mut self,
        sql: &str,
        params: &[Val],
        each: &mut dyn FnMut(&Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Runs a statement; the number of rows changed.
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError>;
    /// The first row, if any.
    fn query_opt(&mut self, sql: &str, params: &[Val]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
    /// Exactly one row.
    fn query_one(&mut self, sql: &str, params: &[Val]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?.ok_or_else(|| {
            StoreError::Corrupt("a query that must return a row returned none".into())
        })
    }
}

/// `$1` → `?1` for SQLite (the server writes no `$` anywhere else in its SQL).
pub fn sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// The two dialects of the migrations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Each migration, in order; version `n` is `MIGRATIONS[n - 1]`. Tokens: `{pk}` an
/// auto-numbered 64-bit primary key, `{int}` a 64-bit integer.
pub const MIGRATIONS: [&str; 12] = [
    // 1: the spine: cases and their events.
    "
CREATE TABLE cases (
    number {pk},
    id TEXT NOT NULL UNIQUE,
    tracking_code TEXT NOT NULL,
    body_digest TEXT NOT NULL,
    secret_digest TEXT NOT NULL,
    kind TEXT NOT NULL,
    place TEXT NOT NULL,
    office TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    evaluation TEXT,
    asked_extra_payment {int},
    about_office_staff {int} NOT NULL,
    incident_date TEXT,
    privacy TEXT NOT NULL CHECK (privacy IN ('anonymous', 'confidential')),
    contact_name TEXT,
    contact_phone TEXT,
    gender TEXT,
    age_band TEXT,
    disability TEXT,
    locale TEXT NOT NULL,
    created_at TEXT NOT NULL,
    app_version TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_seq {int} NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    last_seq {int} NOT NULL DEFAULT 0,
    CHECK (privacy = 'confidential' OR (contact_name IS NULL AND contact_phone IS NULL))
);
CREATE INDEX cases_by_office ON cases (office, status);
CREATE INDEX cases_by_tracking_code ON cases (tracking_code);
CREATE TABLE case_events (
    seq {pk},
    case_number {int} NOT NULL REFERENCES cases (number),
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    office TEXT NOT NULL,
    reply_kind TEXT,
    reply_text TEXT
);
CREATE INDEX case_events_by_case ON case_events (case_number, seq);
",
    // 2: the officials' console: accounts, sessions, audit log, deadlines, richer events.
    "
ALTER TABLE cases ADD COLUMN due_at TEXT;
ALTER TABLE cases ADD COLUMN first_answer_at TEXT;
ALTER TABLE cases ADD COLUMN closed_at TEXT;
ALTER TABLE cases ADD COLUMN escalated {int} NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN reopened {int} NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN rating {int};
ALTER TABLE case_events ADD COLUMN action TEXT NOT NULL DEFAULT 'received';
ALTER TABLE case_events ADD COLUMN account_id {int};
ALTER TABLE case_events ADD COLUMN note TEXT;
ALTER TABLE case_events ADD COLUMN public {int} NOT NULL DEFAULT 1;
CREATE INDEX cases_by_due ON cases (status, due_at);
CREATE TABLE accounts (
    id {pk},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'head', 'citizens_office', 'analyst', 'admin')),
    office TEXT,
    disabled {int} NOT NULL DEFAULT 0,
    failed_logins {int} NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE sessions (
    token_digest TEXT PRIMARY KEY,
    account_id {int} NOT NULL REFERENCES accounts (id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE audit_log (
    id {pk},
    at TEXT NOT NULL,
    account_id {int} NOT NULL REFERENCES accounts (id),
    action TEXT NOT NULL,
    case_number {int},
    detail TEXT
);
CREATE TABLE deadlines (
    kind TEXT PRIMARY KEY,
    working_days {int} NOT NULL CHECK (working_days > 0)
);
INSERT INTO deadlines (kind, working_days) VALUES ('complaint', 15);
INSERT INTO deadlines (kind, working_days) VALUES ('support', 10);
INSERT INTO deadlines (kind, working_days) VALUES ('information', 5);
INSERT INTO deadlines (kind, working_days) VALUES ('evaluation', 15);
",
    // 3: Open311 GeoReport v2: API keys (digests only) and the locations Open311 clients give.
    "
CREATE TABLE api_keys (
    id {pk},
    name TEXT NOT NULL UNIQUE,
    key_digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE open311_locations (
    case_number {int} PRIMARY KEY REFERENCES cases (number),
    latitude TEXT,
    longitude TEXT,
    address_string TEXT
);
CREATE INDEX cases_by_received_at ON cases (received_at);
",
    // 4: offices as administrators run them (on the system or not yet, contact details), the
    // public holidays deadlines skip, and the citizens' answers and ratings by request id (so
    // a phone can resend one whose answer it lost).
    "
CREATE TABLE office_settings (
    office TEXT PRIMARY KEY,
    receiving {int} NOT NULL DEFAULT 1,
    phone TEXT,
    hours TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE holidays (
    day TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE citizen_requests (
    request_id TEXT PRIMARY KEY,
    case_number {int} NOT NULL REFERENCES cases (number),
    body_digest TEXT NOT NULL,
    seq {int} NOT NULL,
    status TEXT NOT NULL
);
",
    // 5: officials' accounts without shared secrets: one-time enrolment links (digests only),
    // the second factor (TOTP secret and last used step, recovery codes by digest), each
    // session's last use, stage and pending TOTP secret, sign-ins (the account when known),
    // and console settings (the two-factor policy).
    "
ALTER TABLE accounts ADD COLUMN totp_secret TEXT;
ALTER TABLE accounts ADD COLUMN totp_last_step {int};
CREATE TABLE enrolment_links (
    token_digest TEXT PRIMARY KEY,
    account_id {int} NOT NULL REFERENCES accounts (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE recovery_codes (
    account_id {int} NOT NULL REFERENCES accounts (id),
    code_digest TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (account_id, code_digest)
);
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
ALTER TABLE sessions ADD COLUMN pending_totp TEXT;
CREATE TABLE sign_ins (
    id {pk},
    at TEXT NOT NULL,
    account_id {int} REFERENCES accounts (id),
    address TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE TABLE console_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO console_settings (name, value) VALUES ('require_2fa', 'off');
",
    // 6: what is published: whether the citizen chose to make an item's text public (its
    // description and the office's public replies). Items stored before are not public.
    "
ALTER TABLE cases ADD COLUMN publish_text {int} NOT NULL DEFAULT 0;
",
    // 7: a fleet of servers on one database: the servers alive (each writes when it last
    // was), the periodic duties each claimed for one period (so that one server does each),
    // and sign-in failures counted for every server at once.
    "
CREATE TABLE fleet_members (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE TABLE duty_runs (
    duty TEXT NOT NULL,
    period {int} NOT NULL,
    server TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (duty, period)
);
CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY,
    failures {int} NOT NULL,
    next_allowed TEXT NOT NULL,
    last_at TEXT NOT NULL
);
",
    // 8: retention: the items that still hold contact details, by state and when they closed
    // (so the sweep finds the expired ones without reading every closed case), and each
    // erasure's count.
    "
CREATE INDEX cases_holding_contacts ON cases (status, closed_at)
    WHERE contact_name IS NOT NULL OR contact_phone IS NOT NULL;
CREATE TABLE retention_runs (
    id {pk},
    at TEXT NOT NULL,
    closed_before TEXT NOT NULL,
    erased {int} NOT NULL
);
",
    // 9: photos and voice notes: each declared attachment of a case (what the phone said it
    // will send, how many bytes arrived, where it stands, and once received where the checked
    // copy and its thumbnail are kept), and the pieces that arrived so far, each one object.
    "
CREATE TABLE attachments (
    number {pk},
    id TEXT NOT NULL,
    case_number {int} NOT NULL REFERENCES cases (number),
    kind TEXT NOT NULL,
    media_type TEXT NOT NULL,
    bytes {int} NOT NULL,
    sha256 TEXT NOT NULL,
    received {int} NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    refusal TEXT,
    object_key TEXT,
    stored_type TEXT,
    thumbnail_key TEXT,
    stored_bytes {int},
    created_at TEXT NOT NULL,
    received_at TEXT,
    UNIQUE (case_number, id)
);
CREATE TABLE attachment_pieces (
    attachment {int} NOT NULL REFERENCES attachments (number),
    start {int} NOT NULL,
    length {int} NOT NULL,
    object_key TEXT NOT NULL,
    PRIMARY KEY (attachment, start)
);
",
    // 10: the public scorecards, made once a day for the whole fleet: each subject's (an
    // office's, a province's, the country's) JSON and its strong ETag, with the province it
    // belongs to (for the province's list of offices) and the last day it counts; and the open
    // data files made with them (the bulk downloads of every office), each with its ETag.
    "
CREATE TABLE scorecards (
    subject TEXT PRIMARY KEY,
    province TEXT,
    last_day TEXT NOT NULL,
    body TEXT NOT NULL,
    etag TEXT NOT NULL
);
CREATE INDEX scorecards_by_province ON scorecards (province, subject);
CREATE TABLE open_data_files (
    name TEXT PRIMARY KEY,
    last_day TEXT NOT NULL,
    media_type TEXT NOT NULL,
    body TEXT NOT NULL,
    etag TEXT NOT NULL
);
",
    // 11: the inbox's order within an office (state, due date, reopened, received, number),
    // so that a page is found in the index alone and only its own lines are read from the
    // cases; it starts with what `cases_by_office` held, which goes.
    "
CREATE INDEX cases_inbox ON cases (office, status, due_at, reopened, received_at, number);
DROP INDEX cases_by_office;
",
    // 12: an office's cases per state with their last change and how many are escalated,
    // read in the index alone: whether an inbox page kept in memory is still what the cases
    // say (`inbox::KeptInboxes`).
    "
CREATE INDEX cases_inbox_state ON cases (office, status, escalated, last_seq);
",
];

/// The schema this server writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Migration `version` (1-based) in `dialect`.
pub fn migration(version: u32, dialect: Dialect) -> String {
    let (pk, int) = match dialect {
        Dialect::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"),
        Dialect::Postgres => ("BIGSERIAL PRIMARY KEY", "BIGINT"),
    };
    MIGRATIONS[version as usize - 1]
        .replace("{pk}", pk)
        .replace("{int}", int)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_for_sqlite() {
        for (input, expect) in [
            ("SELECT $1, $12", "SELECT ?1, ?12"),
            ("WHERE a = $2 AND b = 'x'", "WHERE a = ?2 AND b = 'x'"),
            ("no params", "no params"),
        ] {
            assert_eq!(sqlite_placeholders(input), expect);
        }
    }

    #[test]
    fn migrations_have_no_tokens_left() {
        for version in 1..=SCHEMA_VERSION {
            for dialect in [Dialect::Sqlite, Dialect::Postgres] {
                let sql = migration(version, dialect);
                assert!(!sql.contains('{'), "{version} {dialect:?}");
            }
        }
    }

    #[test]
    fn names_are_the_last_words_of_a_select_list() {
        let names = Names::of(
            "a.id, count(*) AS cases,
             (SELECT max(e.at) FROM case_events e WHERE e.case_number = c.number) AS updated_at,
             s.csrf",
        );
        assert_eq!(names.0, ["id", "cases", "updated_at", "csrf"]);
    }

    #[test]
    fn rows_are_read_by_name_and_an_unknown_code_is_corrupt() {
        use ourvoice_protocol::CaseStatus;
        let names = Names::of("status, office");
        let row = Row(vec![Val::from("answered"), Val::from("PDO-12")]);
        let named = names.read(&row);
        assert_eq!(named.text("office").unwrap(), "PDO-12");
        assert_eq!(
            named.code::<CaseStatus>("status").unwrap(),
            CaseStatus::Answered
        );
        assert!(matches!(named.text("nothing"), Err(StoreError::Corrupt(_))));
        let unknown = Row(vec![Val::from("on_hold"), Val::from("PDO-12")]);
        assert!(matches!(
            names.read(&unknown).code::<CaseStatus>("status"),
            Err(StoreError::Corrupt(_))
        ));
    }
}
