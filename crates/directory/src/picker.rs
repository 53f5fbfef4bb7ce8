//! What the app's place picker offers: choices and browsing. A citizen chooses a place, and
//! what is kept is the office that answers for it, so every way of choosing (search, the
//! places used before, browsing province → district → commune) ends at a [`Choice`] naming
//! one office.
//!
//! Guarantees: a choice's title is its place's own name, never an office label, and its
//! path holds only the units above that place, so the two never repeat each other; the
//! office type is said apart (`office_type`, `unit_type`) for the app to show as a tag; a
//! list of choices never holds one office twice; browsing lists are sorted by name in the
//! asked language and every step's units are exactly the units below the opened one.

use crate::directory::Directory;
use crate::fold::fold;
use crate::model::{Lang, Office, OfficeType, Unit, UnitLevel, UnitType};
use crate::search::MatchRank;

/// One office a citizen can choose, named by the place it serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The office's code (`CH-120101`, `OWSO-1201`): what the app keeps as the place.
    pub code: String,
    pub office_type: OfficeType,
    /// The type of the unit the office serves: a sangkat's hall is a "sangkat hall".
    pub unit_type: UnitType,
    /// The name of the place the office serves, with its type word: "សង្កាត់ទន្លេបាសាក់",
    /// "Khan Chamkar Mon", "Takéo".
    pub title: String,
    /// The names of the units above that place, nearest first: `["Khan Chamkar Mon",
    /// "Phnom Penh"]`; empty for a province's offices.
    pub path: Vec<String>,
    /// How it matched the query (`None` outside a search).
    pub rank: Option<MatchRank>,
    /// The citizen chose this office (or a place it answers for) before.
    pub recent: bool,
}

/// One row of a browsing step: a unit below the opened one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowseRow {
    /// The unit's code.
    pub code: String,
    /// The unit's name with its type word.
    pub name: String,
    /// What choosing the row chooses: a commune's hall. `None` for a province or a district,
    /// which open the next step.
    pub choice: Option<Choice>,
}

/// One step of browsing province → district → commune.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowseStep {
    /// The opened unit and those above it, province first, as (code, name); empty at the
    /// top, where the provinces are listed.
    pub trail: Vec<(String, String)>,
    /// The offices of the opened unit, the one that answers for it first; none at the top.
    pub offices: Vec<Choice>,
    /// The units below the opened one (the provinces at the top), sorted by name.
    pub below: Vec<BrowseRow>,
}

impl Directory {
    /// The picker's search: the offices matching `query`, best first, where a matching
    /// unit stands for the office that answers for it ([`Directory::route`]). The places in
    /// `recent` (unit or office codes, newest first) that match come first, newest first,
    /// marked `recent`. At most `limit`; none for an empty query.
    pub fn choose(&self, query: &str, lang: Lang, recent: &[String], limit: usize) -> Vec<Choice> {
        let recent_ids = self.recent_office_ids(recent);
        self.search_index()
            .choose(query, lang, &recent_ids, limit)
            .into_iter()
            .filter_map(|(place, rank)| {
                let office = self.office_at(place)?;
                let mut choice = self.choice_of(office, lang)?;
                choice.rank = Some(rank);
                choice.recent = recent_ids.contains(&place);
                Some(choice)
            })
            .collect()
    }

    /// The choice a place code stands for (a unit's answering office, or the office
    /// itself); `None` for an unknown code.
    pub fn choice(&self, code: &str, lang: Lang) -> Option<Choice> {
        self.choice_of(self.route(code)?, lang)
    }

    /// The choices `codes` (newest first) stand for, each office once, in order, marked
    /// `recent`; unknown codes are skipped.
    pub fn recent_choices(&self, codes: &[String], lang: Lang) -> Vec<Choice> {
        let mut seen: Vec<&str> = Vec::new();
        codes
            .iter()
            .filter_map(|code| self.route(code))
            .filter(|office| {
                let new = !seen.contains(&office.code.as_str());
                seen.push(&office.code);
                new
            })
            .filter_map(|office| {
                let mut choice = self.choice_of(office, lang)?;
                choice.recent = true;
                Some(choice)
            })
            .collect()
    }

    /// A step of browsing: `None` opens the top (every province), a province code lists
    /// its districts, a district code its communes, each with the opened unit's offices.
    /// `None` for a commune or an unknown code, which have nothing to open.
    pub fn browse(&self, code: Option<&str>, lang: Lang) -> Option<BrowseStep> {
        let Some(code) = code else {
            return Some(BrowseStep {
                trail: Vec::new(),
                offices: Vec::new(),
                below: self.browse_rows(self.provinces().iter().collect(), lang),
            });
        };
        let unit = self.unit(code)?;
        if unit.level == UnitLevel::Commune {
            return None;
        }
        let mut trail: Vec<(String, String)> = std::iter::once(unit)
            .chain(self.units_above(crate::model::PlaceRef::Unit(unit)))
            .map(|unit| (unit.code.clone(), unit.display_name(lang)))
            .collect();
        trail.reverse();
        let offices = self
            .offices_of_unit(code)
            .into_iter()
            .filter_map(|office| self.choice_of(office, lang))
            .collect();
        Some(BrowseStep {
            trail,
            offices,
            below: self.browse_rows(self.children(code), lang),
        })
    }

    /// `units` as browsing rows, sorted by their folded bare name in `lang`, then code.
    fn browse_rows(&self, mut units: Vec<&Unit>, lang: Lang) -> Vec<BrowseRow> {
        units.sort_by_cached_key(|unit| (fold(unit.bare_name(lang)), unit.code.clone()));
        units
            .into_iter()
            .map(|unit| BrowseRow {
                code: unit.code.clone(),
                name: unit.display_name(lang),
                choice: (unit.level == UnitLevel::Commune)
                    .then(|| self.route(&unit.code))
                    .flatten()
                    .and_then(|office| self.choice_of(office, lang)),
            })
            .collect()
    }

    /// `office` as a choice: titled by its unit, with the path above that unit.
    fn choice_of(&self, office: &Office, lang: Lang) -> Option<Choice> {
        let unit = self.unit(&office.unit_code)?;
        Some(Choice {
            code: office.code.clone(),
            office_type: office.office_type,
            unit_type: unit.unit_type,
            title: unit.display_name(lang),
            path: self
                .units_above(crate::model::PlaceRef::Unit(unit))
                .map(|above| above.display_name(lang))
                .collect(),
            rank: None,
            recent: false,
        })
    }

    /// The place ids of the offices answering for `codes`, each once, in order.
    fn recent_office_ids(&self, codes: &[String]) -> Vec<usize> {
        let mut ids = Vec::new();
        for code in codes {
            if let Some(id) = self
                .route(code)
                .and_then(|office| self.place_id(&office.code))
            {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }
}
