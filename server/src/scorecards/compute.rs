//! The public scorecards computed from the cases: every office of the directory, every
//! province and the country, over the twelve months ending with a given day in Cambodia and
//! the calendar quarters within them, and split by gender, age band and disability.
//!
//! How: one query streams the coded fields of the cases received in the twelve months (never
//! free text, a reply or a contact detail), each row folded into its office's tallies as it is
//! read ([`Tally`]); the provinces' and the country's are the sums of their offices'. Memory is
//! bounded by offices × groups, not by cases: days to an answer are kept as counts per hour
//! ([`Hours`], at most one entry per hour of a year), so a median is exact to the hour.
//!
//! Each case counts for the office it was sent to (the office of its first event), whoever
//! answered it in the end: an office's figures are those of the feedback citizens sent it, and
//! an escalation away from it counts in its `escalated`. What happened after the last day
//! (an answer, a closing, an escalation) is not counted, nor any case received after it.
//!
//! Definitions, as on the officials' dashboard: an item is answered within its deadline when
//! its first answer came by its deadline; unanswered items count against it once the deadline
//! passed; days are calendar days (to the hour); ratings are the evaluations' stars; the share
//! asked for extra payment is over the complaints that answered the question. Answers, their
//! deadlines and their days are over the feedback that asks for an answer (all but
//! evaluations).
//!
//! Suppression: every figure stands for a number of people (a count, or the people a share,
//! median or rating is computed from); these numbers are cells tied by sums (kinds to
//! received, the feedback that asks for an answer to its kinds, the ratings to the
//! evaluations, quarters to the twelve months, groups to everyone, offices to their province,
//! provinces to the country) and go through [`super::suppress`], so a figure is shown only when
//! it stands for at least five people and no hidden one can be worked out from the shown.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use ourvoice_directory::{Directory, OfficeType};
use ourvoice_protocol::scorecards::{
    ByCriterion, ByKind, ByPeople, Days, Figure, Figures, Group, Hidden, Peers, Period,
    QuarterFigures, Scorecard, Share, Stars, Subject, LICENCE, NOT_GIVEN, TWELVE_MONTHS,
};
use ourvoice_protocol::{
    cambodia, cambodia_today, AgeBand, Code, Disability, Evaluation, EventAction, Gender, Kind,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use super::suppress::{suppress, Cell, Sums};
use crate::store::sql::{FromRow, Named, Names, Sql, Val};
use crate::store::StoreError;

/// The twelve months a set of scorecards counts, and its quarters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Midnight in Cambodia at the start of `first_day`: the first moment counted.
    pub start: DateTime<Utc>,
    /// Midnight in Cambodia after `last_day`: the first moment not counted.
    pub end: DateTime<Utc>,
    /// The calendar quarters within, oldest first (the first and last may be cut).
    pub quarters: Vec<Period>,
    /// The first quarter's number (year × 4 + quarter − 1).
    first_quarter: i32,
}

/// A quarter's number: year × 4 + the quarter (0 to 3).
fn quarter_number(day: NaiveDate) -> i32 {
    day.year() * 4 + day.month0() as i32 / 3
}

/// Midnight in Cambodia at the start of `day`.
fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(cambodia())
        .single()
        .expect("Cambodia has one offset")
        .with_timezone(&Utc)
}

impl Window {
    /// The twelve months ending with the day before `now`'s day in Cambodia: the last whole
    /// day, never the current one.
    pub fn before(now: DateTime<Utc>) -> Window {
        let today = cambodia_today(now);
        Window::ending(today.pred_opt().unwrap_or(today))
    }

    /// The twelve months ending with `last_day` (from the day after the same date a year
    /// before).
    pub fn ending(last_day: NaiveDate) -> Window {
        let first_day = last_day
            .checked_sub_months(Months::new(12))
            .and_then(|day| day.succ_opt())
            .unwrap_or(last_day);
        let (first_quarter, last_quarter) = (quarter_number(first_day), quarter_number(last_day));
        let quarters = (first_quarter..=last_quarter)
            .map(|n| {
                let (year, q) = (n.div_euclid(4), n.rem_euclid(4));
                let start = NaiveDate::from_ymd_opt(year, q as u32 * 3 + 1, 1).expect("a quarter");
                let end = start
                    .checked_add_months(Months::new(3))
                    .and_then(|next| next.pred_opt())
                    .expect("a quarter's end");
                Period {
                    first_day: start.max(first_day),
                    last_day: end.min(last_day),
                    label: format!("{year}-Q{}", q + 1),
                }
            })
            .collect();
        Window {
            first_day,
            last_day,
            start: midnight(first_day),
            end: midnight(last_day.succ_opt().unwrap_or(last_day)),
            quarters,
            first_quarter,
        }
    }

    /// The twelve months as a period.
    pub fn year(&self) -> Period {
        Period {
            first_day: self.first_day,
            last_day: self.last_day,
            label: TWELVE_MONTHS.to_string(),
        }
    }

    /// Which quarter a moment within the window falls in.
    fn quarter_of(&self, at: DateTime<Utc>) -> Option<usize> {
        let n = quarter_number(cambodia_today(at)) - self.first_quarter;
        usize::try_from(n).ok().filter(|&n| n < self.quarters.len())
    }
}

/// The groups of people by what they said of themselves: for each dimension (gender, age
/// band, disability) the protocol's codes in order, then [`NOT_GIVEN`].
pub struct Dimensions {
    pub gender: Vec<&'static str>,
    pub age_band: Vec<&'static str>,
    pub disability: Vec<&'static str>,
}

fn codes<T: Code>() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = T::ALL.iter().map(|value| value.as_str()).collect();
    codes.push(NOT_GIVEN);
    codes
}

pub static DIMENSIONS: LazyLock<Dimensions> = LazyLock::new(|| Dimensions {
    gender: codes::<Gender>(),
    age_band: codes::<AgeBand>(),
    disability: codes::<Disability>(),
});

impl Dimensions {
    fn all(&self) -> [&[&'static str]; 3] {
        [&self.gender, &self.age_band, &self.disability]
    }
}

/// Where each tally of a subject is: the twelve months, each quarter, each group.
#[derive(Clone, Copy, Debug)]
struct Layout {
    quarters: usize,
}

impl Layout {
    const YEAR: usize = 0;

    fn quarter(self, q: usize) -> usize {
        1 + q
    }

    /// The first slot of dimension `d` (0 gender, 1 age band, 2 disability).
    fn dimension(self, d: usize) -> usize {
        let dims = DIMENSIONS.all();
        1 + self.quarters + dims[..d].iter().map(|codes| codes.len()).sum::<usize>()
    }

    fn slots(self) -> usize {
        self.dimension(3)
    }
}

/// Counts of days to an event, by hour (rounded): at most one entry per hour of the year.
#[derive(Clone, Debug, Default)]
pub struct Hours(BTreeMap<u16, u32>);

impl Hours {
    fn add(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) {
        let hours = ((to - from).num_seconds().max(0) as f64 / 3600.0).round();
        *self
            .0
            .entry(hours.min(f64::from(u16::MAX)) as u16)
            .or_default() += 1;
    }

    fn merge(&mut self, other: &Hours) {
        for (hours, n) in &other.0 {
            *self.0.entry(*hours).or_default() += n;
        }
    }

    fn count(&self) -> u32 {
        self.0.values().sum()
    }

    /// The `k`-th smallest value (from 0).
    fn nth(&self, k: u32) -> Option<u16> {
        let mut seen = 0;
        for (hours, n) in &self.0 {
            seen += n;
            if k < seen {
                return Some(*hours);
            }
        }
        None
    }

    /// The median in days.
    fn median_days(&self) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let (low, high) = (self.nth((n - 1) / 2)?, self.nth(n / 2)?);
        Some((f64::from(low) + f64::from(high)) / 2.0 / 24.0)
    }
}

/// A sum of stars and how many gave them.
#[derive(Clone, Copy, Debug, Default)]
struct Mean {
    sum: u32,
    n: u32,
}

impl Mean {
    fn add(&mut self, stars: u8) {
        self.sum += u32::from(stars);
        self.n += 1;
    }
    fn value(self) -> f64 {
        f64::from(self.sum) / f64::from(self.n.max(1))
    }
}

/// What is counted of one subject's cases over one period or group.
#[derive(Clone, Debug, Default)]
struct Tally {
    /// Received, by kind in [`Kind::ALL`]'s order.
    kinds: [u32; 4],
    escalated: u32,
    /// Of those asking for an answer: judged against their deadline, and answered by it.
    judged: u32,
    within: u32,
    to_answer: Hours,
    to_close: Hours,
    /// The overall rating, then each criterion's, in [`ourvoice_protocol::Criteria::named`]'s order.
    ratings: [Mean; 6],
    extra_said: u32,
    extra_yes: u32,
}

/// The cells of one tally: the number of people each figure stands for.
const RECEIVED: usize = 0;
const KINDS: usize = 1;
const ASKING: usize = 5;
const JUDGED: usize = 6;
const ANSWERED: usize = 7;
const CLOSED: usize = 8;
const ESCALATED: usize = 9;
const RATED: usize = 10;
const EXTRA_SAID: usize = 16;
const FIELDS: usize = 17;

/// Whether feedback of this kind asks the office for an answer.
fn asks(kind: Kind) -> bool {
    kind != Kind::Evaluation
}

fn kind_index(kind: Kind) -> usize {
    Kind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("a kind of Kind::ALL")
}

impl Tally {
    fn add(&mut self, case: &Counted) {
        self.kinds[kind_index(case.kind)] += 1;
        if case.escalated {
            self.escalated += 1;
        }
        if asks(case.kind) {
            if let Some(answer) = case.first_answer_at {
                self.to_answer.add(case.received_at, answer);
            }
            if let Some(closed) = case.closed_at {
                self.to_close.add(case.received_at, closed);
            }
            if let Some(within) = case.within_deadline {
                self.judged += 1;
                self.within += u32::from(within);
            }
        }
        if let Some(evaluation) = &case.evaluation {
            self.ratings[0].add(evaluation.overall);
            for (i, (_, stars)) in evaluation.criteria.named().iter().enumerate() {
                if let Some(stars) = stars {
                    self.ratings[1 + i].add(*stars);
                }
            }
        }
        if case.kind == Kind::Complaint {
            if let Some(asked) = case.asked_extra_payment {
                self.extra_said += 1;
                self.extra_yes += u32::from(asked);
            }
        }
    }

    fn merge(&mut self, other: &Tally) {
        for (mine, theirs) in self.kinds.iter_mut().zip(other.kinds) {
            *mine += theirs;
        }
        self.escalated += other.escalated;
        self.judged += other.judged;
        self.within += other.within;
        self.to_answer.merge(&other.to_answer);
        self.to_close.merge(&other.to_close);
        for (mine, theirs) in self.ratings.iter_mut().zip(other.ratings) {
            mine.sum += theirs.sum;
            mine.n += theirs.n;
        }
        self.extra_said += other.extra_said;
        self.extra_yes += other.extra_yes;
    }

    fn asking(&self) -> u32 {
        Kind::ALL
            .iter()
            .zip(self.kinds)
            .filter(|(kind, _)| asks(**kind))
            .map(|(_, n)| n)
            .sum()
    }

    /// How many people each figure stands for, by the cells' order.
    fn people(&self) -> [u32; FIELDS] {
        let mut cells = [0; FIELDS];
        cells[RECEIVED] = self.kinds.iter().sum();
        cells[KINDS..KINDS + 4].copy_from_slice(&self.kinds);
        cells[ASKING] = self.asking();
        cells[JUDGED] = self.judged;
        cells[ANSWERED] = self.to_answer.count();
        cells[CLOSED] = self.to_close.count();
        cells[ESCALATED] = self.escalated;
        for (i, mean) in self.ratings.iter().enumerate() {
            cells[RATED + i] = mean.n;
        }
        cells[EXTRA_SAID] = self.extra_said;
        cells
    }
}

/// The sums within one tally's cells (offset by `at`): the kinds make the feedback received;
/// the kinds that ask for an answer make the feedback asking for one; the overall ratings are
/// one per evaluation.
fn sums_within(sums: &mut Sums, at: usize) {
    sums.add(at + RECEIVED, (0..4).map(|k| at + KINDS + k));
    sums.add(
        at + ASKING,
        Kind::ALL
            .iter()
            .enumerate()
            .filter(|(_, kind)| asks(**kind))
            .map(|(k, _)| at + KINDS + k),
    );
    sums.add(at + RATED, [at + KINDS + kind_index(Kind::Evaluation)]);
}

/// One case as the scorecards read it: coded fields and times only.
struct Case {
    office: String,
    kind: Kind,
    groups: [usize; 3],
    received_at: DateTime<Utc>,
    first_answer_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    /// When it was first escalated, if it was.
    escalated_at: Option<DateTime<Utc>>,
    evaluation: Option<Evaluation>,
    asked_extra_payment: Option<bool>,
}

/// A case as counted at `end`: what happened from then on left out.
struct Counted {
    kind: Kind,
    received_at: DateTime<Utc>,
    first_answer_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    /// Whether it was first answered by its deadline; none while that is not known.
    within_deadline: Option<bool>,
    escalated: bool,
    evaluation: Option<Evaluation>,
    asked_extra_payment: Option<bool>,
}

impl Case {
    fn counted_at(self, end: DateTime<Utc>) -> Counted {
        let before = |at: Option<DateTime<Utc>>| at.filter(|at| *at < end);
        let first_answer_at = before(self.first_answer_at);
        Counted {
            kind: self.kind,
            received_at: self.received_at,
            first_answer_at,
            closed_at: before(self.closed_at),
            within_deadline: match (first_answer_at, self.due_at) {
                (Some(answer), Some(due)) => Some(answer <= due),
                (None, Some(due)) if due < end => Some(false),
                _ => None,
            },
            escalated: before(self.escalated_at).is_some(),
            evaluation: self.evaluation,
            asked_extra_payment: self.asked_extra_payment,
        }
    }
}

/// The group of a code of dimension `codes` (its position), or not given.
fn group_of<T: Code>(row: &Named, column: &str, codes: &[&str]) -> Result<usize, StoreError> {
    let value: Option<T> = row.opt_code(column)?;
    let code = value.map_or(NOT_GIVEN, |value| value.as_str());
    Ok(codes
        .iter()
        .position(|c| *c == code)
        .unwrap_or(codes.len() - 1))
}

/// The cases received in a window (`$1` ≤ received < `$2`), each with the office it was sent
/// to (its first event's) and when it was first escalated (`$3` the escalation's action).
impl FromRow for Case {
    const COLUMNS: &'static str = "COALESCE(r.office, c.office) AS sent_to, c.kind, c.gender,
        c.age_band, c.disability, c.received_at, c.first_answer_at, c.closed_at, c.due_at,
        c.evaluation, c.asked_extra_payment,
        CASE WHEN c.escalated = 1 THEN
            (SELECT min(e.at) FROM case_events e WHERE e.case_number = c.number AND e.action = $3)
        END AS escalated_at";

    fn from_row(row: &Named) -> Result<Case, StoreError> {
        let dims = &*DIMENSIONS;
        let evaluation = row.opt_text("evaluation")?;
        Ok(Case {
            office: row.text("sent_to")?,
            kind: row.code("kind")?,
            groups: [
                group_of::<Gender>(row, "gender", &dims.gender)?,
                group_of::<AgeBand>(row, "age_band", &dims.age_band)?,
                group_of::<Disability>(row, "disability", &dims.disability)?,
            ],
            received_at: row.time("received_at")?,
            first_answer_at: row.opt_time("first_answer_at")?,
            closed_at: row.opt_time("closed_at")?,
            due_at: row.opt_time("due_at")?,
            escalated_at: row.opt_time("escalated_at")?,
            evaluation: evaluation.and_then(|json| serde_json::from_str(&json).ok()),
            asked_extra_payment: row.opt_int("asked_extra_payment")?.map(|n| n != 0),
        })
    }
}

/// The one query of a computation (on the index `cases_by_received_at`; the first event by its
/// key; escalations only of the cases marked escalated).
static CASES_IN_WINDOW: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM cases c LEFT JOIN case_events r ON r.seq = c.received_seq
         WHERE c.received_at >= $1 AND c.received_at < $2",
        Case::COLUMNS
    )
});

/// Who the subjects are, in the order of their tallies: the directory's offices, then its
/// provinces, then the country.
struct Subjects<'d> {
    offices: &'d [ourvoice_directory::Office],
    provinces: Vec<&'d str>,
    office_index: HashMap<&'d str, usize>,
    /// Each office's province (its index among the provinces).
    province_of: Vec<usize>,
}

impl<'d> Subjects<'d> {
    fn of(directory: &'d Directory) -> Subjects<'d> {
        let offices = directory.offices();
        let provinces: Vec<&str> = directory
            .provinces()
            .iter()
            .map(|unit| unit.code.as_str())
            .collect();
        let province_index: HashMap<&str, usize> =
            provinces.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        let province_of = offices
            .iter()
            .map(|office| {
                office
                    .unit_code
                    .get(..2)
                    .and_then(|code| province_index.get(code).copied())
                    .expect("every office is in a province")
            })
            .collect();
        Subjects {
            offices,
            office_index: offices
                .iter()
                .enumerate()
                .map(|(i, office)| (office.code.as_str(), i))
                .collect(),
            provinces,
            province_of,
        }
    }

    fn len(&self) -> usize {
        self.offices.len() + self.provinces.len() + 1
    }

    fn province(&self, p: usize) -> usize {
        self.offices.len() + p
    }

    fn national(&self) -> usize {
        self.offices.len() + self.provinces.len()
    }

    fn subject(&self, s: usize) -> Subject {
        if s < self.offices.len() {
            Subject::Office {
                code: self.offices[s].code.clone(),
            }
        } else if s < self.national() {
            Subject::Province {
                code: self.provinces[s - self.offices.len()].to_string(),
            }
        } else {
            Subject::National
        }
    }

    /// The province a subject belongs to (its own code for a province; none for the country).
    pub fn province_code(&self, s: usize) -> Option<&'d str> {
        if s < self.offices.len() {
            Some(self.provinces[self.province_of[s]])
        } else if s < self.national() {
            Some(self.provinces[s - self.offices.len()])
        } else {
            None
        }
    }
}

/// One computed scorecard, with what the open data files say of its subject.
pub struct Computed {
    pub scorecard: Scorecard,
    /// The province it belongs to (none for the country).
    pub province: Option<String>,
    /// An office's district (its unit's first four digits), if it has one.
    pub district: Option<String>,
}

/// What a computation read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Read {
    /// Cases received in the window.
    pub cases: u64,
    /// Of them, cases sent to an office the directory does not have (counted nowhere).
    pub unknown_office: u64,
}

/// Every subject's scorecard for `window`, handed to `each` one at a time (offices in the
/// directory's order, then provinces, then the country).
pub fn compute(
    sql: &mut dyn Sql,
    directory: &Directory,
    window: &Window,
    each: &mut dyn FnMut(Computed) -> Result<(), StoreError>,
) -> Result<Read, StoreError> {
    let subjects = Subjects::of(directory);
    let layout = Layout {
        quarters: window.quarters.len(),
    };
    let slots = layout.slots();
    let mut tallies = vec![Tally::default(); subjects.len() * slots];
    let mut read = Read::default();
    let names = Names::of(Case::COLUMNS);
    let escalate = EventAction::Escalate.as_str();
    sql.query_each(
        &CASES_IN_WINDOW,
        &[
            Val::from(crate::clock::stamp(window.start)),
            Val::from(crate::clock::stamp(window.end)),
            Val::from(escalate),
        ],
        &mut |row| {
            let case = Case::from_row(&names.read(row))?;
            read.cases += 1;
            let Some(&office) = subjects.office_index.get(case.office.as_str()) else {
                read.unknown_office += 1;
                return Ok(());
            };
            let groups = case.groups;
            let case = case.counted_at(window.end);
            let at = office * slots;
            tallies[at + Layout::YEAR].add(&case);
            if let Some(q) = window.quarter_of(case.received_at) {
                tallies[at + layout.quarter(q)].add(&case);
            }
            for (d, group) in groups.iter().enumerate() {
                tallies[at + layout.dimension(d) + group].add(&case);
            }
            Ok(())
        },
    )?;
    // The provinces' and the country's tallies: sums of their offices'.
    for office in 0..subjects.offices.len() {
        let province = subjects.province(subjects.province_of[office]);
        for slot in 0..slots {
            let (from, to) = (office * slots + slot, province * slots + slot);
            let tally = tallies[from].clone();
            tallies[to].merge(&tally);
        }
    }
    for p in 0..subjects.provinces.len() {
        let (province, national) = (subjects.province(p), subjects.national());
        for slot in 0..slots {
            let tally = tallies[province * slots + slot].clone();
            tallies[national * slots + slot].merge(&tally);
        }
    }
    let cells = suppressed(&subjects, layout, &tallies);
    let figures = |s: usize, slot: usize| {
        let at = s * slots + slot;
        figures_of(&tallies[at], &cells[at * FIELDS..(at + 1) * FIELDS])
    };
    let headlines: Vec<Headline> = (0..subjects.len())
        .map(|s| Headline::of(&figures(s, Layout::YEAR)))
        .collect();
    let peers = PeerGroups::of(&subjects, &headlines);
    let dims = DIMENSIONS.all();
    for s in 0..subjects.len() {
        let groups = |d: usize| -> Vec<Group> {
            dims[d]
                .iter()
                .enumerate()
                .map(|(g, code)| Group {
                    group: code.to_string(),
                    figures: figures(s, layout.dimension(d) + g),
                })
                .collect()
        };
        let office = subjects.offices.get(s);
        let scorecard = Scorecard {
            subject: subjects.subject(s),
            office_type: office.map(|o| o.office_type.as_str().to_string()),
            last_day: window.last_day,
            year: window.year(),
            figures: figures(s, Layout::YEAR),
            by_people: ByPeople {
                gender: groups(0),
                age_band: groups(1),
                disability: groups(2),
            },
            quarters: window
                .quarters
                .iter()
                .enumerate()
                .map(|(q, period)| QuarterFigures {
                    period: period.clone(),
                    figures: figures(s, layout.quarter(q)),
                })
                .collect(),
            peers: peers.of_subject(s, &subjects, &headlines),
            licence: LICENCE.to_string(),
        };
        each(Computed {
            scorecard,
            province: subjects.province_code(s).map(str::to_string),
            district: office
                .filter(|o| o.office_type.unit_level() != ourvoice_directory::UnitLevel::Province)
                .and_then(|o| o.unit_code.get(..4))
                .map(str::to_string),
        })?;
    }
    Ok(read)
}

/// Every subject's cells after suppression, tally after tally, [`FIELDS`] each.
fn suppressed(subjects: &Subjects, layout: Layout, tallies: &[Tally]) -> Vec<Cell> {
    let slots = layout.slots();
    let cell = |s: usize, slot: usize, field: usize| (s * slots + slot) * FIELDS + field;
    let people: Vec<u32> = tallies.iter().flat_map(|t| t.people()).collect();
    let mut sums = Sums::new();
    for s in 0..subjects.len() {
        for slot in 0..slots {
            sums_within(&mut sums, cell(s, slot, 0));
        }
        for field in 0..FIELDS {
            let year = cell(s, Layout::YEAR, field);
            sums.add(
                year,
                (0..layout.quarters).map(|q| cell(s, layout.quarter(q), field)),
            );
            for (d, codes) in DIMENSIONS.all().iter().enumerate() {
                sums.add(
                    year,
                    (0..codes.len()).map(|g| cell(s, layout.dimension(d) + g, field)),
                );
            }
        }
    }
    // Offices to their province, provinces to the country, in every period and group.
    let mut in_province: Vec<Vec<usize>> = vec![Vec::new(); subjects.provinces.len()];
    for (office, p) in subjects.province_of.iter().enumerate() {
        in_province[*p].push(office);
    }
    for slot in 0..slots {
        for field in 0..FIELDS {
            for (p, offices) in in_province.iter().enumerate() {
                sums.add(
                    cell(subjects.province(p), slot, field),
                    offices.iter().map(|o| cell(*o, slot, field)),
                );
            }
            sums.add(
                cell(subjects.national(), slot, field),
                (0..subjects.provinces.len()).map(|p| cell(subjects.province(p), slot, field)),
            );
        }
    }
    suppress(&people, &sums)
}

/// A shown value rounded to `decimals`, or hidden as its cell says.
fn figure(value: f64, decimals: i32, cell: Cell, people: u32) -> Figure<f64> {
    let scale = 10f64.powi(decimals);
    shown_or_hidden((value * scale).round() / scale, cell, people)
}

fn shown_or_hidden<T>(value: T, cell: Cell, people: u32) -> Figure<T> {
    match cell {
        Cell::Shown => Figure::Shown { value, people },
        Cell::Small => Figure::Hidden {
            hidden: Hidden::FewerThanFive,
        },
        Cell::Revealing => Figure::Hidden {
            hidden: Hidden::WouldRevealAnother,
        },
    }
}

/// The published figures of one tally, given its cells' states.
fn figures_of(tally: &Tally, cells: &[Cell]) -> Figures {
    let people = tally.people();
    let count = |field: usize| shown_or_hidden(people[field], cells[field], people[field]);
    let share = |part: u32, field: usize| -> Share {
        figure(
            f64::from(part) / f64::from(people[field].max(1)),
            2,
            cells[field],
            people[field],
        )
    };
    let days = |hours: &Hours, field: usize| -> Days {
        figure(
            hours.median_days().unwrap_or(0.0),
            1,
            cells[field],
            people[field],
        )
    };
    let stars = |i: usize| -> Stars {
        figure(
            tally.ratings[i].value(),
            1,
            cells[RATED + i],
            people[RATED + i],
        )
    };
    Figures {
        received: count(RECEIVED),
        received_by_kind: ByKind {
            complaint: count(KINDS + kind_index(Kind::Complaint)),
            support: count(KINDS + kind_index(Kind::Support)),
            information: count(KINDS + kind_index(Kind::Information)),
            evaluation: count(KINDS + kind_index(Kind::Evaluation)),
        },
        answered: share(people[ANSWERED], ASKING),
        answered_within_deadline: share(tally.within, JUDGED),
        median_days_to_first_answer: days(&tally.to_answer, ANSWERED),
        median_days_to_close: days(&tally.to_close, CLOSED),
        escalated: count(ESCALATED),
        rating: stars(0),
        rating_by_criterion: ByCriterion {
            speed: stars(1),
            staff_attitude: stars(2),
            fees_as_posted: stars(3),
            clarity_of_information: stars(4),
            facilities_and_access: stars(5),
        },
        asked_extra_payment: share(tally.extra_yes, EXTRA_SAID),
    }
}

/// The figures compared with peers, where shown.
#[derive(Clone, Copy, Debug, Default)]
struct Headline([Option<f64>; 4]);

impl Headline {
    fn of(figures: &Figures) -> Headline {
        Headline([
            figures.answered.value().copied(),
            figures.answered_within_deadline.value().copied(),
            figures.median_days_to_first_answer.value().copied(),
            figures.rating.value().copied(),
        ])
    }
}

/// How many decimals each headline figure has.
const HEADLINE_DECIMALS: [i32; 4] = [2, 2, 1, 1];

/// Sets of subjects compared with each other: each figure's shown values, sorted.
struct PeerSet {
    members: usize,
    sorted: [Vec<f64>; 4],
}

impl PeerSet {
    fn of<'a>(members: impl Iterator<Item = &'a Headline>) -> PeerSet {
        let mut sorted: [Vec<f64>; 4] = Default::default();
        let mut count = 0;
        for headline in members {
            count += 1;
            for (values, value) in sorted.iter_mut().zip(headline.0) {
                values.extend(value);
            }
        }
        for values in &mut sorted {
            values.sort_by(f64::total_cmp);
        }
        PeerSet {
            members: count,
            sorted,
        }
    }

    /// The peers' medians for a member whose own figures are `own` (left out).
    fn peers(&self, among: &str, own: &Headline) -> Peers {
        let median = |i: usize| {
            let scale = 10f64.powi(HEADLINE_DECIMALS[i]);
            median_without(&self.sorted[i], own.0[i]).map(|m| (m * scale).round() / scale)
        };
        Peers {
            among: among.to_string(),
            offices: u32::try_from(self.members.saturating_sub(1)).unwrap_or(u32::MAX),
            answered: median(0),
            answered_within_deadline: median(1),
            median_days_to_first_answer: median(2),
            rating: median(3),
        }
    }
}

/// The median of `sorted` with one value equal to `own` left out (when there is one).
fn median_without(sorted: &[f64], own: Option<f64>) -> Option<f64> {
    let skip = own.and_then(|own| {
        let at = sorted.partition_point(|v| *v < own);
        (sorted.get(at) == Some(&own)).then_some(at)
    });
    let n = sorted.len() - usize::from(skip.is_some());
    if n == 0 {
        return None;
    }
    let get = |i: usize| match skip {
        Some(skip) if i >= skip => sorted[i + 1],
        _ => sorted[i],
    };
    Some((get((n - 1) / 2) + get(n / 2)) / 2.0)
}

/// The sets each subject is compared within.
struct PeerGroups {
    /// Offices of one type in one district (commune halls), by (type, district).
    district: HashMap<(OfficeType, String), PeerSet>,
    /// Offices of one type in one province, by (type, province).
    province: HashMap<(OfficeType, String), PeerSet>,
    /// Offices of one type in the country.
    national: HashMap<OfficeType, PeerSet>,
    /// The provinces.
    provinces: PeerSet,
}

/// Where a comparison is made: the words of [`Peers::among`].
const AMONG_DISTRICT: &str = "district";
const AMONG_PROVINCE: &str = "province";
const AMONG_NATIONAL: &str = "national";

impl PeerGroups {
    fn of(subjects: &Subjects, headlines: &[Headline]) -> PeerGroups {
        let mut district: HashMap<(OfficeType, String), Vec<usize>> = HashMap::new();
        let mut province: HashMap<(OfficeType, String), Vec<usize>> = HashMap::new();
        let mut national: HashMap<OfficeType, Vec<usize>> = HashMap::new();
        for (s, office) in subjects.offices.iter().enumerate() {
            let kind = office.office_type;
            if kind == OfficeType::CommuneHall {
                if let Some(code) = office.unit_code.get(..4) {
                    district.entry((kind, code.into())).or_default().push(s);
                }
            }
            let code = subjects.provinces[subjects.province_of[s]].to_string();
            province.entry((kind, code)).or_default().push(s);
            national.entry(kind).or_default().push(s);
        }
        let set = |members: &Vec<usize>| PeerSet::of(members.iter().map(|s| &headlines[*s]));
        PeerGroups {
            district: district.iter().map(|(k, m)| (k.clone(), set(m))).collect(),
            province: province.iter().map(|(k, m)| (k.clone(), set(m))).collect(),
            national: national.iter().map(|(k, m)| (*k, set(m))).collect(),
            provinces: PeerSet::of(
                (0..subjects.provinces.len()).map(|p| &headlines[subjects.province(p)]),
            ),
        }
    }

    /// Subject `s`'s comparisons: an office's with the other offices of its type in its
    /// district (commune halls), its province (all but provincial offices) and the country; a
    /// province's with the other provinces; none for the country.
    fn of_subject(&self, s: usize, subjects: &Subjects, headlines: &[Headline]) -> Vec<Peers> {
        let own = &headlines[s];
        let Some(office) = subjects.offices.get(s) else {
            return if s < subjects.national() {
                vec![self.provinces.peers(AMONG_NATIONAL, own)]
            } else {
                Vec::new()
            };
        };
        let kind = office.office_type;
        let province = subjects.provinces[subjects.province_of[s]].to_string();
        let mut peers = Vec::new();
        if let Some(set) = office
            .unit_code
            .get(..4)
            .and_then(|code| self.district.get(&(kind, code.to_string())))
        {
            peers.push(set.peers(AMONG_DISTRICT, own));
        }
        if kind.unit_level() != ourvoice_directory::UnitLevel::Province {
            if let Some(set) = self.province.get(&(kind, province)) {
                peers.push(set.peers(AMONG_PROVINCE, own));
            }
        }
        if let Some(set) = self.national.get(&kind) {
            peers.push(set.peers(AMONG_NATIONAL, own));
        }
        peers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn twelve_months_end_with_the_last_whole_day_and_hold_cut_quarters() {
        for (last, first, labels, cut) in [
            (
                "2026-05-14",
                "2025-05-15",
                vec!["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"],
                ("2025-05-15", "2026-05-14"),
            ),
            (
                "2026-03-31",
                "2025-04-01",
                vec!["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"],
                ("2025-04-01", "2026-03-31"),
            ),
            (
                "2028-02-29",
                "2027-03-01",
                vec!["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1"],
                ("2027-03-01", "2028-02-29"),
            ),
        ] {
            let window = Window::ending(day(last));
            assert_eq!(window.first_day, day(first), "{last}");
            let got: Vec<&str> = window.quarters.iter().map(|q| q.label.as_str()).collect();
            assert_eq!(got, labels, "{last}");
            assert_eq!(window.quarters[0].first_day, day(cut.0));
            assert_eq!(window.quarters.last().unwrap().last_day, day(cut.1));
        }
        // Midnight in Cambodia is 17:00 UTC the day before.
        let window = Window::ending(day("2026-05-14"));
        assert_eq!(
            crate::clock::stamp(window.start),
            "2025-05-14T17:00:00.000Z"
        );
        assert_eq!(crate::clock::stamp(window.end), "2026-05-14T17:00:00.000Z");
        // The current day is never in: at 00:30 in Cambodia on the 15th, the last day is the
        // 14th.
        let now = DateTime::parse_from_rfc3339("2026-05-14T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(Window::before(now).last_day, day("2026-05-14"));
    }

    #[test]
    fn medians_by_the_hour() {
        let at = |hours: i64| DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::hours(hours);
        let mut hours = Hours::default();
        assert_eq!(hours.median_days(), None);
        for h in [48, 24, 72] {
            hours.add(at(0), at(h));
        }
        assert_eq!(hours.median_days(), Some(2.0));
        hours.add(at(0), at(96));
        // 24, 48, 72, 96: (48 + 72) / 2 = 60 hours = 2.5 days.
        assert_eq!(hours.median_days(), Some(2.5));
    }

    #[test]
    fn a_peer_median_leaves_the_subject_out() {
        for (sorted, own, expect) in [
            (vec![], None, None),
            (vec![0.5], Some(0.5), None),
            (vec![0.5, 0.7], Some(0.5), Some(0.7)),
            (vec![0.5, 0.7, 0.9], Some(0.7), Some(0.7)),
            (vec![0.5, 0.7, 0.9], None, Some(0.7)),
            (vec![0.5, 0.7, 0.9], Some(0.9), Some(0.6)),
            (vec![0.5, 0.5, 0.9], Some(0.5), Some(0.7)),
        ] {
            assert_eq!(median_without(&sorted, own), expect, "{sorted:?} {own:?}");
        }
    }
}
