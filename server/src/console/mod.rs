//! The officials' web console under `/console`: server-rendered HTML in Khmer and English, no
//! scripts, usable on a tablet. Officers answer their office's feedback, heads manage their
//! officers, provincial citizens' offices handle escalations, analysts read statistics, and
//! administrators manage accounts, offices, deadlines and read the audit log.
//!
//! Guarantees: every page but the login form needs a live session (HttpOnly, SameSite=Strict
//! cookie; the server keeps only the token's SHA-256); every POST carries the session's CSRF
//! token or is refused with 403; a role reaches only its own pages (403 otherwise); a case
//! outside the account's scope answers 404, the same as a missing one.

mod admin;
pub mod auth;
mod cases;
pub mod html;
pub mod i18n;
mod offices;
mod stats;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

use crate::store::console::{Role, Scope, Session};
use crate::store::StoreError;
use crate::AppState;
use html::esc;
use i18n::{Lang, Tr};

pub use auth::{create_admin, hash_password};

pub const SESSION_COOKIE: &str = "ov_session";
pub const LOGIN_COOKIE: &str = "ov_login";
pub const LANG_COOKIE: &str = "ov_lang";

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/console", get(home))
        .route("/console/", get(home))
        .route("/console/lang/{code}", get(language))
        .route("/console/login", get(auth::login_form).post(auth::login))
        .route("/console/logout", post(auth::logout))
        .route("/console/inbox", get(cases::inbox))
        .route("/console/export.csv", get(cases::export))
        .route("/console/items/{number}", get(cases::item))
        .route("/console/items/{number}/reply", post(cases::reply))
        .route("/console/items/{number}/state", post(cases::change_state))
        .route("/console/items/{number}/transfer", post(cases::transfer))
        .route("/console/items/{number}/escalate", post(cases::escalate))
        .route(
            "/console/accounts",
            get(admin::accounts).post(admin::create_account),
        )
        .route("/console/accounts/{id}/disable", post(admin::disable))
        .route("/console/accounts/{id}/enable", post(admin::enable))
        .route("/console/audit", get(admin::audit))
        .route(
            "/console/deadlines",
            get(admin::deadlines).post(admin::save_deadlines),
        )
        .route("/console/offices", get(offices::list))
        .route(
            "/console/offices/{code}",
            get(offices::show).post(offices::save),
        )
        .route("/console/holidays", post(admin::add_holiday))
        .route("/console/holidays/remove", post(admin::remove_holiday))
        .route(
            "/console/api-keys",
            get(admin::api_keys).post(admin::create_api_key),
        )
        .route("/console/api-keys/revoke", post(admin::revoke_api_key))
        .route("/console/dashboard", get(stats::dashboard))
        .route("/console/dashboard.csv", get(stats::csv))
        .layer(axum::middleware::map_response(security_headers))
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Why a console request failed: shown as a small page; details are logged, never shown.
#[derive(Debug)]
pub enum ConsoleError {
    /// Not signed in (or the session ended): go to the login form.
    SignIn,
    /// Signed in, but this role may not do this.
    Forbidden,
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// No such item within the account's scope (or none at all).
    NotFound,
    /// The form asks for something impossible; the message says what (already translated).
    Bad(String),
    Store(StoreError),
}

impl From<StoreError> for ConsoleError {
    fn from(error: StoreError) -> ConsoleError {
        ConsoleError::Store(error)
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        // The language is not known here; errors carry both.
        let (status, km, en) = match self {
            ConsoleError::SignIn => return Redirect::to("/console/login").into_response(),
            ConsoleError::Forbidden => (
                StatusCode::FORBIDDEN,
                "អ្នកមិនមានសិទ្ធិមើលទំព័រនេះទេ។".to_string(),
                "You may not open this page.".to_string(),
            ),
            ConsoleError::Csrf => (
                StatusCode::FORBIDDEN,
                "ទម្រង់នេះហួសសុពលភាព។ សូមបើកទំព័រម្តងទៀត។".to_string(),
                "This form has expired. Open the page again and resend.".to_string(),
            ),
            ConsoleError::NotFound => (
                StatusCode::NOT_FOUND,
                "រកមិនឃើញ។".to_string(),
                "Not found.".to_string(),
            ),
            // Already in the request's language.
            ConsoleError::Bad(message) => (StatusCode::BAD_REQUEST, message, String::new()),
            ConsoleError::Store(error) => {
                tracing::error!(%error, "console storage failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ម៉ាស៊ីនមេមិនអាចអានទិន្នន័យបានទេ។ សូមព្យាយាមម្តងទៀត។".to_string(),
                    "The server cannot read its data right now. Try again in a moment.".to_string(),
                )
            }
        };
        let body = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title></head>\
             <body style=\"font-family:sans-serif;padding:1rem\"><p>{}</p>{}<p><a href=\"/console\">←</a></p></body></html>",
            status.as_u16(),
            esc(&km),
            if en.is_empty() { String::new() } else { format!("<p>{}</p>", esc(&en)) }
        );
        (status, Html(body)).into_response()
    }
}

pub type ConsoleResult = Result<Response, ConsoleError>;

/// The value of one cookie.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh random token (256 bits, hex).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// Compares secrets without stopping at the first difference.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The language of this request: the `ov_lang` cookie, Khmer by default.
pub struct Language(pub Tr);

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Language, Self::Rejection> {
        let lang = cookie(&parts.headers, LANG_COOKIE)
            .and_then(Lang::from_code)
            .unwrap_or(Lang::Km);
        Ok(Language(Tr { lang }))
    }
}

/// A signed-in account; requests without a live session are sent to the login form.
pub struct Signed {
    pub session: Session,
    pub token_digest: String,
    pub tr: Tr,
}

impl FromRequestParts<Arc<AppState>> for Signed {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Signed, ConsoleError> {
        let Language(tr) = Language::from_request_parts(parts, state)
            .await
            .unwrap_or(Language(Tr { lang: Lang::Km }));
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(ConsoleError::SignIn)?;
        let token_digest = digest(token);
        let now = state.store.clock().now();
        let lookup = token_digest.clone();
        let session = state
            .store
            .read(move |sql| crate::store::console::session(sql, &lookup, now))
            .await?
            .ok_or(ConsoleError::SignIn)?;
        Ok(Signed {
            session,
            token_digest,
            tr,
        })
    }
}

impl Signed {
    pub fn require(&self, roles: &[Role]) -> Result<(), ConsoleError> {
        if roles.contains(&self.session.account.role) {
            Ok(())
        } else {
            Err(ConsoleError::Forbidden)
        }
    }

    /// Checks the form's CSRF token against the session's.
    pub fn check_csrf(&self, form: &HashMap<String, String>) -> Result<(), ConsoleError> {
        match form.get("csrf") {
            Some(token) if same(token, &self.session.csrf) => Ok(()),
            _ => Err(ConsoleError::Csrf),
        }
    }

    /// The cases this account may handle (officers, heads, citizens' offices).
    pub fn scope(&self) -> Result<Scope, ConsoleError> {
        let account = &self.session.account;
        let office = account.office.clone().ok_or(ConsoleError::Forbidden)?;
        match account.role {
            Role::Officer | Role::Head => Ok(Scope::Office(office)),
            Role::CitizensOffice => {
                let province = office
                    .strip_prefix("PCO-")
                    .ok_or(ConsoleError::Forbidden)?
                    .to_string();
                Ok(Scope::Province { office, province })
            }
            Role::Analyst | Role::Admin => Err(ConsoleError::Forbidden),
        }
    }

    pub fn page(&self, title: &str, body: &str) -> Response {
        Html(html::page(&self.tr, title, Some(&self.session), body)).into_response()
    }
}

async fn home(signed: Signed) -> Response {
    let to = match signed.session.account.role {
        Role::Officer | Role::Head | Role::CitizensOffice => "/console/inbox",
        Role::Analyst => "/console/dashboard",
        Role::Admin => "/console/accounts",
    };
    Redirect::to(to).into_response()
}

async fn language(State(_): State<Arc<AppState>>, Path(code): Path<String>) -> Response {
    let lang = Lang::from_code(&code).unwrap_or(Lang::Km);
    (
        [(
            header::SET_COOKIE,
            format!(
                "{LANG_COOKIE}={}; Path=/console; Max-Age=31536000; SameSite=Lax",
                lang.code()
            ),
        )],
        Redirect::to("/console"),
    )
        .into_response()
}
