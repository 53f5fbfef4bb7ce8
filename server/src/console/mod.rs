//! The officials' web console under `/console`: server-rendered HTML in Khmer and English, no
//! scripts, usable on a tablet. Officers answer their office's feedback, heads manage their
//! officers, provincial citizens' offices handle escalations, analysts read statistics, and
//! administrators manage accounts, offices, deadlines and read the audit log.
//!
//! Guarantees: every page but the login form and the enrolment link needs a live session
//! (HttpOnly, SameSite=Strict cookie, `__Host-` prefixed when Secure; the server keeps only the
//! token's SHA-256; it ends after its lifetime or when idle) that has passed the second factor
//! where one is needed (until then only the code or enrolment page opens); every POST carries
//! the session's CSRF token or is refused with 403; a role reaches only its own pages (403
//! otherwise); a case outside the account's scope answers 404, the same as a missing one.
//!
//! These checks are in the types a handler takes, not in calls it could forget: the session
//! extractors ([`Signed`], [`Partial`]) load and check the session, [`Only`] (as [`Handler`],
//! [`Manager`], [`Admin`], [`Analyst`]) refuses other roles, [`CsrfForm`] (and
//! [`SignedOutForm`] before signing in) checks the CSRF token and types the form; pages are
//! `maud` templates that escape what they show (see [`html`]).

mod account;
mod admin;
mod attachments;
pub mod auth;
mod cases;
pub mod html;
mod offices;
mod pickers;
mod stats;
pub mod throttle;
pub mod totp;

/// The server's Fluent words, shared with the public pages.
pub use crate::i18n;

use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use crate::made_once::{accepts_gzip, gzip_around, DrawnPart, MadeOnce};
use crate::store::StoreError;
use crate::store::{
    accounts::Role,
    inbox::Scope,
    sessions::{Session, Stage},
};
use crate::AppState;
use html::Shown;
use i18n::{Lang, Tr};
use maud::{html, Markup, PreEscaped};

pub use crate::secrets::{digest, random_token, same};
pub use auth::{create_admin, hash_password};
pub use cases::DrawnInboxes;

pub const SESSION_COOKIE: &str = "ov_session";
pub const LOGIN_COOKIE: &str = "ov_login";
pub const LANG_COOKIE: &str = "ov_lang";

/// A console cookie's name and path: `__Host-<name>` on `/` when cookies are Secure (so no
/// other host or path can set it), `<name>` on `/console` otherwise (plain-HTTP development).
pub fn cookie_name(state: &AppState, name: &str) -> (String, &'static str) {
    if state.cookie_secure {
        (format!("__Host-{name}"), "/")
    } else {
        (name.to_string(), "/console")
    }
}

/// The `Set-Cookie` value of a console cookie (HttpOnly, SameSite=Strict; Secure when so
/// configured); `max_age` in seconds, `Some(0)` deletes it.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> String {
    let (name, path) = cookie_name(state, name);
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    let secure = if state.cookie_secure { "; Secure" } else { "" };
    format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict{age}{secure}")
}

/// The value of one of the console's own cookies, under the name this server gives it.
pub fn own_cookie<'h>(state: &AppState, headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    cookie(headers, &cookie_name(state, name).0)
}

pub fn router(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/console", get(home))
        .route("/console/", get(home))
        .route("/console/lang/{code}", get(language))
        .route("/console/login", get(auth::login_form).post(auth::login))
        .route("/console/login/code", get(auth::code_form).post(auth::code))
        .route("/console/logout", post(auth::logout))
        .route("/console/enrol/{token}", get(account::enrol_form))
        .route("/console/enrol", post(account::enrol))
        .route(
            "/console/password",
            get(account::password_form).post(account::change_password),
        )
        .route(
            "/console/2fa",
            get(account::second_factor).post(account::enrol_second_factor),
        )
        .route("/console/inbox", get(cases::inbox))
        .route("/console/export.csv", get(cases::export))
        .route("/console/items/{number}", get(cases::item))
        .route(
            "/console/items/{number}/attachments/{id}",
            get(attachments::whole),
        )
        .route(
            "/console/items/{number}/attachments/{id}/thumbnail",
            get(attachments::thumbnail),
        )
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
        .route("/console/accounts/{id}/reset", post(admin::reset))
        .route("/console/accounts/policy", post(admin::set_policy))
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
        .layer(axum::middleware::map_response_with_state(
            Arc::clone(state),
            security_headers,
        ))
}

async fn security_headers(State(state): State<Arc<AppState>>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    if state.cookie_secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Never stored by a cache; a page may say more (an attachment: `private, no-store`).
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Why a console request failed: shown as a small page; details are logged, never shown.
#[derive(Debug)]
pub enum ConsoleError {
    /// Not signed in (or the session ended): go to the login form.
    SignIn,
    /// Signed in with a password only: go to this page (the code, or enrolling a second factor).
    SecondFactor(&'static str),
    /// Too many failed attempts: try again after this many seconds.
    Wait(i64),
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
            ConsoleError::SecondFactor(to) => return Redirect::to(to).into_response(),
            ConsoleError::Wait(seconds) => {
                let mut response = ConsoleError::Bad(format!(
                    "ព្យាយាមខុសច្រើនដងពេក។ សូមរង់ចាំ {seconds} វិនាទី។ Too many failed attempts: wait {seconds} seconds."
                ))
                .into_response();
                *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from_str(&seconds.to_string())
                        .unwrap_or(HeaderValue::from_static("1")),
                );
                return response;
            }
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
        let body = html! {
            (PreEscaped("<!doctype html>"))
            html {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (status.as_u16()) }
                }
                body style="font-family:sans-serif;padding:1rem" {
                    p { (Shown(&km)) }
                    @if !en.is_empty() {
                        p { (Shown(&en)) }
                    }
                    p { a href="/console" { "←" } }
                }
            }
        };
        (status, Html(body.into_string())).into_response()
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

/// A signed-in account that has passed the second factor where one is needed; requests
/// without a live session are sent to the login form, those still owing the second factor to
/// its page.
pub struct Signed {
    pub session: Session,
    pub token_digest: String,
    pub tr: Tr,
}

/// Sessions whose last use is being written or was written, per session and last use as
/// read (only claimed, nothing is made under them): many requests of one session at once
/// write it once. At most [`SESSION_TOUCHES_KEPT`].
pub type SessionTouches = MadeOnce<(String, Option<chrono::DateTime<chrono::Utc>>), ()>;

/// The most sessions whose last write is remembered (more are written again, harmlessly).
pub const SESSION_TOUCHES_KEPT: usize = 4096;

/// A live session at any stage (password only, or fully signed in): for the second-factor
/// pages and signing out.
pub struct Partial(pub Signed);

impl FromRequestParts<Arc<AppState>> for Partial {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Partial, ConsoleError> {
        let Language(tr) = Language::from_request_parts(parts, state)
            .await
            .unwrap_or(Language(Tr { lang: Lang::Km }));
        let token =
            own_cookie(state, &parts.headers, SESSION_COOKIE).ok_or(ConsoleError::SignIn)?;
        let token_digest = digest(token);
        let now = state.store.clock().now();
        let idle_since = state.idle_since(now);
        let lookup = token_digest.clone();
        let session = state
            .store
            .read(move |sql| crate::store::sessions::session(sql, &lookup, now, idle_since))
            .await?
            .ok_or(ConsoleError::SignIn)?;
        // The last use is written at most once a minute, by one of the requests that read
        // the same last use (the others go on without waiting for it).
        if session
            .last_seen
            .is_none_or(|seen| now - seen >= chrono::Duration::minutes(1))
        {
            let key = (token_digest.clone(), session.last_seen);
            let (_, first) = state.session_touches.claim(key.clone());
            if first {
                let touch = token_digest.clone();
                let written = state
                    .store
                    .write(move |sql| crate::store::sessions::touch_session(sql, &touch, now))
                    .await;
                if let Err(error) = written {
                    // The next request tries again.
                    state.session_touches.forget(&key);
                    return Err(error.into());
                }
            }
        }
        parts.extensions.insert(SessionCsrf(session.csrf.clone()));
        Ok(Partial(Signed {
            session,
            token_digest,
            tr,
        }))
    }
}

impl FromRequestParts<Arc<AppState>> for Signed {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Signed, ConsoleError> {
        let Partial(signed) = Partial::from_request_parts(parts, state).await?;
        let session = &signed.session;
        match session.stage {
            Stage::Code => Err(ConsoleError::SecondFactor("/console/login/code")),
            Stage::Enrol => Err(ConsoleError::SecondFactor("/console/2fa")),
            Stage::Full if session.needs_2fa() && !session.has_totp => {
                Err(ConsoleError::SecondFactor("/console/2fa"))
            }
            Stage::Full => Ok(signed),
        }
    }
}

impl Signed {
    fn require(&self, roles: &[Role]) -> Result<(), ConsoleError> {
        if roles.contains(&self.session.account.role) {
            Ok(())
        } else {
            Err(ConsoleError::Forbidden)
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
                Ok(Scope::province(
                    ourvoice_directory::Directory::embedded(),
                    office,
                    &province,
                ))
            }
            Role::Analyst | Role::Admin => Err(ConsoleError::Forbidden),
        }
    }

    pub fn page(&self, title: &str, body: Markup) -> Response {
        Html(html::page(&self.tr, title, Some(&self.session), body).into_string()).into_response()
    }

    /// The page titled `title` showing `lead` then `part` (drawn once for many readers), for
    /// a reader who sent `headers`: gzip-compressed when it takes gzip, with only the page
    /// made around the part compressed here; the same text plain otherwise.
    pub fn page_around(
        &self,
        headers: &HeaderMap,
        title: &str,
        lead: Markup,
        part: &DrawnPart,
    ) -> Response {
        let around = html::page(
            &self.tr,
            title,
            Some(&self.session),
            html! { (lead) (PreEscaped(PART_GOES_HERE)) },
        )
        .into_string();
        let (before, after) = around.split_once(PART_GOES_HERE).unwrap_or((&around, ""));
        let html_type = (header::CONTENT_TYPE, "text/html; charset=utf-8");
        let vary = (header::VARY, "accept-encoding");
        if accepts_gzip(headers.get(header::ACCEPT_ENCODING)) {
            let gzip = part
                .deflated
                .as_ref()
                .and_then(|deflated| gzip_around(before.as_bytes(), deflated, after.as_bytes()));
            if let Some(gzip) = gzip {
                let encoding = (header::CONTENT_ENCODING, "gzip");
                return ([html_type, vary, encoding], gzip).into_response();
            }
        }
        ([html_type, vary], [before, &part.text, after].concat()).into_response()
    }
}

/// Where a part drawn once goes in the page made around it ([`Signed::page_around`]): no text
/// a page shows holds it.
const PART_GOES_HERE: &str = "\u{0}part\u{0}";

/// A set of roles that may open a group of pages.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

/// Officers, heads and citizens' offices: the roles that handle cases.
pub struct Handlers;
/// Heads and administrators: the roles that manage accounts.
pub struct Managers;
/// Administrators only.
pub struct Admins;
/// Analysts and administrators: the roles that read statistics.
pub struct Readers;

impl RoleSet for Handlers {
    const ROLES: &'static [Role] = &[Role::Officer, Role::Head, Role::CitizensOffice];
}
impl RoleSet for Managers {
    const ROLES: &'static [Role] = &[Role::Head, Role::Admin];
}
impl RoleSet for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
}
impl RoleSet for Readers {
    const ROLES: &'static [Role] = &[Role::Analyst, Role::Admin];
}

/// A [`Signed`] account whose role is one of `R`'s; any other signed-in role is refused with
/// 403 before the handler runs, so a handler that takes one cannot forget the check.
pub struct Only<R: RoleSet>(Signed, PhantomData<R>);

/// An account that handles cases.
pub type Handler = Only<Handlers>;
/// An account that manages accounts (a head: its office's officers; an administrator: all).
pub type Manager = Only<Managers>;
/// An administrator.
pub type Admin = Only<Admins>;
/// An account that reads statistics.
pub type Analyst = Only<Readers>;

impl<R: RoleSet> Deref for Only<R> {
    type Target = Signed;

    fn deref(&self) -> &Signed {
        &self.0
    }
}

impl<R: RoleSet> FromRequestParts<Arc<AppState>> for Only<R> {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Only<R>, ConsoleError> {
        let signed = Signed::from_request_parts(parts, state).await?;
        signed.require(R::ROLES)?;
        Ok(Only(signed, PhantomData))
    }
}

/// The CSRF token of the session that [`Partial`] (and so every signed-in extractor) loaded,
/// left in the request for [`CsrfForm`].
#[derive(Clone)]
struct SessionCsrf(String);

/// A form's fields by name; a name given twice keeps its last value.
async fn form_fields(
    req: Request,
    state: &Arc<AppState>,
) -> Result<HashMap<String, String>, Response> {
    let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok(pairs.into_iter().collect())
}

/// The fields as the typed form `T`; every field of the console's forms is text, optional or
/// defaulting to empty, so that the handler's own checks give the clear message.
fn typed<T: DeserializeOwned>(fields: &HashMap<String, String>) -> Result<T, ConsoleError> {
    serde_urlencoded::to_string(fields)
        .ok()
        .and_then(|encoded| serde_urlencoded::from_str(&encoded).ok())
        .ok_or_else(|| ConsoleError::Bad("ទម្រង់នេះមិនត្រឹមត្រូវទេ។ This form is not valid.".to_string()))
}

/// A POST form of a signed-in page (any stage), typed as `T`, whose CSRF token (`csrf`) has
/// been checked against the session's: a missing or wrong token is refused with 403 before the
/// handler runs. Put it after the session extractor ([`Signed`], [`Only`], [`Partial`]); without
/// one every form is refused.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<CsrfForm<T>, Response> {
        let expected = req.extensions().get::<SessionCsrf>().cloned();
        let fields = form_fields(req, state).await?;
        match (expected, fields.get("csrf")) {
            (Some(SessionCsrf(expected)), Some(token)) if same(token, &expected) => {}
            _ => return Err(ConsoleError::Csrf.into_response()),
        }
        typed(&fields)
            .map(CsrfForm)
            .map_err(IntoResponse::into_response)
    }
}

/// A POST form of a signed-out page (signing in, enrolling), typed as `T`, whose CSRF token
/// matches the signed-out token cookie (`ov_login`); `token` is that token, for the page shown
/// again.
pub struct SignedOutForm<T> {
    pub token: String,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for SignedOutForm<T> {
    type Rejection = Response;

    async fn from_request(
        req: Request,
        state: &Arc<AppState>,
    ) -> Result<SignedOutForm<T>, Response> {
        let cookie_token = own_cookie(state, req.headers(), LOGIN_COOKIE)
            .unwrap_or("")
            .to_string();
        let fields = form_fields(req, state).await?;
        match fields.get("csrf") {
            Some(token) if !cookie_token.is_empty() && same(token, &cookie_token) => {}
            _ => return Err(ConsoleError::Csrf.into_response()),
        }
        let form = typed(&fields).map_err(IntoResponse::into_response)?;
        Ok(SignedOutForm {
            token: cookie_token,
            form,
        })
    }
}

/// The query string typed as `T` (a name given twice keeps its last value).
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Params<T>, ConsoleError> {
        let fields: HashMap<String, String> =
            form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        typed(&fields).map(Params)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default, Debug, PartialEq)]
    #[serde(default)]
    struct Fields {
        text: String,
        kind: Option<String>,
    }

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn forms_are_typed_like_the_maps_they_replace() {
        let parse = |pairs: &[(&str, &str)]| typed::<Fields>(&fields(pairs)).unwrap();
        assert_eq!(parse(&[]), Fields::default(), "missing fields: empty, none");
        assert_eq!(
            parse(&[("csrf", "x"), ("text", "a & b=c"), ("other", "y")]),
            Fields {
                text: "a & b=c".into(),
                kind: None
            },
            "unknown fields ignored, text kept as sent"
        );
        assert_eq!(
            parse(&[("text", "ខ្មែរ"), ("kind", "")]).kind.as_deref(),
            Some(""),
            "an empty field is given"
        );
        // A name given twice keeps its last value, as the map did.
        let pairs = [("text", "first"), ("text", "second")];
        assert_eq!(parse(&pairs).text, "second");
    }

    #[test]
    fn role_sets() {
        assert_eq!(Admins::ROLES, &[Role::Admin]);
        assert!(!Handlers::ROLES.contains(&Role::Analyst));
        assert!(!Handlers::ROLES.contains(&Role::Admin));
        assert!(!Readers::ROLES.contains(&Role::Officer));
        assert!(!Managers::ROLES.contains(&Role::Officer));
    }
}
