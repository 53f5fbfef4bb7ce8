//! The service categories citizens can give feedback about, and which office type handles
//! which. Codes are fixed (they are stored in submitted feedback); names may be reworded.

use serde::Serialize;

use crate::model::OfficeType;

/// A kind of public service, in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ServiceCategory {
    /// Stable snake_case code, e.g. `"civil_registration"`.
    pub code: &'static str,
    pub name_km: &'static str,
    pub name_en: &'static str,
}

impl ServiceCategory {
    /// The category's name in `lang`.
    pub fn name(&self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::Km => self.name_km,
            crate::Lang::En => self.name_en,
        }
    }
}

const CIVIL_REGISTRATION: ServiceCategory = ServiceCategory {
    code: "civil_registration",
    name_km: "ការចុះបញ្ជីអត្រានុកូលដ្ឋាន (កំណើត អាពាហ៍ពិពាហ៍ មរណភាព)",
    name_en: "Civil registration (birth, marriage, death)",
};
const RESIDENCE_CERTIFICATION: ServiceCategory = ServiceCategory {
    code: "residence_certification",
    name_km: "ការបញ្ជាក់ទីលំនៅ និងអត្តសញ្ញាណ",
    name_en: "Residence and identity certification",
};
const BUSINESS_LICENCE: ServiceCategory = ServiceCategory {
    code: "business_licence",
    name_km: "អាជ្ញាប័ណ្ណអាជីវកម្ម",
    name_en: "Business licences",
};
const CONSTRUCTION_PERMIT: ServiceCategory = ServiceCategory {
    code: "construction_permit",
    name_km: "លិខិតអនុញ្ញាតសាងសង់",
    name_en: "Construction permits",
};
const LAND: ServiceCategory = ServiceCategory {
    code: "land",
    name_km: "ដីធ្លី",
    name_en: "Land",
};
const VEHICLE_REGISTRATION: ServiceCategory = ServiceCategory {
    code: "vehicle_registration",
    name_km: "ការចុះបញ្ជីម៉ូតូ និងយានយន្ត",
    name_en: "Motorbike and vehicle registration",
};
const LOCAL_INFRASTRUCTURE: ServiceCategory = ServiceCategory {
    code: "local_infrastructure",
    name_km: "ផ្លូវ ទឹក និងហេដ្ឋារចនាសម្ព័ន្ធមូលដ្ឋាន",
    name_en: "Local roads, water and works",
};
const SOCIAL_SUPPORT: ServiceCategory = ServiceCategory {
    code: "social_support",
    name_km: "ជំនួយសង្គម (ប័ណ្ណសមធម៌)",
    name_en: "Social support (IDPoor)",
};
const STAFF_CONDUCT: ServiceCategory = ServiceCategory {
    code: "staff_conduct",
    name_km: "ឥរិយាបថរបស់មន្ត្រី",
    name_en: "Conduct of officials",
};
const OTHER: ServiceCategory = ServiceCategory {
    code: "other",
    name_km: "ផ្សេងៗ",
    name_en: "Other",
};

/// Every category, in display order. Citizens' offices (ombudsman) take all of them.
pub(crate) static ALL_CATEGORIES: [ServiceCategory; 10] = [
    CIVIL_REGISTRATION,
    RESIDENCE_CERTIFICATION,
    BUSINESS_LICENCE,
    CONSTRUCTION_PERMIT,
    LAND,
    VEHICLE_REGISTRATION,
    LOCAL_INFRASTRUCTURE,
    SOCIAL_SUPPORT,
    STAFF_CONDUCT,
    OTHER,
];

static COMMUNE_HALL_CATEGORIES: [ServiceCategory; 7] = [
    CIVIL_REGISTRATION,
    RESIDENCE_CERTIFICATION,
    LAND,
    LOCAL_INFRASTRUCTURE,
    SOCIAL_SUPPORT,
    STAFF_CONDUCT,
    OTHER,
];

static ONE_WINDOW_CATEGORIES: [ServiceCategory; 7] = [
    BUSINESS_LICENCE,
    CONSTRUCTION_PERMIT,
    LAND,
    VEHICLE_REGISTRATION,
    CIVIL_REGISTRATION,
    STAFF_CONDUCT,
    OTHER,
];

/// The categories an office of `office_type` handles, in display order.
pub(crate) fn categories_of(office_type: OfficeType) -> &'static [ServiceCategory] {
    match office_type {
        OfficeType::CommuneHall => &COMMUNE_HALL_CATEGORIES,
        OfficeType::Owso | OfficeType::Owsu => &ONE_WINDOW_CATEGORIES,
        OfficeType::DistrictCitizensOffice | OfficeType::ProvincialCitizensOffice => {
            &ALL_CATEGORIES
        }
    }
}

/// The category with this code.
pub(crate) fn category_by_code(code: &str) -> Option<&'static ServiceCategory> {
    ALL_CATEGORIES.iter().find(|category| category.code == code)
}
