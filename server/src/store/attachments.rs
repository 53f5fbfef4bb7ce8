//! Photos and voice notes in the database: the attachments each case declared, the pieces of
//! their uploads that arrived, and how each one ends (received with its checked copy, or
//! refused).
//!
//! Guarantees: a piece is recorded only if it starts where the attachment's bytes end at commit
//! time, under a lock on the attachment's row, so two requests (or two servers) racing with the
//! same piece record it once and the attachment's bytes never have a gap or an overlap; an
//! attachment leaves `uploading` once, whichever request finishes it first, and a received or
//! refused attachment never changes again.

use chrono::{DateTime, Utc};
use ourvoice_protocol::{
    AttachmentDeclaration, AttachmentKind, AttachmentRefusal, AttachmentState, AttachmentStatus,
    Code, MediaType, Secret,
};
use uuid::Uuid;

use super::sql::{placeholders, select, select_opt, FromRow, Named, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// One attachment as the upload sees it.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The row's number (the key of its pieces).
    pub number: i64,
    pub id: Uuid,
    pub case_number: i64,
    pub kind: AttachmentKind,
    pub media_type: MediaType,
    /// The declared size.
    pub bytes: u64,
    /// The declared SHA-256.
    pub sha256: String,
    pub received: u64,
    pub state: AttachmentState,
    pub refusal: Option<AttachmentRefusal>,
}

impl Upload {
    /// What the phone is told.
    pub fn status(&self) -> AttachmentStatus {
        AttachmentStatus {
            id: self.id,
            received: self.received,
            bytes: self.bytes,
            state: self.state,
            refusal: self.refusal,
        }
    }

    /// Whether every declared byte is here but the attachment is not finished yet (a server
    /// stopped between the last piece and the check): the next request finishes it.
    pub fn complete_unchecked(&self) -> bool {
        self.state == AttachmentState::Uploading && self.received == self.bytes
    }
}

impl FromRow for Upload {
    const COLUMNS: &'static str =
        "number, id, case_number, kind, media_type, bytes, sha256, received, state, refusal";

    fn from_row(row: &Named) -> Result<Upload, StoreError> {
        let id = row.text("id")?;
        Ok(Upload {
            number: row.int("number")?,
            id: Uuid::parse_str(&id)
                .map_err(|_| StoreError::Corrupt(format!("attachment id '{id}'")))?,
            case_number: row.int("case_number")?,
            kind: row.code("kind")?,
            media_type: row.code("media_type")?,
            bytes: row.int("bytes")?.max(0) as u64,
            sha256: row.text("sha256")?,
            received: row.int("received")?.max(0) as u64,
            state: row.code("state")?,
            refusal: row.opt_code("refusal")?,
        })
    }
}

/// One piece that arrived: where it starts, how long it is, and the object holding it.
#[derive(Clone, Debug)]
pub struct Piece {
    pub start: u64,
    pub length: u64,
    pub object_key: String,
}

impl FromRow for Piece {
    const COLUMNS: &'static str = "start, length, object_key";

    fn from_row(row: &Named) -> Result<Piece, StoreError> {
        Ok(Piece {
            start: row.int("start")?.max(0) as u64,
            length: row.int("length")?.max(0) as u64,
            object_key: row.text("object_key")?,
        })
    }
}

/// Inserts the declared attachments of new cases (`(case number, declaration)`), each
/// uploading with nothing received, in the ingest's transaction.
pub fn insert_declared(
    sql: &mut dyn Sql,
    declared: &[(i64, &AttachmentDeclaration)],
    now: &str,
) -> Result<(), StoreError> {
    // Four attachments at most per case: a hundred cases' worth stays well under SQLite's
    // parameter limit.
    for chunk in declared.chunks(400) {
        let mut params = Vec::with_capacity(chunk.len() * 7);
        let mut rows = Vec::with_capacity(chunk.len());
        for (row, (case_number, attachment)) in chunk.iter().enumerate() {
            let n = row * 7;
            rows.push(format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, 0, '{}')",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6,
                n + 7,
                AttachmentState::Uploading.as_str()
            ));
            params.extend([
                Val::from(attachment.id.to_string()),
                Val::Int(*case_number),
                Val::from(attachment.kind.as_str()),
                Val::from(attachment.media_type.as_str()),
                Val::Int(attachment.bytes.min(i64::MAX as u64) as i64),
                Val::from(&attachment.sha256),
                Val::from(now),
            ]);
        }
        sql.execute(
            &format!(
                "INSERT INTO attachments (id, case_number, kind, media_type, bytes, sha256,
                 created_at, received, state) VALUES {}",
                rows.join(", ")
            ),
            &params,
        )?;
    }
    Ok(())
}

/// The attachment `attachment` of case `case` if `secret` proves the case; `None` for an
/// unknown case, a wrong secret and an attachment the case did not declare alike.
pub fn find(
    sql: &mut dyn Sql,
    case: &Uuid,
    secret: &Secret,
    attachment: &Uuid,
) -> Result<Option<Upload>, StoreError> {
    let Some(number) = super::cases::prove(sql, case, secret)? else {
        return Ok(None);
    };
    select_opt(
        sql,
        "FROM attachments WHERE case_number = $1 AND id = $2",
        &[Val::Int(number), Val::from(attachment.to_string())],
    )
}

/// Locks the attachment's row until the transaction ends and reads it.
fn lock(sql: &mut dyn Sql, number: i64) -> Result<Upload, StoreError> {
    sql.execute(
        "UPDATE attachments SET received = received WHERE number = $1",
        &[Val::Int(number)],
    )?;
    select_opt(
        sql,
        "FROM attachments WHERE number = $1",
        &[Val::Int(number)],
    )?
    .ok_or_else(|| StoreError::Corrupt(format!("attachment {number} is gone")))
}

/// What became of a piece offered for recording.
#[derive(Debug)]
pub enum Recorded {
    /// Recorded: the attachment now.
    Yes(Upload),
    /// Not recorded (it did not start where the bytes end, or the attachment is no longer
    /// uploading): the attachment as it stands; the piece's object is the caller's to delete.
    No(Upload),
}

/// Records the piece of `length` bytes at `start` held in object `key`, if it starts where the
/// attachment's bytes end now.
pub fn record_piece(
    sql: &mut dyn Sql,
    number: i64,
    start: u64,
    length: u64,
    key: &str,
) -> Result<Recorded, StoreError> {
    let upload = lock(sql, number)?;
    if upload.state != AttachmentState::Uploading
        || upload.received != start
        || start + length > upload.bytes
    {
        return Ok(Recorded::No(upload));
    }
    sql.execute(
        "INSERT INTO attachment_pieces (attachment, start, length, object_key)
         VALUES ($1, $2, $3, $4)",
        &[
            Val::Int(number),
            Val::Int(start as i64),
            Val::Int(length as i64),
            Val::from(key),
        ],
    )?;
    sql.execute(
        "UPDATE attachments SET received = $2 WHERE number = $1",
        &[Val::Int(number), Val::Int((start + length) as i64)],
    )?;
    Ok(Recorded::Yes(lock(sql, number)?))
}

/// The pieces of an attachment, in order.
pub fn pieces(sql: &mut dyn Sql, number: i64) -> Result<Vec<Piece>, StoreError> {
    select(
        sql,
        "FROM attachment_pieces WHERE attachment = $1 ORDER BY start",
        &[Val::Int(number)],
    )
}

/// How an upload ends.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Checked: the copy kept (its object, type and size) and, for a photo, its thumbnail.
    Received {
        object_key: String,
        stored_type: MediaType,
        stored_bytes: u64,
        thumbnail_key: Option<String>,
    },
    Refused(AttachmentRefusal),
}

/// What [`finish`] did.
#[derive(Debug)]
pub enum Finished {
    /// This call ended the upload: the attachment now, and the pieces' objects, no longer
    /// needed (the caller deletes them).
    Now(Upload, Vec<String>),
    /// Another request ended it first: the attachment as it stands; the objects this call
    /// made are the caller's to delete.
    Already(Upload),
}

/// Ends an attachment's upload with `outcome`, unless another request ended it first.
pub fn finish(
    sql: &mut dyn Sql,
    number: i64,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<Finished, StoreError> {
    let upload = lock(sql, number)?;
    if upload.state != AttachmentState::Uploading {
        return Ok(Finished::Already(upload));
    }
    let pieces = pieces(sql, number)?;
    match outcome {
        Outcome::Received {
            object_key,
            stored_type,
            stored_bytes,
            thumbnail_key,
        } => sql.execute(
            "UPDATE attachments SET state = $2, object_key = $3, stored_type = $4,
             stored_bytes = $5, thumbnail_key = $6, received_at = $7 WHERE number = $1",
            &[
                Val::Int(number),
                Val::from(AttachmentState::Received.as_str()),
                Val::from(object_key),
                Val::from(stored_type.as_str()),
                Val::Int(*stored_bytes as i64),
                Val::from(thumbnail_key.clone()),
                Val::from(stamp(now)),
            ],
        )?,
        Outcome::Refused(refusal) => sql.execute(
            "UPDATE attachments SET state = $2, refusal = $3 WHERE number = $1",
            &[
                Val::Int(number),
                Val::from(AttachmentState::Refused.as_str()),
                Val::from(refusal.as_str()),
            ],
        )?,
    };
    sql.execute(
        "DELETE FROM attachment_pieces WHERE attachment = $1",
        &[Val::Int(number)],
    )?;
    Ok(Finished::Now(
        lock(sql, number)?,
        pieces.into_iter().map(|piece| piece.object_key).collect(),
    ))
}

/// A case's attachment as the office and the public see it.
#[derive(Clone, Debug)]
pub struct Kept {
    pub id: Uuid,
    pub kind: AttachmentKind,
    pub state: AttachmentState,
    pub refusal: Option<AttachmentRefusal>,
    /// The type of the checked copy (once received).
    pub stored_type: Option<MediaType>,
    pub object_key: Option<String>,
    pub thumbnail_key: Option<String>,
}

impl FromRow for Kept {
    const COLUMNS: &'static str =
        "id, kind, state, refusal, stored_type, object_key, thumbnail_key";

    fn from_row(row: &Named) -> Result<Kept, StoreError> {
        let id = row.text("id")?;
        Ok(Kept {
            id: Uuid::parse_str(&id)
                .map_err(|_| StoreError::Corrupt(format!("attachment id '{id}'")))?,
            kind: row.code("kind")?,
            state: row.code("state")?,
            refusal: row.opt_code("refusal")?,
            stored_type: row.opt_code("stored_type")?,
            object_key: row.opt_text("object_key")?,
            thumbnail_key: row.opt_text("thumbnail_key")?,
        })
    }
}

/// The attachments of case `number`, in the order declared. The caller has checked the scope.
pub fn of_case(sql: &mut dyn Sql, number: i64) -> Result<Vec<Kept>, StoreError> {
    select(
        sql,
        "FROM attachments WHERE case_number = $1 ORDER BY number",
        &[Val::Int(number)],
    )
}

/// A received attachment of a case within `scope`, for the office to see; for a confidential
/// case the viewing is written to the audit log in the same transaction. `None` outside the
/// scope, for an unknown attachment and one not received.
pub fn viewed_by_office(
    sql: &mut dyn Sql,
    scope: &super::inbox::Scope,
    number: i64,
    attachment: &Uuid,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Kept>, StoreError> {
    let Some(detail) = super::inbox::case_detail(sql, scope, number)? else {
        return Ok(None);
    };
    let found: Option<Kept> = select_opt(
        sql,
        "FROM attachments WHERE case_number = $1 AND id = $2 AND state = $3",
        &[
            Val::Int(number),
            Val::from(attachment.to_string()),
            Val::from(AttachmentState::Received.as_str()),
        ],
    )?;
    if found.is_some() && detail.line.privacy == ourvoice_protocol::PrivacyMode::Confidential {
        super::audit::audit(sql, account_id, "view_attachment", Some(number), None, now)?;
    }
    Ok(found)
}

/// Whether case `number`'s text is public: the citizen chose it and the case may have public
/// text (the protocol's rule, checked again here).
fn text_is_public(sql: &mut dyn Sql, number: i64) -> Result<bool, StoreError> {
    let Some(row) = sql.query_opt(
        "SELECT kind, publish_text, about_office_staff, privacy FROM cases WHERE number = $1",
        &[Val::Int(number)],
    )?
    else {
        return Ok(false);
    };
    let chosen = row.int(1)? != 0;
    let kind = ourvoice_protocol::Kind::from_code(&row.text(0)?);
    let confidential = ourvoice_protocol::PrivacyMode::parse(&row.text(3)?)
        == Some(ourvoice_protocol::PrivacyMode::Confidential);
    Ok(chosen
        && kind.is_some_and(|kind| {
            ourvoice_protocol::may_publish_text(kind, row.int(2).unwrap_or(1) != 0, confidential)
        }))
}

/// A received photo of case `number` whose citizen chose to publish the text; `None` otherwise.
pub fn published_photo(
    sql: &mut dyn Sql,
    number: i64,
    attachment: &Uuid,
) -> Result<Option<Kept>, StoreError> {
    if !text_is_public(sql, number)? {
        return Ok(None);
    }
    select_opt(
        sql,
        "FROM attachments WHERE case_number = $1 AND id = $2 AND state = $3 AND kind = $4",
        &[
            Val::Int(number),
            Val::from(attachment.to_string()),
            Val::from(AttachmentState::Received.as_str()),
            Val::from(AttachmentKind::Photo.as_str()),
        ],
    )
}

/// The first received photo of each of `numbers` (cases whose text is public: the caller
/// checked), by case number.
pub fn first_photos(
    sql: &mut dyn Sql,
    numbers: &[i64],
) -> Result<std::collections::HashMap<i64, Uuid>, StoreError> {
    let mut found = std::collections::HashMap::new();
    for chunk in numbers.chunks(500) {
        let mut params = vec![
            Val::from(AttachmentState::Received.as_str()),
            Val::from(AttachmentKind::Photo.as_str()),
        ];
        params.extend(chunk.iter().map(|number| Val::Int(*number)));
        let rows = sql.query(
            &format!(
                "SELECT case_number, id FROM attachments
                 WHERE state = $1 AND kind = $2 AND case_number IN ({})
                 ORDER BY number DESC",
                placeholders(3, chunk.len())
            ),
            &params,
        )?;
        for row in rows {
            if let Ok(id) = Uuid::parse_str(&row.text(1)?) {
                // Newest first, so the first declared wins.
                found.insert(row.int(0)?, id);
            }
        }
    }
    Ok(found)
}
