//! The public pages (`/open`) on the real server binary, on each engine: feedback received on
//! earlier days of the server's clock, the day's scorecards made in the background, then the
//! country's, a province's and two offices' pages in Khmer and English (figures, hidden ones
//! as words, Khmer digits and dates, no citizen's text, downloads that are there); their
//! headers (no script allowed, cacheable, ETag and 304, a new ETag with the next day's
//! figures); unknown codes (404 pages in the reader's language) and bad input (400 pages, 405,
//! 413), never a 500.

mod support;

use chrono::{DateTime, Utc};
use ourvoice_protocol::{
    AgeBand, Criteria, Disability, Evaluation, Gender, Kind, RespondentProfile, Submission,
};
use reqwest::header::{
    CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use support::{complaint, on_each_engine, ServerProcess, TestDb};

/// What no public page may contain: the citizens' own words.
const TEXT_MARKER: &str = "TEXT-MARKER-ផ្លូវខូច";
/// The office with enough feedback for figures, and one with too little.
const BUSY: &str = "CH-120101";
const QUIET: &str = "CH-120109";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

struct World {
    server: ServerProcess,
    clock: PathBuf,
    http: reqwest::Client,
    _db: TestDb,
}

/// A page as read: status, headers and body.
struct Page {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Page {
    fn header(&self, name: reqwest::header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .unwrap_or_else(|| panic!("no {name}"))
            .to_str()
            .unwrap()
    }
}

impl World {
    fn start(db: TestDb, now: &str) -> World {
        let clock = db.file("clock");
        std::fs::write(&clock, at(now).to_rfc3339()).unwrap();
        let clock_arg = clock.display().to_string();
        let server = ServerProcess::start(
            &db,
            &[
                "--clock-file",
                &clock_arg,
                "--scorecards-check-seconds",
                "1",
                "--deadline-sweep-seconds",
                "86400",
            ],
        );
        World {
            server,
            clock,
            http: reqwest::Client::new(),
            _db: db,
        }
    }

    fn set_clock(&self, now: &str) {
        std::fs::write(&self.clock, at(now).to_rfc3339()).unwrap();
    }

    async fn submit(&self, items: &[Submission]) {
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
        for result in body["results"].as_array().unwrap() {
            assert_eq!(result["outcome"], "accepted", "{body}");
        }
    }

    async fn get_with(&self, path: &str, headers: &[(reqwest::header::HeaderName, &str)]) -> Page {
        let mut request = self.http.get(format!("{}{path}", self.server.url()));
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let response = request.send().await.unwrap();
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    /// Waits until the page at `path` says `words` (the scorecards are made in the background,
    /// which takes a debug build on a busy machine tens of seconds).
    async fn page_saying(&self, path: &str, words: &str) -> Page {
        for _ in 0..1800 {
            let page = self.get(path).await;
            if page.status == StatusCode::OK && page.body.contains(words) {
                return page;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{path} did not say {words:?} within three minutes");
    }
}

/// An item of `kind` about commune `place`, written by someone with `profile`.
fn item(kind: Kind, place: &str, profile: RespondentProfile) -> Submission {
    let mut item = complaint(&format!("{TEXT_MARKER} ខ្ញុំសុំជំនួយ"));
    item.kind = kind;
    item.place = place.into();
    item.profile = Some(profile);
    item
}

fn woman() -> RespondentProfile {
    RespondentProfile {
        gender: Some(Gender::Female),
        age_band: Some(AgeBand::From25To34),
        disability: Some(Disability::No),
    }
}

fn evaluation(place: &str, overall: u8) -> Submission {
    let mut item = item(Kind::Evaluation, place, woman());
    item.evaluation = Some(Evaluation {
        overall,
        criteria: Criteria {
            speed: Some(overall),
            ..Default::default()
        },
    });
    item
}

/// What every public page's answer carries.
fn assert_public_page(page: &Page, lang: &str) {
    assert_eq!(page.header(CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(page.header(CONTENT_LANGUAGE), lang);
    let policy = page.header(CONTENT_SECURITY_POLICY);
    assert!(
        policy.starts_with("default-src 'none'; style-src 'sha256-"),
        "{policy}"
    );
    assert!(
        !policy.contains("script") && !policy.contains("unsafe"),
        "{policy}"
    );
    assert!(
        page.body
            .starts_with(&format!("<!doctype html><html lang=\"{lang}\">")),
        "{}",
        &page.body[..80]
    );
    assert!(!page.body.contains("<script"));
    assert!(!page.body.contains(TEXT_MARKER), "a citizen's text");
    assert!(!page.body.contains("ខ្ញុំសុំជំនួយ"), "a citizen's text");
}

#[tokio::test]
async fn public_pages_in_khmer_and_english() {
    on_each_engine(public_pages_on).await;
}

async fn public_pages_on(db: TestDb) {
    // The 20th of November 2026, 10:00 in Cambodia.
    // (The figures of the 19th are made at start, in the background: nothing to show.)
    let world = World::start(db, "2026-11-20T03:00:00Z");

    // On the 20th: sixteen items for the busy hall (ten complaints, six ratings), three
    // complaints for the quiet one.
    let mut items: Vec<Submission> = (0..10)
        .map(|_| item(Kind::Complaint, "120101", woman()))
        .collect();
    items.extend([4, 4, 5, 3, 4, 5].map(|stars| evaluation("120101", stars)));
    items.extend((0..3).map(|_| item(Kind::Complaint, "120109", woman())));
    world.submit(&items).await;

    // The next day the figures of the 20th are made.
    world.set_clock("2026-11-21T03:00:00Z");
    let busy_en = format!("/open/offices/{BUSY}?lang=en");
    let en = world
        .page_saying(&busy_en, "Figures up to 20 November 2026")
        .await;
    assert_public_page(&en, "en");
    assert_eq!(en.header(CACHE_CONTROL), "public, max-age=3600");
    for expected in [
        "<h1>Sangkat hall, Sangkat Tonle Basak</h1>",
        "Received 16 pieces of feedback",
        "Rated 4.2 out of 5 by 6 people",
        "From 21 November 2025 to 20 November 2026",
        "href=\"/open/provinces/12?lang=en\"",
        "href=\"/open/data/offices/CH-120101.csv\"",
        "CC BY 4.0",
    ] {
        assert!(en.body.contains(expected), "{busy_en} lacks {expected:?}");
    }
    let busy_km = format!("/open/offices/{BUSY}");
    let km = world.get(&busy_km).await;
    assert_eq!(km.status, StatusCode::OK);
    assert_public_page(&km, "km");
    for expected in [
        "បានទទួលមតិ ១៦",
        "ពលរដ្ឋ ៦ នាក់ វាយតម្លៃ ៤.២ ផ្កាយ ក្នុងចំណោម ៥",
        "តួលេខរហូតដល់ថ្ងៃទី២០ ខែវិច្ឆិកា ឆ្នាំ២០២៦",
        "href=\"/open/offices/CH-120101?lang=en\" hreflang=\"en\" lang=\"en\">English</a>",
    ] {
        assert!(km.body.contains(expected), "{busy_km} lacks {expected:?}");
    }
    assert_ne!(km.header(ETAG), en.header(ETAG), "one ETag per language");

    // The quiet hall's three complaints are "fewer than 5 people", never a number.
    let quiet = world.get(&format!("/open/offices/{QUIET}?lang=en")).await;
    assert_eq!(quiet.status, StatusCode::OK);
    assert_public_page(&quiet, "en");
    assert!(quiet
        .body
        .contains("<li class=\"hidden\">Feedback received: fewer than 5 people</li>"));
    assert!(!quiet.body.contains("Received 3"));
    let quiet_km = world.get(&format!("/open/offices/{QUIET}")).await;
    assert!(quiet_km.body.contains("មតិដែលបានទទួល៖ តិចជាង ៥ នាក់"));

    // The province lists both halls; the country lists the province.
    let province = world.get("/open/provinces/12?lang=en").await;
    assert_eq!(province.status, StatusCode::OK);
    assert_public_page(&province, "en");
    for office in [BUSY, QUIET, "OWSO-1201", "PCO-12"] {
        assert!(province
            .body
            .contains(&format!("href=\"/open/offices/{office}?lang=en\"")));
    }
    assert!(province.body.contains("Received 19 pieces of feedback"));
    let country = world.get("/open").await;
    assert_eq!(country.status, StatusCode::OK);
    assert_public_page(&country, "km");
    assert!(country.body.contains("href=\"/open/provinces/12\""));
    assert!(country.body.contains("បានទទួលមតិ ១៩"));
    assert_eq!(world.get("/open/").await.status, StatusCode::OK);

    // Each page's downloads are there: its figures as CSV and JSON.
    for page in [&en, &province, &country] {
        for (extension, media_type) in [(".csv", "text/csv"), (".json", "application/json")] {
            let link = page
                .body
                .split("href=\"")
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap())
                .find(|href| href.starts_with("/open/data/") && href.ends_with(extension))
                .expect("a download link");
            let file = world.get(link).await;
            assert_eq!(file.status, StatusCode::OK, "{link}");
            assert!(file.header(CONTENT_TYPE).starts_with(media_type), "{link}");
            assert!(!file.body.contains(TEXT_MARKER), "{link}");
        }
    }

    // A reader who has the page gets 304, with the same ETag; HEAD answers the headers.
    let etag = en.header(ETAG).to_string();
    let again = world.get_with(&busy_en, &[(IF_NONE_MATCH, &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.header(ETAG), etag);
    assert_eq!(again.header(CACHE_CONTROL), "public, max-age=3600");
    assert!(again.body.is_empty());
    let head = world
        .http
        .head(format!("{}{busy_en}", world.server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()[ETAG], etag.as_str());

    // Unknown codes: a page saying so, in the reader's language.
    for (path, status, words) in [
        (
            "/open/offices/CH-999999?lang=en",
            StatusCode::NOT_FOUND,
            "There is no office or province with this code.",
        ),
        (
            "/open/provinces/99",
            StatusCode::NOT_FOUND,
            "គ្មានការិយាល័យ ឬខេត្តណាដែលមានលេខកូដនេះទេ។",
        ),
        (
            "/open/provinces/1201?lang=en",
            StatusCode::NOT_FOUND,
            "There is no office or province with this code.",
        ),
        (
            "/open/offices/ch-120101?lang=en",
            StatusCode::NOT_FOUND,
            "There is no office or province with this code.",
        ),
        // Bad input: odd characters, an overlong code, a language that is not ours.
        (
            "/open/offices/CH-120101%3Cscript%3E?lang=en",
            StatusCode::BAD_REQUEST,
            "The address has a mistake in it.",
        ),
        (
            "/open/offices/CH%20120101?lang=en",
            StatusCode::BAD_REQUEST,
            "The address has a mistake in it.",
        ),
        (
            "/open/offices/%FF%FE?lang=en",
            StatusCode::BAD_REQUEST,
            "The address has a mistake in it.",
        ),
        (
            &format!("/open/provinces/{}?lang=en", "1".repeat(200)),
            StatusCode::BAD_REQUEST,
            "The address has a mistake in it.",
        ),
        (
            "/open?lang=fr",
            StatusCode::BAD_REQUEST,
            "អាសយដ្ឋាននេះមានកំហុស។",
        ),
        (
            &format!("/open?lang=en&x={}", "y".repeat(300)),
            StatusCode::BAD_REQUEST,
            "អាសយដ្ឋាននេះមានកំហុស។",
        ),
    ] {
        let page = world.get(path).await;
        assert_eq!(page.status, status, "{path}");
        assert!(page.body.contains(words), "{path}: {}", page.body);
        assert!(page.body.starts_with("<!doctype html><html lang="));
        assert!(page.headers.contains_key(CONTENT_SECURITY_POLICY), "{path}");
        assert_eq!(page.header(CACHE_CONTROL), "no-store", "{path}");
    }
    // Pages take nothing: another method is refused, and a body past the limit too.
    let post = world
        .http
        .post(format!("{}/open", world.server.url()))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    let big = world
        .http
        .get(format!("{}/open", world.server.url()))
        .body(vec![b'x'; 64 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // The next day's figures: a new ETag, and the one before is no longer 304.
    world.set_clock("2026-11-22T03:00:00Z");
    let next = world
        .page_saying(&busy_en, "Figures up to 21 November 2026")
        .await;
    assert_ne!(next.header(ETAG), etag);
    let stale = world.get_with(&busy_en, &[(IF_NONE_MATCH, &etag)]).await;
    assert_eq!(stale.status, StatusCode::OK);
    assert!(stale.body.contains("Received 16 pieces of feedback"));
}
