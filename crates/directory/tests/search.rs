//! Search behaviour over the embedded directory, as data-driven cases: each case names a
//! query, the result language and the codes the first hits must have, in order.

use ourvoice_directory::{Directory, HitKind, Lang, MatchRank, OfficeType, SearchHit, UnitLevel};

const LIMIT: usize = 20;

fn search(query: &str, lang: Lang) -> Vec<SearchHit> {
    Directory::embedded().search(query, lang, LIMIT)
}

/// Asserts that the first hits for `query` have the codes in `expect` (space separated),
/// in that order. `expect` may list fewer codes than there are hits; an empty `expect`
/// asserts there are no hits at all.
#[track_caller]
fn check(query: &str, lang: Lang, expect: &str) {
    let hits = search(query, lang);
    let expected: Vec<&str> = expect.split_whitespace().collect();
    let actual: Vec<&str> = hits.iter().map(|hit| hit.code.as_str()).collect();
    if expected.is_empty() {
        assert!(
            actual.is_empty(),
            "{query:?} should find nothing, found {actual:?}"
        );
        return;
    }
    let first = &actual[..expected.len().min(actual.len())];
    assert_eq!(
        first,
        expected,
        "first hits for {query:?} ({lang:?}); all hits: {:#?}",
        hits.iter()
            .map(|hit| format!("{} {:?} {}", hit.code, hit.rank, hit.name))
            .collect::<Vec<_>>()
    );
}

#[track_caller]
fn rank_of(query: &str, code: &str) -> Option<MatchRank> {
    Directory::embedded()
        .search(query, Lang::En, 10_000)
        .into_iter()
        .find(|hit| hit.code == code)
        .map(|hit| hit.rank)
}

#[test]
fn latin_names_ignore_case_and_accents() {
    for query in [
        "takeo",
        "TAKÉO",
        "Takéo",
        "Take\u{301}o",
        " takeo ",
        "ta-keo",
        "Ta'keo",
    ] {
        check(query, Lang::En, "21 OWSU-21 PCO-21");
    }
    check("kratie", Lang::En, "10");
    // "Chambâk" (100301) is spelt with an accent, its namesakes without.
    check("chambak", Lang::En, "050601 100301 200503 210201");
    check("chambâk", Lang::En, "050601 100301 200503 210201");
    check("s'ang", Lang::En, "0810");
    check("sang", Lang::En, "0810");
    check(
        "poipet",
        Lang::En,
        "0110 011002 DCO-0110 OWSO-0110 CH-011002",
    );
    check("pur senchey", Lang::En, "1209");
    check("PurSenChey", Lang::En, "1209");
}

#[test]
fn khmer_names_fold_zero_width_subscripts_digits_and_spaces() {
    // Khmer names order ties by their Khmer length: PCO-21's name is the shorter one.
    check("តាកែវ", Lang::Km, "21 PCO-21 OWSU-21");
    check("តាកែវ", Lang::En, "21");
    check("តា\u{200B}កែវ", Lang::Km, "21");
    check("\u{FEFF}តាកែ\u{200C}វ\u{200D}", Lang::Km, "21");
    // Province 08 is spelt with subscript TA, district 0801 with subscript DA.
    check("កណ្ដាល", Lang::Km, "08 PCO-08 OWSU-08 0801");
    check("កណ្តាល", Lang::Km, "08 PCO-08 OWSU-08 0801");
    check("កណ្ដាលស្ទឹង", Lang::Km, "0801");
    check("កណ្តាលស្ទឹង", Lang::Km, "0801");
    check("ទួលទំពូងទី ១", Lang::Km, "120110 CH-120110");
    check("ទួលទំពូងទី 1", Lang::Km, "120110 CH-120110");
    check("ទួលទំពូងទី១", Lang::Km, "120110 CH-120110");
    check("ចំការ មន", Lang::Km, "1201");
    check("ចំ ការ មន", Lang::Km, "1201");
    // Khum Phnom Penh (130404) is an exact match too, ranked after the capital.
    check("ភ្នំពេញ", Lang::Km, "12 130404 PCO-12 OWSU-12");
    check("កោះធំ ក", Lang::Km, "080404");
    check("កោះធំ ‹ក›", Lang::Km, "080404");
}

#[test]
fn khmer_type_words_are_part_of_names() {
    check("ខណ្ឌចំការមន", Lang::Km, "1201");
    check("ខេត្តតាកែវ", Lang::Km, "21");
    check("រាជធានីភ្នំពេញ", Lang::Km, "12");
    check("សង្កាត់ទន្លេបាសាក់", Lang::Km, "120101 CH-120101");
}

#[test]
fn latin_type_words_are_part_of_names() {
    check("Khan Chamkar Mon", Lang::En, "1201 DCO-1201 OWSO-1201");
    check("sangkat tonle basak", Lang::En, "120101 CH-120101");
    assert_eq!(rank_of("khan chamkar mon", "1201"), Some(MatchRank::Exact));
    assert_eq!(rank_of("chamkar mon", "1201"), Some(MatchRank::Exact));
}

#[test]
fn typing_letter_by_letter_keeps_the_province_on_top() {
    check("t", Lang::En, "21 25");
    for query in ["ta", "tak", "take", "takeo"] {
        check(query, Lang::En, "21 OWSU-21 PCO-21");
    }
    for query in ["ត", "តា", "តាក", "តាកែ"] {
        let hits = search(query, Lang::Km);
        assert!(
            hits.iter().any(|hit| hit.code == "21"),
            "{query:?} should find Takéo"
        );
    }
}

#[test]
fn exact_before_prefix_before_word_prefix_before_substring() {
    check(
        "kandal",
        Lang::En,
        "08 OWSU-08 PCO-08 0801 DCO-0801 OWSO-0801 0803 1412",
    );
    assert_eq!(rank_of("kandal", "08"), Some(MatchRank::Exact));
    assert_eq!(rank_of("kandal", "0801"), Some(MatchRank::Prefix));
    assert_eq!(rank_of("kandal", "OWSO-0801"), Some(MatchRank::Prefix));
    assert_eq!(rank_of("srok kandal", "0801"), Some(MatchRank::Prefix));
}

/// Asserts how `query` matches each place of `expect`, given as `code:rank` pairs
/// (`rank` one of exact, prefix, word, sub, words, none).
#[track_caller]
fn check_ranks(query: &str, expect: &str) {
    for pair in expect.split_whitespace() {
        let (code, rank) = pair.split_once(':').expect("code:rank");
        let expected = match rank {
            "exact" => Some(MatchRank::Exact),
            "prefix" => Some(MatchRank::Prefix),
            "word" => Some(MatchRank::WordPrefix),
            "sub" => Some(MatchRank::Substring),
            "words" => Some(MatchRank::Words),
            "none" => None,
            other => panic!("unknown rank {other}"),
        };
        assert_eq!(rank_of(query, code), expected, "{query:?} on {code}");
    }
}

#[test]
fn a_query_starting_a_later_word_ranks_between_prefix_and_substring() {
    // Whole later words and their starts.
    check_ranks("kandal", "0803:word 1412:word DCO-0803:word");
    check_ranks("stueng", "0801:word OWSO-0801:word");
    check_ranks("mon", "11:prefix 0502:word OWSO-0502:word 1201:word");
    check_ranks("kang", "1213:word");
    check_ranks("keng kang", "1213:word");
    // Inside a word is a substring.
    check_ranks("andal", "08:sub 0803:sub");
    check_ranks("amkar", "1201:sub");
    // The words of an office's label ("One Window Service Office").
    check_ranks("office", "OWSO-1201:word PCO-21:word DCO-1201:word");
    check_ranks("window", "OWSO-1201:word OWSU-21:word");
    check_ranks("indow", "OWSO-1201:sub");
    check_ranks("office khan chamkar", "OWSO-1201:word");
    check_ranks("ice khan chamkar", "OWSO-1201:sub");
    // The order: prefix hits, then word prefixes, then substrings.
    check("mon", Lang::En, "11 OWSU-11 PCO-11 0905 0102");
    let hits = Directory::embedded().search("mon", Lang::En, 10_000);
    let first_word = hits
        .iter()
        .position(|hit| hit.rank == MatchRank::WordPrefix)
        .expect("word prefixes");
    let first_sub = hits
        .iter()
        .position(|hit| hit.rank == MatchRank::Substring)
        .expect("substrings");
    assert!(hits[..first_word]
        .iter()
        .all(|hit| hit.rank == MatchRank::Prefix));
    assert!(first_word < first_sub);
    assert!(hits[first_word..first_sub]
        .iter()
        .any(|hit| hit.code == "1201"));
}

#[test]
fn ties_put_higher_units_first_then_a_unit_before_its_offices() {
    let hits = search("kandal", Lang::En);
    let tiers: Vec<(MatchRank, u8)> = hits
        .iter()
        .map(|hit| {
            let tier = match hit.kind {
                HitKind::Unit(UnitLevel::Province) => 0,
                HitKind::Office(OfficeType::Owsu | OfficeType::ProvincialCitizensOffice) => 1,
                HitKind::Unit(UnitLevel::District) => 2,
                HitKind::Office(OfficeType::Owso | OfficeType::DistrictCitizensOffice) => 3,
                HitKind::Unit(UnitLevel::Commune) => 4,
                HitKind::Office(OfficeType::CommuneHall) => 5,
            };
            (hit.rank, tier)
        })
        .collect();
    let mut sorted = tiers.clone();
    sorted.sort();
    assert_eq!(tiers, sorted);
}

#[test]
fn codes_find_units_and_offices() {
    check("1201", Lang::En, "1201 DCO-1201 OWSO-1201 120101");
    check("១២០១", Lang::Km, "1201 DCO-1201 OWSO-1201");
    check("12", Lang::En, "12 OWSU-12 PCO-12");
    assert_eq!(rank_of("12", "1201"), Some(MatchRank::Prefix));
    check("120110", Lang::En, "120110 CH-120110");
    check("OWSO-1201", Lang::En, "OWSO-1201");
    check("owso1201", Lang::En, "OWSO-1201");
    check("owso 1201", Lang::En, "OWSO-1201");
    check("dco-1201", Lang::En, "DCO-1201");
    check("CH-120110", Lang::En, "CH-120110");
    check("PCO-12", Lang::En, "PCO-12");
    check("OWSU-21", Lang::En, "OWSU-21");
    check("OWSO-99", Lang::En, "");
    check("9999", Lang::En, "");
    assert_eq!(rank_of("1201", "1201"), Some(MatchRank::Exact));
    assert_eq!(rank_of("1201", "120110"), Some(MatchRank::Prefix));
    assert_eq!(rank_of("OWSO-1201", "OWSO-1201"), Some(MatchRank::Exact));
    assert_eq!(rank_of("OWSO-12", "OWSO-1201"), Some(MatchRank::Prefix));
    // Codes match from their start only.
    assert_eq!(rank_of("201", "1201"), None);
}

#[test]
fn office_queries() {
    check(
        "one window service office, khan chamkar mon",
        Lang::En,
        "OWSO-1201",
    );
    check("One Window Service Unit, Takéo", Lang::En, "OWSU-21");
    check("Provincial Citizens' Office, Takéo", Lang::En, "PCO-21");
    check("ការិយាល័យច្រកចេញចូលតែមួយ ខណ្ឌចំការមន", Lang::Km, "OWSO-1201");
    check("សាលាសង្កាត់ទន្លេបាសាក់", Lang::Km, "CH-120101");
    check("ombudsman chamkar mon", Lang::En, "DCO-1201");
    check("citizens office chamkar mon", Lang::En, "DCO-1201");
    check("ការិយាល័យ ចំការមន", Lang::Km, "DCO-1201 OWSO-1201");
    assert_eq!(
        rank_of("onewindowserviceofficekhanchamkarmon", "OWSO-1201"),
        Some(MatchRank::Exact)
    );
    // A query running from a word of an office's label into its unit's name.
    assert_eq!(
        rank_of("office khan chamkar", "OWSO-1201"),
        Some(MatchRank::WordPrefix)
    );

    let ombudsman = search("ombudsman", Lang::En);
    assert_eq!(ombudsman.len(), LIMIT);
    assert!(ombudsman.iter().all(|hit| matches!(
        hit.kind,
        HitKind::Office(OfficeType::DistrictCitizensOffice | OfficeType::ProvincialCitizensOffice)
    )));
    let owso = search("owso", Lang::En);
    assert_eq!(owso.len(), LIMIT);
    assert!(owso
        .iter()
        .all(|hit| hit.kind == HitKind::Office(OfficeType::Owso)));
    let halls = search("សាលាឃុំ", Lang::Km);
    assert_eq!(halls.len(), LIMIT);
    assert!(halls
        .iter()
        .all(|hit| hit.kind == HitKind::Office(OfficeType::CommuneHall)));
}

#[test]
fn multi_word_queries_match_names_types_and_parents() {
    check(
        "chamkar mon phnom penh",
        Lang::En,
        "1201 DCO-1201 OWSO-1201",
    );
    check("ចំការមន ភ្នំពេញ", Lang::Km, "1201");
    check("tonle basak chamkar mon", Lang::En, "120101 CH-120101");
    check(
        "tonle basak, chamkar mon, phnom penh",
        Lang::En,
        "120101 CH-120101",
    );
    assert_eq!(
        rank_of("chamkar mon phnom penh", "1201"),
        Some(MatchRank::Words)
    );

    // Every OWSO of Takéo's districts, and nothing else.
    let owso_takeo = search("owso takeo", Lang::En);
    assert_eq!(owso_takeo.len(), 10);
    for hit in &owso_takeo {
        assert_eq!(hit.kind, HitKind::Office(OfficeType::Owso), "{hit:?}");
        assert!(hit.code.starts_with("OWSO-21"), "{hit:?}");
        assert_eq!(hit.rank, MatchRank::Words);
    }
    // Words matched only through parents do not make a hit: the sangkats of Chamkar Mon
    // do not match "chamkar mon".
    let hits = search("chamkar mon phnom penh", Lang::En);
    assert!(hits
        .iter()
        .all(|hit| !hit.code.starts_with("1201") || hit.code.len() == 4));
}

#[test]
fn names_and_paths_follow_the_asked_language() {
    let hit = &search("tonle basak", Lang::En)[0];
    assert_eq!(hit.code, "120101");
    assert_eq!(hit.name, "Sangkat Tonle Basak");
    assert_eq!(
        hit.path,
        "Sangkat Tonle Basak, Khan Chamkar Mon, Phnom Penh"
    );
    assert_eq!(hit.kind, HitKind::Unit(UnitLevel::Commune));

    let hit = &search("tonle basak", Lang::Km)[0];
    assert_eq!(hit.name, "សង្កាត់ទន្លេបាសាក់");
    assert_eq!(hit.path, "សង្កាត់ទន្លេបាសាក់ ខណ្ឌចំការមន រាជធានីភ្នំពេញ");

    let hit = &search("OWSO-1201", Lang::En)[0];
    assert_eq!(hit.name, "One Window Service Office, Khan Chamkar Mon");
    assert_eq!(
        hit.path,
        "One Window Service Office, Khan Chamkar Mon, Phnom Penh"
    );
}

#[test]
fn empty_and_unmatched_queries_find_nothing() {
    for query in ["", "   ", "\u{200B}", ",-'", "xyzzy", "qqq www", "ឈឈឈឈ"] {
        check(query, Lang::En, "");
    }
    assert!(Directory::embedded()
        .search("takeo", Lang::En, 0)
        .is_empty());
}

#[test]
fn results_are_limited_and_deduplicated() {
    for (query, limit) in [
        ("a", 7),
        ("k", 50),
        ("ក", 30),
        ("1", 20),
        ("kampong ch", 40),
    ] {
        let hits = Directory::embedded().search(query, Lang::En, limit);
        assert_eq!(hits.len(), limit, "{query:?}");
        let mut codes: Vec<&str> = hits.iter().map(|hit| hit.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), limit, "{query:?} has duplicates");
        let ranks: Vec<MatchRank> = hits.iter().map(|hit| hit.rank).collect();
        let mut sorted = ranks.clone();
        sorted.sort();
        assert_eq!(ranks, sorted, "{query:?} is not sorted by rank");
    }
}

#[test]
fn a_large_limit_returns_every_match_once() {
    let directory = Directory::embedded();
    let everything = directory.search("a", Lang::En, usize::MAX);
    let mut codes: Vec<&str> = everything.iter().map(|hit| hit.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), everything.len());
    // Every unit whose English name has an "a" is there.
    let with_a = directory
        .provinces()
        .iter()
        .chain(directory.districts())
        .chain(directory.communes())
        .filter(|unit| unit.display_name(Lang::En).to_lowercase().contains('a'))
        .count();
    let units_found = everything
        .iter()
        .filter(|hit| matches!(hit.kind, HitKind::Unit(_)))
        .count();
    assert_eq!(units_found, with_a);
}

#[test]
fn hits_serialize_for_the_wire() {
    let hit = &search("1201", Lang::En)[0];
    let json = serde_json::to_value(hit).expect("hits serialize");
    assert_eq!(
        json,
        serde_json::json!({
            "code": "1201",
            "kind": {"unit": "district"},
            "name": "Khan Chamkar Mon",
            "path": "Khan Chamkar Mon, Phnom Penh",
            "rank": "exact",
        })
    );
}

#[test]
fn odd_input_never_panics() {
    let long = "ta".repeat(5_000);
    let many_words = "a b c d e f g h i j k l";
    for query in [
        "\u{17D2}",
        "\u{0301}\u{0301}",
        "្ដ",
        "🙂 takeo",
        "\u{202E}oekat",
        long.as_str(),
        many_words,
        "OWSO-",
        "OWSO-12x",
        "0",
        "-1201",
        "ch 120101 x",
    ] {
        for lang in [Lang::En, Lang::Km] {
            let hits = Directory::embedded().search(query, lang, LIMIT);
            assert!(hits.len() <= LIMIT);
        }
    }
}
