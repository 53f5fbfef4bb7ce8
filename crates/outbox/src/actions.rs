//! The citizen's actions on a case: an answer to the office's question and a rating of the
//! office's answer, queued on the phone exactly like submissions.
//!
//! Guarantees:
//! - [`Outbox::queue_action`] returns the action's request id only after a `synchronous=FULL`
//!   commit; the request id (a UUID v4 made here) is the idempotency key the server knows the
//!   action by, and every send of the action carries it and the same text or rating.
//! - An action leaves the pending states (queued, sending, retrying) only through
//!   [`Outbox::settle_action`], i.e. after the server answered for it (sent or refused), or
//!   when the server refused the submission it belongs to, which nothing can then follow.
//! - An action is offered for sending only once its submission is accepted, and only after every
//!   earlier action on the same case was answered for, so the server sees them in their order.
//! - Actions left `sending` by a killed app are pending again when the outbox is next opened.

use ourvoice_protocol::{
    citizen_answer_text, citizen_rating, CaseStatus, CitizenActionKind, CitizenActionRefusal, Code,
    Secret, Submission,
};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row, Transaction, TransactionBehavior};
use uuid::Uuid;

use crate::queue::{Outcome, Queue, Stage, PENDING};
use crate::store::parse_id;
use crate::{Outbox, OutboxError};

/// What the citizen sends back about a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionBody {
    /// An answer to the office's question.
    Answer(String),
    /// A rating of the office's answer, 1 to 5.
    Rating(u8),
}

impl ActionBody {
    /// Which of the citizen's actions this is.
    pub fn kind(&self) -> CitizenActionKind {
        match self {
            ActionBody::Answer(_) => CitizenActionKind::Answer,
            ActionBody::Rating(_) => CitizenActionKind::Rating,
        }
    }
}

/// Where one action stands, as the citizen sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionState {
    /// Stored on the phone, never tried yet.
    Queued,
    /// A request carrying it is under way.
    Sending,
    /// Tried and failed for a reason that may pass (no network, server busy).
    Retrying {
        attempts: u32,
        next_attempt_at: i64,
        last_error: String,
    },
    /// The server took it: the case's event and status after it.
    Sent { seq: u64, status: CaseStatus },
    /// The server refused it for good, with its error code (`wrong_state`: the case no longer
    /// takes it, e.g. the office closed the question meanwhile; `not_found`;
    /// `request_id_reused`; `text_length`; `rating_out_of_range`; `submission_refused`: the
    /// submission itself was refused).
    Refused { code: String },
}

impl ActionState {
    /// Still waiting for the server's answer.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            ActionState::Queued | ActionState::Sending | ActionState::Retrying { .. }
        )
    }
}

/// One of the citizen's actions with everything the UI shows about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitizenAction {
    pub request_id: Uuid,
    pub submission_id: Uuid,
    pub body: ActionBody,
    /// Unix milliseconds.
    pub created_at: i64,
    pub state: ActionState,
}

/// An action taken for sending: what the request is built from.
#[derive(Clone, Debug)]
pub struct ClaimedAction {
    pub request_id: Uuid,
    pub submission_id: Uuid,
    /// The submission's secret, which proves the case to the server.
    pub secret: Secret,
    pub body: ActionBody,
}

/// The server's answer for one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionSettlement {
    Sent { seq: u64, status: CaseStatus },
    Refused { code: String },
}

const ACTION_COLUMNS: &str = "request_id, submission_id, kind, text, rating, created_at, state,
    attempts, next_attempt_at, last_error, refusal, seq, status";

impl Outbox {
    /// Validates the action and stores it durably as `queued` for submission `submission_id`;
    /// returns its request id. Refused (nothing stored) for an unknown submission, one the
    /// server refused, an empty or too long answer, or a rating outside 1 to 5.
    pub fn queue_action(
        &self,
        submission_id: Uuid,
        body: ActionBody,
        now_ms: i64,
    ) -> Result<Uuid, OutboxError> {
        let refused = |refusal: CitizenActionRefusal| OutboxError::InvalidAction(refusal.as_str());
        let (text, rating) = match &body {
            ActionBody::Answer(text) => (Some(citizen_answer_text(text).map_err(refused)?), None),
            ActionBody::Rating(rating) => (None, Some(citizen_rating(*rating).map_err(refused)?)),
        };
        let kind = body.kind().as_str();
        let request_id = Uuid::new_v4();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state: Option<String> = tx
            .query_row(
                "SELECT state FROM submissions WHERE id = ?1",
                [submission_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match state.as_deref() {
            None => return Err(OutboxError::UnknownSubmission(submission_id)),
            Some("rejected" | "conflict") => {
                return Err(OutboxError::InvalidAction("submission_refused"))
            }
            Some(_) => {}
        }
        tx.execute(
            "INSERT INTO citizen_actions (request_id, submission_id, kind, text, rating, created_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued')",
            params![
                request_id.to_string(),
                submission_id.to_string(),
                kind,
                text,
                rating,
                now_ms
            ],
        )?;
        tx.commit()?;
        Ok(request_id)
    }

    /// The citizen's actions on one submission, oldest first.
    pub fn actions_of(&self, submission_id: Uuid) -> Result<Vec<CitizenAction>, OutboxError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT {ACTION_COLUMNS} FROM citizen_actions WHERE submission_id = ?1
             ORDER BY created_at, rowid"
        ))?;
        let rows = statement.query_map([submission_id.to_string()], read_action)?;
        rows.map(|row| row?.into_action()).collect()
    }

    /// One action by its request id.
    pub fn action(&self, request_id: Uuid) -> Result<Option<CitizenAction>, OutboxError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                &format!("SELECT {ACTION_COLUMNS} FROM citizen_actions WHERE request_id = ?1"),
                [request_id.to_string()],
                read_action,
            )
            .optional()?;
        row.map(RawAction::into_action).transpose()
    }

    /// Takes the oldest due pending action whose submission the server has accepted, and whose
    /// earlier actions on the same case are all settled, and marks it `sending`.
    /// `ignore_backoff` takes one whose retry time has not come yet. Pending actions of a
    /// submission the server refused are refused with `submission_refused` first.
    pub fn claim_due_action(
        &self,
        now_ms: i64,
        ignore_backoff: bool,
    ) -> Result<Option<ClaimedAction>, OutboxError> {
        Ok(self
            .claim_in::<Actions>(now_ms, 1, usize::MAX, ignore_backoff)?
            .pop())
    }

    /// Records the server's answer for one action. Only a pending action changes; a repeated
    /// answer is a no-op. An answer the server took on a case whose text the citizen chose to
    /// hide is then blanked on this phone.
    pub fn settle_action(
        &self,
        request_id: Uuid,
        settlement: &ActionSettlement,
        now_ms: i64,
    ) -> Result<(), OutboxError> {
        self.settle_in::<Actions>(&[(request_id, settlement.clone())], now_ms)
    }

    /// Puts an action whose sending failed back in the queue: one more attempt, the error, and
    /// the time of the next try (`next_attempt_at(attempts)`, Unix ms).
    pub fn release_failed_action(
        &self,
        request_id: Uuid,
        error: &str,
        next_attempt_at: impl FnMut(u32) -> i64,
    ) -> Result<(), OutboxError> {
        self.release_in::<Actions>(&[request_id], error, next_attempt_at)
    }
}

/// The queue of the citizen's answers and ratings (the `citizen_actions` table): one request
/// each, in the order the citizen made them on each case, once the case's submission is
/// accepted.
pub struct Actions;

impl Queue for Actions {
    const TABLE: &'static str = "citizen_actions";
    const KEY: &'static str = "request_id";
    type Claimed = ClaimedAction;
    type Settlement = ActionSettlement;

    fn key(claimed: &ClaimedAction) -> Uuid {
        claimed.request_id
    }

    fn due(
        tx: &Transaction<'_>,
        now_ms: i64,
        limit: usize,
        ignore_backoff: bool,
    ) -> Result<Vec<(ClaimedAction, usize)>, OutboxError> {
        tx.execute(
            &format!(
                "UPDATE citizen_actions SET state = 'refused', refusal = 'submission_refused',
                     settled_at = ?1
                 WHERE state IN {PENDING} AND submission_id IN
                     (SELECT id FROM submissions WHERE state IN ('rejected', 'conflict'))"
            ),
            [now_ms],
        )?;
        let mut statement = tx.prepare_cached(&format!(
            "SELECT a.request_id, a.submission_id, a.kind, a.text, a.rating, s.body
             FROM citizen_actions a JOIN submissions s ON s.id = a.submission_id
             WHERE a.state = 'queued' AND s.state = 'accepted'
               AND (?1 OR a.next_attempt_at <= ?2)
               AND NOT EXISTS (SELECT 1 FROM citizen_actions b
                   WHERE b.submission_id = a.submission_id AND b.state IN {PENDING}
                     AND (b.created_at, b.rowid) < (a.created_at, a.rowid))
             ORDER BY a.created_at, a.rowid LIMIT ?3"
        ))?;
        let rows = statement.query_map(params![ignore_backoff, now_ms, limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<u8>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut due = Vec::new();
        for row in rows {
            let (request_id, submission_id, kind, text, rating, body) = row?;
            let submission: Submission =
                serde_json::from_str(&body).map_err(|e| OutboxError::CorruptRow {
                    id: submission_id.clone(),
                    reason: e.to_string(),
                })?;
            let size = text.as_ref().map_or(1, String::len);
            let claimed = ClaimedAction {
                request_id: parse_id(&request_id)?,
                submission_id: submission.id,
                secret: submission.secret,
                body: action_body(&request_id, &kind, text, rating)?,
            };
            due.push((claimed, size));
        }
        Ok(due)
    }

    fn after_settling(tx: &Transaction<'_>) -> Result<usize, OutboxError> {
        crate::store::hide_accepted_texts_in(tx)
    }

    fn outcome(settlement: &ActionSettlement) -> Outcome {
        match settlement {
            ActionSettlement::Sent { seq, status } => Outcome {
                state: "sent",
                columns: vec![
                    ("seq", Value::from(*seq as i64)),
                    ("status", Value::from(status.as_str().to_string())),
                    ("last_error", Value::Null),
                ],
            },
            ActionSettlement::Refused { code } => Outcome {
                state: "refused",
                columns: vec![("refusal", Value::from(code.clone()))],
            },
        }
    }
}

/// An action row as read, before its parts are checked.
struct RawAction {
    request_id: String,
    submission_id: String,
    kind: String,
    text: Option<String>,
    rating: Option<u8>,
    created_at: i64,
    state: String,
    attempts: u32,
    next_attempt_at: i64,
    last_error: Option<String>,
    refusal: Option<String>,
    seq: Option<i64>,
    status: Option<String>,
}

fn read_action(r: &Row<'_>) -> rusqlite::Result<RawAction> {
    Ok(RawAction {
        request_id: r.get(0)?,
        submission_id: r.get(1)?,
        kind: r.get(2)?,
        text: r.get(3)?,
        rating: r.get(4)?,
        created_at: r.get(5)?,
        state: r.get(6)?,
        attempts: r.get(7)?,
        next_attempt_at: r.get(8)?,
        last_error: r.get(9)?,
        refusal: r.get(10)?,
        seq: r.get(11)?,
        status: r.get(12)?,
    })
}

fn action_body(
    id: &str,
    kind: &str,
    text: Option<String>,
    rating: Option<u8>,
) -> Result<ActionBody, OutboxError> {
    match (CitizenActionKind::parse(kind), text, rating) {
        (Some(CitizenActionKind::Answer), Some(text), _) => Ok(ActionBody::Answer(text)),
        (Some(CitizenActionKind::Rating), _, Some(rating)) => Ok(ActionBody::Rating(rating)),
        _ => Err(OutboxError::CorruptRow {
            id: id.into(),
            reason: format!("action {kind} without its text or rating"),
        }),
    }
}

impl RawAction {
    fn into_action(self) -> Result<CitizenAction, OutboxError> {
        let stage = Stage::read(
            &self.state,
            self.attempts,
            self.next_attempt_at,
            self.last_error.as_deref(),
        );
        let state = match stage {
            Stage::Queued => ActionState::Queued,
            Stage::Retrying {
                attempts,
                next_attempt_at,
                last_error,
            } => ActionState::Retrying {
                attempts,
                next_attempt_at,
                last_error,
            },
            Stage::Sending => ActionState::Sending,
            Stage::Settled("sent") => ActionState::Sent {
                seq: self.seq.unwrap_or_default() as u64,
                status: self
                    .status
                    .as_deref()
                    .map_or(CaseStatus::InProgress, CaseStatus::from_code),
            },
            Stage::Settled("refused") => ActionState::Refused {
                code: self.refusal.clone().unwrap_or_default(),
            },
            Stage::Settled(other) => {
                return Err(OutboxError::CorruptRow {
                    id: self.request_id.clone(),
                    reason: format!("unknown state {other}"),
                })
            }
        };
        Ok(CitizenAction {
            request_id: parse_id(&self.request_id)?,
            submission_id: parse_id(&self.submission_id)?,
            body: action_body(&self.request_id, &self.kind, self.text, self.rating)?,
            created_at: self.created_at,
            state,
        })
    }
}
