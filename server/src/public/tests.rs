//! Rendering tests of the public pages from scorecards built here: both languages, hidden
//! figures, the scorecard's own strings never shown, every office and province listed.

use chrono::NaiveDate;
use ourvoice_directory::Directory;
use ourvoice_protocol::scorecards::{
    ByCriterion, ByKind, ByPeople, Figure, Figures, Group, Hidden, Peers, Period, QuarterFigures,
    Scorecard, Subject, LICENCE,
};

use ourvoice_protocol::{AgeBand, Code, Disability, Gender};

use super::pages::{self, Downloads, Row};
use crate::i18n::{Lang, Tr};

const KM: Tr = Tr { lang: Lang::Km };
const EN: Tr = Tr { lang: Lang::En };

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Figures of `n` people with every figure shown.
fn shown(n: u32) -> Figures {
    let share = |v: f64| Figure::of(v, n);
    Figures {
        received: Figure::of(n, n),
        received_by_kind: ByKind {
            complaint: Figure::of(n / 2, n / 2),
            support: Figure::of(n / 4, n / 4),
            information: Figure::of(n / 8, n / 8),
            evaluation: Figure::of(n - n / 2 - n / 4 - n / 8, n - n / 2 - n / 4 - n / 8),
        },
        answered: share(0.9),
        answered_within_deadline: share(0.7),
        median_days_to_first_answer: share(3.5),
        median_days_to_close: share(9.0),
        escalated: Figure::of(6, 6),
        rating: share(3.84),
        rating_by_criterion: ByCriterion {
            speed: share(3.1),
            staff_attitude: share(4.2),
            fees_as_posted: share(2.5),
            clarity_of_information: share(3.9),
            facilities_and_access: share(4.0),
        },
        asked_extra_payment: share(0.03),
    }
}

/// Figures with every figure hidden, for both reasons.
fn hidden() -> Figures {
    fn few<T>() -> Figure<T> {
        Figure::Hidden {
            hidden: Hidden::FewerThanFive,
        }
    }
    fn other<T>() -> Figure<T> {
        Figure::Hidden {
            hidden: Hidden::WouldRevealAnother,
        }
    }
    Figures {
        received: other(),
        received_by_kind: ByKind {
            complaint: few(),
            support: few(),
            information: other(),
            evaluation: few(),
        },
        answered: few(),
        answered_within_deadline: few(),
        median_days_to_first_answer: few(),
        median_days_to_close: few(),
        escalated: few(),
        rating: few(),
        rating_by_criterion: ByCriterion {
            speed: few(),
            staff_attitude: few(),
            fees_as_posted: few(),
            clarity_of_information: few(),
            facilities_and_access: few(),
        },
        asked_extra_payment: few(),
    }
}

fn period(first: NaiveDate, last: NaiveDate, label: &str) -> Period {
    Period {
        first_day: first,
        last_day: last,
        label: label.into(),
    }
}

/// A scorecard of `subject` with `figures` everywhere; `label` is put in every string field
/// that is not a code (and in the codes too when `label` is not a code).
fn card(subject: Subject, figures: impl Fn() -> Figures, label: &str) -> Scorecard {
    let quarters = [
        (day(2025, 12, 5), day(2025, 12, 31)),
        (day(2026, 1, 1), day(2026, 3, 31)),
        (day(2026, 4, 1), day(2026, 6, 30)),
        (day(2026, 7, 1), day(2026, 9, 30)),
        (day(2026, 10, 1), day(2026, 12, 4)),
    ];
    fn codes<T: Code>() -> Vec<&'static str> {
        let mut codes: Vec<&str> = T::ALL.iter().map(|value| value.as_str()).collect();
        codes.push("not_given");
        codes
    }
    let groups = |codes: Vec<&str>| -> Vec<Group> {
        codes
            .iter()
            .map(|code| Group {
                group: code.to_string(),
                figures: figures(),
            })
            .collect()
    };
    let peers = |among: &str, offices| Peers {
        among: among.into(),
        offices,
        answered: Some(0.8),
        answered_within_deadline: Some(0.55),
        median_days_to_first_answer: Some(4.0),
        rating: None,
    };
    Scorecard {
        subject,
        office_type: Some(label.into()),
        last_day: day(2026, 12, 4),
        year: period(day(2025, 12, 5), day(2026, 12, 4), label),
        figures: figures(),
        by_people: ByPeople {
            gender: groups(codes::<Gender>()),
            age_band: groups(codes::<AgeBand>()),
            disability: groups(codes::<Disability>()),
        },
        quarters: quarters
            .iter()
            .map(|(first, last)| QuarterFigures {
                period: period(*first, *last, label),
                figures: figures(),
            })
            .collect(),
        peers: vec![
            peers("district", 4),
            peers("province", 40),
            peers("national", 1600),
        ],
        licence: LICENCE.into(),
    }
}

fn downloads() -> Downloads {
    Downloads {
        csv: "/open/data/test.csv".into(),
        json: "/open/data/test.json".into(),
    }
}

fn office_page(tr: &Tr, code: &str, card: Option<&Scorecard>) -> String {
    let directory = Directory::embedded();
    let office = directory.office(code).unwrap();
    pages::office(tr, directory, office, card, &downloads()).html
}

/// The text a reader sees: no style sheet, no tags, entities of the escaper undone.
fn text_of(html: &str) -> String {
    let without_style = match (html.find("<style>"), html.find("</style>")) {
        (Some(start), Some(end)) => format!("{}{}", &html[..start], &html[end..]),
        _ => html.to_string(),
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in without_style.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The texts of every element whose opening tag is `open` (up to the next tag).
fn texts_after(html: &str, open: &str) -> Vec<String> {
    html.split(open)
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_string())
        .collect()
}

/// What no public page may hold: a script, a handler, a style attribute, or a link elsewhere
/// than this server and the licence.
fn assert_safe(html: &str) {
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a script");
    assert!(!lower.contains(" style="), "a style attribute");
    let handler = lower.split(" on").skip(1).any(|rest| {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase())
            .collect();
        !name.is_empty() && rest[name.len()..].starts_with('=')
    });
    assert!(!handler, "an event handler attribute");
    for href in html.split("href=\"").skip(1) {
        let href = href.split('"').next().unwrap();
        assert!(
            href.starts_with("/open")
                || href == ourvoice_protocol::scorecards::LICENCE_URL
                || href == "data:,",
            "a link elsewhere: {href}"
        );
    }
}

#[test]
fn an_office_page_in_khmer_and_english() {
    let card = card(
        Subject::Office {
            code: "CH-120101".into(),
        },
        || shown(40),
        "2026-Q4",
    );
    let en = office_page(&EN, "CH-120101", Some(&card));
    assert_safe(&en);
    assert!(en.starts_with("<!doctype html><html lang=\"en\">"));
    for expected in [
        "<h1>Sangkat hall, Sangkat Tonle Basak</h1>",
        "Received 40 pieces of feedback",
        "Gave an answer 9 times out of 10",
        "Answered within the deadline 7 times out of 10",
        "Half of the first answers came within 3.5 days",
        "Half of the cases were closed within 9 days",
        "6 cases were passed up to a higher office",
        "Rated 3.8 out of 5 by 40 people",
        "3 in 100 complaints say they were asked to pay more than the posted fee",
        "Figures up to 4 December 2026",
        "From 5 December 2025 to 4 December 2026",
        "5–31 Dec 2025",
        "Jan–Mar 2026",
        "1 Oct – 4 Dec 2026",
        "Women",
        "Not given",
        "With a disability",
        "In the district (middle of 4)",
        "In the country (middle of 1600)",
        "Request for information",
        "aria-label=\"Feedback received each quarter: Dec 2025, 40; Jan–Mar 2026, 40; ",
        "Staff attitude",
        "href=\"/open/data/test.csv\"",
        "href=\"/open/offices/CH-120101\" hreflang=\"km\" lang=\"km\">ខ្មែរ</a>",
        "href=\"/open/provinces/12?lang=en\"",
        "CC BY 4.0",
    ] {
        assert!(en.contains(expected), "English page lacks {expected:?}");
    }
    let km = office_page(&KM, "CH-120101", Some(&card));
    assert_safe(&km);
    assert!(km.starts_with("<!doctype html><html lang=\"km\">"));
    for expected in [
        "បានទទួលមតិ ៤០",
        "ឆ្លើយទាន់ពេលកំណត់ ៧ ដង ក្នុងចំណោម ១០ ដង",
        "ចម្លើយដំបូងពាក់កណ្តាល បានមកក្នុងរយៈពេល ៣.៥ ថ្ងៃ",
        "តួលេខរហូតដល់ថ្ងៃទី៤ ខែធ្នូ ឆ្នាំ២០២៦",
        "មករា–មីនា ២០២៦",
        "ស្ត្រី",
        "href=\"/open/offices/CH-120101?lang=en\" hreflang=\"en\" lang=\"en\">English</a>",
        "href=\"/open/provinces/12\"",
        "aria-label=\"មតិដែលបានទទួល ក្នុងត្រីមាសនីមួយៗ៖ ធ្នូ ២០២៥ ៤០។ មករា–មីនា ២០២៦ ៤០។ ",
    ] {
        assert!(km.contains(expected), "Khmer page lacks {expected:?}");
    }
    // Khmer text has Khmer digits only, but for the licence's name and the paper's.
    let text = text_of(&km).replace(LICENCE, "").replace("A4", "");
    let latin: Vec<&str> = text
        .split_whitespace()
        .filter(|word| word.chars().any(|c| c.is_ascii_digit()))
        .collect();
    assert!(
        latin.is_empty(),
        "ASCII digits in the Khmer page: {latin:?}"
    );
    // Every chart is said in words.
    assert_eq!(
        km.matches("role=\"img\"").count(),
        km.matches("aria-label=").count() - 1
    );
}

#[test]
fn hidden_figures_are_words_and_draw_nothing() {
    let mut card = card(
        Subject::Office {
            code: "CH-120101".into(),
        },
        hidden,
        "2026-Q4",
    );
    // The peers' medians are other offices' figures, shown or none.
    card.peers.clear();
    for tr in [KM, EN] {
        let page = office_page(&tr, "CH-120101", Some(&card));
        assert_safe(&page);
        let fewer = tr.t("open-fewer-than-five");
        let other = tr.t("open-hidden-other");
        // Every figure is hidden, and says so in words alone.
        assert!(!page.contains("<span class=\"fig\">"), "a figure shown");
        let figures = texts_after(&page, "<span class=\"fig hidden\">");
        assert!(figures.len() > 60, "{}", figures.len());
        for figure in &figures {
            assert!(figure == &fewer || figure == &other, "{figure:?}");
        }
        assert!(figures.contains(&other));
        // Each fact is its label and why it is hidden; nothing more.
        let facts = texts_after(&page, "<li class=\"hidden\">");
        assert_eq!(facts.len(), 8);
        assert!(facts.contains(&format!(
            "{}{} {fewer}",
            tr.t("open-fact-first-answer-label"),
            if tr.lang == Lang::Km { "៖" } else { ":" }
        )));
        // No bar and no gold star is drawn; the charts say the words.
        assert!(!page.contains("fill=\"#1f6fb2\""), "a bar");
        assert!(!page.contains("fill=\"#d98e04\""), "a star");
        assert!(page.contains(&format!("aria-label=\"{fewer}\"")));
        // Nothing hidden reads as a share, a rating or days.
        for figure in figures {
            assert!(!figure.contains('%') && !figure.contains(&tr.t("open-col-stars")));
        }
    }
}

#[test]
fn the_scorecards_own_strings_are_never_shown() {
    const MARKER: &str = "MARKER<i>";
    let mut card = card(
        Subject::Office {
            code: MARKER.into(),
        },
        || shown(12),
        MARKER,
    );
    card.licence = MARKER.into();
    for peers in &mut card.peers {
        peers.among = MARKER.into();
    }
    card.by_people.gender[1].group = MARKER.into();
    card.by_people.age_band[0].group = Gender::Female.as_str().into();
    for tr in [KM, EN] {
        let page = office_page(&tr, "CH-120101", Some(&card));
        assert!(!page.contains("MARKER"), "a string of the scorecard shown");
        assert!(!page.contains("&lt;i&gt;"));
        // A group of another way of counting is not one of this one's: women are one row.
        let women = tr.t(&format!("dim-gender-{}", Gender::Female.as_str()));
        assert_eq!(page.matches(&format!(">{women}<")).count(), 1);
        // Comparisons named by unknown codes are left out, and the section says so.
        assert!(page.contains(&tr.t("open-peers-none")));
    }
}

#[test]
fn the_province_page_lists_every_office_by_district() {
    let directory = Directory::embedded();
    let province = directory.unit("12").unwrap();
    let offices: Vec<_> = directory
        .offices()
        .iter()
        .filter(|office| office.unit_code.starts_with("12"))
        .collect();
    let figures = shown(30);
    let few = Figures {
        received: Figure::of(3, 3),
        ..hidden()
    };
    let card = card(
        Subject::Province { code: "12".into() },
        || shown(300),
        "2026-Q4",
    );
    for tr in [KM, EN] {
        let groups = pages::province_groups(&tr, directory, province);
        assert_eq!(groups.len(), 1 + directory.children("12").len());
        let listed: usize = groups.iter().map(|(_, offices)| offices.len()).sum();
        assert_eq!(listed, offices.len());
        let rows: Vec<(String, Vec<Row>)> = groups
            .iter()
            .map(|(heading, offices)| {
                let rows = offices
                    .iter()
                    .map(|(office, label)| Row {
                        label: label.clone(),
                        path: super::frame::office_path(&office.code),
                        // Every other office has had no feedback, one too little.
                        figures: if office.code == "CH-120101" {
                            Some(&few)
                        } else {
                            (office.code.len() % 2 == 0).then_some(&figures)
                        },
                    })
                    .collect();
                (heading.clone(), rows)
            })
            .collect();
        let page = pages::province(&tr, province, Some(&card), &rows, &downloads()).html;
        assert_safe(&page);
        for office in &offices {
            let link = super::frame::href(&tr, &super::frame::office_path(&office.code));
            assert_eq!(
                page.matches(&format!("href=\"{link}\"")).count(),
                1,
                "{link}"
            );
        }
        assert!(page.contains(&tr.t("open-no-feedback")));
        // An office whose figures are all hidden says so once.
        let hidden_row = format!(
            "<td colspan=\"4\"><span class=\"fig hidden\">{}</span></td>",
            tr.t("open-fewer-than-five")
        );
        assert_eq!(page.matches(&hidden_row).count(), 1);
        assert!(page.contains(&tr.a(
            "open-province-title",
            &[("province", province.display_name(tr.lang).into())]
        )));
        assert!(page.contains(&tr.a("open-peers-provinces", &[("n", tr.count(1600))])));
    }
}

#[test]
fn the_national_page_lists_every_province() {
    let directory = Directory::embedded();
    let figures = shown(500);
    let card = card(Subject::National, || shown(12_000), "2026-Q4");
    for tr in [KM, EN] {
        let rows: Vec<Row> = directory
            .provinces()
            .iter()
            .map(|province| Row {
                label: province.display_name(tr.lang),
                path: super::frame::province_path(&province.code),
                figures: Some(&figures),
            })
            .collect();
        let page = pages::national(&tr, Some(&card), &rows, &downloads()).html;
        assert_safe(&page);
        assert_eq!(rows.len(), 25);
        for row in &rows {
            assert!(page.contains(&format!(
                "href=\"{}\">{}</a>",
                super::frame::href(&tr, &row.path),
                row.label
            )));
        }
        assert!(page.contains(&tr.a("open-fact-received", &[("n", tr.count(12_000))])));
    }
}

#[test]
fn pages_without_figures_say_so() {
    for tr in [KM, EN] {
        let page = office_page(&tr, "OWSO-1201", None);
        assert_safe(&page);
        assert!(page.contains(&tr.t("open-no-figures")));
        assert!(!page.contains("class=\"fig"));
        let page = pages::national(&tr, None, &[], &downloads()).html;
        assert!(page.contains(&tr.t("open-no-figures")));
    }
}

#[test]
fn the_words_built_from_codes_exist_in_both_languages() {
    for tr in [KM, EN] {
        let mut keys: Vec<String> = (1..=12)
            .flat_map(|m| [format!("open-month-{m}"), format!("open-month-short-{m}")])
            .collect();
        for dimension in ["gender", "age_band", "disability"] {
            keys.push(format!("open-people-{dimension}"));
            keys.push(format!("open-chart-{dimension}"));
        }
        for office_type in ourvoice_directory::OfficeType::ALL {
            keys.push(format!("office-type-{}", office_type.as_str()));
        }
        for key in keys {
            assert_ne!(tr.t(&key), key, "{key} in {:?}", tr.lang);
        }
    }
}

#[test]
fn one_page_is_made_per_address_language_and_stored_day() {
    use std::sync::Arc;
    let pages = super::Pages::default();
    let day20 = Some(day(2026, 11, 20));
    let page = pages.slot("/open", Lang::Km, day20);
    assert!(Arc::ptr_eq(&page, &pages.slot("/open", Lang::Km, day20)));
    for (path, lang, stored) in [
        ("/open", Lang::En, day20),
        ("/open", Lang::Km, Some(day(2026, 11, 21))),
        ("/open", Lang::Km, None),
        ("/open/provinces/12", Lang::Km, day20),
    ] {
        assert!(!Arc::ptr_eq(&page, &pages.slot(path, lang, stored)));
    }
}
