//! Photos and voice notes after they arrived: the handling office sees them on the item page
//! and opens them (with their true type, inline, never sniffed, never cached), nobody else
//! does, a confidential item's viewings are audited; Open311 shows the photo of a published
//! item only, and refuses a `media_url` in a new request.

use crate::setup::*;
use ourvoice_protocol::{
    attachment_path, AttachmentDeclaration, AttachmentKind, AttachmentState, Code, MediaType,
};
use sha2::{Digest, Sha256};

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image)
        .unwrap();
    out
}

fn declare(kind: AttachmentKind, media_type: MediaType, bytes: &[u8]) -> AttachmentDeclaration {
    AttachmentDeclaration {
        id: uuid::Uuid::new_v4(),
        kind,
        media_type,
        bytes: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(bytes)),
    }
}

/// Uploads `bytes` in one piece; the state it ends in.
async fn upload(
    setup: &Setup,
    submission: &Submission,
    declared: &AttachmentDeclaration,
    bytes: &[u8],
) -> Value {
    let response = reqwest::Client::new()
        .put(format!(
            "{}{}",
            setup.server.url(),
            attachment_path(&submission.id, &declared.id)
        ))
        .header(
            "authorization",
            format!("Secret {}", submission.secret.expose()),
        )
        .header("upload-offset", "0")
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["state"], AttachmentState::Received.as_str(), "{body}");
    body
}

/// A raw GET with the browser's session: status, headers and bytes.
async fn fetch(browser: &Browser, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = browser
        .http
        .get(format!("{}{path}", browser.base))
        .header(COOKIE, browser.cookie_header())
        .send()
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn views(setup: &Setup) -> i64 {
    setup.db.count(
        "SELECT count(*) FROM audit_log WHERE action = 'view_attachment'",
        &[],
    )
}

#[tokio::test]
async fn the_office_sees_its_items_attachments_and_only_published_photos_are_public() {
    on_each_engine(attachments_on).await;
}

async fn attachments_on(db: TestDb) {
    let folder = db.file("attachments").display().to_string();
    let setup = Setup::start(db, &["--attachments-dir", &folder]);
    let mut admin = accounts(&setup).await;
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;

    // A confidential item with a photo and a voice note, all received.
    let photo = jpeg(400, 300);
    // A real recording (Opus in Ogg) whose tags name the speaker.
    let voice = include_bytes!("../../../crates/media/tests/fixtures/speech.opus").to_vec();
    let mut confidential = complaint("ផ្លូវខូច");
    confidential.privacy = Privacy::Confidential {
        name: "សុខ ចាន់".into(),
        phone: "+85512345678".into(),
    };
    let photo_declared = declare(AttachmentKind::Photo, MediaType::Jpeg, &photo);
    let voice_declared = declare(AttachmentKind::Voice, MediaType::Ogg, &voice);
    confidential.attachments = vec![photo_declared.clone(), voice_declared.clone()];
    let number = setup.submit(&confidential).await;
    let item = format!("/console/items/{number}");
    let whole = format!("{item}/attachments/{}", photo_declared.id);
    let thumbnail = format!("{whole}/thumbnail");
    let heard = format!("{item}/attachments/{}", voice_declared.id);

    // Before anything arrives: the office sees that it is arriving.
    let page = officer.get(&item).await;
    assert_eq!(page.status, StatusCode::OK);
    let arriving = page.body.contains("arriving") || page.body.contains("កំពុងមកដល់");
    assert!(arriving, "{}", page.body);
    upload(&setup, &confidential, &photo_declared, &photo).await;
    upload(&setup, &confidential, &voice_declared, &voice).await;

    // A confidential item's photos are shown when asked for, as its contact details are.
    let page = officer.get(&item).await;
    assert!(!page.body.contains(&thumbnail), "shown before asked for");
    assert!(page.body.contains("?attachments=1"));
    assert_eq!(views(&setup), 0);
    let page = officer.get(&format!("{item}?attachments=1")).await;
    assert!(
        page.body.contains(&format!("src=\"{thumbnail}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("href=\"{whole}\"")));
    assert!(page
        .body
        .contains(&format!("<audio controls preload=\"none\" src=\"{heard}\"")));

    // Each copy: its true type, inline under a name the server made, never sniffed or cached.
    for (path, media_type) in [
        (&whole, MediaType::Jpeg),
        (&thumbnail, MediaType::Jpeg),
        (&heard, MediaType::Ogg),
    ] {
        let (status, headers, bytes) = fetch(&officer, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(header(&headers, "content-type"), media_type.as_str());
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(&headers, "cache-control"), "private, no-store");
        let disposition = header(&headers, "content-disposition");
        assert!(
            disposition.starts_with(&format!("inline; filename=\"item-{number}-")),
            "{disposition}"
        );
        assert!(header(&headers, "content-security-policy").contains("default-src 'none'"));
        match media_type {
            MediaType::Ogg => {
                // The recording as checked: the same length, its tags blanked.
                assert_eq!(bytes.len(), voice.len());
                assert!(!bytes.windows(8).any(|w| w == b"Sok_Dara"));
            }
            _ => assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF])),
        }
    }
    assert_eq!(views(&setup), 3, "each viewing is in the audit log");
    let audit = admin.get("/console/audit").await.body;
    assert!(audit.contains("view_attachment") && audit.contains("officer.a"));

    // Another office's account, an analyst, nobody signed in: nothing, and nothing logged.
    let mut other = signed_in(&setup, "officer.b", PASSWORD).await;
    let (status, _, bytes) = fetch(&other, &whole).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!bytes.starts_with(&[0xFF, 0xD8]));
    assert_eq!(other.get(&item).await.status, StatusCode::NOT_FOUND);
    let analyst = signed_in(&setup, "analyst", PASSWORD).await;
    let (status, _, bytes) = fetch(&analyst, &whole).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!bytes.starts_with(&[0xFF, 0xD8]));
    let (status, _, _) = fetch(&Browser::new(&setup.server.url()), &whole).await;
    assert_ne!(status, StatusCode::OK);
    let (status, _, _) = fetch(
        &officer,
        &format!("{item}/attachments/{}", uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(views(&setup), 3);

    // An anonymous item's photo is shown at once; opening it is not a confidential viewing.
    let published_photo = jpeg(300, 200);
    let mut published = complaint("ភ្លើងផ្លូវខូចនៅភូមិយើង");
    published.publish_text = true;
    let declared = declare(AttachmentKind::Photo, MediaType::Jpeg, &published_photo);
    published.attachments = vec![declared.clone()];
    let published_number = setup.submit(&published).await;
    upload(&setup, &published, &declared, &published_photo).await;
    let page = officer
        .get(&format!("/console/items/{published_number}"))
        .await;
    let published_thumbnail = format!(
        "/console/items/{published_number}/attachments/{}/thumbnail",
        declared.id
    );
    assert!(page.body.contains(&published_thumbnail));
    assert_eq!(
        fetch(&officer, &published_thumbnail).await.0,
        StatusCode::OK
    );
    assert_eq!(views(&setup), 3);

    // Open311: the published item's photo, stripped; nothing of the others.
    let http = reqwest::Client::new();
    let open311 = |path: String| http.get(format!("{}{path}", setup.server.url())).send();
    let request: Value = open311(format!("/open311/v2/requests/{published_number}.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let media_url = request[0]["media_url"].as_str().unwrap().to_string();
    assert_eq!(
        media_url,
        format!("/open311/v2/media/{published_number}/{}.jpg", declared.id)
    );
    let response = open311(media_url.clone()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(response.headers(), "content-type"),
        MediaType::Jpeg.as_str()
    );
    assert_eq!(
        header(response.headers(), "x-content-type-options"),
        "nosniff"
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    let request: Value = open311(format!("/open311/v2/requests/{number}.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        request[0]["media_url"], "",
        "a confidential item shows no photo"
    );
    let list = open311("/open311/v2/requests.json".into())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains(&photo_declared.id.to_string()), "{list}");
    for path in [
        format!("/open311/v2/media/{number}/{}.jpg", photo_declared.id),
        format!("/open311/v2/media/{number}/{}.jpg", voice_declared.id),
        format!(
            "/open311/v2/media/{published_number}/{}.jpg",
            photo_declared.id
        ),
        format!("/open311/v2/media/{published_number}/{}.png", declared.id),
        format!("/open311/v2/media/x/{}.jpg", declared.id),
    ] {
        let response = open311(path.clone()).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!response.bytes().await.unwrap().starts_with(&[0xFF, 0xD8]));
    }

    // A new Open311 request with a photo elsewhere: refused, saying why; nothing stored.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
        .args([
            "--database",
            &setup.db.url,
            "create-api-key",
            "--name",
            "city",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let key = String::from_utf8(output.stdout).unwrap().trim().to_string();
    let cases = setup.db.count("SELECT count(*) FROM cases", &[]);
    let response = http
        .post(format!("{}/open311/v2/requests.json", setup.server.url()))
        .form(&[
            ("api_key", key.as_str()),
            ("service_code", "civil_registration"),
            ("address_id", "120101"),
            ("description", "A broken road"),
            ("media_url", "http://127.0.0.1:9/photo.jpg"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("media_url"));
    assert_eq!(setup.db.count("SELECT count(*) FROM cases", &[]), cases);
}
