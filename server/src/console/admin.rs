//! Accounts (administrators: all, their office picked from a province's offices; office
//! heads: their office's officers), the audit log, the deadlines per kind and the public
//! holidays they skip (administrators).
//!
//! Guarantees: a head can create, reset and disable only officers of their own office;
//! disabling or resetting an account ends its sessions in the same transaction; nobody sets
//! another person's password: a new or reset account gets a one-time enrolment link (shown
//! once, only its SHA-256 stored) and a reset also removes the old password and second factor;
//! the two-factor policy and every change here are audited. The role checks are the
//! extractors' ([`Manager`], [`Admin`]), the CSRF check the form's ([`CsrfForm`]); names,
//! addresses and audit details are shown through [`Shown`].

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use fluent_bundle::FluentValue;
use maud::{html, Markup};
use ourvoice_protocol::{Code, Kind};
use serde::Deserialize;
use std::sync::Arc;

use super::account::{enrolment_link, LINK_HOURS};
use super::auth::valid_username;
use super::auth::NoFields;
use super::cases::office_name;
use super::html::{csrf_field, flag, table, Shown, Words};
use super::i18n::Tr;
use super::pickers::{chosen_province, office_select, province_form};
use super::{
    digest, random_token, Admin, ConsoleError, ConsoleResult, CsrfForm, Manager, Params, Signed,
};
use crate::store::calendar::deadlines as read_deadlines;
use crate::store::{
    accounts, accounts::NewAccount, accounts::Role, audit, calendar, retention, Sql, StoreError,
};
use crate::AppState;

/// The number of an account that is not the signed-in one's (nobody resets or disables
/// their own account); not found when it is no number.
fn other_account(signed: &Signed, id: &str) -> Result<i64, ConsoleError> {
    let id: i64 = id.parse().map_err(|_| ConsoleError::NotFound)?;
    if id == signed.session.account.id {
        return Err(ConsoleError::Forbidden);
    }
    Ok(id)
}

/// Account `id`, if the manager may change it: an administrator (`managed` is `None`) any
/// account, a head only their own office's officers.
fn managed_account(
    sql: &mut dyn Sql,
    id: i64,
    managed: Option<&str>,
) -> Result<Result<accounts::Account, ConsoleError>, StoreError> {
    let Some(target) = accounts::account(sql, id)? else {
        return Ok(Err(ConsoleError::NotFound));
    };
    if let Some(own) = managed {
        if target.role != Role::Officer || target.office.as_deref() != Some(own) {
            return Ok(Err(ConsoleError::Forbidden));
        }
    }
    Ok(Ok(target))
}

/// The office a head manages, or `None` for an administrator (all offices).
fn managed_office(signed: &Signed) -> Result<Option<String>, ConsoleError> {
    match signed.session.account.role {
        Role::Admin => Ok(None),
        Role::Head => Ok(Some(
            signed
                .session
                .account
                .office
                .clone()
                .ok_or(ConsoleError::Forbidden)?,
        )),
        _ => Err(ConsoleError::Forbidden),
    }
}

/// The accounts page's query: an office code to suggest for a new account, and the province
/// whose offices the office picker lists.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountsQuery {
    office: Option<String>,
    province: Option<String>,
}

pub async fn accounts(
    State(state): State<Arc<AppState>>,
    signed: Manager,
    Params(query): Params<AccountsQuery>,
) -> ConsoleResult {
    let office = managed_office(&signed)?;
    let suggested = query
        .office
        .map(|o| o.trim().to_uppercase())
        .filter(|o| state.directory.office(o).is_some())
        .unwrap_or_default();
    let province = chosen_province(state.directory, query.province.as_deref(), Some(&suggested));
    let tr = signed.tr;
    let list = {
        let office = office.clone();
        state
            .store
            .read(move |sql| accounts::accounts(sql, office.as_deref()))
            .await?
    };
    let policy = match office {
        None => Some(state.store.read(accounts::require_2fa).await?),
        Some(_) => None,
    };
    let body = html! {
        (accounts_table(&state, &signed, &list))
        (new_account_form(
            &state,
            &tr,
            &signed.session.csrf,
            office.as_deref(),
            (&province, &suggested),
        ))
        @if let Some(on) = policy {
            (policy_form(&tr, &signed.session.csrf, on))
        }
    };
    Ok(signed.page(&tr.t("nav-accounts"), body))
}

fn accounts_table(state: &AppState, signed: &Signed, list: &[accounts::Account]) -> Markup {
    let tr = signed.tr;
    let csrf = csrf_field(&signed.session.csrf);
    let button = |id: i64, what: &str, label: Words| {
        html! {
            form method="post" action={ "/console/accounts/" (id) "/" (what) } {
                (csrf) button type="submit" { (label) }
            }
        }
    };
    let rows = html! {
        @for account in list {
            @let office = account
                .office
                .as_deref()
                .map(|o| format!("{o} {}", office_name(state, &tr, o)))
                .unwrap_or_default();
            tr {
                td {
                    (Shown(&account.username))
                    (flag(account.disabled, &tr.t("account-disabled"), true))
                }
                td { (Shown(&account.display_name)) }
                td { (tr.h(&format!("role-{}", account.role.as_str()))) }
                td { (Shown(&office)) }
                td {
                    @if account.id != signed.session.account.id {
                        @if account.disabled {
                            (button(account.id, "enable", tr.h("account-enable")))
                        } @else {
                            (button(account.id, "disable", tr.h("account-disable")))
                        }
                        (button(account.id, "reset", tr.h("account-reset")))
                    }
                }
            }
        }
    };
    table(
        "",
        &[
            tr.t("account-username"),
            tr.t("account-name"),
            tr.t("account-role"),
            tr.t("col-office"),
            String::new(),
        ],
        rows,
    )
}

/// The form for a new account; an administrator picks its office from a province's offices
/// (`picked`: the province listed and the office suggested), a head's officers get the head's.
fn new_account_form(
    state: &AppState,
    tr: &Tr,
    csrf: &str,
    office: Option<&str>,
    (province, suggested): (&str, &str),
) -> Markup {
    let roles: Vec<Role> = match office {
        Some(_) => vec![Role::Officer],
        None => Role::ALL.to_vec(),
    };
    let link_help = tr.a("account-link-help", &[("hours", tr.count(LINK_HOURS))]);
    html! {
        section class="card" id="new-account-area" {
            h2 { (tr.h("account-create-title")) }
            @if office.is_none() {
                p { (tr.h("account-office-help")) }
                (province_form(state.directory, tr, "/console/accounts#new-account-area", "account-province", province))
            }
            (new_account_fields(state, tr, csrf, office, (province, suggested), &roles, &link_help))
        }
    }
}

/// The new account's own form (inside [`new_account_form`], after the province's).
fn new_account_fields(
    state: &AppState,
    tr: &Tr,
    csrf: &str,
    office: Option<&str>,
    (province, suggested): (&str, &str),
    roles: &[Role],
    link_help: &str,
) -> Markup {
    let suggested = (!suggested.is_empty()).then_some(suggested);
    html! {
        form method="post" action="/console/accounts" id="new-account" {
            (csrf_field(csrf))
            label for="username" { (tr.h("account-username")) }
            input type="text" id="username" name="username" required;
            label for="display_name" { (tr.h("account-name")) }
            input type="text" id="display_name" name="display_name" required;
            label for="role" { (tr.h("account-role")) }
            select id="role" name="role" {
                @for role in roles {
                    option value=(role.as_str()) { (tr.h(&format!("role-{}", role.as_str()))) }
                }
            }
            @match office {
                Some(own) => { input type="hidden" name="office" value=(Shown(own)); }
                None => {
                    label for="office" { (tr.h("account-office-hint")) }
                    (office_select(state.directory, tr, ("office", "office"), province, suggested, "picker-no-office", &|_| true))
                }
            }
            p { (Shown(link_help)) }
            p { button type="submit" { (tr.h("account-create")) } }
        }
    }
}

fn policy_form(tr: &Tr, csrf: &str, on: bool) -> Markup {
    html! {
        form method="post" action="/console/accounts/policy" class="card" id="policy" {
            (csrf_field(csrf))
            h2 { (tr.h("policy-title")) }
            p { (tr.h("policy-help")) }
            label {
                input type="checkbox" name="require_2fa" value="on" checked[on];
                " " (tr.h("policy-require-2fa"))
            }
            p { button type="submit" { (tr.h("policy-save")) } }
        }
    }
}

/// The new account form's fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewAccountFields {
    username: String,
    display_name: String,
    role: String,
    office: String,
}

/// The account the form asks for (without a password: it gets an enrolment link), checked
/// against what `managed` (a head's office) may create.
fn parse_new_account(
    state: &AppState,
    tr: &Tr,
    managed: Option<&str>,
    form: &NewAccountFields,
) -> Result<NewAccount, ConsoleError> {
    let username = form.username.trim().to_string();
    if !valid_username(&username) {
        return Err(ConsoleError::Bad(tr.t("error-username")));
    }
    let display_name = form.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(ConsoleError::Bad(tr.t("error-display-name")));
    }
    let role =
        Role::from_code(form.role.trim()).ok_or_else(|| ConsoleError::Bad(tr.t("error-role")))?;
    let office = form.office.trim().to_uppercase();
    let office = if role.has_office() {
        let ok = state.directory.office(&office).is_some()
            && (role != Role::CitizensOffice || office.starts_with("PCO-"));
        if !ok {
            return Err(ConsoleError::Bad(tr.t("error-office")));
        }
        Some(office)
    } else {
        None
    };
    if let Some(own) = managed {
        if role != Role::Officer || office.as_deref() != Some(own) {
            return Err(ConsoleError::Forbidden);
        }
    }
    Ok(NewAccount {
        username,
        display_name,
        password_hash: accounts::NO_PASSWORD.to_string(),
        role,
        office,
    })
}

pub async fn create_account(
    State(state): State<Arc<AppState>>,
    signed: Manager,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<NewAccountFields>,
) -> ConsoleResult {
    let managed = managed_office(&signed)?;
    let tr = signed.tr;
    let account = parse_new_account(&state, &tr, managed.as_deref(), &form)?;
    let now = state.store.clock().now();
    let by = signed.session.account.id;
    let token = random_token();
    let token_digest = digest(&token);
    let expires = now + chrono::Duration::hours(LINK_HOURS);
    let username = account.username.clone();
    let created = state
        .store
        .write(move |sql| {
            let id = accounts::create_account(sql, &account, now)?;
            if let Some(id) = id {
                accounts::issue_enrolment_link(sql, id, &token_digest, now, expires)?;
                audit::audit(
                    sql,
                    by,
                    "create_account",
                    None,
                    Some(&format!("account {id}")),
                    now,
                )?;
            }
            Ok(id)
        })
        .await?;
    match created {
        Some(_) => Ok(link_page(
            &state, &signed, &headers, &username, &token, false,
        )),
        None => Err(ConsoleError::Bad(tr.t("error-username-taken"))),
    }
}

/// The page that shows a new enrolment link, once.
fn link_page(
    state: &AppState,
    signed: &Signed,
    headers: &HeaderMap,
    username: &str,
    token: &str,
    reset: bool,
) -> axum::response::Response {
    let tr = signed.tr;
    let link = enrolment_link(state, headers, token);
    let told = tr.a(
        if reset {
            "account-link-reset"
        } else {
            "account-link-created"
        },
        &[
            ("username", FluentValue::from(username.to_string())),
            ("hours", tr.count(LINK_HOURS)),
        ],
    );
    let body = html! {
        div class="card" id="enrolment-link" {
            p { (Shown(&told)) }
            p { code style="overflow-wrap:anywhere" { (Shown(&link)) } }
            p { (tr.h("account-link-once")) }
        }
        p { a href="/console/accounts" { (tr.h("nav-accounts")) } }
    };
    signed.page(&tr.t("account-link-title"), body)
}

/// Resets an account (administrators; heads for their office's officers): the password and
/// second factor are removed, its sessions end, and a new enrolment link is shown once.
pub async fn reset(
    State(state): State<Arc<AppState>>,
    signed: Manager,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> ConsoleResult {
    let managed = managed_office(&signed)?;
    let id = other_account(&signed, &id)?;
    let by = signed.session.account.id;
    let now = state.store.clock().now();
    let token = random_token();
    let token_digest = digest(&token);
    let expires = now + chrono::Duration::hours(LINK_HOURS);
    let outcome = state
        .store
        .write(move |sql| {
            let target = match managed_account(sql, id, managed.as_deref())? {
                Ok(target) => target,
                Err(refused) => return Ok(Err(refused)),
            };
            accounts::reset_account(sql, id)?;
            accounts::issue_enrolment_link(sql, id, &token_digest, now, expires)?;
            audit::audit(
                sql,
                by,
                "reset_account",
                None,
                Some(&format!("account {id}")),
                now,
            )?;
            Ok(Ok(target.username))
        })
        .await?;
    let username = outcome?;
    Ok(link_page(
        &state, &signed, &headers, &username, &token, true,
    ))
}

/// The two-factor policy form: `require_2fa=on` when ticked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PolicyFields {
    require_2fa: Option<String>,
}

/// Turns the policy that every account needs a second factor on or off (administrators).
pub async fn set_policy(
    State(state): State<Arc<AppState>>,
    signed: Admin,
    CsrfForm(form): CsrfForm<PolicyFields>,
) -> ConsoleResult {
    let on = form.require_2fa.as_deref() == Some("on");
    let (by, now) = (signed.session.account.id, state.store.clock().now());
    state
        .store
        .write(move |sql| {
            accounts::set_require_2fa(sql, on)?;
            let detail = if on { "on" } else { "off" };
            audit::audit(sql, by, "set_2fa_policy", None, Some(detail), now)
        })
        .await?;
    Ok(Redirect::to("/console/accounts#policy").into_response())
}

async fn set_disabled(
    state: &AppState,
    signed: &Signed,
    id: &str,
    disabled: bool,
) -> ConsoleResult {
    let managed = managed_office(signed)?;
    let id = other_account(signed, id)?;
    let by = signed.session.account.id;
    let now = state.store.clock().now();
    let outcome = state
        .store
        .write(move |sql| {
            if let Err(refused) = managed_account(sql, id, managed.as_deref())? {
                return Ok(Err(refused));
            }
            accounts::set_disabled(sql, id, disabled)?;
            let action = if disabled {
                "disable_account"
            } else {
                "enable_account"
            };
            audit::audit(sql, by, action, None, Some(&format!("account {id}")), now)?;
            Ok(Ok(()))
        })
        .await?;
    outcome?;
    Ok(Redirect::to("/console/accounts").into_response())
}

pub async fn disable(
    State(state): State<Arc<AppState>>,
    signed: Manager,
    Path(id): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> ConsoleResult {
    set_disabled(&state, &signed, &id, true).await
}

pub async fn enable(
    State(state): State<Arc<AppState>>,
    signed: Manager,
    Path(id): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> ConsoleResult {
    set_disabled(&state, &signed, &id, false).await
}

pub async fn audit(State(state): State<Arc<AppState>>, signed: Admin) -> ConsoleResult {
    let tr = signed.tr;
    let (lines, sign_ins, erasures) = state
        .store
        .read(|sql| {
            Ok((
                audit::audit_log(sql, 1000)?,
                audit::sign_ins(sql, 1000)?,
                retention::runs(sql, 1000)?,
            ))
        })
        .await?;
    let audit_rows = html! {
        @for line in &lines {
            tr {
                td { (tr.when(line.at)) }
                td { (Shown(&line.username)) }
                td { (Shown(&line.action)) }
                td { @if let Some(n) = line.case_number { (n) } }
                td { (Shown(line.detail.as_deref().unwrap_or(""))) }
            }
        }
    };
    let sign_in_rows = html! {
        @for line in &sign_ins {
            tr {
                td { (tr.when(line.at)) }
                td { (Shown(line.username.as_deref().unwrap_or("—"))) }
                td { (Shown(&line.address)) }
                td { (Shown(&line.outcome)) }
            }
        }
    };
    let erasure_rows = html! {
        @for run in &erasures {
            tr {
                td { (tr.when(run.at)) }
                td { (tr.when(run.closed_before)) }
                td { (tr.num(run.erased)) }
            }
        }
    };
    let body = html! {
        (table(
            "audit",
            &[
                tr.t("audit-when"),
                tr.t("account-username"),
                tr.t("audit-action"),
                tr.t("audit-item"),
                tr.t("audit-detail"),
            ],
            audit_rows,
        ))
        h2 id="sign-ins" { (tr.h("sign-ins-title")) }
        (table(
            "sign-ins-list",
            &[
                tr.t("audit-when"),
                tr.t("account-username"),
                tr.t("sign-in-address"),
                tr.t("sign-in-outcome"),
            ],
            sign_in_rows,
        ))
        h2 id="retention" { (tr.h("retention-title")) }
        p { (tr.h("retention-help")) }
        (table(
            "retention-list",
            &[
                tr.t("audit-when"),
                tr.t("retention-closed-before"),
                tr.t("retention-erased"),
            ],
            erasure_rows,
        ))
    };
    Ok(signed.page(&tr.t("nav-audit"), body))
}

pub async fn deadlines(State(state): State<Arc<AppState>>, signed: Admin) -> ConsoleResult {
    let tr = signed.tr;
    let (current, holidays) = state
        .store
        .read(|sql| Ok((read_deadlines(sql)?, calendar::holidays(sql)?)))
        .await?;
    let csrf = csrf_field(&signed.session.csrf);
    let today = state.today().to_string();
    let body = html! {
        (deadlines_form(&tr, &csrf, &current))
        h2 id="holidays" { (tr.h("holidays-title")) }
        p { (tr.h("holidays-help")) }
        @if holidays.is_empty() {
            p { (tr.h("holidays-none")) }
        } @else {
            (holidays_table(&tr, &csrf, &holidays, &today))
        }
        form method="post" action="/console/holidays" class="card row" {
            (csrf)
            div {
                label for="holiday-day" { (tr.h("holiday-day")) }
                input type="date" id="holiday-day" name="day" required;
            }
            div {
                label for="holiday-name" { (tr.h("holiday-name")) }
                input type="text" id="holiday-name" name="name" maxlength="100" required;
            }
            div { button type="submit" { (tr.h("holiday-add")) } }
        }
    };
    Ok(signed.page(&tr.t("nav-deadlines"), body))
}

/// The working days per kind, each in a field (15 when none is saved).
fn deadlines_form(
    tr: &Tr,
    csrf: &Markup,
    current: &std::collections::HashMap<Kind, i64>,
) -> Markup {
    html! {
        form method="post" action="/console/deadlines" class="card" {
            (csrf)
            p { (tr.h("deadlines-help")) }
            @for kind in Kind::ALL {
                @let k = kind.as_str();
                label for=(k) { (tr.h(&kind.fluent_key())) }
                input type="number" min="1" max="365" id=(k) name=(k)
                    value=(current.get(&kind).copied().unwrap_or(15));
            }
            p { button type="submit" { (tr.h("deadlines-save")) } }
        }
    }
}

/// The public holidays, each with its button to remove it; past ones flagged.
fn holidays_table(tr: &Tr, csrf: &Markup, holidays: &[(String, String)], today: &str) -> Markup {
    let rows = html! {
        @for (day, name) in holidays {
            tr {
                td { (Shown(day)) (flag(day.as_str() < today, &tr.t("holiday-past"), false)) }
                td { (Shown(name)) }
                td {
                    form method="post" action="/console/holidays/remove" {
                        (csrf)
                        input type="hidden" name="day" value=(Shown(day));
                        button type="submit" class="link" { (tr.h("holiday-remove")) }
                    }
                }
            }
        }
    };
    table(
        "holiday-list",
        &[tr.t("holiday-day"), tr.t("holiday-name"), String::new()],
        rows,
    )
}

/// A date the form sent, as `YYYY-MM-DD`, or the error to show.
/// A holiday form's fields: the day and, when adding, its name.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HolidayFields {
    day: String,
    name: String,
}

fn form_day(signed: &Signed, form: &HolidayFields) -> Result<String, ConsoleError> {
    chrono::NaiveDate::parse_from_str(form.day.trim(), "%Y-%m-%d")
        .map(|day| day.to_string())
        .map_err(|_| ConsoleError::Bad(signed.tr.t("error-date")))
}

/// Enters a public holiday (administrators); deadlines of items that arrive afterwards skip it.
pub async fn add_holiday(
    State(state): State<Arc<AppState>>,
    signed: Admin,
    CsrfForm(form): CsrfForm<HolidayFields>,
) -> ConsoleResult {
    let day = form_day(&signed, &form)?;
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ConsoleError::Bad(signed.tr.t("error-holiday-name")));
    }
    let (by, now) = (signed.session.account.id, state.store.clock().now());
    state
        .store
        .write(move |sql| {
            calendar::set_holiday(sql, &day, &name)?;
            audit::audit(
                sql,
                by,
                "set_holiday",
                None,
                Some(&format!("{day} {name}")),
                now,
            )
        })
        .await?;
    Ok(Redirect::to("/console/deadlines#holidays").into_response())
}

pub async fn remove_holiday(
    State(state): State<Arc<AppState>>,
    signed: Admin,
    CsrfForm(form): CsrfForm<HolidayFields>,
) -> ConsoleResult {
    let day = form_day(&signed, &form)?;
    let (by, now) = (signed.session.account.id, state.store.clock().now());
    state
        .store
        .write(move |sql| {
            if calendar::remove_holiday(sql, &day)? {
                audit::audit(sql, by, "remove_holiday", None, Some(&day), now)?;
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/console/deadlines#holidays").into_response())
}

/// The deadlines form: working days per kind, each optional.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeadlineFields {
    complaint: Option<String>,
    support: Option<String>,
    information: Option<String>,
    evaluation: Option<String>,
}

impl DeadlineFields {
    fn of(&self, kind: Kind) -> Option<&str> {
        match kind {
            Kind::Complaint => self.complaint.as_deref(),
            Kind::Support => self.support.as_deref(),
            Kind::Information => self.information.as_deref(),
            Kind::Evaluation => self.evaluation.as_deref(),
        }
    }
}

pub async fn save_deadlines(
    State(state): State<Arc<AppState>>,
    signed: Admin,
    CsrfForm(form): CsrfForm<DeadlineFields>,
) -> ConsoleResult {
    let mut changes = Vec::new();
    for kind in Kind::ALL {
        if let Some(value) = form.of(kind) {
            let days: i64 = value
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=365).contains(d))
                .ok_or_else(|| ConsoleError::Bad(signed.tr.t("error-days")))?;
            changes.push((kind, days));
        }
    }
    let by = signed.session.account.id;
    let now = state.store.clock().now();
    state
        .store
        .write(move |sql| {
            for (kind, days) in &changes {
                calendar::set_deadline(sql, *kind, *days)?;
            }
            let detail: Vec<String> = changes
                .iter()
                .map(|(kind, days)| format!("{}={days}", kind.as_str()))
                .collect();
            audit::audit(sql, by, "set_deadlines", None, Some(&detail.join(" ")), now)
        })
        .await?;
    Ok(Redirect::to("/console/deadlines").into_response())
}

/// A stored time as officials read it (the text as stored if it cannot be read).
fn stamp_local(tr: &Tr, stamp: &str) -> String {
    crate::clock::parse_stamp(stamp)
        .map(|time| tr.when(time))
        .unwrap_or_else(|| stamp.to_string())
}

/// The Open311 API keys (administrators): list, issue (the key is shown once), revoke.
pub async fn api_keys(State(state): State<Arc<AppState>>, signed: Admin) -> ConsoleResult {
    api_keys_page(&state, &signed, None).await
}

async fn api_keys_page(
    state: &AppState,
    signed: &Signed,
    new_key: Option<(&str, &str)>,
) -> Result<axum::response::Response, ConsoleError> {
    let tr = signed.tr;
    let keys = state.store.read(crate::store::open311::keys).await?;
    let csrf = csrf_field(&signed.session.csrf);
    let rows = key_rows(&tr, &csrf, &keys);
    let body = html! {
        @if let Some((name, key)) = new_key {
            div class="card" id="new-key" {
                p { (Shown(&tr.a("api-key-created", &[("name", FluentValue::from(name.to_string()))]))) }
                p { code { (Shown(key)) } }
            }
        }
        form method="post" action="/console/api-keys" class="card" {
            (csrf)
            p { (tr.h("api-keys-help")) }
            label for="key-name" { (tr.h("api-key-name")) }
            input id="key-name" name="name" required maxlength="64";
            p { button type="submit" { (tr.h("api-key-create")) } }
        }
        (table(
            "",
            &[
                tr.t("api-key-name"),
                tr.t("api-key-created-at"),
                tr.t("api-key-state"),
                String::new(),
            ],
            rows,
        ))
    };
    Ok(signed.page(&tr.t("nav-api-keys"), body))
}

/// One row per API key: name, created, state, and the button to revoke an active one.
fn key_rows(tr: &Tr, csrf: &Markup, keys: &[crate::store::open311::KeyRow]) -> Markup {
    html! {
        @for key in keys {
            tr {
                td { (Shown(&key.name)) }
                td { (Shown(&stamp_local(tr, &key.created_at))) }
                @match &key.revoked_at {
                    Some(at) => {
                        td { (Shown(&tr.a("api-key-revoked-at", &[("at", FluentValue::from(stamp_local(tr, at)))]))) }
                        td {}
                    }
                    None => {
                        td { (tr.h("api-key-active")) }
                        td {
                            form method="post" action="/console/api-keys/revoke" {
                                (csrf)
                                input type="hidden" name="name" value=(Shown(&key.name));
                                button type="submit" { (tr.h("api-key-revoke")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An API key form's field: the key's name.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KeyFields {
    name: String,
}

pub async fn create_api_key(
    State(state): State<Arc<AppState>>,
    signed: Admin,
    CsrfForm(form): CsrfForm<KeyFields>,
) -> ConsoleResult {
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(ConsoleError::Bad(signed.tr.t("error-api-key-name")));
    }
    let key = ourvoice_protocol::Secret::generate().expose().to_string();
    let digest = crate::secrets::digest(&key);
    let (by, now) = (signed.session.account.id, state.store.clock().now());
    let owner = name.clone();
    let created = state
        .store
        .write(move |sql| {
            if crate::store::open311::key_name_taken(sql, &owner)? {
                return Ok(false);
            }
            crate::store::open311::create_key(sql, &owner, &digest, now)?;
            audit::audit(sql, by, "create_api_key", None, Some(&owner), now)?;
            Ok(true)
        })
        .await?;
    if !created {
        return Err(ConsoleError::Bad(signed.tr.t("error-api-key-taken")));
    }
    api_keys_page(&state, &signed, Some((&name, &key))).await
}

pub async fn revoke_api_key(
    State(state): State<Arc<AppState>>,
    signed: Admin,
    CsrfForm(form): CsrfForm<KeyFields>,
) -> ConsoleResult {
    let name = form.name.trim().to_string();
    let (by, now) = (signed.session.account.id, state.store.clock().now());
    state
        .store
        .write(move |sql| {
            if crate::store::open311::revoke_key(sql, &name, now)? > 0 {
                audit::audit(sql, by, "revoke_api_key", None, Some(&name), now)?;
            }
            Ok(())
        })
        .await?;
    state.open311_keys.forget_all();
    Ok(Redirect::to("/console/api-keys").into_response())
}
