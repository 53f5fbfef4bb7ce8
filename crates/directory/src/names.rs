//! How units and offices are named in each language. A name is built from parts (office
//! label, unit type word, bare unit name) so that display text and search keys come from
//! the same source and cannot disagree.

use crate::model::{Lang, OfficeType, Unit, UnitType};

/// A name split into the parts search needs to know about:
/// `label + joiner + prefix + (" " in English) + bare`.
pub(crate) struct NameParts<'a> {
    /// The office label ("One Window Service Office"); empty for units.
    pub(crate) label: &'static str,
    /// What goes between the label and the unit's name (", ", " " or nothing).
    pub(crate) joiner: &'static str,
    /// The unit's type word ("Khan", "ខណ្ឌ"); may be empty.
    pub(crate) prefix: &'static str,
    /// The unit's bare name ("Chamkar Mon").
    pub(crate) bare: &'a str,
    pub(crate) lang: Lang,
}

impl NameParts<'_> {
    /// The name as shown to people.
    pub(crate) fn display(&self) -> String {
        let space = if self.lang == Lang::En && !self.prefix.is_empty() {
            " "
        } else {
            ""
        };
        [self.label, self.joiner, self.prefix, space, self.bare].concat()
    }
}

/// A unit's name: "Khan Chamkar Mon" / "ខណ្ឌចំការមន"; English province names are bare.
pub(crate) fn unit_name(unit: &Unit, lang: Lang) -> NameParts<'_> {
    NameParts {
        label: "",
        joiner: "",
        prefix: unit.unit_type.name_prefix(lang),
        bare: unit.bare_name(lang),
        lang,
    }
}

/// The name of the office of `office_type` serving `unit`, e.g.
/// "One Window Service Office, Khan Chamkar Mon" / "ការិយាល័យច្រកចេញចូលតែមួយ ខណ្ឌចំការមន".
/// Where a Khmer label already ends with the unit's type word (សាលាឃុំ, ការិយាល័យប្រជាពលរដ្ឋខេត្ត),
/// the word is not repeated: "សាលាឃុំតាភេម".
pub(crate) fn office_name(office_type: OfficeType, unit: &Unit, lang: Lang) -> NameParts<'_> {
    let capital = unit.unit_type == UnitType::Capital;
    let (label, joiner) = match (lang, office_type) {
        (Lang::En, OfficeType::CommuneHall) if unit.unit_type == UnitType::Sangkat => {
            ("Sangkat hall", ", ")
        }
        (Lang::En, OfficeType::CommuneHall) => ("Commune hall", ", "),
        (Lang::En, OfficeType::Owso) => ("One Window Service Office", ", "),
        (Lang::En, OfficeType::DistrictCitizensOffice) => ("Citizens' Office", ", "),
        (Lang::En, OfficeType::Owsu) => ("One Window Service Unit", ", "),
        (Lang::En, OfficeType::ProvincialCitizensOffice) if capital => {
            ("Capital Citizens' Office", ", ")
        }
        (Lang::En, OfficeType::ProvincialCitizensOffice) => ("Provincial Citizens' Office", ", "),
        (Lang::Km, OfficeType::CommuneHall) => ("សាលា", ""),
        (Lang::Km, OfficeType::Owso) => ("ការិយាល័យច្រកចេញចូលតែមួយ", " "),
        (Lang::Km, OfficeType::DistrictCitizensOffice) => ("ការិយាល័យប្រជាពលរដ្ឋ", " "),
        (Lang::Km, OfficeType::Owsu) => ("អង្គភាពច្រកចេញចូលតែមួយ", " "),
        (Lang::Km, OfficeType::ProvincialCitizensOffice) => ("ការិយាល័យប្រជាពលរដ្ឋ", ""),
    };
    NameParts {
        label,
        joiner,
        prefix: unit.unit_type.name_prefix(lang),
        bare: unit.bare_name(lang),
        lang,
    }
}

/// Words people use for an office type besides its name; a multi-word query matches an
/// office through them ("owso takeo", "ombudsman chamkar mon").
pub(crate) fn office_type_aliases(office_type: OfficeType) -> &'static [&'static str] {
    match office_type {
        OfficeType::CommuneHall => &[
            "CH",
            "Commune hall",
            "Sangkat hall",
            "Commune office",
            "សាលាឃុំ",
            "សាលាសង្កាត់",
        ],
        OfficeType::Owso => &["OWSO", "One Window Service Office", "ការិយាល័យច្រកចេញចូលតែមួយ"],
        OfficeType::DistrictCitizensOffice => &[
            "DCO",
            "District Citizens' Office",
            "Ombudsman",
            "ការិយាល័យប្រជាពលរដ្ឋ",
        ],
        OfficeType::Owsu => &["OWSU", "One Window Service Unit", "អង្គភាពច្រកចេញចូលតែមួយ"],
        OfficeType::ProvincialCitizensOffice => &[
            "PCO",
            "Provincial Citizens' Office",
            "Capital Citizens' Office",
            "Ombudsman",
            "ការិយាល័យប្រជាពលរដ្ឋខេត្ត",
            "ការិយាល័យប្រជាពលរដ្ឋរាជធានី",
        ],
    }
}

/// How path elements are joined: ", " in English, " " in Khmer.
pub(crate) fn path_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Km => " ",
        Lang::En => ", ",
    }
}
