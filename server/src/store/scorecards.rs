//! The stored public scorecards: one row per subject (an office, a province, the country) with
//! its [`Scorecard`] as JSON and a strong ETag, and the open data files made with them (the
//! bulk downloads), all of the same last day.
//!
//! Guarantees: a day's set replaces the one before in one transaction ([`replace`]), so a
//! reader sees one day's set or the next, never a mix within a query; an ETag is the SHA-256
//! of the exact bytes stored ([`etag_of`]), so it changes exactly when the body does; nothing
//! here reads a case.

use chrono::{DateTime, NaiveDate, Utc};
use ourvoice_protocol::scorecards::{Scorecard, Subject};

use super::sql::{select, select_opt, FromRow, Named, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// One subject's stored scorecard.
#[derive(Clone, Debug)]
pub struct StoredScorecard {
    pub scorecard: Scorecard,
    /// The JSON exactly as stored (what the API answers).
    pub json: String,
    /// The strong ETag of `json`, quoted (`"3f2a…"`).
    pub etag: String,
    /// The last whole day the figures count.
    pub last_day: NaiveDate,
}

/// One subject's stored JSON, not parsed (for answering it as it is).
#[derive(Clone, Debug)]
pub struct StoredJson {
    pub json: String,
    pub etag: String,
    pub last_day: NaiveDate,
}

/// A scorecard to store: its subject, the province it belongs to (none for the country) and
/// its JSON.
#[derive(Clone, Debug)]
pub struct NewScorecard {
    pub subject: Subject,
    pub province: Option<String>,
    pub json: String,
}

/// An open data file: its name (the last part of its path), media type and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenDataFile {
    pub name: String,
    pub media_type: String,
    pub body: String,
    pub etag: String,
    pub last_day: NaiveDate,
}

/// The strong ETag of a body: its SHA-256 (the first 128 bits, in hex), quoted.
pub fn etag_of(body: &str) -> String {
    use sha2::{Digest, Sha256};
    format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(body.as_bytes()))[..32]
    )
}

/// The key a subject is stored under: `office:CH-120101`, `province:12`, `national`.
pub fn subject_key(subject: &Subject) -> String {
    match subject {
        Subject::Office { code } => format!("{OFFICE_PREFIX}{code}"),
        Subject::Province { code } => format!("{PROVINCE_PREFIX}{code}"),
        Subject::National => NATIONAL_KEY.to_string(),
    }
}

const OFFICE_PREFIX: &str = "office:";
const PROVINCE_PREFIX: &str = "province:";
const NATIONAL_KEY: &str = "national";

fn parse_day(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("day '{text}'")))
}

struct Stored {
    body: String,
    etag: String,
    last_day: NaiveDate,
}

impl FromRow for Stored {
    const COLUMNS: &'static str = "body, etag, last_day";

    fn from_row(row: &Named) -> Result<Stored, StoreError> {
        Ok(Stored {
            body: row.text("body")?,
            etag: row.text("etag")?,
            last_day: parse_day(&row.text("last_day")?)?,
        })
    }
}

impl Stored {
    fn parsed(self) -> Result<StoredScorecard, StoreError> {
        let scorecard = serde_json::from_str(&self.body)
            .map_err(|error| StoreError::Corrupt(format!("a stored scorecard: {error}")))?;
        Ok(StoredScorecard {
            scorecard,
            json: self.body,
            etag: self.etag,
            last_day: self.last_day,
        })
    }
}

/// The stored scorecard of `subject`, if the figures have been made and it has one.
pub fn read(sql: &mut dyn Sql, subject: &Subject) -> Result<Option<StoredScorecard>, StoreError> {
    select_opt::<Stored>(
        sql,
        "FROM scorecards WHERE subject = $1",
        &[Val::from(subject_key(subject))],
    )?
    .map(Stored::parsed)
    .transpose()
}

/// The stored JSON of `subject` as it is (one row, not parsed).
pub fn read_json(sql: &mut dyn Sql, subject: &Subject) -> Result<Option<StoredJson>, StoreError> {
    Ok(select_opt::<Stored>(
        sql,
        "FROM scorecards WHERE subject = $1",
        &[Val::from(subject_key(subject))],
    )?
    .map(|row| StoredJson {
        json: row.body,
        etag: row.etag,
        last_day: row.last_day,
    }))
}

/// The scorecards of every office of province `code` (`12`), by office code.
pub fn offices_in_province(
    sql: &mut dyn Sql,
    code: &str,
) -> Result<Vec<StoredScorecard>, StoreError> {
    select::<Stored>(
        sql,
        "FROM scorecards WHERE province = $1 AND subject LIKE $2 ORDER BY subject",
        &[Val::from(code), Val::from(format!("{OFFICE_PREFIX}%"))],
    )?
    .into_iter()
    .map(Stored::parsed)
    .collect()
}

/// The scorecards of every province, by code.
pub fn provinces(sql: &mut dyn Sql) -> Result<Vec<StoredScorecard>, StoreError> {
    select::<Stored>(
        sql,
        "FROM scorecards WHERE subject LIKE $1 ORDER BY subject",
        &[Val::from(format!("{PROVINCE_PREFIX}%"))],
    )?
    .into_iter()
    .map(Stored::parsed)
    .collect()
}

/// The last day of the stored set (none before the first computation).
pub fn stored_day(sql: &mut dyn Sql) -> Result<Option<NaiveDate>, StoreError> {
    sql.query_opt(
        "SELECT last_day FROM scorecards WHERE subject = $1",
        &[Val::from(NATIONAL_KEY)],
    )?
    .map(|row| parse_day(&row.text(0)?))
    .transpose()
}

/// Whether any case was received from `start` (inclusive) to `end` (exclusive): one index
/// lookup.
pub fn any_case_received(
    sql: &mut dyn Sql,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(sql
        .query_opt(
            "SELECT number FROM cases WHERE received_at >= $1 AND received_at < $2 LIMIT 1",
            &[Val::from(stamp(start)), Val::from(stamp(end))],
        )?
        .is_some())
}

/// Rows written by one statement.
const ROWS_PER_STATEMENT: usize = 100;

/// Replaces the stored set by `scorecards` and `files` of `last_day`, in the caller's
/// transaction.
pub fn replace(
    sql: &mut dyn Sql,
    last_day: NaiveDate,
    scorecards: &[NewScorecard],
    files: &[OpenDataFile],
) -> Result<(), StoreError> {
    let day = last_day.format("%Y-%m-%d").to_string();
    sql.execute("DELETE FROM scorecards", &[])?;
    sql.execute("DELETE FROM open_data_files", &[])?;
    for chunk in scorecards.chunks(ROWS_PER_STATEMENT) {
        let mut statement = String::from(
            "INSERT INTO scorecards (subject, province, last_day, body, etag) VALUES ",
        );
        let mut params = Vec::with_capacity(chunk.len() * 5);
        for (i, card) in chunk.iter().enumerate() {
            let n = i * 5;
            if i > 0 {
                statement.push_str(", ");
            }
            statement.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5
            ));
            params.extend([
                Val::from(subject_key(&card.subject)),
                Val::from(card.province.clone()),
                Val::from(&day),
                Val::from(&card.json),
                Val::from(etag_of(&card.json)),
            ]);
        }
        sql.execute(&statement, &params)?;
    }
    for file in files {
        sql.execute(
            "INSERT INTO open_data_files (name, last_day, media_type, body, etag)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                Val::from(&file.name),
                Val::from(&day),
                Val::from(&file.media_type),
                Val::from(&file.body),
                Val::from(&file.etag),
            ],
        )?;
    }
    Ok(())
}

impl FromRow for OpenDataFile {
    const COLUMNS: &'static str = "name, media_type, body, etag, last_day";

    fn from_row(row: &Named) -> Result<OpenDataFile, StoreError> {
        Ok(OpenDataFile {
            name: row.text("name")?,
            media_type: row.text("media_type")?,
            body: row.text("body")?,
            etag: row.text("etag")?,
            last_day: parse_day(&row.text("last_day")?)?,
        })
    }
}

/// The stored open data file named `name`.
pub fn read_file(sql: &mut dyn Sql, name: &str) -> Result<Option<OpenDataFile>, StoreError> {
    select_opt(
        sql,
        "FROM open_data_files WHERE name = $1",
        &[Val::from(name)],
    )
}

/// The names of the stored open data files, sorted.
pub fn file_names(sql: &mut dyn Sql) -> Result<Vec<String>, StoreError> {
    sql.query("SELECT name FROM open_data_files ORDER BY name", &[])?
        .iter()
        .map(|row| row.text(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_have_keys_of_their_own() {
        for (subject, key) in [
            (
                Subject::Office {
                    code: "CH-120101".into(),
                },
                "office:CH-120101",
            ),
            (Subject::Province { code: "12".into() }, "province:12"),
            (Subject::National, "national"),
        ] {
            assert_eq!(subject_key(&subject), key);
        }
        assert_eq!(etag_of("{}"), etag_of("{}"));
        assert_ne!(etag_of("{}"), etag_of("{ }"));
        assert_eq!(etag_of("").len(), 34);
    }
}
