//! The embedded directory's contents, offices, routing, categories, paths, version, wire
//! form, and `from_json` validation.

use ourvoice_directory::{
    Directory, DirectoryError, Lang, OfficeType, PlaceRef, UnitLevel, UnitType,
};

fn directory() -> &'static Directory {
    Directory::embedded()
}

const EMBEDDED_JSON: &str = include_str!("../data/cambodia-admin.json");

/// A small gazetteer in the embedded file's shape.
const SMALL_JSON: &str = r#"{
  "provinces": [
    {"code": "12", "name_km": "ភ្នំពេញ", "name_en": "Phnom Penh", "type": "capital"},
    {"code": "21", "name_km": "តាកែវ", "name_en": "Takéo", "type": "province"}
  ],
  "districts": [
    {"code": "1201", "province": "12", "name_km": "ចំការមន", "name_en": "Chamkar Mon", "type": "khan"},
    {"code": "2108", "province": "21", "name_km": "ដូនកែវ", "name_en": "Doun Kaev", "type": "krong"}
  ],
  "communes": [
    {"code": "120101", "district": "1201", "name_km": "ទន្លេបាសាក់", "name_en": "Tonle Basak", "type": "sangkat"},
    {"code": "210801", "district": "2108", "name_km": "បារាយណ៍", "name_en": "Baray", "type": "sangkat"}
  ]
}"#;

#[test]
fn counts_match_the_gazetteer() {
    let directory = directory();
    assert_eq!(directory.provinces().len(), 25);
    assert_eq!(directory.districts().len(), 210);
    assert_eq!(directory.communes().len(), 1652);
    let count = |office_type| {
        directory
            .offices()
            .iter()
            .filter(|office| office.office_type == office_type)
            .count()
    };
    assert_eq!(count(OfficeType::CommuneHall), 1652);
    assert_eq!(count(OfficeType::Owso), 210);
    assert_eq!(count(OfficeType::DistrictCitizensOffice), 210);
    assert_eq!(count(OfficeType::Owsu), 25);
    assert_eq!(count(OfficeType::ProvincialCitizensOffice), 25);
    assert_eq!(directory.offices().len(), 1652 + 2 * 210 + 2 * 25);
}

#[test]
fn units_are_sorted_typed_and_linked() {
    let directory = directory();
    for (units, level) in [
        (directory.provinces(), UnitLevel::Province),
        (directory.districts(), UnitLevel::District),
        (directory.communes(), UnitLevel::Commune),
    ] {
        assert!(units.windows(2).all(|pair| pair[0].code < pair[1].code));
        for unit in units {
            assert_eq!(unit.level, level);
            assert_eq!(unit.unit_type.level(), level);
            assert_eq!(unit.code.len(), level.code_len());
            if let Some(parent) = &unit.parent {
                assert!(unit.code.starts_with(parent.as_str()));
                assert!(directory.unit(parent).is_some());
            } else {
                assert_eq!(level, UnitLevel::Province);
            }
        }
    }
    let phnom_penh = directory.unit("12").expect("Phnom Penh");
    assert_eq!(phnom_penh.unit_type, UnitType::Capital);
    assert_eq!(phnom_penh.name_en, "Phnom Penh");
    let basak = directory.unit("120101").expect("Tonle Basak");
    assert_eq!(basak.parent.as_deref(), Some("1201"));
    assert_eq!(basak.unit_type, UnitType::Sangkat);
    assert!(directory.unit("99").is_none());
    assert!(directory.unit("").is_none());
}

#[test]
fn children_are_the_units_below_sorted_by_code() {
    let directory = directory();
    let khans: Vec<&str> = directory
        .children("12")
        .iter()
        .map(|unit| unit.code.as_str())
        .collect();
    assert_eq!(khans.len(), 14);
    assert_eq!(khans.first(), Some(&"1201"));
    assert_eq!(khans.last(), Some(&"1214"));
    let banteay_meanchey = directory.children("01");
    assert_eq!(banteay_meanchey.len(), 9);
    let communes_of_bmc: usize = banteay_meanchey
        .iter()
        .map(|district| directory.children(&district.code).len())
        .sum();
    assert_eq!(communes_of_bmc, 67);
    let sangkats_of_phnom_penh: usize = directory
        .children("12")
        .iter()
        .map(|khan| directory.children(&khan.code).len())
        .sum();
    assert_eq!(sangkats_of_phnom_penh, 105);
    let chamkar_mon = directory.children("1201");
    assert!(chamkar_mon
        .windows(2)
        .all(|pair| pair[0].code < pair[1].code));
    assert!(chamkar_mon
        .iter()
        .all(|unit| unit.parent.as_deref() == Some("1201")));
    assert!(directory.children("120101").is_empty());
    assert!(directory.children("nope").is_empty());
}

#[test]
fn offices_are_derived_with_stable_codes_and_names() {
    let directory = directory();
    let owso = directory.office("OWSO-1201").expect("OWSO of Chamkar Mon");
    assert_eq!(owso.office_type, OfficeType::Owso);
    assert_eq!(owso.unit_code, "1201");
    assert_eq!(owso.name_en, "One Window Service Office, Khan Chamkar Mon");
    assert_eq!(owso.name_km, "ការិយាល័យច្រកចេញចូលតែមួយ ខណ្ឌចំការមន");

    let dco = directory.office("DCO-1201").expect("DCO of Chamkar Mon");
    assert_eq!(dco.name_en, "Citizens' Office, Khan Chamkar Mon");
    assert_eq!(dco.name_km, "ការិយាល័យប្រជាពលរដ្ឋ ខណ្ឌចំការមន");

    let sangkat_hall = directory.office("CH-120101").expect("hall of Tonle Basak");
    assert_eq!(sangkat_hall.office_type, OfficeType::CommuneHall);
    assert_eq!(sangkat_hall.name_en, "Sangkat hall, Sangkat Tonle Basak");
    assert_eq!(sangkat_hall.name_km, "សាលាសង្កាត់ទន្លេបាសាក់");

    let khum = directory
        .communes()
        .iter()
        .find(|unit| unit.unit_type == UnitType::Khum)
        .expect("a khum");
    let commune_hall = directory
        .office(&format!("CH-{}", khum.code))
        .expect("its hall");
    assert_eq!(
        commune_hall.name_en,
        format!("Commune hall, Khum {}", khum.name_en)
    );
    assert_eq!(commune_hall.name_km, format!("សាលាឃុំ{}", khum.name_km));

    let owsu = directory.office("OWSU-21").expect("OWSU of Takéo");
    assert_eq!(owsu.name_en, "One Window Service Unit, Takéo");
    assert_eq!(owsu.name_km, "អង្គភាពច្រកចេញចូលតែមួយ ខេត្តតាកែវ");

    let takeo_pco = directory.office("PCO-21").expect("PCO of Takéo");
    assert_eq!(takeo_pco.name_en, "Provincial Citizens' Office, Takéo");
    assert_eq!(takeo_pco.name_km, "ការិយាល័យប្រជាពលរដ្ឋខេត្តតាកែវ");
    let capital_pco = directory.office("PCO-12").expect("PCO of Phnom Penh");
    assert_eq!(capital_pco.name_en, "Capital Citizens' Office, Phnom Penh");
    assert_eq!(capital_pco.name_km, "ការិយាល័យប្រជាពលរដ្ឋរាជធានីភ្នំពេញ");

    assert!(directory.office("OWSO-9999").is_none());
    assert!(directory.office("owso-1201").is_none());
}

#[test]
fn offices_of_unit() {
    let directory = directory();
    let codes = |unit: &str| -> Vec<String> {
        directory
            .offices_of_unit(unit)
            .iter()
            .map(|office| office.code.clone())
            .collect()
    };
    assert_eq!(codes("120101"), ["CH-120101"]);
    assert_eq!(codes("1201"), ["OWSO-1201", "DCO-1201"]);
    assert_eq!(codes("21"), ["OWSU-21", "PCO-21"]);
    assert!(codes("OWSO-1201").is_empty());
    assert!(codes("99").is_empty());
    for unit in directory.communes() {
        assert_eq!(directory.offices_of_unit(&unit.code).len(), 1);
    }
}

#[test]
fn place_finds_units_and_offices() {
    let directory = directory();
    match directory.place("1201") {
        Some(PlaceRef::Unit(unit)) => assert_eq!(unit.name_en, "Chamkar Mon"),
        other => panic!("1201 should be a unit, got {other:?}"),
    }
    match directory.place("OWSO-1201") {
        Some(PlaceRef::Office(office)) => assert_eq!(office.unit_code, "1201"),
        other => panic!("OWSO-1201 should be an office, got {other:?}"),
    }
    assert!(directory.place("OWSO-").is_none());
    assert!(directory.place("").is_none());
}

#[test]
fn route_names_the_office_that_answers() {
    let directory = directory();
    let route = |code: &str| directory.route(code).map(|office| office.code.as_str());
    assert_eq!(route("120101"), Some("CH-120101"));
    assert_eq!(route("1201"), Some("OWSO-1201"));
    assert_eq!(route("12"), Some("OWSU-12"));
    assert_eq!(route("21"), Some("OWSU-21"));
    for office in ["CH-120101", "OWSO-1201", "DCO-1201", "OWSU-12", "PCO-12"] {
        assert_eq!(route(office), Some(office));
    }
    assert_eq!(route("99"), None);
    assert_eq!(route("nowhere"), None);
    for unit in directory
        .provinces()
        .iter()
        .chain(directory.districts())
        .chain(directory.communes())
    {
        let office = directory.route(&unit.code).expect("every unit has a route");
        assert_eq!(office.unit_code, unit.code);
    }
}

#[test]
fn citizens_office_above_escalates_one_step() {
    let directory = directory();
    let above = |code: &str| {
        directory
            .citizens_office_above(code)
            .map(|office| office.code.as_str())
    };
    assert_eq!(above("CH-120101"), Some("DCO-1201"));
    assert_eq!(above("OWSO-1201"), Some("DCO-1201"));
    assert_eq!(above("DCO-1201"), Some("PCO-12"));
    assert_eq!(above("OWSU-12"), Some("PCO-12"));
    assert_eq!(above("PCO-12"), None);
    assert_eq!(above("1201"), None);
    assert_eq!(above("CH-999999"), None);
    for office in directory.offices() {
        let escalated = above(&office.code);
        match office.office_type {
            OfficeType::ProvincialCitizensOffice => assert_eq!(escalated, None),
            _ => assert!(escalated.is_some(), "{} escalates", office.code),
        }
    }
}

#[test]
fn office_above_ends_at_a_provincial_office() {
    let directory = directory();
    let above = |code: &str| directory.office_above(code).map(|o| o.code.as_str());
    assert_eq!(above("CH-120101"), Some("OWSO-1201"));
    assert_eq!(above("OWSO-1201"), Some("OWSU-12"));
    assert_eq!(above("DCO-1201"), Some("PCO-12"));
    assert_eq!(above("OWSU-12"), None);
    assert_eq!(above("PCO-12"), None);
    assert_eq!(above("120101"), None);
    // From every office, at most two steps reach a provincial office of the same province.
    for office in directory.offices() {
        let mut code = office.code.clone();
        let mut steps = 0;
        while let Some(next) = above(&code) {
            code = next.to_string();
            steps += 1;
        }
        let top = directory.office(&code).unwrap();
        assert!(steps <= 2, "{}", office.code);
        assert_eq!(
            top.office_type.unit_level(),
            ourvoice_directory::UnitLevel::Province
        );
        assert!(
            office.unit_code.starts_with(&top.unit_code),
            "{}",
            office.code
        );
    }
}

#[test]
fn categories_per_office_type() {
    let directory = directory();
    let codes = |office_type| -> Vec<&str> {
        directory
            .categories(office_type)
            .iter()
            .map(|category| category.code)
            .collect()
    };
    assert_eq!(
        codes(OfficeType::CommuneHall),
        [
            "civil_registration",
            "residence_certification",
            "land",
            "local_infrastructure",
            "social_support",
            "staff_conduct",
            "other"
        ]
    );
    let one_window = [
        "business_licence",
        "construction_permit",
        "land",
        "vehicle_registration",
        "civil_registration",
        "staff_conduct",
        "other",
    ];
    assert_eq!(codes(OfficeType::Owso), one_window);
    assert_eq!(codes(OfficeType::Owsu), one_window);
    let all = [
        "civil_registration",
        "residence_certification",
        "business_licence",
        "construction_permit",
        "land",
        "vehicle_registration",
        "local_infrastructure",
        "social_support",
        "staff_conduct",
        "other",
    ];
    assert_eq!(codes(OfficeType::DistrictCitizensOffice), all);
    assert_eq!(codes(OfficeType::ProvincialCitizensOffice), all);

    let land = directory.category("land").expect("land");
    assert_eq!(land.name_en, "Land");
    assert_eq!(land.name_km, "ដីធ្លី");
    let social = directory
        .category("social_support")
        .expect("social support");
    assert_eq!(social.name_en, "Social support (IDPoor)");
    assert!(directory.category("Land").is_none());
    assert!(directory.category("").is_none());
    for code in all {
        let category = directory.category(code).expect("every category");
        assert!(!category.name_en.is_empty() && !category.name_km.is_empty());
    }
}

#[test]
fn paths_in_both_languages() {
    let directory = directory();
    let path = |code: &str, lang| directory.path(code, lang);
    assert_eq!(
        path("120101", Lang::En).as_deref(),
        Some("Sangkat Tonle Basak, Khan Chamkar Mon, Phnom Penh")
    );
    assert_eq!(
        path("120101", Lang::Km).as_deref(),
        Some("សង្កាត់ទន្លេបាសាក់ ខណ្ឌចំការមន រាជធានីភ្នំពេញ")
    );
    assert_eq!(
        path("1201", Lang::En).as_deref(),
        Some("Khan Chamkar Mon, Phnom Penh")
    );
    assert_eq!(path("21", Lang::En).as_deref(), Some("Takéo"));
    assert_eq!(path("21", Lang::Km).as_deref(), Some("ខេត្តតាកែវ"));
    assert_eq!(
        path("OWSO-1201", Lang::En).as_deref(),
        Some("One Window Service Office, Khan Chamkar Mon, Phnom Penh")
    );
    assert_eq!(
        path("OWSO-1201", Lang::Km).as_deref(),
        Some("ការិយាល័យច្រកចេញចូលតែមួយ ខណ្ឌចំការមន រាជធានីភ្នំពេញ")
    );
    assert_eq!(
        path("CH-120101", Lang::En).as_deref(),
        Some("Sangkat hall, Sangkat Tonle Basak, Khan Chamkar Mon, Phnom Penh")
    );
    assert_eq!(
        path("PCO-12", Lang::En).as_deref(),
        Some("Capital Citizens' Office, Phnom Penh")
    );
    assert_eq!(path("nowhere", Lang::En), None);
}

#[test]
fn version_is_a_stable_content_hash() {
    let version = directory().version();
    assert_eq!(version.len(), 16);
    assert!(version.bytes().all(|byte| byte.is_ascii_hexdigit()));
    let reparsed = Directory::from_json(EMBEDDED_JSON).expect("embedded data parses");
    assert_eq!(reparsed.version(), version);

    let renamed = EMBEDDED_JSON.replacen("\"Takéo\"", "\"Takeo\"", 1);
    assert_ne!(renamed, EMBEDDED_JSON);
    let changed = Directory::from_json(&renamed).expect("renamed data parses");
    assert_ne!(changed.version(), version);

    let small = Directory::from_json(SMALL_JSON).expect("small data parses");
    let small_again = Directory::from_json(SMALL_JSON).expect("small data parses");
    assert_eq!(small.version(), small_again.version());
    assert_ne!(small.version(), version);
}

#[test]
fn wire_json_holds_the_whole_directory() {
    let directory = directory();
    let wire: serde_json::Value =
        serde_json::from_str(&directory.to_wire_json()).expect("wire JSON parses");
    assert_eq!(wire["version"], directory.version());
    let units = wire["units"].as_array().expect("units");
    assert_eq!(units.len(), 25 + 210 + 1652);
    assert_eq!(
        units[0],
        serde_json::json!({
            "code": "01", "parent": null, "level": "province", "type": "province",
            "name_km": "បន្ទាយមានជ័យ", "name_en": "Banteay Meanchey",
        })
    );
    let offices = wire["offices"].as_array().expect("offices");
    assert_eq!(offices.len(), directory.offices().len());
    let owso = offices
        .iter()
        .find(|office| office["code"] == "OWSO-1201")
        .expect("OWSO-1201 on the wire");
    assert_eq!(owso["type"], "owso");
    assert_eq!(owso["unit_code"], "1201");
    let categories = &wire["categories"];
    for (office_type, count) in [
        ("commune_hall", 7),
        ("owso", 7),
        ("district_citizens_office", 10),
        ("owsu", 7),
        ("provincial_citizens_office", 10),
    ] {
        let list = categories[office_type]
            .as_array()
            .expect("categories by type");
        assert_eq!(list.len(), count, "{office_type}");
    }
    assert_eq!(categories["commune_hall"][0]["code"], "civil_registration");
    assert_eq!(
        categories["commune_hall"][0]["name_en"],
        "Civil registration (birth, marriage, death)"
    );
    assert!(!directory.to_wire_json().contains('\n'));
}

#[test]
fn wire_names_of_enums() {
    assert_eq!(serde_json::to_value(Lang::Km).ok(), Some("km".into()));
    assert_eq!(
        serde_json::to_value(UnitLevel::Commune).ok(),
        Some("commune".into())
    );
    assert_eq!(
        serde_json::to_value(UnitType::Sangkat).ok(),
        Some("sangkat".into())
    );
    for (office_type, name) in [
        (OfficeType::CommuneHall, "commune_hall"),
        (OfficeType::Owso, "owso"),
        (
            OfficeType::DistrictCitizensOffice,
            "district_citizens_office",
        ),
        (OfficeType::Owsu, "owsu"),
        (
            OfficeType::ProvincialCitizensOffice,
            "provincial_citizens_office",
        ),
    ] {
        assert_eq!(serde_json::to_value(office_type).ok(), Some(name.into()));
        assert_eq!(office_type.as_str(), name);
        let back: OfficeType = serde_json::from_value(name.into()).expect("round trip");
        assert_eq!(back, office_type);
    }
}

#[test]
fn lang_codes() {
    assert_eq!(Lang::Km.code(), "km");
    assert_eq!(Lang::En.code(), "en");
    assert_eq!(Lang::from_code("km"), Some(Lang::Km));
    assert_eq!(Lang::from_code("EN"), Some(Lang::En));
    assert_eq!(Lang::from_code("km-KH"), Some(Lang::Km));
    assert_eq!(Lang::from_code("en_US"), Some(Lang::En));
    assert_eq!(Lang::from_code("fr"), None);
    assert_eq!(Lang::from_code(""), None);
    assert!(UnitLevel::Province < UnitLevel::District);
    assert!(UnitLevel::District < UnitLevel::Commune);
}

#[test]
fn the_small_gazetteer_loads() {
    let small = Directory::from_json(SMALL_JSON).expect("small data parses");
    assert_eq!(small.provinces().len(), 2);
    assert_eq!(small.offices().len(), 2 * 2 + 2 * 2 + 2);
    assert_eq!(
        small.route("210801").map(|office| office.code.as_str()),
        Some("CH-210801")
    );
    let hits = small.search("takeo", Lang::En, 5);
    assert_eq!(hits.first().map(|hit| hit.code.as_str()), Some("21"));
}

fn load_error(json: &str) -> DirectoryError {
    match Directory::from_json(json) {
        Ok(_) => panic!("should have been refused: {json}"),
        Err(error) => error,
    }
}

#[test]
fn from_json_refuses_a_missing_parent() {
    let json = SMALL_JSON.replace(r#""district": "2108""#, r#""district": "2109""#);
    let json = json.replace(r#""code": "210801""#, r#""code": "210901""#);
    let error = load_error(&json);
    assert!(
        matches!(&error, DirectoryError::MissingParent { code, parent } if code == "210901" && parent == "2109"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "unit 210901 names parent 2109, which is not in the directory"
    );

    let json = SMALL_JSON.replace(r#""province": "21""#, r#""province": "22""#);
    let json = json.replace(r#""code": "2108""#, r#""code": "2208""#);
    assert!(matches!(
        load_error(&json),
        DirectoryError::MissingParent { .. }
    ));
}

#[test]
fn from_json_refuses_malformed_data() {
    let bad_code = SMALL_JSON.replace(r#""code": "21""#, r#""code": "2A""#);
    assert!(matches!(
        load_error(&bad_code),
        DirectoryError::MalformedCode { .. }
    ));
    let short_code = SMALL_JSON.replace(r#""code": "120101""#, r#""code": "12010""#);
    assert!(matches!(
        load_error(&short_code),
        DirectoryError::MalformedCode { .. }
    ));
    let mismatch = SMALL_JSON.replace(r#""district": "1201""#, r#""district": "2108""#);
    assert!(matches!(
        load_error(&mismatch),
        DirectoryError::ParentMismatch { .. }
    ));
    let duplicate = SMALL_JSON.replace(r#""code": "210801""#, r#""code": "120101""#);
    let duplicate = duplicate.replace(r#""district": "2108""#, r#""district": "1201""#);
    assert!(matches!(
        load_error(&duplicate),
        DirectoryError::DuplicateCode { .. }
    ));
    let wrong_type = SMALL_JSON.replace(r#""type": "khan""#, r#""type": "khum""#);
    assert!(matches!(
        load_error(&wrong_type),
        DirectoryError::WrongType { .. }
    ));
    let unnamed = SMALL_JSON.replace(r#""name_en": "Baray""#, r#""name_en": "  ""#);
    assert!(matches!(
        load_error(&unnamed),
        DirectoryError::EmptyName { .. }
    ));
    let unknown_type = SMALL_JSON.replace(r#""type": "khan""#, r#""type": "county""#);
    assert!(matches!(load_error(&unknown_type), DirectoryError::Json(_)));
    assert!(matches!(load_error("not json"), DirectoryError::Json(_)));
    assert!(matches!(load_error("{}"), DirectoryError::Json(_)));
}
