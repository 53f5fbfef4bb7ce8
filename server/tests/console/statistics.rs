//! Statistics: small cells suppressed, free text never shown.

use crate::setup::*;

#[tokio::test]
async fn statistics_suppress_small_cells_and_hide_free_text() {
    on_each_engine(statistics_on).await;
}

async fn statistics_on(db: TestDb) {
    let setup = Setup::start(db, &[]);
    accounts(&setup).await;
    for (n, gender) in [(7, Gender::Female), (2, Gender::Male)] {
        for i in 0..n {
            let mut c = complaint(&format!("FREE-TEXT-{i} ត្រូវបានសុំប្រាក់"));
            c.profile = Some(RespondentProfile {
                gender: Some(gender),
                ..Default::default()
            });
            c.asked_extra_payment = Some(i % 2 == 0);
            setup.submit(&c).await;
        }
    }
    let mut analyst = signed_in(&setup, "analyst", PASSWORD).await;
    let page = analyst.get("/console/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("FREE-TEXT"),
        "no free text on the dashboard"
    );
    assert!(page.body.contains("<svg") && page.body.contains("data-chart=\"kind\""));
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
    assert_eq!(
        complaint_row,
        "\"បណ្តឹង\",\"x\",\"<5\",\"0\",\"0\",\"0\",\"9\""
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
    // men: 2 people → suppressed; total 5 of 9 → 56%.
    assert!(extra.contains("\"x\",\"<5\""), "{extra}");
    assert!(extra.contains("\"56%\""), "{extra}");
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
