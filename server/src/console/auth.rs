//! Signing in and out: argon2id password hashes, sign-in throttling by growing delays (see
//! [`super::throttle`]), the second step (a TOTP or recovery code) for accounts with a second
//! factor, server-side sessions, and the command that creates the first administrator.
//!
//! Guarantees: the sign-in answer is the same for an unknown name, a wrong password, a disabled
//! account and one without a password yet, and takes the same work (one argon2 verification,
//! against a dummy hash when there is no real one); an attempt is counted before its password
//! is checked; the login form is protected by a double-submit CSRF token and every signed-in form by the session's, both
//! checked by the form extractors ([`SignedOutForm`], [`CsrfForm`]) before a handler runs; session and CSRF
//! tokens are 256-bit random, and only the session token's SHA-256 is stored; every sign-in and
//! failed sign-in is recorded with the client's address (and the account, when the name is one).

use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use maud::{html, Markup};
use serde::Deserialize;

use super::html::{csrf_field, page, Shown};
use super::i18n::Tr;
use super::{
    digest, own_cookie, random_token, set_cookie, throttle, totp, ConsoleError, ConsoleResult,
    CsrfForm, Language, Partial, SignedOutForm,
};
use super::{LOGIN_COOKIE, SESSION_COOKIE};
use crate::store::{
    accounts, accounts::NewAccount, accounts::Role, audit, sessions, sessions::Stage,
};
use crate::store::{Sql, Store, StoreError};
use crate::AppState;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// An argon2id hash (PHC string) of `password` with a fresh random salt, in memory of its own
/// (the `create-admin` command and tests; a running server hashes on its password threads).
pub fn hash_password(password: &str) -> String {
    crate::passwords::hash_in(password, &mut Vec::new())
}

/// Checks a password on the password threads (see [`crate::passwords`]): the one place a
/// password is verified. `None` for `hash` verifies against the dummy hash (and answers false),
/// so every attempt costs the same; `None` back when no password thread was free in time.
pub async fn check_password(
    state: &AppState,
    password: String,
    hash: Option<String>,
) -> Option<bool> {
    let real = hash.is_some();
    let hash = hash.unwrap_or_else(|| crate::passwords::DUMMY_HASH.to_string());
    let good = state.limits.check_password(password, hash).await?;
    Some(good && real)
}

/// The double-submit CSRF token of pages used before signing in (the login form, enrolment
/// links): the one in the browser's cookie, or a fresh one.
pub fn signed_out_token(state: &AppState, headers: &HeaderMap) -> String {
    own_cookie(state, headers, LOGIN_COOKIE)
        .filter(|t| t.len() == 64)
        .map(str::to_string)
        .unwrap_or_else(random_token)
}

/// The client's address: from a trusted proxy's `X-Forwarded-For`, else the peer's.
pub fn client_ip(
    peer: SocketAddr,
    client: Option<axum::Extension<crate::client::ClientAddr>>,
) -> IpAddr {
    client.map_or(peer.ip(), |c| c.0 .0)
}

/// A 429 page saying how long to wait, with `Retry-After`.
fn wait_page(tr: &Tr, token: &str, seconds: i64, code_step: bool) -> Response {
    let message = tr.a("login-wait", &[("seconds", tr.count(seconds))]);
    let body = if code_step {
        code_page(tr, token, Some(&message))
    } else {
        login_page(tr, token, Some(&message))
    };
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Html(body)).into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&seconds.to_string()).unwrap_or(HeaderValue::from_static("1")),
    );
    response
}

fn login_page(tr: &Tr, token: &str, message: Option<&str>) -> String {
    let body = html! {
        (alert(message))
        form method="post" action="/console/login" class="card" {
            (csrf_field(token))
            label for="username" { (tr.h("login-username")) }
            input type="text" id="username" name="username" autocomplete="username" required autofocus;
            label for="password" { (tr.h("login-password")) }
            input type="password" id="password" name="password" autocomplete="current-password" required;
            p { button type="submit" { (tr.h("login-submit")) } }
        }
    };
    page(tr, &tr.t("login-title"), None, body).into_string()
}

/// The warning above a form, when there is one.
pub fn alert(message: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = message {
            p class="alert" role="alert" { (Shown(message)) }
        }
    }
}

pub async fn login_form(
    State(state): State<Arc<AppState>>,
    Language(tr): Language,
    headers: HeaderMap,
) -> Response {
    let token = signed_out_token(&state, &headers);
    (
        [(
            header::SET_COOKIE,
            set_cookie(&state, LOGIN_COOKIE, &token, None),
        )],
        Html(login_page(&tr, &token, None)),
    )
        .into_response()
}

/// The sign-in form's fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginFields {
    username: String,
    password: String,
}

pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    client: Option<axum::Extension<crate::client::ClientAddr>>,
    Language(tr): Language,
    SignedOutForm { token, form }: SignedOutForm<LoginFields>,
) -> ConsoleResult {
    let cookie_token = token.as_str();
    let username: String = form.username.trim().chars().take(100).collect();
    let now = state.store.clock().now();
    let ip = client_ip(peer, client);
    let attempt = match throttle::attempt(&state.store, &username, ip, now).await? {
        Ok(attempt) => attempt,
        Err(seconds) => {
            tracing::warn!("console sign-in delayed after repeated failures");
            return Ok(wait_page(&tr, cookie_token, seconds, false));
        }
    };
    let (record, policy) = state
        .store
        .read(move |sql| {
            Ok((
                accounts::login_record(sql, &username)?,
                accounts::require_2fa(sql)?,
            ))
        })
        .await?;
    let hash = record
        .as_ref()
        .filter(|r| !r.account.disabled && r.password_hash != accounts::NO_PASSWORD)
        .map(|r| r.password_hash.clone());
    let Some(good) = check_password(&state, form.password, hash).await else {
        return Ok(busy(&tr, cookie_token));
    };
    let address = ip.to_string();
    let record = match record {
        Some(record) if good => record,
        _ => {
            let account_id = record.as_ref().map(|r| r.account.id);
            state
                .store
                .write(move |sql| audit::record_sign_in(sql, account_id, &address, "failed", now))
                .await?;
            return Ok(refused(&tr, cookie_token));
        }
    };
    let stage = first_stage(&record, policy);
    if stage == Stage::Code {
        throttle::password_right(&state.store, attempt, now).await?;
    } else {
        throttle::succeeded(&state.store, attempt, now).await?;
    }
    let token = start_session(&state, record.account.id, stage, address, now).await?;
    Ok(signed_in(&state, &token, stage))
}

/// The password checks are all busy: try again in a few seconds.
fn busy(tr: &Tr, token: &str) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, "5")],
        Html(login_page(tr, token, Some(&tr.t("login-busy")))),
    )
        .into_response()
}

/// The session cookie, and on to the next page for `stage`.
fn signed_in(state: &AppState, token: &str, stage: Stage) -> Response {
    let to = match stage {
        Stage::Full => "/console",
        Stage::Code => "/console/login/code",
        Stage::Enrol => "/console/2fa",
    };
    (
        [(
            header::SET_COOKIE,
            set_cookie(
                state,
                SESSION_COOKIE,
                token,
                Some(i64::from(state.session_hours) * 3600),
            ),
        )],
        Redirect::to(to),
    )
        .into_response()
}

/// Where a right password leads: the code for an account with a second factor, enrolling one
/// where one is required (administrators, heads, or everyone by policy), else signed in.
fn first_stage(record: &accounts::LoginRecord, policy: bool) -> Stage {
    if record.has_totp {
        Stage::Code
    } else if matches!(record.account.role, Role::Admin | Role::Head) || policy {
        Stage::Enrol
    } else {
        Stage::Full
    }
}

/// Starts a session at `stage` for the account and records the sign-in; the session's token.
async fn start_session(
    state: &AppState,
    id: i64,
    stage: Stage,
    address: String,
    now: DateTime<Utc>,
) -> Result<String, ConsoleError> {
    let token = random_token();
    let csrf = random_token();
    let token_digest = digest(&token);
    let expires = now + Duration::hours(i64::from(state.session_hours));
    let idle_since = state.idle_since(now);
    state
        .store
        .write(move |sql| {
            sessions::login_succeeded(
                sql,
                id,
                &token_digest,
                &csrf,
                stage,
                now,
                expires,
                idle_since,
            )?;
            let outcome = if stage == Stage::Code {
                "password_ok"
            } else {
                "signed_in"
            };
            audit::record_sign_in(sql, Some(id), &address, outcome, now)
        })
        .await?;
    Ok(token)
}

fn refused(tr: &Tr, token: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Html(login_page(tr, token, Some(&tr.t("login-refused")))),
    )
        .into_response()
}

fn code_page(tr: &Tr, csrf: &str, message: Option<&str>) -> String {
    let body = html! {
        (alert(message))
        form method="post" action="/console/login/code" class="card" {
            (csrf_field(csrf))
            p { (tr.h("code-help")) }
            label for="code" { (tr.h("code-label")) }
            input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="20" required autofocus;
            p { button type="submit" { (tr.h("code-submit")) } }
        }
        form method="post" action="/console/logout" {
            (csrf_field(csrf))
            button type="submit" class="link" { (tr.h("logout")) }
        }
    };
    page(tr, &tr.t("code-title"), None, body).into_string()
}

/// The second step of signing in: the code from the authenticator app or a recovery code.
pub async fn code_form(Partial(signed): Partial) -> ConsoleResult {
    if signed.session.stage != Stage::Code {
        return Ok(Redirect::to("/console").into_response());
    }
    Ok(Html(code_page(&signed.tr, &signed.session.csrf, None)).into_response())
}

/// The second-factor code form's field.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeFields {
    pub code: String,
}

pub async fn code(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    client: Option<axum::Extension<crate::client::ClientAddr>>,
    Partial(signed): Partial,
    CsrfForm(form): CsrfForm<CodeFields>,
) -> ConsoleResult {
    if signed.session.stage != Stage::Code {
        return Ok(Redirect::to("/console").into_response());
    }
    let tr = signed.tr;
    let csrf = signed.session.csrf.clone();
    let now = state.store.clock().now();
    let ip = client_ip(peer, client);
    let account = signed.session.account.clone();
    let attempt = match throttle::attempt(&state.store, &account.username, ip, now).await? {
        Ok(attempt) => attempt,
        Err(seconds) => return Ok(wait_page(&tr, &csrf, seconds, true)),
    };
    let code: String = form.code.trim().chars().take(20).collect();
    let id = account.id;
    let token_digest = signed.token_digest.clone();
    let address = ip.to_string();
    let outcome = state
        .store
        .write(move |sql| use_code(sql, id, &code, &token_digest, &address, now))
        .await?;
    if !outcome {
        return Ok((
            StatusCode::UNAUTHORIZED,
            Html(code_page(&tr, &csrf, Some(&tr.t("code-refused")))),
        )
            .into_response());
    }
    throttle::succeeded(&state.store, attempt, now).await?;
    Ok(Redirect::to("/console").into_response())
}

/// Uses a TOTP code (each step once) or else a recovery code (each once) of the account; when
/// one is right, the session is fully signed in. Every try is recorded; whether one was right.
fn use_code(
    sql: &mut dyn Sql,
    id: i64,
    code: &str,
    token_digest: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut used = None;
    if let Some((secret, last)) = accounts::totp(sql, id)? {
        if let Some(step) = totp::check(&secret, code, now, last) {
            if accounts::use_totp_step(sql, id, step)? {
                used = Some("signed_in");
            }
        }
    }
    if used.is_none() && accounts::use_recovery_code(sql, id, &totp::recovery_digest(code), now)? {
        used = Some("signed_in_recovery_code");
    }
    match used {
        Some(how) => {
            sessions::set_stage(sql, token_digest, Stage::Full)?;
            audit::record_sign_in(sql, Some(id), address, how, now)?;
            if how == "signed_in_recovery_code" {
                audit::audit(sql, id, "use_recovery_code", None, None, now)?;
            }
            Ok(true)
        }
        None => {
            audit::record_sign_in(sql, Some(id), address, "code_failed", now)?;
            Ok(false)
        }
    }
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct NoFields {}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    Partial(signed): Partial,
    CsrfForm(_): CsrfForm<NoFields>,
) -> ConsoleResult {
    let token_digest = signed.token_digest.clone();
    state
        .store
        .write(move |sql| sessions::end_session(sql, &token_digest))
        .await?;
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(&state, SESSION_COOKIE, "", Some(0)),
        )],
        Redirect::to("/console/login"),
    )
        .into_response())
}

/// Why `create-admin` failed.
#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    #[error("the username must be 3 to 64 letters, digits, '.', '-' or '_'")]
    BadUsername,
    #[error("an account named {0} exists already")]
    Taken(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Whether a username is acceptable.
pub fn valid_username(name: &str) -> bool {
    (3..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Creates an administrator account in `store` (the `create-admin` command).
pub async fn create_admin(
    store: &Store,
    username: &str,
    display_name: &str,
    password: &str,
) -> Result<i64, CreateAdminError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(CreateAdminError::ShortPassword);
    }
    if !valid_username(username) {
        return Err(CreateAdminError::BadUsername);
    }
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| StoreError::WriterGone)?;
    let account = NewAccount {
        username: username.to_string(),
        display_name: display_name.to_string(),
        password_hash: hash,
        role: Role::Admin,
        office: None,
    };
    let now = store.clock().now();
    store
        .write(move |sql| accounts::create_account(sql, &account, now))
        .await?
        .ok_or_else(|| CreateAdminError::Taken(username.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let verify = |password: &str, hash: &str| {
            crate::passwords::verify_in(password, hash, &mut Vec::new())
        };
        assert!(verify("correct horse battery", &hash));
        assert!(!verify("wrong", &hash));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(hash, hash_password("correct horse battery"), "salted");
    }

    #[test]
    fn usernames() {
        for (name, ok) in [
            ("sokha", true),
            ("a.b-c_1", true),
            ("ab", false),
            ("សុខា", false),
            ("a b", false),
        ] {
            assert_eq!(valid_username(name), ok, "{name}");
        }
    }
}
