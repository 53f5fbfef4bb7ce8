//! The outbox's operations: what the UI calls (submit, list, counts, delete) and what the sync
//! engine calls (claim a due batch, settle answered items, release failed ones, apply updates).
//!
//! Guarantees: each operation is one SQLite transaction; a pending row becomes accepted,
//! rejected or conflict only in [`Outbox::settle`]; rows left `sending` by a killed app are
//! pending again when the outbox is next opened. A row whose citizen chose to hide the text
//! keeps it, byte for byte, until the server has accepted it (a resend must be the same bytes);
//! once accepted, and never before, its description and the citizen's sent answers are
//! blanked and the file checkpointed, so no readable copy stays on the phone (a settled row is
//! never sent again, so the blank body never travels). Submissions are one [`Queue`] of the shared
//! state machine (`queue.rs`); the citizen's answers and ratings, another, are in `actions.rs`.

use chrono::{DateTime, Utc};
use ourvoice_directory::Directory;
use ourvoice_protocol::{
    sql_list, CaseStatus, CaseUpdate, Code, ItemKey, Kind, ReplyKind, Submission, TrackingCode,
    ValidationError,
};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use uuid::Uuid;

use crate::attachments::{attachments_of, files_of, folder_of};
use crate::draft::cambodia_today;
use crate::queue::{recover, Outcome, Queue, Stage, PENDING};
use crate::{open_database, Draft, OutboxError, StoredAttachment, SubmitError};

/// Where one submission stands, as the citizen sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemState {
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
    /// The server has it and gave it a number.
    Accepted {
        server_number: u64,
        office: String,
        status: CaseStatus,
        /// When the office should answer by (Unix milliseconds), if the server said.
        answer_by: Option<i64>,
    },
    /// Permanently refused, with the reasons.
    Rejected { errors: Vec<ValidationError> },
    /// The server holds a different submission under the same id.
    Conflict,
}

impl ItemState {
    /// Still waiting for the server's answer.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            ItemState::Queued | ItemState::Sending | ItemState::Retrying { .. }
        )
    }
}

/// A reply from the office, as stored on the phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyRecord {
    pub seq: u64,
    pub at: i64,
    pub kind: ReplyKind,
    pub text: String,
}

/// One row of the outbox with everything the UI shows about it.
#[derive(Clone, Debug)]
pub struct OutboxItem {
    pub id: Uuid,
    pub tracking_code: TrackingCode,
    pub kind: Kind,
    pub place: String,
    /// Unix milliseconds.
    pub created_at: i64,
    pub state: ItemState,
    pub submission: Submission,
    pub replies: Vec<ReplyRecord>,
    /// Replies the citizen has not opened yet.
    pub unread_replies: u64,
    /// The citizen chose to keep no readable copy of the text on this phone once the office
    /// has it.
    pub hide_text: bool,
    /// That was done: `submission.description` (and the citizen's sent answers) are blank.
    pub text_hidden: bool,
    /// Its photos and voice note, in the order declared, each with its upload's progress.
    pub attachments: Vec<StoredAttachment>,
}

/// How many rows are in each state: the sync line on the home screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub queued: u64,
    pub sending: u64,
    pub retrying: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub conflict: u64,
    /// The citizen's answers and ratings the server has not answered for yet.
    pub actions_pending: u64,
    /// Cases with a reply from the office the citizen has not opened yet.
    pub unread: u64,
    /// Photos and voice notes the server has not received yet (waiting or sending), of
    /// submissions not refused.
    pub attachments_pending: u64,
}

impl Counts {
    /// Rows, actions and attachments the server has not answered for yet: nothing is "all
    /// sent" while this is above zero.
    pub fn pending(&self) -> u64 {
        self.queued + self.sending + self.retrying + self.actions_pending + self.attachments_pending
    }
}

/// A row taken for sending: its id and the exact body to send.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: Uuid,
    pub body: String,
}

/// The server's answer for one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settlement {
    Accepted {
        server_number: u64,
        office: String,
        status: CaseStatus,
        seq: u64,
        received_at: i64,
        /// Unix milliseconds.
        answer_by: Option<i64>,
    },
    Rejected(Vec<ValidationError>),
    Conflict,
}

/// The queue of submissions (the `submissions` table): a claimed row is sent as its stored
/// body, byte for byte, in a batch.
pub struct Submissions;

impl Queue for Submissions {
    const TABLE: &'static str = "submissions";
    const KEY: &'static str = "id";
    type Claimed = Claimed;
    type Settlement = Settlement;

    fn key(claimed: &Claimed) -> Uuid {
        claimed.id
    }

    fn due(
        tx: &Transaction<'_>,
        now_ms: i64,
        limit: usize,
        ignore_backoff: bool,
    ) -> Result<Vec<(Claimed, usize)>, OutboxError> {
        let mut statement = tx.prepare_cached(
            "SELECT id, body FROM submissions
             WHERE state = 'queued' AND (?1 OR next_attempt_at <= ?2)
             ORDER BY created_at, rowid LIMIT ?3",
        )?;
        let rows = statement.query_map(params![ignore_backoff, now_ms, limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut due = Vec::new();
        for row in rows {
            let (id, body) = row?;
            let size = body.len();
            due.push((
                Claimed {
                    id: parse_id(&id)?,
                    body,
                },
                size,
            ));
        }
        Ok(due)
    }

    fn after_settling(tx: &Transaction<'_>) -> Result<usize, OutboxError> {
        hide_accepted_texts_in(tx)
    }

    fn outcome(settlement: &Settlement) -> Outcome {
        match settlement {
            Settlement::Accepted {
                server_number,
                office,
                status,
                seq,
                received_at,
                answer_by,
            } => Outcome {
                state: "accepted",
                columns: vec![
                    ("server_number", Value::from(*server_number as i64)),
                    ("office", Value::from(office.clone())),
                    ("status", Value::from(status.as_str().to_string())),
                    ("seq", Value::from(*seq as i64)),
                    ("status_at", Value::from(*received_at)),
                    ("answer_by", Value::from(*answer_by)),
                    ("last_error", Value::Null),
                ],
            },
            Settlement::Rejected(errors) => Outcome {
                state: "rejected",
                columns: vec![(
                    "rejection",
                    Value::from(serde_json::to_string(errors).expect("errors serialise")),
                )],
            },
            Settlement::Conflict => Outcome {
                state: "conflict",
                columns: Vec::new(),
            },
        }
    }
}

/// The phone's durable queue. Shared by the UI and the sync engine (`Arc<Outbox>`).
pub struct Outbox {
    conn: Mutex<Connection>,
    /// The folder of the attachments' files (`<database>.attachments`).
    pub(crate) files: PathBuf,
}

const ITEM_COLUMNS: &str =
    "id, tracking_code, kind, place, created_at, state, attempts, next_attempt_at,
    last_error, server_number, office, rejection, status, body, seen_seq, answer_by, hide_text,
    text_hidden";

impl Outbox {
    /// Opens the outbox at `path`; rows, actions and uploads a killed app left `sending`
    /// become pending again, and attachment files no row names are removed.
    pub fn open(path: &Path) -> Result<Outbox, OutboxError> {
        let mut conn = open_database(path)?;
        recover(&conn)?;
        // Settling hides in its own transaction; this catches any row left unhidden anyway
        // (written by another tool, or by a version that settled without hiding).
        hide_accepted_texts(&mut conn)?;
        let outbox = Outbox {
            conn: Mutex::new(conn),
            files: folder_of(path),
        };
        outbox.sweep_files()?;
        Ok(outbox)
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Validates the draft and, when it is valid, stores it durably, with its attachments'
    /// files fsynced before the rows naming them commit. Returns the stored item, whose
    /// tracking code the UI shows at once. With `draft.hide_text`, the text is blanked on this
    /// phone once the server has accepted the item ([`Outbox::settle`]).
    pub fn submit(
        &self,
        draft: Draft,
        directory: &Directory,
        app_version: &str,
        now: DateTime<Utc>,
    ) -> Result<OutboxItem, SubmitError> {
        let submission = draft.to_submission(app_version, now);
        submission
            .validate(directory, cambodia_today(now))
            .map_err(SubmitError::Invalid)?;
        let contents: Vec<&[u8]> = draft
            .attachments
            .iter()
            .map(|attachment| attachment.bytes.as_slice())
            .collect();
        self.store(&submission, draft.hide_text, &contents)?;
        Ok(self
            .get(submission.id)?
            .ok_or_else(|| OutboxError::CorruptRow {
                id: submission.id.to_string(),
                reason: "missing right after insert".into(),
            })?)
    }

    /// Stores an already built submission, durably, as `queued`. One that declares
    /// attachments is refused ([`OutboxError::AttachmentContentMissing`]): their content comes
    /// with a [`Draft`] through [`Outbox::submit`].
    pub fn enqueue(&self, submission: &Submission) -> Result<TrackingCode, OutboxError> {
        self.store(submission, false, &[])
    }

    /// Inserts the submission and its attachments' rows in one IMMEDIATE transaction, after
    /// writing and fsyncing the files (under the write lock, so the open's sweep never sees a
    /// file whose row is about to commit).
    fn store(
        &self,
        submission: &Submission,
        hide_text: bool,
        contents: &[&[u8]],
    ) -> Result<TrackingCode, OutboxError> {
        let body = serde_json::to_string(submission).expect("a submission always serialises");
        let code = submission.tracking_code();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            "INSERT INTO submissions (id, tracking_code, kind, place, body, body_bytes, created_at, state, hide_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8)
             ON CONFLICT (id) DO NOTHING",
            params![
                submission.id.to_string(),
                code.as_str(),
                submission.kind.as_str(),
                submission.place,
                body,
                body.len() as i64,
                submission.created_at.timestamp_millis(),
                hide_text,
            ],
        )?;
        if inserted == 0 {
            return Err(OutboxError::DuplicateId(submission.id));
        }
        let files = self.store_attachments(&tx, submission, contents)?;
        if let Err(error) = tx.commit() {
            self.forget_files(&files);
            return Err(error.into());
        }
        Ok(code)
    }

    /// Every row, newest first, with its replies.
    pub fn list(&self) -> Result<Vec<OutboxItem>, OutboxError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS} FROM submissions ORDER BY created_at DESC, rowid DESC"
        ))?;
        let rows = statement
            .query_map([], read_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|row| row.into_item(&conn)).collect()
    }

    /// The places of the submissions on this phone (unit or office codes), the most
    /// recently used first, each once, at most `limit`: what the place picker offers first.
    /// Deleting the submissions forgets their places.
    pub fn recent_places(&self, limit: usize) -> Result<Vec<String>, OutboxError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT place FROM submissions GROUP BY place
             ORDER BY max(created_at) DESC, max(rowid) DESC LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let places = statement
            .query_map([limit], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(places)
    }

    pub fn get(&self, id: Uuid) -> Result<Option<OutboxItem>, OutboxError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM submissions WHERE id = ?1"),
                [id.to_string()],
                read_row,
            )
            .optional()?;
        row.map(|row| row.into_item(&conn)).transpose()
    }

    /// The citizen has opened case `id`: its replies so far are no longer new. Whether that
    /// changed anything.
    pub fn mark_seen(&self, id: Uuid) -> Result<bool, OutboxError> {
        let changed = self.conn().execute(
            "UPDATE submissions SET seen_seq = seq WHERE id = ?1 AND seen_seq < seq",
            [id.to_string()],
        )?;
        Ok(changed > 0)
    }

    pub fn counts(&self) -> Result<Counts, OutboxError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT state, attempts > 0, count(*) FROM submissions GROUP BY state, attempts > 0",
        )?;
        let mut counts = Counts::default();
        let rows = statement.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, u64>(2)?,
            ))
        })?;
        for row in rows {
            let (state, tried, n) = row?;
            match (state.as_str(), tried) {
                ("queued", false) => counts.queued += n,
                ("queued", true) => counts.retrying += n,
                ("sending", _) => counts.sending += n,
                ("accepted", _) => counts.accepted += n,
                ("rejected", _) => counts.rejected += n,
                _ => counts.conflict += n,
            }
        }
        counts.actions_pending = conn.query_row(
            "SELECT count(*) FROM citizen_actions WHERE state IN ('queued', 'sending')",
            [],
            |r| r.get(0),
        )?;
        counts.attachments_pending = conn.query_row(
            &format!(
                "SELECT count(*) FROM attachments a JOIN submissions s ON s.id = a.submission_id
                 WHERE a.state IN {PENDING} AND s.state NOT IN ('rejected', 'conflict')"
            ),
            [],
            |r| r.get(0),
        )?;
        counts.unread = conn.query_row(
            "SELECT count(DISTINCT r.submission_id) FROM replies r
             JOIN submissions s ON s.id = r.submission_id WHERE r.seq > s.seen_seq",
            [],
            |r| r.get(0),
        )?;
        Ok(counts)
    }

    /// Takes the oldest due pending rows, at most `max_items` and (beyond the first) at most
    /// `max_bytes` of bodies, and marks them `sending`. `ignore_backoff` sends rows whose retry
    /// time has not come yet (the citizen asked, or the network came back).
    pub fn claim_due(
        &self,
        now_ms: i64,
        max_items: usize,
        max_bytes: usize,
        ignore_backoff: bool,
    ) -> Result<Vec<Claimed>, OutboxError> {
        self.claim_in::<Submissions>(now_ms, max_items, max_bytes, ignore_backoff)
    }

    /// Records the server's answers. Only pending rows change; a repeated answer is a no-op.
    /// In the same transaction, the text of each accepted row whose citizen chose to hide it is
    /// blanked ([`Queue::after_settling`]).
    pub fn settle(&self, answers: &[(Uuid, Settlement)], now_ms: i64) -> Result<(), OutboxError> {
        self.settle_in::<Submissions>(answers, now_ms)
    }

    /// Puts rows whose sending failed back in the queue: one more attempt, the error, and the
    /// time of the next try (`next_attempt_at(attempts)`, Unix ms).
    pub fn release_failed(
        &self,
        ids: &[Uuid],
        error: &str,
        next_attempt_at: impl FnMut(u32) -> i64,
    ) -> Result<(), OutboxError> {
        self.release_in::<Submissions>(ids, error, next_attempt_at)
    }

    /// The earliest time (Unix ms) a pending row, a pending action that could be claimed
    /// (its submission accepted, no earlier action of its case pending), or an upload of an
    /// accepted submission is due, if any.
    pub fn next_due_at(&self) -> Result<Option<i64>, OutboxError> {
        let conn = self.conn();
        Ok(conn.query_row(
            "SELECT min(due) FROM (
                 SELECT min(next_attempt_at) AS due FROM submissions WHERE state = 'queued'
                 UNION ALL
                 SELECT min(a.next_attempt_at) FROM citizen_actions a
                     JOIN submissions s ON s.id = a.submission_id
                 WHERE a.state = 'queued' AND s.state = 'accepted'
                   AND NOT EXISTS (SELECT 1 FROM citizen_actions b
                       WHERE b.submission_id = a.submission_id AND b.state IN ('queued', 'sending')
                         AND (b.created_at, b.rowid) < (a.created_at, a.rowid))
                 UNION ALL
                 SELECT min(u.next_attempt_at) FROM attachments u
                     JOIN submissions s ON s.id = u.submission_id
                 WHERE u.state = 'queued' AND s.state = 'accepted'
             )",
            [],
            |r| r.get(0),
        )?)
    }

    /// The keys to ask the server about: accepted rows whose case is not closed.
    pub fn update_keys(&self) -> Result<Vec<ItemKey>, OutboxError> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT id, body, seq FROM submissions
             WHERE state = 'accepted' AND coalesce(status, '') NOT IN {closed}",
            closed = sql_list(CaseStatus::CLOSED)
        ))?;
        let rows = statement.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut keys = Vec::new();
        for row in rows {
            let (id, body, seq) = row?;
            let submission = parse_body(&id, &body)?;
            keys.push(ItemKey {
                id: submission.id,
                secret: submission.secret,
                since: seq as u64,
            });
        }
        Ok(keys)
    }

    /// Applies status changes and replies pulled from the server; older events are ignored.
    pub fn apply_updates(&self, updates: &[CaseUpdate]) -> Result<usize, OutboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut applied = 0;
        {
            let mut status = tx.prepare_cached(
                "UPDATE submissions SET status = ?2, office = ?3, seq = ?4, status_at = ?5
                 WHERE id = ?1 AND state = 'accepted' AND seq < ?4",
            )?;
            let mut reply = tx.prepare_cached(
                "INSERT OR IGNORE INTO replies (submission_id, seq, at, kind, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for update in updates {
                let id = update.id.to_string();
                let at = update.at.timestamp_millis();
                let changed = status.execute(params![
                    id,
                    update.status.as_str(),
                    update.office,
                    update.seq as i64,
                    at
                ])?;
                if changed > 0 {
                    applied += 1;
                    if let Some(r) = &update.reply {
                        reply.execute(params![
                            id,
                            update.seq as i64,
                            at,
                            r.kind.as_str(),
                            r.text
                        ])?;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(applied)
    }

    /// Deletes this phone's copy of every submission the server has answered for, with its
    /// replies, the citizen's actions, and its attachments' rows and files. Pending rows, and
    /// accepted submissions with a pending action or attachment, are kept: they have not
    /// reached anyone yet. The files go after the rows' commit (what a killed app leaves is
    /// removed at the next open).
    pub fn delete_settled(&self) -> Result<usize, OutboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let settled = format!(
            "state IN ('accepted', 'rejected', 'conflict')
             AND NOT EXISTS (SELECT 1 FROM citizen_actions a
                 WHERE a.submission_id = submissions.id AND a.state IN {PENDING})
             AND NOT (state = 'accepted' AND EXISTS (SELECT 1 FROM attachments u
                 WHERE u.submission_id = submissions.id AND u.state IN {PENDING}))"
        );
        let files = files_of(&tx, &settled)?;
        let deleted = tx.execute(&format!("DELETE FROM submissions WHERE {settled}"), [])?;
        tx.commit()?;
        drop(conn);
        self.forget_files(&files);
        Ok(deleted)
    }

    /// A setting of this device (language, first run done, recent places…), if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>, OutboxError> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), OutboxError> {
        self.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// `PRAGMA integrity_check` result ("ok" when sound).
    pub fn integrity_check(&self) -> Result<String, OutboxError> {
        Ok(self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// A row as read, before its JSON parts are parsed.
struct RawRow {
    id: String,
    tracking_code: String,
    kind: String,
    place: String,
    created_at: i64,
    state: String,
    attempts: u32,
    next_attempt_at: i64,
    last_error: Option<String>,
    server_number: Option<i64>,
    office: Option<String>,
    rejection: Option<String>,
    status: Option<String>,
    body: String,
    seen_seq: i64,
    answer_by: Option<i64>,
    hide_text: bool,
    text_hidden: bool,
}

fn read_row(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: r.get(0)?,
        tracking_code: r.get(1)?,
        kind: r.get(2)?,
        place: r.get(3)?,
        created_at: r.get(4)?,
        state: r.get(5)?,
        attempts: r.get(6)?,
        next_attempt_at: r.get(7)?,
        last_error: r.get(8)?,
        server_number: r.get(9)?,
        office: r.get(10)?,
        rejection: r.get(11)?,
        status: r.get(12)?,
        body: r.get(13)?,
        seen_seq: r.get(14)?,
        answer_by: r.get(15)?,
        hide_text: r.get(16)?,
        text_hidden: r.get(17)?,
    })
}

/// Blanks the text of every accepted row whose citizen chose to hide it and that still has it,
/// in its own transaction, then checkpoints; how many rows were hidden (see
/// [`hide_accepted_texts_in`]).
pub(crate) fn hide_accepted_texts(conn: &mut Connection) -> Result<usize, OutboxError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let hidden = hide_accepted_texts_in(&tx)?;
    tx.commit()?;
    if hidden > 0 {
        checkpoint(conn)?;
    }
    Ok(hidden)
}

/// Copies the write-ahead log into the database file and empties it, so that old pages (with
/// text that was since blanked) do not stay in the log.
pub(crate) fn checkpoint(conn: &Connection) -> Result<(), OutboxError> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Blanks, in `tx`, the text of every accepted row whose citizen chose to hide it and that still
/// has it: the description in the stored body (the id, secret and coded fields stay, for
/// pulling the office's replies) and the text of the citizen's answers the server took. Only
/// accepted rows: until then the stored body is what is sent, byte for byte. With
/// `secure_delete` (see `open_database`) the old text is zeroed in the file rather than left in
/// free space; the caller checkpoints after the commit. How many rows were hidden.
pub(crate) fn hide_accepted_texts_in(tx: &Transaction<'_>) -> Result<usize, OutboxError> {
    let mut due = tx.prepare_cached(
        "SELECT id, body FROM submissions
         WHERE hide_text = 1 AND state = 'accepted'
           AND (text_hidden = 0 OR EXISTS (SELECT 1 FROM citizen_actions a
               WHERE a.submission_id = submissions.id AND a.state = 'sent' AND a.text <> ''))",
    )?;
    let rows = due
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut blank = tx.prepare_cached(
        "UPDATE submissions SET body = ?2, body_bytes = ?3, text_hidden = 1 WHERE id = ?1",
    )?;
    let mut blank_answers = tx.prepare_cached(
        "UPDATE citizen_actions SET text = '' WHERE submission_id = ?1 AND state = 'sent' AND text IS NOT NULL",
    )?;
    for (id, body) in &rows {
        let mut submission = parse_body(id, body)?;
        submission.description = String::new();
        let body = serde_json::to_string(&submission).expect("a submission always serialises");
        blank.execute(params![id, body, body.len() as i64])?;
        blank_answers.execute([id])?;
    }
    Ok(rows.len())
}

/// A stored id as a UUID (a corrupt row otherwise).
pub(crate) fn parse_id(id: &str) -> Result<Uuid, OutboxError> {
    Uuid::parse_str(id).map_err(|e| OutboxError::CorruptRow {
        id: id.into(),
        reason: e.to_string(),
    })
}

fn parse_body(id: &str, body: &str) -> Result<Submission, OutboxError> {
    serde_json::from_str(body).map_err(|e| OutboxError::CorruptRow {
        id: id.into(),
        reason: e.to_string(),
    })
}

impl RawRow {
    fn into_item(self, conn: &Connection) -> Result<OutboxItem, OutboxError> {
        let corrupt = |reason: &str| OutboxError::CorruptRow {
            id: self.id.clone(),
            reason: reason.into(),
        };
        let stage = Stage::read(
            &self.state,
            self.attempts,
            self.next_attempt_at,
            self.last_error.as_deref(),
        );
        let state = match stage {
            Stage::Queued => ItemState::Queued,
            Stage::Retrying {
                attempts,
                next_attempt_at,
                last_error,
            } => ItemState::Retrying {
                attempts,
                next_attempt_at,
                last_error,
            },
            Stage::Sending => ItemState::Sending,
            Stage::Settled("accepted") => ItemState::Accepted {
                server_number: self
                    .server_number
                    .ok_or_else(|| corrupt("accepted without number"))?
                    as u64,
                office: self.office.clone().unwrap_or_default(),
                status: self
                    .status
                    .as_deref()
                    .map_or(CaseStatus::Received, CaseStatus::from_code),
                answer_by: self.answer_by,
            },
            Stage::Settled("rejected") => ItemState::Rejected {
                errors: serde_json::from_str(self.rejection.as_deref().unwrap_or("[]"))
                    .map_err(|e| corrupt(&e.to_string()))?,
            },
            Stage::Settled("conflict") => ItemState::Conflict,
            Stage::Settled(other) => return Err(corrupt(&format!("unknown state {other}"))),
        };
        let mut statement = conn.prepare_cached(
            "SELECT seq, at, kind, body FROM replies WHERE submission_id = ?1 ORDER BY seq",
        )?;
        let replies = statement
            .query_map([&self.id], |r| {
                let kind: String = r.get(2)?;
                Ok(ReplyRecord {
                    seq: r.get::<_, i64>(0)? as u64,
                    at: r.get(1)?,
                    kind: ReplyKind::parse(&kind).unwrap_or(ReplyKind::Answer),
                    text: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OutboxItem {
            id: parse_id(&self.id)?,
            tracking_code: TrackingCode::parse(&self.tracking_code)
                .ok_or_else(|| corrupt("bad tracking code"))?,
            kind: Kind::from_code(&self.kind).ok_or_else(|| corrupt("unknown kind"))?,
            place: self.place,
            created_at: self.created_at,
            state,
            submission: parse_body(&self.id, &self.body)?,
            unread_replies: replies
                .iter()
                .filter(|reply| reply.seq as i64 > self.seen_seq)
                .count() as u64,
            replies,
            hide_text: self.hide_text,
            text_hidden: self.text_hidden,
            attachments: attachments_of(conn, &self.id)?,
        })
    }
}
