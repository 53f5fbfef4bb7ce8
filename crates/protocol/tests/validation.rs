//! Data-driven tests of the validation rules: one case per rule, each naming the error codes and
//! fields a citizen would be shown.

use chrono::{NaiveDate, TimeZone, Utc};
use ourvoice_directory::Directory;
use ourvoice_protocol::{
    normalize_phone, parse_submission, parse_submission_json, AttachmentDeclaration,
    AttachmentKind, Criteria, ErrorCode, Evaluation, Kind, Lang, MediaType, Privacy, Secret,
    Submission, MAX_PHOTO_BYTES, MAX_VOICE_BYTES,
};
use serde_json::json;
use std::collections::HashSet;
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn complaint() -> Submission {
    Submission {
        id: Uuid::new_v4(),
        kind: Kind::Complaint,
        place: "120101".into(),
        category: "civil_registration".into(),
        description: "ខ្ញុំត្រូវបានគេសុំប្រាក់បន្ថែម".into(),
        evaluation: None,
        asked_extra_payment: Some(true),
        about_office_staff: false,
        publish_text: false,
        attachments: Vec::new(),
        incident_date: NaiveDate::from_ymd_opt(2026, 11, 20),
        privacy: Privacy::Anonymous,
        profile: None,
        locale: Lang::Km,
        created_at: Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap(),
        app_version: "0.1.0".into(),
        secret: Secret::generate(),
    }
}

/// Applies `change` to a valid complaint and compares the errors, one `code field` per line.
fn check(change: impl FnOnce(&mut Submission), expect: &str) {
    let mut submission = complaint();
    change(&mut submission);
    let actual = match submission.validate(Directory::embedded(), today()) {
        Ok(()) => "ok".to_string(),
        Err(errors) => errors
            .iter()
            .map(|e| format!("{} {}", e.code, e.field))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    assert_eq!(actual, expect.trim());
}

fn evaluation(overall: u8) -> Option<Evaluation> {
    Some(Evaluation {
        overall,
        criteria: Criteria {
            speed: Some(4),
            ..Criteria::default()
        },
    })
}

#[test]
fn valid_submissions_pass() {
    check(|_| {}, "ok");
    check(|s| s.place = "OWSO-1201".into(), "ok");
    check(|s| s.place = "1201".into(), "ok");
    check(|s| s.place = "12".into(), "ok");
    check(
        |s| {
            s.kind = Kind::Evaluation;
            s.description.clear();
            s.evaluation = evaluation(5);
        },
        "ok",
    );
    check(
        |s| {
            s.privacy = Privacy::Confidential {
                name: "សុខ ចាន់".into(),
                phone: "012 345 678".into(),
            }
        },
        "ok",
    );
    check(|s| s.description = "ក".repeat(4000), "ok");
    check(|s| s.incident_date = Some(today()), "ok");
    // A citizen may publish the text of an anonymous complaint or request (a broken road).
    check(|s| s.publish_text = true, "ok");
    check(
        |s| {
            s.kind = Kind::Information;
            s.publish_text = true;
        },
        "ok",
    );
}

/// One way to spoil an attachment's declaration.
type Spoil = fn(&mut AttachmentDeclaration);

fn photo() -> AttachmentDeclaration {
    AttachmentDeclaration {
        id: Uuid::new_v4(),
        kind: AttachmentKind::Photo,
        media_type: MediaType::Jpeg,
        bytes: 180_000,
        sha256: "0f".repeat(32),
    }
}

fn voice() -> AttachmentDeclaration {
    AttachmentDeclaration {
        id: Uuid::new_v4(),
        kind: AttachmentKind::Voice,
        media_type: MediaType::Webm,
        bytes: 240_000,
        sha256: "a1".repeat(32),
    }
}

#[test]
fn attachments_are_counted_and_each_declaration_checked() {
    check(
        |s| s.attachments = vec![photo(), photo(), photo(), voice()],
        "ok",
    );
    // A voice note stands in for written text; a photo does not.
    check(
        |s| {
            s.description.clear();
            s.attachments = vec![voice()];
        },
        "ok",
    );
    check(
        |s| {
            s.description.clear();
            s.attachments = vec![photo()];
        },
        "description_required description",
    );
    check(
        |s| s.attachments = vec![photo(), photo(), photo(), photo()],
        "attachments_too_many attachments",
    );
    check(
        |s| s.attachments = vec![voice(), voice()],
        "attachments_too_many attachments",
    );
    let bad: [(&str, Spoil); 8] = [
        ("nil id", |a| a.id = Uuid::nil()),
        ("not v4", |a| {
            a.id = Uuid::from_u128(0x1234_5678_1234_1234_1234_1234_5678_9abc)
        }),
        ("type of the other kind", |a| a.media_type = MediaType::Ogg),
        ("empty", |a| a.bytes = 0),
        ("larger than a photo may be", |a| {
            a.bytes = MAX_PHOTO_BYTES + 1
        }),
        ("short digest", |a| a.sha256.truncate(62)),
        ("upper-case digest", |a| a.sha256 = "0F".repeat(32)),
        ("not hex", |a| a.sha256 = "zz".repeat(32)),
    ];
    for (what, change) in bad {
        let mut attachment = photo();
        change(&mut attachment);
        let mut submission = complaint();
        submission.attachments = vec![photo(), attachment];
        let errors = submission
            .validate(Directory::embedded(), today())
            .expect_err(what);
        let said: Vec<String> = errors
            .iter()
            .map(|e| format!("{} {}", e.code, e.field))
            .collect();
        assert_eq!(said, ["attachment_invalid attachments[1]"], "{what}");
    }
    check(
        |s| {
            let mut long = voice();
            long.bytes = MAX_VOICE_BYTES + 1;
            s.attachments = vec![long];
        },
        "attachment_invalid attachments[0]",
    );
    // Ids are distinct from each other and from the submission's.
    check(
        |s| {
            let first = photo();
            let mut second = photo();
            second.id = first.id;
            s.attachments = vec![first, second];
        },
        "attachment_invalid attachments[1]",
    );
    check(
        |s| {
            let mut same = photo();
            same.id = s.id;
            s.attachments = vec![same];
        },
        "attachment_invalid attachments[0]",
    );
}

#[test]
fn a_submission_without_attachments_keeps_its_old_bytes() {
    let submission = complaint();
    let json = serde_json::to_string(&submission).unwrap();
    assert!(!json.contains("attachments"), "{json}");
    let mut with = complaint();
    with.attachments = vec![photo()];
    let json = serde_json::to_string(&with).unwrap();
    assert!(json.contains("\"media_type\":\"image/jpeg\""), "{json}");
    assert_eq!(serde_json::from_str::<Submission>(&json).unwrap(), with);
}

#[test]
fn every_rule_names_its_code_and_field() {
    check(|s| s.id = Uuid::nil(), "id_invalid id");
    check(
        |s| s.id = Uuid::from_u128(0x1234_5678_1234_1234_1234_1234_5678_9abc),
        "id_invalid id",
    );
    check(|s| s.place = "999999".into(), "place_unknown place");
    check(|s| s.place = "".into(), "place_unknown place");
    check(
        |s| s.category = "bribery".into(),
        "category_unknown category",
    );
    check(
        |s| s.category = "business_licence".into(),
        "category_not_offered category",
    );
    check(
        |s| s.description = "  \n ".into(),
        "description_required description",
    );
    check(
        |s| s.description = "ក".repeat(4001),
        "description_too_long description",
    );
    check(
        |s| s.kind = Kind::Evaluation,
        "evaluation_required evaluation",
    );
    check(
        |s| s.evaluation = evaluation(3),
        "evaluation_not_allowed evaluation",
    );
    check(
        |s| {
            s.kind = Kind::Evaluation;
            s.evaluation = Some(Evaluation {
                overall: 0,
                criteria: Criteria {
                    speed: Some(6),
                    facilities_and_access: Some(0),
                    ..Criteria::default()
                },
            });
        },
        "
rating_out_of_range evaluation.overall
rating_out_of_range evaluation.criteria.speed
rating_out_of_range evaluation.criteria.facilities_and_access",
    );
    check(
        |s| s.incident_date = today().succ_opt(),
        "incident_date_in_future incident_date",
    );
    check(
        |s| {
            s.privacy = Privacy::Confidential {
                name: " ".into(),
                phone: "".into(),
            }
        },
        "
name_required privacy.name
phone_required privacy.phone",
    );
    check(
        |s| {
            s.privacy = Privacy::Confidential {
                name: "ក".repeat(101),
                phone: "12345".into(),
            }
        },
        "
name_too_long privacy.name
phone_invalid privacy.phone",
    );
    check(
        |s| s.app_version = "".into(),
        "app_version_invalid app_version",
    );
    check(
        |s| s.app_version = "1.0 beta".into(),
        "app_version_invalid app_version",
    );
    check(
        |s| s.secret = Secret::from_string("abc".into()),
        "secret_invalid secret",
    );
    check(
        |s| {
            s.about_office_staff = true;
            s.publish_text = true;
        },
        "publish_not_allowed publish_text",
    );
    check(
        |s| {
            s.privacy = Privacy::Confidential {
                name: "សុខ ចាន់".into(),
                phone: "012 345 678".into(),
            };
            s.publish_text = true;
        },
        "publish_not_allowed publish_text",
    );
    check(
        |s| {
            s.kind = Kind::Evaluation;
            s.description.clear();
            s.evaluation = evaluation(4);
            s.publish_text = true;
        },
        "publish_not_allowed publish_text",
    );
    check(
        |s| {
            s.place = "1".into();
            s.description.clear();
            s.secret = Secret::from_string("x".into());
        },
        "
place_unknown place
description_required description
secret_invalid secret",
    );
}

#[test]
fn every_error_code_is_reached_by_some_case() {
    // Keep this list in step with the cases above: a new code needs a case.
    let covered: HashSet<&str> = [
        "malformed",
        "id_invalid",
        "place_unknown",
        "category_unknown",
        "category_not_offered",
        "description_required",
        "description_too_long",
        "evaluation_required",
        "evaluation_not_allowed",
        "rating_out_of_range",
        "incident_date_in_future",
        "name_required",
        "name_too_long",
        "phone_required",
        "phone_invalid",
        "secret_invalid",
        "app_version_invalid",
        "publish_not_allowed",
        "attachments_too_many",
        "attachment_invalid",
    ]
    .into_iter()
    .collect();
    // Codes the server answers that no submission's validation gives.
    let not_validation = [ErrorCode::NoFiguresYet];
    for code in ErrorCode::ALL {
        assert!(
            covered.contains(code.as_str()) || not_validation.contains(&code),
            "{code} has no test case"
        );
        assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
    }
}

fn check_parse(value: serde_json::Value, expect: &str) {
    let said = |parsed: Result<_, ourvoice_protocol::ValidationError>| match parsed {
        Ok(_) => "ok".to_string(),
        Err(e) => format!("{} {}", e.code, e.field),
    };
    // From a JSON tree and straight from the text (as the server reads a batch): the same.
    let text = value.to_string();
    assert_eq!(said(parse_submission(value)), expect);
    assert_eq!(said(parse_submission_json(&text)), expect, "{text}");
}

#[test]
fn malformed_items_name_the_field() {
    let good = serde_json::to_value(complaint()).unwrap();
    check_parse(good.clone(), "ok");
    let with = |key: &str, value: serde_json::Value| {
        let mut v = good.clone();
        v[key] = value;
        v
    };
    let without = |key: &str| {
        let mut v = good.clone();
        v.as_object_mut().unwrap().remove(key);
        v
    };
    check_parse(with("kind", json!("praise")), "malformed kind");
    check_parse(with("id", json!("not-a-uuid")), "malformed id");
    check_parse(with("description", json!(42)), "malformed description");
    check_parse(
        with("privacy", json!({"mode": "public"})),
        "malformed privacy.mode",
    );
    check_parse(
        with("evaluation", json!({"overall": "five"})),
        "malformed evaluation.overall",
    );
    check_parse(
        with("evaluation", json!({"overall": 300})),
        "malformed evaluation.overall",
    );
    check_parse(
        with("profile", json!({"gender": "robot"})),
        "malformed profile.gender",
    );
    check_parse(
        with("incident_date", json!("28/11/2026")),
        "malformed incident_date",
    );
    check_parse(with("locale", json!("fr")), "malformed locale");
    check_parse(without("place"), "malformed place");
    check_parse(without("secret"), "malformed secret");
    check_parse(json!([1, 2]), "malformed ");
    // Optional parts may be left out entirely.
    check_parse(without("description"), "ok");
    check_parse(without("profile"), "ok");
    check_parse(with("publish_text", json!("yes")), "malformed publish_text");
    check_parse(with("publish_text", json!(true)), "ok");
}

#[test]
fn the_choice_to_publish_is_offered_only_where_text_may_be_public() {
    use ourvoice_protocol::may_publish_text;
    for (kind, about_staff, confidential, expect) in [
        (Kind::Complaint, false, false, true),
        (Kind::Support, false, false, true),
        (Kind::Information, false, false, true),
        (Kind::Complaint, true, false, false),
        (Kind::Complaint, false, true, false),
        (Kind::Support, false, true, false),
        (Kind::Evaluation, false, false, false),
    ] {
        assert_eq!(
            may_publish_text(kind, about_staff, confidential),
            expect,
            "{kind:?} about staff {about_staff} confidential {confidential}"
        );
    }
}

#[test]
fn phones_are_read_as_cambodians_write_them() {
    for (typed, expect) in [
        ("012 345 678", Some("+85512345678")),
        ("+855 12 345 678", Some("+85512345678")),
        ("855-97-123-4567", Some("+855971234567")),
        ("(+855) 012 345 678", Some("+85512345678")),
        ("០១២ ៣៤៥ ៦៧៨", Some("+85512345678")),
        ("12345678", None),
        ("012 34", None),
        ("012-345-678x", None),
        ("00 12 345 678", None),
    ] {
        assert_eq!(normalize_phone(typed).as_deref(), expect, "{typed}");
    }
}

#[test]
fn body_digest_changes_with_any_content() {
    let a = complaint();
    let mut b = a.clone();
    assert_eq!(a.body_digest(), b.body_digest());
    b.description.push('!');
    assert_ne!(a.body_digest(), b.body_digest());
    let round_trip: Submission = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(round_trip.body_digest(), a.body_digest());
    let mut public = a.clone();
    public.publish_text = true;
    assert_ne!(public.body_digest(), a.body_digest());
}

/// A submission as phones sent it before `publish_text` existed: its canonical bytes, and so
/// its digest (the idempotency check of every resend), are unchanged; the field appears only
/// when the citizen chose to publish.
const OLD_BODY: &str = r#"{"id":"3f2b8c1e-5a4d-4e6f-9a7b-1c2d3e4f5a6b","kind":"complaint","place":"120101","category":"civil_registration","description":"ផ្លូវខូច","evaluation":null,"asked_extra_payment":true,"about_office_staff":false,"incident_date":"2026-11-20","privacy":{"mode":"anonymous"},"profile":null,"locale":"km","created_at":"2026-11-28T03:00:00Z","app_version":"0.1.0","secret":"abcdefghijklmnopqrstuvwxyz0123456789_-AB"}"#;
/// SHA-256 of `OLD_BODY`, as the server stored it for that item.
const OLD_DIGEST: &str = "09258e973645f1a368d491d2f6ecc51ebe82356dc2afca3c7f8d5248e97f7736";

#[test]
fn submissions_made_before_the_choice_to_publish_keep_their_bytes_and_digest() {
    let old: Submission = serde_json::from_str(OLD_BODY).unwrap();
    assert!(!old.publish_text, "old items are not public");
    assert_eq!(serde_json::to_string(&old).unwrap(), OLD_BODY);
    assert_eq!(old.body_digest(), OLD_DIGEST);
    let parsed = parse_submission(serde_json::from_str(OLD_BODY).unwrap()).unwrap();
    assert_eq!(parsed.body_digest(), OLD_DIGEST);

    let mut public = old.clone();
    public.publish_text = true;
    let bytes = serde_json::to_string(&public).unwrap();
    assert!(
        bytes.contains(r#""about_office_staff":false,"publish_text":true,"incident_date""#),
        "{bytes}"
    );
    let back: Submission = serde_json::from_str(&bytes).unwrap();
    assert!(back.publish_text);
    assert_eq!(back.body_digest(), public.body_digest());
}

#[test]
fn citizen_answers_and_ratings() {
    use ourvoice_protocol::{
        citizen_answer_text, citizen_rating, CitizenActionRefusal, MAX_DESCRIPTION_CHARS,
    };
    let long = "ក".repeat(MAX_DESCRIPTION_CHARS + 1);
    let longest = "ក".repeat(MAX_DESCRIPTION_CHARS);
    // (typed, kept or refusal)
    let answers: [(&str, Result<&str, CitizenActionRefusal>); 5] = [
        ("  yes, Monday  ", Ok("yes, Monday")),
        ("", Err(CitizenActionRefusal::TextLength)),
        (" \n\t ", Err(CitizenActionRefusal::TextLength)),
        (&long, Err(CitizenActionRefusal::TextLength)),
        (&longest, Ok(longest.as_str())),
    ];
    for (typed, expected) in answers {
        let kept = citizen_answer_text(typed);
        assert_eq!(kept.as_deref().map_err(|e| *e), expected, "{typed:.20}");
    }
    for rating in 0..=7u8 {
        let expected = if (1..=5).contains(&rating) {
            Ok(rating)
        } else {
            Err(CitizenActionRefusal::RatingOutOfRange)
        };
        assert_eq!(citizen_rating(rating), expected, "{rating}");
    }
    assert_eq!(CitizenActionRefusal::TextLength.as_str(), "text_length");
    assert_eq!(CitizenActionRefusal::RatingOutOfRange.field(), "rating");
}
