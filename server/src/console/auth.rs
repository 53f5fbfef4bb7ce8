//! Signing in and out: argon2id password hashes, sign-in throttling by growing delays (see
//! [`super::throttle`]), the second step (a TOTP or recovery code) for accounts with a second
//! factor, server-side sessions, and the command that creates the first administrator.
//!
//! Guarantees: the sign-in answer is the same for an unknown name, a wrong password, a disabled
//! account and one without a password yet, and takes the same work (one argon2 verification,
//! against a dummy hash when there is no real one); an attempt is counted before its password
//! is checked; the login form is protected by a double-submit CSRF token; session and CSRF
//! tokens are 256-bit random, and only the session token's SHA-256 is stored; every sign-in and
//! failed sign-in is recorded with the client's address (and the account, when the name is one).

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Duration;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock};

use super::html::{csrf_field, esc, page};
use super::i18n::Tr;
use super::{
    digest, own_cookie, random_token, same, set_cookie, totp, ConsoleError, ConsoleResult,
    Language, Partial,
};
use super::{LOGIN_COOKIE, SESSION_COOKIE};
use crate::store::{
    accounts::{self, NewAccount, Role},
    audit,
    sessions::{self, Stage},
};
use crate::store::{Store, StoreError};
use crate::AppState;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// An argon2id hash (PHC string) of `password` with a fresh random salt.
pub fn hash_password(password: &str) -> String {
    let salt: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any password")
        .to_string()
}

/// Verified against when there is no real hash (unknown name, no password yet, disabled), so
/// that the answer takes as long.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("not a real password"));

/// Checks a password on the password threads (see [`crate::passwords`]): the one place a
/// password is verified. `None` for `hash` verifies against the dummy hash (and answers false),
/// so every attempt costs the same; `None` back when no password thread was free in time.
pub async fn check_password(
    state: &AppState,
    password: String,
    hash: Option<String>,
) -> Option<bool> {
    let real = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
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

/// Checks a signed-out form's CSRF token against its cookie; the token.
pub fn signed_out_csrf<'h>(
    state: &AppState,
    headers: &'h HeaderMap,
    form: &HashMap<String, String>,
) -> Result<&'h str, ConsoleError> {
    let cookie_token = own_cookie(state, headers, LOGIN_COOKIE).unwrap_or("");
    match form.get("csrf") {
        Some(token) if !cookie_token.is_empty() && same(token, cookie_token) => Ok(cookie_token),
        _ => Err(ConsoleError::Csrf),
    }
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
    let message = tr.a(
        "login-wait",
        &[("seconds", fluent_bundle::FluentValue::from(seconds))],
    );
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
    let alert = message
        .map(|m| format!("<p class=\"alert\" role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default();
    let body = format!(
        "{alert}<form method=\"post\" action=\"/console/login\" class=\"card\">{csrf}\
<label for=\"username\">{user}</label><input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus>\
<label for=\"password\">{pass}</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
<p><button type=\"submit\">{go}</button></p></form>",
        csrf = csrf_field(token),
        user = esc(&tr.t("login-username")),
        pass = esc(&tr.t("login-password")),
        go = esc(&tr.t("login-submit")),
    );
    page(tr, &tr.t("login-title"), None, &body)
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

pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    client: Option<axum::Extension<crate::client::ClientAddr>>,
    Language(tr): Language,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    let cookie_token = signed_out_csrf(&state, &headers, &form)?;
    let username = form
        .get("username")
        .map(|u| u.trim().chars().take(100).collect::<String>())
        .unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let now = state.store.clock().now();
    let ip = client_ip(peer, client);
    // Counted as failed before anything else; forgotten below if the password is right.
    let attempt = match state.sign_in_throttle.attempt(&username, ip, now) {
        Ok(attempt) => attempt,
        Err(seconds) => {
            tracing::warn!("console sign-in delayed after repeated failures");
            return Ok(wait_page(&tr, cookie_token, seconds, false));
        }
    };
    let lookup = username.clone();
    let (record, policy) = state
        .store
        .read(move |sql| {
            Ok((
                accounts::login_record(sql, &lookup)?,
                accounts::require_2fa(sql)?,
            ))
        })
        .await?;
    let hash = record
        .as_ref()
        .filter(|r| !r.account.disabled && r.password_hash != accounts::NO_PASSWORD)
        .map(|r| r.password_hash.clone());
    let Some(good) = check_password(&state, password, hash).await else {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "5")],
            Html(login_page(&tr, cookie_token, Some(&tr.t("login-busy")))),
        )
            .into_response());
    };
    let address = ip.to_string();
    let account_id = record.as_ref().map(|r| r.account.id);
    let record = match record {
        Some(record) if good => record,
        _ => {
            state
                .store
                .write(move |sql| audit::record_sign_in(sql, account_id, &address, "failed", now))
                .await?;
            return Ok(refused(&tr, cookie_token));
        }
    };
    let id = record.account.id;
    let stage = if record.has_totp {
        Stage::Code
    } else if matches!(record.account.role, Role::Admin | Role::Head) || policy {
        Stage::Enrol
    } else {
        Stage::Full
    };
    // With a second factor to come, the name's failures are forgotten only after the code, so
    // that a known password does not buy fresh guesses at the code.
    if stage == Stage::Code {
        state.sign_in_throttle.password_right(attempt, now);
    } else {
        state.sign_in_throttle.succeeded(attempt, now);
    }
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
    let to = match stage {
        Stage::Full => "/console",
        Stage::Code => "/console/login/code",
        Stage::Enrol => "/console/2fa",
    };
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(
                &state,
                SESSION_COOKIE,
                &token,
                Some(i64::from(state.session_hours) * 3600),
            ),
        )],
        Redirect::to(to),
    )
        .into_response())
}

fn refused(tr: &Tr, token: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Html(login_page(tr, token, Some(&tr.t("login-refused")))),
    )
        .into_response()
}

fn code_page(tr: &Tr, csrf: &str, message: Option<&str>) -> String {
    let alert = message
        .map(|m| format!("<p class=\"alert\" role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default();
    let body = format!(
        "{alert}<form method=\"post\" action=\"/console/login/code\" class=\"card\">{csrf}<p>{help}</p>\
<label for=\"code\">{label}</label><input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"20\" required autofocus>\
<p><button type=\"submit\">{go}</button></p></form>\
<form method=\"post\" action=\"/console/logout\">{csrf}<button type=\"submit\" class=\"link\">{out}</button></form>",
        csrf = csrf_field(csrf),
        help = esc(&tr.t("code-help")),
        label = esc(&tr.t("code-label")),
        go = esc(&tr.t("code-submit")),
        out = esc(&tr.t("logout")),
    );
    page(tr, &tr.t("code-title"), None, &body)
}

/// The second step of signing in: the code from the authenticator app or a recovery code.
pub async fn code_form(Partial(signed): Partial) -> ConsoleResult {
    if signed.session.stage != Stage::Code {
        return Ok(Redirect::to("/console").into_response());
    }
    Ok(Html(code_page(&signed.tr, &signed.session.csrf, None)).into_response())
}

pub async fn code(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    client: Option<axum::Extension<crate::client::ClientAddr>>,
    Partial(signed): Partial,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.check_csrf(&form)?;
    if signed.session.stage != Stage::Code {
        return Ok(Redirect::to("/console").into_response());
    }
    let tr = signed.tr;
    let csrf = signed.session.csrf.clone();
    let now = state.store.clock().now();
    let ip = client_ip(peer, client);
    let account = signed.session.account.clone();
    let attempt = match state.sign_in_throttle.attempt(&account.username, ip, now) {
        Ok(attempt) => attempt,
        Err(seconds) => return Ok(wait_page(&tr, &csrf, seconds, true)),
    };
    let code: String = form
        .get("code")
        .map(|c| c.trim().chars().take(20).collect())
        .unwrap_or_default();
    let id = account.id;
    let token_digest = signed.token_digest.clone();
    let address = ip.to_string();
    let outcome = state
        .store
        .write(move |sql| {
            let mut used = None;
            if let Some((secret, last)) = accounts::totp(sql, id)? {
                if let Some(step) = totp::check(&secret, &code, now, last) {
                    if accounts::use_totp_step(sql, id, step)? {
                        used = Some("signed_in");
                    }
                }
            }
            if used.is_none()
                && accounts::use_recovery_code(sql, id, &totp::recovery_digest(&code), now)?
            {
                used = Some("signed_in_recovery_code");
            }
            match used {
                Some(how) => {
                    sessions::set_stage(sql, &token_digest, Stage::Full)?;
                    audit::record_sign_in(sql, Some(id), &address, how, now)?;
                    if how == "signed_in_recovery_code" {
                        audit::audit(sql, id, "use_recovery_code", None, None, now)?;
                    }
                    Ok(true)
                }
                None => {
                    audit::record_sign_in(sql, Some(id), &address, "code_failed", now)?;
                    Ok(false)
                }
            }
        })
        .await?;
    if !outcome {
        return Ok((
            StatusCode::UNAUTHORIZED,
            Html(code_page(&tr, &csrf, Some(&tr.t("code-refused")))),
        )
            .into_response());
    }
    state.sign_in_throttle.succeeded(attempt, now);
    Ok(Redirect::to("/console").into_response())
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    Partial(signed): Partial,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.check_csrf(&form)?;
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
