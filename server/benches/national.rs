//! A national service's reads at 10,000, 100,000 and 1,000,000 cases (`OURVOICE_BENCH_CASES`,
//! comma-separated, to change), on each engine of `OURVOICE_TEST_ENGINES`: the release server
//! receives every case over the real ingest (`POST /api/v1/submissions`, gzip batches of 100
//! from 16 devices), spread over every commune hall of the directory and the year before the
//! day measured (the server's test clock is moved through that year as the cases arrive, and
//! to the day after at the end, so that the public scorecards count them all). At each size,
//! once the day's scorecards are stored, each read below is asked by 64 concurrent readers
//! (20 times each, taking gzip and leaving it packed, after a first ask that opens the
//! reader's connection, timed apart) while 4 more devices send 400 new cases a second; the
//! bench prints each read's p50 and p99 and its slowest first ask, the ingest rate meanwhile, and the
//! server's peak resident memory. Nobody answers the cases, and the deadline sweep is held
//! off, so the officer's inbox is of open items, nearly all late: the slowest page to draw.
//! On PostgreSQL the database is vacuumed and analysed after each ingest, as autovacuum would.
//!
//! The reads: the public pages (the country, a province, an office), an office's scorecard
//! for the app, the open data of an office and the bulk download of every office, Open311's
//! listings without a key (newest, open ones, one service, one day), an officer's inbox
//! (first page, second page, overdue) and the analyst's dashboard.

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::{DateTime, Duration, Utc};
use ourvoice_directory::{Directory, OfficeType};
use ourvoice_protocol::{AgeBand, Code, Disability, Gender, Kind, RespondentProfile};
use reqwest::StatusCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use support::batches::{gzip, send};
use support::browser::{use_clock, Browser};
use support::{complaint, create_admin, khmer_complaint_text, Engine, ServerProcess, TestDb};

const READERS: usize = 64;
const ASKS_PER_READER: usize = 20;
const DEVICES: usize = 16;
/// Devices sending new cases while the reads are measured, each a batch of [`ITEMS`] every
/// second: 400 new cases a second, far above a national service's busiest hour.
const BACKGROUND_DEVICES: usize = 4;
const ITEMS: usize = 100;
const PASSWORD: &str = "a long passphrase for the bench";

/// The commune hall places of the directory (each routes to its own hall).
fn places() -> Vec<String> {
    let directory = Directory::embedded();
    directory
        .communes()
        .iter()
        .filter(|unit| {
            directory
                .route(&unit.code)
                .is_some_and(|office| office.office_type == OfficeType::CommuneHall)
        })
        .map(|unit| unit.code.clone())
        .collect()
}

/// Submission `n`'s gzip batch body of `ITEMS` items, spread over places, kinds and people.
fn batch(first: usize, places: &[String]) -> Vec<u8> {
    let items: Vec<_> = (first..first + ITEMS)
        .map(|n| {
            let mut item = complaint(&khmer_complaint_text(n));
            item.place = places[n.wrapping_mul(7919) % places.len()].clone();
            item.kind = match n % 10 {
                0..6 => Kind::Complaint,
                6..8 => Kind::Support,
                _ => Kind::Information,
            };
            item.asked_extra_payment = (item.kind == Kind::Complaint).then_some(n % 3 == 0);
            item.profile = Some(RespondentProfile {
                gender: Gender::ALL.get(n % 3).copied(),
                age_band: AgeBand::ALL.get(n / 3 % 7).copied(),
                disability: Disability::ALL.get(n / 21 % 4).copied(),
            });
            item
        })
        .collect();
    gzip(&serde_json::to_vec(&serde_json::json!({ "items": items })).unwrap())
}

fn set_clock(path: &std::path::Path, at: DateTime<Utc>) {
    std::fs::write(path, at.to_rfc3339()).unwrap();
}

/// Sends cases `from..to` from `DEVICES` devices, moving the clock through the year before
/// `day` as they go; the rate.
async fn ingest(
    server: &str,
    clock: &std::path::Path,
    from: usize,
    to: usize,
    day: DateTime<Utc>,
) -> f64 {
    let http = reqwest::Client::new();
    let places = Arc::new(places());
    let url = format!("{server}/api/v1/submissions");
    let started = Instant::now();
    // Twenty-four steps through the year, each sent by every device at once.
    let steps = 24;
    let per_step = (to - from).div_ceil(steps);
    for step in 0..steps {
        set_clock(
            clock,
            day - Duration::days(365) + Duration::days(15 * step as i64),
        );
        let (start, end) = (
            from + step * per_step,
            (from + (step + 1) * per_step).min(to),
        );
        let next = Arc::new(AtomicUsize::new(start));
        let devices: Vec<_> = (0..DEVICES)
            .map(|_| {
                let (http, url, next, places) =
                    (http.clone(), url.clone(), next.clone(), places.clone());
                tokio::spawn(async move {
                    loop {
                        let first = next.fetch_add(ITEMS, Ordering::Relaxed);
                        if first >= end {
                            break;
                        }
                        let body = batch(first, &places);
                        assert_eq!(send(&http, &url, body).await, ITEMS);
                    }
                })
            })
            .collect();
        for device in devices {
            device.await.unwrap();
        }
    }
    set_clock(clock, day);
    (to - from) as f64 / started.elapsed().as_secs_f64()
}

/// Latencies of `READERS` readers asking `path` `ASKS_PER_READER` times each: p50 and p99 in
/// milliseconds.
async fn read(server: &str, path: &str, cookie: Option<&str>) -> Asked {
    // Readers take gzip, as browsers do, and leave it packed: unpacking is the reader's own
    // work, on its own machine, not the server's (here the two share the cores).
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(READERS)
        .redirect(reqwest::redirect::Policy::none())
        .no_gzip()
        .build()
        .unwrap();
    let url = format!("{server}{path}");
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (http, url, cookie) = (http.clone(), url.clone(), cookie.map(str::to_string));
            tokio::spawn(async move {
                let mut took = Vec::new();
                // The first ask opens the reader's connection (and, for what is made once
                // per second or day, may find it not made yet): timed apart.
                for _ in 0..=ASKS_PER_READER {
                    let started = Instant::now();
                    let mut request = http.get(&url).header("accept-encoding", "gzip");
                    if let Some(cookie) = &cookie {
                        request = request.header("cookie", cookie);
                    }
                    let response = request.send().await.unwrap();
                    let status = response.status();
                    let body = response.bytes().await.unwrap();
                    assert_eq!(
                        status,
                        StatusCode::OK,
                        "{url}: {}",
                        String::from_utf8_lossy(&body)
                    );
                    took.push(started.elapsed().as_secs_f64() * 1000.0);
                }
                took
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut first: f64 = 0.0;
    for reader in readers {
        let took = reader.await.unwrap();
        first = first.max(took[0]);
        all.extend_from_slice(&took[1..]);
    }
    all.sort_by(f64::total_cmp);
    let at = |q: f64| all[((all.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    Asked {
        p50: at(0.50),
        p99: at(0.99),
        slowest_first: first,
    }
}

/// One read's times, in milliseconds: of the asks after each reader's first, and the slowest
/// first ask.
struct Asked {
    p50: f64,
    p99: f64,
    slowest_first: f64,
}

/// Waits until the scorecards of the day before `day` are stored (the office's scorecard ends
/// with it), so that no computation of an earlier day is still running while reads are timed.
async fn scorecards_stored(server: &str, office: &str, day: DateTime<Utc>) {
    let last_day = (ourvoice_protocol::cambodia_today(day) - Duration::days(1)).to_string();
    let http = reqwest::Client::new();
    let started = Instant::now();
    loop {
        let response = http
            .get(format!("{server}/api/v1/scorecards/{office}"))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::OK {
            let card: serde_json::Value = response.json().await.unwrap();
            if card["last_day"] == last_day.as_str() {
                return;
            }
        }
        assert!(
            started.elapsed().as_secs() < 1800,
            "the scorecards of {last_day} were not made"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sizes = support::bench_sizes();
    let places = places();
    let directory = Directory::embedded();
    let office = directory.route(&places[0]).unwrap().code.clone();
    let province = places[0][..2].to_string();
    for db in TestDb::all() {
        assert!(create_admin(&db, "admin", PASSWORD).status.success());
        let clock = db.file("clock");
        // The first day measured; each size is measured a day later than the one before.
        let first_day = Utc::now() - Duration::days(sizes.len() as i64);
        set_clock(&clock, first_day - Duration::days(366));
        let mut server = ServerProcess::start(
            &db,
            &[
                "--clock-file",
                clock.to_str().unwrap(),
                "--scorecards-check-seconds",
                "1",
                "--dashboard-max-age-seconds",
                "60",
                // The deadline sweep is held off: the clock moves a year in minutes, and a
                // year's items escalated at once (a backlog no day brings) would move the
                // office's items away while its inbox is measured.
                "--deadline-sweep-seconds",
                "86400",
            ],
        );
        let base = server.url();
        use_clock(&base, clock.clone());
        let mut admin = Browser::signed_in(&base, "admin", PASSWORD).await;
        admin
            .create_account("officer", "officer", &office, PASSWORD)
            .await;
        admin
            .create_account("analyst", "analyst", "", PASSWORD)
            .await;
        let mut received = 0;
        for (n, size) in sizes.iter().enumerate() {
            let day = first_day + Duration::days(n as i64);
            let rate = ingest(&base, &clock, received, *size, day).await;
            received = *size;
            scorecards_stored(&base, &office, day).await;
            if db.engine == Engine::Postgres {
                // What autovacuum does on a production PostgreSQL (this machine's runs without
                // it): without it the planner has no statistics and every case row written
                // twice at ingest stays in the table, so no read is answered from an index
                // alone (at a million, the inbox read 1,200 table pages for 600 cases).
                db.batch("VACUUM (ANALYZE)");
            }
            // Signed in on the day measured (the clock moved through a year since).
            let officer = Browser::signed_in(&base, "officer", PASSWORD)
                .await
                .cookie_header();
            let analyst = Browser::signed_in(&base, "analyst", PASSWORD)
                .await
                .cookie_header();
            println!(
                "{:?}, {size} cases: received over the real ingest at {rate:.0} submissions/s",
                db.engine
            );
            // New cases keep arriving while the reads are measured.
            let sending = Arc::new(AtomicBool::new(true));
            let sent = Arc::new(AtomicUsize::new(0));
            let background: Vec<_> = (0..BACKGROUND_DEVICES)
                .map(|device| {
                    let (sending, sent, url) = (
                        sending.clone(),
                        sent.clone(),
                        format!("{base}/api/v1/submissions"),
                    );
                    let places = places.clone();
                    tokio::spawn(async move {
                        let http = reqwest::Client::new();
                        let mut first = 100_000_000 * (device + 1) + received;
                        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
                        while sending.load(Ordering::Relaxed) {
                            every.tick().await;
                            send(&http, &url, batch(first, &places)).await;
                            first += ITEMS;
                            sent.fetch_add(ITEMS, Ordering::Relaxed);
                        }
                    })
                })
                .collect();
            let started = Instant::now();
            let reads: [(&str, String, Option<&str>); 13] = [
                ("public page: the country", "/open".into(), None),
                (
                    "public page: a province",
                    format!("/open/provinces/{province}"),
                    None,
                ),
                (
                    "public page: an office",
                    format!("/open/offices/{office}"),
                    None,
                ),
                (
                    "app scorecard",
                    format!("/api/v1/scorecards/{office}"),
                    None,
                ),
                (
                    "open data: an office",
                    format!("/open/data/offices/{office}.csv"),
                    None,
                ),
                (
                    "open data: every office",
                    "/open/data/all-offices/12-months.csv".into(),
                    None,
                ),
                ("Open311: newest", "/open311/v2/requests.json".into(), None),
                (
                    "Open311: open",
                    "/open311/v2/requests.json?status=open".into(),
                    None,
                ),
                (
                    "Open311: one service",
                    "/open311/v2/requests.json?service_code=civil_registration".into(),
                    None,
                ),
                ("inbox: first page", "/console/inbox".into(), Some(&officer)),
                (
                    "inbox: second page",
                    "/console/inbox?page=2".into(),
                    Some(&officer),
                ),
                (
                    "inbox: overdue",
                    "/console/inbox?overdue=1".into(),
                    Some(&officer),
                ),
                ("dashboard", "/console/dashboard".into(), Some(&analyst)),
            ];
            for (name, path, cookie) in &reads {
                let asked = read(&base, path, *cookie).await;
                println!(
                    "  {name:<28} p50 {:>7.1} ms  p99 {:>7.1} ms  (first ask at most {:.0} ms)",
                    asked.p50, asked.p99, asked.slowest_first
                );
            }
            sending.store(false, Ordering::Relaxed);
            for device in background {
                device.await.unwrap();
            }
            let during = sent.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
            received += sent.load(Ordering::Relaxed);
            println!(
                "  ingest meanwhile: {during:.0} submissions/s; server peak resident memory {} MiB",
                support::hostile::peak_resident_mib(server.pid())
            );
        }
        assert!(server.terminate().success());
    }
}
