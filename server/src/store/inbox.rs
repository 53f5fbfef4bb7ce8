//! Reading cases in the console: the office inbox with its filters and counts, the CSV export,
//! one case with its history, and its contact details.
//!
//! Guarantees: every case query here is limited by a [`Scope`], so no caller can read a case
//! outside the account's offices by forgetting a filter; contact details are read only by
//! [`contact`], which writes the audit entry in the same transaction.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use super::audit::audit;
use super::cases::parse_time;
use super::sql::{Row, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

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
