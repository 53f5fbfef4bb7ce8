//! `PUT` and `GET /api/v1/submissions/{case}/attachments/{attachment}`: the resumable upload
//! of a photo or voice note in pieces, and how much of it the server holds (see
//! `ourvoice_protocol::attachments` for the contract).
//!
//! Guarantees: only the phone holding the case's secret reaches an attachment, and an unknown
//! case, a wrong secret and an undeclared attachment get the same 404; every byte of a piece
//! that reached the server is kept, even when the request is cut short (the piece is read and
//! stored by a task of its own that outlives the request); a piece is recorded only where the
//! held bytes end; a complete upload counts as received only with the declared size and
//! SHA-256 and content that `ourvoice_media::check_arrival` accepts, and what is kept is the
//! checked copy under a random name; a refusal is for good and touches nothing else.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use ourvoice_protocol::attachments::{SECRET_AUTH_SCHEME, UPLOAD_OFFSET_HEADER};
use ourvoice_protocol::{AttachmentKind, AttachmentRefusal, AttachmentState, Secret};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use uuid::Uuid;

use crate::error::AppError;
use crate::objects::{Held, ObjectError, Objects};
use crate::store::attachments::{self as stored, Finished, Outcome, Recorded, Upload};
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route(
        "/submissions/{case}/attachments/{attachment}",
        get(status).put(piece),
    )
}

/// What went wrong with an upload request.
#[derive(Debug)]
enum UploadError {
    /// Unknown case, wrong or missing secret, undeclared attachment: all the same 404.
    NotFound,
    BadOffset,
    BadContentType,
    TooLarge,
    NotSetUp,
    App(AppError),
}

impl From<crate::store::StoreError> for UploadError {
    fn from(error: crate::store::StoreError) -> UploadError {
        UploadError::App(error.into())
    }
}

impl From<ObjectError> for UploadError {
    fn from(error: ObjectError) -> UploadError {
        tracing::error!(%error, "attachment storage failed");
        UploadError::App(AppError::Busy {
            retry_after_seconds: 5,
        })
    }
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        match self {
            UploadError::NotFound => AppError::bad(
                StatusCode::NOT_FOUND,
                "attachment_not_found",
                "no such attachment: check the submission's id, its secret (Authorization: Secret …) and the attachment's id",
            )
            .into_response(),
            UploadError::BadOffset => AppError::bad(
                StatusCode::BAD_REQUEST,
                "upload_offset_invalid",
                format!("send the header {UPLOAD_OFFSET_HEADER} with where the piece starts, in bytes (a whole number)"),
            )
            .into_response(),
            UploadError::BadContentType => AppError::bad(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send a piece as Content-Type: application/octet-stream",
            )
            .into_response(),
            UploadError::TooLarge => AppError::bad(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!(
                    "a piece may have at most {} bytes; send smaller pieces",
                    ourvoice_protocol::MAX_UPLOAD_PIECE_BYTES
                ),
            )
            .into_response(),
            UploadError::NotSetUp => {
                tracing::error!("an upload arrived but no place for attachments is set up");
                AppError::Busy {
                    retry_after_seconds: 3600,
                }
                .into_response()
            }
            UploadError::App(error) => error.into_response(),
        }
    }
}

/// The case's secret from `Authorization: Secret <secret>`.
fn secret(headers: &HeaderMap) -> Option<Secret> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.split_once(' ')?;
    let secret = Secret::from_string(secret.trim().to_string());
    (scheme.eq_ignore_ascii_case(SECRET_AUTH_SCHEME) && secret.is_well_formed()).then_some(secret)
}

/// The attachment the request names, if its secret proves the case.
async fn find(
    state: &AppState,
    headers: &HeaderMap,
    case: &str,
    attachment: &str,
) -> Result<Upload, UploadError> {
    let (Ok(case), Ok(attachment), Some(secret)) = (
        Uuid::parse_str(case),
        Uuid::parse_str(attachment),
        secret(headers),
    ) else {
        return Err(UploadError::NotFound);
    };
    state
        .store
        .read(move |sql| stored::find(sql, &case, &secret, &attachment))
        .await?
        .ok_or(UploadError::NotFound)
}

/// The answer: the status, 200 (or 409 when the piece did not start where the bytes end).
fn answer(status: StatusCode, upload: &Upload) -> Response {
    (status, Json(upload.status())).into_response()
}

/// `GET`: how much the server holds (finishing an upload a stopped server left complete).
async fn status(
    State(state): State<Arc<AppState>>,
    Path((case, attachment)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, UploadError> {
    let upload = find(&state, &headers, &case, &attachment).await?;
    if upload.complete_unchecked() {
        // In a task of its own, so that a client that goes away does not stop it halfway.
        let finished = tokio::spawn(finish(Arc::clone(&state), upload));
        let upload = finished.await.map_err(|_| {
            UploadError::App(AppError::Busy {
                retry_after_seconds: 5,
            })
        })??;
        return Ok(answer(StatusCode::OK, &upload));
    }
    Ok(answer(StatusCode::OK, &upload))
}

/// `PUT`: one piece. Read and stored by a task of its own, so that the bytes of a request cut
/// short (a lost connection, the request timeout) are kept all the same.
async fn piece(
    State(state): State<Arc<AppState>>,
    Path((case, attachment)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, UploadError> {
    let task = tokio::spawn(take_piece(state, case, attachment, headers, body));
    task.await.map_err(|_| {
        UploadError::App(AppError::Busy {
            retry_after_seconds: 5,
        })
    })?
}

async fn take_piece(
    state: Arc<AppState>,
    case: String,
    attachment: String,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, UploadError> {
    let upload = find(&state, &headers, &case, &attachment).await?;
    let start = headers
        .get(UPLOAD_OFFSET_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .ok_or(UploadError::BadOffset)?;
    let octets = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/octet-stream"));
    if !octets {
        return Err(UploadError::BadContentType);
    }
    if upload.state != AttachmentState::Uploading {
        return Ok(answer(StatusCode::OK, &upload));
    }
    if start != upload.received {
        return Ok(answer(StatusCode::CONFLICT, &upload));
    }
    let objects = state.objects.clone().ok_or(UploadError::NotSetUp)?;
    let (bytes, whole) = read_piece(body).await?;
    let upload = if bytes.is_empty() {
        upload
    } else if start + bytes.len() as u64 > upload.bytes {
        // More than was declared: the bytes cannot be the declared ones.
        refuse(&state, &objects, &upload, AttachmentRefusal::Mismatch).await?
    } else {
        let length = bytes.len() as u64;
        let key = objects.put(Held::Piece, bytes).await?;
        crate::metrics::global().attachment_bytes(length);
        let number = upload.number;
        let recorded_key = key.clone();
        let recorded = state
            .store
            .write(move |sql| stored::record_piece(sql, number, start, length, &recorded_key))
            .await;
        match recorded {
            Ok(Recorded::Yes(upload)) => upload,
            Ok(Recorded::No(upload)) => {
                // Another request recorded these bytes first.
                objects.delete(&[key]).await;
                let status = if upload.state == AttachmentState::Uploading {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::OK
                };
                return Ok(answer(status, &upload));
            }
            Err(error) => {
                objects.delete(&[key]).await;
                return Err(error.into());
            }
        }
    };
    if !whole {
        tracing::info!(
            kept = upload.received,
            "an attachment's piece was cut short; its bytes are kept"
        );
    }
    let upload = if upload.complete_unchecked() {
        finish(Arc::clone(&state), upload).await?
    } else {
        upload
    };
    Ok(answer(StatusCode::OK, &upload))
}

/// Reads a piece frame by frame: the bytes that arrived, and whether the body ended as it
/// should (not cut by a lost connection or a timeout). Over the limit is an error: nothing of
/// such a piece is kept.
async fn read_piece(mut body: Body) -> Result<(Bytes, bool), UploadError> {
    let mut bytes = BytesMut::new();
    loop {
        match body.frame().await {
            None => return Ok((bytes.freeze(), true)),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    bytes.extend_from_slice(&data);
                    if bytes.len() > ourvoice_protocol::MAX_UPLOAD_PIECE_BYTES {
                        return Err(UploadError::TooLarge);
                    }
                }
            }
            Some(Err(error)) => {
                if crate::limits::past_the_limit(&error) {
                    return Err(UploadError::TooLarge);
                }
                return Ok((bytes.freeze(), false));
            }
        }
    }
}

/// Ends `upload`, whose declared bytes are all here: assembled, checked against the declared
/// size and SHA-256, then its content checked and the checked copy (and a photo's thumbnail)
/// kept. Safe to run twice at once, on one server or two: the first to commit wins and the
/// other deletes what it made.
async fn finish(state: Arc<AppState>, upload: Upload) -> Result<Upload, UploadError> {
    let objects = state.objects.clone().ok_or(UploadError::NotSetUp)?;
    let number = upload.number;
    let pieces = state
        .store
        .read(move |sql| stored::pieces(sql, number))
        .await?;
    let mut whole = BytesMut::with_capacity(upload.bytes as usize);
    for piece in &pieces {
        match objects.get(&piece.object_key).await {
            Ok(bytes)
                if piece.start == whole.len() as u64 && bytes.len() as u64 == piece.length =>
            {
                whole.extend_from_slice(&bytes)
            }
            // Another request finished it meanwhile and deleted the pieces.
            Err(ObjectError::Missing) => return current(&state, &upload).await,
            Ok(_) => {
                return Err(UploadError::App(AppError::Unavailable(
                    crate::store::StoreError::Corrupt(
                        "an attachment's pieces do not add up".into(),
                    ),
                )))
            }
            Err(error) => return Err(error.into()),
        }
    }
    let whole = whole.freeze();
    if whole.len() as u64 != upload.bytes || hex::encode(Sha256::digest(&whole)) != upload.sha256 {
        return refuse(&state, &objects, &upload, AttachmentRefusal::Mismatch).await;
    }
    let turn = Arc::clone(&state.arrival_checks)
        .acquire_owned()
        .await
        .map_err(|_| {
            UploadError::App(AppError::Busy {
                retry_after_seconds: 5,
            })
        })?;
    let declared = upload.media_type;
    let checked = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        let prepared = ourvoice_media::check_arrival(declared, &whole)?;
        let thumbnail = match prepared.kind() {
            AttachmentKind::Photo => Some(ourvoice_media::thumbnail(&prepared.bytes)?),
            AttachmentKind::Voice => None,
        };
        Ok::<_, ourvoice_media::MediaError>((prepared, thumbnail))
    })
    .await
    .map_err(|_| {
        UploadError::App(AppError::Busy {
            retry_after_seconds: 5,
        })
    })?;
    let (prepared, thumbnail) = match checked {
        Ok(checked) => checked,
        Err(error) => return refuse(&state, &objects, &upload, error.refusal()).await,
    };
    let stored_bytes = prepared.bytes.len() as u64;
    let stored_type = prepared.media_type;
    let object_key = objects
        .put(Held::Attachment, Bytes::from(prepared.bytes))
        .await?;
    let thumbnail_key = match thumbnail {
        Some(thumbnail) => match objects.put(Held::Thumbnail, Bytes::from(thumbnail)).await {
            Ok(key) => Some(key),
            Err(error) => {
                objects.delete(&[object_key]).await;
                return Err(error.into());
            }
        },
        None => None,
    };
    let made: Vec<String> = std::iter::once(object_key.clone())
        .chain(thumbnail_key.clone())
        .collect();
    let outcome = Outcome::Received {
        object_key,
        stored_type,
        stored_bytes,
        thumbnail_key,
    };
    let now = state.store.clock().now();
    match state
        .store
        .write(move |sql| stored::finish(sql, number, &outcome, now))
        .await
    {
        Ok(Finished::Now(upload, pieces)) => {
            objects.delete(&pieces).await;
            crate::metrics::global().attachment_ended(AttachmentState::Received);
            Ok(upload)
        }
        Ok(Finished::Already(upload)) => {
            objects.delete(&made).await;
            Ok(upload)
        }
        Err(error) => {
            objects.delete(&made).await;
            Err(error.into())
        }
    }
}

/// Refuses `upload` for good with `refusal` (unless another request ended it first).
async fn refuse(
    state: &AppState,
    objects: &Objects,
    upload: &Upload,
    refusal: AttachmentRefusal,
) -> Result<Upload, UploadError> {
    let (number, now) = (upload.number, state.store.clock().now());
    let outcome = Outcome::Refused(refusal);
    match state
        .store
        .write(move |sql| stored::finish(sql, number, &outcome, now))
        .await?
    {
        Finished::Now(upload, pieces) => {
            objects.delete(&pieces).await;
            crate::metrics::global().attachment_ended(AttachmentState::Refused);
            Ok(upload)
        }
        Finished::Already(upload) => Ok(upload),
    }
}

/// The attachment as it stands now.
async fn current(state: &AppState, upload: &Upload) -> Result<Upload, UploadError> {
    let number = upload.number;
    state
        .store
        .read(move |sql| {
            crate::store::sql::select_opt::<Upload>(
                sql,
                "FROM attachments WHERE number = $1",
                &[crate::store::Val::Int(number)],
            )
        })
        .await?
        .ok_or(UploadError::NotFound)
}
