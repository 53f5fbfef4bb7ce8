//! Open data: the public scorecards as files anyone may download and reuse under the licence
//! (`ourvoice_protocol::scorecards::LICENCE`), JSON and CSV (UTF-8 with a BOM):
//!
//! - `GET /open/data/offices/{office}.json` and `.csv`: one office's scorecard;
//! - `GET /open/data/provinces/{province}.json` and `.csv`: every office of a province together;
//! - `GET /open/data/national.json` and `.csv`: every office of the country together;
//! - `GET /open/data/all-offices/{period}.json` and `.csv`: every office's figures over one
//!   period, `12-months` or a quarter of them (`2026-Q1`; the quarters are those of
//!   `national.json`).
//!
//! Guarantees: each answer is read from the stored set of the last whole day (one row, or this
//! server's copy), never computed from cases; each carries a strong ETag (304 on
//! `If-None-Match`), `Cache-Control: public, max-age=3600`, the licence (a field or column,
//! and a `Link` header) and `Access-Control-Allow-Origin: *`; a hidden figure is words, never
//! a number; bad paths are a 4xx with a JSON error naming the problem.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use ourvoice_protocol::scorecards::{Subject, TWELVE_MONTHS};
use ourvoice_protocol::ErrorCode;
use std::sync::Arc;

use crate::error::AppError;
use crate::scorecards::files::{bulk_name, CSV_TYPE, JSON_TYPE};
use crate::AppState;

/// Where the open data files are.
pub const PREFIX: &str = "/open/data";

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/open/data/{file}", get(national))
        .route("/open/data/offices/{file}", get(office))
        .route("/open/data/provinces/{file}", get(province))
        .route("/open/data/all-offices/{file}", get(all_offices))
        .layer(axum::middleware::map_response(open_to_all))
}

/// Every open data answer may be read by any web page.
async fn open_to_all(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// The two formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

/// The name and format of `file` (`CH-120101.csv`).
fn split(file: &str) -> Result<(&str, Format), AppError> {
    let unknown = || {
        AppError::bad(
            StatusCode::NOT_FOUND,
            "format_unknown",
            "open data files end in .json or .csv",
        )
    };
    let (name, extension) = file.rsplit_once('.').ok_or_else(unknown)?;
    let format = match extension {
        "json" => Format::Json,
        "csv" => Format::Csv,
        _ => return Err(unknown()),
    };
    Ok((name, format))
}

fn no_figures_yet() -> AppError {
    AppError::bad(
        StatusCode::NOT_FOUND,
        ErrorCode::NoFiguresYet.as_str(),
        "the public figures have not been made yet; they are made once a day",
    )
}

fn unknown_place(what: &str) -> AppError {
    AppError::bad(
        StatusCode::NOT_FOUND,
        ErrorCode::PlaceUnknown.as_str(),
        format!("there is no {what} with this code in the directory"),
    )
}

/// The stored scorecard of `subject` in `format`, named `stem` when downloaded.
async fn subject_file(
    state: &AppState,
    headers: &HeaderMap,
    subject: Subject,
    format: Format,
    stem: &str,
) -> Result<Response, AppError> {
    let found = state
        .scorecards
        .scorecard(&state.store, &subject)
        .await?
        .ok_or_else(no_figures_yet)?;
    Ok(match format {
        Format::Json => crate::scorecards::answer(headers, &found.json, JSON_TYPE, None),
        Format::Csv => crate::scorecards::answer(
            headers,
            &*found.csv()?,
            CSV_TYPE,
            Some(&format!("ourvoice-{stem}.csv")),
        ),
    })
}

async fn national(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (name, format) = split(&file)?;
    if name != "national" {
        return Err(AppError::bad(
            StatusCode::NOT_FOUND,
            "not_found",
            "the open data files are national.json, national.csv and those under offices/, provinces/ and all-offices/",
        ));
    }
    subject_file(&state, &headers, Subject::National, format, "national").await
}

async fn office(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (code, format) = split(&file)?;
    if state.directory.office(code).is_none() {
        return Err(unknown_place("office"));
    }
    let subject = Subject::Office { code: code.into() };
    subject_file(&state, &headers, subject, format, code).await
}

async fn province(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (code, format) = split(&file)?;
    let is_province = state
        .directory
        .provinces()
        .iter()
        .any(|unit| unit.code == code);
    if !is_province {
        return Err(unknown_place("province"));
    }
    let subject = Subject::Province { code: code.into() };
    subject_file(&state, &headers, subject, format, code).await
}

/// Whether `period` is written as a period can be: `12-months` or `YYYY-QN`.
fn is_period(period: &str) -> bool {
    if period == TWELVE_MONTHS {
        return true;
    }
    let Some((year, quarter)) = period.split_once("-Q") else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && matches!(quarter, "1" | "2" | "3" | "4")
}

async fn all_offices(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (period, format) = split(&file)?;
    if !is_period(period) {
        return Err(AppError::bad_field(
            StatusCode::BAD_REQUEST,
            "period_invalid",
            "a period is 12-months or a quarter written like 2026-Q1",
            "period",
        ));
    }
    let extension = match format {
        Format::Json => "json",
        Format::Csv => "csv",
    };
    let Some(found) = state
        .scorecards
        .file(&state.store, &bulk_name(period, extension))
        .await?
    else {
        let made = state
            .store
            .read(crate::store::scorecards::stored_day)
            .await?;
        return Err(match made {
            None => no_figures_yet(),
            Some(_) => AppError::bad_field(
                StatusCode::NOT_FOUND,
                "period_unknown",
                "only the last twelve months and their quarters are published (see national.json)",
                "period",
            ),
        });
    };
    let download = (format == Format::Csv).then(|| format!("ourvoice-offices-{period}.csv"));
    Ok(crate::scorecards::answer(
        &headers,
        &found.served,
        &found.media_type,
        download.as_deref(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_twelve_months_or_quarters() {
        for (text, ok) in [
            ("12-months", true),
            ("2026-Q1", true),
            ("2026-Q4", true),
            ("2026-Q5", false),
            ("2026-Q0", false),
            ("26-Q1", false),
            ("2026-q1", false),
            ("2026-Q1-", false),
            ("", false),
            ("१२-months", false),
        ] {
            assert_eq!(is_period(text), ok, "{text}");
        }
    }

    #[test]
    fn files_are_json_or_csv() {
        assert_eq!(split("CH-120101.csv").ok().map(|s| s.1), Some(Format::Csv));
        assert_eq!(split("12.json").ok().map(|s| s.1), Some(Format::Json));
        for bad in ["CH-120101", "CH-120101.xml", "x.CSV", ".", ""] {
            assert!(split(bad).is_err(), "{bad}");
        }
    }
}
