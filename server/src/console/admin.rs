//! Accounts (administrators: all; office heads: their office's officers), the audit log, the
//! deadlines per kind and the public holidays they skip (administrators).
//!
//! Guarantees: a head can create, reset and disable only officers of their own office;
//! disabling or resetting an account ends its sessions in the same transaction; nobody sets
//! another person's password: a new or reset account gets a one-time enrolment link (shown
//! once, only its SHA-256 stored) and a reset also removes the old password and second factor;
//! the two-factor policy and every change here are audited.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use fluent_bundle::FluentValue;
use ourvoice_protocol::Kind;
use std::collections::HashMap;
use std::sync::Arc;

use super::account::{enrolment_link, LINK_HOURS};
use super::auth::valid_username;
use super::cases::{local, office_name};
use super::html::{csrf_field, esc, flag, table_start};
use super::{digest, random_token, ConsoleError, ConsoleResult, Signed};
use crate::store::calendar::deadlines as read_deadlines;
use crate::store::{
    accounts::{self, NewAccount, Role},
    audit, calendar,
};
use crate::AppState;

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

pub async fn accounts(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> ConsoleResult {
    let office = managed_office(&signed)?;
    // The office page links here with its code filled in.
    let suggested = query
        .get("office")
        .map(|o| o.trim().to_uppercase())
        .filter(|o| state.directory.office(o).is_some())
        .unwrap_or_default();
    let tr = signed.tr;
    let list = {
        let office = office.clone();
        state
            .store
            .read(move |sql| accounts::accounts(sql, office.as_deref()))
            .await?
    };
    let csrf = csrf_field(&signed.session.csrf);
    let mut body = table_start(
        "",
        &[
            tr.t("account-username"),
            tr.t("account-name"),
            tr.t("account-role"),
            tr.t("col-office"),
            String::new(),
        ],
    );
    for account in &list {
        let toggle = if account.id == signed.session.account.id {
            String::new()
        } else if account.disabled {
            format!(
                "<form method=\"post\" action=\"/console/accounts/{}/enable\">{csrf}<button type=\"submit\">{}</button></form>",
                account.id,
                esc(&tr.t("account-enable"))
            )
        } else {
            format!(
                "<form method=\"post\" action=\"/console/accounts/{}/disable\">{csrf}<button type=\"submit\">{}</button></form>",
                account.id,
                esc(&tr.t("account-disable"))
            )
        };
        let reset = if account.id == signed.session.account.id {
            String::new()
        } else {
            format!(
                "<form method=\"post\" action=\"/console/accounts/{}/reset\">{csrf}<button type=\"submit\">{}</button></form>",
                account.id,
                esc(&tr.t("account-reset"))
            )
        };
        body.push_str(&format!(
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{toggle}{reset}</td></tr>",
            esc(&account.username),
            flag(account.disabled, &tr.t("account-disabled"), true),
            esc(&account.display_name),
            esc(&tr.t(&format!("role-{}", account.role.as_str()))),
            esc(&account
                .office
                .as_deref()
                .map(|o| format!("{o} {}", office_name(&state, &tr, o)))
                .unwrap_or_default()),
        ));
    }
    body.push_str("</tbody></table>");
    let roles: Vec<Role> = match office {
        Some(_) => vec![Role::Officer],
        None => Role::ALL.to_vec(),
    };
    let role_options: String = roles
        .iter()
        .map(|r| {
            format!(
                "<option value=\"{}\">{}</option>",
                r.as_str(),
                esc(&tr.t(&format!("role-{}", r.as_str())))
            )
        })
        .collect();
    let office_input = match &office {
        Some(own) => format!("<input type=\"hidden\" name=\"office\" value=\"{}\">", esc(own)),
        None => format!(
            "<label for=\"office\">{}</label><input type=\"text\" id=\"office\" name=\"office\" placeholder=\"CH-120101\" value=\"{}\">",
            esc(&tr.t("account-office-hint")),
            esc(&suggested)
        ),
    };
    body.push_str(&format!(
        "<form method=\"post\" action=\"/console/accounts\" class=\"card\" id=\"new-account\">{csrf}<h2>{title}</h2>\
<label for=\"username\">{user}</label><input type=\"text\" id=\"username\" name=\"username\" required>\
<label for=\"display_name\">{name}</label><input type=\"text\" id=\"display_name\" name=\"display_name\" required>\
<label for=\"role\">{role}</label><select id=\"role\" name=\"role\">{role_options}</select>{office_input}\
<p>{link_help}</p><p><button type=\"submit\">{create}</button></p></form>",
        title = esc(&tr.t("account-create-title")),
        user = esc(&tr.t("account-username")),
        name = esc(&tr.t("account-name")),
        role = esc(&tr.t("account-role")),
        link_help = esc(&tr.a("account-link-help", &[("hours", FluentValue::from(LINK_HOURS))])),
        create = esc(&tr.t("account-create")),
    ));
    if office.is_none() {
        let on = state.store.read(accounts::require_2fa).await?;
        body.push_str(&format!(
            "<form method=\"post\" action=\"/console/accounts/policy\" class=\"card\" id=\"policy\">{csrf}<h2>{title}</h2><p>{help}</p>\
<label><input type=\"checkbox\" name=\"require_2fa\" value=\"on\"{checked}> {label}</label>\
<p><button type=\"submit\">{save}</button></p></form>",
            title = esc(&tr.t("policy-title")),
            help = esc(&tr.t("policy-help")),
            checked = if on { " checked" } else { "" },
            label = esc(&tr.t("policy-require-2fa")),
            save = esc(&tr.t("policy-save")),
        ));
    }
    Ok(signed.page(&tr.t("nav-accounts"), &body))
}

pub async fn create_account(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let managed = managed_office(&signed)?;
    signed.check_csrf(&form)?;
    let tr = signed.tr;
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let username = field("username");
    if !valid_username(&username) {
        return Err(ConsoleError::Bad(tr.t("error-username")));
    }
    let display_name = field("display_name");
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(ConsoleError::Bad(tr.t("error-display-name")));
    }
    let role =
        Role::from_code(&field("role")).ok_or_else(|| ConsoleError::Bad(tr.t("error-role")))?;
    let office = field("office").to_uppercase();
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
    if let Some(own) = &managed {
        if role != Role::Officer || office.as_deref() != Some(own.as_str()) {
            return Err(ConsoleError::Forbidden);
        }
    }
    let account = NewAccount {
        username,
        display_name,
        password_hash: accounts::NO_PASSWORD.to_string(),
        role,
        office,
    };
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
    let body = format!(
        "<div class=\"card\" id=\"enrolment-link\"><p>{}</p><p><code style=\"overflow-wrap:anywhere\">{}</code></p><p>{}</p></div><p><a href=\"/console/accounts\">{}</a></p>",
        esc(&tr.a(
            if reset { "account-link-reset" } else { "account-link-created" },
            &[
                ("username", FluentValue::from(username.to_string())),
                ("hours", FluentValue::from(LINK_HOURS)),
            ]
        )),
        esc(&link),
        esc(&tr.t("account-link-once")),
        esc(&tr.t("nav-accounts")),
    );
    signed.page(&tr.t("account-link-title"), &body)
}

/// Resets an account (administrators; heads for their office's officers): the password and
/// second factor are removed, its sessions end, and a new enrolment link is shown once.
pub async fn reset(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let managed = managed_office(&signed)?;
    signed.check_csrf(&form)?;
    let id: i64 = id.parse().map_err(|_| ConsoleError::NotFound)?;
    if id == signed.session.account.id {
        return Err(ConsoleError::Forbidden);
    }
    let by = signed.session.account.id;
    let now = state.store.clock().now();
    let token = random_token();
    let token_digest = digest(&token);
    let expires = now + chrono::Duration::hours(LINK_HOURS);
    let outcome = state
        .store
        .write(move |sql| {
            let Some(target) = accounts::account(sql, id)? else {
                return Ok(Err(ConsoleError::NotFound));
            };
            if let Some(own) = &managed {
                if target.role != Role::Officer || target.office.as_deref() != Some(own.as_str()) {
                    return Ok(Err(ConsoleError::Forbidden));
                }
            }
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

/// Turns the policy that every account needs a second factor on or off (administrators).
pub async fn set_policy(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    signed.check_csrf(&form)?;
    let on = form.get("require_2fa").is_some_and(|v| v == "on");
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
    let id: i64 = id.parse().map_err(|_| ConsoleError::NotFound)?;
    if id == signed.session.account.id {
        return Err(ConsoleError::Forbidden);
    }
    let by = signed.session.account.id;
    let now = state.store.clock().now();
    let outcome = state
        .store
        .write(move |sql| {
            let Some(target) = accounts::account(sql, id)? else {
                return Ok(Err(ConsoleError::NotFound));
            };
            if let Some(own) = &managed {
                if target.role != Role::Officer || target.office.as_deref() != Some(own.as_str()) {
                    return Ok(Err(ConsoleError::Forbidden));
                }
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
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    managed_office(&signed)?;
    signed.check_csrf(&form)?;
    set_disabled(&state, &signed, &id, true).await
}

pub async fn enable(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    managed_office(&signed)?;
    signed.check_csrf(&form)?;
    set_disabled(&state, &signed, &id, false).await
}

pub async fn audit(State(state): State<Arc<AppState>>, signed: Signed) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    let tr = signed.tr;
    let lines = state.store.read(|sql| audit::audit_log(sql, 1000)).await?;
    let mut body = table_start(
        "audit",
        &[
            tr.t("audit-when"),
            tr.t("account-username"),
            tr.t("audit-action"),
            tr.t("audit-item"),
            tr.t("audit-detail"),
        ],
    );
    for line in lines {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            local(line.at),
            esc(&line.username),
            esc(&line.action),
            line.case_number.map(|n| n.to_string()).unwrap_or_default(),
            esc(line.detail.as_deref().unwrap_or("")),
        ));
    }
    body.push_str("</tbody></table>");
    let sign_ins = state.store.read(|sql| audit::sign_ins(sql, 1000)).await?;
    body.push_str(&format!(
        "<h2 id=\"sign-ins\">{}</h2>",
        esc(&tr.t("sign-ins-title"))
    ));
    body.push_str(&table_start(
        "sign-ins-list",
        &[
            tr.t("audit-when"),
            tr.t("account-username"),
            tr.t("sign-in-address"),
            tr.t("sign-in-outcome"),
        ],
    ));
    for line in sign_ins {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            local(line.at),
            esc(line.username.as_deref().unwrap_or("—")),
            esc(&line.address),
            esc(&line.outcome),
        ));
    }
    body.push_str("</tbody></table>");
    Ok(signed.page(&tr.t("nav-audit"), &body))
}

pub async fn deadlines(State(state): State<Arc<AppState>>, signed: Signed) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    let tr = signed.tr;
    let (current, holidays) = state
        .store
        .read(|sql| Ok((read_deadlines(sql)?, calendar::holidays(sql)?)))
        .await?;
    let csrf = csrf_field(&signed.session.csrf);
    let mut fields = String::new();
    for kind in Kind::ALL {
        let days = current.get(kind.as_str()).copied().unwrap_or(15);
        fields.push_str(&format!(
            "<label for=\"{k}\">{label}</label><input type=\"number\" min=\"1\" max=\"365\" id=\"{k}\" name=\"{k}\" value=\"{days}\">",
            k = kind.as_str(),
            label = esc(&tr.t(&format!("kind-{}", kind.as_str()))),
        ));
    }
    let mut body = format!(
        "<form method=\"post\" action=\"/console/deadlines\" class=\"card\">{csrf}<p>{}</p>{fields}<p><button type=\"submit\">{}</button></p></form>",
        esc(&tr.t("deadlines-help")),
        esc(&tr.t("deadlines-save")),
    );
    body.push_str(&format!(
        "<h2 id=\"holidays\">{}</h2><p>{}</p>",
        esc(&tr.t("holidays-title")),
        esc(&tr.t("holidays-help"))
    ));
    let today = state.today().to_string();
    if holidays.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&tr.t("holidays-none"))));
    } else {
        body.push_str(&table_start(
            "holiday-list",
            &[tr.t("holiday-day"), tr.t("holiday-name"), String::new()],
        ));
        for (day, name) in &holidays {
            let past = flag(*day < today, &tr.t("holiday-past"), false);
            body.push_str(&format!(
                "<tr><td>{day}{past}</td><td>{}</td><td><form method=\"post\" action=\"/console/holidays/remove\">{csrf}<input type=\"hidden\" name=\"day\" value=\"{day}\"><button type=\"submit\" class=\"link\">{}</button></form></td></tr>",
                esc(name),
                esc(&tr.t("holiday-remove")),
                day = esc(day),
            ));
        }
        body.push_str("</tbody></table>");
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"/console/holidays\" class=\"card row\">{csrf}\
<div><label for=\"holiday-day\">{day_l}</label><input type=\"date\" id=\"holiday-day\" name=\"day\" required></div>\
<div><label for=\"holiday-name\">{name_l}</label><input type=\"text\" id=\"holiday-name\" name=\"name\" maxlength=\"100\" required></div>\
<div><button type=\"submit\">{add}</button></div></form>",
        day_l = esc(&tr.t("holiday-day")),
        name_l = esc(&tr.t("holiday-name")),
        add = esc(&tr.t("holiday-add")),
    ));
    Ok(signed.page(&tr.t("nav-deadlines"), &body))
}

/// A date the form sent, as `YYYY-MM-DD`, or the error to show.
fn form_day(signed: &Signed, form: &HashMap<String, String>) -> Result<String, ConsoleError> {
    let text = form.get("day").map(|d| d.trim()).unwrap_or_default();
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|day| day.to_string())
        .map_err(|_| ConsoleError::Bad(signed.tr.t("error-date")))
}

/// Enters a public holiday (administrators); deadlines of items that arrive afterwards skip it.
pub async fn add_holiday(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    signed.check_csrf(&form)?;
    let day = form_day(&signed, &form)?;
    let name = form
        .get("name")
        .map(|n| n.trim().to_string())
        .unwrap_or_default();
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
    signed: Signed,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    signed.check_csrf(&form)?;
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

pub async fn save_deadlines(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    signed.check_csrf(&form)?;
    let mut changes = Vec::new();
    for kind in Kind::ALL {
        if let Some(value) = form.get(kind.as_str()) {
            let days: i64 = value
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=365).contains(d))
                .ok_or_else(|| ConsoleError::Bad(signed.tr.t("error-days")))?;
            changes.push((kind.as_str(), days));
        }
    }
    let by = signed.session.account.id;
    let now = state.store.clock().now();
    state
        .store
        .write(move |sql| {
            for (kind, days) in &changes {
                calendar::set_deadline(sql, kind, *days)?;
            }
            let detail: Vec<String> = changes.iter().map(|(k, d)| format!("{k}={d}")).collect();
            audit::audit(sql, by, "set_deadlines", None, Some(&detail.join(" ")), now)
        })
        .await?;
    Ok(Redirect::to("/console/deadlines").into_response())
}

/// A stored time as officials read it (the text as stored if it cannot be read).
fn stamp_local(stamp: &str) -> String {
    crate::clock::parse_stamp(stamp)
        .map(local)
        .unwrap_or_else(|| stamp.to_string())
}

/// The Open311 API keys (administrators): list, issue (the key is shown once), revoke.
pub async fn api_keys(State(state): State<Arc<AppState>>, signed: Signed) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
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
    let mut body = String::new();
    if let Some((name, key)) = new_key {
        body.push_str(&format!(
            "<div class=\"card\" id=\"new-key\"><p>{}</p><p><code>{}</code></p></div>",
            esc(&tr.a(
                "api-key-created",
                &[("name", FluentValue::from(name.to_string()))]
            )),
            esc(key)
        ));
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"/console/api-keys\" class=\"card\">{csrf}<p>{}</p>\
         <label for=\"key-name\">{}</label><input id=\"key-name\" name=\"name\" required maxlength=\"64\">\
         <p><button type=\"submit\">{}</button></p></form>",
        esc(&tr.t("api-keys-help")),
        esc(&tr.t("api-key-name")),
        esc(&tr.t("api-key-create")),
    ));
    body.push_str(&table_start(
        "",
        &[
            tr.t("api-key-name"),
            tr.t("api-key-created-at"),
            tr.t("api-key-state"),
            String::new(),
        ],
    ));
    for key in &keys {
        let (state_text, action) = match &key.revoked_at {
            Some(at) => (tr.a("api-key-revoked-at", &[("at", FluentValue::from(stamp_local(at)))]), String::new()),
            None => (
                tr.t("api-key-active"),
                format!(
                    "<form method=\"post\" action=\"/console/api-keys/revoke\">{csrf}<input type=\"hidden\" name=\"name\" value=\"{}\"><button type=\"submit\">{}</button></form>",
                    esc(&key.name),
                    esc(&tr.t("api-key-revoke"))
                ),
            ),
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
            esc(&key.name),
            esc(&stamp_local(&key.created_at)),
            esc(&state_text)
        ));
    }
    body.push_str("</tbody></table>");
    Ok(signed.page(&tr.t("nav-api-keys"), &body))
}

pub async fn create_api_key(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    signed.check_csrf(&form)?;
    let name = form
        .get("name")
        .map(|n| n.trim().to_string())
        .unwrap_or_default();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(ConsoleError::Bad(signed.tr.t("error-api-key-name")));
    }
    let key = ourvoice_protocol::Secret::generate().expose().to_string();
    let digest = crate::open311::key_digest(&key);
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
    signed: Signed,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&[Role::Admin])?;
    signed.check_csrf(&form)?;
    let name = form
        .get("name")
        .map(|n| n.trim().to_string())
        .unwrap_or_default();
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
    Ok(Redirect::to("/console/api-keys").into_response())
}
