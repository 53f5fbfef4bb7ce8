//! The public pages under `/open`: how offices answer, for everyone, with no sign-in and no
//! scripts, in Khmer (by default) and English (`?lang=en`). `/open` is the country's page,
//! leading to each province's (`/open/provinces/{code}`), which leads to each office's
//! (`/open/offices/{code}`); every page is made on the server from the stored scorecards (see
//! [`crate::scorecards`]), with SVG charts, and prints on one A4 page.
//!
//! Guarantees: a page shows only published figures (see [`pages`]), a hidden figure only as
//! words (see [`words`]); the pages run no script and load nothing from elsewhere (the content
//! security policy allows only the page's own style sheet, by its hash, and images of the
//! server); each answer carries an ETag made of the stored scorecards' ETags, the language and
//! the pages' own version, with `Cache-Control: public, max-age=3600` (304 on
//! `If-None-Match`); a page is made at most once per stored day and language on this server
//! (then kept, see [`Pages`]), however many ask for it at once; a request never computes
//! figures. An unknown code is a 404 page and a malformed one (or a language other than `km`
//! and `en`) a 400 page, in the reader's language; a storage failure a 503 page; never a 500.

pub mod charts;
pub mod frame;
pub mod pages;
pub mod words;

#[cfg(test)]
mod tests;

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use ourvoice_directory::{Directory, UnitLevel};
use ourvoice_protocol::scorecards::{Scorecard, Subject};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use crate::i18n::{Lang, Tr};
use crate::made_once::{Compressed, MadeOnce, Slot};
use crate::store::scorecards::{self as stored, StoredScorecard};
use crate::store::StoreError;
use crate::AppState;
use pages::Row;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(frame::HOME, get(national))
        .route("/open/", get(national))
        .route("/open/provinces/{code}", get(province))
        .route("/open/offices/{code}", get(office))
        .layer(axum::middleware::map_response(security_headers))
}

/// The longest query a page takes (`lang=en` is all it reads).
const MAX_QUERY_BYTES: usize = 256;
/// The longest code in a page's address (office codes are at most 11 characters).
const MAX_CODE_BYTES: usize = 16;
/// Pages kept made (each up to about 80 KB).
const PAGES_KEPT: usize = 256;
/// How long a browser or a cache on the way may keep a page.
const CACHE_CONTROL: &str = "public, max-age=3600";

/// The content security policy of every public page: nothing but its own style sheet and
/// images of this server.
static POLICY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "default-src 'none'; style-src {}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        *frame::STYLE_SOURCE
    )
});

/// What changes a page besides the figures: the words, the style sheet, this program's version
/// and the directory's (its ETags change with them).
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    for part in crate::i18n::KM.iter().chain(crate::i18n::EN.iter()) {
        hasher.update(part.as_bytes());
    }
    hasher.update(frame::STYLE.as_bytes());
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(Directory::embedded().version().as_bytes());
    hex::encode(hasher.finalize())
});

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A made page: its HTML (with the gzip copy) and ETag.
pub struct Made {
    pub html: Compressed,
    pub etag: String,
}

/// Which page: its address, language and the stored day it is made from.
type PageKey = (String, Lang, Option<NaiveDate>);

/// The pages this server made, by address, language and stored day: a request for a page of
/// the newest stored day is answered from here, and concurrent requests for a page not yet made
/// wait for one of them to make it (the least recently used dropped first past
/// [`PAGES_KEPT`]; pages of an older day are never asked for again and go first).
pub struct Pages {
    kept: MadeOnce<PageKey, Arc<Made>>,
}

impl Default for Pages {
    fn default() -> Pages {
        Pages {
            kept: MadeOnce::new(PAGES_KEPT),
        }
    }
}

impl Pages {
    /// The slot of a page, new if it has none.
    fn slot(&self, path: &str, lang: Lang, day: Option<NaiveDate>) -> Slot<Arc<Made>> {
        self.kept.slot((path.to_string(), lang, day))
    }
}

/// Why a page cannot be shown.
#[derive(Debug)]
enum Problem {
    /// The address is malformed (a code with odd characters or too long, a bad language).
    BadRequest,
    /// No office or province has this code.
    NotFound,
    /// The stored scorecards cannot be read.
    Store(StoreError),
}

impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Problem {
        Problem::Store(error)
    }
}

/// A problem as a small page in the reader's language (`path` for its language link).
fn problem(tr: &Tr, path: &str, problem: Problem) -> Response {
    let (status, title, text) = match problem {
        Problem::BadRequest => (
            StatusCode::BAD_REQUEST,
            "open-bad-request-title",
            "open-bad-request",
        ),
        Problem::NotFound => (
            StatusCode::NOT_FOUND,
            "open-not-found-title",
            "open-not-found",
        ),
        Problem::Store(error) => {
            tracing::error!(%error, "the public pages cannot read the scorecards");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "open-unavailable-title",
                "open-unavailable",
            )
        }
    };
    let html = pages::problem(tr, path, title, text);
    let mut response = (status, html_headers(tr), html).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response
}

fn html_headers(tr: &Tr) -> [(header::HeaderName, &'static str); 2] {
    [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CONTENT_LANGUAGE, tr.lang.code()),
    ]
}

/// The reader's language, from `?lang=km` or `?lang=en` (Khmer without it); any other
/// language, or an overlong query, is refused with a 400 page (in Khmer).
pub struct Reader(pub Tr);

impl<S: Send + Sync> FromRequestParts<S> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Reader, Response> {
        let khmer = Tr { lang: Lang::Km };
        let refuse = || problem(&khmer, frame::HOME, Problem::BadRequest);
        let query = parts.uri.query().unwrap_or("");
        if query.len() > MAX_QUERY_BYTES {
            return Err(refuse());
        }
        let mut lang = Lang::Km;
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if key == "lang" {
                lang = match &*value {
                    "km" => Lang::Km,
                    "en" => Lang::En,
                    _ => return Err(refuse()),
                };
            }
        }
        Ok(Reader(Tr { lang }))
    }
}

/// A made page as the answer: 304 when the reader has it, else the page; with its ETag and
/// how long it may be kept.
fn answer(headers: &HeaderMap, tr: &Tr, made: &Made) -> Response {
    let caching = [
        (header::ETAG, made.etag.clone()),
        (header::CACHE_CONTROL, CACHE_CONTROL.to_string()),
    ];
    if crate::etags::reader_has(headers, &made.etag) {
        return (StatusCode::NOT_MODIFIED, caching).into_response();
    }
    (caching, html_headers(tr), made.html.response(headers)).into_response()
}

/// The ETag of a page in `lang` made from scorecards with these ETags (none: not stored).
fn etag_of<'a>(lang: Lang, etags: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(VERSION.as_bytes());
    hasher.update(lang.code().as_bytes());
    for etag in etags {
        hasher.update(b"|");
        hasher.update(etag.unwrap_or("-").as_bytes());
    }
    format!("\"{}\"", &hex::encode(hasher.finalize())[..32])
}

/// A code from the address: well formed (letters, digits and dashes, not too long), or a 400.
fn code_of(path: Result<Path<String>, PathRejection>) -> Result<String, Problem> {
    let Path(code) = path.map_err(|_| Problem::BadRequest)?;
    let well_formed = !code.is_empty()
        && code.len() <= MAX_CODE_BYTES
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if well_formed {
        Ok(code)
    } else {
        Err(Problem::BadRequest)
    }
}

/// The page at `path` in the reader's language: kept, or made by `make` from the store (off
/// the async threads) and kept.
async fn page<F>(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    tr: Tr,
    path: &str,
    make: F,
) -> Result<Response, Problem>
where
    F: FnOnce(&mut dyn crate::store::Sql, Tr) -> Result<Made, StoreError> + Send + Clone + 'static,
{
    let day = state.store.read(stored::stored_day).await?;
    let slot = state.public_pages.slot(path, tr.lang, day);
    let made = slot
        .get_or_try_init(|| async {
            let made = state.store.read(move |sql| make.clone()(sql, tr)).await?;
            Ok::<_, StoreError>(Arc::new(made))
        })
        .await?;
    Ok(answer(headers, &tr, made))
}

async fn national(
    State(state): State<Arc<AppState>>,
    Reader(tr): Reader,
    headers: HeaderMap,
) -> Response {
    let path = frame::national_path();
    let directory = state.directory;
    let made = page(&state, &headers, tr, &path, move |sql, tr| {
        let card = stored::read(sql, &Subject::National)?;
        let provinces: HashMap<String, StoredScorecard> = stored::provinces(sql)?
            .into_iter()
            .filter_map(|stored| match &stored.scorecard.subject {
                Subject::Province { code } => Some((code.clone(), stored)),
                _ => None,
            })
            .collect();
        Ok(national_page(directory, tr, card.as_ref(), &provinces))
    })
    .await;
    made.unwrap_or_else(|error| problem(&tr, &path, error))
}

fn national_page(
    directory: &Directory,
    tr: Tr,
    card: Option<&StoredScorecard>,
    provinces: &HashMap<String, StoredScorecard>,
) -> Made {
    let rows: Vec<Row> = directory
        .provinces()
        .iter()
        .map(|province| Row {
            label: province.display_name(tr.lang),
            path: frame::province_path(&province.code),
            figures: provinces
                .get(&province.code)
                .map(|stored| &stored.scorecard.figures),
        })
        .collect();
    let page = pages::national(
        &tr,
        card.map(|stored| &stored.scorecard),
        &rows,
        &frame::downloads(&Subject::National),
    );
    let etags = std::iter::once(card.map(|c| c.etag.as_str())).chain(
        directory
            .provinces()
            .iter()
            .map(|p| provinces.get(&p.code).map(|c| c.etag.as_str())),
    );
    Made {
        html: Compressed::new(page.html),
        etag: etag_of(tr.lang, etags),
    }
}

async fn province(
    State(state): State<Arc<AppState>>,
    Reader(tr): Reader,
    headers: HeaderMap,
    code: Result<Path<String>, PathRejection>,
) -> Response {
    let code = match code_of(code) {
        Ok(code) => code,
        Err(error) => return problem(&tr, frame::HOME, error),
    };
    let path = frame::province_path(&code);
    let directory = state.directory;
    let known = directory
        .unit(&code)
        .is_some_and(|unit| unit.level == UnitLevel::Province);
    if !known {
        return problem(&tr, &path, Problem::NotFound);
    }
    let made = page(&state, &headers, tr, &path, move |sql, tr| {
        let subject = Subject::Province { code: code.clone() };
        let card = stored::read(sql, &subject)?;
        let offices: HashMap<String, StoredScorecard> = stored::offices_in_province(sql, &code)?
            .into_iter()
            .filter_map(|stored| match &stored.scorecard.subject {
                Subject::Office { code } => Some((code.clone(), stored)),
                _ => None,
            })
            .collect();
        Ok(province_page(directory, tr, &code, card.as_ref(), &offices))
    })
    .await;
    made.unwrap_or_else(|error| problem(&tr, &path, error))
}

fn province_page(
    directory: &Directory,
    tr: Tr,
    code: &str,
    card: Option<&StoredScorecard>,
    offices: &HashMap<String, StoredScorecard>,
) -> Made {
    let province = directory.unit(code).expect("a known province");
    let groups = pages::province_groups(&tr, directory, province);
    let rows: Vec<(String, Vec<Row>)> = groups
        .iter()
        .map(|(heading, listed)| {
            let rows = listed
                .iter()
                .map(|(office, label)| Row {
                    label: label.clone(),
                    path: frame::office_path(&office.code),
                    figures: offices
                        .get(&office.code)
                        .map(|stored| &stored.scorecard.figures),
                })
                .collect();
            (heading.clone(), rows)
        })
        .collect();
    let subject = Subject::Province {
        code: code.to_string(),
    };
    let page = pages::province(
        &tr,
        province,
        card.map(|stored| &stored.scorecard),
        &rows,
        &frame::downloads(&subject),
    );
    let etags = std::iter::once(card.map(|c| c.etag.as_str())).chain(
        groups
            .iter()
            .flat_map(|(_, listed)| listed.iter())
            .map(|(office, _)| offices.get(&office.code).map(|c| c.etag.as_str())),
    );
    Made {
        html: Compressed::new(page.html),
        etag: etag_of(tr.lang, etags),
    }
}

async fn office(
    State(state): State<Arc<AppState>>,
    Reader(tr): Reader,
    headers: HeaderMap,
    code: Result<Path<String>, PathRejection>,
) -> Response {
    let code = match code_of(code) {
        Ok(code) => code,
        Err(error) => return problem(&tr, frame::HOME, error),
    };
    let path = frame::office_path(&code);
    let directory = state.directory;
    if directory.office(&code).is_none() {
        return problem(&tr, &path, Problem::NotFound);
    }
    let made = page(&state, &headers, tr, &path, move |sql, tr| {
        let subject = Subject::Office { code: code.clone() };
        let card = stored::read(sql, &subject)?;
        Ok(office_page(directory, tr, &code, card.as_ref()))
    })
    .await;
    made.unwrap_or_else(|error| problem(&tr, &path, error))
}

fn office_page(directory: &Directory, tr: Tr, code: &str, card: Option<&StoredScorecard>) -> Made {
    let office = directory.office(code).expect("a known office");
    let subject = Subject::Office {
        code: code.to_string(),
    };
    let scorecard: Option<&Scorecard> = card.map(|stored| &stored.scorecard);
    let page = pages::office(
        &tr,
        directory,
        office,
        scorecard,
        &frame::downloads(&subject),
    );
    Made {
        html: Compressed::new(page.html),
        etag: etag_of(tr.lang, [card.map(|c| c.etag.as_str())]),
    }
}
