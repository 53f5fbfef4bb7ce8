//! The open data files of the scorecards: one subject's figures as CSV ([`scorecard_csv`]), and
//! the bulk downloads of every office per period, CSV and JSON ([`Bulk`]).
//!
//! Guarantees: CSV files are UTF-8 with a byte-order mark, one header line, every cell quoted,
//! and carry the licence in a column of every row; a hidden figure is written as words
//! ([`HIDDEN_FEWER_THAN_FIVE`], [`HIDDEN_WOULD_REVEAL`]) with its people column empty, never as
//! a number; the files hold only what the scorecards hold (codes and figures).

use chrono::NaiveDate;
use ourvoice_protocol::scorecards::{
    Figure, Figures, Hidden, OfficeFigures, OfficesFile, Period, Scorecard, Subject, LICENCE,
    LICENCE_URL,
};

use crate::store::scorecards::{etag_of, OpenDataFile};

/// The byte-order mark that starts every CSV file.
pub const BOM: &str = "\u{feff}";
/// A figure hidden for standing for fewer than five people, as a CSV file says it.
pub const HIDDEN_FEWER_THAN_FIVE: &str = "fewer than 5";
/// A figure hidden so that another cannot be worked out, as a CSV file says it.
pub const HIDDEN_WOULD_REVEAL: &str = "would reveal another";

pub const CSV_TYPE: &str = "text/csv; charset=utf-8";
pub const JSON_TYPE: &str = "application/json";

/// One CSV line, each cell quoted (the cells are codes and numbers; quotes doubled anyway).
fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|cell| format!("\"{}\"", cell.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// The figures' columns, in order (a count has one, any other figure its value and how many
/// people it stands for), then the licence.
const FIGURE_COLUMNS: &str = "received,received_complaint,received_support,received_information,\
    received_evaluation,answered,answered_people,answered_within_deadline,\
    answered_within_deadline_people,median_days_to_first_answer,\
    median_days_to_first_answer_people,median_days_to_close,\
    median_days_to_close_people,escalated,rating,rating_people,rating_speed,\
    rating_speed_people,rating_staff_attitude,rating_staff_attitude_people,\
    rating_fees_as_posted,rating_fees_as_posted_people,\
    rating_clarity_of_information,rating_clarity_of_information_people,\
    rating_facilities_and_access,rating_facilities_and_access_people,\
    asked_extra_payment,asked_extra_payment_people,licence";

fn hidden_words(hidden: Hidden) -> String {
    match hidden {
        Hidden::FewerThanFive => HIDDEN_FEWER_THAN_FIVE,
        Hidden::WouldRevealAnother => HIDDEN_WOULD_REVEAL,
    }
    .to_string()
}

fn count_cells(figure: &Figure<u32>, out: &mut Vec<String>) {
    out.push(match figure {
        Figure::Shown { value, .. } => value.to_string(),
        Figure::Hidden { hidden } => hidden_words(*hidden),
    });
}

fn value_cells(figure: &Figure<f64>, out: &mut Vec<String>) {
    match figure {
        Figure::Shown { value, people } => {
            // Written as in the JSON (`2.0`, `0.71`).
            out.push(serde_json::to_string(value).unwrap_or_default());
            out.push(people.to_string());
        }
        Figure::Hidden { hidden } => {
            out.push(hidden_words(*hidden));
            out.push(String::new());
        }
    }
}

/// The cells of [`FIGURE_COLUMNS`] for `figures`.
fn figure_cells(figures: &Figures, out: &mut Vec<String>) {
    count_cells(&figures.received, out);
    let kinds = &figures.received_by_kind;
    for count in [
        &kinds.complaint,
        &kinds.support,
        &kinds.information,
        &kinds.evaluation,
    ] {
        count_cells(count, out);
    }
    value_cells(&figures.answered, out);
    value_cells(&figures.answered_within_deadline, out);
    value_cells(&figures.median_days_to_first_answer, out);
    value_cells(&figures.median_days_to_close, out);
    count_cells(&figures.escalated, out);
    value_cells(&figures.rating, out);
    let criteria = &figures.rating_by_criterion;
    for stars in [
        &criteria.speed,
        &criteria.staff_attitude,
        &criteria.fees_as_posted,
        &criteria.clarity_of_information,
        &criteria.facilities_and_access,
    ] {
        value_cells(stars, out);
    }
    value_cells(&figures.asked_extra_payment, out);
    out.push(LICENCE.to_string());
}

fn day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// What a subject is called in a CSV file: its level and code.
fn subject_cells(subject: &Subject) -> [String; 2] {
    match subject {
        Subject::Office { code } => ["office".into(), code.clone()],
        Subject::Province { code } => ["province".into(), code.clone()],
        Subject::National => ["national".into(), String::new()],
    }
}

/// One subject's scorecard as CSV: a line for the twelve months, one per quarter, and one per
/// group of people (by gender, age band and disability, over the twelve months).
pub fn scorecard_csv(card: &Scorecard) -> String {
    let mut out = String::from(BOM);
    let mut head: Vec<String> = [
        "level",
        "code",
        "office_type",
        "period",
        "first_day",
        "last_day",
        "dimension",
        "group",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    head.extend(FIGURE_COLUMNS.split(',').map(str::to_string));
    out.push_str(&csv_line(&head));
    let line = |period: &Period, dimension: &str, group: &str, figures: &Figures| {
        let [level, code] = subject_cells(&card.subject);
        let mut cells = vec![
            level,
            code,
            card.office_type.clone().unwrap_or_default(),
            period.label.clone(),
            day(period.first_day),
            day(period.last_day),
            dimension.to_string(),
            group.to_string(),
        ];
        figure_cells(figures, &mut cells);
        csv_line(&cells)
    };
    out.push_str(&line(&card.year, "", "", &card.figures));
    for quarter in &card.quarters {
        out.push_str(&line(&quarter.period, "", "", &quarter.figures));
    }
    for (dimension, groups) in [
        ("gender", &card.by_people.gender),
        ("age_band", &card.by_people.age_band),
        ("disability", &card.by_people.disability),
    ] {
        for group in groups {
            out.push_str(&line(&card.year, dimension, &group.group, &group.figures));
        }
    }
    out
}

/// The name of the bulk file of `period` (`2026-Q1`, `12-months`) in `extension` (`csv`,
/// `json`).
pub fn bulk_name(period: &str, extension: &str) -> String {
    format!("offices-{period}.{extension}")
}

/// The bulk downloads being made: every office's figures per period, CSV and JSON.
pub struct Bulk {
    last_day: NaiveDate,
    periods: Vec<(String, OfficesFile)>,
}

impl Bulk {
    /// Files for the twelve months (`year`) and each of `quarters`.
    pub fn new(last_day: NaiveDate, year: &Period, quarters: &[Period]) -> Bulk {
        let mut head: Vec<String> = [
            "office",
            "office_type",
            "province",
            "district",
            "period",
            "first_day",
            "last_day",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        head.extend(FIGURE_COLUMNS.split(',').map(str::to_string));
        let header = format!("{BOM}{}", csv_line(&head));
        let periods = std::iter::once(year)
            .chain(quarters)
            .map(|period| {
                (
                    header.clone(),
                    OfficesFile {
                        licence: LICENCE.to_string(),
                        licence_url: LICENCE_URL.to_string(),
                        last_day,
                        period: period.clone(),
                        offices: Vec::new(),
                    },
                )
            })
            .collect();
        Bulk { last_day, periods }
    }

    /// Adds an office's scorecard (its figures for every period).
    pub fn add(&mut self, card: &Scorecard, province: &str, district: Option<&str>) {
        let Subject::Office { code } = &card.subject else {
            return;
        };
        let figures =
            std::iter::once(&card.figures).chain(card.quarters.iter().map(|q| &q.figures));
        for ((csv, file), figures) in self.periods.iter_mut().zip(figures) {
            let mut cells = vec![
                code.clone(),
                card.office_type.clone().unwrap_or_default(),
                province.to_string(),
                district.unwrap_or_default().to_string(),
                file.period.label.clone(),
                day(file.period.first_day),
                day(file.period.last_day),
            ];
            figure_cells(figures, &mut cells);
            csv.push_str(&csv_line(&cells));
            file.offices.push(OfficeFigures {
                office: code.clone(),
                office_type: card.office_type.clone().unwrap_or_default(),
                province: province.to_string(),
                district: district.map(str::to_string),
                figures: figures.clone(),
            });
        }
    }

    /// The files, CSV and JSON for each period.
    pub fn finish(self) -> Vec<OpenDataFile> {
        let last_day = self.last_day;
        self.periods
            .into_iter()
            .flat_map(|(csv, file)| {
                let json = serde_json::to_string(&file).expect("open data serialises");
                let label = file.period.label;
                [
                    OpenDataFile {
                        name: bulk_name(&label, "csv"),
                        media_type: CSV_TYPE.to_string(),
                        etag: etag_of(&csv),
                        body: csv,
                        last_day,
                    },
                    OpenDataFile {
                        name: bulk_name(&label, "json"),
                        media_type: JSON_TYPE.to_string(),
                        etag: etag_of(&json),
                        body: json,
                        last_day,
                    },
                ]
            })
            .collect()
    }
}
