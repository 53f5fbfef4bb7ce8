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
use axum::Form;
use fluent_bundle::FluentValue;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use super::auth::{
    check_password, client_ip, hash_password, signed_out_csrf, signed_out_token, MIN_PASSWORD_CHARS,
};
use super::html::{csrf_field, esc, page};
use super::i18n::Tr;
use super::{
    digest, set_cookie, totp, ConsoleError, ConsoleResult, Language, Partial, Signed, LOGIN_COOKIE,
};
use crate::store::{
    accounts, audit,
    sessions::{self, Stage},
};
use crate::AppState;

/// Hours an enrolment link stays usable.
pub const LINK_HOURS: i64 = 72;
/// The longest password accepted (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 200;

fn alert(message: Option<&str>) -> String {
    message
        .map(|m| format!("<p class=\"alert\" role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default()
}

/// The new password twice, or the message saying what is wrong.
fn new_password(tr: &Tr, form: &HashMap<String, String>) -> Result<String, String> {
    let password = form.get("password").cloned().unwrap_or_default();
    let count = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&count) {
        return Err(tr.a(
            "account-password",
            &[("min", FluentValue::from(MIN_PASSWORD_CHARS))],
        ));
    }
    if form.get("confirm") != Some(&password) {
        return Err(tr.t("password-mismatch"));
    }
    Ok(password)
}

fn new_password_fields(tr: &Tr) -> String {
    format!(
        "<label for=\"password\">{pass}</label><input type=\"password\" id=\"password\" name=\"password\" minlength=\"{MIN_PASSWORD_CHARS}\" maxlength=\"{MAX_PASSWORD_CHARS}\" autocomplete=\"new-password\" required>\
<label for=\"confirm\">{confirm}</label><input type=\"password\" id=\"confirm\" name=\"confirm\" minlength=\"{MIN_PASSWORD_CHARS}\" maxlength=\"{MAX_PASSWORD_CHARS}\" autocomplete=\"new-password\" required>",
        pass = esc(&tr.a("account-password", &[("min", FluentValue::from(MIN_PASSWORD_CHARS))])),
        confirm = esc(&tr.t("password-confirm")),
    )
}

fn enrol_page(tr: &Tr, csrf: &str, token: &str, username: &str, message: Option<&str>) -> String {
    let body = format!(
        "{alert}<form method=\"post\" action=\"/console/enrol\" class=\"card\">{csrf}\
<input type=\"hidden\" name=\"token\" value=\"{token}\"><p>{help}</p>{fields}\
<p><button type=\"submit\">{go}</button></p></form>",
        alert = alert(message),
        csrf = csrf_field(csrf),
        token = esc(token),
        help = esc(&tr.a(
            "enrol-help",
            &[("username", FluentValue::from(username.to_string()))]
        )),
        fields = new_password_fields(tr),
        go = esc(&tr.t("enrol-submit")),
    );
    page(tr, &tr.t("enrol-title"), None, &body)
}

fn link_refused(tr: &Tr) -> Response {
    let body = format!(
        "<p class=\"alert\" role=\"alert\">{}</p>",
        esc(&tr.t("enrol-link-invalid"))
    );
    (
        StatusCode::NOT_FOUND,
        Html(page(tr, &tr.t("enrol-title"), None, &body)),
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
pub async fn enrol(
    State(state): State<Arc<AppState>>,
    Language(tr): Language,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let cookie_token = signed_out_csrf(&state, &headers, &form)?;
    let token = form.get("token").cloned().unwrap_or_default();
    if token.len() != 64 {
        return Ok(link_refused(&tr));
    }
    let token_digest = digest(&token);
    let now = state.store.clock().now();
    let password = match new_password(&tr, &form) {
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
                    cookie_token,
                    &token,
                    &account.username,
                    Some(&message),
                )),
            )
                .into_response());
        }
    };
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| ConsoleError::Bad(tr.t("enrol-link-invalid")))?;
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
    let notice = if done {
        format!(
            "<p class=\"card\" id=\"password-changed\">{}</p>",
            esc(&tr.t("password-changed"))
        )
    } else {
        String::new()
    };
    let body = format!(
        "{notice}{alert}<form method=\"post\" action=\"/console/password\" class=\"card\">{csrf}\
<label for=\"current\">{current}</label><input type=\"password\" id=\"current\" name=\"current\" autocomplete=\"current-password\" required>{fields}\
<p><button type=\"submit\">{go}</button></p></form>",
        alert = alert(message),
        csrf = csrf_field(&signed.session.csrf),
        current = esc(&tr.t("password-current")),
        fields = new_password_fields(&tr),
        go = esc(&tr.t("password-submit")),
    );
    signed.page(&tr.t("nav-password"), &body)
}

pub async fn password_form(signed: Signed) -> ConsoleResult {
    Ok(password_page(&signed, None, false))
}

/// Changes one's own password (the current one first); the account's other sessions end.
pub async fn change_password(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    client: Option<axum::Extension<crate::client::ClientAddr>>,
    signed: Signed,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.check_csrf(&form)?;
    let tr = signed.tr;
    let now = state.store.clock().now();
    let ip = client_ip(peer, client);
    let account = signed.session.account.clone();
    let password = match new_password(&tr, &form) {
        Ok(password) => password,
        Err(message) => {
            let mut response = password_page(&signed, Some(&message), false);
            *response.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(response);
        }
    };
    let attempt = state
        .sign_in_throttle
        .attempt(&account.username, ip, now)
        .map_err(ConsoleError::Wait)?;
    let id = account.id;
    let hash = state
        .store
        .read(move |sql| accounts::password_hash(sql, id))
        .await?
        .filter(|h| h != accounts::NO_PASSWORD);
    let current = form.get("current").cloned().unwrap_or_default();
    let good = check_password(&state, current, hash)
        .await
        .ok_or(ConsoleError::Wait(5))?;
    if !good {
        let mut response = password_page(&signed, Some(&tr.t("password-wrong")), false);
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    }
    state.sign_in_throttle.succeeded(attempt, now);
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| ConsoleError::Bad(tr.t("password-wrong")))?;
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
fn factor_page(signed: &Signed, body: &str) -> Response {
    let tr = signed.tr;
    if signed.session.stage == Stage::Full {
        signed.page(&tr.t("nav-2fa"), body)
    } else {
        let out = format!(
            "<form method=\"post\" action=\"/console/logout\">{}<button type=\"submit\" class=\"link\">{}</button></form>",
            csrf_field(&signed.session.csrf),
            esc(&tr.t("logout"))
        );
        Html(page(&tr, &tr.t("nav-2fa"), None, &format!("{body}{out}"))).into_response()
    }
}

fn enrol_factor_body(signed: &Signed, secret: &str, message: Option<&str>) -> String {
    let tr = signed.tr;
    let account = &signed.session.account;
    let why = if signed.session.needs_2fa() {
        tr.t("twofa-required")
    } else {
        tr.t("twofa-optional")
    };
    // A short Latin issuer keeps the QR code small (the Khmer name would triple its length).
    let uri = totp::otpauth_uri("Our Voice", &account.username, secret);
    format!(
        "{alert}<div class=\"card\"><p>{why}</p><p>{scan}</p><div id=\"qr\">{qr}</div>\
<p>{type_it}</p><p><code id=\"totp-secret\">{secret_text}</code></p></div>\
<form method=\"post\" action=\"/console/2fa\" class=\"card\">{csrf}\
<label for=\"code\">{label}</label><input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"10\" required>\
<p><button type=\"submit\">{go}</button></p></form>",
        alert = alert(message),
        why = esc(&why),
        scan = esc(&tr.t("twofa-scan")),
        qr = totp::qr_svg(&uri, &tr.t("twofa-qr-label")),
        type_it = esc(&tr.t("twofa-type-secret")),
        secret_text = esc(&grouped(secret)),
        csrf = csrf_field(&signed.session.csrf),
        label = esc(&tr.t("code-label")),
        go = esc(&tr.t("twofa-submit")),
    )
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
            let body = format!(
                "<p class=\"card\" id=\"2fa-on\">{}</p>",
                esc(&tr.t("twofa-on"))
            );
            return Ok(factor_page(&signed, &body));
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
        &enrol_factor_body(&signed, &secret, None),
    ))
}

/// Keeps the second factor being enrolled once a code from it is right; shows the recovery
/// codes once.
pub async fn enrol_second_factor(
    State(state): State<Arc<AppState>>,
    Partial(signed): Partial,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.check_csrf(&form)?;
    let tr = signed.tr;
    if signed.session.stage == Stage::Code || signed.session.has_totp {
        return Ok(Redirect::to("/console/2fa").into_response());
    }
    let Some(secret) = signed.session.pending_totp.clone() else {
        return Ok(Redirect::to("/console/2fa").into_response());
    };
    let now = state.store.clock().now();
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(step) = totp::check(&secret, &code, now, None) else {
        let mut response = factor_page(
            &signed,
            &enrol_factor_body(&signed, &secret, Some(&tr.t("code-refused"))),
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
    let list: String = codes
        .iter()
        .map(|c| format!("<li><code>{}</code></li>", esc(c)))
        .collect();
    let body = format!(
        "<div class=\"card\" id=\"recovery-codes\"><p>{}</p><ol>{list}</ol><p><a href=\"/console\">{}</a></p></div>",
        esc(&tr.t("twofa-recovery-help")),
        esc(&tr.t("twofa-continue")),
    );
    Ok(Html(page(&tr, &tr.t("nav-2fa"), None, &body)).into_response())
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
