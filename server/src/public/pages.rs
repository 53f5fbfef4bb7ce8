//! The three public pages, made from published scorecards and the directory: the country
//! (its figures and each province's), a province (its figures and each office's, by district)
//! and an office (its twelve months, each quarter, its ratings, who wrote, and its peers).
//!
//! Guarantees: a page shows only what a [`Scorecard`] holds (counts, shares, medians, mean
//! ratings) and names from the directory and the Fluent files; the scorecard's own strings are
//! never shown (a group or a comparison whose code is not one of ours is left out, a quarter is
//! named by its dates); a hidden figure is shown as words only (see [`words`]).

use maud::{html, Markup};
use ourvoice_directory::{Directory, Office, OfficeType, Unit};
use ourvoice_protocol::scorecards::{
    ByKind, ByPeople, Figure, Figures, Group, Hidden, Peers, QuarterFigures, Scorecard, Subject,
    LICENCE, LICENCE_URL,
};
use ourvoice_protocol::{AgeBand, Code, Disability, Gender, Kind};

use super::charts::{self, Bar};
use super::frame::{self, Frame, Step};
use super::words::{self, Written};
use crate::html::Shown;
use crate::i18n::Tr;

/// A page ready to send: its title and its whole HTML.
pub struct Page {
    pub title: String,
    pub html: String,
}

/// Where a page's figures can be downloaded.
pub struct Downloads {
    pub csv: String,
    pub json: String,
}

/// A group of people's answer that is not one of the protocol's codes.
const NOT_GIVEN: &str = "not_given";

/// The twelve months' figures of one office or province in a list, with its page.
pub struct Row<'a> {
    pub label: String,
    pub path: String,
    pub figures: Option<&'a Figures>,
}

fn period_lines(tr: &Tr, card: &Scorecard) -> Markup {
    let period = tr.a(
        "open-period",
        &[
            ("first", words::date(tr, card.year.first_day).into()),
            ("last", words::date(tr, card.year.last_day).into()),
        ],
    );
    let up_to = tr.a(
        "open-up-to",
        &[("date", words::date(tr, card.last_day).into())],
    );
    html! {
        p.period { (Shown(&period)) " " (Shown(&up_to)) }
    }
}

/// A hidden fact: its label and why it is hidden.
fn hidden_fact(tr: &Tr, label_key: &str, hidden: Hidden) -> Markup {
    let text = tr.a(
        "open-fact-hidden",
        &[
            ("label", tr.t(label_key).into()),
            ("hidden", words::hidden_words(tr, hidden).into()),
        ],
    );
    html! { li.hidden { (Shown(&text)) } }
}

/// One fact: its sentence when shown (made by `sentence` from the value and its people), its
/// label and the reason when hidden.
fn fact<T>(
    tr: &Tr,
    figure: &Figure<T>,
    label_key: &str,
    sentence: impl FnOnce(&T, u32) -> String,
) -> Markup {
    match figure {
        Figure::Shown { value, people } => html! { li { (Shown(&sentence(value, *people))) } },
        Figure::Hidden { hidden } => hidden_fact(tr, label_key, *hidden),
    }
}

/// The headline facts in plain sentences.
fn facts(tr: &Tr, figures: &Figures) -> Markup {
    html! {
        section.facts aria-labelledby="facts" {
            h2 #facts { (tr.h("open-section-facts")) }
            ul.facts {
                (fact(tr, &figures.received, "open-fact-received-label", |n, _| {
                    tr.a("open-fact-received", &[("n", tr.count(i64::from(*n)))])
                }))
                (fact(tr, &figures.answered, "open-fact-answered-label", |share, _| {
                    tr.a("open-fact-answered", &[("times", words::times_in_ten(tr, *share).into())])
                }))
                (fact(tr, &figures.answered_within_deadline, "open-fact-within-deadline-label", |share, _| {
                    tr.a("open-fact-within-deadline", &[("times", words::times_in_ten(tr, *share).into())])
                }))
                (fact(tr, &figures.median_days_to_first_answer, "open-fact-first-answer-label", |days, _| {
                    tr.a("open-fact-first-answer", &[("days", words::days_of(tr, *days).into())])
                }))
                (fact(tr, &figures.median_days_to_close, "open-fact-close-label", |days, _| {
                    tr.a("open-fact-close", &[("days", words::days_of(tr, *days).into())])
                }))
                (fact(tr, &figures.escalated, "open-fact-escalated-label", |n, _| {
                    tr.a("open-fact-escalated", &[("n", tr.count(i64::from(*n)))])
                }))
                (fact(tr, &figures.rating, "open-fact-rating-label", |stars, people| {
                    tr.a("open-fact-rating", &[
                        ("stars", words::stars_of(tr, *stars).into()),
                        ("n", tr.count(i64::from(people))),
                    ])
                }))
                (fact(tr, &figures.asked_extra_payment, "open-fact-extra-payment-label", |share, _| {
                    tr.a("open-fact-extra-payment", &[("share", words::in_hundred(tr, *share).into())])
                }))
            }
        }
    }
}

/// What a screen reader says of a chart: its title (`title_key`), then each value in words.
fn said(tr: &Tr, title_key: &str, bars: &[Bar]) -> String {
    let values: Vec<String> = bars
        .iter()
        .map(|bar| {
            tr.a(
                "open-chart-value",
                &[
                    ("label", bar.label.clone().into()),
                    ("words", bar.words.clone().into()),
                ],
            )
        })
        .collect();
    tr.a(
        "open-chart-said",
        &[
            ("title", tr.t(title_key).into()),
            ("values", values.join(&tr.t("open-chart-separator")).into()),
        ],
    )
}

/// A count as a chart's value (none when hidden) and words.
fn count_bar(tr: &Tr, label: String, figure: &Figure<u32>) -> Bar {
    Bar {
        label,
        value: figure.value().map(|n| f64::from(*n)),
        words: words::count(tr, figure).text(tr),
    }
}

/// What people sent, by kind: a bar table.
fn kinds(tr: &Tr, by_kind: &ByKind) -> Markup {
    let bars: Vec<Bar> = Kind::ALL
        .iter()
        .map(|kind| {
            let figure = match kind {
                Kind::Complaint => &by_kind.complaint,
                Kind::Support => &by_kind.support,
                Kind::Information => &by_kind.information,
                Kind::Evaluation => &by_kind.evaluation,
            };
            count_bar(tr, tr.t(&kind.fluent_key()), figure)
        })
        .collect();
    html! {
        section aria-labelledby="kinds" {
            h2 #kinds { (tr.h("open-section-kinds")) }
            table {
                caption.visually-hidden { (tr.h("open-chart-kinds")) }
                tbody { (charts::bar_rows(&bars)) }
            }
        }
    }
}

/// The headline figures' cells of one row of a list or table (one cell saying why, when all
/// are hidden for the same reason).
fn headline_cells(tr: &Tr, figures: &Figures) -> Markup {
    if let Some(hidden) = all_hidden(figures) {
        return html! { td colspan="4" { (Written::Hidden(hidden).markup(tr)) } };
    }
    html! {
        td.num { (words::count(tr, &figures.received).markup(tr)) }
        td.num { (words::percent(tr, &figures.answered_within_deadline).markup(tr)) }
        td.num.optional { (words::days(tr, &figures.median_days_to_first_answer).markup(tr)) }
        td.num.optional { (rating_short(tr, &figures.rating).markup(tr)) }
    }
}

/// A mean rating as a number alone (its column says out of what).
fn rating_short(tr: &Tr, figure: &Figure<f64>) -> Written {
    match figure {
        Figure::Shown { value, .. } => Written::Shown(words::decimal(tr.lang, *value)),
        Figure::Hidden { hidden } => Written::Hidden(*hidden),
    }
}

/// The reason, when every headline figure of a list's row is hidden for the same one (said
/// once for the row).
fn all_hidden(figures: &Figures) -> Option<Hidden> {
    fn reason<T>(figure: &Figure<T>) -> Option<Hidden> {
        match figure {
            Figure::Hidden { hidden } => Some(*hidden),
            Figure::Shown { .. } => None,
        }
    }
    let reasons = [
        reason(&figures.received),
        reason(&figures.answered_within_deadline),
        reason(&figures.median_days_to_first_answer),
        reason(&figures.rating),
    ];
    let first = reasons[0]?;
    reasons.iter().all(|r| *r == Some(first)).then_some(first)
}

/// The headings of the headline columns, after `first`.
fn headline_head(tr: &Tr, first: &str) -> Markup {
    html! {
        thead {
            tr {
                th scope="col" { (Shown(first)) }
                th.num scope="col" { (tr.h("open-col-received")) }
                th.num scope="col" { (tr.h("open-col-within-deadline")) }
                th.num.optional scope="col" { (tr.h("open-col-first-answer")) }
                th.num.optional scope="col" { (tr.h("open-col-rating")) }
            }
        }
    }
}

/// Each quarter: columns of feedback received, and a table of the headline figures.
fn quarters(tr: &Tr, quarters: &[QuarterFigures]) -> Markup {
    let named: Vec<(String, &Figures)> = quarters
        .iter()
        .map(|q| (words::period(tr, &q.period), &q.figures))
        .collect();
    let bars: Vec<Bar> = quarters
        .iter()
        .map(|q| count_bar(tr, words::period_months(tr, &q.period), &q.figures.received))
        .collect();
    html! {
        section aria-labelledby="quarters" {
            h2 #quarters { (tr.h("open-section-quarters")) }
            (charts::columns(&said(tr, "open-chart-quarters", &bars), &bars))
            table {
                (headline_head(tr, &tr.t("open-quarter")))
                tbody {
                    @for (label, figures) in &named {
                        tr {
                            th scope="row" { (Shown(label)) }
                            (headline_cells(tr, figures))
                        }
                    }
                }
            }
        }
    }
}

/// The overall rating and each criterion's, with stars.
fn ratings(tr: &Tr, figures: &Figures) -> Markup {
    let by = &figures.rating_by_criterion;
    let rows = [
        ("criterion-overall", &figures.rating),
        ("criterion-speed", &by.speed),
        ("criterion-staff_attitude", &by.staff_attitude),
        ("criterion-fees_as_posted", &by.fees_as_posted),
        (
            "criterion-clarity_of_information",
            &by.clarity_of_information,
        ),
        ("criterion-facilities_and_access", &by.facilities_and_access),
    ];
    html! {
        section aria-labelledby="ratings" {
            h2 #ratings { (tr.h("open-section-ratings")) }
            table {
                thead {
                    tr {
                        th scope="col" { (tr.h("open-col-criterion")) }
                        th scope="col" { (tr.h("open-col-stars")) }
                        th.num scope="col" { (tr.h("open-ratings-count")) }
                    }
                }
                tbody {
                    @for (key, figure) in rows {
                        @let written = words::stars(tr, figure);
                        tr {
                            th scope="row" { (tr.h(key)) }
                            @match figure.people() {
                                Some(n) => {
                                    td {
                                        (charts::stars(figure.value().copied(), &written.text(tr)))
                                        " " (written.markup(tr))
                                    }
                                    td.num { (tr.num(i64::from(n))) }
                                }
                                // Empty stars, and why, once.
                                None => td colspan="2" {
                                    (charts::stars(None, &written.text(tr)))
                                    " " (written.markup(tr))
                                },
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The name of a group of people, if its code is one of ours.
fn group_name(tr: &Tr, dimension: &str, code: &str) -> Option<String> {
    let known = code == NOT_GIVEN
        || match dimension {
            "gender" => Gender::parse(code).is_some(),
            "age_band" => AgeBand::parse(code).is_some(),
            "disability" => Disability::parse(code).is_some(),
            _ => false,
        };
    known.then(|| tr.t(&format!("dim-{dimension}-{code}")))
}

/// Who wrote: for each way of counting people, feedback received per group as bars, with the
/// share on time and the rating.
fn people(tr: &Tr, by_people: &ByPeople) -> Markup {
    let dimensions: [(&str, &[Group]); 3] = [
        ("gender", &by_people.gender),
        ("age_band", &by_people.age_band),
        ("disability", &by_people.disability),
    ];
    html! {
        section aria-labelledby="people" {
            h2 #people { (tr.h("open-section-people")) }
            @for (dimension, groups) in dimensions {
                @let named: Vec<(String, &Figures)> = groups
                    .iter()
                    .filter_map(|g| group_name(tr, dimension, &g.group).map(|name| (name, &g.figures)))
                    .collect();
                @let max = named
                    .iter()
                    .filter_map(|(_, f)| f.received.value().map(|n| f64::from(*n)))
                    .fold(1.0_f64, f64::max);
                @if !named.is_empty() {
                    table.people {
                        caption { (tr.h(&format!("open-people-{dimension}"))) }
                        thead {
                            tr {
                                th scope="col" { (tr.h("open-group")) }
                                th scope="col" { span.visually-hidden { (tr.h(&format!("open-chart-{dimension}"))) } }
                                th.num scope="col" { (tr.h("open-col-received")) }
                                th.num scope="col" { (tr.h("open-col-within-deadline")) }
                                th.num scope="col" { (tr.h("open-col-rating")) }
                            }
                        }
                        tbody {
                            @for (name, figures) in &named {
                                tr {
                                    th scope="row" { (Shown(name)) }
                                    @match all_hidden(figures) {
                                        // No bar, and why, once.
                                        Some(hidden) => td colspan="4" { (Written::Hidden(hidden).markup(tr)) },
                                        None => {
                                            td.barcell { (charts::row_bar(figures.received.value().map(|n| f64::from(*n)), max)) }
                                            td.num { (words::count(tr, &figures.received).markup(tr)) }
                                            td.num { (words::percent(tr, &figures.answered_within_deadline).markup(tr)) }
                                            td.num { (rating_short(tr, &figures.rating).markup(tr)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A figure of a comparison (a median of shown figures, or none).
fn peer_value(tr: &Tr, value: Option<f64>, write: impl Fn(f64) -> String) -> Markup {
    match value {
        Some(value) => html! { span.fig { (Shown(&write(value))) } },
        None => html! { span.fig.none { (tr.h("open-figure-none")) } },
    }
}

/// The subject against the medians of its peers.
fn peers(tr: &Tr, card: &Scorecard) -> Markup {
    let province = matches!(card.subject, Subject::Province { .. });
    let rows: Vec<(String, &Peers)> = card
        .peers
        .iter()
        .filter_map(|peers| {
            let key = match (peers.among.as_str(), province) {
                ("district", false) => "open-peers-district",
                ("province", false) => "open-peers-province",
                ("national", false) => "open-peers-national",
                ("national", true) => "open-peers-provinces",
                _ => return None,
            };
            Some((
                tr.a(key, &[("n", tr.count(i64::from(peers.offices)))]),
                peers,
            ))
        })
        .collect();
    let this = if province {
        "open-peers-this-province"
    } else {
        "open-peers-this"
    };
    let figures = &card.figures;
    let decimal = |v: f64| words::decimal(tr.lang, v);
    html! {
        section aria-labelledby="peers" {
            h2 #peers { (tr.h("open-section-peers")) }
            @if rows.is_empty() {
                p.help { (tr.h("open-peers-none")) }
            } @else {
                table {
                    thead {
                        tr {
                            td {}
                            th.num scope="col" { (tr.h("open-fact-answered-label")) }
                            th.num scope="col" { (tr.h("open-col-within-deadline")) }
                            th.num.optional scope="col" { (tr.h("open-col-first-answer")) }
                            th.num.optional scope="col" { (tr.h("open-col-rating")) }
                        }
                    }
                    tbody {
                        tr {
                            th scope="row" { (tr.h(this)) }
                            td.num { (words::percent(tr, &figures.answered).markup(tr)) }
                            td.num { (words::percent(tr, &figures.answered_within_deadline).markup(tr)) }
                            td.num.optional { (words::days(tr, &figures.median_days_to_first_answer).markup(tr)) }
                            td.num.optional { (rating_short(tr, &figures.rating).markup(tr)) }
                        }
                        @for (label, peers) in &rows {
                            tr {
                                th scope="row" { (Shown(label)) }
                                td.num { (peer_value(tr, peers.answered, |v| words::percent_of(tr, v))) }
                                td.num { (peer_value(tr, peers.answered_within_deadline, |v| words::percent_of(tr, v))) }
                                td.num.optional { (peer_value(tr, peers.median_days_to_first_answer, |v| words::days_of(tr, v))) }
                                td.num.optional { (peer_value(tr, peers.rating, decimal)) }
                            }
                        }
                    }
                }
                p.help { (tr.h("open-peers-help")) }
            }
        }
    }
}

/// A list of provinces or offices with their headline figures.
fn list(tr: &Tr, first: &str, rows: &[Row]) -> Markup {
    html! {
        table {
            (headline_head(tr, first))
            tbody {
                @for row in rows {
                    tr {
                        th scope="row" { a href=(frame::href(tr, &row.path)) { (Shown(&row.label)) } }
                        @match row.figures {
                            Some(figures) => (headline_cells(tr, figures)),
                            None => td colspan="4" { span.fig.none { (tr.h("open-no-feedback")) } },
                        }
                    }
                }
            }
        }
    }
}

/// The foot of every page: why figures are hidden, the downloads, the licence, printing.
fn foot(tr: &Tr, downloads: &Downloads) -> Markup {
    let licence = tr.a("open-licence", &[("licence", LICENCE.into())]);
    html! {
        section.wide aria-labelledby="why-hidden" {
            h2 #why-hidden { (tr.h("open-hidden-note-title")) }
            p.note { (tr.h("open-hidden-note")) }
        }
        h2 { (tr.h("open-section-downloads")) }
        p.downloads {
            a href=(downloads.csv) type="text/csv" download { (tr.h("open-download-csv")) }
            a href=(downloads.json) type="application/json" download { (tr.h("open-download-json")) }
        }
        p.licence { a href=(LICENCE_URL) rel="license" { (Shown(&licence)) } }
        p.print-tip { (tr.h("open-print")) }
    }
}

/// The country's page: its figures, then each province's.
pub fn national(
    tr: &Tr,
    card: Option<&Scorecard>,
    provinces: &[Row],
    downloads: &Downloads,
) -> Page {
    let title = tr.t("open-national-title");
    let path = frame::national_path();
    let frame = Frame {
        class: "list country",
        path: &path,
        title: &title,
        steps: Vec::new(),
    };
    let body = html! {
        p.intro { (tr.h("open-national-intro")) }
        @match card {
            Some(card) => {
                (period_lines(tr, card))
                div.sections {
                    (facts(tr, &card.figures))
                    (quarters(tr, &card.quarters))
                }
            }
            None => p.period { (tr.h("open-no-figures")) },
        }
        section.wide aria-labelledby="provinces" {
            h2 #provinces { (tr.h("open-section-provinces")) }
            div.provinces { (list(tr, &tr.t("open-province"), provinces)) }
            p.help { (tr.h("open-col-help")) }
        }
    };
    finish(tr, &frame, body, downloads)
}

/// The offices of a province grouped for its page: its provincial offices first, then each
/// district's (its OWSO and citizens' office by their type, then its commune halls by their
/// commune's name alone, the district being the group's heading).
pub fn province_groups<'d>(
    tr: &Tr,
    directory: &'d Directory,
    province: &Unit,
) -> Vec<(String, Vec<(&'d Office, String)>)> {
    let type_name = |office: &Office| tr.t(&format!("office-type-{}", office.office_type.as_str()));
    let mut groups = Vec::new();
    let provincial: Vec<(&Office, String)> = directory
        .offices_of_unit(&province.code)
        .into_iter()
        .map(|office| (office, type_name(office)))
        .collect();
    groups.push((tr.t("open-provincial-offices"), provincial));
    for district in directory.children(&province.code) {
        let mut offices: Vec<(&Office, String)> = directory
            .offices_of_unit(&district.code)
            .into_iter()
            .map(|office| (office, type_name(office)))
            .collect();
        for commune in directory.children(&district.code) {
            offices.extend(
                directory
                    .offices_of_unit(&commune.code)
                    .into_iter()
                    .filter(|office| office.office_type == OfficeType::CommuneHall)
                    .map(|office| (office, commune.bare_name(tr.lang).to_string())),
            );
        }
        groups.push((district.display_name(tr.lang), offices));
    }
    groups
}

/// A province's page: its figures, its peers, then each office's, by district.
pub fn province(
    tr: &Tr,
    province: &Unit,
    card: Option<&Scorecard>,
    groups: &[(String, Vec<Row>)],
    downloads: &Downloads,
) -> Page {
    let name = province.display_name(tr.lang);
    let title = tr.a("open-province-title", &[("province", name.clone().into())]);
    let path = frame::province_path(&province.code);
    let frame = Frame {
        class: "list province",
        path: &path,
        title: &title,
        steps: vec![
            Step {
                words: tr.t("open-all-country"),
                path: Some(frame::national_path()),
            },
            Step {
                words: name.clone(),
                path: None,
            },
        ],
    };
    let intro = tr.a("open-province-intro", &[("province", name.into())]);
    let body = html! {
        p.intro { (Shown(&intro)) }
        @match card {
            Some(card) => {
                (period_lines(tr, card))
                // Printed in two columns: the facts beside the comparison and the quarters.
                div.sections {
                    (facts(tr, &card.figures))
                    @if !card.peers.is_empty() {
                        (peers(tr, card))
                    }
                    (quarters(tr, &card.quarters))
                }
            }
            None => p.period { (tr.h("open-no-figures")) },
        }
        section.wide aria-labelledby="offices" {
            h2 #offices { (tr.h("open-section-offices")) }
            div.offices {
                @for (heading, rows) in groups {
                    div.group {
                        h3 { (Shown(heading)) }
                        (list(tr, &tr.t("open-office"), rows))
                    }
                }
            }
            p.help { (tr.h("open-col-help")) }
            p.help.print-only { (tr.h("open-col-print")) }
        }
    };
    finish(tr, &frame, body, downloads)
}

/// An office's page: everything its scorecard holds.
pub fn office(
    tr: &Tr,
    directory: &Directory,
    office: &Office,
    card: Option<&Scorecard>,
    downloads: &Downloads,
) -> Page {
    let title = office.name(tr.lang).to_string();
    let path = frame::office_path(&office.code);
    let province = directory.unit(&office.unit_code[..2]);
    let mut steps = vec![Step {
        words: tr.t("open-all-country"),
        path: Some(frame::national_path()),
    }];
    if let Some(province) = province {
        steps.push(Step {
            words: province.display_name(tr.lang),
            path: Some(frame::province_path(&province.code)),
        });
    }
    steps.push(Step {
        words: title.clone(),
        path: None,
    });
    let frame = Frame {
        class: "office",
        path: &path,
        title: &title,
        steps,
    };
    let place = directory
        .path(&office.unit_code, tr.lang)
        .unwrap_or_default();
    let intro = tr.a(
        "open-office-intro",
        &[
            (
                "type",
                tr.t(&format!("office-type-{}", office.office_type.as_str()))
                    .into(),
            ),
            ("place", place.into()),
        ],
    );
    let body = html! {
        p.intro { (Shown(&intro)) }
        @match card {
            Some(card) => {
                (period_lines(tr, card))
                div.sections {
                    (facts(tr, &card.figures))
                    (kinds(tr, &card.figures.received_by_kind))
                    (quarters(tr, &card.quarters))
                    (ratings(tr, &card.figures))
                    (people(tr, &card.by_people))
                    (peers(tr, card))
                }
            }
            None => p.period { (tr.h("open-no-figures")) },
        }
    };
    finish(tr, &frame, body, downloads)
}

fn finish(tr: &Tr, frame: &Frame, body: Markup, downloads: &Downloads) -> Page {
    Page {
        title: frame.title.to_string(),
        html: frame::page(tr, frame, body, foot(tr, downloads)).into_string(),
    }
}

/// A page that says what went wrong (`title_key`, `text_key`) and leads back to the country.
pub fn problem(tr: &Tr, path: &str, title_key: &str, text_key: &str) -> String {
    let title = tr.t(title_key);
    let frame = Frame {
        class: "problem",
        path,
        title: &title,
        steps: Vec::new(),
    };
    let body = html! {
        p { (tr.h(text_key)) }
        p { a href=(frame::href(tr, frame::HOME)) { (tr.h("open-back")) } }
    };
    frame::page(tr, &frame, body, html! {}).into_string()
}
