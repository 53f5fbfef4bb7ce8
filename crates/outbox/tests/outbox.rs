//! The outbox as the UI and the sync engine use it, on a real SQLite file.

use chrono::{TimeZone, Utc};
use ourvoice_directory::Directory;
use ourvoice_outbox::{
    ActionBody, ActionSettlement, ActionState, Actions, CitizenAction, Draft, ItemState, Outbox,
    Queue, Settlement, Submissions, SubmitError,
};
use ourvoice_protocol::{
    CaseStatus, CaseUpdate, ErrorCode, Kind, Lang, Privacy, Reply, ReplyKind, ValidationError,
};

fn draft(text: &str) -> Draft {
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
        attachments: Vec::new(),
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
}

fn open() -> (tempfile::TempDir, Outbox) {
    let folder = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&folder.path().join("outbox.db")).unwrap();
    (folder, outbox)
}

fn submit(outbox: &Outbox, text: &str) -> uuid::Uuid {
    outbox
        .submit(draft(text), Directory::embedded(), "0.1.0", now())
        .unwrap()
        .id
}

#[test]
fn a_submission_is_stored_with_its_tracking_code_and_survives_reopening() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("outbox.db");
    let item = {
        let outbox = Outbox::open(&path).unwrap();
        outbox
            .submit(draft("ផ្លូវខូច"), Directory::embedded(), "0.1.0", now())
            .unwrap()
    };
    assert_eq!(item.state, ItemState::Queued);
    assert!(item.tracking_code.as_str().starts_with("OV-"));
    assert_eq!(item.tracking_code, item.submission.tracking_code());
    let reopened = Outbox::open(&path).unwrap();
    let listed = reopened.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].submission, item.submission);
    assert_eq!(reopened.counts().unwrap().queued, 1);
}

#[test]
fn an_invalid_draft_is_refused_with_codes_and_nothing_is_stored() {
    let (_folder, outbox) = open();
    let mut bad = draft("   ");
    bad.privacy = Privacy::Confidential {
        name: "Dara".into(),
        phone: "123".into(),
    };
    match outbox.submit(bad, Directory::embedded(), "0.1.0", now()) {
        Err(SubmitError::Invalid(errors)) => assert_eq!(
            errors,
            vec![
                ValidationError::new(ErrorCode::DescriptionRequired, "description"),
                ValidationError::new(ErrorCode::PhoneInvalid, "privacy.phone"),
            ]
        ),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(outbox.list().unwrap().is_empty());
}

#[test]
fn the_choice_to_publish_is_stored_with_the_bytes_that_are_sent() {
    let (_folder, outbox) = open();
    let mut public = draft("ផ្លូវខូច");
    public.publish_text = true;
    let public = outbox
        .submit(public, Directory::embedded(), "0.1.0", now())
        .unwrap();
    let private = outbox
        .submit(draft("text"), Directory::embedded(), "0.1.0", now())
        .unwrap();
    let claimed = outbox.claim_due(0, 10, 1 << 20, false).unwrap();
    let body = |id| &claimed.iter().find(|c| c.id == id).unwrap().body;
    assert!(body(public.id).contains("\"publish_text\":true"));
    assert!(
        !body(private.id).contains("publish_text"),
        "left out when not chosen, as before the choice existed"
    );

    let mut staff = draft("text");
    staff.about_office_staff = true;
    staff.publish_text = true;
    match outbox.submit(staff, Directory::embedded(), "0.1.0", now()) {
        Err(SubmitError::Invalid(errors)) => assert_eq!(
            errors,
            vec![ValidationError::new(
                ErrorCode::PublishNotAllowed,
                "publish_text"
            )]
        ),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn confidential_phone_numbers_are_stored_in_international_form() {
    let (_folder, outbox) = open();
    let mut confidential = draft("text");
    confidential.privacy = Privacy::Confidential {
        name: " Dara ".into(),
        phone: "០១២ ៣៤៥ ៦៧៨".into(),
    };
    let item = outbox
        .submit(confidential, Directory::embedded(), "0.1.0", now())
        .unwrap();
    assert_eq!(
        item.submission.privacy,
        Privacy::Confidential {
            name: "Dara".into(),
            phone: "+85512345678".into()
        }
    );
}

#[test]
fn claiming_respects_count_bytes_and_backoff() {
    let (_folder, outbox) = open();
    let ids: Vec<_> = (0..5)
        .map(|i| submit(&outbox, &format!("complaint {i}")))
        .collect();
    let first = outbox.claim_due(0, 2, 1 << 20, false).unwrap();
    assert_eq!(first.iter().map(|c| c.id).collect::<Vec<_>>(), ids[..2]);
    let one_by_bytes = outbox.claim_due(0, 10, 1, false).unwrap();
    assert_eq!(
        one_by_bytes.len(),
        1,
        "the first row is always taken, then the byte cap holds"
    );
    let counts = outbox.counts().unwrap();
    assert_eq!((counts.sending, counts.queued), (3, 2));

    outbox
        .release_failed(&[ids[0], ids[1]], "offline", |attempts| {
            1_000 * i64::from(attempts)
        })
        .unwrap();
    let later = outbox.claim_due(500, 10, 1 << 20, false).unwrap();
    assert_eq!(
        later.len(),
        2,
        "rows not yet due wait: only the two never tried are taken"
    );
    let forced = outbox.claim_due(500, 10, 1 << 20, true).unwrap();
    assert_eq!(forced.iter().map(|c| c.id).collect::<Vec<_>>(), ids[..2]);
    match outbox.get(ids[0]).unwrap().unwrap().state {
        ItemState::Sending => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn rows_left_sending_by_a_killed_app_are_pending_again() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("outbox.db");
    {
        let outbox = Outbox::open(&path).unwrap();
        submit(&outbox, "a");
        assert_eq!(outbox.claim_due(0, 10, 1 << 20, false).unwrap().len(), 1);
    }
    let outbox = Outbox::open(&path).unwrap();
    assert_eq!(outbox.counts().unwrap().queued, 1);
    assert_eq!(outbox.claim_due(0, 10, 1 << 20, false).unwrap().len(), 1);
}

#[test]
fn settling_changes_only_pending_rows_and_records_each_outcome() {
    let (_folder, outbox) = open();
    let (a, b, c) = (
        submit(&outbox, "a"),
        submit(&outbox, "b"),
        submit(&outbox, "c"),
    );
    outbox.claim_due(0, 10, 1 << 20, false).unwrap();
    let accepted = Settlement::Accepted {
        server_number: 41,
        office: "CH-120101".into(),
        status: CaseStatus::Received,
        seq: 7,
        received_at: 5,
        answer_by: None,
    };
    let rejected =
        Settlement::Rejected(vec![ValidationError::new(ErrorCode::PlaceUnknown, "place")]);
    outbox
        .settle(
            &[
                (a, accepted.clone()),
                (b, rejected),
                (c, Settlement::Conflict),
            ],
            10,
        )
        .unwrap();
    // A late duplicate answer changes nothing.
    outbox.settle(&[(a, Settlement::Conflict)], 11).unwrap();
    let state = |id| outbox.get(id).unwrap().unwrap().state;
    assert_eq!(
        state(a),
        ItemState::Accepted {
            server_number: 41,
            office: "CH-120101".into(),
            status: CaseStatus::Received,
            answer_by: None,
        }
    );
    assert_eq!(
        state(b),
        ItemState::Rejected {
            errors: vec![ValidationError::new(ErrorCode::PlaceUnknown, "place")]
        }
    );
    assert_eq!(state(c), ItemState::Conflict);
    assert!(
        outbox
            .claim_due(i64::MAX, 10, 1 << 20, true)
            .unwrap()
            .is_empty(),
        "nothing settled is sent again"
    );
    let keys = outbox.update_keys().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!((keys[0].id, keys[0].since), (a, 7));
}

#[test]
fn updates_apply_in_order_and_replies_are_kept_once() {
    let (_folder, outbox) = open();
    let a = submit(&outbox, "a");
    outbox.claim_due(0, 10, 1 << 20, false).unwrap();
    outbox
        .settle(
            &[(
                a,
                Settlement::Accepted {
                    server_number: 1,
                    office: "CH-120101".into(),
                    status: CaseStatus::Received,
                    seq: 3,
                    received_at: 1,
                    answer_by: None,
                },
            )],
            1,
        )
        .unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap();
    let answer = CaseUpdate {
        id: a,
        seq: 9,
        at,
        status: CaseStatus::Answered,
        office: "CH-120101".into(),
        reply: Some(Reply {
            kind: ReplyKind::Answer,
            text: "សូមអញ្ជើញមកថ្ងៃច័ន្ទ".into(),
        }),
    };
    let stale = CaseUpdate {
        seq: 5,
        status: CaseStatus::InProgress,
        reply: None,
        ..answer.clone()
    };
    assert_eq!(
        outbox
            .apply_updates(&[answer.clone(), stale, answer.clone()])
            .unwrap(),
        1
    );
    let item = outbox.get(a).unwrap().unwrap();
    assert_eq!(
        item.state,
        ItemState::Accepted {
            server_number: 1,
            office: "CH-120101".into(),
            status: CaseStatus::Answered,
            answer_by: None,
        }
    );
    assert_eq!(item.replies.len(), 1);
    assert_eq!(item.replies[0].text, "សូមអញ្ជើញមកថ្ងៃច័ន្ទ");
    assert_eq!(outbox.update_keys().unwrap()[0].since, 9);

    // The reply is new until the citizen opens the case; a later status change alone is not.
    assert_eq!(item.unread_replies, 1);
    assert_eq!(outbox.counts().unwrap().unread, 1);
    assert!(outbox.mark_seen(a).unwrap());
    assert!(!outbox.mark_seen(a).unwrap(), "nothing new the second time");
    assert_eq!(outbox.get(a).unwrap().unwrap().unread_replies, 0);
    assert_eq!(outbox.counts().unwrap().unread, 0);
    let closed = CaseUpdate {
        seq: 10,
        status: CaseStatus::ClosedResolved,
        reply: None,
        ..answer.clone()
    };
    assert_eq!(outbox.apply_updates(&[closed]).unwrap(), 1);
    assert_eq!(outbox.counts().unwrap().unread, 0);
}

#[test]
fn deleting_sent_feedback_keeps_what_is_still_waiting() {
    let (_folder, outbox) = open();
    let (a, b) = (submit(&outbox, "a"), submit(&outbox, "b"));
    outbox.claim_due(0, 1, 1 << 20, false).unwrap();
    outbox.settle(&[(a, Settlement::Conflict)], 1).unwrap();
    assert_eq!(outbox.delete_settled().unwrap(), 1);
    let left: Vec<_> = outbox.list().unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(left, vec![b]);
    assert_eq!(outbox.integrity_check().unwrap(), "ok");
}

#[test]
fn settings_are_kept_across_opens() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("outbox.db");
    {
        let outbox = Outbox::open(&path).unwrap();
        assert_eq!(outbox.setting("lang").unwrap(), None);
        outbox.set_setting("lang", "km").unwrap();
        outbox.set_setting("lang", "en").unwrap();
    }
    assert_eq!(
        Outbox::open(&path)
            .unwrap()
            .setting("lang")
            .unwrap()
            .as_deref(),
        Some("en")
    );
}

/// Submits and settles one submission as accepted by the server.
fn accepted(outbox: &Outbox, text: &str) -> uuid::Uuid {
    let id = submit(outbox, text);
    outbox.claim_due(0, 100, 1 << 20, true).unwrap();
    outbox
        .settle(
            &[(
                id,
                Settlement::Accepted {
                    server_number: 1,
                    office: "CH-120101".into(),
                    status: CaseStatus::AwaitingCitizen,
                    seq: 4,
                    received_at: 1,
                    answer_by: None,
                },
            )],
            1,
        )
        .unwrap();
    id
}

#[test]
fn an_action_is_stored_at_once_and_survives_reopening() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("outbox.db");
    let (id, request_id) = {
        let outbox = Outbox::open(&path).unwrap();
        let id = accepted(&outbox, "a");
        let request_id = outbox
            .queue_action(id, ActionBody::Answer("  ភូមិទី៣ \n".into()), 50)
            .unwrap();
        (id, request_id)
    };
    assert_eq!(request_id.get_version_num(), 4);
    let reopened = Outbox::open(&path).unwrap();
    assert_eq!(
        reopened.actions_of(id).unwrap(),
        vec![CitizenAction {
            request_id,
            submission_id: id,
            body: ActionBody::Answer("ភូមិទី៣".into()),
            created_at: 50,
            state: ActionState::Queued,
        }]
    );
    assert_eq!(reopened.counts().unwrap().actions_pending, 1);
    assert_eq!(reopened.counts().unwrap().pending(), 1);
}

#[test]
fn actions_that_cannot_be_sent_are_refused_and_nothing_is_stored() {
    let (_folder, outbox) = open();
    let id = accepted(&outbox, "a");
    let refused = submit(&outbox, "b");
    outbox.claim_due(0, 10, 1 << 20, true).unwrap();
    outbox
        .settle(&[(refused, Settlement::Conflict)], 1)
        .unwrap();
    let check = |submission, body, expect: &str| {
        let error = outbox.queue_action(submission, body, 1).unwrap_err();
        assert_eq!(error.to_string(), expect);
    };
    check(
        id,
        ActionBody::Answer(" \n ".into()),
        "this answer or rating cannot be sent: text_length",
    );
    check(
        id,
        ActionBody::Answer("ក".repeat(4001)),
        "this answer or rating cannot be sent: text_length",
    );
    for rating in [0, 6] {
        check(
            id,
            ActionBody::Rating(rating),
            "this answer or rating cannot be sent: rating_out_of_range",
        );
    }
    check(
        refused,
        ActionBody::Rating(3),
        "this answer or rating cannot be sent: submission_refused",
    );
    let unknown = uuid::Uuid::new_v4();
    check(
        unknown,
        ActionBody::Rating(3),
        &format!("no submission {unknown} on this device"),
    );
    assert!(outbox.actions_of(id).unwrap().is_empty());
    assert!(outbox.actions_of(refused).unwrap().is_empty());
}

#[test]
fn an_action_waits_for_its_submission_then_goes_through_its_states() {
    let (_folder, outbox) = open();
    let id = submit(&outbox, "a");
    let request_id = outbox.queue_action(id, ActionBody::Rating(2), 10).unwrap();
    assert!(
        outbox.claim_due_action(i64::MAX, true).unwrap().is_none(),
        "the case is not on the server yet"
    );
    assert_eq!(
        outbox.next_due_at().unwrap(),
        Some(0),
        "the submission is due"
    );
    let submission = outbox.get(id).unwrap().unwrap().submission;
    outbox.claim_due(0, 10, 1 << 20, false).unwrap();
    assert_eq!(
        outbox.next_due_at().unwrap(),
        None,
        "nothing is due while the submission is under way"
    );
    outbox
        .settle(
            &[(
                id,
                Settlement::Accepted {
                    server_number: 1,
                    office: "CH-120101".into(),
                    status: CaseStatus::Answered,
                    seq: 4,
                    received_at: 1,
                    answer_by: None,
                },
            )],
            1,
        )
        .unwrap();
    assert_eq!(outbox.next_due_at().unwrap(), Some(0), "now the action is");

    let claimed = outbox.claim_due_action(100, false).unwrap().unwrap();
    assert_eq!(
        (claimed.request_id, claimed.submission_id, &claimed.body),
        (request_id, id, &ActionBody::Rating(2))
    );
    assert_eq!(claimed.secret, submission.secret);
    assert!(outbox.claim_due_action(100, true).unwrap().is_none());
    let state = || outbox.action(request_id).unwrap().unwrap().state;
    assert_eq!(state(), ActionState::Sending);

    outbox
        .release_failed_action(request_id, "unreachable", |attempts| {
            1_000 * i64::from(attempts)
        })
        .unwrap();
    assert_eq!(
        state(),
        ActionState::Retrying {
            attempts: 1,
            next_attempt_at: 1_000,
            last_error: "unreachable".into()
        }
    );
    assert_eq!(outbox.next_due_at().unwrap(), Some(1_000));
    assert!(
        outbox.claim_due_action(500, false).unwrap().is_none(),
        "not due yet"
    );
    let again = outbox.claim_due_action(500, true).unwrap().unwrap();
    assert_eq!(again.request_id, request_id, "the same request id, forced");

    let sent = ActionSettlement::Sent {
        seq: 9,
        status: CaseStatus::InProgress,
    };
    outbox.settle_action(request_id, &sent, 600).unwrap();
    outbox
        .settle_action(
            request_id,
            &ActionSettlement::Refused {
                code: "wrong_state".into(),
            },
            700,
        )
        .unwrap();
    assert_eq!(
        state(),
        ActionState::Sent {
            seq: 9,
            status: CaseStatus::InProgress
        },
        "a late second answer changes nothing"
    );
    assert_eq!(outbox.counts().unwrap().actions_pending, 0);
    assert_eq!(outbox.next_due_at().unwrap(), None);
}

#[test]
fn a_refused_action_is_never_offered_again() {
    let (_folder, outbox) = open();
    let id = accepted(&outbox, "a");
    let request_id = outbox
        .queue_action(id, ActionBody::Answer("ថ្ងៃចន្ទ".into()), 1)
        .unwrap();
    outbox.claim_due_action(1, false).unwrap().unwrap();
    let refusal = ActionSettlement::Refused {
        code: "wrong_state".into(),
    };
    outbox.settle_action(request_id, &refusal, 2).unwrap();
    assert!(outbox.claim_due_action(i64::MAX, true).unwrap().is_none());
    let action = outbox.action(request_id).unwrap().unwrap();
    assert_eq!(
        action.state,
        ActionState::Refused {
            code: "wrong_state".into()
        }
    );
    assert_eq!(
        action.body,
        ActionBody::Answer("ថ្ងៃចន្ទ".into()),
        "the text is kept"
    );
}

#[test]
fn actions_left_sending_by_a_killed_app_are_pending_again() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("outbox.db");
    let request_id = {
        let outbox = Outbox::open(&path).unwrap();
        let id = accepted(&outbox, "a");
        let request_id = outbox.queue_action(id, ActionBody::Rating(5), 1).unwrap();
        outbox.claim_due_action(1, false).unwrap().unwrap();
        request_id
    };
    let outbox = Outbox::open(&path).unwrap();
    assert_eq!(
        outbox.action(request_id).unwrap().unwrap().state,
        ActionState::Queued
    );
    let claimed = outbox.claim_due_action(1, false).unwrap().unwrap();
    assert_eq!(claimed.request_id, request_id);
}

#[test]
fn actions_of_a_refused_submission_are_refused_with_it() {
    let (_folder, outbox) = open();
    let id = submit(&outbox, "a");
    let request_id = outbox.queue_action(id, ActionBody::Rating(4), 1).unwrap();
    outbox.claim_due(0, 10, 1 << 20, false).unwrap();
    outbox
        .settle(
            &[(
                id,
                Settlement::Rejected(vec![ValidationError::new(ErrorCode::PlaceUnknown, "place")]),
            )],
            1,
        )
        .unwrap();
    assert!(outbox.claim_due_action(i64::MAX, true).unwrap().is_none());
    assert_eq!(
        outbox.action(request_id).unwrap().unwrap().state,
        ActionState::Refused {
            code: "submission_refused".into()
        }
    );
}

#[test]
fn deleting_sent_feedback_keeps_a_case_whose_answer_still_waits() {
    let (_folder, outbox) = open();
    let (waiting, done) = (accepted(&outbox, "a"), accepted(&outbox, "b"));
    outbox
        .queue_action(waiting, ActionBody::Answer("ចាំ".into()), 1)
        .unwrap();
    let sent = outbox.queue_action(done, ActionBody::Rating(5), 2).unwrap();
    outbox.claim_due_action(3, false).unwrap();
    outbox.claim_due_action(3, false).unwrap();
    outbox
        .settle_action(
            sent,
            &ActionSettlement::Sent {
                seq: 5,
                status: CaseStatus::Answered,
            },
            4,
        )
        .unwrap();
    assert_eq!(outbox.delete_settled().unwrap(), 1);
    let left: Vec<_> = outbox.list().unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(left, vec![waiting]);
    assert!(outbox.action(sent).unwrap().is_none(), "gone with its case");
    assert_eq!(outbox.actions_of(waiting).unwrap().len(), 1);
}

#[test]
fn actions_on_one_case_go_in_order_even_when_the_first_waits_for_a_retry() {
    let (_folder, outbox) = open();
    let (a, b) = (accepted(&outbox, "a"), accepted(&outbox, "b"));
    let first = outbox
        .queue_action(a, ActionBody::Answer("មុន".into()), 1)
        .unwrap();
    let second = outbox.queue_action(a, ActionBody::Rating(4), 2).unwrap();
    let other = outbox.queue_action(b, ActionBody::Rating(5), 3).unwrap();
    assert_eq!(
        outbox
            .claim_due_action(10, false)
            .unwrap()
            .unwrap()
            .request_id,
        first
    );
    outbox
        .release_failed_action(first, "server_503", |_| 1_000)
        .unwrap();
    let claimed = outbox.claim_due_action(10, false).unwrap().unwrap();
    assert_eq!(
        claimed.request_id, other,
        "another case's action goes; the second of the first case waits for the first"
    );
    assert!(outbox.claim_due_action(10, false).unwrap().is_none());
    assert_eq!(
        outbox.next_due_at().unwrap(),
        Some(1_000),
        "the second, never tried, is not due before the first"
    );
    assert_eq!(
        outbox
            .claim_due_action(10, true)
            .unwrap()
            .unwrap()
            .request_id,
        first
    );
    let sent = ActionSettlement::Sent {
        seq: 5,
        status: CaseStatus::InProgress,
    };
    outbox.settle_action(first, &sent, 11).unwrap();
    assert_eq!(
        outbox
            .claim_due_action(12, false)
            .unwrap()
            .unwrap()
            .request_id,
        second
    );
}

/// What the one queue machine does to every queue, checked through its generic operations:
/// queued, claimed once (sending), put back with one more attempt and a backoff when the request
/// fails, due again only after it, and settled once, from the server's answer; a repeated answer
/// or a late failure changes nothing. Returns the settled state.
fn through_the_machine<Q: Queue>(
    outbox: &Outbox,
    id: uuid::Uuid,
    answer: Q::Settlement,
    repeated: Q::Settlement,
    state: impl Fn() -> String,
) -> String {
    let claim = |now: i64, ignore_backoff: bool| {
        outbox
            .claim_in::<Q>(now, 10, 1 << 20, ignore_backoff)
            .unwrap()
            .iter()
            .map(Q::key)
            .collect::<Vec<_>>()
    };
    assert_eq!(state(), "Queued");
    assert_eq!(claim(0, false), vec![id]);
    assert_eq!(state(), "Sending");
    assert!(claim(0, true).is_empty(), "claimed once");

    let backoff = |attempts: u32| 1_000 * i64::from(attempts);
    outbox.release_in::<Q>(&[id], "offline", backoff).unwrap();
    assert_eq!(
        state(),
        "Retrying { attempts: 1, next_attempt_at: 1000, last_error: \"offline\" }"
    );
    assert!(claim(999, false).is_empty(), "not before its retry time");
    assert_eq!(claim(1_000, false), vec![id]);
    outbox
        .release_in::<Q>(&[id], "server_503", backoff)
        .unwrap();
    assert_eq!(
        state(),
        "Retrying { attempts: 2, next_attempt_at: 2000, last_error: \"server_503\" }"
    );
    assert_eq!(
        claim(0, true),
        vec![id],
        "the citizen asked: backoff ignored"
    );

    outbox.settle_in::<Q>(&[(id, answer)], 5).unwrap();
    let settled = state();
    outbox.settle_in::<Q>(&[(id, repeated)], 6).unwrap();
    assert_eq!(state(), settled, "a repeated answer changes nothing");
    outbox.release_in::<Q>(&[id], "late", |_| 0).unwrap();
    assert_eq!(state(), settled, "nor does a late failure");
    assert!(claim(i64::MAX, true).is_empty(), "never offered again");
    settled
}

#[test]
fn submissions_answers_and_ratings_go_through_one_queue_machine() {
    let (_folder, outbox) = open();
    let id = submit(&outbox, "ផ្លូវខូច");
    let answer = Settlement::Accepted {
        server_number: 9,
        office: "CH-120101".into(),
        status: CaseStatus::Received,
        seq: 1,
        received_at: 1,
        answer_by: None,
    };
    let settled =
        through_the_machine::<Submissions>(&outbox, id, answer, Settlement::Conflict, || {
            format!("{:?}", outbox.get(id).unwrap().unwrap().state)
        });
    assert!(
        settled.starts_with("Accepted { server_number: 9"),
        "{settled}"
    );

    let case = accepted(&outbox, "ផ្លូវខូច");
    for (body, answer) in [
        (
            ActionBody::Answer("ភូមិទី៣".into()),
            ActionSettlement::Sent {
                seq: 5,
                status: CaseStatus::InProgress,
            },
        ),
        (
            ActionBody::Rating(4),
            ActionSettlement::Refused {
                code: "wrong_state".into(),
            },
        ),
    ] {
        let request_id = outbox.queue_action(case, body, 1).unwrap();
        let expected = format!("{answer:?}");
        let settled = through_the_machine::<Actions>(
            &outbox,
            request_id,
            answer,
            ActionSettlement::Refused {
                code: "not_found".into(),
            },
            || format!("{:?}", outbox.action(request_id).unwrap().unwrap().state),
        );
        assert_eq!(settled, expected);
    }
}

/// Every byte of the database's files (the main file, its write-ahead log, its shared memory).
fn file_bytes(folder: &tempfile::TempDir) -> Vec<u8> {
    let mut bytes = Vec::new();
    for name in ["outbox.db", "outbox.db-wal", "outbox.db-shm"] {
        bytes.extend(std::fs::read(folder.path().join(name)).unwrap_or_default());
    }
    bytes
}

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes
        .windows(text.len())
        .any(|window| window == text.as_bytes())
}

#[test]
fn hidden_text_is_sent_as_written_then_gone_from_the_file_once_accepted() {
    let (folder, outbox) = open();
    // Long enough to spill over into SQLite's overflow pages, and ASCII so its bytes are plain.
    let secret = format!(
        "the clerk Sok asked me for 20000 riel {}",
        "again ".repeat(640)
    );
    let marker = "the clerk Sok asked me";
    let mut hidden = draft(&secret);
    hidden.about_office_staff = true;
    hidden.hide_text = true;
    let item = outbox
        .submit(hidden, Directory::embedded(), "0.1.0", now())
        .unwrap();
    assert!(item.hide_text && !item.text_hidden);
    let kept = submit(&outbox, "the road to the market is broken");

    // Until the server accepts it, the row is sent as stored at enqueue, every time.
    let claimed = outbox.claim_due(0, 10, 1 << 20, true).unwrap();
    let sent = claimed
        .iter()
        .find(|c| c.id == item.id)
        .unwrap()
        .body
        .clone();
    assert_eq!(sent, serde_json::to_string(&item.submission).unwrap());
    assert!(sent.contains(marker));
    outbox
        .release_failed(&[item.id, kept], "offline", |_| 0)
        .unwrap();
    assert!(holds(&file_bytes(&folder), marker), "kept while waiting");
    let again = outbox.claim_due(0, 10, 1 << 20, true).unwrap();
    assert_eq!(again.iter().find(|c| c.id == item.id).unwrap().body, sent);
    let accepted = |number| Settlement::Accepted {
        server_number: number,
        office: "CH-120101".into(),
        status: CaseStatus::Received,
        seq: 1,
        received_at: 5,
        answer_by: None,
    };
    // Settled as the sync engine settles every queue.
    outbox
        .settle_in::<Submissions>(&[(item.id, accepted(7)), (kept, accepted(8))], 6)
        .unwrap();

    let shown = outbox.get(item.id).unwrap().unwrap();
    assert!(shown.text_hidden);
    assert_eq!(shown.submission.description, "");
    assert!(matches!(
        shown.state,
        ItemState::Accepted {
            server_number: 7,
            ..
        }
    ));
    // What the phone needs to ask for the office's replies is kept.
    assert_eq!(shown.submission.secret, item.submission.secret);
    assert!(outbox
        .update_keys()
        .unwrap()
        .iter()
        .any(|key| key.id == item.id && key.secret == item.submission.secret));
    // A settled row is never sent again, so the blank body never travels.
    assert!(outbox.claim_due(0, 10, 1 << 20, true).unwrap().is_empty());
    // The other item's text was not chosen to be hidden.
    let other = outbox.get(kept).unwrap().unwrap();
    assert!(!other.text_hidden);
    assert_eq!(
        other.submission.description,
        "the road to the market is broken"
    );

    // The citizen's answer to the office's question goes as written, and is blanked once taken.
    let request_id = outbox
        .queue_action(
            item.id,
            ActionBody::Answer("Sok, the clerk at window 2".into()),
            7,
        )
        .unwrap();
    let claimed = outbox.claim_due_action(8, true).unwrap().unwrap();
    assert_eq!(
        claimed.body,
        ActionBody::Answer("Sok, the clerk at window 2".into())
    );
    let sent = ActionSettlement::Sent {
        seq: 2,
        status: CaseStatus::InProgress,
    };
    outbox
        .settle_in::<Actions>(&[(request_id, sent)], 9)
        .unwrap();
    let actions = outbox.actions_of(item.id).unwrap();
    assert_eq!(actions[0].body, ActionBody::Answer(String::new()));

    // Nowhere in the database's files, not even in free pages or the write-ahead log: while
    // the app is still open, and after it closed.
    let nowhere = |when: &str| {
        let bytes = file_bytes(&folder);
        assert!(holds(&bytes, "the road to the market is broken"), "{when}");
        assert!(
            !holds(&bytes, marker),
            "the hidden text is in the file {when}"
        );
        assert!(
            !holds(&bytes, "window 2"),
            "the hidden answer is in the file {when}"
        );
    };
    nowhere("while the app is open");
    drop(outbox);
    nowhere("after it closed");
    // And a reopened outbox shows it hidden still.
    let outbox = Outbox::open(&folder.path().join("outbox.db")).unwrap();
    assert!(outbox.get(item.id).unwrap().unwrap().text_hidden);
}

#[test]
fn a_hiding_left_undone_by_a_killed_app_is_done_on_the_next_open() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("outbox.db");
    let outbox = Outbox::open(&path).unwrap();
    let mut hidden = draft("the clerk Dara tore up my form");
    hidden.hide_text = true;
    let id = outbox
        .submit(hidden, Directory::embedded(), "0.1.0", now())
        .unwrap()
        .id;
    drop(outbox);
    // Accepted as the queue's settling writes it, and the app killed before the hiding.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE submissions SET state = 'accepted', server_number = 3, office = 'CH-120101', status = 'received', seq = 1 WHERE id = ?1",
        [id.to_string()],
    )
    .unwrap();
    drop(conn);
    let outbox = Outbox::open(&path).unwrap();
    let item = outbox.get(id).unwrap().unwrap();
    assert!(item.text_hidden);
    assert_eq!(item.submission.description, "");
    drop(outbox);
    assert!(!holds(&file_bytes(&folder), "tore up my form"));
}

#[test]
fn recent_places_are_the_submissions_places_newest_first_each_once() {
    let (_folder, outbox) = open();
    assert!(outbox.recent_places(5).unwrap().is_empty());
    let at = |minutes: i64| now() + chrono::Duration::minutes(minutes);
    for (place, minutes) in [
        ("120101", 0),
        ("OWSO-1201", 1),
        ("21", 2),
        ("120101", 3),
        ("CH-210101", 4),
    ] {
        let draft = Draft {
            place: place.into(),
            ..draft("ផ្លូវខូច")
        };
        outbox
            .submit(draft, Directory::embedded(), "0.1.0", at(minutes))
            .unwrap();
    }
    assert_eq!(
        outbox.recent_places(10).unwrap(),
        ["CH-210101", "120101", "21", "OWSO-1201"]
    );
    assert_eq!(outbox.recent_places(2).unwrap(), ["CH-210101", "120101"]);
    assert!(outbox.recent_places(0).unwrap().is_empty());
}
