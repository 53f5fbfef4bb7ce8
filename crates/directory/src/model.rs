//! The directory's vocabulary: languages, unit levels and types, units, offices and place
//! references. Plain data with serde names that are part of the wire format; a `Unit` or
//! `Office` handed out by a `Directory` has been validated when the directory was loaded.

use serde::{Deserialize, Serialize};

/// A language the directory can name things in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Khmer (ខ្មែរ).
    Km,
    /// English; unit names are the NCDD romanization.
    En,
}

impl Lang {
    /// Both languages, Khmer first.
    pub const ALL: [Lang; 2] = [Lang::Km, Lang::En];

    /// The ISO 639-1 code: `"km"` or `"en"`.
    pub fn code(&self) -> &'static str {
        match self {
            Lang::Km => "km",
            Lang::En => "en",
        }
    }

    /// Reads `"km"` or `"en"`, ignoring case, surrounding spaces and a region tag
    /// (`"en-US"`, `"km_KH"`). Anything else is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?;
        if primary.eq_ignore_ascii_case("km") {
            Some(Lang::Km)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// The three tiers of Cambodia's sub-national administration. Ordered from the top:
/// `Province < District < Commune`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitLevel {
    /// A province (ខេត្ត) or the capital (រាជធានី); 2-digit code.
    Province,
    /// A district (ស្រុក), municipality (ក្រុង) or capital district (ខណ្ឌ); 4-digit code.
    District,
    /// A commune (ឃុំ) or quarter (សង្កាត់); 6-digit code.
    Commune,
}

impl UnitLevel {
    /// The number of digits of a unit code at this level.
    pub fn code_len(self) -> usize {
        match self {
            UnitLevel::Province => 2,
            UnitLevel::District => 4,
            UnitLevel::Commune => 6,
        }
    }

    /// The level a unit code of this many characters belongs to.
    pub fn of_code(code: &str) -> Option<UnitLevel> {
        if !code.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        match code.len() {
            2 => Some(UnitLevel::Province),
            4 => Some(UnitLevel::District),
            6 => Some(UnitLevel::Commune),
            _ => None,
        }
    }
}

/// The legal type of a unit, as in the NCDD gazetteer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitType {
    /// ខេត្ត (Khaet), a province.
    Province,
    /// រាជធានី (Reach Thani), the capital Phnom Penh.
    Capital,
    /// ស្រុក, a rural district.
    Srok,
    /// ក្រុង, a municipality.
    Krong,
    /// ខណ្ឌ, a district of the capital.
    Khan,
    /// ឃុំ, a rural commune.
    Khum,
    /// សង្កាត់, an urban commune (quarter).
    Sangkat,
}

impl UnitType {
    /// The level a unit of this type sits at.
    pub fn level(self) -> UnitLevel {
        match self {
            UnitType::Province | UnitType::Capital => UnitLevel::Province,
            UnitType::Srok | UnitType::Krong | UnitType::Khan => UnitLevel::District,
            UnitType::Khum | UnitType::Sangkat => UnitLevel::Commune,
        }
    }

    /// The word put before a unit's name: `"Khan"` / `"ខណ្ឌ"`. Provinces have none in
    /// English ("Takéo", "Phnom Penh").
    pub fn name_prefix(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, UnitType::Province | UnitType::Capital) => "",
            (Lang::En, UnitType::Srok) => "Srok",
            (Lang::En, UnitType::Krong) => "Krong",
            (Lang::En, UnitType::Khan) => "Khan",
            (Lang::En, UnitType::Khum) => "Khum",
            (Lang::En, UnitType::Sangkat) => "Sangkat",
            (Lang::Km, UnitType::Province) => "ខេត្ត",
            (Lang::Km, UnitType::Capital) => "រាជធានី",
            (Lang::Km, UnitType::Srok) => "ស្រុក",
            (Lang::Km, UnitType::Krong) => "ក្រុង",
            (Lang::Km, UnitType::Khan) => "ខណ្ឌ",
            (Lang::Km, UnitType::Khum) => "ឃុំ",
            (Lang::Km, UnitType::Sangkat) => "សង្កាត់",
        }
    }
}

/// One administrative unit: a province, a district or a commune.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// NCDD code: 2, 4 or 6 digits; a unit's code starts with its parent's.
    pub code: String,
    /// The code of the unit above; `None` for provinces.
    pub parent: Option<String>,
    pub level: UnitLevel,
    #[serde(rename = "type")]
    pub unit_type: UnitType,
    /// The Khmer name without its type word ("ចំការមន").
    pub name_km: String,
    /// The NCDD romanization without its type word ("Chamkar Mon").
    pub name_en: String,
}

impl Unit {
    /// The bare name in `lang`, without the type word.
    pub fn bare_name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Km => &self.name_km,
            Lang::En => &self.name_en,
        }
    }

    /// The name with its type word: "Khan Chamkar Mon", "ខណ្ឌចំការមន", "Takéo", "ខេត្តតាកែវ".
    pub fn display_name(&self, lang: Lang) -> String {
        crate::names::unit_name(self, lang).display()
    }
}

/// The kinds of public office that answer citizens' feedback. Each is derived from one unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeType {
    /// The commune or sangkat hall (សាលាឃុំ / សាលាសង្កាត់): `CH-<6 digits>`.
    CommuneHall,
    /// The district's One Window Service Office (ការិយាល័យច្រកចេញចូលតែមួយ): `OWSO-<4 digits>`.
    Owso,
    /// The district's citizens' office, the local ombudsman (ការិយាល័យប្រជាពលរដ្ឋ): `DCO-<4 digits>`.
    DistrictCitizensOffice,
    /// The province's One Window Service Unit (អង្គភាពច្រកចេញចូលតែមួយ): `OWSU-<2 digits>`.
    Owsu,
    /// The provincial (or capital) citizens' office: `PCO-<2 digits>`.
    ProvincialCitizensOffice,
}

impl OfficeType {
    /// Every office type, commune level first.
    pub const ALL: [OfficeType; 5] = [
        OfficeType::CommuneHall,
        OfficeType::Owso,
        OfficeType::DistrictCitizensOffice,
        OfficeType::Owsu,
        OfficeType::ProvincialCitizensOffice,
    ];

    /// The letters before the dash in this type's office codes: `"CH"`, `"OWSO"`, `"DCO"`,
    /// `"OWSU"`, `"PCO"`.
    pub fn code_prefix(self) -> &'static str {
        match self {
            OfficeType::CommuneHall => "CH",
            OfficeType::Owso => "OWSO",
            OfficeType::DistrictCitizensOffice => "DCO",
            OfficeType::Owsu => "OWSU",
            OfficeType::ProvincialCitizensOffice => "PCO",
        }
    }

    /// The level of the unit an office of this type serves.
    pub fn unit_level(self) -> UnitLevel {
        match self {
            OfficeType::CommuneHall => UnitLevel::Commune,
            OfficeType::Owso | OfficeType::DistrictCitizensOffice => UnitLevel::District,
            OfficeType::Owsu | OfficeType::ProvincialCitizensOffice => UnitLevel::Province,
        }
    }

    /// The serde name: `"commune_hall"`, `"owso"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeType::CommuneHall => "commune_hall",
            OfficeType::Owso => "owso",
            OfficeType::DistrictCitizensOffice => "district_citizens_office",
            OfficeType::Owsu => "owsu",
            OfficeType::ProvincialCitizensOffice => "provincial_citizens_office",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            OfficeType::CommuneHall => 0,
            OfficeType::Owso => 1,
            OfficeType::DistrictCitizensOffice => 2,
            OfficeType::Owsu => 3,
            OfficeType::ProvincialCitizensOffice => 4,
        }
    }

    /// The office type whose code starts with `prefix` (`"OWSO"`, case-insensitive).
    pub fn from_code_prefix(prefix: &str) -> Option<OfficeType> {
        OfficeType::ALL
            .into_iter()
            .find(|office_type| office_type.code_prefix().eq_ignore_ascii_case(prefix))
    }
}

/// One public office, derived from a unit. Its code is `<TYPE PREFIX>-<unit code>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    /// `CH-120101`, `OWSO-1201`, `DCO-1201`, `OWSU-12`, `PCO-12`.
    pub code: String,
    #[serde(rename = "type")]
    pub office_type: OfficeType,
    /// The code of the unit this office serves.
    pub unit_code: String,
    /// "ការិយាល័យច្រកចេញចូលតែមួយ ខណ្ឌចំការមន".
    pub name_km: String,
    /// "One Window Service Office, Khan Chamkar Mon".
    pub name_en: String,
}

impl Office {
    /// The office's name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Km => &self.name_km,
            Lang::En => &self.name_en,
        }
    }
}

/// A place feedback can be about: a unit or an office.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceRef<'a> {
    Unit(&'a Unit),
    Office(&'a Office),
}

impl PlaceRef<'_> {
    /// The unit or office code.
    pub fn code(&self) -> &str {
        match self {
            PlaceRef::Unit(unit) => &unit.code,
            PlaceRef::Office(office) => &office.code,
        }
    }

    /// The name with its type word (units) or the office name.
    pub fn display_name(&self, lang: Lang) -> String {
        match self {
            PlaceRef::Unit(unit) => unit.display_name(lang),
            PlaceRef::Office(office) => office.name(lang).to_owned(),
        }
    }
}
