//! The engine itself: one push at a time (submissions, then the citizen's answers and
//! ratings, then the uploads of photos and voice notes), a background loop, and a status
//! channel for the UI. One push loop serves every
//! queue of the outbox; what differs per queue (the request, what the answer settles) is its
//! [`Pushed`] implementation.

use chrono::Utc;
use flate2::{write::GzEncoder, Compression};
use ourvoice_outbox::{
    ActionBody, ActionSettlement, Actions, Claimed, ClaimedAction, ClaimedUpload, Counts, Outbox,
    OutboxError, Queue, Settlement, Submissions, UploadSettlement, Uploads,
};
use ourvoice_protocol::attachments::{SECRET_AUTH_SCHEME, UPLOAD_OFFSET_HEADER};
use ourvoice_protocol::scorecards::{Scorecard, Subject};
use ourvoice_protocol::{
    attachment_path, ApiError, AttachmentRefusal, AttachmentState, AttachmentStatus,
    CaseActionResponse, CitizenAnswerRequest, ErrorCode, ItemOutcome, OfficeContacts,
    RatingRequest, SubmitBatchResponse, UpdatesRequest, UpdatesResponse, API_PREFIX,
    MAX_BATCH_ITEMS, MAX_UPDATE_ITEMS, UPLOAD_PIECE_BYTES,
};
use reqwest::header::{
    AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, RETRY_AFTER,
};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Mutex, Notify};
use uuid::Uuid;

use crate::{Backoff, SyncError, SyncProblem};

/// How the engine talks to the server. Every field has a default fit for a phone.
#[derive(Clone, Debug)]
pub struct SyncConfig {
    /// Base URL of the server, e.g. `https://ourvoice.example.gov.kh`.
    pub server_url: String,
    /// Most items in one request (default 100; the server takes up to 200).
    pub max_batch_items: usize,
    /// Most bytes of item bodies in one request before compression (default 256 KiB).
    pub max_batch_bytes: usize,
    /// Time to set up a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Time for a whole request and its answer (default 30 s).
    pub request_timeout: Duration,
    /// Retry timing after a failed attempt (default 2 s doubling up to 10 min).
    pub backoff: Backoff,
    /// How often the background loop asks for updates when nothing is waiting (default 5 min).
    pub poll_interval: Duration,
    /// Sent as `User-Agent`.
    pub user_agent: String,
    /// How often a round also asks whether the offices' telephones and hours changed
    /// (default 6 h; the first round and every round that brought a case's update also ask,
    /// and an unchanged list costs a 304).
    pub contacts_interval: Duration,
}

impl SyncConfig {
    pub fn new(server_url: &str) -> SyncConfig {
        SyncConfig {
            server_url: server_url.trim_end_matches('/').to_string(),
            max_batch_items: 100,
            max_batch_bytes: 256 * 1024,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            backoff: Backoff {
                base: Duration::from_secs(2),
                cap: Duration::from_secs(600),
            },
            poll_interval: Duration::from_secs(300),
            user_agent: format!("OurVoice/{}", env!("CARGO_PKG_VERSION")),
            contacts_interval: Duration::from_secs(6 * 3600),
        }
    }
}

/// What the engine is doing now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SyncPhase {
    #[default]
    Idle,
    /// Sending: `done` of `total` items answered so far in this round.
    Sending { done: u64, total: u64 },
    /// Asking for status changes and replies.
    Pulling,
}

/// The engine's state and a snapshot of the outbox's counts, as the UI shows them: views read
/// this instead of the database while they render.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncStatus {
    pub phase: SyncPhase,
    /// How many items are in each state, as of the last change the engine saw (see
    /// [`SyncEngine::refresh`]); `None` when the outbox could not be read.
    pub counts: Option<Counts>,
    /// Why the last round did not get through, if it did not.
    pub problem: Option<SyncProblem>,
    /// When the server last answered (Unix ms).
    pub last_contact_at: Option<i64>,
}

/// What one round did.
#[derive(Debug, Default)]
pub struct SyncReport {
    pub requests: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub conflicts: usize,
    /// Items (submissions or actions) put back in the queue because their request failed.
    pub failed: usize,
    /// The citizen's answers and ratings the server took.
    pub actions_sent: usize,
    /// The citizen's answers and ratings the server refused for good.
    pub actions_refused: usize,
    /// Photos and voice notes the server received whole this round.
    pub uploads_received: usize,
    /// Photos and voice notes refused for good this round (by the server, or damaged on the
    /// phone).
    pub uploads_refused: usize,
    /// Bytes of attachments sent this round (pieces' bodies only).
    pub upload_bytes: u64,
    pub updates: usize,
    pub error: Option<SyncError>,
}

pub struct SyncEngine {
    outbox: Arc<Outbox>,
    http: reqwest::Client,
    config: SyncConfig,
    server_url: std::sync::RwLock<String>,
    batch_items: AtomicUsize,
    one_push_at_a_time: Mutex<()>,
    kick: Notify,
    status: watch::Sender<SyncStatus>,
    /// When the offices' contacts were last asked for, in this process.
    contacts_asked_at: std::sync::Mutex<Option<std::time::Instant>>,
}

/// The setting that keeps the ETag of the offices' contacts the phone holds.
const CONTACTS_ETAG: &str = "office_contacts_etag";

/// What the server said of an office's scorecard (see [`SyncEngine::refresh_scorecard`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScorecardAnswer {
    /// New figures, now kept on the phone.
    Changed,
    /// The figures kept on the phone are still the server's (304).
    Unchanged,
    /// The server has no figures for the office yet (kept as such).
    NoneYet,
    /// The server does not know the office (whatever was kept of it is forgotten).
    UnknownOffice,
}

/// How far the current round has got: items answered for, of those pending at its start.
#[derive(Clone, Copy)]
struct Progress {
    done: u64,
    total: u64,
}

/// How one queue of the outbox goes over the wire: what a request carries, and what the
/// server's answer (or its refusal) settles. The push loop itself is the same for every queue.
trait Pushed: Queue {
    /// Many items per request (a batch), or one each.
    const BATCHED: bool;
    /// The server's answer to one request.
    type Response: serde::de::DeserializeOwned;
    /// The path and JSON body of the request carrying `batch`.
    fn request(batch: &[Self::Claimed]) -> (&'static str, Vec<u8>);
    /// What the server's answer settles, item by item (items it left out are not in it), with
    /// the report counted; an error when nothing is settled and the whole batch goes back.
    fn settlements(
        batch: &[Self::Claimed],
        answer: Result<Self::Response, SyncError>,
        report: &mut SyncReport,
    ) -> Result<Vec<(Uuid, Self::Settlement)>, SyncError>;
}

impl Pushed for Submissions {
    const BATCHED: bool = true;
    type Response = SubmitBatchResponse;

    /// The request body is built from the stored bodies byte for byte.
    fn request(batch: &[Claimed]) -> (&'static str, Vec<u8>) {
        let bodies: Vec<&str> = batch.iter().map(|c| c.body.as_str()).collect();
        let json = format!("{{\"items\":[{}]}}", bodies.join(","));
        ("/api/v1/submissions", json.into_bytes())
    }

    fn settlements(
        batch: &[Claimed],
        answer: Result<SubmitBatchResponse, SyncError>,
        report: &mut SyncReport,
    ) -> Result<Vec<(Uuid, Settlement)>, SyncError> {
        let mut answered = vec![false; batch.len()];
        let mut settlements = Vec::with_capacity(batch.len());
        for result in answer?.results {
            let Some(item) = batch.get(result.index) else {
                continue;
            };
            if result.id != Some(item.id) || answered[result.index] {
                continue;
            }
            answered[result.index] = true;
            let settlement = match result.outcome {
                ItemOutcome::Accepted {
                    server_number,
                    office,
                    status,
                    seq,
                    received_at,
                    answer_by,
                } => {
                    report.accepted += 1;
                    Settlement::Accepted {
                        server_number,
                        office,
                        status,
                        seq,
                        received_at: received_at.timestamp_millis(),
                        answer_by: answer_by.map(|t| t.timestamp_millis()),
                    }
                }
                ItemOutcome::Rejected { errors } => {
                    report.rejected += 1;
                    Settlement::Rejected(errors)
                }
                ItemOutcome::Conflict => {
                    report.conflicts += 1;
                    Settlement::Conflict
                }
            };
            settlements.push((item.id, settlement));
        }
        Ok(settlements)
    }
}

impl Pushed for Actions {
    const BATCHED: bool = false;
    type Response = CaseActionResponse;

    /// One answer or rating, always under its request id, built from what was stored.
    fn request(batch: &[ClaimedAction]) -> (&'static str, Vec<u8>) {
        let action = &batch[0];
        let (path, json) = match &action.body {
            ActionBody::Answer(text) => (
                "/api/v1/answers",
                serde_json::to_vec(&CitizenAnswerRequest {
                    id: action.submission_id,
                    secret: action.secret.clone(),
                    text: text.clone(),
                    request_id: Some(action.request_id),
                }),
            ),
            ActionBody::Rating(rating) => (
                "/api/v1/ratings",
                serde_json::to_vec(&RatingRequest {
                    id: action.submission_id,
                    secret: action.secret.clone(),
                    rating: *rating,
                    request_id: Some(action.request_id),
                }),
            ),
        };
        (path, json.expect("a request serialises"))
    }

    /// 2xx sent; 404, 409 and 422 refused for good; anything else goes back.
    fn settlements(
        batch: &[ClaimedAction],
        answer: Result<CaseActionResponse, SyncError>,
        report: &mut SyncReport,
    ) -> Result<Vec<(Uuid, ActionSettlement)>, SyncError> {
        let settlement = match answer {
            Ok(answer) => {
                report.actions_sent += 1;
                ActionSettlement::Sent {
                    seq: answer.seq,
                    status: answer.status,
                }
            }
            Err(SyncError::Refused {
                status: 404 | 409 | 422,
                code,
            }) => {
                report.actions_refused += 1;
                ActionSettlement::Refused { code }
            }
            Err(error) => return Err(error),
        };
        Ok(batch
            .iter()
            .map(|action| (action.request_id, settlement.clone()))
            .collect())
    }
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// Sends one upload request (a piece, or the status question) and reads the status it
/// answers: 2xx, or 409 (the piece did not start where the server's copy ends: the status says
/// where it does). 429 and 503 are busy, other 5xx failed, anything else refused.
async fn upload_answer(request: reqwest::RequestBuilder) -> Result<AttachmentStatus, SyncError> {
    let response = request.send().await.map_err(SyncError::from_reqwest)?;
    let status = response.status().as_u16();
    match status {
        200..=299 | 409 => {
            let bytes = response.bytes().await.map_err(SyncError::from_reqwest)?;
            serde_json::from_slice(&bytes).map_err(|e| SyncError::BadAnswer(e.to_string()))
        }
        _ => Err(error_of(response).await),
    }
}

/// The error a non-success answer stands for.
async fn error_of(response: reqwest::Response) -> SyncError {
    let status = response.status().as_u16();
    match status {
        429 | 503 => {
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .map(Duration::from_secs);
            SyncError::Busy {
                status,
                retry_after,
            }
        }
        500..=599 => SyncError::ServerFailed { status },
        _ => {
            let code = response
                .json::<ApiError>()
                .await
                .map(|e| e.error)
                .unwrap_or_else(|_| "unknown".into());
            SyncError::Refused { status, code }
        }
    }
}

impl SyncEngine {
    pub fn new(outbox: Arc<Outbox>, config: SyncConfig) -> Result<SyncEngine, SyncError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(SyncError::from_reqwest)?;
        let batch_items = config.max_batch_items.clamp(1, MAX_BATCH_ITEMS);
        let engine = SyncEngine {
            outbox,
            http,
            server_url: std::sync::RwLock::new(config.server_url.clone()),
            config,
            batch_items: AtomicUsize::new(batch_items),
            one_push_at_a_time: Mutex::new(()),
            kick: Notify::new(),
            status: watch::channel(SyncStatus::default()).0,
            contacts_asked_at: std::sync::Mutex::new(None),
        };
        engine.refresh();
        Ok(engine)
    }

    /// Reads the outbox's counts into the status snapshot and returns the new status. The
    /// engine does it whenever it changed the outbox; whoever else changes it (the UI after a
    /// submission or a deletion) calls it too.
    pub fn refresh(&self) -> SyncStatus {
        let counts = self
            .outbox
            .counts()
            .inspect_err(|error| tracing::warn!(%error, "outbox unreadable"))
            .ok();
        self.status.send_modify(|s| s.counts = counts);
        self.status.borrow().clone()
    }

    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.outbox
    }

    /// The server this engine sends to.
    pub fn server_url(&self) -> String {
        self.server_url
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Points the engine at another server (testers' setting); takes effect with the next request.
    pub fn set_server_url(&self, url: &str) {
        *self.server_url.write().unwrap_or_else(|p| p.into_inner()) =
            url.trim().trim_end_matches('/').to_string();
    }

    /// Watch the engine's status (for the sync line on the home screen).
    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.status.subscribe()
    }

    /// Ask the background loop to try now, ignoring backoff: the network came back, the app
    /// came to the foreground, or the citizen asked.
    pub fn kick(&self) {
        self.kick.notify_one();
    }

    /// One full round: send every due submission, then every due answer and rating, then
    /// every due photo and voice note of accepted submissions (everything pending when
    /// `force`), then pull updates.
    pub async fn sync_now(&self, force: bool) -> SyncReport {
        let mut report = SyncReport::default();
        {
            let _one_at_a_time = self.one_push_at_a_time.lock().await;
            if let Some(mut progress) = self.progress(&mut report) {
                self.push_queue::<Submissions>(force, &mut progress, &mut report)
                    .await;
                if report.error.is_none() {
                    self.push_queue::<Actions>(force, &mut progress, &mut report)
                        .await;
                }
                if report.error.is_none() {
                    self.push_uploads(force, &mut progress, &mut report).await;
                }
            }
        }
        if report.error.is_none() {
            self.status.send_modify(|s| s.phase = SyncPhase::Pulling);
            match self.pull().await {
                Ok(applied) => report.updates = applied,
                Err(error) => report.error = Some(error),
            }
        }
        // Asked every few hours, and whenever a case changed (its office may be new to the
        // phone); an unchanged list costs a 304. The scorecards kept on the phone are asked
        // again every few hours too, each an unchanged 304 when nothing changed.
        if report.error.is_none() {
            let due = self.contacts_due();
            if due || report.updates > 0 {
                // The citizen's items do not wait on this: a failure is logged and asked again
                // next round.
                if let Err(error) = self.refresh_contacts().await {
                    tracing::info!(%error, "offices' contacts not refreshed");
                }
            }
            if due {
                self.refresh_kept_scorecards().await;
            }
        }
        let counts = self.outbox.counts().ok();
        self.status.send_modify(|s| {
            s.phase = SyncPhase::Idle;
            s.counts = counts;
            s.problem = report.error.as_ref().map(SyncError::problem);
            if report.error.is_none() {
                s.last_contact_at = Some(now_ms());
            }
        });
        report
    }

    /// Runs rounds until `shutdown` turns true: at once, then whenever a row is due, the poll
    /// interval has passed, or [`SyncEngine::kick`] was called.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let mut force = true;
        while !*shutdown.borrow() {
            let report = self.sync_now(force).await;
            if let Some(error) = &report.error {
                tracing::info!(error = %error, "sync round did not get through");
            }
            force = false;
            let poll = self.config.poll_interval;
            let wait = match self.outbox.next_due_at() {
                Ok(Some(due)) => Duration::from_millis((due - now_ms()).max(0) as u64).min(poll),
                Ok(None) => poll,
                Err(error) => {
                    tracing::warn!(%error, "outbox unreadable");
                    poll
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.kick.notified() => force = true,
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Sends every due submission, batch after batch, until none is due or a request fails.
    pub async fn push(&self, force: bool) -> SyncReport {
        let _one_at_a_time = self.one_push_at_a_time.lock().await;
        let mut report = SyncReport::default();
        if let Some(mut progress) = self.progress(&mut report) {
            self.push_queue::<Submissions>(force, &mut progress, &mut report)
                .await;
        }
        report
    }

    /// Sends every due answer and rating whose case the server has accepted, one request each,
    /// oldest first, and settles each from the server's answer: 2xx sent; 404, 409 and 422
    /// refused for good; anything else (no connection, timeout, 5xx, 429) puts it back with
    /// backoff and ends the round.
    pub async fn push_actions(&self, force: bool, report: &mut SyncReport) {
        let _one_at_a_time = self.one_push_at_a_time.lock().await;
        if let Some(mut progress) = self.progress(report) {
            self.push_queue::<Actions>(force, &mut progress, report)
                .await;
        }
    }

    /// Everything pending, for "Sending 2 of 5"; `None` (and the error in the report) when
    /// the outbox cannot be read.
    fn progress(&self, report: &mut SyncReport) -> Option<Progress> {
        match self.outbox.counts() {
            Ok(counts) => Some(Progress {
                done: 0,
                total: counts.pending(),
            }),
            Err(error) => {
                report.error = Some(error.into());
                None
            }
        }
    }

    /// The one push loop, for every queue of the outbox: claims what is due, sends it, settles
    /// what the server answered for (only then does an item leave the queue), and puts the
    /// rest back with backoff, until nothing is due or a request fails.
    async fn push_queue<Q: Pushed>(
        &self,
        force: bool,
        progress: &mut Progress,
        report: &mut SyncReport,
    ) {
        loop {
            let batch_items = if Q::BATCHED {
                self.batch_items.load(Ordering::Relaxed)
            } else {
                1
            };
            let batch = match self.outbox.claim_in::<Q>(
                now_ms(),
                batch_items,
                self.config.max_batch_bytes,
                force,
            ) {
                Ok(batch) => batch,
                Err(error) => {
                    report.error = Some(error.into());
                    break;
                }
            };
            if batch.is_empty() {
                break;
            }
            let Progress { done, total } = *progress;
            let total = total.max(done + batch.len() as u64);
            self.status
                .send_modify(|s| s.phase = SyncPhase::Sending { done, total });
            report.requests += 1;
            let ids: Vec<Uuid> = batch.iter().map(Q::key).collect();
            self.refresh();
            let (path, json) = Q::request(&batch);
            let answer = self.post::<Q::Response>(path, &json).await;
            let outcome = Q::settlements(&batch, answer, report).and_then(|settlements| {
                self.outbox.settle_in::<Q>(&settlements, now_ms())?;
                Ok(ids
                    .iter()
                    .filter(|id| !settlements.iter().any(|(answered, _)| answered == *id))
                    .copied()
                    .collect::<Vec<_>>())
            });
            match outcome {
                Ok(unanswered) if unanswered.is_empty() => progress.done += ids.len() as u64,
                Ok(unanswered) => {
                    // The server left items out: they wait for the next round.
                    report.failed += unanswered.len();
                    let error = SyncError::BadAnswer("items missing from the answer".into());
                    report.error = Some(match self.release::<Q>(&unanswered, &error) {
                        Err(e) => e,
                        Ok(()) => error,
                    });
                    break;
                }
                Err(error) => {
                    if let SyncError::Refused { status: 413, .. } = error {
                        self.batch_items
                            .store((batch_items / 2).max(1), Ordering::Relaxed);
                    }
                    report.failed += ids.len();
                    if let Err(e) = self.release::<Q>(&ids, &error) {
                        tracing::warn!(error = %e, "could not put a failed request's items back");
                    }
                    report.error = Some(error);
                    break;
                }
            }
        }
    }

    /// Sends every due upload, one attachment at a time, until none is due or a request
    /// fails: the attachment whose request failed goes back with backoff, and the round ends.
    async fn push_uploads(&self, force: bool, progress: &mut Progress, report: &mut SyncReport) {
        loop {
            let upload = match self
                .outbox
                .claim_in::<Uploads>(now_ms(), 1, usize::MAX, force)
            {
                Ok(mut claimed) => match claimed.pop() {
                    Some(upload) => upload,
                    None => break,
                },
                Err(error) => {
                    report.error = Some(error.into());
                    break;
                }
            };
            let Progress { done, total } = *progress;
            let total = total.max(done + 1);
            self.status
                .send_modify(|s| s.phase = SyncPhase::Sending { done, total });
            self.refresh();
            let settled = match self.outbox.upload_content(&upload, now_ms()) {
                Ok(Some(content)) => self.upload(&upload, &content, report).await,
                Ok(None) => Ok(None),
                Err(error) => Err(SyncError::from(error)),
            }
            .and_then(|settlement| {
                let Some(settlement) = settlement else {
                    report.uploads_refused += 1;
                    return Ok(());
                };
                match settlement {
                    UploadSettlement::Received { .. } => report.uploads_received += 1,
                    _ => report.uploads_refused += 1,
                }
                self.outbox
                    .settle_in::<Uploads>(&[(upload.id, settlement)], now_ms())?;
                Ok(())
            });
            match settled {
                Ok(()) => {
                    progress.done += 1;
                    self.refresh();
                }
                Err(error) => {
                    report.failed += 1;
                    if let Err(e) = self.release::<Uploads>(&[upload.id], &error) {
                        tracing::warn!(error = %e, "could not put a failed upload back");
                    }
                    report.error = Some(error);
                    break;
                }
            }
        }
    }

    /// Uploads one attachment from where the server's copy ends, a piece
    /// ([`UPLOAD_PIECE_BYTES`]) at a time, recording every count the server answers; asks the
    /// server first when it may hold bytes this phone does not know of. How it ended (received
    /// or refused for good), or the error that interrupted it.
    async fn upload(
        &self,
        upload: &ClaimedUpload,
        content: &[u8],
        report: &mut SyncReport,
    ) -> Result<Option<UploadSettlement>, SyncError> {
        let url = format!(
            "{}{}",
            self.server_url(),
            attachment_path(&upload.submission_id, &upload.id)
        );
        let authorization = format!("{SECRET_AUTH_SCHEME} {}", upload.secret.expose());
        let size = content.len() as u64;
        // Where the server's copy ends, when this phone knows it: never contacted, nothing.
        let mut known = (!upload.contacted).then_some(0u64);
        loop {
            let status = match known {
                None => {
                    let request = self.http.get(&url).header(AUTHORIZATION, &authorization);
                    upload_answer(request).await?
                }
                Some(offset) => {
                    if !upload.contacted && offset == 0 {
                        self.outbox.mark_upload_contacted(upload.id)?;
                    }
                    let start = offset as usize;
                    let end = (start + UPLOAD_PIECE_BYTES).min(content.len());
                    let piece = content[start..end].to_vec();
                    report.upload_bytes += piece.len() as u64;
                    let request = self
                        .http
                        .put(&url)
                        .header(AUTHORIZATION, &authorization)
                        .header(UPLOAD_OFFSET_HEADER, offset)
                        .header(CONTENT_TYPE, "application/octet-stream")
                        .body(piece);
                    upload_answer(request).await?
                }
            };
            if status.id != upload.id || status.bytes != size || status.received > size {
                return Err(SyncError::BadAnswer(
                    "the upload's status is not this attachment's".into(),
                ));
            }
            self.outbox.record_upload(upload.id, status.received)?;
            self.refresh();
            match status.state {
                AttachmentState::Received if status.received == size => {
                    return Ok(Some(UploadSettlement::Received {
                        received: status.received,
                    }))
                }
                AttachmentState::Refused => {
                    return Ok(Some(UploadSettlement::Refused {
                        refusal: status.refusal.unwrap_or(AttachmentRefusal::Mismatch),
                        received: status.received,
                    }))
                }
                AttachmentState::Uploading if status.received < size => {
                    known = Some(status.received);
                }
                _ => {
                    return Err(SyncError::BadAnswer(
                        "the upload's status does not add up".into(),
                    ))
                }
            }
        }
    }

    /// Puts items whose request failed back in their queue, due after the backoff (or the
    /// server's `Retry-After`, if longer).
    fn release<Q: Queue>(&self, ids: &[Uuid], error: &SyncError) -> Result<(), SyncError> {
        let retry_after = match error {
            SyncError::Busy { retry_after, .. } => *retry_after,
            _ => None,
        };
        let backoff = self.config.backoff;
        let mut rng = rand::rng();
        let now = now_ms();
        self.outbox
            .release_in::<Q>(ids, &error.code(), |attempts| {
                let delay = backoff
                    .delay(attempts, &mut rng)
                    .max(retry_after.unwrap_or_default());
                now + delay.as_millis() as i64
            })?;
        Ok(())
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        json: &[u8],
    ) -> Result<T, SyncError> {
        let response = self
            .http
            .post(format!("{}{path}", self.server_url()))
            .header(CONTENT_TYPE, "application/json")
            .header(CONTENT_ENCODING, "gzip")
            .body(gzip(json))
            .send()
            .await
            .map_err(SyncError::from_reqwest)?;
        match response.status().as_u16() {
            200 => {
                let bytes = response.bytes().await.map_err(SyncError::from_reqwest)?;
                serde_json::from_slice(&bytes).map_err(|e| SyncError::BadAnswer(e.to_string()))
            }
            _ => Err(error_of(response).await),
        }
    }

    /// Asks for status changes and replies of every accepted, not yet closed item.
    pub async fn pull(&self) -> Result<usize, SyncError> {
        let keys = self.outbox.update_keys()?;
        let mut applied = 0;
        for chunk in keys.chunks(MAX_UPDATE_ITEMS) {
            let request = UpdatesRequest {
                items: chunk.to_vec(),
            };
            let json = serde_json::to_vec(&request).expect("a request serialises");
            let response: UpdatesResponse = self.post("/api/v1/updates", &json).await?;
            applied += self.outbox.apply_updates(&response.updates)?;
        }
        Ok(applied)
    }

    /// Whether this round should ask for the offices' contacts (and, if so, notes that it did).
    fn contacts_due(&self) -> bool {
        let mut asked = self
            .contacts_asked_at
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let due = asked.is_none_or(|at| at.elapsed() >= self.config.contacts_interval);
        if due {
            *asked = Some(std::time::Instant::now());
        }
        due
    }

    /// Asks the server for the offices' telephones and hours (`GET /api/v1/offices`, with the
    /// ETag of the list held) and keeps a changed list; whether it changed.
    pub async fn refresh_contacts(&self) -> Result<bool, SyncError> {
        let mut request = self
            .http
            .get(format!("{}/api/v1/offices", self.server_url()));
        if let Some(etag) = self.outbox.setting(CONTACTS_ETAG)? {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let response = request.send().await.map_err(SyncError::from_reqwest)?;
        match response.status().as_u16() {
            304 => Ok(false),
            200 => {
                let etag = response
                    .headers()
                    .get(ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let bytes = response.bytes().await.map_err(SyncError::from_reqwest)?;
                let contacts: OfficeContacts = serde_json::from_slice(&bytes)
                    .map_err(|e| SyncError::BadAnswer(e.to_string()))?;
                self.outbox.replace_office_contacts(&contacts.offices)?;
                if let Some(etag) = etag {
                    self.outbox.set_setting(CONTACTS_ETAG, &etag)?;
                }
                Ok(true)
            }
            status @ 500..=599 => Err(SyncError::ServerFailed { status }),
            status => Err(SyncError::Refused {
                status,
                code: "unknown".into(),
            }),
        }
    }

    /// Asks the server for the public scorecard of `office` (`GET /api/v1/scorecards/{office}`,
    /// with the ETag of the one kept, if any) and keeps what it answers on the phone: new
    /// figures, "unchanged" (only when the server answered 304), or none yet. An office the
    /// server does not know is forgotten. Errors (no connection, a busy server) change nothing
    /// kept.
    pub async fn refresh_scorecard(&self, office: &str) -> Result<ScorecardAnswer, SyncError> {
        if office.is_empty()
            || !office
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(SyncError::BadUrl(format!(
                "{office:?} is not an office code"
            )));
        }
        let mut request = self.http.get(format!(
            "{}{API_PREFIX}/scorecards/{office}",
            self.server_url()
        ));
        let kept = self.outbox.kept_scorecard(office)?;
        if let Some(etag) = kept
            .as_ref()
            .filter(|kept| kept.scorecard.is_some())
            .and_then(|kept| kept.etag.as_deref())
        {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let response = request.send().await.map_err(SyncError::from_reqwest)?;
        match response.status().as_u16() {
            304 if kept.is_some_and(|kept| kept.scorecard.is_some()) => {
                self.outbox.scorecard_unchanged(office, now_ms())?;
                Ok(ScorecardAnswer::Unchanged)
            }
            304 => Err(SyncError::BadAnswer(
                "304 for a scorecard the phone does not have".into(),
            )),
            200 => {
                let etag = response
                    .headers()
                    .get(ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let bytes = response.bytes().await.map_err(SyncError::from_reqwest)?;
                let scorecard: Scorecard = serde_json::from_slice(&bytes)
                    .map_err(|e| SyncError::BadAnswer(e.to_string()))?;
                if scorecard.subject
                    != (Subject::Office {
                        code: office.to_string(),
                    })
                {
                    return Err(SyncError::BadAnswer(
                        "a scorecard of another subject".into(),
                    ));
                }
                // Kept as it came (valid UTF-8, since it parsed as JSON).
                let body = String::from_utf8_lossy(&bytes);
                self.outbox
                    .keep_scorecard(office, &body, etag.as_deref(), now_ms())?;
                Ok(ScorecardAnswer::Changed)
            }
            _ => match error_of(response).await {
                SyncError::Refused { code, .. } if code == ErrorCode::NoFiguresYet.as_str() => {
                    self.outbox.keep_no_scorecard_yet(office, now_ms())?;
                    Ok(ScorecardAnswer::NoneYet)
                }
                SyncError::Refused { status: 404, code }
                    if code == ErrorCode::PlaceUnknown.as_str() =>
                {
                    self.outbox.forget_scorecard(office)?;
                    Ok(ScorecardAnswer::UnknownOffice)
                }
                error => Err(error),
            },
        }
    }

    /// Asks again for every scorecard kept on the phone, looked at last first, until one
    /// request fails (logged: they are asked again in a few hours, or when opened).
    async fn refresh_kept_scorecards(&self) {
        let offices = match self.outbox.kept_scorecard_offices() {
            Ok(offices) => offices,
            Err(error) => {
                tracing::warn!(%error, "outbox unreadable");
                return;
            }
        };
        for office in offices {
            if let Err(error) = self.refresh_scorecard(&office).await {
                tracing::info!(%error, "scorecards not refreshed");
                return;
            }
        }
    }

    /// Queues the citizen's answer to the office's question about item `id` durably (see
    /// [`Outbox::queue_action`]) and asks the background loop to send it now; returns its
    /// request id, under which [`Outbox::action`] tells how it went.
    pub fn answer(&self, id: Uuid, text: &str) -> Result<Uuid, SyncError> {
        self.queue(id, ActionBody::Answer(text.to_string()))
    }

    /// Queues the citizen's rating (1 to 5) of the office's answer to item `id` (1 or 2
    /// reopens it) and asks the background loop to send it now, like [`Self::answer`].
    pub fn rate(&self, id: Uuid, rating: u8) -> Result<Uuid, SyncError> {
        self.queue(id, ActionBody::Rating(rating))
    }

    fn queue(&self, id: Uuid, body: ActionBody) -> Result<Uuid, SyncError> {
        let request_id =
            self.outbox
                .queue_action(id, body, now_ms())
                .map_err(|error| match error {
                    OutboxError::UnknownSubmission(_) => SyncError::UnknownItem,
                    other => SyncError::Outbox(other),
                })?;
        self.refresh();
        self.kick();
        Ok(request_id)
    }
}
