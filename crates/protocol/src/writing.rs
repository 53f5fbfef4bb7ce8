//! How numbers, dates and times are written for people, the same on the phone and in the
//! console: Cambodia's clock (UTC+7, no daylight saving), Khmer digits (០–៩) in Khmer, and the
//! day before the month.
//!
//! Guarantees: one definition of Cambodia's offset, used for the date rules (an incident date
//! may not be after today in Cambodia) and for every time shown; machine-readable forms (CSV,
//! the API) keep ASCII digits and ISO dates.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

use crate::Lang;

/// Cambodia's offset from UTC (UTC+7, no daylight saving), in seconds: date rules are checked
/// against the date in Cambodia.
pub const CAMBODIA_UTC_OFFSET_SECONDS: i32 = 7 * 3600;

/// Cambodia's time zone (UTC+7).
pub fn cambodia() -> FixedOffset {
    FixedOffset::east_opt(CAMBODIA_UTC_OFFSET_SECONDS).expect("UTC+7 is a valid offset")
}

/// The date in Cambodia at `now`: the day date rules are checked against.
pub fn cambodia_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&cambodia()).date_naive()
}

/// `text` with its ASCII digits written as Khmer digits (០–៩); everything else kept.
pub fn khmer_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32('០' as u32 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// `text` with the digits of `lang`.
pub fn digits(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Km => khmer_digits(text),
        Lang::En => text.to_string(),
    }
}

/// A count in the digits of `lang`.
pub fn number(lang: Lang, n: u64) -> String {
    digits(lang, &n.to_string())
}

/// A date in a table: day, month, year (`៣០/១១/២០២៦`, `30/11/2026`).
pub fn short_date(lang: Lang, date: NaiveDate) -> String {
    // Written from the date's parts: a console page writes hundreds of dates, and chrono's
    // `format` reads its pattern again for each.
    let (day, month, year) = (date.day(), date.month(), date.year());
    digits(lang, &format!("{day:02}/{month:02}/{year:04}"))
}

/// A moment in a table, on Cambodia's clock: `៣០/១១/២០២៦ ០៩:០០`, `30/11/2026 09:00`.
pub fn short_date_time(lang: Lang, time: DateTime<Utc>) -> String {
    let there = time.with_timezone(&cambodia());
    let (day, month, year) = (there.day(), there.month(), there.year());
    let (hour, minute) = (there.hour(), there.minute());
    digits(
        lang,
        &format!("{day:02}/{month:02}/{year:04} {hour:02}:{minute:02}"),
    )
}

/// A moment for machines (CSV files), on Cambodia's clock: `2026-11-30 09:00`.
pub fn iso_date_time(time: DateTime<Utc>) -> String {
    let there = time.with_timezone(&cambodia());
    let (day, month, year) = (there.day(), there.month(), there.year());
    let (hour, minute) = (there.hour(), there.minute());
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn cambodia_is_seven_hours_ahead_of_utc() {
        let evening = Utc.with_ymd_and_hms(2026, 11, 28, 17, 30, 0).unwrap();
        let there = evening.with_timezone(&cambodia());
        assert_eq!(there.to_rfc3339(), "2026-11-29T00:30:00+07:00");
        assert_eq!(cambodia_today(evening).to_string(), "2026-11-29");
    }

    #[test]
    fn written_for_people_and_for_machines() {
        let morning = Utc.with_ymd_and_hms(2026, 11, 30, 2, 5, 0).unwrap();
        // (language, what a person reads)
        for (lang, expected) in [
            (Lang::Km, "៣០/១១/២០២៦ ០៩:០៥"),
            (Lang::En, "30/11/2026 09:05"),
        ] {
            assert_eq!(short_date_time(lang, morning), expected);
        }
        assert_eq!(iso_date_time(morning), "2026-11-30 09:05");
        let day = NaiveDate::from_ymd_opt(2026, 1, 7).unwrap();
        assert_eq!(short_date(Lang::Km, day), "០៧/០១/២០២៦");
        assert_eq!(number(Lang::Km, 1209), "១២០៩");
        assert_eq!(number(Lang::En, 1209), "1209");
        assert_eq!(khmer_digits("OV-12 ខែ"), "OV-១២ ខែ");
    }

    #[test]
    fn written_from_the_parts_as_chrono_would_write_them() {
        // Every hour and a few minutes of two years, across both ends of Cambodia's day.
        let start = Utc.with_ymd_and_hms(2025, 12, 31, 16, 59, 0).unwrap();
        for hours in 0..(2 * 366 * 24) {
            let time = start + chrono::Duration::minutes(hours * 60 + hours % 60);
            let there = time.with_timezone(&cambodia());
            let (people, machines) = (
                there.format("%d/%m/%Y %H:%M").to_string(),
                there.format("%Y-%m-%d %H:%M").to_string(),
            );
            assert_eq!(short_date_time(Lang::En, time), people);
            assert_eq!(short_date_time(Lang::Km, time), khmer_digits(&people));
            assert_eq!(iso_date_time(time), machines);
            assert_eq!(
                short_date(Lang::En, there.date_naive()),
                there.format("%d/%m/%Y").to_string()
            );
        }
    }
}
