//! A browser without scripts for the console's tests: keeps cookies, posts forms with the
//! page's CSRF token, follows no redirect by itself (so tests see each 303 and where it goes),
//! and signs in as officials do: setting a password with an enrolment link, enrolling a second
//! factor when the account needs one and giving its codes (computed here at the server's time).

use chrono::{DateTime, Duration, Utc};
use ourvoice_server::console::totp;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// Per server (base URL): its clock file, and per username the TOTP secret and last step used.
static CLOCKS: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());
static SECRETS: Mutex<BTreeMap<(String, String), (String, i64)>> = Mutex::new(BTreeMap::new());

/// Says that the server at `base` reads its time from `clock`.
pub fn use_clock(base: &str, clock: PathBuf) {
    CLOCKS.lock().unwrap().insert(base.to_string(), clock);
}

/// The server's time now (its clock file, or the system clock).
pub fn server_now(base: &str) -> DateTime<Utc> {
    match CLOCKS.lock().unwrap().get(base) {
        Some(path) => DateTime::parse_from_rfc3339(std::fs::read_to_string(path).unwrap().trim())
            .unwrap()
            .with_timezone(&Utc),
        None => Utc::now(),
    }
}

/// Moves the server's clock file forward (or waits, on the system clock).
pub fn advance_server_clock(base: &str, by: Duration) {
    let path = CLOCKS.lock().unwrap().get(base).cloned();
    match path {
        Some(path) => {
            let now = server_now(base) + by;
            std::fs::write(path, now.to_rfc3339()).unwrap();
        }
        None => std::thread::sleep(by.to_std().unwrap()),
    }
}

/// Whose accounts these are: the server's clock file (kept when a test restarts the server on
/// the same database), or its base URL.
fn realm(base: &str, username: &str) -> (String, String) {
    let realm = CLOCKS
        .lock()
        .unwrap()
        .get(base)
        .map_or(base.to_string(), |path| path.display().to_string());
    (realm, username.to_string())
}

/// The TOTP secret the tests enrolled for `username` on the server at `base`.
pub fn totp_secret(base: &str, username: &str) -> Option<String> {
    SECRETS
        .lock()
        .unwrap()
        .get(&realm(base, username))
        .map(|(secret, _)| secret.clone())
}

/// Forgets the second factor of `username` (after a reset).
pub fn forget_totp(base: &str, username: &str) {
    SECRETS.lock().unwrap().remove(&realm(base, username));
}

/// A code of `secret` for a step not used before by `username` (the server's clock moves on
/// by a step when the window around now is used up); notes the step as used.
pub fn next_code(base: &str, username: &str, secret: &str) -> String {
    let key = realm(base, username);
    loop {
        let current = totp::step_of(server_now(base));
        let last = SECRETS.lock().unwrap().get(&key).map(|(_, last)| *last);
        let step = last.map_or(current, |last| (last + 1).max(current - 1));
        if step > current + 1 {
            advance_server_clock(base, Duration::seconds(totp::STEP_SECONDS));
            continue;
        }
        SECRETS
            .lock()
            .unwrap()
            .insert(key, (secret.to_string(), step));
        return totp::code_for_step(secret, step).unwrap();
    }
}

/// The text of the element with this id (its first text node, tags removed).
pub fn element_text(body: &str, id: &str) -> Option<String> {
    let start = body.find(&format!("id=\"{id}\""))?;
    let rest = &body[start..];
    let open = rest.find('>')? + 1;
    let close = rest[open..].find('<')?;
    Some(rest[open..open + close].to_string())
}

/// Every `/console/enrol/<token>` path in a page (a new or reset account's link).
pub fn enrolment_path(body: &str) -> Option<String> {
    let start = body.find("/console/enrol/")?;
    let token: String = body[start + 15..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    (token.len() == 64).then(|| format!("/console/enrol/{token}"))
}

/// A browser without scripts: keeps cookies, follows nothing by itself.
#[derive(Clone)]
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub cookies: BTreeMap<String, String>,
    /// Sent as `X-Forwarded-For`, as a reverse proxy would.
    pub forwarded_for: Option<String>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub fn csrf(&self) -> String {
        let start = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF token")
            + 19;
        self.body[start..start + 64].to_string()
    }
}

impl Browser {
    /// A browser for the server at `base` (`http://127.0.0.1:port`), with no cookies yet.
    pub fn new(base: &str) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: base.to_string(),
            cookies: BTreeMap::new(),
            forwarded_for: None,
        }
    }

    /// A browser signed in as `username` (the login must succeed), past the second factor:
    /// enrolled on the first sign-in of an account that needs one, its code given after.
    pub async fn signed_in(base: &str, username: &str, password: &str) -> Browser {
        let mut browser = Browser::new(base);
        let page = browser.login(username, password).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{username} signs in: {}",
            page.body
        );
        match page.location.as_deref() {
            Some("/console/2fa") => {
                browser.enrol_second_factor(username).await;
            }
            Some("/console/login/code") => {
                let page = browser.give_code(username).await;
                assert_eq!(page.location.as_deref(), Some("/console"), "{}", page.body);
            }
            _ => {}
        }
        browser
    }

    /// Enrols a second factor from the enrolment page: the recovery codes shown.
    pub async fn enrol_second_factor(&mut self, username: &str) -> Vec<String> {
        let page = self.get("/console/2fa").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("<svg"), "a QR code");
        let secret: String = element_text(&page.body, "totp-secret")
            .expect("the secret as text")
            .split_whitespace()
            .collect();
        let code = next_code(&self.base, username, &secret);
        let page = self
            .post("/console/2fa", &[("code", &code), ("csrf", &page.csrf())])
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let codes: Vec<String> = page
            .body
            .split("<li><code>")
            .skip(1)
            .map(|rest| rest.split('<').next().unwrap().to_string())
            .collect();
        assert_eq!(codes.len(), 10, "{}", page.body);
        codes
    }

    /// Gives the TOTP code of `username` on the code page (the password was right).
    pub async fn give_code(&mut self, username: &str) -> Page {
        let secret = totp_secret(&self.base, username).expect("a second factor enrolled");
        let code = next_code(&self.base, username, &secret);
        self.submit(
            "/console/login/code",
            "/console/login/code",
            &[("code", &code)],
        )
        .await
    }

    /// Creates an account on the accounts page, then sets its password with the enrolment link
    /// shown (as its owner would, in a browser of their own); the creation's answer.
    pub async fn create_account(
        &mut self,
        username: &str,
        role: &str,
        office: &str,
        password: &str,
    ) -> Page {
        let page = self
            .submit(
                "/console/accounts",
                "/console/accounts",
                &[
                    ("username", username),
                    ("display_name", &format!("Name of {username}")),
                    ("role", role),
                    ("office", office),
                ],
            )
            .await;
        if page.status != StatusCode::OK {
            return page;
        }
        let link = enrolment_path(&page.body).expect("an enrolment link");
        let enrolled = Browser::new(&self.base).enrol(&link, password).await;
        assert_eq!(
            enrolled.location.as_deref(),
            Some("/console/login"),
            "{username} sets a password: {}",
            enrolled.body
        );
        page
    }

    /// Sets the password with an enrolment link (`/console/enrol/<token>`).
    pub async fn enrol(&mut self, link: &str, password: &str) -> Page {
        let page = self.get(link).await;
        if page.status != StatusCode::OK {
            return page;
        }
        let token = link.rsplit('/').next().unwrap().to_string();
        self.post(
            "/console/enrol",
            &[
                ("token", &token),
                ("password", password),
                ("confirm", password),
                ("csrf", &page.csrf()),
            ],
        )
        .await
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn proxy_headers(&self) -> reqwest::header::HeaderMap {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(address) = &self.forwarded_for {
            headers.insert("x-forwarded-for", address.parse().unwrap());
        }
        headers
    }

    pub async fn finish(&mut self, response: reqwest::Response) -> Page {
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.into(), value.into());
            }
        }
        Page {
            status: response.status(),
            location: response
                .headers()
                .get(LOCATION)
                .map(|v| v.to_str().unwrap().to_string()),
            body: response.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .headers(self.proxy_headers())
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .headers(self.proxy_headers())
            .form(form)
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    /// Posts a form with the CSRF token of the page at `from`.
    pub async fn submit(&mut self, from: &str, path: &str, form: &[(&str, &str)]) -> Page {
        let token = self.get(from).await.csrf();
        let mut fields = form.to_vec();
        fields.push(("csrf", &token));
        self.post(path, &fields).await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/console/login").await;
        let token = form.csrf();
        self.post(
            "/console/login",
            &[
                ("username", username),
                ("password", password),
                ("csrf", &token),
            ],
        )
        .await
    }
}
