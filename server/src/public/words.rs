//! The published figures written for people, in the page's language: counts, shares ("7 times
//! out of 10", "70%"), days, stars, dates and quarters, with Khmer digits in Khmer.
//!
//! Guarantees: a hidden figure is written only as words ("fewer than 5 people", "hidden"),
//! never with a number or a unit that would read as days or a share; a share that is neither
//! none nor all is never written as 0 or 10 out of 10.

use chrono::{Datelike, NaiveDate};
use fluent_bundle::FluentValue;
use maud::{html, Markup};
use ourvoice_protocol::scorecards::{Figure, Hidden, Period};

use crate::html::Shown;
use crate::i18n::{Lang, Tr};

/// A figure as a page writes it: its words, or why it is hidden.
#[derive(Clone, Debug, PartialEq)]
pub enum Written {
    Shown(String),
    Hidden(Hidden),
}

impl Written {
    /// The words of the figure, whether shown or hidden.
    pub fn text(&self, tr: &Tr) -> String {
        match self {
            Written::Shown(text) => text.clone(),
            Written::Hidden(hidden) => hidden_words(tr, *hidden),
        }
    }

    /// The figure in a page: `<span class="fig">`, with `hidden` added for a hidden one.
    pub fn markup(&self, tr: &Tr) -> Markup {
        match self {
            Written::Shown(text) => html! { span.fig { (Shown(text)) } },
            Written::Hidden(hidden) => {
                html! { span.fig.hidden { (Shown(&hidden_words(tr, *hidden))) } }
            }
        }
    }
}

/// Why a figure is not shown, in words.
pub fn hidden_words(tr: &Tr, hidden: Hidden) -> String {
    match hidden {
        Hidden::FewerThanFive => tr.t("open-fewer-than-five"),
        Hidden::WouldRevealAnother => tr.t("open-hidden-other"),
    }
}

/// `figure` written by `write` when shown.
fn written<T>(figure: &Figure<T>, write: impl FnOnce(&T) -> String) -> Written {
    match figure {
        Figure::Shown { value, .. } => Written::Shown(write(value)),
        Figure::Hidden { hidden } => Written::Hidden(*hidden),
    }
}

/// A number with at most one decimal (none when whole), in the language's digits.
pub fn decimal(lang: Lang, value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    ourvoice_protocol::writing::digits(lang, &text)
}

/// A decimal as a message's argument: Khmer digits in Khmer (one plural form), the number in
/// English (for `[one]`).
fn decimal_arg(tr: &Tr, value: f64) -> FluentValue<'static> {
    match tr.lang {
        Lang::Km => FluentValue::from(decimal(tr.lang, value)),
        Lang::En => FluentValue::from((value * 10.0).round() / 10.0),
    }
}

/// A count: `123`, `១២៣`.
pub fn count(tr: &Tr, figure: &Figure<u32>) -> Written {
    written(figure, |n| tr.num(i64::from(*n)))
}

/// A share as a percentage: `70%`.
pub fn percent(tr: &Tr, figure: &Figure<f64>) -> Written {
    written(figure, |share| percent_of(tr, *share))
}

/// A share between 0 and 1 as a percentage.
pub fn percent_of(tr: &Tr, share: f64) -> String {
    let n = (share * 100.0).round().clamp(0.0, 100.0) as i64;
    tr.a("open-percent", &[("n", tr.count(n))])
}

/// A median number of days: `3.5 days`.
pub fn days(tr: &Tr, figure: &Figure<f64>) -> Written {
    written(figure, |days| days_of(tr, *days))
}

pub fn days_of(tr: &Tr, days: f64) -> String {
    tr.a("open-days", &[("days", decimal_arg(tr, days))])
}

/// A mean rating: `3.8 out of 5`.
pub fn stars(tr: &Tr, figure: &Figure<f64>) -> Written {
    written(figure, |stars| stars_of(tr, *stars))
}

pub fn stars_of(tr: &Tr, stars: f64) -> String {
    tr.a("open-stars", &[("stars", decimal_arg(tr, stars))])
}

/// Out of ten, rounded, but never 0 for a share above none nor 10 for one below all.
pub fn out_of(share: f64, whole: f64) -> i64 {
    let n = (share * whole).round().clamp(0.0, whole);
    let n = if share > 0.0 && n == 0.0 {
        1.0
    } else if share < 1.0 && n == whole {
        whole - 1.0
    } else {
        n
    };
    n as i64
}

/// A share as plain words: `7 times out of 10`.
pub fn times_in_ten(tr: &Tr, share: f64) -> String {
    tr.a("open-times-in-ten", &[("n", tr.count(out_of(share, 10.0)))])
}

/// A share as plain words: `3 in 100`.
pub fn in_hundred(tr: &Tr, share: f64) -> String {
    tr.a("open-in-hundred", &[("n", tr.count(out_of(share, 100.0)))])
}

fn month(tr: &Tr, date: NaiveDate) -> String {
    tr.t(&format!("open-month-{}", date.month()))
}

fn year(tr: &Tr, date: NaiveDate) -> String {
    tr.num(i64::from(date.year()))
}

/// A day written out, day before month: `4 December 2026`, `ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៦`.
pub fn date(tr: &Tr, date: NaiveDate) -> String {
    tr.a(
        "open-date",
        &[
            ("day", FluentValue::from(tr.num(i64::from(date.day())))),
            ("month", FluentValue::from(month(tr, date))),
            ("year", FluentValue::from(year(tr, date))),
        ],
    )
}

/// A month's short name (`Dec`; in Khmer the name, which is short).
fn short_month(tr: &Tr, date: NaiveDate) -> String {
    tr.t(&format!("open-month-short-{}", date.month()))
}

/// A quarter (or the part of one within the twelve months), shortly, by its months: `Jul–Sep
/// 2026`, `Oct 2026`; a part that does not start on the 1st or end on the month's last day by
/// its days: `5–31 Dec 2025`, `1 Oct – 4 Dec 2026`.
pub fn period(tr: &Tr, period: &Period) -> String {
    let (first, last) = (period.first_day, period.last_day);
    let day = |date: NaiveDate| FluentValue::from(tr.num(i64::from(date.day())));
    let whole_months = first.day() == 1 && last.succ_opt().is_none_or(|next| next.day() == 1);
    let same_month = first.month() == last.month() && first.year() == last.year();
    let (key, args) = match (whole_months, same_month) {
        (true, true) => (
            "open-month-year",
            vec![("month", FluentValue::from(short_month(tr, first)))],
        ),
        (true, false) => (
            "open-months",
            vec![
                ("first", FluentValue::from(short_month(tr, first))),
                ("last", FluentValue::from(short_month(tr, last))),
            ],
        ),
        (false, true) => (
            "open-period-days-month",
            vec![
                ("firstday", day(first)),
                ("lastday", day(last)),
                ("month", FluentValue::from(short_month(tr, last))),
            ],
        ),
        (false, false) => (
            "open-period-days",
            vec![
                ("firstday", day(first)),
                ("firstmonth", FluentValue::from(short_month(tr, first))),
                ("lastday", day(last)),
                ("lastmonth", FluentValue::from(short_month(tr, last))),
            ],
        ),
    };
    let mut args = args;
    args.push(("year", FluentValue::from(year(tr, last))));
    tr.a(key, &args)
}

/// A quarter by its months alone, for a chart (the table beside it gives the days): `Nov–Dec
/// 2025`, `Oct 2026`.
pub fn period_months(tr: &Tr, period: &Period) -> String {
    let (first, last) = (period.first_day, period.last_day);
    if first.month() == last.month() {
        return tr.a(
            "open-month-year",
            &[
                ("month", FluentValue::from(short_month(tr, first))),
                ("year", FluentValue::from(year(tr, last))),
            ],
        );
    }
    tr.a(
        "open-months",
        &[
            ("first", FluentValue::from(short_month(tr, first))),
            ("last", FluentValue::from(short_month(tr, last))),
            ("year", FluentValue::from(year(tr, last))),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KM: Tr = Tr { lang: Lang::Km };
    const EN: Tr = Tr { lang: Lang::En };

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn shares_in_plain_words() {
        // (share, out of ten, in a hundred)
        for (share, ten, hundred) in [
            (0.0, 0, 0),
            (0.004, 1, 1),
            (0.04, 1, 4),
            (0.7, 7, 70),
            (0.74, 7, 74),
            (0.96, 9, 96),
            (0.999, 9, 99),
            (1.0, 10, 100),
        ] {
            assert_eq!(out_of(share, 10.0), ten, "{share}");
            assert_eq!(out_of(share, 100.0), hundred, "{share}");
        }
        assert_eq!(times_in_ten(&EN, 0.7), "7 times out of 10");
        assert_eq!(times_in_ten(&KM, 0.7), "៧ ដង ក្នុងចំណោម ១០ ដង");
        assert_eq!(in_hundred(&EN, 0.03), "3 in 100");
        assert_eq!(percent_of(&KM, 0.7), "៧០%");
    }

    #[test]
    fn numbers_days_and_stars() {
        assert_eq!(decimal(Lang::En, 3.0), "3");
        assert_eq!(decimal(Lang::En, 3.46), "3.5");
        assert_eq!(decimal(Lang::Km, 12.25), "១២.៣");
        assert_eq!(days_of(&EN, 1.0), "1 day");
        assert_eq!(days_of(&EN, 1.5), "1.5 days");
        assert_eq!(days_of(&KM, 4.0), "៤ ថ្ងៃ");
        assert_eq!(stars_of(&EN, 3.84), "3.8 out of 5");
        assert_eq!(stars_of(&KM, 4.0), "៤ ផ្កាយ ក្នុងចំណោម ៥");
    }

    #[test]
    fn hidden_figures_are_words_only() {
        let hidden: Figure<f64> = Figure::of(3.5, 4);
        for tr in [KM, EN] {
            for written in [
                days(&tr, &hidden),
                percent(&tr, &hidden),
                stars(&tr, &hidden),
            ] {
                assert_eq!(written, Written::Hidden(Hidden::FewerThanFive));
                assert_eq!(written.text(&tr), tr.t("open-fewer-than-five"));
            }
        }
        assert_eq!(
            Written::Hidden(Hidden::FewerThanFive)
                .markup(&KM)
                .into_string(),
            "<span class=\"fig hidden\">តិចជាង ៥ នាក់</span>"
        );
        assert_eq!(
            Written::Hidden(Hidden::WouldRevealAnother).text(&EN),
            "hidden"
        );
        assert_eq!(count(&EN, &Figure::of(12, 12)), Written::Shown("12".into()));
    }

    #[test]
    fn dates_and_quarters() {
        assert_eq!(date(&EN, day(2026, 12, 4)), "4 December 2026");
        assert_eq!(date(&KM, day(2026, 12, 4)), "ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៦");
        let quarter = |first, last| Period {
            first_day: first,
            last_day: last,
            label: String::new(),
        };
        // (first day, last day, English, Khmer)
        for (first, last, en, km) in [
            (
                day(2026, 7, 1),
                day(2026, 9, 30),
                "Jul–Sep 2026",
                "កក្កដា–កញ្ញា ២០២៦",
            ),
            (day(2026, 10, 1), day(2026, 10, 31), "Oct 2026", "តុលា ២០២៦"),
            (
                day(2025, 12, 5),
                day(2025, 12, 31),
                "5–31 Dec 2025",
                "៥–៣១ ធ្នូ ២០២៥",
            ),
            (
                day(2025, 11, 5),
                day(2025, 12, 31),
                "5 Nov – 31 Dec 2025",
                "៥ វិច្ឆិកា – ៣១ ធ្នូ ២០២៥",
            ),
            (
                day(2026, 10, 1),
                day(2026, 12, 4),
                "1 Oct – 4 Dec 2026",
                "១ តុលា – ៤ ធ្នូ ២០២៦",
            ),
        ] {
            assert_eq!(period(&EN, &quarter(first, last)), en);
            assert_eq!(period(&KM, &quarter(first, last)), km);
        }
        let cut = quarter(day(2025, 11, 21), day(2025, 12, 31));
        assert_eq!(period_months(&EN, &cut), "Nov–Dec 2025");
        assert_eq!(period_months(&KM, &cut), "វិច្ឆិកា–ធ្នូ ២០២៥");
    }
}
