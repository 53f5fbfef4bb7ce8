//! Signing in and out: argon2id password hashes, login throttling (a locked account refuses
//! even the right password until the lock ends; an address with many failures, whatever the
//! names, is blocked for a while), server-side sessions, and the command that creates an
//! administrator.
//!
//! Guarantees: the login answer is the same for an unknown name, a wrong password, a disabled
//! and a locked account; the login form is protected by a double-submit CSRF token; session
//! and CSRF tokens are 256-bit random, and only the session token's SHA-256 is stored.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock, Mutex};

use super::html::{csrf_field, esc, page};
use super::i18n::Tr;
use super::{cookie, digest, random_token, same, ConsoleError, ConsoleResult, Language, Signed};
use super::{LOGIN_COOKIE, SESSION_COOKIE};
use crate::store::console::{self, NewAccount, Role};
use crate::store::{Store, StoreError};
use crate::AppState;

/// Failed logins in a row that lock an account.
pub const LOGIN_FAILURES_BEFORE_LOCK: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// Failed logins from one address, whatever the names tried, that block the address's logins.
pub const ADDRESS_FAILURES_BEFORE_BLOCK: u32 = 20;

/// Failed logins per address: count and start of the current 15-minute window.
pub type FailedLogins = Mutex<HashMap<IpAddr, (u32, DateTime<Utc>)>>;

fn address_blocked(failures: &FailedLogins, ip: IpAddr, now: DateTime<Utc>) -> bool {
    let failures = failures.lock().unwrap_or_else(|p| p.into_inner());
    failures.get(&ip).is_some_and(|(count, since)| {
        *count >= ADDRESS_FAILURES_BEFORE_BLOCK && now - *since < Duration::minutes(LOCK_MINUTES)
    })
}

fn address_failed(failures: &FailedLogins, ip: IpAddr, now: DateTime<Utc>) {
    let mut failures = failures.lock().unwrap_or_else(|p| p.into_inner());
    if failures.len() > 100_000 {
        failures.retain(|_, (_, since)| now - *since < Duration::minutes(LOCK_MINUTES));
    }
    let entry = failures.entry(ip).or_insert((0, now));
    if now - entry.1 >= Duration::minutes(LOCK_MINUTES) {
        *entry = (0, now);
    }
    entry.0 += 1;
}

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

/// Verified against when the name is unknown, so that the answer takes as long.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("not a real password"));

fn secure_flag(state: &AppState) -> &'static str {
    if state.cookie_secure {
        "; Secure"
    } else {
        ""
    }
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
    let token = cookie(&headers, LOGIN_COOKIE)
        .filter(|t| t.len() == 64)
        .map(str::to_string)
        .unwrap_or_else(random_token);
    (
        [(
            header::SET_COOKIE,
            format!(
                "{LOGIN_COOKIE}={token}; Path=/console; HttpOnly; SameSite=Strict{}",
                secure_flag(&state)
            ),
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
    let cookie_token = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    match form.get("csrf") {
        Some(token) if !cookie_token.is_empty() && same(token, cookie_token) => {}
        _ => return Err(ConsoleError::Csrf),
    }
    let username = form
        .get("username")
        .map(|u| u.trim().to_string())
        .unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let now = state.store.clock().now();
    let ip = client.map_or(peer.ip(), |c| c.0 .0);
    if address_blocked(&state.login_failures, ip, now) {
        tracing::warn!("console logins blocked for an address after repeated failures");
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            Html(login_page(&tr, cookie_token, Some(&tr.t("login-too-many")))),
        )
            .into_response());
    }
    let lookup = username.clone();
    let record = state
        .store
        .read(move |sql| console::login_record(sql, &lookup))
        .await?;
    let (hash, usable) = match &record {
        Some(r) => (
            r.password_hash.clone(),
            !r.account.disabled && r.locked_until.is_none_or(|until| until <= now),
        ),
        None => (DUMMY_HASH.clone(), false),
    };
    let Some(good) = state.limits.check_password(password, hash).await else {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "5")],
            Html(login_page(&tr, cookie_token, Some(&tr.t("login-busy")))),
        )
            .into_response());
    };
    let Some(record) = record else {
        address_failed(&state.login_failures, ip, now);
        return Ok(refused(&tr, cookie_token));
    };
    let id = record.account.id;
    if !usable {
        address_failed(&state.login_failures, ip, now);
        return Ok(refused(&tr, cookie_token));
    }
    if !good {
        address_failed(&state.login_failures, ip, now);
        let lock_until = now + Duration::minutes(LOCK_MINUTES);
        let locked = state
            .store
            .write(move |sql| {
                console::login_failed(sql, id, LOGIN_FAILURES_BEFORE_LOCK, lock_until)
            })
            .await?;
        if locked {
            tracing::warn!(account = id, "account locked after repeated failed logins");
        }
        return Ok(refused(&tr, cookie_token));
    }
    let token = random_token();
    let csrf = random_token();
    let token_digest = digest(&token);
    let expires = now + Duration::hours(i64::from(state.session_hours));
    state
        .store
        .write(move |sql| console::login_succeeded(sql, id, &token_digest, &csrf, now, expires))
        .await?;
    Ok((
        [(
            header::SET_COOKIE,
            format!(
                "{SESSION_COOKIE}={token}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={}{}",
                i64::from(state.session_hours) * 3600,
                secure_flag(&state)
            ),
        )],
        Redirect::to("/console"),
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

pub async fn logout(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.check_csrf(&form)?;
    let token_digest = signed.token_digest.clone();
    state
        .store
        .write(move |sql| console::end_session(sql, &token_digest))
        .await?;
    Ok((
        [(
            header::SET_COOKIE,
            format!("{SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0"),
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
        .write(move |sql| console::create_account(sql, &account, now))
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
