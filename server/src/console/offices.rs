//! The offices (administrators): every office the gazetteer gives, found by name, code, the
//! place it serves, province, type and whether it is on the system; each with its open items, its accounts, its
//! contact details, and the switch that takes it off the system (its new feedback then goes to
//! the office above it, see [`crate::offices`]).
//!
//! Guarantees: only administrators reach these pages; a provincial office cannot be switched
//! off, nor an office with open items (they would have nobody to answer them); every change is
//! written to the audit log in the same transaction, and routing follows it at once.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use fluent_bundle::FluentValue;
use ourvoice_directory::{Lang, Office, OfficeType};
use std::collections::HashMap;
use std::sync::Arc;

use super::cases::{dir_lang, office_name};
use super::html::{badge, csrf_field, esc, fact, flag, pager, table_start, Pages};
use super::i18n::Tr;
use super::{ConsoleError, ConsoleResult, Signed};
use crate::offices::{self, OfficeSettings};
use crate::store::{
    accounts::{self, Role},
    audit,
};
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

fn state_badge(tr: &Tr, receiving: bool) -> String {
    if receiving {
        badge(&tr.t("office-on"), false)
    } else {
        badge(&tr.t("office-off"), true)
    }
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    let tr = signed.tr;
    let given = |name: &str| {
        query
            .get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let text = given("q").map(|q| folded(&q));
    let province = given("province");
    if province
        .as_deref()
        .is_some_and(|p| !state.directory.provinces().iter().any(|u| u.code == p))
    {
        return Err(ConsoleError::Bad(tr.t("error-filter")));
    }
    let office_type = match given("type") {
        Some(code) => Some(
            OfficeType::ALL
                .into_iter()
                .find(|t| t.as_str() == code)
                .ok_or_else(|| ConsoleError::Bad(tr.t("error-filter")))?,
        ),
        None => None,
    };
    let on_system = match given("state").as_deref() {
        None => None,
        Some("on") => Some(true),
        Some("off") => Some(false),
        Some(_) => return Err(ConsoleError::Bad(tr.t("error-filter"))),
    };
    let page = given("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
        - 1;
    let (settings, load) = state
        .store
        .read(|sql| Ok((offices::settings(sql)?, offices::load_per_office(sql)?)))
        .await?;
    // On the system unless saved as off (the same stored settings the rows show).
    let receiving = |code: &str| settings.get(code).is_none_or(|s| s.receiving);
    let matching: Vec<&Office> = state
        .directory
        .offices()
        .iter()
        .filter(|o| {
            province
                .as_deref()
                .is_none_or(|p| o.unit_code.starts_with(p))
        })
        .filter(|o| office_type.is_none_or(|t| o.office_type == t))
        .filter(|o| on_system.is_none_or(|on| receiving(&o.code) == on))
        .filter(|o| {
            // By code, by name, or by the place it serves (a district's name finds its halls).
            text.as_deref().is_none_or(|t| {
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
        .collect();

    let mut provinces = vec![(String::new(), tr.t("filter-any"))];
    provinces.extend(
        state
            .directory
            .provinces()
            .iter()
            .map(|u| (u.code.clone(), u.display_name(dir_lang(&tr)).to_string())),
    );
    let option = |value: &str, label: &str, selected: bool| {
        format!(
            "<option value=\"{}\"{}>{}</option>",
            esc(value),
            if selected { " selected" } else { "" },
            esc(label)
        )
    };
    let province_options: String = provinces
        .iter()
        .map(|(code, name)| {
            option(
                code,
                name,
                province.as_deref() == Some(code.as_str())
                    || (province.is_none() && code.is_empty()),
            )
        })
        .collect();
    let mut type_options = option("", &tr.t("filter-any"), office_type.is_none());
    for t in OfficeType::ALL {
        type_options.push_str(&option(
            t.as_str(),
            &type_name(&tr, t),
            office_type == Some(t),
        ));
    }
    let state_options = [
        ("", tr.t("filter-any"), on_system.is_none()),
        ("on", tr.t("office-on"), on_system == Some(true)),
        ("off", tr.t("office-off"), on_system == Some(false)),
    ]
    .iter()
    .map(|(v, l, s)| option(v, l, *s))
    .collect::<String>();
    let mut body = format!(
        "<p>{help}</p><form method=\"get\" action=\"/console/offices\" class=\"card row\">\
<div><label for=\"q\">{q_l}</label><input type=\"search\" id=\"q\" name=\"q\" value=\"{q}\"></div>\
<div><label for=\"province\">{province_l}</label><select id=\"province\" name=\"province\">{province_options}</select></div>\
<div><label for=\"type\">{type_l}</label><select id=\"type\" name=\"type\">{type_options}</select></div>\
<div><label for=\"state\">{state_l}</label><select id=\"state\" name=\"state\">{state_options}</select></div>\
<div><button type=\"submit\">{apply}</button></div></form>",
        help = esc(&tr.t("offices-help")),
        q_l = esc(&tr.t("offices-search")),
        q = esc(given("q").as_deref().unwrap_or("")),
        province_l = esc(&tr.t("offices-province")),
        type_l = esc(&tr.t("offices-type")),
        state_l = esc(&tr.t("offices-state")),
        apply = esc(&tr.t("filter-apply")),
    );
    let shown: Vec<&&Office> = matching.iter().skip(page * PAGE).take(PAGE).collect();
    if shown.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&tr.t("offices-none"))));
    } else {
        body.push_str(&table_start(
            "offices",
            &[
                tr.t("office-code"),
                tr.t("col-office"),
                tr.t("offices-type"),
                tr.t("offices-state"),
                tr.t("office-open-items"),
                tr.t("office-accounts"),
            ],
        ));
        for office in &shown {
            let (open, accounts) = load.get(&office.code).copied().unwrap_or((0, 0));
            body.push_str(&format!(
                "<tr><td><a href=\"/console/offices/{code}\">{code}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{open}</td><td>{accounts}</td></tr>",
                esc(office.name(dir_lang(&tr))),
                esc(&type_name(&tr, office.office_type)),
                state_badge(&tr, receiving(&office.code)),
                code = esc(&office.code),
            ));
        }
        body.push_str("</tbody></table>");
    }
    // The pager keeps the filter (codes only, and the search text URL-encoded).
    let mut keep = Vec::new();
    if let Some(q) = given("q") {
        keep.push(format!(
            "q={}",
            esc(&form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>())
        ));
    }
    for (name, value) in [
        ("province", province.clone()),
        ("type", office_type.map(|t| t.as_str().to_string())),
        ("state", given("state")),
    ] {
        if let Some(value) = value {
            keep.push(format!("{name}={}", esc(&value)));
        }
    }
    let keep = keep.join("&amp;");
    body.push_str(&pager(
        &tr,
        &Pages {
            path: "/console/offices",
            keep: &keep,
            range_key: "offices-range",
            page,
            size: PAGE,
            shown: shown.len(),
            total: matching.len(),
        },
    ));
    Ok(signed.page(&tr.t("nav-offices"), &body))
}

fn known_office<'d>(state: &'d AppState, code: &str) -> Result<&'d Office, ConsoleError> {
    state
        .directory
        .office(&code.trim().to_uppercase())
        .ok_or(ConsoleError::NotFound)
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(code): Path<String>,
) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
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
    let lang = dir_lang(&tr);
    let mut facts = String::new();
    facts.push_str(&fact(&tr.t("office-code"), &esc(&code)));
    facts.push_str(&fact(&tr.t("office-name-km"), &esc(&office.name_km)));
    facts.push_str(&fact(&tr.t("office-name-en"), &esc(&office.name_en)));
    facts.push_str(&fact(
        &tr.t("offices-type"),
        &esc(&type_name(&tr, office.office_type)),
    ));
    facts.push_str(&fact(
        &tr.t("col-place"),
        &esc(&state
            .directory
            .path(&office.unit_code, lang)
            .unwrap_or_default()),
    ));
    let mut status = state_badge(&tr, settings.receiving);
    if !settings.receiving {
        let answering = state.offices.answering(state.directory, &code);
        status.push_str(&format!(
            " {}",
            esc(&tr.a(
                "office-goes-to",
                &[(
                    "office",
                    FluentValue::from(office_name(&state, &tr, &answering))
                )]
            ))
        ));
    }
    facts.push_str(&fact(&tr.t("offices-state"), &status));
    facts.push_str(&fact(&tr.t("office-open-items"), &open.to_string()));
    if let Some(phone) = &settings.phone {
        facts.push_str(&fact(
            &tr.t("office-phone"),
            &format!("<a href=\"tel:{p}\">{p}</a>", p = esc(phone)),
        ));
    }
    if let Some(hours) = &settings.hours {
        facts.push_str(&fact(&tr.t("office-hours"), &esc(hours)));
    }
    let mut body = format!("<div class=\"card\"><table id=\"office-facts\">{facts}</table></div>");

    let csrf = csrf_field(&signed.session.csrf);
    let switch = if offices::may_switch_off(office.office_type) {
        format!(
            "<label><input type=\"checkbox\" id=\"receiving\" name=\"receiving\" value=\"1\"{}> {}</label><p><small>{}</small></p>",
            if settings.receiving { " checked" } else { "" },
            esc(&tr.t("office-receiving")),
            esc(&tr.a(
                "office-receiving-help",
                &[(
                    "office",
                    FluentValue::from(
                        state
                            .directory
                            .office_above(&code)
                            .map(|above| above.name(lang).to_string())
                            .unwrap_or_default()
                    )
                )]
            )),
        )
    } else {
        format!(
            "<input type=\"hidden\" name=\"receiving\" value=\"1\"><p><small>{}</small></p>",
            esc(&tr.t("office-always-on"))
        )
    };
    body.push_str(&format!(
        "<form method=\"post\" action=\"/console/offices/{code}\" class=\"card\">{csrf}<h2>{title}</h2>{switch}\
<label for=\"phone\">{phone_l}</label><input type=\"tel\" id=\"phone\" name=\"phone\" maxlength=\"{MAX_PHONE_CHARS}\" value=\"{phone}\">\
<label for=\"hours\">{hours_l}</label><input type=\"text\" id=\"hours\" name=\"hours\" maxlength=\"{MAX_HOURS_CHARS}\" value=\"{hours}\">\
<p><button type=\"submit\">{save}</button></p></form>",
        code = esc(&code),
        title = esc(&tr.t("office-edit")),
        phone_l = esc(&tr.t("office-phone")),
        phone = esc(settings.phone.as_deref().unwrap_or("")),
        hours_l = esc(&tr.t("office-hours")),
        hours = esc(settings.hours.as_deref().unwrap_or("")),
        save = esc(&tr.t("deadlines-save")),
    ));

    body.push_str(&format!(
        "<div class=\"card\"><h2>{}</h2>",
        esc(&tr.t("office-accounts"))
    ));
    if accounts.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&tr.t("office-no-accounts"))));
    } else {
        body.push_str("<ul id=\"office-accounts\">");
        for account in &accounts {
            body.push_str(&format!(
                "<li>{} ({}) — {}{}</li>",
                esc(&account.display_name),
                esc(&account.username),
                esc(&tr.t(&format!("role-{}", account.role.as_str()))),
                flag(account.disabled, &tr.t("account-disabled"), true),
            ));
        }
        body.push_str("</ul>");
    }
    body.push_str(&format!(
        "<p><a href=\"/console/accounts?office={code}#new-account\">{}</a></p></div>",
        esc(&tr.t("office-add-account")),
        code = esc(&code),
    ));
    let title = format!("{} — {}", office.name(lang), code);
    Ok(signed.page(&title, &body))
}

pub async fn save(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(code): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    signed.check_csrf(&form)?;
    let tr = signed.tr;
    let office = known_office(&state, &code)?;
    let code = office.code.clone();
    let optional = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let phone = optional("phone");
    if phone.as_deref().is_some_and(|p| {
        p.chars().count() > MAX_PHONE_CHARS
            || !p.chars().any(|c| c.is_ascii_digit())
            || !p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
    }) {
        return Err(ConsoleError::Bad(tr.t("error-office-phone")));
    }
    let hours = optional("hours");
    if hours
        .as_deref()
        .is_some_and(|h| h.chars().count() > MAX_HOURS_CHARS)
    {
        return Err(ConsoleError::Bad(tr.a(
            "error-office-hours",
            &[("max", FluentValue::from(MAX_HOURS_CHARS))],
        )));
    }
    let receiving = form.contains_key("receiving");
    if !receiving && !offices::may_switch_off(office.office_type) {
        return Err(ConsoleError::Bad(tr.t("office-always-on")));
    }
    let settings = OfficeSettings {
        receiving,
        phone,
        hours,
    };
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
            tr.a("error-office-open-items", &[("n", FluentValue::from(open))]),
        ));
    }
    state.offices.set(&code, receiving);
    Ok(Redirect::to(&format!("/console/offices/{code}")).into_response())
}
