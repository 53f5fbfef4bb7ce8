//! The phone's copy of an office's public scorecard, through its own outbox and sync engine,
//! against the real server binary on each engine: feedback sent from the phone on one day is in
//! the figures the server makes the day after; the phone fetches them with their ETag and keeps
//! them; asked again, the server answers 304 and the copy stays, newly confirmed (also by a
//! sync round, which asks again for every kept scorecard); with the
//! server gone the copy stays as it was; an office nobody wrote to has only hidden figures; an
//! office the server does not know is forgotten; a code that is no office is never sent.

mod support;

use chrono::{DateTime, Duration, Utc};
use ourvoice_outbox::{Draft, Outbox};
use ourvoice_protocol::scorecards::{Figure, Scorecard};
use ourvoice_protocol::{cambodia_today, Criteria, Evaluation, Kind, Lang, Privacy};
use ourvoice_sync::{ScorecardAnswer, SyncConfig, SyncEngine, SyncError};
use std::sync::Arc;
use support::{on_each_engine, ServerProcess, TestDb};

/// The office the phone writes to (Khan Chamkar Mon's One Window Service Office), and one of
/// the same kind nobody writes to.
const OFFICE: &str = "OWSO-1201";
const QUIET: &str = "OWSO-1202";

/// A phone: its outbox in a folder of the test, syncing to `url` with quick timeouts.
fn phone(db: &TestDb, url: &str) -> Arc<SyncEngine> {
    let outbox = Arc::new(Outbox::open(&db.file("phone/outbox.db")).unwrap());
    let mut config = SyncConfig::new(url);
    config.connect_timeout = std::time::Duration::from_millis(500);
    config.request_timeout = std::time::Duration::from_secs(5);
    Arc::new(SyncEngine::new(outbox, config).unwrap())
}

/// Feedback to the office as the app makes it: a complaint (asked to pay extra or not) or an
/// evaluation with its overall rating.
fn draft(kind: Kind, extra: Option<bool>, overall: u8) -> Draft {
    Draft {
        kind,
        place: OFFICE.into(),
        category: "other".into(),
        description: if kind == Kind::Evaluation {
            String::new()
        } else {
            "ការិយាល័យឱ្យរង់ចាំយូរ".into()
        },
        evaluation: (kind == Kind::Evaluation).then(|| Evaluation {
            overall,
            criteria: Criteria::default(),
        }),
        asked_extra_payment: extra,
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

/// Asks for the office's scorecard until the server has made the figures ending `last_day`
/// (it checks every second), then returns what the phone keeps.
async fn figures_of(engine: &SyncEngine, office: &str, last_day: chrono::NaiveDate) -> Scorecard {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let answer = engine.refresh_scorecard(office).await;
        let kept = engine.outbox().kept_scorecard(office).unwrap();
        if let Some(scorecard) = kept.and_then(|kept| kept.scorecard) {
            if scorecard.last_day == last_day {
                return scorecard;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no figures up to {last_day} for {office}: {answer:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_phone_keeps_an_offices_scorecard_with_its_etag_and_shows_it_offline() {
    on_each_engine(|db: TestDb| async move {
        // Feedback is sent on a Tuesday in Cambodia; the figures end with the day before "now".
        let sent_on: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-12-01T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = db.file("clock");
        std::fs::write(&clock, sent_on.to_rfc3339()).unwrap();
        let clock_arg = clock.display().to_string();
        let args = [
            "--clock-file",
            clock_arg.as_str(),
            "--scorecards-check-seconds",
            "1",
        ];
        let mut server = ServerProcess::start(&db, &args);
        let engine = phone(&db, &server.url());
        for n in 0..6 {
            engine
                .outbox()
                .submit(
                    draft(Kind::Complaint, Some(n < 2), 0),
                    ourvoice_directory::Directory::embedded(),
                    "test",
                    sent_on,
                )
                .unwrap();
        }
        for overall in [4, 4, 5, 3, 4] {
            engine
                .outbox()
                .submit(
                    draft(Kind::Evaluation, None, overall),
                    ourvoice_directory::Directory::embedded(),
                    "test",
                    sent_on,
                )
                .unwrap();
        }
        let report = engine.sync_now(true).await;
        assert_eq!(report.accepted, 11, "{report:?}");

        // Two days later the figures of the day after the feedback count it.
        let now = sent_on + Duration::days(2);
        std::fs::write(&clock, now.to_rfc3339()).unwrap();
        let last_day = cambodia_today(now) - Duration::days(1);
        engine.outbox().look_at_scorecard(OFFICE, 1).unwrap();
        let scorecard = figures_of(&engine, OFFICE, last_day).await;
        assert_eq!(scorecard.figures.received.value(), Some(&11));
        assert_eq!(
            scorecard.figures.received_by_kind.complaint.value(),
            Some(&6)
        );
        assert_eq!(
            scorecard.figures.received_by_kind.evaluation.value(),
            Some(&5)
        );
        assert_eq!(scorecard.figures.rating.value(), Some(&4.0));
        assert_eq!(scorecard.figures.rating.people(), Some(5));
        // Two of six complaints: a share of six people.
        assert_eq!(scorecard.figures.asked_extra_payment.people(), Some(6));
        let kept = engine.outbox().kept_scorecard(OFFICE).unwrap().unwrap();
        let etag = kept.etag.clone().expect("the ETag is kept");
        let fetched_at = kept.fetched_at.expect("when the server answered");

        // Asked again: 304, the same copy and ETag, newly confirmed.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert_eq!(
            engine.refresh_scorecard(OFFICE).await.unwrap(),
            ScorecardAnswer::Unchanged
        );
        let again = engine.outbox().kept_scorecard(OFFICE).unwrap().unwrap();
        assert_eq!(again.scorecard.as_ref(), Some(&scorecard));
        assert_eq!(again.etag.as_deref(), Some(etag.as_str()));
        assert!(again.fetched_at.unwrap() > fetched_at, "{again:?}");

        // A sync round asks again for the scorecards the phone keeps (the first round of an
        // engine, then every few hours), each a 304 when nothing changed.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let round = SyncEngine::new(Arc::clone(engine.outbox()), SyncConfig::new(&server.url()))
            .unwrap()
            .sync_now(false)
            .await;
        assert!(round.error.is_none(), "{round:?}");
        let refreshed = engine.outbox().kept_scorecard(OFFICE).unwrap().unwrap();
        assert!(refreshed.fetched_at > again.fetched_at, "{refreshed:?}");
        assert_eq!(refreshed.scorecard, again.scorecard);

        // An office nobody wrote to: its figures are there, every one hidden.
        assert_eq!(
            engine.refresh_scorecard(QUIET).await.unwrap(),
            ScorecardAnswer::Changed
        );
        let quiet = engine.outbox().kept_scorecard(QUIET).unwrap().unwrap();
        let quiet = quiet.scorecard.expect("the quiet office's figures");
        assert!(
            matches!(quiet.figures.received, Figure::Hidden { .. }),
            "{quiet:?}"
        );
        assert_eq!(quiet.figures.rating.value(), None);

        // An office the server does not know is forgotten; a code that is no office is never
        // asked for.
        engine.outbox().look_at_scorecard("CH-999999", 2).unwrap();
        assert_eq!(
            engine.refresh_scorecard("CH-999999").await.unwrap(),
            ScorecardAnswer::UnknownOffice
        );
        assert_eq!(engine.outbox().kept_scorecard("CH-999999").unwrap(), None);
        assert!(matches!(
            engine.refresh_scorecard("../offices").await,
            Err(SyncError::BadUrl(_))
        ));

        // The server goes away: the phone keeps what it had, as it had it.
        let before = engine.outbox().kept_scorecard(OFFICE).unwrap();
        server.kill();
        let offline = engine.refresh_scorecard(OFFICE).await;
        assert!(
            matches!(offline, Err(SyncError::Unreachable(_) | SyncError::Timeout)),
            "{offline:?}"
        );
        assert_eq!(engine.outbox().kept_scorecard(OFFICE).unwrap(), before);
    })
    .await;
}
