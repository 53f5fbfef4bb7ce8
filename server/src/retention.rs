//! Retention: the contact details a citizen left for the office only (confidential items) are
//! erased a configured number of months (`--retain-contacts-months`, default 24) after the item
//! closed. The deadline sweep calls [`erase_expired_contacts`] each period.
//!
//! Guarantees: safe to run any number of times, by any number of servers at once (the erasure
//! is one idempotent UPDATE with its record in the same transaction); each erasure is recorded
//! with its count only (the audit log's retention section), and no personal data is logged;
//! statistics do not change, as they read coded fields only.

use chrono::{DateTime, Months, Utc};

use crate::store::{retention, Store, StoreError};

/// The moment before which an item must have closed for its contact details to be erased.
pub fn closed_before(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Erases the contact details of confidential items closed more than `months` months ago;
/// how many items it erased.
pub async fn erase_expired_contacts(store: &Store, months: u32) -> Result<u64, StoreError> {
    let now = store.clock().now();
    let before = closed_before(now, months);
    let due = store
        .read(move |sql| retention::count_expired(sql, before))
        .await?;
    if due == 0 {
        return Ok(0);
    }
    let erased = store
        .write(move |sql| retention::erase_contacts(sql, before, now))
        .await?;
    if erased > 0 {
        tracing::info!(erased, months, "erased the contact details of closed items");
    }
    Ok(erased)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_counted_on_the_calendar() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        for (now, months, expect) in [
            ("2026-12-05T00:00:00Z", 24, "2024-12-05T00:00:00Z"),
            ("2026-03-31T10:00:00Z", 1, "2026-02-28T10:00:00Z"),
            ("2026-03-31T10:00:00Z", 0, "2026-03-31T10:00:00Z"),
        ] {
            assert_eq!(closed_before(at(now), months), at(expect), "{now} {months}");
        }
    }
}
