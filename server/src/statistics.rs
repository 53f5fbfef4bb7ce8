//! The ministry's statistics as tallies: one streamed read of the cases' coded fields folded
//! into counts, shares, sums of ratings and histograms of days ([`Tally`]), split by each
//! dimension of the people who wrote (gender, age band, disability). The console's dashboard
//! draws its tables from a tally; it never reads the cases itself.
//!
//! [`Dashboard`] keeps this server's newest tally and decides when to make another: a tally
//! younger than `--dashboard-max-age-seconds` is used as it is; an older one is used while a
//! new one is made in the background, unless nothing was received or done since it was made
//! (the newest case number and event sequence, two index lookups, say so). With a maximum age
//! of 0 every reader after a change waits for a new tally (what the tests ask for); otherwise
//! the first tally is made in the background as the server starts.
//!
//! Guarantees: a tally holds no free text and nothing that names a person, only counts; its
//! size grows with the offices and the spread of days, never with the number of cases; one
//! tally is made at a time per server, however many readers ask.

use chrono::{DateTime, Utc};
use ourvoice_protocol::{
    sql_list, AgeBand, CaseStatus, Code, Disability, Evaluation, Gender, Kind,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::clock::stamp;
use crate::made_once::DrawnPart;
use crate::store::cases::parse_time;
use crate::store::{Sql, Store, StoreError, Val};
use crate::AppState;

/// The value of a dimension for the people who did not answer the question about themselves.
pub const NOT_GIVEN: &str = "not_given";

/// The dimension a table is split by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum By {
    Gender,
    AgeBand,
    Disability,
}

impl By {
    pub const ALL: [By; 3] = [By::Gender, By::AgeBand, By::Disability];

    pub fn from_code(code: &str) -> Option<By> {
        By::ALL.into_iter().find(|by| by.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            By::Gender => "gender",
            By::AgeBand => "age_band",
            By::Disability => "disability",
        }
    }

    /// The columns: every code of the dimension, in the protocol's order, then "not given".
    pub fn values(self) -> Vec<&'static str> {
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

    /// The column of a stored value (`None`: not given); `None` for a code this server does
    /// not know (counted in the total only).
    fn column(self, value: Option<&str>) -> Option<usize> {
        let value = value.unwrap_or(NOT_GIVEN);
        self.values().iter().position(|known| *known == value)
    }
}

/// One aggregate per column of each dimension, and the total.
#[derive(Clone, Debug)]
pub struct Split<A> {
    columns: [Vec<A>; 3],
    pub total: A,
}

impl<A: Default + Clone> Default for Split<A> {
    fn default() -> Split<A> {
        Split {
            columns: By::ALL.map(|by| vec![A::default(); by.values().len()]),
            total: A::default(),
        }
    }
}

impl<A> Split<A> {
    /// The aggregates of `by`'s columns, in [`By::values`] order.
    pub fn columns(&self, by: By) -> &[A] {
        &self.columns[by as usize]
    }

    /// Adds one case of `person` with `add`, to its column of each dimension and the total.
    fn add(&mut self, person: &Person, add: impl Fn(&mut A)) {
        for (by, column) in By::ALL.into_iter().zip(person.columns) {
            if let Some(column) = column {
                add(&mut self.columns[by as usize][column]);
            }
        }
        add(&mut self.total);
    }
}

/// The columns of one case's author, per dimension.
struct Person {
    columns: [Option<usize>; 3],
}

/// How many of those judged said yes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share {
    pub yes: u64,
    pub of: u64,
}

impl Share {
    fn add(&mut self, yes: bool) {
        self.of += 1;
        self.yes += u64::from(yes);
    }
}

/// The sum of ratings and how many there are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ratings {
    pub sum: u64,
    pub of: u64,
}

/// Days from receipt, to the minute: how many cases took each number of minutes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Days {
    minutes: BTreeMap<i64, u64>,
    pub of: u64,
}

impl Days {
    fn add(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) {
        *self.minutes.entry((to - from).num_minutes()).or_default() += 1;
        self.of += 1;
    }

    /// The median, in days (the mean of the two middle values for an even count).
    pub fn median(&self) -> Option<f64> {
        if self.of == 0 {
            return None;
        }
        let (low, high) = ((self.of - 1) / 2, self.of / 2);
        let (mut seen, mut low_value, mut high_value) = (0, None, None);
        for (minutes, cases) in &self.minutes {
            let next = seen + cases;
            if low_value.is_none() && low < next {
                low_value = Some(*minutes);
            }
            if high < next {
                high_value = Some(*minutes);
                break;
            }
            seen = next;
        }
        let (low, high) = (low_value?, high_value?);
        Some((low + high) as f64 / 2.0 / (24.0 * 60.0))
    }
}

/// What the tables of speed hold for one kind.
#[derive(Clone, Debug, Default)]
pub struct Speed {
    pub cases: u64,
    pub first_answer: Days,
    pub close: Days,
    /// Answered by the deadline, over those answered or past the deadline unanswered.
    pub within_deadline: Share,
}

/// The criteria rated, in the dashboard's order ("overall" first).
pub const CRITERIA: [&str; 6] = [
    "overall",
    "speed",
    "staff_attitude",
    "fees_as_posted",
    "clarity_of_information",
    "facilities_and_access",
];

/// Everything the dashboard shows, of the cases received up to when it was made.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub cases: u64,
    /// By kind, in the protocol's order (every kind, even without cases).
    pub kinds: Vec<(Kind, Split<Speed>)>,
    /// By state, in the workflow's order (every state).
    pub states: Vec<(CaseStatus, Split<u64>)>,
    /// By the province of the place (its two-digit code).
    pub provinces: BTreeMap<String, Split<u64>>,
    /// By the code prefix of the answering office's type (`CS`, `OWSO`, …).
    pub office_types: BTreeMap<String, Split<u64>>,
    /// By answering office.
    pub offices: BTreeMap<String, Split<u64>>,
    /// Per criterion of [`CRITERIA`], over the evaluations that rate it.
    pub ratings: Vec<Split<Ratings>>,
    /// Complaints that say more than the posted fee was asked, over those that say.
    pub extra_payment: Split<Share>,
    /// Every case, by its author's columns (who sends feedback).
    pub people: Split<u64>,
    /// When it was made: deadlines not met by then count as missed.
    pub made_at: DateTime<Utc>,
}

impl Tally {
    fn new(made_at: DateTime<Utc>) -> Tally {
        Tally {
            kinds: Kind::ALL.iter().map(|k| (*k, Split::default())).collect(),
            states: CaseStatus::ALL
                .iter()
                .map(|s| (*s, Split::default()))
                .collect(),
            ratings: CRITERIA.iter().map(|_| Split::default()).collect(),
            made_at,
            ..Tally::default()
        }
    }

    /// Adds one case's coded fields.
    fn add(&mut self, case: &CaseFacts) {
        let now = self.made_at;
        let person = Person {
            columns: [
                By::Gender.column(case.gender.as_deref()),
                By::AgeBand.column(case.age_band.as_deref()),
                By::Disability.column(case.disability.as_deref()),
            ],
        };
        let count = |n: &mut u64| *n += 1;
        self.cases += 1;
        self.people.add(&person, count);
        if let Some((_, split)) = self.kinds.iter_mut().find(|(k, _)| k.as_str() == case.kind) {
            split.add(&person, |speed| {
                speed.cases += 1;
                if let Some(answer) = case.first_answer_at {
                    speed.first_answer.add(case.received_at, answer);
                }
                if let Some(closed) = case.closed_at {
                    speed.close.add(case.received_at, closed);
                }
                match (case.first_answer_at, case.due_at) {
                    (Some(answer), Some(due)) => speed.within_deadline.add(answer <= due),
                    (None, Some(due)) if due < now => speed.within_deadline.add(false),
                    _ => {}
                }
            });
        }
        if let Some((_, split)) = self
            .states
            .iter_mut()
            .find(|(s, _)| s.as_str() == case.status)
        {
            split.add(&person, count);
        }
        if let Some(province) = case.place.get(..2) {
            self.provinces
                .entry(province.to_string())
                .or_default()
                .add(&person, count);
        }
        if let Some(prefix) = case.office.split('-').next() {
            self.office_types
                .entry(prefix.to_string())
                .or_default()
                .add(&person, count);
        }
        match self.offices.get_mut(&case.office) {
            Some(split) => split.add(&person, count),
            None => {
                let mut split = Split::default();
                split.add(&person, count);
                self.offices.insert(case.office.clone(), split);
            }
        }
        if let Some(evaluation) = &case.evaluation {
            let named = evaluation.criteria.named();
            for (criterion, split) in CRITERIA.iter().zip(&mut self.ratings) {
                let rating = if *criterion == "overall" {
                    Some(evaluation.overall)
                } else {
                    named.iter().find(|(n, _)| n == criterion).and_then(|c| c.1)
                };
                if let Some(rating) = rating {
                    split.add(&person, |r| {
                        r.sum += u64::from(rating);
                        r.of += 1;
                    });
                }
            }
        }
        if case.kind == Kind::Complaint.as_str() {
            if let Some(asked) = case.asked_extra_payment {
                self.extra_payment.add(&person, |share| share.add(asked));
            }
        }
    }
}

/// The coded fields of one case: nothing a person wrote, nothing that names them.
struct CaseFacts {
    kind: String,
    status: String,
    office: String,
    place: String,
    gender: Option<String>,
    age_band: Option<String>,
    disability: Option<String>,
    received_at: DateTime<Utc>,
    first_answer_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    evaluation: Option<Evaluation>,
    asked_extra_payment: Option<bool>,
}

/// Reads every case once, as a stream, into a tally made at `now` (blocking: a reader's work).
pub fn tally(sql: &mut dyn Sql, now: DateTime<Utc>) -> Result<Tally, StoreError> {
    let mut tally = Tally::new(now);
    let time = |t: Option<String>| t.map(|t| parse_time(&t)).transpose();
    sql.query_each(
        "SELECT kind, status, office, place, gender, age_band, disability, received_at,
                first_answer_at, closed_at, due_at, evaluation, asked_extra_payment
         FROM cases",
        &[],
        &mut |row| {
            tally.add(&CaseFacts {
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
            });
            Ok(())
        },
    )?;
    Ok(tally)
}

/// What has been received and done so far: the newest case number and event sequence. A
/// tally made when these were the same is still true (every change to a case writes an
/// event), unless a deadline has passed since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark(i64, i64);

fn mark(sql: &mut dyn Sql) -> Result<Mark, StoreError> {
    let row = sql.query_one(
        "SELECT (SELECT COALESCE(max(number), 0) FROM cases),
                (SELECT COALESCE(max(seq), 0) FROM case_events)",
        &[],
    )?;
    Ok(Mark(row.int(0)?, row.int(1)?))
}

/// Whether an open case's deadline passed after `made` and by `now` (a tally made at `made`
/// counts it as not yet missed).
fn deadline_passed(
    sql: &mut dyn Sql,
    made: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(sql
        .query_opt(
            &format!(
                "SELECT number FROM cases WHERE status IN {} AND due_at > $1 AND due_at <= $2
                 LIMIT 1",
                sql_list(CaseStatus::OPEN)
            ),
            &[Val::from(stamp(made)), Val::from(stamp(now))],
        )?
        .is_some())
}

/// A tally, what it was made of, and what was drawn from it.
pub struct Made {
    pub tally: Tally,
    mark: Mark,
    /// Pages and files drawn from this tally, by the caller's key (so that one tally is drawn
    /// once per language and split, not once per reader).
    drawn: Mutex<HashMap<String, Arc<DrawnPart>>>,
}

impl Made {
    /// What `draw` makes of this tally under `key`, drawn (and deflated) once.
    pub fn drawn(&self, key: &str, draw: impl FnOnce(&Tally) -> String) -> Arc<DrawnPart> {
        if let Some(drawn) = self.drawn.lock().expect("not poisoned").get(key) {
            return drawn.clone();
        }
        let drawn = Arc::new(DrawnPart::new(draw(&self.tally)));
        self.drawn
            .lock()
            .expect("not poisoned")
            .insert(key.to_string(), drawn.clone());
        drawn
    }
}

/// This server's newest tally (with when it was last found true), and the one making of a
/// new one.
pub struct Dashboard {
    max_age: Duration,
    newest: Mutex<Option<(Arc<Made>, Instant)>>,
    making: Arc<tokio::sync::Mutex<()>>,
}

impl Dashboard {
    pub fn new(max_age: Duration) -> Dashboard {
        Dashboard {
            max_age,
            newest: Mutex::new(None),
            making: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// Makes the first tally in the background, so that the first readers after a start do
    /// not wait for a scan of every case (about 3.6 s at a million). Readers who arrive
    /// meanwhile wait for it, as they would for one another. Nothing is made ahead when every
    /// reader is to see a new tally anyway (a maximum age of zero).
    pub fn make_first(state: &Arc<AppState>) -> Option<tokio::task::JoinHandle<()>> {
        if state.dashboard.max_age.is_zero() {
            return None;
        }
        let making = state.dashboard.making.clone();
        let state = Arc::clone(state);
        Some(tokio::spawn(async move {
            let _making = making.lock_owned().await;
            if state.dashboard.newest().is_none() {
                if let Err(error) = state.dashboard.refresh(&state.store).await {
                    tracing::warn!(%error, "the dashboard's first tally was not made");
                }
            }
        }))
    }

    fn newest(&self) -> Option<(Arc<Made>, Instant)> {
        self.newest.lock().expect("not poisoned").clone()
    }

    /// The tally to show now (see the module's documentation).
    pub async fn current(&self, state: &Arc<AppState>) -> Result<Arc<Made>, StoreError> {
        match self.newest() {
            Some((made, checked)) if checked.elapsed() < self.max_age => Ok(made),
            Some((made, _)) if !self.max_age.is_zero() => {
                // Shown as it is while a newer one is made, by one reader at a time.
                if let Ok(making) = self.making.clone().try_lock_owned() {
                    let state = Arc::clone(state);
                    tokio::spawn(async move {
                        let _making = making;
                        if let Err(error) = state.dashboard.refresh(&state.store).await {
                            tracing::warn!(%error, "the dashboard's tally was not made");
                        }
                    });
                }
                Ok(made)
            }
            _ => {
                let arrived = Instant::now();
                let _making = self.making.lock().await;
                // A tally made or found true after this reader arrived shows everything it
                // may ask for: readers who waited together share one making.
                match self.newest() {
                    Some((made, checked)) if checked >= arrived => Ok(made),
                    _ => self.refresh(&state.store).await,
                }
            }
        }
    }

    /// Makes a new tally, unless nothing changed since the newest was made (then finds that
    /// one true as of now). The caller holds `making`.
    async fn refresh(&self, store: &Store) -> Result<Arc<Made>, StoreError> {
        let newest = self.newest().map(|(made, _)| made);
        let now = store.clock().now();
        let made = store
            .read(move |sql| {
                let mark = mark(sql)?;
                if let Some(newest) = &newest {
                    if newest.mark == mark && !deadline_passed(sql, newest.tally.made_at, now)? {
                        return Ok(newest.clone());
                    }
                }
                Ok(Arc::new(Made {
                    tally: tally(sql, now)?,
                    mark,
                    drawn: Mutex::new(HashMap::new()),
                }))
            })
            .await?;
        *self.newest.lock().expect("not poisoned") = Some((made.clone(), Instant::now()));
        Ok(made)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(minutes: &[i64]) -> Days {
        let start = DateTime::<Utc>::UNIX_EPOCH;
        let mut days = Days::default();
        for m in minutes {
            days.add(start, start + chrono::Duration::minutes(*m));
        }
        days
    }

    #[test]
    fn medians_of_the_minutes() {
        let day = 24 * 60;
        for (minutes, median) in [
            (vec![], None),
            (vec![3 * day, day, 2 * day], Some(2.0)),
            (vec![4 * day, day, 2 * day, 3 * day], Some(2.5)),
            (vec![day, day, day, 5 * day], Some(1.0)),
            (vec![day / 2], Some(0.5)),
            (vec![-day, day], Some(0.0)),
        ] {
            assert_eq!(days(&minutes).median(), median, "{minutes:?}");
        }
    }

    #[test]
    fn a_tally_grows_with_the_offices_not_the_cases() {
        let now = DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::days(400);
        let mut tally = Tally::new(now);
        for i in 0..10_000_i64 {
            let received = DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::minutes(i);
            tally.add(&CaseFacts {
                kind: Kind::Complaint.as_str().into(),
                status: CaseStatus::Answered.as_str().into(),
                office: format!("CH-1201{:02}", i % 3),
                place: "120101".into(),
                gender: Some(
                    [Gender::Female, Gender::Male][i as usize % 2]
                        .as_str()
                        .into(),
                ),
                age_band: None,
                disability: Some("shoe_size".into()),
                received_at: received,
                first_answer_at: Some(received + chrono::Duration::days(i % 4)),
                closed_at: None,
                due_at: Some(received + chrono::Duration::days(2)),
                evaluation: None,
                asked_extra_payment: Some(i % 5 == 0),
            });
        }
        assert_eq!(tally.cases, 10_000);
        assert_eq!(tally.offices.len(), 3);
        let (_, complaints) = &tally.kinds[0];
        assert_eq!(complaints.total.first_answer.minutes.len(), 4);
        assert_eq!(complaints.total.first_answer.median(), Some(1.5));
        // 0, 1 and 2 days are within the deadline of 2 days; 3 days is not.
        assert_eq!(complaints.total.within_deadline.yes, 7_500);
        assert_eq!(complaints.columns(By::Gender)[0].cases, 5_000);
        // An unknown code counts in the total only; no answer is "not given".
        assert_eq!(
            complaints
                .columns(By::Disability)
                .iter()
                .map(|s| s.cases)
                .sum::<u64>(),
            0
        );
        let not_given = By::AgeBand.values().len() - 1;
        assert_eq!(complaints.columns(By::AgeBand)[not_given].cases, 10_000);
        assert_eq!(
            tally.extra_payment.total,
            Share {
                yes: 2_000,
                of: 10_000
            }
        );
    }
}
