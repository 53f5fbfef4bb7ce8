//! What happens to a case after it arrived: the office's actions (reply, question, change of
//! state, transfer, escalation), the citizen's answer and rating, and the escalation of overdue
//! cases.
//!
//! Guarantees: each action writes one event and the case's new state in the caller's
//! transaction, after locking the case's row ([`lock_case`]), so that the events of one case
//! commit in `seq` order whichever writer or server makes them; an action the case's state does
//! not allow is refused, not written.

use chrono::{DateTime, Utc};
use ourvoice_protocol::{sql_list, CaseStatus, Code, EventAction, ReplyKind};
use std::sync::LazyLock;

use super::inbox::{case_detail, Scope};
use super::sql::{query_as, select_opt, FromRow, Named, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// What happens to a case; each becomes one event.
#[derive(Clone, Debug)]
pub enum Action {
    Reply { text: String },
    Question { text: String },
    State { to: CaseStatus },
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

/// Locks the case's row until the transaction ends, before anything about it is read. Every
/// new event of an existing case is written after this, so on PostgreSQL (several writers, or
/// several servers) the events of one case commit one transaction after the other, in `seq`
/// order (a device's cursor never skips one), and each change is decided on the state the
/// previous one left. SQLite has one writer anyway.
fn lock_case(sql: &mut dyn Sql, number: i64) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE cases SET last_seq = last_seq WHERE number = $1",
        &[Val::Int(number)],
    )?;
    Ok(())
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
    lock_case(sql, number)?;
    let Some(detail) = case_detail(sql, scope, number)? else {
        return Ok(Err(Refusal::NotFound));
    };
    let status = detail.line.status;
    let may_act = status.office_may_act();
    let at = stamp(now);
    let reply = |kind: ReplyKind, text: &String| {
        (
            CaseStatus::after_reply(kind),
            detail.line.office.clone(),
            Some(kind.as_str()),
            Some(text.clone()),
            None,
            EventAction::of_reply(kind),
        )
    };
    let (new_status, office, kind, text, note, name) = match action {
        Action::Reply { text } if may_act => reply(ReplyKind::Answer, text),
        Action::Question { text } if may_act => reply(ReplyKind::Question, text),
        Action::State { to } if status.may_change_by_hand_to(*to) => (
            *to,
            detail.line.office.clone(),
            None,
            None,
            None,
            EventAction::State,
        ),
        Action::Transfer { office, reason } if may_act && *office != detail.line.office => (
            status,
            office.clone(),
            None,
            None,
            Some(reason.clone()),
            EventAction::Transfer,
        ),
        Action::Escalate { to } if may_act && *to != detail.line.office => {
            (status, to.clone(), None, None, None, EventAction::Escalate)
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
                Val::from(new_status.as_str()),
                Val::from(&office),
                Val::from(kind),
                Val::from(text),
                Val::from(name.as_str()),
                Val::Int(account_id),
                Val::from(note),
            ],
        )?
        .int(0)?;
    sql.execute(
        "UPDATE cases SET status = $2, office = $3, last_seq = $4,
            first_answer_at = CASE WHEN $5 = 1 AND first_answer_at IS NULL THEN $6 ELSE first_answer_at END,
            closed_at = CASE WHEN $7 = 1 THEN $6 ELSE closed_at END,
            escalated = CASE WHEN $8 = 1 THEN 1 ELSE escalated END,
            reopened = 0
         WHERE number = $1",
        &[
            Val::Int(number),
            Val::from(new_status.as_str()),
            Val::from(&office),
            Val::Int(seq),
            Val::from(new_status == CaseStatus::Answered),
            Val::from(&at),
            Val::from(new_status.is_closed()),
            Val::from(name == EventAction::Escalate),
        ],
    )?;
    Ok(Ok(seq))
}

/// An overdue case: its number and office.
struct Overdue(i64, String);

impl FromRow for Overdue {
    const COLUMNS: &'static str = "number, office";

    fn from_row(row: &Named) -> Result<Overdue, StoreError> {
        Ok(Overdue(row.int("number")?, row.text("office")?))
    }
}

/// The open cases past their deadline and not yet escalated, oldest number first (the limit
/// is written after it).
static OVERDUE_UNESCALATED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM cases
         WHERE status IN {} AND due_at < $1 AND escalated = 0
         ORDER BY number LIMIT",
        Overdue::COLUMNS,
        sql_list(CaseStatus::OPEN)
    )
});

/// The first `limit` open cases past their deadline and not yet escalated: (number, office).
pub fn overdue_unescalated(
    sql: &mut dyn Sql,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<(i64, String)>, StoreError> {
    let overdue = query_as(
        sql,
        &format!("{} {limit}", *OVERDUE_UNESCALATED),
        &[Val::from(stamp(now))],
    )?;
    Ok(overdue
        .into_iter()
        .map(|Overdue(number, office)| (number, office))
        .collect())
}

/// How many open cases are past their deadline (escalated or not).
static COUNT_OVERDUE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT count(*) FROM cases WHERE status IN {} AND due_at < $1",
        sql_list(CaseStatus::OPEN)
    )
});

/// Open cases past their deadline now, counted on the index `cases_by_due` (only the overdue
/// entries of each open status are read, never every case).
pub fn count_overdue(sql: &mut dyn Sql, now: DateTime<Utc>) -> Result<i64, StoreError> {
    sql.query_one(&COUNT_OVERDUE, &[Val::from(stamp(now))])?
        .int(0)
}

/// Where a case stands: its status and office.
struct Standing {
    status: CaseStatus,
    office: String,
}

impl FromRow for Standing {
    const COLUMNS: &'static str = "status, office";

    fn from_row(row: &Named) -> Result<Standing, StoreError> {
        Ok(Standing {
            status: row.code("status")?,
            office: row.text("office")?,
        })
    }
}

fn standing(sql: &mut dyn Sql, number: i64) -> Result<Standing, StoreError> {
    select_opt(sql, "FROM cases WHERE number = $1", &[Val::Int(number)])?
        .ok_or_else(|| StoreError::Corrupt(format!("case {number} is gone")))
}

/// Escalates one overdue case to `to` (by the system, no account); marks it escalated even when
/// there is no office above, so the sweep does not try again.
pub fn escalate_overdue(
    sql: &mut dyn Sql,
    number: i64,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    lock_case(sql, number)?;
    if let Some(to) = to {
        let status = standing(sql, number)?.status;
        let seq = sql
            .query_one(
                "INSERT INTO case_events (case_number, at, status, office, action, note, public)
                 VALUES ($1, $2, $3, $4, $5, 'overdue', 1) RETURNING seq",
                &[
                    Val::Int(number),
                    Val::from(stamp(now)),
                    Val::from(status.as_str()),
                    Val::from(to),
                    Val::from(EventAction::Escalate.as_str()),
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

/// A citizen's answer to the office's question (proven by the secret by the caller); the new
/// event and the status it leaves.
pub fn citizen_answer(
    sql: &mut dyn Sql,
    number: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Result<(i64, CaseStatus), Refusal>, StoreError> {
    lock_case(sql, number)?;
    let case = standing(sql, number)?;
    if !case.status.accepts_citizen_answer() {
        return Ok(Err(Refusal::WrongState));
    }
    let new_status = CaseStatus::AFTER_CITIZEN_ANSWER;
    let seq = sql
        .query_one(
            "INSERT INTO case_events (case_number, at, status, office, action, note, public)
             VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING seq",
            &[
                Val::Int(number),
                Val::from(stamp(now)),
                Val::from(new_status.as_str()),
                Val::from(&case.office),
                Val::from(EventAction::CitizenAnswer.as_str()),
                Val::from(text),
            ],
        )?
        .int(0)?;
    sql.execute(
        "UPDATE cases SET status = $3, last_seq = $2, reopened = 1 WHERE number = $1",
        &[
            Val::Int(number),
            Val::Int(seq),
            Val::from(new_status.as_str()),
        ],
    )?;
    Ok(Ok((seq, new_status)))
}

/// A citizen's rating of the answer; 1 or 2 reopens the case and flags it for the office. The
/// new event and the status it leaves.
pub fn citizen_rating(
    sql: &mut dyn Sql,
    number: i64,
    rating: i64,
    now: DateTime<Utc>,
) -> Result<Result<(i64, CaseStatus), Refusal>, StoreError> {
    lock_case(sql, number)?;
    let case = standing(sql, number)?;
    if !case.status.accepts_rating() {
        return Ok(Err(Refusal::WrongState));
    }
    // Below 0 reopens like 0 did, above 255 keeps like 255 did.
    let stars = rating.clamp(0, i64::from(u8::MAX)) as u8;
    let new_status = case.status.after_rating(stars);
    let action = EventAction::of_rating(stars);
    let reopen = action == EventAction::Reopen;
    let seq = sql
        .query_one(
            "INSERT INTO case_events (case_number, at, status, office, action, note, public)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
            &[
                Val::Int(number),
                Val::from(stamp(now)),
                Val::from(new_status.as_str()),
                Val::from(&case.office),
                Val::from(action.as_str()),
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
            Val::from(new_status.as_str()),
            Val::from(reopen),
            Val::Int(seq),
            Val::from(reopen),
        ],
    )?;
    Ok(Ok((seq, new_status)))
}
