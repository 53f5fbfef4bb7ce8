//! The ministry's dashboard, in headed sections each with one plain sentence saying what it
//! shows ([`SECTIONS`]): how much feedback (by kind, state, province, office type and office);
//! how fast offices answer (median days to first answer and to close, share answered within
//! the deadline); who sends feedback (by gender, age band, disability); how citizens rate the
//! answers (evaluation ratings per criterion, the share of complaints about being asked more
//! than the posted fee) — each table disaggregated by gender, age band or disability. Charts
//! are SVG drawn here; every table is also a CSV file (UTF-8 with BOM).
//!
//! Guarantees: only analysts and administrators reach these pages (the [`Analyst`] extractor);
//! labels are shown through [`Shown`]; no cell computed from 1 to 4 people is shown or
//! exported; where it is hidden nothing can be read as a number of days, a share or a rating
//! (see [`Cell`]); the statistics never read free text or contact details, only coded fields.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use ourvoice_protocol::{writing, AgeBand, CaseStatus, Code, Disability, Evaluation, Gender, Kind};

/// The column of the people who did not answer a question about themselves.
const NOT_GIVEN: &str = "not_given";
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::cases::office_name;
use super::html::{csv_line, Shown, BOM};
use super::i18n::{Lang, Tr};
use super::{Analyst, ConsoleError, ConsoleResult, Params};
use crate::store::cases::parse_time;
use crate::store::{Sql, StoreError};
use crate::AppState;

/// The fewest people a shown cell may stand for.
pub const MIN_CELL: usize = 5;

/// What a page shows for a value computed from too few people (with the footnote
/// `stats-hidden-note`): no digit, so it cannot be read as a number of days.
const HIDDEN_VALUE: &str = "—*";

/// The dashboard's sections: a key (for `stats-section-<key>` and `stats-section-<key>-help`)
/// and the keys of its tables, in order.
pub const SECTIONS: [(&str, &[&str]); 4] = [
    (
        "volume",
        &["kind", "state", "province", "office_type", "office"],
    ),
    ("speed", &["first_answer", "close", "within_deadline"]),
    (
        "people",
        &["people_gender", "people_age_band", "people_disability"],
    ),
    ("ratings", &["ratings", "extra_payment"]),
];

/// The coded facts of one case: nothing a person wrote, nothing that names them.
#[derive(Clone, Debug)]
pub struct Fact {
    pub kind: String,
    pub status: String,
    pub office: String,
    pub place: String,
    pub gender: Option<String>,
    pub age_band: Option<String>,
    pub disability: Option<String>,
    pub received_at: DateTime<Utc>,
    pub first_answer_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub evaluation: Option<Evaluation>,
    pub asked_extra_payment: Option<bool>,
}

pub fn facts(sql: &mut dyn Sql) -> Result<Vec<Fact>, StoreError> {
    let time = |t: Option<String>| t.map(|t| parse_time(&t)).transpose();
    sql.query(
        "SELECT kind, status, office, place, gender, age_band, disability, received_at,
                first_answer_at, closed_at, due_at, evaluation, asked_extra_payment
         FROM cases",
        &[],
    )?
    .iter()
    .map(|row| {
        Ok(Fact {
            kind: row.text(0)?,
            status: row.text(1)?,
            office: row.text(2)?,
            place: row.text(3)?,
            gender: row.opt_text(4)?,
            age_band: row.opt_text(5)?,
            disability: row.opt_text(6)?,
            received_at: parse_time(&row.text(7)?)?,
            first_answer_at: time(row.opt_text(8)?)?,
            closed_at: time(row.opt_text(9)?)?,
            due_at: time(row.opt_text(10)?)?,
            evaluation: row
                .opt_text(11)?
                .and_then(|e| serde_json::from_str(&e).ok()),
            asked_extra_payment: row.opt_int(12)?.map(|n| n != 0),
        })
    })
    .collect()
}

/// The dimension a table is split by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Gender,
    AgeBand,
    Disability,
}

impl By {
    fn from_code(code: &str) -> Option<By> {
        match code {
            "gender" => Some(By::Gender),
            "age_band" => Some(By::AgeBand),
            "disability" => Some(By::Disability),
            _ => None,
        }
    }
    fn code(self) -> &'static str {
        match self {
            By::Gender => "gender",
            By::AgeBand => "age_band",
            By::Disability => "disability",
        }
    }
    /// The columns: every code of the dimension, in the protocol's order, then "not given".
    fn values(self) -> Vec<&'static str> {
        fn codes<T: Code>() -> Vec<&'static str> {
            T::ALL.iter().map(|value| value.as_str()).collect()
        }
        let mut values = match self {
            By::Gender => codes::<Gender>(),
            By::AgeBand => codes::<AgeBand>(),
            By::Disability => codes::<Disability>(),
        };
        values.push(NOT_GIVEN);
        values
    }
    fn of(self, fact: &Fact) -> &str {
        let value = match self {
            By::Gender => &fact.gender,
            By::AgeBand => &fact.age_band,
            By::Disability => &fact.disability,
        };
        value.as_deref().unwrap_or(NOT_GIVEN)
    }
}

/// What a cell holds before suppression: a count, or a value computed from `n` people.
///
/// How a cell computed from 1 to 4 people is hidden depends on what the column holds. A count
/// of people reads "<5" (on the page and in the CSV file): it is a number of people, and says
/// so. A value (median days, a share, a rating) must not show "<5", which would read as "fewer
/// than 5 days": the page shows "—*" with a footnote, and the CSV file leaves the cell empty and
/// names its column in the row's last column (`suppressed`), so that a program reading the file
/// finds no number there and knows why. "x" is a cell hidden because a small one could be
/// worked out from it; "–" a value of nobody.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell {
    Count(usize),
    Value {
        value: f64,
        n: usize,
        percent: bool,
    },
    /// A count hidden so that a small cell of its row cannot be worked out from the total.
    Hidden,
}

impl Cell {
    /// Whether this is a value (not a count) computed from 1 to 4 people, hidden.
    pub fn small_value(self) -> bool {
        matches!(self, Cell::Value { n, .. } if (1..MIN_CELL).contains(&n))
    }

    /// The text exported: "<5" for a count of 1 to 4 people, nothing for a value computed
    /// from 1 to 4 people (see [`Cell`]), "–" for a value of nobody.
    pub fn text(self) -> String {
        match self {
            Cell::Hidden => "x".into(),
            Cell::Count(0) => "0".into(),
            Cell::Count(n) if n < MIN_CELL => "<5".into(),
            Cell::Count(n) => n.to_string(),
            Cell::Value { n: 0, .. } => "–".into(),
            Cell::Value { n, .. } if n < MIN_CELL => String::new(),
            Cell::Value {
                value,
                percent: true,
                ..
            } => format!("{:.0}%", value * 100.0),
            Cell::Value { value, .. } => format!("{value:.1}"),
        }
    }

    /// The text a page shows: as exported, but "—*" (see the footnote) for a hidden value,
    /// and in the page's digits.
    fn page_text(self, lang: Lang) -> String {
        if self.small_value() {
            HIDDEN_VALUE.into()
        } else {
            writing::digits(lang, &self.text())
        }
    }

    /// The number a chart may draw, if the cell is shown.
    fn shown(self) -> Option<f64> {
        match self {
            Cell::Count(n) if n == 0 || n >= MIN_CELL => Some(n as f64),
            Cell::Value { value, n, percent } if n >= MIN_CELL => {
                Some(if percent { value * 100.0 } else { value })
            }
            _ => None,
        }
    }
}

pub struct Table {
    pub key: &'static str,
    pub title: String,
    pub columns: Vec<String>,
    /// Row label and one cell per column (the last column is the total).
    pub rows: Vec<(String, Vec<Cell>)>,
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Secondary suppression: when exactly one cell of a row stands for 1 to 4 people, the row's
/// total would give it away, so the other cell with the fewest people (5 or more) is hidden too.
fn protect_row(cells: &mut [Cell]) {
    let people = |c: &Cell| match c {
        Cell::Count(n) | Cell::Value { n, .. } => *n,
        Cell::Hidden => 0,
    };
    let small = cells
        .iter()
        .filter(|c| (1..MIN_CELL).contains(&people(c)))
        .count();
    if small != 1 {
        return;
    }
    let smallest = cells
        .iter()
        .enumerate()
        .filter(|(_, c)| people(c) >= MIN_CELL)
        .map(|(i, c)| (people(c), i))
        .min();
    if let Some((_, i)) = smallest {
        cells[i] = Cell::Hidden;
    }
}

/// One row per group, one column per value of `by` plus the total; `cell` turns the facts of
/// one cell into its value.
fn split<'a>(
    by: By,
    groups: Vec<(String, Vec<&'a Fact>)>,
    cell: &dyn Fn(&[&'a Fact]) -> Cell,
) -> Vec<(String, Vec<Cell>)> {
    groups
        .into_iter()
        .map(|(label, facts)| {
            let mut cells: Vec<Cell> = by
                .values()
                .iter()
                .map(|value| {
                    let part: Vec<&Fact> = facts
                        .iter()
                        .copied()
                        .filter(|f| by.of(f) == *value)
                        .collect();
                    cell(&part)
                })
                .collect();
            protect_row(&mut cells);
            cells.push(cell(&facts));
            (label, cells)
        })
        .collect()
}

fn group_by(facts: &[Fact], key: impl Fn(&Fact) -> Option<String>) -> Vec<(String, Vec<&Fact>)> {
    let mut groups: BTreeMap<String, Vec<&Fact>> = BTreeMap::new();
    for fact in facts {
        if let Some(k) = key(fact) {
            groups.entry(k).or_default().push(fact);
        }
    }
    groups.into_iter().collect()
}

fn days(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds() as f64 / 86_400.0
}

/// A table's rows: the label and one cell per column.
type Rows = Vec<(String, Vec<Cell>)>;

/// The column headings: one per value of `by`, then the total.
fn columns(tr: &Tr, by: By) -> Vec<String> {
    let mut columns: Vec<String> = by
        .values()
        .iter()
        .map(|v| tr.t(&format!("dim-{}-{v}", by.code())))
        .collect();
    columns.push(tr.t("stats-total"));
    columns
}

/// One group per kind, in the protocol's order.
fn by_kind<'a>(tr: &Tr, facts: &'a [Fact]) -> Vec<(String, Vec<&'a Fact>)> {
    Kind::ALL
        .iter()
        .map(|k| {
            (
                tr.t(&k.fluent_key()),
                facts.iter().filter(|f| f.kind == k.as_str()).collect(),
            )
        })
        .collect()
}

/// One group per state, in the workflow's order.
fn by_state<'a>(tr: &Tr, facts: &'a [Fact]) -> Vec<(String, Vec<&'a Fact>)> {
    CaseStatus::ALL
        .iter()
        .map(|s| {
            (
                tr.t(&s.fluent_key()),
                facts.iter().filter(|f| f.status == s.as_str()).collect(),
            )
        })
        .collect()
}

/// One group per province of the place, by the province's name.
fn by_province<'a>(state: &AppState, tr: &Tr, facts: &'a [Fact]) -> Vec<(String, Vec<&'a Fact>)> {
    group_by(facts, |f| {
        let unit = state.directory.unit(f.place.get(..2)?)?;
        Some(match tr.lang {
            Lang::Km => unit.name_km.clone(),
            Lang::En => unit.name_en.clone(),
        })
    })
}

/// One group per type of the answering office.
fn by_office_type<'a>(tr: &Tr, facts: &'a [Fact]) -> Vec<(String, Vec<&'a Fact>)> {
    group_by(facts, |f| {
        let prefix = f.office.split('-').next()?;
        ourvoice_directory::OfficeType::from_code_prefix(prefix)
            .map(|t| tr.t(&format!("office-type-{}", t.as_str())))
    })
}

/// One group per answering office, by code and name.
fn by_office<'a>(state: &AppState, tr: &Tr, facts: &'a [Fact]) -> Vec<(String, Vec<&'a Fact>)> {
    group_by(facts, |f| {
        Some(format!(
            "{} {}",
            f.office,
            office_name(state, tr, &f.office)
        ))
    })
}

fn count(part: &[&Fact]) -> Cell {
    Cell::Count(part.len())
}

/// The median of the days from receipt to `until`, over the cases that got there.
fn median_days_to(until: fn(&Fact) -> Option<DateTime<Utc>>) -> impl Fn(&[&Fact]) -> Cell {
    move |part: &[&Fact]| {
        let values: Vec<f64> = part
            .iter()
            .filter_map(|f| Some(days(f.received_at, until(f)?)))
            .collect();
        Cell::Value {
            n: values.len(),
            value: median(values).unwrap_or(0.0),
            percent: false,
        }
    }
}

/// The share of `true` among the answers, over the people who gave one.
fn share(answers: &[bool]) -> Cell {
    let yes = answers.iter().filter(|b| **b).count();
    Cell::Value {
        n: answers.len(),
        value: if answers.is_empty() {
            0.0
        } else {
            yes as f64 / answers.len() as f64
        },
        percent: true,
    }
}

/// The share answered within the deadline, over the cases whose outcome is known: answered,
/// or past the deadline without an answer.
fn within_deadline(now: DateTime<Utc>) -> impl Fn(&[&Fact]) -> Cell {
    move |part: &[&Fact]| {
        let judged: Vec<bool> = part
            .iter()
            .filter_map(|f| match (f.first_answer_at, f.due_at) {
                (Some(answer), Some(due)) => Some(answer <= due),
                (None, Some(due)) if due < now => Some(false),
                _ => None,
            })
            .collect();
        share(&judged)
    }
}

/// The share of complaints that say more than the posted fee was asked, over those that say.
fn extra_payment(part: &[&Fact]) -> Cell {
    let answered: Vec<bool> = part.iter().filter_map(|f| f.asked_extra_payment).collect();
    share(&answered)
}

const CRITERIA: [&str; 6] = [
    "overall",
    "speed",
    "staff_attitude",
    "fees_as_posted",
    "clarity_of_information",
    "facilities_and_access",
];

/// The mean rating of one criterion, over the evaluations that rate it.
fn mean_rating(criterion: &'static str) -> impl Fn(&[&Fact]) -> Cell {
    move |part: &[&Fact]| {
        let values: Vec<f64> = part
            .iter()
            .filter_map(|f| {
                let e = f.evaluation.as_ref()?;
                if criterion == "overall" {
                    return Some(f64::from(e.overall));
                }
                e.criteria
                    .named()
                    .iter()
                    .find(|(n, _)| *n == criterion)?
                    .1
                    .map(f64::from)
            })
            .collect();
        let n = values.len();
        Cell::Value {
            n,
            value: values.iter().sum::<f64>() / n.max(1) as f64,
            percent: false,
        }
    }
}

/// One row per criterion: its mean rating over the evaluations.
fn rating_rows(tr: &Tr, by: By, facts: &[Fact]) -> Vec<(String, Vec<Cell>)> {
    let evaluations: Vec<&Fact> = facts.iter().filter(|f| f.evaluation.is_some()).collect();
    CRITERIA
        .iter()
        .flat_map(|criterion| {
            let label = tr.t(&format!("criterion-{criterion}"));
            split(
                by,
                vec![(label, evaluations.clone())],
                &mean_rating(criterion),
            )
        })
        .collect()
}

/// Who sent feedback, by one dimension: one row per value (with the same protection as a
/// row of cells), then the total; one column of counts.
fn people(tr: &Tr, facts: &[Fact], dimension: By) -> Table {
    let values = dimension.values();
    let mut cells: Vec<Cell> = values
        .iter()
        .map(|value| Cell::Count(facts.iter().filter(|f| dimension.of(f) == *value).count()))
        .collect();
    protect_row(&mut cells);
    let mut rows: Rows = values
        .iter()
        .map(|v| tr.t(&format!("dim-{}-{v}", dimension.code())))
        .zip(cells.into_iter().map(|cell| vec![cell]))
        .collect();
    rows.push((tr.t("stats-total"), vec![Cell::Count(facts.len())]));
    let key = match dimension {
        By::Gender => "people_gender",
        By::AgeBand => "people_age_band",
        By::Disability => "people_disability",
    };
    Table {
        key,
        title: tr.t(&format!("stats-people-by-{}", dimension.code())),
        columns: vec![tr.t("stats-items")],
        rows,
    }
}

pub fn tables(state: &AppState, tr: &Tr, facts: &[Fact], by: By, now: DateTime<Utc>) -> Vec<Table> {
    let complaints: Vec<&Fact> = facts
        .iter()
        .filter(|f| f.kind == Kind::Complaint.as_str())
        .collect();
    let complaints = vec![(tr.t(&Kind::Complaint.fluent_key()), complaints)];
    let first_answer = median_days_to(|f| f.first_answer_at);
    let close = median_days_to(|f| f.closed_at);
    let rows: [(&'static str, String, Rows); 10] = [
        (
            "kind",
            tr.t("stats-by-kind"),
            split(by, by_kind(tr, facts), &count),
        ),
        (
            "state",
            tr.t("stats-by-state"),
            split(by, by_state(tr, facts), &count),
        ),
        (
            "province",
            tr.t("stats-by-province"),
            split(by, by_province(state, tr, facts), &count),
        ),
        (
            "office_type",
            tr.t("stats-by-office-type"),
            split(by, by_office_type(tr, facts), &count),
        ),
        (
            "office",
            tr.t("stats-by-office"),
            split(by, by_office(state, tr, facts), &count),
        ),
        (
            "first_answer",
            tr.t("stats-median-first-answer"),
            split(by, by_kind(tr, facts), &first_answer),
        ),
        (
            "close",
            tr.t("stats-median-close"),
            split(by, by_kind(tr, facts), &close),
        ),
        (
            "within_deadline",
            tr.t("stats-within-deadline"),
            split(by, by_kind(tr, facts), &within_deadline(now)),
        ),
        ("ratings", tr.t("stats-ratings"), rating_rows(tr, by, facts)),
        (
            "extra_payment",
            tr.t("stats-extra-payment"),
            split(by, complaints, &extra_payment),
        ),
    ];
    let columns = columns(tr, by);
    let mut tables: Vec<Table> = rows
        .into_iter()
        .map(|(key, title, rows)| Table {
            key,
            title,
            columns: columns.clone(),
            rows,
        })
        .collect();
    tables.extend([By::Gender, By::AgeBand, By::Disability].map(|d| people(tr, facts, d)));
    tables
}

/// A horizontal bar chart of the total column; suppressed rows are drawn without a bar.
pub fn svg(tr: &Tr, table: &Table) -> Markup {
    let rows: Vec<(&str, Option<f64>, String)> = table
        .rows
        .iter()
        .map(|(label, cells)| {
            let total = *cells.last().expect("a total column");
            (label.as_str(), total.shown(), total.page_text(tr.lang))
        })
        .collect();
    let max = rows
        .iter()
        .filter_map(|r| r.1)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let (label_w, bar_w, row_h) = (260.0, 380.0, 28.0);
    let height = rows.len() as f64 * row_h + 10.0;
    let width = label_w + bar_w + 70.0;
    html! {
        svg role="img" aria-label=(Shown(&table.title)) data-chart=(table.key)
            viewBox={ "0 0 " (width) " " (height) } width=(width)
            xmlns="http://www.w3.org/2000/svg" font-size="13" {
            @for (i, (label, value, text)) in rows.iter().enumerate() {
                @let y = i as f64 * row_h + 5.0;
                @let short: String = label.chars().take(34).collect();
                @let w = value.map(|v| v / max * bar_w).unwrap_or(0.0);
                text x=(label_w - 6.0) y=(y + 17.0) text-anchor="end" { (Shown(&short)) }
                rect x=(label_w) y=(y + 3.0) width=(format!("{w:.1}")) height=(row_h - 8.0) fill="#2a6db0" {}
                text x=(format!("{:.1}", label_w + w + 4.0)) y=(y + 17.0) { (Shown(text)) }
            }
        }
    }
}

/// The dashboard's query: the dimension (`by`) and, for a CSV file, the table.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatsQuery {
    by: Option<String>,
    table: Option<String>,
}

fn parse_by(tr: &Tr, query: &StatsQuery) -> Result<By, ConsoleError> {
    match query.by.as_deref() {
        None => Ok(By::Gender),
        Some(code) => By::from_code(code).ok_or_else(|| ConsoleError::Bad(tr.t("error-filter"))),
    }
}

pub async fn dashboard(
    State(state): State<Arc<AppState>>,
    signed: Analyst,
    Params(query): Params<StatsQuery>,
) -> ConsoleResult {
    let tr = signed.tr;
    let by = parse_by(&tr, &query)?;
    let facts = state.store.read(facts).await?;
    let now = state.store.clock().now();
    let tables = tables(&state, &tr, &facts, by, now);
    let body = dashboard_body(&tr, facts.len(), by, &tables);
    Ok(signed.page(&tr.t("nav-dashboard"), body))
}

fn dashboard_body(tr: &Tr, n: usize, by: By, tables: &[Table]) -> Markup {
    let intro = tr.a(
        "stats-intro",
        &[
            ("min", tr.count(MIN_CELL as i64)),
            ("n", tr.count(n as i64)),
        ],
    );
    html! {
        p { (Shown(&intro)) }
        nav class="split" aria-label=(tr.t("stats-split")) {
            (tr.h("stats-split")) " "
            @for other in [By::Gender, By::AgeBand, By::Disability] {
                @let label = tr.t(&format!("stats-by-{}", other.code()));
                @if other == by {
                    strong aria-current="page" { (Shown(&label)) }
                } @else {
                    a href={ "/console/dashboard?by=" (other.code()) } { (Shown(&label)) }
                }
                " "
            }
        }
        @for (section, keys) in SECTIONS {
            section class="group" id={ "section-" (section) } aria-labelledby={ "section-" (section) "-title" } {
                h2 id={ "section-" (section) "-title" } { (tr.h(&format!("stats-section-{section}"))) }
                p class="help" { (tr.h(&format!("stats-section-{section}-help"))) }
                @for table in keys.iter().filter_map(|key| tables.iter().find(|t| t.key == *key)) {
                    (table_section(tr, by, table))
                }
            }
        }
    }
}

/// One table: its chart, its cells (with the footnote when a value is hidden), and the link
/// to its CSV file.
fn table_section(tr: &Tr, by: By, table: &Table) -> Markup {
    let note = tr.a("stats-hidden-note", &[("min", tr.count(MIN_CELL as i64))]);
    let hidden = table
        .rows
        .iter()
        .any(|(_, cells)| cells.iter().any(|c| c.small_value()));
    html! {
        div class="card" id={ "table-" (table.key) } {
            h3 { (Shown(&table.title)) }
            (svg(tr, table))
            div style="overflow-x:auto" {
                table {
                    thead { tr { th {} @for column in &table.columns { th { (Shown(column)) } } } }
                    tbody {
                        @for (label, cells) in &table.rows {
                            tr {
                                th scope="row" { (Shown(label)) }
                                @for cell in cells {
                                    td {
                                        @if cell.small_value() {
                                            abbr title=(note) { (HIDDEN_VALUE) }
                                        } @else {
                                            (cell.page_text(tr.lang))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if hidden {
                p class="note" { small { "* " (Shown(&note)) } }
            }
            p {
                a href={ "/console/dashboard.csv?table=" (table.key) "&by=" (by.code()) } {
                    (tr.h("stats-csv"))
                }
            }
        }
    }
}

pub async fn csv(
    State(state): State<Arc<AppState>>,
    signed: Analyst,
    Params(query): Params<StatsQuery>,
) -> ConsoleResult {
    let tr = signed.tr;
    let by = parse_by(&tr, &query)?;
    let key = query.table.clone().unwrap_or_default();
    let facts = state.store.read(facts).await?;
    let now = state.store.clock().now();
    let table = tables(&state, &tr, &facts, by, now)
        .into_iter()
        .find(|t| t.key == key)
        .ok_or(ConsoleError::NotFound)?;
    let (account, detail) = (signed.session.account.id, format!("{key} by {}", by.code()));
    state
        .store
        .write(move |sql| {
            crate::store::audit::audit(sql, account, "export_statistics", None, Some(&detail), now)
        })
        .await?;
    let mut out = String::from(BOM);
    let mut head = vec![table.title.clone()];
    head.extend(table.columns.iter().cloned());
    head.push(tr.t("stats-csv-suppressed"));
    out.push_str(&csv_line(&head));
    for (label, cells) in &table.rows {
        let mut line = vec![label.clone()];
        line.extend(cells.iter().map(|c| c.text()));
        // The columns whose value is left empty for standing for too few people.
        let suppressed: Vec<&str> = cells
            .iter()
            .zip(&table.columns)
            .filter(|(cell, _)| cell.small_value())
            .map(|(_, column)| column.as_str())
            .collect();
        line.push(suppressed.join("; "));
        out.push_str(&csv_line(&line));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"ourvoice-{}-by-{}.csv\"",
                    table.key,
                    by.code()
                ),
            ),
        ],
        out,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_cells_are_never_shown() {
        for (cell, text) in [
            (Cell::Count(0), "0"),
            (Cell::Count(1), "<5"),
            (Cell::Count(4), "<5"),
            (Cell::Count(5), "5"),
            (
                Cell::Value {
                    value: 2.5,
                    n: 4,
                    percent: false,
                },
                "",
            ),
            (
                Cell::Value {
                    value: 2.5,
                    n: 5,
                    percent: false,
                },
                "2.5",
            ),
            (
                Cell::Value {
                    value: 0.8,
                    n: 10,
                    percent: true,
                },
                "80%",
            ),
            (
                Cell::Value {
                    value: 0.0,
                    n: 0,
                    percent: true,
                },
                "–",
            ),
        ] {
            assert_eq!(cell.text(), text, "{cell:?}");
            assert_eq!(
                cell.shown().is_some(),
                !matches!(text, "<5" | "–" | ""),
                "{cell:?}"
            );
            // A page never shows "<5" for a value (it would read as fewer than 5 days).
            let page = cell.page_text(Lang::En);
            match cell {
                Cell::Value { n: 1..5, .. } => assert_eq!(page, HIDDEN_VALUE),
                _ => assert_eq!(page, text),
            }
            assert!(!(matches!(cell, Cell::Value { .. }) && page.contains("<5")));
        }
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn a_lone_small_cell_takes_a_neighbour_with_it() {
        use Cell::{Count, Hidden};
        let share = |n| Cell::Value {
            value: 0.5,
            n,
            percent: true,
        };
        for (mut row, expect) in [
            (
                vec![Count(7), Count(2), Count(0)],
                vec![Hidden, Count(2), Count(0)],
            ),
            (
                vec![Count(9), Count(6), Count(3)],
                vec![Count(9), Hidden, Count(3)],
            ),
            (
                vec![Count(9), Count(1), Count(3)],
                vec![Count(9), Count(1), Count(3)],
            ),
            (
                vec![Count(9), Count(6), Count(0)],
                vec![Count(9), Count(6), Count(0)],
            ),
            (vec![Count(0), Count(3)], vec![Count(0), Count(3)]),
            (vec![share(7), share(2)], vec![Hidden, share(2)]),
        ] {
            protect_row(&mut row);
            assert_eq!(row, expect);
        }
        assert_eq!(Cell::Hidden.text(), "x");
        assert_eq!(Cell::Hidden.shown(), None);
    }
}
