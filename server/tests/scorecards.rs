//! The public scorecards on the real server binary, on each engine: a fixture of a few dozen
//! items over three commune halls of one district (Chamkar Mon, 1201), received, answered,
//! closed and escalated at chosen moments of the server's clock, and every figure checked
//! against numbers worked out by hand — the suppression of small figures and of those that
//! would give one away, the quarters, the groups of people, the peers' medians; nothing of the
//! current day; no free text or contact detail in any output; ETags; bad paths.

mod support;

use chrono::{DateTime, Utc};
use ourvoice_protocol::scorecards::{Scorecard, LICENCE};
use ourvoice_protocol::{
    AgeBand, CaseStatus, Code, Criteria, Disability, Evaluation, Gender, Kind, Privacy, ReplyKind,
    RespondentProfile, Submission,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use support::browser::{self, Browser};
use support::{complaint, create_admin, on_each_engine, ServerProcess, TestDb};

const ADMIN_PASSWORD: &str = "admin password 1";
const PASSWORD: &str = "officer password 1";
/// Three commune halls of district 1201, and two more with no feedback at all.
const A: &str = "CH-120101";
const B: &str = "CH-120109";
const C: &str = "CH-120110";
const D: &str = "CH-120111";

/// What no public output may contain: the citizens' text, the offices' replies, a name and a
/// telephone number (as written and as stored).
const TEXT_MARKER: &str = "TEXT-MARKER-ផ្លូវ";
const REPLY_MARKER: &str = "REPLY-MARKER";
const NAME_MARKER: &str = "NAME-MARKER Sokha";
const PHONE: &str = "012 777 888";
const MARKERS: [&str; 5] = [
    TEXT_MARKER,
    REPLY_MARKER,
    NAME_MARKER,
    "777 888",
    "12777888",
];

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// The server, its database and the clock the test moves.
struct World {
    db: TestDb,
    server: ServerProcess,
    clock: PathBuf,
    http: reqwest::Client,
}

impl World {
    fn start(db: TestDb, now: &str, extra: &[&str]) -> World {
        let clock = db.file("clock");
        std::fs::write(&clock, at(now).to_rfc3339()).unwrap();
        let server = World::server(&db, &clock, extra);
        World {
            db,
            server,
            clock,
            // Connections idle for 5 s are dropped by the client, before the server closes
            // them at its 10 s header timeout: between this test's slow steps (a day's figures
            // made in debug) a reused connection could otherwise meet the server's close.
            http: reqwest::Client::builder()
                .pool_idle_timeout(std::time::Duration::from_secs(5))
                .build()
                .unwrap(),
        }
    }

    fn server(db: &TestDb, clock: &std::path::Path, extra: &[&str]) -> ServerProcess {
        let clock_arg = clock.display().to_string();
        let mut args = vec![
            "--clock-file",
            &clock_arg,
            "--cookie-secure",
            "false",
            // One sweep, at start: no overdue item is escalated while the test moves time.
            "--deadline-sweep-seconds",
            "86400",
        ];
        args.extend_from_slice(extra);
        let server = ServerProcess::start(db, &args);
        browser::use_clock(&server.url(), clock.to_path_buf());
        server
    }

    fn restart(&mut self, extra: &[&str]) {
        self.server.terminate();
        self.server = World::server(&self.db, &self.clock, extra);
    }

    fn set_clock(&self, now: &str) {
        std::fs::write(&self.clock, at(now).to_rfc3339()).unwrap();
    }

    /// Sends `items` as a phone would; their case numbers.
    async fn submit(&self, items: &[Submission]) -> Vec<i64> {
        let body: Value = self
            .http
            .post(format!("{}/api/v1/submissions", self.server.url()))
            .json(&json!({ "items": items }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| {
                assert_eq!(result["outcome"], "accepted", "{body}");
                result["server_number"].as_i64().unwrap()
            })
            .collect()
    }

    async fn officer(&self, username: &str) -> Browser {
        Browser::signed_in(&self.server.url(), username, PASSWORD).await
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.server.url()))
            .send()
            .await
            .unwrap()
    }

    /// The JSON at `path`, which must answer 200.
    async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json().await.unwrap()
    }

    /// Waits until the stored scorecards are of `last_day`.
    async fn scorecards_of(&self, last_day: &str) {
        for _ in 0..600 {
            let response = self.get("/open/data/national.json").await;
            if response.status() == StatusCode::OK {
                let card: Value = response.json().await.unwrap();
                if card["last_day"] == last_day {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no scorecards of {last_day} within a minute");
    }
}

/// The office's answer to case `number`.
async fn answer(officer: &mut Browser, number: i64) {
    let item = format!("/console/items/{number}");
    let page = officer
        .submit(
            &item,
            &format!("{item}/reply"),
            &[
                ("text", &format!("{REPLY_MARKER} ចម្លើយ")),
                ("kind", ReplyKind::Answer.as_str()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

async fn close(officer: &mut Browser, number: i64) {
    let item = format!("/console/items/{number}");
    let page = officer
        .submit(
            &item,
            &format!("{item}/state"),
            &[("state", CaseStatus::ClosedResolved.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

async fn escalate(officer: &mut Browser, number: i64) {
    let item = format!("/console/items/{number}");
    let page = officer
        .submit(&item, &format!("{item}/escalate"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

/// An item of `kind` about commune `place`, as a phone makes it.
fn item(kind: Kind, place: &str) -> Submission {
    let mut item = complaint(&format!("{TEXT_MARKER} ខ្ញុំសុំជំនួយ"));
    item.kind = kind;
    item.place = place.into();
    item
}

fn evaluation(place: &str, overall: u8, speed: Option<u8>, staff: Option<u8>) -> Submission {
    let mut item = item(Kind::Evaluation, place);
    item.evaluation = Some(Evaluation {
        overall,
        criteria: Criteria {
            speed,
            staff_attitude: staff,
            ..Default::default()
        },
    });
    item
}

/// Who wrote office A's `i`-th item of the twelve months (0 to 40, in the order sent):
/// disability yes 3, no 23, prefer not to say 6, not given 9; women 24, men 17; aged 18–24
/// 10, 25–34 12, not given 19.
fn a_profile(i: usize) -> RespondentProfile {
    RespondentProfile {
        gender: Some(if i < 24 { Gender::Female } else { Gender::Male }),
        age_band: match i {
            0..10 => Some(AgeBand::From18To24),
            10..22 => Some(AgeBand::From25To34),
            _ => None,
        },
        disability: match i {
            0..3 => Some(Disability::Yes),
            3..26 => Some(Disability::No),
            26..32 => Some(Disability::PreferNotToSay),
            _ => None,
        },
    }
}

/// Office A's items of the twelve months, each with its writer's profile in the order sent.
struct Profiles(usize);

impl Profiles {
    fn next(&mut self, mut item: Submission) -> Submission {
        item.profile = Some(a_profile(self.0));
        self.0 += 1;
        item
    }
}

fn shown(figure: &Value) -> (Value, u64) {
    (
        figure["value"].clone(),
        figure["people"]
            .as_u64()
            .unwrap_or_else(|| panic!("shown: {figure}")),
    )
}

fn hidden(figure: &Value) -> &str {
    assert!(figure.get("value").is_none(), "no number: {figure}");
    figure["hidden"]
        .as_str()
        .unwrap_or_else(|| panic!("hidden: {figure}"))
}

fn quarter<'a>(card: &'a Value, label: &str) -> &'a Value {
    card["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["period"]["label"] == label)
        .map(|q| &q["figures"])
        .unwrap_or_else(|| panic!("quarter {label}"))
}

fn group<'a>(card: &'a Value, dimension: &str, code: &str) -> &'a Value {
    card["by_people"][dimension]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == code)
        .map(|g| &g["figures"])
        .unwrap_or_else(|| panic!("{dimension} {code}"))
}

fn peers<'a>(card: &'a Value, among: &str) -> &'a Value {
    card["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["among"] == among)
        .unwrap_or_else(|| panic!("peers among {among}: {card}"))
}

fn assert_no_markers(what: &str, text: &str) {
    for marker in MARKERS {
        assert!(!text.contains(marker), "{marker} in {what}");
    }
}

#[tokio::test]
async fn scorecards_match_the_figures_worked_out_by_hand() {
    on_each_engine(scorecards_on).await;
}

async fn scorecards_on(db: TestDb) {
    let output = create_admin(&db, "admin", ADMIN_PASSWORD);
    assert!(output.status.success(), "{output:?}");
    // Checked hourly: only at start, until the restart below.
    let mut world = World::start(
        db,
        "2025-11-19T02:00:00Z",
        &["--scorecards-check-seconds", "3600"],
    );

    // The first try, at start, finds no feedback in the twelve months: nothing is made (every
    // office's empty figures would cost memory by offices for nothing), and readers are told
    // so with its own code.
    tokio::time::sleep(Duration::from_secs(2)).await;
    for path in [
        format!("/api/v1/scorecards/{B}"),
        "/open/data/provinces/12.json".to_string(),
        "/open/data/all-offices/12-months.csv".to_string(),
    ] {
        let response = world.get(&path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "no_figures_yet", "{path}: {body}");
    }

    let mut admin = Browser::signed_in(&world.server.url(), "admin", ADMIN_PASSWORD).await;
    for (username, office) in [("officer.a", A), ("officer.b", B), ("officer.c", C)] {
        let page = admin
            .create_account(username, "officer", office, PASSWORD)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    }

    // 20 November 2025, before the twelve months: not counted.
    world.set_clock("2025-11-20T02:00:00Z");
    world.submit(&[item(Kind::Complaint, "120101")]).await;

    let mut a = Profiles(0);
    // 2025-Q4 (from 30 November 2025, cut): six complaints to A on Monday 1 December 09:00
    // in Cambodia (one confidential, with a name and a telephone), answered after 48 hours,
    // three of them closed after 96 hours.
    world.set_clock("2025-12-01T02:00:00Z");
    let mut q0: Vec<Submission> = (0..6)
        .map(|_| a.next(item(Kind::Complaint, "120101")))
        .collect();
    q0[0].privacy = Privacy::Confidential {
        name: NAME_MARKER.into(),
        phone: PHONE.into(),
    };
    let q0 = world.submit(&q0).await;
    world.set_clock("2025-12-03T02:00:00Z");
    let mut officer = world.officer("officer.a").await;
    for number in &q0 {
        answer(&mut officer, *number).await;
    }
    world.set_clock("2025-12-05T02:00:00Z");
    let mut officer = world.officer("officer.a").await;
    for number in &q0[..3] {
        close(&mut officer, *number).await;
    }

    // 2026-Q1: three complaints; one answered after 48 hours, two never.
    world.set_clock("2026-02-02T02:00:00Z");
    let q1 = world
        .submit(
            &(0..3)
                .map(|_| a.next(item(Kind::Complaint, "120101")))
                .collect::<Vec<_>>(),
        )
        .await;
    world.set_clock("2026-02-04T02:00:00Z");
    let mut officer = world.officer("officer.a").await;
    answer(&mut officer, q1[0]).await;

    // 2026-Q2: five requests for support, answered after 24 hours, closed after 72.
    world.set_clock("2026-05-04T02:00:00Z");
    let q2 = world
        .submit(
            &(0..5)
                .map(|_| a.next(item(Kind::Support, "120101")))
                .collect::<Vec<_>>(),
        )
        .await;
    world.set_clock("2026-05-05T02:00:00Z");
    let mut officer = world.officer("officer.a").await;
    for number in &q2 {
        answer(&mut officer, *number).await;
    }
    world.set_clock("2026-05-07T02:00:00Z");
    let mut officer = world.officer("officer.a").await;
    for number in &q2 {
        close(&mut officer, *number).await;
    }

    // 2026-Q3, Monday 3 August: A gets ten complaints (4 say they were asked to pay more, 3
    // say not, 3 do not say), six evaluations and four requests for information; B six
    // complaints and five evaluations; C five complaints and two evaluations.
    world.set_clock("2026-08-03T02:00:00Z");
    let mut items: Vec<Submission> = (0..10)
        .map(|n| {
            let mut c = a.next(item(Kind::Complaint, "120101"));
            c.asked_extra_payment = match n {
                0..4 => Some(true),
                4..7 => Some(false),
                _ => None,
            };
            c
        })
        .collect();
    // Overall 5 4 4 3 2 5, speed 4 4 3 3 2 5, staff attitude 5 5 4 4 (four people only).
    for (overall, speed, staff) in [
        (5, 4, Some(5)),
        (4, 4, Some(5)),
        (4, 3, Some(4)),
        (3, 3, Some(4)),
        (2, 2, None),
        (5, 5, None),
    ] {
        items.push(a.next(evaluation("120101", overall, Some(speed), staff)));
    }
    for _ in 0..4 {
        items.push(a.next(item(Kind::Information, "120101")));
    }
    let q3 = world.submit(&items).await;
    let (a_complaints, a_information) = (&q3[..10], &q3[16..20]);
    let mut items: Vec<Submission> = (0..6).map(|_| item(Kind::Complaint, "120109")).collect();
    for overall in [4, 4, 4, 5, 5] {
        items.push(evaluation("120109", overall, None, None));
    }
    let b = world.submit(&items).await;
    let mut items: Vec<Submission> = (0..5).map(|_| item(Kind::Complaint, "120110")).collect();
    items.extend([3, 3].map(|overall| evaluation("120110", overall, None, None)));
    let c = world.submit(&items).await;
    // A answers its requests for information after 24 hours, B three complaints after 24
    // hours, C its five complaints after 48 hours.
    world.set_clock("2026-08-04T02:00:00Z");
    let mut officer = world.officer("officer.a").await;
    for number in a_information {
        answer(&mut officer, *number).await;
    }
    let mut officer = world.officer("officer.b").await;
    for number in &b[..3] {
        answer(&mut officer, *number).await;
    }
    world.set_clock("2026-08-05T02:00:00Z");
    let mut officer = world.officer("officer.c").await;
    for number in &c[..5] {
        answer(&mut officer, *number).await;
    }
    // A answers three complaints after 72 hours and escalates five to the district's
    // citizens' office.
    world.set_clock("2026-08-06T02:00:00Z");
    let mut officer = world.officer("officer.a").await;
    for number in &a_complaints[..3] {
        answer(&mut officer, *number).await;
    }
    for number in &a_complaints[3..8] {
        escalate(&mut officer, *number).await;
    }

    // 2026-Q4 (to 29 November, cut): seven complaints on 5 October; five answered after 7
    // days, when one of August's is answered too, 70 days late.
    world.set_clock("2026-10-05T02:00:00Z");
    let q4 = world
        .submit(
            &(0..7)
                .map(|_| a.next(item(Kind::Complaint, "120101")))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(a.0, 41, "A's items of the twelve months");
    world.set_clock("2026-10-12T02:00:00Z");
    let mut officer = world.officer("officer.a").await;
    for number in &q4[..5] {
        answer(&mut officer, *number).await;
    }
    answer(&mut officer, a_complaints[8]).await;

    // Today, Monday 30 November 2026 in Cambodia: two new complaints to A, and an answer to
    // one of October's. Neither counts before tomorrow.
    world.set_clock("2026-11-30T02:00:00Z");
    world
        .submit(&[
            item(Kind::Complaint, "120101"),
            item(Kind::Complaint, "120101"),
        ])
        .await;
    world.set_clock("2026-11-30T02:30:00Z");
    let mut officer = world.officer("officer.a").await;
    answer(&mut officer, q4[5]).await;

    // A server that starts without yesterday's scorecards makes them.
    world.restart(&["--scorecards-check-seconds", "1"]);
    world.scorecards_of("2026-11-29").await;
    // An office nobody wrote to has figures, every one hidden.
    let empty = world.json("/api/v1/scorecards/CH-120112").await;
    assert!(
        !empty.to_string().contains("\"value\""),
        "no feedback, no number: {empty}"
    );
    assert_eq!(hidden(&empty["figures"]["received"]), "fewer_than_5");

    let response = world.get(&format!("/api/v1/scorecards/{A}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let etag = headers["etag"].to_str().unwrap().to_string();
    assert!(
        etag.starts_with('"') && etag.len() == 34,
        "a strong ETag: {etag}"
    );
    assert_eq!(headers["cache-control"], "public, max-age=3600");
    assert!(headers["link"]
        .to_str()
        .unwrap()
        .contains("rel=\"license\""));
    let text = response.text().await.unwrap();
    let card: Value = serde_json::from_str(&text).unwrap();
    let typed: Scorecard = serde_json::from_str(&text).unwrap();
    assert_eq!(typed.licence, LICENCE);

    // The twelve months: 30 November 2025 to Sunday 29 November 2026; five quarters, the
    // first and last cut.
    assert_eq!(card["last_day"], "2026-11-29");
    assert_eq!(card["year"]["first_day"], "2025-11-30");
    assert_eq!(card["office_type"], "commune_hall");
    let labels: Vec<&str> = card["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["period"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    );
    assert_eq!(card["quarters"][0]["period"]["first_day"], "2025-11-30");
    assert_eq!(card["quarters"][4]["period"]["last_day"], "2026-11-29");

    let year = &card["figures"];
    // Received: 6 + 3 + 5 + 20 + 7 = 41 (not November 20th's, not today's two).
    assert_eq!(shown(&year["received"]), (json!(41), 41));
    // Kinds: complaints 6 + 3 + 10 + 7 = 26, evaluations 6; information 4 is fewer than five,
    // and 41 − 26 − 6 − 5 would give it away, so support (5, the smallest other) is hidden.
    let kinds = &year["received_by_kind"];
    assert_eq!(shown(&kinds["complaint"]), (json!(26), 26));
    assert_eq!(shown(&kinds["evaluation"]), (json!(6), 6));
    assert_eq!(hidden(&kinds["information"]), "fewer_than_5");
    assert_eq!(hidden(&kinds["support"]), "would_reveal_another");
    // Answered, of the 35 that ask for an answer: 6 + 1 + 5 + (3 + 1 late) + 4 + 5 = 25 (not
    // today's answer): 25 / 35 = 0.714 → 0.71.
    assert_eq!(shown(&year["answered"]), (json!(0.71), 35));
    // Within the deadline: all 35 are judged (answered, or unanswered past their deadline);
    // 6 + 1 + 5 + 3 + 4 + 5 = 24 answered by it: 24 / 35 = 0.686 → 0.69.
    assert_eq!(shown(&year["answered_within_deadline"]), (json!(0.69), 35));
    // Hours to the first answer, sorted: 24 × 9, 48 × 7, 72 × 3, 168 × 5, 1680 × 1; the
    // 13th of 25 is 48 hours: 2.0 days.
    assert_eq!(
        shown(&year["median_days_to_first_answer"]),
        (json!(2.0), 25)
    );
    // Hours to closing: 72 × 5, 96 × 3; the 4th and 5th of 8 are 72: 3.0 days.
    assert_eq!(shown(&year["median_days_to_close"]), (json!(3.0), 8));
    assert_eq!(shown(&year["escalated"]), (json!(5), 5));
    // Overall (5 + 4 + 4 + 3 + 2 + 5) / 6 = 3.83 → 3.8; speed 21 / 6 = 3.5; staff attitude
    // from four people only.
    assert_eq!(shown(&year["rating"]), (json!(3.8), 6));
    let criteria = &year["rating_by_criterion"];
    assert_eq!(shown(&criteria["speed"]), (json!(3.5), 6));
    assert_eq!(hidden(&criteria["staff_attitude"]), "fewer_than_5");
    assert_eq!(hidden(&criteria["fees_as_posted"]), "fewer_than_5");
    // Asked for extra payment: 4 of the 7 complaints that said: 0.571 → 0.57.
    assert_eq!(shown(&year["asked_extra_payment"]), (json!(0.57), 7));

    // Quarters: received 6, 3, 5, 20, 7. The 3 is fewer than five; with the twelve months'
    // 41 it could be worked out, so the smallest other quarter (5) is hidden too.
    assert_eq!(shown(&quarter(&card, "2025-Q4")["received"]), (json!(6), 6));
    assert_eq!(
        hidden(&quarter(&card, "2026-Q1")["received"]),
        "fewer_than_5"
    );
    assert_eq!(
        hidden(&quarter(&card, "2026-Q2")["received"]),
        "would_reveal_another"
    );
    // The same for the people behind the share answered (6, 3, 5, 14, 7 ask for an answer):
    // the second quarter's share is hidden, though 5 people stand behind it.
    assert_eq!(
        hidden(&quarter(&card, "2026-Q2")["answered"]),
        "would_reveal_another"
    );
    // …while its 5 closings (72 hours each) stand beside quarters of 3 and none: shown.
    assert_eq!(
        shown(&quarter(&card, "2026-Q2")["median_days_to_close"]),
        (json!(3.0), 5)
    );
    let q3 = quarter(&card, "2026-Q3");
    assert_eq!(shown(&q3["received"]), (json!(20), 20));
    // 3 + 1 + 4 answered of 14: 0.571 → 0.57; 3 + 4 by the deadline: 0.5; hours 24 × 4,
    // 72 × 3, 1680: the 4th and 5th of 8 are 24 and 72: 2.0 days.
    assert_eq!(shown(&q3["answered"]), (json!(0.57), 14));
    assert_eq!(shown(&q3["answered_within_deadline"]), (json!(0.5), 14));
    assert_eq!(shown(&q3["median_days_to_first_answer"]), (json!(2.0), 8));
    assert_eq!(shown(&q3["escalated"]), (json!(5), 5));
    let q4_figures = quarter(&card, "2026-Q4");
    // 5 of 7 answered (today's answer not counted), after 168 hours each.
    assert_eq!(shown(&q4_figures["answered"]), (json!(0.71), 7));
    assert_eq!(
        shown(&q4_figures["median_days_to_first_answer"]),
        (json!(7.0), 5)
    );

    // People: disability yes 3 (fewer than five), no 23, prefer not to say 6 (hidden: with
    // the total it would give the 3 away), not given 9.
    assert_eq!(
        hidden(&group(&card, "disability", "yes")["received"]),
        "fewer_than_5"
    );
    assert_eq!(
        shown(&group(&card, "disability", "no")["received"]),
        (json!(23), 23)
    );
    assert_eq!(
        hidden(&group(&card, "disability", "prefer_not_to_say")["received"]),
        "would_reveal_another"
    );
    assert_eq!(
        shown(&group(&card, "disability", "not_given")["received"]),
        (json!(9), 9)
    );
    assert_eq!(
        shown(&group(&card, "gender", "female")["received"]),
        (json!(24), 24)
    );
    assert_eq!(
        shown(&group(&card, "gender", "male")["received"]),
        (json!(17), 17)
    );
    assert_eq!(
        hidden(&group(&card, "gender", "other")["received"]),
        "fewer_than_5"
    );
    assert_eq!(
        shown(&group(&card, "age_band", "25_34")["received"]),
        (json!(12), 12)
    );

    // Peers: the district's other commune halls are B (answered 3 of 6: 0.5, by the deadline
    // 3 of 6: 0.5, three answers only, rating (4+4+4+5+5)/5 = 4.4), C (5 of 5: 1.0, 1.0, 2.0
    // days, two ratings only) and two halls with no feedback. Medians: (0.5 + 1.0) / 2 = 0.75
    // twice, 2.0 days, 4.4 stars.
    let district = peers(&card, "district");
    assert_eq!(district["offices"], 4);
    assert_eq!(district["answered"], 0.75);
    assert_eq!(district["answered_within_deadline"], 0.75);
    assert_eq!(district["median_days_to_first_answer"], 2.0);
    assert_eq!(district["rating"], 4.4);
    // Nobody else in the province or the country has feedback: the same medians, over every
    // other commune hall.
    let halls = |prefix: &str| {
        ourvoice_directory::Directory::embedded()
            .offices()
            .iter()
            .filter(|o| o.code.starts_with(prefix))
            .count()
    };
    let province = peers(&card, "province");
    assert_eq!(province["offices"], halls("CH-12") - 1);
    assert_eq!(province["answered"], 0.75);
    let national = peers(&card, "national");
    assert_eq!(national["offices"], halls("CH-") - 1);
    assert_eq!(national["rating"], 4.4);

    // B and C, as the peers saw them; D has no feedback: nothing but hidden figures.
    let b_card = world.json(&format!("/api/v1/scorecards/{B}")).await;
    assert_eq!(shown(&b_card["figures"]["answered"]), (json!(0.5), 6));
    assert_eq!(shown(&b_card["figures"]["rating"]), (json!(4.4), 5));
    assert_eq!(
        hidden(&b_card["figures"]["median_days_to_first_answer"]),
        "fewer_than_5"
    );
    let c_card = world.json(&format!("/api/v1/scorecards/{C}")).await;
    assert_eq!(
        shown(&c_card["figures"]["median_days_to_first_answer"]),
        (json!(2.0), 5)
    );
    let d_card = world.json(&format!("/api/v1/scorecards/{D}")).await;
    assert!(
        !d_card["figures"].to_string().contains("\"value\""),
        "{d_card}"
    );

    // The province: A + B + C: 41 + 11 + 7 = 59 received; 25 + 3 + 5 = 33 answered of
    // 35 + 6 + 5 = 46: 0.717 → 0.72; information 4 alone is fewer than five, so support (5)
    // is hidden too. Its peers are the other provinces, none with figures.
    let province = world.json("/open/data/provinces/12.json").await;
    assert_eq!(shown(&province["figures"]["received"]), (json!(59), 59));
    assert_eq!(shown(&province["figures"]["answered"]), (json!(0.72), 46));
    assert_eq!(
        hidden(&province["figures"]["received_by_kind"]["support"]),
        "would_reveal_another"
    );
    assert_eq!(province["peers"][0]["among"], "national");
    assert_eq!(province["peers"][0]["offices"], 24);
    assert_eq!(province["peers"][0]["answered"], Value::Null);
    let country = world.json("/open/data/national.json").await;
    assert_eq!(shown(&country["figures"]["received"]), (json!(59), 59));
    assert_eq!(country["peers"], json!([]));

    // ETags: the same body answers 304 to its ETag (weak or strong), 200 to another.
    for (tag, status) in [
        (etag.clone(), StatusCode::NOT_MODIFIED),
        (format!("W/{etag}"), StatusCode::NOT_MODIFIED),
        ("\"something else\"".to_string(), StatusCode::OK),
    ] {
        let response = world
            .http
            .get(format!("{}/api/v1/scorecards/{A}", world.server.url()))
            .header("if-none-match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{tag}");
        assert_eq!(response.headers()["etag"], etag.as_str());
    }

    // Open data: the office's CSV, with its BOM, its hidden figures in words, the licence.
    let response = world.get(&format!("/open/data/offices/{A}.csv")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let csv_etag = response.headers()["etag"].to_str().unwrap().to_string();
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "a BOM");
    let line = csv
        .lines()
        .find(|l| l.contains("\"12-months\"") && l.contains("\"\",\"\",\"41\""))
        .unwrap_or_else(|| panic!("the twelve months' line: {csv}"));
    assert!(
        line.starts_with(
            "\"office\",\"CH-120101\",\"commune_hall\",\"12-months\",\"2025-11-30\",\"2026-11-29\",\"\",\"\",\
             \"41\",\"26\",\"would reveal another\",\"fewer than 5\",\"6\",\"0.71\",\"35\",\"0.69\",\"35\",\
             \"2.0\",\"25\",\"3.0\",\"8\",\"5\",\"3.8\",\"6\",\"3.5\",\"6\",\"fewer than 5\",\"\""
        ),
        "{line}"
    );
    assert!(line.ends_with(&format!("\"{LICENCE}\"")), "{line}");
    let csv_lines = csv.lines().count();
    // A header, the twelve months, five quarters, 5 + 9 + 4 groups (each dimension's answers
    // and "not given").
    assert_eq!(csv_lines, 1 + 1 + 5 + 18, "{csv}");
    let response = world
        .http
        .get(format!("{}/open/data/offices/{A}.csv", world.server.url()))
        .header("if-none-match", &csv_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);

    // The bulk files: every office of the directory, one line each, in the quarter.
    let bulk = world.json("/open/data/all-offices/2026-Q3.json").await;
    let offices = bulk["offices"].as_array().unwrap();
    assert_eq!(
        offices.len(),
        ourvoice_directory::Directory::embedded().offices().len()
    );
    let a_bulk = offices.iter().find(|o| o["office"] == A).unwrap();
    assert_eq!(shown(&a_bulk["figures"]["received"]), (json!(20), 20));
    assert_eq!(a_bulk["district"], "1201");
    assert_eq!(bulk["licence"], LICENCE);
    let bulk_csv = world.get("/open/data/all-offices/2026-Q3.csv").await;
    assert_eq!(
        bulk_csv.headers()["content-disposition"],
        "attachment; filename=\"ourvoice-offices-2026-Q3.csv\""
    );
    let bulk_csv = bulk_csv.text().await.unwrap();
    assert!(bulk_csv.starts_with('\u{feff}'));
    // A reader who takes gzip gets the same file compressed (the copy kept compressed).
    for path in [
        "/open/data/all-offices/2026-Q3.csv".to_string(),
        format!("/open/data/offices/{A}.csv"),
        format!("/open/offices/{A}"),
    ] {
        assert_gzip_copy(&world, &path).await;
    }
    assert!(bulk_csv.contains("\"CH-120101\",\"commune_hall\",\"12\",\"1201\",\"2026-Q3\",\"2026-07-01\",\"2026-09-30\",\"20\""));

    // Nothing a person wrote, nor a name or a telephone, in anything published.
    let mut outputs = Vec::new();
    for path in [
        format!("/api/v1/scorecards/{A}"),
        format!("/api/v1/scorecards/{B}"),
        format!("/api/v1/scorecards/{C}"),
        format!("/open/data/offices/{A}.csv"),
        "/open/data/provinces/12.json".into(),
        "/open/data/provinces/12.csv".into(),
        "/open/data/national.json".into(),
        "/open/data/national.csv".into(),
    ] {
        outputs.push((path.clone(), world.get(&path).await.text().await.unwrap()));
    }
    for label in &labels {
        for extension in ["json", "csv"] {
            let path = format!("/open/data/all-offices/{label}.{extension}");
            let response = world.get(&path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            outputs.push((path, response.text().await.unwrap()));
        }
    }
    for (path, text) in &outputs {
        assert_no_markers(path, text);
    }
    let stored = world.db.query("SELECT body FROM scorecards", &[]);
    assert!(
        stored.len() > 2000,
        "every office, province and the country"
    );
    for row in &stored {
        assert_no_markers("a stored scorecard", &row.text(0).unwrap());
    }

    bad_input(&world).await;

    // The metrics count the day's run.
    let metrics = world.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("ourvoice_scorecard_runs_total ") && !l.ends_with(" 0")),
        "{metrics}"
    );

    // The next day, today's two items and today's answer count: received 43, answered 26 of
    // 37: 0.703 → 0.7; the ETag changed.
    world.set_clock("2026-12-01T02:00:00Z");
    world.scorecards_of("2026-11-30").await;
    let response = world
        .http
        .get(format!("{}/api/v1/scorecards/{A}", world.server.url()))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "a new day, a new ETag");
    let card: Value = response.json().await.unwrap();
    assert_eq!(shown(&card["figures"]["received"]), (json!(43), 43));
    assert_eq!(shown(&card["figures"]["answered"]), (json!(0.7), 37));
}

/// Bad paths are a 4xx naming the problem, never a 500.
async fn bad_input(world: &World) {
    let long = "A".repeat(3000);
    for (path, status, code) in [
        ("/api/v1/scorecards/CH-999999", 404, Some("place_unknown")),
        ("/api/v1/scorecards/120101", 404, Some("place_unknown")),
        (
            &format!("/api/v1/scorecards/{long}") as &str,
            404,
            Some("place_unknown"),
        ),
        ("/api/v1/scorecards/%FF%FE", 400, None),
        ("/api/v1/scorecards/CH-120101/more", 404, None),
        ("/api/v1/scorecards/", 404, None),
        (
            "/open/data/offices/CH-120101.xml",
            404,
            Some("format_unknown"),
        ),
        ("/open/data/offices/CH-120101", 404, Some("format_unknown")),
        (
            "/open/data/offices/CH-999999.json",
            404,
            Some("place_unknown"),
        ),
        ("/open/data/provinces/99.csv", 404, Some("place_unknown")),
        ("/open/data/provinces/1201.json", 404, Some("place_unknown")),
        ("/open/data/nation.json", 404, Some("not_found")),
        (
            "/open/data/all-offices/2026-Q5.csv",
            400,
            Some("period_invalid"),
        ),
        (
            "/open/data/all-offices/last-year.json",
            400,
            Some("period_invalid"),
        ),
        (
            "/open/data/all-offices/2019-Q1.json",
            404,
            Some("period_unknown"),
        ),
        (
            "/open/data/all-offices/2026-Q3.pdf",
            404,
            Some("format_unknown"),
        ),
        (
            "/open/data/offices/%2e%2e%2fnational.json",
            404,
            Some("place_unknown"),
        ),
    ] {
        let response = world.get(path).await;
        let short: String = path.chars().take(60).collect();
        assert_eq!(response.status().as_u16(), status, "{short}");
        let body = response.text().await.unwrap();
        if let Some(code) = code {
            let error: Value =
                serde_json::from_str(&body).unwrap_or_else(|_| panic!("{short}: {body}"));
            assert_eq!(error["error"], code, "{short}");
            assert!(!error["message"].as_str().unwrap().is_empty());
        }
    }
    // Only GET.
    let response = world
        .http
        .post(format!("{}/api/v1/scorecards/{A}", world.server.url()))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    // A body on a GET is read up to the small limit of routes that take none.
    let response = world
        .http
        .get(format!("{}/open/data/national.json", world.server.url()))
        .body(vec![b'x'; 64 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// `path` asked for with and without gzip: the same body, compressed for the reader who takes
/// it, and both answers say they vary with `Accept-Encoding`.
async fn assert_gzip_copy(world: &World, path: &str) {
    let url = format!("{}{path}", world.server.url());
    let both = support::plain_and_gzip(&url, Default::default()).await;
    assert!(both.packed.len() < both.plain.len(), "{path}");
    assert_eq!(both.unpacked, both.plain, "{path}");
}
