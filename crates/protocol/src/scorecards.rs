//! Public scorecards: how an office (or a province's or the country's offices) answers its
//! citizens, as anyone may read it — in the app, on the public web pages and as open data.
//!
//! - `GET {API_PREFIX}/scorecards/{office}` answers the office's [`Scorecard`] as JSON, with an
//!   `ETag` (a conditional request with `If-None-Match` is answered 304), so the app keeps the
//!   scorecards of the citizen's recent places and refreshes them like the directory.
//! - The same figures are on the public web pages and in the open data downloads (CSV with a
//!   BOM, JSON), under [`LICENCE`].
//!
//! Guarantees (the server's, which these types make visible):
//! - A scorecard holds only counts, shares, medians and mean ratings of coded fields: never free
//!   text, a reply, a contact detail or anything about a single case.
//! - Every figure computed from fewer than [`MIN_PEOPLE`] people is [`Figure::Hidden`] with
//!   [`Hidden::FewerThanFive`]: no number at all, so it cannot be read as a count, a share or a
//!   number of days. Where a hidden count could be worked out from the figures beside it (a total
//!   minus the other parts), one more figure is hidden with [`Hidden::WouldRevealAnother`].
//! - The figures end with the last whole day in Cambodia ([`Scorecard::last_day`]): the current,
//!   unfinished day is never counted, so a page watched live cannot tell who just wrote.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The fewest people a shown figure may stand for.
pub const MIN_PEOPLE: u32 = 5;

/// The licence of the published figures (pages, downloads and the API alike).
pub const LICENCE: &str = "CC BY 4.0";
/// Where the licence's text is.
pub const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";

/// One published figure: its value and how many people it was computed from, or hidden.
///
/// On the wire a shown figure is `{"value": 0.7, "people": 23}` and a hidden one
/// `{"hidden": "fewer_than_5"}` (or `"would_reveal_another"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Figure<T> {
    Shown { value: T, people: u32 },
    Hidden { hidden: Hidden },
}

impl<T> Figure<T> {
    /// The figure computed from `people` people: shown when they are at least [`MIN_PEOPLE`].
    pub fn of(value: T, people: u32) -> Figure<T> {
        if people >= MIN_PEOPLE {
            Figure::Shown { value, people }
        } else {
            Figure::Hidden {
                hidden: Hidden::FewerThanFive,
            }
        }
    }

    /// The shown value, if any.
    pub fn value(&self) -> Option<&T> {
        match self {
            Figure::Shown { value, .. } => Some(value),
            Figure::Hidden { .. } => None,
        }
    }

    /// How many people the shown figure stands for.
    pub fn people(&self) -> Option<u32> {
        match self {
            Figure::Shown { people, .. } => Some(*people),
            Figure::Hidden { .. } => None,
        }
    }
}

/// Why a figure is not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hidden {
    /// Fewer than [`MIN_PEOPLE`] people stand behind it.
    #[serde(rename = "fewer_than_5")]
    FewerThanFive,
    /// Shown, it would let a hidden figure beside it be worked out.
    WouldRevealAnother,
}

/// A number of people (or of items, one per person).
pub type Count = Figure<u32>;
/// A share between 0 and 1 (two decimals) of the people it stands for.
pub type Share = Figure<f64>;
/// A median number of days (one decimal).
pub type Days = Figure<f64>;
/// A mean rating from 1 to 5 stars (one decimal); `people` is the number of ratings.
pub type Stars = Figure<f64>;

/// The group of the people who did not answer a question about themselves
/// ([`Group::group`]).
pub const NOT_GIVEN: &str = "not_given";
/// The label of the twelve months' [`Period`].
pub const TWELVE_MONTHS: &str = "12-months";

/// Which offices a scorecard is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "level", rename_all = "snake_case")]
pub enum Subject {
    /// One office, by its code (`CH-120101`, `OWSO-1201`, …).
    Office { code: String },
    /// Every office of one province, by the province's code (`12`).
    Province { code: String },
    /// Every office in the country.
    National,
}

/// Feedback received, by kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ByKind {
    pub complaint: Count,
    pub support: Count,
    pub information: Count,
    pub evaluation: Count,
}

/// Mean ratings per evaluation criterion (the criteria of [`crate::Criteria`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ByCriterion {
    pub speed: Stars,
    pub staff_attitude: Stars,
    pub fees_as_posted: Stars,
    pub clarity_of_information: Stars,
    pub facilities_and_access: Stars,
}

/// The figures of one group of people over one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Feedback received (every kind).
    pub received: Count,
    pub received_by_kind: ByKind,
    /// Of the feedback that asks for an answer (all but evaluations), the share answered.
    pub answered: Share,
    /// Of the feedback that asks for an answer and whose outcome is known (answered, or past
    /// its deadline unanswered), the share first answered by its deadline.
    pub answered_within_deadline: Share,
    /// Median days from receipt to the first answer, over the answered feedback that asks for
    /// one.
    pub median_days_to_first_answer: Days,
    /// Median days from receipt to closing, over the closed feedback that asks for an answer.
    pub median_days_to_close: Days,
    /// Items escalated to the office above (a part of `received`).
    pub escalated: Count,
    /// Mean overall rating of the office's service.
    pub rating: Stars,
    pub rating_by_criterion: ByCriterion,
    /// Of the complaints, the share that report being asked to pay more than the posted fee.
    pub asked_extra_payment: Share,
}

/// A stretch of whole days (both ends included, Cambodian dates).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// `2026-Q3` for a calendar quarter (possibly cut by the twelve months' ends), `12-months`
    /// for the whole.
    pub label: String,
}

/// One group of people by an answer about themselves: the code of the answer (`female`,
/// `18_24`, `yes`, …) or `not_given` for those who did not say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub group: String,
    pub figures: Figures,
}

/// The figures of the twelve months split by who wrote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ByPeople {
    pub gender: Vec<Group>,
    pub age_band: Vec<Group>,
    pub disability: Vec<Group>,
}

/// How the subject compares: for each headline figure, the median over other subjects of the
/// same type (offices of the same type in the district, in the province, in the country) whose
/// figure is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peers {
    /// `district`, `province` or `national`.
    pub among: String,
    /// How many other subjects there are to compare with; each median is taken over those of
    /// them whose figure is shown, and is `None` when none is.
    pub offices: u32,
    pub answered: Option<f64>,
    pub answered_within_deadline: Option<f64>,
    pub median_days_to_first_answer: Option<f64>,
    pub rating: Option<f64>,
}

/// Everything published about one subject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub subject: Subject,
    /// The office type (`commune_hall`, `owso`, …) for an office's scorecard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_type: Option<String>,
    /// The last whole day counted (yesterday in Cambodia when the figures were made).
    pub last_day: NaiveDate,
    /// The twelve months ending with [`Scorecard::last_day`].
    pub year: Period,
    pub figures: Figures,
    /// The twelve months by who wrote.
    pub by_people: ByPeople,
    /// The calendar quarters within the twelve months, oldest first, each with its figures.
    pub quarters: Vec<QuarterFigures>,
    /// Comparisons (empty for the national scorecard).
    pub peers: Vec<Peers>,
    pub licence: String,
}

/// One quarter's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuarterFigures {
    pub period: Period,
    pub figures: Figures,
}

/// One office's figures in a bulk download.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfficeFigures {
    /// The office's code (`CH-120101`).
    pub office: String,
    pub office_type: String,
    /// The province's code (`12`).
    pub province: String,
    /// The district's code (`1201`), for offices of a district or a commune.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    pub figures: Figures,
}

/// A bulk download of open data: every office's figures over one period (a quarter, or the
/// twelve months), as [`Scorecard`]s show them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfficesFile {
    pub licence: String,
    pub licence_url: String,
    /// The last whole day counted by the set of figures this file is part of.
    pub last_day: NaiveDate,
    pub period: Period,
    pub offices: Vec<OfficeFigures>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_from_fewer_than_five_people_has_no_number() {
        let small: Count = Figure::of(4, 4);
        assert_eq!(
            serde_json::to_value(&small).unwrap(),
            serde_json::json!({"hidden": "fewer_than_5"})
        );
        assert_eq!(small.value(), None);
        let shown: Share = Figure::of(0.7, 5);
        assert_eq!(
            serde_json::to_value(&shown).unwrap(),
            serde_json::json!({"value": 0.7, "people": 5})
        );
        let back: Share =
            serde_json::from_value(serde_json::json!({"value": 0.7, "people": 5})).unwrap();
        assert_eq!(back, shown);
        let hidden: Share =
            serde_json::from_value(serde_json::json!({"hidden": "would_reveal_another"})).unwrap();
        assert_eq!(
            hidden,
            Figure::Hidden {
                hidden: Hidden::WouldRevealAnother
            }
        );
    }

    #[test]
    fn subjects_on_the_wire() {
        assert_eq!(
            serde_json::to_value(Subject::Office {
                code: "CH-120101".into()
            })
            .unwrap(),
            serde_json::json!({"level": "office", "code": "CH-120101"})
        );
        assert_eq!(
            serde_json::to_value(Subject::National).unwrap(),
            serde_json::json!({"level": "national"})
        );
    }
}
