//! The place picker's choices and browsing over the embedded directory, as data-driven
//! cases: each names a query (or a unit to open), the citizen's recent places and the
//! office codes that must come first, in order.

use ourvoice_directory::{Choice, Directory, Lang, MatchRank, OfficeType, UnitType};

fn directory() -> &'static Directory {
    Directory::embedded()
}

fn codes(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_owned).collect()
}

/// Asserts that the first choices for `query`, with the places in `recent` (newest first)
/// used before, are the offices in `expect`, in that order; `*` after a code says it is
/// marked recent. An empty `expect` asserts there are none.
#[track_caller]
fn check(query: &str, lang: Lang, recent: &str, expect: &str) {
    let choices = directory().choose(query, lang, &codes(recent), 20);
    let actual: Vec<String> = choices
        .iter()
        .map(|choice| format!("{}{}", choice.code, if choice.recent { "*" } else { "" }))
        .collect();
    let expected = codes(expect);
    let first = &actual[..expected.len().min(actual.len())];
    assert_eq!(
        first,
        expected,
        "{query:?} ({lang:?}) with {recent:?}; all: {:#?}",
        choices
            .iter()
            .map(|choice| format!("{} {:?} {}", choice.code, choice.rank, choice.title))
            .collect::<Vec<_>>()
    );
    if expected.is_empty() {
        assert!(
            actual.is_empty(),
            "{query:?} should find nothing: {actual:?}"
        );
    }
}

#[test]
fn a_unit_stands_for_the_office_that_answers_for_it() {
    // The district itself is OWSO-1201's; its citizens' office follows.
    check("chamkar mon", Lang::En, "", "OWSO-1201 DCO-1201");
    check("ចំការមន", Lang::Km, "", "OWSO-1201 DCO-1201");
    // A province is its One Window Service Unit's; a commune its hall's.
    check("takeo", Lang::En, "", "OWSU-21 PCO-21");
    check("tonle basak", Lang::En, "", "CH-120101");
    check("ទន្លេបាសាក់", Lang::Km, "", "CH-120101");
    // Codes of units and offices.
    check("1201", Lang::En, "", "OWSO-1201 DCO-1201");
    check("120101", Lang::En, "", "CH-120101");
    check("DCO-1201", Lang::En, "", "DCO-1201");
    check("", Lang::En, "120101", "");
    check("xyzzy", Lang::En, "120101", "");
}

#[test]
fn a_units_offices_stay_together_the_answering_one_first() {
    check(
        "ta",
        Lang::En,
        "",
        "OWSU-21 PCO-21 OWSO-0609 DCO-0609 OWSO-0811 DCO-0811",
    );
    check(
        "kandal",
        Lang::En,
        "",
        "OWSU-08 PCO-08 OWSO-0801 DCO-0801 OWSO-0803 DCO-0803",
    );
}

#[test]
fn ranks_go_exact_prefix_word_prefix_substring_words() {
    let choices = directory().choose("mon", Lang::En, &[], 10_000);
    let ranks: Vec<MatchRank> = choices.iter().filter_map(|choice| choice.rank).collect();
    assert_eq!(ranks.len(), choices.len());
    let mut sorted = ranks.clone();
    sorted.sort();
    assert_eq!(ranks, sorted);
    for rank in [
        MatchRank::Prefix,
        MatchRank::WordPrefix,
        MatchRank::Substring,
    ] {
        assert!(ranks.contains(&rank), "{rank:?}");
    }
    let words = directory().choose("chamkar mon phnom penh", Lang::En, &[], 20);
    assert_eq!(words[0].code, "OWSO-1201");
    assert_eq!(words[0].rank, Some(MatchRank::Words));
    // No office twice, though both a unit and its office matched.
    let mut codes: Vec<&str> = choices.iter().map(|choice| choice.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), choices.len());
    assert!(choices
        .iter()
        .all(|choice| !choice.code.is_empty() && directory().office(&choice.code).is_some()));
}

#[test]
fn recent_places_that_match_come_first_newest_first() {
    // Srok Sithor Kandal (1412) was used: it leads "kandal", before the exact province.
    check("kandal", Lang::En, "1412", "OWSO-1412* OWSU-08 PCO-08");
    // As an office code too, and two of them newest first.
    check(
        "kandal",
        Lang::En,
        "DCO-1412 0801",
        "DCO-1412* OWSO-0801* OWSU-08 PCO-08 DCO-0801",
    );
    // A unit and its office are one recent place.
    check("kandal", Lang::En, "1412 OWSO-1412", "OWSO-1412* OWSU-08");
    // A recent place that does not match stays out.
    check("kandal", Lang::En, "120101", "OWSU-08 PCO-08");
    // Matched only by its words ("sithor kandal prey veng"): still first.
    check("kandal prey veng", Lang::En, "1412", "OWSO-1412* DCO-1412");
    // Among many hits of a lower rank, a recent substring still comes first.
    check("an", Lang::En, "120101", "CH-120101* OWSO-0808 DCO-0808");
    check("ទន្លេ", Lang::Km, "120101", "CH-120101*");
    // Unknown codes are ignored.
    check("takeo", Lang::En, "nowhere 99", "OWSU-21 PCO-21");
}

#[test]
fn more_choices_continue_the_same_order() {
    let all = directory().choose("k", Lang::En, &codes("0201"), 60);
    assert_eq!(all.len(), 60);
    for shown in [20, 40] {
        let page = directory().choose("k", Lang::En, &codes("0201"), shown);
        assert_eq!(page, all[..shown], "the first {shown}");
    }
}

#[test]
fn titles_are_the_place_and_paths_what_is_above_it() {
    let choice = directory().choice("CH-120101", Lang::Km).unwrap();
    assert_eq!(choice.title, "សង្កាត់ទន្លេបាសាក់");
    assert_eq!(choice.path, ["ខណ្ឌចំការមន", "រាជធានីភ្នំពេញ"]);
    assert_eq!(choice.office_type, OfficeType::CommuneHall);
    assert_eq!(choice.unit_type, UnitType::Sangkat);

    let choice = directory().choice("1201", Lang::En).unwrap();
    assert_eq!(choice.code, "OWSO-1201");
    assert_eq!(choice.title, "Khan Chamkar Mon");
    assert_eq!(choice.path, ["Phnom Penh"]);

    let choice = directory().choice("PCO-02", Lang::Km).unwrap();
    assert_eq!(choice.title, "ខេត្តបាត់ដំបង");
    assert!(choice.path.is_empty());
    assert_eq!(choice.rank, None);
    assert!(!choice.recent);

    // No title repeats an office label, and no path repeats its title.
    for office in directory().offices() {
        for lang in Lang::ALL {
            let choice = directory().choice(&office.code, lang).unwrap();
            let unit = directory().unit(&office.unit_code).unwrap();
            assert_eq!(choice.title, unit.display_name(lang));
            assert!(!choice.path.contains(&choice.title), "{choice:?}");
        }
    }
    assert_eq!(directory().choice("nowhere", Lang::En), None);
}

#[test]
fn recent_choices_keep_order_and_each_office_once() {
    let recent = directory().recent_choices(
        &codes("120101 OWSO-1201 CH-120101 nowhere 1201 21"),
        Lang::En,
    );
    let found: Vec<&str> = recent.iter().map(|choice| choice.code.as_str()).collect();
    assert_eq!(found, ["CH-120101", "OWSO-1201", "OWSU-21"]);
    assert!(recent.iter().all(|choice| choice.recent));
}

/// Asserts what opening `code` (`None`: the top) lists: the trail's codes, the offices'
/// codes and the first rows' codes, each space separated; a row that chooses is written
/// `unit>office`.
#[track_caller]
fn check_browse(code: Option<&str>, lang: Lang, trail: &str, offices: &str, below: &str) {
    let step = directory().browse(code, lang).expect("a step");
    let trail_codes: Vec<&str> = step.trail.iter().map(|(code, _)| code.as_str()).collect();
    assert_eq!(trail_codes, codes(trail), "trail of {code:?}");
    let office_codes: Vec<&str> = step.offices.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(office_codes, codes(offices), "offices of {code:?}");
    let rows: Vec<String> = step
        .below
        .iter()
        .map(|row| match &row.choice {
            Some(choice) => format!("{}>{}", row.code, choice.code),
            None => row.code.clone(),
        })
        .collect();
    let expected = codes(below);
    assert_eq!(
        &rows[..expected.len().min(rows.len())],
        expected,
        "rows of {code:?} ({lang:?})"
    );
}

#[test]
fn browsing_goes_province_district_commune_sorted_by_name() {
    // The top: every province, by name in the asked language.
    check_browse(None, Lang::En, "", "", "01 02 03 04 05 06 07 08 23 09");
    check_browse(None, Lang::Km, "", "", "08 23 09 03 04 06 05 07 10 21");
    // A province: its offices, then its districts by name.
    check_browse(
        Some("02"),
        Lang::En,
        "02",
        "OWSU-02 PCO-02",
        "0205 0201 0203 0204",
    );
    // A district: its offices, then its communes, each choosing its hall.
    check_browse(
        Some("0201"),
        Lang::En,
        "02 0201",
        "OWSO-0201 DCO-0201",
        "020103>CH-020103",
    );
    check_browse(Some("1201"), Lang::Km, "12 1201", "OWSO-1201 DCO-1201", "");
    // A commune or an unknown code opens nothing.
    assert_eq!(directory().browse(Some("120101"), Lang::En), None);
    assert_eq!(directory().browse(Some("99"), Lang::En), None);
}

#[test]
fn every_step_lists_exactly_the_units_below_and_ends_at_their_halls() {
    let top = directory().browse(None, Lang::En).unwrap();
    assert_eq!(top.below.len(), directory().provinces().len());
    for province in &top.below {
        assert!(province.choice.is_none());
        let step = directory().browse(Some(&province.code), Lang::En).unwrap();
        let mut listed: Vec<&str> = step.below.iter().map(|row| row.code.as_str()).collect();
        listed.sort_unstable();
        let children: Vec<&str> = directory()
            .children(&province.code)
            .iter()
            .map(|unit| unit.code.as_str())
            .collect();
        assert_eq!(listed, children);
        for district in &step.below {
            let step = directory().browse(Some(&district.code), Lang::Km).unwrap();
            assert_eq!(step.offices[0].code, format!("OWSO-{}", district.code));
            assert_eq!(step.trail.len(), 2);
            let names: Vec<String> = step.below.iter().map(|row| row.name.clone()).collect();
            assert_eq!(names.len(), directory().children(&district.code).len());
            for row in &step.below {
                let choice: &Choice = row.choice.as_ref().expect("a commune chooses");
                assert_eq!(choice.code, format!("CH-{}", row.code));
                assert_eq!(
                    Some(choice.clone()),
                    directory().choice(&row.code, Lang::Km),
                    "browsing and search end at the same choice"
                );
            }
        }
    }
}
