//! The public scorecards of the offices the citizen looked at last (`GET
//! /api/v1/scorecards/{office}`), kept on the phone with their ETag and when the server last
//! answered for them, so that the scorecard screen works offline and says how old it is.
//!
//! Guarantees: at most [`SCORECARDS_KEPT`] offices are kept, those looked at last; what is kept
//! is the server's answer as it came (so a newer app reads it whole), and one that can no longer
//! be read counts as never fetched (shown as nothing kept, asked for again without its ETag);
//! the server's "no scorecard yet" is kept as such, apart from "never asked". A scorecard holds
//! only public figures: nothing here is about the citizen but which offices they looked at.

use ourvoice_protocol::scorecards::Scorecard;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::{Outbox, OutboxError};

/// How many offices' scorecards the phone keeps: the ones looked at last.
pub const SCORECARDS_KEPT: usize = 10;

/// One office's scorecard as the phone keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct KeptScorecard {
    /// The office's code (`CH-120101`).
    pub office: String,
    /// The figures as the server last gave them; `None` when the server had none yet, or has
    /// never answered for this office.
    pub scorecard: Option<Scorecard>,
    /// The ETag of [`KeptScorecard::scorecard`], to ask whether it changed.
    pub etag: Option<String>,
    /// When the server last answered for this office (Unix milliseconds): gave its figures,
    /// said they had not changed, or said it had none yet. `None`: it never answered.
    pub fetched_at: Option<i64>,
    /// When the citizen last opened it (Unix milliseconds).
    pub looked_at: i64,
}

impl Outbox {
    /// The citizen opens the scorecard of `office`: it becomes the one looked at last, and the
    /// offices beyond the last [`SCORECARDS_KEPT`] looked at are forgotten.
    pub fn look_at_scorecard(&self, office: &str, now: i64) -> Result<(), OutboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO scorecards (office, looked_at) VALUES (?1, ?2)
             ON CONFLICT (office) DO UPDATE SET looked_at = excluded.looked_at",
            params![office, now],
        )?;
        forget_beyond_kept(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Keeps the scorecard the server gave for `office` (its JSON as it came, and its ETag),
    /// answered at `now`.
    pub fn keep_scorecard(
        &self,
        office: &str,
        body: &str,
        etag: Option<&str>,
        now: i64,
    ) -> Result<(), OutboxError> {
        self.keep(office, Some(body), etag, now)
    }

    /// The server has no scorecard for `office` yet (as of `now`): whatever was kept goes.
    pub fn keep_no_scorecard_yet(&self, office: &str, now: i64) -> Result<(), OutboxError> {
        self.keep(office, None, None, now)
    }

    fn keep(
        &self,
        office: &str,
        body: Option<&str>,
        etag: Option<&str>,
        now: i64,
    ) -> Result<(), OutboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // An office asked for is one looked at; one already kept keeps its place in the order.
        tx.execute(
            "INSERT INTO scorecards (office, body, etag, fetched_at, looked_at)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (office) DO UPDATE SET
                 body = excluded.body, etag = excluded.etag, fetched_at = excluded.fetched_at",
            params![office, body, etag, now],
        )?;
        forget_beyond_kept(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// The server said the scorecard of `office` kept here has not changed (at `now`).
    pub fn scorecard_unchanged(&self, office: &str, now: i64) -> Result<(), OutboxError> {
        self.conn().execute(
            "UPDATE scorecards SET fetched_at = ?2 WHERE office = ?1 AND body IS NOT NULL",
            params![office, now],
        )?;
        Ok(())
    }

    /// Forgets the scorecard of `office` (the server does not know the office).
    pub fn forget_scorecard(&self, office: &str) -> Result<(), OutboxError> {
        self.conn()
            .execute("DELETE FROM scorecards WHERE office = ?1", [office])?;
        Ok(())
    }

    /// What the phone keeps of the scorecard of `office`; `None` when it was not looked at
    /// lately.
    pub fn kept_scorecard(&self, office: &str) -> Result<Option<KeptScorecard>, OutboxError> {
        let row = self
            .conn()
            .query_row(
                "SELECT office, body, etag, fetched_at, looked_at FROM scorecards WHERE office = ?1",
                [office],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.map(|(office, body, etag, fetched_at, looked_at)| {
            match body.map(|body| serde_json::from_str::<Scorecard>(&body)) {
                Some(Ok(scorecard)) => KeptScorecard {
                    office,
                    scorecard: Some(scorecard),
                    etag,
                    fetched_at,
                    looked_at,
                },
                // Unreadable (written by a server this app does not understand): as if the
                // server had never answered, so it is asked again without the ETag.
                Some(Err(_)) => KeptScorecard {
                    office,
                    scorecard: None,
                    etag: None,
                    fetched_at: None,
                    looked_at,
                },
                None => KeptScorecard {
                    office,
                    scorecard: None,
                    etag: None,
                    fetched_at,
                    looked_at,
                },
            }
        }))
    }

    /// The offices whose scorecards the phone keeps, looked at last first.
    pub fn kept_scorecard_offices(&self) -> Result<Vec<String>, OutboxError> {
        let conn = self.conn();
        let mut statement =
            conn.prepare_cached("SELECT office FROM scorecards ORDER BY looked_at DESC, office")?;
        let offices = statement
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(offices)
    }
}

/// Forgets every office but the [`SCORECARDS_KEPT`] looked at last.
fn forget_beyond_kept(tx: &rusqlite::Transaction<'_>) -> Result<(), OutboxError> {
    tx.execute(
        "DELETE FROM scorecards WHERE office NOT IN
             (SELECT office FROM scorecards ORDER BY looked_at DESC, office LIMIT ?1)",
        [SCORECARDS_KEPT as i64],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use ourvoice_protocol::scorecards::{
        ByCriterion, ByKind, ByPeople, Figure, Figures, Period, Scorecard, Subject,
    };

    use super::SCORECARDS_KEPT;
    use crate::Outbox;

    fn open() -> (tempfile::TempDir, Outbox) {
        let folder = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&folder.path().join("outbox.db")).unwrap();
        (folder, outbox)
    }

    /// A scorecard of `office` whose every figure stands for `people` people.
    fn scorecard(office: &str, people: u32) -> Scorecard {
        let stars = Figure::of(4.2, people);
        let figures = Figures {
            received: Figure::of(people, people),
            received_by_kind: ByKind {
                complaint: Figure::of(people, people),
                support: Figure::of(0, 0),
                information: Figure::of(0, 0),
                evaluation: Figure::of(0, 0),
            },
            answered: Figure::of(0.9, people),
            answered_within_deadline: Figure::of(0.7, people),
            median_days_to_first_answer: Figure::of(3.0, people),
            median_days_to_close: Figure::of(9.5, people),
            escalated: Figure::of(0, 0),
            rating: stars.clone(),
            rating_by_criterion: ByCriterion {
                speed: stars.clone(),
                staff_attitude: stars.clone(),
                fees_as_posted: stars.clone(),
                clarity_of_information: stars.clone(),
                facilities_and_access: stars,
            },
            asked_extra_payment: Figure::of(0.2, people),
        };
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        Scorecard {
            subject: Subject::Office {
                code: office.into(),
            },
            office_type: Some("commune_hall".into()),
            last_day: day(12, 4),
            year: Period {
                first_day: day(1, 1),
                last_day: day(12, 4),
                label: "12-months".into(),
            },
            figures,
            by_people: ByPeople {
                gender: Vec::new(),
                age_band: Vec::new(),
                disability: Vec::new(),
            },
            quarters: Vec::new(),
            peers: Vec::new(),
            licence: ourvoice_protocol::scorecards::LICENCE.into(),
        }
    }

    #[test]
    fn a_scorecard_is_kept_with_its_etag_and_age_and_survives_reopening() {
        let (folder, outbox) = open();
        assert_eq!(outbox.kept_scorecard("CH-120101").unwrap(), None);
        outbox.look_at_scorecard("CH-120101", 100).unwrap();
        let looked = outbox.kept_scorecard("CH-120101").unwrap().unwrap();
        assert_eq!(
            (looked.scorecard, looked.fetched_at, looked.looked_at),
            (None, None, 100),
            "looked at, never answered"
        );
        let card = scorecard("CH-120101", 23);
        let body = serde_json::to_string(&card).unwrap();
        outbox
            .keep_scorecard("CH-120101", &body, Some("\"v1\""), 200)
            .unwrap();
        outbox.scorecard_unchanged("CH-120101", 300).unwrap();
        drop(outbox);
        let outbox = Outbox::open(&folder.path().join("outbox.db")).unwrap();
        let kept = outbox.kept_scorecard("CH-120101").unwrap().unwrap();
        assert_eq!(kept.scorecard, Some(card));
        assert_eq!(kept.etag.as_deref(), Some("\"v1\""));
        assert_eq!((kept.fetched_at, kept.looked_at), (Some(300), 100));

        // The server then has none: the old figures go, and "none yet" is kept as an answer.
        outbox.keep_no_scorecard_yet("CH-120101", 400).unwrap();
        let none = outbox.kept_scorecard("CH-120101").unwrap().unwrap();
        assert_eq!(
            (none.scorecard, none.etag, none.fetched_at),
            (None, None, Some(400))
        );
        // "Unchanged" cannot bring back what is not kept.
        outbox.scorecard_unchanged("CH-120101", 500).unwrap();
        assert_eq!(
            outbox
                .kept_scorecard("CH-120101")
                .unwrap()
                .unwrap()
                .fetched_at,
            Some(400)
        );
        outbox.forget_scorecard("CH-120101").unwrap();
        assert_eq!(outbox.kept_scorecard("CH-120101").unwrap(), None);
    }

    #[test]
    fn only_the_offices_looked_at_last_are_kept() {
        let (_folder, outbox) = open();
        let body = serde_json::to_string(&scorecard("CH-120101", 9)).unwrap();
        for n in 0..(SCORECARDS_KEPT as i64 + 3) {
            let office = format!("CH-1201{n:02}");
            outbox.look_at_scorecard(&office, 10 * n).unwrap();
            outbox
                .keep_scorecard(&office, &body, None, 10 * n + 1)
                .unwrap();
        }
        // The first one looked at again is kept, the next three oldest are not.
        outbox.look_at_scorecard("CH-120100", 1_000).unwrap();
        let kept = outbox.kept_scorecard_offices().unwrap();
        assert_eq!(kept.len(), SCORECARDS_KEPT);
        assert_eq!(kept[0], "CH-120100");
        assert_eq!(kept[1], "CH-120112");
        for gone in ["CH-120101", "CH-120102", "CH-120103"] {
            assert!(!kept.contains(&gone.to_string()), "{gone}: {kept:?}");
            assert_eq!(outbox.kept_scorecard(gone).unwrap(), None);
        }
    }

    #[test]
    fn a_scorecard_this_app_cannot_read_counts_as_never_fetched() {
        let (_folder, outbox) = open();
        outbox.look_at_scorecard("OWSO-1201", 1).unwrap();
        outbox
            .keep_scorecard("OWSO-1201", "{\"not\": \"a scorecard\"}", Some("\"x\""), 2)
            .unwrap();
        let kept = outbox.kept_scorecard("OWSO-1201").unwrap().unwrap();
        assert_eq!(
            (kept.scorecard, kept.etag, kept.fetched_at),
            (None, None, None)
        );
    }
}
