//! Open311 GeoReport v2 over the same cases: service requests as Open311 lists them, the
//! location an Open311 client gives with a new request, and API keys (stored as SHA-256 digests).
//!
//! Guarantees: a request's location is written in the same (group-committed) ingest
//! transaction as the case itself, so it is stored whole or not at all; the rows read here carry
//! coded fields only (service, status, office, place, dates, number) and never contact details.
//! The description, the office's public replies and the location an Open311 client gave are
//! read only for a case whose citizen chose to publish its text (`cases.publish_text`), and
//! never for a confidential case, a complaint about office staff or an evaluation, whatever the
//! stored flag says.

use chrono::{DateTime, Utc};
use ourvoice_protocol::{may_publish_text, sql_list, CaseStatus, ItemOutcome, Kind, PrivacyMode};
use std::sync::LazyLock;

use super::sql::{select, FromRow, Named, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// Where an Open311 client said the request is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub address_string: Option<String>,
}

/// Stores where Open311 clients said each accepted case is (nothing for a repeat, or an empty
/// location), a hundred cases per statement, in the caller's transaction.
pub fn save_locations(
    sql: &mut dyn Sql,
    located: &[(&ItemOutcome, &Location)],
) -> Result<(), StoreError> {
    let rows: Vec<[Val; 4]> = located
        .iter()
        .filter_map(|(outcome, location)| match outcome {
            ItemOutcome::Accepted { server_number, .. } if **location != Location::default() => {
                Some([
                    Val::Int(*server_number as i64),
                    Val::from(location.latitude.clone()),
                    Val::from(location.longitude.clone()),
                    Val::from(location.address_string.clone()),
                ])
            }
            _ => None,
        })
        .collect();
    for chunk in rows.chunks(100) {
        let placeholders: Vec<String> = (0..chunk.len())
            .map(|row| {
                let n = row * 4;
                format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4)
            })
            .collect();
        let params: Vec<Val> = chunk.iter().flatten().cloned().collect();
        sql.execute(
            &format!(
                "INSERT INTO open311_locations (case_number, latitude, longitude, address_string) VALUES {}
                 ON CONFLICT (case_number) DO NOTHING",
                placeholders.join(", ")
            ),
            &params,
        )?;
    }
    Ok(())
}

/// Which requests to list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Server numbers; when given, the other filters do not apply.
    pub numbers: Vec<i64>,
    pub service_codes: Vec<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// `Some(true)` closed only, `Some(false)` open only.
    pub closed: Option<bool>,
    /// The window ends now (the client gave no end): the newest requests are found by walking
    /// the numbers down from the newest, each checked against the window, until `limit` are
    /// found, instead of reading every request of the window to sort them (which grows with
    /// the requests received in the window).
    pub up_to_now: bool,
    pub limit: i64,
}

/// One request as Open311 shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRow {
    pub number: i64,
    pub category: String,
    pub place: String,
    pub office: String,
    /// The citizen chose to publish the text, and the case may have public text: only then
    /// are `description`, `status_note` and the location filled in.
    pub public_text: bool,
    /// Empty unless `public_text`.
    pub description: String,
    pub status: CaseStatus,
    pub received_at: String,
    pub updated_at: String,
    pub due_at: Option<String>,
    /// The location an Open311 client gave; `None` unless `public_text`.
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub address_string: Option<String>,
    /// The newest public reply of the office; `None` unless `public_text`.
    pub status_note: Option<String>,
    /// The first received photo; `None` unless `public_text`.
    pub photo: Option<uuid::Uuid>,
}

/// The closed statuses, as an SQL list.
static CLOSED: LazyLock<String> = LazyLock::new(|| sql_list(CaseStatus::CLOSED));

pub fn requests(sql: &mut dyn Sql, filter: &Filter) -> Result<Vec<RequestRow>, StoreError> {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    let next = |value: Val, params: &mut Vec<Val>| {
        params.push(value);
        format!("${}", params.len())
    };
    if !filter.numbers.is_empty() {
        let list: Vec<String> = filter
            .numbers
            .iter()
            .map(|n| next(Val::Int(*n), &mut params))
            .collect();
        conditions.push(format!("c.number IN ({})", list.join(", ")));
    } else {
        if !filter.service_codes.is_empty() {
            let list: Vec<String> = filter
                .service_codes
                .iter()
                .map(|c| next(Val::from(c), &mut params))
                .collect();
            conditions.push(format!("c.category IN ({})", list.join(", ")));
        }
        // `|| ''` keeps either engine from answering the window from the index on
        // `received_at` (see `Filter::up_to_now`).
        let received_at = if filter.up_to_now {
            "(c.received_at || '')"
        } else {
            "c.received_at"
        };
        if let Some(start) = filter.start {
            conditions.push(format!(
                "{received_at} >= {}",
                next(Val::from(stamp(start)), &mut params)
            ));
        }
        if let Some(end) = filter.end {
            conditions.push(format!(
                "{received_at} <= {}",
                next(Val::from(stamp(end)), &mut params)
            ));
        }
        match filter.closed {
            Some(true) => conditions.push(format!("c.status IN {}", *CLOSED)),
            Some(false) => conditions.push(format!("c.status NOT IN {}", *CLOSED)),
            None => {}
        }
    }
    let condition = if conditions.is_empty() {
        "1 = 1".to_string()
    } else {
        conditions.join(" AND ")
    };
    // A number the server checked, written into the statement so each planner sees it.
    let limit = filter.limit.max(0);
    let mut rows: Vec<RequestRow> = select(
        sql,
        &format!(
            "FROM cases c LEFT JOIN open311_locations l ON l.case_number = c.number
             WHERE {condition}
             ORDER BY c.number DESC
             LIMIT {limit}"
        ),
        &params,
    )?;
    let public: Vec<i64> = rows
        .iter()
        .filter(|row| row.public_text)
        .map(|row| row.number)
        .collect();
    if !public.is_empty() {
        let photos = super::attachments::first_photos(sql, &public)?;
        for row in &mut rows {
            row.photo = photos.get(&row.number).copied();
        }
    }
    Ok(rows)
}

impl FromRow for RequestRow {
    const COLUMNS: &'static str = "c.number, c.kind, c.category, c.place, c.office, c.privacy,
        c.description, c.status, c.received_at,
        (SELECT max(e.at) FROM case_events e WHERE e.case_number = c.number) AS updated_at,
        c.due_at, l.latitude, l.longitude, l.address_string,
        (SELECT e.reply_text FROM case_events e
          WHERE e.case_number = c.number AND e.public = 1 AND e.reply_text IS NOT NULL
          ORDER BY e.seq DESC LIMIT 1) AS status_note,
        c.publish_text, c.about_office_staff";

    fn from_row(row: &Named) -> Result<RequestRow, StoreError> {
        let kind = row.text("kind")?;
        let chosen = row.bool("publish_text")?;
        // The protocol's rule again, so a flag stored wrongly cannot publish what may not be.
        let about_office_staff = row.bool("about_office_staff")?;
        let confidential = row.code::<PrivacyMode>("privacy")? == PrivacyMode::Confidential;
        let public_text = chosen
            && Kind::from_code(&kind)
                .is_some_and(|kind| may_publish_text(kind, about_office_staff, confidential));
        let public = |value: Option<String>| value.filter(|_| public_text);
        let received_at = row.text("received_at")?;
        Ok(RequestRow {
            number: row.int("number")?,
            category: row.text("category")?,
            place: row.text("place")?,
            office: row.text("office")?,
            public_text,
            description: public(Some(row.text("description")?)).unwrap_or_default(),
            status: row.code("status")?,
            updated_at: row.opt_text("updated_at")?.unwrap_or(received_at.clone()),
            received_at,
            due_at: row.opt_text("due_at")?,
            latitude: public(row.opt_text("latitude")?),
            longitude: public(row.opt_text("longitude")?),
            address_string: public(row.opt_text("address_string")?),
            status_note: public(row.opt_text("status_note")?),
            photo: None,
        })
    }
}

/// The server number of the case with this id, if any.
pub fn number_of(sql: &mut dyn Sql, id: &str) -> Result<Option<i64>, StoreError> {
    sql.query_opt("SELECT number FROM cases WHERE id = $1", &[Val::from(id)])?
        .map(|row| row.int(0))
        .transpose()
}

/// Whether a key with this digest exists and is not revoked.
pub fn key_is_valid(sql: &mut dyn Sql, digest: &str) -> Result<bool, StoreError> {
    Ok(sql
        .query_opt(
            "SELECT id FROM api_keys WHERE key_digest = $1 AND revoked_at IS NULL",
            &[Val::from(digest)],
        )?
        .is_some())
}

pub fn create_key(
    sql: &mut dyn Sql,
    name: &str,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO api_keys (name, key_digest, created_at) VALUES ($1, $2, $3)",
        &[Val::from(name), Val::from(digest), Val::from(stamp(now))],
    )?;
    Ok(())
}

/// Revokes the named key; the number of keys revoked (0 when there is none by that name).
pub fn revoke_key(sql: &mut dyn Sql, name: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
    sql.execute(
        "UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
        &[Val::from(name), Val::from(stamp(now))],
    )
}

/// One API key as the administrator sees it (never the key itself: only its digest is kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRow {
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl FromRow for KeyRow {
    const COLUMNS: &'static str = "name, created_at, revoked_at";

    fn from_row(row: &Named) -> Result<KeyRow, StoreError> {
        Ok(KeyRow {
            name: row.text("name")?,
            created_at: row.text("created_at")?,
            revoked_at: row.opt_text("revoked_at")?,
        })
    }
}

/// Every key, newest first.
pub fn keys(sql: &mut dyn Sql) -> Result<Vec<KeyRow>, StoreError> {
    select(sql, "FROM api_keys ORDER BY id DESC", &[])
}

/// Whether a key (active or revoked) already has this name.
pub fn key_name_taken(sql: &mut dyn Sql, name: &str) -> Result<bool, StoreError> {
    Ok(sql
        .query_opt(
            "SELECT id FROM api_keys WHERE name = $1",
            &[Val::from(name)],
        )?
        .is_some())
}
