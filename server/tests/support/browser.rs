//! A browser without scripts for the console's tests: keeps cookies, posts forms with the
//! page's CSRF token, follows no redirect by itself (so tests see each 303 and where it goes).

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use std::collections::BTreeMap;

/// A browser without scripts: keeps cookies, follows nothing by itself.
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

    /// A browser signed in as `username` (the login must succeed).
    pub async fn signed_in(base: &str, username: &str, password: &str) -> Browser {
        let mut browser = Browser::new(base);
        let page = browser.login(username, password).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{username} signs in: {}",
            page.body
        );
        browser
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
