//! An official's own account: setting the password with the one-time enrolment link, changing
//! it, and enrolling the second factor (TOTP, with recovery codes).
//!
//! Guarantees: nobody but the official learns their password; an enrolment link works once,
//! within 72 hours, and only its SHA-256 is stored; setting or changing a password ends the
//! account's other sessions; a new second factor is kept only after a code from it is right,
//! and its recovery codes are shown once and stored as digests; each of these is audited.

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use std::net::SocketAddr;
use std::sync::Arc;

use maud::{html, Markup};
use serde::Deserialize;

use super::auth::{alert, check_password, client_ip, signed_out_token, MIN_PASSWORD_CHARS};
use super::html::{csrf_field, page, Shown};
use super::i18n::Tr;
use super::{
    digest, set_cookie, totp, ConsoleError, ConsoleResult, CsrfForm, Language, Partial, Signed,
    SignedOutForm, LOGIN_COOKIE,
};
use crate::store::{accounts, audit, sessions, sessions::Stage};
use crate::AppState;

/// Hours an enrolment link stays usable.
pub const LINK_HOURS: i64 = 72;
/// The longest password accepted (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 200;

/// The new password twice, or the message saying what is wrong.
fn new_password(tr: &Tr, password: &str, confirm: &str) -> Result<String, String> {
    let count = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&count) {
        return Err(tr.a(
            "account-password",
            &[("min", tr.count(MIN_PASSWORD_CHARS as i64))],
        ));
    }
    if confirm != password {
        return Err(tr.t("password-mismatch"));
    }
    Ok(password.to_string())
}

fn new_password_fields(tr: &Tr) -> Markup {
    html! {
        label for="password" {
            (Shown(&tr.a("account-password", &[("min", tr.count(MIN_PASSWORD_CHARS as i64))])))
        }
        input type="password" id="password" name="password" minlength=(MIN_PASSWORD_CHARS)
            maxlength=(MAX_PASSWORD_CHARS) autocomplete="new-password" required;
        label for="confirm" { (tr.h("password-confirm")) }
        input type="password" id="confirm" name="confirm" minlength=(MIN_PASSWORD_CHARS)
            maxlength=(MAX_PASSWORD_CHARS) autocomplete="new-password" required;
    }
}

fn enrol_page(tr: &Tr, csrf: &str, token: &str, username: &str, message: Option<&str>) -> String {
    let help = tr.a(
        "enrol-help",
        &[("username", FluentValue::from(username.to_string()))],
    );
    let body = html! {
        (alert(message))
        form method="post" action="/console/enrol" class="card" {
            (csrf_field(csrf))
            input type="hidden" name="token" value=(Shown(token));
            p { (Shown(&help)) }
            (new_password_fields(tr))
            p { button type="submit" { (tr.h("enrol-submit")) } }
        }
    };
    page(tr, &tr.t("enrol-title"), None, body).into_string()
}

fn link_refused(tr: &Tr) -> Response {
    let body = html! { p class="alert" role="alert" { (tr.h("enrol-link-invalid")) } };
    (
        StatusCode::NOT_FOUND,
        Html(page(tr, &tr.t("enrol-title"), None, body).into_string()),
    )
        .into_response()
}

/// The page an enrolment link opens: a form to set one's own password.
pub async fn enrol_form(
    State(state): State<Arc<AppState>>,
    Language(tr): Language,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> ConsoleResult {
    if token.len() != 64 {
        return Ok(link_refused(&tr));
    }
    let now = state.store.clock().now();
    let token_digest = digest(&token);
    let account = state
        .store
        .read(move |sql| accounts::enrolment_account(sql, &token_digest, now))
        .await?;
    let Some(account) = account else {
        return Ok(link_refused(&tr));
    };
    let csrf = signed_out_token(&state, &headers);
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(&state, LOGIN_COOKIE, &csrf, None),
        )],
        Html(enrol_page(&tr, &csrf, &token, &account.username, None)),
    )
        .into_response())
}

/// Sets the password with an enrolment link (once); the account's sessions end.
/// The enrolment form's fields: the link's token and the new password.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EnrolFields {
    token: String,
    password: String,
    confirm: String,
}

pub async fn enrol(
    State(state): State<Arc<AppState>>,
    Language(tr): Language,
    SignedOutForm {
        token: cookie_token,
        form,
    }: SignedOutForm<EnrolFields>,
) -> ConsoleResult {
    let token = form.token;
    if token.len() != 64 {
        return Ok(link_refused(&tr));
    }
    let token_digest = digest(&token);
    let now = state.store.clock().now();
    let password = match new_password(&tr, &form.password, &form.confirm) {
        Ok(password) => password,
        Err(message) => {
            let lookup = token_digest.clone();
            let account = state
                .store
                .read(move |sql| accounts::enrolment_account(sql, &lookup, now))
                .await?;
            let Some(account) = account else {
                return Ok(link_refused(&tr));
            };
            return Ok((
                StatusCode::BAD_REQUEST,
                Html(enrol_page(
                    &tr,
                    &cookie_token,
                    &token,
                    &account.username,
                    Some(&message),
                )),
            )
                .into_response());
        }
    };
    // A link that is no longer good costs no password hash.
    let lookup = token_digest.clone();
    let good_link = state
        .store
        .read(move |sql| accounts::enrolment_account(sql, &lookup, now))
        .await?
        .is_some();
    if !good_link {
        return Ok(link_refused(&tr));
    }
    let hash = state
        .limits
        .hash_password(password)
        .await
        .ok_or(ConsoleError::Wait(5))?;
    let enrolled = state
        .store
        .write(move |sql| {
            let id = accounts::enrol(sql, &token_digest, &hash, now)?;
            if let Some(id) = id {
                audit::audit(sql, id, "enrol", None, None, now)?;
            }
            Ok(id)
        })
        .await?;
    match enrolled {
        Some(_) => Ok(Redirect::to("/console/login").into_response()),
        None => Ok(link_refused(&tr)),
    }
}

fn password_page(signed: &Signed, message: Option<&str>, done: bool) -> Response {
    let tr = signed.tr;
    let body = html! {
        @if done {
            p class="card" id="password-changed" { (tr.h("password-changed")) }
        }
        (alert(message))
        form method="post" action="/console/password" class="card" {
            (csrf_field(&signed.session.csrf))
            label for="current" { (tr.h("password-current")) }
            input type="password" id="current" name="current" autocomplete="current-password" required;
            (new_password_fields(&tr))
            p { button type="submit" { (tr.h("password-submit")) } }
        }
    };
    signed.page(&tr.t("nav-password"), body)
}

pub async fn password_form(signed: Signed) -> ConsoleResult {
    Ok(password_page(&signed, None, false))
}

/// Changes one's own password (the current one first); the account's other sessions end.
/// The password form's fields: the current password and the new one.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordFields {
    current: String,
    password: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    client: Option<axum::Extension<crate::client::ClientAddr>>,
    signed: Signed,
    CsrfForm(form): CsrfForm<PasswordFields>,
) -> ConsoleResult {
    let tr = signed.tr;
    let now = state.store.clock().now();
    let ip = client_ip(peer, client);
    let account = signed.session.account.clone();
    let password = match new_password(&tr, &form.password, &form.confirm) {
        Ok(password) => password,
        Err(message) => {
            let mut response = password_page(&signed, Some(&message), false);
            *response.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(response);
        }
    };
    let attempt = super::throttle::attempt(&state.store, &account.username, ip, now)
        .await?
        .map_err(ConsoleError::Wait)?;
    let id = account.id;
    let hash = state
        .store
        .read(move |sql| accounts::password_hash(sql, id))
        .await?
        .filter(|h| h != accounts::NO_PASSWORD);
    let good = check_password(&state, form.current, hash)
        .await
        .ok_or(ConsoleError::Wait(5))?;
    if !good {
        let mut response = password_page(&signed, Some(&tr.t("password-wrong")), false);
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    }
    super::throttle::succeeded(&state.store, attempt, now).await?;
    let hash = state
        .limits
        .hash_password(password)
        .await
        .ok_or(ConsoleError::Wait(5))?;
    let keep = signed.token_digest.clone();
    state
        .store
        .write(move |sql| {
            accounts::change_password(sql, id, &hash, &keep)?;
            audit::audit(sql, id, "change_password", None, None, now)
        })
        .await?;
    Ok(password_page(&signed, None, true))
}

/// The secret grouped by four letters, as people copy it.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A page of the second-factor flow: with the header's links only once fully signed in.
fn factor_page(signed: &Signed, body: Markup) -> Response {
    let tr = signed.tr;
    if signed.session.stage == Stage::Full {
        signed.page(&tr.t("nav-2fa"), body)
    } else {
        let body = html! {
            (body)
            form method="post" action="/console/logout" {
                (csrf_field(&signed.session.csrf))
                button type="submit" class="link" { (tr.h("logout")) }
            }
        };
        Html(page(&tr, &tr.t("nav-2fa"), None, body).into_string()).into_response()
    }
}

fn enrol_factor_body(signed: &Signed, secret: &str, message: Option<&str>) -> Markup {
    let tr = signed.tr;
    let account = &signed.session.account;
    let why = if signed.session.needs_2fa() {
        tr.t("twofa-required")
    } else {
        tr.t("twofa-optional")
    };
    let uri = totp::otpauth_uri("Our Voice", &account.username, secret);
    html! {
        (alert(message))
        div class="card" {
            p { (Shown(&why)) }
            p { (tr.h("twofa-scan")) }
            div id="qr" { (totp::qr_svg(&uri, &tr.t("twofa-qr-label"))) }
            p { (tr.h("twofa-type-secret")) }
            p { code id="totp-secret" { (Shown(&grouped(secret))) } }
        }
        form method="post" action="/console/2fa" class="card" {
            (csrf_field(&signed.session.csrf))
            label for="code" { (tr.h("code-label")) }
            input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="10" required;
            p { button type="submit" { (tr.h("twofa-submit")) } }
        }
    }
}

/// The second factor: its state, or enrolling one (QR code and secret, then a code from it).
pub async fn second_factor(
    State(state): State<Arc<AppState>>,
    Partial(signed): Partial,
) -> ConsoleResult {
    let tr = signed.tr;
    match signed.session.stage {
        Stage::Code => return Ok(Redirect::to("/console/login/code").into_response()),
        Stage::Full if signed.session.has_totp => {
            let body = html! { p class="card" id="2fa-on" { (tr.h("twofa-on")) } };
            return Ok(factor_page(&signed, body));
        }
        _ => {}
    }
    let secret = match &signed.session.pending_totp {
        Some(secret) => secret.clone(),
        None => {
            let secret = totp::new_secret();
            let (keep, token_digest) = (secret.clone(), signed.token_digest.clone());
            state
                .store
                .write(move |sql| sessions::set_pending_totp(sql, &token_digest, &keep))
                .await?;
            secret
        }
    };
    Ok(factor_page(
        &signed,
        enrol_factor_body(&signed, &secret, None),
    ))
}

/// Keeps the second factor being enrolled once a code from it is right; shows the recovery
/// codes once.
pub async fn enrol_second_factor(
    State(state): State<Arc<AppState>>,
    Partial(signed): Partial,
    CsrfForm(form): CsrfForm<super::auth::CodeFields>,
) -> ConsoleResult {
    let tr = signed.tr;
    if signed.session.stage == Stage::Code || signed.session.has_totp {
        return Ok(Redirect::to("/console/2fa").into_response());
    }
    let Some(secret) = signed.session.pending_totp.clone() else {
        return Ok(Redirect::to("/console/2fa").into_response());
    };
    let now = state.store.clock().now();
    let Some(step) = totp::check(&secret, &form.code, now, None) else {
        let mut response = factor_page(
            &signed,
            enrol_factor_body(&signed, &secret, Some(&tr.t("code-refused"))),
        );
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(response);
    };
    let codes = totp::new_recovery_codes();
    let digests: Vec<String> = codes.iter().map(|c| totp::recovery_digest(c)).collect();
    let id = signed.session.account.id;
    let token_digest = signed.token_digest.clone();
    state
        .store
        .write(move |sql| {
            accounts::enrol_totp(sql, id, &secret, step, &digests)?;
            sessions::set_stage(sql, &token_digest, Stage::Full)?;
            audit::audit(sql, id, "enrol_2fa", None, None, now)
        })
        .await?;
    let body = html! {
        div class="card" id="recovery-codes" {
            p { (tr.h("twofa-recovery-help")) }
            ol { @for code in &codes { li { code { (Shown(code)) } } } }
            p { a href="/console" { (tr.h("twofa-continue")) } }
        }
    };
    Ok(Html(page(&tr, &tr.t("nav-2fa"), None, body).into_string()).into_response())
}

/// The absolute enrolment link for `token`, as the administrator's browser reached the server.
pub fn enrolment_link(state: &AppState, headers: &HeaderMap, token: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("");
    let scheme = if state.cookie_secure { "https" } else { "http" };
    format!("{scheme}://{host}/console/enrol/{token}")
}
