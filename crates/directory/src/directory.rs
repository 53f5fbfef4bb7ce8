//! The loaded directory: units read from the gazetteer JSON, the offices derived from them,
//! lookups, feedback routing, paths and the wire form. A `Directory` is immutable once
//! built; `from_json` refuses data whose codes are malformed, duplicated or whose parents
//! are missing, so every parent and office lookup inside a `Directory` succeeds.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;
use std::ops::Range;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::categories::{categories_of, category_by_code, ServiceCategory};
use crate::error::DirectoryError;
use crate::model::{Lang, Office, OfficeType, PlaceRef, Unit, UnitLevel, UnitType};
use crate::names::{office_name, path_separator};
use crate::search::{SearchHit, SearchIndex};

/// The gazetteer shipped with the crate (see `data/README.md` for its source and licence).
const EMBEDDED_JSON: &str = include_str!("../data/cambodia-admin.json");

static EMBEDDED: LazyLock<Directory> = LazyLock::new(|| {
    Directory::from_json(EMBEDDED_JSON)
        .expect("the embedded gazetteer is valid; the crate's tests load it")
});

/// Where a unit sits in the directory's vectors.
#[derive(Clone, Debug)]
struct UnitSlot {
    level: UnitLevel,
    /// Index into the vector of `level`.
    index: usize,
    /// The unit's children: a range of the next level's vector (empty for communes).
    children: Range<usize>,
    /// The unit's offices: a range of `offices`.
    offices: Range<usize>,
}

/// Cambodia's administrative units, the offices serving them, and search over both.
pub struct Directory {
    version: String,
    provinces: Vec<Unit>,
    districts: Vec<Unit>,
    communes: Vec<Unit>,
    offices: Vec<Office>,
    units_by_code: HashMap<String, UnitSlot>,
    offices_by_code: HashMap<String, usize>,
    index: SearchIndex,
}

impl fmt::Debug for Directory {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Directory")
            .field("version", &self.version)
            .field("provinces", &self.provinces.len())
            .field("districts", &self.districts.len())
            .field("communes", &self.communes.len())
            .field("offices", &self.offices.len())
            .finish()
    }
}

#[derive(Deserialize)]
struct GazetteerFile {
    provinces: Vec<GazetteerProvince>,
    districts: Vec<GazetteerDistrict>,
    communes: Vec<GazetteerCommune>,
}

#[derive(Deserialize)]
struct GazetteerProvince {
    code: String,
    name_km: String,
    name_en: String,
    #[serde(rename = "type")]
    unit_type: UnitType,
}

#[derive(Deserialize)]
struct GazetteerDistrict {
    code: String,
    province: String,
    name_km: String,
    name_en: String,
    #[serde(rename = "type")]
    unit_type: UnitType,
}

#[derive(Deserialize)]
struct GazetteerCommune {
    code: String,
    district: String,
    name_km: String,
    name_en: String,
    #[serde(rename = "type")]
    unit_type: UnitType,
}

/// The directory as sent to clients, without its version (which is the hash of this).
#[derive(Serialize)]
struct WireBody<'a> {
    units: Vec<&'a Unit>,
    offices: &'a [Office],
    categories: WireCategories,
}

#[derive(Serialize)]
struct WireCategories {
    commune_hall: &'static [ServiceCategory],
    owso: &'static [ServiceCategory],
    district_citizens_office: &'static [ServiceCategory],
    owsu: &'static [ServiceCategory],
    provincial_citizens_office: &'static [ServiceCategory],
}

#[derive(Serialize)]
struct Wire<'a> {
    version: &'a str,
    #[serde(flatten)]
    body: WireBody<'a>,
}

/// Feeds serialized bytes straight into the hash.
struct HashWriter(Sha256);

impl io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Directory {
    /// The directory built from the gazetteer embedded in the crate, parsed on first use.
    ///
    /// # Panics
    ///
    /// Only if the embedded data were invalid, which the crate's tests rule out.
    pub fn embedded() -> &'static Directory {
        &EMBEDDED
    }

    /// Builds a directory from gazetteer JSON in the shape of `data/cambodia-admin.json`.
    /// Names are normalized to NFC with runs of whitespace collapsed.
    ///
    /// # Errors
    ///
    /// Refuses JSON not in that shape, a code without the right number of digits or not
    /// starting with its parent's code, a duplicate code, a missing parent, a type that
    /// does not fit its level, and an empty name.
    pub fn from_json(json: &str) -> Result<Directory, DirectoryError> {
        let file: GazetteerFile = serde_json::from_str(json)?;
        let mut seen_codes = HashSet::new();
        let provinces = checked_units(
            UnitLevel::Province,
            file.provinces.into_iter().map(|raw| RawUnit {
                code: raw.code,
                parent: None,
                unit_type: raw.unit_type,
                name_km: raw.name_km,
                name_en: raw.name_en,
            }),
            &mut seen_codes,
        )?;
        let districts = checked_units(
            UnitLevel::District,
            file.districts.into_iter().map(|raw| RawUnit {
                code: raw.code,
                parent: Some(raw.province),
                unit_type: raw.unit_type,
                name_km: raw.name_km,
                name_en: raw.name_en,
            }),
            &mut seen_codes,
        )?;
        let communes = checked_units(
            UnitLevel::Commune,
            file.communes.into_iter().map(|raw| RawUnit {
                code: raw.code,
                parent: Some(raw.district),
                unit_type: raw.unit_type,
                name_km: raw.name_km,
                name_en: raw.name_en,
            }),
            &mut seen_codes,
        )?;
        check_parents_exist(&districts, &provinces)?;
        check_parents_exist(&communes, &districts)?;

        let mut units_by_code = HashMap::with_capacity(seen_codes.len());
        for (level, units, children) in [
            (UnitLevel::Province, &provinces, Some(&districts)),
            (UnitLevel::District, &districts, Some(&communes)),
            (UnitLevel::Commune, &communes, None),
        ] {
            for (index, unit) in units.iter().enumerate() {
                let children = children.map_or(0..0, |children| child_range(children, &unit.code));
                let slot = UnitSlot {
                    level,
                    index,
                    children,
                    offices: 0..0,
                };
                units_by_code.insert(unit.code.clone(), slot);
            }
        }
        let offices = derive_offices(&provinces, &districts, &communes, &mut units_by_code);
        let offices_by_code = offices
            .iter()
            .enumerate()
            .map(|(index, office)| (office.code.clone(), index))
            .collect();

        let mut directory = Directory {
            version: String::new(),
            provinces,
            districts,
            communes,
            offices,
            units_by_code,
            offices_by_code,
            index: SearchIndex::default(),
        };
        directory.version = directory.content_hash();
        directory.index = SearchIndex::build(&directory);
        Ok(directory)
    }

    /// A 16-hex-digit hash of everything `to_wire_json` sends besides the version itself:
    /// units, offices and categories. Equal data gives an equal version; any change to a
    /// code, name, type, derived office or category changes it.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The provinces and the capital, sorted by code.
    pub fn provinces(&self) -> &[Unit] {
        &self.provinces
    }

    /// The districts (srok, krong, khan), sorted by code.
    pub fn districts(&self) -> &[Unit] {
        &self.districts
    }

    /// The communes (khum, sangkat), sorted by code.
    pub fn communes(&self) -> &[Unit] {
        &self.communes
    }

    /// The unit with this NCDD code.
    pub fn unit(&self, code: &str) -> Option<&Unit> {
        let slot = self.units_by_code.get(code)?;
        Some(&self.level_units(slot.level)[slot.index])
    }

    /// The districts of a province or the communes of a district, sorted by code. Empty
    /// for a commune or an unknown code.
    pub fn children(&self, code: &str) -> Vec<&Unit> {
        let Some(slot) = self.units_by_code.get(code) else {
            return Vec::new();
        };
        let children = match slot.level {
            UnitLevel::Province => &self.districts[slot.children.clone()],
            UnitLevel::District => &self.communes[slot.children.clone()],
            UnitLevel::Commune => &[],
        };
        children.iter().collect()
    }

    /// Every office: provincial offices first, then district offices, then commune halls;
    /// each group by unit code.
    pub fn offices(&self) -> &[Office] {
        &self.offices
    }

    /// The office with this code (`OWSO-1201`).
    pub fn office(&self, code: &str) -> Option<&Office> {
        self.offices_by_code
            .get(code)
            .map(|&index| &self.offices[index])
    }

    /// The offices serving a unit: a commune's hall; a district's OWSO and citizens'
    /// office; a province's OWSU and citizens' office.
    pub fn offices_of_unit(&self, unit_code: &str) -> Vec<&Office> {
        self.units_by_code
            .get(unit_code)
            .map(|slot| self.offices[slot.offices.clone()].iter().collect())
            .unwrap_or_default()
    }

    /// The unit or office with this code.
    pub fn place(&self, code: &str) -> Option<PlaceRef<'_>> {
        if let Some(unit) = self.unit(code) {
            return Some(PlaceRef::Unit(unit));
        }
        self.office(code).map(PlaceRef::Office)
    }

    /// The office that must answer feedback about a place: an office answers for itself;
    /// a commune's hall, a district's OWSO and a province's OWSU answer for their unit.
    pub fn route(&self, place_code: &str) -> Option<&Office> {
        if let Some(office) = self.office(place_code) {
            return Some(office);
        }
        let unit = self.unit(place_code)?;
        let office_type = match unit.level {
            UnitLevel::Commune => OfficeType::CommuneHall,
            UnitLevel::District => OfficeType::Owso,
            UnitLevel::Province => OfficeType::Owsu,
        };
        self.office_of(office_type, &unit.code)
    }

    /// The citizens' office (ombudsman) a complaint about an office escalates to: the
    /// district's for a commune hall or an OWSO; the province's for a district citizens'
    /// office or an OWSU; none above a provincial citizens' office.
    pub fn citizens_office_above(&self, office_code: &str) -> Option<&Office> {
        let office = self.office(office_code)?;
        let unit = self.unit(&office.unit_code)?;
        match office.office_type {
            OfficeType::CommuneHall => {
                let district = unit.parent.as_deref()?;
                self.office_of(OfficeType::DistrictCitizensOffice, district)
            }
            OfficeType::Owso => self.office_of(OfficeType::DistrictCitizensOffice, &unit.code),
            OfficeType::DistrictCitizensOffice => {
                let province = unit.parent.as_deref()?;
                self.office_of(OfficeType::ProvincialCitizensOffice, province)
            }
            OfficeType::Owsu => self.office_of(OfficeType::ProvincialCitizensOffice, &unit.code),
            OfficeType::ProvincialCitizensOffice => None,
        }
    }

    /// The office that takes over an office's feedback while that office is not on the system:
    /// the district's OWSO for a commune hall, the province's OWSU for an OWSO, the province's
    /// citizens' office for a district citizens' office; none above a provincial office.
    pub fn office_above(&self, office_code: &str) -> Option<&Office> {
        let office = self.office(office_code)?;
        let unit = self.unit(&office.unit_code)?;
        let parent = unit.parent.as_deref()?;
        match office.office_type {
            OfficeType::CommuneHall => self.office_of(OfficeType::Owso, parent),
            OfficeType::Owso => self.office_of(OfficeType::Owsu, parent),
            OfficeType::DistrictCitizensOffice => {
                self.office_of(OfficeType::ProvincialCitizensOffice, parent)
            }
            OfficeType::Owsu | OfficeType::ProvincialCitizensOffice => None,
        }
    }

    /// The service categories an office of this type handles, in display order.
    pub fn categories(&self, office_type: OfficeType) -> &'static [ServiceCategory] {
        categories_of(office_type)
    }

    /// The service category with this code.
    pub fn category(&self, code: &str) -> Option<&'static ServiceCategory> {
        category_by_code(code)
    }

    /// The full path of a unit or office, from it up to its province:
    /// "Sangkat Tonle Basak, Khan Chamkar Mon, Phnom Penh" /
    /// "សង្កាត់ទន្លេបាសាក់ ខណ្ឌចំការមន រាជធានីភ្នំពេញ";
    /// an office's path is its name followed by the path above its unit.
    pub fn path(&self, code: &str, lang: Lang) -> Option<String> {
        let place = self.place(code)?;
        Some(self.build_path(place, lang))
    }

    /// Finds units and offices for a place picker. Takes Khmer or Latin script whatever
    /// `lang` is (which only picks the language of the hits' names and paths), NCDD codes
    /// and office codes. Best matches first: exact name, then prefix, then substring, then
    /// every word of a multi-word query matching the place, its office type or its parents.
    /// At most `limit` hits; none for an empty query.
    pub fn search(&self, query: &str, lang: Lang, limit: usize) -> Vec<SearchHit> {
        self.index.search(query, lang, limit)
    }

    /// The whole directory as compact JSON for `GET /api/v1/directory`:
    /// `{"version", "units": [...], "offices": [...], "categories": {<office type>: [...]}}`.
    pub fn to_wire_json(&self) -> String {
        let wire = Wire {
            version: &self.version,
            body: self.wire_body(),
        };
        serde_json::to_string(&wire).expect("the wire form has only string keys and plain data")
    }

    fn wire_body(&self) -> WireBody<'_> {
        WireBody {
            units: self.units().collect(),
            offices: &self.offices,
            categories: WireCategories {
                commune_hall: categories_of(OfficeType::CommuneHall),
                owso: categories_of(OfficeType::Owso),
                district_citizens_office: categories_of(OfficeType::DistrictCitizensOffice),
                owsu: categories_of(OfficeType::Owsu),
                provincial_citizens_office: categories_of(OfficeType::ProvincialCitizensOffice),
            },
        }
    }

    fn content_hash(&self) -> String {
        let mut writer = HashWriter(Sha256::new());
        serde_json::to_writer(&mut writer, &self.wire_body())
            .expect("hashing never fails to write and the wire form is plain data");
        let digest = writer.0.finalize();
        hex::encode(&digest[..8])
    }

    /// Every unit: provinces, then districts, then communes.
    pub(crate) fn units(&self) -> impl Iterator<Item = &Unit> {
        self.provinces
            .iter()
            .chain(&self.districts)
            .chain(&self.communes)
    }

    /// The number of places (units and offices).
    pub(crate) fn place_count(&self) -> usize {
        self.provinces.len() + self.districts.len() + self.communes.len() + self.offices.len()
    }

    /// Every place: units in `units()` order, then offices in `offices()` order. A place's
    /// position here is its id.
    pub(crate) fn places(&self) -> impl Iterator<Item = PlaceRef<'_>> {
        self.units()
            .map(PlaceRef::Unit)
            .chain(self.offices.iter().map(PlaceRef::Office))
    }

    /// The id of the place with this code (its position in `places()`).
    pub(crate) fn place_id(&self, code: &str) -> Option<usize> {
        let units = self.provinces.len() + self.districts.len() + self.communes.len();
        if let Some(&index) = self.offices_by_code.get(code) {
            return Some(units + index);
        }
        let slot = self.units_by_code.get(code)?;
        let before = match slot.level {
            UnitLevel::Province => 0,
            UnitLevel::District => self.provinces.len(),
            UnitLevel::Commune => self.provinces.len() + self.districts.len(),
        };
        Some(before + slot.index)
    }

    /// The search index built when the directory loaded.
    pub(crate) fn search_index(&self) -> &SearchIndex {
        &self.index
    }

    /// The office whose place id (position in `places()`) is `id`, if that place is one.
    pub(crate) fn office_at(&self, id: usize) -> Option<&Office> {
        let units = self.provinces.len() + self.districts.len() + self.communes.len();
        self.offices.get(id.checked_sub(units)?)
    }

    /// The units above a place, nearest first: for a unit its parents; for an office its
    /// own unit and that unit's parents.
    pub(crate) fn units_above<'a>(&'a self, place: PlaceRef<'a>) -> impl Iterator<Item = &'a Unit> {
        let first = match place {
            PlaceRef::Unit(unit) => unit.parent.as_deref().and_then(|code| self.unit(code)),
            PlaceRef::Office(office) => self.unit(&office.unit_code),
        };
        std::iter::successors(first, |unit| {
            unit.parent.as_deref().and_then(|code| self.unit(code))
        })
    }

    /// The path of a place: its name, then the names of the units above it (for an
    /// office, above its unit, whose name is part of the office's name).
    pub(crate) fn build_path(&self, place: PlaceRef<'_>, lang: Lang) -> String {
        let mut path = place.display_name(lang);
        let skip = usize::from(matches!(place, PlaceRef::Office(_)));
        for unit in self.units_above(place).skip(skip) {
            path.push_str(path_separator(lang));
            path.push_str(&unit.display_name(lang));
        }
        path
    }

    fn level_units(&self, level: UnitLevel) -> &[Unit] {
        match level {
            UnitLevel::Province => &self.provinces,
            UnitLevel::District => &self.districts,
            UnitLevel::Commune => &self.communes,
        }
    }

    fn office_of(&self, office_type: OfficeType, unit_code: &str) -> Option<&Office> {
        let slot = self.units_by_code.get(unit_code)?;
        self.offices[slot.offices.clone()]
            .iter()
            .find(|office| office.office_type == office_type)
    }
}

/// One gazetteer row of any level.
struct RawUnit {
    code: String,
    parent: Option<String>,
    unit_type: UnitType,
    name_km: String,
    name_en: String,
}

/// Checks the rows of one level and turns them into units sorted by code.
fn checked_units(
    level: UnitLevel,
    rows: impl Iterator<Item = RawUnit>,
    seen_codes: &mut HashSet<String>,
) -> Result<Vec<Unit>, DirectoryError> {
    let mut units = rows
        .map(|row| checked_unit(level, row, seen_codes))
        .collect::<Result<Vec<_>, _>>()?;
    units.sort_by(|left, right| left.code.cmp(&right.code));
    Ok(units)
}

/// Checks one gazetteer row and turns it into a `Unit`.
fn checked_unit(
    level: UnitLevel,
    row: RawUnit,
    seen_codes: &mut HashSet<String>,
) -> Result<Unit, DirectoryError> {
    let RawUnit {
        code,
        parent,
        unit_type,
        name_km,
        name_en,
    } = row;
    if UnitLevel::of_code(&code) != Some(level) {
        return Err(DirectoryError::MalformedCode {
            level,
            code,
            expected_digits: level.code_len(),
        });
    }
    if let Some(parent) = &parent {
        if !code.starts_with(parent.as_str()) || parent.len() + 2 != code.len() {
            return Err(DirectoryError::ParentMismatch {
                code,
                parent: parent.clone(),
            });
        }
    }
    if unit_type.level() != level {
        return Err(DirectoryError::WrongType {
            code,
            unit_type,
            level,
        });
    }
    let name_km = clean_name(&name_km);
    let name_en = clean_name(&name_en);
    for (field, name) in [("name_km", &name_km), ("name_en", &name_en)] {
        if name.is_empty() {
            return Err(DirectoryError::EmptyName { code, field });
        }
    }
    if !seen_codes.insert(code.clone()) {
        return Err(DirectoryError::DuplicateCode { code });
    }
    Ok(Unit {
        code,
        parent,
        level,
        unit_type,
        name_km,
        name_en,
    })
}

/// NFC, trimmed, runs of whitespace collapsed to one space.
fn clean_name(name: &str) -> String {
    let normalized: String = name.nfc().collect();
    normalized.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_parents_exist(units: &[Unit], parents: &[Unit]) -> Result<(), DirectoryError> {
    for unit in units {
        let Some(parent) = &unit.parent else { continue };
        let exists = parents
            .binary_search_by(|candidate| candidate.code.as_str().cmp(parent))
            .is_ok();
        if !exists {
            return Err(DirectoryError::MissingParent {
                code: unit.code.clone(),
                parent: parent.clone(),
            });
        }
    }
    Ok(())
}

/// The range of `children` (sorted by code) whose parent is `parent_code`.
fn child_range(children: &[Unit], parent_code: &str) -> Range<usize> {
    let start = children.partition_point(|child| child.code.as_str() < parent_code);
    let len = children[start..]
        .iter()
        .take_while(|child| child.parent.as_deref() == Some(parent_code))
        .count();
    start..start + len
}

/// Every unit's offices: provinces' OWSU and PCO, then districts' OWSO and DCO, then
/// communes' halls, each group by unit code. Records each unit's office range in its slot.
fn derive_offices(
    provinces: &[Unit],
    districts: &[Unit],
    communes: &[Unit],
    units_by_code: &mut HashMap<String, UnitSlot>,
) -> Vec<Office> {
    let mut offices =
        Vec::with_capacity(2 * provinces.len() + 2 * districts.len() + communes.len());
    for (units, office_types) in [
        (
            provinces,
            &[OfficeType::Owsu, OfficeType::ProvincialCitizensOffice][..],
        ),
        (
            districts,
            &[OfficeType::Owso, OfficeType::DistrictCitizensOffice][..],
        ),
        (communes, &[OfficeType::CommuneHall][..]),
    ] {
        for unit in units {
            let first = offices.len();
            offices.extend(
                office_types
                    .iter()
                    .map(|&office_type| derive_office(office_type, unit)),
            );
            if let Some(slot) = units_by_code.get_mut(&unit.code) {
                slot.offices = first..offices.len();
            }
        }
    }
    offices
}

fn derive_office(office_type: OfficeType, unit: &Unit) -> Office {
    Office {
        code: format!("{}-{}", office_type.code_prefix(), unit.code),
        office_type,
        unit_code: unit.code.clone(),
        name_km: office_name(office_type, unit, Lang::Km).display(),
        name_en: office_name(office_type, unit, Lang::En).display(),
    }
}
