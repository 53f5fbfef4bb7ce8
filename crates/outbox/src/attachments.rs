//! Photos and voice notes on the phone: their files beside the database, their rows, and the
//! queue of their uploads ([`Uploads`], the shared state machine of `queue.rs`).
//!
//! Guarantees:
//! - An attachment's content is written to an app-private file (`<database>.attachments/<id>`)
//!   under a temporary name, fsynced, renamed and the folder fsynced, all before the row that
//!   names it (with its size, type and SHA-256) commits in the same transaction as its
//!   submission ([`crate::Outbox::submit`]); a failed submit leaves no file, and a file no row
//!   names (an app killed between the two) is removed when the outbox is next opened.
//! - An upload is offered only once its submission is accepted; it leaves the pending states
//!   only from the server's answer (received, or refused for good), or when its file on the
//!   phone no longer matches its SHA-256, which refuses that attachment alone (as a mismatch).
//! - `acknowledged` is the server's own count, written durably after every answer; a row
//!   that ever sent bytes is asked about (`contacted`) before it sends again.
//! - Deleting a settled submission deletes its files ([`crate::Outbox::delete_settled`]).

use ourvoice_protocol::{
    AttachmentKind, AttachmentRefusal, AttachmentState, Code, MediaType, Secret, Submission,
};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use uuid::Uuid;

use crate::queue::{Outcome, Queue};
use crate::store::parse_id;
use crate::{Outbox, OutboxError};

/// A photo or voice note the citizen added to the form, already prepared by `ourvoice-media`
/// (`prepare_photo`, `prepare_voice`): exactly the bytes that will be sent.
#[derive(Clone, PartialEq, Eq)]
pub struct DraftAttachment {
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for DraftAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DraftAttachment")
            .field("media_type", &self.media_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Where one attachment's upload stands, as the citizen sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentProgress {
    /// On the phone: its submission is not accepted yet, or its next try has not come.
    Waiting,
    /// Pieces are going now.
    Sending,
    /// The server holds all of it, checked: the office can see it.
    Received,
    /// Refused for good; sending again cannot help. A file damaged on the phone is a
    /// [`AttachmentRefusal::Mismatch`] too.
    Refused(AttachmentRefusal),
}

impl AttachmentProgress {
    /// Still to be sent.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            AttachmentProgress::Waiting | AttachmentProgress::Sending
        )
    }
}

/// One attachment of an outbox item, with its progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAttachment {
    pub id: Uuid,
    pub kind: AttachmentKind,
    pub media_type: MediaType,
    /// Its size.
    pub bytes: u64,
    /// How many bytes the server said it holds.
    pub acknowledged: u64,
    pub state: AttachmentProgress,
}

/// An upload taken for sending.
#[derive(Clone)]
pub struct ClaimedUpload {
    pub id: Uuid,
    /// The case it belongs to (accepted by the server).
    pub submission_id: Uuid,
    /// The submission's secret, which proves the case to the server.
    pub secret: Secret,
    pub media_type: MediaType,
    pub bytes: u64,
    /// What the server last said it holds.
    pub acknowledged: u64,
    /// Whether bytes of it were ever sent: if so, the server may hold more than
    /// `acknowledged` (an answer lost, a request cut short) and is asked first.
    pub contacted: bool,
}

impl std::fmt::Debug for ClaimedUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedUpload")
            .field("id", &self.id)
            .field("submission_id", &self.submission_id)
            .field("bytes", &self.bytes)
            .field("acknowledged", &self.acknowledged)
            .field("contacted", &self.contacted)
            .finish_non_exhaustive()
    }
}

/// The end of one upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadSettlement {
    /// The server holds it all, checked (`received` is its count).
    Received { received: u64 },
    /// The server refused it for good.
    Refused {
        refusal: AttachmentRefusal,
        received: u64,
    },
    /// Its file on the phone no longer matches its SHA-256 (or is gone): it cannot be sent.
    DamagedOnPhone,
}

/// The error recorded with an attachment whose file was damaged on the phone.
pub const DAMAGED_ON_PHONE: &str = "damaged_on_phone";

/// The queue of uploads (the `attachments` table): one attachment at a time, in the order of
/// their submissions and their place in it, once the submission is accepted.
pub struct Uploads;

impl Queue for Uploads {
    const TABLE: &'static str = "attachments";
    const KEY: &'static str = "id";
    type Claimed = ClaimedUpload;
    type Settlement = UploadSettlement;

    fn key(claimed: &ClaimedUpload) -> Uuid {
        claimed.id
    }

    fn due(
        tx: &Transaction<'_>,
        now_ms: i64,
        limit: usize,
        ignore_backoff: bool,
    ) -> Result<Vec<(ClaimedUpload, usize)>, OutboxError> {
        let mut statement = tx.prepare_cached(
            "SELECT a.id, a.submission_id, a.media_type, a.bytes, a.acknowledged, a.contacted, s.body
             FROM attachments a JOIN submissions s ON s.id = a.submission_id
             WHERE a.state = 'queued' AND s.state = 'accepted'
               AND (?1 OR a.next_attempt_at <= ?2)
             ORDER BY s.created_at, s.rowid, a.position LIMIT ?3",
        )?;
        let rows = statement
            .query_map(params![ignore_backoff, now_ms, limit as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut due = Vec::with_capacity(rows.len());
        for (id, submission_id, media_type, bytes, acknowledged, contacted, body) in rows {
            let submission: Submission =
                serde_json::from_str(&body).map_err(|e| OutboxError::CorruptRow {
                    id: submission_id.clone(),
                    reason: e.to_string(),
                })?;
            let claimed = ClaimedUpload {
                id: parse_id(&id)?,
                submission_id: parse_id(&submission_id)?,
                secret: submission.secret,
                media_type: MediaType::parse(&media_type).ok_or_else(|| {
                    OutboxError::CorruptRow {
                        id: id.clone(),
                        reason: "unknown media type".into(),
                    }
                })?,
                bytes: bytes as u64,
                acknowledged: acknowledged as u64,
                contacted,
            };
            let size = (bytes - acknowledged).max(0) as usize;
            due.push((claimed, size));
        }
        Ok(due)
    }

    fn outcome(settlement: &UploadSettlement) -> Outcome {
        let refused = AttachmentState::Refused.as_str();
        match *settlement {
            UploadSettlement::Received { received } => Outcome {
                state: AttachmentState::Received.as_str(),
                columns: vec![
                    ("acknowledged", Value::from(received as i64)),
                    ("last_error", Value::Null),
                ],
            },
            UploadSettlement::Refused { refusal, received } => Outcome {
                state: refused,
                columns: vec![
                    ("acknowledged", Value::from(received as i64)),
                    ("refusal", Value::from(refusal.as_str().to_string())),
                ],
            },
            UploadSettlement::DamagedOnPhone => Outcome {
                state: refused,
                columns: vec![
                    (
                        "refusal",
                        Value::from(AttachmentRefusal::Mismatch.as_str().to_string()),
                    ),
                    ("last_error", Value::from(DAMAGED_ON_PHONE.to_string())),
                ],
            },
        }
    }
}

/// The folder of the attachments' files of the database at `database`.
pub(crate) fn folder_of(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".attachments");
    PathBuf::from(name)
}

/// 64 lowercase hex digits of the SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Creates the attachments' folder, readable by this app only.
fn create_folder(folder: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}

/// Makes the folder's entries (new names, renames, removals) durable.
fn sync_folder(folder: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(folder)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}

/// Writes `content` as `folder/name`: a temporary file, fsynced, then renamed into place.
/// The caller fsyncs the folder.
fn write_file(folder: &Path, name: &str, content: &[u8]) -> io::Result<()> {
    let part = folder.join(format!("{name}.part"));
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&part)?;
    file.write_all(content)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&part, folder.join(name))
}

/// Removes files, ignoring those already gone, then fsyncs the folder.
fn remove_files(folder: &Path, names: &[String]) -> io::Result<()> {
    for name in names {
        match fs::remove_file(folder.join(name)) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
    }
    if !names.is_empty() && folder.exists() {
        sync_folder(folder)?;
    }
    Ok(())
}

impl Outbox {
    /// Writes the files of `submission`'s attachments (`contents` in declaration order) and
    /// inserts their rows, in `tx`, whose commit makes them count. The files are durable when
    /// this returns; on an error none is left.
    pub(crate) fn store_attachments(
        &self,
        tx: &Transaction<'_>,
        submission: &Submission,
        contents: &[&[u8]],
    ) -> Result<Vec<String>, OutboxError> {
        if submission.attachments.len() != contents.len() {
            return Err(OutboxError::AttachmentContentMissing(submission.id));
        }
        if contents.is_empty() {
            return Ok(Vec::new());
        }
        let mut written = Vec::with_capacity(contents.len());
        let stored = (|| {
            create_folder(&self.files)?;
            for (declared, content) in submission.attachments.iter().zip(contents) {
                let name = declared.id.to_string();
                write_file(&self.files, &name, content)?;
                written.push(name);
            }
            sync_folder(&self.files)?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO attachments (id, submission_id, position, kind, media_type, bytes,
                     sha256, file, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued')",
            )?;
            for (position, (declared, name)) in
                submission.attachments.iter().zip(&written).enumerate()
            {
                insert.execute(params![
                    declared.id.to_string(),
                    submission.id.to_string(),
                    position as i64,
                    declared.kind.as_str(),
                    declared.media_type.as_str(),
                    declared.bytes as i64,
                    declared.sha256,
                    name,
                ])?;
            }
            Ok::<(), OutboxError>(())
        })();
        match stored {
            Ok(()) => Ok(written),
            Err(error) => {
                self.forget_files(&written);
                Err(error)
            }
        }
    }

    /// Removes files that no committed row names any more (best effort: what is left is
    /// removed at the next open).
    pub(crate) fn forget_files(&self, names: &[String]) {
        // What cannot be removed now is removed by the next open's sweep.
        let _ = remove_files(&self.files, names);
    }

    /// Removes every file in the attachments' folder that no row names (left by an app
    /// killed between writing the files and committing their rows, or between deleting rows
    /// and their files). Runs under the database's write lock, so no submit is half done.
    pub(crate) fn sweep_files(&self) -> Result<usize, OutboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let entries = match fs::read_dir(&self.files) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(error) => return Err(error.into()),
        };
        let named: HashSet<String> = tx
            .prepare("SELECT file FROM attachments")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut strays = Vec::new();
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type()?.is_file() && !named.contains(&name) {
                strays.push(name);
            }
        }
        remove_files(&self.files, &strays)?;
        tx.commit()?;
        Ok(strays.len())
    }

    /// The content of attachment `id`, as stored at submit (for the review and detail
    /// screens, and for sending). A file that is gone or no longer matches its SHA-256 is
    /// [`OutboxError::DamagedAttachment`].
    pub fn attachment_content(&self, id: Uuid) -> Result<Vec<u8>, OutboxError> {
        let (file, sha256): (String, String) = self
            .conn()
            .query_row(
                "SELECT file, sha256 FROM attachments WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(OutboxError::UnknownAttachment(id))?;
        let content = match fs::read(self.files.join(&file)) {
            Ok(content) => content,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Err(OutboxError::DamagedAttachment(id))
            }
            Err(error) => return Err(error.into()),
        };
        if sha256_hex(&content) != sha256 {
            return Err(OutboxError::DamagedAttachment(id));
        }
        Ok(content)
    }

    /// The content of a claimed upload, checked against its SHA-256; `None` when the file is
    /// damaged or gone, in which case the attachment is refused for good (a mismatch) and
    /// nothing of it is sent.
    pub fn upload_content(
        &self,
        upload: &ClaimedUpload,
        now_ms: i64,
    ) -> Result<Option<Vec<u8>>, OutboxError> {
        match self.attachment_content(upload.id) {
            Ok(content) => Ok(Some(content)),
            Err(OutboxError::DamagedAttachment(_)) => {
                self.settle_in::<Uploads>(
                    &[(upload.id, UploadSettlement::DamagedOnPhone)],
                    now_ms,
                )?;
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// The server said it holds `received` bytes of upload `id` (claimed): recorded durably,
    /// with the attempts reset (progress was made, so the next failure waits the shortest
    /// backoff).
    pub fn record_upload(&self, id: Uuid, received: u64) -> Result<(), OutboxError> {
        self.conn().execute(
            "UPDATE attachments SET acknowledged = ?2, contacted = 1, attempts = 0,
                 last_error = NULL
             WHERE id = ?1 AND state = 'sending'",
            params![id.to_string(), received as i64],
        )?;
        Ok(())
    }

    /// Bytes of upload `id` are about to be sent for the first time: from now on the server
    /// may hold some that this phone does not know of.
    pub fn mark_upload_contacted(&self, id: Uuid) -> Result<(), OutboxError> {
        self.conn().execute(
            "UPDATE attachments SET contacted = 1 WHERE id = ?1",
            [id.to_string()],
        )?;
        Ok(())
    }
}

/// The attachments of submission `id`, in their order.
pub(crate) fn attachments_of(
    conn: &rusqlite::Connection,
    id: &str,
) -> Result<Vec<StoredAttachment>, OutboxError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, kind, media_type, bytes, acknowledged, state, refusal FROM attachments
         WHERE submission_id = ?1 ORDER BY position",
    )?;
    let rows = statement
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(
            |(id, kind, media_type, bytes, acknowledged, state, refusal)| {
                let corrupt = |reason: &str| OutboxError::CorruptRow {
                    id: id.clone(),
                    reason: reason.into(),
                };
                let state = match state.as_str() {
                    "queued" => AttachmentProgress::Waiting,
                    "sending" => AttachmentProgress::Sending,
                    other => match AttachmentState::parse(other) {
                        Some(AttachmentState::Received) => AttachmentProgress::Received,
                        Some(AttachmentState::Refused) => AttachmentProgress::Refused(
                            refusal
                                .as_deref()
                                .and_then(AttachmentRefusal::parse)
                                .unwrap_or(AttachmentRefusal::Mismatch),
                        ),
                        _ => return Err(corrupt("unknown attachment state")),
                    },
                };
                Ok(StoredAttachment {
                    id: parse_id(&id)?,
                    kind: AttachmentKind::parse(&kind).ok_or_else(|| corrupt("unknown kind"))?,
                    media_type: MediaType::parse(&media_type)
                        .ok_or_else(|| corrupt("unknown media type"))?,
                    bytes: bytes as u64,
                    acknowledged: acknowledged as u64,
                    state,
                })
            },
        )
        .collect()
}

/// The files of the attachments of the submissions `condition` selects (an SQL condition on
/// `submissions`), read in `tx` before those rows are deleted.
pub(crate) fn files_of(tx: &Transaction<'_>, condition: &str) -> Result<Vec<String>, OutboxError> {
    let mut statement = tx.prepare(&format!(
        "SELECT file FROM attachments WHERE submission_id IN
             (SELECT id FROM submissions WHERE {condition})"
    ))?;
    let files = statement
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(files)
}
