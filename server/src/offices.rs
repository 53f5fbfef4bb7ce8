//! Which offices are on the system. An administrator switches an office off while it is not
//! yet taking feedback (or no longer can); what would have gone to it goes to the nearest
//! office above it that is on ([`Directory::office_above`]): a commune hall's to the district's
//! OWSO, an OWSO's to the province's OWSU, a district citizens' office's to the province's.
//!
//! Guarantees: provincial offices are always on, so every item has an office to go to; the
//! set kept here is the stored one (loaded at start, changed in the same step as the
//! database, and reloaded by every deadline sweep, so several servers on one database agree
//! within a sweep); a reload never undoes a switch made here after the reload began reading.

use ourvoice_directory::{Directory, OfficeType};
use ourvoice_protocol::{sql_list, CaseStatus};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, RwLock};

use crate::store::sql::{Sql, Val};
use crate::store::StoreError;

/// The offices switched off, by code.
#[derive(Debug, Default)]
pub struct Offices {
    off: RwLock<HashSet<String>>,
    /// Counts the switches made here, so that a reload read before one of them does not undo it.
    switches: AtomicU64,
}

impl Offices {
    /// The offices switched off, as stored.
    pub fn load(sql: &mut dyn Sql) -> Result<HashSet<String>, StoreError> {
        sql.query(
            "SELECT office FROM office_settings WHERE receiving = 0",
            &[],
        )?
        .iter()
        .map(|row| row.text(0))
        .collect()
    }

    /// A mark to take before [`Offices::load`] and give to [`Offices::replace`].
    pub fn mark(&self) -> u64 {
        self.switches.load(Ordering::SeqCst)
    }

    /// Takes the stored set, read after `mark` was taken; a switch made here since then wins
    /// (the stored set may not have it yet), and the next reload brings any other change.
    pub fn replace(&self, off: HashSet<String>, mark: u64) {
        let mut current = self.off.write().unwrap_or_else(|e| e.into_inner());
        if self.switches.load(Ordering::SeqCst) == mark {
            *current = off;
        }
    }

    /// Records one office's switch (before the database has it, to stop routing there, and
    /// again after).
    pub fn set(&self, code: &str, receiving: bool) {
        let mut off = self.off.write().unwrap_or_else(|e| e.into_inner());
        self.switches.fetch_add(1, Ordering::SeqCst);
        if receiving {
            off.remove(code);
        } else {
            off.insert(code.to_string());
        }
    }

    /// Whether the office takes feedback.
    pub fn receiving(&self, code: &str) -> bool {
        !self
            .off
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(code)
    }

    /// The office that answers in place of `code`: `code` itself when it is on, otherwise the
    /// nearest office above it that is on (a provincial office at the latest).
    pub fn answering(&self, directory: &Directory, code: &str) -> String {
        let off = self.off.read().unwrap_or_else(|e| e.into_inner());
        let mut current = code.to_string();
        while off.contains(&current) {
            match directory.office_above(&current) {
                Some(above) => current = above.code.clone(),
                None => break,
            }
        }
        current
    }
}

/// Whether offices of this type may be switched off: provincial offices may not, since the
/// feedback of the offices below them goes to them.
pub fn may_switch_off(office_type: OfficeType) -> bool {
    !matches!(
        office_type,
        OfficeType::Owsu | OfficeType::ProvincialCitizensOffice
    )
}

/// What an administrator keeps about an office beyond the gazetteer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficeSettings {
    pub receiving: bool,
    pub phone: Option<String>,
    pub hours: Option<String>,
}

impl Default for OfficeSettings {
    fn default() -> OfficeSettings {
        OfficeSettings {
            receiving: true,
            phone: None,
            hours: None,
        }
    }
}

/// The settings of every office that has any, by code.
pub fn settings(
    sql: &mut dyn Sql,
) -> Result<std::collections::HashMap<String, OfficeSettings>, StoreError> {
    sql.query(
        "SELECT office, receiving, phone, hours FROM office_settings",
        &[],
    )?
    .iter()
    .map(|row| {
        Ok((
            row.text(0)?,
            OfficeSettings {
                receiving: row.int(1)? != 0,
                phone: row.opt_text(2)?,
                hours: row.opt_text(3)?,
            },
        ))
    })
    .collect()
}

/// One office's settings (the defaults when none were saved).
pub fn settings_of(sql: &mut dyn Sql, code: &str) -> Result<OfficeSettings, StoreError> {
    let row = sql.query_opt(
        "SELECT receiving, phone, hours FROM office_settings WHERE office = $1",
        &[Val::from(code)],
    )?;
    Ok(match row {
        Some(row) => OfficeSettings {
            receiving: row.int(0)? != 0,
            phone: row.opt_text(1)?,
            hours: row.opt_text(2)?,
        },
        None => OfficeSettings::default(),
    })
}

/// Saves one office's settings.
pub fn save(
    sql: &mut dyn Sql,
    code: &str,
    settings: &OfficeSettings,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO office_settings (office, receiving, phone, hours, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (office) DO UPDATE SET receiving = excluded.receiving,
            phone = excluded.phone, hours = excluded.hours, updated_at = excluded.updated_at",
        &[
            Val::from(code),
            Val::from(settings.receiving),
            Val::from(settings.phone.clone()),
            Val::from(settings.hours.clone()),
            Val::from(crate::clock::stamp(now)),
        ],
    )?;
    Ok(())
}

/// The open items of one office (the index on office and status answers it).
pub fn open_items(sql: &mut dyn Sql, code: &str) -> Result<i64, StoreError> {
    sql.query_one(&OPEN_ITEMS, &[Val::from(code)])?.int(0)
}

/// The open items of one office.
static OPEN_ITEMS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT count(*) FROM cases WHERE office = $1 AND status IN {}",
        sql_list(CaseStatus::OPEN)
    )
});

/// The open items per office.
static OPEN_PER_OFFICE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT office, count(*) FROM cases WHERE status IN {} GROUP BY office",
        sql_list(CaseStatus::OPEN)
    )
});

/// Open items and enabled accounts per office (offices with neither are absent).
pub fn load_per_office(
    sql: &mut dyn Sql,
) -> Result<std::collections::HashMap<String, (i64, i64)>, StoreError> {
    let mut per_office = std::collections::HashMap::<String, (i64, i64)>::new();
    for row in sql.query(&OPEN_PER_OFFICE, &[])? {
        per_office.entry(row.text(0)?).or_default().0 = row.int(1)?;
    }
    for row in sql.query(
        "SELECT office, count(*) FROM accounts WHERE disabled = 0 AND office IS NOT NULL GROUP BY office",
        &[],
    )? {
        per_office.entry(row.text(0)?).or_default().1 = row.int(1)?;
    }
    Ok(per_office)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_goes_to_the_nearest_office_that_is_on() {
        let directory = Directory::embedded();
        let offices = Offices::default();
        let answering = |offices: &Offices, code: &str| offices.answering(directory, code);
        assert_eq!(answering(&offices, "CH-120101"), "CH-120101");
        offices.set("CH-120101", false);
        assert_eq!(answering(&offices, "CH-120101"), "OWSO-1201");
        assert_eq!(answering(&offices, "CH-120102"), "CH-120102");
        offices.set("OWSO-1201", false);
        assert_eq!(answering(&offices, "CH-120101"), "OWSU-12");
        assert_eq!(answering(&offices, "OWSO-1201"), "OWSU-12");
        offices.set("DCO-1201", false);
        assert_eq!(answering(&offices, "DCO-1201"), "PCO-12");
        // Even a provincial office recorded as off (which the console refuses) keeps its items.
        offices.set("OWSU-12", false);
        assert_eq!(answering(&offices, "CH-120101"), "OWSU-12");
        offices.set("CH-120101", true);
        assert_eq!(answering(&offices, "CH-120101"), "CH-120101");
        // A reload that began before a switch does not undo it; the next one applies.
        let mark = offices.mark();
        offices.set("CH-120110", false);
        offices.replace(HashSet::new(), mark);
        assert_eq!(answering(&offices, "CH-120110"), "OWSU-12");
        offices.replace(HashSet::new(), offices.mark());
        assert_eq!(answering(&offices, "CH-120110"), "CH-120110");
        assert_eq!(answering(&offices, "CH-120101"), "CH-120101");
        assert!(!may_switch_off(OfficeType::Owsu));
        assert!(!may_switch_off(OfficeType::ProvincialCitizensOffice));
        assert!(may_switch_off(OfficeType::CommuneHall));
    }
}
