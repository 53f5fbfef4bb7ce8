//! Photos and voice notes in the outbox, on a real SQLite file and a real folder: durable
//! before the tracking code, sent only after their submission, deleted with it, and a damaged
//! file refused alone.

use chrono::{TimeZone, Utc};
use ourvoice_directory::Directory;
use ourvoice_outbox::{
    AttachmentProgress, Draft, DraftAttachment, ItemState, Outbox, OutboxError, Settlement,
    SubmitError, UploadSettlement, Uploads,
};
use ourvoice_protocol::{
    AttachmentKind, AttachmentRefusal, CaseStatus, ErrorCode, Kind, Lang, MediaType, Privacy,
};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use uuid::Uuid;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
}

/// Content that starts like its type and is otherwise `seed`-dependent.
fn content(media_type: MediaType, size: usize, seed: u8) -> Vec<u8> {
    let start: &[u8] = match media_type {
        MediaType::Jpeg => &[0xFF, 0xD8, 0xFF, 0xE0],
        _ => b"OggS",
    };
    let mut bytes = start.to_vec();
    bytes.extend((0..size - start.len()).map(|n| (n as u8).wrapping_mul(31) ^ seed));
    bytes
}

fn attachment(media_type: MediaType, size: usize, seed: u8) -> DraftAttachment {
    DraftAttachment {
        media_type,
        bytes: content(media_type, size, seed),
    }
}

fn draft(text: &str, attachments: Vec<DraftAttachment>) -> Draft {
    Draft {
        kind: Kind::Complaint,
        place: "120101".into(),
        category: "civil_registration".into(),
        description: text.into(),
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

fn database(folder: &tempfile::TempDir) -> PathBuf {
    folder.path().join("outbox.db")
}

fn files_folder(folder: &tempfile::TempDir) -> PathBuf {
    folder.path().join("outbox.db.attachments")
}

/// The names in the attachments' folder, sorted.
fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(folder) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn accept(outbox: &Outbox, id: Uuid) {
    outbox.claim_due(0, 100, 1 << 20, true).unwrap();
    outbox
        .settle(
            &[(
                id,
                Settlement::Accepted {
                    server_number: 1,
                    office: "CH-120101".into(),
                    status: CaseStatus::Received,
                    seq: 1,
                    received_at: 1,
                    answer_by: None,
                },
            )],
            1,
        )
        .unwrap();
}

#[test]
fn attachments_are_in_files_and_rows_before_the_tracking_code_is_returned() {
    let folder = tempfile::tempdir().unwrap();
    let photos = [
        attachment(MediaType::Jpeg, 70_000, 1),
        attachment(MediaType::Jpeg, 1_000, 2),
    ];
    let voice = attachment(MediaType::Ogg, 9_000, 3);
    let mut all = photos.to_vec();
    all.push(voice.clone());
    let item = Outbox::open(&database(&folder))
        .unwrap()
        .submit(
            draft("ផ្លូវខូច", all.clone()),
            Directory::embedded(),
            "0.1.0",
            now(),
        )
        .unwrap();
    // What submit returned is what the tracking code stands for: each attachment declared
    // with a fresh id, its size and SHA-256, in order, and a row with a file for each.
    assert_eq!(item.submission.attachments.len(), 3);
    assert_eq!(item.attachments.len(), 3);
    let mut ids = Vec::new();
    for ((declared, stored), given) in item
        .submission
        .attachments
        .iter()
        .zip(&item.attachments)
        .zip(&all)
    {
        assert_eq!(declared.id, stored.id);
        assert_eq!(declared.id.get_version_num(), 4);
        assert_ne!(declared.id, item.id);
        assert_eq!(declared.media_type, given.media_type);
        assert_eq!(declared.kind, given.media_type.kind());
        assert_eq!(declared.bytes, given.bytes.len() as u64);
        assert_eq!(declared.sha256, hex_sha256(&given.bytes));
        assert_eq!(
            (stored.bytes, stored.acknowledged, stored.state),
            (declared.bytes, 0, AttachmentProgress::Waiting)
        );
        ids.push(declared.id);
    }
    assert_eq!(item.attachments[2].kind, AttachmentKind::Voice);
    // The outbox was dropped (as a killed app's would be): a new one finds it all, the files
    // under their ids with nothing half written beside them.
    let mut expected: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    expected.sort();
    assert_eq!(files_in(&files_folder(&folder)), expected);
    let reopened = Outbox::open(&database(&folder)).unwrap();
    let listed = reopened.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].attachments, item.attachments);
    assert_eq!(listed[0].submission, item.submission);
    for (id, given) in ids.iter().zip(&all) {
        assert_eq!(&reopened.attachment_content(*id).unwrap(), &given.bytes);
    }
    assert!(matches!(
        reopened.attachment_content(Uuid::new_v4()),
        Err(OutboxError::UnknownAttachment(_))
    ));
    let counts = reopened.counts().unwrap();
    assert_eq!((counts.queued, counts.attachments_pending), (1, 3));
}

#[test]
fn a_refused_or_failed_submit_leaves_no_file_and_no_row() {
    let folder = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&database(&folder)).unwrap();
    // Four photos: the form shows the error; nothing is written.
    let four = (0..4)
        .map(|n| attachment(MediaType::Jpeg, 500, n))
        .collect();
    match outbox.submit(draft("x", four), Directory::embedded(), "0.1.0", now()) {
        Err(SubmitError::Invalid(errors)) => {
            assert!(errors
                .iter()
                .any(|e| e.code == ErrorCode::AttachmentsTooMany))
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(files_in(&files_folder(&folder)).is_empty());
    // The folder cannot be made (a file stands where it should be): the submission is not
    // stored either, so no tracking code is shown for something that is not on the phone.
    std::fs::write(files_folder(&folder), b"in the way").unwrap();
    match outbox.submit(
        draft("y", vec![attachment(MediaType::Jpeg, 500, 9)]),
        Directory::embedded(),
        "0.1.0",
        now(),
    ) {
        Err(SubmitError::Storage(OutboxError::Io(_))) => {}
        other => panic!("expected a storage error, got {other:?}"),
    }
    assert!(outbox.list().unwrap().is_empty());
    // A submission without attachments needs no folder.
    outbox
        .submit(
            draft("z", Vec::new()),
            Directory::embedded(),
            "0.1.0",
            now(),
        )
        .unwrap();
    // A built submission that declares attachments cannot be enqueued without them.
    let mut declared =
        draft("w", vec![attachment(MediaType::Jpeg, 500, 8)]).into_submission("0.1.0", now());
    declared.description = "w".into();
    assert!(matches!(
        outbox.enqueue(&declared),
        Err(OutboxError::AttachmentContentMissing(id)) if id == declared.id
    ));
    assert_eq!(outbox.list().unwrap().len(), 1);
}

#[test]
fn files_no_row_names_are_removed_when_the_outbox_opens() {
    let folder = tempfile::tempdir().unwrap();
    let kept = {
        let outbox = Outbox::open(&database(&folder)).unwrap();
        outbox
            .submit(
                draft("x", vec![attachment(MediaType::Jpeg, 800, 1)]),
                Directory::embedded(),
                "0.1.0",
                now(),
            )
            .unwrap()
            .attachments[0]
            .id
    };
    // What an app killed mid-submit leaves: a file half written, and one written whose row
    // never committed.
    let files = files_folder(&folder);
    std::fs::write(files.join(format!("{}.part", Uuid::new_v4())), b"half").unwrap();
    std::fs::write(files.join(Uuid::new_v4().to_string()), b"whole").unwrap();
    assert_eq!(files_in(&files).len(), 3);
    let outbox = Outbox::open(&database(&folder)).unwrap();
    assert_eq!(files_in(&files), vec![kept.to_string()]);
    assert_eq!(outbox.attachment_content(kept).unwrap().len(), 800);
}

#[test]
fn uploads_wait_for_their_submission_then_settle_only_from_the_answer() {
    let folder = tempfile::tempdir().unwrap();
    let path = database(&folder);
    let outbox = Outbox::open(&path).unwrap();
    let item = outbox
        .submit(
            draft(
                "x",
                vec![
                    attachment(MediaType::Jpeg, 3_000, 1),
                    attachment(MediaType::Ogg, 2_000, 2),
                ],
            ),
            Directory::embedded(),
            "0.1.0",
            now(),
        )
        .unwrap();
    let (photo, voice) = (item.attachments[0].id, item.attachments[1].id);
    // Not before the server accepted the submission.
    assert!(outbox
        .claim_in::<Uploads>(0, 1, usize::MAX, true)
        .unwrap()
        .is_empty());
    accept(&outbox, item.id);
    assert_eq!(outbox.next_due_at().unwrap(), Some(0));
    let claimed = outbox.claim_in::<Uploads>(0, 1, usize::MAX, false).unwrap();
    assert_eq!(claimed.len(), 1);
    let upload = &claimed[0];
    assert_eq!(
        (
            upload.id,
            upload.submission_id,
            upload.bytes,
            upload.contacted
        ),
        (photo, item.id, 3_000, false)
    );
    assert_eq!(upload.secret, item.submission.secret);
    assert_eq!(
        outbox.upload_content(upload, 5).unwrap().unwrap(),
        outbox.attachment_content(photo).unwrap()
    );
    outbox.mark_upload_contacted(photo).unwrap();
    outbox.record_upload(photo, 1_000).unwrap();
    let shown = &outbox.get(item.id).unwrap().unwrap().attachments[0];
    assert_eq!(
        (shown.acknowledged, shown.state),
        (1_000, AttachmentProgress::Sending)
    );
    // Killed mid-upload: waiting again, with what the server acknowledged and the note that it
    // was contacted (so the next try asks the server first).
    drop(outbox);
    let outbox = Outbox::open(&path).unwrap();
    let shown = &outbox.get(item.id).unwrap().unwrap().attachments[0];
    assert_eq!(
        (shown.acknowledged, shown.state),
        (1_000, AttachmentProgress::Waiting)
    );
    let counts = outbox.counts().unwrap();
    assert_eq!((counts.accepted, counts.attachments_pending), (1, 2));
    assert_eq!(counts.pending(), 2, "not all sent while attachments wait");
    let again = outbox.claim_in::<Uploads>(0, 1, usize::MAX, true).unwrap();
    assert_eq!(
        (again[0].id, again[0].acknowledged, again[0].contacted),
        (photo, 1_000, true)
    );
    // A failure puts it back with a backoff; the answer settles it, once.
    outbox
        .release_in::<Uploads>(&[photo], "unreachable", |_| 50)
        .unwrap();
    // Meanwhile the next one goes; the first when its time comes.
    let ids = |claimed: Vec<ourvoice_outbox::ClaimedUpload>| {
        claimed.iter().map(|u| u.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(outbox
            .claim_in::<Uploads>(10, 2, usize::MAX, false)
            .unwrap()),
        vec![voice]
    );
    assert_eq!(
        ids(outbox
            .claim_in::<Uploads>(60, 2, usize::MAX, false)
            .unwrap()),
        vec![photo]
    );
    outbox
        .settle_in::<Uploads>(
            &[
                (photo, UploadSettlement::Received { received: 3_000 }),
                (
                    voice,
                    UploadSettlement::Refused {
                        refusal: AttachmentRefusal::NotMedia,
                        received: 2_000,
                    },
                ),
            ],
            70,
        )
        .unwrap();
    // A repeated answer changes nothing.
    outbox
        .settle_in::<Uploads>(&[(photo, UploadSettlement::DamagedOnPhone)], 80)
        .unwrap();
    let shown = outbox.get(item.id).unwrap().unwrap().attachments;
    assert_eq!(
        shown
            .iter()
            .map(|a| (a.acknowledged, a.state))
            .collect::<Vec<_>>(),
        vec![
            (3_000, AttachmentProgress::Received),
            (
                2_000,
                AttachmentProgress::Refused(AttachmentRefusal::NotMedia)
            )
        ]
    );
    assert_eq!(outbox.counts().unwrap().pending(), 0);
    assert_eq!(outbox.next_due_at().unwrap(), None);
}

#[test]
fn a_damaged_file_refuses_that_attachment_alone_and_sends_nothing_of_it() {
    let folder = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&database(&folder)).unwrap();
    let item = outbox
        .submit(
            draft(
                "x",
                vec![
                    attachment(MediaType::Jpeg, 4_000, 1),
                    attachment(MediaType::Jpeg, 4_000, 2),
                    attachment(MediaType::Jpeg, 4_000, 3),
                ],
            ),
            Directory::embedded(),
            "0.1.0",
            now(),
        )
        .unwrap();
    accept(&outbox, item.id);
    let files = files_folder(&folder);
    // One flipped byte in the first, the second gone.
    let first = files.join(item.attachments[0].id.to_string());
    let mut bytes = std::fs::read(&first).unwrap();
    bytes[2_000] ^= 1;
    std::fs::write(&first, bytes).unwrap();
    std::fs::remove_file(files.join(item.attachments[1].id.to_string())).unwrap();
    assert!(matches!(
        outbox.attachment_content(item.attachments[0].id),
        Err(OutboxError::DamagedAttachment(_))
    ));
    let mut sendable = Vec::new();
    while let Some(upload) = outbox
        .claim_in::<Uploads>(0, 1, usize::MAX, true)
        .unwrap()
        .pop()
    {
        if let Some(content) = outbox.upload_content(&upload, 1).unwrap() {
            sendable.push((upload.id, content.len()));
            outbox
                .settle_in::<Uploads>(
                    &[(upload.id, UploadSettlement::Received { received: 4_000 })],
                    2,
                )
                .unwrap();
        }
    }
    assert_eq!(sendable, vec![(item.attachments[2].id, 4_000)]);
    let shown = outbox.get(item.id).unwrap().unwrap();
    assert!(matches!(shown.state, ItemState::Accepted { .. }));
    assert_eq!(
        shown
            .attachments
            .iter()
            .map(|a| a.state)
            .collect::<Vec<_>>(),
        vec![
            AttachmentProgress::Refused(AttachmentRefusal::Mismatch),
            AttachmentProgress::Refused(AttachmentRefusal::Mismatch),
            AttachmentProgress::Received,
        ]
    );
}

#[test]
fn deleting_settled_items_deletes_their_files_and_keeps_unfinished_uploads() {
    let folder = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&database(&folder)).unwrap();
    let submit = |text: &str, seed: u8| {
        outbox
            .submit(
                draft(text, vec![attachment(MediaType::Jpeg, 1_500, seed)]),
                Directory::embedded(),
                "0.1.0",
                now(),
            )
            .unwrap()
    };
    let (done, uploading, refused, waiting) = (
        submit("a", 1),
        submit("b", 2),
        submit("c", 3),
        submit("d", 4),
    );
    outbox.claim_due(0, 3, 1 << 20, true).unwrap();
    let accepted = |id| {
        (
            id,
            Settlement::Accepted {
                server_number: 1,
                office: "CH-120101".into(),
                status: CaseStatus::Received,
                seq: 1,
                received_at: 1,
                answer_by: None,
            },
        )
    };
    outbox
        .settle(
            &[
                accepted(done.id),
                accepted(uploading.id),
                (refused.id, Settlement::Conflict),
            ],
            1,
        )
        .unwrap();
    let first = outbox.claim_in::<Uploads>(0, 1, usize::MAX, true).unwrap();
    assert_eq!(first[0].id, done.attachments[0].id);
    outbox
        .settle_in::<Uploads>(
            &[(first[0].id, UploadSettlement::Received { received: 1_500 })],
            2,
        )
        .unwrap();
    // The refused submission's attachment can never go: not waiting.
    assert_eq!(outbox.counts().unwrap().attachments_pending, 2);
    assert_eq!(outbox.delete_settled().unwrap(), 2);
    let left: Vec<Uuid> = outbox.list().unwrap().iter().map(|i| i.id).collect();
    assert_eq!(left, vec![waiting.id, uploading.id]);
    let mut expected = vec![
        uploading.attachments[0].id.to_string(),
        waiting.attachments[0].id.to_string(),
    ];
    expected.sort();
    assert_eq!(files_in(&files_folder(&folder)), expected);
    assert!(matches!(
        outbox.attachment_content(done.attachments[0].id),
        Err(OutboxError::UnknownAttachment(_))
    ));
    assert_eq!(outbox.integrity_check().unwrap(), "ok");
    assert_eq!(
        AttachmentProgress::Waiting,
        outbox.get(uploading.id).unwrap().unwrap().attachments[0].state
    );
}
