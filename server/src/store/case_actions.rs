//! What happens to a case after it arrived: the office's actions (reply, question, change of
//! state, transfer, escalation), the citizen's answer and rating, and the escalation of overdue
//! cases.
//!
//! Guarantees: each action writes one event and the case's new state in the caller's
//! transaction; an action the case's state does not allow is refused, not written.

use chrono::{DateTime, Utc};

use super::inbox::{case_detail, Scope};
use super::sql::{Sql, Val};
use super::StoreError;
use crate::clock::stamp;

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
