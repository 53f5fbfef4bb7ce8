//! The engine itself: one push at a time (submissions, then the citizen's answers and
//! ratings), a background loop, and a status channel for the UI.

use chrono::Utc;
use flate2::{write::GzEncoder, Compression};
use ourvoice_outbox::{
    ActionBody, ActionSettlement, Claimed, ClaimedAction, Outbox, OutboxError, Settlement,
};
use ourvoice_protocol::{
    ApiError, CaseActionResponse, CitizenAnswerRequest, ItemOutcome, RatingRequest,
    SubmitBatchResponse, UpdatesRequest, UpdatesResponse, MAX_BATCH_ITEMS, MAX_UPDATE_ITEMS,
};
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
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

/// The engine's state as the UI shows it (together with the outbox counts).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncStatus {
    pub phase: SyncPhase,
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
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
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
        Ok(SyncEngine {
            outbox,
            http,
            server_url: std::sync::RwLock::new(config.server_url.clone()),
            config,
            batch_items: AtomicUsize::new(batch_items),
            one_push_at_a_time: Mutex::new(()),
            kick: Notify::new(),
            status: watch::channel(SyncStatus::default()).0,
        })
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

    /// One full round: send every due submission, then every due answer and rating (everything
    /// pending when `force`), then pull updates.
    pub async fn sync_now(&self, force: bool) -> SyncReport {
        let mut report = self.push(force).await;
        if report.error.is_none() {
            self.push_actions(force, &mut report).await;
        }
        if report.error.is_none() {
            self.status.send_modify(|s| s.phase = SyncPhase::Pulling);
            match self.pull().await {
                Ok(applied) => report.updates = applied,
                Err(error) => report.error = Some(error),
            }
        }
        self.status.send_modify(|s| {
            s.phase = SyncPhase::Idle;
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

    /// Sends every due row, batch after batch, until none is due or a request fails.
    pub async fn push(&self, force: bool) -> SyncReport {
        let _one_at_a_time = self.one_push_at_a_time.lock().await;
        let mut report = SyncReport::default();
        let total = match self.outbox.counts() {
            Ok(counts) => counts.pending(),
            Err(error) => {
                report.error = Some(error.into());
                return report;
            }
        };
        let mut done = 0u64;
        loop {
            self.status
                .send_modify(|s| s.phase = SyncPhase::Sending { done, total });
            let batch_items = self.batch_items.load(Ordering::Relaxed);
            let batch = match self.outbox.claim_due(
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
            report.requests += 1;
            let ids: Vec<_> = batch.iter().map(|c| c.id).collect();
            let outcome = match self.send_batch(&batch).await {
                Ok(response) => self.settle(&batch, response, &mut report),
                Err(error) => Err(error),
            };
            match outcome {
                Ok(unanswered) if unanswered.is_empty() => done += ids.len() as u64,
                Ok(unanswered) => {
                    // The server left items out: they wait for the next round.
                    report.failed += unanswered.len();
                    let error = SyncError::BadAnswer("items missing from the answer".into());
                    if let Err(e) = self.release(&unanswered, &error) {
                        report.error = Some(e);
                    } else {
                        report.error = Some(error);
                    }
                    break;
                }
                Err(error) => {
                    if let SyncError::Refused { status: 413, .. } = error {
                        self.batch_items
                            .store((batch_items / 2).max(1), Ordering::Relaxed);
                    }
                    report.failed += ids.len();
                    if let Err(e) = self.release(&ids, &error) {
                        tracing::warn!(error = %e, "could not put a failed batch back");
                    }
                    report.error = Some(error);
                    break;
                }
            }
        }
        report
    }

    fn release(&self, ids: &[uuid::Uuid], error: &SyncError) -> Result<(), SyncError> {
        let retry_after = match error {
            SyncError::Busy { retry_after, .. } => *retry_after,
            _ => None,
        };
        let backoff = self.config.backoff;
        let mut rng = rand::rng();
        let now = now_ms();
        self.outbox.release_failed(ids, &error.code(), |attempts| {
            let delay = backoff
                .delay(attempts, &mut rng)
                .max(retry_after.unwrap_or_default());
            now + delay.as_millis() as i64
        })?;
        Ok(())
    }

    /// Records each answered item; returns the ids the answer did not cover.
    fn settle(
        &self,
        batch: &[Claimed],
        response: SubmitBatchResponse,
        report: &mut SyncReport,
    ) -> Result<Vec<uuid::Uuid>, SyncError> {
        let mut answered = vec![false; batch.len()];
        let mut settlements = Vec::with_capacity(batch.len());
        for result in response.results {
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
                } => {
                    report.accepted += 1;
                    Settlement::Accepted {
                        server_number,
                        office,
                        status,
                        seq,
                        received_at: received_at.timestamp_millis(),
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
        self.outbox.settle(&settlements, now_ms())?;
        Ok(batch
            .iter()
            .zip(answered)
            .filter(|(_, answered)| !answered)
            .map(|(item, _)| item.id)
            .collect())
    }

    /// The request body is built from the stored bodies byte for byte.
    async fn send_batch(&self, batch: &[Claimed]) -> Result<SubmitBatchResponse, SyncError> {
        let bodies: Vec<&str> = batch.iter().map(|c| c.body.as_str()).collect();
        let json = format!("{{\"items\":[{}]}}", bodies.join(","));
        self.post("/api/v1/submissions", json.as_bytes()).await
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
        let status = response.status().as_u16();
        match status {
            200 => {
                let bytes = response.bytes().await.map_err(SyncError::from_reqwest)?;
                serde_json::from_slice(&bytes).map_err(|e| SyncError::BadAnswer(e.to_string()))
            }
            429 | 503 => {
                let retry_after = response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .map(Duration::from_secs);
                Err(SyncError::Busy {
                    status,
                    retry_after,
                })
            }
            500..=599 => Err(SyncError::ServerFailed { status }),
            _ => {
                let code = response
                    .json::<ApiError>()
                    .await
                    .map(|e| e.error)
                    .unwrap_or_else(|_| "unknown".into());
                Err(SyncError::Refused { status, code })
            }
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

    /// Sends every due answer and rating whose case the server has accepted, one request each,
    /// oldest first, and settles each from the server's answer: 2xx sent; 404, 409 and 422
    /// refused for good; anything else (no connection, timeout, 5xx, 429) puts it back with
    /// backoff and ends the round.
    pub async fn push_actions(&self, force: bool, report: &mut SyncReport) {
        let _one_at_a_time = self.one_push_at_a_time.lock().await;
        let total = match self.outbox.counts() {
            Ok(counts) => counts.actions_pending,
            Err(error) => {
                report.error = Some(error.into());
                return;
            }
        };
        let mut done = 0u64;
        loop {
            let action = match self.outbox.claim_due_action(now_ms(), force) {
                Ok(Some(action)) => action,
                Ok(None) => break,
                Err(error) => {
                    report.error = Some(error.into());
                    break;
                }
            };
            self.status.send_modify(|s| {
                s.phase = SyncPhase::Sending {
                    done,
                    total: total.max(done + 1),
                }
            });
            report.requests += 1;
            let settlement = match self.send_action(&action).await {
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
                Err(error) => {
                    report.failed += 1;
                    if let Err(e) = self.release_action(action.request_id, &error) {
                        tracing::warn!(error = %e, "could not put a failed answer or rating back");
                    }
                    report.error = Some(error);
                    break;
                }
            };
            if let Err(error) = self
                .outbox
                .settle_action(action.request_id, &settlement, now_ms())
            {
                report.error = Some(error.into());
                break;
            }
            done += 1;
        }
    }

    fn release_action(&self, request_id: Uuid, error: &SyncError) -> Result<(), SyncError> {
        let retry_after = match error {
            SyncError::Busy { retry_after, .. } => *retry_after,
            _ => None,
        };
        let backoff = self.config.backoff;
        let now = now_ms();
        self.outbox
            .release_failed_action(request_id, &error.code(), |attempts| {
                let delay = backoff
                    .delay(attempts, &mut rand::rng())
                    .max(retry_after.unwrap_or_default());
                now + delay.as_millis() as i64
            })?;
        Ok(())
    }

    /// One answer or rating, always under its request id, built from what was stored.
    async fn send_action(&self, action: &ClaimedAction) -> Result<CaseActionResponse, SyncError> {
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
        let json = json.expect("a request serialises");
        self.post(path, &json).await
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
        self.kick();
        Ok(request_id)
    }
}
