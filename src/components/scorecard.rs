//! An office's public scorecard as a citizen reads it: plain sentences ("Answers within its
//! deadline 7 times out of 10", "People rated it 4 stars out of 5 (23 ratings)", "Half of the
//! people got a first answer within 3 days"), with simple bars and stars beside them, what
//! people sent by kind, the extra payments complaints report, every 3 months, how the office
//! compares with offices of its kind, and who wrote (folded away until opened).
//!
//! Guarantees: a hidden figure reads "fewer than 5 people — not shown" (or "not shown, to
//! protect people") and never shows a number, a bar or stars; every number is in the
//! citizen's digits; each bar and row of stars is drawn beside the sentence that says it, so
//! the sentence is its text (the drawing itself is hidden from screen readers); a scorecard
//! with no figure shown is said to have none ([`has_figures`]).

use chrono::{Datelike, NaiveDate};
use dioxus::prelude::*;
use ourvoice_protocol::scorecards::{
    Days, Figure, Figures, Group, Hidden, Peers, Scorecard, Share, Stars as MeanStars,
};
use ourvoice_protocol::{AgeBand, Code, Disability, Gender, Kind};

use crate::i18n::{Arg, Tr};
use crate::state::use_ui;

/// Whether anything of the scorecard is shown: "no figures yet" when not (the server had too
/// few people to show any figure).
pub fn has_figures(scorecard: &Scorecard) -> bool {
    let f = &scorecard.figures;
    let kinds = &f.received_by_kind;
    let counts = [
        &f.received,
        &kinds.complaint,
        &kinds.support,
        &kinds.information,
        &kinds.evaluation,
        &f.escalated,
    ];
    let measures = [
        &f.answered,
        &f.answered_within_deadline,
        &f.median_days_to_first_answer,
        &f.median_days_to_close,
        &f.rating,
        &f.asked_extra_payment,
    ];
    counts.iter().any(|c| c.value().is_some()) || measures.iter().any(|m| m.value().is_some())
}

/// A share as "7 times out of 10": never, less than once in 10 times, N times out of 10,
/// nearly every time, every time. A share that is not 0 never reads "never", nor one below 1
/// "every time".
pub fn times_out_of_ten(tr: Tr, share: f64) -> String {
    let share = share.clamp(0.0, 1.0);
    let tenths = (share * 10.0).round() as u64;
    let how = if share == 0.0 {
        "never"
    } else if share >= 1.0 {
        "all"
    } else if tenths == 0 {
        "less"
    } else if tenths == 10 {
        "almost"
    } else {
        "some"
    };
    tr.t_args(
        "scorecard-times",
        &[("how", Arg::Text(how)), ("n", Arg::Num(tenths))],
    )
}

/// A median number of days as "within 3 days" (whole days, rounded up: half took no longer),
/// "within a day" below one.
pub fn within_days(tr: Tr, days: f64) -> String {
    let whole = days.max(0.0).ceil() as u64;
    let how = if whole <= 1 { "day" } else { "days" };
    tr.t_args(
        "scorecard-within-days",
        &[("how", Arg::Text(how)), ("days", Arg::Num(whole))],
    )
}

/// A mean rating as whole stars from 1 to 5.
fn whole_stars(mean: f64) -> u64 {
    mean.round().clamp(1.0, 5.0) as u64
}

/// What a hidden figure says instead of its value.
pub fn hidden_words(tr: Tr, hidden: Hidden) -> String {
    tr.t(match hidden {
        Hidden::FewerThanFive => "scorecard-hidden",
        Hidden::WouldRevealAnother => "scorecard-hidden-protect",
    })
}

/// A share's words: "7 times out of 10 (from 23 people)", or why it is hidden.
pub fn share_words(tr: Tr, share: &Share) -> String {
    match share {
        Figure::Shown { value, people } => format!(
            "{} {}",
            times_out_of_ten(tr, *value),
            tr.t_args(
                "scorecard-from-people",
                &[("count", Arg::Num(u64::from(*people)))]
            )
        ),
        Figure::Hidden { hidden } => hidden_words(tr, *hidden),
    }
}

/// A median's words: "within 3 days", or why it is hidden.
pub fn days_words(tr: Tr, days: &Days) -> String {
    match days {
        Figure::Shown { value, .. } => within_days(tr, *value),
        Figure::Hidden { hidden } => hidden_words(tr, *hidden),
    }
}

/// A mean rating's words: "4 stars out of 5 (23 ratings)", or why it is hidden.
pub fn stars_words(tr: Tr, stars: &MeanStars) -> String {
    match stars {
        Figure::Shown { value, people } => tr.t_args(
            "scorecard-stars-value",
            &[
                ("stars", Arg::Num(whole_stars(*value))),
                ("count", Arg::Num(u64::from(*people))),
            ],
        ),
        Figure::Hidden { hidden } => hidden_words(tr, *hidden),
    }
}

/// A count's words: the number in the citizen's digits, or why it is hidden.
pub fn count_words(tr: Tr, count: &Figure<u32>) -> String {
    match count {
        Figure::Shown { value, .. } => tr.num(u64::from(*value)),
        Figure::Hidden { hidden } => hidden_words(tr, *hidden),
    }
}

/// A day as "4 December" (`ថ្ងៃទី៤ ខែធ្នូ`).
pub fn day_month(tr: Tr, day: NaiveDate) -> String {
    let month = tr.t(&format!("month-{}", day.month()));
    tr.t_args(
        "date-day-month",
        &[
            ("day", Arg::Num(u64::from(day.day()))),
            ("month", Arg::Text(&month)),
        ],
    )
}

/// A stretch of days by its months: "July – September 2026", or "December 2025" when it lies
/// in one month.
pub fn months_words(tr: Tr, first: NaiveDate, last: NaiveDate) -> String {
    let month = |day: NaiveDate| tr.t(&format!("month-{}", day.month()));
    let year = tr.num(last.year().max(0) as u64);
    if (first.year(), first.month()) == (last.year(), last.month()) {
        tr.t_args(
            "scorecard-month",
            &[
                ("month", Arg::Text(&month(first))),
                ("year", Arg::Text(&year)),
            ],
        )
    } else {
        tr.t_args(
            "scorecard-months",
            &[
                ("first", Arg::Text(&month(first))),
                ("last", Arg::Text(&month(last))),
                ("year", Arg::Text(&year)),
            ],
        )
    }
}

/// How this office's figure compares with its peers' usual one, as the comparison messages
/// select it: `more`/`less`/`same` (shares and ratings, in the tenths or whole stars people
/// read), `faster`/`slower`/`same` (days), `theirs` when this office's figure is hidden.
fn comparison(mine: Option<f64>, theirs: f64, read: fn(f64) -> i64, days: bool) -> &'static str {
    let Some(mine) = mine else { return "theirs" };
    match (read(mine).cmp(&read(theirs)), days) {
        (std::cmp::Ordering::Equal, _) => "same",
        (std::cmp::Ordering::Greater, false) => "more",
        (std::cmp::Ordering::Less, false) => "less",
        (std::cmp::Ordering::Greater, true) => "slower",
        (std::cmp::Ordering::Less, true) => "faster",
    }
}

/// The comparison sentences with one group of peers, in order: answered, within the
/// deadline, days to a first answer, rating. Only those whose peers' figure is known.
pub fn comparison_sentences(tr: Tr, figures: &Figures, peers: &Peers) -> Vec<String> {
    let tenths = |share: f64| (share.clamp(0.0, 1.0) * 10.0).round() as i64;
    let whole_days = |days: f64| days.max(0.0).ceil().max(1.0) as i64;
    let stars = |mean: f64| whole_stars(mean) as i64;
    let mut said = Vec::new();
    let mut say = |key: &str, how: &str, theirs: String| {
        said.push(tr.t_args(
            key,
            &[("how", Arg::Text(how)), ("theirs", Arg::Text(&theirs))],
        ))
    };
    if let Some(theirs) = peers.answered {
        let how = comparison(figures.answered.value().copied(), theirs, tenths, false);
        say(
            "scorecard-compare-answered",
            how,
            times_out_of_ten(tr, theirs),
        );
    }
    if let Some(theirs) = peers.answered_within_deadline {
        let mine = figures.answered_within_deadline.value().copied();
        let how = comparison(mine, theirs, tenths, false);
        say(
            "scorecard-compare-deadline",
            how,
            times_out_of_ten(tr, theirs),
        );
    }
    if let Some(theirs) = peers.median_days_to_first_answer {
        let mine = figures.median_days_to_first_answer.value().copied();
        let how = comparison(mine, theirs, whole_days, true);
        say("scorecard-compare-days", how, within_days(tr, theirs));
    }
    if let Some(theirs) = peers.rating {
        let how = comparison(figures.rating.value().copied(), theirs, stars, false);
        say("scorecard-compare-rating", how, tr.num(whole_stars(theirs)));
    }
    said
}

/// The heading of a group of peers: "Other offices of its kind in the district (12)"; `None`
/// for a group this app has no words for.
fn peers_heading(tr: Tr, peers: &Peers) -> Option<String> {
    let key = format!("scorecard-among-{}", peers.among);
    let heading = tr.t_args(&key, &[("count", Arg::Num(u64::from(peers.offices)))]);
    (heading != key).then_some(heading)
}

/// The name of a group of people (`female`, `18_24`, `yes`, `not_given`) in one split.
fn group_name<C: Code>(tr: Tr, group: &str) -> String {
    match C::parse(group) {
        Some(value) => tr.t(&format!("scorecard-group-{}", value.fluent_key())),
        None => tr.t("scorecard-group-not-given"),
    }
}

/// Ten squares, as many filled as the share's tenths: drawn beside its sentence.
#[component]
fn TenthsBar(share: f64) -> Element {
    let filled = (share.clamp(0.0, 1.0) * 10.0).round() as usize;
    rsx! {
        span { class: "tenths", "aria-hidden": "true",
            for at in 0..10usize {
                span { key: "{at}", class: if at < filled { "tenth on" } else { "tenth" } }
            }
        }
    }
}

/// Five stars, as many filled as the whole stars of the mean: drawn beside its sentence.
#[component]
fn StarRow(mean: f64) -> Element {
    let filled = whole_stars(mean) as usize;
    rsx! {
        span { class: "star-row", "aria-hidden": "true",
            for at in 0..5usize {
                span { key: "{at}", class: if at < filled { "on" } else { "" },
                    if at < filled { "★" } else { "☆" }
                }
            }
        }
    }
}

/// One measure: its words (what it is, then how much) and, when shown, its drawing.
fn measure(id: &str, label: String, words: String, drawing: Option<Element>) -> Element {
    rsx! {
        div { class: "measure", id: "{id}",
            p { strong { {label} } " " span { class: "measure-value", {words} } }
            if let Some(drawing) = drawing {
                {drawing}
            }
        }
    }
}

fn share_measure(tr: Tr, id: &str, label_key: &str, share: &Share) -> Element {
    let drawing = share
        .value()
        .map(|value| rsx! { TenthsBar { share: *value } });
    measure(id, tr.t(label_key), share_words(tr, share), drawing)
}

fn stars_measure(tr: Tr, id: &str, label: String, stars: &MeanStars) -> Element {
    let drawing = stars.value().map(|mean| rsx! { StarRow { mean: *mean } });
    measure(id, label, stars_words(tr, stars), drawing)
}

fn days_measure(tr: Tr, id: &str, label_key: &str, days: &Days) -> Element {
    measure(id, tr.t(label_key), days_words(tr, days), None)
}

/// A list of counts with bars as long as each count against the largest shown.
#[component]
fn CountRows(id: String, rows: Vec<(String, Figure<u32>)>) -> Element {
    let tr = Tr::new((use_ui().lang)());
    let largest = rows
        .iter()
        .filter_map(|(_, count)| count.value().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    rsx! {
        ul { class: "count-rows", id: "{id}",
            for (at, (label, count)) in rows.into_iter().enumerate() {
                li { key: "{at}", class: "count-row",
                    span { class: "count-label", {label} }
                    span { class: "count-value", {count_words(tr, &count)} }
                    if let Some(value) = count.value() {
                        span { class: "count-bar", "aria-hidden": "true",
                            span { style: "width: {u64::from(*value) * 100 / u64::from(largest)}%" }
                        }
                    }
                }
            }
        }
    }
}

/// The groups of one split of who wrote: how many each sent, and how often they were
/// answered within the deadline.
#[component]
fn GroupRows(id: String, heading: String, rows: Vec<(String, Figures)>) -> Element {
    let tr = Tr::new((use_ui().lang)());
    rsx! {
        h4 { {heading} }
        ul { class: "group-rows", id: "{id}",
            for (at, (name, figures)) in rows.into_iter().enumerate() {
                li { key: "{at}",
                    strong { {name} }
                    p { {tr.t("scorecard-group-sent")} " " {count_words(tr, &figures.received)} }
                    p { {tr.t("scorecard-within-deadline")} " " {share_words(tr, &figures.answered_within_deadline)} }
                }
            }
        }
    }
}

fn named_groups<C: Code>(tr: Tr, groups: &[Group]) -> Vec<(String, Figures)> {
    groups
        .iter()
        .map(|g| (group_name::<C>(tr, &g.group), g.figures.clone()))
        .collect()
}

/// Every figure of a scorecard that has some (see [`has_figures`]), in sections.
#[component]
pub fn ScorecardFigures(scorecard: Scorecard) -> Element {
    let lang = (use_ui().lang)();
    let tr = Tr::new(lang);
    let f = &scorecard.figures;
    let kinds = &f.received_by_kind;
    let by_kind = vec![
        (tr.t("scorecard-sent-total"), f.received.clone()),
        (
            tr.t(&format!("form-title-{}", Kind::Complaint.as_str())),
            kinds.complaint.clone(),
        ),
        (
            tr.t(&format!("form-title-{}", Kind::Support.as_str())),
            kinds.support.clone(),
        ),
        (
            tr.t(&format!("form-title-{}", Kind::Information.as_str())),
            kinds.information.clone(),
        ),
        (
            tr.t(&format!("form-title-{}", Kind::Evaluation.as_str())),
            kinds.evaluation.clone(),
        ),
        (tr.t("scorecard-escalated"), f.escalated.clone()),
    ];
    let criteria = &f.rating_by_criterion;
    let by_criterion = [
        ("speed", &criteria.speed),
        ("staff_attitude", &criteria.staff_attitude),
        ("fees_as_posted", &criteria.fees_as_posted),
        ("clarity_of_information", &criteria.clarity_of_information),
        ("facilities_and_access", &criteria.facilities_and_access),
    ];
    let peers: Vec<(String, Vec<String>)> = scorecard
        .peers
        .iter()
        .filter_map(|peers| {
            let said = comparison_sentences(tr, f, peers);
            Some((peers_heading(tr, peers)?, said)).filter(|(_, said)| !said.is_empty())
        })
        .collect();
    let people = &scorecard.by_people;
    let splits = [
        (
            "scorecard-gender",
            tr.t("scorecard-people-gender"),
            named_groups::<Gender>(tr, &people.gender),
        ),
        (
            "scorecard-age",
            tr.t("scorecard-people-age"),
            named_groups::<AgeBand>(tr, &people.age_band),
        ),
        (
            "scorecard-disability",
            tr.t("scorecard-people-disability"),
            named_groups::<Disability>(tr, &people.disability),
        ),
    ];
    let has_people = splits.iter().any(|(_, _, rows)| !rows.is_empty());
    rsx! {
        section { class: "card scorecard-section", id: "scorecard-answers",
            h3 { {tr.t("scorecard-section-answers")} }
            {share_measure(tr, "scorecard-answered", "scorecard-answered", &f.answered)}
            {share_measure(tr, "scorecard-within-deadline", "scorecard-within-deadline", &f.answered_within_deadline)}
            {days_measure(tr, "scorecard-first-answer", "scorecard-first-answer", &f.median_days_to_first_answer)}
            {days_measure(tr, "scorecard-closed", "scorecard-closed", &f.median_days_to_close)}
        }
        section { class: "card scorecard-section", id: "scorecard-ratings",
            h3 { {tr.t("scorecard-section-ratings")} }
            div { class: "headline", {stars_measure(tr, "scorecard-rating", tr.t("scorecard-rating"), &f.rating)} }
            for (code, stars) in by_criterion {
                {stars_measure(tr, &format!("scorecard-criterion-{code}"), tr.t(&format!("criterion-{code}")), stars)}
            }
        }
        section { class: "card scorecard-section", id: "scorecard-extra",
            h3 { {tr.t("scorecard-section-extra")} }
            {share_measure(tr, "scorecard-extra-payment", "scorecard-extra-payment", &f.asked_extra_payment)}
            p { class: "muted", {tr.t("scorecard-extra-who")} }
        }
        section { class: "card scorecard-section", id: "scorecard-sent",
            h3 { {tr.t("scorecard-section-sent")} }
            CountRows { id: "scorecard-by-kind", rows: by_kind }
        }
        if !scorecard.quarters.is_empty() {
            section { class: "card scorecard-section", id: "scorecard-quarters",
                h3 { {tr.t("scorecard-section-quarters")} }
                ol { class: "quarters",
                    for (at, quarter) in scorecard.quarters.iter().enumerate() {
                        li { key: "{at}", class: "quarter",
                            h4 { {months_words(tr, quarter.period.first_day, quarter.period.last_day)} }
                            p { {tr.t("scorecard-group-sent")} " " {count_words(tr, &quarter.figures.received)} }
                            // A quarter too few wrote in says so once.
                            if quarter.figures.received.value().is_some() {
                                {share_measure(tr, &format!("scorecard-quarter-{at}"), "scorecard-within-deadline", &quarter.figures.answered_within_deadline)}
                            }
                        }
                    }
                }
            }
        }
        if !peers.is_empty() {
            section { class: "card scorecard-section", id: "scorecard-compare",
                h3 { {tr.t("scorecard-section-compare")} }
                for (at, (heading, said)) in peers.into_iter().enumerate() {
                    div { key: "{at}", class: "peers",
                        h4 { {heading} }
                        ul {
                            for (n, sentence) in said.into_iter().enumerate() {
                                li { key: "{n}", {sentence} }
                            }
                        }
                    }
                }
            }
        }
        if has_people {
            // Folded: the same figures again, by who wrote.
            section { class: "card scorecard-section", id: "scorecard-people",
                details { class: "fold", id: "scorecard-people-fold",
                    summary { h3 { {tr.t("scorecard-section-people")} } }
                    for (id, heading, rows) in splits {
                        if !rows.is_empty() {
                            GroupRows { key: "{id}", id: id.to_string(), heading, rows }
                        }
                    }
                }
            }
        }
        p { class: "muted licence", id: "scorecard-licence",
            {tr.t_args("scorecard-licence", &[("licence", Arg::Text(&scorecard.licence))])}
        }
    }
}
