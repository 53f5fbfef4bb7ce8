//! How long a day's public scorecards take to make, and the memory they take, at 10,000,
//! 100,000 and 1,000,000 cases (`OURVOICE_BENCH_CASES`, comma-separated, to change): the cases
//! are written straight into a database of each engine of `OURVOICE_TEST_ENGINES` with the
//! coded fields ingest stores (spread over every office of the directory and the last fourteen
//! months; most answered, half closed, some escalated, evaluations with ratings), then
//! `scorecards::make` (the one streamed query, the figures, the suppression, the JSON and the
//! open data files) is timed on its own. Memory is the growth of the process's peak resident
//! set during `make` (Linux: `clear_refs` resets the peak first).

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::{DateTime, Duration, Utc};
use ourvoice_directory::Directory;
use ourvoice_protocol::{
    AgeBand, CaseStatus, Code, Disability, EventAction, Gender, Kind, PrivacyMode,
};
use ourvoice_server::scorecards::compute::Window;
use ourvoice_server::store::postgres::PgConn;
use ourvoice_server::store::{sqlite, Sql, Val};
use std::time::Instant;
use support::{Engine, TestDb};

/// The moment the scorecards are made at: the cases lie in the fourteen months before it.
const NOW: &str = "2026-11-30T02:00:00Z";

/// The process's peak resident set, in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn stamp(at: DateTime<Utc>) -> String {
    ourvoice_server::clock::stamp(at)
}

/// Case `i`'s values, in the order of [`COLUMNS`].
fn case(i: usize, offices: &[&ourvoice_directory::Office], now: DateTime<Utc>) -> Vec<Val> {
    let office = offices[i.wrapping_mul(7919) % offices.len()];
    let kind = match i % 10 {
        0..5 => Kind::Complaint,
        5..7 => Kind::Support,
        7 => Kind::Information,
        _ => Kind::Evaluation,
    };
    // Spread over 425 days before now, to the minute.
    let received = now - Duration::minutes((i.wrapping_mul(104_729) % (425 * 24 * 60)) as i64);
    let answered = (i % 10 < 7).then(|| received + Duration::hours((i % 480) as i64 + 1));
    let closed = answered
        .filter(|_| i.is_multiple_of(2))
        .map(|a| a + Duration::days(2));
    let status = match (answered, closed) {
        (_, Some(_)) => CaseStatus::ClosedResolved,
        (Some(_), None) => CaseStatus::Answered,
        _ => CaseStatus::Received,
    };
    let pick = |n: usize, codes: &[&'static str]| -> Val {
        match i / n % (codes.len() + 1) {
            k if k < codes.len() => Val::from(codes[k]),
            _ => Val::Null,
        }
    };
    let genders: Vec<&str> = Gender::ALL.iter().map(|g| g.as_str()).collect();
    let ages: Vec<&str> = AgeBand::ALL.iter().map(|a| a.as_str()).collect();
    let disabilities: Vec<&str> = Disability::ALL.iter().map(|d| d.as_str()).collect();
    let evaluation = (kind == Kind::Evaluation).then(|| {
        format!(
            "{{\"overall\":{},\"criteria\":{{\"speed\":{},\"staff_attitude\":{}}}}}",
            i % 5 + 1,
            (i / 5) % 5 + 1,
            (i / 25) % 5 + 1
        )
    });
    let extra = (kind == Kind::Complaint && i % 3 != 2).then_some(i64::from(i.is_multiple_of(3)));
    vec![
        Val::Int(i as i64 + 1),
        Val::from(format!("{:032x}", i)),
        Val::from(format!("{:012x}", i)),
        Val::from("d"),
        Val::from("s"),
        Val::from(kind.as_str()),
        Val::from(office.unit_code.as_str()),
        Val::from(office.code.as_str()),
        Val::from("bench"),
        Val::from(""),
        Val::from(evaluation),
        Val::from(extra),
        Val::Int(0),
        Val::from(PrivacyMode::Anonymous.as_str()),
        pick(1, &genders),
        pick(5, &ages),
        pick(45, &disabilities),
        Val::from("km"),
        Val::from(stamp(received)),
        Val::from("bench"),
        Val::from(stamp(received)),
        Val::Int(i as i64 + 1),
        Val::from(status.as_str()),
        Val::from(stamp(received + Duration::days(21))),
        Val::from(answered.map(stamp)),
        Val::from(closed.map(stamp)),
        Val::Int(i64::from(i.is_multiple_of(33))),
    ]
}

const COLUMNS: &str = "number, id, tracking_code, body_digest, secret_digest, kind, place, office,
    category, description, evaluation, asked_extra_payment, about_office_staff, privacy, gender,
    age_band, disability, locale, created_at, app_version, received_at, received_seq, status,
    due_at, first_answer_at, closed_at, escalated";
const WIDTH: usize = 27;

/// `INSERT INTO {table} ({columns}) VALUES …` for `rows` rows of `width` values.
fn insert(table: &str, columns: &str, width: usize, rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push('(');
        for column in 0..width {
            if column > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("${}", row * width + column + 1));
        }
        sql.push(')');
    }
    sql
}

/// Writes cases `from..to` with their first events (and escalations).
fn write_cases(sql: &mut dyn Sql, from: usize, to: usize, now: DateTime<Utc>) {
    let directory = Directory::embedded();
    let offices: Vec<&ourvoice_directory::Office> = directory.offices().iter().collect();
    const ROWS: usize = 200;
    let mut start = from;
    while start < to {
        let end = (start + ROWS).min(to);
        let mut values = Vec::with_capacity((end - start) * WIDTH);
        let mut events = Vec::new();
        let mut escalations = Vec::new();
        for i in start..end {
            let row = case(i, &offices, now);
            let received = row[20].clone();
            let office = row[7].clone();
            events.extend([
                Val::Int(i as i64 + 1),
                Val::Int(i as i64 + 1),
                received,
                Val::from(CaseStatus::Received.as_str()),
                office,
                Val::from(EventAction::Received.as_str()),
            ]);
            if row[26] == Val::Int(1) {
                let Val::Text(received) = &row[20] else {
                    unreachable!()
                };
                let at =
                    ourvoice_server::clock::parse_stamp(received).unwrap() + Duration::days(20);
                escalations.extend([
                    Val::Int(2_000_000_000 + i as i64),
                    Val::Int(i as i64 + 1),
                    Val::from(stamp(at)),
                    Val::from(CaseStatus::Received.as_str()),
                    Val::from("DCO-0101"),
                    Val::from(EventAction::Escalate.as_str()),
                ]);
            }
            values.extend(row);
        }
        sql.execute(&insert("cases", COLUMNS, WIDTH, end - start), &values)
            .unwrap();
        let event_columns = "seq, case_number, at, status, office, action";
        sql.execute(
            &insert("case_events", event_columns, 6, events.len() / 6),
            &events,
        )
        .unwrap();
        if !escalations.is_empty() {
            sql.execute(
                &insert("case_events", event_columns, 6, escalations.len() / 6),
                &escalations,
            )
            .unwrap();
        }
        start = end;
    }
}

fn main() {
    let now = ourvoice_server::clock::parse_stamp(NOW).unwrap();
    let window = Window::before(now);
    for db in TestDb::all() {
        let mut written = 0;
        for size in support::bench_sizes() {
            let url = db.url.clone();
            let engine = db.engine;
            let from = written;
            let window = window.clone();
            let (seconds, grew, cases, bytes) = std::thread::spawn(move || {
                let measure = |sql: &mut dyn Sql| {
                    let _ = std::fs::write("/proc/self/clear_refs", "5");
                    let before = resident_kib();
                    let started = Instant::now();
                    let made =
                        ourvoice_server::scorecards::make(sql, Directory::embedded(), &window)
                            .unwrap();
                    let took = started.elapsed().as_secs_f64();
                    let bytes: usize = made.scorecards.iter().map(|c| c.json.len()).sum::<usize>()
                        + made.files.iter().map(|f| f.body.len()).sum::<usize>();
                    (
                        took,
                        peak_kib().saturating_sub(before),
                        made.read.cases,
                        bytes,
                    )
                };
                match engine {
                    Engine::Sqlite => {
                        let path = url.strip_prefix("sqlite://").unwrap();
                        let conn = sqlite::open_database(path.as_ref()).unwrap();
                        conn.execute_batch("BEGIN").unwrap();
                        write_cases(&mut sqlite::SqliteSql(&conn), from, size, now);
                        conn.execute_batch("COMMIT; ANALYZE").unwrap();
                        drop(conn);
                        let reader = sqlite::open_reader(path.as_ref()).unwrap();
                        measure(&mut sqlite::SqliteSql(&reader))
                    }
                    Engine::Postgres => {
                        let mut conn = PgConn::open(&url).unwrap();
                        write_cases(&mut conn.sql(), from, size, now);
                        conn.sql().execute("ANALYZE", &[]).unwrap();
                        let mut reader = PgConn::connect(&url).unwrap();
                        let measured = measure(&mut reader.sql());
                        measured
                    }
                }
            })
            .join()
            .unwrap();
            written = size;
            println!(
                "{:?}: {size} cases ({cases} in the twelve months): scorecards made in {seconds:.2} s, peak memory +{} MiB, {} MiB of JSON and files",
                db.engine,
                grew / 1024,
                bytes / (1024 * 1024)
            );
        }
    }
}
