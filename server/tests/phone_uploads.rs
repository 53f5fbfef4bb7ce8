//! The phone's uploads against the real server, on each engine: the app's outbox and sync
//! engine send a submission, then its photos in pieces; a refusal or a damaged file ends that
//! attachment alone; an upload the server holds more of than the phone knows continues from
//! the server's count (asked first, or learnt from a 409), so no acknowledged byte is sent twice.

mod support;

use chrono::Utc;
use ourvoice_directory::Directory;
use ourvoice_outbox::{AttachmentProgress, Draft, DraftAttachment, ItemState, Outbox, OutboxItem};
use ourvoice_protocol::{
    attachment_path, AttachmentRefusal, AttachmentState, AttachmentStatus, Kind, Lang, MediaType,
    Privacy, UPLOAD_PIECE_BYTES,
};
use ourvoice_sync::{SyncConfig, SyncEngine};
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::sync::Arc;
use support::{on_each_engine, ServerProcess, TestDb};
use uuid::Uuid;

/// A photo of `width` × `height` pixels of noise.
fn noise_jpeg(seed: u64, width: u32, height: u32) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let pixels = image::RgbImage::from_fn(width, height, |_, _| image::Rgb(rng.random()));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&pixels)
        .unwrap();
    bytes
}

fn draft(attachments: Vec<DraftAttachment>) -> Draft {
    Draft {
        kind: Kind::Complaint,
        place: "120101".into(),
        category: "other".into(),
        description: "ផ្លូវខូច មានរូបថត".into(),
        evaluation: None,
        asked_extra_payment: None,
        about_office_staff: false,
        publish_text: false,
        incident_date: None,
        privacy: Privacy::Anonymous,
        profile: None,
        locale: Lang::Km,
        hide_text: false,
        attachments,
    }
}

fn photo(bytes: Vec<u8>) -> DraftAttachment {
    DraftAttachment {
        media_type: MediaType::Jpeg,
        bytes,
    }
}

fn start(db: &TestDb) -> ServerProcess {
    let objects = db.file("attachments").display().to_string();
    ServerProcess::start(db, &["--attachments-dir", &objects])
}

fn engine(folder: &tempfile::TempDir, server: &ServerProcess) -> SyncEngine {
    let outbox = Arc::new(Outbox::open(&folder.path().join("outbox.db")).unwrap());
    SyncEngine::new(outbox, SyncConfig::new(&server.url())).unwrap()
}

fn submit(engine: &SyncEngine, attachments: Vec<DraftAttachment>) -> OutboxItem {
    engine
        .outbox()
        .submit(
            draft(attachments),
            Directory::embedded(),
            "test",
            Utc::now(),
        )
        .unwrap()
}

fn states(engine: &SyncEngine, id: Uuid) -> Vec<(u64, AttachmentProgress)> {
    engine
        .outbox()
        .get(id)
        .unwrap()
        .unwrap()
        .attachments
        .iter()
        .map(|a| (a.acknowledged, a.state))
        .collect()
}

async fn refusals_and_damage_end_one_attachment_alone_on(db: TestDb) {
    let server = start(&db);
    let folder = tempfile::tempdir().unwrap();
    let engine = engine(&folder, &server);
    let good = noise_jpeg(1, 400, 300);
    let item = submit(
        &engine,
        vec![
            photo(good.clone()),
            // Declared a JPEG, but not a picture at all: the server refuses it when complete.
            photo(b"<svg xmlns='http://www.w3.org/2000/svg'/>".repeat(100)),
            photo(noise_jpeg(2, 300, 200)),
        ],
    );
    // The third one's file is damaged on the phone before it is sent.
    let third = folder
        .path()
        .join("outbox.db.attachments")
        .join(item.attachments[2].id.to_string());
    let mut bytes = std::fs::read(&third).unwrap();
    bytes[100] ^= 0xFF;
    std::fs::write(&third, bytes).unwrap();

    let report = engine.sync_now(true).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.accepted, 1);
    assert_eq!((report.uploads_received, report.uploads_refused), (1, 2));
    assert_eq!(
        report.upload_bytes,
        item.attachments[0].bytes + item.attachments[1].bytes,
        "nothing of the damaged file was sent"
    );
    let stored = engine.outbox().get(item.id).unwrap().unwrap();
    assert!(matches!(stored.state, ItemState::Accepted { .. }));
    assert_eq!(
        states(&engine, item.id),
        vec![
            (item.attachments[0].bytes, AttachmentProgress::Received),
            (
                item.attachments[1].bytes,
                AttachmentProgress::Refused(AttachmentRefusal::NotMedia)
            ),
            (0, AttachmentProgress::Refused(AttachmentRefusal::Mismatch)),
        ]
    );
    let counts = engine.outbox().counts().unwrap();
    assert_eq!((counts.pending(), counts.attachments_pending), (0, 0));
    // Nothing more to send: another round sends no byte.
    let again = engine.sync_now(true).await;
    assert_eq!(again.upload_bytes, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_and_damage_end_one_attachment_alone() {
    on_each_engine(refusals_and_damage_end_one_attachment_alone_on).await;
}

/// Sends the first piece of an attachment as another request would have, without the phone
/// learning the answer; the server's status after it.
async fn first_piece_behind_the_phones_back(
    server: &ServerProcess,
    item: &OutboxItem,
    content: &[u8],
) -> AttachmentStatus {
    let attachment = item.attachments[0].id;
    reqwest::Client::new()
        .put(format!(
            "{}{}",
            server.url(),
            attachment_path(&item.id, &attachment)
        ))
        .header(
            "authorization",
            format!("Secret {}", item.submission.secret.expose()),
        )
        .header("upload-offset", "0")
        .header("content-type", "application/octet-stream")
        .body(content[..UPLOAD_PIECE_BYTES].to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn an_upload_continues_from_the_servers_count_on(db: TestDb) {
    let server = start(&db);
    let folder = tempfile::tempdir().unwrap();
    let engine = engine(&folder, &server);
    let content = noise_jpeg(3, 500, 400);
    assert!(content.len() > 2 * UPLOAD_PIECE_BYTES);
    let asked = submit(&engine, vec![photo(content.clone())]);
    let learnt = submit(&engine, vec![photo(content.clone())]);
    // Only the submissions go: the uploads are left for later.
    assert_eq!(engine.push(true).await.accepted, 2);
    for item in [&asked, &learnt] {
        assert!(matches!(
            engine.outbox().get(item.id).unwrap().unwrap().state,
            ItemState::Accepted { .. }
        ));
        // The server holds a first piece the phone has no answer for (a reply lost).
        let status = first_piece_behind_the_phones_back(&server, item, &content).await;
        assert_eq!(
            (status.received, status.state),
            (UPLOAD_PIECE_BYTES as u64, AttachmentState::Uploading)
        );
    }
    // One phone knows it sent bytes (it asks first); for the other the server's 409 tells.
    engine
        .outbox()
        .mark_upload_contacted(asked.attachments[0].id)
        .unwrap();
    let report = engine.sync_now(true).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.uploads_received, 2);
    let rest = (content.len() - UPLOAD_PIECE_BYTES) as u64;
    // Asked: only the rest. Learnt: one piece refused with 409 (its bytes were not taken),
    // then the rest.
    assert_eq!(report.upload_bytes, rest + UPLOAD_PIECE_BYTES as u64 + rest);
    for item in [&asked, &learnt] {
        assert_eq!(
            states(&engine, item.id),
            vec![(content.len() as u64, AttachmentProgress::Received)]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_continues_from_the_servers_count() {
    on_each_engine(an_upload_continues_from_the_servers_count_on).await;
}
