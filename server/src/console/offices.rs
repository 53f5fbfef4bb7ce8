//! The offices (administrators): every office the gazetteer gives, found by name, code, the
//! place it serves, province, type and whether it is on the system; each with its open items, its accounts, its
//! contact details, and the switch that takes it off the system (its new feedback then goes to
//! the office above it, see [`crate::offices`]).
//!
//! Guarantees: only administrators reach these pages (the [`Admin`] extractor), and their forms
//! carry the session's CSRF token ([`CsrfForm`]); names, contact details and accounts are shown
//! through [`Shown`]; a provincial office cannot be switched
//! off, nor an office with open items (they would have nobody to answer them); every change is
//! written to the audit log in the same transaction, and routing follows it at once.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use fluent_bundle::FluentValue;
use maud::{html, Markup};
use ourvoice_directory::{Lang, Office, OfficeType};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

use super::cases::office_name;
use super::html::{badge, csrf_field, fact, flag, options, pager, table, Pages, Shown};
use super::i18n::Tr;
use super::{Admin, ConsoleError, ConsoleResult, CsrfForm, Params};
use crate::offices::{self, OfficeSettings};
use crate::store::{accounts, audit};
use crate::AppState;

/// The offices one list page shows.
const PAGE: usize = 100;
/// The longest phone number and opening hours an office may have.
const MAX_PHONE_CHARS: usize = 20;
const MAX_HOURS_CHARS: usize = 200;

/// Lower-case text for matching what an administrator typed.
fn folded(text: &str) -> String {
    text.trim().to_lowercase()
}

fn type_name(tr: &Tr, office_type: OfficeType) -> String {
    tr.t(&format!("office-type-{}", office_type.as_str()))
}

fn state_badge(tr: &Tr, receiving: bool) -> Markup {
    if receiving {
        badge(&tr.t("office-on"), false)
    } else {
        badge(&tr.t("office-off"), true)
    }
}

/// The list's query: search text, province, type, on or off the system, page (from 1).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OfficesQuery {
    q: Option<String>,
    province: Option<String>,
    #[serde(rename = "type")]
    office_type: Option<String>,
    state: Option<String>,
    page: Option<String>,
}

/// The list's filter, checked.
struct OfficeFilter {
    /// The search text as typed (trimmed), and folded for matching.
    q: Option<String>,
    text: Option<String>,
    province: Option<String>,
    office_type: Option<OfficeType>,
    on_system: Option<bool>,
    /// The page, from 0.
    page: usize,
}

fn parse_offices_query(
    state: &AppState,
    tr: &Tr,
    query: &OfficesQuery,
) -> Result<OfficeFilter, ConsoleError> {
    let given = |value: &Option<String>| {
        value
            .as_deref()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let bad = || ConsoleError::Bad(tr.t("error-filter"));
    let q = given(&query.q);
    let province = given(&query.province);
    if province
        .as_deref()
        .is_some_and(|p| !state.directory.provinces().iter().any(|u| u.code == p))
    {
        return Err(bad());
    }
    let office_type = match given(&query.office_type) {
        Some(code) => Some(
            OfficeType::ALL
                .into_iter()
                .find(|t| t.as_str() == code)
                .ok_or_else(bad)?,
        ),
        None => None,
    };
    let on_system = match given(&query.state).as_deref() {
        None => None,
        Some("on") => Some(true),
        Some("off") => Some(false),
        Some(_) => return Err(bad()),
    };
    let page = given(&query.page)
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
        - 1;
    Ok(OfficeFilter {
        text: q.as_deref().map(folded),
        q,
        province,
        office_type,
        on_system,
        page,
    })
}

/// The stored settings (off the system, contact) and the open items and accounts per office.
type Load = (HashMap<String, OfficeSettings>, HashMap<String, (i64, i64)>);

pub async fn list(
    State(state): State<Arc<AppState>>,
    signed: Admin,
    Params(query): Params<OfficesQuery>,
) -> ConsoleResult {
    let tr = signed.tr;
    let filter = parse_offices_query(&state, &tr, &query)?;
    let (settings, load): Load = state
        .store
        .read(|sql| Ok((offices::settings(sql)?, offices::load_per_office(sql)?)))
        .await?;
    // On the system unless saved as off (the same stored settings the rows show).
    let receiving = |code: &str| settings.get(code).is_none_or(|s| s.receiving);
    let matching = matching_offices(&state, &filter, &receiving);
    let shown: Vec<&Office> = matching
        .iter()
        .copied()
        .skip(filter.page * PAGE)
        .take(PAGE)
        .collect();
    let body = html! {
        p { (tr.h("offices-help")) }
        (offices_form(&state, &tr, &filter))
        @if shown.is_empty() {
            p { (tr.h("offices-none")) }
        } @else {
            (offices_table(&tr, &shown, &load, &receiving))
        }
        (pager(
            &tr,
            &Pages {
                path: "/console/offices",
                keep: &offices_keep(&filter),
                range_key: "offices-range",
                page: filter.page,
                size: PAGE,
                shown: shown.len(),
                total: matching.len(),
            },
        ))
    };
    Ok(signed.page(&tr.t("nav-offices"), body))
}

fn matching_offices<'d>(
    state: &'d AppState,
    filter: &OfficeFilter,
    receiving: &dyn Fn(&str) -> bool,
) -> Vec<&'d Office> {
    state
        .directory
        .offices()
        .iter()
        .filter(|o| {
            filter
                .province
                .as_deref()
                .is_none_or(|p| o.unit_code.starts_with(p))
        })
        .filter(|o| filter.office_type.is_none_or(|t| o.office_type == t))
        .filter(|o| filter.on_system.is_none_or(|on| receiving(&o.code) == on))
        .filter(|o| {
            // By code, by name, or by the place it serves (a district's name finds its halls).
            filter.text.as_deref().is_none_or(|t| {
                folded(&o.code).contains(t)
                    || folded(&o.name_en).contains(t)
                    || o.name_km.contains(t)
                    || [Lang::En, Lang::Km].into_iter().any(|lang| {
                        state
                            .directory
                            .path(&o.unit_code, lang)
                            .is_some_and(|path| folded(&path).contains(t))
                    })
            })
        })
        .collect()
}

fn offices_form(state: &AppState, tr: &Tr, filter: &OfficeFilter) -> Markup {
    let mut provinces = vec![(String::new(), tr.t("filter-any"))];
    provinces.extend(
        state
            .directory
            .provinces()
            .iter()
            .map(|u| (u.code.clone(), u.display_name(tr.lang).to_string())),
    );
    let mut types = vec![("", tr.t("filter-any"))];
    types.extend(
        OfficeType::ALL
            .into_iter()
            .map(|t| (t.as_str(), type_name(tr, t))),
    );
    let states = [
        ("", tr.t("filter-any")),
        ("on", tr.t("office-on")),
        ("off", tr.t("office-off")),
    ];
    let on_system = filter.on_system.map(|on| if on { "on" } else { "off" });
    html! {
        form method="get" action="/console/offices" class="card row" {
            div {
                label for="q" { (tr.h("offices-search")) }
                input type="search" id="q" name="q" value=(Shown(filter.q.as_deref().unwrap_or("")));
            }
            div {
                label for="province" { (tr.h("offices-province")) }
                select id="province" name="province" {
                    (options(Some(filter.province.as_deref().unwrap_or("")), &provinces))
                }
            }
            div {
                label for="type" { (tr.h("offices-type")) }
                select id="type" name="type" {
                    (options(Some(filter.office_type.map_or("", |t| t.as_str())), &types))
                }
            }
            div {
                label for="state" { (tr.h("offices-state")) }
                select id="state" name="state" { (options(Some(on_system.unwrap_or("")), &states)) }
            }
            div { button type="submit" { (tr.h("filter-apply")) } }
        }
    }
}

fn offices_table(
    tr: &Tr,
    shown: &[&Office],
    load: &HashMap<String, (i64, i64)>,
    receiving: &dyn Fn(&str) -> bool,
) -> Markup {
    let rows = html! {
        @for office in shown {
            @let (open, accounts) = load.get(&office.code).copied().unwrap_or((0, 0));
            tr {
                td { a href={ "/console/offices/" (Shown(&office.code)) } { (Shown(&office.code)) } }
                td { (Shown(office.name(tr.lang))) }
                td { (Shown(&type_name(tr, office.office_type))) }
                td { (state_badge(tr, receiving(&office.code))) }
                td { (open) }
                td { (accounts) }
            }
        }
    };
    table(
        "offices",
        &[
            tr.t("office-code"),
            tr.t("col-office"),
            tr.t("offices-type"),
            tr.t("offices-state"),
            tr.t("office-open-items"),
            tr.t("office-accounts"),
        ],
        rows,
    )
}

/// The filter kept by the pager: codes only, and the search text URL-encoded.
fn offices_keep(filter: &OfficeFilter) -> String {
    let mut keep = Vec::new();
    if let Some(q) = &filter.q {
        keep.push(format!(
            "q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        ));
    }
    for (name, value) in [
        ("province", filter.province.as_deref()),
        ("type", filter.office_type.map(|t| t.as_str())),
        (
            "state",
            filter.on_system.map(|on| if on { "on" } else { "off" }),
        ),
    ] {
        if let Some(value) = value {
            keep.push(format!("{name}={value}"));
        }
    }
    keep.join("&")
}

fn known_office<'d>(state: &'d AppState, code: &str) -> Result<&'d Office, ConsoleError> {
    state
        .directory
        .office(&code.trim().to_uppercase())
        .ok_or(ConsoleError::NotFound)
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    signed: Admin,
    Path(code): Path<String>,
) -> ConsoleResult {
    let tr = signed.tr;
    let office = known_office(&state, &code)?;
    let code = office.code.clone();
    let (settings, open, accounts) = {
        let code = code.clone();
        state
            .store
            .read(move |sql| {
                Ok((
                    offices::settings_of(sql, &code)?,
                    offices::open_items(sql, &code)?,
                    accounts::accounts(sql, Some(&code))?,
                ))
            })
            .await?
    };
    let body = html! {
        div class="card" {
            table id="office-facts" { (office_facts(&state, &tr, office, &settings, open)) }
        }
        (office_form(&state, &tr, &signed.session.csrf, office, &settings))
        div class="card" {
            h2 { (tr.h("office-accounts")) }
            @if accounts.is_empty() {
                p { (tr.h("office-no-accounts")) }
            } @else {
                ul id="office-accounts" {
                    @for account in &accounts {
                        li {
                            (Shown(&account.display_name)) " (" (Shown(&account.username)) ") — "
                            (tr.h(&format!("role-{}", account.role.as_str())))
                            (flag(account.disabled, &tr.t("account-disabled"), true))
                        }
                    }
                }
            }
            p {
                a href={ "/console/accounts?office=" (Shown(&code)) "#new-account" } {
                    (tr.h("office-add-account"))
                }
            }
        }
    };
    let title = format!("{} — {}", office.name(tr.lang), code);
    Ok(signed.page(&title, body))
}

fn office_facts(
    state: &AppState,
    tr: &Tr,
    office: &Office,
    settings: &OfficeSettings,
    open: i64,
) -> Markup {
    let place = state
        .directory
        .path(&office.unit_code, tr.lang)
        .unwrap_or_default();
    let status = html! {
        (state_badge(tr, settings.receiving))
        @if !settings.receiving {
            @let answering = state.offices.answering(state.directory, &office.code);
            " "
            (Shown(&tr.a(
                "office-goes-to",
                &[("office", FluentValue::from(office_name(state, tr, &answering)))],
            )))
        }
    };
    html! {
        (fact(&tr.t("office-code"), Shown(&office.code)))
        (fact(&tr.t("office-name-km"), Shown(&office.name_km)))
        (fact(&tr.t("office-name-en"), Shown(&office.name_en)))
        (fact(&tr.t("offices-type"), Shown(&type_name(tr, office.office_type))))
        (fact(&tr.t("col-place"), Shown(&place)))
        (fact(&tr.t("offices-state"), status))
        (fact(&tr.t("office-open-items"), open))
        @if let Some(phone) = &settings.phone {
            (fact(&tr.t("office-phone"), html! { a href={ "tel:" (Shown(phone)) } { (Shown(phone)) } }))
        }
        @if let Some(hours) = &settings.hours {
            (fact(&tr.t("office-hours"), Shown(hours)))
        }
    }
}

fn office_form(
    state: &AppState,
    tr: &Tr,
    csrf: &str,
    office: &Office,
    settings: &OfficeSettings,
) -> Markup {
    let above = state
        .directory
        .office_above(&office.code)
        .map(|above| above.name(tr.lang).to_string())
        .unwrap_or_default();
    html! {
        form method="post" action={ "/console/offices/" (Shown(&office.code)) } class="card" {
            (csrf_field(csrf))
            h2 { (tr.h("office-edit")) }
            @if offices::may_switch_off(office.office_type) {
                label {
                    input type="checkbox" id="receiving" name="receiving" value="1" checked[settings.receiving];
                    " " (tr.h("office-receiving"))
                }
                p { small { (Shown(&tr.a("office-receiving-help", &[("office", FluentValue::from(above))]))) } }
            } @else {
                input type="hidden" name="receiving" value="1";
                p { small { (tr.h("office-always-on")) } }
            }
            label for="phone" { (tr.h("office-phone")) }
            input type="tel" id="phone" name="phone" maxlength=(MAX_PHONE_CHARS)
                value=(Shown(settings.phone.as_deref().unwrap_or("")));
            label for="hours" { (tr.h("office-hours")) }
            input type="text" id="hours" name="hours" maxlength=(MAX_HOURS_CHARS)
                value=(Shown(settings.hours.as_deref().unwrap_or("")));
            p { button type="submit" { (tr.h("deadlines-save")) } }
        }
    }
}

/// The office form's fields: the switch (present when on), phone and opening hours.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OfficeFields {
    receiving: Option<String>,
    phone: Option<String>,
    hours: Option<String>,
}

/// The settings the form asks for, checked.
fn parse_settings(
    tr: &Tr,
    office: &Office,
    form: &OfficeFields,
) -> Result<OfficeSettings, ConsoleError> {
    let optional = |value: &Option<String>| {
        value
            .as_deref()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let phone = optional(&form.phone);
    if phone.as_deref().is_some_and(|p| {
        p.chars().count() > MAX_PHONE_CHARS
            || !p.chars().any(|c| c.is_ascii_digit())
            || !p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
    }) {
        return Err(ConsoleError::Bad(tr.t("error-office-phone")));
    }
    let hours = optional(&form.hours);
    if hours
        .as_deref()
        .is_some_and(|h| h.chars().count() > MAX_HOURS_CHARS)
    {
        return Err(ConsoleError::Bad(tr.a(
            "error-office-hours",
            &[("max", tr.count(MAX_HOURS_CHARS as i64))],
        )));
    }
    let receiving = form.receiving.is_some();
    if !receiving && !offices::may_switch_off(office.office_type) {
        return Err(ConsoleError::Bad(tr.t("office-always-on")));
    }
    Ok(OfficeSettings {
        receiving,
        phone,
        hours,
    })
}

pub async fn save(
    State(state): State<Arc<AppState>>,
    signed: Admin,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<OfficeFields>,
) -> ConsoleResult {
    let tr = signed.tr;
    let office = known_office(&state, &code)?;
    let code = office.code.clone();
    let settings = parse_settings(&tr, office, &form)?;
    let receiving = settings.receiving;
    let (by, now) = (signed.session.account.id, state.store.clock().now());
    // Routing stops sending new items here before the open items are counted, so none can
    // arrive between the count and the switch.
    let was_receiving = state.offices.receiving(&code);
    if !receiving {
        state.offices.set(&code, false);
    }
    let saved = {
        let (code, settings) = (code.clone(), settings.clone());
        state
            .store
            .write(move |sql| {
                if !settings.receiving {
                    // Checked in the writer's transaction, so no item slips in between.
                    let open = offices::open_items(sql, &code)?;
                    if open > 0 {
                        return Ok(Err(open));
                    }
                }
                let before = offices::settings_of(sql, &code)?;
                offices::save(sql, &code, &settings, now)?;
                let mut detail = code.clone();
                if before.receiving != settings.receiving {
                    detail.push_str(if settings.receiving { " on" } else { " off" });
                }
                if before.phone != settings.phone || before.hours != settings.hours {
                    detail.push_str(" contact");
                }
                audit::audit(sql, by, "set_office", None, Some(&detail), now)?;
                Ok(Ok(()))
            })
            .await
    };
    let saved = saved.inspect_err(|_| state.offices.set(&code, was_receiving))?;
    if let Err(open) = saved {
        state.offices.set(&code, was_receiving);
        return Err(ConsoleError::Bad(
            tr.a("error-office-open-items", &[("n", tr.count(open))]),
        ));
    }
    state.offices.set(&code, receiving);
    Ok(Redirect::to(&format!("/console/offices/{code}")).into_response())
}
