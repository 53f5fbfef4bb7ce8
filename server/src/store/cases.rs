//! Cases as the citizen's app sees them: storing a new submission (idempotently), proving a
//! case's secret, the citizen's requests already answered, and the events a device may read back.
//!
//! Guarantees: anonymous cases have no contact columns filled; secrets are kept only as
//! SHA-256 digests; a device sees only public events of cases whose secret it proves.

use chrono::{DateTime, Utc};
use ourvoice_protocol::{
    CaseStatus, CaseUpdate, Code, EventAction, ItemKey, ItemOutcome, Privacy, Reply, ReplyKind,
};
use std::sync::LazyLock;

use super::calendar::DeadlineRules;
use super::sql::{select, select_opt, FromRow, Named, Sql, Val};
use super::{NewCase, StoreError};
use crate::clock::{parse_stamp, stamp};

pub fn parse_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    parse_stamp(text).ok_or_else(|| StoreError::Corrupt(format!("time '{text}'")))
}

/// The columns of a new case, in the order [`case_values`] gives them.
const CASE_COLUMNS: &str = "id, tracking_code, body_digest, secret_digest, kind, place, office,
    category, description, evaluation, asked_extra_payment, about_office_staff, incident_date,
    privacy, contact_name, contact_phone, gender, age_band, disability, locale, created_at,
    app_version, received_at, due_at, publish_text";
/// The constant end of each new case's row: its status.
static NEW_CASE_TAIL: LazyLock<String> =
    LazyLock::new(|| format!(", '{}'", CaseStatus::Received.as_str()));
/// The constant end of each first event's row: its status and action.
static FIRST_EVENT_TAIL: LazyLock<String> = LazyLock::new(|| {
    format!(
        ", '{}', '{}'",
        CaseStatus::Received.as_str(),
        EventAction::Received.as_str()
    )
});
/// How many values [`case_values`] gives.
const CASE_VALUES: usize = 25;
/// Items written by one statement: few round trips, and well under SQLite's 32,766 parameters.
const ITEMS_PER_STATEMENT: usize = 100;

/// The values of a new case, in the order of [`CASE_COLUMNS`].
fn case_values(
    case: &NewCase,
    received_at: &str,
    rules: &DeadlineRules,
    now: DateTime<Utc>,
) -> [Val; CASE_VALUES] {
    let s = &case.submission;
    let (contact_name, contact_phone) = match &s.privacy {
        Privacy::Anonymous => (None, None),
        Privacy::Confidential { name, phone } => (Some(name.as_str()), Some(phone.as_str())),
    };
    let profile = s.profile.clone().unwrap_or_default();
    [
        Val::from(s.id.to_string()),
        Val::from(s.tracking_code().as_str()),
        Val::from(&case.body_digest),
        Val::from(s.secret.digest()),
        Val::from(s.kind.as_str()),
        Val::from(&s.place),
        Val::from(&case.office),
        Val::from(&s.category),
        Val::from(&s.description),
        Val::from(
            s.evaluation
                .as_ref()
                .map(|e| serde_json::to_string(e).expect("ratings serialise")),
        ),
        Val::from(s.asked_extra_payment),
        Val::from(s.about_office_staff),
        Val::from(s.incident_date.map(|d| d.to_string())),
        Val::from(s.privacy.mode().as_str()),
        Val::from(contact_name),
        Val::from(contact_phone),
        Val::from(profile.gender.map(Code::as_str)),
        Val::from(profile.age_band.map(Code::as_str)),
        Val::from(profile.disability.map(Code::as_str)),
        Val::from(s.locale.code()),
        Val::from(stamp(s.created_at)),
        Val::from(&s.app_version),
        Val::from(received_at),
        Val::from(stamp(rules.due(s.kind, now))),
        Val::from(s.publish_text),
    ]
}

/// `($1, $2, …tail), ($n+1, …tail), …`: `rows` rows of `width` placeholders, each written by
/// `placeholder`, then `tail` (constant values) at the end of each row.
fn rows_of(rows: usize, width: usize, placeholder: impl Fn(usize) -> String, tail: &str) -> String {
    (0..rows)
        .map(|row| {
            let values: Vec<String> = (1..=width)
                .map(|column| placeholder(row * width + column))
                .collect();
            format!("({}{tail})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Stores new cases, each with its first event, a few statements for up to
/// [`ITEMS_PER_STATEMENT`] items; one outcome per case, in order. An id stored already (by an
/// earlier request, or earlier in `cases`) gets the original answer, or a conflict for another
/// body.
///
/// The rows are inserted in the order of their ids, so that two transactions holding some of
/// the same ids (one phone's batch reaching two servers, or two ingest writers) take their
/// locks in the same order: the second waits for the first and then answers as a repeat,
/// instead of the two deadlocking.
pub fn write_cases(
    sql: &mut dyn Sql,
    cases: &[&NewCase],
    now: DateTime<Utc>,
    rules: &DeadlineRules,
) -> Result<Vec<ItemOutcome>, StoreError> {
    let mut order: Vec<usize> = (0..cases.len()).collect();
    // Stable: of two items with one id, the first stays first (the other is its repeat).
    order.sort_by_key(|&index| cases[index].submission.id);
    let sorted: Vec<&NewCase> = order.iter().map(|&index| cases[index]).collect();
    let written = write_in_order(sql, &sorted, now, rules)?;
    let mut outcomes: Vec<Option<ItemOutcome>> = vec![None; cases.len()];
    for (index, outcome) in order.into_iter().zip(written) {
        outcomes[index] = Some(outcome);
    }
    Ok(outcomes.into_iter().flatten().collect())
}

/// [`write_cases`] for cases already in the order they are to be inserted.
fn write_in_order(
    sql: &mut dyn Sql,
    cases: &[&NewCase],
    now: DateTime<Utc>,
    rules: &DeadlineRules,
) -> Result<Vec<ItemOutcome>, StoreError> {
    let received_at = stamp(now);
    let received = parse_time(&received_at)?;
    let mut outcomes: Vec<Option<ItemOutcome>> = vec![None; cases.len()];
    for (chunk_index, chunk) in cases.chunks(ITEMS_PER_STATEMENT).enumerate() {
        let offset = chunk_index * ITEMS_PER_STATEMENT;
        let params: Vec<Val> = chunk
            .iter()
            .flat_map(|case| case_values(case, &received_at, rules, now))
            .collect();
        let inserted = sql.query(
            &format!(
                "INSERT INTO cases ({CASE_COLUMNS}, status) VALUES {}
                 ON CONFLICT (id) DO NOTHING RETURNING id, number",
                rows_of(
                    chunk.len(),
                    CASE_VALUES,
                    |n| format!("${n}"),
                    &NEW_CASE_TAIL
                )
            ),
            &params,
        )?;
        // Which item each new number belongs to: the first item with that id (a later one with
        // the same id conflicted with it).
        let mut numbers: Vec<(usize, i64)> = Vec::with_capacity(inserted.len());
        for row in &inserted {
            let id = row.text(0)?;
            let stored = uuid::Uuid::parse_str(&id).ok();
            let index = chunk
                .iter()
                .position(|case| Some(case.submission.id) == stored)
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("an insert returned an unknown id {id}"))
                })?;
            numbers.push((index, row.int(1)?));
        }
        if numbers.is_empty() {
            continue;
        }
        let mut event_params = Vec::with_capacity(numbers.len() * 3);
        for (index, number) in &numbers {
            event_params.extend([
                Val::Int(*number),
                Val::from(&received_at),
                Val::from(&chunk[*index].office),
            ]);
        }
        let events = sql.query(
            &format!(
                "INSERT INTO case_events (case_number, at, office, status, action) VALUES {} RETURNING case_number, seq",
                rows_of(numbers.len(), 3, |n| format!("${n}"), &FIRST_EVENT_TAIL)
            ),
            &event_params,
        )?;
        // The attachments each new case declared, uploading with nothing received yet (a
        // repeat of a stored case inserts nothing: it has no new number).
        let declared: Vec<(i64, &ourvoice_protocol::AttachmentDeclaration)> = numbers
            .iter()
            .flat_map(|(index, number)| {
                chunk[*index]
                    .submission
                    .attachments
                    .iter()
                    .map(move |attachment| (*number, attachment))
            })
            .collect();
        super::attachments::insert_declared(sql, &declared, &received_at)?;
        let mut seqs = Vec::with_capacity(events.len() * 2);
        for row in &events {
            seqs.extend([Val::Int(row.int(0)?), Val::Int(row.int(1)?)]);
        }
        sql.execute(
            &format!(
                "UPDATE cases SET received_seq = v.column2, last_seq = v.column2
                 FROM (VALUES {}) AS v WHERE cases.number = v.column1",
                rows_of(events.len(), 2, |n| format!("CAST(${n} AS BIGINT)"), "")
            ),
            &seqs,
        )?;
        for row in &events {
            let (number, seq) = (row.int(0)?, row.int(1)?);
            let (index, _) = numbers.iter().find(|(_, n)| *n == number).ok_or_else(|| {
                StoreError::Corrupt(format!("an event for an unknown case {number}"))
            })?;
            outcomes[offset + index] = Some(ItemOutcome::Accepted {
                server_number: number as u64,
                office: chunk[*index].office.clone(),
                status: CaseStatus::Received,
                seq: seq as u64,
                received_at: received,
                answer_by: Some(parse_time(&stamp(
                    rules.due(chunk[*index].submission.kind, now),
                ))?),
            });
        }
    }
    // Ids stored already: the original answer, or a conflict (the rare path, one by one).
    for (index, case) in cases.iter().enumerate() {
        if outcomes[index].is_none() {
            outcomes[index] = Some(repeat(
                sql,
                &case.submission.id.to_string(),
                &case.body_digest,
            )?);
        }
    }
    Ok(outcomes.into_iter().flatten().collect())
}

/// A case as it was stored: what a repeat of its id is answered with.
struct Stored {
    number: i64,
    body_digest: String,
    received_seq: i64,
    received_at: DateTime<Utc>,
    due_at: Option<DateTime<Utc>>,
}

impl FromRow for Stored {
    const COLUMNS: &'static str = "number, body_digest, received_seq, received_at, due_at";

    fn from_row(row: &Named) -> Result<Stored, StoreError> {
        Ok(Stored {
            number: row.int("number")?,
            body_digest: row.text("body_digest")?,
            received_seq: row.int("received_seq")?,
            received_at: row.time("received_at")?,
            due_at: row.opt_time("due_at")?,
        })
    }
}

/// The answer to an id stored already: the original answer for the same body, else a conflict.
fn repeat(sql: &mut dyn Sql, id: &str, body_digest: &str) -> Result<ItemOutcome, StoreError> {
    let stored: Stored = select_opt(sql, "FROM cases WHERE id = $1", &[Val::from(id)])?
        .ok_or_else(|| StoreError::Corrupt(format!("a stored id {id} is gone")))?;
    if stored.body_digest != body_digest {
        return Ok(ItemOutcome::Conflict);
    }
    // The original answer again: the office and status it was received with.
    let office = sql
        .query_one(
            "SELECT office FROM case_events WHERE seq = $1",
            &[Val::Int(stored.received_seq)],
        )?
        .text(0)?;
    Ok(ItemOutcome::Accepted {
        server_number: stored.number as u64,
        office,
        status: CaseStatus::Received,
        seq: stored.received_seq as u64,
        received_at: stored.received_at,
        answer_by: stored.due_at,
    })
}

/// The case number of `id` if `secret` proves it.
pub fn prove(
    sql: &mut dyn Sql,
    id: &uuid::Uuid,
    secret: &ourvoice_protocol::Secret,
) -> Result<Option<i64>, StoreError> {
    let found = sql.query_opt(
        "SELECT number, secret_digest FROM cases WHERE id = $1",
        &[Val::from(id.to_string())],
    )?;
    Ok(match found {
        Some(row) if row.text(1)? == secret.digest() => Some(row.int(0)?),
        _ => None,
    })
}

/// What became of an earlier citizen's answer or rating with the same request id.
pub enum EarlierRequest {
    /// The same request: its event and the status it left.
    Same(i64, CaseStatus),
    /// The id was used for another case or another body.
    Reused,
}

/// A citizen's request that took effect, as recorded.
struct Recorded {
    case_number: i64,
    body_digest: String,
    seq: i64,
    status: CaseStatus,
}

impl FromRow for Recorded {
    const COLUMNS: &'static str = "case_number, body_digest, seq, status";

    fn from_row(row: &Named) -> Result<Recorded, StoreError> {
        Ok(Recorded {
            case_number: row.int("case_number")?,
            body_digest: row.text("body_digest")?,
            seq: row.int("seq")?,
            status: row.code("status")?,
        })
    }
}

/// The earlier request `request_id`, if any; `Same` only for the same case and body.
pub fn earlier_citizen_request(
    sql: &mut dyn Sql,
    request_id: &uuid::Uuid,
    number: i64,
    body_digest: &str,
) -> Result<Option<EarlierRequest>, StoreError> {
    let found: Option<Recorded> = select_opt(
        sql,
        "FROM citizen_requests WHERE request_id = $1",
        &[Val::from(request_id.to_string())],
    )?;
    Ok(found.map(|earlier| {
        if earlier.case_number == number && earlier.body_digest == body_digest {
            EarlierRequest::Same(earlier.seq, earlier.status)
        } else {
            EarlierRequest::Reused
        }
    }))
}

/// Remembers a citizen's request that took effect (event `seq`, leaving `status`).
pub fn record_citizen_request(
    sql: &mut dyn Sql,
    request_id: &uuid::Uuid,
    number: i64,
    body_digest: &str,
    seq: i64,
    status: CaseStatus,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO citizen_requests (request_id, case_number, body_digest, seq, status)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            Val::from(request_id.to_string()),
            Val::Int(number),
            Val::from(body_digest),
            Val::Int(seq),
            Val::from(status.as_str()),
        ],
    )?;
    Ok(())
}

/// A public event of a case, as a device reads it back.
struct PublicEvent {
    seq: i64,
    at: DateTime<Utc>,
    status: CaseStatus,
    office: String,
    reply: Option<Reply>,
}

impl FromRow for PublicEvent {
    const COLUMNS: &'static str = "seq, at, status, office, reply_kind, reply_text";

    fn from_row(row: &Named) -> Result<PublicEvent, StoreError> {
        let reply = match (row.opt_text("reply_kind")?, row.opt_text("reply_text")?) {
            (Some(kind), Some(text)) => Some(Reply {
                kind: match ReplyKind::parse(&kind) {
                    Some(ReplyKind::Question) => ReplyKind::Question,
                    _ => ReplyKind::Answer,
                },
                text,
            }),
            _ => None,
        };
        Ok(PublicEvent {
            seq: row.int("seq")?,
            at: row.time("at")?,
            status: row.code("status")?,
            office: row.text("office")?,
            reply,
        })
    }
}

pub fn updates(sql: &mut dyn Sql, keys: &[ItemKey]) -> Result<Vec<CaseUpdate>, StoreError> {
    let mut updates = Vec::new();
    for key in keys {
        let Some(number) = prove(sql, &key.id, &key.secret)? else {
            continue;
        };
        let events: Vec<PublicEvent> = select(
            sql,
            "FROM case_events WHERE case_number = $1 AND seq > $2 AND public = 1 ORDER BY seq",
            &[
                Val::Int(number),
                Val::Int(key.since.min(i64::MAX as u64) as i64),
            ],
        )?;
        updates.extend(events.into_iter().map(|event| CaseUpdate {
            id: key.id,
            seq: event.seq as u64,
            at: event.at,
            status: event.status,
            office: event.office,
            reply: event.reply,
        }));
    }
    updates.sort_by_key(|u| u.seq);
    Ok(updates)
}
