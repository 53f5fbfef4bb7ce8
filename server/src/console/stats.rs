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
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use maud::{html, Markup};
use ourvoice_protocol::{writing, Code};
use serde::Deserialize;
use std::sync::Arc;

use super::cases::office_name;
use super::html::{csv_line, Shown, BOM};
use super::i18n::{Lang, Tr};
use super::{Analyst, ConsoleError, ConsoleResult, Params};
use crate::statistics::{By, Days, Ratings, Share, Speed, Split, Tally, CRITERIA};
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

/// The Fluent key of a column of `by` (its code or "not given").
fn column_key(by: By, value: &str) -> String {
    format!("dim-{}-{value}", by.code())
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

/// One row per group, one column per value of `by` plus the total; `cell` turns the
/// aggregate of one cell into its value.
fn split<A>(by: By, groups: Vec<(String, &Split<A>)>, cell: &dyn Fn(&A) -> Cell) -> Rows {
    groups
        .into_iter()
        .map(|(label, split)| {
            let mut cells: Vec<Cell> = split.columns(by).iter().map(cell).collect();
            protect_row(&mut cells);
            cells.push(cell(&split.total));
            (label, cells)
        })
        .collect()
}

/// Groups sorted by their label (as the page shows them).
fn by_label<A>(mut groups: Vec<(String, &Split<A>)>) -> Vec<(String, &Split<A>)> {
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    groups
}

/// A table's rows: the label and one cell per column.
type Rows = Vec<(String, Vec<Cell>)>;

/// The column headings: one per value of `by`, then the total.
fn columns(tr: &Tr, by: By) -> Vec<String> {
    let mut columns: Vec<String> = by
        .values()
        .iter()
        .map(|v| tr.t(&column_key(by, v)))
        .collect();
    columns.push(tr.t("stats-total"));
    columns
}

/// One group per kind, in the protocol's order.
fn by_kind<'a>(tr: &Tr, tally: &'a Tally) -> Vec<(String, &'a Split<Speed>)> {
    tally
        .kinds
        .iter()
        .map(|(kind, split)| (tr.t(&kind.fluent_key()), split))
        .collect()
}

/// One group per state, in the workflow's order.
fn by_state<'a>(tr: &Tr, tally: &'a Tally) -> Vec<(String, &'a Split<u64>)> {
    tally
        .states
        .iter()
        .map(|(status, split)| (tr.t(&status.fluent_key()), split))
        .collect()
}

/// One group per province of the place, by the province's name.
fn by_province<'a>(state: &AppState, tr: &Tr, tally: &'a Tally) -> Vec<(String, &'a Split<u64>)> {
    by_label(
        tally
            .provinces
            .iter()
            .filter_map(|(code, split)| {
                let unit = state.directory.unit(code)?;
                Some((
                    match tr.lang {
                        Lang::Km => unit.name_km.clone(),
                        Lang::En => unit.name_en.clone(),
                    },
                    split,
                ))
            })
            .collect(),
    )
}

/// One group per type of the answering office.
fn by_office_type<'a>(tr: &Tr, tally: &'a Tally) -> Vec<(String, &'a Split<u64>)> {
    by_label(
        tally
            .office_types
            .iter()
            .filter_map(|(prefix, split)| {
                ourvoice_directory::OfficeType::from_code_prefix(prefix)
                    .map(|t| (tr.t(&format!("office-type-{}", t.as_str())), split))
            })
            .collect(),
    )
}

/// One group per answering office, by code and name.
fn by_office<'a>(state: &AppState, tr: &Tr, tally: &'a Tally) -> Vec<(String, &'a Split<u64>)> {
    by_label(
        tally
            .offices
            .iter()
            .map(|(office, split)| {
                (
                    format!("{} {}", office, office_name(state, tr, office)),
                    split,
                )
            })
            .collect(),
    )
}

fn count(cases: &u64) -> Cell {
    Cell::Count(*cases as usize)
}

fn speed_count(speed: &Speed) -> Cell {
    Cell::Count(speed.cases as usize)
}

/// The median of the days from receipt, over the cases that got there.
fn median_days(days: &Days) -> Cell {
    Cell::Value {
        n: days.of as usize,
        value: days.median().unwrap_or(0.0),
        percent: false,
    }
}

/// The share of yes, over the people who gave an answer.
fn share(share: &Share) -> Cell {
    Cell::Value {
        n: share.of as usize,
        value: if share.of == 0 {
            0.0
        } else {
            share.yes as f64 / share.of as f64
        },
        percent: true,
    }
}

/// The mean rating, over the evaluations that rate it.
fn mean_rating(ratings: &Ratings) -> Cell {
    Cell::Value {
        n: ratings.of as usize,
        value: ratings.sum as f64 / ratings.of.max(1) as f64,
        percent: false,
    }
}

/// One row per criterion: its mean rating over the evaluations.
fn rating_rows(tr: &Tr, by: By, tally: &Tally) -> Rows {
    let groups = CRITERIA
        .iter()
        .zip(&tally.ratings)
        .map(|(criterion, split)| (tr.t(&format!("criterion-{criterion}")), split))
        .collect();
    split(by, groups, &mean_rating)
}

/// Who sent feedback, by one dimension: one row per value (with the same protection as a
/// row of cells), then the total; one column of counts.
fn people(tr: &Tr, tally: &Tally, dimension: By) -> Table {
    let values = dimension.values();
    let mut cells: Vec<Cell> = tally.people.columns(dimension).iter().map(count).collect();
    protect_row(&mut cells);
    let mut rows: Rows = values
        .iter()
        .map(|v| tr.t(&column_key(dimension, v)))
        .zip(cells.into_iter().map(|cell| vec![cell]))
        .collect();
    rows.push((tr.t("stats-total"), vec![count(&tally.people.total)]));
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

/// Every table of the dashboard, drawn from `tally` in the reader's language, split by `by`.
pub fn tables(state: &AppState, tr: &Tr, tally: &Tally, by: By) -> Vec<Table> {
    let complaints = vec![(
        tr.t(&ourvoice_protocol::Kind::Complaint.fluent_key()),
        &tally.extra_payment,
    )];
    let rows: [(&'static str, String, Rows); 10] = [
        (
            "kind",
            tr.t("stats-by-kind"),
            split(by, by_kind(tr, tally), &speed_count),
        ),
        (
            "state",
            tr.t("stats-by-state"),
            split(by, by_state(tr, tally), &count),
        ),
        (
            "province",
            tr.t("stats-by-province"),
            split(by, by_province(state, tr, tally), &count),
        ),
        (
            "office_type",
            tr.t("stats-by-office-type"),
            split(by, by_office_type(tr, tally), &count),
        ),
        (
            "office",
            tr.t("stats-by-office"),
            split(by, by_office(state, tr, tally), &count),
        ),
        (
            "first_answer",
            tr.t("stats-median-first-answer"),
            split(by, by_kind(tr, tally), &|s: &Speed| {
                median_days(&s.first_answer)
            }),
        ),
        (
            "close",
            tr.t("stats-median-close"),
            split(by, by_kind(tr, tally), &|s: &Speed| median_days(&s.close)),
        ),
        (
            "within_deadline",
            tr.t("stats-within-deadline"),
            split(by, by_kind(tr, tally), &|s: &Speed| {
                share(&s.within_deadline)
            }),
        ),
        ("ratings", tr.t("stats-ratings"), rating_rows(tr, by, tally)),
        (
            "extra_payment",
            tr.t("stats-extra-payment"),
            split(by, complaints, &share),
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
    tables.extend(By::ALL.map(|d| people(tr, tally, d)));
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
    headers: HeaderMap,
    Params(query): Params<StatsQuery>,
) -> ConsoleResult {
    let tr = signed.tr;
    let by = parse_by(&tr, &query)?;
    let made = state.dashboard.current(&state).await?;
    // Drawn once per tally, language and split; every reader of it gets the same body.
    let body = made.drawn(&format!("page {} {}", tr.lang.code(), by.code()), |tally| {
        let tables = tables(&state, &tr, tally, by);
        dashboard_body(&tr, tally.cases as usize, by, &tables).into_string()
    });
    Ok(signed.page_around(&headers, &tr.t("nav-dashboard"), html! {}, &body))
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
    let made = state.dashboard.current(&state).await?;
    let now = state.store.clock().now();
    let table = tables(&state, &tr, &made.tally, by)
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
