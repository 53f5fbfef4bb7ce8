//! Statistics: small cells suppressed (never as "<5" where a cell is days, a share or a
//! rating), free text never shown, the dashboard in explained sections.

use crate::setup::*;

#[tokio::test]
async fn statistics_suppress_small_cells_and_hide_free_text() {
    on_each_engine(statistics_on).await;
}

async fn statistics_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    accounts(&setup).await;
    let mut answered = Vec::new();
    for (n, gender) in [(7, Gender::Female), (2, Gender::Male)] {
        for i in 0..n {
            let mut c = complaint(&format!("FREE-TEXT-{i} ត្រូវបានសុំប្រាក់"));
            c.profile = Some(RespondentProfile {
                gender: Some(gender),
                ..Default::default()
            });
            c.asked_extra_payment = Some(i % 2 == 0);
            let number = setup.submit(&c).await;
            if i < 2 {
                answered.push(number);
            }
        }
    }
    // Four answers (two women, two men): the days to the first answer stand for too few
    // people in every cell.
    let mut officer = signed_in(&setup, "officer.a", PASSWORD).await;
    for number in &answered {
        let item = format!("/console/items/{number}");
        let page = officer
            .submit(
                &item,
                &format!("{item}/reply"),
                &[("text", "បានឆ្លើយ"), ("kind", "answer")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    let mut analyst = signed_in(&setup, "analyst", PASSWORD).await;
    let page = analyst.get("/console/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("FREE-TEXT"),
        "no free text on the dashboard"
    );
    assert!(page.body.contains("<svg") && page.body.contains("data-chart=\"kind\""));
    // Drawn once for every reader, sent inside the page made for this one: the same text
    // with and without gzip.
    let (plain, gzip) = plain_and_gzip(&analyst, "/console/dashboard").await;
    assert_eq!(plain, page.body);
    assert_eq!(gzip, page.body);
    let csv = analyst
        .get("/console/dashboard.csv?table=kind&by=gender")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    let complaint_row = csv
        .body
        .lines()
        .find(|l| l.starts_with("\"បណ្តឹង\""))
        .expect(&csv.body);
    // Women 7 (hidden: with the total it would give the men away), men 2 (suppressed),
    // other 0, prefer not 0, not given 0, total 9.
    // Counts keep "<5" (they are counts of people); the last column names no hidden value.
    assert_eq!(
        complaint_row,
        "\"បណ្តឹង\",\"x\",\"<5\",\"0\",\"0\",\"0\",\"9\",\"\""
    );
    for line in csv.body.lines().skip(1) {
        for cell in line.split(',').skip(1) {
            let value = cell.trim_matches('"');
            if let Ok(n) = value.parse::<u32>() {
                assert!(n == 0 || n >= 5, "a small cell leaked: {line}");
            }
        }
    }
    let extra = analyst
        .get("/console/dashboard.csv?table=extra_payment&by=gender")
        .await
        .body;
    // Women: 4 of 7 said yes → 57%, hidden (with the total, the men's answers would follow);
    // men: 2 people → suppressed, an empty cell named in the last column; total 5 of 9 → 56%.
    assert!(extra.contains("\"x\",\"\",\"–\""), "{extra}");
    assert!(extra.contains("\"56%\",\"បុរស\""), "{extra}");
    assert!(!extra.contains("<5"), "a share is never \"<5\": {extra}");
    // Days to the first answer: no cell reads "<5" (it would read as fewer than 5 days), and
    // none holds a number; the last column names the hidden ones.
    let days = analyst
        .get("/console/dashboard.csv?table=first_answer&by=gender")
        .await
        .body;
    assert!(!days.contains("<5"), "{days}");
    let complaint_days = days
        .lines()
        .find(|l| l.starts_with("\"បណ្តឹង\""))
        .expect(&days);
    assert_eq!(
        complaint_days,
        "\"បណ្តឹង\",\"\",\"\",\"–\",\"–\",\"–\",\"\",\"ស្ត្រី; បុរស; សរុប\""
    );
    // The page: "—*" with its footnote, in the section on speed; sections in order, each
    // explained in a sentence.
    let section = |page: &str, key: &str| -> String {
        let start = page
            .find(&format!("<section class=\"group\" id=\"section-{key}\""))
            .unwrap_or_else(|| panic!("section {key}"));
        let rest = &page[start..];
        rest[..rest.find("</section>").unwrap()].to_string()
    };
    let page = analyst.get("/console/dashboard").await.body;
    let speed = section(&page, "speed");
    assert!(speed.contains("id=\"table-first_answer\""), "{speed}");
    let first_answer = &speed[speed.find("id=\"table-first_answer\"").unwrap()..];
    let first_answer = &first_answer[..first_answer.find("id=\"table-close\"").unwrap()];
    assert!(!first_answer.contains("&lt;5") && !first_answer.contains("&lt;៥"));
    assert!(first_answer.contains("<abbr title=\"តិចជាង ៥ នាក់៖ លាក់ទុក ដើម្បីការពារពួកគេ។\">—*</abbr>"));
    assert!(first_answer.contains("class=\"note\""), "the footnote");
    let mut at = 0;
    for (key, table) in [
        ("volume", "kind"),
        ("speed", "within_deadline"),
        ("people", "people_gender"),
        ("ratings", "ratings"),
    ] {
        let found = page[at..]
            .find(&format!("id=\"section-{key}\""))
            .unwrap_or_else(|| panic!("section {key} after the one before"));
        at += found;
        let section = section(&page, key);
        assert!(
            section.contains("<h2 id=") && section.contains("<p class=\"help\">"),
            "{section}"
        );
        assert!(
            section.contains(&format!("id=\"table-{table}\"")),
            "{key}: {table}"
        );
    }
    // Who sends feedback: 7 women, men fewer than 5 (in Khmer digits on a Khmer page).
    let people = section(&page, "people");
    assert!(
        people.contains("<td>៧</td>") || people.contains("<td>x</td>"),
        "{people}"
    );
    assert!(
        people.contains("&lt;៥"),
        "a count of people may say fewer than 5: {people}"
    );
    analyst.get("/console/lang/en").await;
    let page = analyst.get("/console/dashboard").await.body;
    assert!(page.contains("How fast offices answer") && page.contains("Who sends feedback"));
    assert_eq!(
        analyst
            .get("/console/dashboard.csv?table=nope")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        analyst.get("/console/dashboard?by=shoe_size").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_tally_made_at_start_is_shown_until_it_is_too_old() {
    on_each_engine(kept_tally_on).await;
}

/// With a maximum age, the first tally is made as the server starts, and what arrives later
/// is counted only once the tally shown is older than that age (however many views).
async fn kept_tally_on(db: TestDb) {
    let mut setup = Setup::start(db, &[]);
    accounts(&setup).await;
    for i in 0..3 {
        setup
            .submit(&complaint(&format!("before the restart {i}")))
            .await;
    }
    let mut analyst = signed_in(&setup, "analyst", PASSWORD).await;
    analyst.get("/console/lang/en").await;
    setup.restart(&["--dashboard-max-age-seconds", "5"]);
    analyst.base = setup.server.url();
    // Made at start: a case that arrives after it, before anyone looked, is not in it yet.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    setup.submit(&complaint("after the start")).await;
    let total = |page: &str| {
        let start = page.find("<p>").expect(page) + 3;
        page[start..].split(' ').next().unwrap_or("").to_string()
    };
    let page = analyst.get("/console/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(total(&page.body), "3", "{}", page.body);
    assert_eq!(total(&analyst.get("/console/dashboard").await.body), "3");
    // Past the maximum age the old tally is shown once more while a new one is made.
    tokio::time::sleep(std::time::Duration::from_millis(5100)).await;
    let mut shown = Vec::new();
    for _ in 0..20 {
        shown.push(total(&analyst.get("/console/dashboard").await.body));
        if shown.last().map(String::as_str) == Some("4") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(shown.first().map(String::as_str), Some("3"), "{shown:?}");
    assert_eq!(shown.last().map(String::as_str), Some("4"), "{shown:?}");
}
