//! Office pickers for the console's forms, instead of typed office codes: the official chooses a
//! province (a small GET form: the console has no scripts), then the office from a `<select>`
//! of that province's offices, grouped by district with `<optgroup>`, named in the page's
//! language from the directory.
//!
//! Guarantees: a picker only offers; the handler that takes the chosen code checks it exactly
//! as it checked a typed one (an unknown office, or one switched off, gets the same error). A
//! province that is not in the directory is never offered nor kept.

use maud::{html, Markup};
use ourvoice_directory::{Directory, Office};

use super::html::{options, Shown};
use super::i18n::Tr;

/// The province of an office (`CH-120101` → `12`), if the directory knows it.
pub fn province_of<'a>(directory: &'a Directory, office: &str) -> Option<&'a str> {
    let unit = &directory.office(office)?.unit_code;
    directory
        .provinces()
        .iter()
        .map(|p| p.code.as_str())
        .find(|p| unit.starts_with(p))
}

/// The province asked for when the directory has it, else `fallback`'s, else the first.
pub fn chosen_province(
    directory: &Directory,
    asked: Option<&str>,
    fallback: Option<&str>,
) -> String {
    let provinces = directory.provinces();
    asked
        .map(str::trim)
        .filter(|p| provinces.iter().any(|u| u.code == *p))
        .or_else(|| fallback.and_then(|office| province_of(directory, office)))
        .or_else(|| provinces.first().map(|u| u.code.as_str()))
        .unwrap_or_default()
        .to_string()
}

/// The GET form that changes the province a picker lists: to `action` (an address, with its
/// `#fragment` to come back to the form), `province=` the chosen one.
pub fn province_form(
    directory: &Directory,
    tr: &Tr,
    action: &str,
    id: &str,
    province: &str,
) -> Markup {
    let provinces: Vec<(String, String)> = directory
        .provinces()
        .iter()
        .map(|u| (u.code.clone(), u.display_name(tr.lang)))
        .collect();
    html! {
        form method="get" action=(Shown(action)) class="row picker" {
            div {
                label for=(id) { (tr.h("picker-province")) }
                select id=(id) name="province" { (options(Some(province), &provinces)) }
            }
            div { button type="submit" class="secondary" { (tr.h("picker-show")) } }
        }
    }
}

/// A `<select>` named `name` of the offices of `province` for which `offer` holds: the
/// provincial offices first, then one group per district (its offices, then its commune
/// halls); `selected` marked; the first option empty (`empty_key` says what it means).
pub fn office_select(
    directory: &Directory,
    tr: &Tr,
    (id, name): (&str, &str),
    province: &str,
    selected: Option<&str>,
    empty_key: &str,
    offer: &dyn Fn(&Office) -> bool,
) -> Markup {
    let entries = |units: &[&str]| -> Vec<(String, String)> {
        units
            .iter()
            .flat_map(|unit| directory.offices_of_unit(unit))
            .filter(|office| offer(office))
            .map(|office| (office.code.clone(), office.name(tr.lang).to_string()))
            .collect()
    };
    let mut groups = Vec::new();
    if let Some(unit) = directory.unit(province) {
        groups.push((unit.display_name(tr.lang), entries(&[province])));
    }
    for district in directory.children(province) {
        let mut units = vec![district.code.as_str()];
        let communes = directory.children(&district.code);
        units.extend(communes.iter().map(|c| c.code.as_str()));
        groups.push((district.display_name(tr.lang), entries(&units)));
    }
    html! {
        select id=(id) name=(name) {
            option value="" { (tr.h(empty_key)) }
            @for (label, offices) in &groups {
                @if !offices.is_empty() {
                    optgroup label=(Shown(label)) { (options(selected, offices)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_lists_its_offices_by_district() {
        let directory = Directory::embedded();
        let tr = Tr {
            lang: ourvoice_protocol::Lang::En,
        };
        assert_eq!(province_of(directory, "CH-120101"), Some("12"));
        assert_eq!(province_of(directory, "NOPE-1"), None);
        assert_eq!(chosen_province(directory, Some("12"), None), "12");
        assert_eq!(
            chosen_province(directory, Some("99"), Some("OWSO-0102")),
            "01"
        );
        let select = office_select(
            directory,
            &tr,
            ("office", "office"),
            "12",
            Some("OWSO-1201"),
            "picker-choose",
            &|office| office.code != "CH-120101",
        )
        .into_string();
        assert!(select.contains("<optgroup label=\""), "{select}");
        assert!(select.contains("value=\"PCO-12\""));
        assert!(select.contains("<option value=\"OWSO-1201\" selected>"));
        assert!(select.contains("value=\"CH-120109\""));
        assert!(!select.contains("value=\"CH-120101\""), "left out");
        assert!(!select.contains("value=\"CH-010201\""), "another province");
    }
}
