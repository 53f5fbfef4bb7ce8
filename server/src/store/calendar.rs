//! The calendar deadlines are counted with: working days per kind, public holidays, the due
//! date of a new case, and how a due date stands today (working days left, or late).
//!
//! Guarantees: dates and weekdays are Cambodian; Saturdays, Sundays and the holidays entered are
//! not working days.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use ourvoice_protocol::{cambodia_today, Kind};
use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use super::sql::{select, FromRow, Named, Sql, Val};
use super::StoreError;

/// Working days allowed per kind.
pub fn deadlines(sql: &mut dyn Sql) -> Result<HashMap<Kind, i64>, StoreError> {
    let deadlines = select(sql, "FROM deadlines", &[])?;
    Ok(deadlines
        .into_iter()
        .map(|Deadline(kind, days)| (kind, days))
        .collect())
}

/// The working days allowed for one kind.
struct Deadline(Kind, i64);

impl FromRow for Deadline {
    const COLUMNS: &'static str = "kind, working_days";

    fn from_row(row: &Named) -> Result<Deadline, StoreError> {
        Ok(Deadline(row.code("kind")?, row.int("working_days")?))
    }
}

/// What a deadline is counted with: working days per kind, and the public holidays (which,
/// like Saturdays and Sundays, are not working days).
#[derive(Clone, Debug, Default)]
pub struct DeadlineRules {
    pub working_days: HashMap<Kind, i64>,
    pub holidays: BTreeSet<NaiveDate>,
}

impl DeadlineRules {
    /// The rules as stored, with the holidays from `now`'s date on.
    pub fn load(sql: &mut dyn Sql, now: DateTime<Utc>) -> Result<DeadlineRules, StoreError> {
        Ok(DeadlineRules {
            working_days: deadlines(sql)?,
            holidays: holiday_dates(sql, cambodia_today(now))?,
        })
    }

    /// When an item of `kind` received at `received` is due.
    pub fn due(&self, kind: Kind, received: DateTime<Utc>) -> DateTime<Utc> {
        let days = self.working_days.get(&kind).copied().unwrap_or(15);
        add_working_days(received, days, &self.holidays)
    }
}

/// `start` plus `days` working days (Monday to Friday in Cambodia, but for `holidays`), same
/// time of day.
pub fn add_working_days(
    start: DateTime<Utc>,
    days: i64,
    holidays: &BTreeSet<NaiveDate>,
) -> DateTime<Utc> {
    let mut at = start;
    let mut left = days;
    while left > 0 {
        at += Duration::days(1);
        // Dates and weekdays of deadlines are Cambodian.
        let local = cambodia_today(at);
        if is_weekday(&local) && !holidays.contains(&local) {
            left -= 1;
        }
    }
    at
}

/// The public holidays entered, from `from` on.
pub fn holiday_dates(
    sql: &mut dyn Sql,
    from: NaiveDate,
) -> Result<BTreeSet<NaiveDate>, StoreError> {
    sql.query(
        "SELECT day FROM holidays WHERE day >= $1",
        &[Val::from(from.to_string())],
    )?
    .into_iter()
    .map(|row| {
        let day = row.text(0)?;
        NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map_err(|_| StoreError::Corrupt(format!("holiday '{day}'")))
    })
    .collect()
}

/// The working days after `from` up to and including `to` (none when `to` is not after it):
/// five in every whole week, the weekdays of the rest counted one by one, less the holidays
/// that fall on a weekday in between (so a year late costs no more than a day late).
pub fn working_days_between(from: NaiveDate, to: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> i64 {
    let days = (to - from).num_days();
    if days <= 0 {
        return 0;
    }
    let weeks = days / 7;
    let rest = (from + Duration::days(weeks * 7))
        .iter_days()
        .skip(1)
        .take((days % 7) as usize)
        .filter(is_weekday)
        .count() as i64;
    let off = holidays
        .range((Bound::Excluded(from), Bound::Included(to)))
        .filter(|day| is_weekday(day))
        .count() as i64;
    weeks * 5 + rest - off
}

fn is_weekday(day: &NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Where a due date stands at a moment, in working days on Cambodia's calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Due on a later day: this many working days are left (at least 1).
    Left(i64),
    /// Due later today.
    DueToday,
    /// The deadline passed earlier today.
    LateToday,
    /// The deadline passed on an earlier day: this many working days ago (at least 1).
    Late(i64),
}

impl Standing {
    /// How `due` stands at `now`, with `holidays` not counted as working days.
    pub fn of(due: DateTime<Utc>, now: DateTime<Utc>, holidays: &BTreeSet<NaiveDate>) -> Standing {
        let (today, due_day) = (cambodia_today(now), cambodia_today(due));
        if due >= now {
            match working_days_between(today, due_day, holidays) {
                0 => Standing::DueToday,
                left => Standing::Left(left),
            }
        } else if due_day == today {
            Standing::LateToday
        } else {
            Standing::Late(working_days_between(due_day, today, holidays).max(1))
        }
    }
}

pub fn set_deadline(sql: &mut dyn Sql, kind: Kind, days: i64) -> Result<(), StoreError> {
    sql.execute(
        "UPDATE deadlines SET working_days = $2 WHERE kind = $1",
        &[Val::from(kind.as_str()), Val::Int(days)],
    )?;
    Ok(())
}

/// Every public holiday entered, by date: (`YYYY-MM-DD`, name).
pub fn holidays(sql: &mut dyn Sql) -> Result<Vec<(String, String)>, StoreError> {
    let holidays = select(sql, "FROM holidays ORDER BY day", &[])?;
    Ok(holidays
        .into_iter()
        .map(|Holiday(day, name)| (day, name))
        .collect())
}

/// A public holiday: its day (`YYYY-MM-DD`) and name.
struct Holiday(String, String);

impl FromRow for Holiday {
    const COLUMNS: &'static str = "day, name";

    fn from_row(row: &Named) -> Result<Holiday, StoreError> {
        Ok(Holiday(row.text("day")?, row.text("name")?))
    }
}

/// Enters a public holiday, or renames the one on that day.
pub fn set_holiday(sql: &mut dyn Sql, day: &str, name: &str) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO holidays (day, name) VALUES ($1, $2)
         ON CONFLICT (day) DO UPDATE SET name = excluded.name",
        &[Val::from(day), Val::from(name)],
    )?;
    Ok(())
}

/// Removes the public holiday on `day`; whether there was one.
pub fn remove_holiday(sql: &mut dyn Sql, day: &str) -> Result<bool, StoreError> {
    Ok(sql.execute("DELETE FROM holidays WHERE day = $1", &[Val::from(day)])? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_date_stands_in_working_days() {
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc)
        };
        // Monday 30 November 2026, 09:00 in Cambodia; Thursday 3 December is a holiday.
        let now = at("2026-11-30T02:00:00Z");
        let holidays: BTreeSet<NaiveDate> = [NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()].into();
        for (due, expect) in [
            ("2026-11-30T09:00:00Z", Standing::DueToday),
            ("2026-12-01T02:00:00Z", Standing::Left(1)),
            // Tuesday, Wednesday, (holiday), Friday.
            ("2026-12-04T02:00:00Z", Standing::Left(3)),
            // The next Monday: Friday's weekend does not count.
            ("2026-12-07T02:00:00Z", Standing::Left(4)),
            ("2026-11-30T01:00:00Z", Standing::LateToday),
            // Friday 27 November: one working day (Monday) late, the weekend not counted.
            ("2026-11-27T02:00:00Z", Standing::Late(1)),
            ("2026-11-24T02:00:00Z", Standing::Late(4)),
        ] {
            assert_eq!(Standing::of(at(due), now, &holidays), expect, "due {due}");
        }
        // A deadline on a Saturday (a holiday entered later can move one there) is late on
        // Monday by one working day, and on Saturday morning is due today.
        let saturday = at("2026-11-28T05:00:00Z");
        assert_eq!(Standing::of(saturday, now, &holidays), Standing::Late(1));
        assert_eq!(
            Standing::of(saturday, at("2026-11-28T01:00:00Z"), &holidays),
            Standing::DueToday
        );
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        // 2026-11-27 is a Friday (10:00 in Cambodia).
        let friday = DateTime::parse_from_rfc3339("2026-11-27T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let none = BTreeSet::new();
        // Monday 30 November and Thursday 10 December off; a holiday on a Sunday changes nothing.
        let some: BTreeSet<NaiveDate> = ["2026-11-30", "2026-12-10", "2026-12-06"]
            .into_iter()
            .map(day)
            .collect();
        for (days, holidays, expect) in [
            (1, &none, "2026-11-30T03:00:00Z"),
            (5, &none, "2026-12-04T03:00:00Z"),
            (15, &none, "2026-12-18T03:00:00Z"),
            (1, &some, "2026-12-01T03:00:00Z"),
            (5, &some, "2026-12-07T03:00:00Z"),
            (15, &some, "2026-12-22T03:00:00Z"),
        ] {
            assert_eq!(
                add_working_days(friday, days, holidays)
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                expect,
                "{days} working days, holidays {holidays:?}"
            );
        }
        // 23:30 on a Friday in Cambodia is Friday there, though past 16:00 UTC.
        let late_friday = DateTime::parse_from_rfc3339("2026-11-27T16:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            add_working_days(late_friday, 1, &none)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "2026-11-30T16:30:00Z"
        );
    }

    #[test]
    fn working_days_between_counts_as_a_walk_through_the_days_would() {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        // Holidays on weekdays and on a weekend (18 April 2026 is a Saturday).
        let holidays: BTreeSet<NaiveDate> = [
            "2026-04-14",
            "2026-04-15",
            "2026-04-18",
            "2026-05-01",
            "2026-11-09",
            "2027-01-07",
        ]
        .into_iter()
        .map(day)
        .collect();
        let walked = |from: NaiveDate, to: NaiveDate| {
            from.iter_days()
                .skip(1)
                .take_while(|d| *d <= to)
                .filter(|d| is_weekday(d) && !holidays.contains(d))
                .count() as i64
        };
        let start = day("2026-04-01");
        for first in 0..20 {
            for length in -3..400 {
                let from = start + Duration::days(first);
                let to = from + Duration::days(length);
                assert_eq!(
                    working_days_between(from, to, &holidays),
                    walked(from, to),
                    "{from} to {to}"
                );
            }
        }
    }
}
