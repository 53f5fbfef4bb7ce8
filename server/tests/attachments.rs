//! Photos and voice notes through the real server on loopback, on each engine: a submission
//! declares them, each is uploaded in pieces and resumed after a cut, and the server keeps
//! only what it checked (size, SHA-256, content, metadata stripped again).

mod support;

use ourvoice_protocol::{
    attachment_path, AttachmentDeclaration, AttachmentKind, AttachmentRefusal, AttachmentState,
    AttachmentStatus, Code, MediaType, Submission, SubmitBatchResponse, MAX_UPLOAD_PIECE_BYTES,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use support::{complaint, on_each_engine, Engine, ServerProcess, TestDb, Val};
use uuid::Uuid;

/// The server on `db`, its attachments in the test's folder (on SQLite by default, beside the
/// database; on PostgreSQL by `--attachments-dir`).
fn start(db: &TestDb, extra: &[&str]) -> ServerProcess {
    let folder = objects_folder(db).display().to_string();
    let mut args: Vec<&str> = extra.to_vec();
    if db.engine == Engine::Postgres {
        args.extend(["--attachments-dir", folder.as_str()]);
    }
    ServerProcess::start(db, &args)
}

fn objects_folder(db: &TestDb) -> PathBuf {
    db.file("attachments")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A small photo as a camera makes it: a JPEG of `width` × `height` with a gradient.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image)
        .unwrap();
    out
}

/// The words hidden in the EXIF block of [`with_exif`], to look for in what the server kept.
const EXIF_MARK: &[u8] = b"Phnom Penh, house 12";

/// `jpeg` with an EXIF block (APP1) right after its start: a camera's make and GPS latitude.
fn with_exif(jpeg: &[u8]) -> Vec<u8> {
    // A little-endian TIFF: IFD0 with ImageDescription and a pointer to the GPS IFD, which has
    // the latitude's reference and value.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let description_at = 8 + 2 + 2 * 12 + 4;
    let gps_at = description_at + EXIF_MARK.len() as u32 + 1;
    let latitude_at = gps_at + 2 + 2 * 12 + 4;
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        tiff.extend(tag.to_le_bytes());
        tiff.extend(kind.to_le_bytes());
        tiff.extend(count.to_le_bytes());
        tiff.extend(value);
    };
    tiff.extend(2u16.to_le_bytes());
    entry(
        &mut tiff,
        0x010E,
        2,
        EXIF_MARK.len() as u32 + 1,
        description_at.to_le_bytes(),
    );
    entry(&mut tiff, 0x8825, 4, 1, gps_at.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(EXIF_MARK);
    tiff.push(0);
    tiff.extend(2u16.to_le_bytes());
    entry(&mut tiff, 1, 2, 2, *b"N\0\0\0");
    entry(&mut tiff, 2, 5, 3, latitude_at.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    for (numerator, denominator) in [(11u32, 1u32), (33, 1), (4512, 100)] {
        tiff.extend(numerator.to_le_bytes());
        tiff.extend(denominator.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// A real voice note (Opus in Ogg, a few seconds of speech) with the recorder's tags in it: the
/// speaker's name and where it was recorded.
const VOICE_NOTE: &[u8] = include_bytes!("../../crates/media/tests/fixtures/speech.opus");

fn declare(kind: AttachmentKind, media_type: MediaType, bytes: &[u8]) -> AttachmentDeclaration {
    AttachmentDeclaration {
        id: Uuid::new_v4(),
        kind,
        media_type,
        bytes: bytes.len() as u64,
        sha256: sha256(bytes),
    }
}

struct Phone {
    http: reqwest::Client,
    base: String,
}

impl Phone {
    fn new(server: &ServerProcess) -> Phone {
        Phone {
            http: reqwest::Client::new(),
            base: server.url(),
        }
    }

    async fn submit(&self, submission: &Submission) {
        let response = self
            .http
            .post(format!("{}/api/v1/submissions", self.base))
            .json(&json!({ "items": [submission] }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let answer: SubmitBatchResponse = response.json().await.unwrap();
        assert!(
            matches!(
                answer.results[0].outcome,
                ourvoice_protocol::ItemOutcome::Accepted { .. }
            ),
            "{answer:?}"
        );
    }

    async fn put(
        &self,
        submission: &Submission,
        attachment: &Uuid,
        secret: &str,
        offset: u64,
        piece: Vec<u8>,
    ) -> (StatusCode, Value) {
        let response = self
            .http
            .put(format!(
                "{}{}",
                self.base,
                attachment_path(&submission.id, attachment)
            ))
            .header("authorization", format!("Secret {secret}"))
            .header("upload-offset", offset.to_string())
            .header("content-type", "application/octet-stream")
            .body(piece)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    /// Sends `bytes` from `offset` in pieces of `piece`; the last answer.
    async fn upload(
        &self,
        submission: &Submission,
        attachment: &Uuid,
        bytes: &[u8],
        offset: usize,
        piece: usize,
    ) -> AttachmentStatus {
        let mut at = offset;
        let mut last = None;
        while at < bytes.len() {
            let end = (at + piece).min(bytes.len());
            let (status, body) = self
                .put(
                    submission,
                    attachment,
                    submission.secret.expose(),
                    at as u64,
                    bytes[at..end].to_vec(),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let answer: AttachmentStatus = serde_json::from_value(body).unwrap();
            at = answer.received as usize;
            last = Some(answer);
            if last.as_ref().unwrap().state != AttachmentState::Uploading {
                break;
            }
        }
        last.expect("something to send")
    }

    async fn status_with(
        &self,
        case: &Uuid,
        attachment: &Uuid,
        secret: &str,
    ) -> (StatusCode, Value) {
        let response = self
            .http
            .get(format!(
                "{}{}",
                self.base,
                attachment_path(case, attachment)
            ))
            .header("authorization", format!("Secret {secret}"))
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    async fn status(&self, submission: &Submission, attachment: &Uuid) -> AttachmentStatus {
        let (status, body) = self
            .status_with(&submission.id, attachment, submission.secret.expose())
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }
}

/// The stored copy of an attachment: its type and bytes, read from the folder.
fn stored_copy(db: &TestDb, attachment: &Uuid) -> (String, Vec<u8>) {
    let row = &db.query(
        "SELECT stored_type, object_key FROM attachments WHERE id = $1",
        &[Val::from(attachment.to_string())],
    )[0];
    let key = row.text(1).unwrap();
    let bytes = std::fs::read(objects_folder(db).join(key)).unwrap();
    (row.text(0).unwrap(), bytes)
}

/// Files left in the folder of pieces.
fn pieces_left(db: &TestDb) -> usize {
    std::fs::read_dir(objects_folder(db).join("pieces"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

async fn uploads_in_pieces_are_received_and_stripped_on(db: TestDb) {
    let server = start(&db, &[]);
    let phone = Phone::new(&server);
    let photo = with_exif(&jpeg(640, 480));
    assert!(photo.windows(EXIF_MARK.len()).any(|w| w == EXIF_MARK));
    let voice = VOICE_NOTE.to_vec();
    let mut submission = complaint("ផ្លូវខូច មានរូបថត");
    let photo_declared = declare(AttachmentKind::Photo, MediaType::Jpeg, &photo);
    let voice_declared = declare(AttachmentKind::Voice, MediaType::Ogg, &voice);
    submission.attachments = vec![photo_declared.clone(), voice_declared.clone()];
    phone.submit(&submission).await;
    // A repeat of the accepted submission declares nothing new.
    phone.submit(&submission).await;
    assert_eq!(
        db.count("SELECT count(*) FROM attachments", &[]),
        2,
        "declared once"
    );

    // Nothing yet: the case is in, its photo arriving.
    let before = phone.status(&submission, &photo_declared.id).await;
    assert_eq!(
        (before.received, before.bytes, before.state),
        (0, photo.len() as u64, AttachmentState::Uploading)
    );

    // The photo in pieces of 4 KiB; the status follows.
    let half = photo.len() / 2;
    let midway = phone
        .upload(&submission, &photo_declared.id, &photo[..half], 0, 4096)
        .await;
    assert_eq!(midway.received, half as u64);
    assert_eq!(
        phone.status(&submission, &photo_declared.id).await.received,
        half as u64
    );
    let done = phone
        .upload(&submission, &photo_declared.id, &photo, half, 4096)
        .await;
    assert_eq!(done.state, AttachmentState::Received, "{done:?}");
    assert_eq!(done.received, photo.len() as u64);
    assert_eq!(done.refusal, None);

    // What is kept is a JPEG without the EXIF block, under a random name, plus a thumbnail.
    let (stored_type, kept) = stored_copy(&db, &photo_declared.id);
    assert_eq!(stored_type, MediaType::Jpeg.as_str());
    assert!(kept.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!kept.windows(4).any(|w| w == b"Exif"), "EXIF kept");
    assert!(!kept.windows(EXIF_MARK.len()).any(|w| w == EXIF_MARK));
    let row = &db.query(
        "SELECT object_key, thumbnail_key FROM attachments WHERE id = $1",
        &[Val::from(photo_declared.id.to_string())],
    )[0];
    let key = row.text(0).unwrap();
    assert!(!key.contains(&photo_declared.id.to_string()));
    assert!(!key.contains(&submission.id.to_string()));
    let thumbnail = std::fs::read(objects_folder(&db).join(row.text(1).unwrap())).unwrap();
    assert!(thumbnail.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert_eq!(pieces_left(&db), 0, "the pieces are deleted once received");

    // A piece sent again after the end changes nothing.
    let (status, body) = phone
        .put(
            &submission,
            &photo_declared.id,
            submission.secret.expose(),
            0,
            photo[..100].to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["state"], AttachmentState::Received.as_str());

    // The voice note in one go: kept in its own container, its tags blanked in place.
    let heard = phone
        .upload(
            &submission,
            &voice_declared.id,
            &voice,
            0,
            MAX_UPLOAD_PIECE_BYTES,
        )
        .await;
    assert_eq!(heard.state, AttachmentState::Received);
    let (stored_type, kept) = stored_copy(&db, &voice_declared.id);
    assert_eq!(stored_type, MediaType::Ogg.as_str());
    assert_eq!(kept.len(), voice.len());
    for tag in [&b"Sok_Dara"[..], b"11.5564"] {
        assert!(voice.windows(tag.len()).any(|w| w == tag));
        assert!(!kept.windows(tag.len()).any(|w| w == tag), "a tag was kept");
    }
    assert_eq!(
        ourvoice_media::voice_duration(&kept).unwrap(),
        ourvoice_media::voice_duration(&voice).unwrap()
    );

    // The operator's metrics count the bytes and the ends, never what they are.
    let metrics = phone
        .http
        .get(format!("{}/metrics", phone.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {metrics}"))
    };
    assert!(
        value("ourvoice_attachment_bytes_received_total") >= (photo.len() + voice.len()) as f64
    );
    assert_eq!(
        value("ourvoice_attachments_ended_total{state=\"received\"}"),
        2.0
    );
    assert_eq!(
        value("ourvoice_attachments_ended_total{state=\"refused\"}"),
        0.0
    );
    assert!(!metrics.contains(&photo_declared.id.to_string()));
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_in_pieces_are_received_and_stripped() {
    on_each_engine(uploads_in_pieces_are_received_and_stripped_on).await;
}

/// Sends the head of a `PUT` of `declared` bytes and only `sent` of them, then closes the
/// connection, as a phone losing its network mid-piece.
async fn cut_piece(
    server: &ServerProcess,
    path: &str,
    secret: &str,
    offset: u64,
    declared: usize,
    piece: &[u8],
) {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(&server.address)
        .await
        .unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Secret {secret}\r\nUpload-Offset: {offset}\r\nContent-Type: application/octet-stream\r\nContent-Length: {declared}\r\n\r\n",
        server.address
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(piece).await.unwrap();
    stream.flush().await.unwrap();
    drop(stream);
}

async fn a_piece_cut_short_is_kept_and_the_upload_resumes_on(db: TestDb) {
    let server = start(&db, &[]);
    let phone = Phone::new(&server);
    let photo = jpeg(800, 600);
    let mut submission = complaint("ភ្លើងបំភ្លឺផ្លូវខូច");
    let declared = declare(AttachmentKind::Photo, MediaType::Jpeg, &photo);
    submission.attachments = vec![declared.clone()];
    phone.submit(&submission).await;
    let path = attachment_path(&submission.id, &declared.id);

    // A first piece whole, then one cut after 3,000 of its 20,000 bytes.
    phone
        .upload(&submission, &declared.id, &photo[..10_000], 0, 10_000)
        .await;
    cut_piece(
        &server,
        &path,
        submission.secret.expose(),
        10_000,
        20_000,
        &photo[10_000..13_000],
    )
    .await;
    // The server stores the bytes that arrived once it sees the connection end.
    let mut held = phone.status(&submission, &declared.id).await;
    for _ in 0..200 {
        if held.received != 10_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        held = phone.status(&submission, &declared.id).await;
    }
    assert_eq!(held.received, 13_000, "the bytes that arrived are kept");

    // A piece from the old place is refused with where to go on.
    let (status, body) = phone
        .put(
            &submission,
            &declared.id,
            submission.secret.expose(),
            10_000,
            photo[10_000..12_000].to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let told: AttachmentStatus = serde_json::from_value(body).unwrap();
    assert_eq!(told.received, 13_000);

    // The phone continues from there; the photo arrives whole.
    let done = phone
        .upload(&submission, &declared.id, &photo, 13_000, 8192)
        .await;
    assert_eq!(done.state, AttachmentState::Received, "{done:?}");
    assert_eq!(pieces_left(&db), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_piece_cut_short_is_kept_and_the_upload_resumes() {
    on_each_engine(a_piece_cut_short_is_kept_and_the_upload_resumes_on).await;
}

async fn bad_uploads_are_refused_clearly_on(db: TestDb) {
    let server = start(&db, &[]);
    let phone = Phone::new(&server);
    let photo = jpeg(64, 48);
    let not_media =
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".repeat(20);
    let mut submission = complaint("ឯកសារ");
    let good = declare(AttachmentKind::Photo, MediaType::Jpeg, &photo);
    let mut wrong_sum = declare(AttachmentKind::Photo, MediaType::Jpeg, &photo);
    wrong_sum.sha256 = sha256(b"something else");
    let pretend = declare(AttachmentKind::Photo, MediaType::Png, &not_media);
    submission.attachments = vec![good.clone(), wrong_sum.clone(), pretend.clone()];
    phone.submit(&submission).await;
    let secret = submission.secret.expose().to_string();

    // Wrong secret, unknown case, undeclared attachment, no secret: the same 404.
    let other_secret = ourvoice_protocol::Secret::generate();
    let mut not_found = Vec::new();
    for (case, attachment, secret) in [
        (submission.id, good.id, other_secret.expose()),
        (Uuid::new_v4(), good.id, secret.as_str()),
        (submission.id, Uuid::new_v4(), secret.as_str()),
        (submission.id, good.id, ""),
    ] {
        let (status, body) = phone.status_with(&case, &attachment, secret).await;
        not_found.push((status, body["error"].clone()));
    }
    assert!(
        not_found
            .iter()
            .all(|answer| *answer == (StatusCode::NOT_FOUND, json!("attachment_not_found"))),
        "{not_found:?}"
    );
    let (status, _) = phone
        .put(
            &submission,
            &good.id,
            other_secret.expose(),
            0,
            photo.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = phone
        .put(&submission, &Uuid::new_v4(), &secret, 0, photo.clone())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A piece that does not start where the server's bytes end: 409 with the status.
    let (status, body) = phone
        .put(&submission, &good.id, &secret, 100, photo[100..].to_vec())
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["received"], 0);
    assert_eq!(body["state"], AttachmentState::Uploading.as_str());

    // A piece over the limit: 413, nothing kept.
    let (status, body) = phone
        .put(
            &submission,
            &good.id,
            &secret,
            0,
            vec![0xFF; MAX_UPLOAD_PIECE_BYTES + 1],
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(phone.status(&submission, &good.id).await.received, 0);

    // No offset, or not octets: said so.
    let response = phone
        .http
        .put(format!(
            "{}{}",
            phone.base,
            attachment_path(&submission.id, &good.id)
        ))
        .header("authorization", format!("Secret {secret}"))
        .header("content-type", "application/octet-stream")
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "upload_offset_invalid");

    // Bytes that are not the declared SHA-256: refused for good, and only that attachment.
    let refused = phone
        .upload(&submission, &wrong_sum.id, &photo, 0, 65_536)
        .await;
    assert_eq!(
        (refused.state, refused.refusal),
        (AttachmentState::Refused, Some(AttachmentRefusal::Mismatch))
    );
    // Not a photo, whatever it was declared as: refused.
    let refused = phone
        .upload(&submission, &pretend.id, &not_media, 0, 65_536)
        .await;
    assert_eq!(
        (refused.state, refused.refusal),
        (AttachmentState::Refused, Some(AttachmentRefusal::NotMedia))
    );
    // A refusal stays: sending again changes nothing.
    let (status, body) = phone
        .put(&submission, &pretend.id, &secret, 0, not_media.clone())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["refusal"], AttachmentRefusal::NotMedia.as_str());
    assert_eq!(pieces_left(&db), 0);

    // The good one still arrives.
    let done = phone.upload(&submission, &good.id, &photo, 0, 65_536).await;
    assert_eq!(done.state, AttachmentState::Received);
    assert_eq!(
        db.count(
            "SELECT count(*) FROM attachments WHERE state = $1",
            &[Val::from(AttachmentState::Refused.as_str())]
        ),
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_uploads_are_refused_clearly() {
    on_each_engine(bad_uploads_are_refused_clearly_on).await;
}

#[test]
fn the_exif_helper_makes_a_jpeg_that_still_decodes() {
    let photo = with_exif(&jpeg(32, 24));
    let decoded = image::load_from_memory(&photo).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (32, 24));
}

/// Reads what the servers kept in Garage, as any S3 client would.
fn s3_reader(garage: &support::garage::Garage) -> object_store::aws::AmazonS3 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    object_store::aws::AmazonS3Builder::new()
        .with_endpoint(&garage.endpoint)
        .with_bucket_name(&garage.bucket)
        .with_region("garage")
        .with_access_key_id(&garage.key_id)
        .with_secret_access_key(&garage.secret)
        .with_allow_http(true)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_share_uploads_through_an_s3_store() {
    use object_store::{path::Path, ObjectStore, ObjectStoreExt};
    let garage = support::garage::Garage::start();
    let db = TestDb::new(Engine::Postgres);
    let args = garage.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = ServerProcess::start_with_env(&db, "127.0.0.1:0", &args, &garage.env());
    let b = ServerProcess::start_with_env(&db, "127.0.0.1:0", &args, &garage.env());
    let (phone_a, phone_b) = (Phone::new(&a), Phone::new(&b));

    let photo = with_exif(&jpeg(640, 480));
    let mut submission = complaint("ផ្លូវខូច");
    let declared = declare(AttachmentKind::Photo, MediaType::Jpeg, &photo);
    submission.attachments = vec![declared.clone()];
    phone_a.submit(&submission).await;

    // Pieces to server A, then the rest to server B, which finds A's pieces in the store.
    let half = photo.len() / 2;
    let midway = phone_a
        .upload(&submission, &declared.id, &photo[..half], 0, 8192)
        .await;
    assert_eq!(midway.received, half as u64);
    assert_eq!(
        phone_b.status(&submission, &declared.id).await.received,
        half as u64
    );
    let last = photo.len() - 1000;
    phone_b
        .upload(&submission, &declared.id, &photo[..last], half, 8192)
        .await;
    // The last piece to B while both servers are asked how it stands: whichever finishes the
    // upload first wins, and the other leaves nothing behind.
    let (put, _, _, _) = tokio::join!(
        phone_b.put(
            &submission,
            &declared.id,
            submission.secret.expose(),
            last as u64,
            photo[last..].to_vec()
        ),
        phone_a.status(&submission, &declared.id),
        phone_b.status(&submission, &declared.id),
        phone_a.status(&submission, &declared.id),
    );
    assert_eq!(put.0, StatusCode::OK, "{}", put.1);
    let done = phone_b.status(&submission, &declared.id).await;
    assert_eq!(done.state, AttachmentState::Received, "{done:?}");
    assert_eq!(
        phone_a.status(&submission, &declared.id).await.state,
        AttachmentState::Received
    );

    // The kept copy is in the bucket, without the EXIF block; no piece is left.
    let s3 = s3_reader(&garage);
    let key = db.query(
        "SELECT object_key FROM attachments WHERE id = $1",
        &[Val::from(declared.id.to_string())],
    )[0]
    .text(0)
    .unwrap();
    let kept = s3
        .get(&Path::from(key.as_str()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(kept.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!kept.windows(4).any(|w| w == b"Exif"));
    assert!(!kept.windows(EXIF_MARK.len()).any(|w| w == EXIF_MARK));
    use futures_util::TryStreamExt;
    let pieces: Vec<_> = s3
        .list(Some(&Path::from("pieces")))
        .try_collect()
        .await
        .unwrap();
    assert!(pieces.is_empty(), "{pieces:?}");
    for (folder, expect) in [("attachments", 1), ("thumbnails", 1)] {
        let kept: Vec<_> = s3
            .list(Some(&Path::from(folder)))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(kept.len(), expect, "{folder}: {kept:?}");
    }

    // A bad upload is refused the same way through S3.
    let mut other = complaint("ឯកសារ");
    let mut wrong = declare(AttachmentKind::Photo, MediaType::Jpeg, &photo);
    wrong.sha256 = sha256(b"else");
    other.attachments = vec![wrong.clone()];
    phone_b.submit(&other).await;
    let refused = phone_a.upload(&other, &wrong.id, &photo, 0, 65_536).await;
    assert_eq!(refused.refusal, Some(AttachmentRefusal::Mismatch));
}
